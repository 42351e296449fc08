/* The emit stage: the small functions the plan asked for, where C's own
 * operators would not give the language's results (plan_expr.c). */
#include "emit_internal.h"

static void emit_helper(struct emitter *e, const struct helper_use *h)
{
	const char *t = c_type(e, type_int(h->bits, h->is_signed));
	const char *u = c_type(e, type_int(h->bits, false));
	const char *inline_ = e->bpf ? "static __always_inline" : "static inline";
	switch (h->kind) {
	case HELPER_DIV:
		if (!h->is_signed)
			emit_code(e, "\
			/* a / b, and 0 when b is 0 */\n\
			%1$s %2$s %3$s(%2$s a, %2$s b)\n\
			{\n\
				return b ? a / b : 0;\n\
			}\n\n", inline_, t, h->name);
		else if (e->bpf)	/* clang 14 cannot emit signed division for BPF */
			emit_code(e, "\
			/* a / b, truncated toward zero, on unsigned division; 0 when b is 0 */\n\
			%1$s %2$s %3$s(%2$s a, %2$s b)\n\
			{\n\
				%4$s ua = a < 0 ? -(%4$s)a : (%4$s)a;\n\
				%4$s ub = b < 0 ? -(%4$s)b : (%4$s)b;\n\
				%4$s q = ub ? ua / ub : 0;\n\
				return (a < 0) != (b < 0) ? (%2$s)-q : (%2$s)q;\n\
			}\n\n", inline_, t, h->name, u);
		else
			emit_code(e, "\
			/* a / b, and 0 when b is 0; the most negative value by -1 is itself */\n\
			%1$s %2$s %3$s(%2$s a, %2$s b)\n\
			{\n\
				if (b == -1)\n\
					return (%2$s)-(%4$s)a;\n\
				return b ? a / b : 0;\n\
			}\n\n", inline_, t, h->name, u);
		return;
	case HELPER_MOD:
		if (!h->is_signed)
			emit_code(e, "\
			/* a %% b, and a when b is 0 */\n\
			%1$s %2$s %3$s(%2$s a, %2$s b)\n\
			{\n\
				return b ? a %% b : a;\n\
			}\n\n", inline_, t, h->name);
		else if (e->bpf)
			emit_code(e, "\
			/* a %% b with the sign of a, on unsigned division; a when b is 0 */\n\
			%1$s %2$s %3$s(%2$s a, %2$s b)\n\
			{\n\
				%4$s ua = a < 0 ? -(%4$s)a : (%4$s)a;\n\
				%4$s ub = b < 0 ? -(%4$s)b : (%4$s)b;\n\
				%4$s r = ub ? ua %% ub : ua;\n\
				return a < 0 ? (%2$s)-r : (%2$s)r;\n\
			}\n\n", inline_, t, h->name, u);
		else
			emit_code(e, "\
			/* a %% b, and a when b is 0; 0 when b is -1 */\n\
			%1$s %2$s %3$s(%2$s a, %2$s b)\n\
			{\n\
				if (b == -1)\n\
					return 0;\n\
				return b ? a %% b : a;\n\
			}\n\n", inline_, t, h->name);
		return;
	case HELPER_CMP:
		emit_code(e, "\
		/* compares a signed and an unsigned value by value: <0, 0 or >0 */\n\
		%1$s int %2$s(__s64 a, __u64 b)\n\
		{\n\
			if (a < 0)\n\
				return -1;\n\
			return (__u64)a < b ? -1 : (__u64)a > b;\n\
		}\n\n", inline_, h->name);
		return;
	case HELPER_STR_EQ:
		emit_code(e, "\
		/* whether the text in a (na bytes) is the text in b (nb bytes) */\n\
		%1$s bool %2$s(const char *a, __u32 na, const char *b, __u32 nb)\n\
		{\n\
			for (__u32 i = 0; i < na && i < nb; i++) {\n\
				if (a[i] != b[i])\n\
					return false;\n\
				if (!a[i])\n\
					return true;\n\
			}\n\
			/* the shorter is full: equal when the other ends there */\n\
			return na <= nb ? na == nb || !b[na] : !a[nb];\n\
		}\n\n", inline_, h->name);
		return;
	case HELPER_STR_COPY:
		emit_code(e, "\
		/* the text in src (ns bytes) into dst (nd bytes), cut to fit, the rest\n\
		 * zeroed; one loop, which clang does not make a memset eBPF lacks */\n\
		%1$s void %2$s(char *dst, __u32 nd, const char *src, __u32 ns)\n\
		{\n\
			bool ended = false;\n\
		\n\
			for (__u32 i = 0; i < nd; i++) {\n\
				if (i + 1 >= nd || i >= ns || !src[i])\n\
					ended = true;\n\
				dst[i] = ended ? 0 : src[i];\n\
			}\n\
		}\n\n", inline_, h->name);
		return;
	case HELPER_STR_VALUE:
		emit_code(e, "\
		/* a string made by +, as a value: read as its member value */\n\
		struct %1$s {\n\
			char value[%2$u];\n\
		};\n\n", h->name, h->bits);
		return;
	case HELPER_STR_APPEND:
		emit_code(e, "\
		/* the text in src (ns bytes) after the text in dst (nd bytes), cut to fit */\n\
		%1$s void %2$s(char *dst, __u32 nd, const char *src, __u32 ns)\n\
		{\n\
			__u32 i = 0, j = 0;\n\
		\n\
			while (i < nd && dst[i])\n\
				i++;\n\
			for (; i + 1 < nd && j < ns && src[j]; i++, j++)\n\
				dst[i] = src[j];\n\
			if (i < nd)\n\
				dst[i] = 0;\n\
		}\n\n", inline_, h->name);
		return;
	}
}

void emit_helpers(struct emitter *e)
{
	const struct vec *helpers = &e->plan->helpers[e->side];
	for (size_t i = 0; i < helpers->len; i++)
		emit_helper(e, helpers->items[i]);
}
