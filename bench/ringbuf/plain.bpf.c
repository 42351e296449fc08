// SPDX-License-Identifier: GPL-2.0
/* A record per packet through a ring buffer, with bpf_ringbuf_reserve and
 * bpf_ringbuf_submit: what kernelscript generates for reserve() and
 * submit() of a fixed-size record.  bench/run.sh compares it with
 * dynptr.bpf.c, the same record through the dynptr functions. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct record {
	__u64 len;
	__u32 ifindex;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 25);	/* every record of a benchmark run fits */
} records SEC(".maps");

SEC("xdp")
int record(struct xdp_md *ctx)
{
	struct record *r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);

	if (!r)
		return XDP_PASS;
	r->len = ctx->data_end - ctx->data;
	r->ifindex = ctx->ingress_ifindex;
	r->queue = ctx->rx_queue_index;
	bpf_ringbuf_submit(r, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
