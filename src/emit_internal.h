/* Shared by the files of the emit stage; nothing else includes it. */
#ifndef KS_EMIT_INTERNAL_H
#define KS_EMIT_INTERNAL_H

#include <stdarg.h>

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
	const struct function_info *fn;	/* the function being written */
	bool failed;			/* an error was reported */
	bool string_target;		/* the match being written assigns a string */
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
/* A declaration of NAME with type T: "char name[16]", "__u8 *p". */
const char *c_decl(struct emitter *e, const struct type *t, const char *name);
const char *c_string(struct emitter *e, const char *bytes, uint32_t len);
/* The C spelling of a map flag written in @flags(...), or NULL. */
const char *c_map_flag(const char *name);
const char *base_name(const char *path);	/* "dir/x.ks" -> "x.ks" */


/* Expressions and statements */
void emit_expr(struct emitter *e, const struct expr *x);
void emit_stmt(struct emitter *e, const struct stmt *s);
void emit_block_body(struct emitter *e, const struct stmt *block);
void emit_function_body(struct emitter *e, const struct function_info *fn);

/* Whether FN is called anywhere; if not, says so in a comment. */
bool emit_if_called(struct emitter *e, const struct function_info *fn);


/* The kernel macros the plan found the file's headers lack. */
void emit_kernel_macros(struct emitter *e);
/* The functions integer operations call (emit_helpers.c). */
void emit_helpers(struct emitter *e);

/* Map statements, as the plan made them (emit_maps.c). */
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
