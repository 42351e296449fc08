/* Which newlines end a statement.
 *
 * KernelScript has no semicolons: a line break ends a statement, as in Go.
 * The raw scanner reports every newline; this filter passes one on only
 *  - outside ( ) and [ ] (a call or index may span lines freely),
 *  - after a token that can end a statement (a name, a literal, a closing
 *    bracket, the '>' of a generic type, return, break, continue), and
 *  - before a token that can begin one: a line starting with '}', else,
 *    catch, ')' or a binary operator continues the previous line.
 * A ';' is taken as a newline.  Runs of newlines become one.  Inside
 * braces other than a declaration's, a name or statement keyword right
 * after a value on the same line begins a statement too, as if a newline
 * stood before it. */

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

/* A value's last token, after which a name or a statement keyword on the
 * same line cannot continue the expression: m[1] = 42 m[2] = 43 is two
 * statements, as the reference reads it. */
static bool ends_value(const struct parse_state *ps)
{
	switch (ps->last) {
	case IDENT: case INT: case CHAR_LIT: case STRING:
	case KW_TRUE: case KW_FALSE: case KW_NULL:
	case ')': case ']': case '}':
		return true;
	default:
		return ps->last_is_member;
	}
}

static bool begins_statement(int token)
{
	switch (token) {
	case IDENT: case KW_VAR: case KW_CONST: case KW_RETURN: case KW_IF: case KW_WHILE:
	case KW_FOR: case KW_BREAK: case KW_CONTINUE: case KW_DELETE: case KW_TRY:
	case KW_THROW: case KW_DEFER:
		return true;
	default:
		return false;
	}
}

static bool inside_parens(const struct parse_state *ps)
{
	return ps->depth > 0 && ps->brackets[ps->depth - 1].kind != '{';
}

static void push_bracket(struct parse_state *ps, char kind, struct span at)
{
	if (ps->depth == ps->brackets_cap) {
		size_t cap = ps->brackets_cap ? ps->brackets_cap * 2 : 64;
		struct bracket *b = arena_alloc(ps->arena, cap * sizeof(*b));
		if (ps->depth)
			memcpy(b, ps->brackets, ps->depth * sizeof(*b));
		ps->brackets = b;
		ps->brackets_cap = cap;
	}
	ps->brackets[ps->depth++] = (struct bracket){
		.kind = kind,
		.impl_body = kind == '{' && ps->impl_pending,
		.decl_body = kind == '{' && ps->decl_pending,
		.offset = at.begin,
	};
	if (kind == '{') {
		ps->impl_pending = ps->decl_pending = false;
		ps->line_depth = ps->depth;	/* a statement list may start */
	}
}

/* Pops to the bracket that TOKEN closes.  An unclosed ( or [ inside braces
 * ends with its '}', so one missing ')' does not swallow the newlines of
 * the rest of the file; a ')' or ']' with no opener is ignored. */
static void pop_bracket(struct parse_state *ps, int token)
{
	char open = token == ')' ? '(' : token == ']' ? '[' : '{';
	size_t i = ps->depth;
	while (i > 0 && ps->brackets[i - 1].kind != open &&
	       (token == '}' || ps->brackets[i - 1].kind != '{'))
		i--;
	if (i > 0 && ps->brackets[i - 1].kind == open)
		ps->depth = i - 1;
}

static void track_brackets(struct parse_state *ps, int token, struct span at)
{
	ps->depth_before = ps->depth;
	switch (token) {
	case '(': case '[': case '{':
		push_bracket(ps, (char)token, at);
		break;
	case ')': case ']': case '}':
		pop_bracket(ps, token);
		break;
	case KW_IMPL:
		ps->impl_pending = ps->decl_pending = true;
		break;
	case KW_STRUCT: case KW_ENUM: case KW_CONFIG:
		ps->decl_pending = true;
		break;
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
		if (ps->brackets[i].kind != '{') {
			ps->depth = i;
			return;
		}
}

/* A declaration keyword at the start of a line inside braces (other than
 * a function of an impl block) means a '}' is missing: report it once, at
 * the keyword, and have the filter hand the parser the missing braces. */
static void close_missing_braces(struct parse_state *ps, int token, struct span at)
{
	close_open_parens(ps);
	if (ps->depth == 0)
		return;
	const struct bracket *inner = &ps->brackets[ps->depth - 1];
	if (inner->impl_body && (token == KW_FN || token == '@'))
		return;
	diag_error(ps->diag, at, "expected '}' before '%.*s'",
		   (int)(token == '@' ? 1 : at.end - at.begin), ps->src->text + at.begin);
	diag_note(ps->diag, (struct span){ ps->src, inner->offset, inner->offset + 1 },
		  "to close this '{'");
	ps->braces_to_close = ps->depth;
	ps->recovering = false;
}

void note_syntax_error(struct parse_state *ps)
{
	ps->recovering = true;
	ps->error_depth = ps->depth_before;
	ps->error_line_depth = ps->line_depth;
}

/* Whether a newline (or ';') seen before TOKEN ends a statement. */
static bool newline_ends_statement(struct parse_state *ps, int token, struct span at)
{
	if (ps->last == NL || ps->last == YYEMPTY)
		return false;	/* nothing to end */
	if (starts_top_declaration(ps, token, at) && ps->depth == 0)
		return true;
	/* While recovering, a bad statement's own blocks end nothing: the
	 * parser resumes at the first line end back at the error's depth. */
	if (ps->recovering && ps->depth > ps->error_depth)
		return false;
	if (inside_parens(ps) || continues_line(token))
		return false;
	return ps->newline_forced || ends_statement(ps);
}

static void hold(struct parse_state *ps, int token, const YYSTYPE *value, struct span at)
{
	ps->held = true;
	ps->held_token = token;
	ps->held_value = *value;
	ps->held_span = at;
}

/* The next token for the parser: a '}' owed for a missing one, a newline
 * that ends a statement, or the next token the scanner read. */
int next_token(YYSTYPE *lval, YYLTYPE *lloc, struct parse_state *ps)
{
	for (;;) {
		if (ps->braces_to_close > 0) {
			ps->braces_to_close--;
			*lloc = (struct span){ ps->src, ps->held_span.begin, ps->held_span.begin };
			ps->last_is_member = false;
			ps->last = '}';
			track_brackets(ps, '}', *lloc);
			return '}';
		}
		int token;
		if (ps->held) {
			ps->held = false;
			token = ps->held_token;
			*lval = ps->held_value;
			*lloc = ps->held_span;
		} else {
			if (diag_gave_up(ps->diag))
				return YYEOF;
			token = raw_lex(lval, lloc, ps->scanner);
			if (token == YYEOF)	/* just after the last token */
				*lloc = (struct span){ ps->src, ps->last_end, ps->last_end };
			else if (token != NL)
				ps->last_end = lloc->end;
			if (token == NL || (token == ';' && !inside_parens(ps))) {
				if (!ps->newline_pending)
					ps->newline_span = *lloc;
				ps->newline_pending = true;
				ps->newline_forced |= token == ';';
				continue;
			}
		}
		/* two statements on one line, inside braces */
		if (!ps->newline_pending && !ps->recovering && ps->depth > 0 &&
		    !inside_parens(ps) && !ps->brackets[ps->depth - 1].decl_body &&
		    token != YYEOF && begins_statement(token) && ends_value(ps)) {
			ps->newline_pending = true;
			ps->newline_span = (struct span){ ps->src, lloc->begin, lloc->begin };
		}
		if (ps->newline_pending) {
			if (starts_top_declaration(ps, token, *lloc)) {
				close_missing_braces(ps, token, *lloc);
				if (ps->braces_to_close > 0) {
					hold(ps, token, lval, *lloc);
					continue;
				}
			}
			bool ends = newline_ends_statement(ps, token, *lloc);
			ps->newline_pending = false;
			ps->newline_forced = false;
			if (ends) {
				hold(ps, token, lval, *lloc);
				*lloc = ps->newline_span;
				ps->last_is_member = false;
				ps->last = NL;
				ps->depth_before = ps->depth;
				ps->line_depth = ps->depth;
				return NL;
			}
		}
		ps->last_is_member = ps->last == '.' || ps->last == ARROW;
		ps->last = token;
		track_brackets(ps, token, *lloc);
		/* While recovering, the bad statement's own brackets and all
		 * within them are skipped whole: otherwise the '}' of its body
		 * would look like the end of the block around it. */
		if (ps->recovering && token != YYEOF &&
		    (ps->depth_before > ps->error_depth || ps->depth > ps->error_depth))
			continue;
		if (token == YYerror)	/* the scanner reported it */
			note_syntax_error(ps);
		return token;
	}
}
