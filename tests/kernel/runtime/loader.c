// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace side of the runtime test: loads runtime.bpf.o through its
 * bpftool skeleton and attaches it with ks_runtime.h, the way a generated
 * loader does.  runtime.sh drives it and checks the kernel's view.
 *
 * Output on stdout, one fact a line, for runtime.sh to read:
 *	prog NAME ID		for each program, after load
 *	ready			everything asked for is attached
 *	sleep interrupted|done	how ks_sleep_ms() ended
 *	NAME=VALUE		the counters, after the sleep
 *	detached		(-D) each program was detached with ks_detach()
 *	exit			ks_detach_all() ran (twice) and the skeleton is gone
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ks_runtime.h"
#include "runtime.skel.h"
#include "counters.h"

static const char *const counter_names[KSRT_NR_COUNTERS] = {
	[KSRT_XDP_PACKETS] = "xdp_packets",
	[KSRT_XDP_UDP] = "xdp_udp",
	[KSRT_XDP_DROPPED] = "xdp_dropped",
	[KSRT_TC_IN_PACKETS] = "tc_in_packets",
	[KSRT_TC_IN_UDP] = "tc_in_udp",
	[KSRT_TC_EG_PACKETS] = "tc_eg_packets",
	[KSRT_TC_EG_UDP] = "tc_eg_udp",
	[KSRT_SCHED_SWITCHES] = "sched_switches",
};

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-v] [-x IF [-m link|skb|drv] [-d PORT]] [-i IF] [-e IF] [-l]\n"
		"          [-t TP] [-p NAME] [-s MS] [-D]\n"
		"  -x IF    attach ksrt_xdp to IF (-m: mode, default link)\n"
		"  -d PORT  ksrt_xdp drops UDP to PORT\n"
		"  -i IF    attach ksrt_tc_in to the ingress of IF\n"
		"  -e IF    attach ksrt_tc_eg to the egress of IF\n"
		"  -l       tc through the clsact qdisc, never tcx (-L: tcx only)\n"
		"  -t TP    attach ksrt_sched to tracepoint TP (category/event)\n"
		"  -p NAME  pin the counters map as /sys/fs/bpf/NAME (mounting bpffs)\n"
		"  -s MS    sleep at most MS milliseconds (default 60000)\n"
		"  -D       after the sleep, ks_detach() each program, print 'detached'\n"
		"           and wait for SIGUSR1 before ks_detach_all()\n",
		prog);
}

static void print_prog_id(struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
		printf("prog %s %u\n", bpf_program__name(prog), info.id);
}

static int print_counters(struct runtime_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.counters);
	__u32 key;
	__u64 value;

	for (key = 0; key < KSRT_NR_COUNTERS; key++) {
		if (bpf_map_lookup_elem(fd, &key, &value)) {
			fprintf(stderr, "Failed to read counter %s: %s\n",
				counter_names[key], strerror(errno));
			return -errno;
		}
		printf("%s=%llu\n", counter_names[key], (unsigned long long)value);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *xdp_if = NULL, *tc_in_if = NULL, *tc_eg_if = NULL;
	const char *tp = NULL, *pin_name = NULL, *xdp_mode = "link";
	unsigned long long sleep_ms = 60000;
	bool verbose = false, detach_each = false;
	__u32 xdp_flags = 0, tc_flags = 0;
	char pin_path[256] = "";
	struct runtime_bpf *skel;
	long drop_port = 0;
	sigset_t usr1;
	int opt, sig, err;

	while ((opt = getopt(argc, argv, "vx:m:d:i:e:lLt:p:s:D")) != -1) {
		switch (opt) {
		case 'v': verbose = true; break;
		case 'x': xdp_if = optarg; break;
		case 'm': xdp_mode = optarg; break;
		case 'd': drop_port = strtol(optarg, NULL, 10); break;
		case 'i': tc_in_if = optarg; break;
		case 'e': tc_eg_if = optarg; break;
		case 'l': tc_flags = KS_TC_F_LEGACY; break;
		case 'L': tc_flags = KS_TC_F_TCX; break;
		case 't': tp = optarg; break;
		case 'p': pin_name = optarg; break;
		case 's': sleep_ms = strtoull(optarg, NULL, 10); break;
		case 'D': detach_each = true; break;
		default: usage(argv[0]); return 2;
		}
	}
	if (optind != argc || drop_port < 0 || drop_port > 65535) {
		usage(argv[0]);
		return 2;
	}
	if (strcmp(xdp_mode, "link") == 0) {
		xdp_flags = 0;
	} else if (strcmp(xdp_mode, "skb") == 0) {
		xdp_flags = XDP_FLAGS_SKB_MODE;
	} else if (strcmp(xdp_mode, "drv") == 0) {
		xdp_flags = XDP_FLAGS_DRV_MODE;
	} else {
		usage(argv[0]);
		return 2;
	}

	/* SIGUSR1 is waited for with sigwait(), never delivered. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	ks_setup(verbose);

	skel = runtime_bpf__open();
	if (!skel) {
		fprintf(stderr, "Failed to open BPF skeleton: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->drop_port = (__u16)drop_port;

	err = runtime_bpf__load(skel);
	if (err) {
		fprintf(stderr, "Failed to load BPF skeleton: %s\n", strerror(-err));
		goto cleanup;
	}
	print_prog_id(skel->progs.ksrt_xdp);
	print_prog_id(skel->progs.ksrt_tc_in);
	print_prog_id(skel->progs.ksrt_tc_eg);
	print_prog_id(skel->progs.ksrt_sched);

	if (pin_name) {
		err = ks_ensure_bpffs();
		if (err)
			goto cleanup;
		snprintf(pin_path, sizeof(pin_path), "%s/%s", KS_BPFFS_DIR, pin_name);
		err = bpf_map__pin(skel->maps.counters, pin_path);
		if (err) {
			fprintf(stderr, "Failed to pin map counters at %s: %s\n",
				pin_path, strerror(-err));
			pin_path[0] = '\0';
			goto cleanup;
		}
		printf("pinned %s\n", pin_path);
	}

	if (xdp_if) {
		err = ks_attach_xdp(skel->progs.ksrt_xdp, xdp_if, xdp_flags);
		if (err)
			goto cleanup;
	}
	if (tc_in_if) {
		err = ks_attach_tc(skel->progs.ksrt_tc_in, tc_in_if, true, tc_flags);
		if (err)
			goto cleanup;
	}
	if (tc_eg_if) {
		err = ks_attach_tc(skel->progs.ksrt_tc_eg, tc_eg_if, false, tc_flags);
		if (err)
			goto cleanup;
	}
	if (tp) {
		err = ks_attach_tracepoint(skel->progs.ksrt_sched, tp);
		if (err)
			goto cleanup;
	}
	printf("ready\n");
	fflush(stdout);

	err = ks_sleep_ms(sleep_ms);
	printf("sleep %s\n", err == -EINTR ? "interrupted" : "done");

	err = print_counters(skel);
	if (err)
		goto cleanup;

	if (detach_each) {
		struct bpf_program *progs[] = {
			skel->progs.ksrt_xdp, skel->progs.ksrt_tc_in,
			skel->progs.ksrt_tc_eg, skel->progs.ksrt_sched,
		};
		size_t i;

		for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
			int e = ks_detach(progs[i]);

			if (e && !err)
				err = e;
		}
		if (err)
			goto cleanup;
		printf("detached\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
	}

cleanup:
	ks_detach_all();
	ks_detach_all();	/* a second call finds nothing to do */
	if (pin_path[0])
		unlink(pin_path);
	runtime_bpf__destroy(skel);
	printf("exit\n");
	return err ? 1 : 0;
}
