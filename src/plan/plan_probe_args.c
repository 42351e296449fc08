/* The plan stage: where a kprobe finds its function's arguments when one
 * of them is a struct passed by value.
 *
 * libbpf's BPF_KPROBE reads argument i from the i-th argument register,
 * which holds for integers and pointers only.  A struct passed by value
 * follows the x86-64 System V calling convention instead: one of at most
 * 16 bytes (all of whose members are integers, as in the kernel) takes
 * its size in 8-byte registers if enough of the six are left, and
 * otherwise, like a larger one, goes on the stack, where a function's
 * first stack argument is at 8(%rsp) on entry (above the return address),
 * each one 8-byte aligned.  An argument on the stack takes no register:
 * those after it may still use one.  The emitter reads each argument from
 * there (PT_REGS_PARMn, PT_REGS_SP) and builds the function only for
 * x86-64. */
#include "plan_internal.h"

#include "btf.h"

#define ARG_REGS 6

/* Whether a value of type T is passed by value as a struct. */
static bool by_value_struct(const struct type *t)
{
	return t->kind == TY_STRUCT || t->kind == TY_ARRAY;
}

/* The size of T, a kernel struct's from BTF. */
static uint64_t arg_size(const struct type *t, const struct kernel_btf *btf)
{
	if (t->kind == TY_STRUCT && t->kernel) {
		const struct kernel_struct *ks = btf ? kernel_btf_struct(btf, t->name) : NULL;
		return ks ? ks->size : 0;
	}
	return type_size(t);
}

struct probe_arg *plan_probe_arg_places(struct arena *a, const struct vec *types,
					const struct kernel_btf *btf)
{
	bool any = false;
	for (size_t i = 0; i < types->len; i++)
		any |= by_value_struct(types->items[i]);
	if (!any)
		return NULL;
	struct probe_arg *args = arena_alloc(a, types->len * sizeof(*args));
	unsigned regs = 0;
	uint64_t stack = 0;
	for (size_t i = 0; i < types->len; i++) {
		const struct type *t = types->items[i];
		uint64_t size = arg_size(t, btf);
		unsigned words = by_value_struct(t) ? (unsigned)((size + 7) / 8) : 1;
		bool in_regs = size <= 16 && regs + words <= ARG_REGS;
		if (in_regs) {
			args[i] = (struct probe_arg){ .reg = regs, .words = words };
			regs += words;
		} else {
			args[i] = (struct probe_arg){ .on_stack = true, .stack_offset = 8 + stack,
						      .words = words };
			stack += (uint64_t)words * 8;
		}
	}
	return args;
}
