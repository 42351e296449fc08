/* The check stage: the whole program's names resolved, every expression
 * typed, every function placed on its side (eBPF, userspace, kernel module).
 *
 * In:  the main file's AST; includes are read and parsed here.
 * Out: struct checked_program, the facts code generation needs, with the
 *      AST annotated (expr->type, expr->sym, stmt->sym, decl->sym).
 * Errors go to diag; the result is only for code generation when
 * diag_error_count() is 0. */
#ifndef KS_SEMA_H
#define KS_SEMA_H

#include "ast.h"
#include "diag.h"
#include "types.h"

struct kernel_btf;

enum symbol_kind {
	SYM_FUNCTION,	/* fn, with or without attributes */
	SYM_EXTERN,	/* extern kfunc */
	SYM_BUILTIN,	/* print, load, attach, bpf_ktime_get_ns, ... */
	SYM_STRUCT,
	SYM_ENUM,
	SYM_ENUM_CONST,
	SYM_TYPE_ALIAS,
	SYM_CONFIG,
	SYM_MAP,
	SYM_GLOBAL,	/* global var */
	SYM_CONST,	/* global or local const */
	SYM_LOCAL,	/* local var, if-var binding, loop variable */
	SYM_PARAM,
	SYM_IMPORT,	/* import NAME from "PATH": a module */
	SYM_IMPL,	/* @struct_ops impl block */
};

/* Where a function runs. */
enum fn_side {
	SIDE_USERSPACE,
	SIDE_PROGRAM,	/* an attached eBPF program: @xdp, @tc, @tracepoint, ... */
	SIDE_HELPER,	/* @helper: eBPF code called by programs */
	SIDE_KFUNC,	/* @kfunc: kernel module, callable from eBPF */
	SIDE_PRIVATE,	/* @private: kernel module, internal */
	SIDE_TEST,	/* @test */
};

/* Each kind's facts are its row in prog_kinds.c. */
enum prog_kind {
	PROG_NONE,
	PROG_XDP,
	PROG_TC,
	PROG_TRACEPOINT,
	PROG_PROBE,
	PROG_PERF_EVENT,
	PROG_STRUCT_OPS,
};

enum builtin {
	BUILTIN_NONE,
	BUILTIN_PRINT,
	BUILTIN_LOAD,
	BUILTIN_ATTACH,
	BUILTIN_DETACH,
	BUILTIN_SLEEP,
	BUILTIN_BPF_HELPER,	/* a BPF helper called by its own name */
	BUILTIN_CONSTANT,	/* TC_ACT_OK and friends: kernel macros */
	BUILTIN_READ,		/* read(perf attachment) */
	BUILTIN_EXEC,		/* exec("script.py"): never returns */
	BUILTIN_TEST,		/* test(program, data), in @test functions */
	BUILTIN_DAEMON,		/* daemon(): never returns */
	BUILTIN_DISPATCH,	/* dispatch(rb1, rb2, ...): poll ring buffers */
	BUILTIN_REGISTER,	/* register(impl) */
};

/* The source name of the declarations built into every program. */
#define PRELUDE_NAME "<built-in>"

struct impl_info;
struct probe_arg;

/* The form of a @probe on a kernel function (LANGUAGE.md): an fentry
 * program where the kernel can attach one, else a kprobe, the loader
 * choosing at run time; @kprobe and @fentry force one. */
enum probe_form { PROBE_EITHER, PROBE_KPROBE, PROBE_FENTRY };

struct function_info {
	struct decl *decl;
	struct impl_info *impl;	/* a function of an impl block: its impl */
	enum fn_side side;
	enum prog_kind prog;
	const char *target;	/* @tc: "ingress"/"egress"; @tracepoint: "cat/event";
				   struct_ops: the member it implements */
	/* @probe("sys_NAME") of a syscall the kernel has no function for:
	 * NAME, probed through its syscall entry (ksyscall/NAME) */
	const char *syscall;
	enum probe_form probe_form;
	/* @xdp on eth0: the target it attaches to by itself (an interface, a
	   tracepoint, a function); NULL when the attribute says none */
	const char *on;
	struct span on_span;
	const struct type *type;	/* TY_FUNCTION */
	struct symbol *ret_sym;	/* fn f() -> name: T: the named return value */
	const char *c_name;	/* plan: an impl function's name in C */
	/* check_throw.c: the error codes a throw may leave it with, uncaught
	   (int64_t *); whether codes unknown at compile time may */
	struct vec throws;
	bool throws_unknown;
	/* plan: the error state's name (a parameter when errors go on to the
	   caller); the label of the way out that runs the deferred work and
	   its return value's variable; a call's result, checked for errors */
	const char *c_thrown, *c_out, *c_ret, *c_result;
	/* plan: a function that returns a string or an array returns this
	   struct, whose member value holds it (C returns no arrays) */
	const char *c_returns;
	const char *c_joined;	/* plan: a + b as a value is built in this */
	/* plan: a match written as statements inside an expression: its
	   value, and a copy of a string it matches */
	const char *c_match_value, *c_matched;
	const char *c_entry;	/* plan: &m[k].f: the entry's pointer */
	/* a program: the programs it tail calls (struct function_info *);
	   plan: its slot in the program array when one tail calls it */
	struct vec tail_targets;
	bool c_tail_target;
	unsigned c_tail_slot;
	/* plan: a kprobe given a struct by value reads its arguments from
	   these places (by parameter), a struct's words through c_words */
	struct probe_arg *c_probe_args;
	const char *c_words;
	/* plan: a @probe with an fentry form: the function both forms run,
	   and its kprobe twin's name when the loader picks (PROBE_EITHER) */
	const char *c_probe_body, *c_probe_twin;
	const char *c_test_run;	/* plan: a @test function's call by the runner */
	struct vec c_defers;	/* plan: its defer statements, in order */
	/* eBPF code: the @kfunc calls in it (struct expr *) and the eBPF
	   functions it calls (struct function_info *); a program: whether
	   it reaches a @kfunc, for whose type the module registers them */
	struct vec kfunc_calls, bpf_callees;
	bool calls_kfuncs;
	/* eBPF: the local that takes the stack past its limit, and the total */
	const struct stmt *stack_culprit;
	uint64_t stack_bytes;
};

/* A function an imported module offers (check_import.c). */
struct module_function {
	const char *name;
	struct span span;		/* its name where the module defines it */
	struct function_info *fn;	/* KernelScript: the module's function */
	const struct type *type;	/* KernelScript: TY_FUNCTION; Python: NULL */
	const struct type *ret;		/* what a call gives */
	unsigned min_args, max_args;	/* Python: defaults make arguments optional */
	bool variadic;			/* Python: *args or **kwargs */
};

/* import NAME from "PATH": a KernelScript file checked on its own, or a
 * Python module whose top-level def lines were read. */
struct module {
	const char *path;		/* as opened, relative to the importer */
	bool python;
	struct vec functions;		/* struct module_function * */
	struct checked_program *checked;	/* KernelScript */
};

/* A @struct_ops("OPS") impl NAME { ... } block. */
struct impl_info {
	struct decl *decl;
	const char *ops;	/* the kernel struct it fills: tcp_congestion_ops */
	/* that struct is the program's declaration (the kernel's BTF lacks it) */
	bool ops_declared;
	struct vec functions;	/* struct function_info *, in order */
	struct vec fields;	/* struct decl * (DECL_FIELD), in order */
	/* the value of the struct's name member when the impl sets none:
	   the impl's name, cut to fit; NULL when the struct has no name */
	const char *default_name;
};

struct symbol {
	enum symbol_kind kind;
	const char *name;
	struct span span;
	struct decl *decl;	/* declaring declaration, for global symbols */
	const struct type *type;
	/* ENUM_CONST, CONST: the value when known at compile time */
	bool has_value;
	int64_t value;
	/* CONST: its value's expression, and whether the const has no type
	   of its own (it is then a constant expression, typed by its use) */
	const struct expr *const_init;
	bool untyped;
	const char *c_text;	/* plan: CONST: the literal it stands for (NULL: as written) */
	bool c_enum;		/* plan: CONST: an int, declared as an enumerator */
	/* FUNCTION */
	struct function_info *fn;
	/* BUILTIN */
	enum builtin builtin;
	/* IMPORT: the module, or NULL when it could not be read */
	struct module *module;
	/* EXTERN: names a BPF helper (bpf_ktime_get_ns), not a kfunc */
	bool helper_extern;
	/* IMPL */
	struct impl_info *impl;
	/* LOCAL: bound by if (var x = m[k]): x points into the map */
	bool map_ref;
	/* LOCAL: var v = m[k]: v is the entry, which may be absent (see
	 * LANGUAGE.md); entry_map names the map.  absent_storage: v is read
	 * or given a value where the key may be absent, so it needs storage
	 * of its own for that case. */
	bool map_entry, absent_storage;
	bool null_tested;	/* LOCAL: compared with null somewhere */
	bool assigned;		/* LOCAL, PARAM: assigned, or its address taken */
	unsigned writes;	/* LOCAL, PARAM: the assignments to it or its parts
				   (its address taken: as many as there can be) */
	const struct type *init_range;	/* LOCAL: the integer type its start value fits */
	const char *entry_map;
	/* LOCAL: holds what load(f) returned: f */
	const struct function_info *loaded;
	/* LOCAL: var p = prog: names the eBPF program prog, known at compile
	 * time (load(p) is load(prog)); not a value of the C */
	struct symbol *program_ref;
	/* LOCAL: holds what R.reserve() returned: the ring buffer R; whether
	 * it is submitted or discarded somewhere */
	const struct symbol *reserved_from;
	bool released;
	/* MAP of a ring buffer: the userspace function its events go to;
	 * whether the program reads how many reserves failed (dropped()) */
	const struct symbol *handler;
	bool counts_drops;
	/* GLOBAL: pinned, local (eBPF only), zero-initialised (.bss) */
	bool pinned, local, in_bss;
	/* plan: its name in the generated C; for a map entry variable
	   (var v = m[k]) also its found flag (userspace) and its storage for
	   an absent key (eBPF); for a config, its struct */
	const char *c_name, *c_found, *c_absent, *c_struct;
	const char *c_module;	/* plan: declared in an imported module: the import's name */
	/* LOCAL, entry variable: its map; plan: whether it looks its entry up
	   again after the map changed, under the key kept in c_key */
	const struct symbol *entry_map_sym;
	bool c_refreshed;
	bool c_read;		/* plan: LOCAL, PARAM: read somewhere, not only assigned;
				   GLOBAL: named in the C at all */
	/* plan: PARAM of an array type the function changes: what C passes
	   (a pointer) is named so, and c_name is the function's own copy */
	const char *c_param;
	const char *c_key;
	bool used;		/* named somewhere in a function body */
	/* FUNCTION: named by @test functions alone, which only a test runner
	   has (a normal build leaves it out) */
	bool used_by_tests_only;
};

struct checked_program {
	const char *name;	/* project name: the main file's base name */
	struct program *main;
	struct vec decls;	/* struct decl *: includes flattened, in order */
	/* const char *: the files read besides the main one (includes,
	   imports and theirs), as opened */
	struct vec inputs;
	struct vec functions;	/* struct function_info * */
	struct vec maps;	/* struct symbol * */
	struct vec globals;	/* struct symbol *: global vars */
	struct vec configs;	/* struct symbol * */
	struct vec types;	/* struct symbol *: structs, enums, aliases in order */
	struct vec consts;	/* struct symbol * */
	struct vec impls;	/* struct impl_info * */
	struct function_info *main_fn;	/* userspace main, or NULL */
	bool has_programs;	/* any eBPF side at all: programs, maps or pinned globals */
	unsigned builtins_used;	/* 1 << enum builtin, for each one called */
	bool attaches_to_targets;	/* attach(prog, "target", flags) somewhere */
	/* no main, and programs that say where they attach (@xdp on eth0):
	   the generated main attaches them and prints the maps at exit */
	bool direct_attach;
	/* compile --test: main is the test runner of the @test functions;
	   whether one calls test() */
	bool test_runner, calls_test;
	const struct kernel_btf *btf;	/* may be NULL */
};

/* The files importing the one being checked, innermost first. */
struct import_chain {
	const char *path;
	const struct import_chain *up;
};

struct check_options {
	const struct kernel_btf *btf;	/* kernel types; NULL if unavailable */
	const struct import_chain *importers;	/* NULL for the main file */
	bool test_runner;	/* compile --test: main is the runner of the @test functions */
};

struct checked_program *check_program(struct arena *a, struct diag *d,
				      struct program *main,
				      const struct check_options *opts);

/* Whether SYM is a map entry variable: var v = m[k]. */
bool is_entry_var(const struct symbol *sym);
/* Whether FN may throw an error it does not catch (check_throw.c). */
bool fn_may_throw(const struct function_info *fn);
/* Whether FN hands the errors it does not catch to its caller: a helper
 * or a userspace function other than main. */
bool fn_hands_on_errors(const struct checked_program *cp, const struct function_info *fn);
/* The next conversion of print's format from *AT (before END): its letter,
 * flags, width and length skipped, "%%" passed over; ' ' when the format
 * ends inside one, 0 when there is none left.  *AT moves past it. */
char print_next_conversion(const char **at, const char *end);
/* The program a load() call, or a variable set from one, stands for. */
const struct function_info *loaded_program(const struct expr *x);
/* Whether X joins strings: a + b of two strs. */
bool expr_is_join(const struct expr *x);
/* Whether control cannot run past S: it returns or throws on every path. */
bool stmt_always_returns(const struct stmt *s);
/* Whether a function of SIDE runs in eBPF (program or helper). */
bool side_is_bpf(enum fn_side side);

#endif
