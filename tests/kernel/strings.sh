#!/bin/sh
# Strings in eBPF code, in the real kernel: strings/strings.ks is compiled
# and built, xdp_run runs its XDP program once with BPF_PROG_TEST_RUN, and
# out[i] must hold what LANGUAGE.md ("Strings") says each case gives.  A
# text's first eight bytes are read as a little-endian u64: "kern+ker" is
# 8243112527252317547.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=strings
ks_build_for_xdp_run "$T" "$KT_DIR/strings/strings.ks"
ks_xdp_run strings strings 1 out

# expect INDEX VALUE WHAT
expect() { expect_line "$3" "out[$1] $2"; }
expect 0 1 "a == who: \"kernel\" in a str(16) local and a global"
expect 1 0 "a != who is false"
expect 2 1 "a str(8) == a literal"
expect 3 0 "\"kernel\" == \"kern\" is false: texts, not prefixes"
expect 4 8243112527252317547 "b + \"+\" + a joins into a str(24): \"kern+ker...\""
expect 5 1 "var copy = a copies the text"
expect 6 1852990827 "a str(8) into a str(24): \"kern\" and zeroes after it"
expect 7 68644086573884 "wider = \"<\" + b + \">\" replaces the text: \"<kern>\""
expect 8 1 "a map value's str member == a local"
expect 9 474365651747 "a helper returns a str(24): \"#kern\""
expect 10 1 "a returned string compared with a literal"
expect 11 17 "a helper returns a u8[4]: 7 + 10"
expect 12 1 "b + \"!\" as a value, compared with a literal"
expect 13 8243112544432186731 "b + \"/\" + b given to a str(24) parameter: \"kern/ker\""
summary
