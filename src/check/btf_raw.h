/* Raw BTF: the bytes of a BTF file, checked, and its types by id.
 *
 * The kernel's BTF is 5 MB or more.  libbpf's btf__new copies all of it
 * and indexes every type, which cost more than the rest of a compile;
 * here the bytes are mapped where the kernel or the file system allows,
 * and the one table made from them, where each type starts, is kept in
 * the index cache with btf.c's name tables.  A compile then reads only
 * the pages of the types it uses.
 *
 * A file is checked once, by raw_btf_walk(): every record within the type
 * section, every name within the strings, every type it refers to within
 * the ids.  After that, raw_btf_type() and raw_btf_name() answer without
 * checks beyond the id's range.  Only BTF in this machine's byte order is
 * read (as the kernel writes it), raw or as an ELF file's .BTF section. */
#ifndef KS_BTF_RAW_H
#define KS_BTF_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/btf.h>

#include "arena.h"

struct raw_btf {
	void *file;			/* the file's bytes */
	size_t file_size;
	bool mapped;			/* munmap()ed rather than free()d */
	const void *data;		/* the BTF in them: header, types, strings */
	size_t size;
	const unsigned char *types;	/* the type section */
	uint32_t types_len;
	const char *strings;		/* the string section */
	uint32_t strings_len;
	const uint32_t *offsets;	/* offsets[id]: where type ID starts in types */
	uint32_t count;			/* ids, void's 0 included */
	uint64_t key;			/* names this file's bytes for the cache */
	bool cacheable;			/* whether key is sure to */
};

/* Opens the BTF at PATH, raw or in an ELF file's .BTF section, and checks
 * its header.  On failure returns false with *why (in A); errno is then
 * ENOENT and the like when PATH could not be read at all. */
bool raw_btf_open(struct raw_btf *rb, const char *path, struct arena *a, const char **why);
/* Checks every type and fills rb->offsets (in A). */
bool raw_btf_walk(struct raw_btf *rb, struct arena *a, const char **why);
/* Releases the bytes.  Safe to call twice. */
void raw_btf_close(struct raw_btf *rb);

/* Type ID; void (kind 0) for 0; NULL past the last. */
const struct btf_type *raw_btf_type(const struct raw_btf *rb, uint32_t id);

/* The string at OFF; NULL past the string section. */
static inline const char *raw_btf_name(const struct raw_btf *rb, uint32_t off)
{
	return off < rb->strings_len ? rb->strings + off : NULL;
}

/* The size of type ID in bytes, as sizeof would say; -1 when it has none. */
int64_t raw_btf_size(const struct raw_btf *rb, uint32_t id);

#endif
