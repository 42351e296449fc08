/* The emit stage: userspace map entries changed through a copy.  eBPF code
 * changes an entry through a pointer into the map; userspace holds a copy
 * of it (if (var x = m[k]), or one made for m[k].f = v) and writes the copy
 * back after each change, where the entry is still there (NAME_replace). */
#include "emit_internal.h"

static void begin_line(struct emitter *e)
{
	for (int i = 0; i < e->indent; i++)
		fputc('\t', e->out);
}

void bind_user_key(struct emitter *e, struct bound_entry *b, const char *copy)
{
	if (!copy)
		return;		/* the key cannot change: used as it is */
	b->key_copy = copy;
	emit_text(e, "%s = ", c_decl(e, b->map->type->key, b->key_copy));
	emit_expr(e, b->key);
	emit_text(e, ";\n");
	begin_line(e);
}

void emit_bound_key(struct emitter *e, const struct bound_entry *b)
{
	if (b->key_copy)
		emit_text(e, "%s", b->key_copy);
	else
		emit_expr(e, b->key);
}

/* The copy B->name goes back into its entry, if the entry is still there:
 * an entry deleted meanwhile stays absent, as in eBPF. */
void emit_replace_entry(struct emitter *e, const struct bound_entry *b)
{
	map_use(e, b->map)->accessors |= ACC_REPLACE;
	begin_line(e);
	emit_text(e, "%s(", plan_map(e->plan, b->map)->replace);
	emit_bound_key(e, b);
	emit_text(e, ", %s);\n", b->name);
}

/* PLACE with its map entry ENTRY (the m[k] inside it) standing for the
 * local ENTRY_VAR: m[k].a.b becomes x.a.b. */
static struct expr *place_through(struct emitter *e, const struct expr *place,
				  const struct expr *entry, const struct expr *entry_var)
{
	if (place == entry)
		return (struct expr *)entry_var;
	struct expr *copy = arena_alloc(A, sizeof(*copy));
	*copy = *place;
	if (place->kind == EXPR_INDEX)
		copy->index.base = place_through(e, place->index.base, entry, entry_var);
	else
		copy->field.base = place_through(e, place->field.base, entry, entry_var);
	return copy;
}

void emit_user_entry_change(struct emitter *e, const struct stmt *s, const struct expr *entry,
			    const struct bound_entry *bound)
{
	const struct symbol *map = indexed_map(entry);
	struct bound_entry own = { .map = map, .key = entry->index.index };
	if (!bound) {
		/* a copy of its own: { V m_entry; if (m_find(k, &m_entry)) { ... } } */
		struct symbol *var = arena_alloc(A, sizeof(*var));
		own.name = s->c_temp;
		*var = (struct symbol){ .kind = SYM_LOCAL, .name = own.name, .c_name = own.name,
					.type = map->type->value, .used = true };
		own.sym = var;
		emit_line(e, "{");
		e->indent++;
		begin_line(e);
		bind_user_key(e, &own, s->c_key);
		emit_text(e, "%s;\n", c_decl(e, map->type->value, own.name));
		map_use(e, map)->accessors |= ACC_FIND;
		begin_line(e);
		emit_text(e, "if (%s(", plan_map(e->plan, map)->find);
		emit_bound_key(e, &own);
		emit_text(e, ", &%s)) {\n", own.name);
		e->indent++;
	}
	const struct bound_entry *b = bound ? bound : &own;
	struct expr *ref = arena_alloc(A, sizeof(*ref));
	*ref = (struct expr){ .kind = EXPR_IDENT, .span = entry->span, .type = map->type->value,
			      .ident = b->sym->c_name, .sym = (struct symbol *)b->sym };
	struct stmt change = *s;
	change.assign.target = place_through(e, s->assign.target, entry, ref);
	emit_stmt(e, &change);	/* through x: written back there (emit_write_back) */
	if (bound)
		return;
	emit_replace_entry(e, &own);
	e->indent--;
	emit_line(e, "}");
	e->indent--;
	emit_line(e, "}");
}

void emit_write_back(struct emitter *e, const struct stmt *s)
{
	const struct expr *root = place_root(s->assign.target);
	if (e->bpf || root->kind != EXPR_IDENT || !root->sym)
		return;
	for (size_t i = e->entries.len; i-- > 0;) {
		const struct bound_entry *b = e->entries.items[i];
		if (b->sym == root->sym) {
			emit_replace_entry(e, b);
			return;
		}
	}
}
