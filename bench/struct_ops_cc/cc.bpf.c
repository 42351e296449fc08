// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written twin of cc.ks: a tcp_congestion_ops whose functions count
 * their calls (atomically: the array is shared by every CPU).  Program
 * names are the ones the compiler gives the .ks's impl members.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* BPF_PROG names ctx and every argument, used or not */
#pragma clang diagnostic ignored "-Wunused-parameter"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline void count(__u32 key, __u64 n)
{
	__u64 *value = bpf_map_lookup_elem(&calls, &key);

	if (value)
		__sync_fetch_and_add(value, n);
}

SEC("struct_ops/ssthresh")
__u32 BPF_PROG(ks_bench_cc_ssthresh, struct sock *sk)
{
	count(0, 1);
	return 10;
}

SEC("struct_ops/undo_cwnd")
__u32 BPF_PROG(ks_bench_cc_undo_cwnd, struct sock *sk)
{
	count(1, 1);
	count(0, 1);	/* the .ks's undo_cwnd calls its ssthresh */
	return 20;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(ks_bench_cc_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	count(2, acked);
}

SEC("struct_ops/init")
void BPF_PROG(ks_bench_cc_init, struct sock *sk)
{
	count(3, 1);
}

SEC(".struct_ops")
struct tcp_congestion_ops ks_bench_cc = {
	.ssthresh = (void *)ks_bench_cc_ssthresh,
	.undo_cwnd = (void *)ks_bench_cc_undo_cwnd,
	.cong_avoid = (void *)ks_bench_cc_cong_avoid,
	.init = (void *)ks_bench_cc_init,
	.name = "ks_bench_cc",
};

char LICENSE[] SEC("license") = "GPL";
