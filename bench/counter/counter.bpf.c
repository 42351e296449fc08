// SPDX-License-Identifier: GPL-2.0
/* The counter of counter.ks written by hand: one lookup, an atomic add
 * when the entry exists, an insert when it does not. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int counter(struct xdp_md *ctx)
{
	__u32 size_class = (ctx->data_end - ctx->data) >> 4;
	__u64 *count = bpf_map_lookup_elem(&counts, &size_class);

	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;

		bpf_map_update_elem(&counts, &size_class, &one, BPF_ANY);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
