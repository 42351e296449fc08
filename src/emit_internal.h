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
 * m[k] = v writes through x instead of updating the map again.  In
 * userspace x is a copy, written back (NAME_replace) after each change. */
struct bound_entry {
	const struct symbol *map;
	const struct expr *key;
	const struct stmt *then;
	const char *name;
	const struct symbol *sym;	/* x */
	const char *key_copy;		/* userspace: the C variable holding k, or NULL: k itself */
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

/* Userspace map entries changed through a copy (emit_entries.c).
 * bind_user_key: on the line begun, a key that could change is copied
 * into a variable of its own first (B->key_copy), and a new line begun;
 * emit_bound_key then writes the key. */
void bind_user_key(struct emitter *e, struct bound_entry *b, const char *copy);
void emit_bound_key(struct emitter *e, const struct bound_entry *b);
/* NAME_replace(k, x): the copy back into its entry, if that is there. */
void emit_replace_entry(struct emitter *e, const struct bound_entry *b);
/* Userspace m[k].f op= v: read, changed and written back; through x when
 * BOUND, an enclosing if (var x = m[k]) of that entry, holds it.  An
 * absent entry stays absent. */
void emit_user_entry_change(struct emitter *e, const struct stmt *s, const struct expr *entry,
			    const struct bound_entry *bound);
/* After an assignment through x of an enclosing if (var x = m[k]) in
 * userspace, x goes back into the entry. */
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
