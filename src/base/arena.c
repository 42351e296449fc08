#include "config.h"
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Memory comes in chunks; a request larger than a chunk gets a chunk of its own.
 * A chunk is mapped from the kernel, which gives it zeroed, and populated
 * at once: faulting its pages in one by one costs several times more, and
 * calloc would write every page of it even where the arena never does. */
#define CHUNK_SIZE (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *arg;
};

struct arena {
	struct chunk *head;
	struct cleanup *cleanups;
};

static void out_of_memory(void)
{
	fputs("kernelscript: out of memory\n", stderr);
	abort();
}

#ifndef MAP_POPULATE
#define MAP_POPULATE 0
#endif

static struct chunk *chunk_new(size_t size)
{
	size_t bytes = sizeof(struct chunk) + size;
	struct chunk *c = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c == MAP_FAILED)
		out_of_memory();
	c->size = size;
	return c;
}

struct arena *arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		out_of_memory();
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct cleanup *c = a->cleanups; c; c = c->next)
		c->fn(c->arg);
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		munmap(c, sizeof(*c) + c->size);
	}
	free(a);
}

void arena_end(struct arena *a)
{
#ifdef KS_LEAK_CHECK
	arena_free(a);
#else
	(void)a;
#endif
}

void arena_on_free(struct arena *a, void (*fn)(void *), void *arg)
{
	struct cleanup *c = arena_alloc(a, sizeof(*c));
	*c = (struct cleanup){ a->cleanups, fn, arg };
	a->cleanups = c;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = _Alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);

	struct chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		c = chunk_new(size > CHUNK_SIZE - sizeof(*c) ? size : CHUNK_SIZE - sizeof(*c));
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void vec_push(struct arena *a, struct vec *v, void *item)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		void **items = arena_alloc(a, cap * sizeof(*items));
		if (v->len)
			memcpy(items, v->items, v->len * sizeof(*items));
		v->items = items;
		v->cap = cap;
	}
	v->items[v->len++] = item;
}
