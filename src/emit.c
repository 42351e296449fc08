/* The emit stage: the output directory and the files in it. */
#include "emit_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "templates.h"

static bool write_text(struct diag *d, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		diag_error_plain(d, "cannot write '%s': %s", path, strerror(errno));
		return false;
	}
	return true;
}

typedef void (*file_writer)(struct arena *, struct diag *, const struct checked_program *,
			    FILE *);

/* Writes one generated C file: to memory first, so that a file with an
 * error in it is never left behind. */
static bool write_c(struct arena *a, struct diag *d, const struct checked_program *cp,
		    const char *path, file_writer writer)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned errors = diag_error_count(d);
	writer(a, d, cp, f);
	fclose(f);
	bool ok = diag_error_count(d) == errors && write_text(d, path, text);
	free(text);
	return ok;
}

static bool make_dir(struct diag *d, const char *dir)
{
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return true;
	diag_error_plain(d, "cannot create directory '%s': %s", dir, strerror(errno));
	return false;
}

static bool write_template(struct arena *a, struct diag *d, const char *template,
			   const char *path, const char *const *vars)
{
	const char *text = template_text(a, template);
	if (!text) {
		diag_error_plain(d, "template '%s' is missing", template);
		return false;
	}
	return write_text(d, path, template_expand(a, text, vars));
}

/* A file copied as it is, with no @KEY@ expansion. */
static bool copy_template(struct arena *a, struct diag *d, const char *template,
			  const char *path)
{
	const char *text = template_text(a, template);
	if (!text) {
		diag_error_plain(d, "template '%s' is missing", template);
		return false;
	}
	return write_text(d, path, text);
}

int emit_project(struct arena *a, struct diag *d, const struct checked_program *cp,
		 const char *dir)
{
	if (!make_dir(d, dir))
		return 1;
	struct emitter e = { .arena = a, .cp = cp };
	const char *vars[] = { "NAME", cp->name, "SKELETON", c_skeleton(&e), NULL };
	const char *base = arena_printf(a, "%s/%s", dir, cp->name);
	bool ok = write_c(a, d, cp, arena_printf(a, "%s.h", base), emit_types_header) &&
		  write_c(a, d, cp, arena_printf(a, "%s.c", base), emit_user_file);
	if (ok && cp->has_programs)
		ok = write_c(a, d, cp, arena_printf(a, "%s.bpf.c", base), emit_bpf_file) &&
		     copy_template(a, d, "skeleton/ks_runtime.h",
				   arena_printf(a, "%s/ks_runtime.h", dir));
	if (ok)
		ok = write_template(a, d, cp->has_programs ? "build/Makefile.in" : "build/Makefile.user.in",
				    arena_printf(a, "%s/Makefile", dir), vars) &&
		     write_template(a, d, "build/README.md.in",
				    arena_printf(a, "%s/README.md", dir), vars);
	return ok ? 0 : 1;
}
