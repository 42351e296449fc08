// SPDX-License-Identifier: GPL-2.0
/*
 * measure: load the XDP or tc program of one or more BPF object files and print
 * what the kernel says about each: the instructions the verifier processed,
 * the length of the translated (xlated) and JITed program, the calls to
 * bpf_map_lookup_elem and bpf_map_update_elem in its code, and the time
 * BPF_PROG_TEST_RUN reports per packet for three crafted packets:
 *
 *   pass     IPv4/UDP from 10.0.0.1, not blocked   (XDP_PASS, TC_ACT_OK expected)
 *   blocked  IPv4/UDP from 10.0.0.2, which is put in the blocklist map
 *            first (when there is one)             (XDP_DROP, TC_ACT_SHOT expected)
 *   other    ARP, not IPv4                         (XDP_PASS, TC_ACT_OK expected)
 *
 * Each test run gives the kernel's average over REPEAT runs of the
 * program, in whole nanoseconds (the kernel truncates). TRIALS test runs
 * are made per packet and object, and the mean of the middle half of their
 * times is printed. The objects take turns within each trial, so a change
 * in machine load or clock speed during the measurement affects them
 * alike.
 *
 * Output: a tab-separated header line, then one line per object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_TRIALS 1001
#define HEADER "label\tlookups\tupdates\tverified\txlated\tjited_bytes" \
	"\tns_pass\tns_blocked\tns_other" \
	"\tact_pass\tact_blocked\tact_other"

enum { PKT_PASS, PKT_BLOCKED, PKT_OTHER, NPKT };

struct packet {
	unsigned char bytes[64];
	unsigned int len;
};

struct subject {
	const char *label;
	const char *path;
	struct bpf_object *obj;
	int prog_fd;
	struct bpf_prog_info info;
	unsigned int lookups, updates;
	unsigned int ns[NPKT][MAX_TRIALS];
	unsigned int action[NPKT];
};

static bool verbose;
/* -a: load every program of the object (the targets of its tail calls),
 * not only the one measured */
static bool load_all;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	/* without -v, libbpf's warnings too: it warns of what it works
	 * around (a program array's BTF), and a failure is reported anyway */
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* An Ethernet + IPv4 + UDP packet of 60 bytes (the Ethernet minimum). */
static void make_udp(struct packet *pkt, const char *saddr, const char *daddr)
{
	static const unsigned char dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const unsigned char src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	unsigned char *ip = pkt->bytes + ETH_HLEN;
	unsigned char *udp = ip + 20;
	unsigned int sum = 0, i;

	memset(pkt, 0, sizeof(*pkt));
	pkt->len = 60;
	memcpy(pkt->bytes, dst_mac, 6);
	memcpy(pkt->bytes + 6, src_mac, 6);
	put16(pkt->bytes + 12, ETH_P_IP);

	ip[0] = 0x45;				/* version 4, 5 words */
	put16(ip + 2, pkt->len - ETH_HLEN);	/* total length */
	ip[8] = 64;				/* ttl */
	ip[9] = 17;				/* UDP */
	inet_pton(AF_INET, saddr, ip + 12);
	inet_pton(AF_INET, daddr, ip + 16);
	for (i = 0; i < 20; i += 2)
		sum += (ip[i] << 8) | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, ~sum & 0xffff);

	put16(udp, 40000);			/* source port */
	put16(udp + 2, 9);			/* discard */
	put16(udp + 4, pkt->len - ETH_HLEN - 20);
}

/* An ARP request, padded to 60 bytes. */
static void make_arp(struct packet *pkt)
{
	unsigned char *arp = pkt->bytes + ETH_HLEN;

	memset(pkt, 0, sizeof(*pkt));
	pkt->len = 60;
	memset(pkt->bytes, 0xff, 6);
	pkt->bytes[6] = 0x02;
	pkt->bytes[11] = 0x01;
	put16(pkt->bytes + 12, ETH_P_ARP);
	put16(arp, 1);				/* Ethernet */
	put16(arp + 2, ETH_P_IP);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1);			/* request */
	memcpy(arp + 8, pkt->bytes + 6, 6);
	inet_pton(AF_INET, "10.0.0.1", arp + 14);
	inet_pton(AF_INET, "10.0.0.9", arp + 24);
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * The mean of the middle half of the n values (all of them when n < 4):
 * as robust as the median against runs disturbed by the rest of the
 * machine, and finer than the whole nanoseconds of a single run.
 */
static double middle_mean(unsigned int *v, unsigned int n)
{
	unsigned int lo = n < 4 ? 0 : n / 4, hi = n - lo, i;
	double sum = 0;

	qsort(v, n, sizeof(v[0]), cmp_uint);
	for (i = lo; i < hi; i++)
		sum += v[i];
	return sum / (hi - lo);
}

/* What a program of TYPE returned, by name. */
static const char *action_name(enum bpf_prog_type type, unsigned int action)
{
	static const char *const xdp[] = {
		"ABORTED", "DROP", "PASS", "TX", "REDIRECT",
	};
	static const char *const tc[] = {
		"OK", "RECLASSIFY", "SHOT", "PIPE", "STOLEN", "QUEUED", "REPEAT", "REDIRECT",
	};
	static char other[16];

	if (type == BPF_PROG_TYPE_XDP && action < sizeof(xdp) / sizeof(xdp[0]))
		return xdp[action];
	if (type == BPF_PROG_TYPE_SCHED_CLS && action < sizeof(tc) / sizeof(tc[0]))
		return tc[action];
	snprintf(other, sizeof(other), "%u", action);
	return other;
}

/*
 * Open s->path, load only its XDP or tc program (the one named prog_name
 * if given; with -a, every program), read the program's info and put
 * blocked_ip in the map map_name.
 */
static int load_subject(struct subject *s, const char *prog_name,
			const char *map_name, __u32 blocked_ip)
{
	struct bpf_program *prog = NULL, *p;
	struct bpf_map *map;
	__u32 len = sizeof(s->info), zero = 0;
	int err;

	s->obj = bpf_object__open_file(s->path, NULL);
	if (!s->obj) {
		fprintf(stderr, "%s: cannot open: %s\n", s->path,
			strerror(errno));
		return -1;
	}
	bpf_object__for_each_program(p, s->obj) {
		bool want = prog_name ?
			strcmp(bpf_program__name(p), prog_name) == 0 :
			bpf_program__type(p) == BPF_PROG_TYPE_XDP ||
			bpf_program__type(p) == BPF_PROG_TYPE_SCHED_CLS;

		if (want && !prog)
			prog = p;
		bpf_program__set_autoload(p, load_all || p == prog);
	}
	if (!prog) {
		fprintf(stderr, "%s: no %s%s\n", s->path,
			prog_name ? "program " : "XDP or tc program",
			prog_name ? prog_name : "");
		return -1;
	}
	/* The map helpers the compiled code calls (inlined functions count
	 * once per call site): what "one lookup, reused" is about. */
	const struct bpf_insn *insn = bpf_program__insns(prog);
	for (size_t i = 0; i < bpf_program__insn_cnt(prog); i++) {
		if (insn[i].code != (BPF_JMP | BPF_CALL) || insn[i].src_reg != 0)
			continue;
		s->lookups += insn[i].imm == BPF_FUNC_map_lookup_elem;
		s->updates += insn[i].imm == BPF_FUNC_map_update_elem;
	}
	/* Measure in isolation: never pin to, or reuse maps from, bpffs. */
	bpf_object__for_each_map(map, s->obj)
		bpf_map__set_pin_path(map, NULL);

	err = bpf_object__load(s->obj);
	if (err) {
		fprintf(stderr, "%s: cannot load: %s%s\n", s->path,
			strerror(-err), verbose ? "" : " (-v shows why)");
		return -1;
	}
	s->prog_fd = bpf_program__fd(prog);
	if (bpf_obj_get_info_by_fd(s->prog_fd, &s->info, &len)) {
		fprintf(stderr, "%s: cannot get program info: %s\n", s->path,
			strerror(errno));
		return -1;
	}

	if (!strcmp(map_name, "-"))
		return 0;
	map = bpf_object__find_map_by_name(s->obj, map_name);
	if (!map) {
		fprintf(stderr, "%s: no map %s\n", s->path, map_name);
		return -1;
	}
	if (bpf_map_update_elem(bpf_map__fd(map), &blocked_ip, &zero,
				BPF_ANY)) {
		fprintf(stderr, "%s: cannot add to map %s: %s\n", s->path,
			map_name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether the kernel runs S's program on a packet (BPF_PROG_TEST_RUN):
 * XDP and tc; of the others (-p), only the instructions are shown. */
static bool runs_on_packets(const struct subject *s)
{
	return s->info.type == BPF_PROG_TYPE_XDP || s->info.type == BPF_PROG_TYPE_SCHED_CLS;
}

static int test_run(struct subject *s, int kind, const struct packet *pkt,
		    unsigned int repeat, unsigned int trial)
{
	if (!runs_on_packets(s))
		return 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = pkt->bytes,
		    .data_size_in = pkt->len,
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(s->prog_fd, &opts)) {
		fprintf(stderr, "%s: BPF_PROG_TEST_RUN: %s\n", s->path,
			strerror(errno));
		return -1;
	}
	s->ns[kind][trial] = opts.duration;
	s->action[kind] = opts.retval;
	return 0;
}

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
"Usage: %s [OPTIONS] [LABEL=]OBJECT.bpf.o...\n"
"Load the XDP or tc program of each OBJECT and print a tab-separated table:\n"
"  %s\n"
"Options:\n"
"  -p NAME   program to load (default: the first XDP or tc program)\n"
"  -a        load every program of the object (tail-call targets too)\n"
"  -m NAME   blocklist map, hash<u32, u32> (default: blocklist; - for none)\n"
"  -n N      runs per BPF_PROG_TEST_RUN (default: 100000)\n"
"  -t N      BPF_PROG_TEST_RUN calls per packet and object; the mean of\n"
"            the middle half of their times is printed (default: 101,\n"
"            at most %d)\n"
"  -c CPU    run on this CPU only\n"
"  -v        show libbpf's debug output (and the verifier log on failure)\n",
		argv0, HEADER, MAX_TRIALS);
}

int main(int argc, char **argv)
{
	const char *prog_name = NULL, *map_name = "blocklist";
	unsigned int repeat = 100000, trials = 101, t;
	struct subject *subjects;
	struct packet pkts[NPKT];
	__u32 blocked_ip;
	int opt, cpu = -1, n, i, k, status = 1;

	while ((opt = getopt(argc, argv, "ap:m:n:t:c:vh")) != -1) {
		switch (opt) {
		case 'a': load_all = true; break;
		case 'p': prog_name = optarg; break;
		case 'm': map_name = optarg; break;
		case 'n': repeat = strtoul(optarg, NULL, 0); break;
		case 't': trials = strtoul(optarg, NULL, 0); break;
		case 'c': cpu = atoi(optarg); break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	n = argc - optind;
	if (n < 1 || repeat == 0 || trials == 0 || trials > MAX_TRIALS) {
		usage(stderr, argv[0]);
		return 2;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "CPU %d: %s\n", cpu, strerror(errno));
			return 1;
		}
	}
	libbpf_set_print(print_libbpf);

	make_udp(&pkts[PKT_PASS], "10.0.0.1", "10.0.0.9");
	make_udp(&pkts[PKT_BLOCKED], "10.0.0.2", "10.0.0.9");
	make_arp(&pkts[PKT_OTHER]);
	/* The map key is the source address as the packet carries it. */
	memcpy(&blocked_ip, pkts[PKT_BLOCKED].bytes + ETH_HLEN + 12, 4);

	subjects = calloc(n, sizeof(*subjects));
	if (!subjects) {
		perror("calloc");
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *arg = argv[optind + i], *eq = strchr(arg, '=');

		subjects[i].label = subjects[i].path = arg;
		if (eq) {
			*eq = '\0';
			subjects[i].path = eq + 1;
		}
		if (load_subject(&subjects[i], prog_name, map_name, blocked_ip))
			goto out;
	}

	/* One test run each to warm up, then the trials, in turns. */
	for (k = 0; k < NPKT; k++)
		for (i = 0; i < n; i++)
			if (test_run(&subjects[i], k, &pkts[k], repeat, 0))
				goto out;
	for (t = 0; t < trials; t++)
		for (k = 0; k < NPKT; k++)
			for (i = 0; i < n; i++) {
				/* Every other trial in the reverse order. */
				int j = t % 2 ? n - 1 - i : i;

				if (test_run(&subjects[j], k, &pkts[k],
					     repeat, t))
					goto out;
			}

	printf("%s\n", HEADER);
	for (i = 0; i < n; i++) {
		struct subject *s = &subjects[i];

		printf("%s\t%u\t%u\t%u\t%u\t%u", s->label, s->lookups, s->updates,
		       s->info.verified_insns,
		       s->info.xlated_prog_len / 8, s->info.jited_prog_len);
		for (k = 0; k < NPKT; k++)
			if (runs_on_packets(s))
				printf("\t%.1f", middle_mean(s->ns[k], trials));
			else
				printf("\t-");
		for (k = 0; k < NPKT; k++)
			printf("\t%s", runs_on_packets(s) ? action_name(s->info.type, s->action[k]) : "-");
		printf("\n");
	}
	status = 0;
out:
	for (i = 0; i < n; i++)
		bpf_object__close(subjects[i].obj);
	free(subjects);
	return status;
}
