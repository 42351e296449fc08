/* CUnit tests of src/check/btf.c against the running kernel's BTF: kernel types
 * every recent kernel has (xdp_md, sched_switch's record, do_exit), the
 * KernelScript type text of each kind of BTF type, tracepoint contexts, and
 * .kh text that parses.  Without /sys/kernel/btf/vmlinux the suite says so
 * and is skipped (exit status 77). */
#include "btf.h"

#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "unit.h"

static struct kernel_btf *kb;

static int suite_init(void)
{
	if (unit_suite_init())
		return 1;
	const char *why;
	kb = kernel_btf_load(unit.arena, NULL, &why);
	if (!kb) {
		fprintf(stderr, "btf_test: %s\n", why);
		return 1;
	}
	return 0;
}

static int suite_cleanup(void)
{
	kernel_btf_free(kb);
	kb = NULL;
	return unit_suite_cleanup();
}

static const struct kernel_member *member(const char *s, const char *m)
{
	const struct kernel_struct *ks = kernel_btf_struct(kb, s);
	return ks ? kernel_struct_member(ks, m) : NULL;
}

/* Whether member M of struct S has type text TYPE (and, when OFFSET is not
 * -1, that byte offset). */
static bool member_is(const char *s, const char *m, const char *type, long offset)
{
	const struct kernel_member *km = member(s, m);
	if (!km) {
		fprintf(stderr, "\n  no member %s.%s\n", s, m);
		return false;
	}
	if (strcmp(km->type, type) || (offset >= 0 && km->offset != (uint32_t)offset)) {
		fprintf(stderr, "\n  %s.%s is %s at %u, expected %s at %ld\n", s, m, km->type,
			km->offset, type, offset);
		return false;
	}
	return true;
}

/* The type text of the kernel typedef NAME. */
static const char *typedef_text(const char *name)
{
	uint32_t id = kernel_btf_find(kb, name, KERNEL_TYPEDEF);
	return id ? kernel_btf_type_text(kb, id) : "(none)";
}

static void test_load_errors(void)
{
	const char *why = NULL;
	CU_ASSERT_PTR_NULL(kernel_btf_load(unit.arena, "/nonexistent/vmlinux", &why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "No such file or directory"));

	char path[] = "/tmp/btf_test.XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, "not BTF\n", 8) == 8);
	close(fd);
	why = NULL;
	CU_ASSERT_PTR_NULL(kernel_btf_load(unit.arena, path, &why));
	unlink(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a BTF file"));

	kernel_btf_free(NULL);
}

static void test_explicit_path(void)
{
	const char *why = NULL;
	struct kernel_btf *other = kernel_btf_load(unit.arena, KERNEL_BTF_DEFAULT_PATH, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	CU_ASSERT_STRING_EQUAL(kernel_btf_path(other), KERNEL_BTF_DEFAULT_PATH);
	CU_ASSERT_PTR_NOT_NULL(kernel_btf_type(other, 1));
	CU_ASSERT(kernel_btf_is_struct(other, "xdp_md"));
	kernel_btf_free(other);
}

/* Our reader sees the kernel's BTF as libbpf does: the same records, the
 * same names, the same sizes, whether the index was built or mapped. */
static void same_as_libbpf(const struct kernel_btf *k, const struct btf *lib)
{
	uint32_t n = btf__type_cnt(lib), differ = 0;
	CU_ASSERT_EQUAL_FATAL(kernel_btf_type_count(k), n);
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *ours = kernel_btf_type(k, id), *theirs = btf__type_by_id(lib, id);
		differ += !ours || memcmp(ours, theirs, sizeof(*ours)) ||
			  strcmp(kernel_btf_name(k, ours->name_off),
				 btf__name_by_offset(lib, theirs->name_off));
		if (btf_is_composite(theirs) || btf_is_array(theirs) || btf_is_typedef(theirs)) {
			int64_t size = btf__resolve_size(lib, id);
			differ += size >= 0 && kernel_btf_size(k, id) != size;
		}
	}
	CU_ASSERT_EQUAL(differ, 0);
	CU_ASSERT_PTR_NULL(kernel_btf_type(k, n));
	CU_ASSERT_EQUAL(btf_kind(kernel_btf_type(k, 0)), 0);
}

static void test_like_libbpf(void)
{
	struct btf *lib = btf__load_vmlinux_btf();
	CU_ASSERT_FATAL(!libbpf_get_error(lib));
	const char *why = NULL;
	setenv("KERNELSCRIPT_CACHE_DIR", "", 1);
	struct kernel_btf *walked = kernel_btf_load(unit.arena, NULL, &why);
	unsetenv("KERNELSCRIPT_CACHE_DIR");
	CU_ASSERT_PTR_NOT_NULL_FATAL(walked);
	CU_ASSERT(!kernel_btf_index_cached(walked));
	same_as_libbpf(walked, lib);
	same_as_libbpf(kb, lib);
	kernel_btf_free(walked);
	btf__free(lib);
}

/* A small BTF file: int, struct pair { int a, b; }, struct pair *. */
static void *small_btf(uint32_t *size)
{
	struct btf *b = btf__new_empty();
	int i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int s = btf__add_struct(b, "pair", 8);
	btf__add_field(b, "a", i, 0, 0);
	btf__add_field(b, "b", i, 32, 0);
	btf__add_ptr(b, s);
	const void *raw = btf__raw_data(b, size);
	void *copy = malloc(*size);
	memcpy(copy, raw, *size);
	btf__free(b);
	return copy;
}

/* Loads the BYTES written to a file, the cache off. */
static struct kernel_btf *load_bytes(const void *bytes, size_t size, const char **why)
{
	char path[] = "/tmp/btf_test.XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, bytes, size) == (ssize_t)size);
	close(fd);
	setenv("KERNELSCRIPT_CACHE_DIR", "", 1);
	*why = NULL;
	struct kernel_btf *k = kernel_btf_load(unit.arena, path, why);
	unsetenv("KERNELSCRIPT_CACHE_DIR");
	unlink(path);
	return k;
}

/* An ELF file whose .BTF section is BTF at SKEW bytes past a 4-byte
 * boundary: what a vmlinux or an eBPF object looks like to the reader. */
static void *elf_around(const void *btf, uint32_t btf_size, size_t skew, size_t *size)
{
	static const char names[] = "\0.shstrtab\0.BTF";
	size_t btf_at = sizeof(Elf64_Ehdr) + sizeof(names) + 1 + skew;
	size_t sh_at = (btf_at + btf_size + 7) / 8 * 8;
	*size = sh_at + 3 * sizeof(Elf64_Shdr);
	unsigned char *f = calloc(1, *size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_REL;
	eh->e_shoff = sh_at;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 3;
	eh->e_shstrndx = 1;
	memcpy(f + sizeof(*eh), names, sizeof(names));
	memcpy(f + btf_at, btf, btf_size);
	Elf64_Shdr *sh = (Elf64_Shdr *)(f + sh_at);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = sizeof(*eh),
			      .sh_size = sizeof(names) };
	sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = btf_at,
			      .sh_size = btf_size };
	return f;
}

/* The .BTF section of an ELF file is read, aligned or not; an ELF file
 * without one is refused. */
static void test_elf(void)
{
	uint32_t btf_size;
	void *btf = small_btf(&btf_size);
	const char *why;
	for (size_t skew = 0; skew < 2; skew++) {
		size_t size;
		unsigned char *elf = elf_around(btf, btf_size, skew, &size);
		struct kernel_btf *k = load_bytes(elf, size, &why);
		CU_ASSERT_PTR_NOT_NULL(k);
		CU_ASSERT(k && kernel_btf_is_struct(k, "pair"));
		CU_ASSERT(k && !strcmp(kernel_btf_type_text(k, 3), "*pair"));
		kernel_btf_free(k);
		elf[sizeof(Elf64_Ehdr) + 12] = 'X';	/* .BTF is .BXF now */
		k = load_bytes(elf, size, &why);
		CU_ASSERT_PTR_NULL(k);
		CU_ASSERT(why && strstr(why, "nor an ELF file with a .BTF section"));
		free(elf);
	}
	free(btf);
}

/* A nameless struct shared by two nameless members at each of 40 levels,
 * which C cannot write but a damaged BTF can: flattening it is bounded
 * (it took 2^40 steps, found by fuzzing).  The alarm fails a hang. */
static void test_shared_nameless(void)
{
	struct btf *b = btf__new_empty();
	int prev = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	prev = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "x", 1, 0, 0);
	for (int level = 0; level < 40; level++) {
		int next = btf__add_struct(b, NULL, 4);
		btf__add_field(b, NULL, prev, 0, 0);
		btf__add_field(b, NULL, prev, 0, 0);
		prev = next;
	}
	btf__add_struct(b, "deep", 4);
	btf__add_field(b, NULL, prev, 0, 0);
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	const char *why;
	alarm(10);
	struct kernel_btf *k = load_bytes(raw, size, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	const struct kernel_struct *deep = kernel_btf_struct(k, "deep");
	CU_ASSERT(deep && deep->count > 0 && !strcmp(deep->members[0].name, "x"));
	alarm(0);
	kernel_btf_free(k);
	btf__free(b);
}

/* Damaged BTF is refused with what is wrong, never read past its end. */
static void test_damaged(void)
{
	uint32_t size;
	unsigned char *good = small_btf(&size), *bad = malloc(size);
	const struct btf_header *h = (const struct btf_header *)good;
	const char *why;
	struct kernel_btf *k = load_bytes(good, size, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT(kernel_btf_is_struct(k, "pair"));
	CU_ASSERT_STRING_EQUAL(kernel_btf_type_text(k, 3), "*pair");
	CU_ASSERT_EQUAL(kernel_btf_size(k, 2), 8);
	kernel_btf_free(k);

	/* type 1, the int, takes 16 bytes; type 2, the struct, 12 and 12 a member */
	size_t types = h->hdr_len + h->type_off, strings = h->hdr_len + h->str_off;
	struct { const char *what; size_t at; uint32_t value; const char *says; } cases[] = {
		{ "type section cut", offsetof(struct btf_header, type_len), h->type_len - 4,
		  "cut short" },
		{ "unknown kind", types + 16 + 4, (uint32_t)31 << 24 | 2, "unknown kind" },
		{ "member of no type", types + 16 + 12 + 4, 99, "lacks" },
		{ "name past the strings", types, 0xffff, "lacks" },
		{ "strings past the end", offsetof(struct btf_header, str_len), 4096, "outside" },
		{ "unknown version", 2, 7, "version" },
		{ "strings not ended", strings + h->str_len - 4, 0x41414141, "NUL" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(bad, good, size);
		if (cases[i].at == 2)
			bad[2] = (unsigned char)cases[i].value;
		else
			memcpy(bad + cases[i].at, &cases[i].value, 4);
		k = load_bytes(bad, size, &why);
		if (k || !why || !strstr(why, cases[i].says))
			fprintf(stderr, "\n  %s: %s\n", cases[i].what, k ? "loaded" : why);
		CU_ASSERT_PTR_NULL(k);
		CU_ASSERT(why && strstr(why, "cannot read BTF from") && strstr(why, cases[i].says));
		kernel_btf_free(k);
	}
	k = load_bytes(good, size / 2, &why);
	CU_ASSERT_PTR_NULL(k);
	free(good);
	free(bad);
}

static void test_names(void)
{
	CU_ASSERT(kernel_btf_is_struct(kb, "task_struct"));
	CU_ASSERT(kernel_btf_is_struct(kb, "xdp_md"));
	CU_ASSERT(!kernel_btf_is_struct(kb, "xdp_action"));
	CU_ASSERT(kernel_btf_is_enum(kb, "xdp_action"));
	CU_ASSERT(!kernel_btf_is_enum(kb, "xdp_md"));
	CU_ASSERT(kernel_btf_is_union(kb, "bpf_attr"));
	CU_ASSERT(!kernel_btf_is_struct(kb, "bpf_attr"));
	CU_ASSERT(kernel_btf_is_typedef(kb, "pid_t"));
	CU_ASSERT(kernel_btf_is_typedef(kb, "__u32"));
	CU_ASSERT(kernel_btf_find(kb, "do_exit", KERNEL_FUNC) != 0);
	CU_ASSERT(kernel_btf_find(kb, "no_such_kernel_thing", KERNEL_STRUCT) == 0);
	CU_ASSERT(kernel_btf_find(kb, "", KERNEL_STRUCT) == 0);
}

static void test_enumerators(void)
{
	int64_t value = -1;
	const char *enum_name = NULL;
	CU_ASSERT(kernel_btf_is_enumerator(kb, "XDP_PASS"));
	CU_ASSERT(kernel_btf_enumerator(kb, "XDP_PASS", &value, &enum_name));
	CU_ASSERT_EQUAL(value, 2);
	CU_ASSERT_STRING_EQUAL(enum_name, "xdp_action");
	CU_ASSERT(kernel_btf_enumerator(kb, "BPF_MAP_TYPE_HASH", &value, NULL));
	CU_ASSERT_EQUAL(value, 1);
	CU_ASSERT(kernel_btf_enumerator(kb, "XDP_DROP", NULL, NULL));
	CU_ASSERT(!kernel_btf_is_enumerator(kb, "XDP_PASSS"));
	CU_ASSERT(!kernel_btf_is_enumerator(kb, "xdp_md"));
	CU_ASSERT(!kernel_btf_is_enumerator(kb, "TC_ACT_OK"));	/* a macro */
	CU_ASSERT(!kernel_btf_enumerator(kb, "", &value, &enum_name));

	const struct kernel_enum *e = kernel_btf_enum(kb, "xdp_action");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->count, 5);
	CU_ASSERT_EQUAL(e->size, 4);
	CU_ASSERT_STRING_EQUAL(e->values[0].name, "XDP_ABORTED");
	CU_ASSERT_EQUAL(e->values[0].value, 0);
	CU_ASSERT_STRING_EQUAL(e->values[2].name, "XDP_PASS");
	CU_ASSERT_EQUAL(e->values[2].value, 2);
	CU_ASSERT_STRING_EQUAL(e->values[4].name, "XDP_REDIRECT");
	CU_ASSERT_PTR_NULL(kernel_btf_enum(kb, "xdp_md"));
}

static void test_xdp_md(void)
{
	static const char *const fields[] = {
		"data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index",
		"egress_ifindex",
	};
	const struct kernel_struct *s = kernel_btf_struct(kb, "xdp_md");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->name, "xdp_md");
	CU_ASSERT_EQUAL(s->size, 24);
	CU_ASSERT(!s->is_union);
	CU_ASSERT_EQUAL_FATAL(s->count, 6);
	for (size_t i = 0; i < 6; i++) {
		CU_ASSERT_STRING_EQUAL(s->members[i].name, fields[i]);
		CU_ASSERT_STRING_EQUAL(s->members[i].type, "u32");
		CU_ASSERT_EQUAL(s->members[i].offset, 4 * i);
		CU_ASSERT_EQUAL(s->members[i].bit_size, 0);
	}
	CU_ASSERT_PTR_NULL(kernel_struct_member(s, "nope"));
	CU_ASSERT_PTR_NULL(kernel_btf_struct(kb, "xdp_action"));
	CU_ASSERT_PTR_NULL(kernel_btf_struct(kb, "no_such_kernel_struct"));
}

static void test_sched_switch(void)
{
	const char *s = "trace_event_raw_sched_switch";
	CU_ASSERT(member_is(s, "ent", "trace_entry", 0));
	CU_ASSERT(member_is(s, "prev_comm", "char[16]", 8));
	CU_ASSERT(member_is(s, "prev_pid", "i32", 24));
	CU_ASSERT(member_is(s, "prev_prio", "i32", 28));
	CU_ASSERT(member_is(s, "prev_state", "i64", 32));
	CU_ASSERT(member_is(s, "next_comm", "char[16]", 40));
	CU_ASSERT(member_is(s, "next_pid", "i32", 56));
	CU_ASSERT(member_is(s, "next_prio", "i32", 60));
	CU_ASSERT(member_is("trace_entry", "type", "u16", 0));
	CU_ASSERT(member_is("trace_entry", "pid", "i32", 4));
}

static void test_type_text(void)
{
	/* Typedefs resolve to what they name. */
	CU_ASSERT_STRING_EQUAL(typedef_text("__u32"), "u32");
	CU_ASSERT_STRING_EQUAL(typedef_text("__s64"), "i64");
	CU_ASSERT_STRING_EQUAL(typedef_text("u8"), "u8");
	CU_ASSERT_STRING_EQUAL(typedef_text("pid_t"), "i32");
	CU_ASSERT_STRING_EQUAL(typedef_text("size_t"), "u64");
	CU_ASSERT_STRING_EQUAL(typedef_text("bool"), "bool");
	CU_ASSERT_STRING_EQUAL(typedef_text("refcount_t"), "refcount_struct");
	/* ... but a typedef of an anonymous struct keeps its own name. */
	CU_ASSERT_STRING_EQUAL(typedef_text("atomic_t"), "atomic_t");
	CU_ASSERT_STRING_EQUAL(kernel_btf_type_text(kb, 0), "void");

	/* Pointers, arrays, nameless members, function pointers. */
	CU_ASSERT(member_is("task_struct", "real_parent", "*task_struct", -1));
	CU_ASSERT(member_is("task_struct", "comm", "char[16]", -1));
	CU_ASSERT(member_is("task_struct", "pid", "i32", -1));
	CU_ASSERT(member_is("list_head", "next", "*list_head", 0));
	CU_ASSERT(member_is("file", "private_data", "*void", -1));
	CU_ASSERT(member_is("linux_binprm", "filename", "*u8", -1));
	CU_ASSERT(member_is("file_operations", "read", "*void", -1));
	CU_ASSERT(member_is("__sk_buff", "cb", "u32[5]", 48));
	CU_ASSERT(member_is("__sk_buff", "tstamp", "u64", -1));
	CU_ASSERT(member_is("__sk_buff", "flow_keys", "*bpf_flow_keys", 144));
	CU_ASSERT(member_is("__sk_buff", "sk", "*bpf_sock", 168));
	CU_ASSERT(member_is("bpf_sock", "family", "u32", 4));

	/* A bitfield keeps its integer type and says where its bits are. */
	const struct kernel_member *m = member("sk_buff", "fclone");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(m->type, "u8");
	CU_ASSERT_EQUAL(m->bit_size, 2);
	CU_ASSERT_EQUAL(m->offset, m->bit_offset / 8);

	/* A union. */
	const struct kernel_struct *u = kernel_btf_struct(kb, "sigval");
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT(u->is_union);
	CU_ASSERT(member_is("sigval", "sival_int", "i32", 0));
	CU_ASSERT(member_is("sigval", "sival_ptr", "*void", 0));

	/* By id, through a typedef. */
	const struct kernel_struct *r =
		kernel_btf_struct_by_id(kb, kernel_btf_find(kb, "refcount_t", KERNEL_TYPEDEF));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->name, "refcount_struct");
	const struct kernel_struct *at =
		kernel_btf_struct_by_id(kb, kernel_btf_find(kb, "atomic_t", KERNEL_TYPEDEF));
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT_STRING_EQUAL(at->name, "atomic_t");
	CU_ASSERT(at->count == 1 && !strcmp(at->members[0].name, "counter"));
	CU_ASSERT_PTR_NULL(kernel_btf_struct_by_id(kb, kernel_btf_find(kb, "pid_t", KERNEL_TYPEDEF)));
}

/* Every type of the kernel has a type text, and every struct and union
 * its members. */
static void test_every_type(void)
{
	uint32_t n = kernel_btf_type_count(kb);
	size_t empty = 0, composites = 0, members = 0;
	for (uint32_t id = 0; id < n; id++) {
		const char *text = kernel_btf_type_text(kb, id);
		if (!text || !*text)
			empty++;
		const struct btf_type *t = kernel_btf_type(kb, id);
		if (id && btf_is_composite(t)) {
			const struct kernel_struct *s = kernel_btf_struct_by_id(kb, id);
			composites += s != NULL;
			members += s ? s->count : 0;
		}
	}
	CU_ASSERT_EQUAL(empty, 0);
	CU_ASSERT(composites > 1000);
	CU_ASSERT(members > composites);
}

static void test_func(void)
{
	const struct kernel_func *f = kernel_btf_func(kb, "do_exit");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->ret, "void");
	CU_ASSERT_EQUAL_FATAL(f->count, 1);
	CU_ASSERT_STRING_EQUAL(f->params[0].name, "code");
	CU_ASSERT_STRING_EQUAL(f->params[0].type, "i64");
	CU_ASSERT(!f->variadic);

	f = kernel_btf_func(kb, "vfs_read");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->ret, "i64");
	CU_ASSERT_EQUAL_FATAL(f->count, 4);
	CU_ASSERT_STRING_EQUAL(f->params[0].type, "*file");
	CU_ASSERT_STRING_EQUAL(f->params[1].type, "*u8");
	CU_ASSERT_STRING_EQUAL(f->params[2].type, "u64");
	CU_ASSERT_STRING_EQUAL(f->params[3].type, "*i64");

	f = kernel_btf_func(kb, "_printk");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(f->variadic);
	CU_ASSERT_EQUAL(f->count, 1);

	CU_ASSERT_PTR_NULL(kernel_btf_func(kb, "no_such_kernel_function"));
	CU_ASSERT_PTR_NULL(kernel_btf_func(kb, "xdp_md"));
}

static bool tracepoint_is(const char *target, const char *context, bool syscall)
{
	struct kernel_tracepoint tp;
	const char *why = NULL;
	if (!kernel_btf_tracepoint(kb, target, NULL, &tp, &why)) {
		fprintf(stderr, "\n  %s: %s\n", target, why);
		return false;
	}
	if (strcmp(tp.context, context) || tp.syscall != syscall || tp.ncandidates ||
	    tp.context_id != kernel_btf_find(kb, context, KERNEL_STRUCT)) {
		fprintf(stderr, "\n  %s: %s, expected %s\n", target, tp.context, context);
		return false;
	}
	return true;
}

static bool tracepoint_fails(const char *target, const char *why_part)
{
	struct kernel_tracepoint tp;
	const char *why = NULL;
	if (kernel_btf_tracepoint(kb, target, NULL, &tp, &why)) {
		fprintf(stderr, "\n  %s resolved to %s\n", target, tp.context);
		return false;
	}
	if (!why || !strstr(why, why_part)) {
		fprintf(stderr, "\n  %s: '%s' does not say '%s'\n", target, why ? why : "", why_part);
		return false;
	}
	return true;
}

static void test_tracepoints(void)
{
	CU_ASSERT(tracepoint_is("sched/sched_switch", "trace_event_raw_sched_switch", false));
	CU_ASSERT(tracepoint_is("syscalls/sys_enter_read", "trace_event_raw_sys_enter", true));
	CU_ASSERT(tracepoint_is("syscalls/sys_exit_openat", "trace_event_raw_sys_exit", true));
	CU_ASSERT(tracepoint_is("raw_syscalls/sys_enter", "trace_event_raw_sys_enter", false));

	struct kernel_tracepoint tp;
	const char *why = NULL;
	CU_ASSERT_FATAL(kernel_btf_tracepoint(kb, "sched/sched_switch", NULL, &tp, &why));
	CU_ASSERT_STRING_EQUAL(tp.category, "sched");
	CU_ASSERT_STRING_EQUAL(tp.event, "sched_switch");

	CU_ASSERT(tracepoint_fails("sched/no_such_event", "no tracepoint 'sched/no_such_event'"));
	CU_ASSERT(tracepoint_fails("syscalls/sys_enter_no_such_call", "no syscall 'no_such_call'"));
	CU_ASSERT(tracepoint_fails("syscalls/sys_read", "sys_enter_NAME"));
	CU_ASSERT(tracepoint_fails("syscalls/sys_enter_", "sys_enter_NAME"));
	CU_ASSERT(tracepoint_fails("sched_switch", "category/event"));
	CU_ASSERT(tracepoint_fails("/sched_switch", "category/event"));
	CU_ASSERT(tracepoint_fails("sched/", "category/event"));
	CU_ASSERT(tracepoint_fails("a/b/c", "category/event"));
	CU_ASSERT(tracepoint_fails("sched/sched switch", "category/event"));
}

/* sched_wakeup is defined from the class sched_wakeup_template, which
 * BTF cannot name for certain: fields decide, or a guess with candidates. */
static void test_tracepoint_classes(void)
{
	static const char *const wakeup[] = { "comm", "pid", "prio", "target_cpu", NULL };
	static const char *const process[] = { "comm", "pid", "prio", NULL };
	static const char *const nothing[] = { "no_such_field", NULL };
	struct kernel_tracepoint tp;
	const char *why = NULL;

	CU_ASSERT_FATAL(kernel_btf_tracepoint(kb, "sched/sched_wakeup", wakeup, &tp, &why));
	CU_ASSERT_STRING_EQUAL(tp.context, "trace_event_raw_sched_wakeup_template");
	CU_ASSERT_EQUAL(tp.ncandidates, 0);

	CU_ASSERT_FATAL(kernel_btf_tracepoint(kb, "sched/sched_process_free", process, &tp, &why));
	CU_ASSERT_STRING_EQUAL(tp.context, "trace_event_raw_sched_process_template");
	CU_ASSERT_EQUAL(tp.ncandidates, 0);

	CU_ASSERT_FATAL(kernel_btf_tracepoint(kb, "sched/sched_wakeup", NULL, &tp, &why));
	CU_ASSERT_STRING_EQUAL(tp.context, "trace_event_raw_sched_wakeup_template");
	CU_ASSERT_FATAL(tp.ncandidates > 1);
	CU_ASSERT_STRING_EQUAL(tp.candidates[0], tp.context);
	bool has_process = false;
	for (size_t i = 0; i < tp.ncandidates; i++)
		has_process |= !strcmp(tp.candidates[i], "trace_event_raw_sched_process_template");
	CU_ASSERT(has_process);

	/* Fields that match no candidate leave the guess. */
	CU_ASSERT_FATAL(kernel_btf_tracepoint(kb, "sched/sched_wakeup", nothing, &tp, &why));
	CU_ASSERT_STRING_EQUAL(tp.context, "trace_event_raw_sched_wakeup_template");
	CU_ASSERT(tp.ncandidates > 1);
}

static const char *render(const char *const *names)
{
	const char *missing = NULL;
	const char *text = kernel_btf_render(kb, names, &missing);
	if (!text)
		fprintf(stderr, "\n  no kernel type %s\n", missing);
	return text;
}

static bool parses(const char *text)
{
	unit_parse(text);
	if (unit.errors)
		fprintf(stderr, "\n%s\n%s", text, unit.diags);
	return unit.errors == 0;
}

static void test_render_xdp(void)
{
	static const char *const names[] = { "xdp_md", "xdp_action", NULL };
	const char *text = render(names);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text,
			       "struct xdp_md {\n"
			       "    data: u32,\n"
			       "    data_end: u32,\n"
			       "    data_meta: u32,\n"
			       "    ingress_ifindex: u32,\n"
			       "    rx_queue_index: u32,\n"
			       "    egress_ifindex: u32,\n"
			       "}\n"
			       "\n"
			       "enum xdp_action {\n"
			       "    XDP_ABORTED = 0,\n"
			       "    XDP_DROP = 1,\n"
			       "    XDP_PASS = 2,\n"
			       "    XDP_TX = 3,\n"
			       "    XDP_REDIRECT = 4,\n"
			       "}\n");
	CU_ASSERT(parses(text));
}

static void test_render_dependencies(void)
{
	/* What a struct holds by value comes first, once. */
	static const char *const tp[] = { "trace_event_raw_sched_switch", "trace_entry", NULL };
	const char *text = render(tp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	const char *entry = strstr(text, "struct trace_entry {\n");
	const char *raw = strstr(text, "struct trace_event_raw_sched_switch {\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	CU_ASSERT(entry < raw);
	CU_ASSERT_PTR_NULL(strstr(entry + 1, "struct trace_entry {"));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "    prev_pid: i32,\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "    next_comm: char[16],\n"));
	/* The flexible array __data is a comment. */
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "    // __data: char[0], a flexible array"));
	CU_ASSERT(parses(text));

	/* Pointed-to structs are not pulled in. */
	static const char *const skb[] = { "__sk_buff", NULL };
	text = render(skb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "    flow_keys: *bpf_flow_keys,\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "struct bpf_flow_keys {"));
	CU_ASSERT(parses(text));

	/* Through typedefs: kref holds refcount_t, a typedef of struct
	 * refcount_struct, which holds atomic_t, a typedef of an anonymous
	 * struct. */
	static const char *const kref[] = { "kref", NULL };
	text = render(kref);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	const char *atomic = strstr(text, "struct atomic_t {\n    counter: i32,\n}\n");
	const char *refcount = strstr(text, "struct refcount_struct {\n    refs: atomic_t,\n}\n");
	const char *k = strstr(text, "struct kref {\n    refcount: refcount_struct,\n}\n");
	CU_ASSERT(atomic && refcount && k && atomic < refcount && refcount < k);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "// atomic_t is a typedef of an anonymous struct in C\n"));
	CU_ASSERT(parses(text));
}

static void test_render_union_and_bitfields(void)
{
	static const char *const names[] = { "sigval", NULL };
	const char *text = render(names);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text,
			       "// union sigval in C: its members share their bytes\n"
			       "struct sigval {\n"
			       "    sival_int: i32,\n"
			       "    sival_ptr: *void,\n"
			       "}\n");
	CU_ASSERT(parses(text));

	static const char *const skb[] = { "sk_buff", NULL };
	text = render(skb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "    fclone: u8, // bitfield: 2 bits from bit "));
	CU_ASSERT(parses(text));
}

static void test_render_missing(void)
{
	static const char *const names[] = { "xdp_md", "no_such_kernel_type", NULL };
	const char *missing = NULL;
	CU_ASSERT_PTR_NULL(kernel_btf_render(kb, names, &missing));
	CU_ASSERT_STRING_EQUAL(missing, "no_such_kernel_type");
	static const char *const none[] = { NULL };
	const char *text = kernel_btf_render(kb, none, &missing);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, "");
}

/* Loads the running kernel's BTF with the cache in DIR: the index's
 * answers, and whether it came from the cache. */
static bool load_with_cache(const char *dir, bool *cached)
{
	const char *why;
	setenv("KERNELSCRIPT_CACHE_DIR", dir, 1);
	struct kernel_btf *k = kernel_btf_load(unit.arena, NULL, &why);
	unsetenv("KERNELSCRIPT_CACHE_DIR");
	if (!k)
		return false;
	*cached = kernel_btf_index_cached(k);
	int64_t pass = -1;
	struct kernel_tracepoint tp, want;
	bool same = kernel_btf_tracepoint(k, "sched/sched_wakeup", NULL, &tp, &why) &&
		    kernel_btf_tracepoint(kb, "sched/sched_wakeup", NULL, &want, &why) &&
		    tp.context_id == want.context_id &&
		    kernel_btf_find(k, "xdp_md", KERNEL_STRUCT) ==
		    kernel_btf_find(kb, "xdp_md", KERNEL_STRUCT) &&
		    kernel_btf_find(k, "task_struct", KERNEL_STRUCT) ==
		    kernel_btf_find(kb, "task_struct", KERNEL_STRUCT) &&
		    !kernel_btf_find(k, "no_such_kernel_type", KERNEL_STRUCT) &&
		    kernel_btf_enumerator(k, "XDP_PASS", &pass, NULL) && pass == 2;
	kernel_btf_free(k);
	return same;
}

/* The index is written to the cache once and mapped from it afterwards,
 * with the same answers; a damaged file is rebuilt; "" turns it off; old
 * ones go. */
static void test_index_cache(void)
{
	char dir[] = "/tmp/btf_test.XXXXXX", cmd[160];
	bool cached = true;
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT(load_with_cache(dir, &cached));
	CU_ASSERT(!cached);
	CU_ASSERT(load_with_cache(dir, &cached));
	CU_ASSERT(cached);
	/* cut the file short: ignored, and written anew */
	snprintf(cmd, sizeof(cmd), "truncate -s 100 %s/btf-index-*", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT(load_with_cache(dir, &cached));
	CU_ASSERT(!cached);
	CU_ASSERT(load_with_cache(dir, &cached));
	CU_ASSERT(cached);
	CU_ASSERT(load_with_cache("", &cached));
	CU_ASSERT(!cached);
	/* writing an index removes those unused for 30 days, not the others */
	snprintf(cmd, sizeof(cmd), "cd %s && rm btf-index-* && touch -d '-40 days' btf-index-0 && "
		 "touch btf-index-1", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT(load_with_cache(dir, &cached));
	CU_ASSERT(!cached);
	snprintf(cmd, sizeof(cmd), "cd %s && ! test -e btf-index-0 && test -e btf-index-1", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

int main(void)
{
	if (access(KERNEL_BTF_DEFAULT_PATH, R_OK) != 0) {
		printf("btf_test: skipped: cannot read %s (%s): this kernel exposes no BTF\n",
		       KERNEL_BTF_DEFAULT_PATH, strerror(errno));
		return 77;
	}
	CU_TestInfo tests[] = {
		{ "load errors", test_load_errors },
		{ "explicit path", test_explicit_path },
		{ "like libbpf", test_like_libbpf },
		{ "damaged", test_damaged },
		{ "ELF", test_elf },
		{ "shared nameless members", test_shared_nameless },
		{ "names", test_names },
		{ "enumerators", test_enumerators },
		{ "xdp_md", test_xdp_md },
		{ "sched_switch record", test_sched_switch },
		{ "type text", test_type_text },
		{ "every type", test_every_type },
		{ "functions", test_func },
		{ "tracepoints", test_tracepoints },
		{ "tracepoint classes", test_tracepoint_classes },
		{ "render xdp", test_render_xdp },
		{ "render dependencies", test_render_dependencies },
		{ "render union, bitfields", test_render_union_and_bitfields },
		{ "render missing", test_render_missing },
		{ "index cache", test_index_cache },
		CU_TEST_INFO_NULL,
	};
	return unit_main_with("btf", tests, suite_init, suite_cleanup);
}
