/* The check stage: throw, try/catch and defer (LANGUAGE.md, "Errors").
 *
 * An error is an integer code.  What each function may throw and not
 * catch is worked out over the whole program, once every body is checked:
 * the codes known at compile time, and whether an unknown one (a thrown
 * variable) may escape.  A helper or a userspace function hands what
 * escapes to its caller; an eBPF program has nobody to hand it to, so
 * what escapes it is an error; what escapes main is a warning, and ends
 * the program at run time. */
#include "check_internal.h"

/* The try statements around a point, innermost first. */
struct tries {
	const struct stmt *try_;
	const struct tries *up;
};

struct walk {
	struct ast_visitor v;
	struct checker *c;
	struct function_info *fn;
	const struct tries *tries;	/* around the node being walked */
	bool changed;		/* a set grew: go round again */
	bool report;		/* last round: say where errors escape */
};

bool fn_may_throw(const struct function_info *fn)
{
	return fn && (fn->throws.len || fn->throws_unknown);
}

bool fn_hands_on_errors(const struct checked_program *cp, const struct function_info *fn)
{
	return fn_may_throw(fn) && (fn->side == SIDE_HELPER ||
				    (fn->side == SIDE_USERSPACE && fn != cp->main_fn));
}

/* Whether one of TRIES catches CODE (KNOWN: known at compile time). */
static bool caught(const struct tries *t, bool known, int64_t code)
{
	for (; t; t = t->up) {
		const struct vec *catches = &t->try_->try_.catches;
		for (size_t i = 0; i < catches->len; i++) {
			const struct catch_clause *cl = catches->items[i];
			if (!cl->code || (known && cl->code->constant && (int64_t)cl->code->value == code))
				return true;
		}
	}
	return false;
}

static bool has_code(const struct function_info *fn, int64_t code)
{
	for (size_t i = 0; i < fn->throws.len; i++)
		if (*(const int64_t *)fn->throws.items[i] == code)
			return true;
	return false;
}

static const char *code_text(struct checker *c, bool known, int64_t code)
{
	return known ? arena_printf(A, "error %lld", (long long)code) : "an error";
}

/* The error CODE is thrown at AT (a throw, or a call of CALLEE that lets
 * it out): it escapes the function unless a try around catches it. */
static void escape(struct walk *w, bool known, int64_t code, struct span at, const char *callee)
{
	struct checker *c = w->c;
	struct function_info *fn = w->fn;
	if (caught(w->tries, known, code))
		return;
	if (w->report) {
		const char *what = callee ? arena_printf(A, "'%s' may throw %s", callee,
							 code_text(c, known, code))
				   : arena_printf(A, "%s is thrown", code_text(c, known, code));
		if (fn->side == SIDE_USERSPACE)	/* main */
			diag_warning(c->diag, at, "%s here, and nothing catches it: the program "
				     "would end with it", what);
		else
			diag_error(c->diag, at, "%s here, and nothing catches it: %s must catch "
				   "every error (catch _ catches them all)", what,
				   fn->side == SIDE_PROGRAM ? "an eBPF program"
				   : "a kernel-module or test function");
		return;
	}
	if (!known) {
		w->changed |= !fn->throws_unknown;
		fn->throws_unknown = true;
	} else if (!has_code(fn, code)) {
		int64_t *slot = arena_alloc(A, sizeof(*slot));
		*slot = code;
		vec_push(A, &fn->throws, slot);
		w->changed = true;
	}
}

/* The name a call gives its callee: fn, or module.fn for an import. */
static const char *callee_name(struct checker *c, const struct expr *call)
{
	const struct expr *callee = call->call.callee;
	if (callee->kind == EXPR_FIELD && callee->field.base->kind == EXPR_IDENT)
		return arena_printf(A, "%s.%s", callee->field.base->ident, callee->field.name);
	return call->sym->name;
}

static bool walk_expr(struct ast_visitor *v, struct expr *x)
{
	struct walk *w = (struct walk *)v;
	const struct symbol *sym = x->sym;
	if (x->kind != EXPR_CALL || !sym || sym->kind != SYM_FUNCTION || !fn_may_throw(sym->fn))
		return true;
	const struct function_info *callee = sym->fn;
	for (size_t i = 0; i < callee->throws.len; i++)
		escape(w, true, *(const int64_t *)callee->throws.items[i], x->span,
		       callee_name(w->c, x));
	if (callee->throws_unknown)
		escape(w, false, 0, x->span, callee_name(w->c, x));
	return true;
}

static bool walk_stmt(struct ast_visitor *v, struct stmt *s)
{
	struct walk *w = (struct walk *)v;
	switch (s->kind) {
	case STMT_THROW:
		if (s->expr && s->expr->type && type_is_integer(s->expr->type))
			escape(w, s->expr->constant, (int64_t)s->expr->value, s->span, NULL);
		return true;
	case STMT_DEFER:
		return false;	/* a deferred call that may throw is reported apart */
	case STMT_TRY: {
		/* whether anything reaches the catches: the body walked with no
		 * try around it, into a set of its own */
		struct walk body = *w;
		struct function_info scratch = { .side = w->fn->side };
		body.fn = &scratch;
		body.tries = NULL;
		body.report = false;
		ast_walk_stmt(&body.v, s->try_.body);
		s->try_.throws = fn_may_throw(&scratch);
		/* what the body throws is caught here; what a catch throws is not */
		const struct tries *outer = w->tries;
		struct tries inner = { s, outer };
		w->tries = &inner;
		ast_walk_stmt(v, s->try_.body);
		w->tries = outer;
		for (size_t i = 0; i < s->try_.catches.len; i++)
			ast_walk_stmt(v, ((struct catch_clause *)s->try_.catches.items[i])->body);
		return false;
	}
	default:
		return true;
	}
}

/* The first call under a statement or expression of a function that may
 * throw. */
struct finder {
	struct ast_visitor v;
	const struct expr *found;
};

static bool find_throwing_call(struct ast_visitor *v, struct expr *x)
{
	struct finder *f = (struct finder *)v;
	if (!f->found && x->kind == EXPR_CALL && x->sym && x->sym->kind == SYM_FUNCTION &&
	    fn_may_throw(x->sym->fn))
		f->found = x;
	return !f->found;
}

/* Deferred work runs on the way out, throws included: it has nobody to
 * throw to. */
static bool check_deferred_calls(struct ast_visitor *v, struct stmt *s)
{
	if (s->kind != STMT_DEFER)
		return true;
	struct finder f = { .v.expr = find_throwing_call };
	ast_walk_expr(&f.v, s->expr);
	ast_walk_stmt(&f.v, s->deferred);
	if (f.found)
		diag_error(((struct walk *)v)->c->diag, f.found->span, "'%s' may throw, and "
			   "deferred work cannot: it runs on the way out, where nothing catches",
			   callee_name(((struct walk *)v)->c, f.found));
	return false;
}

void check_throws(struct checker *c)
{
	struct walk w = { .v = { walk_expr, walk_stmt }, .c = c };
	do {	/* until no function's set grows: they only grow, and are bounded */
		w.changed = false;
		for (size_t i = 0; i < c->cp->functions.len; i++) {
			w.fn = c->cp->functions.items[i];
			ast_walk_stmt(&w.v, w.fn->decl->fn.body);
		}
	} while (w.changed);
	w.report = true;
	struct walk defers = { .v.stmt = check_deferred_calls, .c = c };
	for (size_t i = 0; i < c->cp->functions.len; i++) {
		struct function_info *fn = c->cp->functions.items[i];
		ast_walk_stmt(&defers.v, fn->decl->fn.body);
		if (!fn_may_throw(fn) || fn_hands_on_errors(c->cp, fn))
			continue;
		w.fn = fn;
		ast_walk_stmt(&w.v, fn->decl->fn.body);
	}
}

/* ---- the statements ---- */

void check_throw_stmt(struct checker *c, struct stmt *s)
{
	const struct type *t = check_expr(c, s->expr);
	if (t && t->kind != TY_ERROR && !type_is_integer(t))
		diag_error(c->diag, s->expr->span, "'throw' takes an integer error code, not %s",
			   type_name(A, t));
	else if (t && s->expr->untyped)
		const_adapt(s->expr, &type_i64);
}

void check_catches(struct checker *c, struct stmt *s)
{
	const struct vec *catches = &s->try_.catches;
	for (size_t i = 0; i < catches->len; i++) {
		struct catch_clause *cl = catches->items[i];
		if (!cl->code) {
			if (i + 1 < catches->len)
				diag_error(c->diag, cl->span, "'catch _' catches every error: "
					   "it comes last");
			continue;
		}
		const struct type *t = check_expr(c, cl->code);
		if (!t || t->kind == TY_ERROR)
			continue;
		if (!type_is_integer(t) || !cl->code->constant) {
			diag_error(c->diag, cl->code->span, "'catch' takes an error code known at "
				   "compile time: a literal, a const or an enum value");
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const struct catch_clause *before = catches->items[j];
			if (before->code && before->code->constant &&
			    (int64_t)before->code->value == (int64_t)cl->code->value) {
				diag_error(c->diag, cl->code->span, "error %lld is caught twice",
					   (long long)(int64_t)cl->code->value);
				break;
			}
		}
	}
}

/* Whether BREAK or CONTINUE in S leaves it (a loop inside keeps them). */
static const struct stmt *leaves(const struct stmt *s, bool in_loop)
{
	if (!s)
		return NULL;
	switch (s->kind) {
	case STMT_RETURN: case STMT_THROW: case STMT_DEFER: case STMT_TRY:
		return s;
	case STMT_BREAK: case STMT_CONTINUE:
		return in_loop ? NULL : s;
	case STMT_IF: {
		const struct stmt *x = leaves(s->if_.then, in_loop);
		return x ? x : leaves(s->if_.otherwise, in_loop);
	}
	case STMT_WHILE:
		return leaves(s->while_.body, true);
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		return leaves(s->for_.body, true);
	case STMT_BLOCK:
		for (size_t i = 0; i < s->block.len; i++) {
			const struct stmt *x = leaves(s->block.items[i], in_loop);
			if (x)
				return x;
		}
		return NULL;
	default:
		return NULL;
	}
}

void check_defer_stmt(struct checker *c, struct stmt *s)
{
	if (c->loop_depth)
		diag_error(c->diag, s->span, "'defer' in a loop: deferred work runs once, when "
			   "the function returns; put the loop's body in a function of its own");
	const struct stmt *bad = s->deferred ? leaves(s->deferred, false) : NULL;
	if (bad)
		diag_error(c->diag, bad->span, "deferred work cannot %s: it runs on the way out "
			   "of the function",
			   bad->kind == STMT_RETURN ? "return" : bad->kind == STMT_THROW ? "throw"
			   : bad->kind == STMT_DEFER ? "defer more" : bad->kind == STMT_TRY
			   ? "try" : "leave with break or continue");
}

void check_deferred_name(struct checker *c, const struct expr *name)
{
	const struct symbol *sym = name->sym;
	if (!c->deferring || (sym->kind != SYM_LOCAL && sym->kind != SYM_PARAM))
		return;
	/* the scopes from the defer's out to the body's, which stays */
	for (const struct scope *sc = c->deferring; sc && sc->up && sc->up->up; sc = sc->up)
		for (size_t i = 0; i < sc->symbols.len; i++)
			if (sc->symbols.items[i] == sym) {
				diag_error(c->diag, name->span, "'%s' is gone on the way out of the "
					   "function, where deferred work runs: defer a call, whose "
					   "arguments are taken at the defer", sym->name);
				return;
			}
}
