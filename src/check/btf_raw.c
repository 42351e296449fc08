#include "btf_raw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <elf.h>

#include <bpf/btf.h>

#define SYSFS_MAGIC 0x62656572

/* Modifiers and typedefs chain; no real type comes near this depth. */
#define MAX_DEPTH 64

/* ---- opening ------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * The cache key, from what names the file's bytes without reading them:
 * the kernel's BTF cannot change before the next boot, so it is named by
 * the boot; a file by its inode, size and times, as make and git do.  A
 * file changed in the last two seconds could change again within the
 * same time stamp, so its index is not kept (git's "racy" rule).
 */
static void identify(struct raw_btf *rb, int fd)
{
	struct stat st;
	struct statfs fs;
	rb->cacheable = false;
	if (fstat(fd, &st) != 0 || fstatfs(fd, &fs) != 0)
		return;
	uint64_t h = fnv(0xcbf29ce484222325ULL, &st.st_size, sizeof(st.st_size));
	h = fnv(h, &st.st_dev, sizeof(st.st_dev));
	h = fnv(h, &st.st_ino, sizeof(st.st_ino));
	if (fs.f_type == SYSFS_MAGIC) {
		char boot[64] = "";
		FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
		bool ok = f && fgets(boot, sizeof(boot), f);
		if (f)
			fclose(f);
		if (!ok)
			return;
		h = fnv(h, boot, strlen(boot));
	} else {
		h = fnv(h, &st.st_mtim, sizeof(st.st_mtim));
		h = fnv(h, &st.st_ctim, sizeof(st.st_ctim));
		time_t now = time(NULL);
		if (st.st_mtim.tv_sec >= now - 2 || st.st_ctim.tv_sec >= now - 2)
			return;
	}
	rb->key = h;
	rb->cacheable = true;
}

/* The whole of FD, mapped or else read. */
static bool take_bytes(struct raw_btf *rb, int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return false;
	if (st.st_size > 0 && (uint64_t)st.st_size < UINT32_MAX) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			rb->file = p;
			rb->file_size = (size_t)st.st_size;
			rb->mapped = true;
			return true;
		}
	}
	/* sysfs before 6.16 maps nothing, and says its size is 0 or a guess */
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap);
	for (ssize_t n; buf; len += (size_t)n) {
		if (len == cap) {
			unsigned char *bigger = cap < UINT32_MAX / 2 ? realloc(buf, cap *= 2) : NULL;
			if (!bigger)
				break;
			buf = bigger;
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0) {
			rb->file = buf;
			rb->file_size = len;
			return true;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (n < 0)
			n = 0;
	}
	free(buf);
	return false;
}

/* The .BTF section of the ELF file in rb->file, as rb->data: whether it
 * has one.  In this machine's byte order, 64-bit: vmlinux as built here. */
static bool find_elf_section(struct raw_btf *rb)
{
	const unsigned char *f = rb->file;
	size_t size = rb->file_size;
	const Elf64_Ehdr *eh = rb->file;
	if (size < sizeof(*eh) || memcmp(f, ELFMAG, SELFMAG) || f[EI_CLASS] != ELFCLASS64 ||
	    f[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB) ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 || eh->e_shoff > size)
		return false;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(f + eh->e_shoff);
	uint64_t count = eh->e_shnum, names = eh->e_shstrndx;
	if (size - eh->e_shoff < sizeof(*sh))
		return false;
	if (!count)			/* more than 0xff00: counted in section 0 */
		count = sh[0].sh_size;
	if (names == SHN_XINDEX)
		names = sh[0].sh_link;
	if (count > (size - eh->e_shoff) / sizeof(*sh) || names >= count ||
	    sh[names].sh_offset > size || sh[names].sh_size > size - sh[names].sh_offset)
		return false;
	const char *strings = (const char *)f + sh[names].sh_offset;
	uint64_t strings_len = sh[names].sh_size;
	for (uint64_t i = 1; i < count; i++) {
		if (sh[i].sh_name >= strings_len || sh[i].sh_type == SHT_NOBITS ||
		    strnlen(strings + sh[i].sh_name, strings_len - sh[i].sh_name) != 4 ||
		    memcmp(strings + sh[i].sh_name, ".BTF", 4))
			continue;
		if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
			return false;
		rb->data = f + sh[i].sh_offset;
		rb->size = sh[i].sh_size;
		return true;
	}
	return false;
}

/* A section that does not start on a 4-byte boundary, copied to one, so
 * that its types can be read in place. */
static bool realign(struct raw_btf *rb)
{
	size_t size = rb->size;
	void *copy = malloc(size);
	if (!copy)
		return false;
	memcpy(copy, rb->data, size);
	raw_btf_close(rb);
	rb->file = copy;
	rb->data = copy;
	rb->file_size = rb->size = size;
	return true;
}

/* The first two bytes of the BTF, 0 when it is shorter than a header.
 * Copied out: an ELF section may start at any byte. */
static uint16_t magic_of(const struct raw_btf *rb)
{
	uint16_t magic = 0;
	if (rb->size >= sizeof(struct btf_header))
		memcpy(&magic, rb->data, sizeof(magic));
	return magic;
}

static bool bad(struct arena *a, const char **why, const char *what)
{
	*why = arena_strdup(a, what);
	return false;
}

/* Checks the header and finds the sections. */
static bool read_header(struct raw_btf *rb, struct arena *a, const char **why)
{
	const struct btf_header *h = rb->data;
	if (h->version != 1 || h->hdr_len < sizeof(*h) || h->hdr_len > rb->size)
		return bad(a, why, "a BTF header this version does not know");
	uint64_t body = rb->size - h->hdr_len;
	if ((uint64_t)h->type_off + h->type_len > body || (uint64_t)h->str_off + h->str_len > body ||
	    (h->hdr_len + h->type_off) % 4 != 0)
		return bad(a, why, "BTF whose sections lie outside it");
	rb->types = (const unsigned char *)rb->data + h->hdr_len + h->type_off;
	rb->types_len = h->type_len;
	rb->strings = (const char *)rb->data + h->hdr_len + h->str_off;
	rb->strings_len = h->str_len;
	if (!rb->strings_len || rb->strings[0] || rb->strings[rb->strings_len - 1])
		return bad(a, why, "BTF whose strings do not begin and end with NUL");
	return true;
}

bool raw_btf_open(struct raw_btf *rb, const char *path, struct arena *a, const char **why)
{
	*rb = (struct raw_btf){ 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = arena_printf(a, "%s", strerror(errno));
		return false;
	}
	bool ok = take_bytes(rb, fd);
	int err = errno;
	if (ok)
		identify(rb, fd);
	close(fd);
	if (!ok) {
		*why = arena_printf(a, "%s", strerror(err));
		return false;
	}
	errno = 0;	/* from here on, the bytes are wrong, not the file */
	rb->data = rb->file;
	rb->size = rb->file_size;
	uint16_t magic = magic_of(rb);
	if (magic != BTF_MAGIC && !find_elf_section(rb)) {
		raw_btf_close(rb);
		*why = arena_strdup(a, magic == __builtin_bswap16(BTF_MAGIC)
				    ? "BTF in the other byte order, which is not read"
				    : "not a BTF file, nor an ELF file with a .BTF section");
		return false;
	}
	if (magic_of(rb) != BTF_MAGIC) {
		raw_btf_close(rb);
		return bad(a, why, "an ELF file whose .BTF section is not BTF as this machine "
			   "writes it");
	}
	if ((uintptr_t)rb->data % 4 && !realign(rb)) {
		raw_btf_close(rb);
		return bad(a, why, strerror(ENOMEM));
	}
	if (!read_header(rb, a, why)) {
		raw_btf_close(rb);
		return false;
	}
	return true;
}

void raw_btf_close(struct raw_btf *rb)
{
	if (rb->file && rb->mapped)
		munmap(rb->file, rb->file_size);
	else
		free(rb->file);
	rb->file = NULL;
	rb->data = NULL;
	rb->file_size = rb->size = 0;
	rb->mapped = false;
}

/* ---- checking ----------------------------------------------------------- */

/* The bytes after T's struct btf_type; -1 for a kind not known. */
static int64_t tail_size(const struct btf_type *t)
{
	uint64_t vlen = btf_vlen(t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (int64_t)(vlen * sizeof(struct btf_member));
	case BTF_KIND_ENUM:
		return (int64_t)(vlen * sizeof(struct btf_enum));
	case BTF_KIND_ENUM64:
		return (int64_t)(vlen * sizeof(struct btf_enum64));
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)(vlen * sizeof(struct btf_param));
	case BTF_KIND_DATASEC:
		return (int64_t)(vlen * sizeof(struct btf_var_secinfo));
	default:
		return -1;
	}
}

/* Whether T's names are strings and the types it names are ids. */
static bool refs_ok(const struct raw_btf *rb, const struct btf_type *t)
{
	uint32_t n = rb->count, s = rb->strings_len, vlen = btf_vlen(t);
	if (t->name_off >= s)
		return false;
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return t->type < n;
	case BTF_KIND_ARRAY:
		return btf_array(t)->type < n && btf_array(t)->index_type < n;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (uint32_t i = 0; i < vlen; i++)
			if (btf_members(t)[i].type >= n || btf_members(t)[i].name_off >= s)
				return false;
		return true;
	case BTF_KIND_ENUM:
		for (uint32_t i = 0; i < vlen; i++)
			if (btf_enum(t)[i].name_off >= s)
				return false;
		return true;
	case BTF_KIND_ENUM64:
		for (uint32_t i = 0; i < vlen; i++)
			if (btf_enum64(t)[i].name_off >= s)
				return false;
		return true;
	case BTF_KIND_FUNC_PROTO:
		for (uint32_t i = 0; i < vlen; i++)
			if (btf_params(t)[i].type >= n || btf_params(t)[i].name_off >= s)
				return false;
		return t->type < n;
	case BTF_KIND_DATASEC:
		for (uint32_t i = 0; i < vlen; i++)
			if (btf_var_secinfos(t)[i].type >= n)
				return false;
		return true;
	default:
		return true;
	}
}

bool raw_btf_walk(struct raw_btf *rb, struct arena *a, const char **why)
{
	uint32_t count = 1;
	for (uint32_t off = 0; off < rb->types_len; count++) {
		if (rb->types_len - off < sizeof(struct btf_type))
			return bad(a, why, "BTF whose last type is cut short");
		const struct btf_type *t = (const struct btf_type *)(rb->types + off);
		int64_t tail = tail_size(t);
		if (tail < 0 || !btf_kind(t)) {
			*why = arena_printf(a, "BTF with type %u of unknown kind %u", count, btf_kind(t));
			return false;
		}
		if ((uint64_t)tail > rb->types_len - off - sizeof(struct btf_type))
			return bad(a, why, "BTF whose last type is cut short");
		off += sizeof(struct btf_type) + (uint32_t)tail;
	}
	uint32_t *offsets = arena_alloc(a, (size_t)count * sizeof(*offsets));
	uint32_t id = 1;
	for (uint32_t off = 0; off < rb->types_len; id++) {
		const struct btf_type *t = (const struct btf_type *)(rb->types + off);
		offsets[id] = off;
		off += sizeof(struct btf_type) + (uint32_t)tail_size(t);
	}
	rb->offsets = offsets;
	rb->count = count;
	for (id = 1; id < count; id++)
		if (!refs_ok(rb, raw_btf_type(rb, id))) {
			*why = arena_printf(a, "BTF whose type %u names a string or type it lacks", id);
			rb->offsets = NULL;
			rb->count = 0;
			return false;
		}
	return true;
}

/* ---- reading ------------------------------------------------------------ */

const struct btf_type *raw_btf_type(const struct raw_btf *rb, uint32_t id)
{
	static const struct btf_type void_type;
	if (!id)
		return &void_type;
	if (id >= rb->count || rb->offsets[id] > rb->types_len - sizeof(struct btf_type))
		return NULL;
	return (const struct btf_type *)(rb->types + rb->offsets[id]);
}

int64_t raw_btf_size(const struct raw_btf *rb, uint32_t id)
{
	uint64_t elems = 1;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = id ? raw_btf_type(rb, id) : NULL;
		if (!t)
			return -1;
		switch (btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			return elems * t->size > INT64_MAX / 2 ? -1 : (int64_t)(elems * t->size);
		case BTF_KIND_PTR:
			return (int64_t)(elems * sizeof(void *));
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		case BTF_KIND_ARRAY:
			elems *= btf_array(t)->nelems;
			if (elems > UINT32_MAX)
				return -1;
			id = btf_array(t)->type;
			break;
		default:
			return -1;
		}
	}
	return -1;
}
