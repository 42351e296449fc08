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

#endif
