/* The check stage: ring buffers.  A ringbuf<T>(N) declaration, the eBPF
 * side's reserve(), submit() and discard(), and userspace's on_event()
 * and dispatch().
 *
 * A slot reserve() returns must be submitted or discarded, and only to the
 * ring buffer it came from: the verifier rejects a program that leaves a
 * reservation unreleased or hands it to another ring buffer, so these are
 * errors here, where they can be shown in the source. */
#include "check_internal.h"

#include <string.h>

/* The kernel wants a ring buffer's size to be a power of two and a
 * multiple of the page size (4096 bytes on x86-64). */
#define RINGBUF_PAGE_SIZE 4096u
/* Every record starts with a header of this many bytes. */
#define RINGBUF_HEADER 8u

static const char *const methods[] = { "reserve", "submit", "discard", "on_event", "dropped" };

/* What an event may be: a value userspace can read as it is. */
static bool event_type_ok(const struct type *t)
{
	switch (t->kind) {
	case TY_ERROR: case TY_INT: case TY_CHAR: case TY_BOOL: case TY_ENUM:
	case TY_STRUCT: case TY_ARRAY: case TY_STR:
		return true;
	default:
		return false;
	}
}

static uint64_t next_good_size(uint64_t n)
{
	uint64_t size = RINGBUF_PAGE_SIZE;
	while (size < n && size < (UINT64_C(1) << 62))
		size <<= 1;
	return size;
}

const struct type *ringbuf_type(struct checker *c, const struct decl *d)
{
	const struct ast_type *t = d->var.type;
	if (t->args.len != 1) {
		diag_error(c->diag, t->span, "a ring buffer takes one type, its events': ringbuf<Event>(4096)");
		return &type_error;
	}
	struct type *r = type_new(A, TY_RINGBUF);
	const struct ast_type *arg = t->args.items[0];
	r->elem = resolve_type(c, arg);
	if (!event_type_ok(r->elem))
		diag_error(c->diag, arg->span,
			   "a ring buffer carries values, such as a struct, not %s",
			   type_name(A, r->elem));
	int64_t n = 0;
	if (t->sizes.len != 1 || !const_value(c, t->sizes.items[0], &n) || n <= 0) {
		diag_error(c->diag, t->span, "a ring buffer needs its size in bytes: ringbuf<%s>(4096)",
			   type_name(A, r->elem));
		return r;
	}
	const struct expr *size = t->sizes.items[0];
	uint64_t bytes = (uint64_t)n;
	r->max_entries = bytes;
	if ((bytes & (bytes - 1)) || bytes % RINGBUF_PAGE_SIZE) {
		diag_error(c->diag, size->span,
			   "a ring buffer's size must be a power of two and a multiple of the "
			   "page size (%u bytes), such as %llu, not %llu", RINGBUF_PAGE_SIZE,
			   (unsigned long long)next_good_size(bytes), (unsigned long long)bytes);
		return r;
	}
	uint64_t event = type_size(r->elem);
	if (event && (event + 7) / 8 * 8 + RINGBUF_HEADER > bytes)
		diag_error(c->diag, size->span,
			   "one event of %s (%llu bytes) and the %u-byte header of its record "
			   "do not fit in %llu bytes", type_name(A, r->elem),
			   (unsigned long long)event, RINGBUF_HEADER, (unsigned long long)bytes);
	return r;
}

static const char *name_of(const struct expr *x)
{
	return x->kind == EXPR_IDENT ? x->ident : "the ring buffer";
}

/* The ring buffer symbol X names, or NULL (a parameter, an error). */
static struct symbol *ringbuf_symbol(const struct expr *x)
{
	return x->kind == EXPR_IDENT && x->sym && x->sym->kind == SYM_MAP &&
	       x->sym->type->kind == TY_RINGBUF ? x->sym : NULL;
}

const struct symbol *reserved_from(const struct expr *x)
{
	if (!x || x->kind != EXPR_CALL || x->call.callee->kind != EXPR_FIELD ||
	    strcmp(x->call.callee->field.name, "reserve"))
		return NULL;
	return ringbuf_symbol(x->call.callee->field.base);
}

void bind_reservation(struct checker *c, struct symbol *sym, const struct expr *init)
{
	if (!init || !(sym->reserved_from = reserved_from(init)))
		return;
	vec_push(A, &c->reserved, sym);
	for (size_t i = 0; i < c->reserve_calls.len; i++)
		if (c->reserve_calls.items[i] == init)
			c->reserve_calls.items[i] = NULL;
}

void check_reserved_assign(struct checker *c, const struct expr *target)
{
	if (target->kind == EXPR_IDENT && target->sym && target->sym->reserved_from)
		diag_error(c->diag, target->span,
			   "'%s' holds a slot reserved from '%s': it cannot be given another value",
			   target->ident, target->sym->reserved_from->name);
}

void check_reservations(struct checker *c)
{
	struct vec released = { 0 };	/* somewhere: is it on every path? */
	for (size_t i = 0; i < c->reserved.len; i++) {
		const struct symbol *sym = c->reserved.items[i];
		if (sym->released)
			vec_push(A, &released, (void *)sym);
		else
			diag_error(c->diag, sym->span,
				   "'%s' is reserved from '%s' but never submitted or discarded "
				   "(the verifier rejects a reservation left unreleased)",
				   sym->name, sym->reserved_from->name);
	}
	if (c->fn)
		check_release_paths(c, c->fn, &released);
	for (size_t i = 0; i < c->reserve_calls.len; i++) {
		const struct expr *call = c->reserve_calls.items[i];
		if (call)
			diag_error(c->diag, call->span,
				   "keep what reserve() returns in a variable, as in "
				   "'if (var e = %s.reserve())', so that it can be submitted",
				   name_of(call->call.callee->field.base));
	}
	c->reserved.len = 0;
	c->reserve_calls.len = 0;
}

/* Whether function FN can receive the events of ring buffer RB; reports
 * at AT why not. */
static bool check_handler(struct checker *c, const struct symbol *fn, const struct type *rb,
			  const char *rb_name, struct span at)
{
	const struct type *t = fn->type;
	if (fn->fn->side != SIDE_USERSPACE) {
		diag_error(c->diag, at, "'%s' runs in the kernel: the events of '%s' go to a "
			   "userspace function", fn->name, rb_name);
		return false;
	}
	if (t->kind != TY_FUNCTION)
		return false;	/* reported */
	const struct type *want = type_pointer(A, rb->elem);
	if (t->params.len == 1 && types_equal(t->params.items[0], want) &&
	    types_equal(t->ret, &type_i32))
		return true;
	diag_error(c->diag, at, "'%s' cannot receive the events of '%s': it is %s, and a "
		   "handler is fn(event: %s) -> i32", fn->name, rb_name, type_name(A, t),
		   type_name(A, want));
	if (at.begin != fn->decl->name_span.begin)
		diag_note(c->diag, fn->decl->name_span, "'%s' is declared here", fn->name);
	return false;
}

static void set_handler(struct checker *c, struct symbol *rb, const struct symbol *fn,
			struct span at)
{
	if (rb->handler && rb->handler != fn) {
		diag_error(c->diag, at, "'%s' already sends its events to '%s'", rb->name,
			   rb->handler->name);
		return;
	}
	rb->handler = fn;
}

static bool want_args(struct checker *c, const struct expr *call, size_t n, const char *rb,
		      const char *method, const char *form)
{
	if (call->call.args.len == n)
		return true;
	diag_error(c->diag, call->span, "'%s.%s' takes %zu argument%s: %s.%s(%s)", rb, method, n,
		   n == 1 ? "" : "s", rb, method, form);
	return false;
}

const struct type *check_ringbuf_call(struct checker *c, struct expr *call)
{
	struct expr *callee = call->call.callee;
	struct expr *base = callee->field.base;
	const struct type *rb = base->type;
	const char *name = name_of(base);
	const char *method = callee->field.name;
	for (size_t i = 0; i < call->call.args.len; i++)
		check_expr(c, call->call.args.items[i]);
	callee->type = &type_error;	/* a method, not a value */

	size_t m = 0;
	while (m < sizeof(methods) / sizeof(methods[0]) && strcmp(methods[m], method))
		m++;
	if (m == sizeof(methods) / sizeof(methods[0])) {
		struct vec names = { 0 };
		for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			vec_push(A, &names, (void *)methods[i]);
		diag_error(c->diag, callee->field.name_span,
			   "a ring buffer has no method '%s': eBPF code calls reserve, submit and "
			   "discard, userspace on_event, and either side dropped%s", method, closest_name(c, method, &names));
		return &type_error;
	}
	if (!strcmp(method, "dropped")) {	/* both sides */
		want_args(c, call, 0, name, method, "");
		struct symbol *rbsym = ringbuf_symbol(base);
		if (rbsym)
			rbsym->counts_drops = true;
		return &type_u64;
	}
	bool on_event = !strcmp(method, "on_event");
	if (!on_event && c->fn && !in_bpf(c))
		diag_error(c->diag, call->span, "'%s.%s()' is for eBPF code: userspace receives "
			   "the events with %s.on_event(handler) and dispatch(%s)", name, method,
			   name, name);
	if (on_event && c->fn && c->fn->side != SIDE_USERSPACE)
		diag_error(c->diag, call->span, "'%s.on_event()' is for userspace: it names the "
			   "function that receives the events", name);

	if (!strcmp(method, "reserve")) {
		want_args(c, call, 0, name, method, "");
		vec_push(A, &c->reserve_calls, call);
		return type_pointer(A, rb->elem);
	}
	if (on_event) {
		if (!want_args(c, call, 1, name, method, "handler"))
			return &type_i32;
		const struct expr *h = call->call.args.items[0];
		struct symbol *rbsym = ringbuf_symbol(base);
		if (!h->sym || h->sym->kind != SYM_FUNCTION) {
			if (h->type && h->type->kind != TY_ERROR)
				diag_error(c->diag, h->span, "'%s.on_event()' takes a function "
					   "fn(event: *%s) -> i32", name, type_name(A, rb->elem));
		} else {
			check_handler(c, h->sym, rb, name, h->span);
			if (rbsym)	/* even a wrong one: it is reported */
				set_handler(c, rbsym, h->sym, h->span);
		}
		return &type_i32;
	}
	/* submit, discard */
	if (!want_args(c, call, 1, name, method, "slot"))
		return &type_void;
	const struct expr *p = call->call.args.items[0];
	if (!p->type || p->type->kind == TY_ERROR)
		return &type_void;
	struct symbol *from = p->kind == EXPR_IDENT && p->sym ? (struct symbol *)p->sym : NULL;
	const struct symbol *rbsym = ringbuf_symbol(base);
	if (!from || !from->reserved_from) {
		diag_error(c->diag, p->span, "'%s.%s()' takes a slot that '%s.reserve()' returned, "
			   "kept in a variable", name, method, name);
		if (types_equal(p->type, rb->elem))
			diag_note(c->diag, p->span, "to send a value, reserve a slot, fill it in "
				  "and submit it");
	} else if (rbsym && from->reserved_from != rbsym) {
		diag_error(c->diag, p->span, "'%s' is reserved from '%s', not from '%s'",
			   p->ident, from->reserved_from->name, name);
		diag_note(c->diag, from->span, "'%s' is declared here", p->ident);
	}
	if (from)
		from->released = true;
	return &type_void;
}

void check_dispatch(struct checker *c, struct expr *call)
{
	if (c->fn && c->fn->side != SIDE_USERSPACE)
		diag_error(c->diag, call->span, "'dispatch' is for userspace: it waits for the "
			   "events of ring buffers and hands them to their handlers");
	if (!call->call.args.len)
		diag_error(c->diag, call->span, "dispatch takes the ring buffers to wait on: "
			   "dispatch(events)");
	for (size_t i = 0; i < call->call.args.len; i++) {
		struct expr *x = call->call.args.items[i];
		if (!ringbuf_symbol(x)) {
			if (x->type && x->type->kind != TY_ERROR)
				diag_error(c->diag, x->span, "dispatch takes ring buffers, and this "
					   "is %s", type_name(A, x->type));
			continue;
		}
		bool twice = false;
		for (size_t j = 0; j < i && !twice; j++)
			twice = ((struct expr *)call->call.args.items[j])->sym == x->sym;
		if (twice)
			diag_error(c->diag, x->span, "'%s' is named twice", x->ident);
		else
			vec_push(A, &c->dispatched, x);
	}
}

void check_ringbuf_handlers(struct checker *c)
{
	for (size_t i = 0; i < c->dispatched.len; i++) {
		const struct expr *x = c->dispatched.items[i];
		struct symbol *rb = x->sym;
		if (rb->handler)
			continue;
		/* The other way to name a handler: a function called NAME_callback. */
		struct symbol *fn = global_lookup(c, arena_printf(A, "%s_callback", rb->name));
		if (fn && fn->kind == SYM_FUNCTION) {
			check_handler(c, fn, rb->type, rb->name, fn->decl->name_span);
			rb->handler = fn;
			fn->used = true;
			continue;
		}
		diag_error(c->diag, x->span, "nothing receives the events of '%s': register a "
			   "function with %s.on_event(handler), or name it %s_callback", rb->name,
			   rb->name, rb->name);
		rb->handler = rb;	/* reported once */
	}
}
