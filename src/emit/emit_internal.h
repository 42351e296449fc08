/* Shared by the files of the emit stage; nothing else includes it. */
#ifndef KS_EMIT_INTERNAL_H
#define KS_EMIT_INTERNAL_H

#include <stdarg.h>
#include <sys/uio.h>

#include "emit.h"
#include "plan.h"


struct emitter {
	struct arena *arena;
	struct diag *diag;
	const struct checked_program *cp;
	const struct plan *plan;
	FILE *out;
	int indent;
	bool bpf;			/* writing the eBPF side */
	enum c_side side;		/* the file being written */
	const struct function_info *fn;	/* the function being written */
	const struct fn_copy *copy;	/* ... the copy of it, when it takes maps */
	bool failed;			/* an error was reported */
	bool string_target;		/* the match being written assigns a string */
	/* errors (emit_errors.c): where a throw goes from here, the way out,
	   and the copies a deferred call is written with */
	struct error_target *error_target, *out_target;
	const struct vec *captures;
};

/* A label an error may go to, and whether anything goes there. */
struct error_target {
	const char *label;
	bool used;
};


#define A (e->arena)

/* Output */
void emit_line(struct emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void emit_text(struct emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void emit_unsupported(struct emitter *e, struct span at, const char *what);
/* A block of C laid out as it will read, bpftool's codegen() style: the
 * template's first-line indentation is removed from every line, the
 * emitter's own added, and printf directives filled (%1$s repeats). */
void emit_code(struct emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Names and types in C */
/* SYM's C name: the plan's, or a kernel name that needs none. */
const char *c_name(const struct symbol *sym);
/* The C name of member NAME of T (a struct, or a pointer to one). */
const char *c_member(const struct type *t, const char *name);
const char *c_type(struct emitter *e, const struct type *t);
/* The C type of MAP's keys: the key's, or the struct that holds an array
 * or string key (plan_key_struct). */
const char *c_key_type(struct emitter *e, const struct symbol *map);
/* A declaration of NAME, a copy of a key of MAP. */
const char *c_key_decl(struct emitter *e, const struct symbol *map, const char *name);
/* A declaration of NAME with type T: "char name[16]", "__u8 *p". */
const char *c_decl(struct emitter *e, const struct type *t, const char *name);
const char *c_string(struct emitter *e, const char *bytes, uint32_t len);
/* Whether a value of type T is an array in C (an array or a string): it
 * is copied with memcpy and handed on by the address of its first
 * element, which is also what a pointer to it is. */
bool c_is_array(const struct type *t);
/* Where the value NAME of type T is, for a function that fills it:
 * "&name", or "name" for an array. */
const char *c_address(struct emitter *e, const struct type *t, const char *name);
/* The C spelling of a map flag written in @flags(...), or NULL. */
const char *c_map_flag(const char *name);
const char *base_name(const char *path);	/* "dir/x.ks" -> "x.ks" */


/* Expressions and statements */
void emit_expr(struct emitter *e, const struct expr *x);
/* X as the operand of a cast: in parentheses when it needs them. */
void emit_cast_operand(struct emitter *e, const struct expr *x);

/* Ring buffers (emit_ringbuf.c) */
/* events.reserve(), submit(p), discard(p), on_event(f). */
void emit_ringbuf_call(struct emitter *e, const struct expr *x);
/* The eBPF side's counters of failed reserves, and the functions that
 * reserve and count, for the ring buffers whose dropped() is read. */
void emit_ringbuf_counters(struct emitter *e);
/* The functions that hand each ring buffer's records to its handler. */
void emit_ringbuf_adapters(struct emitter *e);
/* dispatch(rb, ...). */
void emit_dispatch(struct emitter *e, const struct expr *x);

/* Python (emit_python.c) */
/* D's symbol when D imports a Python module the program calls; NULL
 * otherwise. */
const struct symbol *emit_python_import(const struct decl *d);
/* Whether the program calls a Python module's function. */
bool emit_uses_python(const struct checked_program *cp);
/* The struct ks_py_module of each Python import the program calls. */
void emit_python_modules(struct emitter *e);
/* A call of a Python function: its result converted to the call's type,
 * or let go when DISCARDED (a statement). */
void emit_python_call(struct emitter *e, const struct expr *x, bool discarded);
/* Whether the program calls exec(). */
bool emit_uses_exec(const struct checked_program *cp);

/* A text made of slices of others, written out without being copied
 * into one. */
struct text_slices {
	struct iovec *v;
	size_t n;
};

/* Trimming (emit_trim.c): OUT[i], each of TEXTS[0..N), the templates
 * NAMES[0..N) (headers of ours), without the top-level declarations that
 * the code in USERS (NULL-ended) does not reach, directly or through the
 * declarations kept. */
void emit_trim(struct arena *a, const char *const *users, const char *const *names,
	       const char *const *texts, size_t n, struct text_slices *out);
/* exec(path): the attachments kept, the maps handed over (ks_exec.h);
 * two statements when STATEMENT, one expression otherwise. */
void emit_exec(struct emitter *e, const struct expr *x, bool statement);
/* NAME.py's table of the maps exec() hands over, one line each. */
const char *emit_exec_maps(struct arena *a, const struct checked_program *cp);
/* The structs the functions of this side that return a string or an
 * array return it in (C returns no arrays). */
void emit_result_structs(struct emitter *e);
/* X, a value of the array or string type T, as the address of sizeof(T)
 * bytes that hold it: a shorter literal is padded with zeroes (a
 * compound literal of type T), so nothing reads past its end. */
void emit_array_value(struct emitter *e, const struct type *t, const struct expr *x);
void emit_stmt(struct emitter *e, const struct stmt *s);
/* CHOICE (c ? a : b, or a match of values on a variable) as C's ?: with
 * LEAF written for each value it may take (NULL: no arm matched). */
void emit_choice(struct emitter *e, const struct expr *choice,
		 void (*leaf)(struct emitter *e, const struct expr *value, const void *arg),
		 const void *arg);
/* Whether X picks among strings as C's ?: does: c ? a : b, or a match
 * of values on a variable. */
bool emit_is_string_choice(const struct expr *x);
/* A join of string literals as one literal, for a global's initial value,
 * where C has no statements to join with; NULL when a part is not a
 * literal. */
const char *emit_joined_literal(struct emitter *e, const struct expr *x);
/* A match that is not a ?: chain, as a value: its statements in a GNU
 * statement expression. */
void emit_match_value(struct emitter *e, const struct expr *x);
/* The start of a line at the current indentation. */
void start_line(struct emitter *e);
/* DST, an array or string of type T, given V: copied, or joined from
 * its parts by the string helpers. */
void emit_string_store(struct emitter *e, const char *dst, const struct type *t,
		       const struct expr *v);
/* Whether X is a string the helpers can take as it is: a literal, or a
 * string that has a place. */
bool emit_is_string_part(const struct expr *x);
/* a + b as a value: a struct of its size, filled, read as its value. */
void emit_join_value(struct emitter *e, const struct expr *x);
/* BLOCK in braces, from where the line is. */
void emit_braced(struct emitter *e, const struct stmt *block);
void emit_block_body(struct emitter *e, const struct stmt *block);
void emit_function_body(struct emitter *e, const struct function_info *fn);
/* The body in braces, on lines of their own. */
void emit_function_block(struct emitter *e, const struct function_info *fn);
/* FN's parameters in C ("void" for none), with its error state if any;
 * its whole head, "T name(params)". */
const char *emit_params(struct emitter *e, const struct function_info *fn);
const char *emit_signature(struct emitter *e, const struct function_info *fn);

/* Whether FN is called anywhere; if not, says so in a comment. */
bool emit_if_called(struct emitter *e, const struct function_info *fn);
/* FN written by WRITE, or, when it takes maps, each copy of it the plan
 * made (e->copy set meanwhile). */
void emit_each_copy(struct emitter *e, const struct function_info *fn,
		    void (*write)(struct emitter *, const struct function_info *));
/* The comment before a function: where it is written, and for a copy,
 * the maps it has in place of its parameters. */
void emit_origin(struct emitter *e, const struct function_info *fn);
/* The C name of the function being written, or of FN's copy. */
const char *emit_function_name(struct emitter *e, const struct function_info *fn);
/* Whether the parameter P of a function is written in C: a map is not,
 * as the copy has it in its place. */
bool emit_has_param(const struct param *p);


/* throw, try/catch and defer (emit_errors.c) */
void emit_error_struct(struct emitter *e);
/* PARAMS with the error state of a function that hands errors on. */
const char *emit_error_param(struct emitter *e, const struct function_info *fn,
			     const char *params);
/* The error state, the return value and the deferred work's flags and
 * copies, at the top of FN's body; the way out at its end. */
void emit_errors_prologue(struct emitter *e, const struct function_info *fn);
void emit_way_out(struct emitter *e, const struct function_info *fn);
/* return VALUE (NULL: none) through the way out. */
void emit_return_via_out(struct emitter *e, const struct expr *value);
void emit_throw(struct emitter *e, const struct stmt *s);
void emit_try(struct emitter *e, const struct stmt *s);
void emit_defer(struct emitter *e, const struct stmt *s);
/* The copy a deferred call has of X, or NULL. */
const char *emit_captured(struct emitter *e, const struct expr *x);
/* A call that may come back with an error: whether CALL is one, the
 * state it is given, and what goes around it. */
bool emit_checks_errors(struct emitter *e, const struct expr *call);
const char *emit_error_arg(struct emitter *e);
void emit_error_check_head(struct emitter *e, const struct expr *call);
void emit_error_check_tail(struct emitter *e, const struct expr *call);

/* main's work when there is no main and the programs attach by
 * themselves: attach, wait, detach, print the maps (emit_direct.c). */
void emit_direct_attach(struct emitter *e);
/* The kernel module's kfuncs the eBPF side calls, as __ksym externs. */
void emit_module_kfunc_externs(struct emitter *e);
/* The kernel macros the plan found the file's headers lack. */
void emit_kernel_macros(struct emitter *e);
/* The functions integer operations call (emit_helpers.c). */
void emit_helpers(struct emitter *e);

/* Map statements, as the plan made them (emit_maps.c). */
/* The map SYM names in the function being written (a map parameter's
 * map in a copy), and its plan. */
const struct symbol *emit_map_symbol(struct emitter *e, const struct symbol *sym);
const struct map_plan *emit_map_plan(struct emitter *e, const struct symbol *sym);
void emit_entry_var_decl(struct emitter *e, const struct stmt *s);	/* var v = m[k] */
void emit_entry_var_assign(struct emitter *e, const struct stmt *s);	/* v = ... */
/* m[k] = v, m[k] op= v, m[k].f = v, ...: false when S is no such thing */
bool emit_map_assign(struct emitter *e, const struct stmt *s);
void emit_map_delete(struct emitter *e, const struct stmt *s);
/* The head of an if that holds an entry, up to its then-branch. */
void emit_bound_if_head(struct emitter *e, const struct stmt *s);
/* After S: the entry variables looking their entries up again, the copy
 * of a userspace binding going back into its entry. */
void emit_refresh(struct emitter *e, const struct stmt *s);
void emit_write_back(struct emitter *e, const struct stmt *s);

/* Side specific */
void emit_map_accessors(struct emitter *e);
void emit_print(struct emitter *e, const struct expr *call);
void emit_global_ref(struct emitter *e, const struct symbol *sym);
/* The definitions of the globals and configs: in NAME.bpf.c, or in the
 * loader of a program with no eBPF side. */
void emit_globals(struct emitter *e);
/* Pinned globals (pin var): whether there are any, and their map in the
 * loader ("skel->maps.data_pinned"). */
bool has_pinned_globals(const struct checked_program *cp);
const char *pinned_globals_map(struct emitter *e);
void emit_for_each(struct emitter *e, const struct stmt *s);

#endif
