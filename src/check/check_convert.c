/* The check stage: implicit integer conversions.
 *
 * An integer value may go where a narrower integer type is expected (the
 * reference accepts that, and C does it), but when the value may not fit
 * the checker warns and asks for an explicit 'as'.  What "may not fit"
 * looks at is the range the value is known to have, not only its type:
 * a constant that fits, a mask (x & 0xff), a shift right, or arithmetic
 * over narrow operands (a + 1 with a: u8) do not warn. */
#include "check_internal.h"

/* An integer type for T: char and bool are bytes; NULL for the rest. */
static const struct type *as_int(const struct type *t)
{
	if (!t)
		return NULL;
	switch (t->kind) {
	case TY_INT:
		return t;
	case TY_CHAR:
	case TY_BOOL:
		return &type_u8;
	default:
		return NULL;
	}
}

/* As C's arithmetic conversions, without its promotion to int. */
static const struct type *wider(const struct type *a, const struct type *b)
{
	if (!a || !b)
		return a ? a : b;
	if (a->bits != b->bits)
		return a->bits > b->bits ? a : b;
	return type_int(a->bits, a->is_signed && b->is_signed);
}

/* The smallest unsigned type that holds V (V >= 0). */
static const struct type *holding(int64_t v)
{
	return type_int(v <= 0xff ? 8 : v <= 0xffff ? 16 : v <= 0xffffffffLL ? 32 : 64, false);
}

/* The integer type E's value is known to fit in; NULL when E is a
 * constant (its value is judged instead) or not an integer. */
const struct type *value_range(struct checker *c, const struct expr *e)
{
	int64_t v;
	if (const_value(c, e, &v))
		return NULL;
	switch (e->kind) {
	case EXPR_BINARY: {
		const struct type *l = value_range(c, e->binary.lhs);
		const struct type *r = value_range(c, e->binary.rhs);
		switch (e->binary.op) {
		case BIN_BITAND:
			if (const_value(c, e->binary.rhs, &v) && v >= 0)
				return holding(v);
			if (const_value(c, e->binary.lhs, &v) && v >= 0)
				return holding(v);
			return wider(l, r);
		case BIN_SHR:
			return l ? l : as_int(e->type);
		case BIN_ADD: case BIN_SUB: case BIN_MUL: case BIN_DIV: case BIN_MOD:
		case BIN_BITOR: case BIN_BITXOR:
			if (!as_int(e->type))
				return NULL;	/* pointer arithmetic */
			return wider(l, r);
		default:
			return as_int(e->type);
		}
	}
	case EXPR_UNARY:
		if (e->unary.op == UNARY_BITNOT)
			return value_range(c, e->unary.operand);
		return as_int(e->type);
	case EXPR_CONDITIONAL:
		return wider(value_range(c, e->conditional.then),
			     value_range(c, e->conditional.otherwise));
	default:
		return as_int(e->type);
	}
}

static bool fits(const struct type *t, int64_t v)
{
	if (t->bits >= 64)
		return t->is_signed || v >= 0;
	if (t->is_signed)
		return v >= -(1LL << (t->bits - 1)) && v < (1LL << (t->bits - 1));
	return v >= 0 && v < (1LL << t->bits);
}

static bool loses_data(const struct type *from, const struct type *to)
{
	if (from->is_signed == to->is_signed)
		return from->bits > to->bits;
	if (!from->is_signed)	/* unsigned into signed: needs a bit more */
		return from->bits >= to->bits;
	return true;		/* signed into unsigned: the negatives */
}

void check_conversion(struct checker *c, const struct type *to, struct expr *value)
{
	if (value && value->constant)
		const_adapt(value, to);
	if (value && type_is_integer(to) && value->type && type_is_integer(value->type) &&
	    !types_equal(value->type, to))
		value->conv = to;	/* the plan makes a narrowing one explicit */
	const struct type *target = as_int(to);
	if (!target || !value || to->kind == TY_BOOL || !as_int(value->type) ||
	    value->type->kind == TY_BOOL)
		return;
	int64_t v;
	if (const_value(c, value, &v)) {
		if (!literal_misfit(to, value) && !fits(target, v) && target->bits < 64)
			diag_warning(c->diag, value->span, "%lld does not fit in %s: it becomes %lld",
				     (long long)v, type_name(A, to),
				     (long long)(target->is_signed
						 ? (int64_t)((uint64_t)v << (64 - target->bits)) >> (64 - target->bits)
						 : (int64_t)((uint64_t)v & ((1ULL << target->bits) - 1))));
		return;
	}
	const struct type *from = value_range(c, value);
	if (!from || !loses_data(from, target))
		return;
	diag_warning(c->diag, value->span, "%s into %s may lose data: write '... as %s' if that is meant",
		     type_name(A, from), type_name(A, to), type_name(A, to));
}
