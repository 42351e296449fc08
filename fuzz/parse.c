/* libFuzzer harness: scanning, the newline filter, parsing with error
 * recovery, the diagnostics, and --dump-ast's printer. */
#include "fuzz.h"

#include "ast_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct diag *d;
	struct program *p = fuzz_parse(a, &d, data, size);
	ast_dump(fuzz_diag_stream(), p);	/* after errors too, as check --dump-ast */
	arena_free(a);
	return 0;
}
