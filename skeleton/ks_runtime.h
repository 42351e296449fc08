/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ks_runtime.h - the small runtime a kernelscript loader includes beside
 * bpftool's NAME.skel.h.
 *
 * It attaches programs by target (XDP, tc, tracepoint), remembers every
 * attachment so that one call undoes them all, mounts bpffs and tracefs when
 * they are missing, and turns SIGINT/SIGTERM into a flag the main loop reads.
 * ks_state.h, included at its end, keeps the running program's maps and
 * links pinned, for --upgrade, --status and --rollback.
 * Its map section lets userspace use maps before the object is loaded and
 * ends the program when a map operation fails.
 *
 * Header only: one translation unit includes it.  Every function is
 * static inline, so the ones a program does not call cost nothing and do
 * not warn.  Built with the default (GNU) C dialect, or with _GNU_SOURCE
 * defined, as any libbpf program is.
 *
 * Conventions: a function that can fail returns a negative errno when it
 * does (0 or, for ks_ifindex(), the index when it does not), after
 * reporting it with ks_fail(): one line on stderr,
 *
 *	Failed to <verb> <what>: <strerror>
 *
 * and, indented below it, what may help: running as root when the error
 * says privileges are missing, -v when libbpf had more to say.  libbpf's
 * own messages appear only with -v (ks_setup(true)).
 *
 * ks_sleep_ms() returning -EINTR is no failure and prints nothing.
 *
 * The command line (-h, -v, the program's options) is ks_options.h's.
 *
 * Typical use (what the generated loader does):
 *
 *	status = ks_parse_command_line(&cli, argc, argv);
 *	ks_setup(cli.verbose);
 *	skel = NAME_bpf__open();
 *	ks_use_object(skel->obj);	(maps usable before load: ks_map())
 *	... set rodata, use maps ...
 *	err = NAME_bpf__load(skel);
 *	err = ks_attach_xdp(skel->progs.prog, "eth0", 0);
 *	while (!ks_exiting)
 *		ks_sleep_ms(1000);
 *	ks_detach_all();		(before NAME_bpf__destroy)
 *	NAME_bpf__destroy(skel);
 */
#ifndef KS_RUNTIME_H
#define KS_RUNTIME_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/statfs.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ks_options.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

/*
 * tcx (kernel 6.6 and later) attach types.  They are enum constants in
 * <linux/bpf.h>, so their presence cannot be tested with #ifdef, and the
 * headers that come with libbpf 1.1 do not have them.  The numbers are
 * kernel ABI and never change.
 */
#define KS_BPF_TCX_INGRESS 46
#define KS_BPF_TCX_EGRESS 47

/*
 * Flags of ks_attach_tc().  0 means: a tcx link where the kernel has tcx,
 * otherwise a filter on the clsact qdisc.
 */
#define KS_TC_F_LEGACY (1U << 0)	/* always the clsact qdisc */
#define KS_TC_F_TCX (1U << 1)		/* tcx only, no fallback */

/* The kernel's ENOTSUPP, which userspace headers lack: what
 * BPF_PROG_TEST_RUN answers for a program type it cannot run. */
#define KS_ENOTSUPP 524

#define KS_MAX_ATTACHMENTS 64
#define KS_BPFFS_DIR "/sys/fs/bpf"
#define KS_TRACEFS_DIR "/sys/kernel/tracing"
#define KS_DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"

/* Set by SIGINT and SIGTERM once ks_setup() has run. */
static volatile sig_atomic_t ks_exiting;

static bool ks_verbose;

enum ks_attach_kind {
	KS_ATTACH_LINK,		/* a libbpf bpf_link: XDP link, tracepoint, kprobe */
	KS_ATTACH_TCX,		/* a tcx link made with bpf_link_create() */
	KS_ATTACH_XDP,		/* bpf_xdp_attach() with explicit flags */
	KS_ATTACH_TC,		/* a filter on the clsact qdisc */
	KS_ATTACH_PERF,		/* a bpf_link on a perf event we opened */
};

struct ks_attachment {
	bool used;
	enum ks_attach_kind kind;
	struct bpf_program *prog;
	char target[64];		/* for messages: "eth0", "sched/sched_switch" */
	struct bpf_link *link;		/* KS_ATTACH_LINK */
	int link_fd;			/* KS_ATTACH_TCX */
	int ifindex;			/* XDP, TCX, TC */
	__u32 xdp_flags;		/* KS_ATTACH_XDP */
	bool ingress;			/* TCX, TC */
	__u32 tc_handle;		/* KS_ATTACH_TC */
	__u32 tc_priority;		/* KS_ATTACH_TC */
	bool owns_qdisc;		/* KS_ATTACH_TC: this runtime created clsact */
	int perf_fd;			/* KS_ATTACH_PERF: the counter */
	int id;				/* what ks_attach_perf_event returned */
	bool pinned;			/* its link is pinned in the state (ks_state.h) */
};

/* In attach order; detaching goes from the end (newest first). */
static struct ks_attachment ks_attachments[KS_MAX_ATTACHMENTS];
static int ks_nr_attachments;

/* The struct_ops registered (ks_register), unregistered at exit. */
static struct bpf_link *ks_struct_ops[16];
static int ks_nr_struct_ops;

/* libbpf's warnings held back (no -v) since the last ks_fail(). */
static int ks_hidden_messages;

/* The running program's pinned state and hot upgrade: ks_state.h,
 * included at the end. */
static inline int ks_state_take_over(struct ks_attachment *a, int prog_fd);
static inline void ks_state_link(struct ks_attachment *a);
static inline void ks_state_unpin(struct ks_attachment *a);
static inline void ks_state_waiting(void);
static inline void ks_state_moved(void);
static inline void ks_state_stop(bool detach);
static inline bool ks_state_busy(void);
static inline int ks_state_refuse_register(const struct bpf_map *map);

/*
 * Without -v, libbpf says nothing: a failure is reported in one line of
 * our own, which then mentions -v if libbpf had warned about something.
 * With -v, every message, debug ones included.
 */
static inline int ks_libbpf_print(enum libbpf_print_level level,
				  const char *format, va_list args)
{
	if (!ks_verbose) {
		if (level != LIBBPF_DEBUG)
			ks_hidden_messages++;
		return 0;
	}
	return vfprintf(stderr, format, args);
}

/*
 * Whether ERR (an errno) says this process lacks privileges.  EACCES is
 * also what the verifier answers a program it rejects: as root, that is
 * all it can mean.
 */
static inline bool ks_lacks_privileges(int err)
{
	return err == EPERM || (err == EACCES && geteuid() != 0);
}

/*
 * Reports a failure: "Failed to WHAT: <strerror(ERR)>", and below it what
 * may help.  ERR is an errno, negative or not; returns it negative.
 */
__attribute__((format(printf, 2, 3)))
static inline int ks_fail(int err, const char *what, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	fputs("Failed to ", stderr);
	va_start(ap, what);
	vfprintf(stderr, what, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	if (ks_lacks_privileges(err))
		fprintf(stderr, "  this needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON): "
			"run it with sudo\n");
	if (ks_hidden_messages)
		fprintf(stderr, "  run it with -v to see libbpf's messages "
			"(and the verifier's log, if it rejected a program)\n");
	ks_hidden_messages = 0;
	return -err;
}

/*
 * attach() was given an empty TARGET for PROG: names the option to give
 * when the target comes from one ("missing network interface: give
 * --interface=NAME").  Returns -EINVAL.
 */
static inline int ks_missing_target(struct bpf_program *prog, enum ks_target target)
{
	char options[256];

	if (*ks_options_for_target(options, sizeof(options), target))
		fprintf(stderr, "missing %s: give %s\n", ks_target_name(target), options);
	else
		fprintf(stderr, "missing %s: attach() got an empty one for program %s\n",
			ks_target_name(target), bpf_program__name(prog));
	return -EINVAL;
}

static inline void ks_sig_handler(int sig)
{
	(void)sig;
	ks_exiting = 1;
}

/*
 * libbpf's messages on stderr when verbose (ks_libbpf_print), and SIGINT
 * and SIGTERM set ks_exiting.  The handlers are installed without SA_RESTART,
 * so a blocking call such as ring_buffer__poll() returns with EINTR.
 */
static inline void ks_setup(bool verbose)
{
	struct sigaction sa;

	/* print() lines appear as they are printed, also into a pipe or log */
	setvbuf(stdout, NULL, _IOLBF, 0);

	ks_verbose = verbose;
	libbpf_set_print(ks_libbpf_print);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ks_sig_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Sleeps ms milliseconds; returns -EINTR as soon as ks_exiting is set. */
static inline int ks_sleep_ms(unsigned long long ms)
{
	struct timespec now, end, step;
	long long left_ns;

	ks_state_waiting();
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		if (ks_state_busy())
			ks_state_waiting();
		if (ks_exiting)
			return -EINTR;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ns = (long long)(end.tv_sec - now.tv_sec) * 1000000000LL +
			  (end.tv_nsec - now.tv_nsec);
		if (left_ns <= 0)
			return 0;
		/* A signal may come just before nanosleep(): sleep in short
		 * steps so that it is seen within 100 ms anyway. */
		if (left_ns > 100000000LL)
			left_ns = 100000000LL;
		step.tv_sec = 0;
		step.tv_nsec = (long)left_ns;
		nanosleep(&step, NULL);
	}
}

/*
 * daemon(): into the background, serving until SIGINT or SIGTERM, then
 * exit(0), whose handlers detach what the program attached.  The parent
 * leaves at once with _exit() (daemon(3)), so its exit detaches nothing:
 * the child holds the same links.  Never returns.
 */
static inline __attribute__((noreturn)) void ks_daemon(void)
{
	ks_state_waiting();	/* an upgrade hands over before the parent leaves */
	if (daemon(0, 0) < 0) {
		ks_fail(errno, "go into the background");
		exit(1);
	}
	ks_state_moved();
	while (!ks_exiting)
		ks_sleep_ms(1000);
	exit(0);
}

/*
 * Before exec(): the attachments' file descriptors stay open in the new
 * program, so what is attached stays attached while it runs.  Links end
 * with it; an XDP program attached with flags and a tc filter have no
 * link, and stay attached after it ends until removed by hand.
 */
static inline void ks_keep_attachments_across_exec(void)
{
	ks_state_stop(false);	/* no pins: the links end with the new program */
	for (int i = 0; i < ks_nr_attachments; i++) {
		const struct ks_attachment *a = &ks_attachments[i];
		int fds[] = {
			a->link ? bpf_link__fd(a->link) : -1,
			a->kind == KS_ATTACH_TCX ? a->link_fd : -1,
			a->kind == KS_ATTACH_PERF ? a->perf_fd : -1,
		};

		for (size_t j = 0; a->used && j < sizeof(fds) / sizeof(fds[0]); j++) {
			int flags = fds[j] >= 0 ? fcntl(fds[j], F_GETFD) : -1;

			if (flags >= 0)
				fcntl(fds[j], F_SETFD, flags & ~FD_CLOEXEC);
		}
	}
}

/* The index of interface ifname, or -ENODEV. */
static inline int ks_ifindex(const char *ifname)
{
	unsigned int ifindex = if_nametoindex(ifname);

	if (!ifindex) {
		int err = errno == ENXIO || errno == 0 ? ENODEV : errno;

		return ks_fail(err, "find network interface '%s'", ifname);
	}
	return (int)ifindex;
}

/* Mounts bpffs at /sys/fs/bpf unless it is mounted there already. */
static inline int ks_ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(KS_BPFFS_DIR, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", KS_BPFFS_DIR, "bpf", 0, "mode=0700"))
		return ks_fail(errno, "mount bpffs at %s", KS_BPFFS_DIR);
	return 0;
}

/*
 * libbpf 1.1 finds tracepoints in /sys/kernel/debug/tracing when that path
 * exists (debugfs mounted: tracefs is automounted below it), and otherwise
 * in /sys/kernel/tracing, which nothing mounts on a minimal system.  Mount
 * tracefs there when neither is usable.
 */
static inline int ks_ensure_tracefs(void)
{
	struct statfs st;

	if (access(KS_DEBUGFS_TRACING_DIR, F_OK) == 0)
		return 0;
	if (statfs(KS_TRACEFS_DIR, &st) == 0 && st.f_type == TRACEFS_MAGIC)
		return 0;
	if (mount("tracefs", KS_TRACEFS_DIR, "tracefs", 0, NULL))
		return ks_fail(errno, "mount tracefs at %s", KS_TRACEFS_DIR);
	return 0;
}

/* A free slot of the attachment table, or NULL when it is full. */
static inline struct ks_attachment *ks_new_attachment(struct bpf_program *prog,
						      enum ks_attach_kind kind,
						      const char *target)
{
	struct ks_attachment *a;
	int i, n = 0;

	if (ks_nr_attachments == KS_MAX_ATTACHMENTS) {
		/* compact, keeping the order */
		for (i = 0; i < ks_nr_attachments; i++)
			if (ks_attachments[i].used)
				ks_attachments[n++] = ks_attachments[i];
		ks_nr_attachments = n;
		if (n == KS_MAX_ATTACHMENTS)
			return NULL;
	}
	a = &ks_attachments[ks_nr_attachments++];
	memset(a, 0, sizeof(*a));
	a->used = true;
	a->kind = kind;
	a->prog = prog;
	a->link_fd = -1;
	a->perf_fd = -1;
	snprintf(a->target, sizeof(a->target), "%s", target);
	return a;
}

static inline void ks_forget_last_attachment(void)
{
	ks_attachments[--ks_nr_attachments].used = false;
}

static inline int ks_table_full(struct bpf_program *prog, const char *what,
				const char *target)
{
	return ks_fail(ENOSPC, "attach %s program %s to %s", what,
		       bpf_program__name(prog), target);
}

/*
 * Attaches an XDP program to ifname.  flags as for bpf_xdp_attach(): 0 lets
 * the kernel choose the mode and makes a bpf_link (the program goes away
 * with this process even if it dies); XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE
 * and so on attach through netlink, and only ks_detach() removes that.
 */
static inline int ks_attach_xdp(struct bpf_program *prog, const char *ifname,
				__u32 flags)
{
	struct ks_attachment *a;
	int ifindex, err;

	if (!ifname || !*ifname)
		return ks_missing_target(prog, KS_TARGET_INTERFACE);
	ifindex = ks_ifindex(ifname);
	if (ifindex < 0)
		return ifindex;
	a = ks_new_attachment(prog, flags ? KS_ATTACH_XDP : KS_ATTACH_LINK, ifname);
	if (!a)
		return ks_table_full(prog, "XDP", ifname);
	a->ifindex = ifindex;

	if (!flags) {
		err = ks_state_take_over(a, bpf_program__fd(prog));
		if (err > 0)
			return 0;
		a->link = bpf_program__attach_xdp(prog, ifindex);
		err = a->link ? 0 : -errno;
	} else {
		a->xdp_flags = flags;
		err = bpf_xdp_attach(ifindex, bpf_program__fd(prog), flags, NULL);
	}
	if (err) {
		ks_forget_last_attachment();
		return ks_fail(err, "attach XDP program %s to %s",
			       bpf_program__name(prog), ifname);
	}
	ks_state_link(a);
	return 0;
}

/* Removes the clsact qdisc of ifindex (and every filter on it). */
static inline int ks_destroy_clsact(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

	return bpf_tc_hook_destroy(&hook);
}

/* The legacy path: a direct-action filter on the clsact qdisc. */
static inline int ks_attach_tc_legacy(struct ks_attachment *a, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a->ifindex,
		    .attach_point = a->ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		return ks_fail(err, "create tc hook (clsact qdisc) on %s", a->target);
	}
	a->owns_qdisc = !err;

	/* handle and priority 0: the kernel picks free ones, and
	 * bpf_tc_attach() reports them back for the detach. */
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (a->owns_qdisc)
			ks_destroy_clsact(a->ifindex);
		return ks_fail(err, "attach tc program %s to %s %s",
			       bpf_program__name(a->prog), a->target,
			       a->ingress ? "ingress" : "egress");
	}
	a->tc_handle = opts.handle;
	a->tc_priority = opts.priority;
	return 0;
}

/*
 * Attaches a tc (SEC("tc"), BPF_PROG_TYPE_SCHED_CLS) program to the ingress
 * or egress of ifname.
 *
 * Where the kernel has tcx (6.6 and later), this is a tcx link made with
 * bpf_link_create(): libbpf 1.1 has no bpf_program__attach_tcx().  Tested on
 * a 6.18 kernel: a tcx link does NOT need the program's expected attach type
 * set before load.  A program loaded from SEC("tc") (expected attach type 0)
 * links to BPF_TCX_INGRESS and BPF_TCX_EGRESS alike, so the same object
 * loads on kernels with and without tcx and no step is needed between open
 * and load.
 *
 * Without tcx (bpf_link_create() fails with EINVAL or EOPNOTSUPP), the
 * program becomes a direct-action filter on the clsact qdisc, created when
 * missing (an existing one is used as it is).
 *
 * flags: 0, KS_TC_F_LEGACY (always the qdisc) or KS_TC_F_TCX (tcx only).
 */
static inline int ks_attach_tc(struct bpf_program *prog, const char *ifname,
			       bool ingress, __u32 flags)
{
	const char *dir = ingress ? "ingress" : "egress";
	int prog_fd = bpf_program__fd(prog);
	struct ks_attachment *a;
	int ifindex, fd, err;

	if (!ifname || !*ifname)
		return ks_missing_target(prog, KS_TARGET_INTERFACE);
	if ((flags & ~(KS_TC_F_LEGACY | KS_TC_F_TCX)) ||
	    ((flags & KS_TC_F_LEGACY) && (flags & KS_TC_F_TCX))) {
		return ks_fail(EINVAL, "attach tc program %s to %s %s",
			       bpf_program__name(prog), ifname, dir);
	}
	ifindex = ks_ifindex(ifname);
	if (ifindex < 0)
		return ifindex;
	a = ks_new_attachment(prog, KS_ATTACH_TCX, ifname);
	if (!a)
		return ks_table_full(prog, "tc", ifname);
	a->ifindex = ifindex;
	a->ingress = ingress;

	if (!(flags & KS_TC_F_LEGACY) && ks_state_take_over(a, prog_fd) > 0)
		return 0;
	if (!(flags & KS_TC_F_LEGACY)) {
		fd = bpf_link_create(prog_fd, ifindex,
				     (enum bpf_attach_type)(ingress ? KS_BPF_TCX_INGRESS
								    : KS_BPF_TCX_EGRESS),
				     NULL);
		if (fd >= 0) {
			a->link_fd = fd;
			ks_state_link(a);
			return 0;
		}
		if ((flags & KS_TC_F_TCX) || (fd != -EINVAL && fd != -EOPNOTSUPP)) {
			ks_forget_last_attachment();
			return ks_fail(fd, "attach tc program %s to %s %s (tcx)",
				       bpf_program__name(prog), ifname, dir);
		}
		if (ks_verbose)
			fprintf(stderr, "tcx not supported (%s), attaching %s to the clsact qdisc of %s\n",
				strerror(-fd), bpf_program__name(prog), ifname);
	}

	a->kind = KS_ATTACH_TC;
	err = ks_attach_tc_legacy(a, prog_fd);
	if (err)
		ks_forget_last_attachment();
	return err;
}

/* What a @perf_event program samples: perf_event_attr's fields that
 * KernelScript's perf_options names. */
struct ks_perf_options {
	__u32 type;			/* PERF_TYPE_* */
	__u64 config;			/* PERF_COUNT_* for that type */
	int pid;			/* -1: every process */
	int cpu;			/* -1: any CPU (then pid must be >= 0) */
	__u64 period;			/* a sample every this many events */
	__u32 wakeup;
	bool inherit, exclude_kernel, exclude_user;
};

/* Opens the perf event O describes and attaches PROG to it.  Returns a
 * positive id for ks_read_perf() and ks_detach_perf(), or a negative
 * errno after a message. */
static inline int ks_attach_perf_event(struct bpf_program *prog, struct ks_perf_options o)
{
	static int last_id;
	struct perf_event_attr attr;
	struct ks_attachment *a;
	char what[64];
	int err, fd;

	snprintf(what, sizeof(what), "perf event %u/%llu", o.type, (unsigned long long)o.config);
	if (o.pid < 0 && o.cpu < 0) {
		fprintf(stderr, "Failed to open %s: pid -1 needs a cpu >= 0\n", what);
		return -EINVAL;
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = o.type;
	attr.config = o.config;
	attr.sample_period = o.period;
	attr.wakeup_events = o.wakeup;
	attr.inherit = o.inherit;
	attr.exclude_kernel = o.exclude_kernel;
	attr.exclude_user = o.exclude_user;
	attr.disabled = 1;
	fd = (int)syscall(__NR_perf_event_open, &attr, o.pid, o.cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		return ks_fail(errno, "open %s", what);
	}
	a = ks_new_attachment(prog, KS_ATTACH_PERF, what);
	if (!a) {
		close(fd);
		return ks_table_full(prog, "perf event", what);
	}
	a->perf_fd = fd;
	a->link = bpf_program__attach_perf_event(prog, fd);
	if (!a->link) {
		err = -errno;
		ks_forget_last_attachment();
		close(fd);
		return ks_fail(err, "attach perf_event program %s to %s",
			       bpf_program__name(prog), what);
	}
	ioctl(fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	a->id = ++last_id;
	ks_state_link(a);
	return a->id;
}

static inline struct ks_attachment *ks_perf_attachment(int id)
{
	for (int i = 0; i < ks_nr_attachments; i++)
		if (ks_attachments[i].used && ks_attachments[i].kind == KS_ATTACH_PERF &&
		    ks_attachments[i].id == id)
			return &ks_attachments[i];
	return NULL;
}

/* The counter's value so far, or -1 when ID is detached or unknown. */
static inline long long ks_read_perf(int id)
{
	struct ks_attachment *a = ks_perf_attachment(id);
	unsigned long long count;

	if (!a || read(a->perf_fd, &count, sizeof(count)) != (ssize_t)sizeof(count))
		return -1;
	return (long long)count;
}

/* Attaches a kprobe program to the kernel function FUNC ("do_exit"). */
/* Attaches KPROBE to FUNC, as the attachment of PROG (itself, or the
 * program whose kprobe twin it is). */
static inline int ks_attach_kprobe_as(struct bpf_program *prog, struct bpf_program *kprobe,
				      const char *func)
{
	struct ks_attachment *a;
	int err;

	if (!func || !*func)
		return ks_missing_target(prog, KS_TARGET_FUNCTION);
	err = ks_ensure_tracefs();
	if (err)
		return err;
	a = ks_new_attachment(prog, KS_ATTACH_LINK, func);
	if (!a)
		return ks_table_full(prog, "kprobe", func);
	a->link = bpf_program__attach_kprobe(kprobe, false, func);
	if (!a->link) {
		err = -errno;
		ks_forget_last_attachment();
		return ks_fail(err, "attach kprobe program %s to %s",
			       bpf_program__name(prog), func);
	}
	ks_state_link(a);
	return 0;
}

static inline int ks_attach_kprobe(struct bpf_program *prog, const char *func)
{
	return ks_attach_kprobe_as(prog, prog, func);
}

/* ---- probes: fentry where it attaches, else kprobe ---------------------- */

/* The running kernel's BTF, read once; NULL when it cannot be read. */
static inline struct btf *ks_kernel_btf(void)
{
	static struct btf *vmlinux;

	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	return vmlinux;
}

/*
 * Before the object loads: whether the running kernel has struct OPS,
 * which the @struct_ops impl IMPL fills.  When its BTF says not, says so
 * (libbpf's own failure would not name the reason) and is false.
 */
static inline bool ks_kernel_has_struct_ops(const char *ops, const char *impl)
{
	struct btf *btf = ks_kernel_btf();

	if (!btf || btf__find_by_name_kind(btf, ops, BTF_KIND_STRUCT) > 0)
		return true;	/* or cannot tell: libbpf tries */
	fprintf(stderr, "This kernel has no struct %s, which %s fills, so it cannot run it: "
		"a struct_ops type comes with the kernel subsystem that defines it "
		"(sched_ext_ops with CONFIG_SCHED_CLASS_EXT, Linux 6.12 on)\n", ops, impl);
	return false;
}

/*
 * Whether an fentry program on the kernel function FUNC loads and
 * attaches here: a program that does nothing, attached for a moment.
 * fentry needs the function in BTF and the kernel's trampolines; kernels
 * without them, or that forbid it, refuse the load or the attach.
 */
static inline bool ks_fentry_works(const char *func)
{
	struct btf *vmlinux = ks_kernel_btf();
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },	/* r0 = 0 */
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id, prog, link;

	id = vmlinux ? btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC) : -1;
	if (id <= 0)
		return false;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = (__u32)id);
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &opts);
	if (prog < 0)
		return false;
	link = bpf_link_create(prog, 0, BPF_TRACE_FENTRY, NULL);
	if (link >= 0)
		close(link);
	close(prog);
	return link >= 0;
}

/*
 * Before the object is loaded: a @probe on FUNC loads as its fentry
 * program FENTRY where fentry attaches, else as its kprobe twin KPROBE
 * (the other is not loaded).  A forced @fentry (KPROBE NULL) that cannot
 * attach is reported; its load then fails.
 */
static inline void ks_pick_probe_form(struct bpf_program *fentry, struct bpf_program *kprobe,
				      const char *func)
{
	bool works = ks_fentry_works(func);

	if (!kprobe) {
		if (!works)
			fprintf(stderr, "%s is an @fentry program, and this kernel cannot attach "
				"fentry programs to %s: @probe falls back to a kprobe\n",
				bpf_program__name(fentry), func);
		return;
	}
	bpf_program__set_autoload(works ? kprobe : fentry, false);
	if (ks_verbose)
		fprintf(stderr, "%s: %s on %s\n", bpf_program__name(fentry),
			works ? "an fentry program" : "a kprobe (fentry cannot attach here)", func);
}

/*
 * attach() of a @probe with an fentry form (PROG), loaded for FOR: its
 * fentry program, or its kprobe twin KPROBE when that was loaded instead.
 * An fentry program attaches to the function it was loaded for only.
 */
static inline int ks_attach_probe(struct bpf_program *prog, struct bpf_program *kprobe,
				  const char *func, const char *loaded_for)
{
	struct ks_attachment *a;
	int err;

	if (kprobe && !bpf_program__autoload(prog))
		return ks_attach_kprobe_as(prog, kprobe, func);
	if (!func || !*func)
		return ks_missing_target(prog, KS_TARGET_FUNCTION);
	if (strcmp(func, loaded_for)) {
		fprintf(stderr, "Failed to attach %s to %s: it was loaded as an fentry program on "
			"%s, and fentry programs attach where they were loaded for (@kprobe "
			"attaches anywhere)\n", bpf_program__name(prog), func, loaded_for);
		return -EINVAL;
	}
	a = ks_new_attachment(prog, KS_ATTACH_LINK, func);
	if (!a)
		return ks_table_full(prog, "fentry", func);
	a->link = bpf_program__attach_trace(prog);
	if (!a->link) {
		err = -errno;
		ks_forget_last_attachment();
		return ks_fail(err, "attach fentry program %s to %s", bpf_program__name(prog), func);
	}
	ks_state_link(a);
	return 0;
}

/* Attaches a syscall probe (SEC("ksyscall/NAME")) to the syscall NAME;
 * "sys_NAME", as @probe names it, means the same. */
static inline int ks_attach_ksyscall(struct bpf_program *prog, const char *syscall)
{
	struct ks_attachment *a;
	int err;

	if (!syscall || !*syscall)
		return ks_missing_target(prog, KS_TARGET_SYSCALL);
	if (!strncmp(syscall, "sys_", 4))
		syscall += 4;
	err = ks_ensure_tracefs();
	if (err)
		return err;
	a = ks_new_attachment(prog, KS_ATTACH_LINK, syscall);
	if (!a)
		return ks_table_full(prog, "syscall probe", syscall);
	a->link = bpf_program__attach_ksyscall(prog, syscall, NULL);
	if (!a->link) {
		err = -errno;
		ks_forget_last_attachment();
		return ks_fail(err, "attach syscall probe %s to %s",
			       bpf_program__name(prog), syscall);
	}
	ks_state_link(a);
	return 0;
}

/* Attaches a tracepoint program; tp is "category/event" ("sched/sched_switch"). */
static inline int ks_attach_tracepoint(struct bpf_program *prog, const char *tp)
{
	char category[64];
	const char *slash;
	struct ks_attachment *a;
	int err;

	if (!tp || !*tp)
		return ks_missing_target(prog, KS_TARGET_TRACEPOINT);
	slash = strchr(tp, '/');
	if (!slash || slash == tp || !slash[1] ||
	    (size_t)(slash - tp) >= sizeof(category)) {
		fprintf(stderr, "Failed to attach tracepoint program %s to %s: %s "
			"(expected \"category/event\")\n",
			bpf_program__name(prog), tp, strerror(EINVAL));
		return -EINVAL;
	}
	memcpy(category, tp, (size_t)(slash - tp));
	category[slash - tp] = '\0';

	err = ks_ensure_tracefs();
	if (err)
		return err;
	a = ks_new_attachment(prog, KS_ATTACH_LINK, tp);
	if (!a)
		return ks_table_full(prog, "tracepoint", tp);
	a->link = bpf_program__attach_tracepoint(prog, category, slash + 1);
	if (!a->link) {
		err = -errno;
		ks_forget_last_attachment();
		return ks_fail(err, "attach tracepoint program %s to %s",
			       bpf_program__name(prog), tp);
	}
	ks_state_link(a);
	return 0;
}

/* Another live legacy tc attachment on a's interface, or NULL. */
static inline struct ks_attachment *ks_other_tc_on(const struct ks_attachment *a)
{
	int i;

	for (i = ks_nr_attachments - 1; i >= 0; i--) {
		struct ks_attachment *b = &ks_attachments[i];

		if (b != a && b->used && b->kind == KS_ATTACH_TC &&
		    b->ifindex == a->ifindex)
			return b;
	}
	return NULL;
}

/* Undoes one attachment and frees its slot. */
static inline int ks_undo(struct ks_attachment *a)
{
	const char *name = bpf_program__name(a->prog);
	struct ks_attachment *other;
	int err = 0;

	ks_state_unpin(a);
	switch (a->kind) {
	case KS_ATTACH_LINK:
		err = bpf_link__destroy(a->link);
		break;
	case KS_ATTACH_PERF:
		ioctl(a->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
		err = bpf_link__destroy(a->link);
		close(a->perf_fd);
		break;
	case KS_ATTACH_TCX:
		if (close(a->link_fd))
			err = -errno;
		break;
	case KS_ATTACH_XDP: {
		/* only if it is still our program (XDP_FLAGS_REPLACE) */
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts,
			    .old_prog_fd = bpf_program__fd(a->prog));

		err = bpf_xdp_detach(a->ifindex, a->xdp_flags, &opts);
		if (err == -EEXIST)	/* replaced by someone else since */
			err = 0;
		break;
	}
	case KS_ATTACH_TC: {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a->ifindex,
			    .attach_point = a->ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = a->tc_handle,
			    .priority = a->tc_priority);

		err = bpf_tc_detach(&hook, &opts);
		if (err == -ENOENT)	/* removed by someone else since */
			err = 0;
		if (a->owns_qdisc) {
			/* the clsact qdisc this runtime created goes with
			 * the last of its filters that this runtime made */
			other = ks_other_tc_on(a);
			if (other) {
				other->owns_qdisc = true;
			} else {
				int e = ks_destroy_clsact(a->ifindex);

				if (e && e != -ENOENT && e != -EINVAL && !err)
					err = e;
			}
		}
		break;
	}
	}
	/* the interface went away, and every attachment to it with it */
	if (err == -ENODEV)
		err = 0;
	if (err)
		ks_fail(err, "detach program %s from %s", name, a->target);
	a->used = false;
	while (ks_nr_attachments > 0 && !ks_attachments[ks_nr_attachments - 1].used)
		ks_nr_attachments--;
	return err;
}

/*
 * Undoes every attachment of prog made through this runtime, newest first.
 * Returns the first error, after trying them all.
 */
/* Detaches one perf attachment (what ks_attach_perf_event returned). */
static inline int ks_detach_perf(int id)
{
	struct ks_attachment *a = ks_perf_attachment(id);

	return a ? ks_undo(a) : 0;
}

static inline int ks_detach(struct bpf_program *prog)
{
	int i, err, first = 0;

	for (i = ks_nr_attachments - 1; i >= 0; i--) {
		if (!ks_attachments[i].used || ks_attachments[i].prog != prog)
			continue;
		err = ks_undo(&ks_attachments[i]);
		if (err && !first)
			first = err;
	}
	return first;
}

/*
 * Undoes every attachment, newest first.  Safe to call twice.  Call it
 * before NAME_bpf__destroy(): detaching XDP checks that the attached
 * program is still ours through its file descriptor.
 */
static inline void ks_detach_all(void)
{
	ks_state_stop(true);
	while (ks_nr_struct_ops > 0)
		bpf_link__destroy(ks_struct_ops[--ks_nr_struct_ops]);
	while (ks_nr_attachments > 0) {
		struct ks_attachment *a = &ks_attachments[ks_nr_attachments - 1];

		if (a->used)
			ks_undo(a);
		else
			ks_nr_attachments--;
	}
}

/* ---- struct_ops ---------------------------------------------------------- */

/*
 * register(impl): the struct MAP holds goes to the kernel (a TCP congestion
 * control appears in tcp_available_congestion_control).  0, or a message
 * and the negative errno.  LOADED is the object's loading, done first.
 */
static inline int ks_register(struct bpf_program *loaded, struct bpf_map *map)
{
	struct bpf_link *link;

	(void)loaded;
	if (ks_state_refuse_register(map))
		return -EBUSY;
	if (ks_nr_struct_ops == (int)(sizeof(ks_struct_ops) / sizeof(ks_struct_ops[0])))
		return ks_fail(E2BIG, "register %s: too many registered", bpf_map__name(map));
	link = bpf_map__attach_struct_ops(map);
	if (!link)
		return ks_fail(errno, "register %s", bpf_map__name(map));
	ks_struct_ops[ks_nr_struct_ops++] = link;
	if (ks_verbose)
		fprintf(stderr, "registered %s\n", bpf_map__name(map));
	return 0;
}

/* ---- programs that attach by themselves ------------------------------- */

/*
 * @xdp on eth0, written at WHERE (FILE:LINE): attaches PROG, the program
 * NAME, to TARGET through ATTACH (the generated attach(), by kind) and
 * says so.  An interface that is not there is reported with WHERE.
 */
static inline int ks_attach_direct(struct bpf_program *prog, const char *name,
				   const char *target, bool network, const char *where,
				   int (*attach)(struct bpf_program *, const char *, __u32))
{
	int err;

	if (network && !if_nametoindex(target)) {
		fprintf(stderr, "%s: %s attaches on %s, and there is no network interface %s "
			"here (--interface=NAME or --on %s=NAME gives another)\n", where, name,
			target, target, name);
		return -ENODEV;
	}
	err = attach(prog, target, 0);
	if (err < 0)
		return err;
	printf("%s attached to %s\n", name, target);
	return 0;
}

/* ---- @test functions (compile --test) ---------------------------------- */

struct ks_test {
	const char *name;
	int (*run)(void);	/* 0: passed */
};

/* Set by test() when the test cannot run here (why), or when running
 * the program failed (reported already). */
static const char *ks_test_skipped;
static bool ks_test_broken;

/*
 * test(prog, data): runs PROG once in the kernel on SIZE bytes at DATA
 * (NULL: that many zeroes) with BPF_PROG_TEST_RUN, and gives what it
 * returned.  The object is loaded first.
 */
static inline __u32 ks_test_run(struct bpf_program *prog, const void *data, size_t size)
{
	static unsigned char zeroes[65536];
	int err;

	if (!data) {
		if (size > sizeof(zeroes))
			size = sizeof(zeroes);
		data = zeroes;
	}
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = (__u32)size,
		    .repeat = 1);
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err == -KS_ENOTSUPP || err == -EOPNOTSUPP) {
		static char why[128];

		snprintf(why, sizeof(why), "this kernel cannot run %s programs (%s) on test data",
			 libbpf_bpf_prog_type_str(bpf_program__type(prog)), bpf_program__name(prog));
		ks_test_skipped = why;
		return 0;
	}
	if (err) {
		ks_fail(err, "run %s on %zu bytes of test data", bpf_program__name(prog), size);
		ks_test_broken = true;
		return 0;
	}
	return opts.retval;
}

/*
 * Runs the N tests whose names hold FILTER (all without one), in order:
 * a line each, PASS, FAIL or SKIP, then the counts.  Exit status 1 when a
 * test failed, else 0.
 */
static inline int ks_run_tests(const struct ks_test *tests, size_t n, const char *filter)
{
	int passed = 0, failed = 0, skipped = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int result;

		if (filter && !strstr(tests[i].name, filter))
			continue;
		ks_test_skipped = NULL;
		ks_test_broken = false;
		result = tests[i].run();
		if (ks_test_skipped) {
			printf("SKIP %s: %s\n", tests[i].name, ks_test_skipped);
			skipped++;
		} else if (result || ks_test_broken) {
			printf("FAIL %s%s\n", tests[i].name, result ? "" : ": the program could not run");
			failed++;
		} else {
			printf("PASS %s\n", tests[i].name);
			passed++;
		}
	}
	if (skipped)
		printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- the kernel module of kfuncs --------------------------------------- */

/* The module ks_load_kfunc_module() loaded, removed at exit; "" if none. */
static char ks_kfunc_module[64];

static inline void ks_unload_kfunc_module(void)
{
	int tries;

	if (!ks_kfunc_module[0])
		return;
	/* the kernel frees the programs that hold the module after a grace
	   period: wait for it, a second at most */
	for (tries = 0; tries < 100; tries++) {
		if (!syscall(SYS_delete_module, ks_kfunc_module, O_NONBLOCK))
			return;
		if (errno != EWOULDBLOCK && errno != EAGAIN && errno != EBUSY)
			break;
		usleep(10000);
	}
	fprintf(stderr, "Failed to remove the kernel module %s: %s\n"
		"  remove it later with: rmmod %s\n", ks_kfunc_module, strerror(errno),
		ks_kfunc_module);
}

/*
 * Loads the kernel module NAME (NAME.ko beside this program, or PATH)
 * unless it is loaded already, and checks that its kfuncs are in BTF, as
 * libbpf looks for them there.  The module it loaded goes at exit, after
 * the programs that call it.  Returns 0, or -errno after saying what to do.
 */
static inline int ks_load_kfunc_module(const char *name, const char *path)
{
	char dir[4096], file[4096 + 80], sys[160];
	ssize_t len;
	int fd, err;

	snprintf(sys, sizeof(sys), "/sys/module/%s", name);
	if (!access(sys, F_OK))
		goto loaded;	/* someone's: kept at exit */
	if (!path) {
		len = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		dir[len > 0 ? len : 0] = '\0';
		if (strrchr(dir, '/'))
			*strrchr(dir, '/') = '\0';
		else
			strcpy(dir, ".");
		snprintf(file, sizeof(file), "%s/%s.ko", dir, name);
		path = file;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "Failed to open the kernel module %s: %s\n"
			"  build it with make (it needs the kernel's build tree: make KDIR=DIR), "
			"or give --kfunc-module=PATH\n", path, strerror(err));
		return -err;
	}
	err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	if (err == EEXIST)
		goto loaded;
	if (err) {
		fprintf(stderr, "Failed to load the kernel module %s: %s\n", path, strerror(err));
		if (err == EPERM)
			fprintf(stderr, "  this needs root (CAP_SYS_MODULE), and a kernel that "
				"allows loading modules\n");
		else if (err == ENOSYS)
			fprintf(stderr, "  this kernel cannot load modules (CONFIG_MODULES is off)\n");
		else if (err == EKEYREJECTED || err == ENOKEY)
			fprintf(stderr, "  this kernel loads only signed modules: sign %s\n", path);
		else
			fprintf(stderr, "  was it built for this kernel? the kernel log says "
				"more: dmesg | tail\n");
		return -err;
	}
	snprintf(ks_kfunc_module, sizeof(ks_kfunc_module), "%s", name);
	atexit(ks_unload_kfunc_module);
loaded:
	snprintf(sys, sizeof(sys), "/sys/kernel/btf/%s", name);
	if (access(sys, F_OK)) {
		fprintf(stderr, "Failed to find the kfuncs of the kernel module %s: it has no BTF\n"
			"  build it against a kernel tree with vmlinux and CONFIG_DEBUG_INFO_BTF_MODULES, "
			"whose BTF is the running kernel's\n", name);
		return -ENOENT;
	}
	if (ks_verbose)
		fprintf(stderr, "kernel module %s: %s\n", name,
			ks_kfunc_module[0] ? "loaded" : "already loaded, kept");
	return 0;
}

/* ---- ring buffers ------------------------------------------------------- */

/*
 * dispatch(rb, ...): each ring buffer's records go to its handler, through
 * the adapter the generator writes for it, until Ctrl-C or SIGTERM (0), a
 * handler returns nonzero (that value, kept by ks_dispatch_stop), or
 * reading fails (a message, and the negative errno).
 */
struct ks_ring {
	struct bpf_map *map;
	ring_buffer_sample_fn handler;
};

static int ks_dispatch_result;

/* A handler's nonzero result: dispatch() ends and returns it. */
static inline int ks_dispatch_stop(int result)
{
	ks_dispatch_result = result;
	return -ECANCELED;
}

static inline struct bpf_map *ks_map(struct bpf_map *map);

static inline int ks_dispatch(const struct ks_ring *rings, size_t n)
{
	struct ring_buffer *rb = NULL;
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		int fd = bpf_map__fd(ks_map(rings[i].map));

		if (!rb) {
			rb = ring_buffer__new(fd, rings[i].handler, NULL, NULL);
			err = rb ? 0 : -errno;
		} else {
			err = ring_buffer__add(rb, fd, rings[i].handler, NULL);
		}
		if (err) {
			ks_fail(-err, "read ring buffer %s", bpf_map__name(rings[i].map));
			ring_buffer__free(rb);
			return err;
		}
	}
	ks_dispatch_result = 0;
	while (!ks_exiting) {
		ks_state_waiting();
		err = ring_buffer__poll(rb, 100);
		if (err == -ECANCELED) {	/* a handler's result */
			err = ks_dispatch_result;
			break;
		}
		if (err < 0 && err != -EINTR) {
			ks_fail(-err, "read ring buffers");
			break;
		}
		err = 0;
	}
	ring_buffer__free(rb);
	return err;
}

/* ---- maps from userspace ---------------------------------------------- */

/*
 * Userspace may use a map from the first line of main, before the object
 * is loaded.  ks_map() gives the map a file descriptor on its first use:
 * the pinned map when the map is pinned and its pin exists, else a new map
 * made as libbpf would make it (with the object's BTF, so that bpftool shows
 * it typed), pinned at once when the map is pinned.  bpf_map__reuse_fd()
 * hands it to libbpf, whose load then uses that same map, with what
 * userspace wrote into it.
 *
 * A map operation that fails ends the program (exit status 1) after one
 * line on stderr:
 *
 *	Failed to <verb> map <name>: <strerror>
 *
 * An absent key is no failure: ks_map_lookup() says it is absent, and
 * ks_map_delete() of it does nothing.
 */

/* The object whose maps these are, for its BTF (ks_use_object()). */
static struct bpf_object *ks_object;

static inline void ks_use_object(struct bpf_object *obj)
{
	ks_object = obj;
}

/* A map operation failed: the one place that ends the program for it
 * (where a later try/catch will take over). */
__attribute__((noreturn))
static inline void ks_map_failed(const struct bpf_map *map, const char *verb, int err)
{
	fprintf(stderr, "Failed to %s map %s: %s\n", verb, bpf_map__name(map),
		strerror(err < 0 ? -err : err));
	exit(1);
}

/*
 * The object's BTF in the kernel, for the maps made before load: a copy,
 * since libbpf loads the object's own at load time.  -1 when there is none
 * or the kernel refuses it; the maps are then made without BTF, as libbpf
 * itself falls back.
 */
static inline int ks_object_btf_fd(void)
{
	static struct btf *copy;
	static bool tried;
	const struct btf *btf;
	libbpf_print_fn_t print;
	const void *raw;
	__u32 size;
	int err;

	if (tried)
		return copy ? btf__fd(copy) : -1;
	tried = true;
	btf = ks_object ? bpf_object__btf(ks_object) : NULL;
	raw = btf ? btf__raw_data(btf, &size) : NULL;
	copy = raw ? btf__new(raw, size) : NULL;
	if (!copy)
		return -1;
	/* a refusal is no error here: say nothing unless asked to */
	print = libbpf_set_print(ks_verbose ? ks_libbpf_print : NULL);
	err = btf__load_into_kernel(copy);
	libbpf_set_print(print);
	if (err) {
		btf__free(copy);
		copy = NULL;
		return -1;
	}
	return btf__fd(copy);
}

/* A new map as MAP declares it, named NAME: its fd, or a negative errno. */
static inline int ks_map_create(const struct bpf_map *map, const char *name)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .map_flags = bpf_map__map_flags(map),
		    .map_extra = bpf_map__map_extra(map),
		    .numa_node = bpf_map__numa_node(map),
		    .map_ifindex = bpf_map__ifindex(map));
	int btf_fd = ks_object_btf_fd(), fd;

	if (btf_fd >= 0 && bpf_map__btf_value_type_id(map)) {
		opts.btf_fd = btf_fd;
		opts.btf_key_type_id = bpf_map__btf_key_type_id(map);
		opts.btf_value_type_id = bpf_map__btf_value_type_id(map);
		fd = bpf_map_create(bpf_map__type(map), name, bpf_map__key_size(map),
				    bpf_map__value_size(map), bpf_map__max_entries(map), &opts);
		if (fd >= 0)
			return fd;
		opts.btf_fd = opts.btf_key_type_id = opts.btf_value_type_id = 0;
	}
	fd = bpf_map_create(bpf_map__type(map), name, bpf_map__key_size(map),
			    bpf_map__value_size(map), bpf_map__max_entries(map), &opts);
	return fd < 0 ? -errno : fd;
}

/*
 * The map pinned at PATH: its fd, or -ENOENT when nothing is pinned there.
 * A pinned map that is not what MAP declares (the program changed since it
 * was pinned) is refused, as libbpf refuses it at load.
 */
static inline int ks_map_open_pinned(const struct bpf_map *map, const char *path)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path), err;

	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			fprintf(stderr, "Failed to open pinned map %s: %s\n", path, strerror(-err));
		return err;
	}
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (!err && (info.type != bpf_map__type(map) ||
		     info.key_size != bpf_map__key_size(map) ||
		     info.value_size != bpf_map__value_size(map) ||
		     info.max_entries != bpf_map__max_entries(map) ||
		     info.map_flags != bpf_map__map_flags(map) ||
		     info.map_extra != bpf_map__map_extra(map))) {
		fprintf(stderr, "Failed to reuse pinned map %s: it was made for another "
			"declaration (remove it to start afresh)\n", path);
		err = -EINVAL;
	} else if (err) {
		fprintf(stderr, "Failed to open pinned map %s: %s\n", path, strerror(-err));
	}
	if (err)
		close(fd);
	return err ? err : fd;
}

/* Makes FD MAP's map (libbpf keeps a duplicate) and closes FD. */
static inline void ks_map_adopt(struct bpf_map *map, int fd)
{
	int err = bpf_map__reuse_fd(map, fd);

	close(fd);
	if (err)
		ks_map_failed(map, "set up", err);
}

/*
 * MAP, ready for bpf_map__lookup_elem() and the others.  After load it is
 * libbpf's; before, the first call gives it its map (see above), or ends
 * the program when it cannot.
 */
static inline struct bpf_map *ks_map(struct bpf_map *map)
{
	const char *pin = bpf_map__pin_path(map);
	int fd, err;

	if (bpf_map__fd(map) >= 0)
		return map;
	if (pin) {
		if (ks_ensure_bpffs())
			exit(1);
		fd = ks_map_open_pinned(map, pin);
		if (fd >= 0) {
			ks_map_adopt(map, fd);
			return map;
		}
		if (fd != -ENOENT)
			exit(1);
	}
	fd = ks_map_create(map, bpf_map__name(map));
	if (fd < 0)
		ks_map_failed(map, "create", fd);
	ks_map_adopt(map, fd);
	if (pin) {
		err = bpf_map__pin(map, NULL);
		if (err == -EEXIST) {
			/* another run pinned its own meanwhile: use that one */
			fd = ks_map_open_pinned(map, pin);
			if (fd < 0)
				exit(1);
			ks_map_adopt(map, fd);
		} else if (err) {
			ks_map_failed(map, "pin", err);
		}
	}
	return map;
}

/* Reads KEY's value into VALUE: true when the key is there; when it is
 * absent, VALUE is zeroed and the answer false. */
static inline bool ks_map_lookup(struct bpf_map *map, const void *key, size_t key_size,
				 void *value, size_t value_size)
{
	int err = bpf_map__lookup_elem(ks_map(map), key, key_size, value, value_size, 0);

	if (err && err != -ENOENT)
		ks_map_failed(map, "read", err);
	if (err)
		memset(value, 0, value_size);
	return !err;
}

/* Stores VALUE at KEY.  FLAGS as for bpf_map_update_elem(); with BPF_EXIST
 * an absent key stays absent, and the answer is false. */
static inline bool ks_map_update(struct bpf_map *map, const void *key, size_t key_size,
				 const void *value, size_t value_size, __u64 flags)
{
	int err = bpf_map__update_elem(ks_map(map), key, key_size, value, value_size, flags);

	if (err == -ENOENT && flags == BPF_EXIST)
		return false;
	if (err)
		ks_map_failed(map, "update", err);
	return true;
}

/* Removes KEY; an absent key is no failure. */
static inline void ks_map_delete(struct bpf_map *map, const void *key, size_t key_size)
{
	int err = bpf_map__delete_elem(ks_map(map), key, key_size, 0);

	if (err && err != -ENOENT)
		ks_map_failed(map, "delete from", err);
}

/*
 * How many values a per-CPU map holds for a key: one per possible CPU.
 * The kernel keeps each in a slot of its size rounded up to 8 bytes.
 */
static inline int ks_map_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	if (n <= 0) {
		fprintf(stderr, "Failed to count the possible CPUs: %s\n",
			strerror(n < 0 ? -n : EINVAL));
		exit(1);
	}
	return n;
}

/* The keys a map held when a loop over it began (ks_map_keys()). */
struct ks_keys {
	unsigned char *keys;
	size_t key_size, count, next;
};

/* For __attribute__((cleanup)): the keys go however the loop ends. */
static inline void ks_keys_free(struct ks_keys *k)
{
	free(k->keys);
	k->keys = NULL;
}

/* Copies the next key into KEY; false after the last. */
static inline bool ks_keys_next(struct ks_keys *k, void *key)
{
	if (k->next == k->count)
		return false;
	memcpy(key, k->keys + k->next++ * k->key_size, k->key_size);
	return true;
}

/* qsort() has no context argument: what ks_key_order compares. */
static const struct ks_keys *ks_sorting;

/* Key bytes, then position: equal keys keep their order. */
static inline int ks_key_order(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t n = ks_sorting->key_size;
	int c = memcmp(ks_sorting->keys + i * n, ks_sorting->keys + j * n, n);

	return c ? c : (i > j) - (i < j);
}

/* Keeps the first of each key, in order.  A hash map's key list can repeat
 * keys: bpf_map_get_next_key() after a key deleted meanwhile starts again
 * from the first key. */
static inline int ks_keys_unique(struct ks_keys *k)
{
	size_t *order = malloc(k->count * sizeof(*order)), i, n = 0, size = k->key_size;
	bool *repeat = calloc(k->count, sizeof(*repeat));

	if (!order || !repeat) {
		free(order);
		free(repeat);
		return -ENOMEM;
	}
	for (i = 0; i < k->count; i++)
		order[i] = i;
	ks_sorting = k;
	qsort(order, k->count, sizeof(*order), ks_key_order);
	for (i = 1; i < k->count; i++)
		if (!memcmp(k->keys + order[i] * size, k->keys + order[i - 1] * size, size))
			repeat[order[i]] = true;
	for (i = 0; i < k->count; i++)
		if (!repeat[i])
			memmove(k->keys + n++ * size, k->keys + i * size, size);
	k->count = n;
	free(order);
	free(repeat);
	return 0;
}

/*
 * The keys MAP holds now, each once, in the map's order: for (k, v) in m
 * visits these, so that deleting a key in the loop's body does not upset
 * it.  A map that changes fast while it is listed is listed at most twice
 * over (restarts), then cut short.
 */
static inline struct ks_keys ks_map_keys(struct bpf_map *map)
{
	struct ks_keys k = { .key_size = bpf_map__key_size(map) };
	size_t limit = 2 * (size_t)bpf_map__max_entries(map), capacity = 0;
	enum bpf_map_type type = bpf_map__type(map);
	unsigned char *more;
	int err;

	ks_map(map);
	while (k.count < limit) {
		if (k.count == capacity) {
			capacity = capacity ? 2 * capacity : 64;
			more = realloc(k.keys, capacity * k.key_size);
			if (!more)
				ks_map_failed(map, "list the keys of", -ENOMEM);
			k.keys = more;
		}
		err = bpf_map__get_next_key(map, k.count ? k.keys + (k.count - 1) * k.key_size : NULL,
					    k.keys + k.count * k.key_size, k.key_size);
		if (err == -ENOENT)
			break;
		if (err)
			ks_map_failed(map, "list the keys of", err);
		k.count++;
	}
	/* an array's keys are its indices, listed once */
	if (type != BPF_MAP_TYPE_ARRAY && type != BPF_MAP_TYPE_PERCPU_ARRAY && k.count > 1 &&
	    ks_keys_unique(&k))
		ks_map_failed(map, "list the keys of", -ENOMEM);
	return k;
}

/* Makes the missing directories of PATH below bpffs. */
static inline int ks_make_bpffs_dirs(const char *path)
{
	char dir[256];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		fprintf(stderr, "Failed to create %s: %s\n", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	for (slash = strchr(dir + strlen(KS_BPFFS_DIR) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			int err = -errno;

			fprintf(stderr, "Failed to create %s: %s\n", dir, strerror(-err));
			return err;
		}
		*slash = '/';
	}
	return 0;
}

/*
 * The pinned globals (pin var) are the object's .data.pinned section, MAP,
 * kept in the kernel at PATH across runs: the first run makes it with the
 * declared values and pins it, later runs find it there.  The skeleton's
 * view of the section is mapped onto it at once, so that before load()
 * too the globals are the pinned ones.  0, or a negative errno after a
 * message.
 */
static inline int ks_pin_globals(struct bpf_map *map, const char *path)
{
	long page = sysconf(_SC_PAGE_SIZE);
	size_t size, len = ((bpf_map__value_size(map) + 7) / 8 * 8 + page - 1) / page * page;
	void *view = (void *)bpf_map__initial_value(map, &size);
	__u32 zero = 0;
	int fd, err, tries;

	err = ks_ensure_bpffs();
	if (!err)
		err = ks_make_bpffs_dirs(path);
	if (err)
		return err;
	for (tries = 0;; tries++) {
		fd = ks_map_open_pinned(map, path);
		if (fd != -ENOENT)
			break;	/* the pinned one, or an error it reported */
		fd = ks_map_create(map, "pinned_globals");
		if (fd < 0) {
			fprintf(stderr, "Failed to create pinned globals %s: %s\n", path, strerror(-fd));
			return fd;
		}
		if (bpf_map_update_elem(fd, &zero, view, BPF_ANY)) {
			err = -errno;
			close(fd);
			fprintf(stderr, "Failed to set pinned globals %s: %s\n", path, strerror(-err));
			return err;
		}
		if (!bpf_obj_pin(fd, path))
			break;
		err = -errno;
		close(fd);
		/* EEXIST: another run pinned its own meanwhile, use that one */
		if (err != -EEXIST || tries) {
			fprintf(stderr, "Failed to pin globals at %s: %s\n", path, strerror(-err));
			return err;
		}
	}
	if (fd < 0)
		return fd;
	ks_map_adopt(map, fd);
	if (mmap(view, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 bpf_map__fd(map), 0) == MAP_FAILED) {
		err = -errno;
		fprintf(stderr, "Failed to map pinned globals %s: %s\n", path, strerror(-err));
		return err;
	}
	return 0;
}

#include "ks_state.h"

#endif /* KS_RUNTIME_H */
