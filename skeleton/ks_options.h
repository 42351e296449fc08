/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ks_options.h - the command line of a program kernelscript generated:
 * -h/--help, -v/--verbose, and a --NAME option for each member of the
 * struct that main() takes.
 *
 * main() describes its options in a table, and ks_parse_command_line()
 * fills the struct from argv, answers --help, and rejects mistakes:
 *
 *	struct Args args = {};
 *	struct ks_option options[] = {
 *		{
 *			.name = "interface", .value = "NAME",
 *			.help = "the network interface to attach to",
 *			.kind = KS_OPT_TEXT, .target = KS_TARGET_INTERFACE,
 *			.place = args.interface, .size = sizeof(args.interface),
 *		},
 *		{
 *			.name = "seconds", .value = "NUMBER",
 *			.kind = KS_OPT_NUMBER, .min = 0, .max = UINT32_MAX,
 *			.place = &args.seconds, .size = sizeof(args.seconds),
 *		},
 *	};
 *	struct ks_command_line cli = {
 *		.about = "Counts packets.\n",
 *		.options = options,
 *		.nr_options = sizeof(options) / sizeof(options[0]),
 *	};
 *	int status = ks_parse_command_line(&cli, argc, argv);
 *
 *	if (status != KS_RUN)
 *		return status;		(0 after --help, 2 after a mistake)
 *
 * A program without options leaves .options NULL.  Options are written
 * --NAME=VALUE or --NAME VALUE; a flag is --NAME alone.  Nothing else is
 * accepted: the programs take no positional arguments.
 *
 * Header only and without libbpf: a program with no eBPF side includes
 * it alone, a loader through ks_runtime.h.  Every function is static
 * inline, and one translation unit includes it.
 */
#ifndef KS_OPTIONS_H
#define KS_OPTIONS_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What ks_parse_command_line() returns when the program should run. */
#define KS_RUN (-1)

/* Exit status after a mistake on the command line, as for other tools. */
#define KS_USAGE_ERROR 2

/* --help wraps descriptions before this column. */
#define KS_HELP_WIDTH 79
/* ... and starts them here, or further right for longer options. */
#define KS_HELP_MIN_COLUMN 24
#define KS_HELP_MAX_COLUMN 32

enum ks_option_kind {
	KS_OPT_FLAG,		/* a bool: --NAME sets it and takes no value */
	KS_OPT_TEXT,		/* a char array: --NAME=TEXT, shorter than .size */
	KS_OPT_NUMBER,		/* an integer of .size bytes, from .min to .max */
	KS_OPT_LIST,		/* up to .count such integers: --NAME=1,2,3 */
};

/* What attach() uses an option's text for: a loader asked to attach to
 * an empty target names the option to give (ks_options_for_target). */
enum ks_target {
	KS_TARGET_NONE,
	KS_TARGET_INTERFACE,	/* XDP and tc programs: a network interface */
	KS_TARGET_TRACEPOINT,	/* tracepoint programs: "category/event" */
	KS_TARGET_FUNCTION,	/* kprobes: a kernel function */
	KS_TARGET_SYSCALL,	/* syscall probes: a system call */
};

struct ks_option {
	const char *name;	/* --NAME */
	const char *value;	/* what --help calls the value; NULL for a flag */
	const char *help;	/* what it is for, one paragraph; may be NULL */
	enum ks_option_kind kind;
	enum ks_target target;	/* KS_OPT_TEXT: what attach() uses it for */
	long long min;		/* KS_OPT_NUMBER, LIST: the range, signed when min < 0 */
	unsigned long long max;
	size_t count;		/* KS_OPT_LIST: how many numbers at most */
	void *place;		/* where the value goes: a member of main's struct */
	size_t size;		/* sizeof that member */
};

struct ks_command_line {
	const char *about;		/* what the program does, lines ending in '\n'; or NULL */
	struct ks_option *options;	/* the program's own options, or NULL */
	size_t nr_options;
	const char *verbose_help;	/* what -v does, when not the default */
	bool verbose;			/* set by -v */
	const char *program;		/* set to argv[0] */
	/* a program with a kernel module of kfuncs: its name, which makes
	   --kfunc-module=PATH an option, and the path that option gave */
	const char *kfunc_module;
	const char *kfunc_module_path;
	/* programs that attach by themselves (@xdp on eth0, no main):
	   --interface=NAME for every network program, --on PROG=TARGET for
	   one, as often as there are programs */
	bool direct_attach;
	const char *interface;
	const char *on[16];
	size_t nr_on;
	/* a test runner (compile --test): --filter NAME runs the tests whose
	   names hold NAME */
	bool tests;
	const char *test_filter;
	/* a program that keeps its state in /sys/fs/bpf/STATE_NAME/run-state
	   (ks_state.h): --upgrade, --status and --rollback, unless the
	   program has options of those names itself */
	const char *state_name;
	unsigned long long source_hash;
	bool upgrade, status, rollback;
};

/* The command line ks_parse_command_line() read last: the attach
 * functions look in it for the option that names a missing target. */
static struct ks_command_line *ks_parsed_command_line;

static inline const char *ks_target_name(enum ks_target target)
{
	switch (target) {
	case KS_TARGET_INTERFACE:
		return "network interface";
	case KS_TARGET_TRACEPOINT:
		return "tracepoint";
	case KS_TARGET_FUNCTION:
		return "kernel function";
	case KS_TARGET_SYSCALL:
		return "system call";
	case KS_TARGET_NONE:
		break;
	}
	return "target";
}

/*
 * Writes TEXT, the cursor being at column COL, as words wrapped before
 * KS_HELP_WIDTH; continuation lines start at column INDENT.  A word
 * longer than a line stays whole.
 */
static inline void ks_print_wrapped(FILE *out, const char *text, size_t col, size_t indent)
{
	const char *word = text;
	bool first = true;

	for (;;) {
		size_t len;

		word += strspn(word, " \t\n");
		if (!*word)
			break;
		len = strcspn(word, " \t\n");
		if (!first && col + 1 + len > KS_HELP_WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(word, 1, len, out);
		col += len;
		word += len;
		first = false;
	}
	fputc('\n', out);
}

/* One line of the option list: LEFT ("  -v, --verbose"), then HELP at
 * COLUMN, or on the next line when LEFT reaches it. */
static inline void ks_print_option(FILE *out, const char *left, const char *help,
				   size_t column)
{
	size_t width = strlen(left);

	fputs(left, out);
	if (!help || !*help) {
		fputc('\n', out);
		return;
	}
	if (width + 2 > column) {
		fprintf(out, "\n%*s", (int)column, "");
	} else {
		fprintf(out, "%*s", (int)(column - width), "");
	}
	ks_print_wrapped(out, help, column, column);
}

/* "      --NAME=VALUE" into BUF: long options only, lined up under the
 * long names of "-v, --verbose". */
static inline const char *ks_option_left(char *buf, size_t size, const struct ks_option *o)
{
	snprintf(buf, size, "      --%s%s%s", o->name, o->value ? "=" : "",
		 o->value ? o->value : "");
	return buf;
}

/* The option called NAME (LEN bytes), or NULL. */
static inline struct ks_option *ks_find_option(const struct ks_command_line *cli,
					       const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < cli->nr_options; i++)
		if (strlen(cli->options[i].name) == len &&
		    !strncmp(cli->options[i].name, name, len))
			return &cli->options[i];
	return NULL;
}

/* The help: usage line, what the program does, the options. */
static inline void ks_usage(FILE *out, const struct ks_command_line *cli)
{
	const char *verbose_help = cli->verbose_help ? cli->verbose_help :
		"show libbpf's messages, such as the verifier's log";
	size_t column = KS_HELP_MIN_COLUMN;
	char left[128];
	size_t i;

	/* the descriptions start two columns after the longest option */
	for (i = 0; i < cli->nr_options; i++) {
		size_t width = strlen(ks_option_left(left, sizeof(left), &cli->options[i])) + 2;

		if (width > column && width <= KS_HELP_MAX_COLUMN)
			column = width;
	}
	fprintf(out, "Usage: %s [OPTIONS]\n", cli->program);
	if (cli->about && *cli->about)
		fprintf(out, "\n%s", cli->about);
	fprintf(out, "\nOptions:\n");
	for (i = 0; i < cli->nr_options; i++) {
		const struct ks_option *o = &cli->options[i];

		ks_print_option(out, ks_option_left(left, sizeof(left), o), o->help, column);
	}
	if (cli->tests)
		ks_print_option(out, "      --filter=NAME", "run only the tests whose names "
				"hold NAME", column);
	if (cli->direct_attach) {
		ks_print_option(out, "      --interface=NAME", "attach every network program to NAME, "
				"not to the interface its attribute names", column);
		ks_print_option(out, "      --on PROGRAM=TARGET", "attach PROGRAM to TARGET, not to the "
				"target its attribute names", column);
	}
	if (cli->state_name) {
		static const char *const lifecycle[][2] = {
			{ "upgrade", "take over from the running version of this program: "
			  "its maps, and its attachments without a gap" },
			{ "status", "show the running version, its links and maps, and exit" },
			{ "rollback", "put the previous version's programs back into the running "
			  "version's links, and exit" },
		};

		for (i = 0; i < sizeof(lifecycle) / sizeof(lifecycle[0]); i++) {
			if (ks_find_option(cli, lifecycle[i][0], strlen(lifecycle[i][0])))
				continue;	/* the program's own */
			snprintf(left, sizeof(left), "      --%s", lifecycle[i][0]);
			ks_print_option(out, left, lifecycle[i][1], column);
		}
	}
	if (cli->kfunc_module) {
		char help[160];

		snprintf(help, sizeof(help), "the kernel module of the kfuncs (default: %s.ko "
			 "beside this program)", cli->kfunc_module);
		ks_print_option(out, "      --kfunc-module=PATH", help, column);
	}
	ks_print_option(out, "  -v, --verbose", verbose_help, column);
	ks_print_option(out, "  -h, --help", "show this help and exit", column);
}

/* A mistake on the command line: one line on stderr, and the status. */
__attribute__((format(printf, 2, 3)))
static inline int ks_usage_error(const struct ks_command_line *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try '%s --help'\n", cli->program);
	return KS_USAGE_ERROR;
}

/* TEXT as a number in O's range, into O's place.  0, or -1 when it is
 * not one. */
static inline int ks_set_number(const struct ks_option *o, const char *text)
{
	unsigned long long value;
	char *end;

	errno = 0;
	if (o->min < 0 && text[0] == '-') {
		long long n = strtoll(text, &end, 0);

		if (errno || *end || end == text || n < o->min)
			return -1;
		value = (unsigned long long)n;
	} else {
		value = strtoull(text, &end, 0);
		if (errno || *end || end == text || text[0] == '-' || value > o->max)
			return -1;
	}
	/* the low bytes: two's complement keeps a negative value's sign */
	switch (o->size) {
	case 1:
		*(uint8_t *)o->place = (uint8_t)value;
		return 0;
	case 2:
		*(uint16_t *)o->place = (uint16_t)value;
		return 0;
	case 4:
		*(uint32_t *)o->place = (uint32_t)value;
		return 0;
	case 8:
		*(uint64_t *)o->place = (uint64_t)value;
		return 0;
	}
	return -1;
}

/* --NAME=1,2,3: each number into the next element of O's place, the
 * elements after the last zeroed.  KS_RUN, or the exit status. */
static inline int ks_set_list(const struct ks_command_line *cli, const struct ks_option *o,
			      const char *text)
{
	struct ks_option one = *o;
	const char *p = text;
	char item[32];
	size_t n = 0;

	memset(o->place, 0, o->size * o->count);
	while (*p) {
		size_t len = strcspn(p, ",");

		if (n == o->count)
			return ks_usage_error(cli, "--%s: more than %zu numbers in '%s'",
					      o->name, o->count, text);
		if (len >= sizeof(item))
			len = sizeof(item) - 1;	/* too long: not a number either */
		memcpy(item, p, len);
		item[len] = 0;
		one.place = (char *)o->place + n * o->size;
		if (ks_set_number(&one, item))
			return ks_usage_error(cli, "--%s: '%s' is not a number from %lld to %llu",
					      o->name, item, o->min, o->max);
		n++;
		p += strcspn(p, ",");
		if (*p == ',' && !*++p)
			return ks_usage_error(cli, "--%s: '%s' ends with a comma", o->name, text);
	}
	return KS_RUN;
}

/* --NAME=TEXT: TEXT into O's place.  KS_RUN, or the exit status. */
static inline int ks_set_option(const struct ks_command_line *cli, const struct ks_option *o,
				const char *text)
{
	switch (o->kind) {
	case KS_OPT_FLAG:
		*(bool *)o->place = true;
		return KS_RUN;
	case KS_OPT_TEXT:
		if (strlen(text) >= o->size)
			return ks_usage_error(cli, "--%s: '%s' is longer than %zu characters",
					      o->name, text, o->size - 1);
		strcpy(o->place, text);
		return KS_RUN;
	case KS_OPT_NUMBER:
		if (ks_set_number(o, text) == 0)
			return KS_RUN;
		return ks_usage_error(cli, "--%s: '%s' is not a number from %lld to %llu",
				      o->name, text, o->min, o->max);
	case KS_OPT_LIST:
		return ks_set_list(cli, o, text);
	}
	return KS_RUN;
}

/* argv[*i], a long option ("--NAME", "--NAME=VALUE"; a VALUE may also be
 * the next argument, which *i then moves past).  KS_RUN, or the exit
 * status. */
static inline int ks_long_option(struct ks_command_line *cli, int argc, char **argv, int *i)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	struct ks_option *o;

	if ((len == 4 && !strncmp(arg, "help", 4)) || (len == 7 && !strncmp(arg, "verbose", 7))) {
		if (eq)
			return ks_usage_error(cli, "--%.*s takes no value", (int)len, arg);
		if (arg[0] == 'v') {
			cli->verbose = true;
			return KS_RUN;
		}
		ks_usage(stdout, cli);
		return 0;
	}
	if (cli->direct_attach && ((len == 9 && !strncmp(arg, "interface", 9)) ||
				   (len == 2 && !strncmp(arg, "on", 2)))) {
		const char *value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;

		if (!value || !*value)
			return ks_usage_error(cli, "--%.*s needs a value: %s", (int)len, arg,
					      len == 2 ? "--on PROGRAM=TARGET" : "--interface=NAME");
		if (len == 9) {
			cli->interface = value;
			return KS_RUN;
		}
		if (!strchr(value, '=') || value[0] == '=' || !strchr(value, '=')[1])
			return ks_usage_error(cli, "--on takes PROGRAM=TARGET, not '%s'", value);
		if (cli->nr_on == sizeof(cli->on) / sizeof(cli->on[0]))
			return ks_usage_error(cli, "--on is given too often");
		cli->on[cli->nr_on++] = value;
		return KS_RUN;
	}
	if (cli->tests && len == 6 && !strncmp(arg, "filter", 6)) {
		if (!eq && *i + 1 >= argc)
			return ks_usage_error(cli, "--filter needs a value: --filter=NAME");
		cli->test_filter = eq ? eq + 1 : argv[++*i];
		return KS_RUN;
	}
	if (cli->kfunc_module && len == 12 && !strncmp(arg, "kfunc-module", 12)) {
		if (!eq && *i + 1 >= argc)
			return ks_usage_error(cli, "--kfunc-module needs a value: --kfunc-module=PATH");
		cli->kfunc_module_path = eq ? eq + 1 : argv[++*i];
		return KS_RUN;
	}
	o = ks_find_option(cli, arg, len);
	if (!o && cli->state_name) {
		bool *flag = len == 7 && !strncmp(arg, "upgrade", 7) ? &cli->upgrade
			     : len == 6 && !strncmp(arg, "status", 6) ? &cli->status
			     : len == 8 && !strncmp(arg, "rollback", 8) ? &cli->rollback : NULL;

		if (flag && eq)
			return ks_usage_error(cli, "--%.*s takes no value", (int)len, arg);
		if (flag) {
			*flag = true;
			if (cli->upgrade + cli->status + cli->rollback > 1)
				return ks_usage_error(cli, "--upgrade, --status and --rollback "
						      "go one at a time");
			return KS_RUN;
		}
	}
	if (!o)
		return ks_usage_error(cli, "unknown option '--%.*s'", (int)len, arg);
	if (o->kind == KS_OPT_FLAG) {
		if (eq)
			return ks_usage_error(cli, "--%s takes no value", o->name);
		return ks_set_option(cli, o, NULL);
	}
	if (eq)
		return ks_set_option(cli, o, eq + 1);
	if (*i + 1 >= argc)
		return ks_usage_error(cli, "--%s needs a value: --%s=%s", o->name, o->name, o->value);
	return ks_set_option(cli, o, argv[++*i]);
}

/*
 * Where the program NAME attaches, when it attaches by itself: what
 * --on NAME=TARGET says, else for a NETWORK program what --interface
 * says, else WRITTEN, its attribute's target.
 */
static inline const char *ks_direct_target(const struct ks_command_line *cli, const char *name,
					   const char *written, bool network)
{
	size_t i, len = strlen(name);

	for (i = cli->nr_on; i-- > 0;)
		if (!strncmp(cli->on[i], name, len) && cli->on[i][len] == '=')
			return cli->on[i] + len + 1;
	if (network && cli->interface)
		return cli->interface;
	return written;
}

/*
 * Whether each --on PROGRAM=TARGET names one of NAMES (NULL-terminated):
 * 0, or after a usage error its status.
 */
static inline int ks_check_on(const struct ks_command_line *cli, const char *const *names)
{
	size_t i;

	for (i = 0; i < cli->nr_on; i++) {
		const char *const *n;
		size_t len = (size_t)(strchr(cli->on[i], '=') - cli->on[i]);

		for (n = names; *n; n++)
			if (strlen(*n) == len && !strncmp(*n, cli->on[i], len))
				break;
		if (!*n)
			return ks_usage_error(cli, "--on %s: no program here is named '%.*s'",
					      cli->on[i], (int)len, cli->on[i]);
	}
	return 0;
}

/*
 * CLI is main's, whose frame outlives every use (the attach functions').
 * Not inlined: GCC 12's -Wdangling-pointer would take main's returns,
 * seen from inside, for the end of CLI.
 */
static __attribute__((noinline, unused)) void ks_remember_command_line(struct ks_command_line *cli)
{
	ks_parsed_command_line = cli;
}

/*
 * Reads the command line into CLI's options and CLI->verbose.  Returns
 * KS_RUN when the program should go on, otherwise the status to exit
 * with: 0 after --help (printed on stdout), KS_USAGE_ERROR after a
 * mistake (one line on stderr).
 */
static inline int ks_parse_command_line(struct ks_command_line *cli, int argc, char **argv)
{
	int i, status;

	cli->program = argc > 0 && argv[0] ? argv[0] : "program";
	ks_remember_command_line(cli);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {	/* options end; nothing may follow */
			if (i + 1 < argc)
				return ks_usage_error(cli, "unexpected argument '%s'", argv[i + 1]);
			break;
		}
		if (arg[0] != '-' || !arg[1])
			return ks_usage_error(cli, "unexpected argument '%s'", arg);
		if (arg[1] == '-') {
			status = ks_long_option(cli, argc, argv, &i);
			if (status != KS_RUN)
				return status;
			continue;
		}
		/* short options, alone or together: -v, -h, -vh */
		for (arg++; *arg; arg++) {
			if (*arg == 'v') {
				cli->verbose = true;
			} else if (*arg == 'h') {
				ks_usage(stdout, cli);
				return 0;
			} else {
				return ks_usage_error(cli, "unknown option '-%c'", *arg);
			}
		}
	}
	return KS_RUN;
}

/*
 * The options whose text attach() uses as a TARGET and that are empty,
 * for the message about a missing target: "--interface=NAME", or
 * "--in=NAME or --out=NAME"; into BUF, which stays "" when there is none.
 */
static inline const char *ks_options_for_target(char *buf, size_t size, enum ks_target target)
{
	const struct ks_command_line *cli = ks_parsed_command_line;
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; cli && i < cli->nr_options; i++) {
		const struct ks_option *o = &cli->options[i];

		if (o->kind != KS_OPT_TEXT || o->target != target || *(const char *)o->place)
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s--%s=%s",
					len ? " or " : "", o->name, o->value);
		if (len >= size)
			break;
	}
	return buf;
}

#endif /* KS_OPTIONS_H */
