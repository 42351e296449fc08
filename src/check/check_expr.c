/* The check stage: types of written types and of expressions. */
#include "check_internal.h"

#include <limits.h>

#include <string.h>

#include "btf.h"
#include "kernel_types.h"

/* ---- written types ------------------------------------------------------- */


/* SYM is named here: used, and whether only by @test functions so far. */
static void mark_used(struct checker *c, struct symbol *sym)
{
	bool test = c->fn && c->fn->side == SIDE_TEST;
	sym->used_by_tests_only = test && (!sym->used || sym->used_by_tests_only);
	sym->used = true;
}

static uint64_t const_len(struct checker *c, const struct expr *e, const char *what)
{
	int64_t n = 0;
	if (!e || !const_value(c, e, &n) || n <= 0) {
		diag_error(c->diag, e ? e->span : (struct span){ 0 },
			   "%s needs a positive constant length", what);
		return 1;
	}
	return (uint64_t)n;
}

const struct type *resolve_type(struct checker *c, const struct ast_type *t)
{
	if (!t)
		return &type_error;
	switch (t->kind) {
	case TYPE_NAME: {
		const struct type *prim = type_primitive(t->name);
		if (prim)
			return prim;
		struct symbol *sym = global_lookup(c, t->name);
		if (sym && (sym->kind == SYM_STRUCT || sym->kind == SYM_ENUM ||
			    sym->kind == SYM_TYPE_ALIAS)) {
			if (!c->in_prelude)
				sym->used = true;
			if (sym->kind == SYM_TYPE_ALIAS && sym->type->kind == TY_ERROR &&
			    sym->decl->var.type)	/* used before its declaration */
				sym->type = type_with_alias(A, resolve_type(c, sym->decl->var.type),
							    sym->name);
			return sym->type;
		}
		const struct type *k = kernel_type(c->btf, A, t->name);
		if (k)
			return k;
		diag_error(c->diag, t->span, "unknown type '%s'%s", t->name,
			   suggest_kind(c, t->name, SYMBOLS_OF_TYPES));
		return &type_error;
	}
	case TYPE_STR:
		return type_str(A, const_len(c, t->len, "str(N)"));
	case TYPE_ARRAY:
		return type_array(A, resolve_type(c, t->elem), const_len(c, t->len, "an array"));
	case TYPE_POINTER:
		return type_pointer(A, resolve_type(c, t->elem));
	case TYPE_FUNCTION: {
		struct type *f = type_new(A, TY_FUNCTION);
		for (size_t i = 0; i < t->args.len; i++)
			vec_push(A, &f->params,
				 (void *)resolve_type(c, ((struct param *)t->args.items[i])->type));
		f->ret = t->ret ? resolve_type(c, t->ret) : &type_void;
		return f;
	}
	case TYPE_GENERIC: {
		enum map_kind kind;
		if (!strcmp(t->name, "ringbuf") && t->args.len == 1) {
			struct type *r = type_new(A, TY_RINGBUF);
			r->elem = resolve_type(c, t->args.items[0]);
			return r;
		}
		if (map_kind_by_name(t->name, &kind) && t->args.len == 2) {
			struct type *m = type_new(A, TY_MAP);
			m->map_kind = kind;
			m->key = resolve_type(c, t->args.items[0]);
			m->value = resolve_type(c, t->args.items[1]);
			return m;
		}
		diag_error(c->diag, t->span, "unknown type '%s<...>'", t->name);
		return &type_error;
	}
	}
	return &type_error;
}

const struct member *find_member(const struct type *t, const char *name)
{
	if (t->kind != TY_STRUCT || !t->decl)
		return NULL;
	for (size_t i = 0; i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

/* ---- compatibility --------------------------------------------------------- */

/* Whether an integer literal of magnitude VALUE, negated or not, fits in
 * integer type T. */
static bool literal_fits(const struct type *t, uint64_t value, bool negative)
{
	negative = negative && value != 0;	/* -0 is 0 */
	if (t->kind == TY_CHAR)
		return negative ? value <= 0x80 : value <= 0xff;
	if (t->kind != TY_INT)
		return true;
	if (negative)
		return t->is_signed && (t->bits >= 64 || value <= 1ULL << (t->bits - 1));
	if (t->bits >= 64)
		return !t->is_signed || value <= INT64_MAX;
	return value <= (1ULL << (t->is_signed ? t->bits - 1 : t->bits)) - 1;
}

bool literal_misfit(const struct type *to, const struct expr *value)
{
	bool negative = false;
	if (value && value->kind == EXPR_UNARY && value->unary.op == UNARY_NEG) {
		negative = true;
		value = value->unary.operand;
	}
	if (!value || (value->kind != EXPR_INT && value->kind != EXPR_CHAR) || !type_is_integer(to))
		return false;
	return !literal_fits(to, value->integer.value, negative);
}

bool report_literal_misfit(struct checker *c, const struct type *to, const struct expr *value)
{
	if (!literal_misfit(to, value))
		return false;
	diag_error(c->diag, value->span, "%.*s does not fit in %s", (int)(value->span.end - value->span.begin),
		   value->span.src->text + value->span.begin, type_name(A, to));
	return true;
}

bool assignable(const struct type *to, const struct type *from, const struct expr *value)
{
	if (literal_misfit(to, value))
		return false;
	if (types_equal(to, from))
		return true;
	if (type_is_integer(to) && type_is_integer(from))
		return true;	/* stricter conversions come with the type-checking issue */
	if (to->kind == TY_BOOL && type_is_integer(from) && value && value->kind == EXPR_INT)
		return false;
	if (to->kind == TY_POINTER && from->kind == TY_NULL)
		return true;
	if (to->kind == TY_POINTER && from->kind == TY_POINTER &&
	    (to->elem->kind == TY_VOID || from->elem->kind == TY_VOID))
		return true;
	if (to->kind == TY_STR && from->kind == TY_STR)	/* a literal may fill it, NUL aside */
		return from->len <= to->len || (value && value->kind == EXPR_STRING &&
						 value->string.len <= to->len);
	if (to->kind == TY_ARRAY && from->kind == TY_ARRAY)
		return from->len <= to->len && assignable(to->elem, from->elem, NULL);
	return false;
}

bool cut_string_literal(struct checker *c, const char *name, const struct type *to,
			struct expr *value)
{
	if (to->kind != TY_STR || value->kind != EXPR_STRING || !to->len ||
	    value->string.len < to->len)
		return false;
	value->string.len = (uint32_t)to->len - 1;
	value->type = type_str(A, to->len);
	diag_warning(c->diag, value->span, "'%s' holds %llu characters: the string is cut to \"%.*s\"",
		     name, (unsigned long long)to->len - 1, (int)value->string.len, value->string.bytes);
	return true;
}

void report_not_assignable(struct checker *c, const char *name, const struct type *to,
			   const struct type *from, const struct expr *value)
{
	if (literal_misfit(to, value))
		diag_error(c->diag, value->span, "%.*s does not fit in '%s' (%s)",
			   (int)(value->span.end - value->span.begin),
			   value->span.src->text + value->span.begin, name, type_name(A, to));
	else
		diag_error(c->diag, value->span, "'%s' is %s but is given %s", name,
			   type_name(A, to), type_name(A, from));
}

bool const_value(struct checker *c, const struct expr *e, int64_t *value)
{
	int64_t l, r;
	if (!e)
		return false;
	if (e->type) {	/* checked: const_annotate knows */
		*value = (int64_t)e->value;
		return e->constant;
	}
	switch (e->kind) {
	case EXPR_INT:
	case EXPR_CHAR:
		*value = (int64_t)e->integer.value;
		return true;
	case EXPR_IDENT: {
		struct symbol *sym = global_lookup(c, e->ident);
		if (!sym || !(sym->kind == SYM_ENUM_CONST || sym->kind == SYM_CONST))
			return false;
		if (sym->kind == SYM_CONST && !sym->has_value && sym->decl)
			sym->has_value = const_value(c, sym->decl->var.init, &sym->value);
		*value = sym->value;
		return sym->has_value;
	}
	case EXPR_UNARY:
		if (!const_value(c, e->unary.operand, &l))
			return false;
		switch (e->unary.op) {
		case UNARY_NEG: *value = (int64_t)-(uint64_t)l; return true;
		case UNARY_BITNOT: *value = ~l; return true;
		case UNARY_NOT: *value = !l; return true;
		default: return false;
		}
	case EXPR_BINARY:
		if (!const_value(c, e->binary.lhs, &l) || !const_value(c, e->binary.rhs, &r))
			return false;
		switch (e->binary.op) {
		/* wrapping, never undefined: the checker reports what overflows */
		case BIN_ADD: *value = (int64_t)((uint64_t)l + (uint64_t)r); return true;
		case BIN_SUB: *value = (int64_t)((uint64_t)l - (uint64_t)r); return true;
		case BIN_MUL: *value = (int64_t)((uint64_t)l * (uint64_t)r); return true;
		case BIN_DIV: if (!r) return false; *value = r == -1 ? (int64_t)-(uint64_t)l : l / r; return true;
		case BIN_MOD: if (!r) return false; *value = r == -1 ? 0 : l % r; return true;
		case BIN_SHL: *value = (int64_t)((uint64_t)l << (r & 63)); return true;
		case BIN_SHR: *value = l >> (r & 63); return true;
		case BIN_BITAND: *value = l & r; return true;
		case BIN_BITOR: *value = l | r; return true;
		case BIN_BITXOR: *value = l ^ r; return true;
		default: return false;
		}
	case EXPR_CAST:
		return const_value(c, e->cast.operand, value);
	case EXPR_SIZEOF: {
		const struct type *t = resolve_type(c, e->sizeof_type);
		*value = (int64_t)type_size(t);
		return *value > 0;
	}
	default:
		return false;
	}
}

/* ---- expressions --------------------------------------------------------- */

static const struct type *set(struct expr *e, const struct type *t)
{
	e->type = t;
	return t;
}

/* What arithmetic works on: at least 32 bits, as in C. */
static const struct type *promoted(const struct type *t)
{
	return t->kind == TY_INT && t->bits >= 32 ? t : &type_i32;
}

/* The wider of two integer types, as C's usual arithmetic conversions. */
const struct type *arithmetic(const struct type *a, const struct type *b)
{
	if (a->kind == TY_ERROR || b->kind == TY_ERROR)
		return &type_error;
	unsigned abits = a->kind == TY_INT ? a->bits : 32;
	unsigned bbits = b->kind == TY_INT ? b->bits : 32;
	bool as = a->kind == TY_INT ? a->is_signed : true;
	bool bs = b->kind == TY_INT ? b->is_signed : true;
	if (abits < 32 && bbits < 32)
		return &type_i32;
	if (abits != bbits)
		return abits > bbits ? type_int(abits, as) : type_int(bbits, bs);
	return type_int(abits, as && bs);
}

/* A kernel enumerator (BPF_ANY, IPPROTO_TCP) named without a declaration:
 * vmlinux.h has it, so it becomes a global symbol of its own. */
static struct symbol *kernel_constant(struct checker *c, const char *name)
{
	int64_t value;
	const char *enum_name;
	if (!kernel_btf_constant(c->btf, name, &value, &enum_name))
		return NULL;
	struct symbol *sym = new_symbol(c, SYM_ENUM_CONST, name, (struct span){ 0 });
	const struct type *t = enum_name && *enum_name ? kernel_type(c->btf, A, enum_name) : NULL;
	sym->type = t ? t : &type_i32;
	sym->has_value = true;
	sym->value = value;
	declare_kernel_constant(c, sym);
	return sym;
}

static const struct type *check_ident(struct checker *c, struct expr *e)
{
	struct symbol *sym = lookup(c, e->ident);
	if (!sym)
		sym = kernel_constant(c, e->ident);
	if (!sym) {
		diag_error(c->diag, e->span, "'%s' is not declared%s", e->ident,
			   suggest(c, e->ident));
		return set(e, &type_error);
	}
	e->sym = sym;
	mark_used(c, sym);
	null_read_entry(c, e);
	check_use_placement(c, e, sym);
	check_deferred_name(c, e);
	switch (sym->kind) {
	case SYM_STRUCT:
	case SYM_ENUM:
	case SYM_TYPE_ALIAS:
		diag_error(c->diag, e->span, "'%s' is a type, not a value", e->ident);
		return set(e, &type_error);
	case SYM_IMPORT:
		diag_error(c->diag, e->span, "'%s' is a module: call its functions as %s.name(...)",
			   e->ident, e->ident);
		return set(e, &type_error);
	case SYM_IMPL:
		diag_error(c->diag, e->span, "'%s' is a @struct_ops impl: only register() takes it",
			   e->ident);
		return set(e, &type_error);
	case SYM_FUNCTION:
		for (size_t i = 0; sym->type && sym->type->kind == TY_FUNCTION &&
				   i < sym->type->params.len; i++)
			if (((const struct type *)sym->type->params.items[i])->kind == TY_MAP) {
				diag_error(c->diag, e->span, "'%s' takes a map, so it is no value: "
					   "it is compiled once for each map it is called with; call it",
					   e->ident);
				return set(e, &type_error);
			}
		break;
	case SYM_GLOBAL:
		if (sym->local && c->fn && !in_bpf(c))
			diag_error(c->diag, e->span,
				   "'%s' is a local variable of the eBPF side: userspace cannot see it",
				   e->ident);
		else if (c->fn && !in_bpf(c) && c->cp->has_programs && type_has_kernel_struct(sym->type))
			diag_error(c->diag, e->span,
				   "'%s' holds the kernel's struct %s, which only eBPF code knows: "
				   "userspace cannot use it", e->ident, type_kernel_struct(sym->type)->name);
		break;
	default:
		break;
	}
	return set(e, sym->type);
}

/* "; did you mean 'x'?" among the fields of struct T, kernel or not. */
static const char *suggest_member(struct checker *c, const struct type *t, const char *name)
{
	struct vec names = { 0 };
	if (t->decl) {
		for (size_t i = 0; i < t->decl->members.len; i++)
			vec_push(A, &names, (void *)((struct member *)t->decl->members.items[i])->name);
	} else if (t->kernel && c->btf) {
		const struct kernel_struct *k = kernel_btf_struct(c->btf, t->name);
		for (size_t i = 0; k && i < k->count; i++)
			vec_push(A, &names, (void *)k->members[i].name);
	}
	return closest_name(c, name, &names);
}

/* Packet pointers: the kernel keeps them as u32 fields of the context,
 * programs use them as pointers into the packet. */
static bool is_packet_pointer(const struct type *base, const char *field)
{
	if (base->kind != TY_STRUCT || !base->kernel)
		return false;
	if (!prog_packet_context(base->name))
		return false;
	return !strcmp(field, "data") || !strcmp(field, "data_end") ||
	       !strcmp(field, "data_meta");
}

static const struct type *check_member(struct checker *c, struct expr *e)
{
	const struct type *base = check_expr(c, e->field.base);
	if (base->kind == TY_ERROR)
		return set(e, base);
	/* '.' reaches through one pointer too, as the reference has it; '->'
	 * needs one */
	const struct type *record = base->kind == TY_POINTER ? base->elem : base;
	if (record->kind == TY_ERROR)
		return set(e, record);	/* reported already */
	if (e->kind == EXPR_ARROW && base->kind != TY_POINTER) {
		diag_error(c->diag, e->span, "'->' reaches through a pointer, and this is %s: "
			   "write '.%s'", type_name(A, base), e->field.name);
		return set(e, &type_error);
	}
	if (base->kind == TY_POINTER)
		null_check_deref(c, e->field.base);
	if (record->kind != TY_STRUCT) {
		diag_error(c->diag, e->field.name_span, "%s has no fields (it is %s)",
			   e->kind == EXPR_ARROW ? "the pointee" : "this value",
			   type_name(A, base));
		return set(e, &type_error);
	}
	if (is_packet_pointer(record, e->field.name))
		return set(e, type_pointer(A, &type_u8));
	const struct member *m = find_member(record, e->field.name);
	if (m)
		return set(e, m->resolved ? m->resolved : &type_error);
	if (record->kernel && !record->decl && c->btf) {
		const struct type *t = kernel_btf_member_type(c->btf, A, record->name, e->field.name);
		if (t)
			return set(e, t);
	}
	diag_error(c->diag, e->field.name_span, "'%s' has no field '%s'%s", record->name,
		   e->field.name, suggest_member(c, record, e->field.name));
	return set(e, &type_error);
}

static const struct type *check_index(struct checker *c, struct expr *e)
{
	const struct type *base = check_expr(c, e->index.base);
	const struct type *index = check_expr(c, e->index.index);
	switch (base->kind) {
	case TY_ERROR:
		return set(e, base);
	case TY_RINGBUF:
		diag_error(c->diag, e->span, "a ring buffer cannot be indexed: eBPF code "
			   "reserve()s a slot and submit()s it");
		return set(e, &type_error);
	case TY_MAP:
		if (!assignable(base->key, index, e->index.index) &&
		    !report_literal_misfit(c, base->key, e->index.index))
			diag_error(c->diag, e->index.index->span, "the key of '%s' is %s, not %s",
				   e->index.base->kind == EXPR_IDENT ? e->index.base->ident : "this map",
				   type_name(A, base->key), type_name(A, index));
		else
			check_conversion(c, base->key, e->index.index);
		return set(e, base->value);
	case TY_ARRAY:
	case TY_POINTER:
	case TY_STR:
		if (base->kind == TY_POINTER)
			null_check_deref(c, e->index.base);
		if (!type_is_integer(index))
			diag_error(c->diag, e->index.index->span, "an index must be an integer, not %s",
				   type_name(A, index));
		return set(e, base->kind == TY_STR ? &type_char : base->elem);
	default:
		diag_error(c->diag, e->index.base->span, "%s cannot be indexed",
			   type_name(A, base));
		return set(e, &type_error);
	}
}

static void check_args(struct checker *c, struct expr *e)
{
	for (size_t i = 0; i < e->call.args.len; i++)
		check_expr(c, e->call.args.items[i]);
}

bool expr_is_join(const struct expr *x)
{
	return x->kind == EXPR_BINARY && x->binary.op == BIN_ADD && x->type &&
	       x->type->kind == TY_STR;
}

const struct function_info *loaded_program(const struct expr *x)
{
	if (!x)
		return NULL;
	if (x->kind == EXPR_IDENT && x->sym && x->sym->kind == SYM_LOCAL)
		return x->sym->loaded;
	if (x->kind != EXPR_CALL || !x->sym || x->sym->builtin != BUILTIN_LOAD || !x->call.args.len)
		return NULL;
	const struct expr *f = x->call.args.items[0];
	return f->sym && f->sym->kind == SYM_FUNCTION ? f->sym->fn : NULL;
}

static bool want_args(struct checker *c, struct expr *e, size_t n, const char *name)
{
	if (e->call.args.len == n)
		return true;
	diag_error(c->diag, e->span, "'%s' takes %zu argument%s, not %zu", name, n,
		   n == 1 ? "" : "s", e->call.args.len);
	return false;
}

/* Whether T prints with conversion LETTER: integers with d i u x X o c,
 * strings with s, pointers with p. */
static bool prints_with(char letter, const struct type *t)
{
	if (t->kind == TY_ERROR)
		return true;
	switch (letter) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
		return type_is_integer(t) || t->kind == TY_BOOL;
	case 's':
		return t->kind == TY_STR ||
		       (t->kind == TY_ARRAY && t->elem->kind == TY_CHAR) ||
		       (t->kind == TY_POINTER && (t->elem->kind == TY_CHAR ||
						  (t->elem->kind == TY_INT && t->elem->bits == 8)));
	case 'p':
		return t->kind == TY_POINTER || t->kind == TY_NULL;
	default:
		return false;
	}
}

/* The arguments of print from FROM on, printed one after the other
 * without a format: each of a type print shows. */
static void check_print_values(struct checker *c, struct expr *call, size_t from)
{
	for (size_t i = from; i < call->call.args.len; i++) {
		const struct expr *arg = call->call.args.items[i];
		const struct type *t = arg->type;
		if (!t || t->kind == TY_ERROR || type_is_integer(t) || t->kind == TY_BOOL ||
		    prints_with('s', t) || prints_with('p', t))
			continue;
		diag_error(c->diag, arg->span, "print shows integers, strings and pointers, "
			   "not %s: print its members", type_name(A, t));
	}
}

char print_next_conversion(const char **at, const char *end)
{
	const char *p = *at;
	while (p < end) {
		if (*p++ != '%')
			continue;
		if (p < end && *p == '%') {
			p++;
			continue;
		}
		while (p < end && strchr("-+ #0123456789.hlLqjzt", *p))
			p++;
		*at = p < end ? p + 1 : end;
		return p < end ? *p : ' ';
	}
	*at = end;
	return 0;
}

/* print's conversions against its arguments: as many as there are, or
 * none (then every argument is printed after the text); each argument of
 * a type its conversion prints. */
static void check_print_format(struct checker *c, struct expr *call, const struct expr *fmt)
{
	size_t conversions = 0, args = call->call.args.len - 1;
	const char *p = fmt->string.bytes, *end = p + fmt->string.len;
	char conv;
	while ((conv = print_next_conversion(&p, end))) {
		if (!strchr("diuxXocsp", conv)) {
			diag_error(c->diag, fmt->span, "print's format has an unknown conversion '%%%c'",
				   conv);
			return;
		}
		conversions++;
		const struct expr *arg = conversions <= args ? call->call.args.items[conversions] : NULL;
		if (arg && arg->type && !prints_with(conv, arg->type))
			diag_error(c->diag, arg->span, "'%%%c' prints %s, not %s", conv,
				   strchr("diuxXo", conv) ? "an integer" : conv == 'c' ? "a character"
				   : conv == 's' ? "a string" : "a pointer", type_name(A, arg->type));
	}
	if (conversions && conversions != args)
		diag_error(c->diag, fmt->span, "the format has %zu conversion%s but print has %zu argument%s after it",
			   conversions, conversions == 1 ? "" : "s", args, args == 1 ? "" : "s");
	if (!conversions)
		check_print_values(c, call, 1);
}

static bool is_perf_options(const struct type *t)
{
	return t->kind == TY_STRUCT && !strcmp(t->name, "perf_options") && t->decl &&
	       t->decl->span.src && !strcmp(t->decl->span.src->name, PRELUDE_NAME);
}

static const struct type *check_builtin(struct checker *c, struct expr *e, struct symbol *sym)
{
	if (sym->builtin == BUILTIN_REGISTER)
		return check_register(c, e);
	check_args(c, e);
	bool user_only = sym->builtin == BUILTIN_LOAD || sym->builtin == BUILTIN_ATTACH ||
			 sym->builtin == BUILTIN_DETACH || sym->builtin == BUILTIN_SLEEP ||
			 sym->builtin == BUILTIN_READ;
	if (user_only && in_bpf(c))
		diag_error(c->diag, e->span, "'%s' is for userspace: eBPF code cannot call it",
			   sym->name);
	else if (user_only && c->fn && (c->fn->side == SIDE_KFUNC || c->fn->side == SIDE_PRIVATE))
		diag_error(c->diag, e->span, "'%s' is for userspace: kernel-module code cannot call it",
			   sym->name);
	if (sym->builtin == BUILTIN_BPF_HELPER && c->fn && !in_bpf(c))
		diag_error(c->diag, e->span, "'%s' is a BPF helper: only eBPF code can call it",
			   sym->name);
	struct expr *first = e->call.args.len ? e->call.args.items[0] : NULL;
	switch (sym->builtin) {
	case BUILTIN_PRINT:
		/* print(x, y) shows its arguments with a space between them */
		if (!first || first->kind != EXPR_STRING)
			check_print_values(c, e, 0);
		else
			check_print_format(c, e, first);
		break;
	case BUILTIN_BPF_HELPER:
		want_args(c, e, 0, sym->name);
		break;
	case BUILTIN_LOAD:
		if (first && first->kind == EXPR_IDENT && first->sym && first->sym->program_ref)
			first->sym = first->sym->program_ref;	/* var p = prog; load(p) */
		if (want_args(c, e, 1, "load") &&
		    (!first->sym || first->sym->kind != SYM_FUNCTION ||
		     first->sym->fn->side != SIDE_PROGRAM))
			diag_error(c->diag, first->span,
				   "load takes an eBPF program: a function with @xdp, @tc, @tracepoint, ...");
		break;
	case BUILTIN_ATTACH:
		if (e->call.args.len == 1) {	/* attach(prog): where its attribute says */
			const struct function_info *prog = loaded_program(first);
			if (first->type->kind != TY_PROGRAM && first->type->kind != TY_ERROR)
				diag_error(c->diag, first->span, "attach takes what load() returned");
			else if (prog && !prog->on)
				diag_error(c->diag, e->span, "'%s' says nowhere to attach: give the "
					   "target, attach(prog, target, flags), or write it in its "
					   "attribute, as in @%s on ...", prog->decl->name,
					   prog_kind_name(prog->prog));
			else if (!prog && first->type->kind != TY_ERROR)
				diag_error(c->diag, first->span, "attach(prog) with no target needs a "
					   "program known here, as var p = load(f) gives: give the target, "
					   "attach(prog, target, flags)");
			c->cp->attaches_to_targets = true;
		} else if (want_args(c, e, 3, "attach")) {
			if (first->type->kind != TY_PROGRAM && first->type->kind != TY_ERROR)
				diag_error(c->diag, first->span, "attach takes what load() returned");
			const struct expr *target_arg = e->call.args.items[1];
			const struct type *target = target_arg->type;
			const struct function_info *prog = loaded_program(first);
			const struct prog_kind_info *kind = prog ? prog_kind_of(prog) : NULL;
			if (kind && kind->attach_perf && target->kind == TY_STR) {
				diag_error(c->diag, target_arg->span,
					   "'%s' is a @%s program: it attaches to a perf event "
					   "described by perf_options, not to a kernel function or tracepoint",
					   prog->decl->name, kind->name);
				diag_note(c->diag, prog->decl->name_span, "'%s' is declared here",
					  prog->decl->name);
			} else if (is_perf_options(target)) {
				if (prog && !(kind && kind->attach_perf))
					diag_error(c->diag, target_arg->span,
						   "perf_options are for @perf_event programs; '%s' is @%s",
						   prog->decl->name, prog_kind_name(prog->prog));
				return set(e, &type_perf);
			} else if (target->kind != TY_STR && target->kind != TY_ERROR) {
				diag_error(c->diag, ((struct expr *)e->call.args.items[1])->span,
					   "the attach target is a string: an interface or \"category/event\"");
			}
			c->cp->attaches_to_targets = true;
		}
		break;
	case BUILTIN_DETACH:
		if (want_args(c, e, 1, "detach") && first->type->kind != TY_PROGRAM &&
		    first->type->kind != TY_PERF && first->type->kind != TY_ERROR)
			diag_error(c->diag, first->span,
				   "detach takes what load() or a perf_event attach() returned");
		break;
	case BUILTIN_READ:
		if (want_args(c, e, 1, "read") && first->type->kind != TY_PERF &&
		    first->type->kind != TY_ERROR)
			diag_error(c->diag, first->span,
				   "read takes what attach() returned for a @perf_event program");
		break;
	case BUILTIN_DISPATCH:
		check_dispatch(c, e);
		break;
	case BUILTIN_SLEEP:
		if (want_args(c, e, 1, "sleep") && !type_is_integer(first->type))
			diag_error(c->diag, first->span, "sleep takes milliseconds");
		break;
	default:
		check_process_builtin(c, e, sym);
		break;
	}
	return set(e, sym->type);
}

/* m[k]: an entry of a map. */
static bool is_map_read(const struct expr *e)
{
	return e->kind == EXPR_INDEX && e->index.base->type && e->index.base->type->kind == TY_MAP;
}

/* Whether the place E is a map entry or a part of one: m[k], m[k].f,
 * m[k].a[i] (not what a pointer in the entry points to). */
static bool in_map_entry(const struct expr *e)
{
	while (!is_map_read(e)) {
		const struct expr *base = e->kind == EXPR_INDEX ? e->index.base
					  : e->kind == EXPR_FIELD || e->kind == EXPR_ARROW ? e->field.base
					  : NULL;
		if (!base || !base->type || base->type->kind == TY_POINTER)
			return false;
		e = base;
	}
	return true;
}

/* A map given by its name: a map, or a parameter that takes one.  Each
 * call then says which maps a function works on (plan_copies.c). */
static bool names_a_map(const struct expr *e)
{
	return e->kind == EXPR_IDENT && e->sym &&
	       (e->sym->kind == SYM_MAP || e->sym->kind == SYM_PARAM);
}

/* Whether X is a value C can repeat in an initializer: a constant, a
 * literal, or an array literal of such. */
static bool constant_element(const struct expr *x)
{
	switch (x->kind) {
	case EXPR_STRING: case EXPR_BOOL: case EXPR_CHAR: case EXPR_NULL:
		return true;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < x->array.elems.len; i++)
			if (!constant_element(x->array.elems.items[i]))
				return false;
		return true;
	default:
		return x->constant;
	}
}

static const struct type *check_call(struct checker *c, struct expr *e)
{
	struct expr *callee = e->call.callee;
	const struct type *imported = check_import_call(c, e);
	if (imported)
		return set(e, imported);
	if (callee->kind == EXPR_FIELD && check_expr(c, callee->field.base)->kind == TY_RINGBUF)
		return set(e, check_ringbuf_call(c, e));
	if (callee->kind != EXPR_IDENT) {
		check_args(c, e);
		diag_error(c->diag, callee->span, "only named functions can be called");
		return set(e, &type_error);
	}
	struct symbol *sym = lookup(c, callee->ident);
	if (!sym) {
		check_args(c, e);
		diag_error(c->diag, callee->span, "'%s' is not declared%s", callee->ident,
			   suggest(c, callee->ident));
		return set(e, &type_error);
	}
	callee->sym = e->sym = sym;
	mark_used(c, sym);
	if (sym->kind == SYM_BUILTIN) {
		c->cp->builtins_used |= 1u << sym->builtin;
		return check_builtin(c, e, sym);
	}
	check_args(c, e);
	const struct type *f = sym->type;
	if (sym->kind != SYM_FUNCTION && sym->kind != SYM_EXTERN) {
		if (f->kind != TY_FUNCTION) {
			diag_error(c->diag, callee->span, "'%s' is not a function", callee->ident);
			return set(e, &type_error);
		}
	}
	check_call_placement(c, e, sym);
	if (f->kind != TY_FUNCTION)
		return set(e, &type_error);
	if (f->params.len != e->call.args.len) {
		diag_error(c->diag, e->span, "'%s' takes %zu argument%s, not %zu", sym->name,
			   f->params.len, f->params.len == 1 ? "" : "s", e->call.args.len);
	} else {
		for (size_t i = 0; i < f->params.len; i++) {
			struct expr *arg = e->call.args.items[i];
			if (((const struct type *)f->params.items[i])->kind == TY_MAP &&
			    arg->type->kind == TY_MAP && !names_a_map(arg))
				diag_error(c->diag, arg->span, "argument %zu of '%s' is a map: "
					   "give one by its name (or the name of a map parameter)",
					   i + 1, sym->name);
			else if (!assignable(f->params.items[i], arg->type, arg) &&
			    !report_literal_misfit(c, f->params.items[i], arg))
				diag_error(c->diag, arg->span, "argument %zu of '%s' is %s, not %s",
					   i + 1, sym->name, type_name(A, f->params.items[i]),
					   type_name(A, arg->type));
			else
				check_conversion(c, f->params.items[i], arg);
		}
	}
	return set(e, f->ret);
}

/* Whether E can be compared with null: a pointer, a map entry variable,
 * a map read m[k] (is the key there?), a program handle. */
static bool nullable(const struct expr *e)
{
	const struct type *t = e->type;
	if (t->kind == TY_POINTER || t->kind == TY_NULL || t->kind == TY_FUNCTION ||
	    t->kind == TY_PROGRAM || t->kind == TY_PERF || t->kind == TY_ERROR)
		return true;
	if (e->kind == EXPR_IDENT && (is_entry_var(e->sym) || (e->sym && e->sym->map_ref)))
		return true;
	return e->kind == EXPR_INDEX && e->index.base->type && e->index.base->type->kind == TY_MAP;
}

/* x == null, x != null: the value must be one that can be null. */
static void check_null_comparison(struct checker *c, struct expr *e)
{
	struct expr *other = e->binary.rhs->kind == EXPR_NULL ? e->binary.lhs
			     : e->binary.lhs->kind == EXPR_NULL ? e->binary.rhs : NULL;
	if (!other || (e->binary.op != BIN_EQ && e->binary.op != BIN_NE)) {
		if (other)
			diag_error(c->diag, e->span, "null can only be tested with '==' or '!='");
		return;
	}
	if (other->kind == EXPR_IDENT && is_entry_var(other->sym)) {
		other->maybe_null = false;	/* a presence test, not a read */
		other->sym->null_tested = true;
	}
	if (!nullable(other))
		diag_error(c->diag, other->span, "%s is never null%s", type_name(A, other->type),
			   other->kind == EXPR_IDENT && other->sym && other->sym->kind == SYM_LOCAL
			   ? ": only pointers and map entries (var v = m[k]) can be" : "");
}

static const struct type *check_binary(struct checker *c, struct expr *e)
{
	const struct type *l = check_expr(c, e->binary.lhs);
	const struct type *r;
	if (e->binary.op == BIN_AND || e->binary.op == BIN_OR) {
		/* p != null && p->f: the right side runs only when the left allows */
		struct null_state before = null_save(c);
		null_assume(c, e->binary.lhs, e->binary.op == BIN_AND);
		r = check_expr(c, e->binary.rhs);
		null_restore(c, &before);
	} else {
		r = check_expr(c, e->binary.rhs);
	}
	if (l->kind == TY_ERROR || r->kind == TY_ERROR)
		return set(e, &type_error);
	if (l->kind == TY_NULL || r->kind == TY_NULL)
		check_null_comparison(c, e);
	if (e->binary.op != BIN_SHL && e->binary.op != BIN_SHR) {
		/* x + 1: the constant takes x's type */
		const_adapt_operands(e->binary.lhs, e->binary.rhs);
		l = e->binary.lhs->type;
		r = e->binary.rhs->type;
	}
	switch (e->binary.op) {
	case BIN_AND:
	case BIN_OR:
		if (!type_is_scalar(l) || !type_is_scalar(r))
			diag_error(c->diag, e->span, "'%s' needs conditions, not %s and %s",
				   binary_op_text(e->binary.op), type_name(A, l), type_name(A, r));
		return set(e, &type_bool);
	case BIN_EQ: case BIN_NE: case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE:
		if (l->kind == TY_STR && r->kind == TY_STR && e->binary.op != BIN_EQ &&
		    e->binary.op != BIN_NE) {
			diag_error(c->diag, e->span, "strings are compared with '==' and '!=' only");
			return set(e, &type_bool);
		}
		if (l->kind == TY_MAP || r->kind == TY_MAP ||
		    (types_equal(l, r) && (l->kind == TY_STRUCT || l->kind == TY_ARRAY))) {
			const struct type *t = l->kind == TY_MAP || l->kind == TY_STRUCT ||
					       l->kind == TY_ARRAY ? l : r;
			diag_error(c->diag, e->span, "%s cannot be compared with '%s'%s",
				   type_name(A, t), binary_op_text(e->binary.op),
				   t->kind == TY_STRUCT ? ": compare its fields" : "");
			return set(e, &type_bool);
		}
		if (!(type_is_scalar(l) && type_is_scalar(r)) &&
		    !(l->kind == TY_NULL || r->kind == TY_NULL) && !types_equal(l, r) &&
		    !(l->kind == TY_STR && r->kind == TY_STR &&
		      (e->binary.op == BIN_EQ || e->binary.op == BIN_NE)))
			diag_error(c->diag, e->span, "cannot compare %s with %s",
				   type_name(A, l), type_name(A, r));
		return set(e, &type_bool);
	case BIN_ADD:
	case BIN_SUB:
		if (e->binary.op == BIN_ADD && l->kind == TY_STR && r->kind == TY_STR)
			return set(e, type_str(A, l->len + r->len - 1));	/* one NUL for both */
		if (l->kind == TY_POINTER && type_is_integer(r))
			return set(e, l);
		if (e->binary.op == BIN_ADD && r->kind == TY_POINTER && type_is_integer(l))
			return set(e, r);
		if (e->binary.op == BIN_SUB && l->kind == TY_POINTER && r->kind == TY_POINTER)
			return set(e, &type_i64);
		/* fall through */
	default:
		if (!type_is_integer(l) || !type_is_integer(r)) {
			diag_error(c->diag, e->span, "'%s' needs integers, not %s and %s",
				   binary_op_text(e->binary.op), type_name(A, l), type_name(A, r));
			return set(e, &type_error);
		}
		if (e->binary.op == BIN_SHL || e->binary.op == BIN_SHR)
			return set(e, promoted(l));
		return set(e, arithmetic(l, r));
	}
}

static const struct type *check_unary(struct checker *c, struct expr *e)
{
	const struct type *t = check_expr(c, e->unary.operand);
	if (t->kind == TY_ERROR)
		return set(e, t);
	switch (e->unary.op) {
	case UNARY_NOT:
		if (!type_is_scalar(t))
			diag_error(c->diag, e->span, "'!' needs a condition, not %s", type_name(A, t));
		return set(e, &type_bool);
	case UNARY_NEG:
	case UNARY_BITNOT:
		if (!type_is_integer(t)) {
			diag_error(c->diag, e->span, "'%s' needs an integer, not %s",
				   unary_op_text(e->unary.op), type_name(A, t));
			return set(e, &type_error);
		}
		return set(e, promoted(t));
	case UNARY_DEREF:
		if (t->kind != TY_POINTER) {
			diag_error(c->diag, e->span, "only a pointer can be dereferenced, not %s",
				   type_name(A, t));
			return set(e, &type_error);
		}
		null_check_deref(c, e->unary.operand);
		return set(e, t->elem);
	case UNARY_ADDR:
		if (e->unary.operand->kind == EXPR_IDENT && e->unary.operand->sym) {
			e->unary.operand->sym->assigned = true;	/* may change through the pointer */
			e->unary.operand->sym->writes = UINT_MAX;
		}
		if (in_map_entry(e->unary.operand) && c->fn && c->fn->side == SIDE_USERSPACE) {
			diag_error(c->diag, e->span, "userspace has no address of a map entry, "
				   "only a copy: read it with 'var v = m[k]', change it with "
				   "'m[k] = v' or 'm[k].f = v'");
			return set(e, &type_error);
		}
		return set(e, type_pointer(A, t));
	}
	return set(e, &type_error);
}

static const struct type *check_struct_literal(struct checker *c, struct expr *e)
{
	struct symbol *sym = global_lookup(c, e->struct_lit.name);
	const struct type *t = sym ? sym->type : NULL;
	if (sym)
		sym->used = true;
	if (!sym || !t || t->kind != TY_STRUCT) {
		diag_error(c->diag, e->span, "'%s' is not a struct%s", e->struct_lit.name,
			   sym ? "" : suggest_kind(c, e->struct_lit.name, 1u << SYM_STRUCT));
		for (size_t i = 0; i < e->struct_lit.fields.len; i++)
			check_expr(c, ((struct field_init *)e->struct_lit.fields.items[i])->value);
		return set(e, &type_error);
	}
	for (size_t i = 0; i < e->struct_lit.fields.len; i++) {
		struct field_init *f = e->struct_lit.fields.items[i];
		const struct type *v = check_expr(c, f->value);
		const struct member *m = find_member(t, f->name);
		if (!m)
			diag_error(c->diag, f->span, "'%s' has no field '%s'", t->name, f->name);
		else if (!assignable(m->resolved, v, f->value) &&
			 !report_literal_misfit(c, m->resolved, f->value))
			diag_error(c->diag, f->value->span, "field '%s' is %s, not %s", f->name,
				   type_name(A, m->resolved), type_name(A, v));
		else
			check_conversion(c, m->resolved, f->value);
	}
	return set(e, t);
}

/* A block's value, as a match arm gives it: its last expression
 * statement, or the value of an if/else standing last. */
static const struct type *block_value_type(const struct stmt *block)
{
	const struct stmt *last = block->block.len ? block->block.items[block->block.len - 1] : NULL;
	if (!last)
		return &type_void;
	if (last->kind == STMT_EXPR && last->expr->type)
		return last->expr->type;
	if (last->kind == STMT_IF)
		return block_value_type(last->if_.then);
	return &type_void;
}

static const struct type *check_match(struct checker *c, struct expr *e)
{
	const struct type *scrutinee = check_expr(c, e->match.scrutinee);
	const struct type *result = NULL;
	struct null_state before = null_save(c), after = { .unreachable = true };
	for (size_t i = 0; i < e->match.arms.len; i++) {
		struct match_arm *arm = e->match.arms.items[i];
		null_restore(c, &before);
		if (arm->pattern) {
			const struct type *p = check_expr(c, arm->pattern);
			if (!assignable(scrutinee, p, arm->pattern) && !types_equal(scrutinee, p))
				diag_error(c->diag, arm->pattern->span, "this pattern is %s, the value %s",
					   type_name(A, p), type_name(A, scrutinee));
		}
		const struct type *v;
		if (arm->value) {
			v = check_expr(c, arm->value);
		} else {
			/* A block arm's value is its last expression statement. */
			push_scope(c);
			struct vec *stmts = &arm->body->block;
			for (size_t j = 0; j < stmts->len; j++)
				check_stmt(c, stmts->items[j]);
			pop_scope(c);
			v = block_value_type(arm->body);
		}
		struct null_state arm_end = null_save(c);
		null_restore(c, &after);
		null_join(c, &arm_end);
		after = null_save(c);
		if (!result || result->kind == TY_ERROR || result->kind == TY_VOID)
			result = v;
		else if (result->kind == TY_STR && v->kind == TY_STR)
			result = v->len > result->len ? v : result;	/* the longest string */
		else if (v->kind != TY_VOID && v->kind != TY_ERROR &&
			 !assignable(result, v, arm->value))
			diag_error(c->diag, arm->value ? arm->value->span : arm->span,
				   "this arm gives %s, the arms before it %s", type_name(A, v),
				   type_name(A, result));
	}
	null_restore(c, e->match.arms.len ? &after : &before);
	return set(e, result ? result : &type_void);
}

static const struct type *check_expr_kind(struct checker *c, struct expr *e);

const struct type *check_expr(struct checker *c, struct expr *e)
{
	check_expr_kind(c, e);
	const_annotate(c, e);
	return e->type;
}

static const struct type *check_expr_kind(struct checker *c, struct expr *e)
{
	switch (e->kind) {
	case EXPR_INT:
		return set(e, e->integer.value > UINT32_MAX ? &type_u64 : &type_u32);
	case EXPR_CHAR:
		return set(e, &type_char);
	case EXPR_BOOL:
		return set(e, &type_bool);
	case EXPR_STRING:
		return set(e, type_str(A, e->string.len + 1));
	case EXPR_NULL:
		return set(e, &type_null);
	case EXPR_IDENT:
		return check_ident(c, e);
	case EXPR_UNARY:
		return check_unary(c, e);
	case EXPR_BINARY:
		return check_binary(c, e);
	case EXPR_CONDITIONAL: {
		const struct type *cond = check_expr(c, e->conditional.cond);
		if (!type_is_scalar(cond) && cond->kind != TY_ERROR)
			diag_error(c->diag, e->conditional.cond->span,
				   "a condition must be a bool, an integer or a pointer, not %s",
				   type_name(A, cond));
		struct null_state before = null_save(c);
		null_assume(c, e->conditional.cond, true);
		const struct type *a = check_expr(c, e->conditional.then);
		null_restore(c, &before);
		null_assume(c, e->conditional.cond, false);
		const struct type *b = check_expr(c, e->conditional.otherwise);
		null_restore(c, &before);
		const_adapt_operands(e->conditional.then, e->conditional.otherwise);
		a = e->conditional.then->type;
		b = e->conditional.otherwise->type;
		/* two integers: their common type, as a binary operator gives */
		if ((a->kind == TY_INT && (b->kind == TY_INT || b->kind == TY_CHAR)) ||
		    (a->kind == TY_CHAR && b->kind == TY_INT))
			return set(e, arithmetic(a, b));
		if (!assignable(a, b, e->conditional.otherwise))
			diag_error(c->diag, e->span, "the two values are %s and %s",
				   type_name(A, a), type_name(A, b));
		return set(e, a);
	}
	case EXPR_CAST: {
		const struct type *from = check_expr(c, e->cast.operand);
		const struct type *to = resolve_type(c, e->cast.type);
		if (from->kind != TY_ERROR && to->kind != TY_ERROR &&
		    !(type_is_scalar(from) && type_is_scalar(to)))
			diag_error(c->diag, e->span, "cannot cast %s to %s", type_name(A, from),
				   type_name(A, to));
		return set(e, to);
	}
	case EXPR_SIZEOF: {
		const struct type *t = resolve_type(c, e->sizeof_type);
		if (t->kind == TY_VOID)
			diag_error(c->diag, e->span, "void has no size");
		e->sizeof_of = t;
		return set(e, &type_u64);
	}
	case EXPR_FIELD:
	case EXPR_ARROW:
		return check_member(c, e);
	case EXPR_INDEX:
		return check_index(c, e);
	case EXPR_CALL:
		return check_call(c, e);
	case EXPR_STRUCT_LIT:
		return check_struct_literal(c, e);
	case EXPR_ARRAY_LIT: {
		const struct type *elem = &type_u32;
		for (size_t i = 0; i < e->array.elems.len; i++) {
			struct expr *x = e->array.elems.items[i];
			const struct type *t = check_expr(c, x);
			if (i == 0)
				elem = t;
			else if (t->kind != TY_ERROR && elem->kind != TY_ERROR &&
				 !(type_is_integer(t) && type_is_integer(elem)) && !assignable(elem, t, x))
				diag_error(c->diag, x->span, "an array's elements have one type: "
					   "this one is %s, the first is %s", type_name(A, t),
					   type_name(A, elem));
		}
		int64_t n = (int64_t)e->array.elems.len;
		if (e->array.repeat && !const_value(c, e->array.repeat, &n))
			diag_error(c->diag, e->array.repeat->span, "[e; N] needs a constant N");
		if (e->array.repeat && e->array.elems.len == 1 &&
		    !constant_element(e->array.elems.items[0]) &&
		    ((struct expr *)e->array.elems.items[0])->type->kind != TY_ERROR)
			diag_error(c->diag, ((struct expr *)e->array.elems.items[0])->span,
				   "[e; N] repeats a constant: fill an array with a computed value "
				   "in a loop");
		return set(e, type_array(A, elem, (uint64_t)(n > 0 ? n : 0)));
	}
	case EXPR_MATCH:
		return check_match(c, e);
	case EXPR_NEW:
		return set(e, check_new(c, e));
	}
	return set(e, &type_error);
}
