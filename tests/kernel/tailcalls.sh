#!/bin/sh
# Tail calls in the real kernel: tailcalls/tailcalls.ks has an XDP chain
# (entry dispatches by a match on the packet's length to parse_a or
# parse_b, which both hand over to finish) and a tc chain (classify hands
# big packets to big).  xdp_run runs them with BPF_PROG_TEST_RUN on
# packets of chosen sizes, and each stage's counter must say which ran;
# then the object is loaded with bpftool: every stage is a program of its
# own, and the entry's xlated code holds the tail call.  tailcalls/veth.ks
# runs an XDP and a tc chain on a veth pair: datagrams sent across it reach
# entry, and each goes on to even or odd, whose counts add up to entry's;
# then classify, which hands each to account.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=tailcalls
ks_build_for_xdp_run "$T" "$KT_DIR/tailcalls/tailcalls.ks"

# 64 % 3 = 1: parse_b; 65: the default, XDP_DROP; 66: parse_a; 67: parse_b
ks_xdp_run tailcalls entry@64,entry@65,entry@66,entry@67 1 stages
expect_line "the last packet went entry, parse_b, finish: XDP_TX" "verdict 3"
expect_line "entry ran for each of the 4 packets" "stages[0] 4"
expect_line "parse_a ran for the one of 66 bytes" "stages[1] 1"
expect_line "parse_b ran for 64 and 67 bytes" "stages[2] 2"
expect_line "finish ran after each parse" "stages[3] 3"

ks_xdp_run tailcalls classify@64,classify@200,classify@300 1 stages
expect_line "the last packet went classify, big: TC_ACT_SHOT" "verdict 2"
expect_line "classify ran for each of the 3 packets" "stages[4] 3"
expect_line "big ran for the 2 packets over 100 bytes" "stages[5] 2"

pin=/sys/fs/bpf/kt_tailcalls_$$
if ks_load "$T" "$kt_tmp/tailcalls/.output/tailcalls.bpf.o" "$pin" "the object loads"; then
	for stage in entry parse_a parse_b finish classify big; do
		if bpftool prog show pinned "$pin/$stage" >"$kt_tmp/show" 2>&1; then
			pass "$T: $stage is a program of its own ($(awk 'NR == 1 { print $1 $2 }' "$kt_tmp/show"))"
		else
			fail "$T: $stage" "not a loaded program" "$kt_tmp/show"
		fi
	done
	if bpftool prog dump xlated pinned "$pin/entry" >"$kt_tmp/xlated" 2>&1 &&
	   grep -q 'bpf_tail_call\|tail_call' "$kt_tmp/xlated"; then
		pass "$T: entry's xlated code calls bpf_tail_call"
	else
		fail "$T: xlated" "no tail call in entry" "$kt_tmp/xlated"
	fi
	rm -rf "$pin"
fi

# ---- on a veth pair ----
test_veth() {
	t="$T: veth"
	missing=$(kt_build_tool) || { fail "$t" "$missing"; return; }
	ks_build "$t" "$KT_DIR/tailcalls/veth.ks" "$kt_tmp/veth" || return
	kt_veth_create || { fail "$t" "cannot create the veth pair"; return; }
	kt_bg "$kt_tmp/veth.out" "$kt_tmp/veth/veth" --interface="$KT_IF_HOST"
	pid=$KT_BG_PID
	if ! ks_wait_links "$pid" 2; then
		fail "$t: attach" "the loader did not attach" "$kt_tmp/veth.out" "$kt_tmp/veth.out.err"
		return
	fi
	pass "$t: entry and classify attached to $KT_IF_HOST"
	kt_udp_send "$KT_NS" "$KT_IP_HOST" 9 20
	map=$(ks_map_id "$pid" stages)
	n=0
	while [ "$(ks_map_value "$map" 0)" -lt 20 ] 2>/dev/null && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	# a packet still on its way through the chain: read again until the
	# counts settle
	n=0
	while :; do
		entry=$(ks_map_value "$map" 0) even=$(ks_map_value "$map" 1) odd=$(ks_map_value "$map" 2)
		classify=$(ks_map_value "$map" 3) account=$(ks_map_value "$map" 4)
		[ $((even + odd)) = "$entry" ] && [ "$account" = "$classify" ] && break
		[ $n -ge 20 ] && break
		sleep 0.1
		n=$((n + 1))
	done
	if [ "${entry:-0}" -ge 20 ] && [ $((even + odd)) = "$entry" ]; then
		pass "$t: entry saw $entry packets, even $even and odd $odd after it"
	else
		fail "$t: stages" "entry ${entry:-none}, even ${even:-none}, odd ${odd:-none}"
	fi
	if [ "${classify:-0}" -ge 20 ] && [ "$account" = "$classify" ]; then
		pass "$t: classify saw $classify packets, and account each after it"
	else
		fail "$t: tc stages" "classify ${classify:-none}, account ${account:-none}"
	fi
	ks_stop "$t" "$pid" "$kt_tmp/veth.out"
	kt_veth_destroy
}
test_veth
summary
