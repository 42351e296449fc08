/* The check stage: calls that cross into the kernel.  `extern` kfuncs
 * against the kernel's BTF, and who may call whom among eBPF code,
 * kernel-module code (@kfunc, @private) and userspace. */
#include "check_internal.h"

#include <string.h>

#include "btf.h"
#include "kernel_types.h"

/* Whether a kernel integer-like type and a written one have the same
 * representation: an enum passed as the integer of its size, as C does,
 * and plain char as u8 or i8. */
static bool same_integer(struct checker *c, const struct type *kernel, const struct type *written)
{
	if (kernel->kind == TY_ENUM && written->kind == TY_INT)
		return kernel_btf_enum_size(c->btf, kernel->name) * 8 == written->bits;
	if (kernel->kind == TY_INT && written->kind == TY_ENUM && written->kernel)
		return kernel_btf_enum_size(c->btf, written->name) * 8 == kernel->bits;
	if (kernel->kind == TY_CHAR && written->kind == TY_INT)
		return written->bits == 8;
	return false;
}

bool kernel_compatible(struct checker *c, const struct type *kernel, const struct type *written)
{
	if (kernel->kind == TY_ERROR || written->kind == TY_ERROR || types_equal(kernel, written))
		return true;
	if (kernel->kind == TY_POINTER && written->kind == TY_POINTER) {
		const struct type *k = kernel->elem, *w = written->elem;
		/* void * in the kernel; *u8 or *void written: an opaque pointer */
		if (k->kind == TY_VOID || w->kind == TY_VOID || types_equal(w, &type_u8))
			return true;
		return same_integer(c, k, w);
	}
	return same_integer(c, kernel, written);
}

const char *kernel_prototype(struct checker *c, const char *name, const struct kernel_func *kf)
{
	const char *text = arena_printf(A, "%s(", name);
	for (size_t i = 0; i < kf->count; i++)
		text = arena_printf(A, "%s%s%s: %s", text, i ? ", " : "",
				    kf->params[i].name[0] ? kf->params[i].name : "_", kf->params[i].type);
	return arena_printf(A, "%s%s) -> %s", text, kf->variadic ? ", ..." : "", kf->ret);
}

/* `extern NAME(params) -> T` against the kernel function it names. */
void check_extern(struct checker *c, struct decl *d)
{
	if (!c->btf || !d->sym)
		return;
	if (d->fn.body)
		diag_error(c->diag, d->fn.body->span, "an extern is a declaration: it has no body");
	switch (kernel_btf_callable(c->btf, d->name)) {
	case KERNEL_HELPER:
		/* BTF has no prototypes for helpers; libbpf declares them. */
		d->sym->helper_extern = true;
		return;
	case KERNEL_NO_FUNCTION: {
		/* A near name is a typing mistake; none may be a kfunc of a
		 * subsystem this kernel lacks: the declaration stands, and the
		 * program will not load here. */
		if (!c->callable_names.len)
			kernel_btf_callable_names(c->btf, A, &c->callable_names);
		const char *near = closest_name(c, d->name, &c->callable_names);
		if (*near)
			diag_error(c->diag, d->name_span, "the kernel has no kfunc '%s'%s", d->name, near);
		else
			diag_warning(c->diag, d->name_span,
				     "this kernel has no kfunc '%s': the program will not load on it",
				     d->name);
		return;
	}
	case KERNEL_PLAIN_FUNCTION:
		diag_error(c->diag, d->name_span,
			   "'%s' is a kernel function but not a kfunc: eBPF code cannot call it",
			   d->name);
		return;
	case KERNEL_KFUNC:
		break;
	}
	const struct kernel_func *kf = kernel_btf_func(c->btf, d->name);
	if (!kf)
		return;
	const struct type *t = d->sym->type;
	const char *note = arena_printf(A, "the kernel declares %s", kernel_prototype(c, d->name, kf));
	if (t->params.len != kf->count) {
		diag_error(c->diag, d->name_span, "'%s' takes %zu parameter%s, not %zu", d->name,
			   kf->count, kf->count == 1 ? "" : "s", t->params.len);
		diag_note(c->diag, d->name_span, "%s", note);
		return;
	}
	for (size_t i = 0; i < kf->count; i++) {
		const struct type *want = kernel_type_from_text(c->btf, A, kf->params[i].type);
		const struct type *got = t->params.items[i];
		if (!want || kernel_compatible(c, want, got))
			continue;
		const struct param *p = d->fn.params.items[i];
		diag_error(c->diag, p->type->span, "'%s' is %s, but parameter %zu of %s is %s",
			   p->name, type_name(A, got), i + 1, d->name, type_name(A, want));
		diag_note(c->diag, d->name_span, "%s", note);
		return;
	}
	const struct type *ret = kernel_type_from_text(c->btf, A, kf->ret);
	if (ret && !kernel_compatible(c, ret, t->ret)) {
		diag_error(c->diag, d->fn.ret ? d->fn.ret->span : d->name_span,
			   "'%s' returns %s, not %s", d->name, type_name(A, ret), type_name(A, t->ret));
		diag_note(c->diag, d->name_span, "%s", note);
	}
}

static bool in_kernel_module(const struct checker *c)
{
	return c->fn && (c->fn->side == SIDE_KFUNC || c->fn->side == SIDE_PRIVATE);
}

/* A call of program SYM from eBPF code: a tail call, which the program
 * must return, to a program of its own kind, given its own context. */
static void check_tail_call(struct checker *c, struct expr *call, const struct symbol *sym)
{
	const struct expr *callee = call->call.callee;
	const struct function_info *from = c->fn, *to = sym->fn;
	const struct prog_kind_info *kind = prog_kind_of(from);
	if (from->side != SIDE_PROGRAM) {
		diag_error(c->diag, callee->span, "'%s' is an eBPF program: only a program can hand "
			   "over to it (a tail call), not a helper", sym->name);
		return;
	}
	if (!call->tail_position) {
		diag_error(c->diag, callee->span, "'%s' is an eBPF program: calling it is a tail call, "
			   "which hands the packet or event over for good, so it is what the program "
			   "returns: return %s(ctx)", sym->name, sym->name);
		return;
	}
	if (from->prog != to->prog || prog_kind_of(to) != kind) {
		diag_error(c->diag, callee->span, "'%s' is a @%s program and '%s' a @%s one: a tail "
			   "call goes to a program of the same kind", sym->name,
			   prog_kind_name(to->prog), from->decl->name, prog_kind_name(from->prog));
		return;
	}
	if (!kind || !kind->tail_fallback) {
		diag_error(c->diag, callee->span, "a @%s program cannot tail call: its arguments "
			   "are the kernel function's, not a context it could hand over",
			   prog_kind_name(from->prog));
		return;
	}
	const struct param *ctx = from->decl->fn.params.len ? from->decl->fn.params.items[0] : NULL;
	const struct expr *arg = call->call.args.len == 1 ? call->call.args.items[0] : NULL;
	if (!ctx || !arg || arg->kind != EXPR_IDENT || !arg->sym || arg->sym != ctx->sym) {
		diag_error(c->diag, call->span, "a tail call hands over the program's own context: "
			   "%s(%s)", sym->name, ctx && ctx->name ? ctx->name : "ctx");
		return;
	}
	call->tail_call = true;
	for (size_t i = 0; i < from->tail_targets.len; i++)
		if (from->tail_targets.items[i] == to)
			return;
	vec_push(A, &((struct function_info *)from)->tail_targets, (void *)to);
}

/* The kernel's limit on tail calls in a row (MAX_TAIL_CALL_CNT). */
#define TAIL_CALL_LIMIT 33

/* How many tail calls in a row may follow from FN (TAIL_CALL_LIMIT + 1
 * when a path goes round); PATH holds the DEPTH programs on the way. */
static unsigned tail_depth(const struct function_info *fn,
			   const struct function_info **path, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		if (path[i] == fn)
			return TAIL_CALL_LIMIT + 1;	/* round again */
	if (depth > TAIL_CALL_LIMIT)
		return 0;
	unsigned deepest = 0;
	path[depth] = fn;
	for (size_t i = 0; i < fn->tail_targets.len && deepest <= TAIL_CALL_LIMIT; i++) {
		unsigned d = 1 + tail_depth(fn->tail_targets.items[i], path, depth + 1);
		deepest = d > deepest ? d : deepest;
	}
	return deepest;
}

void check_tail_call_depth(struct checker *c)
{
	const struct function_info *path[TAIL_CALL_LIMIT + 1];
	for (size_t i = 0; i < c->cp->functions.len; i++) {
		const struct function_info *fn = c->cp->functions.items[i];
		if (!fn->tail_targets.len)
			continue;
		if (tail_depth(fn, path, 0) > TAIL_CALL_LIMIT) {
			const struct prog_kind_info *kind = prog_kind_of(fn);
			diag_warning(c->diag, fn->decl->name_span, "tail calls from '%s' may go "
				     "deeper than %d in a row (a path that goes round, or a long "
				     "chain): the kernel then refuses the next one, and the program "
				     "returns %s", fn->decl->name, TAIL_CALL_LIMIT,
				     kind ? kind->tail_fallback : "0");
		}
	}
}

void check_call_placement(struct checker *c, struct expr *call, const struct symbol *sym)
{
	const struct expr *callee = call->call.callee;
	if (!c->fn)
		return;
	const char *name = sym->name;
	if (sym->kind == SYM_EXTERN) {
		if (in_bpf(c))
			return;
		diag_error(c->diag, callee->span, "'%s' is a %s: only eBPF code can call it", name,
			   sym->helper_extern ? "BPF helper" : "kfunc");
		return;
	}
	if (sym->kind != SYM_FUNCTION)
		return;
	enum fn_side to = sym->fn->side;
	if (to == SIDE_TEST) {
		diag_error(c->diag, callee->span,
			   "'%s' is a @test function: only the test runner calls it", name);
	} else if (in_bpf(c)) {
		if (to == SIDE_PROGRAM && !sym->fn->impl) {
			check_tail_call(c, call, sym);	/* never compiled as a plain call */
			return;
		}
		if (to == SIDE_KFUNC) {
			vec_push(A, &((struct function_info *)c->fn)->kfunc_calls, call);
			return;
		}
		if (to == SIDE_PROGRAM || side_is_bpf(to)) {	/* a helper, or a struct_ops function */
			vec_push(A, &((struct function_info *)c->fn)->bpf_callees, sym->fn);
			return;
		}
		if (to == SIDE_PRIVATE)
			diag_error(c->diag, callee->span,
				   "'%s' is @private: only @kfunc and @private functions can call it", name);
		else
			diag_error(c->diag, callee->span,
				   "'%s' runs in userspace: eBPF code cannot call it", name);
	} else if (in_kernel_module(c)) {
		if (to == SIDE_KFUNC || to == SIDE_PRIVATE)
			return;
		if (to == SIDE_USERSPACE || to == SIDE_TEST)
			diag_error(c->diag, callee->span,
				   "'%s' runs in userspace: kernel-module code cannot call it", name);
		else
			diag_error(c->diag, callee->span,
				   "'%s' is eBPF code: kernel-module code (@%s) cannot call it", name,
				   c->fn->side == SIDE_KFUNC ? "kfunc" : "private");
	} else if ((c->fn->side == SIDE_USERSPACE || c->fn->side == SIDE_TEST) &&
		   to != SIDE_USERSPACE) {
		diag_error(c->diag, callee->span, "'%s' runs in the kernel: userspace cannot call it%s",
			   name, to == SIDE_PROGRAM ? " (load and attach it)" : "");
	}
}

void check_use_placement(struct checker *c, const struct expr *e, const struct symbol *sym)
{
	if (!in_kernel_module(c))
		return;
	const char *what = sym->kind == SYM_MAP ? "a map" : sym->kind == SYM_GLOBAL ? "a global variable"
			   : sym->kind == SYM_CONFIG ? "a config" : NULL;
	if (what)
		diag_error(c->diag, e->span,
			   "'%s' is %s of the eBPF program: kernel-module code cannot use it",
			   sym->name, what);
}

/* ---- @kfunc: what crosses from eBPF into the module ------------------------------ */

/* Whether the verifier can hand a T to a kfunc as plain memory: integers,
 * and the program's structs and arrays of them. */
static bool plain_memory(const struct type *t)
{
	if (type_is_integer(t) || t->kind == TY_BOOL)
		return true;
	if (t->kind == TY_ARRAY)
		return plain_memory(t->elem);
	if (t->kind != TY_STRUCT || t->kernel || !t->decl)
		return false;
	for (size_t i = 0; i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		if (!m->resolved || !plain_memory(m->resolved))
			return false;
	}
	return true;
}

/* Why the verifier would refuse a T between eBPF code and a kfunc, or
 * NULL when it takes it. */
static const char *kfunc_type_problem(const struct type *t, bool ret)
{
	if (t->kind == TY_ERROR || type_is_integer(t) || t->kind == TY_BOOL ||
	    (ret && t->kind == TY_VOID))
		return NULL;
	if (t->kind == TY_POINTER && ret)
		return "a kfunc that returns a pointer hands eBPF code a reference the verifier must "
		       "track (acquire and release kfuncs); return an integer";
	if (t->kind == TY_POINTER) {
		if (t->elem->kind == TY_STRUCT && t->elem->kernel)
			return "a pointer to a kernel struct needs the verifier's trusted-pointer rules; "
			       "pass the fields the kfunc needs";
		if (!plain_memory(t->elem))
			return "the verifier hands a kfunc a pointer only to plain memory: integers, "
			       "or the program's structs and arrays of them";
		return NULL;
	}
	if (t->kind == TY_STRUCT || t->kind == TY_ARRAY || t->kind == TY_STR)
		return "eBPF code passes and returns only integers and pointers in registers; "
		       "pass a pointer to it";
	return "the verifier passes only integers and pointers to plain memory";
}

void check_kfunc_signature(struct checker *c, struct function_info *fn)
{
	const struct decl *d = fn->decl;
	if (c->btf && (kernel_btf_callable(c->btf, d->name) != KERNEL_NO_FUNCTION ||
		       kernel_btf_is_typedef(c->btf, d->name) ||
		       kernel_btf_is_enumerator(c->btf, d->name)))
		diag_error(c->diag, d->name_span, "the kernel already has a '%s': a kfunc is "
			   "found by its name, so it needs a name of its own", d->name);
	if (!fn->type)
		return;
	for (size_t i = 0; i < d->fn.params.len && i < fn->type->params.len; i++) {
		const struct param *p = d->fn.params.items[i];
		const char *why = kfunc_type_problem(fn->type->params.items[i], false);
		if (why)
			diag_error(c->diag, p->type->span, "a @kfunc cannot take %s: %s",
				   type_name(A, fn->type->params.items[i]), why);
	}
	const char *why = kfunc_type_problem(fn->type->ret, true);
	if (why)
		diag_error(c->diag, d->fn.ret ? d->fn.ret->span : d->name_span,
			   "a @kfunc cannot return %s: %s", type_name(A, fn->type->ret), why);
}

/* The @kfunc calls FN makes or reaches through the eBPF functions it
 * calls, each checked against PROG's kind; VISITED holds the functions
 * already walked. */
static void check_kfunc_calls(struct checker *c, struct function_info *prog,
			      const struct function_info *fn, struct vec *visited)
{
	for (size_t i = 0; i < visited->len; i++)
		if (visited->items[i] == fn)
			return;
	vec_push(A, visited, (void *)fn);
	const struct prog_kind_info *kind = prog_kind_of(prog);
	for (size_t i = 0; i < fn->kfunc_calls.len; i++) {
		const struct expr *call = fn->kfunc_calls.items[i];
		const struct expr *callee = call->call.callee;
		const char *name = callee->kind == EXPR_IDENT ? callee->ident : "the kfunc";
		prog->calls_kfuncs = true;
		if (!kind || !kind->kfunc_hook) {
			diag_error(c->diag, callee->span, "'%s' is a @kfunc of this program's kernel "
				   "module, and the kernel lets no @%s program call a module's kfuncs",
				   name, prog_kind_name(prog->prog));
		} else if (c->btf && !kernel_btf_is_enumerator(c->btf, kind->kfunc_hook)) {
			diag_error(c->diag, callee->span, "'%s' is a @kfunc of this program's kernel "
				   "module, and this kernel lets no @%s program call a module's kfuncs "
				   "(it has no %s)", name, prog_kind_name(prog->prog), kind->kfunc_hook);
		} else {
			continue;
		}
		if (prog != fn)
			diag_note(c->diag, prog->decl->name_span, "the @%s program '%s' calls it "
				  "through '%s'", prog_kind_name(prog->prog), prog->decl->name,
				  fn->decl->name);
	}
	for (size_t i = 0; i < fn->bpf_callees.len; i++)
		check_kfunc_calls(c, prog, fn->bpf_callees.items[i], visited);
}

void check_kfunc_callers(struct checker *c)
{
	for (size_t i = 0; i < c->cp->functions.len; i++) {
		struct function_info *fn = c->cp->functions.items[i];
		if (fn->side == SIDE_PROGRAM)
			check_kfunc_calls(c, fn, fn, &(struct vec){ 0 });
	}
}
