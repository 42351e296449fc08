/* The check stage: new and delete.
 *
 * new T() allocates a zeroed T and gives a pointer to it, or null when
 * memory is short: bpf_obj_new in eBPF code, calloc in userspace, kmalloc
 * in a kernel module.  Only kernel-module code may pass allocation flags,
 * new T(GFP_ATOMIC).  delete p frees what new allocated. */
#include "check_internal.h"

#include <string.h>

/* The flags a kernel-module allocation may take.  Exactly one of the
 * GFP_ ones, perhaps with __GFP_ modifiers. */
static const char *const gfp_flags[] = {
	"GFP_KERNEL", "GFP_ATOMIC", "GFP_NOWAIT", "GFP_NOIO", "GFP_NOFS",
	"GFP_KERNEL_ACCOUNT", "__GFP_NOWARN", "__GFP_ZERO",
};

static bool in_kernel_module(const struct checker *c)
{
	return c->fn && (c->fn->side == SIDE_KFUNC || c->fn->side == SIDE_PRIVATE);
}

/* Checks one operand of the flags: a flag name, or FLAG | FLAG.  Counts
 * the GFP_ (not __GFP_) names in *BASE. */
static void check_gfp(struct checker *c, struct expr *f, unsigned *base)
{
	if (f->kind == EXPR_BINARY && f->binary.op == BIN_BITOR) {
		check_gfp(c, f->binary.lhs, base);
		check_gfp(c, f->binary.rhs, base);
		f->type = &type_u32;
		return;
	}
	f->type = &type_u32;
	if (f->kind != EXPR_IDENT) {
		diag_error(c->diag, f->span,
			   "allocation flags are GFP flag names, as in new T(GFP_KERNEL)");
		return;
	}
	struct vec names = { 0 };
	for (size_t i = 0; i < sizeof(gfp_flags) / sizeof(gfp_flags[0]); i++) {
		if (!strcmp(f->ident, gfp_flags[i])) {
			if (f->ident[0] == 'G')
				++*base;
			return;
		}
		vec_push(A, &names, (void *)gfp_flags[i]);
	}
	diag_error(c->diag, f->span, "'%s' is not a GFP flag%s", f->ident,
		   closest_name(c, f->ident, &names));
}

static void check_flags(struct checker *c, struct expr *e)
{
	struct expr *flags = e->new_.flags;
	if (!in_kernel_module(c)) {
		diag_error(c->diag, flags->span,
			   "allocation flags are for kernel-module code (@kfunc, @private): "
			   "%s takes none",
			   in_bpf(c) ? "eBPF's bpf_obj_new" : "userspace's calloc");
		check_gfp(c, flags, &(unsigned){ 0 });
		return;
	}
	unsigned base = 0;
	unsigned errors = diag_error_count(c->diag);
	check_gfp(c, flags, &base);
	if (base != 1 && diag_error_count(c->diag) == errors)
		diag_error(c->diag, flags->span,
			   "name one GFP_ flag (GFP_KERNEL, GFP_ATOMIC, ...), with __GFP_ modifiers if any");
}

/* Whether new may allocate a T on this side; reports why not. */
static bool allocatable(struct checker *c, const struct type *t, struct span at)
{
	if (t->kind == TY_ERROR)
		return false;
	if (t->kind != TY_STRUCT || (t->decl && t->decl->kind != DECL_STRUCT)) {
		diag_error(c->diag, at, "new allocates a struct, not %s", type_name(A, t));
		return false;
	}
	if (t->kernel && !in_kernel_module(c)) {
		diag_error(c->diag, at,
			   "'%s' is the kernel's struct: %s allocates only structs the program declares",
			   t->name, in_bpf(c) ? "eBPF's new (bpf_obj_new)" : "new in userspace");
		return false;
	}
	return true;
}

const struct type *check_new(struct checker *c, struct expr *e)
{
	const struct type *t = resolve_type(c, e->new_.type);
	if (!c->fn) {
		diag_error(c->diag, e->span, "new allocates at run time: use it inside a function");
		return &type_error;
	}
	if (e->new_.flags)
		check_flags(c, e);
	if (!allocatable(c, t, e->new_.type->span))
		return &type_error;
	return type_pointer(A, t);
}

void check_delete(struct checker *c, struct stmt *s)
{
	struct expr *x = s->expr;
	const struct type *t = check_expr(c, x);
	if (x->kind == EXPR_INDEX && x->index.base->type && x->index.base->type->kind == TY_MAP)
		return;	/* delete m[k]: removes the entry */
	if (t->kind == TY_ERROR)
		return;
	if (t->kind != TY_POINTER) {
		diag_error(c->diag, x->span,
			   "delete takes a map entry m[k] or a pointer from new, not %s",
			   type_name(A, t));
		return;
	}
	const struct type *to = t->elem;
	if (to->kind == TY_ERROR)
		return;
	if (to->kind != TY_STRUCT || (to->decl && to->decl->kind != DECL_STRUCT)) {
		diag_error(c->diag, x->span,
			   "delete frees what new allocated, a pointer to a struct, not %s",
			   type_name(A, t));
		return;
	}
	if (to->kernel && !in_kernel_module(c))
		diag_error(c->diag, x->span,
			   "this points to the kernel's '%s', which new did not allocate: "
			   "delete cannot free it", to->name);
}

/* eBPF: the verifier refuses a program that returns holding what
 * bpf_obj_new gave it, and frees only what it gave.  So an eBPF new stands
 * as var p = new T(), and the function deletes p or returns it to its
 * caller (which may delete what it got: var q = f()); that every path does
 * is the verifier's to see. */
struct objects {
	struct ast_visitor v;
	struct checker *c;
	struct vec bound;	/* struct stmt *: var p = new T() */
	struct vec deletes;	/* struct stmt *: delete p */
	struct vec returned;	/* struct symbol *: return p, the caller's now */
	struct vec given;	/* struct symbol *: var p = f(), perhaps a helper's new */
	struct vec loose;	/* struct expr *: a new not bound so */
	bool kept_in_map;	/* m[k] = p for a map of pointers (kptrs) */
};

static bool find_new(struct ast_visitor *v, struct expr *x)
{
	struct objects *o = (struct objects *)v;
	if (x->kind == EXPR_NEW)
		vec_push(o->c->arena, &o->loose, x);
	return true;
}

static bool find_objects(struct ast_visitor *v, struct stmt *s)
{
	struct objects *o = (struct objects *)v;
	struct checker *c = o->c;
	if (s->kind == STMT_VAR && s->var.init && s->var.init->kind == EXPR_NEW && s->sym) {
		vec_push(A, &o->bound, s);
		ast_walk_expr(v, s->var.init->new_.flags);
		return false;
	}
	if (s->kind == STMT_VAR && s->var.init && s->var.init->kind == EXPR_CALL && s->sym)
		vec_push(A, &o->given, s->sym);
	if (s->kind == STMT_DELETE && s->expr && s->expr->type &&
	    s->expr->type->kind == TY_POINTER && !s->expr->type->elem->kernel)
		vec_push(A, &o->deletes, s);	/* a kernel struct's is reported already */
	if (s->kind == STMT_RETURN && s->expr && s->expr->kind == EXPR_IDENT && s->expr->sym)
		vec_push(A, &o->returned, s->expr->sym);
	const struct expr *t = s->kind == STMT_ASSIGN ? s->assign.target : NULL;
	if (t && t->kind == EXPR_INDEX && t->index.base->type &&
	    t->index.base->type->kind == TY_MAP && t->index.base->type->value &&
	    t->index.base->type->value->kind == TY_POINTER)
		o->kept_in_map = true;
	return true;
}

static bool holds(const struct vec *syms, const struct symbol *sym)
{
	for (size_t i = 0; i < syms->len; i++)
		if (syms->items[i] == sym)
			return true;
	return false;
}

void check_bpf_objects(struct checker *c, struct function_info *fn)
{
	struct objects o = { .v = { find_new, find_objects }, .c = c };
	ast_walk_stmt(&o.v, fn->decl->fn.body);
	/* objects handed to a map of pointers: the map is an error already
	 * (check.c), so what the function does with them is not judged too */
	if (o.kept_in_map)
		return;
	for (size_t i = 0; i < o.loose.len; i++)
		diag_error(c->diag, ((struct expr *)o.loose.items[i])->span, "in eBPF, what new "
			   "allocates is kept in a variable and deleted: var p = new T(), and "
			   "later delete p");
	struct vec owned = { 0 }, deleted = { 0 };
	for (size_t i = 0; i < o.bound.len; i++)
		vec_push(A, &owned, ((struct stmt *)o.bound.items[i])->sym);
	for (size_t i = 0; i < o.deletes.len; i++) {
		const struct stmt *d = o.deletes.items[i];
		const struct symbol *sym = d->expr->kind == EXPR_IDENT ? d->expr->sym : NULL;
		if (sym && holds(&owned, sym))
			vec_push(A, &deleted, (void *)sym);
		else if (!sym || !holds(&o.given, sym))
			diag_error(c->diag, d->expr->span, "in eBPF, delete frees what new allocated "
				   "in this function (var p = new T()): the verifier refuses to free "
				   "anything else");
	}
	for (size_t i = 0; i < o.bound.len; i++) {
		const struct stmt *s = o.bound.items[i];
		if (!holds(&deleted, s->sym) && !holds(&o.returned, s->sym))
			diag_error(c->diag, s->var.name_span, "'%s' is never deleted: in eBPF the "
				   "verifier refuses a program that returns holding what new "
				   "allocated; delete %s before it returns", s->var.name, s->var.name);
	}
}
