#!/bin/sh
# Tail calls in the real kernel: tailcalls/tailcalls.ks has an XDP chain
# (entry dispatches by a match on the packet's length to parse_a or
# parse_b, which both hand over to finish) and a tc chain (classify hands
# big packets to big).  xdp_run runs them with BPF_PROG_TEST_RUN on
# packets of chosen sizes, and each stage's counter must say which ran;
# then the object is loaded with bpftool: every stage is a program of its
# own, and the entry's xlated code holds the tail call.
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
summary
