/* The check stage: what each kind of eBPF program receives and returns,
 * against the kernel's own types from BTF.  A program whose context or
 * parameters differ from what the kernel hands it is wrong, so it is an
 * error here rather than a verifier rejection or wrong numbers later. */
#include "check_internal.h"

#include <string.h>

#include "btf.h"
#include "kernel_types.h"

static const char *const perf_context = "bpf_perf_event_data";

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
	if (points_to(t, perf_context))
		diag_note(c->diag, p->type->span,
			  "'*%s' is what @perf_event programs receive", perf_context);
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
	const char *attribute = arena_printf(A, "@tracepoint(\"%s\")", fn->target);
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

static void check_probe(struct checker *c, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	for (size_t i = 0; i < d->fn.params.len; i++)
		if (points_to(fn->type->params.items[i], perf_context)) {
			diag_error(c->diag, param(fn, i)->type->span,
				   "a @probe receives the parameters of '%s', not a '*%s'",
				   fn->target, perf_context);
			diag_note(c->diag, param(fn, i)->type->span,
				  "'*%s' is what @perf_event programs receive", perf_context);
			return;
		}
	const struct kernel_func *kf = kernel_btf_func(c->btf, fn->target);
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
}

void check_program_signature(struct checker *c, struct function_info *fn)
{
	if (fn->side != SIDE_PROGRAM || !fn->type)
		return;
	switch (fn->prog) {
	case PROG_XDP:
		check_context(c, fn, "xdp_md", "@xdp");
		check_return_kind(c, fn, "@xdp", "xdp_action");
		break;
	case PROG_TC:
		check_context(c, fn, "__sk_buff", "@tc");
		check_return_kind(c, fn, "@tc", "an i32 verdict (TC_ACT_*)");
		break;
	case PROG_PERF_EVENT:
		check_context(c, fn, perf_context, "@perf_event");
		break;
	case PROG_TRACEPOINT:
		if (c->btf && fn->target && strchr(fn->target, '/'))
			check_tracepoint(c, fn);
		break;
	case PROG_PROBE:
		if (!fn->target)
			diag_error(c->diag, fn->decl->span,
				   "@probe needs the kernel function: @probe(\"do_exit\")");
		else if (c->btf)
			check_probe(c, fn);
		break;
	default:
		break;
	}
}
