/* The emit stage: ring buffers (LANGUAGE.md, "Ring buffers").
 *
 * eBPF code reserves a record with bpf_ringbuf_reserve, fills it, and
 * submits or discards it.  Userspace hands each ring buffer's records to
 * the handler the checker found for it (on_event or NAME_callback): one
 * small adapter per ring buffer turns libbpf's callback into a call of
 * the handler, and dispatch() polls them all through the runtime's
 * ks_dispatch until Ctrl-C, SIGTERM, or a handler returns nonzero. */
#include "emit_internal.h"

#include <string.h>

/* The ring buffer a method call X is on. */
static const struct symbol *ringbuf_of(const struct expr *x)
{
	const struct expr *base = x->call.callee->field.base;
	return base->kind == EXPR_IDENT ? base->sym : NULL;
}

void emit_ringbuf_call(struct emitter *e, const struct expr *x)
{
	const struct symbol *rb = ringbuf_of(x);
	const char *method = x->call.callee->field.name;
	if (!strcmp(method, "on_event")) {	/* settled by the checker: 0, success */
		emit_text(e, "0 /* %s's records go to %s */", rb->name,
			  rb->handler ? rb->handler->name : "nothing");
		return;
	}
	if (!strcmp(method, "dropped")) {	/* the eBPF side's counter */
		const char *counter = plan_map(e->plan, rb)->dropped;
		if (e->bpf)	/* read once, as other CPUs change it (clang 14 has no
				   atomic loads for BPF) */
			emit_text(e, "*(volatile __u64 *)&%s", counter);
		else
			emit_text(e, "%s->bss->%s", e->plan->skel, counter);
		return;
	}
	if (!strcmp(method, "reserve")) {
		const char *t = c_type(e, rb->type->elem);
		if (rb->counts_drops)
			emit_text(e, "%s()", plan_map(e->plan, rb)->reserve);
		else
			emit_text(e, "(%s *)bpf_ringbuf_reserve(&%s, sizeof(%s), 0)", t, c_name(rb), t);
		return;
	}
	/* submit(p), discard(p): nothing for a null p, which the kernel's
	 * functions do not take */
	const struct expr *slot = x->call.args.items[0];
	emit_text(e, "({ if (");
	emit_expr(e, slot);
	emit_text(e, ") bpf_ringbuf_%s(", method);
	emit_expr(e, slot);
	emit_text(e, ", 0); })");
}

void emit_ringbuf_counters(struct emitter *e)
{
	for (size_t i = 0; i < e->plan->maps.len; i++) {
		const struct map_plan *mp = e->plan->maps.items[i];
		if (!mp->dropped)
			continue;
		const char *t = c_type(e, mp->map->type->elem);
		emit_code(e, "\
		/* how many %1$s.reserve() found %1$s full: %1$s.dropped() */\n\
		__u64 %2$s;\n\
		\n\
		static __always_inline %3$s *%4$s(void)\n\
		{\n\
			%3$s *%5$s = bpf_ringbuf_reserve(&%6$s, sizeof(%3$s), 0);\n\
			if (!%5$s)\n\
				__sync_fetch_and_add(&%2$s, 1);\n\
			return %5$s;\n\
		}\n\
		\n", mp->map->name, mp->dropped, t, mp->reserve, mp->slot, c_name(mp->map));
	}
}

void emit_ringbuf_adapters(struct emitter *e)
{
	for (size_t i = 0; i < e->plan->maps.len; i++) {
		const struct map_plan *mp = e->plan->maps.items[i];
		const struct symbol *h = mp->map->handler;
		const struct function_info *fn = h ? h->fn : NULL;
		if (!mp->record || !fn)
			continue;
		bool errors = fn_may_throw(fn) && fn_hands_on_errors(e->cp, fn);
		emit_line(e, "/* %s's records, to %s; a nonzero result ends dispatch() */",
			  mp->map->name, h->name);
		emit_line(e, "static int %s(void *ctx, void *data, size_t size)", mp->record);
		emit_line(e, "{");
		emit_line(e, "\t(void)ctx;");
		emit_line(e, "\t(void)size;");
		if (errors) {
			emit_line(e, "\tstruct %s error = {};", e->plan->error_struct);
			emit_line(e, "\tint result = %s(data, &error);", c_name(h));
			emit_line(e, "\tif (error.thrown) {");
			emit_line(e, "\t\tfprintf(stderr, \"%s: error %%lld thrown by %s and not caught\\n\", "
				  "(long long)error.code);", e->plan->program, h->name);
			emit_line(e, "\t\treturn ks_dispatch_stop(1);");
			emit_line(e, "\t}");
		} else {
			emit_line(e, "\tint result = %s(data);", c_name(h));
		}
		emit_line(e, "\treturn result ? ks_dispatch_stop(result) : 0;");
		emit_line(e, "}");
		emit_line(e, "%s", "");
	}
}

void emit_dispatch(struct emitter *e, const struct expr *x)
{
	emit_text(e, "ks_dispatch((struct ks_ring[]){ ");
	for (size_t i = 0; i < x->call.args.len; i++) {
		const struct expr *arg = x->call.args.items[i];
		emit_text(e, "%s{ %s->maps.%s, %s }", i ? ", " : "", e->plan->skel, c_name(arg->sym),
			  plan_map(e->plan, arg->sym)->record);
	}
	emit_text(e, " }, %zu)", x->call.args.len);
}
