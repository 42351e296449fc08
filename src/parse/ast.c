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
