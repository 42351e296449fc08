/* What the command-line programs share: run the front end on one file. */
#ifndef KS_CLI_H
#define KS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"

struct front_options {
	bool dump_ast;		/* print the syntax tree to standard output,
				   even after errors */
	bool parse_only;	/* stop after parsing */
	const char *btf_path;	/* kernel BTF; NULL for the running kernel's */
	bool werror;		/* warnings are errors */
	bool plan;		/* also plan the C (for the code generators) */
	bool test;		/* ... with a test runner for main (compile --test) */
	bool json;		/* diagnostics as JSON (diag_use_json) */
};

/* What the front end made of one file, for the code generators. */
struct front_result {
	struct arena *arena;
	struct diag *diag;
	struct checked_program *program;	/* NULL unless it checked cleanly */
	struct plan *plan;	/* with opts->plan, as program */
};

/* Loads, parses and checks PATH; diagnostics go to ERR.  Returns the exit
 * status: 0 when the program is well-formed, 1 when it has errors.  With
 * RESULT, the caller gets the checked program, calls diag_finish() on
 * RESULT->diag when it has reported what it will, and ends RESULT->arena.
 * For a command about to exit: what it does not hand back it leaves to the
 * exit (arena_end). */
int run_front_end(const char *path, const struct front_options *opts, FILE *err,
		  struct front_result *result);

#endif
