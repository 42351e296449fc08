/* The check stage: `@struct_ops("OPS") impl NAME { ... }` blocks and
 * register().  An impl fills the kernel's struct OPS: each function
 * implements one of its function pointers, each `name: value` sets one of
 * its other members.  Both are checked against the struct as the kernel's
 * BTF has it; a declaration of OPS in a .kh header is the kernel's type
 * and is only used when there is no BTF. */
#include "check_internal.h"

#include <string.h>

#include "btf.h"
#include "kernel_types.h"

/* A member of the struct an impl fills. */
struct ops_member {
	const char *name;
	const struct type *type;	/* TY_FUNCTION for a function pointer */
	bool any_function;	/* a pointer a declaration gives no prototype for */
	/* declared by the program, not read from BTF: its type may only be
	 * a placeholder (headers write function pointers as *u8, names as
	 * u32), so only its name is checked */
	bool loose;
};

struct ops_struct {
	const char *name;
	bool kernel;		/* read from BTF */
	struct vec members;	/* struct ops_member * */
};

/* What the kernel refuses to register without: each entry is a member, or
 * "a|b" for one of two.  (tcp_validate_congestion_control.) */
static const struct {
	const char *ops;
	const char *members[3];
} required_members[] = {
	{ "tcp_congestion_ops", { "ssthresh", "undo_cwnd", "cong_avoid|cong_control" } },
};

static bool is_struct_ops_attr(const struct attr *a)
{
	const struct prog_kind_info *k = prog_kind_by_attr(a->name);
	return k && k->on_impl;
}

void declare_impl(struct checker *c, struct decl *d)
{
	struct symbol *sym = declare_global(c, SYM_IMPL, d->name, d->name_span, d);
	if (!sym)
		return;
	struct impl_info *impl = arena_alloc(A, sizeof(*impl));
	impl->decl = d;
	sym->impl = impl;
	vec_push(A, &c->cp->impls, impl);
	for (size_t i = 0; i < d->impl_items.len; i++) {
		struct decl *item = d->impl_items.items[i];
		if (!item)
			continue;	/* a syntax error, reported */
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++) {
			const struct decl *old = d->impl_items.items[j];
			if (!old || strcmp(old->name, item->name))
				continue;
			diag_error(c->diag, item->name_span, "'%s' is already set in impl '%s'",
				   item->name, d->name);
			diag_note(c->diag, old->name_span, "'%s' was set here", item->name);
			dup = true;
		}
		if (dup)
			continue;
		if (item->kind == DECL_FIELD) {
			vec_push(A, &impl->fields, item);
			continue;
		}
		struct function_info *fn = arena_alloc(A, sizeof(*fn));
		fn->decl = item;
		fn->impl = impl;
		fn->side = SIDE_PROGRAM;
		fn->prog = PROG_STRUCT_OPS;
		fn->target = item->name;
		struct symbol *f = new_symbol(c, SYM_FUNCTION, item->name, item->name_span);
		f->decl = item;
		f->fn = fn;
		item->sym = f;
		vec_push(A, &impl->functions, fn);
		vec_push(A, &c->cp->functions, fn);
		c->cp->has_programs = true;
	}
}

/* ---- the struct an impl fills --------------------------------------------- */

static void add_member(struct checker *c, struct ops_struct *s, const char *name,
		       const struct type *t, bool any_function)
{
	struct ops_member *m = arena_alloc(A, sizeof(*m));
	m->name = name;
	m->type = t ? t : &type_error;
	m->any_function = any_function;
	vec_push(A, &s->members, m);
}

static const char *struct_ops_list(struct checker *c)
{
	struct vec names = { 0 };
	kernel_btf_struct_ops_names(c->btf, A, &names);
	const char *text = "";
	for (size_t i = 0; i < names.len; i++)
		text = arena_printf(A, "%s%s%s", text, i ? ", " : "", (const char *)names.items[i]);
	return names.len ? text : "none";
}

/* OPS from BTF, or from its declaration when there is no BTF; NULL after
 * an error. */
static struct ops_struct *ops_struct(struct checker *c, const char *ops, struct span at)
{
	struct ops_struct *s = arena_alloc(A, sizeof(*s));
	s->name = ops;
	if (c->btf) {
		const struct symbol *own = global_lookup(c, ops);
		bool declared = own && own->kind == SYM_STRUCT && own->decl &&
				!kernel_btf_has_struct(c->btf, ops);
		if (!kernel_btf_is_struct_ops(c->btf, ops) && declared) {
			/* a subsystem this kernel lacks (sched_ext): check against
			 * the program's declaration of it */
			diag_warning(c->diag, at, "this kernel has no struct_ops '%s': checked against "
				     "its declaration, and the program will not load on this kernel", ops);
			diag_note(c->diag, own->decl->name_span, "'%s' is declared here; "
				  "--btf-vmlinux-path checks against another kernel's BTF", ops);
			goto declaration;
		}
		if (!kernel_btf_is_struct_ops(c->btf, ops)) {
			struct vec names = { 0 };
			kernel_btf_struct_ops_names(c->btf, A, &names);
			if (kernel_btf_has_struct(c->btf, ops))
				diag_error(c->diag, at, "the kernel's struct '%s' is not a struct_ops type",
					   ops);
			else
				diag_error(c->diag, at, "the kernel has no struct_ops '%s'%s", ops,
					   closest_name(c, ops, &names));
			diag_note(c->diag, at, "the struct_ops types of this kernel: %s",
				  struct_ops_list(c));
			return NULL;
		}
		s->kernel = true;
		const struct kernel_struct *k = kernel_btf_struct(c->btf, ops);
		for (size_t i = 0; i < k->count; i++) {
			const char *name = k->members[i].name;
			const struct type *fn = kernel_btf_member_function(c->btf, A, ops, name);
			add_member(c, s, name,
				   fn ? fn : kernel_type_from_text(c->btf, A, k->members[i].type), false);
		}
		return s;
	}
declaration:;
	struct symbol *sym = global_lookup(c, ops);
	if (!sym || sym->kind != SYM_STRUCT || !sym->decl) {
		diag_error(c->diag, at, "struct_ops '%s' is unknown: there is no kernel BTF to read "
			   "it from, and no declaration of it", ops);
		return NULL;
	}
	for (size_t i = 0; i < sym->decl->members.len; i++) {
		const struct member *m = sym->decl->members.items[i];
		const struct type *t = m->resolved ? m->resolved : &type_error;
		add_member(c, s, m->name, t, t->kind == TY_POINTER);
		((struct ops_member *)s->members.items[s->members.len - 1])->loose =
			t->kind != TY_FUNCTION;
	}
	return s;
}

static const struct ops_member *find_ops_member(const struct ops_struct *s, const char *name)
{
	for (size_t i = 0; i < s->members.len; i++) {
		const struct ops_member *m = s->members.items[i];
		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

static const struct ops_member *member_of(struct checker *c, const struct ops_struct *s,
					  const char *name, struct span at)
{
	const struct ops_member *m = find_ops_member(s, name);
	if (m)
		return m;
	struct vec names = { 0 };
	for (size_t i = 0; i < s->members.len; i++)
		vec_push(A, &names, (void *)((const struct ops_member *)s->members.items[i])->name);
	diag_error(c->diag, at, "%s has no member '%s'%s", s->name, name,
		   closest_name(c, name, &names));
	return NULL;
}

/* ---- functions ----------------------------------------------------------- */

static void declared_as(struct checker *c, const struct ops_struct *s, const struct ops_member *m,
			struct span at)
{
	diag_note(c->diag, at, "%s %s.%s as %s", s->kernel ? "the kernel declares" : "it is declared",
		  s->name, m->name, type_name(A, m->type));
}

static void check_impl_function(struct checker *c, const struct ops_struct *s,
				struct function_info *fn)
{
	const struct decl *d = fn->decl;
	const struct ops_member *m = member_of(c, s, d->name, d->name_span);
	if (!m || m->any_function || m->loose || m->type->kind == TY_ERROR)
		return;
	if (m->type->kind != TY_FUNCTION) {
		diag_error(c->diag, d->name_span, "%s.%s is %s, not a function: set it with '%s: value'",
			   s->name, m->name, type_name(A, m->type), m->name);
		return;
	}
	const struct type *want = m->type, *got = fn->type;
	if (want->params.len != got->params.len) {
		diag_error(c->diag, d->name_span, "%s.%s takes %zu parameter%s, not %zu", s->name,
			   m->name, want->params.len, want->params.len == 1 ? "" : "s",
			   got->params.len);
		declared_as(c, s, m, d->name_span);
		return;
	}
	for (size_t i = 0; i < want->params.len; i++) {
		const struct type *k = want->params.items[i], *w = got->params.items[i];
		if (kernel_compatible(c, k, w))
			continue;
		const struct param *p = d->fn.params.items[i];
		diag_error(c->diag, p->type->span, "'%s' is %s, but parameter %zu of %s.%s is %s",
			   p->name, type_name(A, w), i + 1, s->name, m->name, type_name(A, k));
		declared_as(c, s, m, d->name_span);
		return;
	}
	if (!kernel_compatible(c, want->ret, got->ret)) {
		diag_error(c->diag, d->fn.ret ? d->fn.ret->span : d->name_span,
			   "%s.%s returns %s, not %s", s->name, m->name, type_name(A, want->ret),
			   type_name(A, got->ret));
		declared_as(c, s, m, d->name_span);
	}
}

/* ---- fields -------------------------------------------------------------- */

static bool is_char_array(const struct type *t)
{
	return t->kind == TY_ARRAY && (t->elem->kind == TY_CHAR ||
				       (t->elem->kind == TY_INT && t->elem->bits == 8));
}

static void check_impl_field(struct checker *c, const struct ops_struct *s, struct decl *f)
{
	struct expr *value = f->var.init;
	const struct type *v = check_expr(c, value);
	const struct ops_member *m = member_of(c, s, f->name, f->name_span);
	if (!m || v->kind == TY_ERROR || m->type->kind == TY_ERROR)
		return;
	const struct type *t = m->type;
	int64_t n;
	if (m->loose && t->kind != TY_POINTER) {
		if (value->kind != EXPR_STRING && value->kind != EXPR_BOOL && !const_value(c, value, &n))
			diag_error(c->diag, value->span, "%s.%s needs a constant value", s->name, m->name);
		return;
	}
	if (t->kind == TY_FUNCTION || m->any_function) {
		diag_error(c->diag, f->name_span, "%s.%s is a function: write it as 'fn %s(...)'",
			   s->name, m->name, m->name);
		return;
	}
	if (is_char_array(t)) {
		if (value->kind != EXPR_STRING)
			diag_error(c->diag, value->span, "%s.%s is %s: give it a string", s->name,
				   m->name, type_name(A, t));
		else if ((uint64_t)value->string.len + 1 > t->len)
			diag_error(c->diag, value->span,
				   "%s.%s holds at most %llu characters, not %u", s->name, m->name,
				   (unsigned long long)t->len - 1, value->string.len);
		return;
	}
	if (!type_is_integer(t) && t->kind != TY_BOOL) {
		diag_error(c->diag, f->name_span, "%s.%s is %s: an impl cannot set it", s->name,
			   m->name, type_name(A, t));
		return;
	}
	if (!assignable(t, v, value)) {
		if (!report_literal_misfit(c, t, value))
			diag_error(c->diag, value->span, "%s.%s is %s, not %s", s->name, m->name,
				   type_name(A, t), type_name(A, v));
	} else if (!const_value(c, value, &n) && value->kind != EXPR_BOOL) {
		diag_error(c->diag, value->span, "%s.%s needs a constant value", s->name, m->name);
	}
}

static bool impl_sets(const struct impl_info *impl, const char *name)
{
	for (size_t i = 0; i < impl->fields.len; i++)
		if (!strcmp(((const struct decl *)impl->fields.items[i])->name, name))
			return true;
	for (size_t i = 0; i < impl->functions.len; i++)
		if (!strcmp(((const struct function_info *)impl->functions.items[i])->decl->name, name))
			return true;
	return false;
}

static void check_required(struct checker *c, const struct ops_struct *s, struct impl_info *impl)
{
	for (size_t i = 0; i < sizeof(required_members) / sizeof(required_members[0]); i++) {
		if (strcmp(required_members[i].ops, s->name))
			continue;
		for (size_t j = 0; j < 3 && required_members[i].members[j]; j++) {
			const char *want = required_members[i].members[j];
			const char *bar = strchr(want, '|');
			const char *first = bar ? arena_strndup(A, want, (size_t)(bar - want)) : want;
			if (impl_sets(impl, first) || (bar && impl_sets(impl, bar + 1)))
				continue;
			if (bar)
				diag_error(c->diag, impl->decl->name_span,
					   "impl '%s' needs '%s' or '%s': the kernel does not register a "
					   "%s without one", impl->decl->name, first, bar + 1, s->name);
			else
				diag_error(c->diag, impl->decl->name_span,
					   "impl '%s' needs '%s': the kernel does not register a %s "
					   "without it", impl->decl->name, first, s->name);
		}
	}
	/* The kernel wants a name; the impl's own, cut to fit, by default. */
	const struct ops_member *name = find_ops_member(s, "name");
	if (name && is_char_array(name->type) && name->type->len > 1 && !impl_sets(impl, "name"))
		impl->default_name = arena_strndup(A, impl->decl->name, name->type->len - 1);
}

void resolve_impl(struct checker *c, struct decl *d)
{
	struct impl_info *impl = d->sym->impl;
	const struct attr *ops_attr = NULL;
	for (size_t i = 0; i < d->attrs.len; i++) {
		const struct attr *a = d->attrs.items[i];
		if (!is_struct_ops_attr(a)) {
			diag_error(c->diag, a->span, "unknown attribute '@%s' on an impl", a->name);
			continue;
		}
		ops_attr = a;
		const struct expr *arg = a->args.len == 1 ? a->args.items[0] : NULL;
		if (!arg || arg->kind != EXPR_STRING)
			diag_error(c->diag, a->span,
				   "'@struct_ops' takes the kernel struct's name: "
				   "@struct_ops(\"tcp_congestion_ops\")");
		else
			impl->ops = arg->string.bytes;
	}
	if (!ops_attr)
		diag_error(c->diag, d->name_span,
			   "impl '%s' needs @struct_ops(\"...\") naming the kernel struct it fills",
			   d->name);
	for (size_t i = 0; i < impl->functions.len; i++) {
		struct function_info *fn = impl->functions.items[i];
		for (size_t j = 0; j < fn->decl->attrs.len; j++)
			diag_error(c->diag, ((const struct attr *)fn->decl->attrs.items[j])->span,
				   "a function of an impl takes no attributes");
		resolve_signature(c, fn);
	}
	const struct ops_struct *s = impl->ops ? ops_struct(c, impl->ops, ops_attr->span) : NULL;
	impl->ops_declared = s && !s->kernel;
	if (!s) {
		for (size_t i = 0; i < impl->fields.len; i++)
			check_expr(c, ((struct decl *)impl->fields.items[i])->var.init);
		return;
	}
	for (size_t i = 0; i < impl->functions.len; i++)
		check_impl_function(c, s, impl->functions.items[i]);
	for (size_t i = 0; i < impl->fields.len; i++)
		check_impl_field(c, s, impl->fields.items[i]);
	check_required(c, s, impl);
}

/* ---- bodies and register() -------------------------------------------------- */

void check_function(struct checker *c, struct function_info *fn)
{
	if (!fn->impl) {
		check_body(c, fn);
		return;
	}
	/* The functions of an impl may call each other by name. */
	push_scope(c);
	for (size_t i = 0; i < fn->impl->functions.len; i++) {
		const struct function_info *f = fn->impl->functions.items[i];
		vec_push(A, &c->scope->symbols, f->decl->sym);
	}
	check_body(c, fn);
	pop_scope(c);
}

const struct type *check_register(struct checker *c, struct expr *e)
{
	struct expr *arg = e->call.args.len == 1 ? e->call.args.items[0] : NULL;
	if (c->fn && c->fn->side != SIDE_USERSPACE && c->fn->side != SIDE_TEST)
		diag_error(c->diag, e->span, "'register' is for userspace: %s code cannot call it",
			   in_bpf(c) ? "eBPF" : "kernel-module");
	struct symbol *sym = arg && arg->kind == EXPR_IDENT ? lookup(c, arg->ident) : NULL;
	if (sym && sym->kind == SYM_IMPL) {
		arg->sym = sym;
		arg->type = &type_void;
		sym->used = true;
	} else if (!arg) {
		for (size_t i = 0; i < e->call.args.len; i++) {
			struct expr *x = e->call.args.items[i];
			struct symbol *s = x->kind == EXPR_IDENT ? lookup(c, x->ident) : NULL;
			if (!s || s->kind != SYM_IMPL)
				check_expr(c, x);
		}
		diag_error(c->diag, e->span, "'register' takes 1 argument, not %zu", e->call.args.len);
	} else {
		const struct type *t = check_expr(c, arg);
		if (t->kind != TY_ERROR)
			diag_error(c->diag, arg->span,
				   "register takes a @struct_ops impl, by its name: register(my_ops)");
	}
	e->type = &type_i32;
	return e->type;
}
