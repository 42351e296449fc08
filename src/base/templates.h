/* Text templates for whole output files (Makefiles, READMEs, init
 * projects).  They live in templates/ and are built into the program; a
 * directory named by $KERNELSCRIPT_TEMPLATES overrides them file by file. */
#ifndef KS_TEMPLATES_H
#define KS_TEMPLATES_H

#include "arena.h"

struct template_file {
	const char *name;	/* relative to templates/, e.g. "build/Makefile.in" */
	const char *text;
};

/* Every template, ending with an entry whose name is NULL. */
extern const struct template_file template_files[];

/* The text of template NAME, or NULL when there is none. */
const char *template_text(struct arena *a, const char *name);
/* The text of template NAME as built in, whatever $KERNELSCRIPT_TEMPLATES
 * says, or NULL. */
const char *template_builtin(const char *name);

/* TEXT with every @KEY@ replaced by its value.  VARS holds KEY, VALUE
 * pairs and ends with NULL.  "@@" stands for one '@'.  An unknown key is
 * left as it is. */
char *template_expand(struct arena *a, const char *text, const char *const *vars);

#endif
