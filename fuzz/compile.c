/* libFuzzer harness: the whole compile to C, as 'kernelscript compile'
 * does: parse, check, plan, and every file of the project written into a
 * directory of the harness's own, emptied after each input and removed at
 * exit.  The C is not compiled (too slow); its text is generated. */
#include "fuzz.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "plan.h"
#include "sema.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out_dir[4096];

static void empty_out_dir(void)
{
	DIR *dir = opendir(out_dir);
	if (!dir)
		return;
	for (struct dirent *e; (e = readdir(dir));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
}

static void remove_out_dir(void)
{
	empty_out_dir();
	rmdir(out_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(out_dir, sizeof(out_dir), "%s/ks-fuzz-compile.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(out_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(remove_out_dir);
	fuzz_load_btf();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct diag *d;
	struct program *p = fuzz_parse(a, &d, data, size);
	if (diag_error_count(d))
		goto out;
	struct checked_program *cp = fuzz_check(a, d, p, data, size);
	struct plan *plan = diag_error_count(d) ? NULL : plan_program(a, cp);
	fuzz_btf_done();
	if (plan) {
		emit_project(a, d, plan, out_dir, "");
		empty_out_dir();
	}
out:
	arena_free(a);
	return 0;
}
