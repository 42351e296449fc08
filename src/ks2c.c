/* ks2c: KernelScript to C, for review. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: ks2c [OPTIONS] FILE.ks\n"
	"\n"
	"Translate FILE.ks to C and print it for review (C output is not yet\n"
	"available in this version: ks2c checks FILE.ks and reports its errors).\n"
	"\n"
	"Options:\n"
	"  -h, --help       show this help and exit\n"
	"  -V, --version    show the version and exit\n";

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("ks2c (kernelscript) %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs("ks2c: expected one FILE.ks\nTry 'ks2c --help' for more information.\n",
		      stderr);
		return 2;
	}
	struct front_options opts = { 0 };
	int status = run_front_end(argv[1], &opts, stderr, NULL);
	if (status != 0)
		return status;
	fputs("ks2c: error: C generation is not available in this version\n", stderr);
	return 1;
}
