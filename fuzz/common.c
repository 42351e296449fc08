/* What the harnesses share: see fuzz.h. */
#define _GNU_SOURCE	/* memmem */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "sema.h"
#include "source.h"

FILE *fuzz_diag_stream(void)
{
	static FILE *out;
	if (!out)
		out = getenv("KS_FUZZ_DIAG") ? stderr : fopen("/dev/null", "w");
	if (!out)
		abort();
	return out;
}

struct program *fuzz_parse(struct arena *a, struct diag **d, const uint8_t *data, size_t size)
{
	*d = diag_new(a, fuzz_diag_stream());
	/* KS_FUZZ_DIR: where the input pretends to be, for the .kh files it
	 * includes and the modules it imports. */
	const char *dir = getenv("KS_FUZZ_DIR");
	const char *name = dir ? arena_printf(a, "%s/fuzz.ks", dir) : "fuzz.ks";
	struct source *src = source_from_memory(a, name, (const char *)data, size);
	return parse_source(a, *d, src);
}

/* Loading the BTF is most of what a compile costs: once per process, in
 * an arena that lives as long. */
static struct arena *btf_arena;
static struct kernel_btf *btf;

struct kernel_btf *fuzz_btf(struct arena *a)
{
	if (!btf_arena) {
		btf_arena = arena_new();
		const char *why = NULL;
		btf = kernel_btf_load(btf_arena, getenv("KS_FUZZ_BTF"), &why);
		if (!btf)
			fprintf(stderr, "fuzz: no kernel types: %s\n", why);
	}
	if (btf)
		kernel_btf_use_arena(btf, a);
	return btf;
}

void fuzz_btf_done(void)
{
	if (btf)
		kernel_btf_use_arena(btf, btf_arena);
}

void fuzz_load_btf(void)
{
	struct arena *a = arena_new();
	fuzz_btf(a);
	fuzz_btf_done();
	arena_free(a);
}

struct checked_program *fuzz_check(struct arena *a, struct diag *d, struct program *p,
				   const uint8_t *data, size_t size)
{
	struct check_options opts = { .btf = fuzz_btf(a),
				      .test_runner = memmem(data, size, "@test", 5) != NULL };
	return check_program(a, d, p, &opts);
}
