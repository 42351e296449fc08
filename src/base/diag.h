/* Diagnostics: every stage reports through here, GCC-style:
 *
 *   file:line:col: error: message
 *      12 |     var p = ctx->prev_pid
 *         |             ^~~
 *
 * Stages never exit() on an error: they report and go on, and the driver
 * looks at diag_error_count() between stages. */
#ifndef KS_DIAG_H
#define KS_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "source.h"

/* After this many errors the rest are dropped and stages should stop. */
#define DIAG_MAX_ERRORS 20

struct diag;

struct diag *diag_new(struct arena *a, FILE *out);
/* From now on diagnostics are kept, and diag_finish() prints them as one
 * JSON array in the shape of GCC's -fdiagnostics-format=json: objects
 * with kind, message, locations (caret and finish: file, line, column,
 * display-column, byte-column) and children (the notes). */
void diag_use_json(struct diag *d);
/* Prints what was kept (JSON); nothing for text, which is printed as it
 * comes.  Call once, when no more diagnostics can come. */
void diag_finish(struct diag *d);
/* From now on a warning is reported and counted as an error (-Werror). */
void diag_warnings_are_errors(struct diag *d);

void diag_error(struct diag *d, struct span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warning(struct diag *d, struct span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A note belongs to the error or warning printed just before it. */
void diag_note(struct diag *d, struct span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error with no place in a source: "kernelscript: error: ...". */
void diag_error_plain(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

unsigned diag_error_count(const struct diag *d);
/* True once DIAG_MAX_ERRORS errors were reported. */
bool diag_gave_up(const struct diag *d);

#endif
