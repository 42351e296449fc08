/* The check stage: constant expressions (see LANGUAGE.md, "Integer
 * arithmetic").
 *
 * A literal, sizeof, a const declared without a type, and operators over
 * these are computed exactly, with no wrap-around, and take their type
 * from where they are used (const_adapt); alone they are typed by their
 * value.  Other expressions whose value is known (a typed const, e as T,
 * arithmetic with them) are computed in their type, wrapping as the
 * program would.  The values are kept on the expressions (expr->constant,
 * expr->value) for the later stages. */
#include "check_internal.h"

/* The values a constant may take: from the most negative i64 to the
 * largest u64. */
#define WIDE_MIN (-((ks_wide)1 << 63))
#define WIDE_MAX ((((ks_wide)1 << 64)) - 1)

bool wide_fits(ks_wide v, const struct type *t)
{
	unsigned bits;
	bool is_signed;
	switch (t->kind) {
	case TY_INT: bits = t->bits; is_signed = t->is_signed; break;
	case TY_CHAR: bits = 8; is_signed = false; break;
	case TY_BOOL: return v == 0 || v == 1;
	case TY_ENUM: bits = 32; is_signed = true; break;
	default: return true;
	}
	if (is_signed)
		return v >= -((ks_wide)1 << (bits - 1)) && v < ((ks_wide)1 << (bits - 1));
	return v >= 0 && v < ((ks_wide)1 << bits);
}


/* The type a constant takes where nothing gives it one; NULL when no
 * integer type holds it. */
const struct type *wide_type(ks_wide v)
{
	if (v < WIDE_MIN || v > WIDE_MAX)
		return NULL;
	if (v < 0)
		return v >= INT32_MIN ? &type_i32 : &type_i64;
	return v <= UINT32_MAX ? &type_u32 : &type_u64;
}

/* L op R, exactly.  False for a division by zero, or a shift whose
 * result no integer type holds. */
bool wide_binary(enum binary_op op, ks_wide l, ks_wide r, ks_wide *out)
{
	switch (op) {
	case BIN_ADD: *out = l + r; return true;
	case BIN_SUB: *out = l - r; return true;
	case BIN_MUL:
		*out = wide_mul(l, r);
		return true;
	case BIN_DIV: if (!r) return false; *out = l / r; return true;
	case BIN_MOD: if (!r) return false; *out = l % r; return true;
	case BIN_BITAND: *out = l & r; return true;
	case BIN_BITOR: *out = l | r; return true;
	case BIN_BITXOR: *out = l ^ r; return true;
	case BIN_SHL:
		if (r < 0 || (l && r >= 64))
			return false;
		*out = l ? l * ((ks_wide)1 << r) : 0;
		return true;
	case BIN_SHR:
		if (r < 0)
			return false;
		*out = r >= 127 ? (l < 0 ? -1 : 0) : l >> r;
		return true;
	case BIN_EQ: *out = l == r; return true;
	case BIN_NE: *out = l != r; return true;
	case BIN_LT: *out = l < r; return true;
	case BIN_LE: *out = l <= r; return true;
	case BIN_GT: *out = l > r; return true;
	case BIN_GE: *out = l >= r; return true;
	case BIN_AND: *out = l && r; return true;
	case BIN_OR: *out = l || r; return true;
	}
	return false;
}

static bool is_untyped(const struct expr *e)
{
	return e->constant && e->untyped;
}

void const_adapt(struct expr *e, const struct type *t)
{
	if (is_untyped(e) && t && t->kind == TY_INT && wide_fits(e->value, t))
		e->type = t;
}

/* The width an operation of type T works in: shifts count modulo it. */
static unsigned width_of(const struct type *t)
{
	return t->kind == TY_INT ? t->bits : 32;
}

/* A binary operation whose operands are known: exactly when both are
 * untyped, otherwise in E's type, as the program would compute it. */
static void fold_binary(struct checker *c, struct expr *e)
{
	struct expr *l = e->binary.lhs, *r = e->binary.rhs;
	enum binary_op op = e->binary.op;
	bool shift = op == BIN_SHL || op == BIN_SHR;
	/* a typed count makes the shift a typed one: its left constant is
	 * typed by its value and the count taken modulo the width */
	bool untyped = is_untyped(l) && is_untyped(r);
	ks_wide lv = l->value, rv = r->value, v;
	if ((op == BIN_DIV || op == BIN_MOD) && rv == 0 && untyped) {
		diag_error(c->diag, e->span, "this constant divides by zero");
		return;
	}
	if ((op == BIN_DIV || op == BIN_MOD) && rv == 0) {
		/* a typed value: what the program computes, x / 0 = 0, x % 0 = x */
		e->constant = true;
		e->value = op == BIN_DIV ? 0 : wide_convert(lv, e->type);
		return;
	}
	if (!untyped && type_is_integer(e->type) && shift) {
		rv &= width_of(e->type) - 1;
		lv = wide_convert(lv, e->type);
	}
	if (!untyped && type_is_integer(e->type) && !shift && op != BIN_AND && op != BIN_OR &&
	    !(op >= BIN_EQ && op <= BIN_GE)) {
		/* in the operation's type: the operands converted to it */
		lv = wide_convert(lv, e->type);
		rv = wide_convert(rv, e->type);
	}
	if (!wide_binary(op, lv, rv, &v)) {
		diag_error(c->diag, e->span, "this constant does not fit in 64 bits");
		return;
	}
	e->constant = true;
	e->untyped = untyped;
	if (untyped) {
		const struct type *t = wide_type(v);
		if (!t) {
			diag_error(c->diag, e->span, "this constant does not fit in 64 bits");
			e->constant = false;
			return;
		}
		e->type = t;
	} else if (type_is_integer(e->type) || e->type->kind == TY_BOOL) {
		v = wide_convert(v, e->type);
	}
	e->value = v;
}

void const_annotate(struct checker *c, struct expr *e)
{
	if (!e->type || e->type->kind == TY_ERROR)
		return;
	switch (e->kind) {
	case EXPR_INT:
		e->constant = e->untyped = true;
		e->value = (ks_wide)e->integer.value;
		return;
	case EXPR_CHAR:
		e->constant = true;
		e->value = (ks_wide)e->integer.value;
		return;
	case EXPR_BOOL:
		e->constant = true;
		e->value = e->boolean;
		return;
	case EXPR_SIZEOF:
		if (e->sizeof_of && type_size(e->sizeof_of)) {
			e->constant = e->untyped = true;
			e->value = (ks_wide)type_size(e->sizeof_of);
			e->type = wide_type(e->value);
		}
		return;
	case EXPR_IDENT: {
		const struct symbol *sym = e->sym;
		int64_t early;
		if (sym && sym->kind == SYM_CONST && !sym->const_init && sym->decl &&
		    sym->decl->var.init && !sym->decl->var.init->type &&
		    const_value(c, sym->decl->var.init, &early)) {
			/* a const declared further down, not checked yet */
			e->constant = true;
			e->untyped = !sym->decl->var.type;
			e->value = early;
			if (e->untyped)
				e->type = wide_type(e->value);
			return;
		}
		if (!sym || !sym->has_value)
			return;
		if (sym->kind == SYM_CONST && sym->const_init && sym->const_init->constant) {
			e->constant = true;
			e->untyped = sym->untyped;
			e->value = sym->untyped ? sym->const_init->value
				   : wide_convert(sym->const_init->value, sym->type);
			if (e->untyped)
				e->type = sym->const_init->type;
		} else if (sym->kind == SYM_ENUM_CONST || sym->kind == SYM_CONST) {
			e->constant = true;
			e->value = sym->value;
		}
		return;
	}
	case EXPR_UNARY: {
		const struct expr *x = e->unary.operand;
		if (!x->constant)
			return;
		e->constant = true;
		switch (e->unary.op) {
		case UNARY_NEG:
			e->value = -x->value;
			break;
		case UNARY_BITNOT:
			e->value = ~x->value;
			break;
		case UNARY_NOT:
			e->value = !x->value;
			return;
		default:
			e->constant = false;
			return;
		}
		e->untyped = x->untyped;
		if (e->untyped) {
			e->type = wide_type(e->value);
			if (!e->type) {
				diag_error(c->diag, e->span, "this constant does not fit in 64 bits");
				e->type = &type_error;
				e->constant = false;
			}
		} else if (type_is_integer(e->type)) {
			e->value = wide_convert(e->value, e->type);
		}
		return;
	}
	case EXPR_BINARY:
		if (e->binary.lhs->constant && e->binary.rhs->constant)
			fold_binary(c, e);
		return;
	case EXPR_CONDITIONAL: {
		const struct expr *cond = e->conditional.cond;
		const struct expr *arm = cond->constant ? (cond->value ? e->conditional.then
							   : e->conditional.otherwise) : NULL;
		if (arm && arm->constant && (type_is_integer(e->type) || e->type->kind == TY_BOOL)) {
			e->constant = true;
			e->value = wide_convert(arm->value, e->type);
		}
		return;
	}
	case EXPR_CAST:
		if (e->cast.operand->constant && (type_is_integer(e->type) || e->type->kind == TY_BOOL)) {
			e->constant = true;
			e->value = wide_convert(e->cast.operand->value, e->type);
		}
		return;
	default:
		return;
	}
}

/* Both operands of a binary operator: an untyped constant takes the type
 * of the other operand, when its value fits. */
/* What an operand of type T is computed in: at least an i32. */
static const struct type *promoted_operand(const struct type *t)
{
	if (t->kind == TY_INT && t->bits >= 32)
		return t;
	return type_is_integer(t) || t->kind == TY_BOOL ? &type_i32 : t;
}

void const_adapt_beside(struct expr *e, const struct type *partner)
{
	const_adapt(e, promoted_operand(partner));
}

void const_adapt_operands(struct expr *l, struct expr *r)
{
	if (is_untyped(l) && !is_untyped(r))
		const_adapt(l, promoted_operand(r->type));
	else if (is_untyped(r) && !is_untyped(l))
		const_adapt(r, promoted_operand(l->type));
}
