#!/bin/sh
# A @probe program compiled from KernelScript: probe/probe.ks probes
# do_exit with the kernel's own parameter type.  It must build
# warning-free, and the loader must load it, as an fentry program where
# this kernel attaches them, else as its kprobe twin: the verifier accepts
# it.  Where the kernel can attach it, the loader must count exits; where
# it has neither fentry nor kprobes, that part skips and says why.
# (tests/kernel/guest.sh runs both forms in a kernel that has them.)
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
	# the loader loads on_exit as an fentry program where fentry attaches
	# here, else as its kprobe twin; -v says which
	status=0
	"$B/probe" -v >"$B.out" 2>"$B.err" || status=$?
	form=$(sed -n 's/^on_exit: an\{0,1\} \([a-z]*\) .*on do_exit$/\1/p' "$B.err")
	if [ "$status" -eq 0 ]; then
		pass "$T: the verifier accepts the do_exit probe (as $form)"
		check "$T: exits counted" "no exit was counted in 500 ms: $(cat "$B.out")" \
			grep -q '^exit code ' "$B.out"
	elif [ "$form" = kprobe ] &&
		grep -q 'Failed to attach kprobe program on_exit to do_exit' "$B.err"; then
		pass "$T: the verifier accepts the do_exit probe (as kprobe: fentry cannot attach here)"
		skip "$T: attach" "this kernel can attach neither fentry programs nor kprobes ($(sed -n 's/.*do_exit: //p' "$B.err" | head -n 1))"
	else
		fail "$T: run" "exit status $status" "$B.err"
	fi
fi
F=$kt_tmp/follow
if [ -z "$missing" ] && ks_build "$T: follow" "$KT_DIR/probe/follow.ks" "$F"; then
	# the loader loads each probe as fentry where this kernel attaches
	# fentry programs, else as its kprobe twin (bpftool would load both)
	if "$F/follow" -v >"$F.out" 2>"$F.err" && grep -q '^loaded$' "$F.out" &&
		grep -q '^on_new_task: an\{0,1\} [a-z]* .*on wake_up_new_task$' "$F.err"; then
		pass "$T: follow: the verifier accepts probes that follow kernel pointers ($(grep '^on_new_task' "$F.err"))"
	else
		fail "$T: follow" "the loader did not load them" "$F.out" "$F.err"
	fi
fi
V=$kt_tmp/by_value
if [ -z "$missing" ] && ks_build "$T: by value" "$KT_DIR/probe/by_value.ks" "$V"; then
	pin=/sys/fs/bpf/kt_by_value_$$
	ks_load "$T: by value" "$V/.output/by_value.bpf.o" "$pin" \
		"the verifier accepts probes given structs by value, in registers and on the stack"
	rm -rf "$pin"
fi
summary
