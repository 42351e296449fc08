#!/bin/sh
# Integer arithmetic and map entries in eBPF code, in the real kernel:
# semantics/semantics.ks is compiled and built, xdp_run runs its XDP
# program once with BPF_PROG_TEST_RUN, and out[i] must hold what
# LANGUAGE.md says each expression gives (the values are printed as
# unsigned 64-bit words: -3 is 18446744073709551613).
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=semantics
ks_build_for_xdp_run "$T" "$KT_DIR/semantics/semantics.ks"
ks_xdp_run semantics semantics 1 out

# expect INDEX VALUE WHAT
expect() { expect_line "$3" "out[$1] $2"; }
expect 0 18446744073709551613 "-7 / 2 is -3 (signed division on unsigned instructions)"
expect 1 18446744073709551615 "-7 % 2 is -1"
expect 2 0 "-7 / 0 is 0"
expect 3 18446744073709551609 "-7 % 0 is -7"
expect 4 18446744071562067968 "the most negative i32 / -1 is itself"
expect 5 2 "a u32 shifted by 33 shifts by 1"
expect 6 2147483648 "1 << 31 into a u64 is 2^31"
expect 7 4294967296 "0xffffffff + 1 into a u64 is 2^32"
expect 8 1 "-1 < 4000000000 compares the values"
expect 9 18446744073709551611 "for (j in -3..2) counts signed: the sum is -5"
expect 10 7 "m[k] -= e on 32 bits (clang 14 has no 32-bit atomic sub)"
expect 11 12 "if (m[k] != null) { m[k] += 5 }"
expect 12 77 "m[k].arr[i] = x writes into the map"
expect 13 88 "m[k].inner.f = x writes into the map"
expect 14 5 "an entry variable reads the entry after h[k] = x replaced it"
expect 15 7 "two if (var e = m[k]) in one block"
expect 16 5 "a struct key with padding matches a key built field by field"
expect 17 901 "an array parameter is a copy"
expect 18 42 "a local named entry beside m[k].f = entry + 2"
summary
