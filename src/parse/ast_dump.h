/* Prints an AST readably: declarations and statements one a line with their
 * line:col, expressions as prefix S-expressions, types as written.  This is
 * what 'kernelscript check --dump-ast' shows and what tests/parse/ expects. */
#ifndef KS_AST_DUMP_H
#define KS_AST_DUMP_H

#include <stdio.h>

#include "ast.h"

void ast_dump(FILE *out, const struct program *program);

#endif
