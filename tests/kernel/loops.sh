#!/bin/sh
# eBPF loops the checker accepts, in the real kernel: tests/good/loops.ks
# (a constant bound, a local that keeps a constant, a narrow bound read
# from a map, a counted while, a loop left early with break) is compiled
# and built, the verifier must load it, and one BPF_PROG_TEST_RUN must
# leave exactly the counts its loops make.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=loops
B=$kt_tmp/loops
ks_build_for_xdp_run "$T" "$KT_DIR/../good/loops.ks"
if "$kt_tmp/xdp_run" "$B/.output/loops.bpf.o" spin 1 totals >"$kt_tmp/run.out" 2>"$kt_tmp/run.err"; then
	pass "$T: the verifier accepts every loop, and the program runs"
else
	fail "$T: BPF_PROG_TEST_RUN" "xdp_run failed" "$kt_tmp/run.err"
fi

# expect WHAT LINE: LINE is in the output.
expect() {
	if grep -qxF "$2" "$kt_tmp/run.out"; then
		pass "$T: $1 ($2)"
	else
		fail "$T: $1" "no line '$2'" "$kt_tmp/run.out"
	fi
}
expect "0..16 once, then 0..rounds with rounds = 100" "totals[0] 101"
expect "0..n with n read from a map (absent: 0)" "totals[1] 1"
expect "while (j < 64) adds 0 + 1 + ... + 63" "totals[2] 2017"
expect "the loop that breaks once totals[3] passes 10" "totals[3] 11"
expect "the constant loop reaches the last index" "totals[15] 1"
summary
