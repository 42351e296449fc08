#!/bin/sh
# A syscall probe compiled from KernelScript: syscall_probe/syscall_probe.ks
# puts @probe("sys_openat") on the syscall openat.  The kernel has no
# function sys_openat, so it becomes SEC("ksyscall/openat") with
# BPF_KSYSCALL, taking the syscall's arguments.  It must build warning-free
# and the verifier must accept it (loaded with bpftool).  Attaching needs
# kprobe support in the running kernel: where the kernel has it, the loader
# must attach and count openat calls; where it has not, that part skips and
# says why (the load above still proves the program).
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

B=$kt_tmp/syscall_probe
T=syscall_probe

missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/syscall_probe/syscall_probe.ks" "$B"; then
	check "$T: the program is a ksyscall probe" "no SEC(\"ksyscall/openat\") in the C" \
		grep -q 'SEC("ksyscall/openat")' "$B/syscall_probe.bpf.c"
	pin=/sys/fs/bpf/kt_syscall_probe_$$
	ks_load "$T" "$B/.output/syscall_probe.bpf.o" "$pin" \
		"the verifier accepts the openat syscall probe"
	rm -rf "$pin"

	status=0
	"$B/syscall_probe" >"$B.out" 2>"$B.err" || status=$?
	if [ "$status" -eq 0 ]; then
		check "$T: openat calls counted" "no openat was counted in 500 ms: $(cat "$B.out")" \
			grep -q '^dfd ' "$B.out"
	elif grep -q 'Failed to attach syscall probe on_openat to openat' "$B.err"; then
		skip "$T: attach" "this kernel cannot attach kprobes, which syscall probes are ($(sed -n 's/.*to openat: //p' "$B.err" | head -n 1))"
	else
		fail "$T: run" "exit status $status" "$B.err"
	fi
fi
summary
