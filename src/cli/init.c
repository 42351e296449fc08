#include "init.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "arena.h"
#include "btf.h"
#include "diag.h"
#include "emit.h"
#include "parse.h"
#include "prog_kinds.h"
#include "sema.h"
#include "templates.h"

/* The struct_ops init writes projects for. */
static const char *const congestion_ops = "tcp_congestion_ops";

/* What this version of kernelscript makes of the program init wrote. */
enum verdict {
	VERDICT_COMPILES,	/* checks, and compiles to C */
	VERDICT_CHECKS,		/* checks, but cannot be compiled to C yet */
	VERDICT_FAILS,		/* does not check */
};

/* One function of a struct_ops, from its function pointer in BTF. */
struct ops_function {
	const char *member;	/* ssthresh */
	const char *signature;	/* ssthresh(sk: *sock) -> u32 */
	const char *args;	/* sk: its parameter names, for a call */
};

/* Everything the templates need, gathered before anything is written. */
struct project {
	const struct prog_kind_info *kind;	/* TYPE is its name */
	const char *template;	/* names the templates: init/TEMPLATE.ks.in */
	const char *name;	/* the directory, and NAME.ks in it */
	const char *ident;	/* NAME as a KernelScript identifier */
	const char *direction;	/* PROG_TARGET_DIRECTION: tc's */
	const char *target;	/* tracepoint: category/event; probe: the function */
	struct kernel_tracepoint tp;
	const char *program;	/* the eBPF function's name */
	const char *header;	/* xdp.kh */
	const char **type_names;	/* the kernel types the header declares */
	const char *types;	/* their declarations */
	const char *type_list;	/* the same, as a list of names for messages */
	const char *btf_path;
	/* probe */
	const char *params;	/* KernelScript parameter list */
	const char *prototype;	/* the kernel's, in KernelScript type text */
	size_t nparams;
	const char *renamed;	/* "type is type_, ..." */
	bool undeclared;	/* the header could not declare the types */
	/* the kind's fallback main (perf_event: load without attaching) */
	bool fallback;
	/* struct_ops */
	const char *ops;	/* tcp_congestion_ops */
	const char *ops_struct;	/* its declaration, function pointers as fn types */
	struct ops_function required[3];	/* ssthresh, cong_avoid, undo_cwnd */
	const char *optional;	/* the other functions, as comments */
	const char *externs;	/* the kernel functions the template calls */
	const char *ca_name;	/* the name TCP knows it by */
	/* what kernelscript makes of the result */
	enum verdict verdict;
	const char *why_not;	/* the first error that says why not */
};

static int error(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int error(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("kernelscript: error: ", err);
	vfprintf(err, fmt, ap);
	fputc('\n', err);
	va_end(ap);
	return 1;
}

static int usage(FILE *err, const char *what)
{
	fprintf(err, "kernelscript: init: %s\n"
		"Usage: kernelscript init TYPE NAME [--btf-vmlinux-path FILE]\n"
		"Try 'kernelscript init --help' for more information.\n", what);
	return 2;
}

/* A project name is a directory and a file name in it, and names the
 * program built from it: a plain name, no path. */
static bool valid_name(const char *name)
{
	if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_'))
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return strlen(name) <= 64;
}

static bool is_identifier(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* KernelScript's keywords (grammar/lexer.l), which cannot name anything. */
static bool is_keyword(const char *s)
{
	static const char *const keywords[] = {
		"fn", "extern", "include", "import", "from", "pin", "local", "type",
		"struct", "enum", "impl", "config", "var", "const", "if", "else", "for",
		"in", "while", "return", "break", "continue", "delete", "try", "catch",
		"throw", "defer", "match", "default", "new", "sizeof", "as", "str",
		"true", "false", "null", NULL,
	};
	for (const char *const *k = keywords; *k; k++)
		if (!strcmp(s, *k))
			return true;
	return false;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && !strcmp(s, list[i]))
			return true;
	return false;
}

/* KernelScript names for parameters the kernel calls NAMES[0..N): a
 * keyword gets a trailing '_' (type -> type_), a nameless one is argI, and
 * none is one of TAKEN (the names the template uses) or another's. */
static const char **safe_names(struct arena *a, const char *const *names, size_t n,
			       const char *const *taken)
{
	const char **out = arena_alloc(a, (n + 1) * sizeof(*out));
	size_t ntaken = 0;
	while (taken && taken[ntaken])
		ntaken++;
	for (size_t i = 0; i < n; i++) {
		const char *s = names[i] && is_identifier(names[i])
			? names[i] : arena_printf(a, "arg%zu", i);
		if (is_keyword(s))
			s = arena_printf(a, "%s_", s);
		while (in_list(s, taken, ntaken) || in_list(s, out, i) || in_list(s, names + i + 1, n - i - 1))
			s = arena_printf(a, "%s_", s);
		out[i] = s;
	}
	return out;
}

/* NAME as an identifier: '-' becomes '_', and a keyword gets a '_'. */
static const char *identifier_of(struct arena *a, const char *name)
{
	char *s = arena_strdup(a, name);
	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return is_keyword(s) ? arena_printf(a, "%s_", s) : s;
}

/* TEXT as "// " comment lines of at most 78 columns, indented by INDENT,
 * without a final newline. */
static const char *comment(struct arena *a, const char *indent, const char *text)
{
	const char *out = "";
	size_t room = 78 - strlen(indent) - 3;
	while (*text) {
		size_t len = strlen(text), cut = len;
		if (len > room) {
			cut = room;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (!cut)
				cut = strcspn(text, " ");
		}
		out = arena_printf(a, "%s%s%s// %.*s", out, *out ? "\n" : "", indent, (int)cut, text);
		text += cut;
		while (*text == ' ')
			text++;
	}
	return out;
}

/* ---- the program types: the rows of prog_kinds.h -------------------------- */

/* The kind `init TYPE` starts a project of, or NULL.  A form the checker
 * picks (a syscall probe) has no attribute and no project of its own. */
static const struct prog_kind_info *init_kind(const char *type)
{
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++)
		if (k->attr && !strcmp(k->name, type))
			return k;
	return NULL;
}

static size_t list_length(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

/* "tc/ingress or tc/egress": TYPE/DIRECTION for each of DIRECTIONS, joined by AND. */
static const char *directions_text(struct arena *a, const char *type,
				   const char *const *directions, const char *and)
{
	const char *text = "";
	for (size_t i = 0; directions[i]; i++)
		text = arena_printf(a, "%s%s%s/%s", text, i ? and : "", type, directions[i]);
	return text;
}

const char *init_types_help(struct arena *a)
{
	const char *text = "";
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++) {
		if (!k->attr)
			continue;
		const char *form = k->name;
		switch (k->target) {
		case PROG_TARGET_NONE:
			break;
		case PROG_TARGET_DIRECTION:	/* tc/ingress (or tc), tc/egress */
			form = arena_printf(a, "%s/%s (or %s)", k->name, k->directions[0], k->name);
			if (k->directions[1])
				form = arena_printf(a, "%s, %s", form,
						    directions_text(a, k->name, k->directions + 1, ", "));
			break;
		case PROG_TARGET_EVENT:
		case PROG_TARGET_FUNCTION:
			form = arena_printf(a, "%s %s (or %s/%s)", k->name, k->init.target_name,
					    k->name, k->init.target_name);
			break;
		case PROG_TARGET_MEMBER:
			form = arena_printf(a, "%s (or %s)", k->name, congestion_ops);
			break;
		}
		text = arena_printf(a, "%s%s%s", text, *text ? ", " : "", form);
	}
	return text;
}

/* What TYPE names: written TYPE/TARGET (REST), or as the argument after
 * TYPE (then *EXTRA is 1); NULL when there is none. */
static const char *target_arg(const struct init_request *req, const char *rest, int *extra)
{
	if (rest)
		return rest;
	if (req->nargs < 3)
		return NULL;
	*extra = 1;
	return req->args[1];
}

/* Reads TYPE [CATEGORY/EVENT | FUNCTION | OPS] NAME into P.  Returns an
 * exit status, or -1 when they make sense. */
static int parse_args(struct arena *a, const struct init_request *req,
		      struct project *p, FILE *err)
{
	if (req->nargs < 2)
		return usage(err, req->nargs ? "missing the project NAME"
				  : "missing the program TYPE and the project NAME");
	const char *type = req->args[0];
	const char *slash = strchr(type, '/');
	const char *head = slash ? arena_strndup(a, type, (size_t)(slash - type)) : type;
	const char *rest = slash ? slash + 1 : NULL;
	int extra = 0;		/* positional arguments between TYPE and NAME */

	const struct prog_kind_info *k = init_kind(head);
	if (!k && !rest && !strcmp(head, congestion_ops))
		k = prog_kind_info(PROG_STRUCT_OPS);	/* struct_ops/tcp_congestion_ops */
	enum prog_target shape = k ? k->target : PROG_TARGET_NONE;
	if (k && shape == PROG_TARGET_NONE && !rest) {
		;	/* xdp, perf_event */
	} else if (k && shape == PROG_TARGET_DIRECTION) {
		p->direction = rest ? rest : k->directions[0];
		if (!in_list(p->direction, k->directions, list_length(k->directions)))
			return error(err, "unknown %s direction '%s': use %s", k->name, p->direction,
				     directions_text(a, k->name, k->directions, " or "));
	} else if (k && (shape == PROG_TARGET_EVENT || shape == PROG_TARGET_FUNCTION)) {
		if (!(p->target = target_arg(req, rest, &extra)))
			return error(err, "a %s project needs %s, as in 'kernelscript init %s %s %s'",
				     k->name, k->init.needs_target, k->name, k->init.example,
				     req->args[1]);
	} else if (k && shape == PROG_TARGET_MEMBER) {
		if (rest) {
			p->ops = rest;
		} else if (!strcmp(head, k->name) && req->nargs >= 3) {
			p->ops = req->args[1];
			extra = 1;
		} else {
			p->ops = congestion_ops;
		}
		if (strcmp(p->ops, congestion_ops))
			return error(err, "'init %s %s' is not available yet; this version "
				     "starts struct_ops projects for %s", k->name, p->ops, congestion_ops);
	} else if (!strcmp(head, "sched_ext_ops") && !rest) {
		return error(err, "'init %s' is not available yet; this version starts struct_ops "
			     "projects for %s", head, congestion_ops);
	} else {
		return error(err, "unknown program type '%s'; the types are: %s", type,
			     init_types_help(a));
	}
	if (req->nargs != 2 + extra)
		return usage(err, arena_printf(a, "unexpected argument '%s'", req->args[2 + extra]));
	p->kind = k;
	p->template = k->init.template ? k->init.template : p->ops;
	p->name = req->args[1 + extra];
	if (!valid_name(p->name))
		return error(err, "'%s' cannot name a project: use letters, digits, '_' and '-', "
			     "starting with a letter or '_'", p->name);
	p->ident = identifier_of(a, p->name);
	return -1;
}

/* ---- tracepoints -------------------------------------------------------- */

static void tracepoint_hint(FILE *err, const char *target)
{
	const char *slash = strchr(target, '/');
	if (slash && slash > target)
		fprintf(err, "kernelscript: note: list the tracepoints with "
			"'sudo ls /sys/kernel/tracing/events/%.*s/' (and the categories with "
			"'sudo ls /sys/kernel/tracing/events/')\n",
			(int)(slash - target), target);
	else
		fputs("kernelscript: note: list the categories with "
		      "'sudo ls /sys/kernel/tracing/events/' and a category's tracepoints with "
		      "'sudo ls /sys/kernel/tracing/events/CATEGORY/'\n", err);
}

/* Finds the tracepoint's context struct, asking tracefs too when the BTF is
 * the running kernel's. */
static int resolve_tracepoint(struct arena *a, const struct kernel_btf *kb,
			      struct project *p, bool running_kernel, FILE *err)
{
	const char *const *fields = NULL;
	const char *slash = strchr(p->target, '/');
	if (running_kernel && slash) {
		const char *category = arena_strndup(a, p->target, (size_t)(slash - p->target));
		if (kernel_tracefs_event(a, category, slash + 1, &fields) == TRACEFS_NO_EVENT) {
			error(err, "no tracepoint '%s' in this kernel", p->target);
			tracepoint_hint(err, p->target);
			return 1;
		}
	}
	const char *why;
	if (!kernel_btf_tracepoint(kb, p->target, fields, &p->tp, &why)) {
		error(err, "%s", why);
		tracepoint_hint(err, p->target);
		return 1;
	}
	if (p->tp.ncandidates) {
		fprintf(err, "kernelscript: warning: the kernel's BTF does not say which struct "
			"tracepoint '%s' receives; guessed %s, out of:", p->target, p->tp.context);
		for (size_t i = 0; i < p->tp.ncandidates; i++)
			fprintf(err, "%s %s", i ? "," : "", p->tp.candidates[i]);
		fprintf(err, "\nkernelscript: note: init reads the event's fields from tracefs "
			"and picks the right one when run as root; or compare their fields with "
			"'sudo cat /sys/kernel/tracing/events/%s/format'\n", p->target);
	}
	p->target = arena_printf(a, "%s/%s", p->tp.category, p->tp.event);
	p->program = arena_printf(a, "on_%s", p->tp.event);
	const char **names = arena_alloc(a, 2 * sizeof(*names));
	names[0] = p->tp.context;
	p->type_names = names;
	return -1;
}

/* How to run this kernelscript in the "Next" lines: "kernelscript" when
 * that is what PATH finds, else the path this one runs from (a build
 * tree before make install). */
static const char *command_name(struct arena *a)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return "kernelscript";
	self[n] = '\0';
	struct stat mine, found;
	const char *path = getenv("PATH");
	if (stat(self, &mine) != 0)
		return "kernelscript";
	for (const char *p = path ? path : ""; *p;) {
		size_t len = strcspn(p, ":");
		const char *candidate = arena_printf(a, "%.*s/kernelscript", (int)len, len ? p : ".");
		if (stat(candidate, &found) == 0 && access(candidate, X_OK) == 0)
			return found.st_dev == mine.st_dev && found.st_ino == mine.st_ino
			       ? "kernelscript" : arena_strdup(a, self);
		p += len + (p[len] == ':');
	}
	return arena_strdup(a, self);
}

/* ---- kernel types from BTF ---------------------------------------------- */

/* The named struct, union or enum that type ID is, points to or is an
 * array of (through typedefs and qualifiers), or NULL: what a .kh must
 * declare for a value of type ID to be read. */
static const char *used_type(const struct kernel_btf *kb, uint32_t id)
{
	for (int depth = 0; depth < 32; depth++) {
		const struct btf_type *t = kernel_btf_type(kb, id);
		if (!t)
			return NULL;
		if (btf_is_typedef(t)) {
			/* typedef struct { ... } pmd_t: the struct is known as pmd_t */
			const struct btf_type *u = kernel_btf_type(kb, kernel_btf_resolve(kb, t->type));
			if (u && btf_is_composite(u) && !u->name_off)
				return kernel_btf_name(kb, t->name_off);
		}
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_PTR:
			id = t->type;
			break;
		case BTF_KIND_ARRAY:
			id = btf_array(t)->type;
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *name = kernel_btf_name(kb, t->name_off);
			return name && *name ? name : NULL;
		}
		default:
			return NULL;
		}
	}
	return NULL;
}

/* Adds the type ID uses (see used_type) to the NULL-terminated LIST of at
 * most MAX names, once. */
static void add_used_type(const struct kernel_btf *kb, uint32_t id, const char **list, size_t max)
{
	const char *name = used_type(kb, id);
	if (!name)
		return;
	size_t n = 0;
	for (; list[n]; n++)
		if (!strcmp(list[n], name))
			return;
	if (n + 1 < max)
		list[n] = name;
}

/* The kernel types P's header declares, as .kh text, after EXTRA (a
 * declaration init writes itself, or NULL). */
static int render_types(struct arena *a, const struct kernel_btf *kb, struct project *p,
			const char *extra, FILE *err)
{
	const char *const *names = p->kind->init.types ? p->kind->init.types : p->type_names;
	const char *text = "";
	if (names[0]) {
		const char *missing;
		text = kernel_btf_render(kb, names, &missing);
		if (!text)
			return error(err, "the kernel's BTF (%s) has no type '%s'", kernel_btf_path(kb),
				     missing);
	}
	if (extra)
		text = arena_printf(a, "%s%s%s", extra, *text ? "\n" : "", text);
	size_t len = strlen(text);
	while (len && text[len - 1] == '\n')
		len--;
	p->types = arena_strndup(a, text, len);
	if (!len)
		p->types = comment(a, "", arena_printf(a, "The parameters of %s are plain "
						       "values: there are no kernel types to "
						       "declare.", p->target));
	p->type_list = names[0] ? names[0] : "";
	for (size_t i = 1; names[0] && names[i]; i++)
		p->type_list = arena_printf(a, "%s, %s", p->type_list, names[i]);
	if (p->ops)
		p->type_list = *p->type_list ? arena_printf(a, "%s, %s", p->ops, p->type_list) : p->ops;
	return -1;
}

/* ---- probes -------------------------------------------------------------- */

/* Levenshtein distance of A and B, or a big number past LIMIT. */
static size_t distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best;
		row[0] = best = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb];
}

/* Up to five kernel functions named like NAME: holding it, or a typo away,
 * the closest first; "" when none. */
static const char *similar_functions(struct arena *a, const struct kernel_btf *kb,
				     const char *name)
{
	enum { MAX = 5 };
	const char *best[MAX] = { 0 };
	size_t score[MAX];
	size_t len = strlen(name), limit = len < 6 ? 1 : 2;
	for (uint32_t id = 1; id < kernel_btf_type_count(kb); id++) {
		const struct btf_type *t = kernel_btf_type(kb, id);
		if (!btf_is_func(t))
			continue;
		const char *f = kernel_btf_name(kb, t->name_off);
		size_t flen = strlen(f), s;
		if (strstr(f, name))
			s = flen - len;
		else if ((s = distance(name, f, limit)) <= limit)
			s += 100;
		else
			continue;
		size_t i = MAX;
		while (i > 0 && (!best[i - 1] || s < score[i - 1] ||
				 (s == score[i - 1] && strcmp(f, best[i - 1]) < 0)))
			i--;
		if (i >= MAX || in_list(f, best, MAX))
			continue;
		memmove(best + i + 1, best + i, (MAX - i - 1) * sizeof(best[0]));
		memmove(score + i + 1, score + i, (MAX - i - 1) * sizeof(score[0]));
		best[i] = f;
		score[i] = s;
	}
	const char *list = "";
	for (size_t i = 0; i < MAX && best[i]; i++)
		list = arena_printf(a, "%s%s%s", list, i ? ", " : "", best[i]);
	return list;
}

static const char *ordinal(struct arena *a, size_t n)
{
	static const char *const small[] = { "1st", "2nd", "3rd" };
	return n >= 1 && n <= 3 ? small[n - 1] : arena_printf(a, "%zuth", n);
}

/* The kernel function to probe and the parameters the program takes. */
static int resolve_probe(struct arena *a, const struct kernel_btf *kb, struct project *p,
			 FILE *err)
{
	if (!is_identifier(p->target))
		return error(err, "'%s' is not a kernel function's name; a probe project "
			     "probes the entry of a function, named as in 'kernelscript init "
			     "probe do_exit %s'", p->target, p->name);
	const struct kernel_func *f = kernel_btf_func(kb, p->target);
	if (!f) {
		error(err, "the kernel's BTF (%s) has no function '%s'", kernel_btf_path(kb),
		      p->target);
		const char *similar = similar_functions(a, kb, p->target);
		if (*similar)
			fprintf(err, "kernelscript: note: functions with a similar name: %s\n", similar);
		fprintf(err, "kernelscript: note: the kernel's functions are the FUNC entries of "
			"its BTF; list them with 'bpftool btf dump file %s | grep \"] FUNC \"'\n",
			kernel_btf_path(kb));
		return 1;
	}
	if (f->variadic)
		return error(err, "'%s' takes a variable number of arguments (it ends with ...), "
			     "which a @probe cannot receive: it cannot be probed this way; probe "
			     "a function it calls instead", f->name);
	const char **kernel_names = arena_alloc(a, (f->count + 1) * sizeof(*kernel_names));
	for (size_t i = 0; i < f->count; i++)
		kernel_names[i] = f->params[i].name;
	const char *const taken[] = { "calls", "main", p->program, NULL };
	const char **names = safe_names(a, kernel_names, f->count, taken);

	/* One line while it fits, else one parameter a line. */
	const char *params = "", *prototype = "", *renamed = "";
	size_t nrenamed = 0, width = strlen("fn ") + strlen(p->program) + strlen("() -> i32 {");
	for (size_t i = 0; i < f->count; i++) {
		const char *param = arena_printf(a, "%s: %s", names[i], f->params[i].type);
		width += strlen(param) + (i ? 2 : 0);
		params = arena_printf(a, "%s%s%s", params, i ? ", " : "", param);
		prototype = arena_printf(a, "%s%s%s: %s", prototype, i ? ", " : "",
					 *f->params[i].name ? f->params[i].name : "_",
					 f->params[i].type);
		if (strcmp(names[i], f->params[i].name))
			renamed = arena_printf(a, "%s%s%s", renamed, nrenamed++ ? ", " : "",
					       *f->params[i].name
					       ? arena_printf(a, "%s is %s", f->params[i].name, names[i])
					       : arena_printf(a, "the nameless %s is %s",
							      ordinal(a, i + 1), names[i]));
	}
	if (width > 80) {
		params = "\n";
		for (size_t i = 0; i < f->count; i++)
			params = arena_printf(a, "%s    %s: %s%s\n", params, names[i],
					      f->params[i].type, i + 1 < f->count ? "," : "");
	}
	p->params = params;
	p->prototype = arena_printf(a, "%s(%s) -> %s", f->name, prototype, f->ret);

	const char **types = arena_alloc(a, (f->count + 1) * sizeof(*types));
	for (size_t i = 0; i < f->count; i++)
		add_used_type(kb, f->params[i].type_id, types, f->count + 1);
	p->type_names = types;
	p->nparams = f->count;
	p->renamed = renamed;
	return -1;
}

/* What the comment above a probe says after the prototype. */
static const char *probe_notes(struct arena *a, const struct project *p)
{
	if (!p->nparams)
		return arena_printf(a, "\n%s", comment(a, "", "It takes no parameters."));
	const char *text = *p->renamed
		? arena_printf(a, "Here %s: KernelScript names every parameter, and not with "
			       "a keyword. ", p->renamed) : "";
	if (!p->type_names[0])
		text = arena_printf(a, "%sThey are plain values: there are no kernel types to "
				    "declare.", text);
	else if (p->undeclared)
		text = arena_printf(a, "%skernelscript reads the kernel types they use from BTF "
				    "(probe.kh says why it does not declare them).", text);
	else
		text = arena_printf(a, "%sprobe.kh declares the kernel types they use.", text);
	return arena_printf(a, "\n%s", comment(a, "", text));
}

/* ---- struct_ops --------------------------------------------------------- */

/* Whether the function prototypes A and B take and return the same types. */
static bool same_prototype(const struct btf_type *a, const struct btf_type *b)
{
	if (a->type != b->type || btf_vlen(a) != btf_vlen(b))
		return false;
	for (uint32_t i = 0; i < btf_vlen(a); i++)
		if (btf_params(a)[i].type != btf_params(b)[i].type)
			return false;
	return true;
}

/* The kernel's own function for member MEMBER of a struct_ops, taking
 * PROTO: a function named *_MEMBER of that prototype with every parameter
 * named, preferring the stubs BPF struct_ops are checked against (named
 * bpf_*_MEMBER or __bpf_*_MEMBER).  Its parameter names are the ones to
 * use.  NULL when there is none. */
static const struct btf_type *named_prototype(const struct kernel_btf *kb, const char *member,
					      const struct btf_type *proto)
{
	const struct btf_type *found = NULL;
	int found_rank = 0;
	size_t mlen = strlen(member);
	for (uint32_t id = 1; id < kernel_btf_type_count(kb); id++) {
		const struct btf_type *t = kernel_btf_type(kb, id);
		if (!btf_is_func(t))
			continue;
		const char *name = kernel_btf_name(kb, t->name_off);
		size_t len = strlen(name);
		if (len <= mlen + 1 || name[len - mlen - 1] != '_' || strcmp(name + len - mlen, member))
			continue;
		const struct btf_type *fp = kernel_btf_type(kb, t->type);
		if (!fp || !btf_is_func_proto(fp) || !same_prototype(fp, proto))
			continue;
		bool named = true;
		for (uint32_t i = 0; i < btf_vlen(fp); i++) {
			const char *pn = kernel_btf_name(kb, btf_params(fp)[i].name_off);
			named = named && pn && *pn;
		}
		if (!named)
			continue;
		int rank = !strncmp(name, "bpf_", 4) || !strncmp(name, "__bpf_", 6) ? 2 : 1;
		if (rank > found_rank) {
			found = fp;
			found_rank = rank;
		}
	}
	return found;
}

/* MEMBER(PARAMS) -> RET for a function pointer of prototype PROTO, with
 * the parameter names of the kernel's own implementation; a pointer to a
 * sock is `sk` and the others argI when it has none. */
static struct ops_function ops_function(struct arena *a, const struct kernel_btf *kb,
					const char *member, const struct btf_type *proto,
					const char *const *taken)
{
	const struct btf_type *named = named_prototype(kb, member, proto);
	size_t n = btf_vlen(proto);
	const char **kernel_names = arena_alloc(a, (n + 1) * sizeof(*kernel_names));
	for (size_t i = 0; i < n; i++) {
		const char *type = kernel_btf_type_text(kb, btf_params(proto)[i].type);
		kernel_names[i] = named ? kernel_btf_name(kb, btf_params(named)[i].name_off)
				: !strcmp(type, "*sock") ? "sk" : "";
	}
	const char **names = safe_names(a, kernel_names, n, taken);
	const char *params = "", *args = "";
	for (size_t i = 0; i < n; i++) {
		params = arena_printf(a, "%s%s%s: %s", params, i ? ", " : "", names[i],
				      kernel_btf_type_text(kb, btf_params(proto)[i].type));
		args = arena_printf(a, "%s%s%s", args, i ? ", " : "", names[i]);
	}
	return (struct ops_function){
		.member = member,
		.signature = arena_printf(a, "%s(%s) -> %s", member, params,
					  kernel_btf_type_text(kb, proto->type)),
		.args = args,
	};
}

/* What TCP calls each function of tcp_congestion_ops for. */
static const struct {
	const char *member;
	const char *about;
} congestion_functions[] = {
	{ "ssthresh", NULL },
	{ "cong_avoid", NULL },
	{ "undo_cwnd", NULL },
	{ "init", "a connection starts using it" },
	{ "release", "a connection stops using it" },
	{ "set_state", "the connection's congestion state changed (TCP_CA_Open, ...)" },
	{ "cwnd_event", "an event for the congestion window (enum tcp_ca_event)" },
	{ "in_ack_event", "an ack arrived (flags: CA_ACK_*)" },
	{ "pkts_acked", "packets were acked: how many, and the round trip time" },
	{ "cong_control", "replaces cong_avoid: sets the window from a rate sample" },
	{ "min_tso_segs", "the fewest segments a TSO packet may hold" },
	{ "sndbuf_expand", "how many times the window the send buffer holds" },
	{ "get_info", "what 'ss -i' shows; not for BPF congestion controls" },
};

/* The kernel function NAME as an extern declaration. */
static const char *extern_decl(struct arena *a, const struct kernel_btf *kb, const char *name,
			       FILE *err)
{
	const struct kernel_func *f = kernel_btf_func(kb, name);
	if (!f) {
		error(err, "the kernel's BTF (%s) has no function '%s'", kernel_btf_path(kb), name);
		return NULL;
	}
	const char **kernel_names = arena_alloc(a, (f->count + 1) * sizeof(*kernel_names));
	for (size_t i = 0; i < f->count; i++)
		kernel_names[i] = f->params[i].name;
	const char **names = safe_names(a, kernel_names, f->count, NULL);
	const char *params = "";
	for (size_t i = 0; i < f->count; i++)
		params = arena_printf(a, "%s%s%s: %s", params, i ? ", " : "", names[i],
				      f->params[i].type);
	return arena_printf(a, "extern %s(%s) -> %s", name, params, f->ret);
}

/* The struct_ops's functions and its declaration, from BTF. */
static int resolve_struct_ops(struct arena *a, const struct kernel_btf *kb, struct project *p,
			      FILE *err)
{
	const struct kernel_struct *s = kernel_btf_struct(kb, p->ops);
	if (!s || s->is_union)
		return error(err, "the kernel's BTF (%s) has no struct %s: this kernel has no "
			     "TCP congestion controls to write", kernel_btf_path(kb), p->ops);
	static const char *const kfuncs[] = {
		"tcp_reno_ssthresh", "tcp_reno_cong_avoid", "tcp_reno_undo_cwnd", NULL,
	};
	const char *const taken[] = { "acks", "losses", "main", kfuncs[0], kfuncs[1], kfuncs[2], NULL };
	p->externs = "";
	for (size_t i = 0; kfuncs[i]; i++) {
		const char *decl = extern_decl(a, kb, kfuncs[i], err);
		if (!decl)
			return 1;
		p->externs = arena_printf(a, "%s%s%s", p->externs, i ? "\n" : "", decl);
	}

	const char **types = arena_alloc(a, (2 * s->count + 64) * sizeof(*types));
	size_t max_types = 2 * s->count + 64;
	const char *decl = arena_printf(a, "struct %s {\n", s->name);
	const char *optional = "";
	for (size_t i = 0; i < s->count; i++) {
		const struct kernel_member *m = &s->members[i];
		const struct btf_type *proto = kernel_btf_function_pointer(kb, m->type_id);
		if (!proto) {
			decl = arena_printf(a, "%s    %s: %s,\n", decl, m->name, m->type);
			if (!strchr(m->type, '*'))
				add_used_type(kb, m->type_id, types, max_types);
			continue;
		}
		struct ops_function fn = ops_function(a, kb, m->name, proto, taken);
		decl = arena_printf(a, "%s    %s: fn%s,\n", decl, m->name,
				    fn.signature + strlen(m->name));
		add_used_type(kb, proto->type, types, max_types);
		for (uint32_t j = 0; j < btf_vlen(proto); j++)
			add_used_type(kb, btf_params(proto)[j].type, types, max_types);
		const char *about = NULL;
		bool required = false;
		for (size_t j = 0; j < sizeof(congestion_functions) / sizeof(congestion_functions[0]); j++)
			if (!strcmp(congestion_functions[j].member, m->name)) {
				about = congestion_functions[j].about;
				required = j < 3;
				if (required)
					p->required[j] = fn;
			}
		if (!required)
			optional = arena_printf(a, "%s    //   fn %s%s%s\n", optional, fn.signature,
						about ? "\n    //       " : "", about ? about : "");
	}
	for (size_t j = 0; j < 3; j++)
		if (!p->required[j].member)
			return error(err, "the kernel's struct %s has no function '%s'; init "
				     "cannot write a congestion control for it",
				     p->ops, congestion_functions[j].member);
	p->ops_struct = arena_printf(a, "%s}\n", decl);
	if (*optional)
		p->optional = arena_printf(a, "    // The other functions of %s, to add when "
					   "needed:\n%s\n", p->ops, optional);
	else
		p->optional = "";
	/* A function taking a pointer to the struct itself would bring it in. */
	for (size_t i = 0; types[i]; i++)
		if (!strcmp(types[i], s->name)) {
			memmove(types + i, types + i + 1, (max_types - i - 1) * sizeof(*types));
			break;
		}
	p->type_names = types;
	/* TCP_CA_NAME_MAX is 16, with the terminating NUL. */
	p->ca_name = arena_strndup(a, p->name, 15);
	while (in_list(p->ident, taken, sizeof(taken) / sizeof(taken[0]) - 1))
		p->ident = arena_printf(a, "%s_", p->ident);
	p->program = p->ident;
	return -1;
}

/* ---- writing ------------------------------------------------------------ */

static const char *expand(struct arena *a, const char *template, const struct project *p,
			  FILE *err)
{
	const char *text = template_text(a, template);
	if (!text) {
		error(err, "template '%s' is missing", template);
		return NULL;
	}
	const struct prog_init *init = &p->kind->init;
	const char *note = "";
	if (p->tp.syscall)
		note = "\n// Every syscalls/ event shares this layout with raw_syscalls: args[]\n"
		       "// holds the syscall's arguments (sys_enter_*), ret its result\n"
		       "// (sys_exit_*). Only the low 32 bits of id mean anything: they hold\n"
		       "// the syscall's number.\n";
	/* What this version does with the program, when it cannot compile it:
	 * a comment under the steps in NAME.ks, a paragraph in the README. */
	const char *status = "", *build_status = "";
	if (p->verdict != VERDICT_COMPILES) {
		bool checks = p->verdict == VERDICT_CHECKS;
		const char *command = arena_printf(a, "kernelscript check %s%s/%s.ks",
						   checks ? "" : "--parse-only ", p->name, p->name);
		const char *cannot = checks ? "but cannot compile it to C yet"
				     : "but cannot check or compile it yet";
		const char *verb = checks ? "checks" : "reads";
		status = arena_printf(a, "//\n%s\n//   %s\n", comment(a, "", arena_printf(a,
			"This version of kernelscript %s it %s: these steps need a later "
			"version. What it can do:", verb, cannot)), command);
		build_status = arena_printf(a, "\nThis version of kernelscript %s the program "
					    "(`%s`) %s: these steps need a later version.\n",
					    verb, command, cannot);
	}
	const char *main_text = "";
	if (init->main) {
		const char *vars[] = { "PROGRAM", p->program, NULL };
		const char *t = template_text(a, arena_printf(a, "init/%s.in", p->fallback
							      ? init->fallback_main : init->main));
		if (!t) {
			error(err, "template for %s's main is missing", p->kind->name);
			return NULL;
		}
		main_text = template_expand(a, t, vars);
		size_t len = strlen(main_text);
		if (len && main_text[len - 1] == '\n')
			main_text = arena_strndup(a, main_text, len - 1);
	}
	const struct ops_function *req = p->required;
	const char *vars[] = {
		"NAME", p->name,
		"KIND", p->kind->name,
		"HEADER", p->header,
		"TYPES", p->types,
		"TYPE_LIST", *p->type_list ? p->type_list
			     : "none: the function's parameters are plain values",
		"BTF", p->btf_path,
		"DIRECTION", p->direction ? p->direction : "",
		"TARGET", p->target ? p->target : "",
		"CONTEXT", p->tp.context ? p->tp.context : "",
		"FUNC", p->program ? p->program : "",
		"PROGRAM", p->program ? p->program : "",
		"PARAMS", p->params ? p->params : "",
		"PROTOTYPE", p->prototype ? p->prototype : "",
		"PROBE_NOTES", p->kind->context == PROG_CONTEXT_ARGS ? probe_notes(a, p) : "",
		"MAIN", main_text,
		"IMPL", p->ident,
		"CA_NAME", p->ca_name ? p->ca_name : "",
		"EXTERNS", p->externs ? p->externs : "",
		"OPTIONAL", p->optional ? p->optional : "",
		"SSTHRESH", req[0].signature ? req[0].signature : "",
		"SSTHRESH_ARGS", req[0].args ? req[0].args : "",
		"CONG_AVOID", req[1].signature ? req[1].signature : "",
		"CONG_AVOID_ARGS", req[1].args ? req[1].args : "",
		"UNDO_CWND", req[2].signature ? req[2].signature : "",
		"UNDO_CWND_ARGS", req[2].args ? req[2].args : "",
		"NOTE", note,
		"STATUS", status,
		"BUILD_STATUS", build_status,
		"RUN_ARGS", init->run_args ? init->run_args : "",
		"OPS", p->ops ? p->ops : "",
		/* what packets on the direction's path do: the first is ingress */
		"DIRECTION_VERB", !p->direction ? ""
				  : !strcmp(p->direction, p->kind->directions[0]) ? "arrive on" : "leave",
		"ABOUT", "",	/* below: the kind's paragraph, over the others */
		NULL,
	};
	size_t nvars = sizeof(vars) / sizeof(vars[0]);
	vars[nvars - 2] = template_expand(a, p->fallback ? init->fallback_about : init->about, vars);
	return template_expand(a, text, vars);
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

struct project_file {
	const char *template;
	const char *path;
};

enum { NFILES = 3 };

/* Expands every file of P and writes it.  Returns false after reporting
 * an error. */
static bool write_project(struct arena *a, const struct project *p,
			  const struct project_file *files, FILE *err)
{
	const char *texts[NFILES];
	for (size_t i = 0; i < NFILES; i++)
		if (!(texts[i] = expand(a, files[i].template, p, err)))
			return false;
	for (size_t i = 0; i < NFILES; i++)
		if (!write_file(files[i].path, texts[i])) {
			error(err, "cannot write '%s': %s", files[i].path, strerror(errno));
			return false;
		}
	return true;
}

static void remove_project(const struct project *p, const struct project_file *files)
{
	for (size_t i = 0; i < NFILES; i++)
		unlink(files[i].path);
	rmdir(p->name);
}

/* What this version of kernelscript makes of the program at PATH: checked
 * against the kernel's BTF as 'kernelscript check' does, and compiled to C
 * as 'kernelscript compile' would, into memory.  Sets *WHY to the first
 * error, *WHERE to the file it is in ("" when none), and *MESSAGES to all
 * it said (all in A). */
static enum verdict try_program(struct arena *a, const struct kernel_btf *kb,
				const char *path, const char **why, const char **where,
				const char **messages)
{
	struct arena *t = arena_new();
	char *buf = NULL;
	size_t len = 0;
	FILE *msgs = open_memstream(&buf, &len);
	if (!msgs)
		abort();
	struct diag *d = diag_new(t, msgs);
	enum verdict verdict = VERDICT_FAILS;
	const char *load_why;
	struct source *src = source_load(t, path, &load_why);
	if (!src) {
		diag_error_plain(d, "cannot read '%s': %s", path, load_why);
		goto out;
	}
	struct program *program = parse_source(t, d, src);
	if (diag_error_count(d))
		goto out;
	struct check_options opts = { .btf = kb };
	struct checked_program *cp = check_program(t, d, program, &opts);
	if (diag_error_count(d))
		goto out;
	/* As 'kernelscript compile' does. */
	const struct plan *plan = plan_program(t, cp);
	cp->btf = NULL;
	verdict = VERDICT_CHECKS;
	char *cbuf = NULL;
	size_t clen = 0;
	FILE *c = open_memstream(&cbuf, &clen);
	if (!c)
		abort();
	emit_types_header(t, d, plan, c);
	if (!diag_error_count(d))
		emit_bpf_file(t, d, plan, c);
	if (!diag_error_count(d))
		emit_user_file(t, d, plan, c);
	fclose(c);
	free(cbuf);
	if (!diag_error_count(d))
		verdict = VERDICT_COMPILES;
out:
	fclose(msgs);
	*messages = arena_strndup(a, buf ? buf : "", len);
	free(buf);
	arena_free(t);
	/* The first "FILE:LINE:COL: error: message" line. */
	*why = *where = "";
	const char *e = strstr(*messages, "error: ");
	if (e) {
		const char *line = e;
		while (line > *messages && line[-1] != '\n')
			line--;
		*where = arena_strndup(a, line, strcspn(line, ":"));
		e += strlen("error: ");
		*why = arena_strndup(a, e, strcspn(e, "\n"));
	}
	return verdict;
}

int run_init(const struct init_request *req, FILE *out, FILE *err)
{
	struct arena *a = arena_new();
	struct kernel_btf *kb = NULL;
	struct project p = { 0 };
	int status = parse_args(a, req, &p, err);
	if (status >= 0)
		goto done;

	struct stat st;
	if (lstat(p.name, &st) == 0) {
		status = error(err, "'%s' already exists; not overwriting it", p.name);
		goto done;
	}

	const char *why;
	kb = kernel_btf_load(a, req->btf_path, &why);
	if (!kb) {
		status = error(err, "%s", why);
		if (!req->btf_path)
			fputs("kernelscript: note: name a vmlinux or raw BTF file with "
			      "--btf-vmlinux-path FILE\n", err);
		goto done;
	}
	p.btf_path = kernel_btf_path(kb);
	p.header = arena_printf(a, "%s.kh", p.template);
	const char *extra = NULL;
	if (p.kind->init.program)
		p.program = template_expand(a, p.kind->init.program,
					    (const char *const[]){ "IDENT", p.ident, NULL });
	/* The kinds whose context is the target's find it in BTF. */
	switch (p.kind->context) {
	case PROG_CONTEXT_STRUCT:
		break;
	case PROG_CONTEXT_EVENT:
		status = resolve_tracepoint(a, kb, &p, req->btf_path == NULL, err);
		break;
	case PROG_CONTEXT_ARGS:
		status = resolve_probe(a, kb, &p, err);
		break;
	case PROG_CONTEXT_MEMBER:
		status = resolve_struct_ops(a, kb, &p, err);
		extra = p.ops_struct;
		break;
	}
	if (status >= 0 || (status = render_types(a, kb, &p, extra, err)) >= 0)
		goto done;

	const struct project_file files[NFILES] = {
		{ arena_printf(a, "init/%s.ks.in", p.template), arena_printf(a, "%s/%s.ks", p.name, p.name) },
		{ arena_printf(a, "init/%s.kh.in", p.template), arena_printf(a, "%s/%s", p.name, p.header) },
		{ "init/README.md.in", arena_printf(a, "%s/README.md", p.name) },
	};
	status = 1;
	/* Every template expands before anything is written. */
	for (size_t i = 0; i < NFILES; i++)
		if (!expand(a, files[i].template, &p, err))
			goto done;
	if (mkdir(p.name, 0755) != 0) {
		if (errno == EEXIST)
			status = error(err, "'%s' already exists; not overwriting it", p.name);
		else
			status = error(err, "cannot create directory '%s': %s", p.name,
				       strerror(errno));
		goto done;
	}
	if (!write_project(a, &p, files, err))
		goto undo;

	/* The program is checked and compiled (into memory) as the user would;
	 * the comments and the README say what this version can do with it. */
	const char *messages, *where;
	p.verdict = try_program(a, kb, files[0].path, &p.why_not, &where, &messages);
	if (p.verdict == VERDICT_FAILS && p.kind->init.fallback_main) {
		/* What its main does (perf_event: attaching with perf options)
		 * is for a later version. */
		p.fallback = true;
		if (!write_project(a, &p, files, err))
			goto undo;
		p.verdict = try_program(a, kb, files[0].path, &p.why_not, &where, &messages);
	}
	if (p.verdict == VERDICT_FAILS && !p.ops && !strcmp(where, files[1].path)) {
		/* Some kernel types cannot be written as declarations that check
		 * yet; the checker reads them from BTF anyway.  A struct_ops
		 * header stays: it declares the struct the impl fills. */
		p.types = comment(a, "", arena_printf(a, "The kernel types it uses (%s) are not "
						       "declared here: this version of kernelscript "
						       "cannot write them all as declarations that "
						       "check (it says \"%s\"). It reads them from "
						       "the kernel's BTF instead.",
						       p.type_list, p.why_not));
		p.undeclared = true;
		if (!write_project(a, &p, files, err))
			goto undo;
		p.verdict = try_program(a, kb, files[0].path, &p.why_not, &where, &messages);
	}
	if (p.verdict == VERDICT_FAILS && p.kind->context == PROG_CONTEXT_ARGS) {
		error(err, "this version of kernelscript cannot check a @%s on '%s', which "
		      "the kernel declares as %s: it says \"%s\"", p.kind->name, p.target,
		      p.prototype, p.why_not);
		goto undo;
	}
	if (p.verdict == VERDICT_FAILS && !p.ops) {	/* struct_ops: for a later version */
		error(err, "the program init wrote does not pass 'kernelscript check', which is "
		      "a mistake in init; it said:");
		fputs(messages, err);
		goto undo;
	}
	if (p.verdict != VERDICT_COMPILES && !write_project(a, &p, files, err))
		goto undo;

	fprintf(out, "Created %s/\n"
		"  %s.ks: the program\n"
		"  %s: the kernel types it uses (%s), from BTF\n"
		"  README.md: how to build and run it\n",
		p.name, p.name, p.header,
		*p.type_list ? p.type_list : "none: the function's parameters are plain values");
	const char *ks = command_name(a);
	if (p.verdict == VERDICT_COMPILES)
		fprintf(out, "Next:\n"
			"  %s compile %s/%s.ks\n"
			"  cd %s && make && sudo ./%s%s\n",
			ks, p.name, p.name, p.name, p.name,
			p.kind->init.run_args ? p.kind->init.run_args : "");
	else if (p.verdict == VERDICT_CHECKS)
		fprintf(out, "Next:\n"
			"  %s check %s/%s.ks\n"
			"Compiling it needs a later version of kernelscript: this one says "
			"\"%s\".\n", ks, p.name, p.name, p.why_not);
	else
		fprintf(out, "Next:\n"
			"  %s check --parse-only %s/%s.ks\n"
			"Checking and compiling it needs a later version of kernelscript: this one "
			"says \"%s\".\n", ks, p.name, p.name, p.why_not);
	status = 0;
	goto done;
undo:
	remove_project(&p, files);
	status = 1;
done:
	kernel_btf_free(kb);
	arena_free(a);
	return status;
}
