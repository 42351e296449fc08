/*
 * trim-index SRCDIR HEADER...: prints trim_data.c, the index of the
 * runtime headers built into kernelscript (trim_index.h), so that
 * kernelscript need not work it out on every compile.  Run by the build;
 * each HEADER is a path under SRCDIR and the template name it has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "trim_index.h"

static const char *read_file(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "trim-index: cannot read '%s': %s\n", path, strerror(errno));
		exit(1);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *copy = open_memstream(&text, &len);
	char buf[8192];
	for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;)
		fwrite(buf, 1, n, copy);
	fclose(f);
	fclose(copy);
	const char *kept = arena_strndup(a, text, len);
	free(text);
	return kept;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: trim-index SRCDIR HEADER...\n", stderr);
		return 2;
	}
	struct arena *a = arena_new();
	size_t n = (size_t)argc - 2;
	const char **texts = arena_alloc(a, n * sizeof(*texts));
	for (size_t i = 0; i < n; i++)
		texts[i] = read_file(a, arena_printf(a, "%s/%s", argv[1], argv[i + 2]));
	trim_index_print(stdout, trim_index_build(a, (const char *const *)argv + 2, texts, n));
	arena_free(a);
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
