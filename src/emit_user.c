/* The emit stage: NAME.c, the userspace program.  It drives the eBPF side
 * through bpftool's skeleton (NAME.skel.h) and skeleton/ks_runtime.h. */
#include "emit_internal.h"

#include <stdlib.h>
#include <string.h>

#include "attach_targets.h"
#include "describe.h"

/* ---- map accessors ---------------------------------------------------------- */

/* Userspace reads a per-CPU map as the sum over CPUs, like bpftool shows
 * it summed; other maps read as the entry, 0 when absent. */
static void emit_user_accessors(struct emitter *e, const struct map_use *u)
{
	const char *m = u->map->name;
	const struct type *t = u->map->type;
	const char *key = c_type(e, t->key), *value = c_type(e, t->value);
	bool percpu = type_is_percpu_map(t);
	if (percpu && (u->accessors & (ACC_GET | ACC_OP | ACC_FIND)) && !type_is_integer(t->value)) {
		emit_unsupported(e, u->map->span, "reading a per-CPU map of non-integers from userspace");
		return;
	}
	if ((u->accessors & (ACC_GET | ACC_OP)) && percpu)
		emit_code(e, "\
		/* %2$s[key]: the sum over all CPUs, 0 when absent */\n\
		static %1$s %2$s_get(%3$s key)\n\
		{\n\
			int ncpus = libbpf_num_possible_cpus();\n\
			%1$s values[ncpus > 0 ? ncpus : 1], sum = 0;\n\
			if (ncpus > 0 && !bpf_map__lookup_elem(skel->maps.%2$s, &key, sizeof(key), values, sizeof(values), 0))\n\
				for (int cpu = 0; cpu < ncpus; cpu++)\n\
					sum += values[cpu];\n\
			return sum;\n\
		}\n\n", value, m, key);
	else if (u->accessors & (ACC_GET | ACC_OP))
		emit_code(e, "\
		/* %2$s[key]: 0 when the key is absent */\n\
		static %1$s %2$s_get(%3$s key)\n\
		{\n\
			%1$s value = %4$s;\n\
			bpf_map__lookup_elem(skel->maps.%2$s, &key, sizeof(key), &value, sizeof(value), 0);\n\
			return value;\n\
		}\n\n", value, m, key, type_is_scalar(t->value) ? "0" : "{0}");
	if ((u->accessors & ACC_FIND) && percpu)
		emit_code(e, "\
		/* %2$s[key] into *value, the sum over all CPUs: whether the key is there */\n\
		static bool %2$s_find(%3$s key, %1$s *value)\n\
		{\n\
			int ncpus = libbpf_num_possible_cpus();\n\
			%1$s values[ncpus > 0 ? ncpus : 1];\n\
			*value = 0;\n\
			if (ncpus <= 0 || bpf_map__lookup_elem(skel->maps.%2$s, &key, sizeof(key), values, sizeof(values), 0))\n\
				return false;\n\
			for (int cpu = 0; cpu < ncpus; cpu++)\n\
				*value += values[cpu];\n\
			return true;\n\
		}\n\n", value, m, key);
	else if (u->accessors & ACC_FIND)
		emit_code(e, "\
		/* %2$s[key] into *value, zero when absent: whether the key is there */\n\
		static bool %2$s_find(%3$s key, %1$s *value)\n\
		{\n\
			if (!bpf_map__lookup_elem(skel->maps.%2$s, &key, sizeof(key), value, sizeof(*value), 0))\n\
				return true;\n\
			memset(value, 0, sizeof(*value));\n\
			return false;\n\
		}\n\n", value, m, key);
	if (u->accessors & ACC_LOOKUP)
		emit_code(e, "\
		static bool %2$s_lookup(%3$s key)\n\
		{\n\
			%1$s value%4$s;\n\
			return !bpf_map__lookup_elem(skel->maps.%2$s, &key, sizeof(key), &value%5$s, sizeof(value%5$s), 0);\n\
		}\n\n", value, m, key, percpu ? "s[libbpf_num_possible_cpus()]" : "",
			  percpu ? "s" : "");
	if ((u->accessors & (ACC_SET | ACC_OP)) && percpu)
		emit_code(e, "\
		/* CPU 0 gets the value, the others 0: the sum reads back as it */\n\
		static int %2$s_set(%3$s key, %1$s value)\n\
		{\n\
			int ncpus = libbpf_num_possible_cpus();\n\
			%1$s values[ncpus > 0 ? ncpus : 1];\n\
			memset(values, 0, sizeof(values));\n\
			values[0] = value;\n\
			int err = bpf_map__update_elem(skel->maps.%2$s, &key, sizeof(key), values, sizeof(values), BPF_ANY);\n\
			if (err)\n\
				fprintf(stderr, \"Failed to update map %2$s: %%s\\n\", strerror(-err));\n\
			return err;\n\
		}\n\n", value, m, key);
	else if (u->accessors & (ACC_SET | ACC_OP))
		emit_code(e, "\
		static int %2$s_set(%3$s key, %1$s value)\n\
		{\n\
			int err = bpf_map__update_elem(skel->maps.%2$s, &key, sizeof(key), &value, sizeof(value), BPF_ANY);\n\
			if (err)\n\
				fprintf(stderr, \"Failed to update map %2$s: %%s\\n\", strerror(-err));\n\
			return err;\n\
		}\n\n", value, m, key);
	if (u->accessors & ACC_DELETE)
		emit_code(e, "\
		static int %1$s_delete(%2$s key)\n\
		{\n\
			return bpf_map__delete_elem(skel->maps.%1$s, &key, sizeof(key), 0);\n\
		}\n\n", m, key);
	for (enum binary_op op = BIN_ADD; op <= BIN_SHR; op++)
		if (u->ops & (1u << op))
			emit_code(e, "\
			static void %1$s_%2$s(%3$s key, %4$s operand)\n\
			{\n\
				%1$s_set(key, %1$s_get(key) %5$s operand);\n\
			}\n\n", m, binary_op_name(op), key, value, binary_op_text(op));
}

void emit_for_each(struct emitter *e, const struct stmt *s)
{
	const struct symbol *map = s->for_.iterable->sym;
	if (e->bpf || !map || map->kind != SYM_MAP) {
		emit_unsupported(e, s->span, "this 'for (k, v) in' loop");
		return;
	}
	map_use(e, map)->accessors |= ACC_GET;
	const char *k = c_ident(e, s->for_.var), *v = c_ident(e, s->for_.value_var);
	const char *m = map->name;
	emit_line(e, "{");
	e->indent++;
	emit_line(e, "%s;", c_decl(e, map->type->key, k));
	emit_line(e, "for (int more = !bpf_map__get_next_key(skel->maps.%s, NULL, &%s, sizeof(%s)); more;", m, k, k);
	emit_line(e, "     more = !bpf_map__get_next_key(skel->maps.%s, &%s, &%s, sizeof(%s))) {", m, k, k, k);
	e->indent++;
	emit_line(e, "%s = %s_get(%s);", c_decl(e, map->type->value, v), m, k);
	emit_block_body(e, s->for_.body);
	e->indent--;
	emit_line(e, "}");
	e->indent--;
	emit_line(e, "}");
}

/* ---- load and attach -------------------------------------------------------- */

static void emit_load_attach(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	const char *skeleton = c_skeleton(e);
	if (!(cp->builtins_used & (1u << BUILTIN_LOAD)))
		goto attach;
	emit_line(e, "/* load(): the first call loads the whole object, every program in it. */");
	emit_line(e, "static struct bpf_program *load_program(struct bpf_program *prog)");
	emit_line(e, "{");
	emit_line(e, "\tstatic bool loaded;");
	emit_line(e, "\tif (!loaded) {");
	emit_line(e, "\t\tint err = %s__load(skel);", skeleton);
	emit_line(e, "\t\tif (err) {");
	emit_line(e, "\t\t\tks_fail(err, \"load BPF object\");");
	emit_line(e, "\t\t\texit(1);");
	emit_line(e, "\t\t}");
	emit_line(e, "\t\tloaded = true;");
	emit_line(e, "\t}");
	emit_line(e, "\treturn prog;");
	emit_line(e, "}");
	emit_line(e, "%s", "");
attach:
	if (!cp->attaches_to_targets)
		return;
	emit_line(e, "/* attach(): each program to the kind of target its attribute names. */");
	emit_line(e, "static int attach_program(struct bpf_program *prog, const char *target, __u32 flags)");
	emit_line(e, "{");
	bool flags_used = false;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (fn->side != SIDE_PROGRAM)
			continue;
		emit_line(e, "\tif (prog == skel->progs.%s)", fn->decl->name);
		switch (fn->prog) {
		case PROG_XDP:
			emit_line(e, "\t\treturn ks_attach_xdp(prog, target, flags);");
			flags_used = true;
			break;
		case PROG_TC:
			emit_line(e, "\t\treturn ks_attach_tc(prog, target, %s, flags);",
				  !strcmp(fn->target, "ingress") ? "true" : "false");
			flags_used = true;
			break;
		case PROG_TRACEPOINT:
			emit_line(e, "\t\treturn ks_attach_tracepoint(prog, target);");
			break;
		case PROG_PROBE:
			emit_line(e, "\t\treturn ks_attach_%s(prog, target);",
				  fn->syscall ? "ksyscall" : "kprobe");
			break;
		case PROG_PERF_EVENT:
			emit_line(e, "\t\treturn -EINVAL;	/* attached with perf_options instead */");
			break;
		default:
			emit_line(e, "\t\treturn -EOPNOTSUPP;");
			break;
		}
	}
	if (!flags_used)
		emit_line(e, "\t(void)flags;");
	emit_line(e, "\tfprintf(stderr, \"Failed to attach: not a program of this object\\n\");");
	emit_line(e, "\treturn -EINVAL;");
	emit_line(e, "}");
	emit_line(e, "%s", "");
}

/* ---- functions ---------------------------------------------------------------- */

static const char *user_name(struct emitter *e, const struct function_info *fn)
{
	return fn == e->cp->main_fn ? "ks_main" : c_ident(e, fn->decl->name);
}

static const char *signature(struct emitter *e, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	const char *list = d->fn.params.len ? "" : "void";
	for (size_t i = 0; i < d->fn.params.len; i++) {
		const struct param *p = d->fn.params.items[i];
		list = arena_printf(A, "%s%s%s", list, i ? ", " : "",
				    c_decl(e, fn->type->params.items[i], c_ident(e, p->name)));
	}
	const struct type *ret = fn == e->cp->main_fn ? &type_i32 : fn->type->ret;
	return c_decl(e, ret, arena_printf(A, "%s(%s)", user_name(e, fn), list));
}

static void emit_user_function(struct emitter *e, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	e->fn = fn;
	unsigned line, col;
	source_line_col(d->span.src, d->span.begin, &line, &col);
	emit_line(e, "/* %s:%u */", base_name(d->span.src->name), line);
	emit_line(e, "static %s", signature(e, fn));
	emit_line(e, "{");
	e->indent++;
	emit_function_body(e, fn);
	const struct stmt *last = d->fn.body->block.len
		? d->fn.body->block.items[d->fn.body->block.len - 1] : NULL;
	if (fn == e->cp->main_fn && (!last || last->kind != STMT_RETURN) && !d->fn.ret_name)
		emit_line(e, "return 0;");
	e->indent--;
	emit_line(e, "}");
	emit_line(e, "%s", "");
	e->fn = NULL;
}

/* ---- command line -------------------------------------------------------------- */

/* The generated main() hands a table of its options to ks_options.h,
 * which parses them and prints the help: what is written here is the
 * table, and the text --help shows. */

static const struct type *args_type(const struct checked_program *cp)
{
	const struct function_info *main = cp->main_fn;
	if (!main || main->type->params.len != 1)
		return NULL;
	const struct type *t = main->type->params.items[0];
	return t->kind == TY_STRUCT && t->decl ? t : NULL;
}

/* TEXT as a C string literal, "??" written "?\?" so that no trigraph
 * warning stops the build. */
static const char *c_text(struct emitter *e, const char *text)
{
	const char *lit = c_string(e, text, (uint32_t)strlen(text));
	char *out = arena_alloc(A, strlen(lit) * 2 + 1), *o = out;
	for (const char *p = lit; *p; p++) {
		*o++ = *p;
		if (p[0] == '?' && p[1] == '?')
			*o++ = '\\';
	}
	*o = '\0';
	return out;
}

/* The comment that opens the program's file, one string literal a line;
 * whether there is one. */
static bool emit_about(struct emitter *e)
{
	const struct source *src = e->cp->main->src;
	const char *about = describe_file(A, src);
	if (!about)
		return false;
	emit_line(e, "/* what the program does, for --help: the comment that opens %s */",
		  base_name(src->name));
	emit_line(e, "static const char about[] =");
	for (const char *line = about; *line;) {
		size_t len = strcspn(line, "\n") + 1;
		emit_line(e, "\t%s%s", c_text(e, arena_strndup(A, line, len)), line[len] ? "" : ";");
		line += len;
	}
	return true;
}

/* By what attach() uses a text option for: ks_options.h's name for it,
 * what --help calls its value, and says of it when no comment does. */
static const struct {
	const char *target, *value, *help;
} text_options[] = {
	[ATTACH_TARGET_NONE] = { NULL, "TEXT", NULL },
	[ATTACH_TARGET_INTERFACE] = { "KS_TARGET_INTERFACE", "NAME",
				      "the network interface to attach to" },
	[ATTACH_TARGET_TRACEPOINT] = { "KS_TARGET_TRACEPOINT", "CATEGORY/EVENT",
				       "the tracepoint to attach to" },
	[ATTACH_TARGET_FUNCTION] = { "KS_TARGET_FUNCTION", "FUNCTION",
				     "the kernel function to attach to" },
	[ATTACH_TARGET_SYSCALL] = { "KS_TARGET_SYSCALL", "SYSCALL",
				    "the system call to attach to" },
};

/* ".help = TEXT," as string literals of at most about 64 characters, cut
 * after spaces, one a line. */
static void emit_help(struct emitter *e, const char *text)
{
	const char *lead = ".help = ";
	while (*text) {
		size_t len = strlen(text);
		if (len > 64) {
			const char *space = text + 64;
			while (space > text && *space != ' ')
				space--;
			len = space > text ? (size_t)(space - text) + 1 : strcspn(text + 64, " ") + 64;
		}
		const char *piece = arena_strndup(A, text, len);
		text += len;
		emit_line(e, "%s%s%s", lead, c_text(e, piece), *text ? "" : ",");
		lead = "\t";
	}
}

/* One entry of the options table: member M of the struct main takes. */
static void emit_option(struct emitter *e, const struct member *m)
{
	const struct type *t = m->resolved;
	const char *member = c_member(e, m->name);
	const char *help = describe_span(A, m->span);
	const char *kind, *value = NULL, *detail = "";
	if (t->kind == TY_BOOL) {
		kind = "KS_OPT_FLAG";
	} else if (t->kind == TY_STR) {
		enum attach_target what = attach_target_of(e->cp, m->name);
		kind = "KS_OPT_TEXT";
		value = text_options[what].value;
		if (what != ATTACH_TARGET_NONE)
			detail = arena_printf(A, " .target = %s,", text_options[what].target);
		if (!help)
			help = text_options[what].help;
	} else if (type_is_integer(t)) {
		kind = "KS_OPT_NUMBER";
		value = "NUMBER";
		/* the member's C type: a char is char, an enum an int */
		unsigned bits = t->kind == TY_INT ? t->bits : 32;
		bool is_signed = t->kind == TY_INT ? t->is_signed : true;
		detail = t->kind == TY_CHAR ? " .min = CHAR_MIN, .max = CHAR_MAX,"
			: is_signed ? arena_printf(A, " .min = INT%u_MIN, .max = INT%u_MAX,", bits, bits)
			: arena_printf(A, " .min = 0, .max = UINT%u_MAX,", bits);
	} else {
		emit_unsupported(e, m->span, "a command-line option of this type");
		return;
	}
	if (!strcmp(m->name, "help") || !strcmp(m->name, "verbose")) {
		diag_error(e->diag, m->span, "an option cannot be called '--%s': "
			   "every generated program has a --%s of its own", m->name, m->name);
		e->failed = true;
		return;
	}
	emit_line(e, "{");
	e->indent++;
	emit_line(e, ".name = \"%s\",%s%s%s", m->name, value ? " .value = \"" : "",
		  value ? value : "", value ? "\"," : "");
	if (help)
		emit_help(e, help);
	emit_line(e, ".kind = %s,%s", kind, detail);
	emit_line(e, ".place = %sargs.%s, .size = sizeof(args.%s),", t->kind == TY_STR ? "" : "&",
		  member, member);
	e->indent--;
	emit_line(e, "},");
}

/* The struct main takes, and the table of its options; whether there are
 * any. */
static bool emit_parse_args(struct emitter *e, const struct type *args)
{
	const struct decl *d = args->decl;
	emit_line(e, "struct %s args = {};", args->name);
	if (!d->members.len)
		return false;
	emit_line(e, "/* --NAME=VALUE for each member NAME of struct %s; a bool is a flag */",
		  args->name);
	emit_line(e, "struct ks_option options[] = {");
	e->indent++;
	for (size_t i = 0; i < d->members.len; i++)
		emit_option(e, d->members.items[i]);
	e->indent--;
	emit_line(e, "};");
	return true;
}

static void emit_main(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	const struct type *args = args_type(cp);
	const char *skeleton = c_skeleton(e);
	if (cp->has_programs) {
		emit_line(e, "static void cleanup(void)");
		emit_line(e, "{");
		emit_line(e, "\tks_detach_all();");
		emit_line(e, "\t%s__destroy(skel);", skeleton);
		emit_line(e, "}");
		emit_line(e, "%s", "");
	}
	if (cp->consts.len) {
		/* main's own names (cli, options, .name, .max, ...) stay its own */
		emit_line(e, "/* The program's consts are macros for its functions (%s.h);", cp->name);
		emit_line(e, " * main() uses none of them. */");
		for (size_t i = 0; i < cp->consts.len; i++)
			emit_line(e, "#undef %s", ((const struct symbol *)cp->consts.items[i])->name);
		emit_line(e, "%s", "");
	}
	emit_line(e, "int main(int argc, char **argv)");
	emit_line(e, "{");
	e->indent++;
	bool about = emit_about(e);
	bool options = args && emit_parse_args(e, args);
	if (!about && !options && cp->has_programs) {
		emit_line(e, "struct ks_command_line cli = {};");
	} else {
		emit_line(e, "struct ks_command_line cli = {");
		if (about)
			emit_line(e, "\t.about = about,");
		if (options) {
			emit_line(e, "\t.options = options,");
			emit_line(e, "\t.nr_options = sizeof(options) / sizeof(options[0]),");
		}
		if (!cp->has_programs)
			emit_line(e, "\t.verbose_help = \"no effect: this program loads no eBPF\",");
		emit_line(e, "};");
	}
	emit_code(e, "\
	int status = ks_parse_command_line(&cli, argc, argv);\n\
	if (status != KS_RUN)\n\
		return status;	/* after --help, or a mistake */");
	bool pinned = false;
	for (size_t i = 0; i < cp->maps.len; i++)
		pinned |= ((const struct symbol *)cp->maps.items[i])->pinned;
	if (cp->has_programs) {
		emit_line(e, "ks_setup(cli.verbose);");
		if (pinned) {
			const char *dir = arena_printf(A, "/sys/fs/bpf/%s", cp->name);
			emit_code(e, "\
			/* pinned maps live in %1$s, shared with the next run */\n\
			if (ks_ensure_bpffs())\n\
				return 1;\n\
			if (mkdir(\"%1$s\", 0700) && errno != EEXIST) {\n\
				ks_fail(errno, \"create %1$s\");\n\
				return 1;\n\
			}\n\
			LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = \"%1$s\");\n\
			skel = %2$s__open_opts(&opts);", dir, skeleton);
		} else {
			emit_line(e, "skel = %s__open();", skeleton);
		}
		emit_code(e, "\
		if (!skel) {\n\
			ks_fail(errno, \"open BPF object\");\n\
			return 1;\n\
		}\n\
		atexit(cleanup);");
	}
	if (cp->main_fn)
		emit_line(e, "return ks_main(%s);", args ? "args" : "");
	else
		emit_line(e, "return 0;");
	e->indent--;
	emit_line(e, "}");
}

void emit_user_file(struct arena *a, struct diag *d, const struct checked_program *cp,
		    FILE *out)
{
	char *body = NULL;
	size_t body_len = 0;
	FILE *functions = open_memstream(&body, &body_len);
	struct emitter emitter = { .arena = a, .diag = d, .cp = cp, .out = functions };
	struct emitter *e = &emitter;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (fn->side == SIDE_USERSPACE && fn->decl->fn.body &&
		    (fn == cp->main_fn || emit_if_called(e, fn)))
			emit_user_function(e, fn);
	}
	emit_main(e);
	fclose(functions);

	e->out = out;
	emit_code(e, "\
	// SPDX-License-Identifier: GPL-2.0\n\
	/* Generated by kernelscript from %s.ks: the userspace side. */\n\
	#include <errno.h>\n\
	#include <limits.h>\n\
	#include <stdbool.h>\n\
	#include <stdint.h>\n\
	#include <stdio.h>\n\
	#include <stdlib.h>\n\
	#include <string.h>\n\
	#include <sys/stat.h>\n\
	#include <linux/types.h>\n\
	#include <bpf/bpf.h>\n\
	#include <bpf/libbpf.h>", cp->name);
	emit_line(e, "#include \"%s\"", cp->has_programs ? "ks_runtime.h" : "ks_options.h");
	emit_line(e, "#include \"%s.h\"", cp->name);
	if (cp->has_programs) {
		emit_line(e, "#include \"%s.skel.h\"", cp->name);
		emit_line(e, "%s", "");
		emit_line(e, "static struct %s *skel;", c_skeleton(e));
	} else {
		emit_globals(e);
	}
	emit_line(e, "%s", "");
	for (size_t i = 0; i < e->map_uses.len; i++)
		emit_user_accessors(e, e->map_uses.items[i]);
	if (cp->has_programs)
		emit_load_attach(e);
	/* Prototypes: functions may call each other in any order. */
	bool any = false;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (fn->side == SIDE_USERSPACE && fn->decl->fn.body &&
		    (fn == cp->main_fn || (fn->decl->sym && fn->decl->sym->used))) {
			emit_line(e, "static %s;", signature(e, fn));
			any = true;
		}
	}
	if (any)
		emit_line(e, "%s", "");
	fwrite(body, 1, body_len, out);
	free(body);
}
