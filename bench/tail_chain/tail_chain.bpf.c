// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written twin of tail_chain.ks: entry tail-calls parse, which drops
 * runts and tail-calls finish; each stage counts in a per-CPU array.  A
 * tail call that fails (an empty slot) lets the packet pass, as the .ks's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} stages SEC(".maps");

int parse(struct xdp_md *ctx);
int finish(struct xdp_md *ctx __attribute__((unused)));

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int (void *));
} chain SEC(".maps") = {
	.values = {
		[0] = (void *)&parse,
		[1] = (void *)&finish,
	},
};

static __always_inline void count(__u32 stage)
{
	__u64 *n = bpf_map_lookup_elem(&stages, &stage);

	if (n)
		*n += 1;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	count(0);
	bpf_tail_call(ctx, &chain, 0);
	return XDP_PASS;
}

SEC("xdp")
int parse(struct xdp_md *ctx)
{
	count(1);
	if (ctx->data_end - ctx->data < 42)
		return XDP_DROP;
	bpf_tail_call(ctx, &chain, 1);
	return XDP_PASS;
}

SEC("xdp")
int finish(struct xdp_md *ctx __attribute__((unused)))
{
	count(2);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
