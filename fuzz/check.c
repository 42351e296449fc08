/* libFuzzer harness: parsing and checking against the kernel's BTF, as
 * 'kernelscript check' does. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_load_btf();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct diag *d;
	struct program *p = fuzz_parse(a, &d, data, size);
	if (!diag_error_count(d)) {
		fuzz_check(a, d, p, data, size);
		fuzz_btf_done();
	}
	arena_free(a);
	return 0;
}
