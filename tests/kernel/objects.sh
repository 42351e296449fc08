#!/bin/sh
# new and delete in eBPF code, in the real kernel: objects/objects.ks is
# compiled and built, xdp_run runs its XDP program once with
# BPF_PROG_TEST_RUN: the verifier accepts bpf_obj_new and bpf_obj_drop,
# the object starts zeroed, and a helper changes it through its pointer.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=objects
ks_build_for_xdp_run "$T" "$KT_DIR/objects/objects.ks"
ks_xdp_run objects objects 1 out

# expect INDEX VALUE WHAT
expect() { expect_line "$3" "out[$1] $2"; }
expect 0 1 "new gave an object (not null) and the program ran to its delete"
expect 1 0 "the new object starts zeroed"
expect 2 2 "a helper changed it through the pointer, twice"
expect 3 42 "... adding 40 and 2"
expect 4 7 "a helper allocates and returns the object; the caller deletes it"
summary
