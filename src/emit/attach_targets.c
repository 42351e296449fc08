/* attach() targets among main's options (attach_targets.h): a walk over
 * main's body for attach(P, ARG.MEMBER, F) calls. */
#include "attach_targets.h"

#include <string.h>

struct search {
	struct ast_visitor v;
	const char *member;
	const struct attach_target *found;
};

/* What attach() takes as PROG's target, from its kind's row. */
static const struct attach_target *target_of(const struct function_info *prog)
{
	const struct prog_kind_info *kind = prog ? prog_kind_of(prog) : NULL;
	return kind ? kind->attach_target : NULL;
}

/* attach(P, ARG.MEMBER, F), ARG main's parameter: P's kind says the target. */
static bool search_call(struct ast_visitor *v, struct expr *x)
{
	struct search *s = (struct search *)v;
	if (s->found)
		return false;
	const struct expr *target = x->kind == EXPR_CALL && x->call.args.len == 3
				    ? x->call.args.items[1] : NULL;
	if (target && x->sym && x->sym->kind == SYM_BUILTIN && x->sym->builtin == BUILTIN_ATTACH &&
	    target->kind == EXPR_FIELD && !strcmp(target->field.name, s->member) &&
	    target->field.base->kind == EXPR_IDENT && target->field.base->sym &&
	    target->field.base->sym->kind == SYM_PARAM)
		s->found = target_of(loaded_program(x->call.args.items[0]));
	return !s->found;
}

const struct attach_target *attach_target_of(const struct checked_program *cp, const char *member)
{
	struct search s = { .v.expr = search_call, .member = member };
	if (cp->main_fn)
		ast_walk_stmt(&s.v, cp->main_fn->decl->fn.body);
	return s.found;
}
