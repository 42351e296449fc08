/* Kernel types for the checker: the questions it asks of kernel BTF,
 * answered through src/btf.h. */
#ifndef KS_KERNEL_TYPES_H
#define KS_KERNEL_TYPES_H

#include <stdbool.h>

#include "arena.h"
#include "types.h"

struct kernel_btf;

/* Whether the kernel (vmlinux.h) defines struct NAME / enum NAME. */
bool kernel_btf_has_struct(const struct kernel_btf *btf, const char *name);
/* Whether the kernel's struct NAME is a typedef of an anonymous struct,
 * which C names without 'struct' (pmd_t). */
bool kernel_btf_typedef_struct(const struct kernel_btf *btf, const char *name);
bool kernel_btf_has_enum(const struct kernel_btf *btf, const char *name);
/* Kernel struct, union or enum NAME as a type (u32 and friends too), a
 * kernel typedef of an integer (pid_t) as that integer, size_t and ssize_t
 * as u64 and i64 even without BTF; NULL when the kernel has no such type. */
const struct type *kernel_type(const struct kernel_btf *btf, struct arena *a, const char *name);
/* Whether NAME is an enumerator of a kernel enum, and its value. */
bool kernel_btf_constant(const struct kernel_btf *btf, const char *name, int64_t *value,
			 const char **enum_name);
/* BTF type text ("*task_struct", "char[16]", "i64") as a type, or NULL. */
const struct type *kernel_type_from_text(const struct kernel_btf *btf, struct arena *a,
					 const char *text);
/* The type of member FIELD of kernel struct NAME, or NULL. */
const struct type *kernel_btf_member_type(const struct kernel_btf *btf, struct arena *a,
					  const char *name, const char *field);

/* ---- struct_ops and kfuncs ---------------------------------------------- */

/* Whether the kernel registers struct NAME as a struct_ops type: its BTF
 * then has the value type bpf_struct_ops_NAME, whose `data` is a NAME. */
bool kernel_btf_is_struct_ops(const struct kernel_btf *btf, const char *name);
/* The names of every struct_ops type the kernel has (const char *). */
void kernel_btf_struct_ops_names(const struct kernel_btf *btf, struct arena *a, struct vec *out);
/* Member MEMBER of kernel struct NAME as a function type when it is a
 * function pointer (TY_FUNCTION; a parameter type the checker cannot read
 * is type_error), or NULL. */
const struct type *kernel_btf_member_function(const struct kernel_btf *btf, struct arena *a,
					      const char *name, const char *member);

enum kernel_callable {
	KERNEL_NO_FUNCTION,	/* BTF has no function of that name */
	KERNEL_KFUNC,		/* a function tagged bpf_kfunc */
	KERNEL_HELPER,		/* a BPF helper: BPF_FUNC_x of enum bpf_func_id */
	KERNEL_PLAIN_FUNCTION,	/* a function that is neither */
};
/* What eBPF code can make of the kernel function NAME.  When the BTF tags
 * no function bpf_kfunc at all (kernels before 6.7), every function counts
 * as a kfunc. */
enum kernel_callable kernel_btf_callable(const struct kernel_btf *btf, const char *name);
/* The names of every kfunc and BPF helper eBPF code can call (const char *). */
void kernel_btf_callable_names(const struct kernel_btf *btf, struct arena *a, struct vec *out);
/* The size in bytes of kernel enum NAME, or 0. */
unsigned kernel_btf_enum_size(const struct kernel_btf *btf, const char *name);

#endif
