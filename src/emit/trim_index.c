/*
 * The runtime headers a project gets, trimmed to what its loader uses.
 *
 * ks_runtime.h, ks_state.h and ks_options.h hold everything any loader
 * may call; a program calls part of it.  The compiler would drop the rest
 * from the binary anyway (every function is static inline), but a person
 * reading the project would still read it.  So the headers are cut at
 * their top-level declarations, and a declaration is kept when the
 * loader's code reaches it: named in NAME.c, or named by a declaration
 * kept.  What is left builds to the same binary.
 *
 * The headers are ours, written in a plain layout this relies on: a
 * declaration starts in column 0 and ends on a line ending with ';' or
 * '}' at brace depth 0; a comment right above it (no blank line between)
 * belongs to it; preprocessor lines stand alone, and only a #define with
 * a value names something (one without is a flag or an include guard).
 * Anything else (blank lines, comments, #include, #if) is kept as it is.
 */
#include "emit_internal.h"

#include <ctype.h>
#include <string.h>

#include "arena.h"

/* One piece of a header: lines [start, end) of it. */
struct piece {
	size_t start, end;		/* byte offsets */
	bool declares;			/* kept only when reached */
	bool comment;			/* a comment, kept with what follows */
	bool kept;
	struct vec names;		/* what it declares */
	struct vec uses;		/* struct name_slot *: the identifiers in it */
};

/* A name, the pieces declaring it, and whether the loader reaches it. */
struct name_slot {
	const char *name;
	struct vec pieces;
	bool reached;
};

struct trim {
	struct arena *arena;
	struct name_slot **slots;	/* open addressing, at most half full */
	size_t cap, len;
	struct vec work;		/* names reached, not yet followed */
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

static void reach(struct trim *t, struct name_slot *s)
{
	if (!s->reached) {
		s->reached = true;
		vec_push(t->arena, &t->work, s);
	}
}

/* TEXT without the pieces not kept, nor the comments right above them,
 * nor the blank line either would leave doubled. */
static const char *assemble(struct arena *a, const char *text, const struct vec *pieces)
{
	char *out = arena_alloc(a, strlen(text) + 1);
	size_t len = 0;
	for (size_t i = 0; i < pieces->len; i++) {
		const struct piece *p = vec_at(*pieces, i);
		const struct piece *next = i + 1 < pieces->len ? vec_at(*pieces, i + 1) : NULL;
		if (p->declares && !p->kept)
			continue;
		if (p->comment && next && next->declares && !next->kept)
			continue;
		bool blank_line = text[p->start] == '\n';
		if (blank_line && (len == 0 || (len >= 2 && out[len - 1] == '\n' && out[len - 2] == '\n')))
			continue;
		memcpy(out + len, text + p->start, p->end - p->start);
		len += p->end - p->start;
	}
	out[len] = '\0';
	return out;
}

void emit_trim(struct arena *a, const char *const *users, const char **texts, size_t n)
{
	struct trim t = { .arena = a };
	struct vec *pieces = arena_alloc(a, n * sizeof(*pieces));
	const char **codes = arena_alloc(a, n * sizeof(*codes));
	for (size_t i = 0; i < n; i++) {
		codes[i] = blank(a, texts[i]);
		pieces[i] = cut(&t, texts[i], codes[i]);
	}
	for (size_t i = 0; i < n; i++)
		uses(&t, &pieces[i], codes[i]);
	for (const char *const *u = users; *u; u++) {
		struct vec names = { 0 };
		const char *code = blank(a, *u);
		identifiers(a, &t, code, 0, strlen(code), &names);
		for (size_t i = 0; i < names.len; i++)
			reach(&t, vec_at(names, i));
	}
	while (t.work.len) {
		struct name_slot *s = vec_at(t.work, --t.work.len);
		for (size_t i = 0; i < s->pieces.len; i++) {
			struct piece *p = vec_at(s->pieces, i);
			if (p->kept)
				continue;
			p->kept = true;
			for (size_t j = 0; j < p->uses.len; j++)
				reach(&t, vec_at(p->uses, j));
		}
	}
	for (size_t i = 0; i < n; i++)
		texts[i] = assemble(a, texts[i], &pieces[i]);
}
