#include "init.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "btf.h"
#include "templates.h"

const char init_types_help[] =
	"xdp, tc/ingress (or tc), tc/egress, tracepoint CATEGORY/EVENT (or "
	"tracepoint/CATEGORY/EVENT)";

enum project_kind {
	PROJECT_XDP,
	PROJECT_TC,
	PROJECT_TRACEPOINT,
};

/* Everything the templates need, gathered before anything is written. */
struct project {
	enum project_kind kind;
	const char *kind_name;	/* xdp, tc, tracepoint: names the template and the .kh */
	const char *name;	/* the directory, and NAME.ks in it */
	const char *direction;	/* tc */
	const char *target;	/* tracepoint: category/event */
	struct kernel_tracepoint tp;
	const char *header;	/* xdp.kh */
	const char *types;	/* the kernel declarations in the header */
	const char *type_list;	/* the same, as a list of names for messages */
	const char *btf_path;
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

/* Reads TYPE [CATEGORY/EVENT] NAME into P.  Returns an exit status, or -1
 * when they make sense. */
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

	if (!strcmp(head, "xdp") && !rest) {
		p->kind = PROJECT_XDP;
	} else if (!strcmp(head, "tc")) {
		p->kind = PROJECT_TC;
		p->direction = rest ? rest : "ingress";
		if (strcmp(p->direction, "ingress") && strcmp(p->direction, "egress"))
			return error(err, "unknown tc direction '%s': use tc/ingress or tc/egress",
				     p->direction);
	} else if (!strcmp(head, "tracepoint")) {
		p->kind = PROJECT_TRACEPOINT;
		if (rest) {
			p->target = rest;
		} else if (req->nargs >= 3) {
			p->target = req->args[1];
			extra = 1;
		} else {
			return error(err, "a tracepoint project needs its CATEGORY/EVENT, as in "
				     "'kernelscript init tracepoint sched/sched_switch %s'",
				     req->args[1]);
		}
	} else if (!strcmp(head, "probe") || !strcmp(head, "kprobe") ||
		   !strcmp(head, "perf_event") || !strcmp(head, "struct_ops") ||
		   !strcmp(head, "tcp_congestion_ops") || !strcmp(head, "sched_ext_ops")) {
		return error(err, "'init %s' is not available yet; this version starts these "
			     "projects: %s", head, init_types_help);
	} else {
		return error(err, "unknown program type '%s'; the types are: %s", type,
			     init_types_help);
	}
	if (req->nargs != 2 + extra)
		return usage(err, arena_printf(a, "unexpected argument '%s'", req->args[2 + extra]));
	p->kind_name = head;
	p->name = req->args[1 + extra];
	if (!valid_name(p->name))
		return error(err, "'%s' cannot name a project: use letters, digits, '_' and '-', "
			     "starting with a letter or '_'", p->name);
	return -1;
}

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
	return -1;
}

/* The kernel types P's header declares. */
static int render_types(struct arena *a, const struct kernel_btf *kb, struct project *p,
			FILE *err)
{
	static const char *const xdp[] = { "xdp_md", "xdp_action", NULL };
	static const char *const tc[] = { "__sk_buff", "bpf_flow_keys", "bpf_sock", NULL };
	const char *tracepoint[] = { p->tp.context, NULL };
	const char *const *names = p->kind == PROJECT_XDP ? xdp
				 : p->kind == PROJECT_TC ? tc : tracepoint;
	const char *missing;
	p->types = kernel_btf_render(kb, names, &missing);
	if (!p->types)
		return error(err, "the kernel's BTF (%s) has no type '%s'", kernel_btf_path(kb),
			     missing);
	size_t len = strlen(p->types);
	while (len && p->types[len - 1] == '\n')
		len--;
	p->types = arena_strndup(a, p->types, len);
	p->type_list = names[0];
	for (size_t i = 1; names[i]; i++)
		p->type_list = arena_printf(a, "%s, %s", p->type_list, names[i]);
	return -1;
}

static const char *expand(struct arena *a, const char *template, const struct project *p,
			  FILE *err)
{
	const char *text = template_text(a, template);
	if (!text) {
		error(err, "template '%s' is missing", template);
		return NULL;
	}
	const char *about, *run_args = "";
	switch (p->kind) {
	case PROJECT_XDP:
		about = "An XDP program counts the packets that arrive on a network interface "
			"and lets them all through. `main` attaches it to the interface named "
			"by `--interface` and prints the count every second.";
		run_args = " --interface=eth0";
		break;
	case PROJECT_TC:
		about = arena_printf(a, "A tc program counts the packets that %s a network "
				     "interface (tc %s) and lets them all through. `main` "
				     "attaches it to the interface named by `--interface` and "
				     "prints the count every second.",
				     !strcmp(p->direction, "ingress") ? "arrive on" : "leave",
				     p->direction);
		run_args = " --interface=eth0";
		break;
	default:
		about = arena_printf(a, "A program on the `%s` tracepoint counts how often the "
				     "kernel hits it. `main` attaches it and prints the count "
				     "every second.", p->target);
		break;
	}
	const char *note = "";
	if (p->kind == PROJECT_TRACEPOINT && p->tp.syscall)
		note = "\n// Every syscalls/ event shares this layout with raw_syscalls: args[]\n"
		       "// holds the syscall's arguments (sys_enter_*), ret its result\n"
		       "// (sys_exit_*). Only the low 32 bits of id mean anything: they hold\n"
		       "// the syscall's number.\n";
	const char *vars[] = {
		"NAME", p->name,
		"KIND", p->kind_name,
		"HEADER", p->header,
		"TYPES", p->types,
		"TYPE_LIST", p->type_list,
		"BTF", p->btf_path,
		"DIRECTION", p->direction ? p->direction : "",
		"TARGET", p->target ? p->target : "",
		"CONTEXT", p->tp.context ? p->tp.context : "",
		"FUNC", p->tp.event ? arena_printf(a, "on_%s", p->tp.event) : "",
		"NOTE", note,
		"ABOUT", about,
		"RUN_ARGS", run_args,
		NULL,
	};
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
	p.header = arena_printf(a, "%s.kh", p.kind_name);
	if (p.kind == PROJECT_TRACEPOINT &&
	    (status = resolve_tracepoint(a, kb, &p, req->btf_path == NULL, err)) >= 0)
		goto done;
	if ((status = render_types(a, kb, &p, err)) >= 0)
		goto done;

	struct {
		const char *template;
		const char *path;
		const char *text;
	} files[] = {
		{ arena_printf(a, "init/%s.ks.in", p.kind_name), arena_printf(a, "%s/%s.ks", p.name, p.name), NULL },
		{ arena_printf(a, "init/%s.kh.in", p.kind_name), arena_printf(a, "%s/%s", p.name, p.header), NULL },
		{ "init/README.md.in", arena_printf(a, "%s/README.md", p.name), NULL },
	};
	const size_t nfiles = sizeof(files) / sizeof(files[0]);
	status = 1;
	for (size_t i = 0; i < nfiles; i++)
		if (!(files[i].text = expand(a, files[i].template, &p, err)))
			goto done;

	if (mkdir(p.name, 0755) != 0) {
		if (errno == EEXIST)
			status = error(err, "'%s' already exists; not overwriting it", p.name);
		else
			status = error(err, "cannot create directory '%s': %s", p.name,
				       strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (!write_file(files[i].path, files[i].text)) {
			status = error(err, "cannot write '%s': %s", files[i].path, strerror(errno));
			for (size_t j = 0; j <= i; j++)
				unlink(files[j].path);
			rmdir(p.name);
			goto done;
		}
	}

	fprintf(out, "Created %s/\n"
		"  %s.ks: the program\n"
		"  %s: the kernel types it uses (%s), from BTF\n"
		"  README.md: how to build and run it\n"
		"Next:\n"
		"  kernelscript compile %s/%s.ks\n"
		"  cd %s && make && sudo ./%s%s\n",
		p.name, p.name, p.header, p.type_list, p.name, p.name, p.name, p.name,
		p.kind == PROJECT_TRACEPOINT ? "" : " --interface=eth0");
	status = 0;
done:
	kernel_btf_free(kb);
	arena_free(a);
	return status;
}
