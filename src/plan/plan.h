/* The plan stage: what code generation needs to know about the whole
 * program, decided once, so that the emitters only print.
 *
 * In:  a checked program without errors, and the kernel's BTF (may be
 *      NULL).
 * Out: struct plan, and on the checked program:
 *      - every C name: symbol->c_name for the program's functions, maps,
 *        globals, configs, constants, locals and parameters; type->c_name
 *        for its structs and enums; the names the generated code adds
 *        (map accessors, loader functions, temporaries) in struct plan.
 *        One allocator per C scope knows C's keywords, what the included
 *        headers and vmlinux.h declare, and every name given so far, so no
 *        name captures or clashes with another;
 *      - what each C file needs: the map accessors each side calls.
 * Errors: none; a checked program can always be planned. */
#ifndef KS_PLAN_H
#define KS_PLAN_H

#include "sema.h"

/* Map accessors a side uses: small inline functions per map. */
enum accessor {
	ACC_LOOKUP = 1 << 0,	/* NAME_lookup(key): pointer (eBPF) or presence (userspace) */
	ACC_GET = 1 << 1,	/* NAME_get(key): value, 0 when absent */
	ACC_SET = 1 << 2,	/* NAME_set(key, value) */
	ACC_DELETE = 1 << 3,	/* NAME_delete(key) */
	ACC_OP = 1 << 4,	/* NAME_<op>(key, operand), op in the bits of ops */
	ACC_FIND = 1 << 5,	/* userspace NAME_find(key, &value): whether it is there */
	ACC_REPLACE = 1 << 6,	/* userspace NAME_replace(key, value): only a present entry */
};

/* The generated C files a function can be in: NAME.bpf.c, NAME.c and
 * the kernel module's NAME_kfuncs.c. */
enum c_side { C_BPF, C_USER, C_MODULE, C_SIDES };

/* The small functions integer operations need (plan_expr.c). */
enum helper_kind {
	HELPER_DIV,	/* a / b: 0 for b == 0, signed through unsigned in eBPF */
	HELPER_MOD,	/* a % b: a for b == 0 */
	HELPER_CMP,	/* i64 against u64: <0, 0, >0 by value */
	/* strings (str(N), NUL-terminated within N bytes) */
	HELPER_STR_EQ,		/* whether two texts are the same */
	HELPER_STR_COPY,	/* a text into a buffer, cut to fit, the rest zeroed */
	HELPER_STR_APPEND,	/* a text after the one in a buffer, cut to fit */
	HELPER_STR_VALUE,	/* struct of a str(bits): a + b as a value */
};

struct helper_use {
	enum helper_kind kind;
	unsigned bits;
	bool is_signed;
	const char *name;
};

/* What the C does with one map. */
struct map_plan {
	const struct symbol *map;
	unsigned accessors[C_SIDES];	/* by enum c_side: enum accessor bits */
	unsigned ops[C_SIDES];	/* 1 << binary_op, for compound assignments */
	/* the accessors' C names, on both sides */
	const char *lookup, *get, *set, *delete, *find, *replace;
	const char *op[BIN_SHR + 1];
	/* a ring buffer: the function its records go through to its handler;
	   when the program reads dropped(), the eBPF side's global that counts
	   failed reserves, the function that reserves and counts, its local */
	const char *record;
	const char *dropped, *reserve, *slot;
	/* the accessors' parameters and locals: free of the names they use */
	const char *key, *value, *operand, *first, *copy, *ncpus, *values, *sum, *cpu;
};

/* An entry the program holds, that map operations in a region use instead
 * of looking it up again: a pointer into the map in eBPF code, a copy in
 * userspace (plan_maps.c). */
struct map_binding {
	const struct symbol *map;
	const struct expr *key;
	const char *name;		/* the pointer, or the copy */
	const char *key_copy;		/* userspace: a copy of a key that may change */
	const struct symbol *sym;	/* if (var x = m[k]): x; NULL for if (m[k] != null) */
	bool absent_branch;		/* from if (m[k] == null): it holds in the else */
};

/* A function that takes maps, as C has it: one copy for each tuple of
 * maps it is called with, each map in place of its parameter
 * (plan_copies.c). */
struct fn_copy {
	const struct function_info *fn;
	const struct symbol **maps;	/* by parameter: its map, NULL for one that takes no map */
	const char *c_name;
};

/* Whether FN's body becomes C: a function nobody calls does not. */
bool plan_generates(const struct checked_program *cp, const struct function_info *fn);
/* The file FN's C is in. */
enum c_side plan_function_side(const struct function_info *fn);

struct plan {
	struct arena *arena;
	struct checked_program *cp;
	struct vec helpers[C_SIDES];		/* struct helper_use *, by enum c_side */
	/* the file-scope namespaces, by enum c_side (plan.c) */
	struct names *file[C_SIDES], *visible[C_SIDES];
	struct vec maps;		/* struct map_plan *, as cp->maps */
	/* struct map_plan * of map parameters: what their accesses need, given
	   to the maps of each copy (plan_copies.c) */
	struct vec map_params;
	struct vec copies;		/* struct fn_copy *: of functions that take maps */
	/* generated names, userspace */
	const char *skeleton;		/* the skeleton struct: "NAME_bpf" */
	const char *guard;		/* NAME.h's include guard */
	/* the project's files: the types header (NAME.h) and the program
	   make builds (NAME), unless those names are taken in the project */
	const char *header, *program;
	const char *skel;		/* the loader's skeleton pointer */
	const char *main_fn;		/* the program's main, renamed (C's main is ours) */
	const char *cleanup, *load_program, *attach_program;
	/* generated names, eBPF */
	const char *license;
	/* errors (plan_errors.c): the struct of an error state, and which
	   files have one */
	const char *error_struct;
	bool uses_errors[C_SIDES];
	struct names *tags;		/* struct, union and enum names, both files */
	/* what the files include and define beside the program's own */
	bool bpf_core_read;		/* BPF_CORE_READ: <bpf/bpf_core_read.h> */
	bool bpf_tracing;		/* BPF_KPROBE, BPF_KSYSCALL: <bpf/bpf_tracing.h> */
	bool bpf_obj_new;		/* new and delete in eBPF: the kfuncs declared */
	struct vec constants[C_SIDES];	/* struct symbol *: kernel macros to define (TC_ACT_OK) */
	/* the structs that hold keys that are arrays or strings, by key type:
	   C passes no arrays by value, so the accessors take these */
	struct vec key_structs;		/* struct key_struct * */
	/* tail calls: a program array per kind of program (the kernel holds
	   each array to one program type) */
	struct vec tail_arrays;		/* struct tail_array * */
	/* the kernel module of the @kfunc functions; NULL when there are none */
	struct module_plan *module;
	/* a main generated for programs that attach by themselves: the
	   locals of its printing of each map at the end */
	const char *print_keys, *print_key, *print_value;
};

/* The kernel module (NAME_kfuncs.c, built by Kbuild into NAME_kfuncs.ko):
 * the @kfunc and @private functions, and the kfuncs' registration. */
struct module_plan {
	const char *name;		/* the module's: NAME_kfuncs */
	const char *source;		/* NAME_kfuncs.c */
	/* its C names: the BTF id set of the kfuncs, the btf_kfunc_id_set
	   registered, the init and exit functions */
	const char *ids, *id_set, *init, *exit;
	struct vec kfuncs;		/* struct function_info *, as declared */
	/* const char *: the program types (BPF_PROG_TYPE_*) that call them,
	   each registered once */
	struct vec prog_types;
};

struct tail_array {
	enum prog_kind kind;
	const char *name;		/* xdp_tail_calls */
	struct vec slots;		/* struct function_info *, by slot */
};

/* The program array of the tail calls of programs of KIND, or NULL. */
const struct tail_array *plan_tail_array(const struct plan *plan, enum prog_kind kind);

struct key_struct {
	const struct type *key;
	const char *name;
};

/* The struct that holds a map key of type KEY (an array or a string), or
 * NULL for a key C passes as it is. */
const char *plan_key_struct(const struct plan *plan, const struct type *key);

struct plan *plan_program(struct arena *a, struct checked_program *cp);

/* Where a kprobe reads one argument of its kernel function
 * (plan_probe_args.c): registers from the first (0 is PT_REGS_PARM1),
 * or the stack, from the stack pointer at the function's entry. */
struct probe_arg {
	bool on_stack;
	unsigned reg;			/* the first register */
	unsigned words;			/* how many 8-byte words it takes */
	uint64_t stack_offset;		/* on the stack: its offset from %rsp */
};

/* The places of arguments of TYPES (struct type *), by the x86-64 calling
 * convention; NULL when none is a struct passed by value, so that
 * BPF_KPROBE reads them all. */
struct probe_arg *plan_probe_arg_places(struct arena *a, const struct vec *types,
					const struct kernel_btf *btf);

/* "add", "sub", ...: what accessors for m[k] op= v are named after. */
const char *binary_op_name(enum binary_op op);
/* The map named by an index expression's base, or NULL: a map, or a
 * parameter that takes one. */
const struct symbol *indexed_map(const struct expr *x);
/* Whether SYM names a map: a map, or a parameter that takes one. */
bool names_map(const struct symbol *sym);

/* Whether the match X is C's ?: chain: on a variable, with no string
 * pattern and no arm that is a block.  Otherwise it is written as
 * statements (a switch, or if/else for strings). */
bool match_is_simple(const struct expr *x);

/* Whether FN takes a map: C has it as copies, one for each tuple of maps. */
bool takes_maps(const struct function_info *fn);
/* The map SYM names inside COPY (NULL: a function that takes no map): a
 * map parameter's map, SYM itself otherwise. */
const struct symbol *plan_map_in(const struct fn_copy *copy, const struct symbol *sym);
/* The copy that CALL, a call of a function that takes maps, made inside
 * CALLER (NULL: a function that takes no map), calls; NULL if none. */
const struct fn_copy *plan_callee_copy(const struct plan *p, const struct fn_copy *caller,
				       const struct expr *call);

/* The helper the plan named for KIND, BITS and signedness on SIDE. */
const char *plan_find_helper(const struct plan *plan, enum c_side side, enum helper_kind kind,
			     unsigned bits, bool is_signed);

/* Whether a kernel struct of this name is memory the program may read
 * directly: its context.  Other kernel pointers (a probe's parameters,
 * pointers read from kernel structs) are read with BPF_CORE_READ. */
bool kernel_struct_direct(const char *name);

/* The entry m[k] a place is part of (m[k].f, m[k].a[i]), or NULL. */
const struct expr *entry_of_place(const struct expr *place);

/* Whether a map is pinned (the loader makes its directory). */
bool plan_pins_maps(const struct plan *p);
/* Whether SIDE's code calls any map accessor. */
bool plan_uses_maps(const struct plan *p, enum c_side side);

/* The C name of the type alias written ALIAS. */
const char *plan_alias(const struct plan *p, const char *alias);

/* The plan of MAP. */
const struct map_plan *plan_map(const struct plan *p, const struct symbol *map);

#endif
