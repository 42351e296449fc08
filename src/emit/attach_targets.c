/* attach() targets among main's options (attach_targets.h): a walk over
 * main's body for attach(P, ARG.MEMBER, F) calls. */
#include "attach_targets.h"

#include <string.h>

struct search {
	const char *member;
	const struct attach_target *found;
};

static void search_expr(struct search *s, const struct expr *x);
static void search_stmt(struct search *s, const struct stmt *st);

/* The program an attach() attaches: load(f), or a local holding it. */
static const struct function_info *attached_program(const struct expr *x)
{
	if (x->kind == EXPR_IDENT && x->sym && x->sym->kind == SYM_LOCAL)
		return x->sym->loaded;
	if (x->kind != EXPR_CALL || !x->sym || x->sym->kind != SYM_BUILTIN ||
	    x->sym->builtin != BUILTIN_LOAD || !x->call.args.len)
		return NULL;
	const struct expr *f = x->call.args.items[0];
	return f->sym && f->sym->kind == SYM_FUNCTION ? f->sym->fn : NULL;
}

/* What attach() takes as PROG's target, from its kind's row. */
static const struct attach_target *target_of(const struct function_info *prog)
{
	const struct prog_kind_info *kind = prog ? prog_kind_of(prog) : NULL;
	return kind ? kind->attach_target : NULL;
}

static void search_call(struct search *s, const struct expr *x)
{
	const struct expr *target = x->call.args.len == 3 ? x->call.args.items[1] : NULL;
	if (!s->found && x->sym && x->sym->kind == SYM_BUILTIN && x->sym->builtin == BUILTIN_ATTACH &&
	    target && target->kind == EXPR_FIELD && !strcmp(target->field.name, s->member) &&
	    target->field.base->kind == EXPR_IDENT && target->field.base->sym &&
	    target->field.base->sym->kind == SYM_PARAM)
		s->found = target_of(attached_program(x->call.args.items[0]));
	search_expr(s, x->call.callee);
	for (size_t i = 0; i < x->call.args.len; i++)
		search_expr(s, x->call.args.items[i]);
}

static void search_expr(struct search *s, const struct expr *x)
{
	if (!x || s->found)
		return;
	switch (x->kind) {
	case EXPR_INT:
	case EXPR_CHAR:
	case EXPR_BOOL:
	case EXPR_STRING:
	case EXPR_NULL:
	case EXPR_IDENT:
	case EXPR_SIZEOF:
		return;
	case EXPR_UNARY:
		search_expr(s, x->unary.operand);
		return;
	case EXPR_BINARY:
		search_expr(s, x->binary.lhs);
		search_expr(s, x->binary.rhs);
		return;
	case EXPR_CAST:
		search_expr(s, x->cast.operand);
		return;
	case EXPR_FIELD:
	case EXPR_ARROW:
		search_expr(s, x->field.base);
		return;
	case EXPR_INDEX:
		search_expr(s, x->index.base);
		search_expr(s, x->index.index);
		return;
	case EXPR_CALL:
		search_call(s, x);
		return;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			search_expr(s, ((const struct field_init *)x->struct_lit.fields.items[i])->value);
		return;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < x->array.elems.len; i++)
			search_expr(s, x->array.elems.items[i]);
		search_expr(s, x->array.repeat);
		return;
	case EXPR_CONDITIONAL:
		search_expr(s, x->conditional.cond);
		search_expr(s, x->conditional.then);
		search_expr(s, x->conditional.otherwise);
		return;
	case EXPR_MATCH:
		search_expr(s, x->match.scrutinee);
		for (size_t i = 0; i < x->match.arms.len; i++) {
			const struct match_arm *arm = x->match.arms.items[i];
			search_expr(s, arm->value);
			search_stmt(s, arm->body);
		}
		return;
	case EXPR_NEW:
		search_expr(s, x->new_.flags);
		return;
	}
}

static void search_stmt(struct search *s, const struct stmt *st)
{
	if (!st || s->found)
		return;
	switch (st->kind) {
	case STMT_EXPR:
	case STMT_RETURN:
	case STMT_THROW:
	case STMT_DELETE:
		search_expr(s, st->expr);
		return;
	case STMT_DEFER:
		search_expr(s, st->expr);
		search_stmt(s, st->deferred);
		return;
	case STMT_VAR:
	case STMT_CONST:
		search_expr(s, st->var.init);
		return;
	case STMT_ASSIGN:
		search_expr(s, st->assign.target);
		search_expr(s, st->assign.value);
		return;
	case STMT_IF:
		search_expr(s, st->if_.cond);
		search_stmt(s, st->if_.then);
		search_stmt(s, st->if_.otherwise);
		return;
	case STMT_WHILE:
		search_expr(s, st->while_.cond);
		search_stmt(s, st->while_.body);
		return;
	case STMT_FOR_RANGE:
	case STMT_FOR_EACH:
		search_expr(s, st->for_.from);
		search_expr(s, st->for_.to);
		search_expr(s, st->for_.iterable);
		search_stmt(s, st->for_.body);
		return;
	case STMT_BLOCK:
		for (size_t i = 0; i < st->block.len; i++)
			search_stmt(s, st->block.items[i]);
		return;
	case STMT_TRY:
		search_stmt(s, st->try_.body);
		for (size_t i = 0; i < st->try_.catches.len; i++)
			search_stmt(s, ((const struct catch_clause *)st->try_.catches.items[i])->body);
		return;
	case STMT_BREAK:
	case STMT_CONTINUE:
		return;
	}
}

const struct attach_target *attach_target_of(const struct checked_program *cp, const char *member)
{
	struct search s = { .member = member, .found = NULL };
	if (cp->main_fn && cp->main_fn->decl->fn.body)
		search_stmt(&s, cp->main_fn->decl->fn.body);
	return s.found;
}
