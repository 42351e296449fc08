#include "templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

const char *template_text(struct arena *a, const char *name)
{
	const char *dir = getenv("KERNELSCRIPT_TEMPLATES");
	if (dir && *dir) {
		const char *why;
		struct source *src = source_load(a, arena_printf(a, "%s/%s", dir, name), &why);
		if (src)
			return src->text;
	}
	return template_builtin(name);
}

const char *template_builtin(const char *name)
{
	for (const struct template_file *t = template_files; t->name; t++)
		if (!strcmp(t->name, name))
			return t->text;
	return NULL;
}

static const char *template_var(const char *const *vars, const char *key, size_t len)
{
	for (; vars[0]; vars += 2)
		if (strlen(vars[0]) == len && !strncmp(vars[0], key, len))
			return vars[1];
	return NULL;
}

char *template_expand(struct arena *a, const char *text, const char *const *vars)
{
	size_t cap = strlen(text) * 2 + 64, len = 0;
	char *out = malloc(cap);
	if (!out)
		abort();
	for (const char *p = text; *p;) {
		const char *value = NULL;
		size_t skip = 1;
		if (p[0] == '@' && p[1] == '@') {
			value = "@";
			skip = 2;
		} else if (p[0] == '@') {
			const char *end = p + 1;
			while (*end == '_' || (*end >= 'A' && *end <= 'Z') ||
			       (*end >= 'a' && *end <= 'z') || (*end >= '0' && *end <= '9'))
				end++;
			if (*end == '@' && end > p + 1 &&
			    (value = template_var(vars, p + 1, (size_t)(end - p - 1))))
				skip = (size_t)(end - p) + 1;
		}
		size_t n = value ? strlen(value) : 1;
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *bigger = realloc(out, cap);
			if (!bigger)
				abort();
			out = bigger;
		}
		memcpy(out + len, value ? value : p, n);
		len += n;
		p += skip;
	}
	char *result = arena_strndup(a, out, len);
	free(out);
	return result;
}
