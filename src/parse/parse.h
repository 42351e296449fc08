/* The parse stage: one source's text in, its AST out.
 *
 * Syntax errors are reported through DIAG; the parser recovers at the next
 * statement or declaration, so one run reports several.  The returned
 * program holds everything that parsed, and is never NULL. */
#ifndef KS_PARSE_H
#define KS_PARSE_H

#include "ast.h"
#include "diag.h"

struct program *parse_source(struct arena *a, struct diag *d, const struct source *src);

/* The tokens the parser would see, newlines already filtered, for tests and
 * tools: stores up to MAX token kinds (parser.h's enum yytokentype, or a
 * character for a one-character token) and spans, and returns how many
 * tokens there were before the end of the file. */
size_t scan_tokens(struct arena *a, struct diag *d, const struct source *src,
		   int *kinds, struct span *spans, size_t max);

#endif
