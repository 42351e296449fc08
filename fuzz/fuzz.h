/* What the libFuzzer harnesses share (fuzz/parse.c, check.c, compile.c).
 * Each input is one .ks file, compiled in an arena of its own that is
 * freed before the next, so whatever leaks is a real leak. */
#ifndef KS_FUZZ_H
#define KS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "parse.h"

struct checked_program;

/* Where diagnostics go: /dev/null, so that printing them (source lines,
 * carets) is exercised too; stderr when KS_FUZZ_DIAG is set, to see them
 * while reproducing an input. */
FILE *fuzz_diag_stream(void);

/* The input as the source "fuzz.ks", parsed; errors counted in *D. */
struct program *fuzz_parse(struct arena *a, struct diag **d, const uint8_t *data, size_t size);

/* The kernel's BTF, loaded once (KS_FUZZ_BTF names another file); NULL
 * when there is none, and the checker knows only what a program declares.
 * Its results go to A until fuzz_btf_done(). */
struct kernel_btf *fuzz_btf(struct arena *a);
void fuzz_btf_done(void);
/* Loads the BTF before the first input (LLVMFuzzerInitialize). */
void fuzz_load_btf(void);
/* P checked as 'kernelscript check' does, and as 'compile --test' when the
 * input has @test functions; the BTF's results go to A until
 * fuzz_btf_done(). */
struct checked_program *fuzz_check(struct arena *a, struct diag *d, struct program *p,
				   const uint8_t *data, size_t size);

#endif
