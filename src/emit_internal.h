/* Shared by the files of the emit stage; nothing else includes it. */
#ifndef KS_EMIT_INTERNAL_H
#define KS_EMIT_INTERNAL_H

#include <stdarg.h>

#include "emit.h"
#include "plan.h"

struct map_use {
	const struct symbol *map;
	unsigned accessors;
	unsigned ops;		/* 1 << binary_op, for compound assignments */
};

struct emitter {
	struct arena *arena;
	struct diag *diag;
	const struct checked_program *cp;
	const struct plan *plan;
	FILE *out;
	int indent;
	bool bpf;			/* writing the eBPF side */
	const struct function_info *fn;	/* the function being written */
	struct vec map_uses;		/* struct map_use * */
	struct vec constants;		/* const struct symbol *: kernel macros used */
	bool failed;			/* an error was reported */
	struct vec entries;		/* struct bound_entry *: enclosing if (var x = m[k]) */
	bool string_target;		/* the match being written assigns a string */
};

/* An if (var x = m[k]) whose then-branch is being written: inside it,
 * m[k] = v writes through x instead of updating the map again. */
struct bound_entry {
	const struct symbol *map;
	const struct expr *key;
	const struct stmt *then;
	const char *name;
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

/* Whether a kernel struct of this name is memory eBPF code reads
 * directly (a context); other kernel structs are read with BPF_CORE_READ. */
bool kernel_struct_direct(const char *name);

/* Expressions and statements */
void emit_expr(struct emitter *e, const struct expr *x);
void emit_stmt(struct emitter *e, const struct stmt *s);
void emit_block_body(struct emitter *e, const struct stmt *block);
void emit_function_body(struct emitter *e, const struct function_info *fn);
struct map_use *map_use(struct emitter *e, const struct symbol *map);

/* Whether FN is called anywhere; if not, says so in a comment. */
bool emit_if_called(struct emitter *e, const struct function_info *fn);


/* The functions integer operations call (emit_helpers.c). */
void emit_helpers(struct emitter *e);

/* Side specific */
void emit_map_accessors(struct emitter *e);
void emit_print(struct emitter *e, const struct expr *call);
void emit_global_ref(struct emitter *e, const struct symbol *sym);
/* The definitions of the globals and configs: in NAME.bpf.c, or in the
 * loader of a program with no eBPF side. */
void emit_globals(struct emitter *e);
void emit_for_each(struct emitter *e, const struct stmt *s);

#endif
