/* The check stage, whole-program part: includes, global names, declared
 * types, function placement.  Expressions are in check_expr.c, statements
 * in check_stmt.c. */
#include "check_internal.h"

#include <string.h>

#include "kernel_types.h"
#include "parse.h"
#include "templates.h"

/* ---- global symbol table ------------------------------------------------ */

static size_t hash_name(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

struct symbol *global_lookup(struct checker *c, const char *name)
{
	if (!c->table_cap)
		return NULL;
	for (size_t i = hash_name(name) & (c->table_cap - 1);; i = (i + 1) & (c->table_cap - 1)) {
		if (!c->table[i])
			return NULL;
		if (!strcmp(c->table[i]->name, name))
			return c->table[i];
	}
}

static void table_insert(struct checker *c, struct symbol *sym)
{
	if ((c->table_len + 1) * 2 > c->table_cap) {
		size_t cap = c->table_cap ? c->table_cap * 2 : 256;
		struct symbol **old = c->table;
		size_t old_cap = c->table_cap;
		c->table = arena_alloc(A, cap * sizeof(*c->table));
		c->table_cap = cap;
		c->table_len = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				table_insert(c, old[i]);
	}
	size_t i = hash_name(sym->name) & (c->table_cap - 1);
	while (c->table[i])
		i = (i + 1) & (c->table_cap - 1);
	c->table[i] = sym;
	c->table_len++;
}

void declare_kernel_constant(struct checker *c, struct symbol *sym)
{
	table_insert(c, sym);
}

struct symbol *new_symbol(struct checker *c, enum symbol_kind kind, const char *name,
			  struct span span)
{
	struct symbol *sym = arena_alloc(A, sizeof(*sym));
	sym->kind = kind;
	sym->name = name;
	sym->span = span;
	sym->type = &type_error;
	return sym;
}

static bool from_prelude(struct span span)
{
	return span.src && !strcmp(span.src->name, PRELUDE_NAME);
}

/* Declares a global name; a second declaration of it is an error.  A
 * built-in declaration yields to the program's own. */
struct symbol *declare_global(struct checker *c, enum symbol_kind kind, const char *name,
			      struct span span, struct decl *decl)
{
	struct symbol *old = global_lookup(c, name);
	if (old && from_prelude(span))
		return NULL;
	if (old) {
		diag_error(c->diag, span, "'%s' is already declared", name);
		if (old->span.src)
			diag_note(c->diag, old->span, "'%s' was declared here", name);
		return NULL;
	}
	struct symbol *sym = new_symbol(c, kind, name, span);
	sym->decl = decl;
	if (decl)
		decl->sym = sym;
	table_insert(c, sym);
	return sym;
}

/* ---- local scopes --------------------------------------------------------- */

void push_scope(struct checker *c)
{
	struct scope *s = arena_alloc(A, sizeof(*s));
	s->up = c->scope;
	c->scope = s;
}

void pop_scope(struct checker *c)
{
	c->scope = c->scope->up;
}

void declare_local(struct checker *c, struct symbol *sym)
{
	struct vec *names = &c->scope->symbols;
	for (size_t i = 0; i < names->len; i++) {
		struct symbol *old = names->items[i];
		if (!strcmp(old->name, sym->name)) {
			diag_error(c->diag, sym->span, "'%s' is already declared in this scope",
				   sym->name);
			diag_note(c->diag, old->span, "'%s' was declared here", sym->name);
			return;
		}
	}
	vec_push(A, names, sym);
}

struct symbol *lookup(struct checker *c, const char *name)
{
	for (struct scope *s = c->scope; s; s = s->up)
		for (size_t i = s->symbols.len; i-- > 0;) {
			struct symbol *sym = s->symbols.items[i];
			if (!strcmp(sym->name, name))
				return sym;
		}
	return global_lookup(c, name);
}

/* The edit distance of A and B, or anything over CAP once it is sure to
 * be over it: no row's distance is smaller than the row before's least. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], least = i;
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
			if (best < least)
				least = best;
		}
		if (least > cap)
			return cap + 1;
	}
	return row[lb];
}

static void consider(const char *name, const char *candidate, const char **best,
		     size_t *best_distance)
{
	if (!strcmp(name, candidate))
		return;
	/* the distance is at least the difference in length: most
	 * candidates are too far without working it out */
	size_t name_len = strlen(name), candidate_len = strlen(candidate);
	size_t limit = (name_len + 2) / 3;
	if ((name_len > candidate_len ? name_len - candidate_len : candidate_len - name_len) > limit)
		return;
	size_t d = edit_distance(name, candidate,
				 limit < *best_distance ? limit : *best_distance - 1);
	if (d < *best_distance && d <= limit) {
		*best = candidate;
		*best_distance = d;
	}
}

const char *suggest_kind(struct checker *c, const char *name, unsigned kinds)
{
	const char *best = NULL;
	size_t best_distance = 99;
	for (struct scope *s = c->scope; s; s = s->up)
		for (size_t i = 0; i < s->symbols.len; i++) {
			const struct symbol *sym = s->symbols.items[i];
			if (kinds & (1u << sym->kind))
				consider(name, sym->name, &best, &best_distance);
		}
	for (size_t i = 0; i < c->table_cap; i++)
		if (c->table[i] && (kinds & (1u << c->table[i]->kind)))
			consider(name, c->table[i]->name, &best, &best_distance);
	return best ? arena_printf(A, "; did you mean '%s'?", best) : "";
}

const char *closest_name(struct checker *c, const char *name, const struct vec *names)
{
	const char *best = NULL;
	size_t best_distance = 99;
	for (size_t i = 0; i < names->len; i++)
		consider(name, names->items[i], &best, &best_distance);
	return best ? arena_printf(A, "; did you mean '%s'?", best) : "";
}

const char *suggest(struct checker *c, const char *name)
{
	return suggest_kind(c, name, ~(SYMBOLS_OF_TYPES));
}

/* ---- builtins -------------------------------------------------------------- */

static const struct {
	const char *name;
	enum builtin builtin;
	const struct type *ret;
} builtins[] = {
	/* BPF helpers listed here take no arguments. */
	{ "print", BUILTIN_PRINT, &type_i32 },
	{ "load", BUILTIN_LOAD, &type_program },
	{ "attach", BUILTIN_ATTACH, &type_i32 },
	{ "detach", BUILTIN_DETACH, &type_void },
	{ "sleep", BUILTIN_SLEEP, &type_void },
	{ "read", BUILTIN_READ, &type_i64 },
	{ "exec", BUILTIN_EXEC, &type_void },
	{ "test", BUILTIN_TEST, &type_u32 },
	{ "daemon", BUILTIN_DAEMON, &type_void },
	{ "dispatch", BUILTIN_DISPATCH, &type_i32 },
	{ "register", BUILTIN_REGISTER, &type_i32 },
	/* BPF helpers a program may call by name */
	{ "bpf_ktime_get_ns", BUILTIN_BPF_HELPER, &type_u64 },
	{ "bpf_ktime_get_boot_ns", BUILTIN_BPF_HELPER, &type_u64 },
	{ "bpf_get_current_pid_tgid", BUILTIN_BPF_HELPER, &type_u64 },
	{ "bpf_get_current_uid_gid", BUILTIN_BPF_HELPER, &type_u64 },
	{ "bpf_get_smp_processor_id", BUILTIN_BPF_HELPER, &type_u32 },
	{ "bpf_get_prandom_u32", BUILTIN_BPF_HELPER, &type_u32 },
};

/* Builtins take the names the program left free: a program may declare
 * its own print, or an extern for a BPF helper. */
static void declare_builtins(struct checker *c)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (global_lookup(c, builtins[i].name))
			continue;
		struct symbol *sym = new_symbol(c, SYM_BUILTIN, builtins[i].name, (struct span){ 0 });
		sym->builtin = builtins[i].builtin;
		sym->type = builtins[i].ret;
		table_insert(c, sym);
	}
	/* What programs return, as the kernel's macros, which no BTF has. */
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++)
		for (const struct prog_constant *m = k->constants; m && m->name; m++) {
			if (global_lookup(c, m->name))
				continue;
			struct symbol *sym = new_symbol(c, SYM_CONST, m->name, (struct span){ 0 });
			sym->type = type_primitive(k->constants_type);
			sym->has_value = true;
			sym->value = m->value;
			sym->builtin = BUILTIN_CONSTANT;
			table_insert(c, sym);
		}
}

/* ---- includes -------------------------------------------------------------- */

static const char *dir_of(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? arena_strndup(a, path, (size_t)(slash - path + 1)) : "";
}

/* Appends PROGRAM's declarations to the flat list, replacing each include
 * by the declarations of the file it names (each file once). */
static void flatten(struct checker *c, struct program *program, struct vec *seen, int depth)
{
	for (size_t i = 0; i < program->decls.len; i++) {
		struct decl *d = program->decls.items[i];
		if (d->kind != DECL_INCLUDE) {
			vec_push(A, &c->cp->decls, d);
			continue;
		}
		const char *path = d->path[0] == '/' ? d->path
				   : arena_printf(A, "%s%s", dir_of(A, program->src->name), d->path);
		bool done = false;
		for (size_t j = 0; j < seen->len && !done; j++)
			done = !strcmp(seen->items[j], path);
		if (done)
			continue;
		if (depth > 32) {
			diag_error(c->diag, d->span, "includes nested too deeply");
			continue;
		}
		vec_push(A, seen, (void *)path);
		const char *why;
		struct source *src = source_load(A, path, &why);
		if (!src) {
			diag_error(c->diag, d->span, "cannot read '%s': %s", path, why);
			continue;
		}
		flatten(c, parse_source(A, c->diag, src), seen, depth + 1);
	}
}

/* ---- declarations ------------------------------------------------------------ */

static bool in_header(const struct decl *d)
{
	size_t n = strlen(d->span.src->name);
	return n > 3 && !strcmp(d->span.src->name + n - 3, ".kh");
}

/* A struct or enum a .kh header declares is the kernel's when the kernel
 * has it (without BTF, whenever a header declares it).  One the program
 * itself declares is its own, even under a kernel name (the plan then
 * gives it another name in C, so that vmlinux.h and it can both be
 * there). */
static bool is_kernel_type(struct checker *c, bool kernel_has_it, const struct decl *d)
{
	return in_header(d) && (kernel_has_it || !c->btf);
}

/* First pass: every global name, so declarations may refer to each other
 * in any order. */
static void declare(struct checker *c, struct decl *d)
{
	struct symbol *sym;
	switch (d->kind) {
	case DECL_FN:
		sym = declare_global(c, SYM_FUNCTION, d->name, d->name_span, d);
		if (sym) {
			sym->fn = arena_alloc(A, sizeof(*sym->fn));
			sym->fn->decl = d;
			vec_push(A, &c->cp->functions, sym->fn);
		}
		break;
	case DECL_EXTERN:
		declare_global(c, SYM_EXTERN, d->name, d->name_span, d);
		break;
	case DECL_STRUCT: {
		sym = declare_global(c, SYM_STRUCT, d->name, d->name_span, d);
		if (!sym)
			break;
		struct type *t = type_new(A, TY_STRUCT);
		t->name = d->name;
		t->decl = d;
		t->kernel = is_kernel_type(c, c->btf && kernel_btf_has_struct(c->btf, d->name), d);
		t->c_typedef = t->kernel && kernel_btf_typedef_struct(c->btf, d->name);
		sym->type = t;
		vec_push(A, &c->cp->types, sym);
		break;
	}
	case DECL_ENUM: {
		sym = declare_global(c, SYM_ENUM, d->name, d->name_span, d);
		if (!sym)
			break;
		struct type *t = type_new(A, TY_ENUM);
		t->name = d->name;
		t->decl = d;
		t->kernel = is_kernel_type(c, c->btf && kernel_btf_has_enum(c->btf, d->name), d);
		sym->type = t;
		vec_push(A, &c->cp->types, sym);
		for (size_t i = 0; i < d->members.len; i++) {
			struct member *m = d->members.items[i];
			struct symbol *k = declare_global(c, SYM_ENUM_CONST, m->name, m->span, NULL);
			if (k) {
				k->type = t;
				k->decl = d;
				k->has_value = true;
				m->sym = k;
			}
		}
		break;
	}
	case DECL_TYPE:
		sym = declare_global(c, SYM_TYPE_ALIAS, d->name, d->name_span, d);
		if (sym)
			vec_push(A, &c->cp->types, sym);
		break;
	case DECL_CONFIG: {
		sym = declare_global(c, SYM_CONFIG, d->name, d->name_span, d);
		if (!sym)
			break;
		struct type *t = type_new(A, TY_STRUCT);
		t->name = d->name;
		t->decl = d;
		sym->type = t;
		vec_push(A, &c->cp->configs, sym);
		break;
	}
	case DECL_MAP:
		sym = declare_global(c, SYM_MAP, d->name, d->name_span, d);
		if (sym) {
			sym->pinned = d->pinned;
			vec_push(A, &c->cp->maps, sym);
			c->cp->has_programs = true;	/* maps live in an eBPF object */
		}
		break;
	case DECL_VAR:
		sym = declare_global(c, SYM_GLOBAL, d->name, d->name_span, d);
		if (sym) {
			sym->pinned = d->pinned;
			sym->local = d->local;
			vec_push(A, &c->cp->globals, sym);
			if (d->pinned)	/* kept in a map of the eBPF object */
				c->cp->has_programs = true;
		}
		break;
	case DECL_CONST:
		sym = declare_global(c, SYM_CONST, d->name, d->name_span, d);
		if (sym)
			vec_push(A, &c->cp->consts, sym);
		break;
	case DECL_IMPL:
		declare_impl(c, d);
		break;
	case DECL_IMPORT:
		sym = declare_global(c, SYM_IMPORT, d->name, d->name_span, d);
		if (sym)
			load_import(c, sym);
		break;
	case DECL_INCLUDE:
	case DECL_FIELD:
		break;
	}
}

static const struct type *map_type(struct checker *c, const struct decl *d)
{
	const struct ast_type *t = d->var.type;
	enum map_kind kind;
	if (!strcmp(t->name, "ringbuf"))
		return ringbuf_type(c, d);
	if (!map_kind_by_name(t->name, &kind)) {
		diag_error(c->diag, t->span, "unknown map type '%s'", t->name);
		return &type_error;
	}
	if (t->args.len != 2) {
		diag_error(c->diag, t->span, "a %s map takes a key and a value type", t->name);
		return &type_error;
	}
	struct type *m = type_new(A, TY_MAP);
	m->map_kind = kind;
	m->key = resolve_type(c, t->args.items[0]);
	m->value = resolve_type(c, t->args.items[1]);
	const struct ast_type *vt = t->args.items[1];
	if (m->value->kind == TY_POINTER)
		diag_error(c->diag, vt->span, "a map cannot keep pointers: the kernel keeps objects "
			   "in maps as kptrs, which need BTF type tags that clang 14 does not "
			   "write; keep the object's values in the map instead (%s<K, %s>)",
			   t->name, type_name(A, m->value->elem));
	else if (m->value->kind == TY_ARRAY && m->value->elem->kind == TY_ARRAY)
		diag_error(c->diag, vt->span, "a map value cannot be an array of arrays: put the "
			   "array in a struct (struct Rows { rows: %s })", type_name(A, m->value));
	int64_t n = 0;
	if (t->sizes.len != 1 || !const_value(c, t->sizes.items[0], &n) || n <= 0)
		diag_error(c->diag, t->span, "a map needs one positive size: %s<K, V>(N)", t->name);
	m->max_entries = (uint64_t)n;
	return m;
}

static void check_map_flags(struct checker *c, struct decl *d)
{
	for (size_t i = 0; i < d->attrs.len; i++) {
		const struct attr *a = d->attrs.items[i];
		if (strcmp(a->name, "flags"))
			diag_error(c->diag, a->span, "'@%s' does not apply to a map", a->name);
	}
}

/* Whether X is a value C takes as a global's initializer: a constant, a
 * literal, an array or struct literal of such, or a join of string
 * literals (written as one). */
static bool constant_initializer(const struct expr *x)
{
	switch (x->kind) {
	case EXPR_STRING: case EXPR_BOOL: case EXPR_CHAR: case EXPR_NULL:
		return true;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < x->array.elems.len; i++)
			if (!constant_initializer(x->array.elems.items[i]))
				return false;
		return true;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < x->struct_lit.fields.len; i++)
			if (!constant_initializer(((struct field_init *)x->struct_lit.fields.items[i])->value))
				return false;
		return true;
	case EXPR_BINARY:
		if (expr_is_join(x))
			return constant_initializer(x->binary.lhs) && constant_initializer(x->binary.rhs);
		return x->constant;
	default:
		return x->constant;
	}
}

/* Whether E is all zero bits, so that clang puts its variable in .bss
 * (and the skeleton in skel->bss) rather than .data. */
static bool is_zero_init(const struct expr *e)
{
	if (!e)
		return true;
	switch (e->kind) {
	case EXPR_INT: case EXPR_CHAR: return e->integer.value == 0;
	case EXPR_BOOL: return !e->boolean;
	case EXPR_NULL: return true;
	case EXPR_STRING: return e->string.len == 0;
	case EXPR_ARRAY_LIT:
		for (size_t i = 0; i < e->array.elems.len; i++)
			if (!is_zero_init(e->array.elems.items[i]))
				return false;
		return true;
	case EXPR_STRUCT_LIT:
		for (size_t i = 0; i < e->struct_lit.fields.len; i++)
			if (!is_zero_init(((struct field_init *)e->struct_lit.fields.items[i])->value))
				return false;
		return true;
	default: return false;
	}
}

static void resolve_enum(struct checker *c, struct decl *d)
{
	int64_t next = 0;
	for (size_t i = 0; i < d->members.len; i++) {
		struct member *m = d->members.items[i];
		if (m->value && !const_value(c, m->value, &next))
			diag_error(c->diag, m->value->span, "an enum value must be a constant integer");
		m->enum_value = next;
		struct symbol *k = global_lookup(c, m->name);
		if (k && k->kind == SYM_ENUM_CONST && k->decl == d)
			k->value = next;
		next++;
	}
}

static void resolve_members(struct checker *c, struct decl *d)
{
	for (size_t i = 0; i < d->members.len; i++) {
		struct member *m = d->members.items[i];
		m->resolved = resolve_type(c, m->type);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(((struct member *)d->members.items[j])->name, m->name))
				diag_error(c->diag, m->span, "duplicate member '%s'", m->name);
		if (m->value) {
			const struct type *t = check_expr(c, m->value);
			if (!assignable(m->resolved, t, m->value) &&
			    !report_literal_misfit(c, m->resolved, m->value))
				diag_error(c->diag, m->value->span, "'%s' is %s but its default is %s",
					   m->name, type_name(A, m->resolved), type_name(A, t));
		}
	}
}

/* The attributes that place a function elsewhere than the program kinds
 * (prog_kinds.h) do. */
struct placement {
	const char *attr;
	enum fn_side side;
};

static const struct placement *placement_of(const char *attr)
{
	static const struct placement placements[] = {
		{ "helper", SIDE_HELPER },
		{ "kfunc", SIDE_KFUNC },
		{ "private", SIDE_PRIVATE },
		{ "test", SIDE_TEST },
	};
	for (size_t i = 0; i < sizeof(placements) / sizeof(placements[0]); i++)
		if (!strcmp(placements[i].attr, attr))
			return &placements[i];
	return NULL;
}

/* Whether TARGET, what the attribute of kind K names, is one it can name;
 * a probe's function is looked for with its parameters. */
static bool target_valid(const struct prog_kind_info *k, const char *target)
{
	switch (k->target) {
	case PROG_TARGET_DIRECTION:
		for (const char *const *d = k->directions; target && *d; d++)
			if (!strcmp(target, *d))
				return true;
		return false;
	case PROG_TARGET_EVENT:
		return target && strchr(target, '/');
	default:
		return true;
	}
}

/* @KIND on TARGET: where the program attaches by itself.  An event or a
 * function is also what the attribute names, when it names none. */
static void place_on(struct checker *c, struct function_info *fn,
		     const struct prog_kind_info *k, const struct attr *a)
{
	if (!k || !k->attach || k->attach_perf) {
		diag_error(c->diag, a->on_span, "'@%s' attaches to no target by itself%s", a->name,
			   k && k->attach_perf ? ": a perf_event program is attached with perf "
			   "options, from main" : "");
		return;
	}
	fn->on = a->on;
	fn->on_span = a->on_span;
	if (prog_kind_on_interface(k)) {
		if (strchr(a->on, '/') || strlen(a->on) >= 16)	/* IFNAMSIZ */
			diag_error(c->diag, a->on_span, "'%s' is not a network interface's name: "
				   "@%s attaches to one, as in @%s on eth0", a->on, a->name, a->name);
		return;
	}
	switch (k->target) {
	case PROG_TARGET_EVENT: case PROG_TARGET_FUNCTION:
		if (!fn->target)
			fn->target = a->on;
		else if (strcmp(fn->target, a->on))
			diag_error(c->diag, a->on_span, "'@%s' names '%s' and attaches on '%s': "
				   "say it once, as in @%s on %s", a->name, fn->target, a->on,
				   a->name, fn->target);
		return;
	default:
		return;
	}
}

/* The placement of a function, from its attributes. */
static void place_function(struct checker *c, struct function_info *fn)
{
	struct decl *d = fn->decl;
	fn->side = SIDE_USERSPACE;
	const struct prog_kind_info *kind = NULL;
	for (size_t i = 0; i < d->attrs.len; i++) {
		const struct attr *a = d->attrs.items[i];
		const struct prog_kind_info *k = prog_kind_by_attr(a->name);
		if (k && k->on_impl)
			k = NULL;	/* @struct_ops marks an impl, not a function */
		const struct placement *other = k ? NULL : placement_of(a->name);
		if (!k && !other) {
			diag_error(c->diag, a->span, "unknown attribute '@%s' on a function", a->name);
			continue;
		}
		kind = k;
		if (k && k->kind == PROG_PROBE)
			fn->probe_form = !strcmp(a->name, "kprobe") ? PROBE_KPROBE
					 : !strcmp(a->name, "fentry") ? PROBE_FENTRY : PROBE_EITHER;
		fn->side = k ? SIDE_PROGRAM : other->side;
		fn->prog = k ? k->kind : PROG_NONE;
		bool takes_string = k && k->target != PROG_TARGET_NONE;
		if (takes_string && a->args.len == 1 &&
		    ((struct expr *)a->args.items[0])->kind == EXPR_STRING) {
			fn->target = ((struct expr *)a->args.items[0])->string.bytes;
		} else if (a->has_args && a->args.len != 0) {
			diag_error(c->diag, a->span, takes_string ? "'@%s' takes one string"
				   : "'@%s' takes no arguments", a->name);
			return;
		}
		if (a->on)
			place_on(c, fn, k, a);
	}
	if (kind && !target_valid(kind, fn->target))
		diag_error(c->diag, d->span, "%s", kind->target_usage);
	if (fn->side != SIDE_USERSPACE)
		c->cp->has_programs = true;
	if (fn->side == SIDE_USERSPACE && !strcmp(d->name, "main"))
		c->cp->main_fn = fn;
}

void resolve_signature(struct checker *c, struct function_info *fn)
{
	struct decl *d = fn->decl;
	struct type *t = type_new(A, TY_FUNCTION);
	for (size_t i = 0; i < d->fn.params.len; i++) {
		struct param *p = d->fn.params.items[i];
		vec_push(A, &t->params, (void *)resolve_type(c, p->type));
	}
	t->ret = d->fn.ret ? resolve_type(c, d->fn.ret) : &type_void;
	fn->type = t;
	d->sym->type = t;
}

static void resolve_decl(struct checker *c, struct decl *d)
{
	c->in_prelude = from_prelude(d->span);
	struct symbol *sym = d->sym;
	if (!sym && d->kind != DECL_ENUM)
		return;
	switch (d->kind) {
	case DECL_STRUCT:
		resolve_members(c, d);
		break;
	case DECL_CONFIG:
		resolve_members(c, d);
		sym->in_bss = true;
		for (size_t i = 0; i < d->members.len; i++)
			if (!is_zero_init(((struct member *)d->members.items[i])->value))
				sym->in_bss = false;
		break;
	case DECL_ENUM:
		resolve_enum(c, d);
		break;
	case DECL_TYPE:
		sym->type = type_with_alias(A, resolve_type(c, d->var.type), d->name);
		break;
	case DECL_MAP:
		sym->type = map_type(c, d);
		check_map_flags(c, d);
		break;
	case DECL_VAR:
	case DECL_CONST: {
		const struct type *init = d->var.init ? check_expr(c, d->var.init) : NULL;
		sym->type = d->var.type ? resolve_type(c, d->var.type) : init;
		if (init && d->var.type && cut_string_literal(c, d->name, sym->type, d->var.init))
			;	/* warned */
		else if (init && !assignable(sym->type, init, d->var.init))
			report_not_assignable(c, d->name, sym->type, init, d->var.init);
		else if (init)
			check_conversion(c, sym->type, d->var.init);
		sym->in_bss = is_zero_init(d->var.init);
		if (d->kind == DECL_VAR && init && init->kind != TY_ERROR &&
		    !constant_initializer(d->var.init))
			diag_error(c->diag, d->var.init->span, "a global's initial value is a constant: "
				   "literals and consts, and what is made of them; set '%s' from "
				   "main instead", d->name);
		if (d->kind == DECL_CONST && sym->type && !type_is_integer(sym->type))
			report_const_type(c, d->var.type ? d->var.type->span : d->var.init->span,
					  d->name, sym->type);
		else if (d->kind == DECL_CONST &&
			 (sym->has_value = const_value(c, d->var.init, &sym->value)) == false)
			diag_error(c->diag, d->var.init->span, "a const needs a constant value");
		if (d->kind == DECL_CONST && d->var.init && d->var.init->constant) {
			sym->const_init = d->var.init;
			sym->untyped = !d->var.type && d->var.init->untyped;
			if (type_is_integer(sym->type) || sym->type->kind == TY_BOOL)
				sym->value = (int64_t)wide_convert(d->var.init->value, sym->type);
		}
		if (d->pinned && d->local)
			diag_error(c->diag, d->span, "a local variable cannot be pinned");
		for (size_t i = 0; i < d->attrs.len; i++)
			diag_error(c->diag, ((struct attr *)d->attrs.items[i])->span,
				   "a variable takes no attributes");
		break;
	}
	case DECL_FN:
		place_function(c, sym->fn);
		resolve_signature(c, sym->fn);
		check_program_signature(c, sym->fn);
		check_test_function(c, sym->fn);
		if (sym->fn->side == SIDE_KFUNC)
			check_kfunc_signature(c, sym->fn);
		break;
	case DECL_EXTERN: {
		struct type *t = type_new(A, TY_FUNCTION);
		for (size_t i = 0; i < d->fn.params.len; i++)
			vec_push(A, &t->params,
				 (void *)resolve_type(c, ((struct param *)d->fn.params.items[i])->type));
		t->ret = d->fn.ret ? resolve_type(c, d->fn.ret) : &type_void;
		sym->type = t;
		check_extern(c, d);
		break;
	}
	case DECL_IMPL:
		resolve_impl(c, d);
		break;
	default:
		break;
	}
}

/* main, as the reference has it: the userspace entry, fn main() -> i32
 * or fn main(args: S) -> i32 with S a struct (its options); a file with
 * userspace functions has one, unless it is an imported module. */
/* main's struct: each member is a command-line option, --NAME=VALUE, of
 * a type the command line can give. */
static void check_options(struct checker *c, const struct type *args)
{
	if (!args->decl || args->kernel)
		return;
	for (size_t i = 0; i < args->decl->members.len; i++) {
		const struct member *m = args->decl->members.items[i];
		const struct type *t = m->resolved;
		if (!t || t->kind == TY_ERROR)
			continue;
		if (!strcmp(m->name, "help") || !strcmp(m->name, "verbose")) {
			diag_error(c->diag, m->span, "an option cannot be called '--%s': every "
				   "generated program has a --%s of its own", m->name, m->name);
			continue;
		}
		if (c->cp->has_programs && (!strcmp(m->name, "upgrade") || !strcmp(m->name, "status") ||
		    !strcmp(m->name, "rollback")))
			diag_warning(c->diag, m->span, "'--%s' is this program's own option: the "
				     "generated --%s, of the running version (hot upgrade), gives way "
				     "to it", m->name, m->name);
		bool list = t->kind == TY_ARRAY && type_is_integer(t->elem) &&
			    t->elem->kind != TY_CHAR && t->len;
		if (t->kind != TY_BOOL && t->kind != TY_STR && !type_is_integer(t) && !list)
			diag_error(c->diag, m->span, "'%s' is %s: a command-line option is a bool "
				   "(a flag), a number, a str(N) or an array of numbers (--%s=1,2,3)",
				   m->name, type_name(A, t), m->name);
	}
}

static void check_main(struct checker *c)
{
	const struct function_info *first_user = NULL;
	for (size_t i = 0; i < c->cp->functions.len; i++) {
		const struct function_info *fn = c->cp->functions.items[i];
		const struct decl *d = fn->decl;
		if (strcmp(d->name, "main") != 0) {
			if (fn->side == SIDE_USERSPACE && !first_user && !from_prelude(d->span))
				first_user = fn;
			continue;
		}
		if (fn->side != SIDE_USERSPACE) {
			if (fn->side != SIDE_TEST)	/* said already */
				diag_error(c->diag, d->name_span, "'main' is the userspace "
					   "program's entry: give this function another name");
			continue;
		}
		if (!fn->type)
			continue;
		const struct vec *params = &fn->type->params;
		const struct type *p = params->len ? params->items[0] : NULL;
		if (params->len > 1 || (p && p->kind != TY_STRUCT && p->kind != TY_ERROR))
			diag_error(c->diag, params->len > 1
				   ? ((struct param *)d->fn.params.items[1])->span
				   : ((struct param *)d->fn.params.items[0])->span,
				   "main takes nothing, or one struct whose members are its "
				   "command-line options: fn main(args: Options) -> i32");
		else if (p && p->kind == TY_STRUCT)
			check_options(c, p);
		const struct type *ret = fn->type->ret;
		if (ret->kind != TY_ERROR && !types_equal(ret, &type_i32))
			diag_error(c->diag, d->fn.ret ? d->fn.ret->span : d->name_span,
				   "main returns i32, the program's exit status, not %s",
				   type_name(A, ret));
	}
	/* no main, and programs that say where they attach: the generated
	   main loads and attaches them, and prints the maps at the end (a
	   test runner's main runs the tests instead) */
	for (size_t i = 0; !c->cp->main_fn && !c->cp->test_runner && i < c->cp->functions.len; i++) {
		const struct function_info *fn = c->cp->functions.items[i];
		if (fn->side == SIDE_PROGRAM && fn->on) {
			c->cp->direct_attach = true;
			c->cp->attaches_to_targets = true;
			c->cp->builtins_used |= 1u << BUILTIN_LOAD;
		}
	}
	for (size_t i = 0; c->cp->direct_attach && i < c->cp->functions.len; i++) {
		const struct function_info *fn = c->cp->functions.items[i];
		if (fn->side == SIDE_PROGRAM && !fn->on && !fn->impl)
			diag_warning(c->diag, fn->decl->name_span, "'%s' says nowhere to attach, and "
				     "there is no main to attach it: it is loaded, not attached (@%s on "
				     "... attaches it)", fn->decl->name, prog_kind_name(fn->prog));
	}
	/* like a linker's missing main: said once the rest is right (the
	   @test functions, which the test runner calls, may call them too) */
	bool tests = false;
	for (size_t i = 0; i < c->cp->functions.len && !tests; i++)
		tests = ((const struct function_info *)c->cp->functions.items[i])->side == SIDE_TEST;
	if (!c->cp->main_fn && first_user && !tests && !c->importers && !diag_error_count(c->diag))
		diag_error(c->diag, first_user->decl->name_span, "'%s' runs in userspace, and a "
			   "file with userspace functions needs a main to call them: "
			   "fn main() -> i32", first_user->decl->name);
}

bool side_is_bpf(enum fn_side side)
{
	return side == SIDE_PROGRAM || side == SIDE_HELPER;
}

static const char *program_name(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? arena_strndup(a, base, (size_t)(dot - base)) : base;
}

struct checked_program *check_program(struct arena *a, struct diag *d,
				      struct program *main,
				      const struct check_options *opts)
{
	struct checker checker = { .arena = a, .diag = d, .btf = opts->btf,
				   .importers = opts->importers };
	struct checker *c = &checker;
	c->cp = arena_alloc(a, sizeof(*c->cp));
	c->cp->main = main;
	c->cp->name = program_name(a, main->src->name);
	c->cp->btf = opts->btf;
	c->cp->test_runner = opts->test_runner;

	struct vec seen = { 0 };
	vec_push(a, &seen, (void *)main->src->name);
	flatten(c, main, &seen, 0);
	for (size_t i = 1; i < seen.len; i++)
		vec_push(a, &c->cp->inputs, vec_at(seen, i));
	/* The built-in declarations come last, so the program's names win. */
	const char *prelude = template_text(a, "prelude/perf.kh");
	if (prelude)
		flatten(c, parse_source(a, d, source_from_memory(a, PRELUDE_NAME, prelude,
								  strlen(prelude))),
			&seen, 0);

	for (size_t i = 0; i < c->cp->decls.len; i++)
		declare(c, c->cp->decls.items[i]);
	declare_builtins(c);
	/* Types first, so that values and signatures can use them. */
	for (size_t i = 0; i < c->cp->decls.len; i++) {
		struct decl *decl = c->cp->decls.items[i];
		if (decl->kind == DECL_STRUCT || decl->kind == DECL_ENUM || decl->kind == DECL_TYPE)
			resolve_decl(c, decl);
	}
	for (size_t i = 0; i < c->cp->decls.len; i++) {
		struct decl *decl = c->cp->decls.items[i];
		if (decl->kind != DECL_STRUCT && decl->kind != DECL_ENUM && decl->kind != DECL_TYPE)
			resolve_decl(c, decl);
	}
	for (size_t i = 0; i < c->cp->functions.len; i++)
		check_function(c, c->cp->functions.items[i]);
	check_stack_limits(c);
	check_ringbuf_handlers(c);
	check_throws(c);
	check_tail_call_depth(c);
	check_kfunc_callers(c);
	check_main(c);
	return c->cp;
}
