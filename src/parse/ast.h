/* The abstract syntax tree: what the parser produces and nothing else.
 *
 * Plain tagged structs; every node carries the span of source it came from.
 * All nodes live in the compilation's arena.  The parser does no semantic
 * work: names are strings, types are written forms (u32 is a name like any
 * other), and the checker gives them meaning. */
#ifndef KS_AST_H
#define KS_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "source.h"
#include "wide.h"

struct ast_type;
struct expr;
struct stmt;
struct decl;
struct type;		/* src/types.h: filled in by the checker */
struct symbol;		/* src/sema.h: filled in by the checker */

/* ---- types as written ---------------------------------------------------- */

enum type_kind {
	TYPE_NAME,	/* u32, bool, xdp_md, MyStruct: a name to resolve */
	TYPE_STR,	/* str(N) */
	TYPE_ARRAY,	/* T[N] */
	TYPE_POINTER,	/* *T */
	TYPE_FUNCTION,	/* fn(params) -> T */
	TYPE_GENERIC,	/* hash<K, V>(N), ringbuf<T>(N), hash<K, V> */
};

struct ast_type {
	enum type_kind kind;
	struct span span;
	const char *name;	/* NAME, GENERIC */
	struct ast_type *elem;	/* ARRAY, POINTER */
	struct expr *len;	/* ARRAY, STR */
	struct vec args;	/* GENERIC: struct ast_type *; FUNCTION: struct param * */
	struct vec sizes;	/* GENERIC: struct expr *, the parenthesised part */
	bool has_sizes;		/* GENERIC: written with (...) */
	struct ast_type *ret;	/* FUNCTION; NULL when no -> was written */
};

/* ---- expressions -------------------------------------------------------- */

enum expr_kind {
	EXPR_INT,
	EXPR_CHAR,
	EXPR_BOOL,
	EXPR_STRING,
	EXPR_NULL,
	EXPR_IDENT,
	EXPR_UNARY,
	EXPR_BINARY,
	EXPR_CAST,	/* e as T */
	EXPR_SIZEOF,	/* sizeof(T) */
	EXPR_FIELD,	/* e.name */
	EXPR_ARROW,	/* e->name */
	EXPR_INDEX,	/* e[i] */
	EXPR_CALL,
	EXPR_STRUCT_LIT,	/* Name { f: e, ... } */
	EXPR_ARRAY_LIT,	/* [e, ...], [e; N] */
	EXPR_CONDITIONAL,	/* c ? a : b */
	EXPR_MATCH,
	EXPR_NEW,	/* new T() / new T(flags) */
};

#define UNARY_OPS(X)                                                            \
	X(UNARY_NOT, "!")                                                       \
	X(UNARY_NEG, "-")                                                       \
	X(UNARY_DEREF, "*")                                                     \
	X(UNARY_ADDR, "&")                                                      \
	X(UNARY_BITNOT, "~")

#define BINARY_OPS(X)                                                           \
	X(BIN_ADD, "+")                                                         \
	X(BIN_SUB, "-")                                                         \
	X(BIN_MUL, "*")                                                         \
	X(BIN_DIV, "/")                                                         \
	X(BIN_MOD, "%")                                                         \
	X(BIN_BITAND, "&")                                                      \
	X(BIN_BITOR, "|")                                                       \
	X(BIN_BITXOR, "^")                                                      \
	X(BIN_SHL, "<<")                                                        \
	X(BIN_SHR, ">>")                                                        \
	X(BIN_EQ, "==")                                                         \
	X(BIN_NE, "!=")                                                         \
	X(BIN_LT, "<")                                                          \
	X(BIN_LE, "<=")                                                         \
	X(BIN_GT, ">")                                                          \
	X(BIN_GE, ">=")                                                         \
	X(BIN_AND, "&&")                                                        \
	X(BIN_OR, "||")

#define AS_ENUM(name, text) name,
enum unary_op { UNARY_OPS(AS_ENUM) };
enum binary_op { BINARY_OPS(AS_ENUM) };
#undef AS_ENUM

const char *unary_op_text(enum unary_op op);
const char *binary_op_text(enum binary_op op);

struct field_init {		/* f: e inside a struct literal */
	struct span span;
	const char *name;
	struct expr *value;
	/* plan: an array or string that is not a literal, which C cannot
	   initialise a member with: copied in after */
	bool c_copied;
};

struct match_arm {
	struct span span;
	struct expr *pattern;	/* NULL for default */
	struct expr *value;	/* pattern: value */
	struct stmt *body;	/* pattern: { ... } (exactly one of value, body) */
};

struct map_binding;

struct expr {
	enum expr_kind kind;
	struct span span;
	uint32_t depth;		/* 1 + the deepest operand: later stages recurse */
	const struct type *type;	/* checker: the expression's type */
	const struct type *sizeof_of;	/* checker: the type sizeof measures */
	struct symbol *sym;	/* checker: what a name, call or member refers to */
	bool maybe_null;	/* checker: a map entry variable where the key may be absent */
	bool surely_null;	/* checker: ... and where it is absent for sure */
	/* checker: the value is known (LANGUAGE.md, "Integer arithmetic");
	   untyped: a constant expression, typed by its use */
	bool constant, untyped;
	ks_wide value;
	/* checker: the type an integer value is converted to where it is
	   used (a variable's, a parameter's, ...), when that differs */
	const struct type *conv;
	/* plan: how the C writes it (plan_expr.c) */
	const char *c_text;		/* a constant, as this literal */
	const struct type *c_cast;	/* converted: (T)(...) */
	/* plan: a shorter string or array given where a longer one goes
	   (an argument, a map value, an array variable): padded to this
	   type with zeroes, in the struct c_widen_struct */
	const struct type *c_widen;
	const char *c_widen_struct;
	/* plan: the key of a map whose key is an array or a string: given to
	   the map's accessors as this struct, which holds it */
	const char *c_key_struct;
	const struct type *c_key;	/* ... and the key's type, a literal's padded size */
	const char *c_call;		/* a binary operator as a call: NAME(lhs, rhs) */
	bool c_call_swapped;		/* ... comparing: 0 OP NAME(rhs, lhs) */
	bool c_unsigned_op;		/* a signed <<, or + - * of values clang folds
					   (and warns overflow), done unsigned */
	uint8_t c_mask;			/* a shift count taken modulo c_mask + 1 */
	/* plan: a map read or test: the accessor it calls (enum accessor), or
	   the entry the program holds that it reads instead (plan_maps.c) */
	uint8_t c_access;
	struct map_binding *c_binding;
	bool c_core;			/* plan: a kernel struct's field read with BPF_CORE_READ */
	/* check: a call whose value a program returns (return f(ctx), an arm
	   of the match it returns); and one that is a tail call */
	bool tail_position, tail_call;
	/* plan: a comparison whose result the operand's type decides (a u8
	   against 300): 1 false, 2 true; C warns that it is always so */
	uint8_t c_fold;
	bool c_not_as_minus;	/* plan: ~x written (-1 - x): x may be a truth value
				 * made a number, and gcc calls ~ on one a mistake */
	uint8_t c_arm;		/* plan: a ?: whose condition is constant: 1 then, 2 else */
	union {
		struct {
			uint64_t value;
			const char *text;	/* as written: 0xff stays 0xff */
		} integer;		/* INT, CHAR (value is the byte) */
		bool boolean;
		struct {
			const char *bytes;	/* escapes resolved */
			uint32_t len;
		} string;
		const char *ident;
		struct {
			enum unary_op op;
			struct expr *operand;
		} unary;
		struct {
			enum binary_op op;
			struct expr *lhs, *rhs;
		} binary;
		struct {
			struct expr *operand;
			struct ast_type *type;
		} cast;
		struct ast_type *sizeof_type;
		struct {
			struct expr *base;
			const char *name;
			struct span name_span;
		} field;		/* FIELD, ARROW */
		struct {
			struct expr *base, *index;
		} index;
		struct {
			struct expr *callee;
			struct vec args;	/* struct expr * */
		} call;
		struct {
			const char *name;
			struct vec fields;	/* struct field_init * */
		} struct_lit;
		struct {
			struct vec elems;	/* struct expr * */
			struct expr *repeat;	/* [e; N]: N, with one element e */
		} array;
		struct {
			struct expr *cond, *then, *otherwise;
		} conditional;
		struct {
			struct expr *scrutinee;
			struct vec arms;	/* struct match_arm * */
			/* plan: the text comparison of string patterns; for
			   a string value built in statements, its struct */
			const char *c_eq, *c_struct;
		} match;
		struct {
			struct ast_type *type;
			struct expr *flags;	/* NULL when new T() */
		} new_;
	};
};

/* ---- statements --------------------------------------------------------- */

enum stmt_kind {
	STMT_EXPR,
	STMT_VAR,	/* var x: T = e */
	STMT_CONST,	/* const x: T = e */
	STMT_ASSIGN,	/* target = e, target op= e */
	STMT_IF,	/* also if (var x = e) */
	STMT_WHILE,
	STMT_FOR_RANGE,	/* for (i in a..b) */
	STMT_FOR_EACH,	/* for (k, v) in m */
	STMT_RETURN,
	STMT_BREAK,
	STMT_CONTINUE,
	STMT_DELETE,	/* delete m[k], delete p */
	STMT_BLOCK,
	STMT_TRY,
	STMT_THROW,
	STMT_DEFER,
};

/* Assignment operators: plain '=' or a binary operator applied in place. */
struct assign_op {
	bool compound;
	enum binary_op op;	/* when compound */
};

/* plan: defer f(x): x is copied into C_NAME when the defer runs. */
struct capture {
	const char *c_name;
	const struct expr *arg;
};

struct catch_clause {
	struct span span;
	struct expr *code;	/* NULL for catch _ */
	struct stmt *body;
};

struct stmt {
	enum stmt_kind kind;
	struct span span;
	struct symbol *sym;	/* checker: the variable a VAR, CONST, IF or FOR binds */
	struct symbol *sym2;	/* checker: FOR_EACH's value variable */
	struct stmt *deferred;	/* DEFER of a block (expr is then NULL) */
	/* plan: DEFER: the flag set when it runs; of a call, the copies of
	   its arguments taken then (struct capture *) */
	const char *c_flag;
	struct vec c_captures;
	const char *c_temp;	/* plan: a temporary the C needs (FOR_EACH, ASSIGN) */
	const char *c_key;	/* plan: userspace IF binding or ASSIGN to m[k].f: a copy of k
				   that cannot change meanwhile, or NULL: k itself */
	const char *c_call;	/* plan: ASSIGN x /= v, x %= v as x = NAME(x, v) */
	uint8_t c_mask;		/* plan: ASSIGN x <<= v, x >>= v: v modulo c_mask + 1 */
	/* plan (plan_maps.c): the accessors a map statement calls (enum
	   accessor bits); IF: the entry it holds for a branch; ASSIGN: the held
	   entry it changes instead, or, in userspace, the copy it changed that
	   goes back into its entry (c_writes_back); the entry variables that
	   look their entry up again after it (struct symbol *) */
	uint8_t c_access;
	uint8_t c_map_op;	/* plan: ASSIGN m[k] op= v: the accessor's operator */
	bool c_expand;		/* plan: ASSIGN x op= v as x = (T)(x op v) */
	const struct type *c_op_type;	/* plan: ASSIGN x op= v: the type op works in */
	bool c_empty;		/* plan: FOR_RANGE whose constant bounds leave it empty */
	struct map_binding *c_binding, *c_writes_back;
	struct vec *c_refresh;
	union {
		struct expr *expr;	/* EXPR, THROW, DEFER, DELETE, RETURN (may be NULL) */
		struct {
			const char *name;
			struct span name_span;
			struct ast_type *type;	/* may be NULL */
			struct expr *init;	/* may be NULL for var */
		} var;			/* VAR, CONST */
		struct {
			struct expr *target;
			struct assign_op op;
			struct expr *value;
		} assign;
		struct {
			const char *bind;	/* if (var bind = cond); NULL otherwise */
			struct span bind_span;
			struct expr *cond;
			struct stmt *then;	/* a BLOCK */
			struct stmt *otherwise;	/* BLOCK, IF or NULL */
		} if_;
		struct {
			struct expr *cond;
			struct stmt *body;
		} while_;
		struct {
			const char *var;	/* RANGE: the index; EACH: the key */
			struct span var_span;
			const char *value_var;	/* EACH */
			struct span value_var_span;
			struct expr *from, *to;	/* RANGE: from .. to (to excluded) */
			struct expr *iterable;	/* EACH */
			struct stmt *body;
		} for_;
		struct vec block;	/* struct stmt * */
		struct {
			struct stmt *body;
			struct vec catches;	/* struct catch_clause * */
			bool throws;		/* checker: an error may reach the catches */
			/* plan: the labels of the catches and of the end */
			const char *c_catch, *c_end;
		} try_;
	};
};

/* ---- declarations ------------------------------------------------------- */

enum decl_kind {
	DECL_FN,	/* fn, with or without attributes */
	DECL_EXTERN,	/* extern name(params) -> T */
	DECL_STRUCT,
	DECL_ENUM,
	DECL_TYPE,	/* type Name = T */
	DECL_CONFIG,
	DECL_VAR,	/* global var */
	DECL_MAP,	/* global var whose type is a sized generic: a map or ring buffer */
	DECL_CONST,
	DECL_IMPL,
	DECL_INCLUDE,
	DECL_IMPORT,
	DECL_FIELD,	/* name: e inside an impl block */
};

struct attr {
	struct span span;
	const char *name;
	struct vec args;	/* struct expr * */
	bool has_args;		/* written with parentheses */
	/* @xdp on eth0: where the program attaches by itself; NULL if not said */
	const char *on;
	struct span on_span;
};

struct param {
	struct span span;
	const char *name;	/* NULL in a function type's unnamed parameter */
	struct ast_type *type;
	struct symbol *sym;	/* checker: the parameter's symbol */
};

/* A member of a struct, enum or config: name, type and/or value. */
struct member {
	struct span span;
	const char *name;
	struct ast_type *type;	/* struct, config */
	struct expr *value;	/* enum value, config default; may be NULL */
	const struct type *resolved;	/* checker: the member's type */
	int64_t enum_value;	/* checker: an enum member's value */
	struct symbol *sym;	/* checker: an enum member's constant */
	const char *c_name;	/* plan: a struct or config member's name in C */
	/* plan: the padding C would put before it, written as a member of
	   this name, so that no byte of the struct is left undefined */
	uint64_t c_pad;
	const char *c_pad_name;
};

struct decl {
	enum decl_kind kind;
	struct span span;
	struct symbol *sym;	/* checker: the symbol it declares */
	const char *name;
	struct span name_span;
	struct vec attrs;	/* struct attr * */
	bool pinned;		/* pin var */
	bool local;		/* local var */
	union {
		struct {
			struct vec params;	/* struct param * */
			struct ast_type *ret;	/* NULL: no -> */
			const char *ret_name;	/* -> name: T */
			struct stmt *body;	/* NULL for extern */
		} fn;			/* FN, EXTERN */
		struct vec members;	/* STRUCT, ENUM, CONFIG: struct member * */
		struct {
			struct ast_type *type;	/* may be NULL */
			struct expr *init;	/* may be NULL */
		} var;			/* VAR, MAP, CONST, TYPE (type only), FIELD (init only) */
		struct vec impl_items;	/* IMPL: struct decl * (FN or FIELD) */
		const char *path;	/* INCLUDE, IMPORT */
	};
};

struct program {
	const struct source *src;
	struct vec decls;	/* struct decl * */
};

/* Constructors: zeroed nodes with kind and span set. */
struct ast_type *ast_type_new(struct arena *a, enum type_kind kind, struct span span);
struct expr *ast_expr_new(struct arena *a, enum expr_kind kind, struct span span);
struct stmt *ast_stmt_new(struct arena *a, enum stmt_kind kind, struct span span);
struct decl *ast_decl_new(struct arena *a, enum decl_kind kind, struct span span);

const char *decl_kind_name(enum decl_kind kind);
/* The expression a place is rooted in: x in x, x.f, x->f, x[i].f. */
const struct expr *place_root(const struct expr *place);

/* A walk over the expressions and statements under one: each node is
 * shown to the callback of its kind (when set) before its parts, and its
 * parts are skipped when the callback returns false.  A visitor that
 * needs state embeds struct ast_visitor first in its own struct. */
struct ast_visitor {
	bool (*expr)(struct ast_visitor *v, struct expr *x);
	bool (*stmt)(struct ast_visitor *v, struct stmt *s);
};
void ast_walk_expr(struct ast_visitor *v, struct expr *x);
void ast_walk_stmt(struct ast_visitor *v, struct stmt *s);

#endif
