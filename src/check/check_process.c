/* The check stage: the process builtins exec() and daemon(), the testing
 * builtin test(), and @test functions.
 *
 * exec("script.py") replaces the process with a Python script and
 * daemon() detaches from the terminal and serves until a signal ends the
 * process: neither comes back, so a statement calling one ends its path
 * as return does.  test(program, data) runs an eBPF program once on test
 * data (BPF_PROG_TEST_RUN) and gives its result; only @test functions,
 * which the test runner calls, may use it. */
#include "check_internal.h"

#include <string.h>

/* What exec() hands its path to: a buffer of this many bytes. */
#define EXEC_PATH_MAX 256

static bool in_userspace(const struct checker *c)
{
	return c->fn && (c->fn->side == SIDE_USERSPACE || c->fn->side == SIDE_TEST);
}

static bool arg_count(struct checker *c, struct expr *e, size_t n, const char *usage)
{
	if (e->call.args.len == n)
		return true;
	diag_error(c->diag, e->span, "'%s' takes %zu argument%s, not %zu: %s",
		   e->sym->name, n, n == 1 ? "" : "s", e->call.args.len, usage);
	return false;
}

static void check_exec(struct checker *c, struct expr *e)
{
	if (!arg_count(c, e, 1, "exec(\"script.py\")"))
		return;
	const struct expr *path = e->call.args.items[0];
	const struct type *t = path->type;
	if (t->kind == TY_ERROR)
		return;
	if (t->kind != TY_STR) {
		diag_error(c->diag, path->span, "exec takes the path of a Python script, not %s",
			   type_name(A, t));
		return;
	}
	if (path->kind == EXPR_STRING) {
		uint32_t n = path->string.len;
		if (n < 4 || memcmp(path->string.bytes + n - 3, ".py", 3) ||
		    path->string.bytes[n - 4] == '/')
			diag_error(c->diag, path->span,
				   "exec runs a Python script: its name ends in '.py'");
		else if (n >= EXEC_PATH_MAX)
			diag_error(c->diag, path->span, "the path is longer than %d bytes",
				   EXEC_PATH_MAX - 1);
	} else if (t->len > EXEC_PATH_MAX) {
		diag_error(c->diag, path->span, "exec takes a path of up to str(%d), not %s",
			   EXEC_PATH_MAX, type_name(A, t));
	}
}

/* The attributes of the kinds the kernel runs on test data, as in
 * "@xdp or @tc", JOINED by "or" or "and". */
static const char *test_run_attrs(struct checker *c, const char *joined)
{
	const char *list = "", *last = NULL;
	for (const struct prog_kind_info *k = prog_kinds; k->name; k++) {
		if (!k->test_run)
			continue;
		if (last)
			list = arena_printf(A, "%s%s@%s", list, *list ? ", " : "", last);
		last = k->name;
	}
	return *list ? arena_printf(A, "%s %s @%s", list, joined, last) : arena_printf(A, "@%s", last);
}

static void check_test(struct checker *c, struct expr *e)
{
	if (in_userspace(c) && c->fn->side != SIDE_TEST)
		diag_error(c->diag, e->span,
			   "test() runs a program on test data: only @test functions can call it");
	if (!arg_count(c, e, 2, "test(program, data)"))
		return;
	c->cp->calls_test = true;
	const struct expr *prog = e->call.args.items[0];
	const struct expr *data = e->call.args.items[1];
	if (prog->type->kind != TY_ERROR) {
		if (!prog->sym || prog->sym->kind != SYM_FUNCTION || prog->sym->fn->side != SIDE_PROGRAM)
			diag_error(c->diag, prog->span,
				   "test takes an eBPF program: a function with %s",
				   test_run_attrs(c, "or"));
		else if (!prog_kind_info(prog->sym->fn->prog)->test_run)
			diag_warning(c->diag, prog->span,
				     "the kernel runs only %s programs on test data, and '%s' is "
				     "@%s: the test will be reported as skipped",
				     test_run_attrs(c, "and"), prog->sym->name,
				     prog_kind_name(prog->sym->fn->prog));
	}
	const struct type *t = data->type;
	bool bytes = (t->kind == TY_ARRAY && t->elem->kind == TY_INT && t->elem->bits == 8) ||
		     t->kind == TY_STR;
	if (t->kind != TY_ERROR && t->kind != TY_STRUCT && !bytes)
		diag_error(c->diag, data->span,
			   "the test data is a struct, an array of bytes or a string (the packet), "
			   "not %s", type_name(A, t));
}

void check_process_builtin(struct checker *c, struct expr *e, const struct symbol *sym)
{
	enum builtin b = sym->builtin;
	if (b != BUILTIN_EXEC && b != BUILTIN_TEST && b != BUILTIN_DAEMON)
		return;
	if (!in_userspace(c))
		diag_error(c->diag, e->span, "'%s' is for userspace: %s cannot call it", sym->name,
			   in_bpf(c) ? "eBPF code"
			   : c->fn ? "kernel-module code" : "a global's initial value");
	switch (b) {
	case BUILTIN_EXEC:
		check_exec(c, e);
		break;
	case BUILTIN_TEST:
		check_test(c, e);
		break;
	case BUILTIN_DAEMON:
		arg_count(c, e, 0, "daemon()");
		break;
	default:
		break;
	}
}

/* A @test function is called by the test runner: with nothing, and what
 * it returns is its verdict (0 passes) when it returns anything. */
void check_test_function(struct checker *c, struct function_info *fn)
{
	struct decl *d = fn->decl;
	if (fn->side != SIDE_TEST)
		return;
	if (d->fn.params.len)
		diag_error(c->diag, ((struct param *)d->fn.params.items[0])->span,
			   "a @test function takes no parameters: the test runner calls it");
	const struct type *ret = fn->type ? fn->type->ret : &type_error;
	if (ret->kind != TY_VOID && ret->kind != TY_ERROR && !type_is_integer(ret))
		diag_error(c->diag, d->fn.ret->span,
			   "a @test function returns nothing or an integer (0 passes), not %s",
			   type_name(A, ret));
	if (!strcmp(d->name, "main"))
		diag_error(c->diag, d->name_span, "'main' cannot be a @test function");
}

bool never_returns(const struct expr *e)
{
	return e && e->kind == EXPR_CALL && e->sym && e->sym->kind == SYM_BUILTIN &&
	       (e->sym->builtin == BUILTIN_EXEC || e->sym->builtin == BUILTIN_DAEMON);
}
