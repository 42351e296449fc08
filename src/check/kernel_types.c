/* Kernel types for the checker, from src/btf.h's answers: BTF type text
 * ("*task_struct", "char[16]") read back into semantic types. */
#include "kernel_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btf.h"

bool kernel_btf_has_struct(const struct kernel_btf *btf, const char *name)
{
	return btf && (kernel_btf_is_struct(btf, name) || kernel_btf_is_union(btf, name) ||
		       kernel_btf_anonymous_typedef(btf, name) || kernel_btf_opaque_struct(btf, name));
}

bool kernel_btf_typedef_struct(const struct kernel_btf *btf, const char *name)
{
	return btf && !kernel_btf_is_struct(btf, name) && !kernel_btf_is_union(btf, name) &&
	       kernel_btf_anonymous_typedef(btf, name);
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
	t->c_typedef = t->kind == TY_STRUCT && kernel_btf_typedef_struct(btf, name);
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

/* ---- struct_ops and kfuncs ---------------------------------------------- */

#define STRUCT_OPS_PREFIX "bpf_struct_ops_"

static bool is_struct_ops_value(const struct kernel_struct *v, const char *name)
{
	const struct kernel_member *data = v ? kernel_struct_member(v, "data") : NULL;
	return data && !strcmp(data->type, name);
}

bool kernel_btf_is_struct_ops(const struct kernel_btf *btf, const char *name)
{
	if (!btf || !kernel_btf_is_struct(btf, name))
		return false;
	size_t n = strlen(STRUCT_OPS_PREFIX) + strlen(name) + 1;
	char value[n];
	snprintf(value, n, "%s%s", STRUCT_OPS_PREFIX, name);
	return is_struct_ops_value(kernel_btf_struct(btf, value), name);
}

void kernel_btf_struct_ops_names(const struct kernel_btf *btf, struct arena *a, struct vec *out)
{
	if (!btf)
		return;
	size_t plen = strlen(STRUCT_OPS_PREFIX);
	for (uint32_t id = 1; id < kernel_btf_type_count(btf); id++) {
		const struct btf_type *t = kernel_btf_type(btf, id);
		if (!btf_is_struct(t))
			continue;
		const char *name = kernel_btf_name(btf, t->name_off);
		if (!name || strncmp(name, STRUCT_OPS_PREFIX, plen))
			continue;
		if (is_struct_ops_value(kernel_btf_struct_by_id(btf, id), name + plen))
			vec_push(a, out, arena_strdup(a, name + plen));
	}
}

const struct type *kernel_btf_member_function(const struct kernel_btf *btf, struct arena *a,
					      const char *name, const char *member)
{
	const struct kernel_struct *s = btf ? kernel_btf_struct(btf, name) : NULL;
	const struct kernel_member *m = s ? kernel_struct_member(s, member) : NULL;
	if (!m)
		return NULL;
	const struct btf_type *t = kernel_btf_function_pointer(btf, m->type_id);
	if (!t)
		return NULL;
	struct type *f = type_new(a, TY_FUNCTION);
	const struct btf_param *p = btf_params(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct type *pt = kernel_type_from_text(btf, a, kernel_btf_type_text(btf, p[i].type));
		vec_push(a, &f->params, (void *)(pt ? pt : &type_error));
	}
	const struct type *ret = t->type ? kernel_type_from_text(btf, a,
								 kernel_btf_type_text(btf, t->type))
					 : &type_void;
	f->ret = ret ? ret : &type_error;
	return f;
}

/* "bpf_ktime_get_ns" is a helper when BPF_FUNC_ktime_get_ns is. */
static bool is_helper(const struct kernel_btf *btf, const char *name)
{
	if (strncmp(name, "bpf_", 4))
		return false;
	size_t n = strlen(name) + 6;
	char id[n];
	snprintf(id, n, "BPF_FUNC_%s", name + 4);
	const char *enum_name = NULL;
	return kernel_btf_enumerator(btf, id, NULL, &enum_name) && enum_name &&
	       !strcmp(enum_name, "bpf_func_id");
}

enum kernel_callable kernel_btf_callable(const struct kernel_btf *btf, const char *name)
{
	if (is_helper(btf, name))
		return KERNEL_HELPER;
	if (!kernel_btf_find(btf, name, KERNEL_FUNC))
		return KERNEL_NO_FUNCTION;
	/* BTF without kfunc tags (before 6.0) says no function is not one */
	if (!kernel_btf_kfunc_count(btf) || kernel_btf_is_kfunc(btf, name))
		return KERNEL_KFUNC;
	return KERNEL_PLAIN_FUNCTION;
}

void kernel_btf_callable_names(const struct kernel_btf *btf, struct arena *a, struct vec *out)
{
	for (size_t i = 0; i < kernel_btf_kfunc_count(btf); i++)
		vec_push(a, out, arena_strdup(a, kernel_btf_name(btf, kernel_btf_type(btf,
								   kernel_btf_kfunc(btf, i))->name_off)));
	const struct kernel_enum *ids = kernel_btf_enum(btf, "bpf_func_id");
	for (size_t i = 0; ids && i < ids->count; i++)
		if (!strncmp(ids->values[i].name, "BPF_FUNC_", 9))
			vec_push(a, out, arena_printf(a, "bpf_%s", ids->values[i].name + 9));
}

unsigned kernel_btf_enum_size(const struct kernel_btf *btf, const char *name)
{
	const struct kernel_enum *e = btf ? kernel_btf_enum(btf, name) : NULL;
	return e ? e->size : 0;
}
