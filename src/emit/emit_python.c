/* The emit stage: calls of Python functions (import NAME from "F.py").
 *
 * The loader embeds CPython through skeleton/ks_python.h: each Python
 * import is a struct ks_py_module named as the plan named the import, a
 * call is ks_py_call() with a letter for each argument's kind, and its
 * result is converted to the type the checker gave the call. */
#include "emit_internal.h"

#include <string.h>

const struct symbol *emit_python_import(const struct decl *d)
{
	const struct symbol *sym = d->kind == DECL_IMPORT ? d->sym : NULL;
	return sym && sym->module && sym->module->python && sym->used ? sym : NULL;
}

bool emit_uses_python(const struct checked_program *cp)
{
	for (size_t i = 0; i < cp->decls.len; i++)
		if (emit_python_import(cp->decls.items[i]))
			return true;
	return false;
}

void emit_python_modules(struct emitter *e)
{
	for (size_t i = 0; i < e->cp->decls.len; i++) {
		const struct symbol *sym = emit_python_import(e->cp->decls.items[i]);
		if (sym)
			emit_line(e, "static struct ks_py_module %s = { .name = \"%s\" };	/* %s */",
				  c_name(sym), c_name(sym), base_name(sym->module->path));
	}
}

/* The letter ks_py_call() takes for an argument of type T, and the C
 * type it is passed as through "...". */
static char argument_kind(const struct type *t, const char **cast)
{
	*cast = "";
	if (t->kind == TY_STR)
		return 's';
	if (t->kind == TY_BOOL) {
		*cast = "(int)";
		return 'b';
	}
	if (t->kind == TY_CHAR) {
		*cast = "(int)";
		return 'c';
	}
	if (t->kind != TY_INT || t->is_signed) {	/* an enum too */
		*cast = "(long long)";
		return 'i';
	}
	*cast = "(unsigned long long)";
	return 'u';
}

void emit_python_call(struct emitter *e, const struct expr *x, bool discarded)
{
	const struct type *t = x->type;
	const char *convert = discarded ? "ks_py_done" : t->kind == TY_BOOL ? "ks_py_bool"
			      : t->kind == TY_STR ? "ks_py_str" : "ks_py_int";
	size_t n = x->call.args.len;
	char *kinds = arena_alloc(A, n + 1);
	const char **casts = arena_alloc(A, (n + 1) * sizeof(*casts));
	for (size_t i = 0; i < n; i++)
		kinds[i] = argument_kind(((const struct expr *)x->call.args.items[i])->type, &casts[i]);
	emit_text(e, "%s(ks_py_call(&%s, \"%s\", \"%s\"", convert, c_name(x->sym),
		  x->call.callee->field.name, kinds);
	for (size_t i = 0; i < n; i++) {
		emit_text(e, ", %s", casts[i]);
		if (*casts[i])
			emit_cast_operand(e, x->call.args.items[i]);
		else
			emit_expr(e, x->call.args.items[i]);
	}
	emit_text(e, "))%s", !discarded && t->kind == TY_STR ? ".value" : "");
}

/* ---- exec() ------------------------------------------------------------------- */

bool emit_uses_exec(const struct checked_program *cp)
{
	return cp->builtins_used & (1u << BUILTIN_EXEC);
}

/* How NAME.py (templates/build/exec.py.in) reads and writes a value of
 * type T: a Python expression making its codec. */
static const char *python_codec(struct arena *a, const struct type *t)
{
	uint64_t size = type_size(t);
	switch (t->kind) {
	case TY_INT:
		return arena_printf(a, "_Int(%llu, %s)", (unsigned long long)size,
				    t->is_signed ? "True" : "False");
	case TY_ENUM:
		return arena_printf(a, "_Int(%llu, True)", (unsigned long long)size);
	case TY_BOOL:
		return "_Bool()";
	case TY_CHAR:
		return "_Char()";
	case TY_STR:
		return arena_printf(a, "_Str(%llu)", (unsigned long long)size);
	case TY_STRUCT:
		if (t->kernel || !t->decl)
			break;
		const char *members = "";
		uint64_t offset = 0;
		for (size_t i = 0; i < t->decl->members.len; i++) {
			const struct member *m = t->decl->members.items[i];
			uint64_t align = type_align(m->resolved);
			offset = align ? (offset + align - 1) / align * align : offset;
			members = arena_printf(a, "%s%s(\"%s\", %llu, %s)", members, i ? ", " : "",
					       m->name, (unsigned long long)offset,
					       python_codec(a, m->resolved));
			offset += type_size(m->resolved);
		}
		return arena_printf(a, "_Struct(\"%s\", %llu, [%s])", t->name,
				    (unsigned long long)size, members);
	default:
		break;
	}
	return arena_printf(a, "_Bytes(%llu)", (unsigned long long)size);
}

const char *emit_exec_maps(struct arena *a, const struct checked_program *cp)
{
	const char *lines = "";
	for (size_t i = 0; i < cp->maps.len; i++) {
		const struct symbol *map = cp->maps.items[i];
		const struct type *t = map->type;
		lines = arena_printf(a, "%s%s        \"%s\": Map(\"%s\", %s, %s%s),", lines,
				     i ? "\n" : "", map->name, map->name, python_codec(a, t->key),
				     python_codec(a, t->value),
				     type_is_percpu_map(t) ? ", percpu=True" : "");
	}
	return lines;
}

void emit_exec(struct emitter *e, const struct expr *x, bool statement)
{
	const struct checked_program *cp = e->cp;
	if (cp->has_programs && statement) {
		emit_text(e, "ks_keep_attachments_across_exec();\n");
		start_line(e);
	} else if (cp->has_programs) {
		emit_text(e, "ks_keep_attachments_across_exec(), ");
	}
	emit_text(e, "ks_exec_python(");
	emit_expr(e, x->call.args.items[0]);
	if (!cp->maps.len) {
		emit_text(e, ", NULL, 0)");
		return;
	}
	emit_text(e, ", (struct ks_handover[]){\n");
	e->indent++;
	for (size_t i = 0; i < cp->maps.len; i++) {
		const struct symbol *map = cp->maps.items[i];
		emit_line(e, "{ \"%s\", bpf_map__fd(ks_map(%s->maps.%s)) },", map->name,
			  e->plan->skel, c_name(map));
	}
	e->indent--;
	start_line(e);
	emit_text(e, "}, %zu)", cp->maps.len);
}
