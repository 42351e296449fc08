// SPDX-License-Identifier: GPL-2.0
/*
 * Runs crafted packets through the XDP program of examples/xdp_filter.ks
 * with BPF_PROG_TEST_RUN, in the running kernel, and checks its verdicts
 * and its maps.  Built on the fly by xdp_filter.sh (cc + libbpf):
 *
 *   prog_test_run OBJECT
 *
 * OBJECT is the .output/xdp_filter.bpf.o of the generated project.  One
 * line per check, "ok - WHAT" or "not ok - WHAT: WHY"; exit status 0 when
 * every check passed, 1 when one failed, 2 when the object cannot be used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define BLOCKED_RUNS 3
#define ALLOWED_RUNS 4
#define REPEAT 5		/* one run with this repeat count */

static const unsigned char blocked_ip[4] = { 10, 0, 0, 1 };
static const unsigned char allowed_ip[4] = { 10, 0, 0, 2 };
static const unsigned char dest_ip[4] = { 10, 0, 0, 9 };

static int failures;

static void check(int ok, const char *what, const char *why_fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ok - %s\n", what);
		return;
	}
	failures++;
	printf("not ok - %s: ", what);
	va_start(ap, why_fmt);
	vprintf(why_fmt, ap);
	va_end(ap);
	printf("\n");
}

static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * Ethernet + IPv4 (no options) + UDP + 8 bytes of payload: 50 bytes.
 * ethertype is written as given, so that the same layout can claim to be
 * something else than IPv4.
 */
static size_t make_packet(unsigned char *p, unsigned short ethertype,
			  const unsigned char *saddr)
{
	static const unsigned char dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const unsigned char src_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t len = 14 + 20 + 8 + 8;

	memset(p, 0, len);
	memcpy(p, dst_mac, 6);
	memcpy(p + 6, src_mac, 6);
	p[12] = (unsigned char)(ethertype >> 8);
	p[13] = (unsigned char)ethertype;
	p[14] = 0x45;			/* version 4, 5 words */
	p[16] = 0;			/* total length 36 */
	p[17] = 20 + 8 + 8;
	p[22] = 64;			/* ttl */
	p[23] = IPPROTO_UDP;
	memcpy(p + 26, saddr, 4);
	memcpy(p + 30, dest_ip, 4);
	p[34] = 0x1f;			/* source port 8000 */
	p[35] = 0x40;
	p[36] = 0x1b;			/* destination port 7000 */
	p[37] = 0x58;
	p[39] = 8 + 8;			/* UDP length */
	memcpy(p + 42, "kscript!", 8);
	return len;
}

/* One run of the program on the packet; its verdict, or -1. */
static int run(int prog_fd, const unsigned char *packet, size_t len, int repeat)
{
	unsigned char out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = packet,
		    .data_size_in = (__u32)len,
		    .data_out = out,
		    .data_size_out = sizeof(out),
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	if (err) {
		printf("# bpf_prog_test_run_opts: %s\n", strerror(-err));
		return -1;
	}
	return (int)opts.retval;
}

static const char *verdict(int v)
{
	switch (v) {
	case XDP_ABORTED: return "XDP_ABORTED";
	case XDP_DROP: return "XDP_DROP";
	case XDP_PASS: return "XDP_PASS";
	case XDP_TX: return "XDP_TX";
	case XDP_REDIRECT: return "XDP_REDIRECT";
	default: return "no verdict (the run failed)";
	}
}

/* The sum over all possible CPUs of stats[key], or -1. */
static long long stats_sum(int fd, __u32 key)
{
	int ncpus = libbpf_num_possible_cpus();
	unsigned long long *values, sum = 0;
	int cpu;

	if (ncpus <= 0)
		return -1;
	values = calloc((size_t)ncpus, sizeof(*values));
	if (!values)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, values)) {
		free(values);
		return -1;
	}
	for (cpu = 0; cpu < ncpus; cpu++)
		sum += values[cpu];
	free(values);
	return (long long)sum;
}

int main(int argc, char **argv)
{
	unsigned char packet[64];
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *blocklist, *stats;
	int prog_fd, blocklist_fd, stats_fd, i, v = -1, ok;
	__u32 blocked, allowed, drops;
	long long passed_sum, dropped_sum;
	size_t len;
	int passes = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: prog_test_run OBJECT\n");
		return 2;
	}
	libbpf_set_print(print_warnings);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "cannot open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	prog = bpf_object__find_program_by_name(obj, "xdp_filter");
	blocklist = bpf_object__find_map_by_name(obj, "blocklist");
	stats = bpf_object__find_map_by_name(obj, "stats");
	if (!prog || !blocklist || !stats) {
		fprintf(stderr, "%s lacks program xdp_filter or map blocklist or stats\n",
			argv[1]);
		return 2;
	}
	check(bpf_program__type(prog) == BPF_PROG_TYPE_XDP, "xdp_filter is an XDP program",
	      "its type is %d", (int)bpf_program__type(prog));
	prog_fd = bpf_program__fd(prog);
	blocklist_fd = bpf_map__fd(blocklist);
	stats_fd = bpf_map__fd(stats);

	/* the key is the source address as the packet carries it */
	memcpy(&blocked, blocked_ip, 4);
	memcpy(&allowed, allowed_ip, 4);
	drops = 0;
	check(bpf_map_update_elem(blocklist_fd, &blocked, &drops, BPF_ANY) == 0,
	      "10.0.0.1 goes into the blocklist", "%s", strerror(errno));

	len = make_packet(packet, ETH_P_IP, allowed_ip);
	for (i = 0, ok = 1; i < ALLOWED_RUNS; i++) {
		v = run(prog_fd, packet, len, 1);
		ok &= v == XDP_PASS;
		passes++;
	}
	check(ok, "UDP from 10.0.0.2 (not blocked): XDP_PASS, every time",
	      "last verdict %s", verdict(v));

	len = make_packet(packet, ETH_P_IP, blocked_ip);
	for (i = 0, ok = 1; i < BLOCKED_RUNS; i++) {
		v = run(prog_fd, packet, len, 1);
		ok &= v == XDP_DROP;
	}
	check(ok, "UDP from 10.0.0.1 (blocked): XDP_DROP, every time",
	      "last verdict %s", verdict(v));

	/* IPv6 ethertype, the blocked address where IPv4's source would be */
	len = make_packet(packet, ETH_P_IPV6, blocked_ip);
	v = run(prog_fd, packet, len, 1);
	passes++;
	check(v == XDP_PASS, "not IPv4 (IPv6 ethertype, 10.0.0.1's bytes at the IPv4 source offset): XDP_PASS",
	      "verdict %s", verdict(v));

	/* ARP */
	len = make_packet(packet, ETH_P_ARP, blocked_ip);
	v = run(prog_fd, packet, len, 1);
	passes++;
	check(v == XDP_PASS, "not IPv4 (ARP ethertype): XDP_PASS", "verdict %s", verdict(v));

	/* IPv4 from the blocked source, cut short inside the IPv4 header: the
	 * program must not read past the end, and lets it pass */
	len = make_packet(packet, ETH_P_IP, blocked_ip);
	v = run(prog_fd, packet, 14 + 16, 1);
	passes++;
	check(v == XDP_PASS, "IPv4 from 10.0.0.1 cut to 30 bytes (shorter than its header): XDP_PASS",
	      "verdict %s", verdict(v));

	/* the kernel runs it REPEAT times on the same packet */
	v = run(prog_fd, packet, len, REPEAT);
	check(v == XDP_DROP, "UDP from 10.0.0.1, repeat=5: XDP_DROP", "verdict %s", verdict(v));

	drops = 0;
	if (bpf_map_lookup_elem(blocklist_fd, &blocked, &drops))
		check(0, "blocklist[10.0.0.1]", "lookup failed: %s", strerror(errno));
	else
		check(drops == BLOCKED_RUNS + REPEAT, "blocklist[10.0.0.1] counts every drop (8)",
		      "it is %u, expected %d", drops, BLOCKED_RUNS + REPEAT);
	errno = 0;
	check(bpf_map_lookup_elem(blocklist_fd, &allowed, &drops) && errno == ENOENT,
	      "10.0.0.2 did not get into the blocklist", "lookup: %s",
	      errno ? strerror(errno) : "found");

	passed_sum = stats_sum(stats_fd, 0);
	dropped_sum = stats_sum(stats_fd, 1);
	check(passed_sum == passes, "stats[STAT_PASSED] summed over CPUs == 7",
	      "it is %lld, expected %d", passed_sum, passes);
	check(dropped_sum == BLOCKED_RUNS + REPEAT, "stats[STAT_DROPPED] summed over CPUs == 8",
	      "it is %lld, expected %d", dropped_sum, BLOCKED_RUNS + REPEAT);

	bpf_object__close(obj);
	return failures ? 1 : 0;
}
