/* Unit tests of src/check/prog_kinds.c: the lookups, the SEC() names, and what
 * every row must hold for the stages that read it, so that a new row
 * missing a field fails here rather than in a generated program. */
#include "unit.h"

#include "prog_kinds.h"
#include "types.h"

/* The kinds enum prog_kind has, PROG_NONE aside. */
static const enum prog_kind every_kind[] = {
	PROG_XDP, PROG_TC, PROG_TRACEPOINT, PROG_PROBE, PROG_PERF_EVENT, PROG_STRUCT_OPS,
};

static void test_lookup_by_attribute(void)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++) {
		if (!k->attr)
			continue;
		CU_ASSERT_PTR_EQUAL(prog_kind_by_attr(k->attr), k);
		if (k->alias)
			CU_ASSERT_PTR_EQUAL(prog_kind_by_attr(k->alias), k);
	}
	CU_ASSERT_EQUAL(prog_kind_by_attr("kprobe")->kind, PROG_PROBE);
	CU_ASSERT_PTR_NULL(prog_kind_by_attr("helper"));
	CU_ASSERT_PTR_NULL(prog_kind_by_attr("ksyscall"));
	CU_ASSERT_PTR_NULL(prog_kind_by_attr(""));
}

static void test_lookup_by_kind(void)
{
	CU_ASSERT_PTR_NULL(prog_kind_info(PROG_NONE));
	CU_ASSERT_STRING_EQUAL(prog_kind_name(PROG_NONE), "");
	for (size_t i = 0; i < sizeof(every_kind) / sizeof(every_kind[0]); i++) {
		const struct prog_kind_info *k = prog_kind_info(every_kind[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(k);
		CU_ASSERT_EQUAL(k->kind, every_kind[i]);
		CU_ASSERT_FALSE(k->syscall);
		CU_ASSERT_PTR_NOT_NULL(k->attr);
		CU_ASSERT_STRING_EQUAL(prog_kind_name(every_kind[i]), k->name);
	}
	/* a probe's syscall form is a row of its own, picked by fn->syscall */
	struct function_info probe = { .prog = PROG_PROBE, .target = "sys_openat" };
	CU_ASSERT_PTR_EQUAL(prog_kind_of(&probe), prog_kind_info(PROG_PROBE));
	probe.syscall = "openat";
	CU_ASSERT_TRUE(prog_kind_of(&probe)->syscall);
	CU_ASSERT_STRING_EQUAL(prog_kind_of(&probe)->entry_macro, "BPF_KSYSCALL");
	struct function_info helper = { .prog = PROG_NONE };
	CU_ASSERT_PTR_NULL(prog_kind_of(&helper));
}

/* SEC() of a program of KIND on TARGET (and SYSCALL), or "<none>". */
static const char *section_of(enum prog_kind kind, const char *target, const char *syscall)
{
	struct function_info fn = { .prog = kind, .target = target, .syscall = syscall };
	const char *sec = prog_section(unit.arena, &fn);
	return sec ? sec : "<none>";
}

static void test_sections(void)
{
	CU_ASSERT_STRING_EQUAL(section_of(PROG_XDP, NULL, NULL), "xdp");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_TC, "egress", NULL), "tc");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_TRACEPOINT, "sched/sched_switch", NULL),
			       "tp/sched/sched_switch");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_PROBE, "do_exit", NULL), "kprobe/do_exit");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_PROBE, "sys_openat", "openat"), "ksyscall/openat");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_PERF_EVENT, NULL, NULL), "perf_event");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_STRUCT_OPS, "ssthresh", NULL), "<none>");
	CU_ASSERT_STRING_EQUAL(section_of(PROG_NONE, NULL, NULL), "<none>");
}

static void test_packet_contexts(void)
{
	CU_ASSERT_TRUE(prog_packet_context("xdp_md"));
	CU_ASSERT_TRUE(prog_packet_context("__sk_buff"));
	CU_ASSERT_FALSE(prog_packet_context("bpf_perf_event_data"));
	CU_ASSERT_FALSE(prog_packet_context("task_struct"));
}

/* What the checker and the emitters read of every row. */
static void test_rows_hold_what_stages_read(void)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++) {
		CU_ASSERT_NOT_EQUAL(k->kind, PROG_NONE);
		/* attributes are unique, and only a picked form has none */
		CU_ASSERT_EQUAL(!k->attr, k->syscall);
		for (const struct prog_kind_info *o = prog_kinds; o < k; o++)
			if (k->attr && o->attr)
				CU_ASSERT_STRING_NOT_EQUAL(k->attr, o->attr);
		if (k->target == PROG_TARGET_DIRECTION || k->target == PROG_TARGET_EVENT ||
		    (k->target == PROG_TARGET_FUNCTION && k->attr))
			CU_ASSERT_PTR_NOT_NULL(k->target_usage);
		if (k->target == PROG_TARGET_DIRECTION || k->attach_direction)
			CU_ASSERT_TRUE(k->directions && k->directions[0]);
		if (k->context == PROG_CONTEXT_STRUCT || k->packet)
			CU_ASSERT_PTR_NOT_NULL(k->context_struct);
		if (k->constants)
			CU_ASSERT_TRUE(k->constants_type && type_primitive(k->constants_type));
		if (k->section_target)
			CU_ASSERT_TRUE(k->section && k->target != PROG_TARGET_NONE);
		if (k->attach_perf || k->attach_direction || k->attach_flags || k->attach_target)
			CU_ASSERT_PTR_NOT_NULL(k->attach);
		if (k->attach_target)
			CU_ASSERT_TRUE(k->attach_target->ks_target && k->attach_target->value &&
				       k->attach_target->help);
	}
}

/* What init reads of every row it starts projects for. */
static void test_rows_hold_what_init_reads(void)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++) {
		if (!k->attr)
			continue;
		const struct prog_init *init = &k->init;
		CU_ASSERT_PTR_NOT_NULL(init->about);
		CU_ASSERT_TRUE(init->template || k->target == PROG_TARGET_MEMBER);
		CU_ASSERT_TRUE(init->types || k->context != PROG_CONTEXT_STRUCT);
		CU_ASSERT_TRUE(init->program || k->context != PROG_CONTEXT_STRUCT);
		if (k->target == PROG_TARGET_EVENT || k->target == PROG_TARGET_FUNCTION)
			CU_ASSERT_TRUE(init->target_name && init->needs_target && init->example);
		CU_ASSERT_TRUE(!init->fallback_main || (init->main && init->fallback_about));
	}
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "lookup by attribute", test_lookup_by_attribute },
		{ "lookup by kind", test_lookup_by_kind },
		{ "SEC() names", test_sections },
		{ "packet contexts", test_packet_contexts },
		{ "rows: what the stages read", test_rows_hold_what_stages_read },
		{ "rows: what init reads", test_rows_hold_what_init_reads },
		CU_TEST_INFO_NULL,
	};
	return unit_main("prog_kinds", tests);
}
