// SPDX-License-Identifier: GPL-2.0
/* plain.bpf.c's record through the dynptr functions: reserve a dynptr,
 * get a pointer to its data, fill it, submit.  The verifier needs this
 * form for records whose size is known only at run time. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct record {
	__u64 len;
	__u32 ifindex;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 25);
} records SEC(".maps");

SEC("xdp")
int record(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;
	struct record *r;

	if (bpf_ringbuf_reserve_dynptr(&records, sizeof(*r), 0, &ptr)) {
		bpf_ringbuf_discard_dynptr(&ptr, 0);	/* the verifier wants it released */
		return XDP_PASS;
	}
	r = bpf_dynptr_data(&ptr, 0, sizeof(*r));
	if (!r) {
		bpf_ringbuf_discard_dynptr(&ptr, 0);
		return XDP_PASS;
	}
	r->len = ctx->data_end - ctx->data;
	r->ifindex = ctx->ingress_ifindex;
	r->queue = ctx->rx_queue_index;
	bpf_ringbuf_submit_dynptr(&ptr, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
