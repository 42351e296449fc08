/* What a program's comments say about it, read back from the source text:
 * the parser keeps no comments, but spans lead to the text around a
 * declaration.  The generated program's --help is made of these. */
#ifndef KS_DESCRIBE_H
#define KS_DESCRIBE_H

#include "arena.h"
#include "source.h"

/* The comment block that opens SRC (blank lines before it skipped; a
 * blank line or anything but a comment ends it): its lines without the
 * comment markers, each ending in '\n', indentation past the marker
 * kept.  NULL when SRC does not start with a comment. */
const char *describe_file(struct arena *a, const struct source *src);

/* The comment about what AT spans, a declaration standing on lines of
 * its own: the comment lines just above it, and the comment after it on
 * its last line (past a ',' or ';'), as one paragraph.  NULL when there
 * is neither. */
const char *describe_span(struct arena *a, struct span at);

#endif
