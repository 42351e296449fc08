/* The check stage: what each kind of eBPF program receives and returns,
 * against the kernel's own types from BTF.  A program whose context or
 * parameters differ from what the kernel hands it is wrong, so it is an
 * error here rather than a verifier rejection or wrong numbers later. */
#include "check_internal.h"

#include <string.h>

#include "btf.h"
#include "kernel_types.h"

/* The kind whose context is most often given to programs of other
 * kinds: a note says whose it is. */
static const struct prog_kind_info *perf_kind(void)
{
	return prog_kind_info(PROG_PERF_EVENT);
}

/* Whether T is a pointer to the struct named NAME. */
static bool points_to(const struct type *t, const char *name)
{
	return t->kind == TY_POINTER && t->elem->kind == TY_STRUCT && !strcmp(t->elem->name, name);
}

static const struct param *param(const struct function_info *fn, size_t i)
{
	return fn->decl->fn.params.items[i];
}

/* Programs that take one context pointer: xdp, tc, tracepoint, perf_event. */
static void check_context(struct checker *c, const struct function_info *fn,
			  const char *context, const char *attribute)
{
	const struct decl *d = fn->decl;
	if (d->fn.params.len != 1) {
		diag_error(c->diag, d->name_span, "%s receives one parameter, a '*%s'", attribute, context);
		return;
	}
	const struct type *t = fn->type->params.items[0];
	if (t->kind == TY_ERROR || points_to(t, context))
		return;
	const struct param *p = param(fn, 0);
	diag_error(c->diag, p->type->span, "'%s' is '%s' but %s receives '*%s'", p->name,
		   type_name(A, t), attribute, context);
	if (points_to(t, perf_kind()->context_struct))
		diag_note(c->diag, p->type->span, "'*%s' is what @%s programs receive",
			  perf_kind()->context_struct, perf_kind()->name);
}

static void check_return_kind(struct checker *c, const struct function_info *fn,
			      const char *attribute, const char *wanted)
{
	const struct type *ret = fn->type->ret;
	if (ret->kind == TY_ERROR || type_is_integer(ret))
		return;
	diag_error(c->diag, fn->decl->fn.ret ? fn->decl->fn.ret->span : fn->decl->name_span,
		   "%s returns %s, not %s", attribute, wanted, type_name(A, ret));
}

static void check_tracepoint(struct checker *c, const struct function_info *fn)
{
	const char *attribute = arena_printf(A, "@%s(\"%s\")", prog_kind_name(fn->prog), fn->target);
	/* BTF knows an event's record only up to the class it shares; the
	 * event's fields in tracefs, when it can be read, tell which. */
	const char *slash = strchr(fn->target, '/');
	const char *const *fields = NULL;
	kernel_tracefs_event(A, arena_strndup(A, fn->target, (size_t)(slash - fn->target)),
			     slash + 1, &fields);
	struct kernel_tracepoint tp;
	const char *why;
	if (!kernel_btf_tracepoint(c->btf, fn->target, fields, &tp, &why)) {
		diag_error(c->diag, fn->decl->span, "%s", why);
		return;
	}
	/* Without tracefs, any of the candidate classes is taken. */
	const struct type *t = fn->decl->fn.params.len == 1 ? fn->type->params.items[0] : NULL;
	for (size_t i = 0; t && !fields && i < tp.ncandidates; i++)
		if (points_to(t, tp.candidates[i]))
			return;
	check_context(c, fn, tp.context, attribute);
}

/* The text a note shows of a kernel function's prototype. */
static const char *prototype(struct checker *c, const struct kernel_func *kf)
{
	const char *text = arena_printf(A, "%s(", kf->name);
	for (size_t i = 0; i < kf->count; i++)
		text = arena_printf(A, "%s%s%s: %s", text, i ? ", " : "",
				    kf->params[i].name[0] ? kf->params[i].name : "_", kf->params[i].type);
	return arena_printf(A, "%s) -> %s", text, kf->ret);
}

/* A C type as tracefs writes it ("const char *", "unsigned int",
 * "umode_t", "struct open_how *") as a type, or NULL. */
static const struct type *type_of_c_text(struct checker *c, const char *text)
{
	unsigned stars = 0, longs = 0;
	bool is_unsigned = false, is_char = false, is_short = false, is_int = false;
	const char *name = NULL;
	char word[128];
	for (const char *p = text; *p;) {
		if (*p == '*') {
			stars++;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		size_t n = strcspn(p, " \t*");
		if (n >= sizeof(word))
			return NULL;
		memcpy(word, p, n);
		word[n] = 0;
		p += n;
		if (!strcmp(word, "const") || !strcmp(word, "volatile") || !strcmp(word, "__user") ||
		    !strcmp(word, "struct") || !strcmp(word, "union") || !strcmp(word, "enum") ||
		    !strcmp(word, "signed"))
			continue;
		if (!strcmp(word, "unsigned"))
			is_unsigned = true;
		else if (!strcmp(word, "char"))
			is_char = true;
		else if (!strcmp(word, "short"))
			is_short = true;
		else if (!strcmp(word, "int"))
			is_int = true;
		else if (!strcmp(word, "long"))
			longs++;
		else if (!name)
			name = arena_strdup(A, word);
		else
			return NULL;
	}
	const char *base = name;
	if (is_char)	/* char * is *u8, as BTF's type text has it */
		base = stars ? "u8" : is_unsigned ? "u8" : "char";
	else if (is_short || is_int || longs || is_unsigned)
		base = arena_printf(A, "%c%d", is_unsigned ? 'u' : 'i',
				    is_short ? 16 : longs ? 64 : 32);
	if (!base)
		return NULL;
	uint32_t id = c->btf ? kernel_btf_find(c->btf, base, KERNEL_TYPEDEF) : 0;
	if (id && !kernel_btf_is_struct(c->btf, base) && !type_primitive(base))
		base = kernel_btf_type_text(c->btf, id);
	const char *full = base;
	while (stars--)
		full = arena_printf(A, "*%s", full);
	return kernel_type_from_text(c->btf, A, full);
}

/* @probe("sys_NAME") where the kernel has no function sys_NAME (its
 * syscalls are __x64_sys_NAME and the like, taking pt_regs): a probe on
 * the syscall's entry, whose arguments tracefs lists. */
static void check_syscall_probe(struct checker *c, struct function_info *fn, const char *name)
{
	const struct decl *d = fn->decl;
	struct kernel_tracepoint tp;
	const char *why;
	if (!kernel_btf_tracepoint(c->btf, arena_printf(A, "syscalls/sys_enter_%s", name), NULL,
				   &tp, &why)) {
		diag_error(c->diag, d->span, "the kernel has no function '%s' and no syscall '%s' "
			   "to probe", fn->target, name);
		return;
	}
	fn->syscall = name;
	struct kernel_syscall_arg *args;
	size_t count;
	if (kernel_tracefs_syscall(A, name, &args, &count) != TRACEFS_EVENT) {
		if (d->fn.params.len > 6)
			diag_error(c->diag, param(fn, 6)->span, "a syscall takes at most 6 arguments");
		else
			diag_warning(c->diag, d->span, "the parameters of syscall '%s' are not "
				     "checked: tracefs, which lists them, cannot be read", name);
		return;
	}
	const char *text = arena_printf(A, "%s(", name);
	for (size_t i = 0; i < count; i++)
		text = arena_printf(A, "%s%s%s: %s", text, i ? ", " : "", args[i].name, args[i].ctype);
	text = arena_printf(A, "%s)", text);
	if (d->fn.params.len > count) {
		diag_error(c->diag, param(fn, count)->span, "syscall '%s' takes %zu argument%s",
			   name, count, count == 1 ? "" : "s");
		diag_note(c->diag, d->name_span, "tracefs lists %s", text);
		return;
	}
	for (size_t i = 0; i < d->fn.params.len; i++) {
		const struct type *want = type_of_c_text(c, args[i].ctype);
		const struct type *got = fn->type->params.items[i];
		if (!want || got->kind == TY_ERROR || types_equal(want, got))
			continue;
		const struct param *p = param(fn, i);
		diag_error(c->diag, p->type->span, "'%s' is %s, but argument %zu of syscall '%s' "
			   "is %s (%s)", p->name, type_name(A, got), i + 1, name, type_name(A, want),
			   args[i].ctype);
		diag_note(c->diag, d->name_span, "tracefs lists %s", text);
	}
}

static void check_probe(struct checker *c, struct function_info *fn)
{
	const struct decl *d = fn->decl;
	for (size_t i = 0; i < d->fn.params.len; i++)
		if (points_to(fn->type->params.items[i], perf_kind()->context_struct)) {
			diag_error(c->diag, param(fn, i)->type->span,
				   "a @%s receives the parameters of '%s', not a '*%s'",
				   prog_kind_name(fn->prog), fn->target, perf_kind()->context_struct);
			diag_note(c->diag, param(fn, i)->type->span,
				  "'*%s' is what @%s programs receive",
				  perf_kind()->context_struct, perf_kind()->name);
			return;
		}
	const struct kernel_func *kf = kernel_btf_func(c->btf, fn->target);
	if (!kf && !strncmp(fn->target, "sys_", 4) && fn->target[4]) {
		if (fn->probe_form == PROBE_FENTRY) {
			diag_error(c->diag, d->span, "the kernel has no function '%s' for an fentry "
				   "program: @probe(\"%s\") probes the syscall's entry", fn->target,
				   fn->target);
			return;
		}
		check_syscall_probe(c, fn, fn->target + 4);
		return;
	}
	if (!kf) {
		diag_error(c->diag, d->span, "the kernel has no function '%s' to probe", fn->target);
		return;
	}
	if (d->fn.params.len > kf->count) {
		diag_error(c->diag, param(fn, kf->count)->span, "'%s' takes %zu parameter%s",
			   kf->name, kf->count, kf->count == 1 ? "" : "s");
		diag_note(c->diag, d->name_span, "the kernel declares %s", prototype(c, kf));
		return;
	}
	for (size_t i = 0; i < d->fn.params.len; i++) {
		const struct type *want = kernel_type_from_text(c->btf, A, kf->params[i].type);
		const struct type *got = fn->type->params.items[i];
		if (!want || got->kind == TY_ERROR || types_equal(want, got))
			continue;
		const struct param *p = param(fn, i);
		diag_error(c->diag, p->type->span, "'%s' is %s, but parameter %zu of %s is %s",
			   p->name, type_name(A, got), i + 1, kf->name, type_name(A, want));
		diag_note(c->diag, d->name_span, "the kernel declares %s", prototype(c, kf));
	}
	for (size_t i = 0; fn->probe_form == PROBE_FENTRY && i < d->fn.params.len; i++) {
		const struct type *t = fn->type->params.items[i];
		if (t->kind == TY_STRUCT || t->kind == TY_ARRAY)
			diag_error(c->diag, param(fn, i)->type->span, "an @fentry program cannot take "
				   "a struct by value here: @probe or @kprobe reads it, as a kprobe");
	}
}

void check_program_signature(struct checker *c, struct function_info *fn)
{
	const struct prog_kind_info *k = prog_kind_of(fn);
	if (fn->side != SIDE_PROGRAM || !fn->type || !k)
		return;
	const char *attribute = arena_printf(A, "@%s", k->name);
	switch (k->context) {
	case PROG_CONTEXT_STRUCT:
		check_context(c, fn, k->context_struct, attribute);
		if (k->returns)
			check_return_kind(c, fn, attribute, k->returns);
		break;
	case PROG_CONTEXT_EVENT:
		if (c->btf && fn->target && strchr(fn->target, '/'))
			check_tracepoint(c, fn);
		break;
	case PROG_CONTEXT_ARGS:
		if (!fn->target)
			diag_error(c->diag, fn->decl->span, "%s", k->target_usage);
		else if (c->btf)
			check_probe(c, fn);
		break;
	case PROG_CONTEXT_MEMBER:
		break;	/* check_struct_ops.c, against the member's function pointer */
	}
}
