#include "cli.h"

#include "arena.h"
#include "ast_dump.h"
#include "btf.h"
#include "diag.h"
#include "parse.h"

int run_front_end(const char *path, const struct front_options *opts, FILE *err,
		  struct front_result *result)
{
	struct arena *arena = arena_new();
	struct diag *diag = diag_new(arena, err);
	if (opts->werror)
		diag_warnings_are_errors(diag);
	if (opts->json)
		diag_use_json(diag);
	struct checked_program *checked = NULL;
	struct plan *plan = NULL;

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
	/* Checking a tree with holes in it would only add noise. */
	if (opts->parse_only || diag_error_count(diag))
		goto out;
	/* Kernel types come from BTF: the running kernel's unless a file is
	 * named.  Without it, only what the program declares is known. */
	struct kernel_btf *btf = kernel_btf_load(arena, opts->btf_path, &why);
	if (!btf && opts->btf_path) {
		diag_error_plain(diag, "%s", why);
		goto out;
	}
	struct check_options check = { .btf = btf, .test_runner = opts->test };
	checked = check_program(arena, diag, program, &check);
	if (opts->plan && !diag_error_count(diag))
		plan = plan_program(arena, checked);
	/* What the checker and the plan took from BTF is in the arena already;
	 * the BTF itself goes with the arena. */
	checked->btf = NULL;
out:;
	int status = diag_error_count(diag) ? 1 : 0;
	if (result && status == 0) {
		result->arena = arena;
		result->diag = diag;
		result->program = checked;
		result->plan = plan;
	} else {
		diag_finish(diag);
		arena_end(arena);
	}
	return status;
}
