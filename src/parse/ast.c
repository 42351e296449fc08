#include "ast.h"

#define AS_TEXT(name, text) [name] = text,
static const char *const unary_texts[] = { UNARY_OPS(AS_TEXT) };
static const char *const binary_texts[] = { BINARY_OPS(AS_TEXT) };
#undef AS_TEXT

const char *unary_op_text(enum unary_op op)
{
	return unary_texts[op];
}

const char *binary_op_text(enum binary_op op)
{
	return binary_texts[op];
}

struct ast_type *ast_type_new(struct arena *a, enum type_kind kind, struct span span)
{
	struct ast_type *t = arena_alloc(a, sizeof(*t));
	t->kind = kind;
	t->span = span;
	return t;
}

struct expr *ast_expr_new(struct arena *a, enum expr_kind kind, struct span span)
{
	struct expr *e = arena_alloc(a, sizeof(*e));
	e->kind = kind;
	e->span = span;
	return e;
}

struct stmt *ast_stmt_new(struct arena *a, enum stmt_kind kind, struct span span)
{
	struct stmt *s = arena_alloc(a, sizeof(*s));
	s->kind = kind;
	s->span = span;
	return s;
}

struct decl *ast_decl_new(struct arena *a, enum decl_kind kind, struct span span)
{
	struct decl *d = arena_alloc(a, sizeof(*d));
	d->kind = kind;
	d->span = span;
	return d;
}

const struct expr *place_root(const struct expr *x)
{
	while (x->kind == EXPR_FIELD || x->kind == EXPR_ARROW || x->kind == EXPR_INDEX)
		x = x->kind == EXPR_INDEX ? x->index.base : x->field.base;
	return x;
}

const char *decl_kind_name(enum decl_kind kind)
{
	static const char *const names[] = {
		[DECL_FN] = "fn",
		[DECL_EXTERN] = "extern",
		[DECL_STRUCT] = "struct",
		[DECL_ENUM] = "enum",
		[DECL_TYPE] = "type",
		[DECL_CONFIG] = "config",
		[DECL_VAR] = "var",
		[DECL_MAP] = "map",
		[DECL_CONST] = "const",
		[DECL_IMPL] = "impl",
		[DECL_INCLUDE] = "include",
		[DECL_IMPORT] = "import",
		[DECL_FIELD] = "field",
	};
	return names[kind];
}

/* ---- walking ------------------------------------------------------------ */

static void walk_block(struct ast_visitor *v, struct stmt *s)
{
	if (s)
		ast_walk_stmt(v, s);
}

void ast_walk_expr(struct ast_visitor *v, struct expr *x)
{
	if (!x || (v->expr && !v->expr(v, x)))
		return;
	switch (x->kind) {
	case EXPR_UNARY: ast_walk_expr(v, x->unary.operand); return;
	case EXPR_BINARY:
		ast_walk_expr(v, x->binary.lhs);
		ast_walk_expr(v, x->binary.rhs);
		return;
	case EXPR_CAST: ast_walk_expr(v, x->cast.operand); return;
	case EXPR_FIELD: case EXPR_ARROW: ast_walk_expr(v, x->field.base); return;
	case EXPR_INDEX:
		ast_walk_expr(v, x->index.base);
		ast_walk_expr(v, x->index.index);
		return;
	case EXPR_CALL:
		ast_walk_expr(v, x->call.callee);
		for (size_t i = 0; i < x->call.args.len; i++)
			ast_walk_expr(v, x->call.args.items[i]);
		return;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			ast_walk_expr(v, ((struct field_init *)x->struct_lit.fields.items[i])->value);
		return;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < x->array.elems.len; i++)
			ast_walk_expr(v, x->array.elems.items[i]);
		ast_walk_expr(v, x->array.repeat);
		return;
	case EXPR_CONDITIONAL:
		ast_walk_expr(v, x->conditional.cond);
		ast_walk_expr(v, x->conditional.then);
		ast_walk_expr(v, x->conditional.otherwise);
		return;
	case EXPR_MATCH:
		ast_walk_expr(v, x->match.scrutinee);
		for (size_t i = 0; i < x->match.arms.len; i++) {
			struct match_arm *arm = x->match.arms.items[i];
			ast_walk_expr(v, arm->pattern);
			ast_walk_expr(v, arm->value);
			walk_block(v, arm->body);
		}
		return;
	case EXPR_NEW: ast_walk_expr(v, x->new_.flags); return;
	default:
		return;
	}
}

void ast_walk_stmt(struct ast_visitor *v, struct stmt *s)
{
	if (!s || (v->stmt && !v->stmt(v, s)))
		return;
	switch (s->kind) {
	case STMT_EXPR: case STMT_RETURN: case STMT_THROW: case STMT_DELETE:
		ast_walk_expr(v, s->expr);
		return;
	case STMT_VAR: case STMT_CONST:
		ast_walk_expr(v, s->var.init);
		return;
	case STMT_ASSIGN:
		ast_walk_expr(v, s->assign.target);
		ast_walk_expr(v, s->assign.value);
		return;
	case STMT_IF:
		ast_walk_expr(v, s->if_.cond);
		walk_block(v, s->if_.then);
		walk_block(v, s->if_.otherwise);
		return;
	case STMT_WHILE:
		ast_walk_expr(v, s->while_.cond);
		walk_block(v, s->while_.body);
		return;
	case STMT_FOR_RANGE: case STMT_FOR_EACH:
		ast_walk_expr(v, s->for_.from);
		ast_walk_expr(v, s->for_.to);
		ast_walk_expr(v, s->for_.iterable);
		walk_block(v, s->for_.body);
		return;
	case STMT_BLOCK:
		for (size_t i = 0; i < s->block.len; i++)
			ast_walk_stmt(v, s->block.items[i]);
		return;
	case STMT_TRY:
		walk_block(v, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++) {
			struct catch_clause *cl = s->try_.catches.items[i];
			ast_walk_expr(v, cl->code);
			walk_block(v, cl->body);
		}
		return;
	case STMT_DEFER:
		ast_walk_expr(v, s->expr);
		walk_block(v, s->deferred);
		return;
	default:
		return;
	}
}
