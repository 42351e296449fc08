// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written twin of tc_filter.ks: the blocklist of examples/xdp_filter.ks
 * as a tc classifier, written the way one writes it by hand with libbpf.
 * Map and program names match the ones the compiler gives the .ks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800 /* vmlinux.h has no macros */
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

enum { STAT_PASSED, STAT_DROPPED };

/* blocked IPv4 source address (network byte order) -> packets dropped */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} blocklist SEC(".maps");

/* [STAT_PASSED], [STAT_DROPPED] */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* True when the packet is IPv4 from a blocked source; counts the drop. */
static __always_inline bool blocked_source(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 saddr;
	__u32 *drops;

	if ((void *)(ip + 1) > data_end)
		return false;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return false;
	saddr = ip->saddr;
	drops = bpf_map_lookup_elem(&blocklist, &saddr);
	if (!drops)
		return false;
	*drops += 1;	/* a plain read-add-write, as the .ks's */
	return true;
}

static __always_inline void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &key);

	if (n)
		*n += 1;
}

SEC("tc")
int tc_filter(struct __sk_buff *skb)
{
	if (blocked_source(skb)) {
		count(STAT_DROPPED);
		return TC_ACT_SHOT;
	}
	count(STAT_PASSED);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
