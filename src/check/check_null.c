/* The check stage: null safety.
 *
 * While a function body is checked, the checker keeps the set of locals
 * that may be null at the current point: pointers that came from a place
 * that can give null (a kernel pointer field, a call, null itself), and
 * map entry variables (var v = m[k]) whose key may be absent.  Conditions
 * take names out of the set on the branch where they are known (p != null,
 * p, !p, &&, ||), assignments put them back in or take them out, and
 * where two paths meet the sets are joined.  Dereferencing a name in the
 * set, or writing through an entry that may be absent, is an error. */
#include "check_internal.h"

#include <string.h>

static bool contains(const struct vec *v, const struct symbol *sym)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->items[i] == sym)
			return true;
	return false;
}

static void add(struct checker *c, struct vec *v, struct symbol *sym)
{
	if (!contains(v, sym))
		vec_push(A, v, sym);
}

static void drop(struct vec *v, const struct symbol *sym)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->items[i] == sym) {
			v->items[i] = v->items[--v->len];
			return;
		}
}

void null_reset(struct checker *c)
{
	c->nulls.maybe.len = 0;
	c->nulls.null.len = 0;
	c->nulls.unreachable = false;
}

struct null_state null_save(struct checker *c)
{
	struct null_state s = { .unreachable = c->nulls.unreachable };
	for (size_t i = 0; i < c->nulls.maybe.len; i++)
		vec_push(A, &s.maybe, c->nulls.maybe.items[i]);
	for (size_t i = 0; i < c->nulls.null.len; i++)
		vec_push(A, &s.null, c->nulls.null.items[i]);
	return s;
}

void null_restore(struct checker *c, const struct null_state *s)
{
	c->nulls.maybe.len = 0;
	for (size_t i = 0; i < s->maybe.len; i++)
		vec_push(A, &c->nulls.maybe, s->maybe.items[i]);
	c->nulls.null.len = 0;
	for (size_t i = 0; i < s->null.len; i++)
		vec_push(A, &c->nulls.null, s->null.items[i]);
	c->nulls.unreachable = s->unreachable;
}

void null_join(struct checker *c, const struct null_state *other)
{
	if (other->unreachable)
		return;
	if (c->nulls.unreachable) {
		null_restore(c, other);
		return;
	}
	for (size_t i = 0; i < other->maybe.len; i++)
		add(c, &c->nulls.maybe, other->maybe.items[i]);
	/* null for sure only where it is on both paths */
	for (size_t i = 0; i < c->nulls.null.len;)
		if (contains(&other->null, c->nulls.null.items[i]))
			i++;
		else
			drop(&c->nulls.null, c->nulls.null.items[i]);
}

bool is_entry_var(const struct symbol *sym)
{
	return sym && sym->kind == SYM_LOCAL && sym->map_entry;
}

static struct symbol *tracked(const struct expr *e)
{
	if (e->kind != EXPR_IDENT || !e->sym)
		return NULL;
	if (e->sym->kind != SYM_LOCAL && e->sym->kind != SYM_PARAM)
		return NULL;
	return e->sym;
}

static bool is_null_literal(const struct expr *e)
{
	return e->kind == EXPR_NULL;
}

/* Names known not to be null when COND evaluates to WHEN: added to OUT. */
static void facts(struct checker *c, const struct expr *cond, bool when, struct vec *out)
{
	struct symbol *sym;
	switch (cond->kind) {
	case EXPR_IDENT:
		sym = tracked(cond);
		if (when && sym && sym->type && sym->type->kind == TY_POINTER)
			add(c, out, sym);
		return;
	case EXPR_UNARY:
		if (cond->unary.op == UNARY_NOT)
			facts(c, cond->unary.operand, !when, out);
		return;
	case EXPR_BINARY:
		switch (cond->binary.op) {
		case BIN_AND:
			if (when) {
				facts(c, cond->binary.lhs, true, out);
				facts(c, cond->binary.rhs, true, out);
			}
			return;
		case BIN_OR:
			if (!when) {
				facts(c, cond->binary.lhs, false, out);
				facts(c, cond->binary.rhs, false, out);
			}
			return;
		case BIN_EQ:
		case BIN_NE: {
			const struct expr *other = is_null_literal(cond->binary.rhs) ? cond->binary.lhs
						 : is_null_literal(cond->binary.lhs) ? cond->binary.rhs : NULL;
			sym = other ? tracked(other) : NULL;
			if (sym && when == (cond->binary.op == BIN_NE))
				add(c, out, sym);
			return;
		}
		default:
			return;
		}
	default:
		return;
	}
}

/* The name COND, evaluated to WHEN, shows to be null: p == null, !p. */
static struct symbol *null_fact(const struct expr *cond, bool when)
{
	if (cond->kind == EXPR_UNARY && cond->unary.op == UNARY_NOT)
		return null_fact(cond->unary.operand, !when);
	if (cond->kind == EXPR_IDENT)
		return !when && cond->sym && cond->sym->type &&
		       cond->sym->type->kind == TY_POINTER ? tracked(cond) : NULL;
	if (cond->kind != EXPR_BINARY || (cond->binary.op != BIN_EQ && cond->binary.op != BIN_NE))
		return NULL;
	const struct expr *other = is_null_literal(cond->binary.rhs) ? cond->binary.lhs
				 : is_null_literal(cond->binary.lhs) ? cond->binary.rhs : NULL;
	if (!other || when != (cond->binary.op == BIN_EQ))
		return NULL;
	return tracked(other);
}

void null_assume(struct checker *c, const struct expr *cond, bool when)
{
	struct vec known = { 0 };
	facts(c, cond, when, &known);
	for (size_t i = 0; i < known.len; i++) {
		drop(&c->nulls.maybe, known.items[i]);
		drop(&c->nulls.null, known.items[i]);
	}
	struct symbol *null = null_fact(cond, when);
	if (null)
		add(c, &c->nulls.null, null);
}

bool null_for_sure(const struct checker *c, const struct symbol *sym)
{
	return !c->nulls.unreachable && contains(&c->nulls.null, sym);
}

/* Whether the pointer field F of a struct of type RECORD can hold null:
 * the kernel's pointers can, except the packet pointers of a context. */
static bool kernel_pointer_field(const struct expr *e)
{
	const struct type *base = e->field.base->type;
	if (!base || !e->type || e->type->kind != TY_POINTER)
		return false;
	const struct type *record = base->kind == TY_POINTER ? base->elem : base;
	if (record->kind != TY_STRUCT || !record->kernel)
		return false;
	if (prog_packet_context(record->name))
		return false;	/* data, data_end, data_meta */
	return true;
}

bool null_may_be(const struct checker *c, const struct expr *e)
{
	switch (e->kind) {
	case EXPR_NULL:
		return true;
	case EXPR_IDENT:
		return e->sym && contains(&c->nulls.maybe, e->sym);
	case EXPR_CALL:
	case EXPR_NEW:
		return e->type && e->type->kind == TY_POINTER;
	case EXPR_FIELD:
	case EXPR_ARROW:
		return kernel_pointer_field(e);
	case EXPR_CAST:
		return e->cast.operand->type && e->cast.operand->type->kind == TY_POINTER &&
		       null_may_be(c, e->cast.operand);
	case EXPR_BINARY:
		if (e->binary.op != BIN_ADD && e->binary.op != BIN_SUB)
			return false;
		return null_may_be(c, e->binary.lhs->type && e->binary.lhs->type->kind == TY_POINTER
				   ? e->binary.lhs : e->binary.rhs);
	case EXPR_CONDITIONAL:
		return null_may_be(c, e->conditional.then) || null_may_be(c, e->conditional.otherwise);
	default:
		return false;
	}
}

void null_check_deref(struct checker *c, const struct expr *pointer)
{
	if (c->nulls.unreachable)
		return;
	if (pointer->kind == EXPR_IDENT && pointer->sym && null_for_sure(c, pointer->sym)) {
		diag_error(c->diag, pointer->span, "'%s' is null here", pointer->ident);
		return;
	}
	if (!null_may_be(c, pointer))
		return;
	if (pointer->kind == EXPR_IDENT)
		diag_error(c->diag, pointer->span,
			   "'%s' may be null here: test it against null before using what it points to",
			   pointer->ident);
	else if (pointer->kind == EXPR_NULL)
		diag_error(c->diag, pointer->span, "null points to nothing");
	else
		diag_error(c->diag, pointer->span,
			   "'%.*s' may be null: keep it in a variable and test that against null first",
			   (int)(pointer->span.end - pointer->span.begin),
			   pointer->span.src->text + pointer->span.begin);
}

/* Whether E reads map M at a key: m[k]. */
static bool is_map_read(const struct expr *e)
{
	return e && e->kind == EXPR_INDEX && e->index.base->type &&
	       e->index.base->type->kind == TY_MAP;
}

void null_declared(struct checker *c, struct symbol *sym, const struct expr *init)
{
	if (!init || c->nulls.unreachable)
		return;
	if (is_entry_var(sym) || (sym->type && sym->type->kind == TY_POINTER && null_may_be(c, init)))
		add(c, &c->nulls.maybe, sym);
}

void null_assigned(struct checker *c, struct expr *target, const struct expr *value)
{
	struct symbol *sym = tracked(target);
	if (!sym || c->nulls.unreachable)
		return;
	bool maybe = is_entry_var(sym) ? is_map_read(value)
		     : sym->type && sym->type->kind == TY_POINTER && null_may_be(c, value);
	if (maybe)
		add(c, &c->nulls.maybe, sym);
	else
		drop(&c->nulls.maybe, sym);
	drop(&c->nulls.null, sym);
}

void null_read_entry(struct checker *c, struct expr *ident)
{
	if (is_entry_var(ident->sym) && !c->nulls.unreachable &&
	    contains(&c->nulls.maybe, ident->sym))
		ident->maybe_null = true;
}

void null_check_write(struct checker *c, struct expr *target, bool compound)
{
	const struct expr *root = place_root(target);
	if (root == target && !compound)
		return;	/* v = value: v then holds that value */
	if (root->kind != EXPR_IDENT || !is_entry_var(root->sym) || c->nulls.unreachable ||
	    !contains(&c->nulls.maybe, root->sym))
		return;
	diag_error(c->diag, root->span,
		   "'%s' may be absent from '%s' here: test '%s != null' before changing it",
		   root->ident, root->sym->entry_map ? root->sym->entry_map : "its map", root->ident);
}

/* Whether VALUE, not yet checked, might be null: the forms that cannot
 * are left out. */
static bool may_give_null(const struct expr *value)
{
	switch (value->kind) {
	case EXPR_UNARY:
		return value->unary.op != UNARY_ADDR;
	case EXPR_STRUCT_LIT: case EXPR_INT: case EXPR_STRING: case EXPR_ARRAY_LIT:
		return false;
	default:
		return true;
	}
}

/* Adds to OUT the tracked names that STMTS assign to. */
static void assigned_names(struct checker *c, const struct vec *stmts, struct vec *out)
{
	for (size_t i = 0; i < stmts->len; i++) {
		const struct stmt *s = stmts->items[i];
		switch (s->kind) {
		case STMT_ASSIGN:
			if (s->assign.target->kind == EXPR_IDENT && may_give_null(s->assign.value)) {
				struct symbol *sym = lookup(c, s->assign.target->ident);
				if (sym && (is_entry_var(sym) ? s->assign.value->kind == EXPR_INDEX
					    : sym->type && sym->type->kind == TY_POINTER))
					add(c, out, sym);
			}
			break;
		case STMT_BLOCK:
			assigned_names(c, &s->block, out);
			break;
		case STMT_IF:
			assigned_names(c, &s->if_.then->block, out);
			if (s->if_.otherwise)
				assigned_names(c, &(struct vec){ (void **)&s->if_.otherwise, 1, 1 }, out);
			break;
		case STMT_WHILE:
			assigned_names(c, &s->while_.body->block, out);
			break;
		case STMT_FOR_RANGE:
		case STMT_FOR_EACH:
			assigned_names(c, &s->for_.body->block, out);
			break;
		case STMT_TRY:
			assigned_names(c, &s->try_.body->block, out);
			for (size_t j = 0; j < s->try_.catches.len; j++)
				assigned_names(c, &((struct catch_clause *)s->try_.catches.items[j])->body->block, out);
			break;
		default:
			break;
		}
	}
}

/* Before a loop body: a name the body may make null may be null at the
 * top of any iteration but the first.  Before a try body too: a catch
 * may start at any point of it. */
void null_widen(struct checker *c, const struct stmt *body)
{
	struct vec names = { 0 };
	assigned_names(c, &body->block, &names);
	for (size_t i = 0; i < names.len; i++)
		add(c, &c->nulls.maybe, names.items[i]);
}
