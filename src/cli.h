/* What the command-line programs share: run the front end on one file. */
#ifndef KS_CLI_H
#define KS_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct front_options {
	bool dump_ast;		/* print the syntax tree to standard output,
				   even after errors */
};

/* Loads, parses and checks PATH; diagnostics go to ERR.  Returns the exit
 * status: 0 when the program is well-formed, 1 when it has errors. */
int run_front_end(const char *path, const struct front_options *opts, FILE *err);

#endif
