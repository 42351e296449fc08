#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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

/* A source of LEN bytes at TEXT, which the arena holds already. */
static struct source *source_at(struct arena *a, const char *name, char *text, size_t len)
{
	struct source *src = arena_alloc(a, sizeof(*src));
	src->name = arena_strdup(a, name);
	src->text = text;
	src->len = (uint32_t)len;
	index_lines(a, src);
	return src;
}

struct source *source_from_memory(struct arena *a, const char *name,
				  const char *text, size_t len)
{
	return source_at(a, name, arena_strndup(a, text, len), len);
}

/* Read straight into the arena, sized by fstat (room for a byte more, so
 * that the read that finds the end needs no second buffer), and grown when
 * the file holds more than it says, as /proc and pipes do. */
struct source *source_load(struct arena *a, const char *path, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		*why = strerror(errno);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 2 : 8192;
	size_t len = 0;
	char *buf = NULL;
	for (;;) {
		if (cap > SOURCE_MAX_LEN + 1) {
			close(fd);
			*why = "file too large";
			return NULL;
		}
		char *bigger = arena_alloc(a, cap);
		if (len)
			memcpy(bigger, buf, len);
		buf = bigger;
		ssize_t n;
		while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				*why = strerror(errno);
				close(fd);
				return NULL;
			}
			len += (size_t)n;
		}
		if (len < cap - 1)
			break;		/* the end of the file */
		cap *= 2;
	}
	close(fd);
	buf[len] = '\0';
	return source_at(a, path, buf, len);
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
