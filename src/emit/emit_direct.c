/* The emit stage: the main of a program with no main whose programs say
 * where they attach (@xdp on eth0).  It loads the object, attaches each
 * program to its target (or to what --interface or --on say), waits for
 * Ctrl-C or SIGTERM, detaches everything, and prints every map, as
 * bpftrace prints its maps at exit:
 *
 *	@counts[0]: 12
 *	@flows[1]: { packets: 3, bytes: 192 }
 */
#include "emit_internal.h"

#include <string.h>

#include "prog_kinds.h"

/* The printf conversions and arguments that show a value. */
struct shown {
	const char *format, *args;
};

static void show(struct emitter *e, struct shown *out, const struct type *t, const char *value);

static void add(struct emitter *e, struct shown *out, const char *format, const char *arg)
{
	out->format = arena_printf(A, "%s%s", out->format, format);
	if (arg)
		out->args = arena_printf(A, "%s, %s", out->args, arg);
}

/* Arrays show their first elements: a line is not a dump. */
#define SHOWN_ELEMENTS 16

static void show(struct emitter *e, struct shown *out, const struct type *t, const char *value)
{
	switch (t->kind) {
	case TY_BOOL:
		add(e, out, "%s", arena_printf(A, "%s ? \"true\" : \"false\"", value));
		return;
	case TY_INT: case TY_ENUM: case TY_CHAR:
		if (t->kind == TY_INT && !t->is_signed)
			add(e, out, "%llu", arena_printf(A, "(unsigned long long)%s", value));
		else
			add(e, out, "%lld", arena_printf(A, "(long long)%s", value));
		return;
	case TY_STR:
		add(e, out, "\"%.*s\"", arena_printf(A, "(int)sizeof(%s), %s", value, value));
		return;
	case TY_ARRAY:
		if (t->elem->kind == TY_CHAR) {
			add(e, out, "\"%.*s\"", arena_printf(A, "(int)sizeof(%s), %s", value, value));
			return;
		}
		add(e, out, "[", NULL);
		for (uint64_t i = 0; i < t->len && i < SHOWN_ELEMENTS; i++) {
			if (i)
				add(e, out, ", ", NULL);
			show(e, out, t->elem, arena_printf(A, "%s[%llu]", value, (unsigned long long)i));
		}
		add(e, out, t->len > SHOWN_ELEMENTS ? ", ...]" : "]", NULL);
		return;
	case TY_STRUCT:
		if (t->kernel || !t->decl) {
			add(e, out, "{...}", NULL);
			return;
		}
		add(e, out, "{ ", NULL);
		for (size_t i = 0; i < t->decl->members.len; i++) {
			const struct member *m = t->decl->members.items[i];
			if (i)
				add(e, out, ", ", NULL);
			add(e, out, arena_printf(A, "%s: ", m->name), NULL);
			show(e, out, m->resolved, arena_printf(A, "%s.%s", value,
								 m->c_name ? m->c_name : m->name));
		}
		add(e, out, " }", NULL);
		return;
	default:
		add(e, out, "%p", arena_printf(A, "(void *)%s", value));
		return;
	}
}

/* Every entry of MAP: "@name[key]: value", in the order of its keys. */
static void emit_print_map(struct emitter *e, const struct symbol *map)
{
	const struct plan *plan = e->plan;
	const struct map_plan *mp = plan_map(plan, map);
	const struct type *t = map->type;
	const char *key_struct = plan_key_struct(plan, t->key);
	struct shown key = { "", "" }, value = { "", "" };
	show(e, &key, t->key, key_struct ? arena_printf(A, "%s.value", plan->print_key)
					 : plan->print_key);
	show(e, &value, t->value, plan->print_value);
	emit_line(e, "{");
	e->indent++;
	emit_line(e, "struct ks_keys %s __attribute__((cleanup(ks_keys_free))) = "
		  "ks_map_keys(%s->maps.%s);", plan->print_keys, plan->skel, map->c_name);
	emit_line(e, "%s;", key_struct ? arena_printf(A, "struct %s %s", key_struct, plan->print_key)
				      : c_decl(e, t->key, plan->print_key));
	emit_line(e, "%s;", c_decl(e, t->value, plan->print_value));
	emit_line(e, "while (ks_keys_next(&%s, &%s))", plan->print_keys, plan->print_key);
	e->indent++;
	emit_line(e, "if (%s(%s, %s))", mp->find, plan->print_key,
		  c_address(e, t->value, plan->print_value));
	const char *format = arena_printf(A, "@%s[%s]: %s\n", map->name, key.format, value.format);
	emit_line(e, "\tprintf(%s%s%s);", c_string(e, format, (uint32_t)strlen(format)), key.args,
		  value.args);
	e->indent -= 2;
	emit_line(e, "}");
}

void emit_direct_attach(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	const struct plan *plan = e->plan;
	const char *names = "";
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (fn->side == SIDE_PROGRAM && fn->on)
			names = arena_printf(A, "%s\"%s\", ", names, fn->decl->name);
	}
	emit_line(e, "/* the programs attach where their attributes say, or where --interface");
	emit_line(e, " * and --on say; Ctrl-C or SIGTERM detaches them and prints the maps */");
	emit_line(e, "if (ks_check_on(&cli, (const char *const[]){ %sNULL }))", names);
	emit_line(e, "\treturn KS_USAGE_ERROR;");
	emit_line(e, "%s(NULL);", plan->load_program);
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		const struct prog_kind_info *kind = prog_kind_of(fn);
		if (fn->side != SIDE_PROGRAM || !fn->on || !kind)
			continue;
		bool network = prog_kind_on_interface(kind);
		unsigned line, col;
		source_line_col(fn->on_span.src, fn->on_span.begin, &line, &col);
		const char *where = arena_printf(A, "%s:%u", base_name(fn->on_span.src->name), line);
		emit_line(e, "if (ks_attach_direct(%s->progs.%s, \"%s\", ks_direct_target(&cli, \"%s\", "
			  "%s, %s), %s, \"%s\", %s) < 0)", plan->skel, fn->decl->sym->c_name,
			  fn->decl->name, fn->decl->name, c_string(e, fn->on, (uint32_t)strlen(fn->on)),
			  network ? "true" : "false", network ? "true" : "false", where,
			  plan->attach_program);
		emit_line(e, "\treturn 1;");
	}
	emit_line(e, "while (!ks_sleep_ms(1000))");
	emit_line(e, "\t;");
	emit_line(e, "ks_detach_all();");
	bool any = false;
	for (size_t i = 0; i < cp->maps.len; i++) {
		const struct symbol *map = cp->maps.items[i];
		if (map->type->kind == TY_RINGBUF)
			continue;
		if (!any)
			emit_line(e, "printf(\"\\n\");");
		any = true;
		emit_print_map(e, map);
	}
	emit_line(e, "return 0;");
}
