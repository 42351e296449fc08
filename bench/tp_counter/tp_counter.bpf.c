// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written twin of tp_counter.ks: context switches counted in a
 * per-CPU array, and per task switched out in a per-CPU hash.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} switches SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} switched_out SEC(".maps");

SEC("tracepoint/sched/sched_switch")
int tp_counter(struct trace_event_raw_sched_switch *ctx)
{
	__u32 zero = 0, pid;
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&switches, &zero);
	if (n)
		*n += 1;
	pid = (__u32)ctx->prev_pid;
	n = bpf_map_lookup_elem(&switched_out, &pid);
	if (n)
		*n += 1;	/* per CPU: no other CPU writes it */
	else
		bpf_map_update_elem(&switched_out, &pid, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
