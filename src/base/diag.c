#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Lines longer than this are shown as a window around the span. */
#define SHOW_MAX 160
#define SHOW_BEFORE 60

/* A diagnostic kept for JSON. */
struct kept {
	const char *kind;
	const char *message;
	struct span at;
	struct vec notes;
};

struct diag {
	struct arena *arena;
	FILE *out;
	unsigned errors;
	bool gave_up;
	bool last_dropped;	/* the last error was dropped: drop its notes too */
	bool werror;		/* warnings are errors (-Werror) */
	bool json;		/* kept for diag_finish(), not printed */
	struct vec kept;
};

void diag_warnings_are_errors(struct diag *d)
{
	d->werror = true;
}

struct diag *diag_new(struct arena *a, FILE *out)
{
	struct diag *d = arena_alloc(a, sizeof(*d));
	d->arena = a;
	d->out = out;
	return d;
}

void diag_use_json(struct diag *d)
{
	d->json = true;
}

unsigned diag_error_count(const struct diag *d)
{
	return d->errors;
}

bool diag_gave_up(const struct diag *d)
{
	return d->gave_up;
}

/* Prints one display character of the source line at P and the matching
 * character of the caret line.  Control bytes and invalid UTF-8 show as '?',
 * so the caret stays aligned and no raw garbage reaches the terminal. */
static const char *show_char(FILE *out, const char *p, const char *end,
			     char *caret_line, size_t *ncaret, char mark)
{
	unsigned char c = (unsigned char)*p;
	if (c == '\t') {
		fputc('\t', out);
		caret_line[(*ncaret)++] = mark == ' ' ? '\t' : mark;
		return p + 1;
	}
	unsigned n = utf8_sequence_length((const unsigned char *)p, (size_t)(end - p));
	if (c < 0x20 || c == 0x7f || n == 0) {
		fputc('?', out);
		n = 1;
	} else {
		fwrite(p, 1, n, out);
	}
	caret_line[(*ncaret)++] = mark;
	return p + n;
}

static void show_source(FILE *out, struct span at)
{
	const struct source *src = at.src;
	unsigned line, col;
	source_line_col(src, at.begin, &line, &col);
	uint32_t len;
	const char *text = source_line(src, line, &len);
	uint32_t line_begin = (uint32_t)(text - src->text);

	uint32_t mark_begin = at.begin - line_begin;
	uint32_t mark_end = at.end > at.begin ? at.end - line_begin : mark_begin + 1;
	if (mark_end > len + 1)
		mark_end = len + 1;	/* a span running past the line ends at it */

	uint32_t show_begin = 0, show_end = len;
	if (len > SHOW_MAX) {
		show_begin = mark_begin > SHOW_BEFORE ? mark_begin - SHOW_BEFORE : 0;
		show_end = show_begin + SHOW_MAX < len ? show_begin + SHOW_MAX : len;
		/* Step back to the start of a UTF-8 sequence. */
		while (show_begin > 0 && ((unsigned char)text[show_begin] & 0xc0) == 0x80)
			show_begin--;
		if (mark_end > show_end + 1)
			mark_end = show_end + 1;
	}

	char caret_line[SHOW_MAX * 2 + 16];
	size_t ncaret = 0;
	fprintf(out, " %4u | ", line);
	if (show_begin > 0) {
		fputs("...", out);
		memcpy(caret_line, "   ", 3);
		ncaret = 3;
	}
	const char *p = text + show_begin, *stop = text + show_end;
	while (p < stop && ncaret < sizeof(caret_line) - 8) {
		uint32_t off = (uint32_t)(p - text);
		char mark = off < mark_begin || off >= mark_end ? ' '
			    : off == mark_begin ? '^' : '~';
		p = show_char(out, p, text + len, caret_line, &ncaret, mark);
	}
	if (show_end < len)
		fputs("...", out);
	if (mark_begin >= show_end)	/* the span is at the end of the line */
		caret_line[ncaret++] = '^';
	while (ncaret > 0 && (caret_line[ncaret - 1] == ' ' || caret_line[ncaret - 1] == '\t'))
		ncaret--;
	fprintf(out, "\n      | %.*s\n", (int)ncaret, caret_line);
}

/* What goes to D->out, gathered in memory and written at once: stderr is
 * unbuffered, and would take a write for each character of a caret line. */
struct gathered {
	FILE *f;
	char *text;
	size_t len;
};

/* Where to print: the memory of G, else (no memory) D->out itself. */
static FILE *gather(struct diag *d, struct gathered *g)
{
	*g = (struct gathered){ 0 };
	g->f = open_memstream(&g->text, &g->len);
	return g->f ? g->f : d->out;
}

static void gathered_out(struct diag *d, struct gathered *g)
{
	if (!g->f)
		return;
	if (fclose(g->f) == 0)
		fwrite(g->text, 1, g->len, d->out);
	free(g->text);
	fflush(d->out);
}

/* Keeps a diagnostic for JSON: a note with the one before it. */
static void keep(struct diag *d, const char *kind, struct span at, const char *fmt, va_list ap)
{
	struct kept *k = arena_alloc(d->arena, sizeof(*k));
	k->kind = kind;
	k->message = arena_vprintf(d->arena, fmt, ap);
	k->at = at;
	if (!strcmp(kind, "note") && d->kept.len)
		vec_push(d->arena, &((struct kept *)vec_at(d->kept, d->kept.len - 1))->notes, k);
	else
		vec_push(d->arena, &d->kept, k);
}

static void report(struct diag *d, const char *kind, struct span at,
		   const char *fmt, va_list ap)
{
	if (d->json) {
		keep(d, kind, at, fmt, ap);
		return;
	}
	struct gathered g;
	FILE *out = gather(d, &g);
	if (at.src) {
		unsigned line, col;
		source_line_col(at.src, at.begin, &line, &col);
		fprintf(out, "%s:%u:%u: %s: ", at.src->name, line, col, kind);
	} else {
		fprintf(out, "kernelscript: %s: ", kind);
	}
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	if (at.src)
		show_source(out, at);
	gathered_out(d, &g);
}

static bool count_error(struct diag *d)
{
	if (d->gave_up) {
		d->last_dropped = true;
		return false;
	}
	if (++d->errors == DIAG_MAX_ERRORS)
		d->gave_up = true;
	d->last_dropped = false;
	return true;
}

void diag_error(struct diag *d, struct span at, const char *fmt, ...)
{
	if (!count_error(d))
		return;
	va_list ap;
	va_start(ap, fmt);
	report(d, "error", at, fmt, ap);
	va_end(ap);
	if (d->gave_up && !d->json)
		fprintf(d->out, "kernelscript: too many errors (%d); stopping\n",
			DIAG_MAX_ERRORS);
}

void diag_warning(struct diag *d, struct span at, const char *fmt, ...)
{
	if (d->werror ? !count_error(d) : (d->last_dropped = d->gave_up))
		return;
	va_list ap;
	va_start(ap, fmt);
	report(d, d->werror ? "error" : "warning", at, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, struct span at, const char *fmt, ...)
{
	if (d->last_dropped)
		return;
	va_list ap;
	va_start(ap, fmt);
	report(d, "note", at, fmt, ap);
	va_end(ap);
}

void diag_error_plain(struct diag *d, const char *fmt, ...)
{
	if (!count_error(d))
		return;
	va_list ap;
	va_start(ap, fmt);
	report(d, "error", (struct span){0}, fmt, ap);
	va_end(ap);
}

/* ---- JSON ---------------------------------------------------------------- */

/* S as a JSON string: UTF-8 kept, control bytes escaped, bytes that are
 * not UTF-8 replaced. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned n = *p < 0x80 ? 1 : utf8_sequence_length(p, strnlen((const char *)p, 4));
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else if (n == 0)
			fputs("\\ufffd", out);
		else
			fwrite(p, 1, n, out);
		p += n ? n : 1;
	}
	fputc('"', out);
}

static void json_point(FILE *out, const struct source *src, uint32_t offset)
{
	unsigned line, col;
	source_line_col(src, offset, &line, &col);
	uint32_t len;
	const char *text = source_line(src, line, &len);
	fputs("{\"file\": ", out);
	json_string(out, src->name);
	fprintf(out, ", \"line\": %u, \"display-column\": %u, \"byte-column\": %u, "
		"\"column\": %u}", line, col, offset - (uint32_t)(text - src->text) + 1, col);
}

static void json_kept(FILE *out, const struct kept *k)
{
	fputs("{\"kind\": ", out);
	json_string(out, k->kind);
	fputs(", \"message\": ", out);
	json_string(out, k->message);
	fputs(", \"children\": [", out);
	for (size_t i = 0; i < k->notes.len; i++) {
		fputs(i ? ", " : "", out);
		json_kept(out, vec_at(k->notes, i));
	}
	fputs("], \"column-origin\": 1, \"locations\": [", out);
	if (k->at.src) {
		fputs("{\"caret\": ", out);
		json_point(out, k->at.src, k->at.begin);
		if (k->at.end > k->at.begin + 1) {
			fputs(", \"finish\": ", out);
			json_point(out, k->at.src, k->at.end - 1);
		}
		fputc('}', out);
	}
	fputs("], \"escape-source\": false}", out);
}

void diag_finish(struct diag *d)
{
	if (!d->json)
		return;
	struct gathered g;
	FILE *out = gather(d, &g);
	fputc('[', out);
	for (size_t i = 0; i < d->kept.len; i++) {
		fputs(i ? ", " : "", out);
		json_kept(out, vec_at(d->kept, i));
	}
	fputs("]\n", out);
	gathered_out(d, &g);
	d->kept.len = 0;
}
