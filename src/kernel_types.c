/* Kernel types for the checker, from src/btf.h's answers: BTF type text
 * ("*task_struct", "char[16]") read back into semantic types. */
#include "kernel_types.h"

#include <stdlib.h>
#include <string.h>

#include "btf.h"

bool kernel_btf_has_struct(const struct kernel_btf *btf, const char *name)
{
	return btf && (kernel_btf_is_struct(btf, name) || kernel_btf_is_union(btf, name));
}

bool kernel_btf_has_enum(const struct kernel_btf *btf, const char *name)
{
	return btf && kernel_btf_is_enum(btf, name);
}

/* A C name of an integer type: a kernel typedef of one (pid_t, umode_t),
 * or, without BTF too, size_t and ssize_t. */
static const struct type *kernel_integer_name(const struct kernel_btf *btf, const char *name)
{
	uint32_t id = btf ? kernel_btf_find(btf, name, KERNEL_TYPEDEF) : 0;
	const struct type *t = id ? type_primitive(kernel_btf_type_text(btf, id)) : NULL;
	if (t && t->kind != TY_VOID)
		return t;
	if (!strcmp(name, "size_t"))
		return &type_u64;
	if (!strcmp(name, "ssize_t"))
		return &type_i64;
	return NULL;
}

const struct type *kernel_type(const struct kernel_btf *btf, struct arena *a, const char *name)
{
	const struct type *prim = type_primitive(name);
	if (prim)
		return prim;
	struct type *t;
	if (kernel_btf_has_enum(btf, name)) {
		t = type_new(a, TY_ENUM);
	} else if (kernel_btf_has_struct(btf, name)) {
		t = type_new(a, TY_STRUCT);
	} else {
		return kernel_integer_name(btf, name);
	}
	t->name = arena_strdup(a, name);
	t->kernel = true;
	return t;
}

/* Reads BTF type text back: "*T", "T[N]", "T[N][M]", a name. */
const struct type *kernel_type_from_text(const struct kernel_btf *btf, struct arena *a,
				    const char *text)
{
	if (text[0] == '*') {
		const struct type *to = kernel_type_from_text(btf, a, text + 1);
		return type_pointer(a, to ? to : &type_void);
	}
	const char *bracket = strchr(text, '[');
	if (!bracket)
		return kernel_type(btf, a, text);
	const struct type *elem = kernel_type(btf, a, arena_strndup(a, text, (size_t)(bracket - text)));
	if (!elem)
		return NULL;
	/* T[N][M] is N arrays of M: build from the innermost. */
	uint64_t dims[8];
	size_t n = 0;
	for (const char *p = bracket; *p == '[' && n < 8; p = strchr(p, ']') + 1)
		dims[n++] = strtoull(p + 1, NULL, 10);
	while (n-- > 0)
		elem = type_array(a, elem, dims[n]);
	return elem;
}

const struct type *kernel_btf_member_type(const struct kernel_btf *btf, struct arena *a,
					  const char *name, const char *field)
{
	if (!btf)
		return NULL;
	const struct kernel_struct *s = kernel_btf_struct(btf, name);
	const struct kernel_member *m = s ? kernel_struct_member(s, field) : NULL;
	return m ? kernel_type_from_text(btf, a, m->type) : NULL;
}

bool kernel_btf_constant(const struct kernel_btf *btf, const char *name, int64_t *value,
			 const char **enum_name)
{
	return btf && kernel_btf_enumerator(btf, name, value, enum_name);
}
