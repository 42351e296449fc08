/* ks2c: KernelScript to C, for review: prints the C that 'kernelscript
 * compile' would write. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emit.h"

static const char usage_text[] =
	"Usage: ks2c [OPTIONS] FILE.ks\n"
	"\n"
	"Print the C that kernelscript generates for FILE.ks: the shared types\n"
	"(NAME.h), the eBPF side (NAME.bpf.c) and the userspace side (NAME.c).\n"
	"\n"
	"Options:\n"
	"  --bpf            print only NAME.bpf.c\n"
	"  --user           print only NAME.c\n"
	"  --types          print only NAME.h\n"
	"  -o DIR           write the whole project into DIR instead, as compile does\n"
	"  -h, --help       show this help and exit\n"
	"  -V, --version    show the version and exit\n";

enum { ONLY_BPF = 1, ONLY_USER = 2, ONLY_TYPES = 4 };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bpf", no_argument, NULL, 'b' },
		{ "user", no_argument, NULL, 'u' },
		{ "types", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	unsigned only = 0;
	const char *dir = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': only |= ONLY_BPF; break;
		case 'u': only |= ONLY_USER; break;
		case 't': only |= ONLY_TYPES; break;
		case 'o': dir = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("ks2c (kernelscript) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fputs("Try 'ks2c --help' for more information.\n", stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs("ks2c: expected one FILE.ks\nTry 'ks2c --help' for more information.\n",
		      stderr);
		return 2;
	}
	struct front_options opts = { .plan = true };
	struct front_result front;
	int status = run_front_end(argv[optind], &opts, stderr, &front);
	if (status)
		return status;
	const struct checked_program *cp = front.program;
	const struct plan *plan = front.plan;
	if (dir) {
		status = emit_project(front.arena, front.diag, plan, dir, "");
	} else {
		/* Generate everything first: print nothing when any part fails. */
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		bool all = !only;
		if (all || (only & ONLY_TYPES)) {
			if (all)
				fprintf(out, "/* ==== %s.h ==== */\n", cp->name);
			emit_types_header(front.arena, front.diag, plan, out);
		}
		if (cp->has_programs && (all || (only & ONLY_BPF))) {
			if (all)
				fprintf(out, "\n/* ==== %s.bpf.c ==== */\n", cp->name);
			emit_bpf_file(front.arena, front.diag, plan, out);
		}
		if (all || (only & ONLY_USER)) {
			if (all)
				fprintf(out, "\n/* ==== %s.c ==== */\n", cp->name);
			emit_user_file(front.arena, front.diag, plan, out);
		}
		fclose(out);
		status = diag_error_count(front.diag) ? 1 : 0;
		if (!status)
			fwrite(text, 1, len, stdout);
		free(text);
	}
	arena_end(front.arena);
	return status;
}
