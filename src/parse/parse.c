#include "parse.h"

#include "parse_state.h"
#include "lexer.h"

/* Sets up PS to scan SRC. */
static bool start_scanner(struct parse_state *ps, struct arena *a, struct diag *d,
			  const struct source *src)
{
	*ps = (struct parse_state){
		.arena = a,
		.diag = d,
		.src = src,
		.last = YYEMPTY,
	};
	yyscan_t scanner;
	if (raw_lex_init_extra(ps, &scanner) != 0) {
		diag_error_plain(d, "cannot start the scanner");
		return false;
	}
	ps->scanner = scanner;
	ps->buffer = raw__scan_bytes(src->text, (int)src->len, scanner);
	return true;
}

static void stop_scanner(struct parse_state *ps)
{
	raw__delete_buffer(ps->buffer, ps->scanner);
	raw_lex_destroy(ps->scanner);
}

struct program *parse_source(struct arena *a, struct diag *d, const struct source *src)
{
	struct program *program = arena_alloc(a, sizeof(*program));
	program->src = src;

	struct parse_state ps;
	if (!start_scanner(&ps, a, d, src))
		return program;
	ps.program = program;
	yyparse(&ps);
	stop_scanner(&ps);
	return program;
}

size_t scan_tokens(struct arena *a, struct diag *d, const struct source *src,
		   int *kinds, struct span *spans, size_t max)
{
	struct parse_state ps;
	if (!start_scanner(&ps, a, d, src))
		return 0;
	size_t n = 0;
	for (;;) {
		YYSTYPE value;
		struct span span;
		int kind = next_token(&value, &span, &ps);
		if (kind == YYEOF)
			break;
		if (n < max) {
			kinds[n] = kind;
			spans[n] = span;
		}
		n++;
	}
	stop_scanner(&ps);
	return n;
}
