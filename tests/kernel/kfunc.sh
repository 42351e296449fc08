#!/bin/sh
# kfuncs called from KernelScript: kfunc/kfunc.ks declares three kfuncs of
# the running kernel with `extern` and calls them from an XDP program.  It
# must build warning-free, the verifier must accept the calls (resolved
# from the kernel's BTF at load time), and run through
# BPF_PROG_TEST_RUN the program must see its packet inside the kernel's
# own xdp_buff (what bpf_cast_to_kern_ctx returns).  The loader must
# attach it to lo and exit cleanly.
# Needs root; without it (or without a usable bpf()) it skips with the reason.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compiled.sh"
need_root_and_bpf

B=$kt_tmp/kfunc
T=kfunc

missing=$(ks_need_build_tools) || fail "$T" "$missing"
if [ -z "$missing" ] && ks_build "$T" "$KT_DIR/kfunc/kfunc.ks" "$B"; then
	pin=/sys/fs/bpf/kt_kfunc_$$
	if ks_load "$T" "$B/.output/kfunc.bpf.o" "$pin" "the verifier accepts the kfunc calls"; then
		bpftool prog dump xlated pinned "$pin/frame_check" >"$B.xlated" 2>&1
		check "$T: the program calls bpf_rcu_read_lock and bpf_rcu_read_unlock" \
			"bpftool prog dump xlated shows no such calls" \
			sh -c "grep -q 'call bpf_rcu_read_lock' '$B.xlated' && grep -q 'call bpf_rcu_read_unlock' '$B.xlated'"
		head -c 64 /dev/zero >"$B.packet"
		bpftool prog run pinned "$pin/frame_check" data_in "$B.packet" repeat 1 \
			>"$B.run.log" 2>&1
		check "$T: BPF_PROG_TEST_RUN passes a 64-byte packet (frame_sz >= 64)" \
			"expected 'Return value: 2'" grep -q 'Return value: 2' "$B.run.log"
	fi
	rm -rf "$pin"

	status=0
	"$B/kfunc" >"$B.out" 2>"$B.err" || status=$?
	if [ "$status" -eq 0 ] && grep -q '^frames [0-9]*, wrong 0$' "$B.out"; then
		pass "$T: the loader attaches to lo and detaches"
	else
		fail "$T: run" "exit status $status" "$B.out" "$B.err"
	fi
fi
summary
