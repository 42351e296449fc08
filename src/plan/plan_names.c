/* The plan stage: C names.  A namespace is a set of names taken, chained
 * to the namespace it sits in (a block in a function, a function in a
 * file).  A name is free when no namespace of the chain has it.  The
 * reserved names (C's keywords, what the included headers declare, the
 * runtime header's ks_ names, vmlinux.h's) are taken in the file's
 * namespace before anything else. */
#include "plan_internal.h"

#include <string.h>

#include "btf.h"

struct names {
	struct arena *arena;
	const struct names *outer;
	const char **slots;	/* open addressing, power-of-two size */
	size_t cap, len;
	/* a second set asked about too: names the outer scope hands down
	 * without copying (kernel names, looked up in BTF) */
	const struct kernel_btf *btf;
	bool btf_types;		/* ... its typedefs and enumerators */
	bool btf_tags;		/* ... its struct, union and enum names */
	bool python;		/* Python.h's names: Py..., _Py..., PY... */
	const struct word_list *lists[4];	/* reserved: taken without copying */
	size_t nlists;
};

static size_t hash(const char *s)
{
	size_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

struct names *names_new(struct arena *a, const struct names *outer)
{
	struct names *n = arena_alloc(a, sizeof(*n));
	n->arena = a;
	n->outer = outer;
	return n;
}

/* Whether NAME starts like Python.h's names: Py, _Py, PY. */
static bool python_name(const char *name)
{
	return !strncmp(name, "Py", 2) || !strncmp(name, "_Py", 3) || !strncmp(name, "PY", 2);
}

bool word_list_may_have(const struct word_list *list, const char *name)
{
	uint32_t h = 5381, g = 0, mask = list->filter_bits - 1;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h = h * 33 + *p;
		g = g * 131 + *p;
	}
	h &= mask;
	g &= mask;
	return (list->filter[h / 32] >> (h % 32) & 1) && (list->filter[g / 32] >> (g % 32) & 1);
}

bool word_list_has(const struct word_list *list, const char *name)
{
	if (!word_list_may_have(list, name))
		return false;
	size_t lo = 0, hi = list->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, list->text + list->at[mid]);
		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool has_own(const struct names *n, const char *name)
{
	for (size_t i = 0; i < n->nlists; i++)
		if (word_list_has(n->lists[i], name))
			return true;
	if (n->cap) {
		for (size_t i = hash(name) & (n->cap - 1); n->slots[i]; i = (i + 1) & (n->cap - 1))
			if (!strcmp(n->slots[i], name))
				return true;
	}
	if (n->btf_types && (kernel_btf_is_typedef(n->btf, name) ||
			     kernel_btf_is_enumerator(n->btf, name)))
		return true;
	if (n->btf_tags && (kernel_btf_is_struct(n->btf, name) || kernel_btf_is_union(n->btf, name) ||
			    kernel_btf_is_enum(n->btf, name)))
		return true;
	return n->python && python_name(name);
}

const struct names *names_outer(const struct names *n)
{
	return n->outer;
}

bool names_taken(const struct names *n, const char *name)
{
	for (; n; n = n->outer)
		if (has_own(n, name))
			return true;
	return false;
}

void names_take(struct names *n, const char *name)
{
	if (has_own(n, name))
		return;
	if (2 * (n->len + 1) > n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 64;
		const char **slots = arena_alloc(n->arena, cap * sizeof(*slots));
		for (size_t i = 0; i < n->cap; i++) {
			if (!n->slots[i])
				continue;
			size_t j = hash(n->slots[i]) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = n->slots[i];
		}
		n->slots = slots;
		n->cap = cap;
	}
	size_t i = hash(name) & (n->cap - 1);
	while (n->slots[i])
		i = (i + 1) & (n->cap - 1);
	n->slots[i] = name;
	n->len++;
}

void names_take_python(struct names *n)
{
	n->python = true;
}

void names_take_btf(struct names *n, const struct kernel_btf *btf, bool types, bool tags)
{
	n->btf = btf;
	n->btf_types = btf && types;
	n->btf_tags = btf && tags;
}

/* A C keyword or a name a header takes gets a '_': "default_", and then
 * a number when that is taken too: "count_2". */
/* Whether NAME starts like Python.h's names in a namespace of N's chain
 * that has them: no suffix makes it free, a prefix does. */
bool names_python_prefixed(const struct names *n, const char *name)
{
	for (; n; n = n->outer)
		if (n->python)
			return python_name(name);
	return false;
}

static bool taken_in_any(struct names **sets, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (names_taken(sets[i], name))
			return true;
	return false;
}

const char *names_claim_all(struct names **sets, size_t count, const char *want)
{
	struct arena *a = sets[0]->arena;
	for (size_t i = 0; i < count; i++)
		if (names_python_prefixed(sets[i], want)) {
			want = arena_printf(a, "user_%s", want);
			break;
		}
	const char *name = want;
	for (unsigned i = 1; taken_in_any(sets, count, name); i++)
		name = i == 1 ? arena_printf(a, "%s_", want) : arena_printf(a, "%s_%u", want, i);
	for (size_t i = 0; i < count; i++)
		names_take(sets[i], name);
	return name;
}

const char *names_claim_in(struct names *n, struct names *also, const char *want)
{
	struct names *sets[] = { n, also };
	return names_claim_all(sets, also ? 2 : 1, want);
}

const char *names_claim(struct names *n, const char *want)
{
	return names_claim_in(n, NULL, want);
}

/* ---- what is reserved ----------------------------------------------------- */

/* C's keywords, and the macros of <stdbool.h>. */
static const char *const c_keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
	"else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
	"register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
	"switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
	"true", "false", "_Bool", "asm", "typeof", NULL,
};

bool c_is_keyword(const char *name)
{
	for (const char *const *k = c_keywords; *k; k++)
		if (!strcmp(*k, name))
			return true;
	return false;
}

/* Every word of WORDS, a NULL-terminated array. */
static void take_words(struct names *n, const char *const *words)
{
	for (const char *const *w = words; *w; w++)
		names_take(n, *w);
}

/* Every name of LIST, a reserved list: searched, not copied. */
static void take_list(struct names *n, const struct word_list *list)
{
	if (n->nlists < sizeof(n->lists) / sizeof(n->lists[0]))
		n->lists[n->nlists++] = list;
	else
		for (size_t i = 0; i < list->count; i++)
			names_take(n, list->text + list->at[i]);
}

/* What libbpf's eBPF headers declare inside their macros' expansions
 * (BPF_KSYSCALL's extern), which no list of declarations shows. */
static const char *const bpf_macro_names[] = {
	"LINUX_HAS_SYSCALL_WRAPPER", "LINUX_KERNEL_VERSION", "____fmt", NULL,
};

/* What the generated code in a kernel-module function may call, and
 * what the module's registration names. */
static const char *const module_calls[] = {
	"printk", "kzalloc", "kfree", "memcpy", "memset", "memcmp", "strcmp", "strncmp",
	"strlen", "strscpy", "THIS_MODULE", "register_btf_kfunc_id_set", NULL,
};

/* What the generated code in a userspace function may call besides the
 * program's own functions and the runtime's. */
static const char *const user_calls[] = {
	"printf", "fprintf", "snprintf", "stderr", "stdout", "memcpy", "memset", "memcmp",
	"calloc", "free", "exit", "strcmp", "strncmp", "strlen", "strcpy", "strerror", NULL,
};

void names_take_reserved(struct names *n, enum reserved set)
{
	switch (set) {
	case RESERVED_BPF:
		take_words(n, c_keywords);
		take_list(n, &reserved_bpf_names);
		take_list(n, &reserved_builtins_names);
		take_words(n, bpf_macro_names);
		names_take(n, "LICENSE");	/* the license string every object has */
		break;
	case RESERVED_USER_DECLARED:
		take_list(n, &reserved_user_names);
		take_list(n, &reserved_builtins_names);
		break;
	case RESERVED_USER_VISIBLE:
		take_words(n, c_keywords);
		take_list(n, &reserved_user_macros);
		take_list(n, &reserved_runtime);
		take_words(n, user_calls);
		names_take(n, "main");
		break;
	case RESERVED_MEMBERS:
		take_words(n, c_keywords);
		take_list(n, &reserved_user_macros);
		take_list(n, &reserved_bpf_names);
		take_list(n, &reserved_runtime);	/* KS_ macros */
		break;
	case RESERVED_TAGS:
		take_list(n, &reserved_user_tags);
		take_list(n, &reserved_bpf_tags);
		take_list(n, &reserved_runtime);
		break;
	case RESERVED_MODULE_DECLARED:
		take_list(n, &reserved_module_names);
		take_list(n, &reserved_builtins_names);
		break;
	case RESERVED_MODULE_VISIBLE:
		take_words(n, c_keywords);
		take_list(n, &reserved_module_macros);
		take_words(n, module_calls);
		break;
	case RESERVED_MODULE_TAGS:
		take_list(n, &reserved_module_tags);
		break;
	}
}
