/* The check stage: statements and function bodies. */
#include "check_internal.h"

#include <string.h>

static bool breaks_out(const struct vec *stmts);
static bool block_always_returns(const struct vec *stmts);
static bool returns_somewhere(const struct vec *stmts);

static void check_block(struct checker *c, struct stmt *block)
{
	push_scope(c);
	for (size_t i = 0; i < block->block.len; i++)
		check_stmt(c, block->block.items[i]);
	pop_scope(c);
}

static struct symbol *bind(struct checker *c, enum symbol_kind kind, const char *name,
			   struct span span, const struct type *type)
{
	struct symbol *sym = new_symbol(c, kind, name, span);
	sym->type = type;
	declare_local(c, sym);
	return sym;
}

/* Whether E names a place that can be assigned to; reports why not. */
static bool assignable_place(struct checker *c, const struct expr *e)
{
	switch (e->kind) {
	case EXPR_IDENT:
		if (!e->sym)
			return true;	/* already reported */
		switch (e->sym->kind) {
		case SYM_PARAM:
			if (e->sym->type->kind == TY_MAP) {
				diag_error(c->diag, e->span, "'%s' is a map parameter: it is the map "
					   "the function is called with, and cannot be another",
					   e->ident);
				return false;
			}
			return true;
		case SYM_LOCAL: case SYM_GLOBAL:
			return true;
		case SYM_CONST:
			diag_error(c->diag, e->span, "'%s' is a constant", e->ident);
			return false;
		default:
			diag_error(c->diag, e->span, "'%s' cannot be assigned to", e->ident);
			return false;
		}
	case EXPR_FIELD:
	case EXPR_ARROW:
	case EXPR_INDEX:
		return true;
	case EXPR_UNARY:
		if (e->unary.op == UNARY_DEREF)
			return true;
		/* fall through */
	default:
		diag_error(c->diag, e->span, "this cannot be assigned to");
		return false;
	}
}

static void check_assign(struct checker *c, struct stmt *s)
{
	const struct type *target = check_expr(c, s->assign.target);
	const struct type *value = check_expr(c, s->assign.value);
	if (!assignable_place(c, s->assign.target))
		return;
	null_check_write(c, s->assign.target, s->assign.op.compound);
	const struct expr *root = place_root(s->assign.target);
	if (root->kind == EXPR_IDENT && root->sym) {
		root->sym->assigned = true;
		root->sym->writes++;
		if (root->sym->program_ref)
			diag_error(c->diag, s->assign.target->span, "'%s' names the program '%s', "
				   "which is settled when the program is compiled: it cannot be "
				   "assigned", root->sym->name, root->sym->program_ref->name);
	}
	if (!s->assign.op.compound && s->assign.target->kind == EXPR_IDENT &&
	    s->assign.target->maybe_null) {
		s->assign.target->sym->absent_storage = true;	/* v = value when absent */
		s->assign.target->surely_null = null_for_sure(c, s->assign.target->sym);
	}
	if (!s->assign.op.compound)
		null_assigned(c, s->assign.target, s->assign.value);
	check_reserved_assign(c, s->assign.target);
	if (s->assign.op.compound) {
		/* x += 1: the constant takes x's type, as in x = x + 1 */
		if (s->assign.op.op != BIN_SHL && s->assign.op.op != BIN_SHR)
			const_adapt_beside(s->assign.value, target);
		if (!type_is_integer(target) || !type_is_integer(value))
			diag_error(c->diag, s->span, "'%s=' needs integers, not %s and %s",
				   binary_op_text(s->assign.op.op), type_name(A, target),
				   type_name(A, value));
		return;
	}
	if (!assignable(target, value, s->assign.value) &&
	    !report_literal_misfit(c, target, s->assign.value))
		diag_error(c->diag, s->assign.value->span, "cannot assign %s to %s",
			   type_name(A, value), type_name(A, target));
	else
		check_conversion(c, target, s->assign.value);
}

void report_const_type(struct checker *c, struct span at, const char *name,
		       const struct type *t)
{
	diag_error(c->diag, at, "a const is an integer, and '%s' would be %s: "
		   "make it a var", name, type_name(A, t));
}

static void check_var(struct checker *c, struct stmt *s)
{
	const struct type *init = s->var.init ? check_expr(c, s->var.init) : NULL;
	const struct type *type = s->var.type ? resolve_type(c, s->var.type) : init;
	if (!type)
		type = &type_error;
	if (init && s->var.type && cut_string_literal(c, s->var.name, type, s->var.init)) {
		/* warned */
	} else if (init && s->var.type && !assignable(type, init, s->var.init)) {
		report_not_assignable(c, s->var.name, type, init, s->var.init);
	} else if (init && s->var.type) {
		check_conversion(c, type, s->var.init);
	}
	if (type->kind == TY_VOID) {
		diag_error(c->diag, s->span, "'%s' has no value (void)", s->var.name);
		type = &type_error;
	}
	if ((type->kind == TY_MAP || type->kind == TY_RINGBUF) && init) {
		diag_error(c->diag, s->var.init->span,
			   "a map is not a value to copy: use '%s' itself",
			   s->var.init->kind == EXPR_IDENT ? s->var.init->ident : "the map");
		type = &type_error;
	} else if (type->kind == TY_MAP || type->kind == TY_RINGBUF) {
		diag_error(c->diag, s->var.name_span, "a local cannot be a map: "
			   "maps are declared at the top level, with a size");
		type = &type_error;
	}
	if (type->kind == TY_NULL)	/* var p = null: a *u8, as SPEC infers it */
		type = type_pointer(A, &type_u8);
	s->sym = bind(c, s->kind == STMT_CONST ? SYM_CONST : SYM_LOCAL, s->var.name,
		      s->var.name_span, type);
	s->sym->loaded = loaded_program(init ? s->var.init : NULL);
	if (s->kind == STMT_VAR && init && s->var.init->kind == EXPR_IDENT && s->var.init->sym &&
	    s->var.init->sym->kind == SYM_FUNCTION && s->var.init->sym->fn &&
	    s->var.init->sym->fn->side == SIDE_PROGRAM) {
		s->sym->program_ref = s->var.init->sym;
		if (in_bpf(c))
			diag_error(c->diag, s->var.init->span, "a reference to a program is for "
				   "load() in userspace; eBPF code calls programs by name");
	}
	if (s->kind == STMT_VAR && !s->var.type && s->var.init->kind == EXPR_INDEX &&
	    s->var.init->index.base->type && s->var.init->index.base->type->kind == TY_MAP) {
		/* var v = m[k]: v is the entry itself, which may be absent */
		s->sym->map_entry = s->sym->map_ref = true;
		s->sym->entry_map = s->var.init->index.base->kind == EXPR_IDENT
				    ? s->var.init->index.base->ident : NULL;
	}
	null_declared(c, s->sym, init ? s->var.init : NULL);
	if (s->kind == STMT_CONST && type->kind != TY_ERROR && !type_is_integer(type))
		report_const_type(c, s->var.type ? s->var.type->span : s->var.init->span,
				  s->var.name, type);
	else if (s->kind == STMT_CONST && init && !s->var.init->constant)
		diag_error(c->diag, s->var.init->span, "a const needs a constant value");
	if (s->kind == STMT_CONST && init && s->var.init->constant) {
		s->sym->has_value = true;
		s->sym->value = (int64_t)wide_convert(s->var.init->value, type);
		s->sym->const_init = s->var.init;
		s->sym->untyped = !s->var.type && s->var.init->untyped;
	}
	/* a local that keeps a constant bounds loops as the constant does */
	if (s->kind == STMT_VAR && init && type_is_integer(type)) {
		s->sym->has_value = const_value(c, s->var.init, &s->sym->value);
		s->sym->init_range = value_range(c, s->var.init);
	}
	bind_reservation(c, s->sym, s->var.init);
	if (in_bpf(c)) {
		/* Counted whole, scopes or not: clang may or may not share slots. */
		uint64_t size = type_size(type);
		c->stack_bytes += size ? size : 8;
		if (c->stack_bytes > BPF_STACK_LIMIT && !c->fn->stack_culprit) {
			c->fn->stack_culprit = s;
			c->fn->stack_bytes = c->stack_bytes;
		}
	}
}

static void check_if(struct checker *c, struct stmt *s)
{
	const struct type *cond = check_expr(c, s->if_.cond);
	push_scope(c);
	if (s->if_.bind) {
		/* if (var x = m[k]): x is bound to the entry when the key is there. */
		bool lookup = s->if_.cond->kind == EXPR_INDEX && s->if_.cond->index.base->type &&
			      s->if_.cond->index.base->type->kind == TY_MAP;
		if (!lookup && cond->kind != TY_POINTER && cond->kind != TY_ERROR)
			diag_error(c->diag, s->if_.cond->span,
				   "'if (var ...)' needs a map lookup or a pointer, not %s",
				   type_name(A, cond));
		s->sym = bind(c, SYM_LOCAL, s->if_.bind, s->if_.bind_span, cond);
		s->sym->map_ref = lookup;
		bind_reservation(c, s->sym, s->if_.cond);
	} else if (!type_is_scalar(cond) && cond->kind != TY_ERROR) {
		diag_error(c->diag, s->if_.cond->span, "a condition must be a bool, an integer or a pointer, not %s",
			   type_name(A, cond));
	}
	struct null_state before = null_save(c);
	if (!s->if_.bind)
		null_assume(c, s->if_.cond, true);
	check_block(c, s->if_.then);
	pop_scope(c);
	struct null_state then_end = null_save(c);
	null_restore(c, &before);
	if (!s->if_.bind)
		null_assume(c, s->if_.cond, false);
	if (s->if_.otherwise)
		check_stmt(c, s->if_.otherwise);
	null_join(c, &then_end);
}

/* A loop body runs any number of times: what it may make null may be
 * null at its top, and after the loop. COND holds inside, when given. */
static void check_loop_body(struct checker *c, struct stmt *body, const struct expr *cond)
{
	null_widen(c, body);
	struct null_state entry = null_save(c);
	if (cond)
		null_assume(c, cond, true);
	c->loop_depth++;
	check_block(c, body);
	c->loop_depth--;
	null_join(c, &entry);
	c->nulls.unreachable = entry.unreachable;
}

/* Whether E may be negative: a signed value, or a negative constant. */
static bool may_be_negative(const struct expr *e)
{
	if (e->constant && e->untyped)
		return e->value < 0;
	return e->type->kind == TY_INT && e->type->is_signed;
}

/* for (i in from..to): i counts in an unsigned type unless a bound may
 * be negative, in 32 bits unless a bound needs 64. */
static const struct type *range_type(const struct expr *from, const struct expr *to)
{
	if (!type_is_integer(from->type) || !type_is_integer(to->type))
		return &type_u32;
	bool wide = (from->type->kind == TY_INT && from->type->bits > 32) ||
		    (to->type->kind == TY_INT && to->type->bits > 32);
	return type_int(wide ? 64 : 32, may_be_negative(from) || may_be_negative(to));
}

static void check_for_range(struct checker *c, struct stmt *s)
{
	const struct type *from = check_expr(c, s->for_.from);
	const struct type *to = check_expr(c, s->for_.to);
	if (!type_is_integer(from))
		diag_error(c->diag, s->for_.from->span, "a range needs integers, not %s",
			   type_name(A, from));
	if (!type_is_integer(to))
		diag_error(c->diag, s->for_.to->span, "a range needs integers, not %s",
			   type_name(A, to));
	if (in_bpf(c))
		vec_push(A, &c->loops, s);
	push_scope(c);
	s->sym = bind(c, SYM_LOCAL, s->for_.var, s->for_.var_span, range_type(s->for_.from, s->for_.to));
	check_loop_body(c, s->for_.body, NULL);
	pop_scope(c);
}

static void check_for_each(struct checker *c, struct stmt *s)
{
	const struct type *m = check_expr(c, s->for_.iterable);
	const struct type *key = &type_error, *value = &type_error;
	if (m->kind == TY_MAP) {
		key = m->key;
		value = m->value;
		if (in_bpf(c))
			diag_error(c->diag, s->span,
				   "iterating over a map is for userspace (eBPF code looks up keys)");
	} else if (m->kind != TY_ERROR) {
		diag_error(c->diag, s->for_.iterable->span, "'for (k, v) in' needs a map, not %s",
			   type_name(A, m));
	}
	push_scope(c);
	s->sym = bind(c, SYM_LOCAL, s->for_.var, s->for_.var_span, key);
	s->sym2 = bind(c, SYM_LOCAL, s->for_.value_var, s->for_.value_var_span, value);
	check_loop_body(c, s->for_.body, NULL);
	pop_scope(c);
}

/* The calls whose value X, returned, is: X, the arms of a match or the
 * branches of ?: it is, the last expression of a block arm. */
static void mark_tail_position(struct expr *x)
{
	if (!x)
		return;
	switch (x->kind) {
	case EXPR_CALL:
		x->tail_position = true;
		return;
	case EXPR_CONDITIONAL:
		mark_tail_position(x->conditional.then);
		mark_tail_position(x->conditional.otherwise);
		return;
	case EXPR_MATCH:
		for (size_t i = 0; i < x->match.arms.len; i++) {
			struct match_arm *arm = x->match.arms.items[i];
			const struct stmt *last = arm->body && arm->body->block.len
				? arm->body->block.items[arm->body->block.len - 1] : NULL;
			if (arm->value)
				mark_tail_position(arm->value);
			else if (last && last->kind == STMT_EXPR)
				mark_tail_position(last->expr);
		}
		return;
	default:
		return;
	}
}

static void check_return(struct checker *c, struct stmt *s)
{
	const struct type *want = c->fn->type ? c->fn->type->ret : &type_void;
	if (!s->expr) {
		/* With a named return, a bare return returns that variable. */
		if (want->kind != TY_VOID && want->kind != TY_ERROR && !c->fn->decl->fn.ret_name)
			diag_error(c->diag, s->span, "'%s' must return %s", c->fn->decl->name,
				   type_name(A, want));
		return;
	}
	mark_tail_position(s->expr);
	const struct type *got = check_expr(c, s->expr);
	const struct expr *x = s->expr;
	if (x->kind == EXPR_UNARY && x->unary.op == UNARY_ADDR && x->unary.operand->kind == EXPR_IDENT &&
	    x->unary.operand->sym && (x->unary.operand->sym->kind == SYM_LOCAL ||
				      x->unary.operand->sym->kind == SYM_PARAM))
		diag_error(c->diag, x->span,
			   "'%s' returns the address of its local '%s', which is gone once it returns",
			   c->fn->decl->name, x->unary.operand->ident);
	if (want->kind == TY_VOID)
		diag_error(c->diag, s->expr->span, "'%s' returns nothing", c->fn->decl->name);
	else if (!assignable(want, got, s->expr) && !report_literal_misfit(c, want, s->expr))
		diag_error(c->diag, s->expr->span, "'%s' returns %s, not %s", c->fn->decl->name,
			   type_name(A, want), type_name(A, got));
	else
		check_conversion(c, want, s->expr);
}

void check_stmt(struct checker *c, struct stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR:
		check_expr(c, s->expr);
		break;
	case STMT_VAR:
	case STMT_CONST:
		check_var(c, s);
		break;
	case STMT_ASSIGN:
		check_assign(c, s);
		break;
	case STMT_IF:
		check_if(c, s);
		break;
	case STMT_WHILE: {
		const struct type *cond = check_expr(c, s->while_.cond);
		if (in_bpf(c) && s->while_.cond->kind == EXPR_BOOL && s->while_.cond->boolean &&
		    !breaks_out(&s->while_.body->block) && !block_always_returns(&s->while_.body->block) &&
		    !returns_somewhere(&s->while_.body->block))
			diag_error(c->diag, s->while_.cond->span,
				   "this loop never ends, and the verifier rejects an eBPF program "
				   "whose loops it cannot bound");
		else if (in_bpf(c))
			vec_push(A, &c->loops, s);
		if (!type_is_scalar(cond) && cond->kind != TY_ERROR)
			diag_error(c->diag, s->while_.cond->span, "a condition must be a bool, an integer or a pointer, not %s",
				   type_name(A, cond));
		check_loop_body(c, s->while_.body, s->while_.cond);
		break;
	}
	case STMT_FOR_RANGE:
		check_for_range(c, s);
		break;
	case STMT_FOR_EACH:
		check_for_each(c, s);
		break;
	case STMT_RETURN:
		check_return(c, s);
		c->nulls.unreachable = true;
		break;
	case STMT_BREAK:
	case STMT_CONTINUE:
		if (!c->loop_depth)
			diag_error(c->diag, s->span, "'%s' outside a loop",
				   s->kind == STMT_BREAK ? "break" : "continue");
		c->nulls.unreachable = true;
		break;
	case STMT_DELETE:
		check_delete(c, s);
		break;
	case STMT_BLOCK:
		check_block(c, s);
		break;
	case STMT_TRY: {
		null_widen(c, s->try_.body);	/* a catch may start anywhere in it */
		struct null_state before = null_save(c);
		check_block(c, s->try_.body);
		check_catches(c, s);
		for (size_t i = 0; i < s->try_.catches.len; i++) {
			struct null_state so_far = null_save(c);
			null_restore(c, &before);
			check_block(c, ((struct catch_clause *)s->try_.catches.items[i])->body);
			null_join(c, &so_far);
		}
		break;
	}
	case STMT_THROW:
		check_throw_stmt(c, s);
		c->nulls.unreachable = true;
		break;
	case STMT_DEFER: {
		/* runs at the end of the function, whatever holds then */
		struct null_state before = null_save(c);
		/* a call's arguments are taken now; other work runs as written */
		if (!s->expr || s->expr->kind != EXPR_CALL)
			c->deferring = c->scope;
		if (s->expr)
			check_expr(c, s->expr);
		else
			check_block(c, s->deferred);
		c->deferring = NULL;
		null_restore(c, &before);
		check_defer_stmt(c, s);
		break;
	}
	}
}

static bool always_returns(const struct stmt *s);

static bool block_always_returns(const struct vec *stmts)
{
	for (size_t i = 0; i < stmts->len; i++)
		if (always_returns(stmts->items[i]))
			return true;
	return false;
}

/* Whether BODY, a loop's body, can leave the loop with break. */
static bool breaks_out(const struct vec *stmts)
{
	for (size_t i = 0; i < stmts->len; i++) {
		const struct stmt *s = stmts->items[i];
		if (s->kind == STMT_BREAK)
			return true;
		if (s->kind == STMT_BLOCK && breaks_out(&s->block))
			return true;
		if (s->kind == STMT_IF && (breaks_out(&s->if_.then->block) ||
					   (s->if_.otherwise && s->if_.otherwise->kind == STMT_BLOCK &&
					    breaks_out(&s->if_.otherwise->block)) ||
					   (s->if_.otherwise && s->if_.otherwise->kind == STMT_IF &&
					    breaks_out(&(struct vec){ (void **)&s->if_.otherwise, 1, 1 }))))
			return true;
		if (s->kind == STMT_TRY && breaks_out(&s->try_.body->block))
			return true;
	}
	return false;
}

/* Whether a return statement stands anywhere in STMTS. */
static bool returns_somewhere(const struct vec *stmts)
{
	for (size_t i = 0; i < stmts->len; i++) {
		const struct stmt *s = stmts->items[i];
		switch (s->kind) {
		case STMT_RETURN: case STMT_THROW:
			return true;
		case STMT_BLOCK:
			if (returns_somewhere(&s->block))
				return true;
			break;
		case STMT_IF:
			if (returns_somewhere(&s->if_.then->block) ||
			    (s->if_.otherwise && s->if_.otherwise->kind == STMT_BLOCK &&
			     returns_somewhere(&s->if_.otherwise->block)) ||
			    (s->if_.otherwise && s->if_.otherwise->kind == STMT_IF &&
			     returns_somewhere(&(struct vec){ (void **)&s->if_.otherwise, 1, 1 })))
				return true;
			break;
		case STMT_WHILE: case STMT_FOR_RANGE: case STMT_FOR_EACH:
			if (returns_somewhere(&(s->kind == STMT_WHILE ? s->while_.body : s->for_.body)->block))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

bool stmt_always_returns(const struct stmt *s)
{
	return always_returns(s);
}

/* Whether control cannot run past S. */
static bool always_returns(const struct stmt *s)
{
	switch (s->kind) {
	case STMT_RETURN:
	case STMT_THROW:
		return true;
	case STMT_EXPR:
		return never_returns(s->expr);
	case STMT_BLOCK:
		return block_always_returns(&s->block);
	case STMT_IF:
		return s->if_.otherwise && always_returns(s->if_.then) &&
		       always_returns(s->if_.otherwise);
	case STMT_WHILE:
		return s->while_.cond->kind == EXPR_BOOL && s->while_.cond->boolean &&
		       !breaks_out(&s->while_.body->block);
	case STMT_TRY:
		if (!always_returns(s->try_.body))
			return false;
		for (size_t i = 0; i < s->try_.catches.len; i++)
			if (!always_returns(((struct catch_clause *)s->try_.catches.items[i])->body))
				return false;
		return true;
	default:
		return false;
	}
}

void check_body(struct checker *c, struct function_info *fn)
{
	struct decl *d = fn->decl;
	if (!d->fn.body || !fn->type)
		return;
	c->fn = fn;
	c->loop_depth = 0;
	c->stack_bytes = 0;
	null_reset(c);
	push_scope(c);
	for (size_t i = 0; i < d->fn.params.len; i++) {
		struct param *p = d->fn.params.items[i];
		p->sym = bind(c, SYM_PARAM, p->name, p->span, fn->type->params.items[i]);
	}
	if (d->fn.ret_name)
		fn->ret_sym = bind(c, SYM_LOCAL, d->fn.ret_name, d->fn.ret->span, fn->type->ret);
	c->loops.len = 0;
	const struct stmt *tail = d->fn.body->block.len
		? d->fn.body->block.items[d->fn.body->block.len - 1] : NULL;
	if (tail && tail->kind == STMT_EXPR)	/* the function's value */
		mark_tail_position(tail->expr);
	check_block(c, d->fn.body);
	pop_scope(c);
	check_loop_bounds(c);
	check_reservations(c);
	if (in_bpf(c))
		check_bpf_objects(c, fn);
	const struct type *ret = fn->type->ret;
	bool is_main = fn == c->cp->main_fn;
	const struct stmt *last = d->fn.body->block.len
		? d->fn.body->block.items[d->fn.body->block.len - 1] : NULL;
	bool value_last = last && last->kind == STMT_EXPR && last->expr->type &&
			  last->expr->type->kind != TY_VOID;
	if (value_last && ret->kind != TY_VOID && !assignable(ret, last->expr->type, last->expr))
		diag_error(c->diag, last->span, "'%s' returns %s, not %s", d->name,
			   type_name(A, ret), type_name(A, last->expr->type));
	if (ret->kind != TY_VOID && ret->kind != TY_ERROR && !d->fn.ret_name && !is_main &&
	    !value_last && !always_returns(d->fn.body)) {
		struct span end = d->fn.body->span;
		end.begin = end.end > end.begin ? end.end - 1 : end.begin;
		diag_error(c->diag, end, "'%s' can reach its end without returning %s", d->name,
			   type_name(A, ret));
	}
	c->fn = NULL;
}

/* The eBPF stack limit, once every body is checked: an error where the
 * function will run, a warning where nothing calls it (it is not
 * generated). */
void check_stack_limits(struct checker *c)
{
	for (size_t i = 0; i < c->cp->functions.len; i++) {
		const struct function_info *fn = c->cp->functions.items[i];
		const struct stmt *s = fn->stack_culprit;
		if (!s)
			continue;
		bool runs = fn->side == SIDE_PROGRAM || (fn->decl->sym && fn->decl->sym->used);
		const char *fmt = "'%s' (%llu bytes) takes '%s' past the %d bytes of eBPF stack "
				  "(%llu bytes of locals)";
		unsigned long long size = type_size(s->sym->type);
		if (runs)
			diag_error(c->diag, s->var.name_span, fmt, s->var.name, size, fn->decl->name,
				   BPF_STACK_LIMIT, (unsigned long long)fn->stack_bytes);
		else
			diag_warning(c->diag, s->var.name_span, fmt, s->var.name, size, fn->decl->name,
				     BPF_STACK_LIMIT, (unsigned long long)fn->stack_bytes);
		diag_note(c->diag, s->var.name_span,
			  "keep large values in a map, such as a percpu_array<u32, T>(1)");
	}
}
