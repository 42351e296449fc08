/* Semantic types: what the checker gives every expression and declaration.
 *
 * Primitive types are shared singletons; compound types are built in the
 * compilation's arena.  Types are compared structurally (types_equal), so
 * two separately built *u8 are the same type. */
#ifndef KS_TYPES_H
#define KS_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "wide.h"

struct decl;

enum ty_kind {
	TY_ERROR,	/* after a reported error: compatible with everything */
	TY_VOID,
	TY_BOOL,
	TY_INT,
	TY_CHAR,
	TY_STR,		/* str(N): a NUL-terminated string in N bytes */
	TY_ARRAY,
	TY_POINTER,
	TY_STRUCT,
	TY_ENUM,
	TY_FUNCTION,
	TY_MAP,
	TY_RINGBUF,
	TY_PROGRAM,	/* what load() returns */
	TY_PERF,	/* what attach() returns for a perf event */
	TY_NULL,	/* the type of null */
};

enum map_kind {
	MAP_HASH,
	MAP_ARRAY,
	MAP_PERCPU_HASH,
	MAP_PERCPU_ARRAY,
	MAP_LRU_HASH,
	MAP_LRU_PERCPU_HASH,
};

struct type {
	enum ty_kind kind;
	const char *alias;	/* the name of the type alias it was written as */
	/* INT */
	unsigned bits;
	bool is_signed;
	/* STR, ARRAY: element count */
	uint64_t len;
	/* ARRAY, POINTER, RINGBUF: element, pointee, event */
	const struct type *elem;
	/* STRUCT, ENUM */
	const char *name;
	struct decl *decl;	/* its declaration */
	bool kernel;		/* defined by the kernel: vmlinux.h has it */
	const char *c_name;	/* plan: STRUCT, ENUM of the program: its C name */
	bool c_typedef;		/* STRUCT: C names it by a typedef, without 'struct' (pmd_t) */
	/* plan: STRUCT of the program: the padding after its last member,
	   written as a member of this name */
	uint64_t c_tail_pad;
	const char *c_tail_pad_name;
	/* MAP */
	enum map_kind map_kind;
	const struct type *key, *value;
	uint64_t max_entries;
	/* FUNCTION */
	struct vec params;	/* const struct type * */
	const struct type *ret;
};

extern const struct type type_error, type_void, type_bool, type_char, type_null,
	type_program, type_perf, type_u8, type_u16, type_u32, type_u64, type_i8, type_i16,
	type_i32, type_i64;

/* u8..u64, i8..i64, bool, char, void by name; NULL for other names. */
const struct type *type_primitive(const char *name);
const struct type *type_int(unsigned bits, bool is_signed);

struct type *type_new(struct arena *a, enum ty_kind kind);
const struct type *type_pointer(struct arena *a, const struct type *to);
const struct type *type_array(struct arena *a, const struct type *elem, uint64_t len);
const struct type *type_str(struct arena *a, uint64_t len);
const struct type *type_with_alias(struct arena *a, const struct type *t, const char *alias);

bool types_equal(const struct type *a, const struct type *b);
bool type_is_integer(const struct type *t);	/* INT, CHAR, ENUM */
/* V converted to T (modulo 2^N, signed T read back signed; bool: V != 0) */
ks_wide wide_convert(ks_wide v, const struct type *t);
bool type_is_scalar(const struct type *t);	/* integer, bool, pointer */
bool type_is_percpu_map(const struct type *t);
bool type_is_array_map(const struct type *t);

/* The type as KernelScript writes it: "u32", "*xdp_md", "hash<u32, u64>(1024)". */
const char *type_name(struct arena *a, const struct type *t);
/* The kernel struct T is or holds (in an array, or a struct of the
 * program), or NULL: userspace has no declaration of it. */
const struct type *type_kernel_struct(const struct type *t);
static inline bool type_has_kernel_struct(const struct type *t)
{
	return type_kernel_struct(t) != NULL;
}

/* Alignment in bytes as C lays it out. */
uint64_t type_align(const struct type *t);
/* Size in bytes as C lays it out; 0 when unknown (kernel structs). */
uint64_t type_size(const struct type *t);

const char *map_kind_name(enum map_kind kind);
/* hash, array, ... by name; false for other names. */
bool map_kind_by_name(const char *name, enum map_kind *kind);

#endif
