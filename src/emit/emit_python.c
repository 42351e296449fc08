/* The emit stage: calls of Python functions (import NAME from "F.py").
 *
 * The loader embeds CPython through skeleton/ks_python.h: each Python
 * import is a struct ks_py_module named as the plan named the import, a
 * call is ks_py_call() with a letter for each argument's kind, and its
 * result is converted to the type the checker gave the call. */
#include "emit_internal.h"

#include <string.h>

bool emit_uses_python(const struct checked_program *cp)
{
	for (size_t i = 0; i < cp->decls.len; i++) {
		const struct decl *d = cp->decls.items[i];
		if (d->kind == DECL_IMPORT && d->sym && d->sym->module && d->sym->module->python &&
		    d->sym->used)
			return true;
	}
	return false;
}

void emit_python_modules(struct emitter *e)
{
	for (size_t i = 0; i < e->cp->decls.len; i++) {
		const struct decl *d = e->cp->decls.items[i];
		const struct symbol *sym = d->sym;
		if (d->kind == DECL_IMPORT && sym && sym->module && sym->module->python && sym->used)
			emit_line(e, "static struct ks_py_module %s = { .name = \"%s\" };	/* %s */",
				  c_name(sym), sym->name, base_name(sym->module->path));
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
