#!/bin/sh
# The constructs the completed language added, in eBPF code in the real
# kernel: completed/completed.ks is compiled and built, xdp_run runs its XDP
# program once with BPF_PROG_TEST_RUN, and out[i] must hold what
# LANGUAGE.md says each case gives.  completed/comm.ks reads task->comm
# through a kernel pointer (CO-RE) in a tracepoint program, and must find
# its own name among the tasks it saw.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=completed
ks_build_for_xdp_run "$T" "$KT_DIR/completed/completed.ks"
ks_xdp_run completed completed 1 out

# expect INDEX VALUE WHAT
expect() { expect_line "$3" "out[$1] $2"; }
expect 0 6 "[3; 8] repeats 3"
expect 1 50 "a match on level(2) + 1"
expect 2 70 "a block arm where a value is needed"
expect 3 21 "string patterns on a variable and a literal argument"
expect 4 9 "a string pattern on a struct member"
expect 5 97050 "a str(8) and a u8[2] given for str(16) and u8[8]: padded with zeroes"
expect 6 1 "a str(8) stored into a map of str(16)"
expect 7 1 "a struct literal whose members are given a string and an array variable"
expect 8 500 "u8[2] assigned to a u8[8]: copied, the rest zeroed"
expect 9 1 "a named str return: bare return, and falling off the end"
expect 10 4215 "&m[k].f and &m[k].a[i] change the entry"
expect 11 1 "&m[k].f of an absent key is null"
expect 12 207 "a map keyed by u8[6]: += (also in a helper given the map) and a literal key"
expect 13 1 "an absent array key is null"
expect 14 1 "delete of an array key"
expect 15 34 "a map keyed by str(16): a str(8) key (padded), a literal, a str(16) variable"
expect 16 1 "a match of shorter strings given for a str(16) parameter"

kt_ensure_tracefs
if ks_build "$T: comm" "$KT_DIR/completed/comm.ks" "$kt_tmp/comm"; then
	status=0
	timeout 30 "$kt_tmp/comm/comm" >"$kt_tmp/comm.out" 2>"$kt_tmp/comm.err" || status=$?
	if [ "$status" = 0 ] && [ "$(cat "$kt_tmp/comm.out")" = "found itself: 1, fourth letter m" ]; then
		pass "$T: task->comm read through a kernel pointer, whole and by element"
	else
		fail "$T: comm" "status $status" "$kt_tmp/comm.out" "$kt_tmp/comm.err"
	fi
fi
summary
