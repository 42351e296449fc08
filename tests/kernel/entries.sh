#!/bin/sh
# Map entry variables (var v = m[k]) in the real kernel: entries/entries.ks
# is compiled and built, xdp_run runs its XDP program three times with
# BPF_PROG_TEST_RUN, and the maps must hold exactly what the program's
# meaning says (see LANGUAGE.md, "Null safety").  Then the generated
# loader, which only loads, reports the keys of a fresh load absent.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=entries
B=$kt_tmp/entries
ks_build_for_xdp_run "$T" "$KT_DIR/entries/entries.ks"

ks_xdp_run entries entries 3 stats counts seen

# expect WHAT LINE: LINE is in the output.
expect() { expect_line "$@"; }
expect "XDP_PASS" "verdict 2"
expect "an absent entry given a value, changed, then stored" "stats[1] 3 192"
expect "a present entry changed in place" "stats[2] 21 0"
expect "an absent scalar entry reads as zero" "counts[7] 6"
expect "an absent struct entry's field reads as zero" "counts[8] 5"
expect "an array entry changed in place" "seen[0] 3"
if grep -q '^stats\[3\]' "$kt_tmp/run.out"; then
	fail "$T: reading an absent entry" "created stats[3]" "$kt_tmp/run.out"
else
	pass "$T: reading an absent entry does not create it"
fi

if "$B/entries" >"$kt_tmp/loader.out" 2>&1 &&
	[ "$(cat "$kt_tmp/loader.out")" = "stats[1] absent
counts[7] absent" ]; then
	pass "$T: userspace sees the keys of a fresh load absent"
else
	fail "$T: the loader" "unexpected output" "$kt_tmp/loader.out"
fi
summary
