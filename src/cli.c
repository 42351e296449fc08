#include "cli.h"

#include "arena.h"
#include "ast_dump.h"
#include "diag.h"
#include "parse.h"

int run_front_end(const char *path, const struct front_options *opts, FILE *err)
{
	struct arena *arena = arena_new();
	struct diag *diag = diag_new(arena, err);
	int status = 1;

	const char *why = NULL;
	struct source *src = source_load(arena, path, &why);
	if (!src) {
		diag_error_plain(diag, "cannot read '%s': %s", path, why);
		goto out;
	}
	struct program *program = parse_source(arena, diag, src);
	/* The tree is printed even after errors: it shows what recovery kept. */
	if (opts->dump_ast)
		ast_dump(stdout, program);
	if (diag_error_count(diag) == 0)
		status = 0;
out:
	arena_free(arena);
	return status;
}
