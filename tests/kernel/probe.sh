#!/bin/sh
# A @probe program compiled from KernelScript: probe/probe.ks puts a kprobe
# on do_exit with the kernel's own parameter type.  It must build
# warning-free and the verifier must accept it (loaded with bpftool).
# Attaching needs kprobe support in the running kernel: where the kernel
# has it, the loader must attach and count; where it has not, that part
# skips and says why (the load above still proves the program).
# probe/follow.ks follows kernel pointers (task->mm, a pmd_t, which is a
# typedef of an anonymous struct) through BPF_CORE_READ with the null tests
# the checker asks for: it must build and the verifier must accept it.
# probe/by_value.ks probes functions that take structs by value, whose
# arguments are read where x86-64 passes them (tests/unit/probe_args_test
# checks those places against the compiler's): it must build and load.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

B=$kt_tmp/probe
T=probe

missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/probe/probe.ks" "$B"; then
	pin=/sys/fs/bpf/kt_probe_$$
	ks_load "$T" "$B/.output/probe.bpf.o" "$pin" "the verifier accepts the do_exit kprobe"
	rm -rf "$pin"

	status=0
	"$B/probe" >"$B.out" 2>"$B.err" || status=$?
	if [ "$status" -eq 0 ]; then
		check "$T: exits counted" "no exit was counted in 500 ms: $(cat "$B.out")" \
			grep -q '^exit code ' "$B.out"
	elif grep -q 'Failed to attach kprobe program on_exit to do_exit' "$B.err"; then
		skip "$T: attach" "this kernel cannot attach kprobes ($(sed -n 's/.*do_exit: //p' "$B.err" | head -n 1))"
	else
		fail "$T: run" "exit status $status" "$B.err"
	fi
fi
F=$kt_tmp/follow
if [ -z "$missing" ] && ks_build "$T: follow" "$KT_DIR/probe/follow.ks" "$F"; then
	pin=/sys/fs/bpf/kt_follow_$$
	ks_load "$T: follow" "$F/.output/follow.bpf.o" "$pin" \
		"the verifier accepts probes that follow kernel pointers"
	rm -rf "$pin"
fi
V=$kt_tmp/by_value
if [ -z "$missing" ] && ks_build "$T: by value" "$KT_DIR/probe/by_value.ks" "$V"; then
	pin=/sys/fs/bpf/kt_by_value_$$
	ks_load "$T: by value" "$V/.output/by_value.bpf.o" "$pin" \
		"the verifier accepts probes given structs by value, in registers and on the stack"
	rm -rf "$pin"
fi
summary
