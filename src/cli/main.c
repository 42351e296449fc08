/* kernelscript: the command-line driver. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cli.h"
#include "emit.h"
#include "init.h"

static const char usage_text[] =
	"Usage: kernelscript COMMAND [OPTIONS]\n"
	"       kernelscript COMMAND --help\n"
	"\n"
	"Commands:\n"
	"  check [--parse-only] [--dump-ast] FILE.ks\n"
	"                               report the errors in FILE.ks; with --dump-ast\n"
	"                               also print its syntax tree; with --parse-only\n"
	"                               check the syntax alone\n"
	"  compile FILE.ks [-o DIR] [-v] [--test]\n"
	"                               write the C project for FILE.ks into DIR (default:\n"
	"                               the file's base name); --test makes its program\n"
	"                               the runner of the @test functions\n"
	"  test FILE.ks [--filter NAME] [-o DIR]\n"
	"                               build FILE.ks's @test functions with their\n"
	"                               runner (in DIR, or a temporary directory) and\n"
	"                               run them in the running kernel; --filter runs\n"
	"                               those whose names hold NAME\n"
	"  init TYPE NAME               start project NAME/: a program of TYPE and the\n"
	"                               kernel types it uses, from BTF; TYPE is xdp,\n"
	"                               tc[/ingress|/egress], tracepoint CATEGORY/EVENT,\n"
	"                               probe/FUNCTION, perf_event or struct_ops\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR             where compile and test write the project\n"
	"  -v, --verbose                say where compile wrote the project\n"
	"  --btf-vmlinux-path FILE      kernel types from FILE, not the running kernel\n"
	"                               (check, compile, test, init)\n"
	"  -Werror                      make warnings errors (check, compile), such as\n"
	"                               an integer conversion that may lose data\n"
	"  -h, --help                   show this help (or a command's) and exit\n"
	"  -V, --version                show the version and exit\n"
	"\n"
	"Exit status: 0 on success, 1 when the program has errors (test: when a test\n"
	"failed), 2 on a usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("kernelscript: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'kernelscript --help' for more information.\n", stderr);
	return 2;
}

static int do_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dump-ast", no_argument, NULL, 'a' },
		{ "parse-only", no_argument, NULL, 'p' },
		{ "btf-vmlinux-path", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct front_options opts = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hW:", longopts, NULL)) != -1) {
		switch (c) {
		case 'W':
			if (strcmp(optarg, "error"))
				return usage_error("check: unknown warning option -W%s", optarg);
			opts.werror = true;
			break;
		case 'a':
			opts.dump_ast = true;
			break;
		case 'p':
			opts.parse_only = true;
			break;
		case 'b':
			opts.btf_path = optarg;
			break;
		case 'h':
			fputs("Usage: kernelscript check [--parse-only] [--dump-ast] [-Werror] "
			      "[--btf-vmlinux-path PATH] FILE.ks\n", stdout);
			return 0;
		default:
			return usage_error("%s", "check: bad option");
		}
	}
	if (optind + 1 != argc)
		return usage_error("%s", "check: expected exactly one FILE.ks");
	return run_front_end(argv[optind], &opts, stderr, NULL);
}

/* The output directory: -o DIR, or the file's base name in the current
 * directory, as the reference compiler does. */
static const char *default_output(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t len = strlen(base);
	if (len > 3 && !strcmp(base + len - 3, ".ks"))
		len -= 3;
	static char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", (int)len, base);
	return dir;
}

static int do_compile(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "test", no_argument, NULL, 't' },
		{ "btf-vmlinux-path", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct front_options opts = { 0 };
	const char *output = NULL;
	bool verbose = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:vhW:", longopts, NULL)) != -1) {
		switch (c) {
		case 'W':
			if (strcmp(optarg, "error"))
				return usage_error("compile: unknown warning option -W%s", optarg);
			opts.werror = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 't':
			opts.test = true;
			break;
		case 'b':
			opts.btf_path = optarg;
			break;
		case 'h':
			fputs("Usage: kernelscript compile FILE.ks [-o DIR] [-v] [--test] [-Werror] "
			      "[--btf-vmlinux-path PATH]\n", stdout);
			return 0;
		default:
			return usage_error("%s", "compile: bad option");
		}
	}
	if (optind + 1 != argc)
		return usage_error("%s", "compile: expected exactly one FILE.ks");
	const char *path = argv[optind];
	if (!output)
		output = default_output(path);
	struct front_result front;
	opts.plan = true;
	int status = run_front_end(path, &opts, stderr, &front);
	if (status)
		return status;
	status = emit_project(front.arena, front.diag, front.plan, output);
	if (!status && verbose)
		fprintf(stderr, "kernelscript: wrote %s/\n", output);
	arena_free(front.arena);
	return status;
}

/* Runs ARGV (a NULL-terminated command) and gives its exit status, or
 * 1 after saying why it could not run. */
static int run_command(char *const *argv, bool quiet)
{
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "kernelscript: cannot run %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (quiet && !freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "kernelscript: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* test FILE.ks: compile --test into a directory of its own, make, run
 * the runner with --filter if given; its exit status. */
static int do_test(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "btf-vmlinux-path", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct front_options opts = { .plan = true, .test = true };
	const char *filter = NULL, *output = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			filter = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'b':
			opts.btf_path = optarg;
			break;
		case 'h':
			fputs("Usage: kernelscript test FILE.ks [--filter NAME] [-o DIR] "
			      "[--btf-vmlinux-path PATH]\n"
			      "Builds the @test functions of FILE.ks with their runner (in DIR, or a\n"
			      "temporary directory) and runs them; each runs the programs it tests in\n"
			      "the running kernel, so this needs root.\n", stdout);
			return 0;
		default:
			return usage_error("%s", "test: bad option");
		}
	}
	if (optind + 1 != argc)
		return usage_error("%s", "test: expected exactly one FILE.ks");
	const char *path = argv[optind];
	char tmpl[4096];
	const char *tmpdir = getenv("TMPDIR");
	int n = snprintf(tmpl, sizeof(tmpl), "%s/kernelscript-test.XXXXXX",
			 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!output) {
		if (n < 0 || (size_t)n >= sizeof(tmpl) || !mkdtemp(tmpl)) {
			fprintf(stderr, "kernelscript: cannot create a directory to build in: %s\n",
				strerror(errno));
			return 1;
		}
		output = tmpl;
	}
	struct front_result front;
	int status = run_front_end(path, &opts, stderr, &front);
	if (!status)
		status = emit_project(front.arena, front.diag, front.plan, output);
	if (status)
		return status;
	char *program = strdup(arena_printf(front.arena, "%s/%s", output, front.plan->program));
	arena_free(front.arena);
	if (!program)
		return 1;
	unsetenv("MAKEFLAGS");	/* the project's own make, not an enclosing one's */
	unsetenv("MAKELEVEL");
	char *make[] = { "make", "-s", "-C", (char *)output, NULL };
	if (run_command(make, true)) {
		fprintf(stderr, "kernelscript: the test runner did not build (make -C %s)\n", output);
		return 1;
	}
	char *run[] = { program, (char *)(filter ? "--filter" : NULL), (char *)filter, NULL };
	status = run_command(run, false);
	free(program);
	if (output == tmpl) {	/* ours: gone with the run */
		char *rm[] = { "rm", "-rf", tmpl, NULL };
		run_command(rm, true);
	}
	return status;
}

static int do_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "btf-vmlinux-path", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct init_request req = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			req.btf_path = optarg;
			break;
		case 'h': {
			struct arena *a = arena_new();
			printf("Usage: kernelscript init TYPE NAME [--btf-vmlinux-path FILE]\n"
			       "Creates NAME/ with NAME.ks, TYPE.kh and README.md.\n"
			       "TYPE: %s\n", init_types_help(a));
			arena_free(a);
			return 0;
		}
		default:
			return usage_error("%s", "init: bad option");
		}
	}
	req.args = argv + optind;
	req.nargs = argc - optind;
	return run_init(&req, stdout, stderr);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "missing command");
	const char *command = argv[1];
	if (!strcmp(command, "-h") || !strcmp(command, "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(command, "-V") || !strcmp(command, "--version")) {
		printf("kernelscript %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(command, "check"))
		return do_check(argc - 1, argv + 1);
	if (!strcmp(command, "compile"))
		return do_compile(argc - 1, argv + 1);
	if (!strcmp(command, "init"))
		return do_init(argc - 1, argv + 1);
	if (!strcmp(command, "test"))
		return do_test(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", command);
}
