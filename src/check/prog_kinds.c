/* The table of program kinds (prog_kinds.h) and its lookups. */
#include "prog_kinds.h"

#include <string.h>

/* ---- attach() targets, as --help describes them ------------------------------ */

static const struct attach_target interface_target = {
	"KS_TARGET_INTERFACE", "NAME", "the network interface to attach to",
};
static const struct attach_target tracepoint_target = {
	"KS_TARGET_TRACEPOINT", "CATEGORY/EVENT", "the tracepoint to attach to",
};
static const struct attach_target function_target = {
	"KS_TARGET_FUNCTION", "FUNCTION", "the kernel function to attach to",
};
static const struct attach_target syscall_target = {
	"KS_TARGET_SYSCALL", "SYSCALL", "the system call to attach to",
};

/* ---- the kernel's macros for what programs return ------------------------------- */

static const struct prog_constant xdp_actions[] = {
	{ "XDP_ABORTED", 0 }, { "XDP_DROP", 1 }, { "XDP_PASS", 2 }, { "XDP_TX", 3 },
	{ "XDP_REDIRECT", 4 }, { NULL, 0 },
};

static const struct prog_constant tc_verdicts[] = {
	{ "TC_ACT_UNSPEC", -1 }, { "TC_ACT_OK", 0 }, { "TC_ACT_RECLASSIFY", 1 },
	{ "TC_ACT_SHOT", 2 }, { "TC_ACT_PIPE", 3 }, { "TC_ACT_STOLEN", 4 },
	{ "TC_ACT_QUEUED", 5 }, { "TC_ACT_REPEAT", 6 }, { "TC_ACT_REDIRECT", 7 },
	{ NULL, 0 },
};

static const char *const tc_directions[] = { "ingress", "egress", NULL };

/* ---- the kernel types init's headers declare ------------------------------------ */

static const char *const xdp_types[] = { "xdp_md", "xdp_action", NULL };
static const char *const tc_types[] = { "__sk_buff", "bpf_flow_keys", "bpf_sock", NULL };
static const char *const perf_event_types[] = { "bpf_perf_event_data", NULL };

/* ---- the rows -------------------------------------------------------------------- */

const struct prog_kind_info prog_kinds[] = {
	{
		.kind = PROG_XDP, .name = "xdp", .attr = "xdp",
		.target = PROG_TARGET_NONE,
		.context = PROG_CONTEXT_STRUCT, .context_struct = "xdp_md", .packet = true,
		.returns = "xdp_action", .constants_type = "u32", .constants = xdp_actions,
		.test_run = true,
		.section = "xdp", .tail_fallback = "XDP_PASS",
		.bpf_prog_type = "BPF_PROG_TYPE_XDP", .kfunc_hook = "BTF_KFUNC_HOOK_XDP",
		.attach = "ks_attach_xdp", .attach_flags = true,
		.attach_target = &interface_target,
		.init = {
			.template = "xdp", .types = xdp_types,
			.program = "count_packets", .run_args = " --interface=eth0",
			.about = "An XDP program counts the packets that arrive on a network "
				 "interface and lets them all through. `main` attaches it to the "
				 "interface named by `--interface` and prints the count every "
				 "second.",
		},
	},
	{
		.kind = PROG_TC, .name = "tc", .attr = "tc",
		.target = PROG_TARGET_DIRECTION, .directions = tc_directions,
		.target_usage = "@tc needs a direction: @tc(\"ingress\") or @tc(\"egress\")",
		.context = PROG_CONTEXT_STRUCT, .context_struct = "__sk_buff", .packet = true,
		.returns = "an i32 verdict (TC_ACT_*)", .constants_type = "i32",
		.constants = tc_verdicts,
		.test_run = true,
		.section = "tc", .tail_fallback = "0 /* TC_ACT_OK */",
		.bpf_prog_type = "BPF_PROG_TYPE_SCHED_CLS", .kfunc_hook = "BTF_KFUNC_HOOK_TC",
		.attach = "ks_attach_tc", .attach_direction = true, .attach_flags = true,
		.attach_target = &interface_target,
		.init = {
			.template = "tc", .types = tc_types,
			.program = "count_packets", .run_args = " --interface=eth0",
			.about = "A tc program counts the packets that @DIRECTION_VERB@ a network "
				 "interface (tc @DIRECTION@) and lets them all through. `main` "
				 "attaches it to the interface named by `--interface` and prints "
				 "the count every second.",
		},
	},
	{
		.kind = PROG_TRACEPOINT, .name = "tracepoint", .attr = "tracepoint",
		.target = PROG_TARGET_EVENT,
		.target_usage = "@tracepoint needs \"category/event\", as in "
				"@tracepoint(\"sched/sched_switch\")",
		.context = PROG_CONTEXT_EVENT,
		.section = "tp", .section_target = true, .tail_fallback = "0",
		/* tracepoint programs joined the tracing hook in 6.12, which
		   BTF cannot tell from 6.10 (the kprobe hook): there the module
		   fails to load, and the loader says so */
		.bpf_prog_type = "BPF_PROG_TYPE_TRACEPOINT", .kfunc_hook = "BTF_KFUNC_HOOK_KPROBE",
		.attach = "ks_attach_tracepoint",
		.attach_target = &tracepoint_target,
		.init = {
			.target_name = "CATEGORY/EVENT", .needs_target = "its CATEGORY/EVENT",
			.example = "sched/sched_switch",
			.template = "tracepoint",
			.about = "A program on the `@TARGET@` tracepoint counts how often the "
				 "kernel hits it. `main` attaches it and prints the count every "
				 "second.",
		},
	},
	{
		.kind = PROG_PROBE, .name = "probe", .attr = "probe", .alias = "kprobe", .alias2 = "fentry",
		.target = PROG_TARGET_FUNCTION,
		.target_usage = "@probe needs the kernel function: @probe(\"do_exit\")",
		.context = PROG_CONTEXT_ARGS,
		.section = "kprobe", .section_target = true, .entry_macro = "BPF_KPROBE",
		.bpf_prog_type = "BPF_PROG_TYPE_KPROBE", .kfunc_hook = "BTF_KFUNC_HOOK_KPROBE",
		.attach = "ks_attach_kprobe",
		.attach_target = &function_target,
		.init = {
			.target_name = "FUNCTION", .needs_target = "the kernel FUNCTION it probes",
			.example = "do_exit",
			.template = "probe", .program = "@IDENT@_probe",
			.about = "A probe on the kernel function `@TARGET@` counts its calls. It "
				 "receives the function's arguments, typed as the kernel's BTF "
				 "declares them: `@PROTOTYPE@`. `main` attaches it and prints the "
				 "count every second.",
		},
	},
	{
		/* @probe("sys_NAME") when the kernel has no function sys_NAME:
		 * the syscall's entry, which check_programs.c picks */
		.kind = PROG_PROBE, .name = "probe", .syscall = true,
		.target = PROG_TARGET_FUNCTION,
		.context = PROG_CONTEXT_ARGS,
		.section = "ksyscall", .section_target = true, .entry_macro = "BPF_KSYSCALL",
		.bpf_prog_type = "BPF_PROG_TYPE_KPROBE", .kfunc_hook = "BTF_KFUNC_HOOK_KPROBE",
		.attach = "ks_attach_ksyscall",
		.attach_target = &syscall_target,
	},
	{
		.kind = PROG_PERF_EVENT, .name = "perf_event", .attr = "perf_event",
		.target = PROG_TARGET_NONE,
		.context = PROG_CONTEXT_STRUCT, .context_struct = "bpf_perf_event_data",
		.section = "perf_event", .tail_fallback = "0",
		.bpf_prog_type = "BPF_PROG_TYPE_PERF_EVENT", .kfunc_hook = "BTF_KFUNC_HOOK_KPROBE",
		.attach = "ks_attach_perf_event", .attach_perf = true,
		.init = {
			.template = "perf_event", .types = perf_event_types,
			.program = "@IDENT@_sample", .run_args = "",
			.about = "A perf_event program counts the samples of a perf event: here "
				 "every context switch on CPU 0. `main` attaches it with perf "
				 "options, which say what to sample, and prints the count every "
				 "second.",
			.main = "perf_event.attach",
			.fallback_main = "perf_event.load",
			.fallback_about = "A perf_event program counts the samples of a perf "
					  "event. `main` loads it; attaching it needs perf "
					  "options, which say what to sample and which a later "
					  "version of kernelscript takes (the comment in `main` "
					  "shows how).",
		},
	},
	{
		.kind = PROG_STRUCT_OPS, .name = "struct_ops", .attr = "struct_ops",
		.on_impl = true,
		.target = PROG_TARGET_MEMBER,
		.context = PROG_CONTEXT_MEMBER,
		.bpf_prog_type = "BPF_PROG_TYPE_STRUCT_OPS", .kfunc_hook = "BTF_KFUNC_HOOK_STRUCT_OPS",
		.init = {
			/* the only struct init writes, tcp_congestion_ops */
			.about = "A TCP congestion control written as a struct_ops: the kernel's "
				 "Reno, counting the acks and the losses it sees. Its functions "
				 "have the signatures of the function pointers of the kernel's "
				 "`struct @OPS@`. `main` registers it as `@CA_NAME@` and prints "
				 "the counts every second; while it runs, `sudo sysctl "
				 "net.ipv4.tcp_congestion_control=@CA_NAME@` has new TCP "
				 "connections use it.",
		},
	},
	{ .name = NULL },
};

/* ---- lookups ---------------------------------------------------------------------- */

bool prog_kind_on_interface(const struct prog_kind_info *k)
{
	return k && k->attach_target == &interface_target;
}

const struct prog_kind_info *prog_kind_by_attr(const char *attr)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++)
		if ((k->attr && !strcmp(k->attr, attr)) || (k->alias && !strcmp(k->alias, attr)) ||
		    (k->alias2 && !strcmp(k->alias2, attr)))
			return k;
	return NULL;
}

const struct prog_kind_info *prog_kind_info(enum prog_kind kind)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++)
		if (k->kind == kind && !k->syscall)
			return k;
	return NULL;
}

const struct prog_kind_info *prog_kind_of(const struct function_info *fn)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++)
		if (k->kind == fn->prog && k->syscall == (fn->syscall != NULL))
			return k;
	return NULL;
}

const char *prog_kind_name(enum prog_kind kind)
{
	const struct prog_kind_info *k = prog_kind_info(kind);
	return k ? k->name : "";
}

const char *prog_section(struct arena *a, const struct function_info *fn)
{
	const struct prog_kind_info *k = prog_kind_of(fn);
	if (!k || !k->section)
		return NULL;
	if (!k->section_target)
		return k->section;
	return arena_printf(a, "%s/%s", k->section, k->syscall ? fn->syscall : fn->target);
}

bool prog_packet_context(const char *name)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++)
		if (k->packet && !strcmp(k->context_struct, name))
			return true;
	return false;
}
