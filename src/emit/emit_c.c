/* The emit stage: C names, types, expressions and statements, shared by
 * the eBPF and the userspace file. */
#include "emit_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog_kinds.h"

static void emit_string_compare(struct emitter *e, const char *eq, const struct expr *a,
				const struct expr *b);

/* ---- output --------------------------------------------------------------- */

void emit_text(struct emitter *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(e->out, fmt, ap);
	va_end(ap);
}

void emit_line(struct emitter *e, const char *fmt, ...)
{
	for (int i = 0; i < e->indent; i++)
		fputc('\t', e->out);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(e->out, fmt, ap);
	va_end(ap);
	fputc('\n', e->out);
}

void emit_unsupported(struct emitter *e, struct span at, const char *what)
{
	diag_error(e->diag, at, "%s cannot be compiled to C by this version yet", what);
	e->failed = true;
}

/* ---- names and types ------------------------------------------------------ */


/* Members of the program's own structs may be renamed by the plan (a
 * member named like a C keyword or a macro); the kernel's never are. */
const char *c_member(const struct type *t, const char *name)
{
	if (t && t->kind == TY_POINTER)
		t = t->elem;
	if (!t || t->kind != TY_STRUCT || t->kernel || !t->decl)
		return name;
	for (size_t i = 0; i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		if (!strcmp(m->name, name))
			return m->c_name ? m->c_name : name;
	}
	return name;
}

const char *c_key_type(struct emitter *e, const struct symbol *map)
{
	const char *s = plan_key_struct(e->plan, map->type->key);
	return s ? arena_printf(A, "struct %s", s) : c_type(e, map->type->key);
}

const char *c_key_decl(struct emitter *e, const struct symbol *map, const char *name)
{
	const char *s = plan_key_struct(e->plan, map->type->key);
	return s ? arena_printf(A, "struct %s %s", s, name) : c_decl(e, map->type->key, name);
}

/* The type of member NAME of the program's struct T, or NULL. */
static const struct type *member_type(const struct type *t, const char *name)
{
	if (!t || t->kind != TY_STRUCT || t->kernel || !t->decl)
		return NULL;
	for (size_t i = 0; i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		if (!strcmp(m->name, name))
			return m->resolved;
	}
	return NULL;
}

const char *c_name(const struct symbol *sym)
{
	return sym->c_name ? sym->c_name : sym->name;
}

const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

const char *c_type(struct emitter *e, const struct type *t)
{
	if (t->alias)
		return plan_alias(e->plan, t->alias);
	switch (t->kind) {
	case TY_VOID: return "void";
	case TY_BOOL: return "bool";
	case TY_CHAR: return "char";
	case TY_INT: return arena_printf(A, "__%c%u", t->is_signed ? 's' : 'u', t->bits);
	case TY_POINTER:
		if (t->elem->kind == TY_ARRAY || t->elem->kind == TY_STR)
			return arena_printf(A, "%s *", c_type(e, t->elem->kind == TY_STR ?
							      &type_char : t->elem->elem));
		return arena_printf(A, "%s *", c_type(e, t->elem));
	case TY_STRUCT:
		if (t->c_typedef)
			return t->name;
		return arena_printf(A, "struct %s", t->c_name ? t->c_name : t->name);
	case TY_ENUM: return arena_printf(A, "enum %s", t->c_name ? t->c_name : t->name);
	case TY_STR: return arena_printf(A, "char[%llu]", (unsigned long long)t->len);
	case TY_ARRAY:
		return arena_printf(A, "%s[%llu]", c_type(e, t->elem), (unsigned long long)t->len);
	case TY_PROGRAM: return "struct bpf_program *";
	case TY_PERF: return "int";
	case TY_NULL: return "void *";
	default: return "int";
	}
}

const char *c_decl(struct emitter *e, const struct type *t, const char *name)
{
	if (!t->alias && t->kind == TY_FUNCTION) {	/* a function pointer */
		const char *params = t->params.len ? "" : "void";
		for (size_t i = 0; i < t->params.len; i++)
			params = arena_printf(A, "%s%s%s", params, i ? ", " : "",
					      c_type(e, t->params.items[i]));
		return c_decl(e, t->ret, arena_printf(A, "(*%s)(%s)", name, params));
	}
	if (!t->alias && t->kind == TY_STR)
		return arena_printf(A, "char %s[%llu]", name, (unsigned long long)t->len);
	if (!t->alias && t->kind == TY_ARRAY)
		return c_decl(e, t->elem, arena_printf(A, "%s[%llu]", name,
						       (unsigned long long)t->len));
	const char *type = c_type(e, t);
	size_t n = strlen(type);
	return arena_printf(A, "%s%s%s", type, n && type[n - 1] == '*' ? "" : " ", name);
}

const char *c_string(struct emitter *e, const char *bytes, uint32_t len)
{
	size_t cap = (size_t)len * 4 + 3, n = 0;
	char *out = arena_alloc(A, cap);
	out[n++] = '"';
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];
		switch (c) {
		case '\n': memcpy(out + n, "\\n", 2); n += 2; break;
		case '\t': memcpy(out + n, "\\t", 2); n += 2; break;
		case '\r': memcpy(out + n, "\\r", 2); n += 2; break;
		case '"': memcpy(out + n, "\\\"", 2); n += 2; break;
		case '\\': memcpy(out + n, "\\\\", 2); n += 2; break;
		default:
			if (c < 0x20 || c >= 0x7f) {
				/* octal: a following digit cannot extend it past 3 */
				n += (size_t)snprintf(out + n, cap - n, "\\%03o", c);
			} else {
				out[n++] = (char)c;
			}
		}
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}

bool c_is_array(const struct type *t)
{
	return t->kind == TY_ARRAY || t->kind == TY_STR;
}

const char *c_address(struct emitter *e, const struct type *t, const char *name)
{
	return c_is_array(t) ? name : arena_printf(A, "&%s", name);
}

const char *c_map_flag(const char *name)
{
	static const char *const flags[][2] = {
		{ "no_prealloc", "BPF_F_NO_PREALLOC" }, { "no_common_lru", "BPF_F_NO_COMMON_LRU" },
		{ "rdonly", "BPF_F_RDONLY" }, { "wronly", "BPF_F_WRONLY" },
		{ "rdonly_prog", "BPF_F_RDONLY_PROG" }, { "wronly_prog", "BPF_F_WRONLY_PROG" },
		{ "clone", "BPF_F_CLONE" }, { "mmapable", "BPF_F_MMAPABLE" },
		{ "zero_seed", "BPF_F_ZERO_SEED" },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(flags[i][0], name) || !strcmp(flags[i][1], name))
			return flags[i][1];
	return NULL;
}

/* ---- map uses ------------------------------------------------------------- */



/* ---- expressions ------------------------------------------------------------ */

/* C precedence, higher binds tighter. */
enum {
	PREC_COMMA = 1, PREC_COND = 3, PREC_OR = 4, PREC_AND = 5, PREC_BITOR = 6,
	PREC_BITXOR = 7, PREC_BITAND = 8, PREC_EQ = 9, PREC_REL = 10, PREC_SHIFT = 11,
	PREC_ADD = 12, PREC_MUL = 13, PREC_UNARY = 14, PREC_POSTFIX = 15,
};

static int binary_prec(enum binary_op op)
{
	switch (op) {
	case BIN_OR: return PREC_OR;
	case BIN_AND: return PREC_AND;
	case BIN_BITOR: return PREC_BITOR;
	case BIN_BITXOR: return PREC_BITXOR;
	case BIN_BITAND: return PREC_BITAND;
	case BIN_EQ: case BIN_NE: return PREC_EQ;
	case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE: return PREC_REL;
	case BIN_SHL: case BIN_SHR: return PREC_SHIFT;
	case BIN_ADD: case BIN_SUB: return PREC_ADD;
	default: return PREC_MUL;
	}
}

/* The precedence of X as printed: with the conversions the plan added. */
static int expr_prec(const struct expr *x)
{
	if (x->c_text)
		return x->c_text[0] == '-' ? PREC_UNARY : PREC_POSTFIX;
	if (x->c_cast || x->c_unsigned_op || x->c_arm)
		return PREC_UNARY;
	if (x->c_call && x->kind == EXPR_BINARY &&
	    (x->binary.op == BIN_DIV || x->binary.op == BIN_MOD))
		return PREC_POSTFIX;
	if (x->c_binding && x->kind == EXPR_INDEX && !c_is_array(x->type))
		return PREC_UNARY;	/* *entry */
	switch (x->kind) {
	case EXPR_BINARY: return binary_prec(x->binary.op);
	case EXPR_CONDITIONAL: return PREC_COND;
	case EXPR_UNARY: case EXPR_CAST: return PREC_UNARY;
	default: return PREC_POSTFIX;
	}
}

/* Whether CHILD, an operand of PARENT, gets parentheses: when C needs
 * them, and where clang's -Wparentheses wants them for clarity. */
static bool needs_parens(int parent, const struct expr *child, bool right)
{
	int prec = expr_prec(child);
	if (prec < parent || (prec == parent && right))
		return true;
	if (prec == parent || prec >= PREC_UNARY)
		return false;
	bool arithmetic = prec == PREC_ADD || prec == PREC_MUL;
	bool comparison = prec == PREC_EQ || prec == PREC_REL;
	if (parent == PREC_OR || parent == PREC_AND)
		return !(arithmetic || comparison);
	if (parent == PREC_EQ || parent == PREC_REL)
		return !arithmetic;
	if (parent == PREC_ADD)
		return prec != PREC_MUL;
	return true;	/* inside shifts and bitwise operators, always */
}

static void emit_operand(struct emitter *e, int parent, const struct expr *x, bool right)
{
	bool parens = needs_parens(parent, x, right);
	if (parens)
		fputc('(', e->out);
	emit_expr(e, x);
	if (parens)
		fputc(')', e->out);
}

void emit_cast_operand(struct emitter *e, const struct expr *x)
{
	emit_operand(e, PREC_UNARY, x, false);
}

static bool is_null(const struct expr *x)
{
	return x->kind == EXPR_NULL;
}

/* m[k] == null, m[k] != null: whether the key is there. */
static bool emit_presence(struct emitter *e, const struct expr *x)
{
	if (x->binary.op != BIN_EQ && x->binary.op != BIN_NE)
		return false;
	const struct expr *lookup = is_null(x->binary.rhs) ? x->binary.lhs
				    : is_null(x->binary.lhs) ? x->binary.rhs : NULL;
	if (lookup && lookup->kind == EXPR_IDENT && is_entry_var(lookup->sym)) {
		/* v == null: is the key there? */
		bool absent = x->binary.op == BIN_EQ;
		emit_text(e, "%s%s", absent ? "!" : "",
			  e->bpf ? lookup->sym->c_name : lookup->sym->c_found);
		return true;
	}
	const struct symbol *map = lookup ? indexed_map(lookup) : NULL;
	if (!map)
		return false;
	if (x->c_binding) {	/* the entry the program holds */
		emit_text(e, "%s%s", x->binary.op == BIN_EQ ? "!" : "", x->c_binding->name);
		return true;
	}
	emit_text(e, "%s%s(", x->binary.op == BIN_EQ ? "!" : "", emit_map_plan(e, map)->lookup);
	emit_expr(e, lookup->index.index);
	emit_text(e, ")");
	return true;
}

/* A shift whose count is not a constant within the width: the count
 * modulo the width, and a signed << done on the unsigned bits. */
static void emit_shift(struct emitter *e, const struct expr *x)
{
	const char *op = binary_op_text(x->binary.op);
	if (x->c_unsigned_op) {
		const struct type *t = x->type;
		emit_text(e, "(%s)((%s)", c_type(e, t), c_type(e, type_int(t->bits, false)));
		emit_operand(e, PREC_UNARY, x->binary.lhs, false);
	} else {
		emit_operand(e, PREC_SHIFT, x->binary.lhs, false);
	}
	emit_text(e, " %s ", op);
	if (x->c_mask) {
		emit_text(e, "(");
		emit_operand(e, PREC_BITAND, x->binary.rhs, false);
		emit_text(e, " & %u)", x->c_mask);
	} else {
		emit_operand(e, PREC_SHIFT, x->binary.rhs, true);
	}
	if (x->c_unsigned_op)
		emit_text(e, ")");
}

/* x <= x: one (void)x says it. */
static bool same_value_printed(const struct expr *a, const struct expr *b)
{
	return a->kind == EXPR_IDENT && b->kind == EXPR_IDENT && a->sym && a->sym == b->sym;
}

static void emit_binary(struct emitter *e, const struct expr *x)
{
	if (emit_presence(e, x))
		return;
	if (x->c_fold) {	/* decided by the operands' types; they are still read */
		emit_text(e, "(");
		const struct expr *sides[] = { x->binary.lhs, x->binary.rhs };
		for (int i = 0; i < 2; i++) {
			if (sides[i]->constant || (i == 1 && same_value_printed(sides[0], sides[1])))
				continue;
			emit_text(e, "(void)(");
			emit_expr(e, sides[i]);
			emit_text(e, "), ");
		}
		emit_text(e, "%s)", x->c_fold == 2 ? "true" : "false");
		return;
	}
	const struct type *l = x->binary.lhs->type, *r = x->binary.rhs->type;
	if (l && r && l->kind == TY_STR && r->kind == TY_STR) {
		const struct expr *a = x->binary.lhs, *b = x->binary.rhs;
		if (x->binary.op == BIN_ADD && x->c_call) {
			emit_join_value(e, x);
			return;
		}
		const char *literal = x->binary.op == BIN_ADD ? emit_joined_literal(e, x) : NULL;
		if (literal) {	/* a global's initial value */
			emit_text(e, "%s", literal);
			return;
		}
		if (x->binary.op == BIN_ADD || !x->c_call ||
		    !(emit_is_string_part(a) || emit_is_string_choice(a)) ||
		    !(emit_is_string_part(b) || emit_is_string_choice(b))) {
			emit_unsupported(e, x->span, x->binary.op == BIN_ADD
					 ? "joining strings with '+' other than into a str variable"
					 : "comparing a string made by '+' or a call");
			return;
		}
		emit_text(e, "%s", x->binary.op == BIN_NE ? "!" : "");
		emit_string_compare(e, x->c_call, a, b);
		return;
	}
	if (x->c_call && (x->binary.op == BIN_DIV || x->binary.op == BIN_MOD)) {
		emit_text(e, "%s(", x->c_call);
		emit_expr(e, x->binary.lhs);
		emit_text(e, ", ");
		emit_expr(e, x->binary.rhs);
		emit_text(e, ")");
		return;
	}
	if (x->c_call) {	/* a signed and an unsigned 64-bit value compared */
		const struct expr *a = x->c_call_swapped ? x->binary.rhs : x->binary.lhs;
		const struct expr *b = x->c_call_swapped ? x->binary.lhs : x->binary.rhs;
		if (x->c_call_swapped)
			emit_text(e, "0 %s ", binary_op_text(x->binary.op));
		emit_text(e, "%s(", x->c_call);
		emit_expr(e, a);
		emit_text(e, ", ");
		emit_expr(e, b);
		emit_text(e, ")");
		if (!x->c_call_swapped)
			emit_text(e, " %s 0", binary_op_text(x->binary.op));
		return;
	}
	if ((x->binary.op == BIN_SHL || x->binary.op == BIN_SHR) &&
	    (x->c_mask || x->c_unsigned_op)) {
		emit_shift(e, x);
		return;
	}
	int prec = binary_prec(x->binary.op);
	if (x->c_unsigned_op) {	/* (T)((unsigned T)a - b) */
		const struct type *t = x->type;
		emit_text(e, "(%s)((%s)", c_type(e, t), c_type(e, type_int(t->bits, false)));
		emit_operand(e, PREC_UNARY, x->binary.lhs, false);
	} else {
		emit_operand(e, prec, x->binary.lhs, false);
	}
	emit_text(e, " %s ", binary_op_text(x->binary.op));
	emit_operand(e, prec, x->binary.rhs, true);
	if (x->c_unsigned_op)
		emit_text(e, ")");
}

/* The pointer to what a map entry variable refers to.  Where the key
 * may be absent, an empty value stands in, so reads give zero. */
static void emit_entry_pointer(struct emitter *e, const struct expr *ident)
{
	const char *name = ident->sym->c_name;
	const struct type *t = ident->sym->type;
	if (ident->maybe_null)
		emit_text(e, "(%s ? %s : %s(%s){%s})", name, name, c_is_array(t) ? "" : "&",
			  c_type(e, t), type_is_scalar(t) ? "0" : "");
	else
		emit_text(e, "%s", name);
}

/* In eBPF code a map entry variable points into the map; in userspace
 * it is a copy. */
static bool is_bpf_entry(const struct emitter *e, const struct expr *x)
{
	return e->bpf && x->kind == EXPR_IDENT && x->sym && x->sym->kind == SYM_LOCAL &&
	       x->sym->map_ref;
}

/* Whether the member access X reads kernel memory the program may not
 * load directly. */
static bool read_with_core(const struct emitter *e, const struct expr *x)
{
	return e->bpf && x->c_core;
}

/* a.f, p->f, m[k].f: C wants '->' through a pointer. */
static void emit_member(struct emitter *e, const struct expr *x)
{
	const struct expr *base = x->field.base;
	const struct type *t = base->type;
	bool pointer = t && t->kind == TY_POINTER;
	const struct symbol *sym = base->kind == EXPR_IDENT ? base->sym : NULL;
	if (is_bpf_entry(e, base)) {
		emit_entry_pointer(e, base);
		emit_text(e, "->%s", c_member(t, x->field.name));
		return;
	}
	if (sym && sym->kind == SYM_CONFIG) {
		emit_global_ref(e, sym);
		emit_text(e, ".%s", c_member(t, x->field.name));
		return;
	}
	/* Packet pointers are u32 fields the program uses as pointers. */
	if (x->type && x->type->kind == TY_POINTER && t && t->kind == TY_POINTER &&
	    t->elem->kind == TY_STRUCT && t->elem->kernel &&
	    (!strcmp(t->elem->name, "xdp_md") || !strcmp(t->elem->name, "__sk_buff")) &&
	    (!strcmp(x->field.name, "data") || !strcmp(x->field.name, "data_end") ||
	     !strcmp(x->field.name, "data_meta"))) {
		emit_text(e, "(__u8 *)(long)");
		emit_operand(e, PREC_POSTFIX, base, false);
		emit_text(e, "->%s", x->field.name);
		return;
	}
	if (read_with_core(e, x)) {
		if (x->type && x->type->kind == TY_ARRAY) {
			/* an array is read whole, into a struct that holds it */
			const char *v = e->fn->c_joined;
			emit_text(e, "({ struct { %s; } %s; BPF_CORE_READ_INTO(&%s.value, ",
				  c_decl(e, x->type, "value"), v, v);
			emit_expr(e, base);
			emit_text(e, ", %s); %s; }).value", x->field.name, v);
			return;
		}
		emit_text(e, "BPF_CORE_READ(");
		emit_expr(e, base);
		emit_text(e, ", %s)", x->field.name);
		return;
	}
	emit_operand(e, PREC_POSTFIX, base, false);
	emit_text(e, "%s%s", pointer ? "->" : ".", c_member(t, x->field.name));
}

/* attach(prog, perf_options { ... }, 0): the options become the runtime's
 * struct ks_perf_options, with the documented defaults for fields left out. */
static void emit_perf_attach(struct emitter *e, const struct expr *x)
{
	static const struct {
		const char *field, *c_field, *fallback;
	} fields[] = {
		{ "perf_type", "type", "0" }, { "perf_config", "config", "0" },
		{ "pid", "pid", "-1" }, { "cpu", "cpu", "0" }, { "period", "period", "1000000" },
		{ "wakeup", "wakeup", "1" }, { "inherit", "inherit", "false" },
		{ "exclude_kernel", "exclude_kernel", "false" },
		{ "exclude_user", "exclude_user", "false" },
	};
	const struct expr *options = x->call.args.items[1];
	emit_text(e, "ks_attach_perf_event(");
	emit_expr(e, x->call.args.items[0]);
	emit_text(e, ", (struct ks_perf_options){ ");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		emit_text(e, "%s.%s = ", i ? ", " : "", fields[i].c_field);
		const struct expr *value = NULL;
		if (options->kind == EXPR_STRUCT_LIT) {
			for (size_t j = 0; j < options->struct_lit.fields.len; j++) {
				const struct field_init *f = options->struct_lit.fields.items[j];
				if (!strcmp(f->name, fields[i].field))
					value = f->value;
			}
			if (value)
				emit_expr(e, value);
			else
				emit_text(e, "%s", fields[i].fallback);
		} else {
			emit_operand(e, PREC_POSTFIX, options, false);
			emit_text(e, ".%s", fields[i].field);
		}
	}
	emit_text(e, " })");
}

/* A struct literal: a compound literal; one with a member given an array
 * or string variable (C initialises no member from an array) is built in
 * a variable the member is then copied into, by a statement expression. */
static void emit_struct_literal(struct emitter *e, const struct expr *x)
{
	const char *type = x->type && x->type->kind == TY_STRUCT ? c_type(e, x->type)
			   : arena_printf(A, "struct %s", x->struct_lit.name);
	const char *v = e->fn ? e->fn->c_joined : NULL;
	bool copies = false;
	for (size_t i = 0; i < x->struct_lit.fields.len; i++)
		copies |= ((const struct field_init *)x->struct_lit.fields.items[i])->c_copied;
	if (copies && v)
		emit_text(e, "({ %s %s = {", type, v);
	else
		emit_text(e, "(%s){", type);
	bool first = true;
	for (size_t i = 0; i < x->struct_lit.fields.len; i++) {
		const struct field_init *f = x->struct_lit.fields.items[i];
		if (f->c_copied && v)
			continue;
		emit_text(e, "%s.%s = ", first ? " " : ", ", c_member(x->type, f->name));
		emit_expr(e, f->value);
		first = false;
	}
	emit_text(e, first ? "}" : " }");
	if (!copies || !v)
		return;
	emit_text(e, ";");
	for (size_t i = 0; i < x->struct_lit.fields.len; i++) {
		const struct field_init *f = x->struct_lit.fields.items[i];
		if (!f->c_copied)
			continue;
		const struct type *to = member_type(x->type, f->name);
		unsigned long long size = to ? type_size(to) : type_size(f->value->type);
		if (f->value->type->kind == TY_STR)
			emit_text(e, " %s(%s.%s, %llu, ", plan_find_helper(e->plan, e->side,
									 HELPER_STR_COPY, 0, false),
				  v, c_member(x->type, f->name), size);
		else
			emit_text(e, " __builtin_memcpy(%s.%s, ", v, c_member(x->type, f->name));
		emit_expr(e, f->value);
		emit_text(e, ", %llu);", (unsigned long long)type_size(f->value->type));
	}
	emit_text(e, " %s; })", v);
}

/* PART of a map entry from the entry's pointer NAME: (*name).f[i]. */
static void emit_part_of(struct emitter *e, const struct expr *part, const struct expr *entry,
			 const char *name)
{
	if (part == entry) {
		emit_text(e, "(*%s)", name);
	} else if (part->kind == EXPR_INDEX) {
		emit_part_of(e, part->index.base, entry, name);
		emit_text(e, "[");
		emit_expr(e, part->index.index);
		emit_text(e, "]");
	} else {
		emit_part_of(e, part->field.base, entry, name);
		emit_text(e, ".%s", c_member(part->field.base->type, part->field.name));
	}
}

/* &m[k].f in eBPF: the address of that part of the entry, or NULL when
 * the key is absent (the checker makes the program test it). */
static void emit_entry_part_address(struct emitter *e, const struct expr *part)
{
	const struct expr *entry = entry_of_place(part);
	const struct symbol *map = indexed_map(entry);
	const char *name = e->fn->c_entry;
	emit_text(e, "({ %s = %s(", c_decl(e, type_pointer(A, entry->type), name),
		  emit_map_plan(e, map)->lookup);
	emit_expr(e, entry->index.index);
	emit_text(e, "); %s ? &", name);
	emit_part_of(e, part, entry, name);
	emit_text(e, " : NULL; })");
}

/* EQ(A, B) of two strings.  When one side picks among strings (c ? a : b,
 * a match of values) the comparison is picked instead, as emit_part_call
 * picks the helper call, so that each string is read within its size. */
struct string_compare {
	const char *eq;
	const struct expr *other;	/* the side that is not the choice */
	bool other_first;
};

static void emit_compare_leaf(struct emitter *e, const struct expr *value, const void *arg)
{
	const struct string_compare *c = arg;
	struct expr empty = { .kind = EXPR_STRING, .type = type_str(A, 1) };
	if (!value)	/* no arm: the empty string */
		value = &empty;
	if (c->other_first)
		emit_string_compare(e, c->eq, c->other, value);
	else
		emit_string_compare(e, c->eq, value, c->other);
}

static void emit_string_compare(struct emitter *e, const char *eq, const struct expr *a,
				const struct expr *b)
{
	if (emit_is_string_choice(a) || emit_is_string_choice(b)) {
		bool first = emit_is_string_choice(a);
		struct string_compare c = { eq, first ? b : a, !first };
		emit_choice(e, first ? a : b, emit_compare_leaf, &c);
		return;
	}
	emit_text(e, "%s(", eq);
	emit_expr(e, a);
	emit_text(e, ", %llu, ", (unsigned long long)type_size(a->type));
	emit_expr(e, b);
	emit_text(e, ", %llu)", (unsigned long long)type_size(b->type));
}

/* A struct with a member packet_size describes a packet of zeroes of
 * that size (the reference's test contexts); NULL otherwise. */
static const struct member *packet_size_member(const struct type *t)
{
	for (size_t i = 0; t->kind == TY_STRUCT && t->decl && i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		if (!strcmp(m->name, "packet_size") && m->resolved && type_is_integer(m->resolved))
			return m;
	}
	return NULL;
}

/* test(prog, data): the program run once on the packet data is or
 * describes (LANGUAGE.md, "@test functions"). */
static void emit_test_call(struct emitter *e, const struct expr *x)
{
	const struct expr *prog = x->call.args.items[0], *data = x->call.args.items[1];
	const struct type *t = data->type;
	emit_text(e, "ks_test_run(%s(%s->progs.%s), ", e->plan->load_program, e->plan->skel,
		  c_name(prog->sym));
	const struct member *size = packet_size_member(t);
	if (size) {
		emit_text(e, "NULL, ");
		emit_operand(e, PREC_POSTFIX, data, false);
		emit_text(e, ".%s)", size->c_name ? size->c_name : size->name);
	} else if (c_is_array(t)) {
		emit_array_value(e, t, data);
		emit_text(e, ", sizeof(%s))", c_type(e, t));
	} else {
		emit_text(e, "(%s[]){ ", c_type(e, t));
		emit_expr(e, data);
		emit_text(e, " }, sizeof(%s))", c_type(e, t));
	}
}


static void emit_call(struct emitter *e, const struct expr *x)
{
	const struct symbol *sym = x->sym;
	const struct expr *callee = x->call.callee;
	if (callee->kind == EXPR_FIELD && callee->field.base->type &&
	    callee->field.base->type->kind == TY_RINGBUF) {	/* a ring buffer's method */
		emit_ringbuf_call(e, x);
		return;
	}
	if (sym && sym->kind == SYM_BUILTIN && sym->builtin == BUILTIN_DISPATCH) {
		emit_dispatch(e, x);
		return;
	}
	if (sym && sym->kind == SYM_BUILTIN) {
		switch (sym->builtin) {
		case BUILTIN_PRINT:
			emit_print(e, x);
			return;
		case BUILTIN_LOAD:
			emit_text(e, "%s(%s->progs.%s)", e->plan->load_program, e->plan->skel,
				  c_name(((struct expr *)x->call.args.items[0])->sym));
			return;
		case BUILTIN_ATTACH: {
			const struct expr *prog = x->call.args.items[0];
			if (x->type && x->type->kind == TY_PERF) {
				emit_perf_attach(e, x);
				return;
			}
			emit_text(e, "%s(", e->plan->attach_program);
			emit_expr(e, prog);
			if (x->call.args.len == 1) {	/* where the attribute says */
				const struct function_info *fn = loaded_program(prog);
				emit_text(e, ", %s, 0)", c_string(e, fn->on, (uint32_t)strlen(fn->on)));
				return;
			}
			emit_text(e, ", ");
			emit_expr(e, x->call.args.items[1]);
			emit_text(e, ", ");
			emit_expr(e, x->call.args.items[2]);
			emit_text(e, ")");
			return;
		}
		case BUILTIN_READ:
			emit_text(e, "ks_read_perf(");
			emit_expr(e, x->call.args.items[0]);
			emit_text(e, ")");
			return;
		case BUILTIN_DETACH:
			if (((struct expr *)x->call.args.items[0])->type->kind == TY_PERF) {
				emit_text(e, "ks_detach_perf(");
				emit_expr(e, x->call.args.items[0]);
				emit_text(e, ")");
				return;
			}
			emit_text(e, "ks_detach(");
			emit_expr(e, x->call.args.items[0]);
			emit_text(e, ")");
			return;
		case BUILTIN_REGISTER:	/* the object loaded first */
			emit_text(e, "ks_register(%s(NULL), %s->maps.%s)", e->plan->load_program,
				  e->plan->skel, c_name(((struct expr *)x->call.args.items[0])->sym));
			return;
		case BUILTIN_SLEEP:
			emit_text(e, "ks_sleep_ms(");
			emit_expr(e, x->call.args.items[0]);
			emit_text(e, ")");
			return;
		case BUILTIN_DAEMON:
			emit_text(e, "ks_daemon()");
			return;
		case BUILTIN_EXEC:
			emit_exec(e, x, false);
			return;
		case BUILTIN_TEST:
			emit_test_call(e, x);
			return;
		default:
			break;
		}
	}
	if (x->tail_call) {	/* the program it goes to does not come back */
		const struct prog_kind_info *kind = prog_kind_of(e->fn);
		emit_text(e, "(bpf_tail_call(");
		emit_expr(e, x->call.args.items[0]);
		emit_text(e, ", &%s, %u), %s)", plan_tail_array(e->plan, sym->fn->prog)->name,
			  sym->fn->c_tail_slot, kind->tail_fallback);
		return;
	}
	if (sym && sym->kind == SYM_IMPORT) {	/* a Python module's function */
		emit_python_call(e, x, false);
		return;
	}
	bool imported = callee->kind == EXPR_FIELD;	/* module.fn(): the module's function */
	if (sym && sym->kind == SYM_FUNCTION && sym->fn && takes_maps(sym->fn)) {
		/* the copy for these maps, which it has in place of the arguments */
		const struct fn_copy *copy = plan_callee_copy(e->plan, e->copy, x);
		if (!copy) {
			emit_unsupported(e, x->span, "this call of a function that takes a map");
			return;
		}
		bool checked = emit_checks_errors(e, x);
		if (checked)
			emit_error_check_head(e, x);
		emit_text(e, "%s(", copy->c_name);
		bool first = true;
		for (size_t i = 0; i < x->call.args.len; i++) {
			if (copy->maps[i])
				continue;
			emit_text(e, first ? "" : ", ");
			emit_expr(e, x->call.args.items[i]);
			first = false;
		}
		if (checked)
			emit_text(e, "%s%s", first ? "" : ", ", emit_error_arg(e));
		emit_text(e, ")");
		if (checked)
			emit_error_check_tail(e, x);
		if (sym->fn->c_returns)
			emit_text(e, ".value");
		return;
	}
	bool checked = emit_checks_errors(e, x);
	if (checked)
		emit_error_check_head(e, x);
	if (imported)
		emit_text(e, "%s", c_name(sym));
	else
		emit_operand(e, PREC_POSTFIX, x->call.callee, false);
	emit_text(e, "(");
	const struct vec *params = sym && sym->kind == SYM_FUNCTION && sym->type &&
				   sym->type->kind == TY_FUNCTION ? &sym->type->params : NULL;
	for (size_t i = 0; i < x->call.args.len; i++) {
		const struct expr *arg = x->call.args.items[i];
		const struct type *param = params && i < params->len ? params->items[i] : NULL;
		if (i)
			emit_text(e, ", ");
		if (param && c_is_array(param) && arg->type && !types_equal(param, arg->type) &&
		    arg->kind != EXPR_STRING && arg->kind != EXPR_ARRAY_LIT && !arg->c_widen &&
		    !(expr_is_join(arg) && arg->c_call))	/* built in the parameter's size */
			emit_unsupported(e, arg->span, "a shorter string or array as an argument");
		else if (param && c_is_array(param) && !expr_is_join(arg))	/* a literal: padded */
			emit_array_value(e, param, arg);
		else
			emit_expr(e, arg);
	}
	if (checked)
		emit_text(e, "%s%s", x->call.args.len ? ", " : "", emit_error_arg(e));
	emit_text(e, ")");
	if (checked)
		emit_error_check_tail(e, x);
	if (sym && sym->kind == SYM_FUNCTION && sym->fn && sym->fn->c_returns)
		emit_text(e, ".value");	/* the string or array in the struct it returns */
}

static void emit_ident(struct emitter *e, const struct expr *x)
{
	const struct symbol *sym = x->sym;
	if (!sym) {
		emit_text(e, "%s", x->ident);
		return;
	}
	switch (sym->kind) {
	case SYM_GLOBAL:
	case SYM_CONFIG:
		emit_global_ref(e, sym);
		return;
	case SYM_CONST:
		if (sym->builtin == BUILTIN_CONSTANT) {	/* TC_ACT_OK: the plan defines it */
			emit_text(e, "%s", sym->name);
			return;
		}
		emit_text(e, "%s", c_name(sym));
		return;
	case SYM_LOCAL:
		if (is_bpf_entry(e, x)) {	/* the entry's value; an array's is its address */
			emit_text(e, c_is_array(sym->type) ? "" : "*");
			emit_entry_pointer(e, x);
			return;
		}
		emit_text(e, "%s", sym->c_name);
		return;
	case SYM_FUNCTION:
		if (sym->fn && takes_maps(sym->fn)) {	/* only its copies are C */
			emit_unsupported(e, x->span, "a function that takes a map, as a value");
			return;
		}
		emit_text(e, "%s", c_name(sym));
		return;
	default:
		emit_text(e, "%s", c_name(sym));
		return;
	}
}

static void emit_int(struct emitter *e, const struct expr *x)
{
	const char *suffix = x->integer.value > 0x7fffffffULL ? "ULL" : "";
	if (x->kind == EXPR_CHAR)
		suffix = "";
	const char *text = x->integer.text;
	if (text[0] == '0' && text[1] == 'o')	/* 0o755 is C's 0755 */
		emit_text(e, "0%s%s", text + 2, suffix);
	else
		emit_text(e, "%s%s", text, suffix);
}

void emit_choice(struct emitter *e, const struct expr *choice,
		 void (*leaf)(struct emitter *e, const struct expr *value, const void *arg),
		 const void *arg)
{
	emit_text(e, "(");
	if (choice->kind == EXPR_CONDITIONAL) {
		emit_operand(e, PREC_COND, choice->conditional.cond, false);
		emit_text(e, " ? ");
		leaf(e, choice->conditional.then, arg);
		emit_text(e, " : ");
		leaf(e, choice->conditional.otherwise, arg);
		emit_text(e, ")");
		return;
	}
	const struct expr *fallback = NULL;
	for (size_t i = 0; i < choice->match.arms.len; i++) {
		const struct match_arm *arm = choice->match.arms.items[i];
		if (!arm->pattern) {
			fallback = arm->value;
			continue;
		}
		emit_expr(e, choice->match.scrutinee);
		emit_text(e, " == ");
		emit_operand(e, PREC_EQ, arm->pattern, true);
		emit_text(e, " ? ");
		leaf(e, arm->value, arg);
		emit_text(e, " : ");
	}
	leaf(e, fallback, arg);	/* NULL: no arm matched */
	emit_text(e, ")");
}

/* One arm's value in a ?: chain; 0 where no arm matched. */
static void emit_arm_operand(struct emitter *e, const struct expr *value, const void *arg)
{
	(void)arg;
	if (value)
		emit_operand(e, PREC_COND, value, false);
	else
		emit_text(e, "0");
}

/* A match of value arms as a chain of ?: on its scrutinee. */
static void emit_match(struct emitter *e, const struct expr *x)
{
	if (!match_is_simple(x))
		emit_match_value(e, x);
	else
		emit_choice(e, x, emit_arm_operand, NULL);
}

static void emit_expr_as_written(struct emitter *e, const struct expr *x);
static void emit_widened(struct emitter *e, const struct expr *x);

/* Whether X, printed after the unary operator OP, would join it into
 * another operator: - -x, & &x. */
static bool starts_like(enum unary_op op, const struct expr *x)
{
	if (op != UNARY_NEG && op != UNARY_ADDR)
		return false;
	if (x->c_text)
		return op == UNARY_NEG && x->c_text[0] == '-';
	return !x->c_cast && x->kind == EXPR_UNARY && x->unary.op == op;
}

const char *emit_params(struct emitter *e, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	const char *list = "";
	for (size_t i = 0; i < d->fn.params.len; i++) {
		const struct param *p = d->fn.params.items[i];
		if (!emit_has_param(p))
			continue;
		list = arena_printf(A, "%s%s%s", list, *list ? ", " : "",
				    c_decl(e, fn->type->params.items[i],
					   p->sym->c_param ? p->sym->c_param : p->sym->c_name));
	}
	list = emit_error_param(e, fn, list);
	return *list ? list : "void";
}

const char *emit_signature(struct emitter *e, const struct function_info *fn)
{
	const char *head = arena_printf(A, "%s(%s)", emit_function_name(e, fn), emit_params(e, fn));
	if (fn->c_returns)
		return arena_printf(A, "struct %s %s", fn->c_returns, head);
	const struct type *ret = fn == e->cp->main_fn ? &type_i32 : fn->type->ret;
	return c_decl(e, ret, head);
}

/* new T(GFP_ATOMIC | __GFP_NOWARN): the kernel's flag macros, as written
 * (check_new.c allows only those). */
static void emit_gfp_flags(struct emitter *e, const struct expr *flags)
{
	if (flags->kind == EXPR_BINARY) {
		emit_gfp_flags(e, flags->binary.lhs);
		emit_text(e, " | ");
		emit_gfp_flags(e, flags->binary.rhs);
		return;
	}
	emit_text(e, "%s", flags->ident);
}

void emit_expr(struct emitter *e, const struct expr *x)
{
	const char *copy = e->captures ? emit_captured(e, x) : NULL;
	if (copy) {	/* a deferred call's argument, taken at the defer */
		emit_text(e, "%s", copy);
		return;
	}
	if (x->c_text) {
		if (x->c_cast)	/* a constant compared in a wider type */
			emit_text(e, "(%s)", c_type(e, x->c_cast));
		emit_text(e, "%s", x->c_text);
		return;
	}
	if (x->c_key_struct) {	/* an array key, read as the struct that holds it */
		struct expr key = *x;
		key.c_key_struct = NULL;
		emit_text(e, "*(const struct %s *)(", x->c_key_struct);
		emit_array_value(e, x->c_key, &key);
		emit_text(e, ")");
		return;
	}
	if (x->c_widen) {
		emit_widened(e, x);
		return;
	}
	if (x->c_cast) {
		emit_text(e, "(%s)", c_type(e, x->c_cast));
		bool parens = x->kind == EXPR_BINARY || x->kind == EXPR_CONDITIONAL ||
			      x->c_unsigned_op;
		emit_text(e, parens ? "(" : "");
		emit_expr_as_written(e, x);
		emit_text(e, parens ? ")" : "");
		return;
	}
	emit_expr_as_written(e, x);
}

static void emit_expr_as_written(struct emitter *e, const struct expr *x)
{
	switch (x->kind) {
	case EXPR_INT:
	case EXPR_CHAR:
		emit_int(e, x);
		return;
	case EXPR_BOOL:
		emit_text(e, x->boolean ? "true" : "false");
		return;
	case EXPR_STRING:
		emit_text(e, "%s", c_string(e, x->string.bytes, x->string.len));
		return;
	case EXPR_NULL:
		emit_text(e, "NULL");
		return;
	case EXPR_IDENT:
		emit_ident(e, x);
		return;
	case EXPR_UNARY:
		if (x->c_access == ACC_LOOKUP) {	/* &m[k]: the entry, or NULL */
			emit_text(e, "%s(", emit_map_plan(e, indexed_map(x->unary.operand))->lookup);
			emit_expr(e, x->unary.operand->index.index);
			emit_text(e, ")");
			return;
		}
		if (x->unary.op == UNARY_ADDR && entry_of_place(x->unary.operand)) {
			emit_entry_part_address(e, x->unary.operand);
			return;
		}
		if (x->unary.op == UNARY_ADDR && is_bpf_entry(e, x->unary.operand)) {
			emit_entry_pointer(e, x->unary.operand);
			return;
		}
		if (x->unary.op == UNARY_ADDR && (x->unary.operand->kind == EXPR_FIELD ||
						  x->unary.operand->kind == EXPR_ARROW) &&
		    read_with_core(e, x->unary.operand)) {
			/* &p->f computes an address: nothing is read */
			emit_text(e, "&");
			emit_operand(e, PREC_POSTFIX, x->unary.operand->field.base, false);
			emit_text(e, "->%s", x->unary.operand->field.name);
			return;
		}
		/* a pointer to an array or string is the address of its first
		   element (c_type): &a is a, and *p is the array p points at */
		if ((x->unary.op == UNARY_ADDR && c_is_array(x->unary.operand->type)) ||
		    (x->unary.op == UNARY_DEREF && c_is_array(x->type))) {
			emit_expr(e, x->unary.operand);
			return;
		}
		if (x->c_not_as_minus) {	/* the same value in C, for any type */
			emit_text(e, "(-1 - ");
			emit_operand(e, PREC_ADD, x->unary.operand, true);
			emit_text(e, ")");
			return;
		}
		emit_text(e, "%s", unary_op_text(x->unary.op));
		if (starts_like(x->unary.op, x->unary.operand)) {
			emit_text(e, "(");	/* - -x would be C's --x */
			emit_expr(e, x->unary.operand);
			emit_text(e, ")");
			return;
		}
		emit_operand(e, PREC_UNARY, x->unary.operand, false);
		return;
	case EXPR_BINARY:
		emit_binary(e, x);
		return;
	case EXPR_CONDITIONAL:
		if (x->c_arm) {	/* the condition is constant: its arm, in the ?:'s type */
			const struct expr *arm = x->c_arm == 1 ? x->conditional.then
						 : x->conditional.otherwise;
			emit_text(e, "(%s)", c_type(e, x->type));
			emit_operand(e, PREC_UNARY, arm, false);
			return;
		}
		emit_operand(e, PREC_OR, x->conditional.cond, false);
		emit_text(e, " ? ");
		emit_operand(e, PREC_OR, x->conditional.then, false);
		emit_text(e, " : ");
		emit_operand(e, PREC_COND, x->conditional.otherwise, false);
		return;
	case EXPR_CAST:
		emit_text(e, "(%s)", c_type(e, x->type));
		emit_operand(e, PREC_UNARY, x->cast.operand, false);
		return;
	case EXPR_SIZEOF:
		emit_text(e, "sizeof(%s)", c_type(e, x->sizeof_of ? x->sizeof_of : &type_error));
		return;
	case EXPR_FIELD:
	case EXPR_ARROW:
		emit_member(e, x);
		return;
	case EXPR_INDEX: {
		const struct symbol *map = indexed_map(x);
		if (map && x->c_binding) {	/* the entry the program holds */
			emit_text(e, "%s%s", c_is_array(x->type) ? "" : "*", x->c_binding->name);
			return;
		}
		if (map) {
			emit_text(e, "%s(", emit_map_plan(e, map)->get);
			emit_expr(e, x->index.index);
			if (c_is_array(x->type))	/* into a zeroed array of the statement's */
				emit_text(e, ", (%s){}", c_type(e, x->type));
			emit_text(e, ")");
			return;
		}
		emit_operand(e, PREC_POSTFIX, x->index.base, false);
		emit_text(e, "[");
		emit_expr(e, x->index.index);
		emit_text(e, "]");
		return;
	}
	case EXPR_CALL:
		emit_call(e, x);
		return;
	case EXPR_STRUCT_LIT:
		emit_struct_literal(e, x);
		return;
	case EXPR_ARRAY_LIT:
		emit_text(e, "{ ");
		if (x->array.repeat && (!x->type->len || (x->array.elems.len == 1 &&
		    ((struct expr *)x->array.elems.items[0])->kind == EXPR_INT &&
		    ((struct expr *)x->array.elems.items[0])->integer.value == 0))) {
			emit_text(e, "}");	/* [0; N]: all zero */
			return;
		}
		if (x->array.repeat && x->type->len) {	/* a constant (check): GNU C's range designator */
			emit_text(e, "[0 ... %llu] = ", (unsigned long long)x->type->len - 1);
			emit_expr(e, x->array.elems.items[0]);
			emit_text(e, " }");
			return;
		}
		for (size_t i = 0; i < x->array.elems.len; i++) {
			if (i)
				emit_text(e, ", ");
			emit_expr(e, x->array.elems.items[i]);
		}
		emit_text(e, " }");
		return;
	case EXPR_MATCH:
		emit_match(e, x);
		return;
	case EXPR_NEW:
		/* userspace: calloc, so the struct starts zeroed as new promises */
		if (!e->bpf && e->fn && e->fn->side == SIDE_USERSPACE && !x->new_.flags &&
		    x->type->kind == TY_POINTER) {
			emit_text(e, "calloc(1, sizeof(%s))", c_type(e, x->type->elem));
			return;
		}
		if (e->bpf && !x->new_.flags && x->type->kind == TY_POINTER) {
			/* zeroed, as new promises, by the kernel */
			emit_text(e, "bpf_obj_new_impl(bpf_core_type_id_local(%s), NULL)",
				  c_type(e, x->type->elem));
			return;
		}
		if (e->side == C_MODULE && x->type->kind == TY_POINTER) {
			/* zeroed, as new promises; GFP_KERNEL unless flags say */
			emit_text(e, "kzalloc(sizeof(%s), ", c_type(e, x->type->elem));
			if (x->new_.flags)
				emit_gfp_flags(e, x->new_.flags);
			else
				emit_text(e, "GFP_KERNEL");
			emit_text(e, ")");
			return;
		}
		emit_unsupported(e, x->span, "'new'");
		return;
	}
}

/* X, a shorter string or array, padded with zeroes to x->c_widen in a
 * struct of that many bytes (the plan's), and read as its member value:
 * the address of the padded copy, an element pointer for an array. */
static void emit_widened(struct emitter *e, const struct expr *x)
{
	const struct type *t = x->c_widen;
	const char *v = e->fn->c_joined;
	unsigned long long size = type_size(t), have = type_size(x->type);
	if (t->kind == TY_ARRAY)
		emit_text(e, "(%s *)", c_type(e, t->elem));
	emit_text(e, "({ struct %s %s = {}; ", x->c_widen_struct, v);
	if (t->kind == TY_STR)
		emit_text(e, "%s(%s.value, %llu, ", plan_find_helper(e->plan, e->side,
								     HELPER_STR_COPY, 0, false),
			  v, size);
	else
		emit_text(e, "__builtin_memcpy(%s.value, ", v);
	emit_expr_as_written(e, x);
	emit_text(e, ", %llu); %s; }).value", have, v);
}

void emit_result_structs(struct emitter *e)
{
	for (size_t i = 0; i < e->cp->functions.len; i++) {
		const struct function_info *fn = e->cp->functions.items[i];
		if (!fn->c_returns || plan_function_side(fn) != e->side)
			continue;
		emit_line(e, "%s", "");
		emit_line(e, "/* what %s returns: C returns no arrays */", fn->decl->name);
		emit_line(e, "struct %s {", fn->c_returns);
		emit_line(e, "\t%s;", c_decl(e, fn->type->ret, "value"));
		emit_line(e, "};");
	}
}

void emit_array_value(struct emitter *e, const struct type *t, const struct expr *x)
{
	if (x->kind == EXPR_STRING || x->kind == EXPR_ARRAY_LIT) {
		emit_text(e, "(%s)", c_type(e, t));
		if (x->kind == EXPR_STRING)
			emit_text(e, "{");
		emit_expr(e, x);
		if (x->kind == EXPR_STRING)
			emit_text(e, "}");
		return;
	}
	if (!x->c_widen && (!x->type || !types_equal(t, x->type))) {
		emit_unsupported(e, x->span, "a shorter array or string here");
		return;
	}
	emit_expr(e, x);
}

/* ---- print ------------------------------------------------------------------ */

/* The printf conversion for a value of type T, for print's arguments
 * written without one ("print(\"total: \", n)"). */
/* Whether T is an enum with a value beyond int's range: C gives it a
 * 64-bit type, printed as one (cast, so both sides agree on its width). */
static bool wide_enum(const struct type *t)
{
	if (!t || t->kind != TY_ENUM || !t->decl)
		return false;
	for (size_t i = 0; i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		if (m->enum_value < INT32_MIN || m->enum_value > INT32_MAX)
			return true;
	}
	return false;
}

static const char *conversion_for(const struct type *t)
{
	if (wide_enum(t))
		return "%lld";
	switch (t->kind) {
	case TY_INT:
		if (t->bits == 64)
			return t->is_signed ? "%lld" : "%llu";
		return t->is_signed ? "%d" : "%u";
	case TY_CHAR: return "%c";
	case TY_STR: case TY_ARRAY: return "%s";	/* the checker lets only char arrays by */
	case TY_POINTER: return "%p";
	default: return "%d";
	}
}

/* The length modifier C wants for an integer argument of type T. */
static const char *length_for(const struct type *t)
{
	return (t->kind == TY_INT && t->bits == 64) || wide_enum(t) ? "ll" : "";
}

/* print's format with each integer conversion's length fixed to its
 * argument (so -Wformat is satisfied whatever width the value has), and
 * conversions added for arguments the format does not mention. */
/* print's format: its first argument when that is a string literal. */
static const struct expr *print_text(const struct expr *call)
{
	const struct expr *first = call->call.args.len ? call->call.args.items[0] : NULL;
	return first && first->kind == EXPR_STRING ? first : NULL;
}

static const char *print_format(struct emitter *e, const struct expr *call, bool newline)
{
	const struct expr *fmt = print_text(call);
	size_t argc = call->call.args.len - (fmt ? 1 : 0), arg = 0, first = fmt ? 1 : 0;
	char *out = arena_alloc(A, (fmt ? fmt->string.len * 2 : 0) + argc * 8 + 4);
	size_t n = 0;
	const char *p = fmt ? fmt->string.bytes : "", *end = p + (fmt ? fmt->string.len : 0);
	while (p < end) {
		if (*p != '%') {
			out[n++] = *p++;
			continue;
		}
		out[n++] = *p++;
		if (p < end && *p == '%') {
			out[n++] = *p++;
			continue;
		}
		while (p < end && strchr("-+ #0123456789.", *p))	/* flags, width */
			out[n++] = *p++;
		while (p < end && strchr("hlLqjzt", *p))	/* the written length: replaced */
			p++;
		if (p >= end)
			break;
		const struct type *t = arg < argc ?
			((struct expr *)call->call.args.items[arg + first])->type : NULL;
		char conv = *p++;
		if (t && strchr("diouxX", conv)) {
			const char *len = length_for(t);
			memcpy(out + n, len, strlen(len));
			n += strlen(len);
			/* %d and %u print the value: the letter follows its sign */
			if (strchr("diu", conv) && !wide_enum(t))
				conv = t->kind == TY_INT && !t->is_signed ? 'u' : conv == 'u' ? 'd' : conv;
		}
		out[n++] = conv;
		arg++;
	}
	for (; arg < argc; arg++) {	/* the rest after the text, a space before each */
		const char *conv = conversion_for(((struct expr *)call->call.args.items[arg + first])->type);
		if (n)
			out[n++] = ' ';
		memcpy(out + n, conv, strlen(conv));
		n += strlen(conv);
	}
	if (newline)
		out[n++] = '\n';
	return c_string(e, out, (uint32_t)n);
}

/* The conversion letters of FORMAT in order: what each argument is
 * printed with. */
static char conversion_of(const struct expr *call, size_t arg)
{
	const struct expr *fmt = print_text(call);
	if (!fmt)
		return 0;
	const char *p = fmt->string.bytes, *end = p + fmt->string.len;
	char conv = 0;
	for (size_t i = 0; i <= arg && (conv = print_next_conversion(&p, end)); i++)
		;
	return conv;
}

void emit_print(struct emitter *e, const struct expr *call)
{
	if (e->side == C_MODULE)	/* to the kernel log, a line per print */
		emit_text(e, "printk(KERN_INFO %s", print_format(e, call, true));
	else
		emit_text(e, "%s(%s", e->bpf ? "bpf_printk" : "printf", print_format(e, call, !e->bpf));
	size_t first = print_text(call) ? 1 : 0;
	for (size_t i = first; i < call->call.args.len; i++) {
		const struct expr *arg = call->call.args.items[i];
		const struct type *t = arg->type;
		emit_text(e, ", ");
		/* %x of a signed value prints its bits at its own width */
		if (t && t->kind == TY_INT && t->is_signed && first &&
		    strchr("xXo", conversion_of(call, i - 1) ?: ' ')) {
			emit_text(e, "(%s)", c_type(e, type_int(t->bits, false)));
			emit_operand(e, PREC_UNARY, arg, false);
			continue;
		}
		if (wide_enum(t)) {	/* as the conversion says: %llu, or %lld */
			char conv = first ? conversion_of(call, i - 1) : 'd';
			emit_text(e, "(%s)", conv && strchr("uxXo", conv) ? "unsigned long long" : "long long");
			emit_operand(e, PREC_UNARY, arg, false);
			continue;
		}
		/* bool and narrow integers travel as int, as varargs do anyway */
		emit_expr(e, arg);
	}
	emit_text(e, ")");
}

/* ---- unused code -------------------------------------------------------------- */

static bool has_copies(const struct plan *plan, const struct function_info *fn)
{
	for (size_t i = 0; i < plan->copies.len; i++)
		if (((const struct fn_copy *)plan->copies.items[i])->fn == fn)
			return true;
	return false;
}

bool emit_if_called(struct emitter *e, const struct function_info *fn)
{
	const struct symbol *sym = fn->decl->sym;
	if (takes_maps(fn) ? has_copies(e->plan, fn)
	    : sym && sym->used && (!sym->used_by_tests_only || e->cp->test_runner))
		return true;
	unsigned line, col;
	source_line_col(fn->decl->span.src, fn->decl->span.begin, &line, &col);
	emit_line(e, "/* %s (%s:%u) is %s: not generated */", fn->decl->name,
		  base_name(fn->decl->span.src->name), line, sym && sym->used_by_tests_only
		  ? "called by @test functions only, which compile --test runs" : "never called");
	emit_line(e, "%s", "");
	return false;
}

void emit_each_copy(struct emitter *e, const struct function_info *fn,
		    void (*write)(struct emitter *, const struct function_info *))
{
	if (!takes_maps(fn)) {
		write(e, fn);
		return;
	}
	for (size_t i = 0; i < e->plan->copies.len; i++) {
		const struct fn_copy *copy = e->plan->copies.items[i];
		if (copy->fn != fn)
			continue;
		e->copy = copy;
		write(e, fn);
		e->copy = NULL;
	}
}

void emit_origin(struct emitter *e, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	unsigned line, col;
	source_line_col(d->span.src, d->span.begin, &line, &col);
	const char *maps = "";
	for (size_t i = 0; e->copy && i < d->fn.params.len; i++)
		if (e->copy->maps[i])
			maps = arena_printf(A, "%s%s %s = %s", maps, *maps ? "," : ", with",
					    ((const struct param *)d->fn.params.items[i])->name,
					    e->copy->maps[i]->name);
	emit_line(e, "/* %s:%u%s */", base_name(d->span.src->name), line, maps);
}

const char *emit_function_name(struct emitter *e, const struct function_info *fn)
{
	if (e->copy && e->copy->fn == fn)
		return e->copy->c_name;
	if (fn == e->cp->main_fn)
		return e->plan->main_fn;
	return fn->c_name ? fn->c_name : fn->decl->sym->c_name;
}

bool emit_has_param(const struct param *p)
{
	return !p->sym || !names_map(p->sym);
}

/* ---- blocks of C written as templates -------------------------------------------- */

void emit_code(struct emitter *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = arena_vprintf(A, fmt, ap);
	va_end(ap);
	/* The first line's leading tabs are the template's own indentation. */
	size_t strip = strspn(text, "\t");
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		size_t tabs = strspn(line, "\t");
		size_t skip = tabs < strip ? tabs : strip;
		if (len > skip) {
			for (int i = 0; i < e->indent; i++)
				fputc('\t', e->out);
			fwrite(line + skip, 1, len - skip, e->out);
		}
		fputc('\n', e->out);
		line += len + (end ? 1 : 0);
		if (!end)
			break;
	}
}
