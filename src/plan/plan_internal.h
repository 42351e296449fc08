/* Shared by the files of the plan stage; nothing else includes it. */
#ifndef KS_PLAN_INTERNAL_H
#define KS_PLAN_INTERNAL_H

#include "kernel_types.h"
#include "plan.h"

/* ---- names (plan_names.c) ---- */

struct names;

/* A sorted list of names, built into the program (src/plan/reserved/,
 * made into reserved_data.c by embed.sh). */
struct word_list {
	const char *text;	/* the names, each ended by NUL */
	const uint32_t *at;	/* where each one starts in text */
	size_t count;
	const uint32_t *filter;	/* filter_bits bits: the names' hashes (embed.sh) */
	uint32_t filter_bits;	/* a power of two */
};
extern const struct word_list reserved_bpf_names, reserved_bpf_tags, reserved_builtins_names,
	reserved_user_names, reserved_user_macros, reserved_user_tags, reserved_module_names,
	reserved_module_macros, reserved_module_tags, reserved_runtime;
/* Whether LIST's filter lets NAME through: both of its bits set, at the
 * positions embed.sh gives them.  False: LIST has not NAME. */
bool word_list_may_have(const struct word_list *list, const char *name);
/* Whether LIST has NAME: its filter, then a binary search. */
bool word_list_has(const struct word_list *list, const char *name);

/* The names taken before the program's: C's own and the headers'. */
enum reserved {
	RESERVED_BPF,		/* NAME.bpf.c: keywords, libbpf's eBPF headers */
	RESERVED_USER_DECLARED,	/* NAME.c: what its headers declare */
	RESERVED_USER_VISIBLE,	/* ... what even a local cannot hide: keywords,
				   macros, the runtime's names, what generated
				   code calls */
	RESERVED_TAGS,		/* struct, union and enum names of NAME.c's headers */
	RESERVED_MEMBERS,	/* what a member cannot be named: keywords, macros */
	/* the kernel module, NAME_kfuncs.c: what the kernel headers it includes
	   declare, its macros (also what no member may be named), its tags */
	RESERVED_MODULE_DECLARED, RESERVED_MODULE_VISIBLE, RESERVED_MODULE_TAGS,
};

struct names *names_new(struct arena *a, const struct names *outer);
void names_take_reserved(struct names *n, enum reserved set);
/* Also asks BTF: vmlinux.h's typedefs and enumerators, or its tags. */
void names_take_btf(struct names *n, const struct kernel_btf *btf, bool types, bool tags);
/* What Python.h declares, for a loader that embeds Python: every name
 * that starts with Py, _Py or PY. */
void names_take_python(struct names *n);
/* Whether NAME starts like Python.h's names in a namespace of N's chain
 * that has them: no suffix makes it free, a prefix does. */
bool names_python_prefixed(const struct names *n, const char *name);
const struct names *names_outer(const struct names *n);
bool names_taken(const struct names *n, const char *name);
void names_take(struct names *n, const char *name);
/* WANT if it is free, else WANT_, WANT_2, ...; taken from then on. */
const char *names_claim(struct names *n, const char *want);
/* The same, free in both N and ALSO, and taken in both. */
const char *names_claim_in(struct names *n, struct names *also, const char *want);
/* The same, free in each of the COUNT namespaces SETS, taken in each. */
const char *names_claim_all(struct names **sets, size_t count, const char *want);
/* Whether NAME is one of C's keywords (or bool, true, false). */
bool c_is_keyword(const char *name);

/* ---- functions (plan.c) ---- */


/* ---- integer expressions (plan_expr.c) ---- */

/* The C of the expressions and statements in BLOCK, or of X; RETURNS:
 * the string or array type its function returns, or NULL. */
void plan_stmts(struct plan *plan, enum c_side side, const struct type *returns,
		struct stmt *block);
/* X, the initial value of a global or a config member: a C constant. */
void plan_value(struct plan *plan, enum c_side side, struct expr *x);
/* ---- map accesses (plan_maps.c) ---- */

/* The accessors and held entries of the map operations in BODY. */
void plan_map_accesses(struct plan *plan, enum c_side side, struct stmt *body);

/* ---- errors (plan_errors.c) ---- */

/* FN's error state, way out, labels and deferred work, named in BLOCK,
 * its outermost namespace, once its parameters are named. */
void plan_errors(struct plan *plan, enum c_side side, struct function_info *fn,
		 struct names *block);

/* ---- functions that take maps (plan_copies.c) ---- */

/* The copies of the functions that take maps, named, and what their map
 * parameters need given to the maps: after plan_map_accesses. */
void plan_copies(struct plan *plan);

/* The literal a const stands for; NULL when it is written as it is. */
const char *plan_const_text(struct plan *plan, const struct symbol *sym);
/* Whether a const's value is a C int: it is declared an enumerator. */
bool plan_const_is_int(const struct symbol *sym);
/* A kernel macro (TC_ACT_OK) SIDE's code uses: defined there unless its
 * headers have it. */
void plan_kernel_macro(struct plan *plan, enum c_side side, const struct symbol *sym);
/* The helper KIND for BITS and signedness on SIDE, named on first use. */
const char *plan_helper(struct plan *plan, enum c_side side, enum helper_kind kind,
			unsigned bits, bool is_signed);

#endif
