/* Printing throw, try/catch and defer, as the plan named them
 * (plan_errors.c has the shape of the C).
 *
 *	try { ... throw 2 ... } catch 2 { ... }
 *
 * becomes
 *
 *	{ ... error.thrown = true; error.code = 2; goto on_error; ... }
 *	goto after_try;
 *	on_error:
 *	if (error.code == 2) {
 *		error.thrown = false; ...
 *	} else {
 *		goto out;	(to the try around, or the way out)
 *	}
 *	after_try:;
 *
 * A call that may come back with an error is checked where it returns,
 * inside the expression: ({ T result = f(x, &error); if (error.thrown)
 * goto on_error; result; }). */
#include "emit_internal.h"

/* A label, a step left of the code it leads to. */
static void emit_label(struct emitter *e, const char *label, const char *then)
{
	e->indent--;
	emit_line(e, "%s:%s", label, then);
	e->indent++;
}

void emit_error_struct(struct emitter *e)
{
	if (!e->plan->uses_errors[e->side])
		return;
	emit_line(e, "%s", "");
	emit_line(e, "/* an error on its way to a catch: thrown, and its code */");
	emit_line(e, "struct %s {", e->plan->error_struct);
	emit_line(e, "\tbool thrown;");
	emit_line(e, "\t__s64 code;");
	emit_line(e, "};");
}

const char *emit_error_param(struct emitter *e, const struct function_info *fn, const char *params)
{
	if (!fn_hands_on_errors(e->cp, fn))
		return params;
	const char *param = arena_printf(A, "struct %s *%s", e->plan->error_struct, fn->c_thrown);
	return *params ? arena_printf(A, "%s, %s", params, param) : param;
}

/* The error state of the function being written: "error->" or "error." */
static const char *state(struct emitter *e)
{
	return arena_printf(A, "%s%s", e->fn->c_thrown,
			    fn_hands_on_errors(e->cp, e->fn) ? "->" : ".");
}

/* Where an error goes from here; marked as gone to. */
static const char *target(struct emitter *e)
{
	e->error_target->used = true;
	return e->error_target->label;
}

void emit_errors_prologue(struct emitter *e, const struct function_info *fn)
{
	/* no try around, no way out: the checker saw that nothing is thrown */
	e->error_target = arena_alloc(A, sizeof(*e->error_target));
	e->out_target = NULL;
	if (fn->c_thrown && !fn_hands_on_errors(e->cp, fn)) {
		emit_line(e, "struct %s %s = {};", e->plan->error_struct, fn->c_thrown);
		if (!fn->c_result && !fn_may_throw(fn))	/* perhaps only written */
			emit_line(e, "(void)%s;", fn->c_thrown);
	}
	if (fn->c_returns)
		emit_line(e, "struct %s %s = {};", fn->c_returns, fn->c_ret);
	else if (fn->c_ret && !fn->ret_sym) {
		const struct type *ret = fn == e->cp->main_fn ? &type_i32 : fn->type->ret;
		emit_line(e, "%s = %s;", c_decl(e, ret, fn->c_ret),
			  ret->kind == TY_STRUCT ? "{}" : "0");
	}
	for (size_t i = 0; i < fn->c_defers.len; i++) {
		const struct stmt *s = fn->c_defers.items[i];
		emit_line(e, "bool %s = false;", s->c_flag);
		for (size_t j = 0; j < s->c_captures.len; j++) {
			const struct capture *cap = s->c_captures.items[j];
			const struct type *t = cap->arg->c_cast ? cap->arg->c_cast : cap->arg->type;
			bool aggregate = t->kind == TY_STRUCT || c_is_array(t);
			emit_line(e, "%s = %s;", c_decl(e, t, cap->c_name), aggregate ? "{}" : "0");
		}
	}
	if (fn->c_out) {
		struct error_target *out = arena_alloc(A, sizeof(*out));
		out->label = fn->c_out;
		e->error_target = e->out_target = out;
	}
}

void emit_return_via_out(struct emitter *e, const struct expr *value)
{
	if (value) {
		start_line(e);
		emit_text(e, "%s = ", e->fn->c_ret);
		emit_expr(e, value);
		emit_text(e, ";\n");
	}
	emit_line(e, "goto %s;", e->fn->c_out);
	e->out_target->used = true;
}

/* The deferred work that ran its defer, last first; then the return. */
void emit_way_out(struct emitter *e, const struct function_info *fn)
{
	if (!fn->c_out)
		return;
	if (e->out_target->used)
		emit_label(e, fn->c_out, "");
	for (size_t i = fn->c_defers.len; i-- > 0;) {
		const struct stmt *s = fn->c_defers.items[i];
		if (s->deferred) {
			emit_line(e, "if (%s) {", s->c_flag);
			e->indent++;
			emit_block_body(e, s->deferred);
			e->indent--;
			emit_line(e, "}");
			continue;
		}
		emit_line(e, "if (%s)", s->c_flag);
		e->indent++;
		e->captures = &s->c_captures;
		start_line(e);
		emit_expr(e, s->expr);
		emit_text(e, ";\n");
		e->captures = NULL;
		e->indent--;
	}
	if (fn == e->cp->main_fn && fn_may_throw(fn)) {
		/* an error nothing caught ends the program */
		const char *st = state(e);
		emit_line(e, "if (%sthrown) {", st);
		emit_line(e, "\tfprintf(stderr, \"%s: error %%lld was thrown and not caught\\n\", "
			  "(long long)%scode);", e->plan->program, st);
		emit_line(e, "\treturn %scode > 0 && %scode < 256 ? (int)%scode : 1;", st, st, st);
		emit_line(e, "}");
	}
	emit_line(e, fn->c_ret ? "return %s;" : "return;", fn->c_ret);
}

const char *emit_captured(struct emitter *e, const struct expr *x)
{
	for (size_t i = 0; e->captures && i < e->captures->len; i++) {
		const struct capture *cap = e->captures->items[i];
		if (cap->arg == x)
			return cap->c_name;
	}
	return NULL;
}

void emit_throw(struct emitter *e, const struct stmt *s)
{
	const char *st = state(e);
	emit_line(e, "%sthrown = true;", st);
	start_line(e);
	emit_text(e, "%scode = ", st);
	emit_expr(e, s->expr);
	emit_text(e, ";\n");
	emit_line(e, "goto %s;", target(e));
}

void emit_defer(struct emitter *e, const struct stmt *s)
{
	emit_line(e, "%s = true;", s->c_flag);
	for (size_t i = 0; i < s->c_captures.len; i++) {
		const struct capture *cap = s->c_captures.items[i];
		start_line(e);
		if (c_is_array(cap->arg->type)) {
			emit_text(e, "__builtin_memcpy(%s, ", cap->c_name);
			emit_expr(e, cap->arg);
			emit_text(e, ", sizeof(%s));\n", cap->c_name);
			continue;
		}
		emit_text(e, "%s = ", cap->c_name);
		emit_expr(e, cap->arg);
		emit_text(e, ";\n");
	}
}

void emit_try(struct emitter *e, const struct stmt *s)
{
	if (!s->try_.throws) {	/* nothing reaches the catches */
		start_line(e);
		emit_braced(e, s->try_.body);
		emit_text(e, "\n");
		return;
	}
	struct error_target *outer = e->error_target;
	struct error_target here = { .label = s->try_.c_catch };
	e->error_target = &here;
	start_line(e);
	emit_braced(e, s->try_.body);
	emit_text(e, "\n");
	e->error_target = outer;
	bool falls = !stmt_always_returns(s->try_.body);
	if (falls)	/* past the catches */
		emit_line(e, "goto %s;", s->try_.c_end);
	emit_label(e, s->try_.c_catch, "");
	const char *st = state(e);
	const struct vec *catches = &s->try_.catches;
	/* what no catch takes goes on to the try around or the way out; in
	 * a program there is none, and the checker saw that the catches
	 * take every error that can come: the last is the rest */
	bool rest_goes_on = outer->label != NULL;
	start_line(e);
	for (size_t i = 0; i < catches->len; i++) {
		const struct catch_clause *cl = catches->items[i];
		bool last = i + 1 == catches->len;
		if (cl->code && !(last && !rest_goes_on)) {
			emit_text(e, "if (%scode == ", st);
			if (cl->code->type && type_is_integer(cl->code->type) &&
			    !cl->code->type->is_signed && cl->code->type->bits == 64)
				emit_text(e, "(__s64)");
			emit_expr(e, cl->code);
			emit_text(e, ") {\n");
		} else {
			emit_text(e, "{%s\n", cl->code ? arena_printf(A, "\t/* error %lld */",
				  (long long)(int64_t)cl->code->value) : "");
		}
		e->indent++;
		emit_line(e, "%sthrown = false;", st);
		emit_block_body(e, cl->body);
		e->indent--;
		start_line(e);
		emit_text(e, last && !(cl->code && rest_goes_on) ? "}\n" : "} else ");
	}
	if (catches->len && ((const struct catch_clause *)catches->items[catches->len - 1])->code &&
	    rest_goes_on) {
		emit_text(e, "{\n");
		emit_line(e, "\tgoto %s;", target(e));
		emit_line(e, "}");
	}
	if (falls)
		emit_label(e, s->try_.c_end, ";");
}

bool emit_checks_errors(struct emitter *e, const struct expr *call)
{
	const struct symbol *sym = call->sym;
	return sym && sym->kind == SYM_FUNCTION && fn_may_throw(sym->fn) && e->fn &&
	       e->fn->c_thrown;
}

void emit_error_check_head(struct emitter *e, const struct expr *call)
{
	emit_text(e, "({ ");
	const struct function_info *callee = call->sym->fn;
	if (callee->c_returns)
		emit_text(e, "struct %s %s = ", callee->c_returns, e->fn->c_result);
	else if (call->type && call->type->kind != TY_VOID)
		emit_text(e, "%s = ", c_decl(e, call->type, e->fn->c_result));
}

void emit_error_check_tail(struct emitter *e, const struct expr *call)
{
	emit_text(e, "; if (%sthrown) goto %s;", state(e), target(e));
	if (call->type && call->type->kind != TY_VOID)
		emit_text(e, " %s;", e->fn->c_result);
	emit_text(e, " })");
}

/* The error state a call of a function that hands its errors on takes. */
const char *emit_error_arg(struct emitter *e)
{
	return fn_hands_on_errors(e->cp, e->fn) ? e->fn->c_thrown
	       : arena_printf(A, "&%s", e->fn->c_thrown);
}
