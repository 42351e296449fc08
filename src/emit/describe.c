/* Descriptions from comments (describe.h).  The source text is read as the
 * scanner reads it: "//" to the end of the line, and block comments. */
#include "describe.h"

#include <stdbool.h>
#include <string.h>

/* Text being put together, in a buffer as long as the source: it only
 * ever holds bytes of the source, fewer of them. */
struct text {
	char *buf;
	size_t len;
};

static struct text text_for(struct arena *a, const struct source *src)
{
	return (struct text){ .buf = arena_alloc(a, (size_t)src->len + 2), .len = 0 };
}

static const char *text_result(struct text *t)
{
	t->buf[t->len] = '\0';
	return t->len ? t->buf : NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool starts(const struct source *src, uint32_t pos, const char *s)
{
	size_t n = strlen(s);
	return pos + n <= src->len && !memcmp(src->text + pos, s, n);
}

static uint32_t skip_blanks(const struct source *src, uint32_t pos, uint32_t end)
{
	while (pos < end && is_blank(src->text[pos]))
		pos++;
	return pos;
}

/* The offset of the '\n' ending the line POS is on, or the text's end. */
static uint32_t line_end(const struct source *src, uint32_t pos)
{
	const char *nl = memchr(src->text + pos, '\n', src->len - pos);
	return nl ? (uint32_t)(nl - src->text) : src->len;
}

static uint32_t line_start(const struct source *src, uint32_t pos)
{
	while (pos > 0 && src->text[pos - 1] != '\n')
		pos--;
	return pos;
}

/* Where the block comment opened before POS ends ("*" "/"), or 0. */
static uint32_t block_end(const struct source *src, uint32_t pos)
{
	for (; pos + 1 < src->len; pos++)
		if (src->text[pos] == '*' && src->text[pos + 1] == '/')
			return pos;
	return 0;
}

/* One line of a description, its trailing blanks dropped; blank lines
 * before the first are not kept. */
static void append_line(struct text *t, const char *s, size_t n)
{
	while (n && is_blank(s[n - 1]))
		n--;
	if (!n && !t->len)
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len++] = '\n';
}

/* The words of S, one space between each and those before. */
static void append_words(struct text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		while (i < n && (is_blank(s[i]) || s[i] == '\n'))
			i++;
		size_t begin = i;
		while (i < n && !is_blank(s[i]) && s[i] != '\n')
			i++;
		if (i == begin)
			break;
		if (t->len)
			t->buf[t->len++] = ' ';
		memcpy(t->buf + t->len, s + begin, i - begin);
		t->len += i - begin;
	}
}

/* The lines of the block comment whose text is [BEGIN, END): a leading
 * '*' on a line, as in " * text", is a margin, not text. */
static void append_block(struct text *t, const struct source *src, uint32_t begin,
			 uint32_t end, bool as_lines)
{
	while (begin < end && src->text[begin] == '*')	/* a "/" "**" opening */
		begin++;
	for (uint32_t pos = begin; pos < end;) {
		uint32_t stop = line_end(src, pos);
		if (stop > end)
			stop = end;
		uint32_t from = pos;
		if (pos == begin) {
			if (from < stop && src->text[from] == ' ')
				from++;	/* the margin after the opening */
		} else {
			from = skip_blanks(src, pos, stop);
			if (from < stop && src->text[from] == '*')
				from++;
			if (from < stop && src->text[from] == ' ')
				from++;
		}
		if (as_lines)
			append_line(t, src->text + from, stop - from);
		else
			append_words(t, src->text + from, stop - from);
		pos = stop + 1;
	}
}

const char *describe_file(struct arena *a, const struct source *src)
{
	struct text t = text_for(a, src);
	uint32_t pos = 0;
	while (pos < src->len && (is_blank(src->text[pos]) || src->text[pos] == '\n'))
		pos++;
	while (pos < src->len) {
		uint32_t p = skip_blanks(src, pos, src->len), end = line_end(src, p);
		if (starts(src, p, "//")) {
			p += 2;
			if (p < end && src->text[p] == ' ')
				p++;
			append_line(&t, src->text + p, end - p);
		} else if (starts(src, p, "/*")) {
			uint32_t close = block_end(src, p + 2);
			if (!close)
				break;
			append_block(&t, src, p + 2, close, true);
			end = line_end(src, close);
			if (skip_blanks(src, close + 2, end) != end)
				break;	/* code after the comment on its line */
		} else {
			break;	/* a blank line, or the first declaration */
		}
		pos = end + 1;
	}
	while (t.len >= 2 && t.buf[t.len - 2] == '\n')
		t.len--;
	return text_result(&t);
}

/* The comment lines just above the line AT begins on, when AT begins it. */
static void append_above(struct text *t, const struct source *src, uint32_t at)
{
	uint32_t start = line_start(src, at);
	if (skip_blanks(src, start, at) != at || start == 0)
		return;
	/* a run of "//" lines */
	uint32_t first = start;
	while (first > 0) {
		uint32_t prev = line_start(src, first - 1);
		uint32_t p = skip_blanks(src, prev, first - 1);
		if (!starts(src, p, "//") || p + 2 > first - 1)
			break;
		first = prev;
	}
	for (uint32_t line = first; line < start; line = line_end(src, line) + 1) {
		uint32_t p = skip_blanks(src, line, start) + 2;
		append_words(t, src->text + p, line_end(src, line) - p);
	}
	if (first != start)
		return;
	/* or one block comment that ends the line above */
	uint32_t end = start - 1;
	while (end > 0 && is_blank(src->text[end - 1]))
		end--;
	if (end < 2 || !starts(src, end - 2, "*/"))
		return;
	uint32_t open = end - 2;
	while (open > 0 && !starts(src, open - 1, "/*"))
		open--;
	if (open == 0)
		return;
	open--;
	uint32_t open_line = line_start(src, open);
	if (skip_blanks(src, open_line, open) == open && open + 2 <= end - 2)
		append_block(t, src, open + 2, end - 2, false);
}

/* The comment after AT's end on the same line, past a ',' or ';'. */
static void append_beside(struct text *t, const struct source *src, uint32_t at)
{
	uint32_t end = line_end(src, at);
	uint32_t p = skip_blanks(src, at, end);
	if (p < end && (src->text[p] == ',' || src->text[p] == ';'))
		p = skip_blanks(src, p + 1, end);
	if (starts(src, p, "//")) {
		append_words(t, src->text + p + 2, end - p - 2);
	} else if (starts(src, p, "/*")) {
		uint32_t close = block_end(src, p + 2);
		if (close)
			append_block(t, src, p + 2, close, false);
	}
}

const char *describe_span(struct arena *a, struct span at)
{
	const struct source *src = at.src;
	if (!src || at.end > src->len)
		return NULL;
	struct text t = text_for(a, src);
	append_above(&t, src, at.begin);
	append_beside(&t, src, at.end);
	return text_result(&t);
}
