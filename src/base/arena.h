/* Arena allocation: one arena per compilation, freed at once at the end.
 * Everything a stage builds (AST nodes, names, vectors) lives in the arena,
 * so no stage frees node by node. */
#ifndef KS_ARENA_H
#define KS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Ends A in a program about to exit.  The exit takes back its memory and
 * mappings all at once, for less than arena_free spends giving them back
 * one by one; so A is left to it, except in a build that checks for leaks
 * (--enable-sanitizers), where A is freed and the checker finds it clean. */
void arena_end(struct arena *a);
/* FN(ARG) is called when A is freed: for what the arena's memory refers
 * to but does not hold, such as a mapped file.  Last registered, first
 * called. */
void arena_on_free(struct arena *a, void (*fn)(void *), void *arg);

/* Zeroed memory; aborts on out-of-memory like xmalloc. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* A growable array of pointers whose storage lives in the arena. */
struct vec {
	void **items;
	size_t len;
	size_t cap;
};

void vec_push(struct arena *a, struct vec *v, void *item);

#define vec_at(v, i) ((v).items[i])

#endif
