#!/bin/sh
# The founding scenario, in the real kernel: seed/seed.ks, one file, holds
# an XDP program that drops packets from blocked sources, a sched_switch
# tracepoint program that counts context switches, and the main that blocks
# --block before it loads anything (the map is written before load()), then
# loads both, attaches both, waits and prints the counts.
#
# On the host end of a veth pair, blocking the namespace end's address:
# datagrams from it must not arrive, datagrams from a second address of the
# namespace must; the counts printed at Ctrl-C must match; SIGINT must end
# it with status 0 and leave no program or link of it in the kernel and no
# XDP program on the interface.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

N=20			# datagrams per burst
PASS_PORT=7400
BLOCK_PORT=7401
B=$kt_tmp/seed
T=seed

built=0
missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/seed/seed.ks" "$B"; then
	built=1
fi

# prog_named NAME TYPE: the id of the loader's program NAME, which must be
# of bpftool's TYPE (empty if none).
prog_named() {
	for id in $KS_PROG_IDS; do
		bpftool prog show id "$id" | grep -q "^$id: $2  name $1 " && echo "$id"
	done
}

test_seed() {
	t=$T
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	ks_add_second_address || {
		fail "$t" "cannot add a second address to $KT_IF_NS"
		return
	}
	BLOCK=$(ks_ip_u32 "$KT_IP_NS")
	SEED_OUT=$kt_tmp/seed.out
	kt_bg "$SEED_OUT" "$B/seed" --interface="$KT_IF_HOST" --block="$BLOCK"
	SEED_PID=$KT_BG_PID
	if ! ks_wait_links "$SEED_PID" 2; then
		fail "$t: attach" "the loader did not make its two links" "$SEED_OUT" "$SEED_OUT.err"
		return
	fi
	xdp=$(prog_named drop_blocked xdp)
	tp=$(prog_named count_switch tracepoint)
	if [ -n "$xdp" ] && ip link show dev "$KT_IF_HOST" | grep -q "prog/xdp id $xdp "; then
		pass "$t: drop_blocked is attached to $KT_IF_HOST (ip link: prog/xdp id $xdp)"
	else
		fail "$t: attach" "no XDP program drop_blocked of the loader on $KT_IF_HOST"
	fi
	if [ -n "$tp" ] && bpftool link show | grep -q "prog $tp\$\|prog $tp "; then
		pass "$t: count_switch is linked to sched/sched_switch (program $tp)"
	else
		fail "$t: attach" "no link to a tracepoint program count_switch of the loader"
	fi

	ks_two_sources "$t" "$N" "$PASS_PORT" "$BLOCK_PORT"
	map=$(ks_map_id "$SEED_PID" blocklist)
	drops=$(ks_map_value "$map" "$BLOCK")
	if [ "$drops" = "$N" ]; then
		pass "$t: the blocklist map counts $N drops for $KT_IP_NS"
	else
		fail "$t: blocklist[$BLOCK]" "is '$drops', expected $N"
	fi

	ks_stop "$t" "$SEED_PID" "$SEED_OUT" || return
	if head -n 1 "$SEED_OUT" | grep -qx "filtering on $KT_IF_HOST, blocking $BLOCK"; then
		pass "$t: it prints \"filtering on $KT_IF_HOST, blocking $BLOCK\""
	else
		fail "$t: first line" "not what main prints" "$SEED_OUT"
	fi
	line=$(grep '^passed=' "$SEED_OUT")
	# shellcheck disable=SC2046
	set -- $(echo "$line" |
		sed -n 's/^passed=\([0-9]*\) dropped=\([0-9]*\) switches=\([0-9]*\)$/\1 \2 \3/p')
	if [ $# = 3 ] && [ "$1" -ge $((N + 1)) ] && [ "$2" = "$N" ] && [ "$3" -gt 0 ]; then
		pass "$t: at exit it prints \"$line\" (passed >= $((N + 1)), dropped $N, switches > 0)"
	else
		fail "$t: at exit" "expected passed >= $((N + 1)), dropped=$N, switches > 0" "$SEED_OUT"
	fi
	if grep -qx "source $BLOCK: $N dropped" "$SEED_OUT"; then
		pass "$t: it prints \"source $BLOCK: $N dropped\""
	else
		fail "$t: at exit" "no line 'source $BLOCK: $N dropped'" "$SEED_OUT"
	fi
	[ -s "$SEED_OUT.err" ] && fail "$t: stderr" "not empty" "$SEED_OUT.err"
	# its program and link ids gone from bpftool prog and bpftool link,
	# no XDP on the interface
	ks_nothing_left "$t" "$KT_IF_HOST"
}

[ "$built" = 1 ] && test_seed
summary
