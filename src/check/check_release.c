/* The check stage: every path releases what reserve() gave.
 *
 * A function's statements are followed with the set of reservations that
 * may be live: reserved and not yet submitted or discarded.  The verifier
 * rejects a program that can leave one behind, so a path out of the
 * function (a return, a throw that leaves it, its end) with a live
 * reservation is an error here, at that path.  A slot known to be null
 * (the other branch of `if (e != null)`, of `if (var e = rb.reserve())`)
 * needs no release.  Branches join by union, and a loop's body may run
 * any number of times, so a reservation made before a loop and released
 * only in it may still be live after it. */
#include "check_internal.h"

#include <string.h>

struct release_walk {
	struct checker *c;
	const struct vec *reserved;	/* struct symbol *: bit i is reserved[i] */
	uint64_t reported;		/* bits already reported, once each */
	int try_depth;			/* inside a try body: a throw goes to its catches */
	uint64_t loop_entry;		/* the live set where the innermost loop began */
};

/* Where a path stands: what may be live, and whether it goes on. */
struct flow {
	uint64_t live;
	bool ends;		/* returned, thrown, broke or continued */
};

static uint64_t bit_of(const struct release_walk *w, const struct symbol *sym)
{
	for (size_t i = 0; sym && i < w->reserved->len && i < 64; i++)
		if (w->reserved->items[i] == sym)
			return UINT64_C(1) << i;
	return 0;
}

struct release_visitor {
	struct ast_visitor base;
	const struct release_walk *w;
	uint64_t bits;
};

static bool release_call(struct ast_visitor *v, struct expr *x)
{
	struct release_visitor *r = (struct release_visitor *)v;
	if (x->kind == EXPR_CALL && x->call.callee->kind == EXPR_FIELD &&
	    x->call.callee->field.base->type &&
	    x->call.callee->field.base->type->kind == TY_RINGBUF &&
	    (!strcmp(x->call.callee->field.name, "submit") ||
	     !strcmp(x->call.callee->field.name, "discard")) && x->call.args.len == 1) {
		const struct expr *p = x->call.args.items[0];
		if (p->kind == EXPR_IDENT)
			r->bits |= bit_of(r->w, p->sym);
	}
	return true;
}

/* The reservations the submits and discards in X release. */
static uint64_t released_in(const struct release_walk *w, const struct expr *x)
{
	if (!x)
		return 0;
	struct release_visitor r = { .base = { .expr = release_call }, .w = w };
	ast_walk_expr(&r.base, (struct expr *)x);
	return r.bits;
}

/* The reservation that COND tests against null, and on which branch it
 * is null: `e == null` (then), `e != null` and `e` (otherwise), `!e`. */
static uint64_t null_on(const struct release_walk *w, const struct expr *cond, bool *in_then)
{
	if (cond->kind == EXPR_UNARY && cond->unary.op == UNARY_NOT) {
		uint64_t b = null_on(w, cond->unary.operand, in_then);
		*in_then = !*in_then;
		return b;
	}
	if (cond->kind == EXPR_IDENT) {
		*in_then = false;
		return bit_of(w, cond->sym);
	}
	if (cond->kind != EXPR_BINARY || (cond->binary.op != BIN_EQ && cond->binary.op != BIN_NE))
		return 0;
	const struct expr *a = cond->binary.lhs, *b = cond->binary.rhs;
	if (a->kind == EXPR_NULL) {
		const struct expr *t = a;
		a = b;
		b = t;
	}
	if (a->kind != EXPR_IDENT || b->kind != EXPR_NULL)
		return 0;
	*in_then = cond->binary.op == BIN_EQ;
	return bit_of(w, a->sym);
}

/* A path leaves the function with LIVE: each reservation still there is
 * an error at AT, WHERE saying how it leaves. */
static void leaves(struct release_walk *w, uint64_t live, struct span at, const char *where)
{
	for (size_t i = 0; i < w->reserved->len && i < 64; i++) {
		uint64_t b = UINT64_C(1) << i;
		if (!(live & b) || (w->reported & b))
			continue;
		const struct symbol *sym = w->reserved->items[i];
		w->reported |= b;
		diag_error(w->c->diag, at, "'%s' is reserved from '%s' and %s without being "
			   "submitted or discarded (the verifier rejects a path that leaves a "
			   "reservation unreleased)", sym->name, sym->reserved_from->name, where);
		diag_note(w->c->diag, sym->span, "'%s' is reserved here", sym->name);
	}
}

static struct flow walk_stmt(struct release_walk *w, const struct stmt *s, struct flow in);

static struct flow walk_block(struct release_walk *w, const struct stmt *block, struct flow in)
{
	if (!block)
		return in;
	if (block->kind != STMT_BLOCK)
		return walk_stmt(w, block, in);
	for (size_t i = 0; i < block->block.len && !in.ends; i++)
		in = walk_stmt(w, block->block.items[i], in);
	return in;
}

static struct flow join(struct flow a, struct flow b)
{
	if (a.ends)
		return b;
	if (b.ends)
		return a;
	return (struct flow){ a.live | b.live, false };
}

/* The arms of a match written as statements: branches, like an if's. */
static struct flow walk_match_arms(struct release_walk *w, const struct expr *x, struct flow in)
{
	struct flow out = { 0, true };
	bool fallback = true;	/* no default arm: no arm may run */
	for (size_t i = 0; i < x->match.arms.len; i++) {
		const struct match_arm *arm = x->match.arms.items[i];
		struct flow f = in;
		if (arm->body)
			f = walk_block(w, arm->body, in);
		else
			f.live &= ~released_in(w, arm->value);
		out = join(out, f);
		fallback &= arm->pattern != NULL;
	}
	return fallback ? join(out, in) : out;
}

static struct flow walk_expr(struct release_walk *w, const struct expr *x, struct flow in)
{
	if (x && x->kind == EXPR_MATCH)
		return walk_match_arms(w, x, in);
	in.live &= ~released_in(w, x);
	return in;
}

static struct flow walk_loop(struct release_walk *w, const struct stmt *body, struct flow in)
{
	uint64_t outer = w->loop_entry;
	w->loop_entry = in.live;
	struct flow f = walk_block(w, body, in);
	w->loop_entry = outer;
	/* it may run no time, or leave through a break: what was live on
	   entry may still be */
	return (struct flow){ in.live | (f.ends ? 0 : f.live), false };
}

static struct flow walk_stmt(struct release_walk *w, const struct stmt *s, struct flow in)
{
	switch (s->kind) {
	case STMT_VAR:
		in = walk_expr(w, s->var.init, in);
		in.live |= bit_of(w, s->sym);
		return in;
	case STMT_EXPR: case STMT_DELETE: case STMT_DEFER:
		/* a deferred release runs on every way out after it */
		if (s->kind == STMT_DEFER && s->deferred)
			return walk_block(w, s->deferred, in);
		return walk_expr(w, s->expr, in);
	case STMT_ASSIGN:
		in = walk_expr(w, s->assign.value, in);
		return in;
	case STMT_CONST:
		return in;
	case STMT_RETURN:
		in = walk_expr(w, s->expr, in);
		leaves(w, in.live, s->span, "the function returns here");
		return (struct flow){ 0, true };
	case STMT_THROW:
		in = walk_expr(w, s->expr, in);
		if (!w->try_depth)
			leaves(w, in.live, s->span, "the error thrown here leaves the function");
		return (struct flow){ in.live, true };
	case STMT_BREAK: case STMT_CONTINUE:
		/* what the loop's body reserved must be released by now */
		leaves(w, in.live & ~w->loop_entry, s->span, s->kind == STMT_BREAK
		       ? "the loop is left here" : "the loop goes round here");
		return (struct flow){ in.live, true };
	case STMT_BLOCK:
		return walk_block(w, s, in);
	case STMT_IF: {
		struct flow then = in, otherwise = in;
		if (s->if_.bind) {	/* if (var e = ...): e only in then, not null there */
			then = walk_expr(w, s->if_.cond, in);
			otherwise = then;
			then.live |= bit_of(w, s->sym);
		} else {
			bool null_in_then = false;
			uint64_t tested = null_on(w, s->if_.cond, &null_in_then);
			then = otherwise = walk_expr(w, s->if_.cond, in);
			if (null_in_then)
				then.live &= ~tested;
			else
				otherwise.live &= ~tested;
		}
		then = walk_block(w, s->if_.then, then);
		otherwise = walk_block(w, s->if_.otherwise, otherwise);
		return join(then, otherwise);
	}
	case STMT_WHILE:
		in = walk_expr(w, s->while_.cond, in);
		return walk_loop(w, s->while_.body, in);
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		return walk_loop(w, s->for_.body, in);
	case STMT_TRY: {
		w->try_depth++;
		struct flow body = walk_block(w, s->try_.body, in);
		w->try_depth--;
		/* a catch starts from wherever the body threw: anything it may
		   have held */
		struct flow out = body;
		for (size_t i = 0; i < s->try_.catches.len; i++) {
			const struct catch_clause *k = s->try_.catches.items[i];
			struct flow from = { in.live | body.live, false };
			out = join(out, walk_block(w, k->body, from));
		}
		return out;
	}
	}
	return in;
}

void check_release_paths(struct checker *c, const struct function_info *fn,
			 const struct vec *reserved)
{
	if (!reserved->len || !fn->decl->fn.body)
		return;
	struct release_walk w = { .c = c, .reserved = reserved };
	struct flow end = walk_block(&w, fn->decl->fn.body, (struct flow){ 0, false });
	if (!end.ends)
		leaves(&w, end.live, fn->decl->name_span,
		       arena_printf(A, "may reach the end of '%s'", fn->decl->name));
}
