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
ks_build_for_xdp_run "$T" "$KT_DIR/../good/loops.ks"
ks_xdp_run loops spin 1 totals

# expect WHAT LINE: LINE is in the output.
expect() { expect_line "$@"; }
expect "0..16 once, then 0..rounds with rounds = 100" "totals[0] 101"
expect "0..n with n read from a map (absent: 0)" "totals[1] 1"
expect "while (j < 64) adds 0 + 1 + ... + 63" "totals[2] 2017"
expect "the loop that breaks once totals[3] passes 10" "totals[3] 11"
expect "the constant loop reaches the last index" "totals[15] 1"
expect "while (x != 1 && steps < 200): 27 reaches 1 in 111 steps" "totals[4] 111"
expect "while (down > 0) from 50 adds 50 + 49 + ... + 1 (to the first loop's 1)" "totals[5] 1276"
expect "while (k < a + b) with a = 3, b = 4 runs 7 times (after the first loop's 1)" "totals[6] 8"
expect "a while whose body always breaks runs once (5, after the first loop's 1)" "totals[7] 6"
summary
