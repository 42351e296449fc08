/* The emit stage: statements that read or change map entries, as the plan
 * decided them (plan_maps.c).  eBPF code changes an entry through a
 * pointer into the map; userspace holds a copy (if (var x = m[k]), or one
 * made for m[k].f = v) and puts it back after each change, where the entry
 * is still there (NAME_replace). */
#include "emit_internal.h"

#include <string.h>

static void begin_line(struct emitter *e)
{
	for (int i = 0; i < e->indent; i++)
		fputc('\t', e->out);
}

const struct symbol *emit_map_symbol(struct emitter *e, const struct symbol *sym)
{
	return plan_map_in(e->copy, sym);
}

const struct map_plan *emit_map_plan(struct emitter *e, const struct symbol *sym)
{
	return plan_map(e->plan, plan_map_in(e->copy, sym));
}

static const struct map_plan *mp_of(struct emitter *e, const struct symbol *map)
{
	return emit_map_plan(e, map);
}

/* The accessor a map operation calls, by its c_access. */
static const char *accessor(struct emitter *e, const struct symbol *map, unsigned access)
{
	const struct map_plan *mp = mp_of(e, map);
	if (access & ACC_FIND)
		return mp->find;
	if (access & ACC_LOOKUP)
		return mp->lookup;
	if (access & ACC_GET)
		return mp->get;
	if (access & ACC_SET)
		return mp->set;
	if (access & ACC_DELETE)
		return mp->delete;
	return mp->replace;
}

/* The key of binding B: its copy, or the key itself. */
static void emit_binding_key(struct emitter *e, const struct map_binding *b)
{
	if (b->key_copy)
		emit_text(e, "%s", b->key_copy);
	else
		emit_expr(e, b->key);
}

/* NAME_replace(k, x): the copy B->name goes back into its entry, if the
 * entry is still there (one deleted meanwhile stays absent, as in eBPF). */
static void emit_replace(struct emitter *e, const struct map_binding *b)
{
	begin_line(e);
	emit_text(e, "%s(", mp_of(e, b->map)->replace);
	emit_binding_key(e, b);
	emit_text(e, ", %s);\n", b->name);
}

/* ---- places ------------------------------------------------------------------ */

/* PLACE (m[k].a.b[i]) with its entry ENTRY (the m[k]) written as BASE: a
 * pointer to the entry, or (POINTER false) the entry itself. */
static void emit_place_from(struct emitter *e, const struct expr *place, const struct expr *entry,
			    const char *base, bool pointer)
{
	if (place == entry) {
		emit_text(e, pointer ? "*%s" : "%s", base);
		return;
	}
	if (place->kind == EXPR_INDEX) {
		if (place->index.base == entry && pointer && !c_is_array(entry->type))
			emit_text(e, "(*%s)", base);
		else if (place->index.base == entry)
			emit_text(e, "%s", base);	/* an array entry: base is its first element */
		else
			emit_place_from(e, place->index.base, entry, base, pointer);
		emit_text(e, "[");
		emit_expr(e, place->index.index);
		emit_text(e, "]");
		return;
	}
	const struct expr *inner = place->field.base;
	const char *member = c_member(inner->type, place->field.name);
	if (inner == entry) {
		emit_text(e, "%s%s%s", base, pointer ? "->" : ".", member);
		return;
	}
	emit_place_from(e, inner, entry, base, pointer);
	emit_text(e, "%s%s", inner->type && inner->type->kind == TY_POINTER ? "->" : ".", member);
}

/* Whether a compound change of a value of type T in a map CPUs share is
 * made with one atomic instruction: += and -= of 4 or 8 bytes. */
static bool atomic_change(struct emitter *e, const struct stmt *s, const struct symbol *map,
			  const struct type *t)
{
	enum binary_op op = s->assign.op.op;
	if (s->assign.value->constant && t && t->kind == TY_INT &&
	    s->assign.value->value % ((ks_wide)1 << t->bits) == 0)
		return false;	/* += 0: nothing to add (clang 14 would make it an atomic or) */
	return e->bpf && s->assign.op.compound && (op == BIN_ADD || op == BIN_SUB) &&
	       !type_is_percpu_map(map->type) && t && t->kind == TY_INT && t->bits >= 32;
}

struct through {
	const struct expr *place, *entry;
	const char *base;
	bool pointer;
};

static void print_through(struct emitter *e, const struct through *t)
{
	emit_place_from(e, t->place, t->entry, t->base, t->pointer);
}

/* S, an assignment, applied to the place T: P = v, P op= v, or the forms
 * the plan asked for. */
static void emit_change(struct emitter *e, const struct stmt *s, const struct symbol *map,
			const struct through *place)
{
	const struct expr *value = s->assign.value;
	begin_line(e);
	if (place->place == place->entry && c_is_array(place->entry->type)) {
		/* an array is copied: base is the address of the entry's */
		emit_text(e, "__builtin_memcpy(%s, ", place->base);
		emit_array_value(e, place->entry->type, value);
		emit_text(e, ", sizeof(%s));\n", c_type(e, place->entry->type));
		return;
	}
	if (atomic_change(e, s, map, s->assign.target->type)) {
		emit_text(e, "__sync_fetch_and_add(");
		if (place->place == place->entry && place->pointer)
			emit_text(e, "%s", place->base);
		else {
			emit_text(e, "&");
			print_through(e, place);
		}
		emit_text(e, ", %s", s->assign.op.op == BIN_SUB ? "-" : "");
		if (s->assign.op.op == BIN_SUB && value->kind == EXPR_BINARY)
			emit_text(e, "(");
		emit_expr(e, value);
		if (s->assign.op.op == BIN_SUB && value->kind == EXPR_BINARY)
			emit_text(e, ")");
		emit_text(e, ");\n");
		return;
	}
	print_through(e, place);
	if (s->c_call) {	/* P = div(P, v) */
		emit_text(e, " = %s(", s->c_call);
		print_through(e, place);
		emit_text(e, ", ");
		emit_expr(e, value);
		emit_text(e, ");\n");
		return;
	}
	emit_text(e, " %s= ", s->assign.op.compound ? binary_op_text(s->assign.op.op) : "");
	if (s->c_mask) {
		emit_text(e, "(");
		emit_expr(e, value);
		emit_text(e, ") & %u;\n", s->c_mask);
		return;
	}
	emit_expr(e, value);
	emit_text(e, ";\n");
}

/* ---- statements ---------------------------------------------------------------- */

/* The entry variables that look their entry up again after S. */
void emit_refresh(struct emitter *e, const struct stmt *s)
{
	for (size_t i = 0; s->c_refresh && i < s->c_refresh->len; i++) {
		const struct symbol *v = s->c_refresh->items[i];
		emit_line(e, "%s = %s(%s);", v->c_name, mp_of(e, v->entry_map_sym)->lookup, v->c_key);
	}
}

/* var v = m[k].  eBPF: v points to the entry, or is NULL; a value of its
 * own stands in once v is given one where the key was absent; the key is
 * kept when v looks its entry up again later.  Userspace: v is a copy,
 * and v_found says whether the key was there. */
void emit_entry_var_decl(struct emitter *e, const struct stmt *s)
{
	const struct symbol *sym = s->sym, *map = indexed_map(s->var.init);
	const struct expr *key = s->var.init->index.index;
	const char *name = sym->c_name, *call = accessor(e, map, s->c_access);
	begin_line(e);
	if (e->bpf) {
		if (sym->absent_storage) {
			emit_text(e, "%s = {%s};\n", c_decl(e, sym->type, sym->c_absent),
				  type_is_scalar(sym->type) ? "0" : "");
			begin_line(e);
		}
		if (sym->c_key) {
			emit_text(e, "%s = ", c_key_decl(e, map, sym->c_key));
			emit_expr(e, key);
			emit_text(e, ";\n");
			begin_line(e);
			emit_text(e, "%s = %s(%s);\n", c_decl(e, type_pointer(A, sym->type), name), call,
				  sym->c_key);
			return;
		}
		emit_text(e, "%s = %s(", c_decl(e, type_pointer(A, sym->type), name), call);
	} else if (s->c_access & ACC_FIND) {
		emit_text(e, "%s;\n", c_decl(e, sym->type, name));
		begin_line(e);
		emit_text(e, "bool %s = %s(", sym->c_found, call);
		emit_expr(e, key);
		emit_text(e, ", %s);\n", c_address(e, sym->type, name));
		return;
	} else if (c_is_array(sym->type)) {	/* read into it */
		emit_text(e, "%s;\n", c_decl(e, sym->type, name));
		begin_line(e);
		emit_text(e, "%s(", call);
		emit_expr(e, key);
		emit_text(e, ", %s);\n", name);
		return;
	} else {
		emit_text(e, "%s = %s(", c_decl(e, sym->type, name), call);
	}
	emit_expr(e, key);
	emit_text(e, ");\n");
}

/* v = x for a map entry variable v: a map read makes v that entry; a
 * value goes into the entry (or into v's own value when it was absent). */
void emit_entry_var_assign(struct emitter *e, const struct stmt *s)
{
	const struct expr *target = s->assign.target, *value = s->assign.value;
	const struct symbol *sym = target->sym, *map = indexed_map(value);
	const char *name = sym->c_name;
	begin_line(e);
	if (map) {
		bool find = s->c_access & ACC_FIND;
		if (sym->c_key) {
			emit_text(e, "%s = ", sym->c_key);
			emit_expr(e, value->index.index);
			emit_text(e, ";\n");
			begin_line(e);
			emit_text(e, "%s = %s(%s);\n", name, accessor(e, map, s->c_access), sym->c_key);
			return;
		}
		/* userspace: find, and get of an array, fill v */
		bool into = find || (!e->bpf && c_is_array(sym->type));
		if (find)
			emit_text(e, "%s = ", sym->c_found);
		else if (!into)
			emit_text(e, "%s = ", name);
		emit_text(e, "%s(", accessor(e, map, s->c_access));
		emit_expr(e, value->index.index);
		if (into)
			emit_text(e, ", %s", c_address(e, sym->type, name));
		emit_text(e, ");\n");
		return;
	}
	const char *absent = c_address(e, sym->type, sym->c_absent);
	if (e->bpf && target->surely_null) {
		emit_text(e, "%s = %s;\n", name, absent);
		begin_line(e);
	} else if (e->bpf && target->maybe_null) {
		emit_text(e, "if (!%s)\n", name);
		e->indent++;
		emit_line(e, "%s = %s;", name, absent);
		e->indent--;
		begin_line(e);
	}
	if (c_is_array(sym->type)) {	/* copied into the entry, or into the copy */
		emit_text(e, "__builtin_memcpy(%s, ", name);
		emit_array_value(e, sym->type, value);
		emit_text(e, ", sizeof(%s));\n", c_type(e, sym->type));
	} else {
		emit_text(e, "%s%s = ", e->bpf ? "*" : "", name);
		emit_expr(e, value);
		emit_text(e, ";\n");
	}
	if (!e->bpf && sym->null_tested)
		emit_line(e, "%s = true;", sym->c_found);
}

/* m[k].f = v on an entry nobody holds: eBPF looks it up into a pointer,
 * userspace into a copy it puts back; an absent entry stays absent. */
static void emit_own_entry(struct emitter *e, const struct stmt *s, const struct expr *entry)
{
	const struct symbol *map = indexed_map(entry);
	const struct type *value = map->type->value;
	struct map_binding own = { .map = map, .key = entry->index.index, .name = s->c_temp,
				   .key_copy = s->c_key };
	emit_line(e, "{");
	e->indent++;
	if (own.key_copy) {
		begin_line(e);
		emit_text(e, "%s = ", c_key_decl(e, map, own.key_copy));
		emit_expr(e, own.key);
		emit_text(e, ";\n");
	}
	begin_line(e);
	if (e->bpf) {
		emit_text(e, "%s = %s(", c_decl(e, type_pointer(A, value), own.name),
			  accessor(e, map, s->c_access));
		emit_binding_key(e, &own);
		emit_text(e, ");\n");
		emit_line(e, "if (%s)", own.name);
	} else {
		emit_text(e, "%s;\n", c_decl(e, value, own.name));
		begin_line(e);
		emit_text(e, "if (%s(", accessor(e, map, ACC_FIND));
		emit_binding_key(e, &own);
		emit_text(e, ", %s)) {\n", c_address(e, value, own.name));
	}
	e->indent++;
	struct through t = { s->assign.target, entry, own.name, e->bpf };
	emit_change(e, s, map, &t);
	if (!e->bpf)
		emit_replace(e, &own);
	e->indent--;
	if (!e->bpf)
		emit_line(e, "}");
	e->indent--;
	emit_line(e, "}");
}

bool emit_map_assign(struct emitter *e, const struct stmt *s)
{
	const struct expr *target = s->assign.target;
	const struct symbol *map = indexed_map(target);
	const struct expr *entry = map ? target : entry_of_place(target);
	if (!entry)
		return false;
	map = indexed_map(entry);
	const struct map_binding *b = s->c_binding;
	if (b) {	/* through the entry the program holds */
		struct through t = { target, entry, b->name, e->bpf };
		emit_change(e, s, map, &t);
		if (!e->bpf)
			emit_replace(e, b);
		return true;
	}
	if (target == entry && (s->c_access & ACC_GET)) {	/* m[k] /= v: set(k, get(k) / v) */
		const struct map_plan *mp = mp_of(e, map);
		begin_line(e);
		emit_text(e, "%s(", mp->set);
		emit_expr(e, target->index.index);
		emit_text(e, ", %s(%s(", s->c_call ? s->c_call : "", mp->get);
		emit_expr(e, target->index.index);
		emit_text(e, ")%s", s->c_call ? ", " : s->assign.op.op == BIN_DIV ? " / " : " % ");
		const struct expr *v = s->assign.value;
		bool parens = !s->c_call && !v->c_text && v->kind != EXPR_IDENT && v->kind != EXPR_INT;
		emit_text(e, parens ? "(" : "");
		emit_expr(e, v);
		emit_text(e, parens ? ")));\n" : "));\n");
		emit_refresh(e, s);
		return true;
	}
	if (target == entry) {	/* m[k] = v, m[k] op= v: an accessor */
		const struct map_plan *mp = mp_of(e, map);
		begin_line(e);
		emit_text(e, "%s(", s->c_access & ACC_OP ? mp->op[s->c_map_op] : mp->set);
		emit_expr(e, target->index.index);
		emit_text(e, ", ");
		if (c_is_array(target->type))
			emit_array_value(e, target->type, s->assign.value);
		else
			emit_expr(e, s->assign.value);
		emit_text(e, ");\n");
		emit_refresh(e, s);
		return true;
	}
	emit_own_entry(e, s, entry);
	return true;
}

/* After an assignment to the copy x of a userspace if (var x = m[k]), x
 * goes back into the entry. */
void emit_write_back(struct emitter *e, const struct stmt *s)
{
	if (s->c_writes_back)
		emit_replace(e, s->c_writes_back);
}

/* The head of an if that holds an entry: T *x = m_lookup(k); if (x),
 * or in userspace V x; if (m_find(k, &x)). */
void emit_bound_if_head(struct emitter *e, const struct stmt *s)
{
	const struct map_binding *b = s->c_binding;
	const struct type *value = b->map->type->value;
	if (e->bpf) {
		emit_text(e, "%s = %s(", c_decl(e, type_pointer(A, value), b->name),
			  mp_of(e, b->map)->lookup);
		emit_expr(e, b->key);
		emit_text(e, ");\n");
		begin_line(e);
		emit_text(e, "if (%s%s) ", b->absent_branch ? "!" : "", b->name);
		return;
	}
	if (b->key_copy) {
		emit_text(e, "%s = ", c_key_decl(e, b->map, b->key_copy));
		emit_expr(e, b->key);
		emit_text(e, ";\n");
		begin_line(e);
	}
	emit_text(e, "%s;\n", c_decl(e, value, b->name));
	begin_line(e);
	emit_text(e, "if (%s(", mp_of(e, b->map)->find);
	emit_binding_key(e, b);
	emit_text(e, ", %s)) ", c_address(e, value, b->name));
}

void emit_map_delete(struct emitter *e, const struct stmt *s)
{
	const struct symbol *map = indexed_map(s->expr);
	begin_line(e);
	emit_text(e, "%s(", mp_of(e, map)->delete);
	emit_expr(e, s->expr->index.index);
	emit_text(e, ");\n");
	emit_refresh(e, s);
}
