/* Shared by the flex scanner, the newline filter and the bison parser;
 * nothing outside the parse stage includes it. */
#ifndef KS_PARSE_STATE_H
#define KS_PARSE_STATE_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"
#include "parser.h"

struct parse_state {
	struct arena *arena;
	struct diag *diag;
	const struct source *src;
	struct program *program;

	/* raw scanner (grammar/lexer.l) */
	void *scanner;
	void *buffer;		/* the flex buffer over src->text */
	uint32_t offset;	/* byte offset of the next unread byte */
	uint32_t literal_begin;	/* where the open string or comment began */
	bool literal_bad;	/* the open string had a bad escape */
	bool comment_has_newline;
	char *buf;		/* string literal being scanned */
	uint32_t buf_len, buf_cap;

	/* newline filter (src/newlines.c) */
	int last;		/* last token handed to the parser */
	bool last_is_member;	/* ... and it followed '.' or '->' */
	bool newline_pending;	/* a newline was read since the last token */
	bool newline_forced;	/* ... and it was a ';' */
	struct span newline_span;
	bool held;		/* a token read ahead is waiting */
	int held_token;
	YYSTYPE held_value;
	struct span held_span;
	char *brackets;		/* stack of open ( [ { */
	size_t depth, brackets_cap;
};

void scan_buf_add(struct parse_state *ps, const char *bytes, uint32_t len);

#endif
