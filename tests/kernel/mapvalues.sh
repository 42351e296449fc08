#!/bin/sh
# Maps whose values are strings and arrays, in the real kernel:
# mapvalues/mapvalues.ks is compiled and built, xdp_run runs its XDP program
# three times with BPF_PROG_TEST_RUN, and the maps must hold the strings
# and arrays it stored (printed as unsigned 64-bit words, little-endian:
# "hello" is 478560413032, the bytes 0 7 0 9 are 150996736).  Then the
# generated loader uses the same maps from userspace and prints them.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=mapvalues
B=$kt_tmp/mapvalues
ks_build_for_xdp_run "$T" "$KT_DIR/mapvalues/mapvalues.ks"
ks_xdp_run mapvalues mapvalues 3 names arrs bytes out

# expect WHAT LINE: LINE is in the output.
expect() { expect_line "$@"; }
expect "a string of 15 characters fills a str(16) value" \
	"names[2] 3978425819141910832 28539350662854968"
expect "a shorter string is padded with zeroes; an entry variable changes it in place" \
	"names[1] 478560413000 0"
expect "one entry's string copied into another" "names[3] 478560413032 0"
expect "a copy of an entry (var t: str(16) = m[k]) changed and stored" \
	"names[4] 3978425819141910872 28539350662854968"
expect "an absent entry variable given a string, then stored" "names[6] 6650210 0"
expect "an entry variable reads the entry" "out[0] 215"
expect "a copy reads the entry" "out[1] 101"
expect "a map's string passed to a function" "out[2] 48"
expect "an absent entry variable reads zeroes" "out[3] 1"
expect "arrs[k][i] = v changes the entry in place" "arrs[2] 150996736"
expect "arrs[k][i] += arrs[j][i]" "arrs[3] 21"
expect "arrs[k][i] reads the entry" "out[4] 16"
expect "an array literal stored, then m[k][i] = v and x[i] = v inside if (var x = m[k])" \
	"bytes[5] 578497069381976577"
expect "an absent array entry reads zeroes" "out[5] 2"

if "$B/mapvalues" >"$kt_tmp/loader.out" 2>&1 &&
	[ "$(cat "$kt_tmp/loader.out")" = "hi
shout hi
Hi hi
HI
names[9] absent
t = HI
fresh
1 9 0
bytes[3] = 9 20" ]; then
	pass "$T: userspace stores, reads, copies and changes strings and arrays in maps"
else
	fail "$T: the loader" "unexpected output" "$kt_tmp/loader.out"
fi
summary
