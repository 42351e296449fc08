/* kernelscript: the command-line driver. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: kernelscript COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  check [--parse-only] [--dump-ast] FILE.ks\n"
	"                               report the errors in FILE.ks; with --dump-ast\n"
	"                               also print its syntax tree; with --parse-only\n"
	"                               check the syntax alone\n"
	"  compile FILE.ks [-o DIR]     write the C project for FILE.ks (not yet available)\n"
	"  init TYPE NAME               start a project from a template (not yet available)\n"
	"\n"
	"Options:\n"
	"  -h, --help                   show this help and exit\n"
	"  -V, --version                show the version and exit\n"
	"\n"
	"Exit status: 0 on success, 1 when the program has errors, 2 on a usage error.\n";

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
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct front_options opts = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			opts.dump_ast = true;
			break;
		case 'p':
			opts.parse_only = true;
			break;
		case 'h':
			fputs("Usage: kernelscript check [--parse-only] [--dump-ast] FILE.ks\n", stdout);
			return 0;
		default:
			return usage_error("%s", "check: bad option");
		}
	}
	if (optind + 1 != argc)
		return usage_error("%s", "check: expected exactly one FILE.ks");
	return run_front_end(argv[optind], &opts, stderr, NULL);
}

static int not_yet(const char *command)
{
	fprintf(stderr, "kernelscript: error: '%s' is not available in this version "
		"(only 'check' is)\n", command);
	return 1;
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
	if (!strcmp(command, "compile") || !strcmp(command, "init"))
		return not_yet(command);
	return usage_error("unknown command '%s'", command);
}
