#include "types.h"

#include <string.h>

#include "ast.h"

const struct type type_error = { .kind = TY_ERROR };
const struct type type_void = { .kind = TY_VOID };
const struct type type_bool = { .kind = TY_BOOL };
const struct type type_char = { .kind = TY_CHAR, .bits = 8, .is_signed = true };
const struct type type_null = { .kind = TY_NULL };
const struct type type_program = { .kind = TY_PROGRAM };
const struct type type_perf = { .kind = TY_PERF };
const struct type type_u8 = { .kind = TY_INT, .bits = 8 };
const struct type type_u16 = { .kind = TY_INT, .bits = 16 };
const struct type type_u32 = { .kind = TY_INT, .bits = 32 };
const struct type type_u64 = { .kind = TY_INT, .bits = 64 };
const struct type type_i8 = { .kind = TY_INT, .bits = 8, .is_signed = true };
const struct type type_i16 = { .kind = TY_INT, .bits = 16, .is_signed = true };
const struct type type_i32 = { .kind = TY_INT, .bits = 32, .is_signed = true };
const struct type type_i64 = { .kind = TY_INT, .bits = 64, .is_signed = true };

static const struct {
	const char *name;
	const struct type *type;
} primitives[] = {
	{ "u8", &type_u8 }, { "u16", &type_u16 }, { "u32", &type_u32 }, { "u64", &type_u64 },
	{ "i8", &type_i8 }, { "i16", &type_i16 }, { "i32", &type_i32 }, { "i64", &type_i64 },
	{ "bool", &type_bool }, { "char", &type_char }, { "void", &type_void },
};

const struct type *type_primitive(const char *name)
{
	for (size_t i = 0; i < sizeof(primitives) / sizeof(primitives[0]); i++)
		if (!strcmp(primitives[i].name, name))
			return primitives[i].type;
	return NULL;
}

const struct type *type_int(unsigned bits, bool is_signed)
{
	switch (bits) {
	case 8: return is_signed ? &type_i8 : &type_u8;
	case 16: return is_signed ? &type_i16 : &type_u16;
	case 32: return is_signed ? &type_i32 : &type_u32;
	default: return is_signed ? &type_i64 : &type_u64;
	}
}

struct type *type_new(struct arena *a, enum ty_kind kind)
{
	struct type *t = arena_alloc(a, sizeof(*t));
	t->kind = kind;
	return t;
}

const struct type *type_pointer(struct arena *a, const struct type *to)
{
	struct type *t = type_new(a, TY_POINTER);
	t->elem = to;
	return t;
}

const struct type *type_array(struct arena *a, const struct type *elem, uint64_t len)
{
	struct type *t = type_new(a, TY_ARRAY);
	t->elem = elem;
	t->len = len;
	return t;
}

const struct type *type_str(struct arena *a, uint64_t len)
{
	struct type *t = type_new(a, TY_STR);
	t->len = len;
	return t;
}

const struct type *type_with_alias(struct arena *a, const struct type *t, const char *alias)
{
	struct type *copy = type_new(a, t->kind);
	*copy = *t;
	copy->alias = alias;
	return copy;
}

bool types_equal(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (a->kind == TY_ERROR || b->kind == TY_ERROR)
		return true;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return a->bits == b->bits && a->is_signed == b->is_signed;
	case TY_STR:
		return a->len == b->len;
	case TY_ARRAY:
		return a->len == b->len && types_equal(a->elem, b->elem);
	case TY_POINTER:
	case TY_RINGBUF:
		return types_equal(a->elem, b->elem);
	case TY_STRUCT:
	case TY_ENUM:
		return !strcmp(a->name, b->name);
	case TY_MAP:
		return a->map_kind == b->map_kind && types_equal(a->key, b->key) &&
		       types_equal(a->value, b->value);
	case TY_FUNCTION:
		if (a->params.len != b->params.len || !types_equal(a->ret, b->ret))
			return false;
		for (size_t i = 0; i < a->params.len; i++)
			if (!types_equal(a->params.items[i], b->params.items[i]))
				return false;
		return true;
	default:
		return true;
	}
}

bool type_is_integer(const struct type *t)
{
	return t->kind == TY_INT || t->kind == TY_CHAR || t->kind == TY_ENUM ||
	       t->kind == TY_ERROR;
}

bool type_is_scalar(const struct type *t)
{
	return type_is_integer(t) || t->kind == TY_BOOL || t->kind == TY_POINTER;
}

bool type_is_percpu_map(const struct type *t)
{
	return t->kind == TY_MAP &&
	       (t->map_kind == MAP_PERCPU_HASH || t->map_kind == MAP_PERCPU_ARRAY ||
		t->map_kind == MAP_LRU_PERCPU_HASH);
}

bool type_is_array_map(const struct type *t)
{
	return t->kind == TY_MAP &&
	       (t->map_kind == MAP_ARRAY || t->map_kind == MAP_PERCPU_ARRAY);
}

static const char *const map_kind_names[] = {
	[MAP_HASH] = "hash",
	[MAP_ARRAY] = "array",
	[MAP_PERCPU_HASH] = "percpu_hash",
	[MAP_PERCPU_ARRAY] = "percpu_array",
	[MAP_LRU_HASH] = "lru_hash",
	[MAP_LRU_PERCPU_HASH] = "lru_percpu_hash",
};

const char *map_kind_name(enum map_kind kind)
{
	return map_kind_names[kind];
}

bool map_kind_by_name(const char *name, enum map_kind *kind)
{
	for (size_t i = 0; i < sizeof(map_kind_names) / sizeof(map_kind_names[0]); i++)
		if (!strcmp(map_kind_names[i], name)) {
			*kind = (enum map_kind)i;
			return true;
		}
	return false;
}

const char *type_name(struct arena *a, const struct type *t)
{
	if (t->alias)
		return t->alias;
	switch (t->kind) {
	case TY_ERROR: return "<error>";
	case TY_VOID: return "void";
	case TY_BOOL: return "bool";
	case TY_CHAR: return "char";
	case TY_NULL: return "null";
	case TY_PROGRAM: return "program";
	case TY_PERF: return "perf_attachment";
	case TY_INT: return arena_printf(a, "%c%u", t->is_signed ? 'i' : 'u', t->bits);
	case TY_STR: return arena_printf(a, "str(%llu)", (unsigned long long)t->len);
	case TY_ARRAY:
		return arena_printf(a, "%s[%llu]", type_name(a, t->elem),
				    (unsigned long long)t->len);
	case TY_POINTER: return arena_printf(a, "*%s", type_name(a, t->elem));
	case TY_STRUCT:
	case TY_ENUM: return t->name;
	case TY_RINGBUF:
		return arena_printf(a, "ringbuf<%s>(%llu)", type_name(a, t->elem),
				    (unsigned long long)t->max_entries);
	case TY_MAP:	/* a map parameter's type has no size */
		return arena_printf(a, t->max_entries ? "%s<%s, %s>(%llu)" : "%s<%s, %s>",
				    map_kind_name(t->map_kind), type_name(a, t->key),
				    type_name(a, t->value), (unsigned long long)t->max_entries);
	case TY_FUNCTION: {
		const char *text = "fn(";
		for (size_t i = 0; i < t->params.len; i++)
			text = arena_printf(a, "%s%s%s", text, i ? ", " : "",
					    type_name(a, t->params.items[i]));
		return arena_printf(a, "%s) -> %s", text, type_name(a, t->ret));
	}
	}
	return "?";
}

static uint64_t align_up(uint64_t n, uint64_t align)
{
	return align ? (n + align - 1) / align * align : n;
}

const struct type *type_kernel_struct(const struct type *t)
{
	if (!t)
		return NULL;
	if (t->kind == TY_ARRAY)
		return type_kernel_struct(t->elem);
	if (t->kind != TY_STRUCT)
		return NULL;
	if (t->kernel)
		return t;
	for (size_t i = 0; t->decl && i < t->decl->members.len; i++) {
		const struct member *m = t->decl->members.items[i];
		const struct type *k = type_kernel_struct(m->resolved);
		if (k)
			return k;
	}
	return NULL;
}

uint64_t type_align(const struct type *t)
{
	switch (t->kind) {
	case TY_ARRAY: return type_align(t->elem);
	case TY_STR: case TY_BOOL: case TY_CHAR: return 1;
	case TY_STRUCT: {
		uint64_t align = 1;
		if (!t->decl || t->kernel)
			return 8;
		for (size_t i = 0; i < t->decl->members.len; i++) {
			const struct member *m = t->decl->members.items[i];
			if (m->resolved && type_align(m->resolved) > align)
				align = type_align(m->resolved);
		}
		return align;
	}
	default: return type_size(t);
	}
}

uint64_t type_size(const struct type *t)
{
	switch (t->kind) {
	case TY_BOOL: case TY_CHAR: return 1;
	case TY_INT: return t->bits / 8;
	case TY_ENUM: return 4;
	case TY_POINTER: return 8;
	case TY_STR: return t->len;
	case TY_ARRAY: return t->len * type_size(t->elem);
	case TY_STRUCT: {
		if (!t->decl || t->kernel)
			return 0;
		uint64_t size = 0;
		for (size_t i = 0; i < t->decl->members.len; i++) {
			const struct member *m = t->decl->members.items[i];
			if (!m->resolved)
				return 0;
			size = align_up(size, type_align(m->resolved)) + type_size(m->resolved);
		}
		return align_up(size, type_align(t));
	}
	default: return 0;
	}
}

/* V as a value of T: its low bits, read back in T's signedness. */
ks_wide wide_convert(ks_wide v, const struct type *t)
{
	if (t->kind == TY_BOOL)
		return v != 0;
	unsigned bits = t->kind == TY_INT ? t->bits : t->kind == TY_CHAR ? 8 : 32;
	bool is_signed = t->kind == TY_INT ? t->is_signed : t->kind == TY_ENUM;
	ks_wide mod = (ks_wide)1 << bits;
	v %= mod;
	if (v < 0)
		v += mod;
	if (is_signed && v >= mod / 2)
		v -= mod;
	return v;
}
