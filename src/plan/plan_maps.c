/* The plan stage: map accesses.
 *
 * For every map operation in a function: which accessor it calls
 * (expr->c_access, stmt->c_access), or which entry the program already
 * holds it goes through instead of a second lookup (c_binding): the
 * binding of if (var x = m[k]), or, in eBPF code, the one a test
 * if (m[k] != null) makes, as a person writing the C would.  In eBPF code
 * an entry variable (var v = m[k]) looks its entry up again after a
 * statement that may have replaced or deleted it (stmt->c_refresh).  The
 * accessors each file needs follow (struct map_plan). */
#include "plan_internal.h"

#include <string.h>

struct map_planner {
	struct arena *arena;
	struct plan *plan;
	enum c_side side;
	struct vec bindings;	/* struct map_binding *: the enclosing ones */
	struct vec copies;	/* struct map_binding *: userspace if-var copies in scope */
	struct vec entries;	/* struct symbol *: entry variables in scope (eBPF) */
};

#define A (p->arena)

/* The plan of MAP; a map parameter has one of its own, holding what its
 * accesses need until the copies give it to their maps (plan_copies.c). */
static struct map_plan *map_plan_of(struct map_planner *p, const struct symbol *map)
{
	struct map_plan *mp = (struct map_plan *)plan_map(p->plan, map);
	if (mp)
		return mp;
	for (size_t i = 0; i < p->plan->map_params.len; i++) {
		mp = p->plan->map_params.items[i];
		if (mp->map == map)
			return mp;
	}
	mp = arena_alloc(A, sizeof(*mp));
	mp->map = map;
	vec_push(A, &p->plan->map_params, mp);
	return mp;
}

/* Whether A and B may be one map: a map parameter may be any map of its
 * type. */
static bool may_alias(const struct symbol *a, const struct symbol *b)
{
	return a == b || ((a->kind == SYM_PARAM || b->kind == SYM_PARAM) &&
			  types_equal(a->type, b->type));
}

static void need(struct map_planner *p, const struct symbol *map, unsigned access)
{
	map_plan_of(p, map)->accessors[p->side] |= access;
}

static void need_op(struct map_planner *p, const struct symbol *map, enum binary_op op)
{
	struct map_plan *mp = map_plan_of(p, map);
	mp->accessors[p->side] |= ACC_OP;
	mp->ops[p->side] |= 1u << op;
}

/* ---- what a region may do to an entry it holds ------------------------------ */

/* Whether A and B are the same side-effect-free expression. */
static bool same_pure_expr(const struct expr *a, const struct expr *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case EXPR_INT: case EXPR_CHAR: return a->integer.value == b->integer.value;
	case EXPR_BOOL: return a->boolean == b->boolean;
	case EXPR_IDENT: return a->sym && a->sym == b->sym;
	case EXPR_FIELD: case EXPR_ARROW:
		return !strcmp(a->field.name, b->field.name) &&
		       same_pure_expr(a->field.base, b->field.base);
	case EXPR_CAST:
		return a->type && b->type && types_equal(a->type, b->type) &&
		       same_pure_expr(a->cast.operand, b->cast.operand);
	case EXPR_UNARY:
		return a->unary.op == b->unary.op && a->unary.op != UNARY_DEREF &&
		       same_pure_expr(a->unary.operand, b->unary.operand);
	case EXPR_BINARY:
		return a->binary.op == b->binary.op && same_pure_expr(a->binary.lhs, b->binary.lhs) &&
		       same_pure_expr(a->binary.rhs, b->binary.rhs);
	default:
		return false;
	}
}

/* Whether an expression calls a function of the program (which might
 * change the map) or names something that may change behind it. */
static bool calls_program(const struct expr *x)
{
	if (!x)
		return false;
	switch (x->kind) {
	case EXPR_CALL:
		if (x->sym && x->sym->kind == SYM_FUNCTION)
			return true;
		for (size_t i = 0; i < x->call.args.len; i++)
			if (calls_program(x->call.args.items[i]))
				return true;
		return false;
	case EXPR_UNARY: return calls_program(x->unary.operand);
	case EXPR_BINARY: return calls_program(x->binary.lhs) || calls_program(x->binary.rhs);
	case EXPR_CAST: return calls_program(x->cast.operand);
	case EXPR_FIELD: case EXPR_ARROW: return calls_program(x->field.base);
	case EXPR_INDEX: return calls_program(x->index.base) || calls_program(x->index.index);
	case EXPR_CONDITIONAL:
		return calls_program(x->conditional.cond) || calls_program(x->conditional.then) ||
		       calls_program(x->conditional.otherwise);
	case EXPR_MATCH:
		return true;	/* arms may hold anything: be careful */
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			if (calls_program(((struct field_init *)x->struct_lit.fields.items[i])->value))
				return true;
		return false;
	default:
		return false;
	}
}

/* Whether KEY may read SYM: it names SYM, or is more than names,
 * constants, fields and operators (then anything may change it). */
static bool key_reads(const struct expr *key, const struct symbol *sym)
{
	switch (key->kind) {
	case EXPR_INT: case EXPR_CHAR: case EXPR_BOOL:
		return false;
	case EXPR_IDENT:
		return key->sym == sym;
	case EXPR_FIELD: case EXPR_ARROW:
		return key_reads(key->field.base, sym);
	case EXPR_CAST:
		return key_reads(key->cast.operand, sym);
	case EXPR_UNARY:
		return key->unary.op == UNARY_DEREF || key_reads(key->unary.operand, sym);
	case EXPR_BINARY:
		return key_reads(key->binary.lhs, sym) || key_reads(key->binary.rhs, sym);
	default:
		return true;
	}
}

/* Whether a statement of S (a block or one statement) may, while an entry
 * of MAP under KEY is held: delete from MAP, change a name KEY reads, or
 * call a function of the program.  Then the region looks the entry up
 * each time, as written. */
static bool disturbs(const struct stmt *s, const struct symbol *map, const struct expr *key)
{
	if (!s)
		return false;
	switch (s->kind) {
	case STMT_BLOCK:
		for (size_t i = 0; i < s->block.len; i++)
			if (disturbs(s->block.items[i], map, key))
				return true;
		return false;
	case STMT_DELETE:
		return (indexed_map(s->expr) && may_alias(indexed_map(s->expr), map)) ||
		       calls_program(s->expr);
	case STMT_ASSIGN: {
		const struct expr *root = place_root(s->assign.target);
		if (root->kind != EXPR_IDENT || (root->sym && root->sym->kind != SYM_MAP &&
						 key_reads(key, root->sym)))
			return true;	/* the key may change */
		return calls_program(s->assign.target) || calls_program(s->assign.value);
	}
	case STMT_EXPR: case STMT_RETURN: case STMT_THROW:
		return calls_program(s->expr);
	case STMT_VAR: case STMT_CONST:
		return calls_program(s->var.init);
	case STMT_IF:
		return calls_program(s->if_.cond) || disturbs(s->if_.then, map, key) ||
		       disturbs(s->if_.otherwise, map, key);
	case STMT_WHILE:
		return calls_program(s->while_.cond) || disturbs(s->while_.body, map, key);
	case STMT_FOR_RANGE:
		return true;	/* the loop variable may be in the key */
	case STMT_FOR_EACH: case STMT_TRY: case STMT_DEFER:
		return true;
	case STMT_BREAK: case STMT_CONTINUE:
		return false;
	}
	return true;
}

/* The binding that holds m[KEY] here, if any. */
static struct map_binding *binding_for(struct map_planner *p, const struct symbol *map,
				       const struct expr *key)
{
	for (size_t i = p->bindings.len; i-- > 0;) {
		struct map_binding *b = p->bindings.items[i];
		if (b->map == map && same_pure_expr(b->key, key))
			return b;
	}
	return NULL;
}

/* ---- expressions -------------------------------------------------------------- */

static void plan_expr(struct map_planner *p, struct expr *x);

/* m[k] == null, m[k] != null */
static const struct expr *presence_test(const struct expr *x)
{
	if (x->kind != EXPR_BINARY || (x->binary.op != BIN_EQ && x->binary.op != BIN_NE))
		return NULL;
	const struct expr *lookup = x->binary.rhs->kind == EXPR_NULL ? x->binary.lhs
				    : x->binary.lhs->kind == EXPR_NULL ? x->binary.rhs : NULL;
	return lookup && indexed_map(lookup) ? lookup : NULL;
}

static void plan_exprs(struct map_planner *p, struct vec *v)
{
	for (size_t i = 0; i < v->len; i++)
		plan_expr(p, v->items[i]);
}

static void plan_stmt(struct map_planner *p, struct stmt *s);
static void plan_block(struct map_planner *p, struct stmt *block);

static void plan_expr(struct map_planner *p, struct expr *x)
{
	if (!x)
		return;
	const struct expr *tested = presence_test(x);
	if (tested) {
		const struct symbol *map = indexed_map(tested);
		struct map_binding *b = p->side == C_BPF ? binding_for(p, map, tested->index.index)
				      : NULL;
		if (b) {
			x->c_binding = b;
		} else {
			x->c_access = ACC_LOOKUP;
			need(p, map, ACC_LOOKUP);
		}
		plan_expr(p, tested->index.index);
		return;
	}
	switch (x->kind) {
	case EXPR_INDEX: {
		const struct symbol *map = indexed_map(x);
		if (map) {
			struct map_binding *b = p->side == C_BPF ? binding_for(p, map, x->index.index)
					      : NULL;
			if (b) {
				x->c_binding = b;
			} else {
				x->c_access = ACC_GET;
				need(p, map, ACC_GET);
			}
		} else {
			plan_expr(p, x->index.base);
		}
		plan_expr(p, x->index.index);
		return;
	}
	case EXPR_UNARY:
		if (x->unary.op == UNARY_ADDR && indexed_map(x->unary.operand) && p->side == C_BPF) {
			/* &m[k]: the entry's address, NULL when absent */
			x->c_access = ACC_LOOKUP;
			need(p, indexed_map(x->unary.operand), ACC_LOOKUP);
			plan_expr(p, x->unary.operand->index.index);
			return;
		}
		if (x->unary.op == UNARY_ADDR && entry_of_place(x->unary.operand) && p->side == C_BPF) {
			/* &m[k].f: a part of the entry it looks up; the indexes
			   inside the part are ordinary values */
			const struct expr *entry = entry_of_place(x->unary.operand);
			need(p, indexed_map(entry), ACC_LOOKUP);
			plan_expr(p, entry->index.index);
			for (const struct expr *part = x->unary.operand; part != entry;
			     part = part->kind == EXPR_INDEX ? part->index.base : part->field.base)
				if (part->kind == EXPR_INDEX)
					plan_expr(p, part->index.index);
			return;
		}
		plan_expr(p, x->unary.operand);
		return;
	case EXPR_BINARY:
		plan_expr(p, x->binary.lhs);
		plan_expr(p, x->binary.rhs);
		return;
	case EXPR_CAST:
		plan_expr(p, x->cast.operand);
		return;
	case EXPR_FIELD: case EXPR_ARROW:
		plan_expr(p, x->field.base);
		return;
	case EXPR_CALL:
		plan_expr(p, x->call.callee);
		plan_exprs(p, &x->call.args);
		return;
	case EXPR_CONDITIONAL:
		plan_expr(p, x->conditional.cond);
		plan_expr(p, x->conditional.then);
		plan_expr(p, x->conditional.otherwise);
		return;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			plan_expr(p, ((struct field_init *)x->struct_lit.fields.items[i])->value);
		return;
	case EXPR_ARRAY_LIT:
		plan_exprs(p, &x->array.elems);
		return;
	case EXPR_MATCH:
		plan_expr(p, x->match.scrutinee);
		for (size_t i = 0; i < x->match.arms.len; i++) {
			struct match_arm *arm = x->match.arms.items[i];
			plan_expr(p, arm->pattern);
			plan_expr(p, arm->value);
			plan_block(p, arm->body);
		}
		return;
	default:
		return;
	}
}

/* ---- statements ------------------------------------------------------------------ */

/* After S replaced or deleted an entry of MAP: the entry variables of MAP
 * in scope look theirs up again (eBPF; a hash map's update makes a new
 * element). */
static void refresh_entries(struct map_planner *p, struct stmt *s, const struct symbol *map)
{
	if (p->side != C_BPF || type_is_array_map(map->type))
		return;
	for (size_t i = 0; i < p->entries.len; i++) {
		struct symbol *v = p->entries.items[i];
		if (!may_alias(v->entry_map_sym, map))
			continue;
		if (!s->c_refresh)
			s->c_refresh = arena_alloc(A, sizeof(*s->c_refresh));
		vec_push(A, s->c_refresh, v);
		v->c_refreshed = true;
		need(p, v->entry_map_sym, ACC_LOOKUP);
	}
}

static void plan_assign(struct map_planner *p, struct stmt *s)
{
	struct expr *target = s->assign.target, *value = s->assign.value;
	const struct symbol *map = indexed_map(target);
	plan_expr(p, value);
	if (map) {	/* m[k] = v, m[k] op= v */
		plan_expr(p, target->index.index);
		struct map_binding *b = binding_for(p, map, target->index.index);
		if (b) {
			s->c_binding = b;
			if (p->side == C_USER)
				need(p, map, ACC_REPLACE);
			return;
		}
		enum binary_op op = s->assign.op.op;
		if (s->assign.op.compound && (op == BIN_DIV || op == BIN_MOD)) {
			/* m[k] = m[k] / v, in the type of the two: no accessor has it */
			s->c_access = ACC_GET | ACC_SET;
			need(p, map, ACC_GET | ACC_SET);
		} else if (s->assign.op.compound) {
			/* m[k] += 0 changes nothing but an absent key: not atomic (an
			 * atomic add of 0 becomes an atomic or, which clang 14's BPF
			 * backend cannot select on 32 bits) */
			if ((op == BIN_ADD || op == BIN_SUB) && value->constant &&
			    type_is_integer(map->type->value) &&
			    value->value % ((ks_wide)1 << (type_size(map->type->value) * 8)) == 0)
				op = BIN_BITOR;	/* + 0 once converted to the value's type */
			s->c_access = ACC_OP;
			s->c_map_op = (uint8_t)op;
			need_op(p, map, op);
		} else {
			s->c_access = ACC_SET;
			need(p, map, ACC_SET);
			refresh_entries(p, s, map);
		}
		return;
	}
	const struct expr *entry = entry_of_place(target);
	if (entry) {	/* m[k].f = v, m[k].a[i] op= v */
		const struct symbol *m = indexed_map(entry);
		plan_expr(p, entry->index.index);
		struct map_binding *b = binding_for(p, m, entry->index.index);
		if (b) {
			s->c_binding = b;
			if (p->side == C_USER)
				need(p, m, ACC_REPLACE);
		} else {
			s->c_access = p->side == C_BPF ? ACC_LOOKUP : ACC_FIND | ACC_REPLACE;
			need(p, m, s->c_access);
		}
		for (const struct expr *x = target; x != entry;
		     x = x->kind == EXPR_INDEX ? x->index.base : x->field.base)
			if (x->kind == EXPR_INDEX)
				plan_expr(p, x->index.index);
		return;
	}
	if (target->kind == EXPR_IDENT && is_entry_var(target->sym) && !s->assign.op.compound &&
	    indexed_map(value)) {
		/* v = m[j]: v becomes that entry */
		const struct symbol *m = indexed_map(value);
		value->c_access = 0;	/* not a read of the value */
		s->c_access = p->side == C_BPF ? ACC_LOOKUP
			      : target->sym->null_tested ? ACC_FIND : ACC_GET;
		need(p, m, s->c_access);
		return;
	}
	plan_expr(p, target);
	/* userspace x.f = v for the copy x of if (var x = m[k]): written back */
	const struct expr *root = place_root(target);
	if (p->side == C_USER && root->kind == EXPR_IDENT && root->sym) {
		for (size_t i = p->copies.len; i-- > 0;) {
			struct map_binding *b = p->copies.items[i];
			if (b->sym == root->sym) {
				s->c_writes_back = b;
				need(p, b->map, ACC_REPLACE);
				break;
			}
		}
	}
}

/* if (var x = m[k]) and, in eBPF code, if (m[k] != null): a binding for
 * the branch where the entry is there. */
static struct map_binding *binding_of_if(struct map_planner *p, struct stmt *s)
{
	const struct expr *cond = s->if_.cond;
	const struct expr *entry = s->if_.bind ? (indexed_map(cond) ? cond : NULL)
				   : p->side == C_BPF ? presence_test(cond) : NULL;
	if (!entry)
		return NULL;
	struct map_binding *b = arena_alloc(A, sizeof(*b));
	b->map = indexed_map(entry);
	b->key = entry->index.index;
	b->sym = s->if_.bind ? s->sym : NULL;
	b->absent_branch = !s->if_.bind && cond->binary.op == BIN_EQ;
	return b;
}

static void plan_if(struct map_planner *p, struct stmt *s)
{
	struct map_binding *b = binding_of_if(p, s);
	const struct stmt *held = b && b->absent_branch ? s->if_.otherwise : s->if_.then;
	if (b && (s->if_.bind || !disturbs(held, b->map, b->key))) {
		s->c_binding = b;
		need(p, b->map, p->side == C_BPF ? ACC_LOOKUP : ACC_FIND);
		plan_expr(p, (struct expr *)b->key);
	} else {
		b = NULL;
		plan_expr(p, s->if_.cond);
	}
	/* an explicit binding x always exists; m[k] goes through it only
	 * where nothing may take the entry away meanwhile */
	bool through = b && !disturbs(held, b->map, b->key);
	bool copy = b && p->side == C_USER;	/* changes to x go back into the entry */
	if (copy)
		vec_push(A, &p->copies, b);
	if (through && !b->absent_branch)
		vec_push(A, &p->bindings, b);
	plan_block(p, s->if_.then);
	if (through && !b->absent_branch)
		p->bindings.len--;
	if (copy)
		p->copies.len--;
	if (through && b->absent_branch)
		vec_push(A, &p->bindings, b);
	plan_block(p, s->if_.otherwise);
	if (through && b->absent_branch)
		p->bindings.len--;
}

static void plan_stmt(struct map_planner *p, struct stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR: case STMT_THROW: case STMT_RETURN:
		plan_expr(p, s->expr);
		return;
	case STMT_DEFER:
		plan_expr(p, s->expr);
		plan_block(p, s->deferred);
		return;
	case STMT_VAR: case STMT_CONST:
		if (s->sym && is_entry_var(s->sym)) {	/* var v = m[k] */
			const struct symbol *map = indexed_map(s->var.init);
			s->sym->entry_map_sym = map;
			plan_expr(p, s->var.init->index.index);
			s->c_access = p->side == C_BPF ? ACC_LOOKUP
				      : s->sym->null_tested ? ACC_FIND : ACC_GET;
			need(p, map, s->c_access);
			if (p->side == C_BPF)
				vec_push(A, &p->entries, s->sym);
			return;
		}
		plan_expr(p, s->var.init);
		return;
	case STMT_ASSIGN:
		plan_assign(p, s);
		return;
	case STMT_DELETE: {
		const struct symbol *map = indexed_map(s->expr);
		if (map) {
			s->c_access = ACC_DELETE;
			need(p, map, ACC_DELETE);
			plan_expr(p, s->expr->index.index);
			refresh_entries(p, s, map);
		} else {
			plan_expr(p, s->expr);
		}
		return;
	}
	case STMT_IF:
		plan_if(p, s);
		return;
	case STMT_WHILE:
		plan_expr(p, s->while_.cond);
		plan_block(p, s->while_.body);
		return;
	case STMT_FOR_RANGE:
		plan_expr(p, s->for_.from);
		plan_expr(p, s->for_.to);
		plan_block(p, s->for_.body);
		return;
	case STMT_FOR_EACH:
		if (names_map(s->for_.iterable->sym)) {
			s->c_access = ACC_FIND;
			need(p, s->for_.iterable->sym, ACC_FIND);
		}
		plan_block(p, s->for_.body);
		return;
	case STMT_BLOCK:
		plan_block(p, s);
		return;
	case STMT_TRY:
		plan_block(p, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++)
			plan_block(p, ((struct catch_clause *)s->try_.catches.items[i])->body);
		return;
	case STMT_BREAK: case STMT_CONTINUE:
		return;
	}
}

static void plan_block(struct map_planner *p, struct stmt *block)
{
	if (!block)
		return;
	if (block->kind != STMT_BLOCK) {
		plan_stmt(p, block);
		return;
	}
	size_t entries = p->entries.len;
	for (size_t i = 0; i < block->block.len; i++)
		plan_stmt(p, block->block.items[i]);
	p->entries.len = entries;	/* the block's entry variables end with it */
}

void plan_map_accesses(struct plan *plan, enum c_side side, struct stmt *body)
{
	struct map_planner planner = { .arena = plan->arena, .plan = plan, .side = side };
	plan_block(&planner, body);
}
