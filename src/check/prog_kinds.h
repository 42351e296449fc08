/* Program kinds: one row per kind of eBPF program, holding what every
 * stage needs to know of it.  The checker places a function by the row's
 * attribute and holds its parameters and return type to the row's context;
 * the plan and the emitters take the SEC() name, the entry macro and the
 * loader's attach call from it; attach_targets.c how --help describes an
 * option that names its target; init the project it starts.
 *
 * Adding a kind (@lsm, @fentry, @uprobe, @socket_filter) takes a row in
 * prog_kinds.c, its value in enum prog_kind (sema.h), its attach function
 * in skeleton/ks_runtime.h, and for init its templates (templates/init/).
 * Only a kind whose target or context has a shape no row has yet (see
 * enum prog_target and enum prog_context) also needs that shape taught
 * where shapes are read: check.c (the target), check_programs.c (the
 * context), init.c (resolving both from BTF), and for a new kind of
 * attach() target, skeleton/ks_options.h's enum ks_target. */
#ifndef KS_PROG_KINDS_H
#define KS_PROG_KINDS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "sema.h"

/* What a kind's attribute names: what the program is attached to. */
enum prog_target {
	PROG_TARGET_NONE,	/* @xdp: nothing (attach() names the interface) */
	PROG_TARGET_DIRECTION,	/* @tc("ingress"): one of the row's directions */
	PROG_TARGET_EVENT,	/* @tracepoint("category/event") */
	PROG_TARGET_FUNCTION,	/* @probe("do_exit"): a kernel function, or sys_NAME */
	PROG_TARGET_MEMBER,	/* a struct_ops impl's function: the member it fills */
};

/* What a program of the kind receives, and so where the checker and init
 * learn its parameters. */
enum prog_context {
	PROG_CONTEXT_STRUCT,	/* one pointer to the row's context_struct */
	PROG_CONTEXT_EVENT,	/* one pointer to the tracepoint's record, from BTF */
	PROG_CONTEXT_ARGS,	/* the kernel function's arguments, from BTF (a syscall's from tracefs) */
	PROG_CONTEXT_MEMBER,	/* the struct_ops member's function pointer (check_struct_ops.c) */
};

/* A value the kind's programs return that the kernel defines as a macro,
 * so no BTF has it. */
struct prog_constant {
	const char *name;
	int64_t value;
};

/* How the generated program's command line describes an option main
 * passes to attach() as the target (attach_targets.h, ks_options.h). */
struct attach_target {
	const char *ks_target;	/* ks_options.h's enum ks_target: "KS_TARGET_INTERFACE" */
	const char *value;	/* what --help calls the value: "NAME" */
	const char *help;	/* what --help says of the option when no comment does */
};

/* What `kernelscript init TYPE` writes for the kind; TYPE is the row's
 * name.  Texts are templates (src/templates.h) over init's variables. */
struct prog_init {
	const char *target_name;	/* PROG_TARGET_EVENT, _FUNCTION: TARGET in "TYPE TARGET" */
	const char *needs_target;	/* the error's words for a missing target */
	const char *example;		/* a target, for that error */
	const char *template;		/* init/TEMPLATE.ks.in, .kh.in; NULL: the target names it */
	const char *const *types;	/* the kernel types TEMPLATE.kh declares; NULL: the target's */
	const char *program;		/* the eBPF function's name; NULL: from the target */
	const char *run_args;		/* what running it takes, after the program's name */
	const char *about;		/* the README's first paragraph */
	/* A main this version may not check yet (init/MAIN.in, as @MAIN@),
	 * the one to fall back on, and what the README says then. */
	const char *main, *fallback_main, *fallback_about;
};

struct prog_kind_info {
	enum prog_kind kind;
	const char *name;	/* in messages, "@probe", and init's TYPE */
	const char *attr;	/* its attribute; NULL: a form the checker picks */
	/* other spellings of it; for @probe, @kprobe and @fentry force that
	   form (enum probe_form) */
	const char *alias, *alias2;
	bool on_impl;		/* the attribute marks an impl, whose functions are the programs */
	bool syscall;		/* the form of a @probe on a syscall's entry (fn->syscall) */

	/* what the checker holds a program to */
	enum prog_target target;
	const char *target_usage;	/* the error for a missing or malformed target */
	const char *const *directions;	/* PROG_TARGET_DIRECTION: ingress first */
	enum prog_context context;
	const char *context_struct;	/* PROG_CONTEXT_STRUCT: "xdp_md" */
	bool packet;		/* the context's data, data_end, data_meta point into the packet */
	const char *returns;	/* the integer it returns, for messages; NULL: not checked */
	const char *constants_type;	/* the type of its constants: "u32" */
	const struct prog_constant *constants;	/* ends with a NULL name; may be NULL */
	bool test_run;		/* the kernel runs it on test data (test(), BPF_PROG_TEST_RUN) */

	/* what the emitters write */
	const char *section;	/* SEC("xdp"); NULL: cannot be compiled yet */
	bool section_target;	/* SEC("SECTION/TARGET"): tp/sched/sched_switch */
	const char *entry_macro;	/* libbpf's, giving the kernel function's arguments from ctx */
	const char *attach;	/* the runtime's attach function; NULL: none */
	bool attach_direction;	/* it takes whether the direction is ingress, after the target */
	bool attach_flags;	/* it takes attach()'s flags, last */
	bool attach_perf;	/* it takes perf_options, not a target (emit_c.c calls it) */
	const struct attach_target *attach_target;	/* NULL: no text target */
	/* what a tail call that fails returns (LANGUAGE.md): the kind's
	   verdict that lets things go on; NULL: no tail calls */
	const char *tail_fallback;
	/* Module kfuncs (@kfunc): the program type a module registers them
	   for, and the enumerator of the kernel's enum btf_kfunc_hook whose
	   presence in BTF says this kind may call them; NULL: it never may */
	const char *bpf_prog_type, *kfunc_hook;

	struct prog_init init;
};

/* Every row, ending with one whose name is NULL. */
extern const struct prog_kind_info prog_kinds[];

/* The row of an attribute, as written (@kprobe too); NULL when none. */
const struct prog_kind_info *prog_kind_by_attr(const char *attr);
/* Whether K's programs attach to a network interface (@xdp, @tc). */
bool prog_kind_on_interface(const struct prog_kind_info *k);
/* The row of KIND (a @probe's, not its syscall form's); NULL for PROG_NONE. */
const struct prog_kind_info *prog_kind_info(enum prog_kind kind);
/* The row FN was placed in, its syscall form too; NULL when FN is no program. */
const struct prog_kind_info *prog_kind_of(const struct function_info *fn);
/* The kind's name, "" for PROG_NONE. */
const char *prog_kind_name(enum prog_kind kind);
/* SEC() of program FN, or NULL when this version cannot compile its kind. */
const char *prog_section(struct arena *a, const struct function_info *fn);
/* Whether the kernel struct NAME is a context whose fields point into the packet. */
bool prog_packet_context(const char *name);

#endif
