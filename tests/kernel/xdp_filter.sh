#!/bin/sh
# examples/xdp_filter.ks in the real kernel: an XDP filter that drops IPv4
# packets from blocked sources, with a drop counter per blocked source and
# per-CPU totals of passed and dropped packets.
#
# (a) BPF_PROG_TEST_RUN: xdp_filter/prog_test_run.c, built here with cc and
#     libbpf, loads the generated .output/xdp_filter.bpf.o, blocks a source
#     and runs crafted packets through the program: verdicts, the drop
#     counter and the per-CPU totals must be exact.
# (b) Real packets: the generated loader on the host end of a veth pair,
#     --block=the namespace end's address; datagrams from that address must
#     not arrive, datagrams from a second address of the namespace must,
#     and the counts the loader prints must match.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

N=20			# datagrams per burst
PASS_PORT=7200		# a receiver for the datagrams from the allowed address
BLOCK_PORT=7201		# and one for those from the blocked address
B=$kt_tmp/xdp_filter	# the generated project
T=xdp_filter

built=0
missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_TOP/examples/xdp_filter.ks" "$B"; then
	built=1
fi

# ---- (a) BPF_PROG_TEST_RUN ----

test_prog_test_run() {
	t="$T: BPF_PROG_TEST_RUN"
	# shellcheck disable=SC2046
	if ! "${CC:-cc}" -O2 -Wall -Wextra -Werror -o "$kt_tmp/prog_test_run" \
		"$KT_DIR/xdp_filter/prog_test_run.c" $(kt_libbpf_libs) >"$kt_tmp/ptr.log" 2>&1; then
		fail "$t" "cannot build xdp_filter/prog_test_run.c" "$kt_tmp/ptr.log"
		return
	fi
	"$kt_tmp/prog_test_run" "$B/.output/xdp_filter.bpf.o" >"$kt_tmp/ptr.out" 2>"$kt_tmp/ptr.err"
	status=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "$t: ${line#ok - }" ;;
		"not ok - "*) fail "$t: ${line#not ok - }" "(above)" ;;
		esac
	done <"$kt_tmp/ptr.out"
	if [ $status = 2 ] || ! grep -q '^ok - ' "$kt_tmp/ptr.out"; then
		fail "$t" "the driver could not run (exit $status)" "$kt_tmp/ptr.out" "$kt_tmp/ptr.err"
	elif [ $status != 0 ] && ! grep -q '^not ok - ' "$kt_tmp/ptr.out"; then
		fail "$t" "the driver exited $status" "$kt_tmp/ptr.out" "$kt_tmp/ptr.err"
	fi
}

# ---- (b) real packets ----

test_real_packets() {
	t="$T: real packets"
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	ks_add_second_address || {
		fail "$t" "cannot add a second address to $KT_IF_NS"
		return
	}
	BLOCK=$(ks_ip_u32 "$KT_IP_NS")

	XF_OUT=$kt_tmp/xdp_filter.out
	kt_bg "$XF_OUT" "$B/xdp_filter" --interface="$KT_IF_HOST" --block="$BLOCK"
	XF_PID=$KT_BG_PID
	if ! ks_wait_links "$XF_PID" 1; then
		fail "$t: attach" "the loader did not attach" "$XF_OUT" "$XF_OUT.err"
		return
	fi
	if ip link show dev "$KT_IF_HOST" | grep -q "prog/xdp id $KS_PROG_IDS "; then
		pass "$t: --interface=$KT_IF_HOST attaches xdp_filter (ip link: prog/xdp id $KS_PROG_IDS)"
	else
		fail "$t: attach" "ip link shows no prog/xdp id $KS_PROG_IDS on $KT_IF_HOST"
	fi
	# main puts --block into the map after attaching: wait for it
	map=$(ks_map_id "$XF_PID" blocklist)
	n=0
	while [ -z "$(ks_map_value "$map" "$BLOCK")" ]; do
		if [ $n -ge 50 ]; then
			fail "$t: --block=$BLOCK" "not in the blocklist map after 5 s" "$XF_OUT.err"
			return
		fi
		sleep 0.1
		n=$((n + 1))
	done
	pass "$t: --block=$BLOCK ($KT_IP_NS) is in the blocklist map"

	ks_two_sources "$t" "$N" "$PASS_PORT" "$BLOCK_PORT"

	drops=$(ks_map_value "$map" "$BLOCK")
	if [ "$drops" = "$N" ]; then
		pass "$t: the blocklist map counts $N drops for $KT_IP_NS"
	else
		fail "$t: blocklist[$BLOCK]" "is '$drops', expected $N"
	fi

	# The loader prints every second: the totals, then a line per source.
	# At Ctrl-C it prints the totals once more but no source lines, since
	# its loop over the blocklist ends on the signal too.  Let a whole
	# round pass after the traffic.
	sleep 1.5
	ks_stop "$t" "$XF_PID" "$XF_OUT" || return
	if head -n 1 "$XF_OUT" | grep -qx "xdp_filter on $KT_IF_HOST, blocking $BLOCK; Ctrl-C to stop"; then
		pass "$t: it prints \"xdp_filter on $KT_IF_HOST, blocking $BLOCK; Ctrl-C to stop\""
	else
		fail "$t: first line" "not what main prints" "$XF_OUT"
	fi
	totals=$(grep '^passed [0-9]*, dropped [0-9]*$' "$XF_OUT" | tail -n 1)
	passed=$(echo "$totals" | sed 's/^passed \([0-9]*\),.*/\1/')
	dropped=$(echo "$totals" | sed 's/.*dropped //')
	if [ "$dropped" = "$N" ] && [ -n "$passed" ] && [ "$passed" -ge $((N + 1)) ]; then
		pass "$t: its last totals, \"$totals\", match (dropped $N, passed >= $((N + 1)))"
	else
		fail "$t: printed totals" "last is '$totals', expected dropped $N and passed >= $((N + 1))" "$XF_OUT"
	fi
	source=$(grep '^  source ' "$XF_OUT" | tail -n 1)
	if [ "$source" = "  source $BLOCK: $N dropped" ]; then
		pass "$t: it prints \"source $BLOCK: $N dropped\""
	else
		fail "$t: printed source line" "last is '$source', expected '  source $BLOCK: $N dropped'" "$XF_OUT"
	fi
	[ -s "$XF_OUT.err" ] && fail "$t: stderr" "not empty" "$XF_OUT.err"
	ks_nothing_left "$t" "$KT_IF_HOST"
}

if [ "$built" = 1 ]; then
	test_prog_test_run
	test_real_packets
fi
summary
