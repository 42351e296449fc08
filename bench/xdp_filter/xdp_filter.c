// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written twin of the userspace part of examples/xdp_filter.ks: load
 * the filter, attach it to --interface, block --block, then print the
 * counters every second until interrupted.
 *
 *   xdp_filter --interface=eth0 --block=16777226
 *
 * --block is the source address as the u32 the packet carries, read on
 * this (little-endian) machine: 10.0.0.1 is 0x0100000a = 16777226.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdp_filter.skel.h"

enum { STAT_PASSED, STAT_DROPPED };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The sum over all CPUs of the per-CPU counter stats[key]. */
static __u64 stat_total(int fd, __u32 key, int ncpus)
{
	__u64 values[ncpus], total = 0;
	int i;

	if (bpf_map_lookup_elem(fd, &key, values))
		return 0;
	for (i = 0; i < ncpus; i++)
		total += values[i];
	return total;
}

static void print_blocklist(int fd)
{
	__u32 key, next, drops;
	__u32 *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &drops) == 0)
			printf("  source %u: %u dropped\n", next, drops);
		key = next;
		prev = &key;
	}
}

static void usage(FILE *f, const char *argv0)
{
	fprintf(f, "Usage: %s --interface=NAME --block=ADDRESS\n", argv0);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "block", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char interface[IF_NAMESIZE] = "";
	__u32 block = 0, zero = 0;
	struct xdp_filter_bpf *skel;
	int opt, ifindex, ncpus, err, status = 1;
	char *end;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			snprintf(interface, sizeof(interface), "%s", optarg);
			break;
		case 'b':
			errno = 0;
			block = strtoul(optarg, &end, 0);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "bad --block: %s\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr, argv[0]);
		return 2;
	}

	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0) {
		fprintf(stderr, "cannot count CPUs: %s\n", strerror(-ncpus));
		return 1;
	}
	skel = xdp_filter_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "cannot load xdp_filter: %s\n", strerror(errno));
		return 1;
	}

	ifindex = if_nametoindex(interface);
	err = ifindex ? bpf_xdp_attach(ifindex,
				       bpf_program__fd(skel->progs.xdp_filter),
				       0, NULL) : -ENODEV;
	if (err) {
		printf("cannot attach xdp_filter to %s\n", interface);
		goto out;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.blocklist), &block,
				&zero, BPF_ANY)) {
		fprintf(stderr, "cannot block %u: %s\n", block, strerror(errno));
		goto detach;
	}
	printf("xdp_filter on %s, blocking %u; Ctrl-C to stop\n", interface,
	       block);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		sleep(1);
		if (stop)
			break;
		printf("passed %" PRIu64 ", dropped %" PRIu64 "\n",
		       (uint64_t)stat_total(bpf_map__fd(skel->maps.stats),
					    STAT_PASSED, ncpus),
		       (uint64_t)stat_total(bpf_map__fd(skel->maps.stats),
					    STAT_DROPPED, ncpus));
		print_blocklist(bpf_map__fd(skel->maps.blocklist));
		fflush(stdout);
	}
	status = 0;
detach:
	bpf_xdp_detach(ifindex, 0, NULL);
out:
	xdp_filter_bpf__destroy(skel);
	return status;
}
