/* `kernelscript init`: a new project directory with a program to start
 * from, the .kh header declaring the kernel types it uses, and a README.
 *
 * In:  the command's positional arguments (TYPE [CATEGORY/EVENT | FUNCTION |
 *      STRUCT_OPS] NAME) and the BTF to read kernel types and function
 *      prototypes from (src/btf.h).
 * Out: NAME/NAME.ks, NAME/HEADER.kh and NAME/README.md, expanded from
 *      templates/init/.  The program is then checked, and compiled into
 *      memory, as 'kernelscript check' and 'compile' would, so that what the
 *      files and init's output say about building it is true of this
 *      version.  Nothing is left written when anything is wrong, and an
 *      existing NAME is never touched. */
#ifndef KS_INIT_H
#define KS_INIT_H

#include <stdio.h>

struct init_request {
	char *const *args;	/* the positional arguments */
	int nargs;
	const char *btf_path;	/* NULL: the running kernel's BTF */
};

struct arena;

/* The program types `init` knows, for help texts: one entry a program
 * kind (src/prog_kinds.h). */
const char *init_types_help(struct arena *a);

/* Creates the project under the current directory.  Progress goes to OUT,
 * errors ("kernelscript: error: ...") to ERR.  Returns the exit status: 0
 * on success, 1 on an error, 2 on a usage error (wrong arguments). */
int run_init(const struct init_request *req, FILE *out, FILE *err);

#endif
