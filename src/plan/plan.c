/* The plan stage: the whole program's C names.
 *
 * Each C file has two namespaces: everything declared at file scope
 * (file), and the part of it that a local cannot hide without breaking
 * the generated code (visible: keywords, macros, the runtime's and the
 * program's own file-scope names).  NAME.h, included by both files, takes
 * its names in both.  The program's names are given first, in the order
 * of their declarations, so they keep their spelling wherever C allows it;
 * the names the generated code adds come after and yield to them.  Inside
 * a function, every C block has a namespace of its own, chained to the
 * blocks around it: a local never hides another local, nor a file-scope
 * name its function uses. */
#include "plan_internal.h"

#include <string.h>

#include "prog_kinds.h"

struct planner {
	struct arena *arena;
	struct plan *plan;
	struct checked_program *cp;
	struct names *tags;		/* struct, union and enum names, both files */
	struct names **file;		/* plan->file, by enum c_side */
	struct names **visible;		/* plan->visible */
	struct names *members;		/* what a struct member cannot be named */
	struct names *block;		/* while naming a function's locals */
	enum c_side side;		/* ... and which file it is in */
	/* naming an imported module's declarations: the import's name, put
	   before theirs (NULL: the program's own) */
	const char *prefix;
};

#define A (p->arena)

/* ---- file scope --------------------------------------------------------- */

/* A file-scope name of one side. */
static const char *claim_file(struct planner *p, enum c_side side, const char *want)
{
	return names_claim_in(p->file[side], p->visible[side], want);
}

/* The files that include NAME.h: the eBPF side, the loader, and the
 * kernel module when there is one. */
static int shared_sides(const struct planner *p)
{
	return p->plan->module ? C_MODULE + 1 : C_USER + 1;
}

/* A name of NAME.h: free in every file that includes it. */
static const char *claim_shared(struct planner *p, const char *want)
{
	const char *name = names_claim_all(p->file, (size_t)shared_sides(p), want);
	for (int side = C_BPF; side < shared_sides(p); side++)
		names_take(p->visible[side], name);
	return name;
}

static void take_shared(struct planner *p, const char *name)
{
	for (int side = C_BPF; side < shared_sides(p); side++) {
		names_take(p->file[side], name);
		names_take(p->visible[side], name);
	}
}

bool plan_generates(const struct checked_program *cp, const struct function_info *fn)
{
	if (!fn->decl->fn.body || (fn->side == SIDE_TEST && !cp->test_runner))
		return false;
	if (fn->side == SIDE_TEST)
		return true;	/* the runner calls it */
	/* a kfunc is the module's interface: there, called or not */
	return fn->side == SIDE_PROGRAM || fn->side == SIDE_KFUNC || fn->prog == PROG_STRUCT_OPS ||
	       fn == cp->main_fn || (fn->decl->sym && fn->decl->sym->used);
}

enum c_side plan_function_side(const struct function_info *fn)
{
	if (fn->side == SIDE_KFUNC || fn->side == SIDE_PRIVATE)
		return C_MODULE;
	return side_is_bpf(fn->side) ? C_BPF : C_USER;
}

#define function_side plan_function_side

/* The side that defines the maps, globals and configs: the eBPF object
 * when there is one, otherwise the loader itself. */
static enum c_side data_side(const struct planner *p)
{
	return p->cp->has_programs ? C_BPF : C_USER;
}

/* The members of the program's own struct or config D: a member named
 * like a C keyword or a macro would not build.  A struct's padding
 * becomes members too (T, when D is a struct): a struct value then has
 * no byte C leaves undefined, and a key with padding matches itself. */
static void name_members(struct planner *p, struct decl *d, struct type *t)
{
	struct names *members = names_new(A, p->members);
	for (size_t i = 0; i < d->members.len; i++) {
		struct member *m = d->members.items[i];
		m->c_name = names_claim(members, m->name);
	}
	if (!t)
		return;
	uint64_t offset = 0;
	unsigned pads = 0;
	for (size_t i = 0; i < d->members.len; i++) {
		struct member *m = d->members.items[i];
		if (!m->resolved || !type_align(m->resolved))
			return;
		uint64_t align = type_align(m->resolved);
		uint64_t at = (offset + align - 1) / align * align;
		if (at > offset) {
			m->c_pad = at - offset;
			m->c_pad_name = names_claim(members, arena_printf(A, "pad%u", ++pads));
		}
		offset = at + type_size(m->resolved);
	}
	if (type_size(t) > offset) {
		t->c_tail_pad = type_size(t) - offset;
		t->c_tail_pad_name = names_claim(members, arena_printf(A, "pad%u", ++pads));
	}
}

/* The C name a file-scope declaration asks for: its own, or in an
 * imported module its own after the import's. */
static const char *wanted(const struct planner *p, const char *name)
{
	return p->prefix ? arena_printf(A, "%s_%s", p->prefix, name) : name;
}

static void name_type(struct planner *p, struct symbol *sym)
{
	struct type *t = (struct type *)sym->type;
	switch (sym->kind) {
	case SYM_STRUCT:
	case SYM_ENUM:
		if (t->kernel) {
			sym->c_name = sym->name;
			break;
		}
		t->c_name = names_claim(p->tags, wanted(p, sym->name));
		sym->c_name = t->c_name;
		if (sym->kind != SYM_ENUM) {
			name_members(p, sym->decl, t);
			break;
		}
		for (size_t i = 0; i < sym->decl->members.len; i++) {
			struct member *m = sym->decl->members.items[i];
			if (m->sym) {
				m->sym->c_name = claim_shared(p, wanted(p, m->name));
				m->sym->c_module = p->prefix;
			}
		}
		break;
	case SYM_TYPE_ALIAS:
		sym->c_name = claim_shared(p, wanted(p, sym->name));
		break;
	default:
		break;
	}
}

static void name_function(struct planner *p, struct function_info *fn)
{
	struct symbol *sym = fn->decl->sym;
	if (!sym || fn == p->cp->main_fn)
		return;
	if (fn->side == SIDE_KFUNC) {
		/* libbpf finds it by its name: the module's and the eBPF side's
		   extern; taken already, it gets another, which emit reports */
		sym->c_name = names_claim_in(p->file[C_MODULE], p->file[C_BPF], sym->name);
		names_take(p->visible[C_BPF], sym->c_name);
		vec_push(A, &p->plan->module->kfuncs, fn);
		return;
	}
	sym->c_name = claim_file(p, function_side(fn), wanted(p, sym->name));
	const struct type *ret = fn->type ? fn->type->ret : NULL;
	if (ret && (ret->kind == TY_STR || ret->kind == TY_ARRAY))
		fn->c_returns = names_claim(p->tags, arena_printf(A, "%s_result", sym->c_name));
}

/* A map's name: free among the skeleton's own members of skel->maps
 * (its data sections' maps) too. */
static const char *claim_map(struct planner *p, const char *want)
{
	static const char *const internal[] = {
		"bss", "data", "rodata", "kconfig", "data_pinned", NULL,
	};
	const char *name = want;
	for (unsigned i = 1;; i++) {
		bool free = !names_taken(p->file[C_BPF], name);
		for (const char *const *m = internal; *m && free; m++)
			free = strcmp(*m, name) != 0;
		if (free)
			break;
		name = i == 1 ? arena_printf(A, "%s_", want) : arena_printf(A, "%s_%u", want, i);
	}
	return claim_file(p, C_BPF, name);
}

/* Every name the program (or module) CP declares at file scope, in
 * declaration order. */
static void name_declarations(struct planner *p, struct checked_program *cp)
{
	for (size_t i = 0; i < cp->decls.len; i++) {
		struct decl *d = cp->decls.items[i];
		struct symbol *sym = d->sym;
		if (!sym)
			continue;
		sym->c_module = p->prefix;
		switch (d->kind) {
		case DECL_STRUCT:
		case DECL_ENUM:
		case DECL_TYPE:
			name_type(p, sym);
			break;
		case DECL_CONST:
			sym->c_name = claim_shared(p, wanted(p, sym->name));
			break;
		case DECL_MAP:
			sym->c_name = claim_map(p, sym->name);
			break;
		case DECL_VAR:
			sym->c_name = claim_file(p, data_side(p), sym->name);
			break;
		case DECL_CONFIG:
			sym->c_name = claim_file(p, data_side(p), sym->name);
			sym->c_struct = names_claim(p->tags, arena_printf(A, "%s_config", sym->name));
			((struct type *)sym->type)->c_name = sym->c_struct;
			name_members(p, d, NULL);
			break;
		case DECL_EXTERN:
			/* a kfunc keeps the kernel's name: libbpf finds it by that */
			sym->c_name = sym->name;
			names_take(p->file[C_BPF], sym->name);
			names_take(p->visible[C_BPF], sym->name);
			break;
		case DECL_FN:
			if (sym->fn)
				name_function(p, sym->fn);
			break;
		case DECL_IMPORT:	/* a Python module: the loader's handle of it */
			if (sym->module && sym->module->python)
				sym->c_name = claim_file(p, C_USER, wanted(p, sym->name));
			break;
		case DECL_IMPL:
			/* the struct_ops map; each function as the impl's others
			   call it, and the program the kernel calls */
			sym->c_name = claim_map(p, sym->name);
			for (size_t j = 0; sym->impl && j < sym->impl->functions.len; j++) {
				struct function_info *fn = sym->impl->functions.items[j];
				fn->decl->sym = fn->decl->sym ? fn->decl->sym : sym;
				fn->decl->sym->c_name = claim_file(p, C_BPF, fn->decl->name);
				fn->c_name = claim_file(p, C_BPF, arena_printf(A, "%s_%s", sym->c_name,
									     fn->decl->name));
			}
			p->plan->bpf_tracing = true;	/* BPF_PROG */
			break;
		default:
			break;
		}
	}
}

/* ---- imported modules ----------------------------------------------------- */

/* A built-in type of a module (the prelude's, as every file has them) is
 * the program's own: the module's symbol takes the program's C name, and
 * the program's declaration is then used. */
static void share_builtin_type(struct planner *p, struct symbol *sym)
{
	for (size_t i = 0; i < p->cp->types.len; i++) {
		struct symbol *own = p->cp->types.items[i];
		if (own->kind != sym->kind || strcmp(own->name, sym->name) ||
		    strcmp(own->decl->span.src->name, PRELUDE_NAME))
			continue;
		own->used = own->used || sym->used;
		sym->c_name = own->c_name;
		((struct type *)sym->type)->c_name = own->type->c_name;
		for (size_t j = 0; sym->kind == SYM_ENUM && j < sym->decl->members.len; j++) {
			struct member *m = sym->decl->members.items[j];
			const struct member *o = own->decl->members.items[j];
			if (m->sym && o->sym) {
				m->sym->c_name = o->sym->c_name;
				o->sym->used = o->sym->used || m->sym->used;
			}
		}
		return;
	}
}

/* The imported KernelScript modules of CP become part of the program's C:
 * their functions that something calls, their types and constants, named
 * after the import (checksum.fold is checksum_fold) after the program's
 * own names, which keep theirs.  A module's own imports come first. */
static void merge_modules(struct planner *p, struct checked_program *cp)
{
	for (size_t i = 0; i < cp->decls.len; i++) {
		const struct decl *d = cp->decls.items[i];
		const struct module *m = d->kind == DECL_IMPORT && d->sym ? d->sym->module : NULL;
		if (!m || m->python || !m->checked)
			continue;
		struct checked_program *mc = m->checked;
		merge_modules(p, mc);
		const char *outer = p->prefix;
		p->prefix = d->name;
		for (size_t j = 0; j < mc->types.len; j++) {
			struct symbol *sym = mc->types.items[j];
			if (!strcmp(sym->decl->span.src->name, PRELUDE_NAME))
				share_builtin_type(p, sym);
		}
		/* the module's own declarations, the ones its includes bring too */
		struct checked_program own = *mc;
		own.decls = (struct vec){ 0 };
		for (size_t j = 0; j < mc->decls.len; j++) {
			struct decl *md = mc->decls.items[j];
			bool python = md->kind == DECL_IMPORT && md->sym && md->sym->module &&
				      md->sym->module->python;
			if (strcmp(md->span.src->name, PRELUDE_NAME) && md->kind != DECL_EXTERN &&
			    (md->kind != DECL_IMPORT || python))
				vec_push(A, &own.decls, md);
			if (python)	/* the program's loader embeds it too */
				vec_push(A, &p->cp->decls, md);
		}
		name_declarations(p, &own);
		p->prefix = outer;
		for (size_t j = 0; j < mc->types.len; j++) {
			struct symbol *sym = mc->types.items[j];
			if (!sym->type->kernel && strcmp(sym->decl->span.src->name, PRELUDE_NAME))
				vec_push(A, &p->cp->types, sym);
		}
		for (size_t j = 0; j < mc->consts.len; j++)
			vec_push(A, &p->cp->consts, mc->consts.items[j]);
		for (size_t j = 0; j < mc->functions.len; j++) {
			struct function_info *fn = mc->functions.items[j];
			if (fn->decl->sym && fn->decl->sym->used)
				vec_push(A, &p->cp->functions, fn);
		}
		p->cp->builtins_used |= mc->builtins_used;
	}
}

/* What bpftool's skeleton declares from its name S: struct tags (S, one
 * per data section) and functions. */
static const char *const skeleton_tags[] = {
	"", "__bss", "__data", "__rodata", "__kconfig", "__data_pinned", NULL,
};
static const char *const skeleton_functions[] = {
	"open", "open_opts", "load", "attach", "detach", "destroy", "elf_bytes",
	"create_skeleton", "assert", "open_and_load", NULL,
};

/* The skeleton's name: WANT, or WANT_, ... such that none of the names
 * bpftool derives from it is taken. */
static const char *claim_skeleton(struct planner *p, const char *want)
{
	if (names_python_prefixed(p->tags, want))	/* no suffix would free it */
		want = arena_printf(A, "user_%s", want);
	const char *name = want;
	for (unsigned i = 1;; i++) {
		bool free = true;
		for (const char *const *t = skeleton_tags; *t && free; t++)
			free = !names_taken(p->tags, arena_printf(A, "%s%s", name, *t));
		for (const char *const *f = skeleton_functions; *f && free; f++)
			free = !names_taken(p->file[C_USER], arena_printf(A, "%s__%s", name, *f));
		if (free)
			break;
		name = i == 1 ? arena_printf(A, "%s_", want) : arena_printf(A, "%s_%u", want, i);
	}
	for (const char *const *t = skeleton_tags; *t; t++)
		names_take(p->tags, arena_printf(A, "%s%s", name, *t));
	for (const char *const *f = skeleton_functions; *f; f++)
		take_shared(p, arena_printf(A, "%s__%s", name, *f));
	return name;
}

/* TEXT (from a file name) as a C identifier: other characters become _. */
static const char *identifier(struct planner *p, const char *text)
{
	char *id = arena_strdup(A, text);
	for (char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_'))
			*c = '_';
	return id;
}

/* The names the generated code adds at file scope. */
static void name_generated(struct planner *p)
{
	struct plan *plan = p->plan;
	struct checked_program *cp = p->cp;
	plan->skeleton = claim_skeleton(p, identifier(p, arena_printf(A, "%s_bpf", cp->name)));
	/* the project's own files: vmlinux.h and the runtime headers beside
	 * NAME.h; the Makefile, its targets and the README beside ./NAME */
	static const char *const headers[] = { "vmlinux", "ks_runtime", "ks_options", NULL };
	static const char *const programs[] = {
		"Makefile", "makefile", "GNUmakefile", "all", "clean", "README.md", NULL,
	};
	plan->header = arena_printf(A, "%s.h", cp->name);
	for (const char *const *h = headers; *h; h++)
		if (!strcmp(*h, cp->name))
			plan->header = arena_printf(A, "%s_.h", cp->name);
	plan->program = cp->name;
	for (const char *const *f = programs; *f; f++)
		if (!strcmp(*f, cp->name))
			plan->program = arena_printf(A, "%s_", cp->name);
	/* NAME.h's guard: a macro, so free everywhere */
	char *guard = arena_printf(A, "%s_H", plan->skeleton);
	for (char *c = guard; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	plan->guard = claim_shared(p, guard);
	names_take(p->tags, plan->guard);
	plan->skel = claim_file(p, C_USER, "skel");
	plan->main_fn = claim_file(p, C_USER, "ks_main");
	if (cp->main_fn && cp->main_fn->decl->sym)
		cp->main_fn->decl->sym->c_name = plan->main_fn;
	/* the program arrays tail calls go through, one per kind of program,
	   a slot per program a tail call goes to */
	for (size_t i = 0; i < cp->functions.len; i++) {
		const struct function_info *fn = cp->functions.items[i];
		for (size_t j = 0; j < fn->tail_targets.len; j++) {
			struct function_info *to = fn->tail_targets.items[j];
			if (to->c_tail_target)
				continue;
			struct tail_array *array = (struct tail_array *)plan_tail_array(plan, to->prog);
			if (!array) {
				array = arena_alloc(A, sizeof(*array));
				array->kind = to->prog;
				array->name = claim_file(p, C_BPF, arena_printf(A, "%s_tail_calls",
									      prog_kind_name(to->prog)));
				vec_push(A, &plan->tail_arrays, array);
			}
			to->c_tail_target = true;
			to->c_tail_slot = (unsigned)array->slots.len;
			vec_push(A, &array->slots, to);
		}
	}
	/* a @probe with an fentry form: its body in a function of its own,
	   which the fentry program runs, and the kprobe twin when the loader
	   picks; a struct by value leaves only the kprobe, which reads it */
	for (size_t i = 0; i < cp->functions.len; i++) {
		struct function_info *fn = cp->functions.items[i];
		if (fn->side != SIDE_PROGRAM || fn->prog != PROG_PROBE || fn->syscall ||
		    fn->probe_form == PROBE_KPROBE || !fn->decl->sym || !fn->type)
			continue;
		bool by_value = false;
		for (size_t j = 0; j < fn->type->params.len; j++) {
			const struct type *t = fn->type->params.items[j];
			by_value |= t->kind == TY_STRUCT || t->kind == TY_ARRAY;
		}
		if (by_value) {
			fn->probe_form = PROBE_KPROBE;
			continue;
		}
		const char *name = fn->decl->sym->c_name;
		fn->c_probe_body = claim_file(p, C_BPF, arena_printf(A, "%s_body", name));
		if (fn->probe_form == PROBE_EITHER)
			fn->c_probe_twin = claim_file(p, C_BPF, arena_printf(A, "%s_kprobe", name));
	}
	for (size_t i = 0; cp->test_runner && i < cp->functions.len; i++) {
		struct function_info *fn = cp->functions.items[i];
		if (fn->side == SIDE_TEST && fn->decl->sym)
			fn->c_test_run = claim_file(p, C_USER, arena_printf(A, "%s_run",
									 fn->decl->sym->c_name));
	}
	if (cp->direct_attach) {	/* main prints every map at the end */
		struct names *block = names_new(A, p->visible[C_USER]);
		plan->print_keys = names_claim(block, "keys");
		plan->print_key = names_claim(block, "key");
		plan->print_value = names_claim(block, "value");
	}
	plan->cleanup = claim_file(p, C_USER, "cleanup");
	plan->load_program = claim_file(p, C_USER, "load_program");
	plan->attach_program = claim_file(p, C_USER, "attach_program");
	plan->license = "LICENSE";

	for (size_t i = 0; i < cp->maps.len; i++) {
		const struct type *key = ((const struct symbol *)cp->maps.items[i])->type->key;
		if (!key || (key->kind != TY_ARRAY && key->kind != TY_STR) || plan_key_struct(plan, key))
			continue;
		struct key_struct *ks = arena_alloc(A, sizeof(*ks));
		ks->key = key;
		ks->name = names_claim(p->tags, key->kind == TY_STR
			? arena_printf(A, "ks_str%llu_key", (unsigned long long)type_size(key))
			: arena_printf(A, "ks_array%llu_key", (unsigned long long)type_size(key)));
		vec_push(A, &plan->key_structs, ks);
	}
	for (size_t i = 0; i < cp->maps.len; i++) {
		struct map_plan *mp = arena_alloc(A, sizeof(*mp));
		const struct symbol *map = cp->maps.items[i];
		mp->map = map;
		const char *m = map->c_name;
		mp->lookup = claim_shared(p, arena_printf(A, "%s_lookup", m));
		mp->get = claim_shared(p, arena_printf(A, "%s_get", m));
		mp->set = claim_shared(p, arena_printf(A, "%s_set", m));
		mp->delete = claim_shared(p, arena_printf(A, "%s_delete", m));
		if (map->type->kind == TY_RINGBUF)
			mp->record = claim_file(p, C_USER, arena_printf(A, "%s_record", m));
		if (map->type->kind == TY_RINGBUF && map->counts_drops) {
			mp->dropped = claim_file(p, C_BPF, arena_printf(A, "%s_dropped", m));
			mp->reserve = claim_file(p, C_BPF, arena_printf(A, "%s_reserve", m));
			mp->slot = names_claim(names_new(A, p->visible[C_BPF]), "slot");
		}
		mp->find = claim_shared(p, arena_printf(A, "%s_find", m));
		mp->replace = claim_shared(p, arena_printf(A, "%s_replace", m));
		for (enum binary_op op = BIN_ADD; op <= BIN_SHR; op++)
			mp->op[op] = claim_shared(p, arena_printf(A, "%s_%s", m, binary_op_name(op)));
		/* an accessor's parameters and locals: free of what it uses,
		 * the map, the helpers, the types (on either side) */
		struct names *in_bpf = names_new(A, p->visible[C_BPF]);
		struct names *in_user = names_new(A, p->visible[C_USER]);
		names_take(in_bpf, m);
		mp->key = names_claim_in(in_bpf, in_user, "key");
		mp->value = names_claim_in(in_bpf, in_user, "value");
		mp->operand = names_claim_in(in_bpf, in_user, "operand");
		mp->first = names_claim_in(in_bpf, in_user, "first");
		mp->copy = names_claim_in(in_bpf, in_user, "copy");
		mp->ncpus = names_claim_in(in_bpf, in_user, "ncpus");
		mp->values = names_claim_in(in_bpf, in_user, "values");
		mp->sum = names_claim_in(in_bpf, in_user, "sum");
		mp->cpu = names_claim_in(in_bpf, in_user, "cpu");
		vec_push(A, &plan->maps, mp);
	}
}

/* ---- locals --------------------------------------------------------------- */

static const char *c_name_of(const struct symbol *sym)
{
	return sym->c_name ? sym->c_name : sym->name;
}

static void push_block(struct planner *p)
{
	p->block = names_new(A, p->block);
}

/* A local: its own name when no enclosing block has it. */
static void name_local(struct planner *p, struct symbol *sym)
{
	if (!sym)
		return;
	sym->c_name = names_claim(p->block, sym->name);
	if (sym->kind == SYM_LOCAL && is_entry_var(sym)) {
		/* the flags and storage an entry variable comes with */
		sym->c_found = names_claim(p->block, arena_printf(A, "%s_found", sym->c_name));
		sym->c_absent = names_claim(p->block, arena_printf(A, "%s_absent", sym->c_name));
		if (sym->c_refreshed)
			sym->c_key = names_claim(p->block, arena_printf(A, "%s_key", sym->c_name));
	}
}

/* The file-scope names a function uses: no local may hide them. */
struct used_names {
	struct ast_visitor v;
	struct names *block;
};

static bool take_used(struct ast_visitor *v, struct expr *x)
{
	struct names *block = ((struct used_names *)v)->block;
	const struct symbol *sym = x->sym;
	if (x->kind != EXPR_IDENT || !sym)
		return true;
	if (sym->c_name && sym->kind != SYM_LOCAL && sym->kind != SYM_PARAM)
		names_take(block, sym->c_name);
	else if (sym->kind == SYM_ENUM_CONST)
		names_take(block, sym->name);	/* a kernel enumerator */
	else if (sym->kind == SYM_CONST && sym->builtin == BUILTIN_CONSTANT)
		names_take(block, sym->name);	/* TC_ACT_OK: a macro */
	return true;
}

static void take_used_block(struct planner *p, struct stmt *body)
{
	struct used_names used = { .v.expr = take_used, .block = p->block };
	ast_walk_stmt(&used.v, body);
}

/* Whether KEY gives the same value each time it is evaluated while a
 * statement or branch runs: a literal, a constant, or a local or parameter
 * (or a field of one) that is never assigned. */
static bool key_is_stable(const struct expr *key)
{
	switch (key->kind) {
	case EXPR_INT: case EXPR_CHAR: case EXPR_BOOL:
		return true;
	case EXPR_FIELD:
		return key_is_stable(key->field.base);
	case EXPR_IDENT:
		return key->sym && (key->sym->kind == SYM_CONST || key->sym->kind == SYM_ENUM_CONST ||
				    ((key->sym->kind == SYM_LOCAL || key->sym->kind == SYM_PARAM) &&
				     !key->sym->assigned));
	default:
		return false;
	}
}

static void name_block(struct planner *p, const struct stmt *block);

/* Whether the place X can be written twice in C, as x = f(x, v): it
 * reads nothing that changes and calls nothing. */
static bool simple_place(const struct expr *x)
{
	switch (x->kind) {
	case EXPR_IDENT:
		return true;
	case EXPR_FIELD:
	case EXPR_ARROW:
		return simple_place(x->field.base);
	case EXPR_INDEX:
		return !indexed_map(x) && simple_place(x->index.base) &&
		       (x->index.index->kind == EXPR_IDENT || x->index.index->constant);
	case EXPR_UNARY:
		return x->unary.op == UNARY_DEREF && simple_place(x->unary.operand);
	default:
		return false;
	}
}

/* The locals of statement S, in the C blocks the emitters give it. */
static void name_stmt(struct planner *p, struct stmt *s)
{
	switch (s->kind) {
	case STMT_VAR:
	case STMT_CONST:
		name_local(p, s->sym);
		return;
	case STMT_IF:
		/* if (var x = ...) declares x just before the if; userspace copies
		 * a key that could change while x is held */
		name_local(p, s->sym);
		if (p->side == C_USER && s->if_.bind && indexed_map(s->if_.cond) &&
		    !key_is_stable(s->if_.cond->index.index))
			s->c_key = names_claim(p->block, arena_printf(A, "%s_key", s->sym->c_name));
		if (s->c_binding) {
			/* if (m[k] != null) holds the entry in a pointer of its own */
			s->c_binding->name = s->sym ? s->sym->c_name
					     : names_claim(p->block, arena_printf(A, "%s_entry",
							   c_name_of(s->c_binding->map)));
			s->c_binding->key_copy = s->c_key;
		}
		name_block(p, s->if_.then);
		if (s->if_.otherwise && s->if_.otherwise->kind == STMT_IF) {
			push_block(p);	/* a bound else-if gets braces of its own */
			name_stmt(p, s->if_.otherwise);
			p->block = (struct names *)names_outer(p->block);
		} else {
			name_block(p, s->if_.otherwise);
		}
		return;
	case STMT_WHILE:
		name_block(p, s->while_.body);
		return;
	case STMT_FOR_RANGE:
	case STMT_FOR_EACH:
		push_block(p);	/* for (T i = ...) or { K k; ... } */
		name_local(p, s->sym);
		name_local(p, s->sym2);
		if (s->kind == STMT_FOR_EACH && s->for_.iterable->sym)
			s->c_temp = names_claim(p->block, arena_printf(A, "%s_keys",
								       c_name_of(s->for_.iterable->sym)));
		name_block(p, s->for_.body);
		p->block = (struct names *)names_outer(p->block);
		return;
	case STMT_ASSIGN:
		/* m[k].f = v: the entry is looked up into a temporary, in a
		 * block; x /= v where x has effects: x's address, in a block */
		if (entry_of_place(s->assign.target) && !s->c_binding) {
			/* m[k].f = v: the entry looked up into a pointer (eBPF) or
			 * a copy put back (userspace), in a block */
			const struct expr *entry = entry_of_place(s->assign.target);
			const char *m = c_name_of(indexed_map(entry));
			push_block(p);
			s->c_temp = names_claim(p->block, p->side == C_USER
						? arena_printf(A, "%s_entry", m) : "entry");
			if (p->side == C_USER && !key_is_stable(entry->index.index))
				s->c_key = names_claim(p->block, arena_printf(A, "%s_key", m));
			p->block = (struct names *)names_outer(p->block);
		} else if (!s->assign.op.compound && expr_is_join(s->assign.value)) {
			/* s = t + s: joined apart, then copied */
			push_block(p);
			s->c_temp = names_claim(p->block, "joined");
			p->block = (struct names *)names_outer(p->block);
		} else if (s->c_call && !simple_place(s->assign.target)) {
			push_block(p);
			s->c_temp = names_claim(p->block, "place");
			p->block = (struct names *)names_outer(p->block);
		}
		return;
	case STMT_BLOCK:
		name_block(p, s);
		return;
	case STMT_EXPR:
	case STMT_RETURN:
		if (s->expr && s->expr->kind == EXPR_MATCH) {
			for (size_t i = 0; i < s->expr->match.arms.len; i++)
				name_block(p, ((struct match_arm *)s->expr->match.arms.items[i])->body);
		}
		return;
	case STMT_TRY:
		name_block(p, s->try_.body);
		for (size_t i = 0; i < s->try_.catches.len; i++)
			name_block(p, ((struct catch_clause *)s->try_.catches.items[i])->body);
		return;
	default:
		return;
	}
}

static void name_block(struct planner *p, const struct stmt *block)
{
	if (!block)
		return;
	if (block->kind != STMT_BLOCK) {
		name_stmt(p, (struct stmt *)block);
		return;
	}
	push_block(p);
	for (size_t i = 0; i < block->block.len; i++) {
		struct stmt *s = block->block.items[i];
		if ((s->kind == STMT_VAR || s->kind == STMT_CONST) && s->var.init &&
		    s->var.init->kind == EXPR_MATCH)
			for (size_t j = 0; j < s->var.init->match.arms.len; j++)
				name_block(p, ((struct match_arm *)s->var.init->match.arms.items[j])->body);
		name_stmt(p, s);
	}
	p->block = (struct names *)names_outer(p->block);
}

/* Which locals and parameters are read: one only assigned is cast to
 * void, or C warns that it is set but not used. */
static void mark_reads(struct expr *x);

static bool read_expr(struct ast_visitor *v, struct expr *x)
{
	switch (x->kind) {
	case EXPR_IDENT:
		if (x->sym)
			x->sym->c_read = true;
		return false;
	case EXPR_CONDITIONAL:
		/* a constant condition: the C has only its arm (c_arm) */
		ast_walk_expr(v, x->conditional.cond);
		if (x->c_arm != 2)
			ast_walk_expr(v, x->conditional.then);
		if (x->c_arm != 1)
			ast_walk_expr(v, x->conditional.otherwise);
		return false;
	default:
		return true;
	}
}

static void mark_place_reads(struct expr *x);

static bool read_stmt(struct ast_visitor *v, struct stmt *s)
{
	(void)v;
	switch (s->kind) {
	case STMT_ASSIGN:
		mark_place_reads(s->assign.target);
		mark_reads(s->assign.value);
		/* an entry variable written is a pointer read (eBPF) */
		if (s->assign.target->kind == EXPR_IDENT && s->assign.target->sym &&
		    is_entry_var(s->assign.target->sym))
			s->assign.target->sym->c_read = true;
		return false;
	case STMT_IF:		/* if (x) */
	case STMT_FOR_RANGE:	/* i < to; i++ */
	case STMT_FOR_EACH:	/* the key is looked up, the value read into */
		if (s->sym)
			s->sym->c_read = true;
		if (s->sym2)
			s->sym2->c_read = true;
		return true;
	default:
		return true;
	}
}

static struct ast_visitor reads = { read_expr, read_stmt };

static void mark_reads(struct expr *x)
{
	ast_walk_expr(&reads, x);
}

static void mark_reads_stmt(struct stmt *s)
{
	ast_walk_stmt(&reads, s);
}

/* The place an assignment writes: its root is written, not read; what
 * it indexes with is read. */
static void mark_place_reads(struct expr *x)
{
	switch (x->kind) {
	case EXPR_IDENT:
		if (x->sym && x->sym->kind == SYM_GLOBAL)
			x->sym->c_read = true;	/* named in the C */
		return;
	case EXPR_FIELD: case EXPR_ARROW:
		if (x->field.base->type && x->field.base->type->kind == TY_POINTER)
			mark_reads(x->field.base);	/* p->f = v reads p */
		else
			mark_place_reads(x->field.base);
		return;
	case EXPR_INDEX:
		mark_place_reads(x->index.base);
		mark_reads(x->index.index);
		return;
	default:
		mark_reads(x);
		return;
	}
}


static void name_locals(struct planner *p, struct function_info *fn)
{
	struct decl *d = fn->decl;
	if (!d->fn.body)
		return;
	p->side = function_side(fn);
	mark_reads_stmt(d->fn.body);
	if (fn->ret_sym)
		fn->ret_sym->c_read = true;	/* returned */
	p->block = names_new(A, p->visible[p->side]);
	take_used_block(p, d->fn.body);
	const struct prog_kind_info *kind = prog_kind_of(fn);
	if (kind && kind->entry_macro)
		names_take(p->block, "ctx");	/* the entry macro's own parameter */
	for (size_t i = 0; i < d->fn.params.len; i++) {
		struct symbol *sym = ((struct param *)d->fn.params.items[i])->sym;
		if (names_map(sym))
			continue;	/* a copy has the map in its place */
		name_local(p, sym);
		/* an array is passed by value: C passes a pointer, so a function
		 * that changes it works on a copy */
		if (sym && sym->assigned && (sym->type->kind == TY_ARRAY || sym->type->kind == TY_STR))
			sym->c_param = names_claim(p->block, arena_printf(A, "%s_in", sym->c_name));
	}
	name_local(p, fn->ret_sym);
	if (kind && kind->entry_macro && !strcmp(kind->entry_macro, "BPF_KPROBE") && fn->type) {
		fn->c_probe_args = plan_probe_arg_places(A, &fn->type->params, p->cp->btf);
		if (fn->c_probe_args)	/* a struct's registers, copied into it */
			fn->c_words = names_claim(p->block, "words");
	}
	plan_errors(p->plan, p->side, fn, p->block);
	name_block(p, d->fn.body);
	p->block = NULL;
}

/* ---- shared with the emitters ------------------------------------------------- */

const char *binary_op_name(enum binary_op op)
{
	static const char *const names[] = {
		[BIN_ADD] = "add", [BIN_SUB] = "sub", [BIN_MUL] = "mul", [BIN_DIV] = "div",
		[BIN_MOD] = "mod", [BIN_BITAND] = "and", [BIN_BITOR] = "or",
		[BIN_BITXOR] = "xor", [BIN_SHL] = "shl", [BIN_SHR] = "shr",
	};
	return op < sizeof(names) / sizeof(names[0]) && names[op] ? names[op] : "op";
}

bool kernel_struct_direct(const char *name)
{
	return !strcmp(name, "xdp_md") || !strcmp(name, "__sk_buff") ||
	       !strcmp(name, "bpf_perf_event_data") || !strcmp(name, "pt_regs") ||
	       !strncmp(name, "trace_event_raw_", 16) || !strncmp(name, "bpf_sock", 8);
}

const struct expr *entry_of_place(const struct expr *place)
{
	for (const struct expr *x = place; x != place_root(place);) {
		if (x != place && indexed_map(x))
			return x;
		if (x->kind == EXPR_INDEX)
			x = x->index.base;
		else if (x->field.base->type && x->field.base->type->kind == TY_POINTER)
			return NULL;	/* through a pointer: not the entry's bytes */
		else
			x = x->field.base;
	}
	return NULL;
}

const struct symbol *indexed_map(const struct expr *x)
{
	if (x->kind != EXPR_INDEX || !x->index.base->type || x->index.base->type->kind != TY_MAP)
		return NULL;
	const struct expr *base = x->index.base;
	return base->kind == EXPR_IDENT && names_map(base->sym) ? base->sym : NULL;
}

const struct tail_array *plan_tail_array(const struct plan *plan, enum prog_kind kind)
{
	for (size_t i = 0; i < plan->tail_arrays.len; i++) {
		const struct tail_array *array = plan->tail_arrays.items[i];
		if (array->kind == kind)
			return array;
	}
	return NULL;
}

const char *plan_key_struct(const struct plan *plan, const struct type *key)
{
	for (size_t i = 0; i < plan->key_structs.len; i++) {
		const struct key_struct *ks = plan->key_structs.items[i];
		if (types_equal(ks->key, key))
			return ks->name;
	}
	return NULL;
}

bool match_is_simple(const struct expr *x)
{
	if (x->match.scrutinee->kind != EXPR_IDENT)
		return false;
	for (size_t i = 0; i < x->match.arms.len; i++) {
		const struct match_arm *arm = x->match.arms.items[i];
		if (!arm->value || (arm->pattern && arm->pattern->kind == EXPR_STRING))
			return false;
	}
	return true;
}

bool names_map(const struct symbol *sym)
{
	return sym && (sym->kind == SYM_MAP ||
		       (sym->kind == SYM_PARAM && sym->type && sym->type->kind == TY_MAP));
}

/* ---- integer expressions ------------------------------------------------------- */

/* How the C computes every integer expression (plan_expr.c), before
 * locals are named: the helpers it calls take file-scope names. */
static void plan_integers(struct planner *p)
{
	struct checked_program *cp = p->cp;
	for (size_t i = 0; i < cp->consts.len; i++) {
		struct symbol *sym = cp->consts.items[i];
		if (sym->const_init && sym->const_init->constant && type_is_integer(sym->type)) {
			sym->c_text = plan_const_text(p->plan, sym);
			sym->c_enum = plan_const_is_int(sym);
		}
	}
	for (size_t i = 0; i < cp->globals.len; i++) {
		struct symbol *sym = cp->globals.items[i];
		plan_value(p->plan, data_side(p), sym->decl->var.init);
	}
	for (size_t i = 0; i < cp->configs.len; i++) {
		struct symbol *sym = cp->configs.items[i];
		for (size_t j = 0; j < sym->decl->members.len; j++)
			plan_value(p->plan, data_side(p),
				   ((struct member *)sym->decl->members.items[j])->value);
	}
	for (size_t i = 0; i < cp->functions.len; i++) {
		struct function_info *fn = cp->functions.items[i];
		if (!plan_generates(cp, fn))
			continue;
		const struct type *ret = fn->type && fn != cp->main_fn ? fn->type->ret : NULL;
		plan_stmts(p->plan, function_side(fn), ret && (ret->kind == TY_STR ||
			   ret->kind == TY_ARRAY) ? ret : NULL, fn->decl->fn.body);
		plan_map_accesses(p->plan, function_side(fn), fn->decl->fn.body);
		const struct prog_kind_info *kind = prog_kind_of(fn);
		if (kind && kind->entry_macro)
			p->plan->bpf_tracing = true;	/* BPF_KPROBE, BPF_KSYSCALL */
	}
	/* the generated main of programs that attach by themselves reads
	   every map to print it */
	for (size_t i = 0; cp->direct_attach && i < p->plan->maps.len; i++) {
		struct map_plan *mp = p->plan->maps.items[i];
		if (mp->map->type->kind != TY_RINGBUF)
			mp->accessors[C_USER] |= ACC_FIND;
	}
}

void plan_kernel_macro(struct plan *plan, enum c_side side, const struct symbol *sym)
{
	/* vmlinux.h has XDP_PASS as an enumerator, <linux/bpf.h> too */
	if (names_taken(plan->file[side], sym->name))
		return;
	for (size_t i = 0; i < plan->constants[side].len; i++)
		if (plan->constants[side].items[i] == sym)
			return;
	vec_push(plan->arena, &plan->constants[side], (void *)sym);
}

const char *plan_find_helper(const struct plan *plan, enum c_side side, enum helper_kind kind,
			     unsigned bits, bool is_signed)
{
	for (size_t i = 0; i < plan->helpers[side].len; i++) {
		const struct helper_use *h = plan->helpers[side].items[i];
		if (h->kind == kind && h->bits == bits && h->is_signed == is_signed)
			return h->name;
	}
	return NULL;
}

const char *plan_helper(struct plan *plan, enum c_side side, enum helper_kind kind,
			unsigned bits, bool is_signed)
{
	for (size_t i = 0; i < plan->helpers[side].len; i++) {
		const struct helper_use *h = plan->helpers[side].items[i];
		if (h->kind == kind && h->bits == bits && h->is_signed == is_signed)
			return h->name;
	}
	static const char *const words[] = {
		[HELPER_DIV] = "div", [HELPER_MOD] = "mod", [HELPER_CMP] = "cmp",
		[HELPER_STR_EQ] = "ks_str_eq", [HELPER_STR_COPY] = "ks_str_copy",
		[HELPER_STR_APPEND] = "ks_str_append",
	};
	struct helper_use *h = arena_alloc(plan->arena, sizeof(*h));
	h->kind = kind;
	h->bits = bits;
	h->is_signed = is_signed;
	const char *want = kind == HELPER_CMP ? "ks_cmp_s64_u64"
			   : kind == HELPER_STR_VALUE ? arena_printf(plan->arena, "ks_str%u", bits)
			   : kind >= HELPER_STR_EQ ? words[kind]
			   : arena_printf(plan->arena, "ks_%s_%c%u", words[kind], is_signed ? 's' : 'u', bits);
	h->name = names_claim_in(plan->file[side], plan->visible[side], want);
	vec_push(plan->arena, &plan->helpers[side], h);
	return h->name;
}

/* ---- the kernel module ------------------------------------------------------- */

/* With a @kfunc, the module and its namespaces: the kernel headers' names
 * (BTF has those of vmlinux; the lists those of the headers, and their
 * static inline functions and macros).  Its NAME.h's names and members
 * must be free there too. */
static void plan_module_namespaces(struct planner *p)
{
	bool any = false;
	for (size_t i = 0; i < p->cp->functions.len && !any; i++)
		any = ((const struct function_info *)p->cp->functions.items[i])->side == SIDE_KFUNC;
	if (!any)
		return;
	struct module_plan *m = arena_alloc(A, sizeof(*m));
	p->plan->module = m;
	p->visible[C_MODULE] = names_new(A, NULL);
	names_take_reserved(p->visible[C_MODULE], RESERVED_MODULE_VISIBLE);
	names_take_btf(p->visible[C_MODULE], p->cp->btf, true, false);
	p->file[C_MODULE] = names_new(A, p->visible[C_MODULE]);
	names_take_reserved(p->file[C_MODULE], RESERVED_MODULE_DECLARED);
	names_take_reserved(p->tags, RESERVED_MODULE_TAGS);
	names_take_reserved(p->members, RESERVED_MODULE_VISIBLE);
}

/* The module's own names, once the program's are given, and the program
 * types its kfuncs are registered for. */
static void name_module(struct planner *p)
{
	struct module_plan *m = p->plan->module;
	if (!m)
		return;
	m->name = identifier(p, arena_printf(A, "%s_kfuncs", p->cp->name));
	/* not NAME.mod.c: Kbuild's own modpost output is MODULE.mod.c, and its
	   clean deletes every *.mod.c */
	m->source = arena_printf(A, "%s.c", m->name);
	m->ids = claim_file(p, C_MODULE, arena_printf(A, "%s_ids", m->name));
	m->id_set = claim_file(p, C_MODULE, arena_printf(A, "%s_set", m->name));
	m->init = claim_file(p, C_MODULE, arena_printf(A, "%s_init", m->name));
	m->exit = claim_file(p, C_MODULE, arena_printf(A, "%s_exit", m->name));
	for (size_t i = 0; i < p->cp->functions.len; i++) {
		const struct function_info *fn = p->cp->functions.items[i];
		const struct prog_kind_info *kind = prog_kind_of(fn);
		if (!fn->calls_kfuncs || !kind || !kind->bpf_prog_type)
			continue;
		bool seen = false;
		for (size_t j = 0; j < m->prog_types.len && !seen; j++)
			seen = !strcmp(m->prog_types.items[j], kind->bpf_prog_type);
		if (!seen)
			vec_push(A, &m->prog_types, (void *)kind->bpf_prog_type);
	}
}

/* ---- the plan --------------------------------------------------------------- */

/* Whether CP, or a module it imports, imports a Python module. */
static bool imports_python(const struct checked_program *cp)
{
	for (size_t i = 0; i < cp->decls.len; i++) {
		const struct decl *d = cp->decls.items[i];
		const struct module *m = d->kind == DECL_IMPORT && d->sym ? d->sym->module : NULL;
		if (m && (m->python || (m->checked && imports_python(m->checked))))
			return true;
	}
	return false;
}

struct plan *plan_program(struct arena *a, struct checked_program *cp)
{
	struct planner planner = { .arena = a, .cp = cp };
	struct planner *p = &planner;
	p->plan = arena_alloc(A, sizeof(*p->plan));
	p->plan->arena = a;
	p->plan->cp = cp;
	p->file = p->plan->file;
	p->visible = p->plan->visible;
	p->tags = p->plan->tags = names_new(A, NULL);
	names_take_reserved(p->tags, RESERVED_TAGS);
	names_take_btf(p->tags, cp->btf, false, true);
	p->visible[C_BPF] = names_new(A, NULL);
	names_take_reserved(p->visible[C_BPF], RESERVED_BPF);
	names_take_btf(p->visible[C_BPF], cp->btf, true, false);
	p->file[C_BPF] = names_new(A, p->visible[C_BPF]);
	p->visible[C_USER] = names_new(A, NULL);
	names_take_reserved(p->visible[C_USER], RESERVED_USER_VISIBLE);
	p->file[C_USER] = names_new(A, p->visible[C_USER]);
	names_take_reserved(p->file[C_USER], RESERVED_USER_DECLARED);
	if (imports_python(cp)) {	/* Python.h is included */
		names_take_python(p->visible[C_USER]);
		names_take_python(p->tags);
	}

	p->members = names_new(A, NULL);
	names_take_reserved(p->members, RESERVED_MEMBERS);
	plan_module_namespaces(p);
	name_declarations(p, cp);
	merge_modules(p, cp);
	name_generated(p);
	name_module(p);
	plan_integers(p);
	plan_copies(p->plan);
	for (size_t i = 0; i < cp->functions.len; i++)
		name_locals(p, cp->functions.items[i]);
	return p->plan;
}

bool plan_pins_maps(const struct plan *p)
{
	for (size_t i = 0; i < p->cp->maps.len; i++)
		if (((const struct symbol *)p->cp->maps.items[i])->pinned)
			return true;
	return false;
}

bool plan_uses_maps(const struct plan *p, enum c_side side)
{
	for (size_t i = 0; i < p->maps.len; i++)
		if (((const struct map_plan *)p->maps.items[i])->accessors[side])
			return true;
	return false;
}

const char *plan_alias(const struct plan *p, const char *alias)
{
	for (size_t i = 0; i < p->cp->types.len; i++) {
		const struct symbol *sym = p->cp->types.items[i];
		if (sym->kind == SYM_TYPE_ALIAS && !strcmp(sym->name, alias))
			return sym->c_name;
	}
	return alias;	/* a kernel typedef (pid_t) or a built-in one (size_t) */
}

const struct map_plan *plan_map(const struct plan *p, const struct symbol *map)
{
	for (size_t i = 0; i < p->maps.len; i++) {
		const struct map_plan *mp = p->maps.items[i];
		if (mp->map == map)
			return mp;
	}
	return NULL;
}
