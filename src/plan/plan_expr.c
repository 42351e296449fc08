/* The plan stage: how the C computes each integer expression so that it
 * gives what LANGUAGE.md ("Integer arithmetic") says, on both sides.
 *
 * C agrees with the language almost everywhere: its promotions and usual
 * conversions are the language's, and the generated code is compiled
 * with -fwrapv.  What is left is written on the expressions for the
 * emitters:
 * - constants: printed as written when C's int arithmetic gives the same
 *   value, otherwise as their value, a literal of their type (c_text);
 * - division and remainder: by a variable (or, signed, by -1) through a
 *   small function that gives 0 and x for x / 0 and x % 0, and signed in
 *   eBPF code through one that divides unsigned (c_call);
 * - shift counts that are not constants: masked to the width (c_mask); a
 *   signed << shifts the bits unsigned;
 * - comparisons of a signed and an unsigned value: by value (c_cast on an
 *   operand, or c_call for 64 bits);
 * - ?: arms of two types: both converted (c_cast). */
#include "plan_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct expr_planner {
	struct arena *arena;
	struct plan *plan;
	enum c_side side;
	const struct type *returns;	/* the function's string or array result */
	const struct expr *stored;	/* the value a statement stores into a str */
};

#define A (p->arena)

static bool is_int(const struct type *t)
{
	return t && t->kind == TY_INT;
}

/* The type C computes an operand of type T in: at least int. */
static const struct type *arith_type(const struct type *t)
{
	return is_int(t) && t->bits >= 32 ? t : &type_i32;
}

static const struct type *final_type(const struct expr *x)
{
	return x->conv ? x->conv : x->type;
}

/* ---- constants ------------------------------------------------------------ */

static ks_wide convert(ks_wide v, const struct type *t)
{
	return t ? wide_convert(v, t) : v;
}

static bool int_range(ks_wide v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* V as a C literal of type T (or of int, where C promotes T to int
 * anyway); EXACT asks for T itself even where int would do. */
static const char *literal(struct expr_planner *p, ks_wide v, const struct type *t, bool exact)
{
	bool wide = is_int(t) && t->bits == 64;
	bool is_unsigned = is_int(t) && !t->is_signed && t->bits >= 32;
	if (v == INT32_MIN && !wide)
		return "(-2147483647 - 1)";
	if (v == -((ks_wide)1 << 63))
		return "(-9223372036854775807LL - 1)";
	const char *suffix = "";
	if (wide && (exact || !int_range(v)))
		suffix = is_unsigned ? "ULL" : "LL";
	else if (is_unsigned && (exact || v > INT32_MAX))
		suffix = "U";
	if (v < 0)
		return arena_printf(A, "-%" PRIu64 "%s", (uint64_t)-v, suffix);
	return arena_printf(A, "%" PRIu64 "%s", (uint64_t)v, suffix);
}

static bool types_equal_or_null(const struct type *a, const struct type *b)
{
	return a && b && types_equal(a, b);
}

/* The C type of literal(V, T, EXACT): T, or int. */
static const struct type *literal_type(ks_wide v, const struct type *t, bool exact)
{
	if (!is_int(t) || t->bits < 32 || (t->is_signed && t->bits == 32))
		return &type_i32;
	if (exact || !int_range(v) || v == -((ks_wide)1 << 63))
		return t;
	return &type_i32;
}

/* The type of the literal a const's #define stands for. */
static const struct type *const_c_type(const struct symbol *sym)
{
	if (sym->untyped)
		return literal_type(sym->const_init->value, sym->const_init->type, false);
	return literal_type(sym->value, sym->type, true);
}

/* How a constant is used: its type matters (NORMAL), it must be exactly
 * that type (EXACT: a print argument, through varargs), or only its value
 * matters (OFFSET: added to a pointer, an array index), or C needs a
 * constant expression (STATIC: a case label, a global's initial value),
 * where a static const is not one. */
enum use { USE_NORMAL, USE_EXACT, USE_OFFSET, USE_STATIC };

/* The type C gives the constant expression X written as it is, when C
 * computes its value exactly that way: int when every leaf is an int
 * literal or an int-valued named constant, every intermediate result an
 * int and no shift or bitwise operand negative; size_t (u64) when sizeof
 * is among the leaves and nothing goes below zero.  NULL otherwise. */
static const struct type *as_written(const struct expr *x)
{
	if (!x->constant || x->value < INT32_MIN || x->value > INT64_MAX)
		return NULL;
	const struct type *t = NULL;
	switch (x->kind) {
	case EXPR_CHAR:
		if (x->value >= 128)
			return NULL;	/* '\xff' is -1 where C's char is signed */
		/* fall through */
	case EXPR_INT:
		t = &type_i32;
		break;
	case EXPR_SIZEOF:
		return &type_u64;
	case EXPR_IDENT:
		/* an enumerator, or a const #defined as a plain int */
		if (x->sym && (x->sym->kind == SYM_ENUM_CONST ||
			       (x->sym->kind == SYM_CONST && x->sym->const_init &&
				types_equal(const_c_type(x->sym), &type_i32))))
			t = &type_i32;
		break;
	case EXPR_UNARY:
		if (x->unary.op == UNARY_NEG && x->value == -x->unary.operand->value &&
		    types_equal_or_null(as_written(x->unary.operand), &type_i32))
			t = &type_i32;
		break;
	case EXPR_BINARY: {
		const struct expr *l = x->binary.lhs, *r = x->binary.rhs;
		const struct type *lt = as_written(l), *rt = as_written(r);
		if (!lt || !rt)
			return NULL;
		bool size = lt == &type_u64 || rt == &type_u64;
		bool negative = l->value < 0 || r->value < 0 || x->value < 0;
		/* a typed constant wraps: C's int must compute the same, exactly */
		ks_wide exact = x->value;
		switch (x->binary.op) {
		case BIN_ADD: exact = l->value + r->value; break;
		case BIN_SUB: exact = l->value - r->value; break;
		case BIN_MUL: exact = wide_mul(l->value, r->value); break;
		case BIN_SHL: exact = r->value >= 0 && r->value < 64 ? l->value * ((ks_wide)1 << r->value)
							      : x->value + 1; break;
		/* C divides the ints as written: 20 / -7 is -2, where a u32 20
		 * divided by -7 made a u32 is 0 */
		case BIN_DIV: exact = r->value ? l->value / r->value : x->value + 1; break;
		case BIN_MOD: exact = r->value ? l->value % r->value : x->value + 1; break;
		default: break;
		}
		if (exact != x->value)
			return NULL;
		switch (x->binary.op) {
		case BIN_ADD: case BIN_SUB: case BIN_MUL:
			if (size && negative)
				return NULL;
			break;
		case BIN_DIV: case BIN_MOD:
			if (r->value == 0 || (size && negative))
				return NULL;
			break;
		case BIN_BITXOR:
			return NULL;	/* clang takes 10 ^ 2 for a power */
		case BIN_BITAND: case BIN_BITOR:
			if (negative)
				return NULL;
			break;
		case BIN_SHR:
			if (negative || r->value >= (size ? 63 : 31))
				return NULL;
			break;
		case BIN_SHL:
			if (negative || r->value >= (size ? 63 : 31))
				return NULL;
			break;
		default:
			return NULL;
		}
		t = size ? &type_u64 : &type_i32;
		break;
	}
	default:
		return NULL;
	}
	if (t == &type_i32 && !int_range(x->value))
		return NULL;
	return t;
}

/* A constant root X: as written when C gets the same value in a type the
 * use converts from without change, otherwise its value as a literal. */
static void plan_constant(struct expr_planner *p, struct expr *x, enum use use)
{
	const struct type *t = final_type(x);
	if (!is_int(t) && t->kind != TY_CHAR && t->kind != TY_ENUM)
		return;
	ks_wide v = convert(x->value, t);
	const struct type *c = as_written(x);
	if (x->kind == EXPR_IDENT && x->sym && x->sym->kind == SYM_CONST && x->sym->const_init &&
	    use == USE_STATIC && !x->sym->c_enum) {
		x->c_text = literal(p, v, t, false);
		return;
	}
	if (x->kind == EXPR_IDENT && x->sym && x->sym->kind == SYM_CONST && x->sym->const_init)
		c = const_c_type(x->sym);
	else if (x->kind == EXPR_IDENT || x->kind == EXPR_CHAR)
		return;		/* an enumerator, 'a': as they are */
	if (c) {
		/* as written; converted where C's type would change the meaning */
		/* an untyped constant may stay an int: beside its partner C converts
		 * it as the language does; a typed one keeps its own type */
		bool same = types_equal(c, t) || use == USE_OFFSET ||
			    (use != USE_EXACT && (x->untyped || types_equal(arith_type(t), &type_i32)) &&
			     types_equal(c, &type_i32) && v == x->value);
		if (x->kind == EXPR_INT && v == x->value && !same &&
		    types_equal(literal_type(v, t, true), t)) {
			c = NULL;	/* a literal of another type: 100U, not (__u32)100 */
			use = USE_EXACT;
		} else if (v != x->value || !same)
			x->c_cast = t;
		if (c) {
			if (x->kind == EXPR_INT && x->integer.text[0] == '0' && x->integer.text[1] == 'o')
				x->c_text = arena_printf(A, "0%s", x->integer.text + 2);	/* 0o755 is C's 0755 */
			return;
		}
	}
	bool exact = use == USE_EXACT || !x->untyped;
	if (x->kind == EXPR_INT && v == x->value && !strncmp(x->integer.text, "0x", 2)) {
		/* keep hex as written, with the suffix its type needs */
		const char *lit = literal(p, v, t, exact);
		const char *suffix = lit + strspn(lit, "0123456789-");
		x->c_text = arena_printf(A, "%s%s", x->integer.text, suffix);
		return;
	}
	x->c_text = literal(p, v, t, exact);
}

/* ---- operations ----------------------------------------------------------- */

/* The function for a division or remainder of type T that C's / and %
 * cannot do alone: by zero, the most negative value by -1, or, in eBPF
 * code, signed at all. */
static const char *divider(struct expr_planner *p, enum binary_op op, const struct type *t,
			   const struct expr *divisor)
{
	bool bpf_signed = p->side == C_BPF && t->is_signed;
	if (!bpf_signed && divisor->constant && divisor->value != 0 &&
	    !(t->is_signed && divisor->value == -1))
		return NULL;
	return plan_helper(p->plan, p->side, op == BIN_DIV ? HELPER_DIV : HELPER_MOD, t->bits,
			   t->is_signed);
}

/* Whether A and B are the same value: the same names, fields and
 * operators, nothing called. */
static bool same_value(const struct expr *a, const struct expr *b)
{
	if (a->kind != b->kind || !a->type || !b->type || !types_equal(a->type, b->type))
		return false;
	switch (a->kind) {
	case EXPR_INT: case EXPR_CHAR: return a->integer.value == b->integer.value;
	case EXPR_IDENT: return a->sym && a->sym == b->sym && a->sym->kind != SYM_MAP;
	case EXPR_FIELD: case EXPR_ARROW:
		return !strcmp(a->field.name, b->field.name) && same_value(a->field.base, b->field.base);
	case EXPR_CAST: return same_value(a->cast.operand, b->cast.operand);
	case EXPR_UNARY:
		return a->unary.op == b->unary.op && same_value(a->unary.operand, b->unary.operand);
	case EXPR_BINARY:
		return a->binary.op == b->binary.op && same_value(a->binary.lhs, b->binary.lhs) &&
		       same_value(a->binary.rhs, b->binary.rhs);
	default:
		return false;
	}
}

/* The values an integer type holds. */
static void type_range(const struct type *t, ks_wide *lo, ks_wide *hi)
{
	unsigned bits = t->kind == TY_INT ? t->bits : t->kind == TY_BOOL ? 1 : 32;
	bool is_signed = t->kind == TY_INT ? t->is_signed : t->kind != TY_BOOL;
	if (t->kind == TY_CHAR)
		bits = 8;
	*lo = is_signed ? -((ks_wide)1 << (bits - 1)) : 0;
	*hi = is_signed ? ((ks_wide)1 << (bits - 1)) - 1 : ((ks_wide)1 << bits) - 1;
}

/* Values LO..HI converted to type T: the same ones, or 2^N above them
 * when they are all negative and T is unsigned.  False when they would
 * wrap apart. */
static bool values_in(const struct type *t, ks_wide *lo, ks_wide *hi)
{
	ks_wide tlo, thi;
	type_range(t, &tlo, &thi);
	if (*lo >= tlo && *hi <= thi)
		return true;
	if (tlo == 0 && *hi < 0 && *lo + thi + 1 >= 0) {
		*lo += thi + 1;
		*hi += thi + 1;
		return true;
	}
	return false;
}

/* a OP b (& | ^) for a in ALO..AHI and b in BLO..BHI, none negative: the
 * bits above the lowest K, where either may vary, are known. */
static void bits_range(enum binary_op op, ks_wide alo, ks_wide ahi, ks_wide blo, ks_wide bhi,
		       ks_wide *lo, ks_wide *hi)
{
	unsigned k = 0;
	while ((alo >> k) != (ahi >> k) || (blo >> k) != (bhi >> k))
		k++;
	ks_wide a = alo >> k, b = blo >> k;
	ks_wide known = op == BIN_BITAND ? a & b : op == BIN_BITOR ? a | b : a ^ b;
	*lo = known << k;
	*hi = *lo | (((ks_wide)1 << k) - 1);
}

/* The values X may take, as C judges them: a truth value (a comparison,
 * !, &&, ||, a bool, or one cast to an integer) is 0 or 1. */
static void values_of(const struct expr *x, ks_wide *lo, ks_wide *hi)
{
	if (x->constant) {
		*lo = *hi = x->value;
		return;
	}
	const struct expr *inner = x;
	while (inner->kind == EXPR_CAST)
		inner = inner->cast.operand;
	bool truth = inner->type && inner->type->kind == TY_BOOL;
	if (truth) {
		*lo = 0;
		*hi = 1;
		return;
	}
	type_range(x->type, lo, hi);
	if (x->kind == EXPR_CONDITIONAL && x->conditional.cond->constant) {
		/* the arm the constant condition picks (converted to our type) */
		ks_wide alo, ahi;
		values_of(x->conditional.cond->value ? x->conditional.then : x->conditional.otherwise,
			  &alo, &ahi);
		if (alo >= *lo && ahi <= *hi) {
			*lo = alo;
			*hi = ahi;
		}
		return;
	}
	if (x->kind == EXPR_CAST && type_is_integer(x->cast.operand->type)) {
		/* widened: the operand's values, as C keeps them; negative
		 * ones made unsigned: 2^N above them */
		ks_wide olo, ohi;
		values_of(x->cast.operand, &olo, &ohi);
		if (ohi < 0 && *lo == 0 && olo + *hi + 1 >= 0) {
			olo += *hi + 1;
			ohi += *hi + 1;
		}
		if (olo >= *lo && ohi <= *hi) {
			*lo = olo;
			*hi = ohi;
		}
		return;
	}
	if (x->kind == EXPR_UNARY && x->unary.op == UNARY_BITNOT && is_int(x->type)) {
		/* ~x is -1 - x, or 2^N - 1 - x unsigned: ~ of a u8 promoted
		 * to i32 is from -256 to -1 */
		ks_wide olo, ohi;
		values_of(x->unary.operand, &olo, &ohi);
		if (values_in(x->type, &olo, &ohi)) {
			ks_wide top = x->type->is_signed ? -1 : *hi;
			*lo = top - ohi;
			*hi = top - olo;
		}
		return;
	}
	if (x->kind == EXPR_BINARY && type_is_integer(x->type)) {
		/* what C shortens to the narrow type of its operands: a % b and
		 * a / b keep within a's values, a & b within the narrower's */
		const struct expr *l = x->binary.lhs, *r = x->binary.rhs;
		ks_wide llo, lhi, rlo, rhi;
		values_of(l, &llo, &lhi);
		values_of(r, &rlo, &rhi);
		ks_wide m = llo < 0 ? -llo : llo, n = lhi < 0 ? -lhi : lhi;
		ks_wide mag = m > n ? m : n;
		switch (x->binary.op) {
		case BIN_ADD: case BIN_SUB:
			/* no wrap-around: the sums of the ends */
			if (llo >= *lo && lhi <= *hi && rlo >= *lo && rhi <= *hi) {
				ks_wide a = x->binary.op == BIN_ADD ? llo + rlo : llo - rhi;
				ks_wide b = x->binary.op == BIN_ADD ? lhi + rhi : lhi - rlo;
				if (a >= *lo && b <= *hi) {
					*lo = a;
					*hi = b;
				}
			}
			return;
		case BIN_MOD: case BIN_DIV:
			if (*lo <= -mag && *hi >= mag) {
				*lo = llo < 0 || rlo < 0 ? -mag : 0;
				*hi = mag;
			}
			return;
		case BIN_BITAND: case BIN_BITOR: case BIN_BITXOR: {
			ks_wide alo = llo, ahi = lhi, blo = rlo, bhi = rhi, nlo, nhi;
			if (is_int(x->type) && values_in(x->type, &alo, &ahi) &&
			    values_in(x->type, &blo, &bhi) && alo >= 0 && blo >= 0) {
				bits_range(x->binary.op, alo, ahi, blo, bhi, &nlo, &nhi);
				if (x->binary.op == BIN_BITAND) {	/* at most either */
					nhi = nhi < ahi ? nhi : ahi;
					nhi = nhi < bhi ? nhi : bhi;
				} else if (x->binary.op == BIN_BITOR) {	/* at least either */
					nlo = nlo > alo ? nlo : alo;
					nlo = nlo > blo ? nlo : blo;
				}
				if (nlo >= *lo && nhi <= *hi) {
					*lo = nlo;
					*hi = nhi;
				}
				return;
			}
			break;
		}
		default:
			break;
		}
		switch (x->binary.op) {
		case BIN_SHR:
			/* by a constant count: C shifts the narrow value itself */
			if (r->constant && is_int(x->type)) {
				unsigned k = (unsigned)(r->value & (x->type->bits - 1));
				if (llo >= *lo && lhi <= *hi) {
					*lo = llo >> k;
					*hi = lhi >> k;
				}
			} else if (llo >= 0 && lhi <= *hi) {	/* by any count */
				*lo = 0;
				*hi = lhi;
			}
			return;
		case BIN_BITAND:
			if (llo >= 0 && lhi < *hi) {
				*lo = 0;
				*hi = lhi;
				return;
			} else if (rlo >= 0 && rhi < *hi) {
				*lo = 0;
				*hi = rhi;
				return;
			}
			/* fall through - both may be negative */
		case BIN_BITOR: case BIN_BITXOR:
			if (is_int(x->type) && x->type->is_signed) {
				/* both within -2^k .. 2^k - 1: so is the result */
				ks_wide top = 1;
				while (llo < -top || rlo < -top || lhi >= top || rhi >= top)
					top <<= 1;
				if (top - 1 < *hi) {
					*lo = -top;
					*hi = top - 1;
				}
			}
			return;
		default:
			return;
		}
	}
}

/* Whether a value of type FROM may not fit TO. */
static bool narrows(const struct type *from, const struct type *to)
{
	if (!type_is_integer(from) && from->kind != TY_BOOL)
		return false;
	ks_wide flo, fhi, tlo, thi;
	type_range(from, &flo, &fhi);
	type_range(to, &tlo, &thi);
	return flo < tlo || fhi > thi;
}

/* x OP v for every x of X's values: 1 always false, 2 always true, 0 when
 * it depends on x.  (C's -Wtype-limits and -Wbool-compare reject the
 * comparison then.) */
static uint8_t decided(enum binary_op op, const struct expr *x, ks_wide v)
{
	ks_wide lo, hi;
	values_of(x, &lo, &hi);
	/* what C converts to x's type: a cast's operand, the arm a constant
	 * condition picks */
	const struct expr *o = x->kind == EXPR_CAST ? x->cast.operand
		: x->kind == EXPR_CONDITIONAL && x->conditional.cond->constant ?
		(x->conditional.cond->value ? x->conditional.then : x->conditional.otherwise)
		: NULL;
	if (o && is_int(x->type) && !x->type->is_signed && is_int(o->type) && o->type->is_signed &&
	    o->type->bits < x->type->bits && (op == BIN_EQ || op == BIN_NE)) {
		/* (u32)i16: from 0 up, and down from 2^32 - 1, never between */
		ks_wide olo, ohi;
		type_range(o->type, &olo, &ohi);
		if (v > ohi && v < ((ks_wide)1 << x->type->bits) + olo)
			return op == BIN_EQ ? 1 : 2;
	}
	switch (op) {
	case BIN_LT: return hi < v ? 2 : lo >= v ? 1 : 0;
	case BIN_LE: return hi <= v ? 2 : lo > v ? 1 : 0;
	case BIN_GT: return lo > v ? 2 : hi <= v ? 1 : 0;
	case BIN_GE: return lo >= v ? 2 : hi < v ? 1 : 0;
	case BIN_EQ: return v < lo || v > hi ? 1 : 0;
	case BIN_NE: return v < lo || v > hi ? 2 : 0;
	default: return 0;
	}
}

/* (x & m) == c where c has a bit m has not, or (x | m) == c where m has
 * a bit c has not: never equal.  1 for ==, 2 for !=, else 0. */
static uint8_t bits_apart(enum binary_op op, const struct expr *x, const struct expr *c)
{
	if ((op != BIN_EQ && op != BIN_NE) || !c->constant || !is_int(x->type))
		return 0;
	/* values of x's type are equal when their bits are; a cast keeps the
	 * low bits of what it converts */
	const struct type *t = x->type;
	while (x->kind == EXPR_CAST && is_int(x->cast.operand->type))
		x = x->cast.operand;
	if (x->kind != EXPR_BINARY || !is_int(x->type))
		return 0;
	const struct expr *m = x->binary.rhs->constant ? x->binary.rhs
			       : x->binary.lhs->constant ? x->binary.lhs : NULL;
	if (!m)
		return 0;
	unsigned bits = t->bits < x->type->bits ? t->bits : x->type->bits;
	ks_wide lo, hi, mask = ((ks_wide)1 << bits) - 1;
	type_range(t, &lo, &hi);
	if (c->value < lo || c->value > hi)
		return 0;
	ks_wide mv = m->value & mask, cv = c->value & mask;
	bool never = (x->binary.op == BIN_BITAND && (cv & ~mv)) ||
		     (x->binary.op == BIN_BITOR && (mv & ~cv));
	return never ? (op == BIN_EQ ? 1 : 2) : 0;
}

/* l OP r decided because their values' ranges do not meet: 1 false,
 * 2 true, 0 when it depends on them. */
static uint8_t apart(enum binary_op op, const struct expr *l, const struct expr *r)
{
	ks_wide llo, lhi, rlo, rhi;
	values_of(l, &llo, &lhi);
	values_of(r, &rlo, &rhi);
	bool below = lhi < rlo, above = llo > rhi;	/* l entirely below or above r */
	switch (op) {
	case BIN_LT: return below ? 2 : llo >= rhi ? 1 : 0;
	case BIN_LE: return lhi <= rlo ? 2 : above ? 1 : 0;
	case BIN_GT: return above ? 2 : lhi <= rlo ? 1 : 0;
	case BIN_GE: return llo >= rhi ? 2 : below ? 1 : 0;
	case BIN_EQ: return below || above ? 1 : 0;
	case BIN_NE: return below || above ? 2 : 0;
	default: return 0;
	}
}

static enum binary_op mirrored(enum binary_op op)
{
	switch (op) {
	case BIN_LT: return BIN_GT;
	case BIN_LE: return BIN_GE;
	case BIN_GT: return BIN_LT;
	case BIN_GE: return BIN_LE;
	default: return op;
	}
}

static void plan_comparison(struct expr_planner *p, struct expr *x)
{
	struct expr *l = x->binary.lhs, *r = x->binary.rhs;
	/* a value against a constant its type cannot reach */
	if (r->constant && !l->constant && type_is_integer(l->type))
		x->c_fold = decided(x->binary.op, l, r->value) ?: bits_apart(x->binary.op, l, r);
	else if (l->constant && !r->constant && type_is_integer(r->type))
		x->c_fold = decided(mirrored(x->binary.op), r, l->value) ?:
			    bits_apart(x->binary.op, r, l);
	else if (!l->constant && same_value(l, r))	/* x <= x: C warns it is always so */
		x->c_fold = x->binary.op == BIN_EQ || x->binary.op == BIN_LE ||
			    x->binary.op == BIN_GE ? 2 : 1;
	else if (type_is_integer(l->type) && type_is_integer(r->type))
		x->c_fold = apart(x->binary.op, l, r);	/* ranges that do not meet */
	if (x->c_fold)
		return;
	if (!is_int(l->type) && l->type->kind != TY_CHAR && l->type->kind != TY_ENUM)
		return;
	if (!is_int(r->type) && r->type->kind != TY_CHAR && r->type->kind != TY_ENUM)
		return;
	const struct type *lt = arith_type(l->type), *rt = arith_type(r->type);
	if (lt->is_signed == rt->is_signed)
		return;
	struct expr *s = lt->is_signed ? l : r, *u = lt->is_signed ? r : l;
	const struct type *st = arith_type(s->type), *ut = arith_type(u->type);
	if (ut->bits < st->bits)
		return;		/* C widens the unsigned one into the signed type */
	if (ut->bits < 64) {
		u->c_cast = &type_i64;	/* both fit in i64 */
		return;
	}
	if (s->constant && s->value >= 0) {
		s->c_cast = ut;
		return;
	}
	if (u->constant && u->value <= INT64_MAX) {
		u->c_cast = &type_i64;
		return;
	}
	x->c_call = plan_helper(p->plan, p->side, HELPER_CMP, 64, true);
	x->c_call_swapped = s == r;
}

/* A char used as a number is a u8 (LANGUAGE.md), C's char may be signed:
 * '\xff' + 1 is 256. */
static void char_as_number(struct expr *x)
{
	if (x->type && x->type->kind == TY_CHAR && !(x->constant && x->value < 128))
		x->c_cast = &type_u8;
}

/* Whether clang computes X while compiling: a constant, a comparison
 * written as its result, or operations on such values.  (It then warns
 * when signed arithmetic on them overflows, -fwrapv or not.) */
static bool c_folds(const struct expr *x)
{
	if (x->constant || x->c_fold)
		return true;
	if (x->c_call)
		return false;
	if (x->type && type_is_integer(x->type) &&
	    (x->kind == EXPR_BINARY || x->kind == EXPR_UNARY || x->kind == EXPR_CAST)) {
		ks_wide lo, hi;		/* one value: 65535 | a u16 is 65535 */
		values_of(x, &lo, &hi);
		if (lo == hi)
			return true;
	}
	switch (x->kind) {
	case EXPR_BINARY: {
		/* x % 1, x * 0 and x & 0 are 0 whatever x is */
		const struct expr *r = x->binary.rhs, *l = x->binary.lhs;
		if ((x->binary.op == BIN_MOD && r->constant && (r->value == 1 || r->value == -1)) ||
		    ((x->binary.op == BIN_MUL || x->binary.op == BIN_BITAND) &&
		     ((r->constant && r->value == 0) || (l->constant && l->value == 0))))
			return true;
		return c_folds(x->binary.lhs) && c_folds(x->binary.rhs);
	}
	case EXPR_UNARY:
		return x->unary.op != UNARY_ADDR && x->unary.op != UNARY_DEREF &&
		       c_folds(x->unary.operand);
	case EXPR_CAST:
		return c_folds(x->cast.operand);
	case EXPR_CONDITIONAL: {
		const struct expr *cond = x->conditional.cond;
		if (cond->constant || cond->c_fold)	/* clang takes the arm it picks */
			return c_folds((cond->constant ? cond->value : cond->c_fold == 2)
				       ? x->conditional.then : x->conditional.otherwise);
		return c_folds(cond) && c_folds(x->conditional.then) &&
		       c_folds(x->conditional.otherwise);
	}
	default:
		return false;
	}
}

/* X, a comparison of a value with a constant: the value, the operator
 * with the value on its left, the constant. */
static bool compares_with_constant(const struct expr *x, const struct expr **value,
				   enum binary_op *op, ks_wide *c)
{
	if (x->kind != EXPR_BINARY || x->binary.op < BIN_EQ || x->binary.op > BIN_GE ||
	    x->c_fold || x->c_call)
		return false;
	const struct expr *l = x->binary.lhs, *r = x->binary.rhs;
	if (r->constant && !l->constant && type_is_integer(l->type)) {
		*value = l, *op = x->binary.op, *c = r->value;
		return true;
	}
	if (l->constant && !r->constant && type_is_integer(r->type)) {
		*value = r, *op = mirrored(x->binary.op), *c = l->value;
		return true;
	}
	return false;
}

static bool holds(enum binary_op op, ks_wide v, ks_wide c)
{
	switch (op) {
	case BIN_EQ: return v == c;
	case BIN_NE: return v != c;
	case BIN_LT: return v < c;
	case BIN_LE: return v <= c;
	case BIN_GT: return v > c;
	default: return v >= c;
	}
}

/* a op1 c1 || a op2 c2 (&&): clang calls the pair always true (false)
 * when it is, from the constants: 2 when it is always true, 1 when always
 * false, 0 otherwise.  The truth of each side changes only at its
 * constant and the value after, so those points (within the values a
 * may take) and the lowest value are all there is to try. */
static uint8_t decided_pair(const struct expr *x)
{
	const struct expr *a, *b;
	enum binary_op op1, op2;
	ks_wide c1, c2, lo, hi;
	if (!compares_with_constant(x->binary.lhs, &a, &op1, &c1) ||
	    !compares_with_constant(x->binary.rhs, &b, &op2, &c2) || !same_value(a, b))
		return 0;
	values_of(a, &lo, &hi);
	ks_wide points[] = { lo, c1, c1 + 1, c2, c2 + 1 };
	bool any = x->binary.op == BIN_OR;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		ks_wide v = points[i];
		if (v < lo || v > hi)
			continue;
		bool both = any ? holds(op1, v, c1) || holds(op2, v, c2)
				: holds(op1, v, c1) && holds(op2, v, c2);
		if (both != any)
			return 0;
	}
	return any ? 2 : 1;
}

/* V stored into a str of type T by emit_string_store: a join copies its
 * first part and appends the others, a shorter string is copied. */
static void plan_string_copy(struct expr_planner *p, const struct type *t, const struct expr *v)
{
	bool join = expr_is_join(v);
	if (join || (v->type && !types_equal(t, v->type)))
		plan_helper(p->plan, p->side, HELPER_STR_COPY, 0, false);
	if (join)
		plan_helper(p->plan, p->side, HELPER_STR_APPEND, 0, false);
}

/* V given where a value of type T goes: a shorter string or array is
 * padded with zeroes (LANGUAGE.md, "Strings"), through a struct of T's
 * size.  A literal or a join is built in T's size already. */
static void plan_widen(struct expr_planner *p, const struct type *t, struct expr *v)
{
	if (!t || !v || !v->type || (t->kind != TY_STR && t->kind != TY_ARRAY) ||
	    types_equal(t, v->type) || v->kind == EXPR_STRING || v->kind == EXPR_ARRAY_LIT ||
	    expr_is_join(v) || type_size(v->type) >= type_size(t))
		return;
	v->c_widen = t;
	v->c_widen_struct = plan_helper(p->plan, p->side, HELPER_STR_VALUE,
					(unsigned)type_size(t), false);
	if (t->kind == TY_STR)
		plan_helper(p->plan, p->side, HELPER_STR_COPY, 0, false);
}

/* s = a + b + c for a str s: the string helpers copy a, then append b, c;
 * s = v with v a shorter str copies it.  A literal that starts a
 * variable, or is assigned, is written as it is. */
static void plan_string_store(struct expr_planner *p, const struct type *t, const struct expr *v)
{
	if (!t || t->kind != TY_STR || !v || v->kind == EXPR_STRING || v->kind == EXPR_MATCH)
		return;
	plan_string_copy(p, t, v);
}

/* a + b used as a value (not stored into a str, where the statement
 * joins it in place): a struct of its size, filled by the helpers; the
 * joins within it are its parts. */
static void plan_join_value(struct expr_planner *p, struct expr *x)
{
	struct expr *parts[] = { x->binary.lhs, x->binary.rhs };
	for (int i = 0; i < 2; i++)
		if (expr_is_join(parts[i]))
			parts[i]->c_call = NULL;
	if (x == p->stored)
		return;
	x->c_call = plan_helper(p->plan, p->side, HELPER_STR_VALUE, (unsigned)type_size(x->type),
				false);
	plan_helper(p->plan, p->side, HELPER_STR_COPY, 0, false);
	plan_helper(p->plan, p->side, HELPER_STR_APPEND, 0, false);
}

/* A string or an array returned: stored into the struct the function
 * returns, each arm of a match on its own. */
static void plan_returned(struct expr_planner *p, const struct expr *v)
{
	if (v->kind != EXPR_MATCH) {
		if (p->returns->kind == TY_STR)
			plan_string_copy(p, p->returns, v);
		return;
	}
	for (size_t i = 0; i < v->match.arms.len; i++) {
		const struct match_arm *arm = v->match.arms.items[i];
		const struct stmt *last = arm->body && arm->body->block.len
			? arm->body->block.items[arm->body->block.len - 1] : NULL;
		if (arm->value)
			plan_returned(p, arm->value);
		else if (last && last->kind == STMT_EXPR)
			plan_returned(p, last->expr);
	}
}

static void plan_binary(struct expr_planner *p, struct expr *x)
{
	enum binary_op op = x->binary.op;
	const struct type *t = x->type;
	const struct type *lt = x->binary.lhs->type, *rt = x->binary.rhs->type;
	if ((op == BIN_EQ || op == BIN_NE) && lt && rt && lt->kind == TY_STR &&
	    rt->kind == TY_STR) {	/* texts compared; not s != null */
		x->c_call = plan_helper(p->plan, p->side, HELPER_STR_EQ, 0, false);
		return;
	}
	switch (op) {
	case BIN_AND: case BIN_OR:
		x->c_fold = decided_pair(x);
		return;
	case BIN_ADD: case BIN_SUB: case BIN_MUL:
		if (is_int(t) && t->is_signed && !x->constant && c_folds(x->binary.lhs) &&
		    c_folds(x->binary.rhs))
			x->c_unsigned_op = true;	/* wraps with no warning */
		return;
	case BIN_EQ: case BIN_NE: case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE:
		plan_comparison(p, x);
		return;
	case BIN_DIV: case BIN_MOD:
		if (is_int(t))
			x->c_call = divider(p, op, t, x->binary.rhs);
		return;
	case BIN_SHL: case BIN_SHR: {
		if (!is_int(t))
			return;
		const struct expr *count = x->binary.rhs;
		if (!(count->constant && count->value >= 0 && count->value < t->bits))
			x->c_mask = (uint8_t)(t->bits - 1);
		if (op == BIN_SHL && t->is_signed)
			x->c_unsigned_op = true;
		return;
	}
	default:
		return;
	}
}

static void plan_expr(struct expr_planner *p, struct expr *x, enum use use);

/* Whether C gives X the type size_t (unsigned long, not the unsigned
 * long long of a u64): a sizeof it keeps as written, in arithmetic. */
static bool size_t_typed(const struct expr *x)
{
	if (x->c_text || x->c_cast || x->c_call || x->c_fold)
		return false;
	switch (x->kind) {
	case EXPR_SIZEOF:
		return true;
	case EXPR_BINARY:
		return x->binary.op <= BIN_SHR &&
		       (size_t_typed(x->binary.lhs) || size_t_typed(x->binary.rhs));
	case EXPR_UNARY:
		return x->unary.op != UNARY_NOT && size_t_typed(x->unary.operand);
	case EXPR_CONDITIONAL:
		return size_t_typed(x->conditional.then) || size_t_typed(x->conditional.otherwise);
	default:
		return false;
	}
}

/* Whether X is a truth value cast to an integer (through more casts, or
 * as an arm of ?:).  gcc folds the casts, and c ? 1 : 0, back into the
 * comparison, and calls ~ on it a mistake. */
static bool truth_as_number(const struct expr *x)
{
	if (x->kind == EXPR_CAST)
		return (x->cast.operand->type && x->cast.operand->type->kind == TY_BOOL) ||
		       truth_as_number(x->cast.operand);
	if (x->kind == EXPR_CONDITIONAL)
		return truth_as_number(x->conditional.then) ||
		       truth_as_number(x->conditional.otherwise);
	return false;
}

static void plan_operand(struct expr_planner *p, struct expr *x)
{
	plan_expr(p, x, USE_NORMAL);
}

static void plan_expr(struct expr_planner *p, struct expr *x, enum use use)
{
	if (!x || !x->type)
		return;
	if (x->conv && !x->constant && is_int(x->conv) && narrows(x->type, x->conv))
		x->c_cast = x->conv;	/* written (T)x: C warns at some implicit ones */
	if (x->conv && is_int(x->conv))
		char_as_number(x);
	if (x->kind == EXPR_IDENT && x->sym &&
	    ((x->sym->kind == SYM_CONST && x->sym->builtin == BUILTIN_CONSTANT) ||
	     (x->sym->kind == SYM_ENUM_CONST && !x->sym->decl && p->side != C_BPF)))
		plan_kernel_macro(p->plan, p->side, x->sym);	/* TC_ACT_OK; IPPROTO_TCP outside eBPF */
	if (x->constant && x->type->kind != TY_BOOL) {
		plan_constant(p, x, use);
		return;
	}
	if (x->constant && x->kind != EXPR_BOOL && x->kind != EXPR_IDENT) {
		/* 5 > 3, T == T: C warns such a comparison is always so */
		x->c_text = x->value ? "true" : "false";
		return;
	}
	switch (x->kind) {
	case EXPR_UNARY: {
		plan_operand(p, x->unary.operand);
		if (x->unary.op != UNARY_NOT)
			char_as_number(x->unary.operand);
		if (x->unary.op == UNARY_BITNOT)
			x->c_not_as_minus = truth_as_number(x->unary.operand);
		return;
	}
	case EXPR_BINARY: {
		/* p + n: only n's value matters */
		enum use offsets = x->type->kind == TY_POINTER ? USE_OFFSET : USE_NORMAL;
		/* 100 >> n: no partner converts the constant, it is its own type */
		bool shift = (x->binary.op == BIN_SHL || x->binary.op == BIN_SHR) &&
			     x->binary.lhs->untyped;
		plan_expr(p, x->binary.lhs, shift ? USE_EXACT : offsets);
		plan_expr(p, x->binary.rhs, offsets);
		if (expr_is_join(x)) {	/* a global's is one literal (emit_joined_literal) */
			if (use != USE_STATIC)
				plan_join_value(p, x);
			return;
		}
		if (x->binary.op != BIN_AND && x->binary.op != BIN_OR) {
			char_as_number(x->binary.lhs);
			char_as_number(x->binary.rhs);
		}
		plan_binary(p, x);
		return;
	}
	case EXPR_CONDITIONAL: {
		plan_operand(p, x->conditional.cond);
		struct expr *a = x->conditional.then, *b = x->conditional.otherwise;
		if (x->conditional.cond->constant)	/* C folds it, then warns about the rest */
			x->c_arm = x->conditional.cond->value ? 1 : 2;
		/* arms of two types: each exactly typed, or C warns that the
		 * conversion changes one's signedness */
		enum use arms = is_int(x->type) ? USE_EXACT : USE_NORMAL;
		plan_expr(p, a, arms);
		plan_expr(p, b, arms);
		if (is_int(x->type) && is_int(a->type) && is_int(b->type) &&
		    !types_equal(a->type, b->type)) {
			/* both arms in the common type: C would warn, and agree */
			if (!types_equal(a->type, x->type))
				a->c_cast = x->type;
			if (!types_equal(b->type, x->type))
				b->c_cast = x->type;
		}
		if (is_int(x->type)) {
			char_as_number(a);
			char_as_number(b);
		}
		return;
	}
	case EXPR_CAST:
		plan_operand(p, x->cast.operand);
		if (is_int(x->type))
			char_as_number(x->cast.operand);
		return;
	case EXPR_FIELD:
	case EXPR_ARROW: {
		plan_operand(p, x->field.base);
		const struct type *t = x->field.base->type;
		if (p->side == C_BPF && t && t->kind == TY_POINTER && t->elem->kind == TY_STRUCT &&
		    t->elem->kernel && !kernel_struct_direct(t->elem->name)) {
			x->c_core = true;
			p->plan->bpf_core_read = true;
		}
		return;
	}
	case EXPR_NEW:
		if (p->side == C_BPF)	/* bpf_obj_new: the local type's BTF id, from CO-RE */
			p->plan->bpf_obj_new = p->plan->bpf_core_read = true;
		return;
	case EXPR_INDEX:
		plan_operand(p, x->index.base);
		plan_expr(p, x->index.index, indexed_map(x) ? USE_NORMAL : USE_OFFSET);
		if (indexed_map(x)) {	/* an array key: through its struct, padded if shorter */
			const struct type *key = x->index.base->type->key;
			x->index.index->c_key_struct = plan_key_struct(p->plan, key);
			x->index.index->c_key = key;
			if (x->index.index->c_key_struct)
				plan_widen(p, key, x->index.index);
		}
		return;
	case EXPR_CALL: {
		plan_operand(p, x->call.callee);
		/* print's arguments travel through varargs: exactly typed */
		bool print = x->sym && x->sym->kind == SYM_BUILTIN && x->sym->builtin == BUILTIN_PRINT;
		for (size_t i = 0; i < x->call.args.len; i++) {
			plan_expr(p, x->call.args.items[i], print ? USE_EXACT : USE_NORMAL);
			struct expr *arg = x->call.args.items[i];
			if (print)	/* %d of a char is 0 to 255; %c prints the same */
				char_as_number(arg);
			if (print && is_int(arg->type) && size_t_typed(arg))
				arg->c_cast = arg->type;	/* %llu wants a __u64 */
			/* a + b given for a str(N): built in N bytes, all of
			 * which the callee may read */
			const struct type *ft = x->sym && x->sym->kind == SYM_FUNCTION ? x->sym->type : NULL;
			const struct type *param = ft && ft->kind == TY_FUNCTION && i < ft->params.len
						   ? ft->params.items[i] : NULL;
			if (param && param->kind == TY_STR && expr_is_join(arg) && arg->c_call)
				arg->c_call = plan_helper(p->plan, p->side, HELPER_STR_VALUE,
							  (unsigned)type_size(param), false);
			plan_widen(p, param, arg);
		}
		return;
	}
	case EXPR_STRUCT_LIT:	/* a global's initial value holds C constants too */
		for (size_t i = 0; i < x->struct_lit.fields.len; i++) {
			struct field_init *f = x->struct_lit.fields.items[i];
			const struct type *t = f->value->type;
			plan_expr(p, f->value, use == USE_STATIC ? USE_STATIC : USE_NORMAL);
			if (t && (t->kind == TY_STR || t->kind == TY_ARRAY) &&
			    f->value->kind != EXPR_STRING && f->value->kind != EXPR_ARRAY_LIT) {
				f->c_copied = true;
				if (t->kind == TY_STR)
					plan_helper(p->plan, p->side, HELPER_STR_COPY, 0, false);
			}
		}
		return;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < x->array.elems.len; i++)
			plan_expr(p, x->array.elems.items[i], use == USE_STATIC ? USE_STATIC : USE_NORMAL);
		return;
	case EXPR_MATCH:
		plan_operand(p, x->match.scrutinee);
		if (x->match.scrutinee->type && x->match.scrutinee->type->kind == TY_STR)
			x->match.c_eq = plan_helper(p->plan, p->side, HELPER_STR_EQ, 0, false);
		if (!match_is_simple(x) && x->type && x->type->kind == TY_STR)
			x->match.c_struct = plan_helper(p->plan, p->side, HELPER_STR_VALUE,
							(unsigned)type_size(x->type), false);
		for (size_t i = 0; i < x->match.arms.len; i++) {
			struct match_arm *arm = x->match.arms.items[i];
			plan_expr(p, arm->pattern, USE_STATIC);
			plan_operand(p, arm->value);
			plan_stmts(p->plan, p->side, p->returns, arm->body);
		}
		return;
	default:
		return;
	}
}

/* ---- statements ----------------------------------------------------------- */

static void plan_stmt(struct expr_planner *p, struct stmt *s);

static void plan_block(struct expr_planner *p, struct stmt *block)
{
	if (!block)
		return;
	if (block->kind != STMT_BLOCK) {
		plan_stmt(p, block);
		return;
	}
	for (size_t i = 0; i < block->block.len; i++)
		plan_stmt(p, block->block.items[i]);
}

/* Whether the place X can be written twice, as x = (T)(x op v). */
static bool simple_target(const struct expr *x)
{
	switch (x->kind) {
	case EXPR_IDENT: return true;
	case EXPR_FIELD: case EXPR_ARROW: return simple_target(x->field.base);
	default: return false;
	}
}

/* target op= value: the same as target = target op value. */
static void plan_compound(struct expr_planner *p, struct stmt *s)
{
	const struct type *t = s->assign.target->type;
	enum binary_op op = s->assign.op.op;
	/* a char place computes as a u8 (C's char may be signed): always
	 * x = (char)((__u8)x op v) */
	bool is_char = t->kind == TY_CHAR;
	if (is_char)
		t = &type_u8;
	if (!is_int(t))
		return;
	const struct type *common = arith_type(t);
	const struct type *v = s->assign.value->type;
	if (op != BIN_SHL && op != BIN_SHR && is_int(v) && v->bits >= 32 &&
	    (v->bits > common->bits || (v->bits == common->bits && !v->is_signed)))
		common = v;
	if (op == BIN_DIV || op == BIN_MOD)
		s->c_call = divider(p, op, common, s->assign.value);
	s->c_op_type = common;
	if ((op == BIN_SHL || op == BIN_SHR) &&
	    !(s->assign.value->constant && s->assign.value->value >= 0 &&
	      s->assign.value->value < common->bits))
		s->c_mask = (uint8_t)(common->bits - 1);
	/* C warns at x <<= 9 for a u8 x, though x is shifted as an int, and
	 * at x &= C for a C wider than x: x = (T)(x op v) says it */
	bool wider = op != BIN_SHL && op != BIN_SHR && type_is_integer(s->assign.value->type) &&
		     narrows(s->assign.value->type, t);
	/* x |= x: clang calls it assigning x to itself */
	wider |= (op == BIN_BITOR || op == BIN_BITAND) && same_value(s->assign.target, s->assign.value);
	if (((op == BIN_SHL || op == BIN_SHR) && t->bits < 32) || wider || is_char)
		s->c_expand = !indexed_map(s->assign.target) && !entry_of_place(s->assign.target) &&
			      simple_target(s->assign.target);
}

static void plan_stmt(struct expr_planner *p, struct stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR: case STMT_THROW: case STMT_DELETE:
		plan_operand(p, s->expr);
		if (s->kind == STMT_DELETE && p->side == C_BPF && !indexed_map(s->expr))
			p->plan->bpf_obj_new = true;	/* bpf_obj_drop */
		return;
	case STMT_RETURN:
		p->stored = p->returns && p->returns->kind == TY_STR ? s->expr : NULL;
		plan_operand(p, s->expr);
		p->stored = NULL;
		if (p->returns && s->expr)
			plan_returned(p, s->expr);
		return;
	case STMT_DEFER:
		plan_operand(p, s->expr);
		plan_block(p, s->deferred);
		return;
	case STMT_VAR: case STMT_CONST:
		p->stored = s->sym && s->sym->type->kind == TY_STR ? s->var.init : NULL;
		plan_operand(p, s->var.init);
		p->stored = NULL;
		if (s->sym)
			plan_string_store(p, s->sym->type, s->var.init);
		return;
	case STMT_ASSIGN:
		if (!s->assign.op.compound)
			plan_string_store(p, s->assign.target->type, s->assign.value);
		plan_operand(p, s->assign.target);
		if (s->assign.op.compound && indexed_map(s->assign.target) &&
		    s->assign.op.op != BIN_DIV && s->assign.op.op != BIN_MOD &&
		    type_is_integer(s->assign.value->type))
			/* the accessor's operand is the value's type: the same result
			 * modulo its width for these operators */
			s->assign.value->conv = s->assign.target->type;
		p->stored = !s->assign.op.compound && s->assign.target->type &&
			    s->assign.target->type->kind == TY_STR ? s->assign.value : NULL;
		plan_operand(p, s->assign.value);
		p->stored = NULL;
		if (s->assign.op.compound)
			plan_compound(p, s);
		/* a str variable copies a shorter one itself (ks_str_copy) */
		else if (indexed_map(s->assign.target) ||
			 (s->assign.target->type && s->assign.target->type->kind == TY_ARRAY))
			plan_widen(p, s->assign.target->type, s->assign.value);
		return;
	case STMT_IF:
		plan_operand(p, s->if_.cond);
		plan_block(p, s->if_.then);
		plan_block(p, s->if_.otherwise);
		return;
	case STMT_WHILE:
		plan_operand(p, s->while_.cond);
		plan_block(p, s->while_.body);
		return;
	case STMT_FOR_RANGE: {
		plan_operand(p, s->for_.from);
		plan_operand(p, s->for_.to);
		plan_block(p, s->for_.body);
		/* i < 0 for an unsigned i: C warns that the loop never runs */
		const struct expr *to = s->for_.to, *from = s->for_.from;
		ks_wide lo, hi;
		if (s->sym && type_is_integer(s->sym->type)) {
			type_range(s->sym->type, &lo, &hi);
			s->c_empty = to->constant && (to->value <= lo ||
						      (from->constant && from->value >= to->value));
		}
		return;
	}
	case STMT_FOR_EACH:
		plan_operand(p, s->for_.iterable);
		plan_block(p, s->for_.body);
		return;
	case STMT_BLOCK:
		plan_block(p, s);
		return;
	case STMT_TRY:
		plan_block(p, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++) {
			plan_operand(p, ((struct catch_clause *)s->try_.catches.items[i])->code);
			plan_block(p, ((struct catch_clause *)s->try_.catches.items[i])->body);
		}
		return;
	case STMT_BREAK: case STMT_CONTINUE:
		return;
	}
}

void plan_stmts(struct plan *plan, enum c_side side, const struct type *returns,
		struct stmt *block)
{
	struct expr_planner planner = { .arena = plan->arena, .plan = plan, .side = side,
					.returns = returns };
	plan_block(&planner, block);
}

void plan_value(struct plan *plan, enum c_side side, struct expr *x)
{
	struct expr_planner planner = { .arena = plan->arena, .plan = plan, .side = side };
	plan_expr(&planner, x, USE_STATIC);
}

bool plan_const_is_int(const struct symbol *sym)
{
	return types_equal(const_c_type(sym), &type_i32);
}

/* A const: its value as a literal of its type. */
const char *plan_const_text(struct plan *plan, const struct symbol *sym)
{
	struct expr_planner planner = { .arena = plan->arena, .plan = plan };
	const struct type *t = sym->type;
	ks_wide v = sym->const_init->value;
	if (sym->untyped && as_written(sym->const_init) == &type_i32)
		return NULL;	/* as written: C computes it the same */
	if (!sym->untyped)
		v = convert(v, t);
	else
		t = sym->const_init->type;
	return literal(&planner, v, t, !sym->untyped);
}
