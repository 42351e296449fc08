#include "btf.h"
#include "btf_raw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <bpf/btf.h>

/* Types nest (typedef of const of array of ...) and structs hold structs;
 * no real kernel type comes near this depth. */
#define MAX_DEPTH 64

/* Nameless structs and unions flattened into one struct, at most: the
 * kernel's own have a handful. */
#define MAX_FLATTENED 4096

#define TRACE_CLASS_PREFIX "__bpf_trace_"

/* One slot of an open-addressing hash table keyed by (kind, name): 16
 * bytes, since the kernel's BTF fills a quarter of a million of them. */
struct slot {
	uint32_t hash;		/* of (kind, name): most probes end on it */
	uint32_t name_off;	/* in the BTF's strings; 0 when the slot is empty */
	uint32_t id;		/* BTF type id */
	uint16_t kind;		/* enum kernel_kind (types) */
	uint16_t index;		/* enumerators: the enumerator's index in its enum */
};

/*
 * A table and its filter: two bits of FILTER_BITS a slot, set for each
 * name in it.  Most names asked about are not the kernel's (the plan asks
 * for each one it gives), and a lookup that finds a bit clear ends there,
 * in the filter's few pages rather than in a random page of the table:
 * each page the index touches costs a fault, and the table is megabytes.
 */
#define FILTER_BITS 4	/* a slot: 8 bits or more a name at half load */

struct table {
	const struct raw_btf *raw;	/* whose strings the names are */
	struct slot *slots;
	uint32_t mask;		/* capacity - 1; capacity is a power of two */
	uint32_t *filter;	/* capacity * FILTER_BITS bits */
};

struct kernel_btf {
	struct arena *arena;
	struct raw_btf raw;
	const char *path;
	struct table types;		/* struct, union, enum, typedef, func */
	struct table enumerators;	/* every enumerator of every enum */
	uint32_t *trace_classes;	/* FUNCs named __bpf_trace_CLASS */
	size_t ntrace_classes;
	uint32_t *kfuncs;		/* FUNCs tagged bpf_kfunc, a tag each, in order */
	uint32_t *kfuncs_by_name;	/* ... sorted by name */
	size_t nkfuncs;
	void *index_map;		/* the index, when it came from the cache */
	size_t index_size;
};

/* ---- hash tables ----------------------------------------------------- */

static uint32_t hash_name(const char *name, uint32_t kind)
{
	uint32_t h = 2166136261u ^ kind;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static size_t filter_words(uint32_t mask)
{
	return ((size_t)mask + 1) * FILTER_BITS / 32;
}

/* Bit WHICH (0 or 1) of HASH in a filter of MASK + 1 slots. */
static uint32_t filter_bit(uint32_t hash, uint32_t mask, int which)
{
	uint32_t x = hash * (which ? 0x85ebca6bu : 0x9e3779b1u);
	return (x ^ (x >> 15)) & (((mask + 1) * FILTER_BITS) - 1);
}

static bool filter_has(const struct table *t, uint32_t hash)
{
	uint32_t a = filter_bit(hash, t->mask, 0), b = filter_bit(hash, t->mask, 1);
	return (t->filter[a / 32] >> (a % 32) & 1) && (t->filter[b / 32] >> (b % 32) & 1);
}

static void table_init(struct arena *a, struct table *t, const struct raw_btf *raw, size_t entries)
{
	size_t cap = 64;
	while (cap < entries * 2)
		cap *= 2;
	t->raw = raw;
	t->slots = arena_alloc(a, cap * sizeof(*t->slots));
	t->mask = (uint32_t)cap - 1;
	t->filter = arena_alloc(a, filter_words(t->mask) * sizeof(*t->filter));
}

static bool slot_is(const struct table *t, const struct slot *s, uint32_t hash,
		    const char *name, uint32_t kind)
{
	return s->hash == hash && s->kind == kind &&
	       !strcmp(raw_btf_name(t->raw, s->name_off), name);
}

/* Adds NAME (at NAME_OFF) unless (kind, NAME) is there already: the first
 * one wins. */
static void table_add(struct table *t, const char *name, uint32_t name_off, uint32_t kind,
		      uint32_t id, uint32_t index)
{
	uint32_t hash = hash_name(name, kind);
	for (uint32_t i = hash & t->mask;; i = (i + 1) & t->mask) {
		struct slot *s = &t->slots[i];
		if (!s->name_off) {
			*s = (struct slot){ hash, name_off, id, (uint16_t)kind, (uint16_t)index };
			for (int which = 0; which < 2; which++) {
				uint32_t bit = filter_bit(hash, t->mask, which);
				t->filter[bit / 32] |= 1u << (bit % 32);
			}
			return;
		}
		if (slot_is(t, s, hash, name, kind))
			return;
	}
}

static const struct slot *table_get(const struct table *t, const char *name, uint32_t kind)
{
	if (!t->slots)
		return NULL;
	uint32_t hash = hash_name(name, kind);
	if (!filter_has(t, hash))
		return NULL;
	for (uint32_t i = hash & t->mask;; i = (i + 1) & t->mask) {
		const struct slot *s = &t->slots[i];
		if (!s->name_off)
			return NULL;
		if (slot_is(t, s, hash, name, kind))
			return s;
	}
}

/* ---- loading ----------------------------------------------------------- */

static const struct btf_type *type_at(const struct kernel_btf *kb, uint32_t id)
{
	return raw_btf_type(&kb->raw, id);
}

static const char *name_of(const struct kernel_btf *kb, const struct btf_type *t)
{
	const char *name = raw_btf_name(&kb->raw, t->name_off);
	return name ? name : "";
}

static bool kind_of(const struct btf_type *t, enum kernel_kind *kind)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		*kind = KERNEL_STRUCT;
		return true;
	case BTF_KIND_UNION:
		*kind = KERNEL_UNION;
		return true;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		*kind = KERNEL_ENUM;
		return true;
	case BTF_KIND_TYPEDEF:
		*kind = KERNEL_TYPEDEF;
		return true;
	case BTF_KIND_FUNC:
		*kind = KERNEL_FUNC;
		return true;
	case BTF_KIND_FWD:
		*kind = KERNEL_FWD;
		return true;
	default:
		return false;
	}
}

static void add_enumerator(struct kernel_btf *kb, uint32_t name_off, uint32_t id, uint32_t i)
{
	const char *name = raw_btf_name(&kb->raw, name_off);
	if (name && *name)
		table_add(&kb->enumerators, name, name_off, 0, id, i);
}

/* The FUNC that T, a BTF_KIND_DECL_TAG "bpf_kfunc" on a whole function,
 * tags; else 0. */
static uint32_t kfunc_tagged(const struct kernel_btf *kb, const struct btf_type *t)
{
	if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1 ||
	    strcmp(name_of(kb, t), "bpf_kfunc"))
		return 0;
	const struct btf_type *f = t->type < kb->raw.count ? type_at(kb, t->type) : NULL;
	return f && btf_is_func(f) ? t->type : 0;
}

struct named_id {
	const char *name;
	uint32_t id;
};

static int by_name_then_id(const void *x, const void *y)
{
	const struct named_id *a = x, *b = y;
	int order = strcmp(a->name, b->name);
	return order ? order : (a->id > b->id) - (a->id < b->id);
}

/* kb->kfuncs_by_name, from kb->kfuncs. */
static void sort_kfuncs(struct kernel_btf *kb)
{
	struct named_id *sorted = arena_alloc(kb->arena, (kb->nkfuncs + 1) * sizeof(*sorted));
	for (size_t i = 0; i < kb->nkfuncs; i++)
		sorted[i] = (struct named_id){ name_of(kb, type_at(kb, kb->kfuncs[i])), kb->kfuncs[i] };
	qsort(sorted, kb->nkfuncs, sizeof(*sorted), by_name_then_id);
	kb->kfuncs_by_name = arena_alloc(kb->arena, (kb->nkfuncs + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < kb->nkfuncs; i++)
		kb->kfuncs_by_name[i] = sorted[i].id;
}

static void build_indexes(struct kernel_btf *kb)
{
	uint32_t n = kb->raw.count;
	size_t ntypes = 0, nenumerators = 0, nclasses = 0, nkfuncs = 0;
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = type_at(kb, id);
		enum kernel_kind kind;
		if (kind_of(t, &kind) && t->name_off)
			ntypes++;
		if (btf_is_any_enum(t))
			nenumerators += btf_vlen(t);
		if (btf_is_func(t) && !strncmp(name_of(kb, t), TRACE_CLASS_PREFIX,
					       strlen(TRACE_CLASS_PREFIX)))
			nclasses++;
		nkfuncs += kfunc_tagged(kb, t) != 0;
	}
	table_init(kb->arena, &kb->types, &kb->raw, ntypes);
	table_init(kb->arena, &kb->enumerators, &kb->raw, nenumerators);
	kb->trace_classes = arena_alloc(kb->arena, (nclasses + 1) * sizeof(uint32_t));
	kb->kfuncs = arena_alloc(kb->arena, (nkfuncs + 1) * sizeof(uint32_t));

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = type_at(kb, id);
		const char *name = name_of(kb, t);
		enum kernel_kind kind;
		if (kind_of(t, &kind) && *name)
			table_add(&kb->types, name, t->name_off, kind, id, 0);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				add_enumerator(kb, e[i].name_off, id, i);
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				add_enumerator(kb, e[i].name_off, id, i);
		}
		if (btf_is_func(t) && !strncmp(name, TRACE_CLASS_PREFIX, strlen(TRACE_CLASS_PREFIX)))
			kb->trace_classes[kb->ntrace_classes++] = id;
		uint32_t kfunc = kfunc_tagged(kb, t);
		if (kfunc)
			kb->kfuncs[kb->nkfuncs++] = kfunc;
	}
	sort_kfuncs(kb);
}

/* ---- the index, kept on disk -------------------------------------------- */

/*
 * Building the index takes longer than everything else a compile does,
 * so it is kept in a file of the cache directory (index_dir), named by
 * the BTF file's key (btf_raw.c), and mapped by the next compile: where
 * each type starts, then the tables as they are in memory, then the
 * trace classes, then the tables' filters.  A file that does not match is ignored, and one that
 * cannot be written costs nothing but the time.  A file is touched when
 * used (daily), and one unused for INDEX_KEEP_DAYS (an old kernel's) is
 * removed when another is written.
 */
#define INDEX_KEEP_DAYS 30
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#define INDEX_MAGIC "ksbtfix4"

struct index_header {
	char magic[8];
	uint64_t key;			/* the BTF's raw_btf key */
	uint32_t type_cnt;		/* the BTF's, and the sizes of its */
	uint32_t types_len, strings_len;	/* sections, as a second check */
	uint32_t types_cap, enumerators_cap, ntrace_classes, nkfuncs;
};

/* The cache directory: $KERNELSCRIPT_CACHE_DIR ("" turns the cache off),
 * else $XDG_CACHE_HOME/kernelscript, else $HOME/.cache/kernelscript. */
static const char *index_dir(char *buf, size_t size)
{
	const char *env = getenv("KERNELSCRIPT_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (env)
		snprintf(buf, size, "%s", env);
	else if (xdg && *xdg)
		snprintf(buf, size, "%s/kernelscript", xdg);
	else if (home && *home)
		snprintf(buf, size, "%s/.cache/kernelscript", home);
	else
		*buf = '\0';
	return *buf ? buf : NULL;
}

static bool power_of_two(uint32_t n)
{
	return n && !(n & (n - 1));
}

static size_t index_size(const struct index_header *h)
{
	return sizeof(*h) + (size_t)h->type_cnt * sizeof(uint32_t) +
	       ((size_t)h->types_cap + h->enumerators_cap) * sizeof(struct slot) +
	       ((size_t)h->ntrace_classes + 2 * (size_t)h->nkfuncs) * sizeof(uint32_t) +
	       (filter_words(h->types_cap - 1) + filter_words(h->enumerators_cap - 1)) *
	       sizeof(uint32_t);
}

/* The index of KB's BTF from the cache, mapped: whether there was one.
 * Not read ahead: a compile reads a few of its pages. */
static bool index_load(struct kernel_btf *kb)
{
	char dir[1024], path[1100];
	if (!kb->raw.cacheable || !index_dir(dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/btf-index-%016llx", dir, (unsigned long long)kb->raw.key);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	void *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(struct index_header))
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return false;
	const struct index_header *h = map;
	if (memcmp(h->magic, INDEX_MAGIC, sizeof(h->magic)) || h->key != kb->raw.key ||
	    h->types_len != kb->raw.types_len || h->strings_len != kb->raw.strings_len ||
	    !h->type_cnt || !power_of_two(h->types_cap) || !power_of_two(h->enumerators_cap) ||
	    index_size(h) != (size_t)st.st_size) {
		munmap(map, (size_t)st.st_size);
		return false;
	}
	const uint32_t *offsets = (const uint32_t *)(h + 1);	/* read only from here on */
	struct slot *slots = (struct slot *)(offsets + h->type_cnt);
	kb->raw.offsets = offsets;
	kb->raw.count = h->type_cnt;
	kb->trace_classes = (uint32_t *)(slots + h->types_cap + h->enumerators_cap);
	kb->ntrace_classes = h->ntrace_classes;
	kb->kfuncs = kb->trace_classes + kb->ntrace_classes;
	kb->kfuncs_by_name = kb->kfuncs + h->nkfuncs;
	kb->nkfuncs = h->nkfuncs;
	uint32_t *filters = kb->kfuncs_by_name + kb->nkfuncs;
	kb->types = (struct table){ &kb->raw, slots, h->types_cap - 1, filters };
	kb->enumerators = (struct table){ &kb->raw, slots + h->types_cap, h->enumerators_cap - 1,
					  filters + filter_words(h->types_cap - 1) };
	kb->index_map = map;
	kb->index_size = (size_t)st.st_size;
	/* Nearly every lookup reads the filters, at random: mapped in one
	 * call rather than faulted in a window at a time (MADV_POPULATE_READ,
	 * Linux 5.14; older kernels refuse it, which costs nothing). */
	uintptr_t from = (uintptr_t)filters & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	madvise((void *)from, (uintptr_t)map + kb->index_size - from, MADV_POPULATE_READ);
	/* used: kept (index_prune); once a day is enough, and spares a
	 * write of the inode at every compile */
	if (st.st_mtime < time(NULL) - 24 * 60 * 60)
		utimensat(AT_FDCWD, path, NULL, 0);
	return true;
}

/* Removes the index files in DIR unused for INDEX_KEEP_DAYS. */
static void index_prune(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t old = time(NULL) - (time_t)INDEX_KEEP_DAYS * 24 * 60 * 60;
	char path[1400];
	struct stat st;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "btf-index-", 10) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) == 0 && st.st_mtime < old)
			unlink(path);
	}
	if (d)
		closedir(d);
}

/* Makes DIR and the directories above it that are missing. */
static bool make_dirs(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		bool ok = mkdir(dir, 0700) == 0 || errno == EEXIST;
		*p = '/';
		if (!ok)
			return false;
	}
	return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

/* Writes KB's index into the cache (a file renamed into place, so that a
 * compile running meanwhile sees all of it or nothing). */
static void index_save(const struct kernel_btf *kb)
{
	char dir[1024], path[1100], tmp[1130];
	if (!kb->raw.cacheable || !index_dir(dir, sizeof(dir)) || !make_dirs(dir))
		return;
	snprintf(path, sizeof(path), "%s/btf-index-%016llx", dir, (unsigned long long)kb->raw.key);
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	struct index_header h = {
		.magic = INDEX_MAGIC, .key = kb->raw.key, .type_cnt = kb->raw.count,
		.types_len = kb->raw.types_len, .strings_len = kb->raw.strings_len,
		.types_cap = kb->types.mask + 1, .enumerators_cap = kb->enumerators.mask + 1,
		.ntrace_classes = (uint32_t)kb->ntrace_classes, .nkfuncs = (uint32_t)kb->nkfuncs,
	};
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return;
	bool ok = fwrite(&h, sizeof(h), 1, f) == 1 &&
		  fwrite(kb->raw.offsets, sizeof(uint32_t), h.type_cnt, f) == h.type_cnt &&
		  fwrite(kb->types.slots, sizeof(struct slot), h.types_cap, f) == h.types_cap &&
		  fwrite(kb->enumerators.slots, sizeof(struct slot), h.enumerators_cap, f) ==
		  h.enumerators_cap &&
		  fwrite(kb->trace_classes, sizeof(uint32_t), kb->ntrace_classes, f) ==
		  kb->ntrace_classes &&
		  fwrite(kb->kfuncs, sizeof(uint32_t), kb->nkfuncs, f) == kb->nkfuncs &&
		  fwrite(kb->kfuncs_by_name, sizeof(uint32_t), kb->nkfuncs, f) == kb->nkfuncs &&
		  fwrite(kb->types.filter, sizeof(uint32_t), filter_words(kb->types.mask), f) ==
		  filter_words(kb->types.mask) &&
		  fwrite(kb->enumerators.filter, sizeof(uint32_t), filter_words(kb->enumerators.mask),
			 f) == filter_words(kb->enumerators.mask);
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
	index_prune(dir);
}

static void release(void *kb)
{
	kernel_btf_free(kb);
}

struct kernel_btf *kernel_btf_load(struct arena *a, const char *path, const char **why)
{
	const char *file = path ? path : KERNEL_BTF_DEFAULT_PATH, *what = NULL;
	struct kernel_btf *kb = arena_alloc(a, sizeof(*kb));
	errno = 0;
	if (!raw_btf_open(&kb->raw, file, a, &what)) {
		int err = errno;
		if (!path)
			*why = arena_printf(a, "cannot read the running kernel's BTF (%s): %s", file,
					    err == ENOENT ? "the kernel has none" : what);
		else if (err)
			*why = arena_printf(a, "cannot read '%s': %s", path, what);
		else
			*why = arena_printf(a, "cannot read BTF from '%s': %s", path, what);
		return NULL;
	}
	kb->arena = a;
	kb->path = arena_strdup(a, file);
	arena_on_free(a, release, kb);
	if (!index_load(kb)) {
		if (!raw_btf_walk(&kb->raw, a, &what)) {
			*why = arena_printf(a, "cannot read BTF from '%s': %s", file, what);
			raw_btf_close(&kb->raw);
			return NULL;
		}
		build_indexes(kb);
		index_save(kb);
	}
	return kb;
}

void kernel_btf_free(struct kernel_btf *kb)
{
	if (!kb)
		return;
	raw_btf_close(&kb->raw);
	if (kb->index_map)
		munmap(kb->index_map, kb->index_size);
	kb->index_map = NULL;
	kb->raw = (struct raw_btf){ 0 };
	kb->types = kb->enumerators = (struct table){ 0 };
	kb->trace_classes = NULL;
	kb->ntrace_classes = 0;
	kb->kfuncs = kb->kfuncs_by_name = NULL;
	kb->nkfuncs = 0;
}

void kernel_btf_use_arena(struct kernel_btf *kb, struct arena *a)
{
	kb->arena = a;
}

bool kernel_btf_index_cached(const struct kernel_btf *kb)
{
	return kb->index_map != NULL;
}

const char *kernel_btf_path(const struct kernel_btf *kb)
{
	return kb->path;
}

const struct btf_type *kernel_btf_type(const struct kernel_btf *kb, uint32_t id)
{
	return raw_btf_type(&kb->raw, id);
}

const char *kernel_btf_name(const struct kernel_btf *kb, uint32_t name_off)
{
	const char *name = raw_btf_name(&kb->raw, name_off);
	return name ? name : "";
}

uint32_t kernel_btf_type_count(const struct kernel_btf *kb)
{
	return kb->raw.count;
}

int64_t kernel_btf_size(const struct kernel_btf *kb, uint32_t id)
{
	return raw_btf_size(&kb->raw, id);
}

/* ---- names ------------------------------------------------------------- */

size_t kernel_btf_kfunc_count(const struct kernel_btf *kb)
{
	return kb->nkfuncs;
}

uint32_t kernel_btf_kfunc(const struct kernel_btf *kb, size_t i)
{
	return kb->kfuncs[i];
}

bool kernel_btf_is_kfunc(const struct kernel_btf *kb, const char *name)
{
	size_t lo = 0, hi = kb->nkfuncs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int order = strcmp(name, name_of(kb, type_at(kb, kb->kfuncs_by_name[mid])));
		if (!order)
			return true;
		if (order < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

uint32_t kernel_btf_find(const struct kernel_btf *kb, const char *name, enum kernel_kind kind)
{
	const struct slot *s = table_get(&kb->types, name, kind);
	return s ? s->id : 0;
}

bool kernel_btf_is_enumerator(const struct kernel_btf *kb, const char *name)
{
	return table_get(&kb->enumerators, name, 0) != NULL;
}

static int64_t enumerator_value(const struct btf_type *t, uint32_t i)
{
	if (btf_is_enum64(t))
		return (int64_t)btf_enum64_value(&btf_enum64(t)[i]);
	int32_t v = btf_enum(t)[i].val;
	return btf_kflag(t) ? (int64_t)v : (int64_t)(uint32_t)v;
}

bool kernel_btf_enumerator(const struct kernel_btf *kb, const char *name,
			   int64_t *value, const char **enum_name)
{
	const struct slot *s = table_get(&kb->enumerators, name, 0);
	if (!s)
		return false;
	const struct btf_type *t = type_at(kb, s->id);
	if (value)
		*value = enumerator_value(t, s->index);
	if (enum_name)
		*enum_name = arena_strdup(kb->arena, name_of(kb, t));
	return true;
}

/* ---- type text --------------------------------------------------------- */

static bool is_modifier(const struct btf_type *t)
{
	return btf_is_mod(t) || btf_is_type_tag(t);
}

/* ID without const, volatile, restrict and type tags. */
static uint32_t skip_modifiers(const struct kernel_btf *kb, uint32_t id)
{
	for (int depth = 0; id && depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = type_at(kb, id);
		if (!t || !is_modifier(t))
			break;
		id = t->type;
	}
	return id;
}

/* ID without modifiers and typedefs. */
static uint32_t skip_typedefs(const struct kernel_btf *kb, uint32_t id)
{
	for (int depth = 0; id && depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = type_at(kb, id);
		if (!t || !(is_modifier(t) || btf_is_typedef(t)))
			break;
		id = t->type;
	}
	return id;
}

uint32_t kernel_btf_resolve(const struct kernel_btf *kb, uint32_t id)
{
	return skip_typedefs(kb, id);
}

struct text {
	const char *s;
	bool opaque;	/* bytes with no KernelScript type: u8[N] */
};

static struct text plain(const char *s)
{
	return (struct text){ s, false };
}

static struct text opaque_bytes(const struct kernel_btf *kb, int64_t size)
{
	return (struct text){ arena_printf(kb->arena, "u8[%lld]", (long long)(size > 0 ? size : 0)),
			      true };
}

static const char *int_text(uint32_t size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? "i8" : "u8";
	case 2:
		return is_signed ? "i16" : "u16";
	case 4:
		return is_signed ? "i32" : "u32";
	case 8:
		return is_signed ? "i64" : "u64";
	default:
		return NULL;
	}
}

static struct text type_text(const struct kernel_btf *kb, uint32_t id,
			     const char *typedef_name, int depth);

static struct text pointer_text(const struct kernel_btf *kb, uint32_t target, int depth)
{
	target = skip_modifiers(kb, target);
	if (!target)
		return plain("*void");
	struct text inner = type_text(kb, target, NULL, depth + 1);
	if (inner.opaque)
		return plain("*void");
	if (!strcmp(inner.s, "char"))
		return plain("*u8");
	return plain(arena_printf(kb->arena, "*%s", inner.s));
}

/* C's T a[N][M] is an array of N arrays of M: written T[N][M]. */
static struct text array_text(const struct kernel_btf *kb, uint32_t id, int depth)
{
	char dims[256] = "";
	size_t len = 0;
	uint32_t elem = id;
	for (; depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = type_at(kb, skip_modifiers(kb, elem));
		if (!t || !btf_is_array(t))
			break;
		const struct btf_array *arr = btf_array(t);
		int n = snprintf(dims + len, sizeof(dims) - len, "[%u]", arr->nelems);
		if (n < 0 || (size_t)n >= sizeof(dims) - len)
			return opaque_bytes(kb, raw_btf_size(&kb->raw, id));
		len += (size_t)n;
		elem = arr->type;
	}
	struct text e = type_text(kb, elem, NULL, depth + 1);
	if (e.opaque)
		return opaque_bytes(kb, raw_btf_size(&kb->raw, id));
	return plain(arena_printf(kb->arena, "%s%s", e.s, dims));
}

static struct text type_text(const struct kernel_btf *kb, uint32_t id,
			     const char *typedef_name, int depth)
{
	if (id == 0)
		return plain("void");
	const struct btf_type *t = type_at(kb, id);
	if (!t || depth > MAX_DEPTH)
		return plain("void");
	const char *name = name_of(kb, t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(t);
		if (enc & BTF_INT_BOOL)
			return plain("bool");
		if (!strcmp(name, "char"))
			return plain("char");
		const char *s = int_text(t->size, enc & BTF_INT_SIGNED);
		return s ? plain(s) : opaque_bytes(kb, t->size);
	}
	case BTF_KIND_FLOAT:
		return opaque_bytes(kb, t->size);
	case BTF_KIND_PTR:
		return pointer_text(kb, t->type, depth);
	case BTF_KIND_ARRAY:
		return array_text(kb, id, depth);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (*name)
			return plain(arena_strdup(kb->arena, name));
		if (typedef_name)
			return plain(arena_strdup(kb->arena, typedef_name));
		return opaque_bytes(kb, t->size);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (*name)
			return plain(arena_strdup(kb->arena, name));
		return plain(int_text(t->size, btf_kflag(t)) ? int_text(t->size, btf_kflag(t)) : "u32");
	case BTF_KIND_FWD:
		return plain(arena_strdup(kb->arena, name));
	case BTF_KIND_TYPEDEF:
		return type_text(kb, t->type, name, depth + 1);
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return type_text(kb, t->type, typedef_name, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		/* Only ever met behind a pointer, which then is *void. */
		return (struct text){ "*void", true };
	default:
		return plain("void");
	}
}

const char *kernel_btf_type_text(const struct kernel_btf *kb, uint32_t id)
{
	return type_text(kb, id, NULL, 0).s;
}

/* ---- structs, enums, functions ----------------------------------------- */

/* Nameless members are flattened into the struct; *BUDGET bounds how
 * many structs that visits, since a damaged BTF could share one nameless
 * struct between members at every level (C cannot: each is its own type). */
static void add_members(const struct kernel_btf *kb, struct vec *out,
			const struct btf_type *t, uint32_t base_bits, int depth, unsigned *budget)
{
	if (!*budget)
		return;
	--*budget;
	const struct btf_member *m = btf_members(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		uint32_t bit_offset = base_bits + btf_member_bit_offset(t, i);
		uint32_t bit_size = btf_member_bitfield_size(t, i);
		const char *name = raw_btf_name(&kb->raw, m[i].name_off);
		if (!name || !*name) {
			/* A nameless struct or union: C names its members as
			 * the outer struct's.  A nameless bitfield is padding. */
			const struct btf_type *inner = type_at(kb, skip_typedefs(kb, m[i].type));
			if (inner && btf_is_composite(inner) && depth < MAX_DEPTH)
				add_members(kb, out, inner, bit_offset, depth + 1, budget);
			continue;
		}
		if (!bit_size) {
			/* Old encoding: the bitfield is in the INT type. */
			const struct btf_type *it = type_at(kb, skip_typedefs(kb, m[i].type));
			if (it && btf_is_int(it) && btf_int_bits(it) != it->size * 8) {
				bit_size = btf_int_bits(it);
				bit_offset += btf_int_offset(it);
			}
		}
		struct kernel_member *km = arena_alloc(kb->arena, sizeof(*km));
		km->name = arena_strdup(kb->arena, name);
		km->type = type_text(kb, m[i].type, NULL, 0).s;
		km->type_id = m[i].type;
		km->offset = bit_offset / 8;
		km->bit_offset = bit_offset;
		km->bit_size = bit_size;
		vec_push(kb->arena, out, km);
	}
}

/* The struct or union T, under the name NAME. */
static struct kernel_struct *make_struct(const struct kernel_btf *kb, uint32_t id,
					 const struct btf_type *t, const char *name)
{
	struct kernel_struct *s = arena_alloc(kb->arena, sizeof(*s));
	s->name = arena_strdup(kb->arena, name);
	s->id = id;
	s->size = t->size;
	s->is_union = btf_is_union(t);
	struct vec members = { 0 };
	unsigned budget = MAX_FLATTENED;
	add_members(kb, &members, t, 0, 0, &budget);
	s->count = members.len;
	s->members = arena_alloc(kb->arena, (members.len + 1) * sizeof(*s->members));
	for (size_t i = 0; i < members.len; i++)
		s->members[i] = *(struct kernel_member *)vec_at(members, i);
	return s;
}

const struct kernel_struct *kernel_btf_struct_by_id(const struct kernel_btf *kb, uint32_t id)
{
	uint32_t sid = skip_typedefs(kb, id);
	const struct btf_type *t = sid ? type_at(kb, sid) : NULL;
	if (!t || !btf_is_composite(t))
		return NULL;
	struct text name = type_text(kb, id, NULL, 0);
	return make_struct(kb, sid, t, name.opaque ? "" : name.s);
}

uint32_t kernel_btf_anonymous_typedef(const struct kernel_btf *kb, const char *name)
{
	uint32_t id = kernel_btf_find(kb, name, KERNEL_TYPEDEF);
	uint32_t sid = id ? skip_typedefs(kb, id) : 0;
	const struct btf_type *t = sid ? type_at(kb, sid) : NULL;
	return t && btf_is_composite(t) && !t->name_off ? sid : 0;
}

const struct kernel_struct *kernel_btf_struct(const struct kernel_btf *kb, const char *name)
{
	uint32_t id = kernel_btf_find(kb, name, KERNEL_STRUCT);
	if (!id)
		id = kernel_btf_find(kb, name, KERNEL_UNION);
	if (!id)
		id = kernel_btf_anonymous_typedef(kb, name);	/* typedef struct { } pmd_t */
	if (id)
		return make_struct(kb, id, type_at(kb, id), name);
	id = kernel_btf_opaque_struct(kb, name);
	if (!id)
		return NULL;
	/* only declared: a struct with no members a program can see */
	struct kernel_struct *s = arena_alloc(kb->arena, sizeof(*s));
	s->name = arena_strdup(kb->arena, name);
	s->id = id;
	s->is_union = btf_kflag(type_at(kb, id));
	return s;
}

uint32_t kernel_btf_opaque_struct(const struct kernel_btf *kb, const char *name)
{
	if (kernel_btf_find(kb, name, KERNEL_STRUCT) || kernel_btf_find(kb, name, KERNEL_UNION))
		return 0;
	return kernel_btf_find(kb, name, KERNEL_FWD);
}

const struct kernel_member *kernel_struct_member(const struct kernel_struct *s, const char *name)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->members[i].name, name))
			return &s->members[i];
	return NULL;
}

static struct kernel_enum *make_enum(const struct kernel_btf *kb, uint32_t id,
				     const struct btf_type *t, const char *name)
{
	struct kernel_enum *e = arena_alloc(kb->arena, sizeof(*e));
	e->name = arena_strdup(kb->arena, name);
	e->id = id;
	e->size = t->size;
	e->is_signed = btf_kflag(t);
	e->count = btf_vlen(t);
	e->values = arena_alloc(kb->arena, (e->count + 1) * sizeof(*e->values));
	for (uint32_t i = 0; i < e->count; i++) {
		uint32_t name_off = btf_is_enum64(t) ? btf_enum64(t)[i].name_off
						     : btf_enum(t)[i].name_off;
		e->values[i].name = arena_strdup(kb->arena, raw_btf_name(&kb->raw, name_off));
		e->values[i].value = enumerator_value(t, i);
	}
	return e;
}

const struct kernel_enum *kernel_btf_enum(const struct kernel_btf *kb, const char *name)
{
	uint32_t id = kernel_btf_find(kb, name, KERNEL_ENUM);
	return id ? make_enum(kb, id, type_at(kb, id), name) : NULL;
}

const struct kernel_func *kernel_btf_func(const struct kernel_btf *kb, const char *name)
{
	uint32_t id = kernel_btf_find(kb, name, KERNEL_FUNC);
	if (!id)
		return NULL;
	const struct btf_type *proto = type_at(kb, type_at(kb, id)->type);
	if (!proto || !btf_is_func_proto(proto))
		return NULL;
	struct kernel_func *f = arena_alloc(kb->arena, sizeof(*f));
	f->name = arena_strdup(kb->arena, name);
	f->id = id;
	f->ret_id = proto->type;
	f->ret = type_text(kb, proto->type, NULL, 0).s;
	const struct btf_param *p = btf_params(proto);
	size_t n = btf_vlen(proto);
	if (n && !p[n - 1].type && !p[n - 1].name_off) {
		f->variadic = true;
		n--;
	}
	f->count = n;
	f->params = arena_alloc(kb->arena, (n + 1) * sizeof(*f->params));
	for (size_t i = 0; i < n; i++) {
		const char *pname = raw_btf_name(&kb->raw, p[i].name_off);
		f->params[i].name = arena_strdup(kb->arena, pname ? pname : "");
		f->params[i].type = type_text(kb, p[i].type, NULL, 0).s;
		f->params[i].type_id = p[i].type;
	}
	return f;
}

/* ---- tracepoints ------------------------------------------------------- */

static bool is_word(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* Whether the kernel has syscall NAME: its entry point under one of the
 * names the syscall macros give it on some architecture. */
static bool has_syscall(const struct kernel_btf *kb, const char *name)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__riscv_sys_",
		"__s390x_sys_", "__s390_sys_", "__powerpc_sys_", "__loongarch_sys_",
		"__se_sys_", "__do_sys_", "sys_",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (kernel_btf_find(kb, arena_printf(kb->arena, "%s%s", prefixes[i], name),
				    KERNEL_FUNC))
			return true;
	return false;
}

const struct btf_type *kernel_btf_function_pointer(const struct kernel_btf *kb, uint32_t id)
{
	const struct btf_type *t = type_at(kb, skip_typedefs(kb, id));
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = type_at(kb, skip_typedefs(kb, t->type));
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* Whether parameter types A and B are the same once typedefs and
 * qualifiers are looked through (BTF keeps both time64_t and long long). */
static bool same_type(const struct kernel_btf *kb, uint32_t a, uint32_t b)
{
	a = skip_typedefs(kb, a);
	b = skip_typedefs(kb, b);
	if (a == b)
		return true;
	const struct btf_type *ta = type_at(kb, a), *tb = type_at(kb, b);
	if (!ta || !tb || !btf_is_ptr(ta) || !btf_is_ptr(tb))
		return false;
	return skip_typedefs(kb, ta->type) == skip_typedefs(kb, tb->type);
}

static bool same_params(const struct kernel_btf *kb, const struct btf_type *a,
			const struct btf_type *b)
{
	if (btf_vlen(a) != btf_vlen(b) || !same_type(kb, a->type, b->type))
		return false;
	const struct btf_param *pa = btf_params(a), *pb = btf_params(b);
	for (uint32_t i = 0; i < btf_vlen(a); i++)
		if (!same_type(kb, pa[i].type, pb[i].type))
			return false;
	return true;
}

/* Length of the longest common substring of A and B. */
static size_t common_substring(const char *a, const char *b)
{
	size_t best = 0;
	for (const char *p = a; *p; p++)
		for (const char *q = b; *q; q++) {
			size_t n = 0;
			while (p[n] && p[n] == q[n])
				n++;
			if (n > best)
				best = n;
		}
	return best;
}

/* Whether STRUCT's members, leaving out the common header and the dynamic
 * area and reading __data_loc_NAME as NAME, are the fields FIELDS. */
static bool members_are(const struct kernel_struct *s, const char *const *fields)
{
	size_t f = 0;
	for (size_t i = 0; i < s->count; i++) {
		const char *name = s->members[i].name;
		if (!strcmp(name, "ent") || !strcmp(name, "__data"))
			continue;
		if (!strncmp(name, "__data_loc_", 11))
			name += 11;
		else if (!strncmp(name, "__rel_loc_", 10))
			name += 10;
		if (!fields[f] || strcmp(fields[f], name))
			return false;
		f++;
	}
	return !fields[f];
}

struct candidate {
	const char *context;
	size_t score;
};

static int by_score(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->context, y->context);
}

/* The struct of EVENT, whose btf_trace_EVENT typedef is TYPEDEF_ID, when
 * it comes from a shared event class.  The classes whose probe function
 * takes the event's arguments are candidates.  FIELDS, when known, pick
 * the one with those fields; otherwise the best is a class that is not
 * itself an event, sharing the longest run of characters with EVENT. */
static bool event_class(const struct kernel_btf *kb, const char *target,
			const char *const *fields, uint32_t typedef_id,
			struct kernel_tracepoint *tp, const char **why)
{
	struct arena *a = kb->arena;
	const struct btf_type *proto = kernel_btf_function_pointer(kb, typedef_id);
	struct candidate *c = arena_alloc(a, (kb->ntrace_classes + 1) * sizeof(*c));
	size_t n = 0;
	for (size_t i = 0; proto && i < kb->ntrace_classes; i++) {
		const struct btf_type *f = type_at(kb, kb->trace_classes[i]);
		const struct btf_type *fp = type_at(kb, f->type);
		const char *class = name_of(kb, f) + strlen(TRACE_CLASS_PREFIX);
		if (!fp || !btf_is_func_proto(fp) || !same_params(kb, proto, fp))
			continue;
		const char *context = arena_printf(a, "trace_event_raw_%s", class);
		if (!kernel_btf_find(kb, context, KERNEL_STRUCT))
			continue;
		bool is_event = kernel_btf_find(kb, arena_printf(a, "btf_trace_%s", class),
						KERNEL_TYPEDEF) != 0;
		c[n].context = context;
		c[n].score = (is_event ? 0 : 1000) + common_substring(class, tp->event);
		n++;
	}
	if (!n) {
		if (kernel_btf_find(kb, arena_printf(a, TRACE_CLASS_PREFIX "%s", tp->event),
				    KERNEL_FUNC))
			*why = arena_printf(a, "no tracepoint '%s': '%s' is a bare kernel tracepoint "
					    "with no trace event", target, tp->event);
		else
			*why = arena_printf(a, "the kernel's BTF has no event class for "
					    "tracepoint '%s'", target);
		return false;
	}
	qsort(c, n, sizeof(*c), by_score);
	if (fields) {
		for (size_t i = 0; i < n; i++) {
			if (members_are(kernel_btf_struct(kb, c[i].context), fields)) {
				tp->context = c[i].context;
				return true;
			}
		}
	}
	tp->context = c[0].context;
	if (n > 1) {
		tp->candidates = arena_alloc(a, (n + 1) * sizeof(*tp->candidates));
		for (size_t i = 0; i < n; i++)
			tp->candidates[i] = c[i].context;
		tp->ncandidates = n;
	}
	return true;
}

bool kernel_btf_tracepoint(const struct kernel_btf *kb, const char *target,
			   const char *const *fields, struct kernel_tracepoint *tp,
			   const char **why)
{
	struct arena *a = kb->arena;
	const char *slash = strchr(target, '/');
	if (!slash || !is_word(target, (size_t)(slash - target)) ||
	    !is_word(slash + 1, strlen(slash + 1))) {
		*why = arena_printf(a, "'%s' is not a tracepoint: write it category/event, "
				    "as in sched/sched_switch", target);
		return false;
	}
	memset(tp, 0, sizeof(*tp));
	tp->category = arena_strndup(a, target, (size_t)(slash - target));
	tp->event = arena_strdup(a, slash + 1);

	if (!strcmp(tp->category, "syscalls")) {
		const char *syscall = NULL;
		if (!strncmp(tp->event, "sys_enter_", 10)) {
			syscall = tp->event + 10;
			tp->context = "trace_event_raw_sys_enter";
		} else if (!strncmp(tp->event, "sys_exit_", 9)) {
			syscall = tp->event + 9;
			tp->context = "trace_event_raw_sys_exit";
		}
		if (!syscall || !*syscall) {
			*why = arena_printf(a, "no tracepoint '%s': the syscalls events are "
					    "sys_enter_NAME and sys_exit_NAME", target);
			return false;
		}
		if (!has_syscall(kb, syscall)) {
			*why = arena_printf(a, "no tracepoint '%s': the kernel has no syscall '%s'",
					    target, syscall);
			return false;
		}
		tp->syscall = true;
	} else {
		uint32_t typedef_id = kernel_btf_find(kb, arena_printf(a, "btf_trace_%s", tp->event),
						      KERNEL_TYPEDEF);
		if (!typedef_id) {
			*why = arena_printf(a, "no tracepoint '%s' in the kernel's BTF", target);
			return false;
		}
		const char *direct = arena_printf(a, "trace_event_raw_%s", tp->event);
		if (kernel_btf_find(kb, direct, KERNEL_STRUCT))
			tp->context = direct;
		else if (!event_class(kb, target, fields, typedef_id, tp, why))
			return false;
	}
	tp->context_id = kernel_btf_find(kb, tp->context, KERNEL_STRUCT);
	if (!tp->context_id) {
		*why = arena_printf(a, "the kernel's BTF has no struct %s for tracepoint '%s'",
				    tp->context, target);
		return false;
	}
	return true;
}

/* ---- .kh declarations -------------------------------------------------- */

struct render {
	const struct kernel_btf *kb;
	FILE *out;
	struct vec done;	/* BTF ids already written, as uintptr_t */
	bool first;
};

static bool rendered(const struct render *r, uint32_t id)
{
	for (size_t i = 0; i < r->done.len; i++)
		if ((uintptr_t)vec_at(r->done, i) == id)
			return true;
	return false;
}

/* The declaration a member of type ID needs before it, when it holds a
 * struct, union or enum by value: that type's id (or the typedef's, for a
 * typedef of an anonymous struct), else 0. */
static uint32_t value_dependency(const struct kernel_btf *kb, uint32_t id)
{
	for (int depth = 0; id && depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = type_at(kb, id);
		if (!t)
			return 0;
		if (is_modifier(t)) {
			id = t->type;
		} else if (btf_is_array(t)) {
			id = btf_array(t)->type;
		} else if (btf_is_typedef(t)) {
			const struct btf_type *u = type_at(kb, skip_typedefs(kb, t->type));
			if (u && btf_is_composite(u) && !u->name_off)
				return id;
			id = t->type;
		} else if (btf_is_composite(t) || btf_is_any_enum(t)) {
			return t->name_off ? id : 0;
		} else {
			return 0;
		}
	}
	return 0;
}

static void render_type(struct render *r, uint32_t id, int depth);

static void render_struct(struct render *r, const struct kernel_struct *s, bool from_typedef,
			  int depth)
{
	const struct kernel_btf *kb = r->kb;
	for (size_t i = 0; i < s->count; i++) {
		uint32_t dep = value_dependency(kb, s->members[i].type_id);
		if (dep)
			render_type(r, dep, depth + 1);
	}
	fputs(r->first ? "" : "\n", r->out);
	r->first = false;
	if (from_typedef)
		fprintf(r->out, "// %s is a typedef of an anonymous %s in C\n", s->name,
			s->is_union ? "union" : "struct");
	else if (s->is_union)
		fprintf(r->out, "// union %s in C: its members share their bytes\n", s->name);
	fprintf(r->out, "struct %s {\n", s->name);
	for (size_t i = 0; i < s->count; i++) {
		const struct kernel_member *m = &s->members[i];
		if (strstr(m->type, "[0]"))
			fprintf(r->out, "    // %s: %s, a flexible array: KernelScript has no such type\n",
				m->name, m->type);
		else if (m->bit_size)
			fprintf(r->out, "    %s: %s, // bitfield: %u bit%s from bit %u\n", m->name,
				m->type, m->bit_size, m->bit_size == 1 ? "" : "s", m->bit_offset);
		else
			fprintf(r->out, "    %s: %s,\n", m->name, m->type);
	}
	fputs("}\n", r->out);
}

static void render_enum(struct render *r, const struct kernel_enum *e)
{
	fputs(r->first ? "" : "\n", r->out);
	r->first = false;
	fprintf(r->out, "enum %s {\n", e->name);
	for (size_t i = 0; i < e->count; i++) {
		if (e->is_signed)
			fprintf(r->out, "    %s = %lld,\n", e->values[i].name,
				(long long)e->values[i].value);
		else
			fprintf(r->out, "    %s = %llu,\n", e->values[i].name,
				(unsigned long long)e->values[i].value);
	}
	fputs("}\n", r->out);
}

static void render_type(struct render *r, uint32_t id, int depth)
{
	const struct kernel_btf *kb = r->kb;
	if (rendered(r, id) || depth > MAX_DEPTH)
		return;
	vec_push(kb->arena, &r->done, (void *)(uintptr_t)id);
	const struct btf_type *t = type_at(kb, id);
	if (btf_is_typedef(t)) {
		uint32_t sid = skip_typedefs(kb, t->type);
		render_struct(r, make_struct(kb, sid, type_at(kb, sid), name_of(kb, t)), true, depth);
	} else if (btf_is_fwd(t)) {
		fputs(r->first ? "" : "\n", r->out);
		r->first = false;
		fprintf(r->out, "// the kernel's BTF declares %s without its members\nstruct %s {\n}\n",
			name_of(kb, t), name_of(kb, t));
	} else if (btf_is_composite(t)) {
		render_struct(r, make_struct(kb, id, t, name_of(kb, t)), false, depth);
	} else if (btf_is_any_enum(t)) {
		render_enum(r, make_enum(kb, id, t, name_of(kb, t)));
	}
}

/* The type a .kh declares for NAME: a struct, union or enum, or a typedef
 * of an anonymous struct or union; 0 when there is none. */
static uint32_t renderable(const struct kernel_btf *kb, const char *name)
{
	static const enum kernel_kind kinds[] = { KERNEL_STRUCT, KERNEL_UNION, KERNEL_ENUM };
	uint32_t id = 0;
	for (size_t k = 0; !id && k < sizeof(kinds) / sizeof(kinds[0]); k++)
		id = kernel_btf_find(kb, name, kinds[k]);
	if (!id && kernel_btf_anonymous_typedef(kb, name))
		id = kernel_btf_find(kb, name, KERNEL_TYPEDEF);
	if (!id)
		id = kernel_btf_opaque_struct(kb, name);
	return id;
}

char *kernel_btf_render(const struct kernel_btf *kb, const char *const *names,
			const char **missing)
{
	struct render r = { .kb = kb, .first = true };
	for (const char *const *n = names; *n; n++) {
		if (!renderable(kb, *n)) {
			*missing = *n;
			return NULL;
		}
	}
	char *buf = NULL;
	size_t len = 0;
	r.out = open_memstream(&buf, &len);
	if (!r.out)
		abort();
	for (const char *const *n = names; *n; n++)
		render_type(&r, renderable(kb, *n), 0);
	fclose(r.out);
	char *text = arena_strndup(kb->arena, buf, len);
	free(buf);
	return text;
}

/* ---- tracefs ----------------------------------------------------------- */

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing/events",
	"/sys/kernel/debug/tracing/events",
};

/* The name in a format line's "field:TYPE NAME[N];", or NULL. */
static const char *field_name(struct arena *a, const char *line)
{
	const char *p = strstr(line, "field:");
	const char *end = p ? strchr(p, ';') : NULL;
	if (!end)
		return NULL;
	if (end > p && end[-1] == ']')
		while (end > p && *end != '[')
			end--;
	const char *start = end;
	while (start > p && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
			     (start[-1] >= 'A' && start[-1] <= 'Z') ||
			     (start[-1] >= '0' && start[-1] <= '9')))
		start--;
	return start < end ? arena_strndup(a, start, (size_t)(end - start)) : NULL;
}

static const char *const *format_fields(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct vec names = { 0 };
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		const char *name = field_name(a, line);
		if (name && strncmp(name, "common_", 7))
			vec_push(a, &names, (void *)name);
	}
	fclose(f);
	const char **fields = arena_alloc(a, (names.len + 1) * sizeof(*fields));
	for (size_t i = 0; i < names.len; i++)
		fields[i] = vec_at(names, i);
	return fields;
}

/* The C type in a format line's "field:TYPE NAME;" ("const char *"). */
static const char *field_type(struct arena *a, const char *line)
{
	const char *p = strstr(line, "field:");
	const char *end = p ? strchr(p, ';') : NULL;
	if (!end)
		return NULL;
	p += 6;
	if (end > p && end[-1] == ']')
		while (end > p && *end != '[')
			end--;
	while (end > p && (end[-1] == '_' || (end[-1] >= 'a' && end[-1] <= 'z') ||
			   (end[-1] >= 'A' && end[-1] <= 'Z') || (end[-1] >= '0' && end[-1] <= '9')))
		end--;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end > p ? arena_strndup(a, p, (size_t)(end - p)) : NULL;
}

enum tracefs_answer kernel_tracefs_syscall(struct arena *a, const char *name,
					   struct kernel_syscall_arg **args, size_t *count)
{
	enum tracefs_answer answer = kernel_tracefs_event(a, "syscalls",
							  arena_printf(a, "sys_enter_%s", name), NULL);
	if (answer != TRACEFS_EVENT)
		return answer;
	FILE *f = NULL;
	for (size_t i = 0; !f && i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++)
		f = fopen(arena_printf(a, "%s/syscalls/sys_enter_%s/format", tracefs_dirs[i], name),
			  "r");
	if (!f)
		return TRACEFS_UNAVAILABLE;
	struct vec found = { 0 };
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		const char *field = field_name(a, line);
		if (!field || !strncmp(field, "common_", 7) || !strcmp(field, "__syscall_nr"))
			continue;
		struct kernel_syscall_arg *arg = arena_alloc(a, sizeof(*arg));
		arg->name = field;
		arg->ctype = field_type(a, line);
		if (!arg->ctype)
			continue;
		vec_push(a, &found, arg);
	}
	fclose(f);
	*count = found.len;
	*args = arena_alloc(a, (found.len + 1) * sizeof(**args));
	for (size_t i = 0; i < found.len; i++)
		(*args)[i] = *(struct kernel_syscall_arg *)found.items[i];
	return TRACEFS_EVENT;
}

enum tracefs_answer kernel_tracefs_event(struct arena *a, const char *category,
					 const char *event, const char *const **fields)
{
	for (size_t i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		/* Mounted and readable: its events directory lists itself. */
		if (access(arena_printf(a, "%s/enable", tracefs_dirs[i]), R_OK) != 0)
			continue;
		const char *dir = arena_printf(a, "%s/%s/%s", tracefs_dirs[i], category, event);
		if (access(dir, F_OK) != 0)
			return TRACEFS_NO_EVENT;
		if (fields)
			*fields = format_fields(a, arena_printf(a, "%s/format", dir));
		return TRACEFS_EVENT;
	}
	return TRACEFS_UNAVAILABLE;
}
