#!/bin/sh
# Functions that take maps, in the real kernel: mapparams/mapparams.ks is
# compiled and built (each function once for each map it is called with),
# xdp_run runs its XDP program three times with BPF_PROG_TEST_RUN, and the
# maps must hold what the calls did to the maps they were given.  Then the
# generated loader runs the userspace functions that take maps and prints
# what they left.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=mapparams
B=$kt_tmp/mapparams
ks_build_for_xdp_run "$T" "$KT_DIR/mapparams/mapparams.ks"
ks_xdp_run mapparams mapparams 3 counts other pairs slots out

# expect WHAT LINE: LINE is in the output.
expect() { expect_line "$@"; }
expect "m[k] += 1 on the map given" "counts[1] 3"
expect "a map parameter passed on to another function" "other[1] 6"
expect "m[k] = v, then m[k] read" "out[0] 50"
expect "reading another map's absent key" "out[1] 0"
expect "delete m[k] on the map given" "out[2] 0"
expect "m[k] != null, and an entry moved between two maps" "out[3] 1"
expect "if (var x = m[k]) changes the entry in place" "out[4] 60"
expect "&m[k] is the entry's address" "counts[5] 61"
expect "if (var x = m[k]) on an absent key" "out[5] 99"
expect "if (m[k] != null) { m[k] += 100 }" "counts[7] 170"
expect "an entry variable looks its entry up again after a write to a map parameter that is its map" "out[6] 30"
expect "m[k] = v through a map parameter, with another map given" "other[3] 30"
expect "m[k] = struct, then m[k].f += v" "pairs[2] 1 7"
expect "an array map parameter" "slots[1] 12"
if grep -q '^other\[[789]\]' "$kt_tmp/run.out"; then
	fail "$T: keys left absent" "other[7], other[8] or other[9] is there" "$kt_tmp/run.out"
else
	pass "$T: moved, deleted and only tested keys are absent (other[7], other[8], other[9]): &m[k] of an absent key is null"
fi

if "$B/mapparams" >"$kt_tmp/loader.out" 2>&1 &&
	[ "$(cat "$kt_tmp/loader.out")" = "counts: 5 1007 0
other: 5 8
totals: 1012 13
slot 0 = 0
slot 1 = 0
slot 2 = 22
slot 3 = 0
pair: 3 40" ]; then
	pass "$T: userspace functions that take maps (m[k] op= v, delete, if (var x = m[k]), for (k, v) in m, m[k].f op= v)"
else
	fail "$T: the loader" "unexpected output" "$kt_tmp/loader.out"
fi
summary
