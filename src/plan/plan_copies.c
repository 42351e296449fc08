/* The plan stage: functions that take maps.
 *
 * C has no value that stands for a map and that accessors could take
 * without costing the verifier its knowledge of which map it is.  So a
 * function with map parameters becomes one C function for each tuple of
 * maps it is called with: bump(counts, k) calls bump_counts(k), whose body
 * calls counts_add().  The copies are found by following calls, from
 * every function generated on its own (programs, main, helpers and
 * userspace functions that take no map) and then from each new copy.
 * Inside a copy a map parameter is its map: what the parameter's accesses
 * need (plan_maps.c) is given to the map, so its accessors exist. */
#include "plan_internal.h"

#include <string.h>

struct copier {
	struct plan *plan;
	struct vec todo;	/* struct fn_copy *: bodies still to follow */
};

#define A (c->plan->arena)

bool takes_maps(const struct function_info *fn)
{
	for (size_t i = 0; fn->type && i < fn->type->params.len; i++)
		if (((const struct type *)fn->type->params.items[i])->kind == TY_MAP)
			return true;
	return false;
}

const struct symbol *plan_map_in(const struct fn_copy *copy, const struct symbol *sym)
{
	if (!copy || !sym || sym->kind != SYM_PARAM)
		return sym;
	const struct vec *params = &copy->fn->decl->fn.params;
	for (size_t i = 0; i < params->len; i++)
		if (((const struct param *)params->items[i])->sym == sym && copy->maps[i])
			return copy->maps[i];
	return sym;
}

/* The maps a call of a function that takes maps passes, as they are in
 * CALLER; false when an argument names no map the plan knows. */
static bool call_maps(const struct fn_copy *caller, const struct expr *call,
		      const struct symbol **maps)
{
	const struct function_info *fn = call->sym->fn;
	for (size_t i = 0; i < call->call.args.len && i < fn->type->params.len; i++) {
		const struct expr *arg = call->call.args.items[i];
		maps[i] = NULL;
		if (((const struct type *)fn->type->params.items[i])->kind != TY_MAP)
			continue;
		if (arg->kind != EXPR_IDENT || !names_map(arg->sym))
			return false;
		maps[i] = plan_map_in(caller, arg->sym);
		if (maps[i]->kind != SYM_MAP)
			return false;
	}
	return true;
}

static const struct fn_copy *find_copy(const struct plan *p, const struct function_info *fn,
				       const struct symbol **maps)
{
	for (size_t i = 0; i < p->copies.len; i++) {
		const struct fn_copy *copy = p->copies.items[i];
		if (copy->fn == fn &&
		    !memcmp(copy->maps, maps, fn->type->params.len * sizeof(*maps)))
			return copy;
	}
	return NULL;
}

static bool is_call_of_copies(const struct expr *x)
{
	return x->kind == EXPR_CALL && x->sym && x->sym->kind == SYM_FUNCTION && x->sym->fn &&
	       takes_maps(x->sym->fn) && x->call.args.len == x->sym->fn->type->params.len;
}

const struct fn_copy *plan_callee_copy(const struct plan *p, const struct fn_copy *caller,
				       const struct expr *call)
{
	if (!is_call_of_copies(call))
		return NULL;
	const struct symbol **maps = arena_alloc(p->arena, call->call.args.len * sizeof(*maps));
	return call_maps(caller, call, maps) ? find_copy(p, call->sym->fn, maps) : NULL;
}

/* The copy CALL, made in CALLER, calls: named and to be followed when new.
 * Its name is the function's and the maps', free in its file. */
static void add_copy(struct copier *c, const struct fn_copy *caller, const struct expr *call)
{
	const struct function_info *fn = call->sym->fn;
	const struct symbol **maps = arena_alloc(A, fn->type->params.len * sizeof(*maps));
	if (!call_maps(caller, call, maps) || find_copy(c->plan, fn, maps))
		return;
	struct fn_copy *copy = arena_alloc(A, sizeof(*copy));
	copy->fn = fn;
	copy->maps = maps;
	const char *want = fn->decl->sym->c_name ? fn->decl->sym->c_name : fn->decl->name;
	for (size_t i = 0; i < fn->type->params.len; i++)
		if (maps[i])
			want = arena_printf(A, "%s_%s", want, maps[i]->c_name);
	enum c_side side = plan_function_side(fn);
	copy->c_name = names_claim_in(c->plan->file[side], c->plan->visible[side], want);
	vec_push(A, &c->plan->copies, copy);
	vec_push(A, &c->todo, copy);
}

/* ---- following calls ------------------------------------------------------- */

static void follow_stmt(struct copier *c, const struct fn_copy *in, const struct stmt *s);

static void follow_exprs(struct copier *c, const struct fn_copy *in, const struct vec *v);

static void follow_expr(struct copier *c, const struct fn_copy *in, const struct expr *x)
{
	if (!x)
		return;
	switch (x->kind) {
	case EXPR_CALL:
		if (is_call_of_copies(x))
			add_copy(c, in, x);
		follow_expr(c, in, x->call.callee);
		follow_exprs(c, in, &x->call.args);
		return;
	case EXPR_UNARY: follow_expr(c, in, x->unary.operand); return;
	case EXPR_BINARY:
		follow_expr(c, in, x->binary.lhs);
		follow_expr(c, in, x->binary.rhs);
		return;
	case EXPR_CAST: follow_expr(c, in, x->cast.operand); return;
	case EXPR_FIELD: case EXPR_ARROW: follow_expr(c, in, x->field.base); return;
	case EXPR_INDEX:
		follow_expr(c, in, x->index.base);
		follow_expr(c, in, x->index.index);
		return;
	case EXPR_CONDITIONAL:
		follow_expr(c, in, x->conditional.cond);
		follow_expr(c, in, x->conditional.then);
		follow_expr(c, in, x->conditional.otherwise);
		return;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			follow_expr(c, in, ((struct field_init *)x->struct_lit.fields.items[i])->value);
		return;
	case EXPR_ARRAY_LIT: follow_exprs(c, in, &x->array.elems); return;
	case EXPR_MATCH:
		follow_expr(c, in, x->match.scrutinee);
		for (size_t i = 0; i < x->match.arms.len; i++) {
			const struct match_arm *arm = x->match.arms.items[i];
			follow_expr(c, in, arm->value);
			follow_stmt(c, in, arm->body);
		}
		return;
	default:
		return;
	}
}

static void follow_exprs(struct copier *c, const struct fn_copy *in, const struct vec *v)
{
	for (size_t i = 0; i < v->len; i++)
		follow_expr(c, in, v->items[i]);
}

static void follow_stmt(struct copier *c, const struct fn_copy *in, const struct stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case STMT_BLOCK:
		for (size_t i = 0; i < s->block.len; i++)
			follow_stmt(c, in, s->block.items[i]);
		return;
	case STMT_EXPR: case STMT_THROW: case STMT_DELETE: case STMT_RETURN:
		follow_expr(c, in, s->expr);
		return;
	case STMT_DEFER:
		follow_expr(c, in, s->expr);
		follow_stmt(c, in, s->deferred);
		return;
	case STMT_VAR: case STMT_CONST:
		follow_expr(c, in, s->var.init);
		return;
	case STMT_ASSIGN:
		follow_expr(c, in, s->assign.target);
		follow_expr(c, in, s->assign.value);
		return;
	case STMT_IF:
		follow_expr(c, in, s->if_.cond);
		follow_stmt(c, in, s->if_.then);
		follow_stmt(c, in, s->if_.otherwise);
		return;
	case STMT_WHILE:
		follow_expr(c, in, s->while_.cond);
		follow_stmt(c, in, s->while_.body);
		return;
	case STMT_FOR_RANGE:
		follow_expr(c, in, s->for_.from);
		follow_expr(c, in, s->for_.to);
		follow_stmt(c, in, s->for_.body);
		return;
	case STMT_FOR_EACH:
		follow_stmt(c, in, s->for_.body);
		return;
	case STMT_TRY:
		follow_stmt(c, in, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++)
			follow_stmt(c, in, ((struct catch_clause *)s->try_.catches.items[i])->body);
		return;
	case STMT_BREAK: case STMT_CONTINUE:
		return;
	}
}

/* ---- what the maps of a copy need -------------------------------------------- */

/* The map parameter's needs, given to the map it stands for in COPY. */
static void give_needs(struct plan *plan, const struct fn_copy *copy)
{
	enum c_side side = plan_function_side(copy->fn);
	const struct vec *params = &copy->fn->decl->fn.params;
	for (size_t i = 0; i < params->len; i++) {
		const struct symbol *param = ((const struct param *)params->items[i])->sym;
		if (!copy->maps[i])
			continue;
		for (size_t j = 0; j < plan->map_params.len; j++) {
			const struct map_plan *needs = plan->map_params.items[j];
			if (needs->map != param)
				continue;
			struct map_plan *mp = (struct map_plan *)plan_map(plan, copy->maps[i]);
			mp->accessors[side] |= needs->accessors[side];
			mp->ops[side] |= needs->ops[side];
		}
	}
}

void plan_copies(struct plan *plan)
{
	struct copier copier = { .plan = plan };
	struct copier *c = &copier;
	const struct checked_program *cp = plan->cp;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (plan_generates(cp, fn) && !takes_maps(fn))
			follow_stmt(c, NULL, fn->decl->fn.body);
	}
	while (c->todo.len) {
		const struct fn_copy *copy = c->todo.items[--c->todo.len];
		follow_stmt(c, copy, copy->fn->decl->fn.body);
	}
	for (size_t i = 0; i < plan->copies.len; i++)
		give_needs(plan, plan->copies.items[i]);
}
