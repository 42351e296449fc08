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
	uint32_t last_end;	/* where the last token read ended */
	bool last_is_member;	/* ... and it followed '.' or '->' */
	bool newline_pending;	/* a newline was read since the last token */
	bool newline_forced;	/* ... and it was a ';' */
	struct span newline_span;
	bool held;		/* a token read ahead is waiting */
	int held_token;
	YYSTYPE held_value;
	struct span held_span;
	struct bracket {
		char kind;		/* ( [ or { */
		bool impl_body;		/* the { of an impl block */
		bool decl_body;		/* of a struct, enum, config or impl */
		uint32_t offset;	/* where it was opened */
	} *brackets;		/* the stack of open brackets */
	size_t depth, brackets_cap;
	bool impl_pending;	/* 'impl' seen, its '{' not yet */
	bool decl_pending;	/* struct, enum, config or impl seen, its '{' not yet */
	size_t braces_to_close;	/* '}' the filter still owes the parser */
	size_t depth_before;	/* depth before the last token handed over */
	size_t line_depth;	/* depth where the current statement began */

	/* error recovery (see end_recovery in grammar/parser.y) */
	bool recovering;	/* between an error and its error rule */
	size_t error_depth;	/* depth where the error was found */
	size_t error_line_depth;	/* line_depth at that moment */
	bool depth_reported;	/* an expression was too deep */
};

void scan_buf_add(struct parse_state *ps, const char *bytes, uint32_t len);
/* Newline filter: note that the token just handed over is in error. */
void note_syntax_error(struct parse_state *ps);

#endif
