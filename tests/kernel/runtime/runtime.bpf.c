// SPDX-License-Identifier: GPL-2.0
/* The eBPF side of the runtime test: one program of each kind the runtime
 * attaches, each counting what it sees, so the test can tell that the
 * program really ran.
 *
 *   ksrt_xdp      XDP: counts every frame and every IPv4 UDP datagram, and
 *                 drops UDP datagrams to port drop_port (counting them).
 *   ksrt_tc_in    tc ingress: counts packets and IPv4 UDP datagrams.
 *   ksrt_tc_eg    tc egress: the same, on the way out.
 *   ksrt_sched    tracepoint sched/sched_switch: counts context switches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "counters.h"

#define ETH_P_IP 0x0800
#define TC_ACT_OK 0

/* Set by the loader before load. */
const volatile __u16 drop_port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KSRT_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &which);

	if (value)
		__sync_fetch_and_add(value, 1);
}

/* The UDP destination port (host order) of an IPv4 UDP frame, or -1. */
static __always_inline int udp_dest_port(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_UDP || ip->ihl < 5)
		return -1;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end)
		return -1;
	return bpf_ntohs(udp->dest);
}

SEC("xdp")
int ksrt_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int port = udp_dest_port(data, data_end);

	count(KSRT_XDP_PACKETS);
	if (port < 0)
		return XDP_PASS;
	count(KSRT_XDP_UDP);
	if (drop_port && port == drop_port) {
		count(KSRT_XDP_DROPPED);
		return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("tc")
int ksrt_tc_in(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	count(KSRT_TC_IN_PACKETS);
	if (udp_dest_port(data, data_end) >= 0)
		count(KSRT_TC_IN_UDP);
	return TC_ACT_OK;
}

SEC("tc")
int ksrt_tc_eg(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	count(KSRT_TC_EG_PACKETS);
	if (udp_dest_port(data, data_end) >= 0)
		count(KSRT_TC_EG_UDP);
	return TC_ACT_OK;
}

SEC("tp/sched/sched_switch")
int ksrt_sched(void *ctx)
{
	(void)ctx;
	count(KSRT_SCHED_SWITCHES);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
