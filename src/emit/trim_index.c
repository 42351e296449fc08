/*
 * Finding the top-level declarations of the runtime headers, what each
 * declares and what each uses (trim_index.h).
 *
 * The headers are ours, written in a plain layout this relies on: a
 * declaration starts in column 0 and ends on a line ending with ';' or
 * '}' at brace depth 0; a comment right above it (no blank line between)
 * belongs to it; preprocessor lines stand alone, and only a #define with
 * a value names something (one without is a flag or an include guard).
 * Anything else (blank lines, comments, #include, #if) is kept as it is.
 */
#include "trim_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* One piece of a header: lines [start, end) of it. */
struct piece {
	size_t start, end;		/* byte offsets */
	bool declares;			/* kept only when reached */
	bool comment;			/* a comment, kept with what follows */
	uint32_t index;			/* among all headers' pieces */
	struct vec names;		/* what it declares */
	struct vec uses;		/* struct name_slot *: the identifiers in it */
};

/* A name and the pieces declaring it. */
struct name_slot {
	const char *name;
	struct vec pieces;
	uint32_t index;			/* in the sorted names */
	uint32_t last_user;		/* 1 + the last piece counted as using it */
};

struct trim {
	struct arena *arena;
	struct name_slot **slots;	/* open addressing, at most half full */
	size_t cap, len;
};

static size_t hash(const char *s, size_t len)
{
	size_t h = 5381;
	for (size_t i = 0; i < len; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

static size_t find(struct name_slot **slots, size_t cap, const char *name, size_t len)
{
	size_t i = hash(name, len) & (cap - 1);
	while (slots[i] && (strncmp(slots[i]->name, name, len) || slots[i]->name[len]))
		i = (i + 1) & (cap - 1);
	return i;
}

/* The slot of the name NAME[0, LEN), made (and the name copied) when it
 * has none. */
static struct name_slot *slot_n(struct trim *t, const char *name, size_t len)
{
	if (2 * (t->len + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct name_slot **slots = arena_alloc(t->arena, cap * sizeof(*slots));
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i])
				slots[find(slots, cap, t->slots[i]->name,
					   strlen(t->slots[i]->name))] = t->slots[i];
		t->slots = slots;
		t->cap = cap;
	}
	size_t i = find(t->slots, t->cap, name, len);
	if (!t->slots[i]) {
		t->slots[i] = arena_alloc(t->arena, sizeof(**t->slots));
		t->slots[i]->name = arena_strndup(t->arena, name, len);
		t->len++;
	}
	return t->slots[i];
}

static struct name_slot *slot(struct trim *t, const char *name)
{
	return slot_n(t, name, strlen(name));
}

/* The slot of NAME[0, LEN) when a piece declares it, else NULL. */
static struct name_slot *declared(const struct trim *t, const char *name, size_t len)
{
	struct name_slot *s = t->cap ? t->slots[find(t->slots, t->cap, name, len)] : NULL;
	return s && s->pieces.len ? s : NULL;
}

/* TEXT with its comments, strings and character constants blanked out
 * (newlines kept), so that braces and identifiers are code's alone. */
static char *blank(struct arena *a, const char *text)
{
	size_t len = strlen(text);
	char *out = arena_strndup(a, text, len);
	for (size_t i = 0; i < len;) {
		size_t end = i + 1;
		if (text[i] == '/' && text[i + 1] == '*') {
			const char *close = strstr(text + i + 2, "*/");
			end = close ? (size_t)(close - text) + 2 : len;
		} else if (text[i] == '/' && text[i + 1] == '/') {
			const char *nl = strchr(text + i, '\n');
			end = nl ? (size_t)(nl - text) : len;
		} else if (text[i] == '"' || text[i] == '\'') {
			for (end = i + 1; end < len && text[end] != text[i] && text[end] != '\n'; end++)
				if (text[end] == '\\')
					end++;
			if (end < len)
				end++;
		} else {
			i++;
			continue;
		}
		for (size_t j = i; j < end; j++)
			if (out[j] != '\n')
				out[j] = ' ';
		i = end;
	}
	return out;
}

static bool ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Every identifier of CODE[start, end) pushed to OUT: with T, the slot of
 * each one a piece declares (the others cannot reach anything), else a
 * copy of each. */
static void identifiers(struct arena *a, struct trim *t, const char *code, size_t start,
			size_t end, struct vec *out)
{
	for (size_t i = start; i < end;) {
		if (!ident_start(code[i]) || (i > start && ident_char(code[i - 1]))) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < end && ident_char(code[j]))
			j++;
		void *item = t ? (void *)declared(t, code + i, j - i)
			       : (void *)arena_strndup(a, code + i, j - i);
		if (item)
			vec_push(a, out, item);
		i = j;
	}
}

/* The identifier that ends right before CODE[at] (spaces skipped), or NULL. */
static const char *identifier_before(struct arena *a, const char *code, size_t start, size_t at)
{
	while (at > start && isspace((unsigned char)code[at - 1]))
		at--;
	size_t end = at;
	while (at > start && ident_char(code[at - 1]))
		at--;
	return at < end && ident_start(code[at]) ? arena_strndup(a, code + at, end - at) : NULL;
}

/* The names declaration CODE[start, end) gives: a function's, a struct,
 * union or enum tag with an enum's constants, or a variable's. */
static void declared_names(struct arena *a, const char *code, size_t start, size_t end,
			   struct vec *out)
{
	size_t brace = start, paren = 0;
	while (brace < end && code[brace] != '{')
		brace++;
	/* the first '(' that is not __attribute__'s */
	for (size_t i = start; i < brace && !paren && code[i] != '='; i++) {
		if (!strncmp(code + i, "__attribute__", 13)) {
			int depth = 0;
			for (i += 13; i < brace; i++) {
				depth += code[i] == '(' ? 1 : code[i] == ')' ? -1 : 0;
				if (code[i] == ')' && !depth)
					break;
			}
		} else if (code[i] == '(') {
			paren = i;
		}
	}
	const char *tagged = NULL;
	bool assigned = false;		/* an initializer: a variable */
	for (size_t i = start; i < brace; i++) {
		assigned = assigned || code[i] == '=';
		if (!tagged && (i == start || !ident_char(code[i - 1])) &&
		    (!strncmp(code + i, "struct ", 7) || !strncmp(code + i, "union ", 6) ||
		     !strncmp(code + i, "enum ", 5)))
			tagged = code + i;
	}
	if (brace < end && !paren && tagged && !assigned) {
		const char *tag = identifier_before(a, code, start, brace);
		if (tag)
			vec_push(a, out, (void *)tag);
		size_t close = end;
		while (close > brace && code[close - 1] != '}')
			close--;
		if (!strncmp(tagged, "enum", 4)) {
			/* the first identifier of each comma-separated part */
			bool want = true;
			for (size_t i = brace + 1; i + 1 < close; i++) {
				if (code[i] == ',')
					want = true;
				else if (want && ident_start(code[i])) {
					size_t j = i;
					while (ident_char(code[j]))
						j++;
					vec_push(a, out, arena_strndup(a, code + i, j - i));
					want = false;
					i = j - 1;
				}
			}
		}
		identifiers(a, NULL, code, close, end, out);	/* typedef or variable names */
		return;
	}
	if (paren) {
		const char *fn = identifier_before(a, code, start, paren);
		if (fn)
			vec_push(a, out, (void *)fn);
		return;
	}
	size_t stop = start;
	while (stop < end && !strchr("=[;", code[stop]))
		stop++;
	const char *var = identifier_before(a, code, start, stop);
	if (var)
		vec_push(a, out, (void *)var);
}

static size_t line_end(const char *text, size_t at)
{
	const char *nl = strchr(text + at, '\n');
	return nl ? (size_t)(nl - text) + 1 : strlen(text);
}

/* Whether CODE[start, end) holds nothing but spaces. */
static bool is_blank(const char *code, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		if (!isspace((unsigned char)code[i]))
			return false;
	return true;
}

/* The last line of a declaration starting at AT: brace depth back at 0
 * and the line ending with ';' or '}'. */
static size_t declaration_end(const char *code, size_t at)
{
	int depth = 0;
	for (;;) {
		size_t end = line_end(code, at);
		if (end == at)
			return at;
		size_t last = end;
		for (size_t i = at; i < end; i++)
			depth += code[i] == '{' ? 1 : code[i] == '}' ? -1 : 0;
		while (last > at && isspace((unsigned char)code[last - 1]))
			last--;
		at = end;
		if (depth <= 0 && last > 0 && (code[last - 1] == ';' || code[last - 1] == '}'))
			return end;
	}
}

/* A "#ifndef X / #define X value / #endif" at AT: its end, else 0. */
static size_t fallback_define(struct arena *a, const char *code, size_t at, struct vec *names)
{
	if (strncmp(code + at, "#ifndef ", 8))
		return 0;
	size_t second = line_end(code, at), third = line_end(code, second);
	size_t name_len = strcspn(code + at + 8, " \t\n");
	const char *name = arena_strndup(a, code + at + 8, name_len);
	if (strncmp(code + second, "#define ", 8) || strncmp(code + second + 8, name, name_len) ||
	    !isspace((unsigned char)code[second + 8 + name_len]) || code[second + 8 + name_len] == '\n' ||
	    strncmp(code + third, "#endif", 6))
		return 0;	/* an include guard (#define with no value) is kept */
	vec_push(a, names, (void *)name);
	return line_end(code, third);
}

/* TEXT cut into pieces, each declaring piece's names in T (what each
 * uses comes once every header is cut: uses()). */
static struct vec cut(struct trim *t, const char *text, const char *code)
{
	struct arena *a = t->arena;
	struct vec pieces = { 0 };
	for (size_t at = 0; text[at];) {
		struct piece *p = arena_alloc(a, sizeof(*p));
		p->start = at;
		size_t end = line_end(text, at);
		if (is_blank(code, at, end) && !is_blank(text, at, end)) {
			p->comment = true;	/* a comment, with the comment lines after it */
			while (text[end] && is_blank(code, end, line_end(text, end)) &&
			       !is_blank(text, end, line_end(text, end)))
				end = line_end(text, end);
		} else if (text[at] == '#') {
			size_t fallback = fallback_define(a, code, at, &p->names);
			if (fallback) {
				end = fallback;
			} else {
				while (end >= 2 && text[end - 2] == '\\' && text[end])
					end = line_end(text, end);
				size_t name = at + 8, stop = name;
				while (!strncmp(code + at, "#define ", 8) && ident_char(code[stop]))
					stop++;
				/* a #define with no value is a flag or an include guard: kept */
				if (stop > name && !is_blank(code, stop, end))
					vec_push(a, &p->names, arena_strndup(a, code + name, stop - name));
			}
		} else if (!is_blank(code, at, end) && !isspace((unsigned char)text[at])) {
			end = declaration_end(code, at);
			declared_names(a, code, at, end, &p->names);
		}
		p->end = end;
		p->declares = p->names.len > 0;
		for (size_t i = 0; i < p->names.len; i++)
			vec_push(a, &slot(t, vec_at(p->names, i))->pieces, p);
		vec_push(a, &pieces, p);
		at = end;
	}
	return pieces;
}

/* What each declaring piece of PIECES names that a piece declares. */
static void uses(struct trim *t, const struct vec *pieces, const char *code)
{
	for (size_t i = 0; i < pieces->len; i++) {
		struct piece *p = vec_at(*pieces, i);
		if (p->declares)
			identifiers(t->arena, t, code, p->start, p->end, &p->uses);
	}
}


/* TRIM_BLANK, TRIM_ENDS_LINE and TRIM_ENDS_BLANK for TEXT[start, end). */
static uint32_t piece_looks(const char *text, size_t start, size_t end)
{
	return (text[start] == '\n' ? TRIM_BLANK : 0) |
	       (text[end - 1] == '\n' ? TRIM_ENDS_LINE : 0) |
	       (end - start >= 2 && text[end - 2] == '\n' && text[end - 1] == '\n' ? TRIM_ENDS_BLANK
										  : 0);
}

static int by_name(const void *x, const void *y)
{
	return strcmp((*(struct name_slot *const *)x)->name, (*(struct name_slot *const *)y)->name);
}

const struct trim_index *trim_index_build(struct arena *a, const char *const *names,
					  const char *const *texts, size_t n)
{
	struct trim t = { .arena = a };
	struct vec *pieces = arena_alloc(a, n * sizeof(*pieces));
	const char **codes = arena_alloc(a, n * sizeof(*codes));
	uint32_t n_pieces = 0;
	for (size_t i = 0; i < n; i++) {
		codes[i] = blank(a, texts[i]);
		pieces[i] = cut(&t, texts[i], codes[i]);
		for (size_t j = 0; j < pieces[i].len; j++)
			((struct piece *)vec_at(pieces[i], j))->index = n_pieces++;
	}
	for (size_t i = 0; i < n; i++)
		uses(&t, &pieces[i], codes[i]);

	/* the names, sorted, and the strings holding them */
	struct name_slot **sorted = arena_alloc(a, (t.len + 1) * sizeof(*sorted));
	size_t n_names = 0, strings_len = 0, n_decls = 0, n_uses = 0;
	for (size_t i = 0; i < t.cap; i++)
		if (t.slots[i]) {
			sorted[n_names++] = t.slots[i];
			strings_len += strlen(t.slots[i]->name) + 1;
			n_decls += t.slots[i]->pieces.len;
		}
	qsort(sorted, n_names, sizeof(*sorted), by_name);
	struct trim_name *out_names = arena_alloc(a, (n_names + 1) * sizeof(*out_names));
	char *strings = arena_alloc(a, strings_len + 1);
	uint32_t *decl_pieces = arena_alloc(a, (n_decls + 1) * sizeof(*decl_pieces));
	size_t at = 0, decls = 0;
	for (size_t i = 0; i < n_names; i++) {
		struct name_slot *s = sorted[i];
		s->index = (uint32_t)i;
		out_names[i] = (struct trim_name){ (uint32_t)at, (uint32_t)decls,
						   (uint32_t)s->pieces.len };
		strcpy(strings + at, s->name);
		at += strlen(s->name) + 1;
		for (size_t j = 0; j < s->pieces.len; j++)
			decl_pieces[decls++] = ((struct piece *)vec_at(s->pieces, j))->index;
	}

	/* the pieces, each with the names it uses, once each */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < pieces[i].len; j++)
			n_uses += ((struct piece *)vec_at(pieces[i], j))->uses.len;
	struct trim_piece *out_pieces = arena_alloc(a, (n_pieces + 1) * sizeof(*out_pieces));
	uint32_t *use_names = arena_alloc(a, (n_uses + 1) * sizeof(*use_names));
	uint32_t *header_pieces = arena_alloc(a, (n + 1) * sizeof(*header_pieces));
	size_t uses_len = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < pieces[i].len; j++) {
			const struct piece *p = vec_at(pieces[i], j);
			struct trim_piece *o = &out_pieces[p->index];
			*o = (struct trim_piece){ (uint32_t)p->start, (uint32_t)p->end,
						  (uint32_t)uses_len, 0,
						  (p->declares ? TRIM_DECLARES : 0) |
						  (p->comment ? TRIM_COMMENT : 0) |
						  piece_looks(texts[i], p->start, p->end) };
			for (size_t k = 0; k < p->uses.len; k++) {
				struct name_slot *s = vec_at(p->uses, k);
				if (s->last_user == p->index + 1)
					continue;
				s->last_user = p->index + 1;
				use_names[uses_len++] = s->index;
				o->n_uses++;
			}
		}
		header_pieces[i + 1] = header_pieces[i] + (uint32_t)pieces[i].len;
	}

	const char **header_names = arena_alloc(a, n * sizeof(*header_names));
	for (size_t i = 0; i < n; i++)
		header_names[i] = arena_strdup(a, names[i]);
	struct trim_index *ix = arena_alloc(a, sizeof(*ix));
	*ix = (struct trim_index){
		.n_headers = n, .header_names = header_names,
		.header_pieces = header_pieces, .pieces = out_pieces,
		.n_names = n_names, .names = out_names, .strings = strings,
		.decl_pieces = decl_pieces, .use_names = use_names,
	};
	return ix;
}

long trim_index_find(const struct trim_index *ix, const char *name, size_t len)
{
	size_t lo = 0, hi = ix->n_names;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = ix->strings + ix->names[mid].name;
		int order = strncmp(s, name, len);
		if (!order && s[len])
			order = 1;	/* NAME is a prefix of S: S sorts after it */
		if (!order)
			return (long)mid;
		if (order < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* N numbers, eight a line, as the initializer of a uint32_t array. */
static void print_numbers(FILE *out, const char *name, const uint32_t *v, size_t n)
{
	fprintf(out, "static const uint32_t %s[] = {", name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % 8 ? " " : "\n\t", v[i]);
	fputs("\n\t0\n};\n\n", out);	/* never empty */
}

void trim_index_print(FILE *out, const struct trim_index *ix)
{
	size_t n = ix->n_headers, n_pieces = ix->header_pieces[n];
	size_t n_decls = 0, n_uses = 0;
	for (size_t i = 0; i < ix->n_names; i++)
		n_decls += ix->names[i].n_decls;
	for (size_t i = 0; i < n_pieces; i++)
		n_uses += ix->pieces[i].n_uses;

	fputs("/* Generated by trim-index: where the declarations of the runtime\n"
	      " * headers are, what each declares and uses (src/emit/trim_index.h). */\n"
	      "#include \"trim_index.h\"\n\n", out);
	fputs("static const char *const header_names[] = {\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\t\"%s\",\n", ix->header_names[i]);
	fputs("};\n\n", out);
	print_numbers(out, "header_pieces", ix->header_pieces, n + 1);
	fputs("static const struct trim_piece pieces[] = {\n", out);
	for (size_t i = 0; i < n_pieces; i++) {
		const struct trim_piece *p = &ix->pieces[i];
		fprintf(out, "\t{ %u, %u, %u, %u, %u },\n", p->start, p->end, p->uses, p->n_uses,
			p->flags);
	}
	fputs("\t{ 0, 0, 0, 0, 0 }\n};\n\n", out);
	fputs("static const struct trim_name names[] = {\n", out);
	for (size_t i = 0; i < ix->n_names; i++)
		fprintf(out, "\t{ %u, %u, %u },\n", ix->names[i].name, ix->names[i].decls,
			ix->names[i].n_decls);
	fputs("\t{ 0, 0, 0 }\n};\n\n", out);
	/* identifiers: nothing in them to escape */
	fputs("static const char strings[] =", out);
	for (size_t i = 0; i < ix->n_names; i++)
		fprintf(out, "\n\t\"%s\\0\"", ix->strings + ix->names[i].name);
	fputs(";\n\n", out);
	print_numbers(out, "decl_pieces", ix->decl_pieces, n_decls);
	print_numbers(out, "use_names", ix->use_names, n_uses);
	fprintf(out, "const struct trim_index trim_builtin = {\n"
		"\t.n_headers = %zu,\n"
		"\t.header_names = header_names,\n"
		"\t.header_pieces = header_pieces,\n"
		"\t.pieces = pieces,\n"
		"\t.n_names = %zu,\n"
		"\t.names = names,\n"
		"\t.strings = strings,\n"
		"\t.decl_pieces = decl_pieces,\n"
		"\t.use_names = use_names,\n"
		"};\n", n, ix->n_names);
}
