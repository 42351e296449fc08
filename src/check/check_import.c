/* The check stage: import NAME from "PATH".
 *
 * A KernelScript module (.ks) is read and checked on its own, as a
 * program of its own would be; its userspace functions become NAME.fn,
 * with their declared types.  A Python module (.py) is not run: its
 * top-level def lines give the names and how many arguments each takes.
 * Python has no declared types, so arguments must be values that cross
 * to Python as they are (integers, bools, characters, strings), and a
 * result is an i64, or a bool or str(256) when the def line says
 * "-> bool" or "-> str".  Only userspace code calls imported functions. */
#include "check_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* How deep imports may nest. */
#define IMPORT_DEPTH_MAX 16
/* The string a Python function may return. */
#define PYTHON_STR_LEN 256

/* The span of the path string of import NAME from "PATH". */
static struct span path_span(const struct decl *d)
{
	struct span s = d->span;
	const char *text = s.src->text;
	for (uint32_t i = d->name_span.end; i < s.end; i++)
		if (text[i] == '"') {
			s.begin = i;
			break;
		}
	return s;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

/* The path, relative to the directory of the file that names it. */
static const char *resolve_path(struct checker *c, const struct decl *d)
{
	if (d->path[0] == '/')
		return d->path;
	const char *from = d->span.src->name;
	const char *slash = strrchr(from, '/');
	if (!slash)
		return d->path;
	const char *rel = d->path;
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	return arena_printf(A, "%.*s%s", (int)(slash - from + 1), from, rel);
}

/* Whether two paths name one file. */
static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	return !strcmp(a, b);
}

static struct module_function *add_function(struct checker *c, struct module *m,
					    const char *name, struct span span)
{
	for (size_t i = 0; i < m->functions.len; i++) {
		struct module_function *f = m->functions.items[i];
		if (!strcmp(f->name, name))
			return f;	/* Python: a later def replaces an earlier one */
	}
	struct module_function *f = arena_alloc(A, sizeof(*f));
	f->name = name;
	f->span = span;
	vec_push(A, &m->functions, f);
	return f;
}

/* ---- KernelScript modules --------------------------------------------------- */

static void load_kernelscript(struct checker *c, struct module *m, const struct decl *d,
			      const struct source *src)
{
	const char *importer = c->cp->main->src->name;
	struct import_chain here = { importer, c->importers };
	size_t depth = 0;
	for (const struct import_chain *up = &here; up; up = up->up, depth++)
		if (same_file(up->path, m->path)) {
			diag_error(c->diag, path_span(d), up == &here ? "'%s' imports itself"
				   : "'%s' is being imported already: imports cannot go round in a circle",
				   d->path);
			return;
		}
	if (depth > IMPORT_DEPTH_MAX) {
		diag_error(c->diag, path_span(d), "imports nested too deeply");
		return;
	}
	unsigned errors = diag_error_count(c->diag);
	struct program *program = parse_source(A, c->diag, src);
	if (diag_error_count(c->diag) != errors)
		return;
	struct check_options opts = { .btf = c->btf, .importers = &here };
	m->checked = check_program(A, c->diag, program, &opts);
	/* What lives in the kernel, or in the program's data, belongs to the
	 * program: a module offers code, and the types and constants it uses. */
	for (size_t i = 0; i < m->checked->decls.len; i++) {
		const struct decl *md = m->checked->decls.items[i];
		const char *what = md->kind == DECL_MAP ? "a map"
				   : md->kind == DECL_VAR ? "a global variable"
				   : md->kind == DECL_CONFIG ? "a config"
				   : md->kind == DECL_IMPL ? "a struct_ops impl" : NULL;
		if (!what || md->span.src != src)
			continue;
		diag_error(c->diag, md->name_span,
			   "'%s' is %s: an imported module holds functions, types and constants; "
			   "declare it in the program that imports the module", md->name, what);
		diag_note(c->diag, d->span, "'%s' is imported here", d->path);
	}
	for (size_t i = 0; i < m->checked->functions.len; i++) {
		struct function_info *fn = m->checked->functions.items[i];
		if (fn->side != SIDE_USERSPACE) {
			diag_error(c->diag, fn->decl->name_span,
				   "'%s' is not userspace code: an imported module holds only "
				   "userspace functions", fn->decl->name);
			diag_note(c->diag, d->span, "'%s' is imported here", d->path);
			continue;
		}
		struct module_function *f = add_function(c, m, fn->decl->name, fn->decl->name_span);
		f->fn = fn;
		f->type = fn->type;
		f->ret = fn->type ? fn->type->ret : &type_error;
	}
}

/* ---- Python modules ------------------------------------------------------------ */

/* Reads the parameter list of a def from P (just after its '('): the
 * arguments it takes by position.  Returns where the list ends. */
static const char *python_params(const char *p, const char *end, struct module_function *f)
{
	bool keyword_only = false;
	while (p < end) {
		/* one parameter, up to a comma or ')' at depth 0 */
		const char *start = p;
		int depth = 0;
		bool has_default = false;
		char quote = 0;
		for (; p < end; p++) {
			char ch = *p;
			if (quote) {
				if (ch == '\\')
					p++;
				else if (ch == quote)
					quote = 0;
				continue;
			}
			if (ch == '\'' || ch == '"')
				quote = ch;
			else if (ch == '(' || ch == '[' || ch == '{')
				depth++;
			else if ((ch == ')' || ch == ']' || ch == '}') && depth-- == 0)
				break;
			else if (ch == ',' && depth == 0)
				break;
			else if (ch == '=' && depth == 0 && p[1] != '=' && p > start &&
				 !strchr("=<>!", p[-1]))
				has_default = true;
		}
		while (start < p && strchr(" \t\r\n\\", *start))
			start++;
		if (start < p && start[0] == '*' && start[1] == '*') {
			;	/* **kwargs: keywords only */
		} else if (start < p && start[0] == '*') {
			const char *q = start + 1;
			while (q < p && strchr(" \t\r\n", *q))
				q++;
			if (q < p && *q != ',')
				f->variadic = true;	/* *args */
			keyword_only = true;
		} else if (start < p && start[0] == '/') {
			;	/* the positional-only marker */
		} else if (start < p && !keyword_only) {
			f->max_args++;
			if (!has_default)
				f->min_args = f->max_args;
		}
		if (p >= end || *p == ')')
			return p;
		p++;	/* the comma */
	}
	return p;
}

static const struct type *python_result(struct checker *c, const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != '>')
		return &type_i64;
	p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	size_t n = 0;
	while (p + n < end && (p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
			       (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9')))
		n++;
	if (n == 4 && !memcmp(p, "bool", 4))
		return &type_bool;
	if (n == 3 && !memcmp(p, "str", 3))
		return type_str(A, PYTHON_STR_LEN);
	return &type_i64;
}

static void load_python(struct checker *c, struct module *m, const struct source *src)
{
	const char *text = src->text, *end = src->text + src->len;
	bool in_docstring = false;
	char doc_quote = 0;
	for (const char *line = text; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		/* Lines inside a triple-quoted string define nothing. */
		for (const char *q = line; q + 2 < eol; q++)
			if ((*q == '"' || *q == '\'') && q[1] == *q && q[2] == *q &&
			    (!in_docstring || *q == doc_quote)) {
				in_docstring = !in_docstring;
				doc_quote = *q;
				q += 2;
			}
		const char *p = line;
		if (!in_docstring && eol - p > 6 && !memcmp(p, "async ", 6))
			p += 6;
		if (!in_docstring && eol - p > 4 && !memcmp(p, "def ", 4) && line[0] != ' ') {
			p += 4;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			const char *name = p;
			while (p < eol && (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					   (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80))
				p++;
			struct span span = { src, (uint32_t)(name - text), (uint32_t)(p - text) };
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			if (p > name && p < eol && *p == '(') {
				struct module_function *f =
					add_function(c, m, arena_strndup(A, name, (size_t)(span.end - span.begin)), span);
				f->min_args = f->max_args = 0;
				f->variadic = false;
				const char *close = python_params(p + 1, end, f);
				f->ret = python_result(c, close < end ? close + 1 : end, end);
				eol = memchr(close, '\n', (size_t)(end - close));
				if (!eol)
					eol = end;
			}
		}
		line = eol + 1;
	}
}

/* ---- import declarations and calls ------------------------------------------- */

void load_import(struct checker *c, struct symbol *sym)
{
	struct decl *d = sym->decl;
	bool python = has_suffix(d->path, ".py");
	if (!python && !has_suffix(d->path, ".ks")) {
		diag_error(c->diag, path_span(d),
			   "import reads a KernelScript (.ks) or Python (.py) module");
		return;
	}
	struct module *m = arena_alloc(A, sizeof(*m));
	m->path = resolve_path(c, d);
	m->python = python;
	const char *why;
	struct source *src = source_load(A, m->path, &why);
	if (!src) {
		diag_error(c->diag, path_span(d), "cannot read '%s': %s", m->path, why);
		return;
	}
	vec_push(A, &c->cp->inputs, (void *)m->path);
	if (python)
		load_python(c, m, src);
	else
		load_kernelscript(c, m, d, src);
	/* the module's own includes and imports are the program's inputs too */
	for (size_t i = 0; m->checked && i < m->checked->inputs.len; i++)
		vec_push(A, &c->cp->inputs, vec_at(m->checked->inputs, i));
	sym->module = m;
}

/* A Python argument crosses as it is: an integer, a bool or a string. */
static bool python_value(const struct type *t)
{
	return t->kind == TY_ERROR || type_is_integer(t) || t->kind == TY_BOOL ||
	       t->kind == TY_STR;
}

static void check_arguments(struct checker *c, struct expr *e, const char *name,
			    const struct module_function *f)
{
	size_t n = e->call.args.len;
	if (f->type) {
		const struct vec *params = &f->type->params;
		if (params->len != n) {
			diag_error(c->diag, e->span, "'%s' takes %zu argument%s, not %zu", name,
				   params->len, params->len == 1 ? "" : "s", n);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			struct expr *arg = e->call.args.items[i];
			if (!assignable(params->items[i], arg->type, arg) &&
			    !report_literal_misfit(c, params->items[i], arg))
				diag_error(c->diag, arg->span, "argument %zu of '%s' is %s, not %s",
					   i + 1, name, type_name(A, params->items[i]),
					   type_name(A, arg->type));
		}
		return;
	}
	if (n < f->min_args || (n > f->max_args && !f->variadic)) {
		const char *want = f->variadic ? arena_printf(A, "at least %u", f->min_args)
				   : f->min_args == f->max_args ? arena_printf(A, "%u", f->min_args)
				   : arena_printf(A, "%u to %u", f->min_args, f->max_args);
		diag_error(c->diag, e->span, "'%s' takes %s argument%s, not %zu", name, want,
			   f->max_args == 1 && !f->variadic ? "" : "s", n);
		diag_note(c->diag, f->span, "'%s' is defined here", f->name);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct expr *arg = e->call.args.items[i];
		if (!python_value(arg->type))
			diag_error(c->diag, arg->span,
				   "argument %zu of '%s' is %s: a Python function takes integers, "
				   "bools and strings", i + 1, name, type_name(A, arg->type));
	}
}

const struct type *check_import_call(struct checker *c, struct expr *e)
{
	struct expr *callee = e->call.callee;
	if (callee->kind != EXPR_FIELD || callee->field.base->kind != EXPR_IDENT)
		return NULL;
	struct symbol *sym = lookup(c, callee->field.base->ident);
	if (!sym || sym->kind != SYM_IMPORT)
		return NULL;
	callee->field.base->sym = e->sym = sym;
	callee->field.base->type = &type_error;
	sym->used = true;
	for (size_t i = 0; i < e->call.args.len; i++)
		check_expr(c, e->call.args.items[i]);
	const char *name = arena_printf(A, "%s.%s", sym->name, callee->field.name);
	callee->type = &type_error;
	if (!c->fn || (c->fn->side != SIDE_USERSPACE && c->fn->side != SIDE_TEST)) {
		diag_error(c->diag, callee->span, "'%s' is imported into userspace: %s cannot call it",
			   name, in_bpf(c) ? "eBPF code" : c->fn ? "kernel-module code"
			   : "a global's initial value");
		return &type_error;
	}
	struct module *m = sym->module;
	if (!m)
		return &type_error;	/* the import is reported */
	const struct module_function *f = NULL;
	struct vec names = { 0 };
	for (size_t i = 0; i < m->functions.len && !f; i++) {
		const struct module_function *g = m->functions.items[i];
		if (!strcmp(g->name, callee->field.name))
			f = g;
		vec_push(A, &names, (void *)g->name);
	}
	if (!f) {
		diag_error(c->diag, callee->field.name_span, "module '%s' has no function '%s'%s",
			   sym->name, callee->field.name, closest_name(c, callee->field.name, &names));
		return &type_error;
	}
	check_arguments(c, e, name, f);
	if (f->type)
		callee->type = f->type;
	if (f->fn && f->fn->decl->sym) {
		/* the call is a call of the module's function, which the program
		   then has (merge_modules in plan.c) */
		e->sym = f->fn->decl->sym;
		e->sym->used = true;
	}
	return f->ret;
}
