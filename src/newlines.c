/* Which newlines end a statement.
 *
 * KernelScript has no semicolons: a line break ends a statement, as in Go.
 * The raw scanner reports every newline; this filter passes one on only
 *  - outside ( ) and [ ] (a call or index may span lines freely),
 *  - after a token that can end a statement (a name, a literal, a closing
 *    bracket, the '>' of a generic type, return, break, continue), and
 *  - before a token that can begin one: a line starting with '}', else,
 *    catch, ')' or a binary operator continues the previous line.
 * A ';' is taken as a newline.  Runs of newlines become one. */

#include "parse_state.h"

#include <string.h>

#include "lexer.h"

static bool ends_statement(const struct parse_state *ps)
{
	if (ps->last_is_member)
		return true;	/* p->type: a keyword used as a name */
	switch (ps->last) {
	case IDENT: case INT: case CHAR_LIT: case STRING:
	case KW_TRUE: case KW_FALSE: case KW_NULL:
	case KW_RETURN: case KW_BREAK: case KW_CONTINUE:
	case ')': case ']': case '}':
	case YYerror:	/* a bad literal or stray character */
	case '>':	/* hash<u32, u64>; the grammar takes 'a >' NL 'b' too */
		return true;
	default:
		return false;
	}
}

/* Tokens that cannot begin a statement or declaration: a newline before
 * one of them does not end the line before. */
static bool continues_line(int token)
{
	switch (token) {
	case YYEOF: case '}': case ')': case ']': case ',': case '.': case ':':
	case KW_ELSE: case KW_CATCH: case KW_AS: case KW_IN:
	case ARROW: case DOTDOT: case EQ: case NE: case LE: case GE: case AND: case OR:
	case SHL: case SHR: case '<': case '>': case '+': case '/': case '%':
	case '|': case '^': case '=': case '?':
	case ADD_ASSIGN: case SUB_ASSIGN: case MUL_ASSIGN: case DIV_ASSIGN:
	case MOD_ASSIGN: case AND_ASSIGN: case OR_ASSIGN: case XOR_ASSIGN:
	case SHL_ASSIGN: case SHR_ASSIGN:
		return true;
	default:
		return false;
	}
}

static bool inside_parens(const struct parse_state *ps)
{
	return ps->depth > 0 && ps->brackets[ps->depth - 1] != '{';
}

static void track_brackets(struct parse_state *ps, int token)
{
	switch (token) {
	case '(': case '[': case '{':
		if (ps->depth == ps->brackets_cap) {
			size_t cap = ps->brackets_cap ? ps->brackets_cap * 2 : 64;
			char *b = arena_alloc(ps->arena, cap);
			if (ps->depth)
				memcpy(b, ps->brackets, ps->depth);
			ps->brackets = b;
			ps->brackets_cap = cap;
		}
		ps->brackets[ps->depth++] = (char)token;
		break;
	case ')': case ']': case '}': {
		/* Pop to the matching opener.  An unclosed ( or [ inside braces
		 * ends with its '}', so one missing ')' does not swallow the
		 * newlines of the rest of the file. */
		char open = token == ')' ? '(' : token == ']' ? '[' : '{';
		size_t i = ps->depth;
		while (i > 0 && ps->brackets[i - 1] != open &&
		       (token == '}' || ps->brackets[i - 1] != '{'))
			i--;
		if (i > 0 && ps->brackets[i - 1] == open)
			ps->depth = i - 1;
		break;
	}
	}
}

/* Declaration keywords written at the start of a line begin a new
 * declaration whatever came before: there the filter forgets any ( or [ left
 * open and ends the line, so one broken declaration does not hide the next. */
static bool starts_top_declaration(const struct parse_state *ps, int token, struct span at)
{
	switch (token) {
	case KW_FN: case KW_STRUCT: case KW_ENUM: case KW_CONFIG: case KW_IMPL:
	case KW_EXTERN: case KW_INCLUDE: case KW_IMPORT: case '@':
		return at.begin == 0 || ps->src->text[at.begin - 1] == '\n';
	default:
		return false;
	}
}

static void close_open_parens(struct parse_state *ps)
{
	for (size_t i = 0; i < ps->depth; i++)
		if (ps->brackets[i] != '{') {
			ps->depth = i;
			return;
		}
}

/* Whether a newline (or ';') seen before TOKEN ends a statement. */
static bool newline_ends_statement(struct parse_state *ps, int token, struct span at)
{
	if (ps->last == NL || ps->last == YYEMPTY)
		return false;	/* nothing to end */
	if (starts_top_declaration(ps, token, at)) {
		close_open_parens(ps);
		if (ps->depth == 0)
			return true;
	}
	if (inside_parens(ps) || continues_line(token))
		return false;
	return ps->newline_forced || ends_statement(ps);
}

int next_token(YYSTYPE *lval, YYLTYPE *lloc, struct parse_state *ps)
{
	if (ps->held) {
		ps->held = false;
		*lval = ps->held_value;
		*lloc = ps->held_span;
		ps->last_is_member = false;
		ps->last = ps->held_token;
		track_brackets(ps, ps->last);
		return ps->last;
	}
	for (;;) {
		if (diag_gave_up(ps->diag))
			return YYEOF;
		int token = raw_lex(lval, lloc, ps->scanner);
		if (token == NL || (token == ';' && !inside_parens(ps))) {
			if (!ps->newline_pending)
				ps->newline_span = *lloc;
			ps->newline_pending = true;
			ps->newline_forced |= token == ';';
			continue;
		}
		if (ps->newline_pending) {
			bool ends = newline_ends_statement(ps, token, *lloc);
			ps->newline_pending = false;
			ps->newline_forced = false;
			if (ends) {
				ps->held = true;
				ps->held_token = token;
				ps->held_value = *lval;
				ps->held_span = *lloc;
				*lloc = ps->newline_span;
				ps->last_is_member = false;
				ps->last = NL;
				return NL;
			}
		}
		ps->last_is_member = ps->last == '.' || ps->last == ARROW;
		ps->last = token;
		track_brackets(ps, token);
		return token;
	}
}
