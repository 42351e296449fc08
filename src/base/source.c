#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void index_lines(struct arena *a, struct source *src)
{
	uint32_t n = 1;
	for (uint32_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			n++;
	src->line_starts = arena_alloc(a, n * sizeof(uint32_t));
	src->line_starts[0] = 0;
	src->nlines = 1;
	for (uint32_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			src->line_starts[src->nlines++] = i + 1;
}

struct source *source_from_memory(struct arena *a, const char *name,
				  const char *text, size_t len)
{
	struct source *src = arena_alloc(a, sizeof(*src));
	src->name = arena_strdup(a, name);
	src->text = arena_strndup(a, text, len);
	src->len = (uint32_t)len;
	index_lines(a, src);
	return src;
}

struct source *source_load(struct arena *a, const char *path, const char **why)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			*why = strerror(ENOMEM);
			return NULL;
		}
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		if (cap >= SOURCE_MAX_LEN) {
			free(buf);
			fclose(f);
			*why = "file too large";
			return NULL;
		}
		char *bigger = realloc(buf, cap * 2);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	int failed = ferror(f);
	int saved = errno;
	fclose(f);
	if (failed) {
		free(buf);
		*why = strerror(saved);
		return NULL;
	}
	struct source *src = source_from_memory(a, path, buf, len);
	free(buf);
	return src;
}

unsigned utf8_sequence_length(const unsigned char *s, size_t n)
{
	unsigned len;
	unsigned char lo = 0x80, hi = 0xbf;	/* range of the second byte */
	if (s[0] < 0x80)
		return 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* no overlong forms */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing past U+10FFFF */
	} else {
		return 0;
	}
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (unsigned i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

void source_line_col(const struct source *src, uint32_t offset,
		     unsigned *line, unsigned *col)
{
	if (offset > src->len)
		offset = src->len;
	/* Binary search for the last line starting at or before OFFSET. */
	uint32_t lo = 0, hi = src->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (src->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	*line = lo + 1;
	const unsigned char *p = (const unsigned char *)src->text + src->line_starts[lo];
	const unsigned char *stop = (const unsigned char *)src->text + offset;
	unsigned c = 1;
	while (p < stop) {
		unsigned n = utf8_sequence_length(p, (size_t)(stop - p));
		p += n ? n : 1;
		c++;
	}
	*col = c;
}

const char *source_line(const struct source *src, unsigned line, uint32_t *len)
{
	uint32_t begin = src->line_starts[line - 1];
	uint32_t end = line < src->nlines ? src->line_starts[line] - 1 : src->len;
	if (end > begin && src->text[end - 1] == '\r')
		end--;
	*len = end - begin;
	return src->text + begin;
}

uint64_t source_hash(const struct source *src)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (uint32_t i = 0; i < src->len; i++) {
		h ^= (unsigned char)src->text[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
