/* Shared by the files of the check stage (check*.c); nothing else includes it. */
#ifndef KS_CHECK_INTERNAL_H
#define KS_CHECK_INTERNAL_H

#include "prog_kinds.h"
#include "sema.h"

struct scope {
	struct scope *up;
	struct vec symbols;	/* struct symbol * */
};

/* Null safety (check_null.c): the locals that may be null here. */
struct null_state {
	struct vec maybe;	/* struct symbol * */
	struct vec null;	/* struct symbol *: null for sure (inside if (p == null)) */
	bool unreachable;	/* no path reaches this point */
};

struct checker {
	struct arena *arena;
	struct diag *diag;
	struct checked_program *cp;
	const struct kernel_btf *btf;

	/* global names: open addressing, power-of-two size */
	struct symbol **table;
	size_t table_cap, table_len;

	/* while checking a function body */
	struct function_info *fn;
	struct scope *scope;
	int loop_depth;
	uint64_t stack_bytes;	/* eBPF: the locals so far */
	bool in_prelude;	/* resolving a built-in declaration */
	struct null_state nulls;
	struct vec loops;	/* struct stmt *: the eBPF loops of this body */
	const struct import_chain *importers;	/* checking an imported file */
	/* ring buffers (check_ringbuf.c): in the current function, locals
	 * bound from reserve() and reserve() calls bound to none (NULL once
	 * bound); in the whole program, dispatch() arguments */
	struct vec reserved;	/* struct symbol * */
	struct vec reserve_calls;	/* struct expr * */
	struct vec dispatched;	/* struct expr * */
	/* checking deferred work that runs as it is written, on the way out:
	 * the scope of its defer */
	struct scope *deferring;
	/* what an extern may name: the kernel's kfuncs and helpers, once
	 * asked for (check_kfunc.c) */
	struct vec callable_names;
};

#define A (c->arena)

/* What an eBPF program may keep on its stack. */
#define BPF_STACK_LIMIT 512

/* symbols */
struct symbol *global_lookup(struct checker *c, const char *name);
struct symbol *lookup(struct checker *c, const char *name);
struct symbol *new_symbol(struct checker *c, enum symbol_kind kind, const char *name,
			  struct span span);
void declare_local(struct checker *c, struct symbol *sym);
void declare_kernel_constant(struct checker *c, struct symbol *sym);
/* A global name; NULL (after an error) when it is taken. */
struct symbol *declare_global(struct checker *c, enum symbol_kind kind, const char *name,
			      struct span span, struct decl *decl);
void push_scope(struct checker *c);
void pop_scope(struct checker *c);
/* "; did you mean 'x'?" for an unknown NAME, or "": among values and
 * functions, or among the symbol kinds in the mask KINDS (1 << kind). */
const char *suggest(struct checker *c, const char *name);
const char *suggest_kind(struct checker *c, const char *name, unsigned kinds);
/* The same among NAMES (const char *). */
const char *closest_name(struct checker *c, const char *name, const struct vec *names);
#define SYMBOLS_OF_TYPES ((1u << SYM_STRUCT) | (1u << SYM_ENUM) | (1u << SYM_TYPE_ALIAS))

/* types */
const struct type *resolve_type(struct checker *c, const struct ast_type *t);
/* The member NAME of struct or config type T, or NULL. */
const struct member *find_member(const struct type *t, const char *name);
/* Whether a value of type FROM may be stored where TO is expected. */
bool assignable(const struct type *to, const struct type *from, const struct expr *value);
/* Whether VALUE is an integer literal (perhaps negated) that T cannot
 * hold; report_literal_misfit also says so. */
bool literal_misfit(const struct type *t, const struct expr *value);
bool report_literal_misfit(struct checker *c, const struct type *to, const struct expr *value);
/* Reports that VALUE (of type FROM) cannot be stored in NAME of type TO. */
void report_not_assignable(struct checker *c, const char *name, const struct type *to,
			   const struct type *from, const struct expr *value);
/* A const NAME that would be of type T, not an integer. */
void report_const_type(struct checker *c, struct span at, const char *name,
		       const struct type *t);
/* Evaluates a constant integer expression; false if it is not one. */
bool const_value(struct checker *c, const struct expr *e, int64_t *value);

/* expressions and statements */
const struct type *check_expr(struct checker *c, struct expr *e);
void check_stmt(struct checker *c, struct stmt *s);
void check_body(struct checker *c, struct function_info *fn);
void check_stack_limits(struct checker *c);
/* An eBPF program's parameters and result against what the kernel gives. */
void check_program_signature(struct checker *c, struct function_info *fn);

/* check_struct_ops.c: impl blocks and register(); check_kfunc.c: externs and
 * calls into and inside the kernel */
void declare_impl(struct checker *c, struct decl *d);
void resolve_impl(struct checker *c, struct decl *d);
void check_extern(struct checker *c, struct decl *d);
/* A function's body; an impl's functions see each other. */
void check_function(struct checker *c, struct function_info *fn);
/* Whether the current function may call SYM; reports when not. */
void check_call_placement(struct checker *c, struct expr *call, const struct symbol *sym);
/* A warning where tail calls may go past the kernel's 33 in a row. */
void check_tail_call_depth(struct checker *c);
/* A @kfunc's parameters and result, which cross from eBPF code into the
 * kernel module, and its name, which must be free in the kernel. */
void check_kfunc_signature(struct checker *c, struct function_info *fn);
/* Each program that reaches a @kfunc: whether its kind may call module
 * kfuncs on this kernel (calls_kfuncs set). */
void check_kfunc_callers(struct checker *c);
/* Whether the current function may use the map, global or config SYM. */
void check_use_placement(struct checker *c, const struct expr *e, const struct symbol *sym);
const struct type *check_register(struct checker *c, struct expr *e);
/* Whether WRITTEN may stand for the kernel's type KERNEL in a prototype:
 * the same type, *u8 or *void for a pointer, an integer for an enum of
 * its size. */
bool kernel_compatible(struct checker *c, const struct type *kernel, const struct type *written);
struct kernel_func;
/* NAME(p: T, ...) -> R, as notes show a kernel prototype. */
const char *kernel_prototype(struct checker *c, const char *name, const struct kernel_func *kf);
void resolve_signature(struct checker *c, struct function_info *fn);


/* new and delete (check_new.c) */
const struct type *check_new(struct checker *c, struct expr *e);
void check_delete(struct checker *c, struct stmt *s);
/* eBPF: each new kept in a variable that the function deletes. */
void check_bpf_objects(struct checker *c, struct function_info *fn);

/* import (check_import.c) */
void load_import(struct checker *c, struct symbol *sym);
/* A call NAME.fn(...) of an imported module's function: its type, or
 * NULL when E's callee names no module (then it is an ordinary call). */
const struct type *check_import_call(struct checker *c, struct expr *e);

/* throw, try/catch and defer (check_throw.c) */
void check_throw_stmt(struct checker *c, struct stmt *s);
void check_catches(struct checker *c, struct stmt *s);
void check_defer_stmt(struct checker *c, struct stmt *s);
/* A name in deferred work: is it still there on the way out? */
void check_deferred_name(struct checker *c, const struct expr *name);
/* What each function may throw and not catch, once every body is checked. */
void check_throws(struct checker *c);

/* exec, test, daemon and @test functions (check_process.c) */
void check_process_builtin(struct checker *c, struct expr *e, const struct symbol *sym);
void check_test_function(struct checker *c, struct function_info *fn);
/* Whether E is a call that never comes back: exec() and daemon(). */
bool never_returns(const struct expr *e);
/* ring buffers (check_ringbuf.c) */
const struct type *ringbuf_type(struct checker *c, const struct decl *d);
const struct type *check_ringbuf_call(struct checker *c, struct expr *call);
void check_dispatch(struct checker *c, struct expr *call);
/* The ring buffer whose reserve() X is a call of, or NULL. */
const struct symbol *reserved_from(const struct expr *x);
/* SYM, a local just bound to INIT: a reserved slot when INIT is reserve(). */
void bind_reservation(struct checker *c, struct symbol *sym, const struct expr *init);
/* Each path out of FN releases the reservations RESERVED (struct symbol
 * *, each released somewhere): check_release.c. */
void check_release_paths(struct checker *c, const struct function_info *fn,
			 const struct vec *reserved);
/* A reserved slot's variable cannot be assigned. */
void check_reserved_assign(struct checker *c, const struct expr *target);
/* At the end of a function: reservations never released or never kept. */
void check_reservations(struct checker *c);
/* Handlers of dispatched ring buffers, once every body is checked. */
void check_ringbuf_handlers(struct checker *c);

/* The side the current function runs on. */
static inline bool in_bpf(const struct checker *c)
{
	return c->fn && side_is_bpf(c->fn->side);
}

/* var s: str(6) = "toolong": the literal is cut to fit, with a warning
 * naming NAME; false when VALUE is not such a literal. */
bool cut_string_literal(struct checker *c, const char *name, const struct type *to,
			struct expr *value);
/* Warns when VALUE, going where TO is expected, is an integer that may
 * not fit (check_convert.c). */
void check_conversion(struct checker *c, const struct type *to, struct expr *value);

/* constant expressions (check_const.c) */
bool wide_fits(ks_wide v, const struct type *t);
const struct type *wide_type(ks_wide v);
bool wide_binary(enum binary_op op, ks_wide l, ks_wide r, ks_wide *out);
/* After E is typed: whether its value is known, and what it is. */
void const_annotate(struct checker *c, struct expr *e);
/* An untyped constant E takes type T where its value fits. */
void const_adapt(struct expr *e, const struct type *t);
void const_adapt_operands(struct expr *l, struct expr *r);
/* An untyped constant beside an operand of type PARTNER (x op= c). */
void const_adapt_beside(struct expr *e, const struct type *partner);
/* The type integer arithmetic on A and B gives (check_expr.c). */
const struct type *arithmetic(const struct type *a, const struct type *b);
/* The integer type E's value is known to fit in; NULL for a constant. */
const struct type *value_range(struct checker *c, const struct expr *e);
/* The eBPF loops of the body just checked, against what the verifier
 * can follow (check_loops.c). */
void check_loop_bounds(struct checker *c);

/* null safety (check_null.c) */
void null_reset(struct checker *c);
struct null_state null_save(struct checker *c);
void null_restore(struct checker *c, const struct null_state *s);
/* Where two paths meet: what may be null on either may be null after. */
void null_join(struct checker *c, const struct null_state *other);
/* On the path where COND evaluated to WHEN. */
void null_assume(struct checker *c, const struct expr *cond, bool when);
/* Whether SYM is null here for sure. */
bool null_for_sure(const struct checker *c, const struct symbol *sym);
/* Whether the checked expression E may be null here. */
bool null_may_be(const struct checker *c, const struct expr *e);
/* Reports using what POINTER points to when it may be null. */
void null_check_deref(struct checker *c, const struct expr *pointer);
/* A local declared or assigned, with the value it gets. */
void null_declared(struct checker *c, struct symbol *sym, const struct expr *init);
void null_assigned(struct checker *c, struct expr *target, const struct expr *value);
/* A map entry variable read (marks reads where the key may be absent). */
void null_read_entry(struct checker *c, struct expr *ident);
/* Writing to TARGET (v.f = x, v += x) when its root is an entry that may be absent. */
void null_check_write(struct checker *c, struct expr *target, bool compound);
/* Before a body that runs again (a loop's) or can be left from any point
 * (a try's): what it may make null may be null at its top. */
void null_widen(struct checker *c, const struct stmt *body);

#endif
