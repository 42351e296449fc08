/* Source files and spans.  A span is a byte range in one source; line and
 * column are computed only when a diagnostic is printed. */
#ifndef KS_SOURCE_H
#define KS_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct source {
	const char *name;	/* as given on the command line or in include */
	const char *text;	/* NUL-terminated; may contain other NULs */
	uint32_t len;
	uint32_t *line_starts;	/* byte offset of each line's first byte */
	uint32_t nlines;
};

struct span {
	const struct source *src;
	uint32_t begin;		/* byte offset of the first byte */
	uint32_t end;		/* byte offset one past the last byte */
};

/* Largest source accepted: spans hold 32-bit offsets. */
#define SOURCE_MAX_LEN (256u * 1024 * 1024)

/* Reads PATH into the arena.  On failure returns NULL and sets *why to a
 * static description (strerror text or "file too large"). */
struct source *source_load(struct arena *a, const char *path, const char **why);
struct source *source_from_memory(struct arena *a, const char *name,
				  const char *text, size_t len);

/* A hash of SRC's text (64-bit FNV-1a): which source a build came from. */
uint64_t source_hash(const struct source *src);

/* 1-based line and column (columns count characters, a tab counts one). */
void source_line_col(const struct source *src, uint32_t offset,
		     unsigned *line, unsigned *col);
/* The bytes of 1-based LINE, without its newline. */
const char *source_line(const struct source *src, unsigned line, uint32_t *len);

/* Number of bytes in the UTF-8 sequence starting at S (at most N bytes
 * available), or 0 if S does not start a valid sequence. */
unsigned utf8_sequence_length(const unsigned char *s, size_t n);

#endif
