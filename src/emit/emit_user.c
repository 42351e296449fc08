/* The emit stage: NAME.c, the userspace program.  It drives the eBPF side
 * through bpftool's skeleton (NAME.skel.h) and skeleton/ks_runtime.h. */
#include "emit_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "attach_targets.h"
#include "describe.h"
#include "prog_kinds.h"

/* ---- map accessors ---------------------------------------------------------- */

/* Every accessor goes through the runtime's ks_map_* functions: they make a
 * map usable before load() and end the program when an operation fails. */

/* Appends LEN bytes at P to OUT (N used of *CAP), doubling it as needed. */
static char *append(struct emitter *e, char *out, size_t *cap, size_t *n, const char *p,
		    size_t len)
{
	while (*n + len + 1 >= *cap) {
		char *bigger = arena_alloc(A, *cap * 2);
		memcpy(bigger, out, *n);
		out = bigger;
		*cap *= 2;
	}
	memcpy(out + *n, p, len);
	*n += len;
	return out;
}

/* TEXT, an accessor's C, with its parameters and locals written key,
 * value, values, ncpus, sum, cpu and operand renamed as the plan named
 * them (free of the program's types and of what the accessor calls). */
static const char *locals(struct emitter *e, const struct map_plan *mp, const char *text)
{
	static const char *const words[] = {
		"key", "value", "values", "ncpus", "sum", "cpu", "operand", NULL,
	};
	const char *names[] = {
		mp->key, mp->value, mp->values, mp->ncpus, mp->sum, mp->cpu, mp->operand,
	};
	size_t cap = strlen(text) * 2 + 64, n = 0;
	char *out = arena_alloc(A, cap);
	for (const char *p = text; *p;) {
		if (p > text && p[-1] == '$' && *p == 's') {	/* %1$s, then maybe a word */
			out = append(e, out, &cap, &n, p++, 1);
			if (!*p)
				break;
		}
		bool word_start = (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
						  p[-1] == '%' || p[-1] == '$') ||
				   (p - text >= 2 && p[-1] == 's' && p[-2] == '$'));
		size_t len = 0;
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		const char *with = NULL;
		for (size_t i = 0; word_start && len && words[i]; i++)
			if (strlen(words[i]) == len && !strncmp(words[i], p, len))
				with = names[i];
		if (with) {
			out = append(e, out, &cap, &n, with, strlen(with));
			p += len;
			continue;
		}
		size_t take = len ? len : 1;
		out = append(e, out, &cap, &n, p, take);
		p += take;
	}
	out[n] = '\0';
	return out;
}

/* The statements that add each integer of SRC, of type T, to DST's, at
 * INDENT tabs (emit_code's template indentation included): members one
 * by one, arrays in a loop.  Other values (bools,
 * chars, strings, enums) add nothing: DST keeps what it had. */
static const char *sum_leaves(struct emitter *e, const struct type *t, const char *dst,
			      const char *src, int indent, int depth)
{
	const char *tabs = arena_printf(A, "%.*s", indent, "\t\t\t\t\t\t\t\t\t\t\t\t");
	if (t->kind == TY_INT)
		return arena_printf(A, "%s%s += %s;\n", tabs, dst, src);
	if (t->kind == TY_STRUCT && !t->kernel && t->decl) {
		const char *text = "";
		for (size_t i = 0; i < t->decl->members.len; i++) {
			const struct member *m = t->decl->members.items[i];
			const char *name = m->c_name ? m->c_name : m->name;
			text = arena_printf(A, "%s%s", text,
					    sum_leaves(e, m->resolved, arena_printf(A, "%s.%s", dst, name),
						       arena_printf(A, "%s.%s", src, name), indent, depth));
		}
		return text;
	}
	if (t->kind == TY_ARRAY && t->len) {
		const char *i = arena_printf(A, "i%d", depth);
		const char *body = sum_leaves(e, t->elem, arena_printf(A, "%s[%s]", dst, i),
					      arena_printf(A, "%s[%s]", src, i), indent + 1, depth + 1);
		if (!*body)
			return "";
		return arena_printf(A, "%sfor (__u32 %s = 0; %s < %llu; %s++) {\n%s%s}\n", tabs, i, i,
				    (unsigned long long)t->len, i, body, tabs);
	}
	return "";
}

static const char *percpu_values(struct emitter *e, const struct map_plan *mp)
{
	return arena_printf(A, "struct { %s; } __attribute__((aligned(8))) %s[%s]",
			    c_decl(e, mp->map->type->value, mp->value), mp->values, mp->ncpus);
}

/* NAME_set, or NAME_replace (BPF_EXIST) where only an entry that is there
 * may change.  A per-CPU map's value goes to CPU 0 and 0 to the others, so
 * that the sum reads back as the value. */
static void emit_user_store(struct emitter *e, const struct map_plan *mp, bool replace)
{
	const char *m = mp->map->c_name, *skel = e->plan->skel;
	const struct type *t = mp->map->type;
	const char *key = c_key_type(e, mp->map), *value = c_type(e, t->value);
	const char *name = replace ? mp->replace : mp->set, *flag = replace ? "BPF_EXIST" : "BPF_ANY";
	if (c_is_array(t->value) && type_is_percpu_map(t))
		emit_code(e, locals(e, mp, "\
		/* CPU 0 gets the value, the others zeroes: the sums read back as it%6$s */\n\
		static void %4$s(%3$s key, const %1$svalue)\n\
		{\n\
			int ncpus = ks_map_cpus();\n\
			%7$s;\n\
			memset(values, 0, sizeof(values));\n\
			memcpy(values[0].value, value, sizeof(values[0].value));\n\
			ks_map_update(%8$s->maps.%2$s, &key, sizeof(key), values, sizeof(values), %5$s);\n\
		}\n\n"), c_type(e, type_pointer(A, t->value)), m, key, name, flag,
			  replace ? "; an absent entry stays absent" : "", percpu_values(e, mp), skel);
	else if (c_is_array(t->value))	/* the value is passed by its address */
		emit_code(e, locals(e, mp, "\
		%6$sstatic void %4$s(%3$s key, const %1$svalue)\n\
		{\n\
			ks_map_update(%7$s->maps.%2$s, &key, sizeof(key), value, sizeof(%8$s), %5$s);\n\
		}\n\n"), c_type(e, type_pointer(A, t->value)), m, key, name, flag,
			  replace ? "/* an absent entry stays absent */\n" : "", skel, value);
	else if (type_is_percpu_map(t))
		emit_code(e, locals(e, mp, "\
		/* CPU 0 gets the value, the others 0: the sum reads back as it%6$s */\n\
		static void %4$s(%3$s key, %1$s value)\n\
		{\n\
			int ncpus = ks_map_cpus();\n\
			%7$s;\n\
			memset(values, 0, sizeof(values));\n\
			values[0].value = value;\n\
			ks_map_update(%8$s->maps.%2$s, &key, sizeof(key), values, sizeof(values), %5$s);\n\
		}\n\n"), value, m, key, name, flag, replace ? "; an absent entry stays absent" : "",
			  percpu_values(e, mp), skel);
	else
		emit_code(e, locals(e, mp, "\
		%6$sstatic void %4$s(%3$s key, %1$s value)\n\
		{\n\
			ks_map_update(%7$s->maps.%2$s, &key, sizeof(key), &value, sizeof(value), %5$s);\n\
		}\n\n"), value, m, key, name, flag, replace ? "/* an absent entry stays absent */\n" : "",
			  skel);
}

/* Userspace reads a per-CPU map as the sum over CPUs, like bpftool shows
 * it summed; other maps read as the entry, 0 when absent. */
/* OLD op= operand for a map value of type T, as the language computes it
 * (division and shifts as plan_expr.c has them). */
static const char *user_operation(struct emitter *e, const struct type *t, enum binary_op op,
				  const char *old, const char *operand)
{
	const struct type *vt = t->kind == TY_INT && t->bits >= 32 ? t : &type_i32;
	if (op == BIN_DIV || op == BIN_MOD)
		return arena_printf(A, "%s(%s, %s)",
				    plan_find_helper(e->plan, C_USER, op == BIN_DIV ? HELPER_DIV : HELPER_MOD,
						     vt->bits, vt->is_signed), old, operand);
	if (op == BIN_SHL && vt->is_signed)
		return arena_printf(A, "(%s)((%s)%s << (%s & %u))", c_type(e, vt),
				    c_type(e, type_int(vt->bits, false)), old, operand, vt->bits - 1);
	if (op == BIN_SHL || op == BIN_SHR)
		return arena_printf(A, "%s %s (%s & %u)", old, binary_op_text(op), operand, vt->bits - 1);
	return arena_printf(A, "%s %s %s", old, binary_op_text(op), operand);
}

static void emit_user_accessors(struct emitter *e, const struct map_plan *mp)
{
	unsigned accessors = mp->accessors[C_USER], ops = mp->ops[C_USER];
	if (!accessors)
		return;
	/* the map as the skeleton names it: skel->maps.NAME */
	const char *m = arena_printf(A, "%s->maps.%s", e->plan->skel, mp->map->c_name);
	const struct type *t = mp->map->type;
	const char *key = c_key_type(e, mp->map), *value = c_type(e, t->value);
	bool percpu = type_is_percpu_map(t);
	if (percpu && (accessors & (ACC_GET | ACC_OP)))
		accessors |= ACC_FIND;	/* the sum is NAME_find's */
	bool whole = percpu && !type_is_integer(t->value);	/* a struct, an array... */
	if ((accessors & ACC_FIND) && whole)
		emit_code(e, locals(e, mp, "\
		/* %6$s[key] into value: CPU 0's, with each integer in it summed over\n\
		 * all CPUs; whether the key is there */\n\
		static bool %5$s(%3$s key, %1$svalue)\n\
		{\n\
			int ncpus = ks_map_cpus();\n\
			%4$s;\n\
			memset(value, 0, sizeof(%7$s));\n\
			if (!ks_map_lookup(%2$s, &key, sizeof(key), values, sizeof(values)))\n\
				return false;\n\
			memcpy(value, &values[0].value, sizeof(%7$s));\n\
			for (int cpu = 1; cpu < ncpus; cpu++) {\n\
%8$s\
			}\n\
			return true;\n\
		}\n\n"), c_is_array(t->value) ? c_type(e, type_pointer(A, t->value))
				 : arena_printf(A, "%s *", value), m, key, percpu_values(e, mp), mp->find,
			  mp->map->c_name, value,
			  sum_leaves(e, t->value, c_is_array(t->value) ? mp->value
				     : arena_printf(A, "(*%s)", mp->value),
				     arena_printf(A, "%s[%s].%s", mp->values, mp->cpu, mp->value), 4, 0));
	else if ((accessors & ACC_FIND) && percpu)
		emit_code(e, locals(e, mp, "\
		/* %6$s[key] into *value, the sum over all CPUs: whether the key is there */\n\
		static bool %5$s(%3$s key, %1$s *value)\n\
		{\n\
			int ncpus = ks_map_cpus();\n\
			%4$s;\n\
			*value = 0;\n\
			if (!ks_map_lookup(%2$s, &key, sizeof(key), values, sizeof(values)))\n\
				return false;\n\
			for (int cpu = 0; cpu < ncpus; cpu++)\n\
				*value += values[cpu].value;\n\
			return true;\n\
		}\n\n"), value, m, key, percpu_values(e, mp), mp->find, mp->map->c_name);
	else if ((accessors & ACC_FIND) && c_is_array(t->value))
		emit_code(e, locals(e, mp, "\
		/* %5$s[key] into value, zeroes when absent: whether the key is there */\n\
		static bool %4$s(%3$s key, %1$svalue)\n\
		{\n\
			return ks_map_lookup(%2$s, &key, sizeof(key), value, sizeof(%6$s));\n\
		}\n\n"), c_type(e, type_pointer(A, t->value)), m, key, mp->find, mp->map->c_name,
			  value);
	else if (accessors & ACC_FIND)
		emit_code(e, locals(e, mp, "\
		/* %5$s[key] into *value, zero when absent: whether the key is there */\n\
		static bool %4$s(%3$s key, %1$s *value)\n\
		{\n\
			return ks_map_lookup(%2$s, &key, sizeof(key), value, sizeof(*value));\n\
		}\n\n"), value, m, key, mp->find, mp->map->c_name);
	if ((accessors & ACC_GET) && whole && c_is_array(t->value))	/* C returns no arrays */
		emit_code(e, locals(e, mp, "\
		/* %2$s[key] into value: its sums over all CPUs, zeroes when absent */\n\
		static %1$s%4$s(%3$s key, %1$svalue)\n\
		{\n\
			%5$s(key, value);\n\
			return value;\n\
		}\n\n"), c_type(e, type_pointer(A, t->value)), mp->map->c_name, key, mp->get,
			  mp->find);
	else if ((accessors & (ACC_GET | ACC_OP)) && percpu)
		emit_code(e, locals(e, mp, "\
		/* %2$s[key]: the sum over all CPUs, 0 when absent */\n\
		static %1$s %4$s(%3$s key)\n\
		{\n\
			%1$s sum;\n\
			%5$s(key, &sum);\n\
			return sum;\n\
		}\n\n"), value, mp->map->c_name, key, mp->get, mp->find);
	else if ((accessors & ACC_GET) && c_is_array(t->value))	/* C returns no arrays */
		emit_code(e, locals(e, mp, "\
		/* %5$s[key] into value, zeroes when the key is absent */\n\
		static %1$s%4$s(%3$s key, %1$svalue)\n\
		{\n\
			ks_map_lookup(%2$s, &key, sizeof(key), value, sizeof(%6$s));\n\
			return value;\n\
		}\n\n"), c_type(e, type_pointer(A, t->value)), m, key, mp->get, mp->map->c_name,
			  value);
	else if (accessors & (ACC_GET | ACC_OP))
		emit_code(e, locals(e, mp, "\
		/* %5$s[key]: 0 when the key is absent */\n\
		static %1$s %4$s(%3$s key)\n\
		{\n\
			%1$s value;\n\
			ks_map_lookup(%2$s, &key, sizeof(key), &value, sizeof(value));\n\
			return value;\n\
		}\n\n"), value, m, key, mp->get, mp->map->c_name);
	if ((accessors & ACC_LOOKUP) && percpu)
		emit_code(e, locals(e, mp, "\
		/* whether %5$s has key */\n\
		static bool %4$s(%2$s key)\n\
		{\n\
			int ncpus = ks_map_cpus();\n\
			%3$s;\n\
			return ks_map_lookup(%1$s, &key, sizeof(key), values, sizeof(values));\n\
		}\n\n"), m, key, percpu_values(e, mp), mp->lookup, mp->map->c_name);
	else if (accessors & ACC_LOOKUP)
		emit_code(e, locals(e, mp, "\
		/* whether %5$s has key */\n\
		static bool %4$s(%2$s key)\n\
		{\n\
			%3$s;\n\
			return ks_map_lookup(%1$s, &key, sizeof(key), &value, sizeof(value));\n\
		}\n\n"), m, key, c_decl(e, t->value, mp->value), mp->lookup, mp->map->c_name);
	if (accessors & (ACC_SET | ACC_OP))
		emit_user_store(e, mp, false);
	if (accessors & ACC_REPLACE)
		emit_user_store(e, mp, true);
	if (accessors & ACC_DELETE)
		emit_code(e, locals(e, mp, "\
		static void %3$s(%2$s key)\n\
		{\n\
			ks_map_delete(%1$s, &key, sizeof(key));\n\
		}\n\n"), m, key, mp->delete);
	for (enum binary_op op = BIN_ADD; op <= BIN_SHR; op++)
		if (ops & (1u << op))
			emit_code(e, locals(e, mp, "\
			static void %1$s(%2$s key, %3$s operand)\n\
			{\n\
				%4$s(key, %5$s);\n\
			}\n\n"), mp->op[op], key, value, mp->set,
				  user_operation(e, t->value, op, arena_printf(A, "%s(%s)", mp->get, mp->key),
						 mp->operand));
}

/* for (k, v) in m: over the keys m holds when the loop begins, each once,
 * skipping those deleted since (by the body, or by the eBPF side). */
void emit_for_each(struct emitter *e, const struct stmt *s)
{
	const struct symbol *map = emit_map_symbol(e, s->for_.iterable->sym);
	if (e->bpf || !map || map->kind != SYM_MAP) {
		emit_unsupported(e, s->span, "this 'for (k, v) in' loop");
		return;
	}
	const char *k = s->sym->c_name, *v = s->sym2->c_name;
	const char *m = map->c_name, *keys = s->c_temp;
	emit_line(e, "{");
	e->indent++;
	emit_line(e, "struct ks_keys %s __attribute__((cleanup(ks_keys_free))) = ks_map_keys(%s->maps.%s);",
		  keys, e->plan->skel, m);
	emit_line(e, "%s;", c_decl(e, map->type->key, k));
	emit_line(e, "while (ks_keys_next(&%s, &%s)) {", keys, k);
	e->indent++;
	emit_line(e, "%s;", c_decl(e, map->type->value, v));
	const char *key_struct = plan_key_struct(e->plan, map->type->key);
	emit_line(e, "if (!%s(%s%s, %s))", plan_map(e->plan, map)->find,
		  key_struct ? arena_printf(A, "*(const struct %s *)", key_struct) : "", k,
		  c_address(e, map->type->value, v));
	emit_line(e, "\tcontinue;	/* deleted since the loop began */");
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
	const char *skeleton = e->plan->skeleton;
	/* load() is called by main (or the main of programs that attach by
	   themselves), or by test() */
	if (!(cp->builtins_used & ((1u << BUILTIN_LOAD) | (1u << BUILTIN_REGISTER))) &&
	    !(cp->test_runner && cp->calls_test))
		goto attach;
	emit_code(e, "\
	/* load(): the first call loads the whole object, every program in it. */\n\
	static struct bpf_program *%1$s(struct bpf_program *prog)\n\
	{\n\
		static bool loaded;\n\
		if (!loaded) {", e->plan->load_program);
	e->indent += 2;
	for (size_t i = 0; i < cp->impls.len; i++) {
		/* a struct_ops type the compiler's BTF lacked: does this kernel have it? */
		const struct impl_info *impl = cp->impls.items[i];
		if (!impl->ops_declared)
			continue;
		emit_line(e, "if (!ks_kernel_has_struct_ops(\"%s\", \"%s\"))", impl->ops,
			  impl->decl->name);
		emit_line(e, "\texit(1);");
	}
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (!fn->c_probe_body)
			continue;
		const char *progs = arena_printf(A, "%s->progs", e->plan->skel);
		emit_line(e, "ks_pick_probe_form(%s.%s, %s%s%s, \"%s\");", progs,
			  fn->decl->sym->c_name, fn->c_probe_twin ? progs : "NULL",
			  fn->c_probe_twin ? "." : "", fn->c_probe_twin ? fn->c_probe_twin : "",
			  fn->target);
	}
	emit_line(e, "int err = %s__load(%s);", skeleton, e->plan->skel);
	emit_code(e, "\
	if (err) {\n\
		ks_fail(err, \"load BPF object\");\n\
		exit(1);\n\
	}\n\
	loaded = true;");
	if (!cp->test_runner)	/* the version is recorded, its maps pinned */
		emit_line(e, "ks_state_loaded();");
	e->indent -= 2;
	emit_line(e, "\t}");
	emit_line(e, "\treturn prog;");
	emit_line(e, "}");
attach:
	if (!cp->attaches_to_targets)
		return;
	emit_line(e, "/* attach(): each program to the kind of target its attribute names. */");
	emit_line(e, "static int %s(struct bpf_program *prog, const char *target, __u32 flags)",
		  e->plan->attach_program);
	emit_line(e, "{");
	bool flags_used = false;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (fn->side != SIDE_PROGRAM)
			continue;
		emit_line(e, "\tif (prog == %s->progs.%s)", e->plan->skel, fn->decl->sym->c_name);
		const struct prog_kind_info *kind = prog_kind_of(fn);
		if (!kind || !kind->attach) {
			emit_line(e, "\t\treturn -EOPNOTSUPP;");
		} else if (kind->attach_perf) {
			emit_line(e, "\t\treturn -EINVAL;	/* attached with perf_options instead */");
		} else if (fn->c_probe_body) {	/* fentry, or its kprobe twin */
			const char *twin = fn->c_probe_twin
				? arena_printf(A, "%s->progs.%s", e->plan->skel, fn->c_probe_twin) : "NULL";
			emit_line(e, "\t\treturn ks_attach_probe(prog, %s, target, \"%s\");", twin,
				  fn->target);
		} else {
			const char *ingress = !kind->attach_direction ? ""
				: !strcmp(fn->target, kind->directions[0]) ? ", true" : ", false";
			emit_line(e, "\t\treturn %s(prog, target%s%s);", kind->attach, ingress,
				  kind->attach_flags ? ", flags" : "");
			flags_used = flags_used || kind->attach_flags;
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

/* The runner of compile --test calls the @test functions, not main. */
static const char *storage(const struct emitter *e, const struct function_info *fn)
{
	return fn == e->cp->main_fn && e->cp->test_runner ? "static __attribute__((unused)) "
							  : "static ";
}

static void emit_prototype(struct emitter *e, const struct function_info *fn)
{
	emit_line(e, "%s%s;", storage(e, fn), emit_signature(e, fn));
}

static void emit_user_function(struct emitter *e, const struct function_info *fn)
{
	const struct decl *d = fn->decl;
	e->fn = fn;
	emit_origin(e, fn);
	emit_line(e, "%s%s", storage(e, fn), emit_signature(e, fn));
	emit_line(e, "{");
	e->indent++;
	emit_function_body(e, fn);
	const struct stmt *last = d->fn.body->block.len
		? d->fn.body->block.items[d->fn.body->block.len - 1] : NULL;
	if (fn == e->cp->main_fn && (!last || last->kind != STMT_RETURN) && !d->fn.ret_name &&
	    !fn->c_out)
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
	const char *member = m->c_name;
	const char *help = describe_span(A, m->span);
	const char *kind, *value = NULL, *detail = "";
	if (t->kind == TY_BOOL) {
		kind = "KS_OPT_FLAG";
	} else if (t->kind == TY_STR) {
		/* what attach() takes it for, as the attached program's kind says */
		const struct attach_target *what = attach_target_of(e->cp, m->name);
		kind = "KS_OPT_TEXT";
		value = what ? what->value : "TEXT";
		if (what)
			detail = arena_printf(A, " .target = %s,", what->ks_target);
		if (!help && what)
			help = what->help;
	} else if (type_is_integer(t)) {
		kind = "KS_OPT_NUMBER";
		value = "NUMBER";
		/* the member's C type: a char is char, an enum an int */
		unsigned bits = t->kind == TY_INT ? t->bits : 32;
		bool is_signed = t->kind == TY_INT ? t->is_signed : true;
		detail = t->kind == TY_CHAR ? " .min = CHAR_MIN, .max = CHAR_MAX,"
			: is_signed ? arena_printf(A, " .min = INT%u_MIN, .max = INT%u_MAX,", bits, bits)
			: arena_printf(A, " .min = 0, .max = UINT%u_MAX,", bits);
	} else if (t->kind == TY_ARRAY && type_is_integer(t->elem)) {	/* --NAME=1,2,3 */
		kind = "KS_OPT_LIST";
		value = "NUMBER,...";
		const struct type *el = t->elem;
		unsigned bits = el->kind == TY_INT ? el->bits : 32;
		bool is_signed = el->kind == TY_INT ? el->is_signed : true;
		detail = is_signed ? arena_printf(A, " .min = INT%u_MIN, .max = INT%u_MAX,", bits, bits)
			: arena_printf(A, " .min = 0, .max = UINT%u_MAX,", bits);
		detail = arena_printf(A, "%s .count = %llu,", detail, (unsigned long long)t->len);
	} else {
		emit_unsupported(e, m->span, "a command-line option of this type");	/* check's */
		return;
	}
	emit_line(e, "{");
	e->indent++;
	emit_line(e, ".name = \"%s\",%s%s%s", m->name, value ? " .value = \"" : "",
		  value ? value : "", value ? "\"," : "");
	if (help)
		emit_help(e, help);
	emit_line(e, ".kind = %s,%s", kind, detail);
	if (t->kind == TY_ARRAY)	/* the size of one number */
		emit_line(e, ".place = args.%s, .size = sizeof(args.%s[0]),", member, member);
	else
		emit_line(e, ".place = %sargs.%s, .size = sizeof(args.%s),",
			  t->kind == TY_STR ? "" : "&", member, member);
	e->indent--;
	emit_line(e, "},");
}

/* The struct main takes, and the table of its options; whether there are
 * any. */
static bool emit_parse_args(struct emitter *e, const struct type *args)
{
	const struct decl *d = args->decl;
	emit_line(e, "%s = {};", c_decl(e, args, "args"));
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

/* After the skeleton is opened: the maps userspace uses work before load()
 * too (ks_map), made with the object's types; the pinned globals are the
 * pinned map's from the start. */
static void emit_map_setup(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	if (plan_uses_maps(e->plan, C_USER))
		emit_line(e, "ks_use_object(%s->obj);", e->plan->skel);
	if (!has_pinned_globals(cp))
		return;
	const char *path = arena_printf(A, "/sys/fs/bpf/%s/globals/pinned_globals", cp->name);
	emit_line(e, "/* pin var globals: kept in %s across runs */", path);
	emit_line(e, "if (ks_pin_globals(%s, \"%s\"))", pinned_globals_map(e), path);
	emit_line(e, "\treturn 1;");
}

/* ---- the test runner (compile --test) ------------------------------------ */

/* Each @test function as the runner calls it: its verdict, 0 passes. */
static void emit_test_calls(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	emit_line(e, "/* the @test functions as the runner calls them: 0 passes */");
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (!fn->c_test_run)
			continue;
		bool verdict = fn->type && fn->type->ret->kind != TY_VOID;
		emit_line(e, "static int %s(void)", fn->c_test_run);
		emit_line(e, "{");
		if (verdict) {
			emit_line(e, "\treturn %s() != 0;", c_name(fn->decl->sym));
		} else {
			emit_line(e, "\t%s();", c_name(fn->decl->sym));
			emit_line(e, "\treturn 0;");
		}
		emit_line(e, "}");
		emit_line(e, "%s", "");
	}
}

/* The end of the runner's main: the table of tests, run in order. */
static void emit_run_tests(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	emit_line(e, "static const struct ks_test tests[] = {");
	size_t n = 0;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		if (fn->c_test_run) {
			emit_line(e, "\t{ \"%s\", %s },", fn->decl->name, fn->c_test_run);
			n++;
		}
	}
	if (!n)
		emit_line(e, "\t{ NULL, NULL },\t/* none */");
	emit_line(e, "};");
	emit_line(e, "return ks_run_tests(tests, %zu, cli.test_filter);", n);
}

static void emit_main(struct emitter *e)
{
	const struct checked_program *cp = e->cp;
	bool runner = cp->test_runner;
	const struct type *args = runner ? NULL : args_type(cp);
	const char *skeleton = e->plan->skeleton;
	const char *skel = e->plan->skel;
	if (cp->has_programs)
		emit_code(e, "\
		static void %1$s(void)\n\
		{\n\
			ks_detach_all();\n\
			%2$s__destroy(%3$s);\n\
		}\n", e->plan->cleanup, skeleton, skel);
	emit_line(e, "int main(int argc, char **argv)");
	emit_line(e, "{");
	e->indent++;
	bool about = runner ? false : emit_about(e);
	if (runner)
		emit_line(e, "static const char about[] = \"Runs the @test functions of %s.ks, each "
			  "on the programs it tests in the running kernel (BPF_PROG_TEST_RUN).\\n\";",
			  cp->name);
	about |= runner;
	bool options = args && emit_parse_args(e, args);
	/* the kernel module, when a program calls its kfuncs */
	const struct module_plan *module = e->plan->module && e->plan->module->prog_types.len
					   ? e->plan->module : NULL;
	/* every program with an eBPF side has a state (ks_state.h): --upgrade,
	   --status, --rollback; and so something to set here */
	bool state = cp->has_programs && !runner;
	emit_line(e, "struct ks_command_line cli = {");
	if (about)
		emit_line(e, "\t.about = about,");
	if (module)
		emit_line(e, "\t.kfunc_module = \"%s\",", module->name);
	if (cp->direct_attach)
		emit_line(e, "\t.direct_attach = true,");
	if (runner)
		emit_line(e, "\t.tests = true,");
	if (state)
		emit_line(e, "\t.state_name = \"%s\", .source_hash = %#018llxULL,", cp->name,
			  (unsigned long long)source_hash(cp->main->src));
	if (options) {
		emit_line(e, "\t.options = options,");
		emit_line(e, "\t.nr_options = sizeof(options) / sizeof(options[0]),");
	}
	if (!cp->has_programs)
		emit_line(e, "\t.verbose_help = \"no effect: this program loads no eBPF\",");
	emit_line(e, "};");
	emit_code(e, "\
	int status = ks_parse_command_line(&cli, argc, argv);\n\
	if (status != KS_RUN)\n\
		return status;	/* after --help, or a mistake */");
	bool pinned = false;
	for (size_t i = 0; i < cp->maps.len; i++)
		pinned |= ((const struct symbol *)cp->maps.items[i])->pinned;
	if (cp->has_programs) {
		emit_line(e, "ks_setup(cli.verbose);");
		if (state)
			emit_code(e, "\
			if (cli.status || cli.rollback)\n\
				return ks_state_command(&cli);");
		if (module)
			emit_code(e, "\
			/* the kfuncs' kernel module, before the programs that call them */\n\
			if (ks_load_kfunc_module(\"%s\", cli.kfunc_module_path))\n\
				return 1;", module->name);
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
			%3$s = %2$s__open_opts(&opts);", dir, skeleton, skel);
		} else {
			emit_line(e, "%s = %s__open();", skel, skeleton);
		}
		emit_code(e, "\
		if (!%1$s) {\n\
			ks_fail(errno, \"open BPF object\");\n\
			return 1;\n\
		}\n\
		atexit(%2$s);", skel, e->plan->cleanup);
		if (state)
			emit_code(e, "\
			/* the running version's state, in /sys/fs/bpf/%1$s/run-state */\n\
			if (ks_state_start(%2$s->obj, &cli))\n\
				return 1;", cp->name, skel);
		emit_map_setup(e);
	}
	if (runner)
		emit_run_tests(e);
	else if (cp->main_fn)
		emit_line(e, "return %s(%s);", e->plan->main_fn, args ? "args" : "");
	else if (cp->direct_attach)
		emit_direct_attach(e);
	else
		emit_line(e, "return 0;");
	e->indent--;
	emit_line(e, "}");
}

void emit_user_file(struct arena *a, struct diag *d, const struct plan *plan, FILE *out)
{
	const struct checked_program *cp = plan->cp;
	struct emitter emitter = { .arena = a, .diag = d, .cp = cp, .plan = plan, .out = out,
				   .side = C_USER };
	struct emitter *e = &emitter;
	emit_code(e, "\
	// SPDX-License-Identifier: GPL-2.0\n\
	/* Generated by kernelscript from %s.ks: the userspace side. */", cp->name);
	if (emit_uses_python(cp))	/* Python.h comes before any other header */
		emit_line(e, "#include \"ks_python.h\"");
	emit_code(e, "\
	#include <errno.h>\n\
	#include <limits.h>\n\
	#include <stdbool.h>\n\
	#include <stdint.h>\n\
	#include <stdio.h>\n\
	#include <stdlib.h>\n\
	#include <string.h>");
	if (plan_pins_maps(plan))
		emit_line(e, "#include <sys/stat.h>");
	emit_code(e, "\
	#include <linux/types.h>\n\
	#include <bpf/bpf.h>\n\
	#include <bpf/libbpf.h>");
	emit_line(e, "#include \"%s\"", cp->has_programs ? "ks_runtime.h" : "ks_options.h");
	if (emit_uses_exec(cp))
		emit_line(e, "#include \"ks_exec.h\"");
	emit_line(e, "#include \"%s\"", plan->header);
	if (emit_uses_python(cp)) {
		emit_line(e, "%s", "");
		emit_python_modules(e);
	}
	if (cp->has_programs) {
		emit_line(e, "#include \"%s.skel.h\"", cp->name);
		emit_line(e, "%s", "");
		emit_line(e, "static struct %s *%s;", e->plan->skeleton, e->plan->skel);
	} else {
		emit_globals(e);
	}
	emit_kernel_macros(e);
	emit_line(e, "%s", "");
	emit_helpers(e);
	emit_error_struct(e);
	emit_result_structs(e);
	for (size_t i = 0; i < plan->maps.len; i++)
		emit_user_accessors(e, plan->maps.items[i]);
	if (cp->has_programs)
		emit_load_attach(e);
	/* Prototypes: functions may call each other in any order. */
	bool any = false;
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		bool test = fn->side == SIDE_TEST && cp->test_runner;
		const struct symbol *sym = fn->decl->sym;
		if ((fn->side == SIDE_USERSPACE || test) && fn->decl->fn.body &&
		    (fn == cp->main_fn || test || (sym && sym->used &&
						   (!sym->used_by_tests_only || cp->test_runner)))) {
			emit_each_copy(e, fn, emit_prototype);
			any = true;
		}
	}
	if (any)
		emit_line(e, "%s", "");
	emit_ringbuf_adapters(e);
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		bool test = fn->side == SIDE_TEST && cp->test_runner;
		if ((fn->side == SIDE_USERSPACE || test) && fn->decl->fn.body &&
		    (fn == cp->main_fn || test || emit_if_called(e, fn)))
			emit_each_copy(e, fn, emit_user_function);
	}
	if (cp->test_runner)
		emit_test_calls(e);
	emit_main(e);
}
