/* The emit stage: a checked program in, the C project out.
 *
 *   NAME.h       the program's own types, shared by both sides
 *   NAME.bpf.c   every eBPF program, helper, map and global (CO-RE C)
 *   NAME.c       the userspace program, through bpftool's NAME.skel.h
 *   NAME_kfuncs.c the kernel module of the @kfunc functions, when there are any,
 *   Kbuild       ... and what builds it
 *   ks_runtime.h attach/detach/signal runtime (from skeleton/)
 *   Makefile, README.md
 *
 * It prints what the plan stage decided.  Code generation problems the checker does not see (a construct this
 * version cannot generate yet) are reported through diag. */
#ifndef KS_EMIT_H
#define KS_EMIT_H

#include <stdio.h>

#include "diag.h"
#include "plan.h"

/* Writes the whole project into DIR (created if missing).  FLAGS are the
 * compile options its Makefile gives kernelscript when it compiles the
 * .ks again (" -Werror --test"), or "".  Returns 0, or 1 after reporting
 * an error. */
int emit_project(struct arena *a, struct diag *d, const struct plan *plan,
		 const char *dir, const char *flags);

/* The C files, for ks2c and for tests. */
void emit_types_header(struct arena *a, struct diag *d, const struct plan *plan,
		       FILE *out);
void emit_bpf_file(struct arena *a, struct diag *d, const struct plan *plan,
		   FILE *out);
void emit_user_file(struct arena *a, struct diag *d, const struct plan *plan,
		    FILE *out);
/* With plan->module only. */
void emit_module_file(struct arena *a, struct diag *d, const struct plan *plan,
		      FILE *out);
void emit_kbuild_file(struct arena *a, struct diag *d, const struct plan *plan,
		      FILE *out);

#endif
