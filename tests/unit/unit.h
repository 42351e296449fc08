/* Shared helpers for the CUnit tests of the front end.
 *
 * Every test builds its sources in one arena per suite run and captures the
 * diagnostics of each scan or parse in memory, so tests can assert on the
 * number of errors and on the "file:line:col: error: message" lines. */
#ifndef KS_UNIT_H
#define KS_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "parser.h"
#include "source.h"

/* The name every test source is given; it starts each diagnostic line. */
#define UNIT_FILE "t.ks"

/* The most tokens one lexer test looks at. */
#define UNIT_MAX_TOKENS 128

struct unit_state {
	struct arena *arena;
	const struct source *src;	/* of the last scan or parse */
	char *diags;			/* what the last scan or parse reported */
	unsigned errors;		/* ... and how many errors */
};

static struct unit_state unit;

static inline int unit_suite_init(void)
{
	unit.arena = arena_new();
	return unit.arena ? 0 : 1;
}

static inline int unit_suite_cleanup(void)
{
	arena_free(unit.arena);
	unit.arena = NULL;
	return 0;
}

/* A source holding LEN bytes of TEXT (which may contain NULs). */
static inline struct source *unit_source_n(const char *text, size_t len)
{
	return source_from_memory(unit.arena, UNIT_FILE, text, len);
}

static inline struct source *unit_source(const char *text)
{
	return unit_source_n(text, strlen(text));
}

/* Diagnostics go to a memory stream between these two calls. */
struct unit_capture {
	FILE *out;
	char *buf;
	size_t size;
};

static inline struct diag *unit_capture_begin(struct unit_capture *c)
{
	c->buf = NULL;
	c->size = 0;
	c->out = open_memstream(&c->buf, &c->size);
	if (!c->out) {
		perror("open_memstream");
		exit(2);
	}
	return diag_new(unit.arena, c->out);
}

static inline void unit_capture_end(struct unit_capture *c, struct diag *d)
{
	fclose(c->out);
	unit.diags = arena_strndup(unit.arena, c->buf ? c->buf : "", c->size);
	unit.errors = diag_error_count(d);
	free(c->buf);
}

/* Scans TEXT through the newline filter into KINDS and SPANS (at most
 * UNIT_MAX_TOKENS of each); returns the token count. */
static inline size_t unit_scan(const char *text, int *kinds, struct span *spans)
{
	struct unit_capture c;
	struct diag *d = unit_capture_begin(&c);
	unit.src = unit_source(text);
	size_t n = scan_tokens(unit.arena, d, unit.src, kinds, spans, UNIT_MAX_TOKENS);
	unit_capture_end(&c, d);
	return n;
}

static inline struct program *unit_parse_n(const char *text, size_t len)
{
	struct unit_capture c;
	struct diag *d = unit_capture_begin(&c);
	unit.src = unit_source_n(text, len);
	struct program *p = parse_source(unit.arena, d, unit.src);
	unit_capture_end(&c, d);
	return p;
}

static inline struct program *unit_parse(const char *text)
{
	return unit_parse_n(text, strlen(text));
}

/* The Ith declaration of P, or NULL when there are not that many. */
static inline struct decl *unit_decl(const struct program *p, size_t i)
{
	return p && i < p->decls.len ? vec_at(p->decls, i) : NULL;
}

/* Parses "const x = TEXT" and returns the initialiser, or NULL when the
 * parse failed. */
static inline struct expr *unit_parse_expr(const char *text)
{
	char *src = arena_printf(unit.arena, "const x = %s", text);
	struct program *p = unit_parse(src);
	struct decl *d = unit_decl(p, 0);
	if (!d || d->kind != DECL_CONST || p->decls.len != 1)
		return NULL;
	return d->var.init;
}

/* Parses "fn f() {\nTEXT\n}" and returns the body's statements. */
static inline struct vec *unit_parse_body(const char *text)
{
	char *src = arena_printf(unit.arena, "fn f() {\n%s\n}", text);
	struct program *p = unit_parse(src);
	struct decl *d = unit_decl(p, 0);
	if (!d || d->kind != DECL_FN || !d->fn.body || p->decls.len != 1)
		return NULL;
	return &d->fn.body->block;
}

/* The Ith statement of the body unit_parse_body returned, or NULL. */
static inline struct stmt *unit_stmt(const struct vec *body, size_t i)
{
	return body && i < body->len ? vec_at(*body, i) : NULL;
}

/* Line and column of OFFSET in the last source. */
static inline unsigned unit_line(uint32_t offset)
{
	unsigned line, col;
	source_line_col(unit.src, offset, &line, &col);
	return line;
}

static inline unsigned unit_col(uint32_t offset)
{
	unsigned line, col;
	source_line_col(unit.src, offset, &line, &col);
	return col;
}

/* Whether the last scan or parse reported exactly one error, at LINE:COL,
 * whose message starts with MESSAGE. */
static inline int unit_one_error(unsigned line, unsigned col, const char *message)
{
	char *want = arena_printf(unit.arena, UNIT_FILE ":%u:%u: error: %s", line, col,
				  message);
	if (unit.errors != 1 || strncmp(unit.diags, want, strlen(want)) != 0) {
		fprintf(stderr, "\n  want one error \"%s\"; got %u:\n%s", want, unit.errors,
			unit.diags);
		return 0;
	}
	return 1;
}

/* Whether the Nth (0-based) diagnostic line starts with "t.ks:LINE:COL: error: ". */
static inline int unit_error_at(unsigned nth, unsigned line, unsigned col)
{
	char *want = arena_printf(unit.arena, UNIT_FILE ":%u:%u: error: ", line, col);
	const char *p = unit.diags;
	for (;;) {
		p = strstr(p, UNIT_FILE ":");
		if (!p)
			break;
		if (p == unit.diags || p[-1] == '\n') {
			if (nth == 0)
				return strncmp(p, want, strlen(want)) == 0;
			nth--;
		}
		p++;
	}
	fprintf(stderr, "\n  no diagnostic %s in:\n%s", want, unit.diags);
	return 0;
}

/* String equality that fails (rather than crashes) on NULL. */
static inline int unit_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Runs TESTS (ended by CU_TEST_INFO_NULL) as one suite named NAME; the exit
 * status is non-zero if any assertion or test failed. */
/* Runs TESTS as suite NAME, set up and torn down by INIT and CLEANUP. */
static inline int unit_main_with(const char *name, CU_TestInfo *tests,
				 CU_InitializeFunc init, CU_CleanupFunc cleanup)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite suite = CU_add_suite(name, init, cleanup);
	if (!suite)
		return 2;
	for (CU_TestInfo *t = tests; t->pName; t++)
		if (!CU_add_test(suite, t->pName, t->pTestFunc))
			return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		CU_cleanup_registry();
		return 2;
	}
	int failed = CU_get_number_of_failures() != 0 ||
		     CU_get_number_of_tests_failed() != 0 ||
		     CU_get_number_of_suites_failed() != 0;
	CU_cleanup_registry();
	return failed;
}

static inline int unit_main(const char *name, CU_TestInfo *tests)
{
	return unit_main_with(name, tests, unit_suite_init, unit_suite_cleanup);
}

#endif
