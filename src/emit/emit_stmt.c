/* The emit stage: statements, shared by both sides. */
#include "emit_internal.h"

#include <string.h>

static bool is_user_main(const struct emitter *e)
{
	return !e->bpf && e->fn && e->fn == e->cp->main_fn;
}

/* var x: T = init.  Arrays and strings take their initialiser in braces
 * or as a literal; everything else starts at zero when not given. */
static void emit_var_decl(struct emitter *e, const struct stmt *s);
static void emit_match_statement(struct emitter *e, const struct expr *match, const char *target);

/* Whether X reads a map entry of the array type T through its accessor:
 * it can fill the place the value goes to. */
static bool is_array_read(const struct expr *x, const struct type *t)
{
	return c_is_array(t) && indexed_map(x) && !x->c_binding && x->type &&
	       types_equal(t, x->type);
}

/* NAME_get(k, place); */
static void emit_array_read(struct emitter *e, const struct expr *x, const char *place)
{
	start_line(e);
	emit_text(e, "%s(", emit_map_plan(e, indexed_map(x))->get);
	emit_expr(e, x->index.index);
	emit_text(e, ", %s);\n", place);
}

/* A match that needs statements: an arm with a block, or a scrutinee that
 * must be evaluated once. */
static bool match_needs_statements(const struct expr *x)
{
	return x && x->kind == EXPR_MATCH && !match_is_simple(x);
}

/* var x = ...: a variable nobody reads is still declared (its value may
 * have effects) and cast to void, as -Wall wants. */
static void emit_var(struct emitter *e, const struct stmt *s)
{
	if (s->sym && s->sym->program_ref)
		return;		/* var p = prog: load(p) names prog itself */
	emit_var_decl(e, s);
	if (s->sym && !s->sym->c_read)
		emit_line(e, "(void)%s;", s->sym->c_name);
}

static void emit_var_decl(struct emitter *e, const struct stmt *s)
{
	const struct type *t = s->sym ? s->sym->type : &type_error;
	if (s->sym && is_entry_var(s->sym)) {
		emit_entry_var_decl(e, s);
		return;
	}
	const char *decl = c_decl(e, t, s->sym->c_name);
	const char *qualifier = s->kind == STMT_CONST ? "const " : "";
	const struct expr *init = s->var.init;
	bool string = t->kind == TY_STR && init && init->kind == EXPR_MATCH;
	if (match_needs_statements(init) || string) {
		emit_line(e, "%s = %s;", decl, string ? "{}" : "0");
		e->string_target = string;
		emit_match_statement(e, init, s->sym->c_name);
		e->string_target = false;
		return;
	}
	if (!init) {
		bool aggregate = t->kind == TY_STRUCT || t->kind == TY_ARRAY || t->kind == TY_STR;
		emit_line(e, "%s%s = %s;", qualifier, decl, aggregate ? "{}" : "0");
		return;
	}
	if (is_array_read(init, t)) {	/* the accessor fills it */
		emit_line(e, "%s;", decl);
		emit_array_read(e, init, s->sym->c_name);
		return;
	}
	if ((t->kind == TY_STR || t->kind == TY_ARRAY) && init->kind != EXPR_STRING &&
	    init->kind != EXPR_ARRAY_LIT) {
		emit_line(e, "%s%s = {};", qualifier, decl);
		emit_string_store(e, s->sym->c_name, t, init);
		return;
	}
	for (int i = 0; i < e->indent; i++)
		fputc('\t', e->out);
	emit_text(e, "%s%s = ", qualifier, decl);
	emit_expr(e, init);
	emit_text(e, ";\n");
}

void start_line(struct emitter *e)
{
	for (int i = 0; i < e->indent; i++)
		fputc('\t', e->out);
}

/* The texts a join puts together, left to right, into PARTS. */
static void join_parts(struct emitter *e, const struct expr *x, struct vec *parts)
{
	if (expr_is_join(x)) {
		join_parts(e, x->binary.lhs, parts);
		join_parts(e, x->binary.rhs, parts);
	} else {
		vec_push(A, parts, (void *)x);
	}
}

bool emit_is_string_part(const struct expr *x)
{
	return x->kind == EXPR_STRING || x->kind == EXPR_IDENT || x->kind == EXPR_FIELD ||
	       x->kind == EXPR_ARROW || x->kind == EXPR_INDEX ||
	       (x->kind == EXPR_UNARY && x->unary.op == UNARY_DEREF) ||	/* *p: the array */
	       (expr_is_join(x) && x->c_call) ||	/* ({ ...; joined; }).value */
	       (x->kind == EXPR_MATCH && !match_is_simple(x)) ||	/* ({ ...; value; }).value */
	       (x->kind == EXPR_CALL && x->sym && x->sym->kind == SYM_IMPORT) ||	/* Python's */
	       (x->kind == EXPR_CALL && x->sym && x->sym->kind == SYM_FUNCTION && x->sym->fn &&
		x->sym->fn->c_returns);	/* f().value */
}

/* HELPER(DST, SIZE, PART, its size): a part that picks one of several
 * strings (c ? a : b, a match of values) picks the call instead, so that
 * each string is read within its own size. */
struct part_call {
	const char *helper, *dst, *size;
};

static void emit_part_call(struct emitter *e, const struct expr *part, const void *arg)
{
	const struct part_call *c = arg;
	if (!part) {	/* no arm: the empty string */
		emit_text(e, "%s(%s, %s, \"\", 1)", c->helper, c->dst, c->size);
		return;
	}
	if (emit_is_string_choice(part)) {
		emit_choice(e, part, emit_part_call, c);
		return;
	}
	emit_text(e, "%s(%s, %s, ", c->helper, c->dst, c->size);
	emit_expr(e, part);
	emit_text(e, ", %llu)", (unsigned long long)type_size(part->type));
}

bool emit_is_string_choice(const struct expr *part)
{
	return part->kind == EXPR_CONDITIONAL || (part->kind == EXPR_MATCH && match_is_simple(part));
}

/* The parts of V into DST of SIZE bytes: the first copied, the others
 * appended. */
static void emit_join_parts(struct emitter *e, const char *dst, const char *size,
			    const struct expr *v, bool one_line)
{
	enum c_side side = e->side;
	struct vec parts = { 0 };
	join_parts(e, v, &parts);
	for (size_t i = 0; i < parts.len; i++) {
		const struct expr *part = parts.items[i];
		if (!emit_is_string_part(part) && !emit_is_string_choice(part)) {
			emit_unsupported(e, part->span, "this string as a part of '+'");
			return;
		}
		if (!one_line)
			start_line(e);
		struct part_call call = { plan_find_helper(e->plan, side, i ? HELPER_STR_APPEND
							   : HELPER_STR_COPY, 0, false), dst, size };
		emit_part_call(e, part, &call);
		emit_text(e, ";%s", one_line ? " " : "\n");
	}
}

const char *emit_joined_literal(struct emitter *e, const struct expr *x)
{
	struct vec parts = { 0 };
	join_parts(e, x, &parts);
	char *text = arena_alloc(A, type_size(x->type) + 1);
	uint32_t len = 0;
	for (size_t i = 0; i < parts.len; i++) {
		const struct expr *part = parts.items[i];
		if (part->kind != EXPR_STRING)
			return NULL;
		memcpy(text + len, part->string.bytes, part->string.len);
		len += part->string.len;
	}
	return c_string(e, text, len);
}

void emit_join_value(struct emitter *e, const struct expr *x)
{
	const char *j = e->fn ? e->fn->c_joined : NULL;
	if (!j) {
		emit_unsupported(e, x->span, "joining strings with '+' here");
		return;
	}
	emit_text(e, "({ struct %s %s = {}; ", x->c_call, j);
	emit_join_parts(e, arena_printf(A, "%s.value", j), arena_printf(A, "sizeof(%s.value)", j),
			x, true);
	emit_text(e, "%s; }).value", j);
}

void emit_string_store(struct emitter *e, const char *dst, const struct type *t,
		       const struct expr *v)
{
	if (t->kind == TY_ARRAY || (!expr_is_join(v) && v->type && types_equal(t, v->type))) {
		start_line(e);
		emit_text(e, "__builtin_memcpy(%s, ", dst);
		emit_array_value(e, t, v);
		emit_text(e, ", sizeof(%s));\n", dst);
		return;
	}
	emit_join_parts(e, dst, arena_printf(A, "%llu", (unsigned long long)type_size(t)), v, false);
}

static void emit_assign(struct emitter *e, const struct stmt *s)
{
	if (emit_map_assign(e, s))
		return;
	if (!s->assign.op.compound && s->assign.target->kind == EXPR_IDENT &&
	    is_entry_var(s->assign.target->sym)) {
		emit_entry_var_assign(e, s);
		return;
	}
	const struct type *t = s->assign.target->type;
	if (t && (t->kind == TY_STR || t->kind == TY_ARRAY) && !s->assign.op.compound) {
		const struct expr *v = s->assign.value;
		if (is_array_read(v, t) && s->assign.target->kind == EXPR_IDENT) {
			emit_array_read(e, v, s->assign.target->sym->c_name);
			return;
		}
		if (t->kind == TY_STR && expr_is_join(v)) {	/* s = t + s: apart, then copied */
			emit_line(e, "{");
			e->indent++;
			emit_line(e, "%s = {};", c_decl(e, t, s->c_temp));
			emit_string_store(e, s->c_temp, t, v);
			start_line(e);
			emit_text(e, "__builtin_memcpy(");
			emit_expr(e, s->assign.target);
			emit_text(e, ", %s, sizeof(%s));\n", s->c_temp, s->c_temp);
			e->indent--;
			emit_line(e, "}");
			return;
		}
		if (t->kind == TY_STR && v->kind != EXPR_STRING && v->type && !types_equal(t, v->type)) {
			start_line(e);
			emit_text(e, "%s(", plan_find_helper(e->plan, e->side,
							     HELPER_STR_COPY, 0, false));
			emit_expr(e, s->assign.target);
			emit_text(e, ", %llu, ", (unsigned long long)type_size(t));
			emit_expr(e, v);
			emit_text(e, ", %llu);\n", (unsigned long long)type_size(v->type));
			return;
		}
		if (t->kind == TY_STR && v->kind == EXPR_STRING && !e->bpf) {
			start_line(e);
			emit_text(e, "snprintf(");
			emit_expr(e, s->assign.target);
			emit_text(e, ", sizeof(");
			emit_expr(e, s->assign.target);
			emit_text(e, "), \"%%s\", ");
			emit_expr(e, v);
			emit_text(e, ");\n");
			return;
		}
		if (v->type && (types_equal(t, v->type) || v->c_widen || v->kind == EXPR_STRING ||
				v->kind == EXPR_ARRAY_LIT)) {
			start_line(e);
			emit_text(e, "__builtin_memcpy(");
			emit_expr(e, s->assign.target);
			emit_text(e, ", ");
			emit_array_value(e, t, v);	/* a literal padded to the size */
			emit_text(e, ", sizeof(");
			emit_expr(e, s->assign.target);
			emit_text(e, "));\n");
			return;
		}
		emit_unsupported(e, s->span, "this array or string assignment");
		return;
	}
	start_line(e);
	if (s->c_call) {	/* x /= v: x = div(x, v), the place read and written once */
		const char *place = s->c_temp;	/* the plan's, for a place with effects */
		if (place) {
			emit_text(e, "{\n");
			e->indent++;
			start_line(e);
			emit_text(e, "%s = &", c_decl(e, type_pointer(A, s->assign.target->type), place));
			emit_expr(e, s->assign.target);
			emit_text(e, ";\n");
			start_line(e);
			emit_text(e, "*%s = %s(*%s, ", place, s->c_call, place);
		} else {
			emit_expr(e, s->assign.target);
			emit_text(e, " = %s(", s->c_call);
			emit_expr(e, s->assign.target);
			emit_text(e, ", ");
		}
		emit_expr(e, s->assign.value);
		emit_text(e, ");\n");
		if (place) {
			e->indent--;
			emit_line(e, "}");
		}
		return;
	}
	if (s->c_expand) {	/* x op= v: x = (T)(x op v), where C would warn */
		enum binary_op op = s->assign.op.op;
		const struct type *w = s->c_op_type;
		bool unsigned_shift = op == BIN_SHL && w && w->is_signed;
		emit_expr(e, s->assign.target);
		emit_text(e, " = (%s)(", c_type(e, s->assign.target->type));
		if (s->c_call)
			emit_text(e, "%s(", s->c_call);
		if (unsigned_shift)
			emit_text(e, "(%s)", c_type(e, type_int(w->bits, false)));
		if (s->assign.target->type->kind == TY_CHAR)	/* a char computes as a u8 */
			emit_text(e, "(%s)", c_type(e, &type_u8));
		emit_expr(e, s->assign.target);
		emit_text(e, s->c_call ? ", " : " %s ", binary_op_text(op));
		emit_text(e, s->c_mask ? "((" : "(");
		emit_expr(e, s->assign.value);
		if (s->c_mask)
			emit_text(e, ") & %u)", s->c_mask);
		else
			emit_text(e, ")");
		emit_text(e, s->c_call ? "));\n" : ");\n");
		return;
	}
	emit_expr(e, s->assign.target);
	emit_text(e, " %s= ", s->assign.op.compound ? binary_op_text(s->assign.op.op) : "");
	if (s->c_mask) {	/* x <<= v: v modulo the width */
		emit_text(e, "(");
		emit_expr(e, s->assign.value);
		emit_text(e, ") & %u;\n", s->c_mask);
		return;
	}
	emit_expr(e, s->assign.value);
	emit_text(e, ";\n");
}

void emit_braced(struct emitter *e, const struct stmt *block)
{
	emit_text(e, "{\n");
	e->indent++;
	emit_block_body(e, block);
	e->indent--;
	start_line(e);
	emit_text(e, "}");
}

static void emit_if(struct emitter *e, const struct stmt *s, bool chained)
{
	/* if (var x = ...) and a held entry declare x before the if: in braces
	 * of their own after an else, and for userspace's copy */
	bool declares = s->if_.bind || s->c_binding;
	bool braces = declares && (chained || (s->c_binding && !e->bpf));
	if (!chained)
		start_line(e);
	if (braces) {
		emit_text(e, "{\n");
		e->indent++;
		start_line(e);
	}
	if (s->c_binding) {
		emit_bound_if_head(e, s);
	} else if (s->if_.bind) {
		const char *name = s->sym->c_name;
		emit_text(e, "%s = (", c_decl(e, s->if_.cond->type, name));
		emit_expr(e, s->if_.cond);
		emit_text(e, ");\n");
		start_line(e);
		emit_text(e, "if (%s) ", name);
	} else {
		emit_text(e, "if (");
		emit_expr(e, s->if_.cond);
		emit_text(e, ") ");
	}
	emit_braced(e, s->if_.then);
	if (s->if_.otherwise) {
		emit_text(e, " else ");
		if (s->if_.otherwise->kind == STMT_IF) {
			emit_if(e, s->if_.otherwise, true);
		} else {
			emit_braced(e, s->if_.otherwise);
		}
	}
	if (braces) {
		emit_text(e, "\n");
		e->indent--;
		start_line(e);
		emit_text(e, "}");
	}
	if (!chained)
		emit_text(e, "\n");
}

static void emit_while(struct emitter *e, const struct stmt *s)
{
	start_line(e);
	emit_text(e, "while (");
	/* A loader's loop also ends when Ctrl-C or SIGTERM asks to stop (a
	 * program without eBPF side has no handler: Ctrl-C ends it at once). */
	const struct expr *cond = s->while_.cond;
	bool forever = cond->kind == EXPR_BOOL && cond->boolean;
	if (!e->bpf && e->cp->has_programs) {
		emit_text(e, "!ks_exiting");
		if (!forever) {
			emit_text(e, " && (");
			emit_expr(e, cond);
			emit_text(e, ")");
		}
	} else {
		emit_expr(e, cond);
	}
	emit_text(e, ") ");
	emit_braced(e, s->while_.body);
	emit_text(e, "\n");
}

static void emit_for_range(struct emitter *e, const struct stmt *s)
{
	const char *i = s->sym->c_name;
	start_line(e);
	emit_text(e, "for (%s = ", c_decl(e, s->sym->type, i));
	emit_expr(e, s->for_.from);
	if (s->c_empty) {	/* constant bounds that leave it empty */
		emit_text(e, "; false; %s++) ", i);
	} else {
		emit_text(e, "; %s < ", i);
		emit_expr(e, s->for_.to);
		emit_text(e, "; %s++) ", i);
	}
	emit_braced(e, s->for_.body);
	emit_text(e, "\n");
}

/* return VALUE of a function that returns a string or an array: stored in
 * the struct it returns. */
static void emit_result_return(struct emitter *e, const struct expr *value)
{
	const struct function_info *fn = e->fn;
	emit_string_store(e, arena_printf(A, "%s.value", fn->c_ret), fn->type->ret, value);
	if (fn->c_out)
		emit_return_via_out(e, NULL);
	else
		emit_line(e, "return %s;", fn->c_ret);
}

/* A bare return, or the end, of a function whose named return value is a
 * string or an array: that value, into the struct it returns. */
static void emit_named_result_return(struct emitter *e)
{
	const struct symbol *sym = e->fn->ret_sym;
	struct expr named = { .kind = EXPR_IDENT, .span = sym->span, .ident = sym->name,
			      .sym = (struct symbol *)sym, .type = sym->type };
	emit_result_return(e, &named);
}

static void emit_return(struct emitter *e, const struct stmt *s)
{
	const char *named = e->fn->ret_sym ? e->fn->ret_sym->c_name : NULL;
	if (e->fn->c_returns && !s->expr && e->fn->ret_sym) {
		emit_named_result_return(e);
		return;
	}
	if (e->fn->c_returns && s->expr && s->expr->kind == EXPR_MATCH) {
		emit_match_statement(e, s->expr, NULL);	/* each arm stores its own */
		return;
	}
	if (e->fn->c_returns && s->expr) {
		emit_result_return(e, s->expr);
		return;
	}
	if (match_needs_statements(s->expr) && !is_user_main(e)) {
		emit_match_statement(e, s->expr, NULL);
		return;
	}
	if (e->fn->c_out) {
		emit_return_via_out(e, s->expr);
		return;
	}
	if (is_user_main(e)) {
		start_line(e);
		emit_text(e, "return ");
		if (s->expr)
			emit_expr(e, s->expr);
		else
			emit_text(e, "%s", named ? named : "0");
		emit_text(e, ";\n");
		return;
	}
	start_line(e);
	if (s->expr) {
		emit_text(e, "return ");
		emit_expr(e, s->expr);
		emit_text(e, ";\n");
	} else if (named) {
		emit_text(e, "return %s;\n", named);
	} else {
		emit_text(e, "return;\n");
	}
}

/* Entry variables an if statement may point at their own storage (where
 * the key was absent; emit_maps.c) get a barrier after it: where the two
 * paths meet, clang would otherwise compute v + offset from the lookup's
 * result before its null test, which the verifier refuses. */
struct entry_barriers {
	struct ast_visitor v;
	struct vec vars;	/* const struct symbol * */
	struct arena *arena;
};

static bool find_absent_assign(struct ast_visitor *v, struct stmt *s)
{
	struct entry_barriers *b = (struct entry_barriers *)v;
	const struct expr *t = s->kind == STMT_ASSIGN && !s->assign.op.compound ? s->assign.target
			       : NULL;
	if (!t || t->kind != EXPR_IDENT || !is_entry_var(t->sym) || !t->sym->absent_storage ||
	    !(t->surely_null || t->maybe_null))
		return true;
	for (size_t i = 0; i < b->vars.len; i++)
		if (b->vars.items[i] == t->sym)
			return true;
	vec_push(b->arena, &b->vars, (void *)t->sym);
	return true;
}

static void emit_entry_barriers(struct emitter *e, const struct stmt *s)
{
	struct entry_barriers b = { .v.stmt = find_absent_assign, .arena = A };
	ast_walk_stmt(&b.v, (struct stmt *)s);
	for (size_t i = 0; i < b.vars.len; i++)
		emit_line(e, "barrier_var(%s);", ((const struct symbol *)b.vars.items[i])->c_name);
}

void emit_stmt(struct emitter *e, const struct stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR:
		if (s->expr->kind == EXPR_MATCH) {
			emit_match_statement(e, s->expr, "");
			return;
		}
		start_line(e);
		if (s->expr->kind == EXPR_CALL && s->expr->sym &&
		    s->expr->sym->builtin == BUILTIN_ATTACH) {
			/* attach() whose result nobody looks at: failing ends the program */
			emit_text(e, "if (");
			emit_expr(e, s->expr);
			emit_text(e, " < 0)\n");
			e->indent++;
			emit_line(e, "exit(1);");
			e->indent--;
			return;
		}
		if (s->expr->kind == EXPR_CALL && s->expr->call.callee->kind == EXPR_FIELD &&
		    s->expr->call.callee->field.base->type &&
		    s->expr->call.callee->field.base->type->kind == TY_RINGBUF &&
		    !strcmp(s->expr->call.callee->field.name, "on_event")) {
			const struct symbol *rb = s->expr->call.callee->field.base->sym;
			emit_text(e, "/* on_event: %s's records go to %s (dispatch) */\n",
				  rb ? rb->name : "", rb && rb->handler ? rb->handler->name : "nothing");
			return;
		}
		if (s->expr->kind == EXPR_CALL && s->expr->sym &&
		    s->expr->sym->kind == SYM_BUILTIN && s->expr->sym->builtin == BUILTIN_EXEC) {
			emit_exec(e, s->expr, true);
			emit_text(e, ";\n");
			return;
		}
		if (s->expr->kind == EXPR_CALL && s->expr->sym && s->expr->sym->kind == SYM_IMPORT) {
			emit_python_call(e, s->expr, true);	/* any result will do */
			emit_text(e, ";\n");
			return;
		}
		emit_expr(e, s->expr);
		emit_text(e, ";\n");
		return;
	case STMT_VAR:
	case STMT_CONST:
		emit_var(e, s);
		return;
	case STMT_ASSIGN:
		emit_assign(e, s);
		emit_write_back(e, s);
		return;
	case STMT_IF:
		emit_if(e, s, false);
		if (e->bpf)
			emit_entry_barriers(e, s);
		return;
	case STMT_WHILE:
		emit_while(e, s);
		return;
	case STMT_FOR_RANGE:
		emit_for_range(e, s);
		return;
	case STMT_FOR_EACH:
		emit_for_each(e, s);
		return;
	case STMT_RETURN:
		emit_return(e, s);
		return;
	case STMT_BREAK:
		emit_line(e, "break;");
		return;
	case STMT_CONTINUE:
		emit_line(e, "continue;");
		return;
	case STMT_DELETE: {
		const struct symbol *map = indexed_map(s->expr);
		if (!map && !e->bpf && e->fn && e->fn->side == SIDE_USERSPACE) {
			start_line(e);	/* what userspace new allocated with calloc */
			emit_text(e, "free(");
			emit_expr(e, s->expr);
			emit_text(e, ");\n");
			return;
		}
		if (!map && e->side == C_MODULE) {	/* what kzalloc allocated */
			start_line(e);
			emit_text(e, "kfree(");
			emit_expr(e, s->expr);
			emit_text(e, ");\n");
			return;
		}
		if (!map && e->bpf) {	/* what bpf_obj_new allocated; null: nothing */
			start_line(e);	/* (a variable: the checker allows no other) */
			emit_text(e, "if (");
			emit_expr(e, s->expr);
			emit_text(e, ")\n");
			e->indent++;
			start_line(e);
			emit_text(e, "bpf_obj_drop_impl(");
			emit_expr(e, s->expr);
			emit_text(e, ", NULL);\n");
			e->indent--;
			return;
		}
		if (!map) {
			emit_unsupported(e, s->span, "'delete' of a pointer");
			return;
		}
		emit_map_delete(e, s);
		return;
	}
	case STMT_BLOCK:
		start_line(e);
		emit_braced(e, s);
		emit_text(e, "\n");
		return;
	case STMT_TRY:
		emit_try(e, s);
		return;
	case STMT_THROW:
		emit_throw(e, s);
		return;
	case STMT_DEFER:
		emit_defer(e, s);
		return;
	}
}

void emit_block_body(struct emitter *e, const struct stmt *block)
{
	for (size_t i = 0; i < block->block.len; i++)
		emit_stmt(e, block->block.items[i]);
}

void emit_function_body(struct emitter *e, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	const struct type *ret = fn->type ? fn->type->ret : NULL;
	/* -Wextra wants every parameter used: an unused one is cast to void. */
	for (size_t i = 0; i < d->fn.params.len; i++) {
		const struct param *p = d->fn.params.items[i];
		if (!emit_has_param(p))
			continue;
		if (p->sym && p->sym->c_param) {	/* an array it changes: its own copy */
			emit_line(e, "%s;", c_decl(e, p->sym->type, p->sym->c_name));
			emit_line(e, "__builtin_memcpy(%s, %s, sizeof(%s));", p->sym->c_name,
				  p->sym->c_param, p->sym->c_name);
		} else if (p->sym && !p->sym->c_read) {
			emit_line(e, "(void)%s;", p->sym->c_name);
		}
	}
	if (d->fn.ret_name)
		emit_line(e, "%s = %s;", c_decl(e, ret, fn->ret_sym->c_name),
			  type_is_scalar(ret) ? "0" : "{}");
	emit_errors_prologue(e, fn);
	/* A last expression statement is the function's value, as in Rust. */
	const struct vec *body = &d->fn.body->block;
	const struct stmt *tail = body->len ? body->items[body->len - 1] : NULL;
	bool value_tail = tail && tail->kind == STMT_EXPR && fn->type->ret->kind != TY_VOID &&
			  tail->expr->type && tail->expr->type->kind != TY_VOID && fn != e->cp->main_fn;
	for (size_t i = 0; i + (value_tail ? 1 : 0) < body->len; i++)
		emit_stmt(e, body->items[i]);
	if (value_tail) {
		struct stmt ret = { .kind = STMT_RETURN, .span = tail->span, .expr = tail->expr };
		emit_return(e, &ret);
	}
	/* A named return falls off the end by returning its variable. */
	const struct stmt *last = d->fn.body->block.len
		? d->fn.body->block.items[d->fn.body->block.len - 1] : NULL;
	if (fn->c_returns && d->fn.ret_name && (!last || last->kind != STMT_RETURN))
		emit_named_result_return(e);	/* falling off the end returns it */
	if (fn->c_out)
		emit_way_out(e, fn);	/* where falling off the end goes too */
	else if (d->fn.ret_name && !fn->c_returns && (!last || last->kind != STMT_RETURN))
		emit_line(e, "return %s;", fn->ret_sym->c_name);
}

void emit_function_block(struct emitter *e, const struct function_info *fn)
{
	emit_line(e, "{");
	e->indent++;
	emit_function_body(e, fn);
	e->indent--;
	emit_line(e, "}");
}

/* ---- match as statements ------------------------------------------------------ */

/* One arm's value VALUE: returned (TARGET NULL), assigned to TARGET, or
 * run for its effect (TARGET "").  A string target is copied into, with
 * its NUL, as C arrays cannot be assigned. */
static void emit_arm_result(struct emitter *e, const struct expr *value, const char *target)
{
	start_line(e);
	if (target && *target && e->string_target) {
		emit_text(e, "__builtin_memcpy(%s, ", target);
		emit_expr(e, value);
		if (value->kind == EXPR_STRING)
			emit_text(e, ", %u);\n", value->string.len + 1);
		else
			emit_text(e, ", sizeof(%s));\n", target);
		return;
	}
	if (!target && e->fn && e->fn->c_returns) {
		emit_result_return(e, value);
		return;
	}
	if (!target && e->fn && e->fn->c_out) {
		emit_return_via_out(e, value);
		return;
	}
	if (target && *target)
		emit_text(e, "%s = ", target);
	else if (!target)
		emit_text(e, "return ");
	emit_expr(e, value);
	emit_text(e, ";\n");
}

/* The last statement of a match arm's block gives the arm's value: it is
 * returned (TARGET NULL), assigned to TARGET, or dropped (TARGET "", a
 * match standing as a statement).  An if/else standing last
 * gives its branches' values the same way. */
static void emit_arm_value(struct emitter *e, const struct stmt *block, const char *target);

static void emit_value_of(struct emitter *e, const struct stmt *last, const char *target)
{
	if (last->kind == STMT_EXPR) {
		emit_arm_result(e, last->expr, target);
		return;
	}
	if (last->kind == STMT_IF && !last->if_.bind) {
		start_line(e);
		emit_text(e, "if (");
		emit_expr(e, last->if_.cond);
		emit_text(e, ") {\n");
		e->indent++;
		emit_arm_value(e, last->if_.then, target);
		e->indent--;
		emit_line(e, "} else {");
		e->indent++;
		if (last->if_.otherwise && last->if_.otherwise->kind == STMT_BLOCK)
			emit_arm_value(e, last->if_.otherwise, target);
		else if (last->if_.otherwise)
			emit_value_of(e, last->if_.otherwise, target);
		e->indent--;
		emit_line(e, "}");
		return;
	}
	emit_stmt(e, last);
}

static void emit_arm_value(struct emitter *e, const struct stmt *block, const char *target)
{
	size_t n = block->block.len;
	for (size_t i = 0; i + 1 < n; i++)
		emit_stmt(e, block->block.items[i]);
	if (n)
		emit_value_of(e, block->block.items[n - 1], target);
}

/* One arm's work: its value to TARGET, or its block. */
static void emit_arm(struct emitter *e, const struct match_arm *arm, const char *target)
{
	if (match_needs_statements(arm->value))
		emit_match_statement(e, arm->value, target);
	else if (arm->value)
		emit_arm_result(e, arm->value, target);
	else
		emit_arm_value(e, arm->body, target);
}

/* A match on a string: if/else on the texts, the string copied first
 * unless it is a variable (an arm runs after the last comparison). */
static void emit_string_match(struct emitter *e, const struct expr *match, const char *target)
{
	const struct expr *scrutinee = match->match.scrutinee;
	unsigned size = (unsigned)type_size(scrutinee->type);
	bool copied = scrutinee->kind != EXPR_IDENT;
	const char *text = e->fn->c_matched;
	if (copied) {
		emit_line(e, "{");
		e->indent++;
		emit_line(e, "char %s[%u];", text, size);
		start_line(e);
		emit_text(e, "__builtin_memcpy(%s, ", text);
		emit_expr(e, scrutinee);
		emit_text(e, ", %u);\n", size);
	}
	bool has_default = false;
	const struct match_arm *fallback = NULL;
	bool first = true;
	for (size_t i = 0; i < match->match.arms.len; i++) {
		const struct match_arm *arm = match->match.arms.items[i];
		if (!arm->pattern) {
			fallback = arm;
			has_default = true;
			continue;
		}
		start_line(e);
		emit_text(e, "%sif (%s(", first ? "" : "} else ", match->match.c_eq);
		if (copied)
			emit_text(e, "%s", text);
		else
			emit_expr(e, scrutinee);
		emit_text(e, ", %u, ", size);
		emit_expr(e, arm->pattern);
		emit_text(e, ", %u)) {\n", arm->pattern->string.len + 1);
		first = false;
		e->indent++;
		emit_arm(e, arm, target);
		e->indent--;
	}
	if (fallback) {
		emit_line(e, first ? "{" : "} else {");
		e->indent++;
		emit_arm(e, fallback, target);
		e->indent--;
	}
	if (!first || fallback)
		emit_line(e, "}");
	if (copied) {
		e->indent--;
		emit_line(e, "}");
	}
	/* a match without a default arm that matched nothing */
	if (!target && !has_default)
		emit_line(e, "return 0;");
}

static void emit_match_statement(struct emitter *e, const struct expr *match, const char *target)
{
	if (match->match.c_eq) {
		emit_string_match(e, match, target);
		return;
	}
	start_line(e);
	const struct expr *scrutinee = match->match.scrutinee;
	bool boolean = scrutinee->type && scrutinee->type->kind == TY_BOOL;
	emit_text(e, "switch (%s", boolean ? "(int)(" : "");	/* -Wswitch-bool */
	emit_expr(e, scrutinee);
	emit_text(e, "%s) {\n", boolean ? ")" : "");
	bool has_default = false;
	for (size_t i = 0; i < match->match.arms.len; i++) {
		const struct match_arm *arm = match->match.arms.items[i];
		if (arm->pattern) {
			start_line(e);
			emit_text(e, "case ");
			emit_expr(e, arm->pattern);
			emit_text(e, ": {\n");
		} else {
			has_default = true;
			emit_line(e, "default: {");
		}
		e->indent++;
		emit_arm(e, arm, target);
		if (target)
			emit_line(e, "break;");
		e->indent--;
		emit_line(e, "}");
	}
	if (!has_default) {
		emit_line(e, "default:");
		emit_line(e, "\tbreak;");
	}
	emit_line(e, "}");
	/* a match without a default arm that matched nothing */
	if (!target && !has_default)
		emit_line(e, "return 0;");
}

void emit_match_value(struct emitter *e, const struct expr *x)
{
	const char *value = e->fn->c_match_value;
	bool string = x->type->kind == TY_STR;
	bool scalar = type_is_scalar(x->type);
	emit_text(e, "({\n");
	e->indent++;
	/* zero when nothing matches, as the ?: chain gives */
	if (string)
		emit_line(e, "struct %s %s = {0};", x->match.c_struct, value);
	else
		emit_line(e, "%s = %s;", c_decl(e, x->type, value), scalar ? "0" : "{0}");
	bool was = e->string_target;
	e->string_target = string;
	emit_match_statement(e, x, string ? arena_printf(A, "%s.value", value) : value);
	e->string_target = was;
	emit_line(e, "%s;", value);
	e->indent--;
	start_line(e);
	emit_text(e, "})%s", string ? ".value" : "");
}
