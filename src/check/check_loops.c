/* The check stage: loops the verifier can bound.
 *
 * The verifier follows an eBPF loop iteration by iteration, and gives up
 * after a million instructions in all.  So a loop in eBPF code must have
 * a bound the compiler can see (a constant, a local that only ever holds
 * a constant, or a value of a narrow type), and that bound times the
 * body's size must stay under the limit.  The loops are judged once the
 * whole body is checked, when it is known which locals are assigned. */
#include "check_internal.h"

/* What the verifier follows before it gives up. */
#define VERIFIER_INSN_LIMIT 1000000

/* A rough count of the instructions one run of S takes: about one per
 * operator and name, more for calls. */
static uint64_t expr_cost(const struct expr *e);

static uint64_t list_cost(const struct vec *stmts);

static uint64_t stmt_cost(const struct stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR: case STMT_RETURN: case STMT_THROW:
		return s->expr ? expr_cost(s->expr) : 1;
	case STMT_VAR: case STMT_CONST:
		return 1 + (s->var.init ? expr_cost(s->var.init) : 0);
	case STMT_ASSIGN:
		return 1 + expr_cost(s->assign.target) + expr_cost(s->assign.value);
	case STMT_IF:
		return 2 + expr_cost(s->if_.cond) + list_cost(&s->if_.then->block) +
		       (s->if_.otherwise ? stmt_cost(s->if_.otherwise) : 0);
	case STMT_BLOCK:
		return list_cost(&s->block);
	case STMT_WHILE:
		return 2 + expr_cost(s->while_.cond) + list_cost(&s->while_.body->block);
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		return 4 + list_cost(&s->for_.body->block);
	default:
		return 2;
	}
}

static uint64_t list_cost(const struct vec *stmts)
{
	uint64_t n = 0;
	for (size_t i = 0; i < stmts->len; i++)
		n += stmt_cost(stmts->items[i]);
	return n;
}

static uint64_t expr_cost(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_UNARY:
		return 1 + expr_cost(e->unary.operand);
	case EXPR_BINARY:
		return 1 + expr_cost(e->binary.lhs) + expr_cost(e->binary.rhs);
	case EXPR_CONDITIONAL:
		return 2 + expr_cost(e->conditional.cond) + expr_cost(e->conditional.then) +
		       expr_cost(e->conditional.otherwise);
	case EXPR_CAST:
		return 1 + expr_cost(e->cast.operand);
	case EXPR_FIELD: case EXPR_ARROW:
		return 1 + expr_cost(e->field.base);
	case EXPR_INDEX:	/* a map lookup is a helper call and its setup */
		return 6 + expr_cost(e->index.base) + expr_cost(e->index.index);
	case EXPR_CALL: {
		uint64_t n = 6;
		for (size_t i = 0; i < e->call.args.len; i++)
			n += 1 + expr_cost(e->call.args.items[i]);
		return n;
	}
	default:
		return 1;
	}
}

/* The largest value E can have, and whether it is known exactly. */
static uint64_t bound_of(struct checker *c, const struct expr *e, bool *exact)
{
	int64_t v;
	*exact = true;
	if (const_value(c, e, &v))
		return v > 0 ? (uint64_t)v : 0;
	if (e->kind == EXPR_IDENT && e->sym && e->sym->kind == SYM_LOCAL &&
	    e->sym->has_value && !e->sym->assigned)
		return e->sym->value > 0 ? (uint64_t)e->sym->value : 0;
	if (e->kind == EXPR_BINARY && e->binary.op == BIN_ADD) {	/* a + b: both bound it */
		bool lx, rx;
		uint64_t l = bound_of(c, e->binary.lhs, &lx), r = bound_of(c, e->binary.rhs, &rx);
		if (l < UINT64_MAX / 2 && r < UINT64_MAX / 2) {
			*exact = lx && rx;
			return l + r;
		}
	}
	*exact = false;
	const struct type *t = value_range(c, e);
	if (e->kind == EXPR_IDENT && e->sym && e->sym->kind == SYM_LOCAL && !e->sym->assigned &&
	    e->sym->init_range)
		t = e->sym->init_range;	/* what it started with, and still holds */
	if (!t || t->kind != TY_INT)
		return UINT64_MAX;
	if (t->bits >= 64)
		return t->is_signed ? INT64_MAX : UINT64_MAX;
	return t->is_signed ? (1ULL << (t->bits - 1)) - 1 : (1ULL << t->bits) - 1;
}

static void judge(struct checker *c, const struct expr *bound, uint64_t iterations,
		  bool exact, uint64_t cost)
{
	if (iterations <= VERIFIER_INSN_LIMIT / cost)
		return;
	if (exact)
		diag_error(c->diag, bound->span,
			   "this loop runs %llu times, about %llu instructions each: more than "
			   "the verifier follows (%d in all)",
			   (unsigned long long)iterations, (unsigned long long)cost, VERIFIER_INSN_LIMIT);
	else
		diag_error(c->diag, bound->span,
			   "the verifier cannot bound this loop: '%.*s' can be up to %llu",
			   (int)(bound->span.end - bound->span.begin),
			   bound->span.src->text + bound->span.begin, (unsigned long long)iterations);
	diag_note(c->diag, bound->span,
		  "eBPF loops need a bound the verifier can follow: a constant, or a narrow value "
		  "(n & 0xff), small enough for the body");
}

/* How many top-level statements of BODY step COUNTER by a positive
 * constant, up (UP) or down: i += 2, i = i + 1; i -= 1, i = i - 1. */
static unsigned steps(const struct stmt *body, const struct symbol *counter, bool up)
{
	enum binary_op op = up ? BIN_ADD : BIN_SUB;
	unsigned n = 0;
	for (size_t i = 0; i < body->block.len; i++) {
		const struct stmt *b = body->block.items[i];
		if (b->kind != STMT_ASSIGN || b->assign.target->kind != EXPR_IDENT ||
		    b->assign.target->sym != counter)
			continue;
		const struct expr *v = b->assign.value;
		if (b->assign.op.compound && b->assign.op.op == op && v->kind == EXPR_INT &&
		    v->integer.value > 0)
			n++;
		else if (!b->assign.op.compound && v->kind == EXPR_BINARY && v->binary.op == op &&
			 v->binary.lhs->kind == EXPR_IDENT && v->binary.lhs->sym == counter &&
			 v->binary.rhs->kind == EXPR_INT && v->binary.rhs->integer.value > 0)
			n++;
	}
	return n;
}

/* A loop's counter and how many passes it allows, at most. */
struct counted {
	const struct expr *bound;	/* what the messages point at */
	uint64_t passes;
	bool exact;
};

/* COND (a conjunct of a while's condition) as a counter stepped toward a
 * bound by the body: i < n with i stepped up; x > k, x != k with x stepped
 * down from what it started with (k a constant).  False when it is not. */
static bool counted_by(struct checker *c, const struct expr *cond, const struct stmt *body,
		       struct counted *out)
{
	if (cond->kind != EXPR_BINARY)
		return false;
	enum binary_op op = cond->binary.op;
	if (op == BIN_AND)	/* a loop ends when any conjunct fails */
		return counted_by(c, cond->binary.lhs, body, out) ||
		       counted_by(c, cond->binary.rhs, body, out);
	const struct expr *l = cond->binary.lhs, *r = cond->binary.rhs;
	/* i < n, n > i: i counts up to n */
	const struct expr *up = op == BIN_LT || op == BIN_LE || op == BIN_NE ? l
				: op == BIN_GT || op == BIN_GE ? r : NULL;
	const struct expr *limit = up == l ? r : l;
	if (up && up->kind == EXPR_IDENT && up->sym && steps(body, up->sym, true)) {
		out->bound = limit;
		out->passes = bound_of(c, limit, &out->exact);
		return true;
	}
	/* x > k, k < x, x != k: x counts down to a constant */
	const struct expr *down = op == BIN_GT || op == BIN_GE || op == BIN_NE ? l
				  : op == BIN_LT || op == BIN_LE ? r : NULL;
	const struct expr *floor = down == l ? r : l;
	int64_t k;
	if (!down || down->kind != EXPR_IDENT || !down->sym || !const_value(c, floor, &k))
		return false;
	unsigned n = steps(body, down->sym, false);
	if (!n)
		return false;
	/* written only by these steps: it starts from its initial value */
	const struct symbol *x = down->sym;
	bool only_steps = x->kind == SYM_LOCAL && x->writes == n;
	uint64_t start;
	if (only_steps && x->has_value) {
		start = x->value > 0 ? (uint64_t)x->value : 0;
		out->exact = true;
	} else if (only_steps && x->init_range) {
		const struct type *t = x->init_range;
		start = t->bits >= 64 ? UINT64_MAX : t->is_signed ? (1ULL << (t->bits - 1)) - 1
			: (1ULL << t->bits) - 1;
		out->exact = false;
	} else {
		start = bound_of(c, down, &out->exact);
		out->exact = false;
	}
	out->bound = down;
	out->passes = k > 0 && (uint64_t)k < start ? start - (uint64_t)k : k > 0 ? 0 : start;
	return true;
}

/* Whether a continue in S goes to S's loop (one in an inner loop does not). */
static bool continues(const struct stmt *s)
{
	if (!s)
		return false;
	switch (s->kind) {
	case STMT_CONTINUE:
		return true;
	case STMT_IF:
		return continues(s->if_.then) || continues(s->if_.otherwise);
	case STMT_BLOCK:
		for (size_t i = 0; i < s->block.len; i++)
			if (continues(s->block.items[i]))
				return true;
		return false;
	case STMT_TRY:
		if (continues(s->try_.body))
			return true;
		for (size_t i = 0; i < s->try_.catches.len; i++)
			if (continues(((struct catch_clause *)s->try_.catches.items[i])->body))
				return true;
		return false;
	default:
		return false;
	}
}

/* Whether a loop with BODY runs its body once at the most: every pass
 * returns, or ends in a break with no continue before it. */
static bool leaves_at_once(const struct stmt *body)
{
	if (stmt_always_returns(body))
		return true;
	const struct stmt *last = body->block.len ? body->block.items[body->block.len - 1] : NULL;
	return last && last->kind == STMT_BREAK && !continues(body);
}

void check_loop_bounds(struct checker *c)
{
	for (size_t i = 0; i < c->loops.len; i++) {
		const struct stmt *s = c->loops.items[i];
		bool exact = false;
		if (s->kind == STMT_FOR_RANGE) {
			uint64_t to = bound_of(c, s->for_.to, &exact);
			int64_t from = 0;
			if (!const_value(c, s->for_.from, &from))
				from = 0;
			uint64_t n = from > 0 && (uint64_t)from < to ? to - (uint64_t)from
				     : from > 0 ? 0 : to;
			judge(c, s->for_.to, n, exact, 4 + list_cost(&s->for_.body->block));
			continue;
		}
		const struct expr *cond = s->while_.cond;
		struct counted counted;
		if (leaves_at_once(s->while_.body))
			continue;
		if (!counted_by(c, cond, s->while_.body, &counted)) {
			diag_error(c->diag, cond->span,
				   "the verifier cannot see that this loop ends");
			diag_note(c->diag, cond->span,
				  "count it: for (i in 0..N), or while (i < N) with i += 1 in the body, "
				  "and break when done");
			continue;
		}
		judge(c, counted.bound, counted.passes, counted.exact,
		      2 + expr_cost(cond) + list_cost(&s->while_.body->block));
	}
	c->loops.len = 0;
}
