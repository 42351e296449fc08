/*
 * The runtime headers a project gets, trimmed to what its loader uses.
 *
 * ks_runtime.h, ks_state.h and ks_options.h hold everything any loader
 * may call; a program calls part of it.  The compiler would drop the rest
 * from the binary anyway (every function is static inline), but a person
 * reading the project would still read it.  So the headers are cut at
 * their top-level declarations, and a declaration is kept when the
 * loader's code reaches it: named in NAME.c, or named by a declaration
 * kept.  What is left builds to the same binary.  Where the declarations
 * are, and what each names, is known before (trim_index.h).
 */
#include "emit_internal.h"

#include <ctype.h>
#include <string.h>

#include "templates.h"
#include "trim_index.h"

struct trim {
	const struct trim_index *ix;
	uint32_t limit;			/* pieces past this are in headers not trimmed */
	bool *reached;			/* a name each */
	bool *kept;			/* a piece each */
	uint32_t *work, work_len;	/* names reached, not yet followed */
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void reach(struct trim *t, long name)
{
	if (name >= 0 && !t->reached[name]) {
		t->reached[name] = true;
		t->work[t->work_len++] = (uint32_t)name;
	}
}

/* Every name the headers declare that CODE uses outside its comments,
 * strings and character constants, reached. */
static void reach_uses(struct trim *t, const char *code)
{
	for (const char *p = code; *p;) {
		if (p[0] == '/' && p[1] == '*') {
			const char *close = strstr(p + 2, "*/");
			p = close ? close + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (*p == '"' || *p == '\'') {
			char quote = *p++;
			for (; *p && *p != quote && *p != '\n'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p == quote)
				p++;
		} else if (ident_char(*p)) {
			const char *start = p;
			while (ident_char(*p))
				p++;
			if (!isdigit((unsigned char)*start))	/* not a number's letters */
				reach(t, trim_index_find(t->ix, start, (size_t)(p - start)));
		} else {
			p++;
		}
	}
}

/* What the names reached reach in turn. */
static void follow(struct trim *t)
{
	const struct trim_index *ix = t->ix;
	while (t->work_len) {
		const struct trim_name *name = &ix->names[t->work[--t->work_len]];
		for (uint32_t i = 0; i < name->n_decls; i++) {
			uint32_t piece = ix->decl_pieces[name->decls + i];
			if (piece >= t->limit || t->kept[piece])
				continue;
			t->kept[piece] = true;
			const struct trim_piece *p = &ix->pieces[piece];
			for (uint32_t j = 0; j < p->n_uses; j++)
				reach(t, ix->use_names[p->uses + j]);
		}
	}
}

/* Whether piece I of those [.., LAST) goes out: not when it is not kept,
 * nor when it is the comment right above one not kept. */
static bool goes_out(const struct trim *t, uint32_t i, uint32_t last)
{
	const struct trim_piece *p = &t->ix->pieces[i];
	if ((p->flags & TRIM_DECLARES) && !t->kept[i])
		return false;
	return !(p->flags & TRIM_COMMENT) || i + 1 == last ||
	       !(t->ix->pieces[i + 1].flags & TRIM_DECLARES) || t->kept[i + 1];
}

/* Header H's TEXT as the slices of it that go out, pieces in a row
 * joined, and without the blank lines that would then come two in a row.
 * What the pieces hold is known from their flags: the text itself is read
 * only when it is written. */
static struct text_slices assemble(struct arena *a, const struct trim *t, size_t h,
				   const char *text)
{
	const struct trim_index *ix = t->ix;
	uint32_t first = ix->header_pieces[h], last = ix->header_pieces[h + 1];
	struct text_slices out = { arena_alloc(a, (last - first + 1) * sizeof(*out.v)), 0 };
	bool newline = false, blank = false;	/* the text so far ends with one, two */
	for (uint32_t i = first; i < last; i++) {
		const struct trim_piece *p = &ix->pieces[i];
		if (!goes_out(t, i, last))
			continue;
		if ((p->flags & TRIM_BLANK) && (!out.n || blank))
			continue;
		if (out.n && (const char *)out.v[out.n - 1].iov_base + out.v[out.n - 1].iov_len ==
			     text + p->start)
			out.v[out.n - 1].iov_len += p->end - p->start;
		else
			out.v[out.n++] = (struct iovec){ (char *)text + p->start, p->end - p->start };
		bool ends_line = p->flags & TRIM_ENDS_LINE;
		blank = p->end - p->start >= 2 ? (p->flags & TRIM_ENDS_BLANK) != 0 : newline && ends_line;
		newline = ends_line;
	}
	return out;
}

/* The index of headers NAMES[0..N): the one built in when TEXTS are the
 * built-in texts, else one made now. */
static const struct trim_index *index_of(struct arena *a, const char *const *names,
					 const char *const *texts, size_t n)
{
	bool builtin = n <= trim_builtin.n_headers;
	for (size_t i = 0; builtin && i < n; i++)
		builtin = !strcmp(trim_builtin.header_names[i], names[i]) &&
			  texts[i] == template_builtin(names[i]);
	return builtin ? &trim_builtin : trim_index_build(a, names, texts, n);
}

void emit_trim(struct arena *a, const char *const *users, const char *const *names,
	       const char *const *texts, size_t n, struct text_slices *out)
{
	const struct trim_index *ix = index_of(a, names, texts, n);
	struct trim t = {
		.ix = ix,
		.limit = ix->header_pieces[n],
		.reached = arena_alloc(a, ix->n_names + 1),
		.kept = arena_alloc(a, ix->header_pieces[ix->n_headers] + 1),
		.work = arena_alloc(a, (ix->n_names + 1) * sizeof(uint32_t)),
	};
	for (const char *const *u = users; *u; u++)
		reach_uses(&t, *u);
	follow(&t);
	for (size_t i = 0; i < n; i++)
		out[i] = assemble(a, &t, i, texts[i]);
}
