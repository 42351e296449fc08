/* The plan stage: the names the C of throw, try/catch and defer needs
 * (LANGUAGE.md, "Errors"; the emitters write it, emit_errors.c).
 *
 * A function that meets errors keeps an error state (struct error_state:
 * whether an error is on its way, and its code).  A function that hands
 * its errors on takes its caller's state as a last parameter; the others
 * have one of their own.  A throw, or a call that comes back with an
 * error, jumps to the catches of the try around it, or, when there is
 * none, to the function's way out.  The way out runs the deferred work
 * that has run its defer, last first, and returns.  The same survey names
 * the other variables a function's C adds beside its own: the struct a
 * string or array result goes back in, and the one a + b is built in as a
 * value.  Every such name is free of every local of the function, so no
 * local can hide it. */
#include "plan_internal.h"

#include <string.h>

struct survey {
	struct ast_visitor v;
	struct arena *arena;
	struct names *locals;	/* the names of the function's locals */
	struct vec defers;	/* struct stmt * */
	struct vec tries;	/* struct stmt *: those an error may reach */
	bool throwing_calls;	/* a call that may come back with an error */
	bool joins;		/* a + b of strings used as a value */
	bool matches;		/* a match that is not a simple ?: chain */
	bool entry_parts;	/* &m[k].f: the address of a part of an entry */
	bool throws;
};

static bool survey_expr(struct ast_visitor *v, struct expr *x)
{
	struct survey *s = (struct survey *)v;
	if (x->kind == EXPR_CALL && x->sym && x->sym->kind == SYM_FUNCTION &&
	    fn_may_throw(x->sym->fn))
		s->throwing_calls = true;
	if ((expr_is_join(x) && x->c_call) || x->c_widen ||
	    (x->c_core && x->type && x->type->kind == TY_ARRAY))	/* read into a struct */
		s->joins = true;
	for (size_t i = 0; x->kind == EXPR_STRUCT_LIT && i < x->struct_lit.fields.len; i++)
		if (((const struct field_init *)x->struct_lit.fields.items[i])->c_copied)
			s->joins = true;	/* the literal is built in a variable */
	if (x->kind == EXPR_MATCH && !match_is_simple(x))
		s->matches = true;
	if (x->kind == EXPR_UNARY && x->unary.op == UNARY_ADDR && entry_of_place(x->unary.operand))
		s->entry_parts = true;
	return true;
}

static void survey_local(struct survey *s, const char *name)
{
	if (name)
		names_take(s->locals, name);
}

static bool survey_stmt(struct ast_visitor *v, struct stmt *st)
{
	struct survey *s = (struct survey *)v;
	switch (st->kind) {
	case STMT_THROW:
		s->throws = true;
		break;
	case STMT_VAR: case STMT_CONST:
		survey_local(s, st->var.name);
		break;
	case STMT_IF:
		survey_local(s, st->if_.bind);
		break;
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		survey_local(s, st->for_.var);
		survey_local(s, st->for_.value_var);
		break;
	case STMT_TRY:
		if (st->try_.throws)
			vec_push(s->arena, &s->tries, st);
		break;
	case STMT_DEFER:
		vec_push(s->arena, &s->defers, st);
		break;
	default:
		break;
	}
	return true;
}

/* Whether the argument X of a deferred call is copied when the defer runs:
 * what may change before the way out. */
static bool captured(const struct expr *x)
{
	return !x->constant && x->kind != EXPR_STRING && x->kind != EXPR_NULL &&
	       x->kind != EXPR_BOOL;
}

/* defer f(a, b): the arguments are copied now, the call made on the way out. */
static void plan_defer(struct plan *plan, struct names *block, struct names *locals,
		       struct stmt *s)
{
	struct arena *a = plan->arena;
	s->c_flag = names_claim_in(block, locals, "deferred");
	if (!s->expr || s->expr->kind != EXPR_CALL)
		return;
	for (size_t i = 0; i < s->expr->call.args.len; i++) {
		const struct expr *arg = s->expr->call.args.items[i];
		if (!captured(arg))
			continue;
		struct capture *cap = arena_alloc(a, sizeof(*cap));
		cap->arg = arg;
		cap->c_name = names_claim_in(block, locals, arena_printf(a, "%s_arg%zu",
									 s->c_flag, i + 1));
		vec_push(a, &s->c_captures, cap);
	}
}

void plan_errors(struct plan *plan, enum c_side side, struct function_info *fn,
		 struct names *block)
{
	struct arena *a = plan->arena;
	struct survey s = { .v = { survey_expr, survey_stmt }, .arena = a,
			    .locals = names_new(a, NULL) };
	for (size_t i = 0; i < fn->decl->fn.params.len; i++)
		survey_local(&s, ((struct param *)fn->decl->fn.params.items[i])->name);
	ast_walk_stmt(&s.v, fn->decl->fn.body);
	bool hands_on = fn_hands_on_errors(plan->cp, fn);
	if (fn->c_returns)	/* the struct that carries the string or array back */
		fn->c_ret = names_claim_in(block, s.locals, "ret");
	if (s.joins)
		fn->c_joined = names_claim_in(block, s.locals, "joined");
	if (s.entry_parts)
		fn->c_entry = names_claim_in(block, s.locals, "entry");
	if (s.matches) {
		fn->c_match_value = names_claim_in(block, s.locals, "value");
		fn->c_matched = names_claim_in(block, s.locals, "matched");
	}
	if (!hands_on && !s.throwing_calls && !s.throws && !s.tries.len && !s.defers.len)
		return;
	fn->c_defers = s.defers;
	if (hands_on || s.throwing_calls || s.throws) {
		if (!plan->error_struct)
			plan->error_struct = names_claim(plan->tags, "error_state");
		plan->uses_errors[side] = true;
		fn->c_thrown = names_claim_in(block, s.locals, "error");
	}
	if (s.throwing_calls)
		fn->c_result = names_claim_in(block, s.locals, "result");
	/* labels: C gives them a namespace of their own, function-wide */
	struct names *labels = names_new(a, plan->visible[side]);
	for (size_t i = 0; i < s.tries.len; i++) {
		struct stmt *t = s.tries.items[i];
		t->try_.c_catch = names_claim(labels, "on_error");
		t->try_.c_end = names_claim(labels, "after_try");
	}
	/* the way out: for deferred work, and for errors that leave */
	if (s.defers.len || fn_may_throw(fn)) {
		fn->c_out = names_claim(labels, "out");
		const struct type *ret = fn == plan->cp->main_fn ? &type_i32 : fn->type->ret;
		if (fn->ret_sym && !fn->c_returns)
			fn->c_ret = fn->ret_sym->c_name;
		else if (ret->kind != TY_VOID && !fn->c_ret)
			fn->c_ret = names_claim_in(block, s.locals, "ret");
	}
	for (size_t i = 0; i < s.defers.len; i++)
		plan_defer(plan, block, s.locals, s.defers.items[i]);
}
