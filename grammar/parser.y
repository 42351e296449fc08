/* The KernelScript grammar.
 *
 * Statements and declarations end at a newline, as in Go: the scanner's
 * newline filter (src/newlines.c) hands the parser an NL token only where a
 * line can end a statement, so the grammar below sees NL exactly where it
 * separates two things.  Inside ( ) and [ ] there is never an NL; before
 * '}', 'else', 'catch' and binary operators the filter drops it.
 *
 * The parser builds the AST and does nothing else. */

%define api.pure full
%define parse.error custom
%define parse.lac full
/* Reduce only on a lookahead that fits: error rules then reduce at the
 * newline that ends the bad line, and the list before them survives. */
%define lr.default-reduction accepting
%define api.location.type {struct span}
%locations
%param {struct parse_state *ps}
%expect 0

%code requires {
#include "ast.h"
struct parse_state;
}

%code provides {
/* The token source: raw tokens through the newline filter (src/newlines.c). */
int next_token(YYSTYPE *lval, YYLTYPE *lloc, struct parse_state *ps);
void yyerror(YYLTYPE *lloc, struct parse_state *ps, const char *msg);
}

%code {
#include <string.h>

#include <stdio.h>

#include "parse_state.h"

#define yylex next_token

/* A rule's span runs from its first symbol's start to its last symbol's
 * end; an empty rule sits where the previous symbol ended. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                      \
	do {                                                             \
		if (N) {                                                 \
			(Cur).src = YYRHSLOC(Rhs, 1).src;                \
			(Cur).begin = YYRHSLOC(Rhs, 1).begin;            \
			(Cur).end = YYRHSLOC(Rhs, N).end;                \
		} else {                                                 \
			(Cur).src = YYRHSLOC(Rhs, 0).src;                \
			(Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end;  \
		}                                                        \
	} while (0)

/* Deeper nesting than this is reported, not followed: later stages walk
 * the tree recursively. */
#define YYMAXDEPTH 5000

#define A (ps->arena)

/* Called by the error rules when they reduce, at the token that ends the bad
 * item.  When recovery skipped exactly the bad item (no bracket left open or
 * closed early), the parser may report the very next error; otherwise
 * bison's rule of three good tokens first keeps a cascade quiet. */
static void end_recovery(struct parse_state *ps, int *errstatus)
{
	if (ps->recovering && ps->error_depth == ps->error_line_depth &&
	    ps->depth == ps->error_depth)
		*errstatus = 0;
	ps->recovering = false;
}

/* Expressions deeper than this are an error: every later stage walks them
 * recursively.  Chains like a + b + ... or p.a.a... grow the tree without
 * growing the parser's stack, so YYMAXDEPTH alone does not bound them. */
#define MAX_EXPR_DEPTH 1000

static uint32_t depth_of(const struct expr *e)
{
	return e ? e->depth : 0;
}

/* Sets E's depth from its operands; past the limit, reports once and gives
 * back E's first operand so the tree stays shallow. */
static struct expr *limit_depth(struct parse_state *ps, struct expr *e)
{
	struct expr *first = NULL, *second = NULL, *third = NULL;
	switch (e->kind) {
	case EXPR_UNARY: first = e->unary.operand; break;
	case EXPR_BINARY: first = e->binary.lhs; second = e->binary.rhs; break;
	case EXPR_CAST: first = e->cast.operand; break;
	case EXPR_FIELD: case EXPR_ARROW: first = e->field.base; break;
	case EXPR_INDEX: first = e->index.base; second = e->index.index; break;
	case EXPR_CALL:
		first = e->call.callee;
		for (size_t i = 0; i < e->call.args.len; i++)
			if (depth_of(e->call.args.items[i]) > depth_of(second))
				second = e->call.args.items[i];
		break;
	case EXPR_CONDITIONAL:
		first = e->conditional.cond;
		second = e->conditional.then;
		third = e->conditional.otherwise;
		break;
	default:
		break;
	}
	uint32_t d = depth_of(first);
	if (depth_of(second) > d)
		d = depth_of(second);
	if (depth_of(third) > d)
		d = depth_of(third);
	e->depth = d + 1;
	if (e->depth <= MAX_EXPR_DEPTH)
		return e;
	if (!ps->depth_reported)
		diag_error(ps->diag, e->span,
			   "expression nested more than %d levels deep", MAX_EXPR_DEPTH);
	ps->depth_reported = true;
	return first;
}

static struct vec vec_of(struct arena *a, void *item)
{
	struct vec v = { 0 };
	if (item)
		vec_push(a, &v, item);
	return v;
}

static struct expr *binary(struct arena *a, struct span span, enum binary_op op,
			   struct expr *lhs, struct expr *rhs)
{
	struct expr *e = ast_expr_new(a, EXPR_BINARY, span);
	e->binary.op = op;
	e->binary.lhs = lhs;
	e->binary.rhs = rhs;
	return e;
}

static struct expr *unary(struct arena *a, struct span span, enum unary_op op,
			  struct expr *operand)
{
	struct expr *e = ast_expr_new(a, EXPR_UNARY, span);
	e->unary.op = op;
	e->unary.operand = operand;
	return e;
}

static struct expr *member(struct arena *a, struct span span, enum expr_kind kind,
			   struct expr *base, const char *name, struct span name_span)
{
	struct expr *e = ast_expr_new(a, kind, span);
	e->field.base = base;
	e->field.name = name;
	e->field.name_span = name_span;
	return e;
}

static struct expr *ident(struct arena *a, struct span span, const char *name)
{
	struct expr *e = ast_expr_new(a, EXPR_IDENT, span);
	e->ident = name;
	return e;
}

static struct ast_type *named_type(struct arena *a, struct span span, const char *name)
{
	struct ast_type *t = ast_type_new(a, TYPE_NAME, span);
	t->name = name;
	return t;
}

static struct ast_type *array_type(struct arena *a, struct span span,
				   struct ast_type *elem, struct expr *len)
{
	struct ast_type *t = ast_type_new(a, TYPE_ARRAY, span);
	t->elem = elem;
	t->len = len;
	return t;
}

static struct ast_type *pointer_type(struct arena *a, struct span span, struct ast_type *to)
{
	struct ast_type *t = ast_type_new(a, TYPE_POINTER, span);
	t->elem = to;
	return t;
}

static struct ast_type *str_type(struct arena *a, struct span span, struct expr *len)
{
	struct ast_type *t = ast_type_new(a, TYPE_STR, span);
	t->len = len;
	return t;
}

static struct decl *named_decl(struct arena *a, enum decl_kind kind, struct span span,
			       const char *name, struct span name_span)
{
	struct decl *d = ast_decl_new(a, kind, span);
	d->name = name;
	d->name_span = name_span;
	return d;
}

/* A global var whose type is a sized generic (hash<K, V>(N), ringbuf<T>(N))
 * declares a map. */
static struct decl *global_var(struct arena *a, struct span span, const char *name,
			       struct span name_span, struct ast_type *type, struct expr *init)
{
	bool is_map = type && type->kind == TYPE_GENERIC && type->has_sizes;
	struct decl *d = named_decl(a, is_map ? DECL_MAP : DECL_VAR, span, name, name_span);
	d->var.type = type;
	d->var.init = init;
	return d;
}

static struct stmt *local_var(struct arena *a, enum stmt_kind kind, struct span span,
			      const char *name, struct span name_span,
			      struct ast_type *type, struct expr *init)
{
	struct stmt *s = ast_stmt_new(a, kind, span);
	s->var.name = name;
	s->var.name_span = name_span;
	s->var.type = type;
	s->var.init = init;
	return s;
}

static struct member *new_member(struct arena *a, struct span span, const char *name,
				 struct ast_type *type, struct expr *value)
{
	struct member *m = arena_alloc(a, sizeof(*m));
	m->span = span;
	m->name = name;
	m->type = type;
	m->value = value;
	return m;
}

static struct expr *literal_int(struct arena *a, enum expr_kind kind, struct span span,
				struct int_token tok)
{
	struct expr *e = ast_expr_new(a, kind, span);
	e->integer.value = tok.value;
	e->integer.text = tok.text;
	return e;
}

static struct stmt *if_stmt(struct arena *a, struct span span, const char *bind,
			    struct span bind_span, struct expr *cond,
			    struct stmt *then, struct stmt *otherwise)
{
	struct stmt *s = ast_stmt_new(a, STMT_IF, span);
	s->if_.bind = bind;
	s->if_.bind_span = bind_span;
	s->if_.cond = cond;
	s->if_.then = then;
	s->if_.otherwise = otherwise;
	return s;
}

static struct stmt *with_expr(struct arena *a, enum stmt_kind kind, struct span span,
			      struct expr *e)
{
	struct stmt *s = ast_stmt_new(a, kind, span);
	s->expr = e;
	return s;
}
}

%code requires {
struct int_token {
	uint64_t value;
	const char *text;
};
struct string_token {
	const char *bytes;
	uint32_t len;
};
/* What may stand before a declaration: attributes, pin, local. */
struct decl_prefix {
	struct vec attrs;
	bool pinned, local;
};
}

%union {
	const char *name;
	struct int_token integer;
	struct string_token string;
	struct expr *expr;
	struct stmt *stmt;
	struct decl *decl;
	struct ast_type *type;
	struct attr *attr;
	struct param *param;
	struct member *member;
	struct match_arm *arm;
	struct field_init *field_init;
	struct catch_clause *catch_clause;
	struct vec vec;
	struct assign_op assign_op;
	struct decl_prefix prefix;
}

%initial-action {
	@$ = (struct span){ ps->src, 0, 0 };
}

%token <name> IDENT "identifier"
%token <integer> INT "integer literal"
%token <integer> CHAR_LIT "character literal"
%token <string> STRING "string literal"
%token NL "end of line"

%token KW_FN "fn" KW_EXTERN "extern" KW_INCLUDE "include" KW_IMPORT "import"
%token KW_FROM "from" KW_PIN "pin" KW_LOCAL "local" KW_TYPE "type"
%token KW_STRUCT "struct" KW_ENUM "enum" KW_IMPL "impl" KW_CONFIG "config"
%token KW_VAR "var" KW_CONST "const" KW_IF "if" KW_ELSE "else" KW_FOR "for"
%token KW_IN "in" KW_WHILE "while" KW_RETURN "return" KW_BREAK "break"
%token KW_CONTINUE "continue" KW_DELETE "delete" KW_TRY "try" KW_CATCH "catch"
%token KW_THROW "throw" KW_DEFER "defer" KW_MATCH "match" KW_DEFAULT "default"
%token KW_NEW "new" KW_SIZEOF "sizeof" KW_AS "as" KW_STR "str"
%token KW_TRUE "true" KW_FALSE "false" KW_NULL "null"

%token ARROW "->" DOTDOT ".." EQ "==" NE "!=" LE "<=" GE ">=" AND "&&" OR "||"
%token SHL "<<" SHR ">>"
%token ADD_ASSIGN "+=" SUB_ASSIGN "-=" MUL_ASSIGN "*=" DIV_ASSIGN "/=" MOD_ASSIGN "%="
%token AND_ASSIGN "&=" OR_ASSIGN "|=" XOR_ASSIGN "^=" SHL_ASSIGN "<<=" SHR_ASSIGN ">>="

%type <vec> decl_list decls stmt_list stmts params_opt params args_opt args
%type <vec> struct_members struct_body enum_members enum_body config_members config_body
%type <vec> impl_items impl_body field_inits struct_lit_body arms match_body
%type <vec> catches types fn_type_params fn_type_params_opt attr_args array_elems
%type <decl> decl decl_body fn_decl impl_item
%type <prefix> prefix_list
%type <attr> attr
%type <name> attr_target attr_word
%type <param> param fn_type_param
%type <member> struct_member enum_member config_member
%type <stmt> stmt block block_nl if_stmt else_opt
%type <catch_clause> catch_clause
%type <type> type cast_type array_type const_type_opt new_type
%type <expr> expr or_expr and_expr eq_expr rel_expr bor_expr bxor_expr band_expr
%type <expr> shift_expr add_expr mul_expr cast_expr unary_expr postfix_expr primary
%type <expr> iterable pattern catch_code var_init_opt
%type <field_init> field_init
%type <arm> arm
%type <assign_op> assign_op
%type <name> name member_name

%%

program:
	decls			{ ps->program->decls = $1; }
	;

decls:
	%empty			{ $$ = (struct vec){ 0 }; }
	| decl_list
	;

decl_list:
	decl			{ $$ = vec_of(A, $1); }
	| decl_list NL decl	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

decl:
	decl_body
	| prefix_list decl_body {
		$$ = $2;
		$$->attrs = $1.attrs;
		$$->pinned = $1.pinned;
		$$->local = $1.local;
		$$->span.begin = @1.begin;
	}
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

prefix_list:
	attr			{ $$ = (struct decl_prefix){ .attrs = vec_of(A, $1) }; }
	| attr NL		{ $$ = (struct decl_prefix){ .attrs = vec_of(A, $1) }; }
	| KW_PIN		{ $$ = (struct decl_prefix){ .pinned = true }; }
	| KW_LOCAL		{ $$ = (struct decl_prefix){ .local = true }; }
	| prefix_list attr	{ $$ = $1; vec_push(A, &$$.attrs, $2); }
	| prefix_list attr NL	{ $$ = $1; vec_push(A, &$$.attrs, $2); }
	| prefix_list KW_PIN	{ $$ = $1; $$.pinned = true; }
	| prefix_list KW_LOCAL	{ $$ = $1; $$.local = true; }
	;

attr:
	'@' name {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->name = $2;
	}
	| '@' name '(' attr_args ')' {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->name = $2;
		$$->args = $4;
		$$->has_args = true;
	}
	| attr IDENT attr_target {
		/* @xdp on eth0: where the program attaches by itself */
		$$ = $1;
		if (strcmp($2, "on"))
			diag_error(ps->diag, @2, "expected 'on' and a target after the attribute, "
				   "as in @xdp on eth0, not '%s'", $2);
		else if ($$->on)
			diag_error(ps->diag, @2, "'@%s' says where it attaches once", $$->name);
		$$->on = $3;
		$$->on_span = @3;
		$$->span.end = @3.end;
	}
	;

/* An interface (eth0, veth-a), a tracepoint (sched/sched_switch), a
 * function, or anything else as a string. */
attr_target:
	STRING			{ $$ = $1.bytes; }
	| attr_word
	;

attr_word:
	IDENT
	| attr_word '/' IDENT	{ $$ = arena_printf(A, "%s/%s", $1, $3); }
	| attr_word '-' IDENT	{ $$ = arena_printf(A, "%s-%s", $1, $3); }
	| attr_word '-' INT	{ $$ = arena_printf(A, "%s-%s", $1, $3.text); }
	;

attr_args:
	args_opt
	;

decl_body:
	fn_decl
	| KW_EXTERN IDENT '(' params_opt ')' {
		$$ = named_decl(A, DECL_EXTERN, @$, $2, @2);
		$$->fn.params = $4;
	}
	| KW_EXTERN IDENT '(' params_opt ')' ARROW type {
		$$ = named_decl(A, DECL_EXTERN, @$, $2, @2);
		$$->fn.params = $4;
		$$->fn.ret = $7;
	}
	| KW_STRUCT IDENT lbrace struct_body '}' {
		$$ = named_decl(A, DECL_STRUCT, @$, $2, @2);
		$$->members = $4;
	}
	| KW_ENUM IDENT lbrace enum_body '}' {
		$$ = named_decl(A, DECL_ENUM, @$, $2, @2);
		$$->members = $4;
	}
	| KW_CONFIG IDENT lbrace config_body '}' {
		$$ = named_decl(A, DECL_CONFIG, @$, $2, @2);
		$$->members = $4;
	}
	| KW_TYPE IDENT '=' type {
		$$ = named_decl(A, DECL_TYPE, @$, $2, @2);
		$$->var.type = $4;
	}
	| KW_VAR IDENT ':' type var_init_opt	{ $$ = global_var(A, @$, $2, @2, $4, $5); }
	| KW_VAR IDENT '=' expr			{ $$ = global_var(A, @$, $2, @2, NULL, $4); }
	| KW_CONST IDENT const_type_opt '=' expr {
		$$ = named_decl(A, DECL_CONST, @$, $2, @2);
		$$->var.type = $3;
		$$->var.init = $5;
	}
	| KW_IMPL IDENT lbrace impl_body '}' {
		$$ = named_decl(A, DECL_IMPL, @$, $2, @2);
		$$->impl_items = $4;
	}
	| KW_INCLUDE STRING {
		$$ = ast_decl_new(A, DECL_INCLUDE, @$);
		$$->path = $2.bytes;
	}
	| KW_IMPORT IDENT KW_FROM STRING {
		$$ = named_decl(A, DECL_IMPORT, @$, $2, @2);
		$$->path = $4.bytes;
	}
	;

var_init_opt:
	%empty			{ $$ = NULL; }
	| '=' expr		{ $$ = $2; }
	;

const_type_opt:
	%empty			{ $$ = NULL; }
	| ':' type		{ $$ = $2; }
	;

fn_decl:
	KW_FN IDENT '(' params_opt ')' lbrace stmts '}' {
		$$ = named_decl(A, DECL_FN, @$, $2, @2);
		$$->fn.params = $4;
		$$->fn.body = ast_stmt_new(A, STMT_BLOCK, @6);
		$$->fn.body->span.end = @8.end;
		$$->fn.body->block = $7;
	}
	| KW_FN IDENT '(' params_opt ')' ARROW type lbrace stmts '}' {
		$$ = named_decl(A, DECL_FN, @$, $2, @2);
		$$->fn.params = $4;
		$$->fn.ret = $7;
		$$->fn.body = ast_stmt_new(A, STMT_BLOCK, @8);
		$$->fn.body->span.end = @10.end;
		$$->fn.body->block = $9;
	}
	| KW_FN IDENT '(' params_opt ')' ARROW IDENT ':' type lbrace stmts '}' {
		$$ = named_decl(A, DECL_FN, @$, $2, @2);
		$$->fn.params = $4;
		$$->fn.ret = $9;
		$$->fn.ret_name = $7;
		$$->fn.body = ast_stmt_new(A, STMT_BLOCK, @10);
		$$->fn.body->span.end = @12.end;
		$$->fn.body->block = $11;
	}
	;

/* A '{' that opens a body may stand on the next line. */
lbrace:
	'{'
	| NL '{'		{ @$ = @2; }
	;

params_opt:
	%empty			{ $$ = (struct vec){ 0 }; }
	| params
	| params ','
	;

params:
	param			{ $$ = vec_of(A, $1); }
	| params ',' param	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

param:
	IDENT ':' type {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->name = $1;
		$$->type = $3;
	}
	;

/* Members of struct, enum, config and impl bodies are separated by commas
 * or newlines; a trailing comma is allowed. */
sep:
	','
	| NL
	;

struct_body:
	%empty			{ $$ = (struct vec){ 0 }; }
	| struct_members
	| struct_members ','
	;

struct_members:
	struct_member				{ $$ = vec_of(A, $1); }
	| struct_members sep struct_member	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

struct_member:
	member_name ':' type		{ $$ = new_member(A, @$, $1, $3, NULL); }
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

enum_body:
	%empty			{ $$ = (struct vec){ 0 }; }
	| enum_members
	| enum_members ','
	;

enum_members:
	enum_member			{ $$ = vec_of(A, $1); }
	| enum_members sep enum_member	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

enum_member:
	IDENT			{ $$ = new_member(A, @$, $1, NULL, NULL); }
	| IDENT '=' expr	{ $$ = new_member(A, @$, $1, NULL, $3); }
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

config_body:
	%empty			{ $$ = (struct vec){ 0 }; }
	| config_members
	| config_members ','
	;

config_members:
	config_member				{ $$ = vec_of(A, $1); }
	| config_members sep config_member	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

config_member:
	name ':' type		{ $$ = new_member(A, @$, $1, $3, NULL); }
	| name ':' type '=' expr { $$ = new_member(A, @$, $1, $3, $5); }
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

impl_body:
	%empty			{ $$ = (struct vec){ 0 }; }
	| impl_items
	| impl_items ','
	;

impl_items:
	impl_item			{ $$ = vec_of(A, $1); }
	| impl_items sep impl_item	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

impl_item:
	fn_decl
	| prefix_list fn_decl {
		$$ = $2;
		$$->attrs = $1.attrs;
		$$->span.begin = @1.begin;
	}
	| name ':' expr {
		$$ = named_decl(A, DECL_FIELD, @$, $1, @1);
		$$->var.init = $3;
	}
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

/* ---- types ---------------------------------------------------------------- */

type:
	IDENT			{ $$ = named_type(A, @$, $1); }
	| array_type
	| '*' type		{ $$ = pointer_type(A, @$, $2); }
	| '[' type ';' expr ']'	{ $$ = array_type(A, @$, $2, $4); }
	| KW_STR '(' expr ')'	{ $$ = str_type(A, @$, $3); }
	| KW_FN '(' fn_type_params_opt ')' {
		$$ = ast_type_new(A, TYPE_FUNCTION, @$);
		$$->args = $3;
	}
	| KW_FN '(' fn_type_params_opt ')' ARROW type {
		$$ = ast_type_new(A, TYPE_FUNCTION, @$);
		$$->args = $3;
		$$->ret = $6;
	}
	| IDENT '<' types '>' {
		$$ = ast_type_new(A, TYPE_GENERIC, @$);
		$$->name = $1;
		$$->args = $3;
	}
	| IDENT '<' types '>' '(' args_opt ')' {
		$$ = ast_type_new(A, TYPE_GENERIC, @$);
		$$->name = $1;
		$$->args = $3;
		$$->sizes = $6;
		$$->has_sizes = true;
	}
	;

array_type:
	IDENT '[' expr ']'	{ $$ = array_type(A, @$, named_type(A, @1, $1), $3); }
	| array_type '[' expr ']' { $$ = array_type(A, @$, $1, $3); }
	;

types:
	type			{ $$ = vec_of(A, $1); }
	| types ',' type	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

fn_type_params_opt:
	%empty			{ $$ = (struct vec){ 0 }; }
	| fn_type_params
	;

fn_type_params:
	fn_type_param				{ $$ = vec_of(A, $1); }
	| fn_type_params ',' fn_type_param	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

fn_type_param:
	type {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->type = $1;
	}
	| IDENT ':' type {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->name = $1;
		$$->type = $3;
	}
	;

/* After 'as' a type never takes <...>, so 'x as u32 < y' compares. */
cast_type:
	IDENT			{ $$ = named_type(A, @$, $1); }
	| '*' cast_type		{ $$ = pointer_type(A, @$, $2); }
	| KW_STR '(' expr ')'	{ $$ = str_type(A, @$, $3); }
	;

/* After 'new' the type is followed by its own parentheses. */
new_type:
	IDENT			{ $$ = named_type(A, @$, $1); }
	| array_type
	| KW_STR '(' expr ')'	{ $$ = str_type(A, @$, $3); }
	;

/* ---- statements ----------------------------------------------------------- */

block:
	'{' stmts '}' {
		$$ = ast_stmt_new(A, STMT_BLOCK, @$);
		$$->block = $2;
	}
	;

block_nl:
	block
	| NL block		{ $$ = $2; @$ = @2; }
	;

stmts:
	%empty			{ $$ = (struct vec){ 0 }; }
	| stmt_list
	;

stmt_list:
	stmt			{ $$ = vec_of(A, $1); }
	| stmt_list NL stmt	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

stmt:
	expr			{ $$ = with_expr(A, STMT_EXPR, @$, $1); }
	| expr assign_op expr {
		$$ = ast_stmt_new(A, STMT_ASSIGN, @$);
		$$->assign.target = $1;
		$$->assign.op = $2;
		$$->assign.value = $3;
	}
	| KW_VAR IDENT ':' type var_init_opt
				{ $$ = local_var(A, STMT_VAR, @$, $2, @2, $4, $5); }
	| KW_VAR IDENT '=' expr	{ $$ = local_var(A, STMT_VAR, @$, $2, @2, NULL, $4); }
	| KW_CONST IDENT const_type_opt '=' expr
				{ $$ = local_var(A, STMT_CONST, @$, $2, @2, $3, $5); }
	| if_stmt
	| KW_WHILE '(' expr ')' block_nl {
		$$ = ast_stmt_new(A, STMT_WHILE, @$);
		$$->while_.cond = $3;
		$$->while_.body = $5;
	}
	| KW_FOR '(' IDENT KW_IN expr DOTDOT expr ')' block_nl {
		$$ = ast_stmt_new(A, STMT_FOR_RANGE, @$);
		$$->for_.var = $3;
		$$->for_.var_span = @3;
		$$->for_.from = $5;
		$$->for_.to = $7;
		$$->for_.body = $9;
	}
	| KW_FOR '(' IDENT ',' IDENT ')' KW_IN iterable block_nl {
		$$ = ast_stmt_new(A, STMT_FOR_EACH, @$);
		$$->for_.var = $3;
		$$->for_.var_span = @3;
		$$->for_.value_var = $5;
		$$->for_.value_var_span = @5;
		$$->for_.iterable = $8;
		$$->for_.body = $9;
	}
	| KW_RETURN		{ $$ = with_expr(A, STMT_RETURN, @$, NULL); }
	| KW_RETURN expr	{ $$ = with_expr(A, STMT_RETURN, @$, $2); }
	| KW_BREAK		{ $$ = ast_stmt_new(A, STMT_BREAK, @$); }
	| KW_CONTINUE		{ $$ = ast_stmt_new(A, STMT_CONTINUE, @$); }
	| KW_DELETE expr	{ $$ = with_expr(A, STMT_DELETE, @$, $2); }
	| block
	| KW_TRY block_nl catches {
		$$ = ast_stmt_new(A, STMT_TRY, @$);
		$$->try_.body = $2;
		$$->try_.catches = $3;
	}
	| KW_THROW expr		{ $$ = with_expr(A, STMT_THROW, @$, $2); }
	| KW_DEFER expr		{ $$ = with_expr(A, STMT_DEFER, @$, $2); }
	| KW_DEFER block {
		$$ = ast_stmt_new(A, STMT_DEFER, @$);
		$$->deferred = $2;
	}
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

assign_op:
	'='			{ $$ = (struct assign_op){ false, BIN_ADD }; }
	| ADD_ASSIGN		{ $$ = (struct assign_op){ true, BIN_ADD }; }
	| SUB_ASSIGN		{ $$ = (struct assign_op){ true, BIN_SUB }; }
	| MUL_ASSIGN		{ $$ = (struct assign_op){ true, BIN_MUL }; }
	| DIV_ASSIGN		{ $$ = (struct assign_op){ true, BIN_DIV }; }
	| MOD_ASSIGN		{ $$ = (struct assign_op){ true, BIN_MOD }; }
	| AND_ASSIGN		{ $$ = (struct assign_op){ true, BIN_BITAND }; }
	| OR_ASSIGN		{ $$ = (struct assign_op){ true, BIN_BITOR }; }
	| XOR_ASSIGN		{ $$ = (struct assign_op){ true, BIN_BITXOR }; }
	| SHL_ASSIGN		{ $$ = (struct assign_op){ true, BIN_SHL }; }
	| SHR_ASSIGN		{ $$ = (struct assign_op){ true, BIN_SHR }; }
	;

if_stmt:
	KW_IF '(' expr ')' block_nl else_opt
				{ $$ = if_stmt(A, @$, NULL, @$, $3, $5, $6); }
	| KW_IF '(' KW_VAR IDENT '=' expr ')' block_nl else_opt
				{ $$ = if_stmt(A, @$, $4, @4, $6, $8, $9); }
	;

else_opt:
	%empty			{ $$ = NULL; }
	| KW_ELSE block_nl	{ $$ = $2; }
	| KW_ELSE if_stmt	{ $$ = $2; }
	;

catches:
	%empty			{ $$ = (struct vec){ 0 }; }
	| catches catch_clause	{ $$ = $1; vec_push(A, &$$, $2); }
	;

catch_clause:
	KW_CATCH catch_code block_nl {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->code = $2;
		$$->body = $3;
	}
	;

/* catch 42, catch SOME_CONSTANT, catch _ (every other code). */
catch_code:
	INT			{ $$ = literal_int(A, EXPR_INT, @$, $1); }
	| IDENT			{ $$ = strcmp($1, "_") ? ident(A, @$, $1) : NULL; }
	;

/* What 'for (k, v) in' iterates: no struct literal here, so the '{' that
 * follows opens the loop body. */
iterable:
	IDENT			{ $$ = ident(A, @$, $1); }
	| iterable '.' member_name	{ $$ = limit_depth(ps, member(A, @$, EXPR_FIELD, $1, $3, @3)); }
	| iterable ARROW member_name	{ $$ = limit_depth(ps, member(A, @$, EXPR_ARROW, $1, $3, @3)); }
	| '(' expr ')'		{ $$ = $2; }
	;

/* ---- expressions: one level per precedence, loosest first ----------------- */

expr:
	or_expr
	| or_expr '?' expr ':' expr {
		$$ = ast_expr_new(A, EXPR_CONDITIONAL, @$);
		$$->conditional.cond = $1;
		$$->conditional.then = $3;
		$$->conditional.otherwise = $5;
		$$ = limit_depth(ps, $$);
	}
	;

or_expr:
	and_expr
	| or_expr OR and_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_OR, $1, $3)); }
	;

and_expr:
	eq_expr
	| and_expr AND eq_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_AND, $1, $3)); }
	;

eq_expr:
	rel_expr
	| eq_expr EQ rel_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_EQ, $1, $3)); }
	| eq_expr NE rel_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_NE, $1, $3)); }
	;

rel_expr:
	bor_expr
	| rel_expr '<' bor_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_LT, $1, $3)); }
	| rel_expr LE bor_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_LE, $1, $3)); }
	| rel_expr '>' bor_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_GT, $1, $3)); }
	/* A line may end with '>' (see src/newlines.c). */
	| rel_expr '>' NL bor_expr { $$ = limit_depth(ps, binary(A, @$, BIN_GT, $1, $4)); }
	| rel_expr GE bor_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_GE, $1, $3)); }
	;

/* Bitwise operators bind tighter than comparisons (unlike C), so
 * 'flags & MASK == 0' means '(flags & MASK) == 0'.  See docs/LANGUAGE.md. */
bor_expr:
	bxor_expr
	| bor_expr '|' bxor_expr { $$ = limit_depth(ps, binary(A, @$, BIN_BITOR, $1, $3)); }
	;

bxor_expr:
	band_expr
	| bxor_expr '^' band_expr { $$ = limit_depth(ps, binary(A, @$, BIN_BITXOR, $1, $3)); }
	;

band_expr:
	shift_expr
	| band_expr '&' shift_expr { $$ = limit_depth(ps, binary(A, @$, BIN_BITAND, $1, $3)); }
	;

shift_expr:
	add_expr
	| shift_expr SHL add_expr { $$ = limit_depth(ps, binary(A, @$, BIN_SHL, $1, $3)); }
	| shift_expr SHR add_expr { $$ = limit_depth(ps, binary(A, @$, BIN_SHR, $1, $3)); }
	;

add_expr:
	mul_expr
	| add_expr '+' mul_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_ADD, $1, $3)); }
	| add_expr '-' mul_expr	{ $$ = limit_depth(ps, binary(A, @$, BIN_SUB, $1, $3)); }
	;

mul_expr:
	cast_expr
	| mul_expr '*' cast_expr { $$ = limit_depth(ps, binary(A, @$, BIN_MUL, $1, $3)); }
	| mul_expr '/' cast_expr { $$ = limit_depth(ps, binary(A, @$, BIN_DIV, $1, $3)); }
	| mul_expr '%' cast_expr { $$ = limit_depth(ps, binary(A, @$, BIN_MOD, $1, $3)); }
	;

cast_expr:
	unary_expr
	| cast_expr KW_AS cast_type {
		$$ = ast_expr_new(A, EXPR_CAST, @$);
		$$->cast.operand = $1;
		$$->cast.type = $3;
		$$ = limit_depth(ps, $$);
	}
	;

unary_expr:
	postfix_expr
	| '!' unary_expr	{ $$ = limit_depth(ps, unary(A, @$, UNARY_NOT, $2)); }
	| '-' unary_expr	{ $$ = limit_depth(ps, unary(A, @$, UNARY_NEG, $2)); }
	| '*' unary_expr	{ $$ = limit_depth(ps, unary(A, @$, UNARY_DEREF, $2)); }
	| '&' unary_expr	{ $$ = limit_depth(ps, unary(A, @$, UNARY_ADDR, $2)); }
	| '~' unary_expr	{ $$ = limit_depth(ps, unary(A, @$, UNARY_BITNOT, $2)); }
	;

postfix_expr:
	primary
	| postfix_expr '.' member_name	  { $$ = limit_depth(ps, member(A, @$, EXPR_FIELD, $1, $3, @3)); }
	| postfix_expr ARROW member_name { $$ = limit_depth(ps, member(A, @$, EXPR_ARROW, $1, $3, @3)); }
	| postfix_expr '[' expr ']' {
		$$ = ast_expr_new(A, EXPR_INDEX, @$);
		$$->index.base = $1;
		$$->index.index = $3;
		$$ = limit_depth(ps, $$);
	}
	| postfix_expr '(' args_opt ')' {
		$$ = ast_expr_new(A, EXPR_CALL, @$);
		$$->call.callee = $1;
		$$->call.args = $3;
		$$ = limit_depth(ps, $$);
	}
	;

primary:
	INT			{ $$ = literal_int(A, EXPR_INT, @$, $1); }
	| CHAR_LIT		{ $$ = literal_int(A, EXPR_CHAR, @$, $1); }
	| STRING {
		$$ = ast_expr_new(A, EXPR_STRING, @$);
		$$->string.bytes = $1.bytes;
		$$->string.len = $1.len;
	}
	| KW_TRUE		{ $$ = ast_expr_new(A, EXPR_BOOL, @$); $$->boolean = true; }
	| KW_FALSE		{ $$ = ast_expr_new(A, EXPR_BOOL, @$); }
	| KW_NULL		{ $$ = ast_expr_new(A, EXPR_NULL, @$); }
	| IDENT			{ $$ = ident(A, @$, $1); }
	| '(' expr ')'		{ $$ = $2; }
	| IDENT '{' struct_lit_body '}' {
		$$ = ast_expr_new(A, EXPR_STRUCT_LIT, @$);
		$$->struct_lit.name = $1;
		$$->struct_lit.fields = $3;
	}
	| '[' array_elems ']' {
		$$ = ast_expr_new(A, EXPR_ARRAY_LIT, @$);
		$$->array.elems = $2;
	}
	| '[' expr ';' expr ']' {
		$$ = ast_expr_new(A, EXPR_ARRAY_LIT, @$);
		$$->array.elems = vec_of(A, $2);
		$$->array.repeat = $4;
	}
	| KW_MATCH '(' expr ')' lbrace match_body '}' {
		$$ = ast_expr_new(A, EXPR_MATCH, @$);
		$$->match.scrutinee = $3;
		$$->match.arms = $6;
	}
	| KW_NEW new_type '(' ')' {
		$$ = ast_expr_new(A, EXPR_NEW, @$);
		$$->new_.type = $2;
	}
	| KW_NEW new_type '(' expr ')' {
		$$ = ast_expr_new(A, EXPR_NEW, @$);
		$$->new_.type = $2;
		$$->new_.flags = $4;
	}
	| KW_SIZEOF '(' type ')' {
		$$ = ast_expr_new(A, EXPR_SIZEOF, @$);
		$$->sizeof_type = $3;
	}
	;

args_opt:
	%empty			{ $$ = (struct vec){ 0 }; }
	| args
	| args ','
	;

args:
	expr			{ $$ = vec_of(A, $1); }
	| args ',' expr		{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

array_elems:
	args_opt
	;

struct_lit_body:
	%empty			{ $$ = (struct vec){ 0 }; }
	| field_inits
	| field_inits ','
	;

field_inits:
	field_init			{ $$ = vec_of(A, $1); }
	| field_inits sep field_init	{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

field_init:
	member_name ':' expr {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->name = $1;
		$$->value = $3;
	}
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

match_body:
	%empty			{ $$ = (struct vec){ 0 }; }
	| arms
	| arms ','
	;

arms:
	arm			{ $$ = vec_of(A, $1); }
	| arms sep arm		{ $$ = $1; if ($3) vec_push(A, &$$, $3); }
	;

arm:
	pattern ':' expr {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->pattern = $1;
		$$->value = $3;
	}
	| pattern ':' block {
		$$ = arena_alloc(A, sizeof(*$$));
		$$->span = @$;
		$$->pattern = $1;
		$$->body = $3;
	}
	| error			{ $$ = NULL; end_recovery(ps, &yyerrstatus); }
	;

pattern:
	INT			{ $$ = literal_int(A, EXPR_INT, @$, $1); }
	| '-' INT		{ $$ = unary(A, @$, UNARY_NEG, literal_int(A, EXPR_INT, @2, $2)); }
	| CHAR_LIT		{ $$ = literal_int(A, EXPR_CHAR, @$, $1); }
	| STRING {
		$$ = ast_expr_new(A, EXPR_STRING, @$);
		$$->string.bytes = $1.bytes;
		$$->string.len = $1.len;
	}
	| KW_TRUE		{ $$ = ast_expr_new(A, EXPR_BOOL, @$); $$->boolean = true; }
	| KW_FALSE		{ $$ = ast_expr_new(A, EXPR_BOOL, @$); }
	| IDENT			{ $$ = ident(A, @$, $1); }
	| KW_DEFAULT		{ $$ = NULL; }
	;

/* Member names: a keyword is a fine name after '.' or '->' and for a field. */
name:
	IDENT
	| KW_TYPE		{ $$ = "type"; }
	| KW_DEFAULT		{ $$ = "default"; }
	| KW_MATCH		{ $$ = "match"; }
	| KW_IN			{ $$ = "in"; }
	| KW_FROM		{ $$ = "from"; }
	| KW_CONFIG		{ $$ = "config"; }
	| KW_LOCAL		{ $$ = "local"; }
	| KW_PIN		{ $$ = "pin"; }
	| KW_NEW		{ $$ = "new"; }
	| KW_DELETE		{ $$ = "delete"; }
	| KW_STR		{ $$ = "str"; }
	;

/* The name of a struct member, where it is declared or used: kernel
 * structs have members named like keywords (restart_block.fn). */
member_name:
	name
	| KW_FN			{ $$ = "fn"; }
	| KW_VAR		{ $$ = "var"; }
	| KW_IMPORT		{ $$ = "import"; }
	| KW_TRY		{ $$ = "try"; }
	| KW_NULL		{ $$ = "null"; }
	;

%%

void yyerror(YYLTYPE *lloc, struct parse_state *ps, const char *msg)
{
	if (strcmp(msg, "memory exhausted") == 0)
		msg = "nesting too deep for the parser";
	diag_error(ps->diag, *lloc, "%s", msg);
}

/* ---- syntax error messages ------------------------------------------------
 * "expected ')' or ',', found end of line": the expected tokens are listed
 * when they are few; the many tokens that start an expression, a type or a
 * declaration, and the binary operators, are named by what they start. */

/* Sets of tokens by their names, as bison prints them. */
static bool named_in(yysymbol_kind_t s, const char *const *names)
{
	const char *name = yysymbol_name(s);
	for (; *names; names++)
		if (!strcmp(name, *names))
			return true;
	return false;
}

static bool starts_expression(yysymbol_kind_t s)
{
	static const char *const names[] = {
		"integer literal", "character literal", "string literal", "identifier",
		"true", "false", "null", "match", "new", "sizeof",
		"'('", "'['", "'!'", "'-'", "'*'", "'&'", "'~'", NULL,
	};
	return named_in(s, names);
}

static bool starts_type(yysymbol_kind_t s)
{
	static const char *const names[] = {
		"identifier", "'*'", "'['", "str", "fn", NULL,
	};
	return named_in(s, names);
}

static bool starts_declaration(yysymbol_kind_t s)
{
	static const char *const names[] = {
		"fn", "extern", "struct", "enum", "config", "type",
		"var", "const", "impl", "include", "import", "pin",
		"local", "'@'", NULL,
	};
	return named_in(s, names);
}

/* Keywords that may stand where a member name is expected. */
static bool keyword_name(yysymbol_kind_t s)
{
	static const char *const names[] = {
		"type", "default", "match", "in", "from", "config", "local", "pin",
		"new", "delete", "str", "fn", "var", "import", "try", "null", NULL,
	};
	return named_in(s, names);
}

/* Tokens that continue an expression already complete on their left. */
static bool continues_expression(yysymbol_kind_t s)
{
	static const char *const names[] = {
		"||", "&&", "==", "!=", "'<'", "<=", "'>'", ">=",
		"'|'", "'^'", "'&'", "<<", ">>", "'+'", "'-'", "'*'", "'/'", "'%'",
		"as", "'.'", "->", "'['", "'('", "'?'", "'='", "+=", "-=",
		"*=", "/=", "%=", "&=", "|=", "^=", "<<=",
		">>=", NULL,
	};
	return named_in(s, names);
}

static bool contains(const yysymbol_kind_t *set, int n, yysymbol_kind_t s)
{
	for (int i = 0; i < n; i++)
		if (set[i] == s)
			return true;
	return false;
}

/* Tokens are quoted in messages ('fn', '->', '('); kinds of token are not
 * (identifier, end of line). */
static const char *symbol_text(struct parse_state *ps, yysymbol_kind_t s)
{
	static const char *const kinds[] = {
		"identifier", "integer literal", "character literal", "string literal",
		"end of line", "end of file", "error", "invalid token", NULL,
	};
	const char *name = yysymbol_name(s);
	if (name[0] == '\'' || named_in(s, kinds))
		return name;
	return arena_printf(A, "'%s'", name);
}

/* The unexpected token, with its text when that says more than its kind:
 * at most 20 characters of it, control bytes and bad UTF-8 escaped. */
static const char *found_text(struct parse_state *ps, yysymbol_kind_t s, struct span at)
{
	switch (s) {
	case YYSYMBOL_IDENT: case YYSYMBOL_INT: case YYSYMBOL_STRING:
	case YYSYMBOL_CHAR_LIT:
		break;
	default:
		return symbol_text(ps, s);
	}
	char text[128];
	size_t n = 0;
	unsigned shown = 0;
	const unsigned char *p = (const unsigned char *)at.src->text + at.begin;
	const unsigned char *end = (const unsigned char *)at.src->text + at.end;
	while (p < end && *p != '\n' && shown < 20) {
		unsigned len = utf8_sequence_length(p, (size_t)(end - p));
		if (len == 0 || *p < 0x20 || *p == 0x7f) {
			n += (size_t)snprintf(text + n, sizeof(text) - n, "\\x%02x", *p);
			len = 1;
		} else {
			memcpy(text + n, p, len);
			n += len;
		}
		p += len;
		shown++;
	}
	if (p < end)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "...");
	text[n] = '\0';
	const char *quote = s == YYSYMBOL_IDENT ? "'" : "";
	return arena_printf(A, "%s %s%s%s", yysymbol_name(s), quote, text, quote);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct parse_state *ps)
{
	yysymbol_kind_t expected[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
	yysymbol_kind_t token = yypcontext_token(ctx);
	struct span at = *yypcontext_location(ctx);
	const char *found = found_text(ps, token, at);

	note_syntax_error(ps);
	if (token == YYSYMBOL_KW_ELSE && !contains(expected, n, YYSYMBOL_KW_ELSE)) {
		diag_error(ps->diag, at, "'else' without a matching 'if'");
		return 0;
	}

	const char *words[8];
	int nwords = 0;
	bool expression = n > 0 && contains(expected, n, YYSYMBOL_INT) &&
			  contains(expected, n, YYSYMBOL_STRING);
	bool name = !expression && contains(expected, n, YYSYMBOL_IDENT) &&
		    contains(expected, n, YYSYMBOL_KW_DEFAULT);
	bool type = !expression && !name && contains(expected, n, YYSYMBOL_KW_STR);
	bool declaration = n > 0 && contains(expected, n, YYSYMBOL_KW_EXTERN);
	bool operator = false;
	for (int i = 0; i < n; i++)
		if (!strcmp(yysymbol_name(expected[i]), "'+'"))
			operator = !expression;
	for (int i = 0; i < n; i++) {
		yysymbol_kind_t s = expected[i];
		if ((expression && starts_expression(s)) || (type && starts_type(s)) ||
		    (declaration && starts_declaration(s)) || (name && keyword_name(s)) ||
		    (operator && continues_expression(s)))
			continue;
		if (nwords == 4) {
			nwords = 5;	/* too many to list */
			break;
		}
		words[nwords++] = symbol_text(ps, s);
	}
	if (nwords < 5) {
		if (expression)
			words[nwords++] = "expression";
		if (type)
			words[nwords++] = "type";
		if (declaration)
			words[nwords++] = "declaration";
		if (operator)
			words[nwords++] = "operator";
	}
	if (nwords == 0 || nwords > 4) {
		diag_error(ps->diag, at, "unexpected %s", found);
		return 0;
	}
	char list[256] = "";
	for (int i = 0; i < nwords; i++) {
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s%s",
			 i == 0 ? "" : i == nwords - 1 ? " or " : ", ", words[i]);
	}
	diag_error(ps->diag, at, "expected %s, found %s", list, found);
	if (token == YYSYMBOL_YYEOF && ps->depth > 0 && ps->brackets[ps->depth - 1].kind == '{') {
		uint32_t open = ps->brackets[ps->depth - 1].offset;
		diag_note(ps->diag, (struct span){ at.src, open, open + 1 },
			  "to close this '{'");
	}
	return 0;
}
