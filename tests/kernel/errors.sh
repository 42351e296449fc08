#!/bin/sh
# throw, try/catch and defer in eBPF code, in the real kernel:
# errors/errors.ks is compiled and built, xdp_run runs its XDP program
# once with BPF_PROG_TEST_RUN, and out[i] must hold what LANGUAGE.md
# ("Errors") says each case leaves there.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

T=errors
ks_build_for_xdp_run "$T" "$KT_DIR/errors/errors.ks"
ks_xdp_run errors errors 1 out

# expect INDEX VALUE WHAT
expect() { expect_line "$3" "out[$1] $2"; }
expect 0 100 "a helper's throw TOO_SHORT reaches the program's catch TOO_SHORT"
expect 1 60 "without an error the try's value stands and no catch runs"
expect 2 1017 "a code known only at run time (17) goes to catch _, past catch 9"
expect 3 22 "an error the inner try does not catch goes to the outer one, through two helpers"
expect 4 321 "deferred work runs last first"
expect 5 21 "deferred work runs when an error leaves the function"
expect 6 33 "... and the error still reaches the caller's catch"
expect 7 41 "a throw in a catch goes to the try around"
expect 8 94 "a deferred call's argument is taken at the defer (4), not on the way out (9)"
expect 9 18 "a defer that ran runs on the way out"
expect 10 1 "a defer that did not run does not"
expect 11 202 "a helper that hands errors on returns its value when there is none"
summary
