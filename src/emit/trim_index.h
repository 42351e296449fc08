/*
 * What trimming the runtime headers needs to know of them (emit_trim.c):
 * where each top-level declaration starts and ends, the names it declares
 * and the declared names it uses.  It depends on the headers alone, so the
 * build works it out once for the headers built into kernelscript
 * (trim_builtin, written by the trim-index program into trim_data.c), and
 * kernelscript works it out at run time only for headers it reads from
 * $KERNELSCRIPT_TEMPLATES.  No pointers inside: the table is printable as C.
 */
#ifndef KS_TRIM_INDEX_H
#define KS_TRIM_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

enum {
	TRIM_DECLARES = 1,	/* kept only when reached */
	TRIM_COMMENT = 2,	/* a comment, kept with the declaration below it */
	/* what the text of a piece looks like, for joining them: */
	TRIM_BLANK = 4,		/* a blank line */
	TRIM_ENDS_LINE = 8,	/* it ends with a newline */
	TRIM_ENDS_BLANK = 16,	/* ... with two */
};

/* Lines [start, end) of a header (byte offsets). */
struct trim_piece {
	uint32_t start, end;
	uint32_t uses, n_uses;	/* names it uses: use_names[uses .. uses + n_uses) */
	uint32_t flags;
};

struct trim_name {
	uint32_t name;		/* offset in strings */
	uint32_t decls, n_decls;	/* pieces declaring it: decl_pieces[decls ..] */
};

struct trim_index {
	size_t n_headers;
	const char *const *header_names;	/* the template names, e.g. skeleton/ks_state.h */
	const uint32_t *header_pieces;	/* header i: pieces[header_pieces[i] .. [i + 1]) */
	const struct trim_piece *pieces;
	size_t n_names;
	const struct trim_name *names;	/* sorted by name (strcmp) */
	const char *strings;
	const uint32_t *decl_pieces;
	const uint32_t *use_names;
};

/* The index of the headers built into kernelscript (trim_data.c). */
extern const struct trim_index trim_builtin;

/* The index of headers TEXTS[0..N), named NAMES[0..N). */
const struct trim_index *trim_index_build(struct arena *a, const char *const *names,
					  const char *const *texts, size_t n);

/* The name NAME[0, LEN)'s position in IX->names, or -1 when no piece
 * declares it. */
long trim_index_find(const struct trim_index *ix, const char *name, size_t len);

/* IX as a C file defining trim_builtin. */
void trim_index_print(FILE *out, const struct trim_index *ix);

#endif
