/* libFuzzer harness: parsing and checking against the kernel's BTF, as
 * 'kernelscript check' does. */
#define _GNU_SOURCE	/* memmem */
#include "fuzz.h"

#include <string.h>

#include "sema.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	struct arena *a = arena_new();
	fuzz_btf(a);
	fuzz_btf_done();
	arena_free(a);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct diag *d;
	struct program *p = fuzz_parse(a, &d, data, size);
	if (!diag_error_count(d)) {
		/* A file with @test functions is checked as compile --test would. */
		struct check_options opts = { .btf = fuzz_btf(a),
					      .test_runner = memmem(data, size, "@test", 5) != NULL };
		check_program(a, d, p, &opts);
		fuzz_btf_done();
	}
	arena_free(a);
	return 0;
}
