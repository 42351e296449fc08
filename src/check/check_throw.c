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
	struct checker *c;
	struct function_info *fn;
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

/* The error CODE is thrown at AT (a throw, or a call that lets it out)
 * inside TRIES: it escapes the function unless one of them catches it. */
static void escape(struct walk *w, const struct tries *tries, bool known, int64_t code,
		   struct span at, const char *callee)
{
	struct checker *c = w->c;
	struct function_info *fn = w->fn;
	if (caught(tries, known, code))
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

static void walk_stmt(struct walk *w, const struct tries *tries, struct stmt *s);

static void walk_expr(struct walk *w, const struct tries *tries, const struct expr *x)
{
	if (!x)
		return;
	switch (x->kind) {
	case EXPR_UNARY: walk_expr(w, tries, x->unary.operand); return;
	case EXPR_BINARY:
		walk_expr(w, tries, x->binary.lhs);
		walk_expr(w, tries, x->binary.rhs);
		return;
	case EXPR_CAST: walk_expr(w, tries, x->cast.operand); return;
	case EXPR_FIELD: case EXPR_ARROW: walk_expr(w, tries, x->field.base); return;
	case EXPR_INDEX:
		walk_expr(w, tries, x->index.base);
		walk_expr(w, tries, x->index.index);
		return;
	case EXPR_CONDITIONAL:
		walk_expr(w, tries, x->conditional.cond);
		walk_expr(w, tries, x->conditional.then);
		walk_expr(w, tries, x->conditional.otherwise);
		return;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			walk_expr(w, tries, ((struct field_init *)x->struct_lit.fields.items[i])->value);
		return;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < x->array.elems.len; i++)
			walk_expr(w, tries, x->array.elems.items[i]);
		return;
	case EXPR_MATCH:
		walk_expr(w, tries, x->match.scrutinee);
		for (size_t i = 0; i < x->match.arms.len; i++) {
			struct match_arm *arm = x->match.arms.items[i];
			walk_expr(w, tries, arm->value);
			if (arm->body)
				walk_stmt(w, tries, arm->body);
		}
		return;
	case EXPR_CALL: {
		for (size_t i = 0; i < x->call.args.len; i++)
			walk_expr(w, tries, x->call.args.items[i]);
		const struct symbol *sym = x->sym;
		if (!sym || sym->kind != SYM_FUNCTION || !fn_may_throw(sym->fn))
			return;
		const struct function_info *callee = sym->fn;
		for (size_t i = 0; i < callee->throws.len; i++)
			escape(w, tries, true, *(const int64_t *)callee->throws.items[i], x->span,
			       sym->name);
		if (callee->throws_unknown)
			escape(w, tries, false, 0, x->span, sym->name);
		return;
	}
	default:
		return;
	}
}

static void walk_block(struct walk *w, const struct tries *tries, struct stmt *block)
{
	if (!block)
		return;
	if (block->kind != STMT_BLOCK) {
		walk_stmt(w, tries, block);
		return;
	}
	for (size_t i = 0; i < block->block.len; i++)
		walk_stmt(w, tries, block->block.items[i]);
}

static void walk_stmt(struct walk *w, const struct tries *tries, struct stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR: case STMT_RETURN: case STMT_DELETE:
		walk_expr(w, tries, s->expr);
		return;
	case STMT_THROW:
		walk_expr(w, tries, s->expr);
		if (s->expr && s->expr->type && type_is_integer(s->expr->type))
			escape(w, tries, s->expr->constant, (int64_t)s->expr->value, s->span, NULL);
		return;
	case STMT_VAR: case STMT_CONST:
		walk_expr(w, tries, s->var.init);
		return;
	case STMT_ASSIGN:
		walk_expr(w, tries, s->assign.target);
		walk_expr(w, tries, s->assign.value);
		return;
	case STMT_IF:
		walk_expr(w, tries, s->if_.cond);
		walk_block(w, tries, s->if_.then);
		walk_block(w, tries, s->if_.otherwise);
		return;
	case STMT_WHILE:
		walk_expr(w, tries, s->while_.cond);
		walk_block(w, tries, s->while_.body);
		return;
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		walk_expr(w, tries, s->for_.from);
		walk_expr(w, tries, s->for_.to);
		walk_expr(w, tries, s->for_.iterable);
		walk_block(w, tries, s->for_.body);
		return;
	case STMT_BLOCK:
		walk_block(w, tries, s);
		return;
	case STMT_TRY: {
		/* what the body throws is caught here; what a catch throws is not */
		struct tries inner = { s, tries };
		/* whether anything reaches the catches: the body walked with no
		 * try around it, into a set of its own */
		struct function_info scratch = { .side = w->fn->side };
		struct function_info *fn = w->fn;
		bool report = w->report, changed = w->changed;
		w->fn = &scratch;
		w->report = false;
		walk_block(w, NULL, s->try_.body);
		s->try_.throws = fn_may_throw(&scratch);
		w->fn = fn;
		w->report = report;
		w->changed = changed;
		walk_block(w, &inner, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++)
			walk_block(w, tries, ((struct catch_clause *)s->try_.catches.items[i])->body);
		return;
	}
	case STMT_DEFER:
	default:
		return;		/* a deferred call that may throw is reported apart */
	}
}

/* Whether X calls a function that may throw. */
static const struct expr *throwing_call(const struct expr *x);

static const struct expr *throwing_in_stmt(const struct stmt *s)
{
	if (!s)
		return NULL;
	switch (s->kind) {
	case STMT_EXPR: case STMT_RETURN: case STMT_DELETE: case STMT_THROW:
		return s->expr ? throwing_call(s->expr) : NULL;
	case STMT_VAR: case STMT_CONST:
		return s->var.init ? throwing_call(s->var.init) : NULL;
	case STMT_ASSIGN: {
		const struct expr *x = throwing_call(s->assign.target);
		return x ? x : throwing_call(s->assign.value);
	}
	case STMT_IF: {
		const struct expr *x = throwing_call(s->if_.cond);
		if (!x)
			x = throwing_in_stmt(s->if_.then);
		return x ? x : throwing_in_stmt(s->if_.otherwise);
	}
	case STMT_WHILE: {
		const struct expr *x = throwing_call(s->while_.cond);
		return x ? x : throwing_in_stmt(s->while_.body);
	}
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		return throwing_in_stmt(s->for_.body);
	case STMT_BLOCK:
		for (size_t i = 0; i < s->block.len; i++) {
			const struct expr *x = throwing_in_stmt(s->block.items[i]);
			if (x)
				return x;
		}
		return NULL;
	default:
		return NULL;
	}
}

static const struct expr *throwing_call(const struct expr *x)
{
	if (!x)
		return NULL;
	const struct expr *found = NULL;
	switch (x->kind) {
	case EXPR_UNARY: return throwing_call(x->unary.operand);
	case EXPR_BINARY:
		found = throwing_call(x->binary.lhs);
		return found ? found : throwing_call(x->binary.rhs);
	case EXPR_CAST: return throwing_call(x->cast.operand);
	case EXPR_FIELD: case EXPR_ARROW: return throwing_call(x->field.base);
	case EXPR_INDEX:
		found = throwing_call(x->index.base);
		return found ? found : throwing_call(x->index.index);
	case EXPR_CONDITIONAL:
		found = throwing_call(x->conditional.cond);
		if (!found)
			found = throwing_call(x->conditional.then);
		return found ? found : throwing_call(x->conditional.otherwise);
	case EXPR_CALL:
		if (x->sym && x->sym->kind == SYM_FUNCTION && fn_may_throw(x->sym->fn))
			return x;
		for (size_t i = 0; i < x->call.args.len; i++)
			if ((found = throwing_call(x->call.args.items[i])))
				return found;
		return NULL;
	default:
		return NULL;
	}
}

/* Deferred work runs on the way out, throws included: it has nobody to
 * throw to. */
static void check_deferred_calls(struct checker *c, const struct stmt *s);

static void deferred_in_block(struct checker *c, const struct stmt *block)
{
	if (!block)
		return;
	if (block->kind != STMT_BLOCK) {
		check_deferred_calls(c, block);
		return;
	}
	for (size_t i = 0; i < block->block.len; i++)
		check_deferred_calls(c, block->block.items[i]);
}

static void check_deferred_calls(struct checker *c, const struct stmt *s)
{
	switch (s->kind) {
	case STMT_DEFER: {
		const struct expr *x = s->expr ? throwing_call(s->expr) : throwing_in_stmt(s->deferred);
		if (x)
			diag_error(c->diag, x->span, "'%s' may throw, and deferred work cannot: "
				   "it runs on the way out, where nothing catches", x->sym->name);
		return;
	}
	case STMT_IF:
		deferred_in_block(c, s->if_.then);
		deferred_in_block(c, s->if_.otherwise);
		return;
	case STMT_BLOCK:
		deferred_in_block(c, s);
		return;
	case STMT_TRY:
		deferred_in_block(c, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++)
			deferred_in_block(c, ((struct catch_clause *)s->try_.catches.items[i])->body);
		return;
	default:
		return;
	}
}

void check_throws(struct checker *c)
{
	struct walk w = { .c = c };
	do {	/* until no function's set grows: they only grow, and are bounded */
		w.changed = false;
		for (size_t i = 0; i < c->cp->functions.len; i++) {
			w.fn = c->cp->functions.items[i];
			if (w.fn->decl->fn.body)
				walk_block(&w, NULL, w.fn->decl->fn.body);
		}
	} while (w.changed);
	w.report = true;
	for (size_t i = 0; i < c->cp->functions.len; i++) {
		struct function_info *fn = c->cp->functions.items[i];
		if (!fn->decl->fn.body)
			continue;
		check_deferred_calls(c, fn->decl->fn.body);
		if (!fn_may_throw(fn) || fn_hands_on_errors(c->cp, fn))
			continue;
		w.fn = fn;
		walk_block(&w, NULL, fn->decl->fn.body);
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
