/* Kernel types from BTF: what the checker, the code generator and `init`
 * know about the kernel's structs, enums and functions.
 *
 * In:  a BTF file (by default the running kernel's, /sys/kernel/btf/vmlinux),
 *      read by btf_raw.c.
 * Out: answers to name queries (is NAME a kernel struct, an enumerator, ...),
 *      kernel structs, enums and function prototypes whose types are written
 *      as KernelScript type text, tracepoint contexts, and .kh declarations.
 *
 * Every result lives in the arena given to kernel_btf_load() (names are
 * copied there), so results outlive kernel_btf_free(); queries need the
 * struct kernel_btf until then.  There is no global state: the name
 * indexes (hash tables of type names and of enumerators) are built once,
 * at load, so every name query is a hash lookup.
 *
 * KernelScript type text for each kind of BTF type:
 *
 *   BTF                                  text
 *   void                                 void
 *   _Bool                                bool
 *   char (plain)                         char
 *   other integers of 1, 2, 4, 8 bytes   u8 u16 u32 u64 / i8 i16 i32 i64
 *                                        by size and signedness
 *   __int128, floats                     u8[N]: opaque bytes of their size
 *   typedef                              what it names: __u32 -> u32,
 *                                        pid_t -> i32, a typedef of a
 *                                        named struct -> the struct's name;
 *                                        a typedef of an anonymous struct or
 *                                        union keeps the typedef's name
 *                                        (atomic_t)
 *   const, volatile, restrict, tags      dropped
 *   named struct, union, enum            its name: task_struct, xdp_action
 *   anonymous enum                       its integer type (u32, i32, ...)
 *   anonymous struct or union            u8[N] (opaque bytes), except as a
 *                                        nameless member, whose members are
 *                                        listed as the outer struct's, as C
 *                                        lets you name them
 *   T *                                  *T; char * is *u8; void * and
 *                                        pointers to functions or to
 *                                        anonymous structs are *void
 *   T[N]                                 T[N] (char[16]); T[N][M] as in C
 *   function prototype (not a pointer)   *void
 *
 * A bitfield member keeps its integer type; its bit offset and width are in
 * struct kernel_member. */
#ifndef KS_BTF_H
#define KS_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct btf_type;
struct kernel_btf;

#define KERNEL_BTF_DEFAULT_PATH "/sys/kernel/btf/vmlinux"

/* Reads the BTF at PATH (raw BTF or an ELF file with a .BTF section), or
 * the running kernel's when PATH is NULL.  On failure returns NULL and sets
 * *why to a description allocated in A. */
struct kernel_btf *kernel_btf_load(struct arena *a, const char *path, const char **why);
/* Releases the BTF's bytes, as freeing the arena does.  Takes NULL, and
 * a BTF released already. */
void kernel_btf_free(struct kernel_btf *kb);
/* From now on, results are allocated in A instead (the indexes stay where
 * they are): one load serves many compilations, each with its own arena,
 * as the fuzzing harnesses do.  Set it back before A is freed. */
void kernel_btf_use_arena(struct kernel_btf *kb, struct arena *a);

/* Whether the name index came from the cache directory rather than being
 * built ($KERNELSCRIPT_CACHE_DIR, "" for none; else $XDG_CACHE_HOME or
 * ~/.cache, in kernelscript/). */
bool kernel_btf_index_cached(const struct kernel_btf *kb);
/* The file the BTF came from. */
const char *kernel_btf_path(const struct kernel_btf *kb);
/* The BTF itself, for what this module does not cover: type ID (void's
 * for 0, NULL past the last), the string at NAME_OFF ("" past the last),
 * how many ids there are (void's included), ID without modifiers and
 * typedefs, and the size of ID in bytes (-1 when it has none). */
const struct btf_type *kernel_btf_type(const struct kernel_btf *kb, uint32_t id);
const char *kernel_btf_name(const struct kernel_btf *kb, uint32_t name_off);
uint32_t kernel_btf_type_count(const struct kernel_btf *kb);
uint32_t kernel_btf_resolve(const struct kernel_btf *kb, uint32_t id);
int64_t kernel_btf_size(const struct kernel_btf *kb, uint32_t id);

/* ---- names ------------------------------------------------------------- */

enum kernel_kind {
	KERNEL_STRUCT,
	KERNEL_UNION,
	KERNEL_ENUM,	/* enum and enum64 */
	KERNEL_TYPEDEF,
	KERNEL_FUNC,
	KERNEL_FWD,	/* a struct or union BTF names without its members */
};

/* BTF type id of the kernel's KIND named NAME, or 0 when there is none. */
uint32_t kernel_btf_find(const struct kernel_btf *kb, const char *name, enum kernel_kind kind);
/* The functions tagged bpf_kfunc (their FUNC ids), a tag each, in the
 * BTF's order: found once, with the index, not by walking the BTF at each
 * question.  None in BTF from before such tags. */
size_t kernel_btf_kfunc_count(const struct kernel_btf *kb);
uint32_t kernel_btf_kfunc(const struct kernel_btf *kb, size_t i);
/* Whether a function named NAME is tagged bpf_kfunc. */
bool kernel_btf_is_kfunc(const struct kernel_btf *kb, const char *name);

static inline bool kernel_btf_is_struct(const struct kernel_btf *kb, const char *name)
{
	return kernel_btf_find(kb, name, KERNEL_STRUCT) != 0;
}

static inline bool kernel_btf_is_union(const struct kernel_btf *kb, const char *name)
{
	return kernel_btf_find(kb, name, KERNEL_UNION) != 0;
}

static inline bool kernel_btf_is_enum(const struct kernel_btf *kb, const char *name)
{
	return kernel_btf_find(kb, name, KERNEL_ENUM) != 0;
}

static inline bool kernel_btf_is_typedef(const struct kernel_btf *kb, const char *name)
{
	return kernel_btf_find(kb, name, KERNEL_TYPEDEF) != 0;
}

/* Whether NAME is an enumerator (an enum constant) of some kernel enum,
 * which vmlinux.h therefore defines.  A hash lookup. */
bool kernel_btf_is_enumerator(const struct kernel_btf *kb, const char *name);
/* The same, and the enumerator's value and enum's name ("" for an
 * anonymous enum); either pointer may be NULL.  The value of an enumerator
 * of an unsigned 64-bit enum is to be read as (uint64_t)value. */
bool kernel_btf_enumerator(const struct kernel_btf *kb, const char *name,
			   int64_t *value, const char **enum_name);

/* ---- types ------------------------------------------------------------- */

/* KernelScript type text of BTF type ID (see the table above). */
const char *kernel_btf_type_text(const struct kernel_btf *kb, uint32_t id);

struct kernel_member {
	const char *name;
	const char *type;	/* KernelScript type text */
	uint32_t type_id;	/* BTF id of the type as declared */
	uint32_t offset;	/* bytes from the start of the outermost struct;
				   for a bitfield, of the byte holding its first bit */
	uint32_t bit_offset;	/* bits from the start of the outermost struct */
	uint32_t bit_size;	/* a bitfield's width; 0 when not a bitfield */
};

struct kernel_struct {
	const char *name;
	uint32_t id;
	uint32_t size;		/* bytes */
	bool is_union;
	size_t count;
	struct kernel_member *members;	/* in order; nameless struct and union
					   members flattened into this list */
};

/* The FUNC_PROTO that type ID, a pointer to a function (through typedefs
 * and qualifiers), points to; NULL when ID is something else. */
const struct btf_type *kernel_btf_function_pointer(const struct kernel_btf *kb, uint32_t id);
/* A struct or union NAME that BTF declares without its members (a
 * forward declaration, and no definition): its id, or 0. */
uint32_t kernel_btf_opaque_struct(const struct kernel_btf *kb, const char *name);
/* The anonymous struct or union that the typedef NAME names (typedef
 * struct { ... } pmd_t): its id, or 0. */
uint32_t kernel_btf_anonymous_typedef(const struct kernel_btf *kb, const char *name);
/* The kernel struct or union NAME (a struct first, then a typedef of an
 * anonymous one), or NULL. */
const struct kernel_struct *kernel_btf_struct(const struct kernel_btf *kb, const char *name);
/* The struct or union with BTF id ID (through typedefs and qualifiers), or
 * NULL when ID is not one.  An anonymous one is named by its typedef, or
 * "". */
const struct kernel_struct *kernel_btf_struct_by_id(const struct kernel_btf *kb, uint32_t id);
/* S's member NAME, or NULL. */
const struct kernel_member *kernel_struct_member(const struct kernel_struct *s, const char *name);

struct kernel_enumerator {
	const char *name;
	int64_t value;		/* (uint64_t)value when the enum is unsigned */
};

struct kernel_enum {
	const char *name;
	uint32_t id;
	uint32_t size;		/* bytes: 1, 2, 4 or 8 */
	bool is_signed;
	size_t count;
	struct kernel_enumerator *values;
};

/* The kernel enum NAME, or NULL. */
const struct kernel_enum *kernel_btf_enum(const struct kernel_btf *kb, const char *name);

struct kernel_param {
	const char *name;	/* "" when BTF has no name for it */
	const char *type;	/* KernelScript type text */
	uint32_t type_id;
};

struct kernel_func {
	const char *name;
	uint32_t id;		/* of the BTF FUNC */
	const char *ret;	/* KernelScript type text; "void" */
	uint32_t ret_id;
	size_t count;
	struct kernel_param *params;
	bool variadic;		/* ends with ... */
};

/* The prototype of the kernel function NAME, or NULL. */
const struct kernel_func *kernel_btf_func(const struct kernel_btf *kb, const char *name);

/* ---- tracepoints ------------------------------------------------------- */

struct kernel_tracepoint {
	const char *category;	/* sched */
	const char *event;	/* sched_switch */
	const char *context;	/* the struct a program receives a pointer to */
	uint32_t context_id;
	bool syscall;		/* syscalls/sys_enter_* or syscalls/sys_exit_* */
	/* When BTF cannot tell for certain (see below): every struct the
	 * context may be, CONTEXT first; otherwise none. */
	const char **candidates;
	size_t ncandidates;
};

/* Resolves TARGET, written "category/event", to the struct its programs
 * receive:
 * - syscalls/sys_enter_NAME and syscalls/sys_exit_NAME: the kernel's
 *   generic trace_event_raw_sys_enter and trace_event_raw_sys_exit (the
 *   raw_syscalls layout).  The per-syscall events share it where it
 *   matters: args[] (or ret) at byte 16; at byte 8 they hold the syscall
 *   number as an int, so only the low 32 bits of `id` mean anything.
 *   NAME must be a syscall the kernel has;
 * - an event with its own class: trace_event_raw_EVENT;
 * - an event defined from a shared class (sched_wakeup from
 *   sched_wakeup_template): that class's struct.  BTF does not record
 *   which class an event belongs to, only the arguments of its probe.  The
 *   candidates are the classes whose probe takes the same arguments.
 *   FIELDS, the event's own field names in order (as tracefs lists them,
 *   see kernel_tracefs_event), pick the candidate with exactly those
 *   fields.  Without FIELDS, or when none matches, the best guess is a
 *   class that is not itself an event, whose name shares the longest run
 *   of characters with EVENT's; the other candidates are listed.
 * BTF knows events, not categories, so the category is not checked (except
 * syscalls).  FIELDS may be NULL.  Returns false and sets *why (allocated
 * in the load arena) when TARGET is malformed or the kernel has no such
 * trace event. */
bool kernel_btf_tracepoint(const struct kernel_btf *kb, const char *target,
			   const char *const *fields, struct kernel_tracepoint *tp,
			   const char **why);

enum tracefs_answer {
	TRACEFS_UNAVAILABLE,	/* tracefs is not mounted, or not readable */
	TRACEFS_NO_EVENT,	/* it is, and has no such event */
	TRACEFS_EVENT,		/* it has the event */
};

/* What the running kernel's tracefs (/sys/kernel/tracing, or under
 * /sys/kernel/debug) says about CATEGORY/EVENT.  With TRACEFS_EVENT, and
 * FIELDS not NULL, sets *FIELDS to the event's own field names (without the
 * common_ ones), NULL-terminated, allocated in A; to NULL when its format
 * cannot be read. */
enum tracefs_answer kernel_tracefs_event(struct arena *a, const char *category,
					 const char *event, const char *const **fields);

struct kernel_syscall_arg {
	const char *name;	/* "filename" */
	const char *ctype;	/* its C type as tracefs writes it: "const char *" */
};

/* The arguments of syscall NAME ("openat"), as tracefs lists the fields
 * of its syscalls/sys_enter_NAME event.  With TRACEFS_EVENT, sets *ARGS
 * (allocated in A) and *COUNT. */
enum tracefs_answer kernel_tracefs_syscall(struct arena *a, const char *name,
					   struct kernel_syscall_arg **args, size_t *count);

/* ---- KernelScript declarations ----------------------------------------- */

/* .kh declarations of the kernel structs, unions and enums NAMES (a
 * NULL-terminated list), in that order, each preceded by the structs,
 * unions and enums it holds by value (not those it points to) that are not
 * in the text already.  A union becomes a struct with a comment saying so;
 * a flexible array member (T[0], such as a trace event's __data) becomes a
 * comment, as KernelScript arrays have a positive length.
 * Returns NULL and sets *missing to the first name the kernel lacks. */
char *kernel_btf_render(const struct kernel_btf *kb, const char *const *names,
			const char **missing);

#endif
