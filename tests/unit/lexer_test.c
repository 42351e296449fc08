/* Unit tests of the scanner and its newline filter: token kinds, byte spans,
 * literal values, comments, which newlines reach the parser, and the
 * diagnostics of malformed input. */
#include "unit.h"

static int kinds[UNIT_MAX_TOKENS];
static struct span spans[UNIT_MAX_TOKENS];
static size_t ntokens;

/* Scans TEXT and checks its token kinds are exactly WANT[0..N). */
static int tokens_are(const char *text, const int *want, size_t n)
{
	ntokens = unit_scan(text, kinds, spans);
	int ok = ntokens == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = kinds[i] == want[i];
	if (!ok) {
		fprintf(stderr, "\n  \"%s\": want %zu tokens:", text, n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %d", want[i]);
		fprintf(stderr, "\n  got %zu:", ntokens);
		for (size_t i = 0; i < ntokens && i < UNIT_MAX_TOKENS; i++)
			fprintf(stderr, " %d", kinds[i]);
		fputc('\n', stderr);
	}
	return ok;
}

#define TOKENS(text, ...)                                                       \
	tokens_are(text, (const int[]){ __VA_ARGS__ },                          \
		   sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

/* Checks the spans of the last scan are the [begin, end) pairs in WANT. */
static int spans_are(const uint32_t *want, size_t npairs)
{
	int ok = ntokens == npairs;
	for (size_t i = 0; ok && i < npairs; i++)
		ok = spans[i].begin == want[2 * i] && spans[i].end == want[2 * i + 1] &&
		     spans[i].src == unit.src;
	if (!ok) {
		fprintf(stderr, "\n  spans:");
		for (size_t i = 0; i < ntokens && i < UNIT_MAX_TOKENS; i++)
			fprintf(stderr, " [%u,%u)", spans[i].begin, spans[i].end);
		fputc('\n', stderr);
	}
	return ok;
}

#define SPANS(...)                                                              \
	spans_are((const uint32_t[]){ __VA_ARGS__ },                            \
		  sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t) / 2)

/* ---- keywords and identifiers ------------------------------------------- */

static void test_keywords(void)
{
	CU_ASSERT_TRUE(TOKENS("fn extern include import from pin local type struct enum impl",
			      KW_FN, KW_EXTERN, KW_INCLUDE, KW_IMPORT, KW_FROM, KW_PIN,
			      KW_LOCAL, KW_TYPE, KW_STRUCT, KW_ENUM, KW_IMPL));
	CU_ASSERT_TRUE(SPANS(0, 2, 3, 9, 10, 17, 18, 24, 25, 29, 30, 33, 34, 39, 40, 44,
			     45, 51, 52, 56, 57, 61));
	CU_ASSERT_TRUE(TOKENS("config var const if else for in while return break continue",
			      KW_CONFIG, KW_VAR, KW_CONST, KW_IF, KW_ELSE, KW_FOR, KW_IN,
			      KW_WHILE, KW_RETURN, KW_BREAK, KW_CONTINUE));
	CU_ASSERT_TRUE(TOKENS("delete try catch throw defer match default new sizeof as str",
			      KW_DELETE, KW_TRY, KW_CATCH, KW_THROW, KW_DEFER, KW_MATCH,
			      KW_DEFAULT, KW_NEW, KW_SIZEOF, KW_AS, KW_STR));
	CU_ASSERT_TRUE(TOKENS("true false null", KW_TRUE, KW_FALSE, KW_NULL));
	CU_ASSERT_TRUE(SPANS(0, 4, 5, 10, 11, 15));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_identifiers(void)
{
	/* A keyword inside a longer name is a name. */
	CU_ASSERT_TRUE(TOKENS("fnx returns _ _a1 Fn iff x9_", IDENT, IDENT, IDENT, IDENT,
			      IDENT, IDENT, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 3, 4, 11, 12, 13, 14, 17, 18, 20, 21, 24, 25, 28));
	CU_ASSERT_TRUE(TOKENS("a.b", IDENT, '.', IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 2, 2, 3));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

/* ---- operators ---------------------------------------------------------- */

static void test_multi_char_operators(void)
{
	CU_ASSERT_TRUE(TOKENS("-> .. == != <= >= && || << >>", ARROW, DOTDOT, EQ, NE, LE,
			      GE, AND, OR, SHL, SHR));
	CU_ASSERT_TRUE(SPANS(0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24,
			     26, 27, 29));
	CU_ASSERT_TRUE(TOKENS("+= -= *= /= %= &= |= ^= <<= >>=", ADD_ASSIGN, SUB_ASSIGN,
			      MUL_ASSIGN, DIV_ASSIGN, MOD_ASSIGN, AND_ASSIGN, OR_ASSIGN,
			      XOR_ASSIGN, SHL_ASSIGN, SHR_ASSIGN));
	CU_ASSERT_TRUE(SPANS(0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24,
			     27, 28, 31));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_single_char_operators(void)
{
	CU_ASSERT_TRUE(TOKENS("+ - * / % = < > ! & | ^ ~ . , : ? @", '+', '-', '*', '/',
			      '%', '=', '<', '>', '!', '&', '|', '^', '~', '.', ',', ':',
			      '?', '@'));
	CU_ASSERT_EQUAL(spans[17].begin, 34);
	CU_ASSERT_EQUAL(spans[17].end, 35);
	CU_ASSERT_TRUE(TOKENS("( ) { } [ ]", '(', ')', '{', '}', '[', ']'));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_longest_match(void)
{
	CU_ASSERT_TRUE(TOKENS("a<<=b", IDENT, SHL_ASSIGN, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 4, 4, 5));
	CU_ASSERT_TRUE(TOKENS("a<<b", IDENT, SHL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 3, 3, 4));
	CU_ASSERT_TRUE(TOKENS("a<<<b", IDENT, SHL, '<', IDENT));
	CU_ASSERT_TRUE(TOKENS("a>>=b>>c>=d", IDENT, SHR_ASSIGN, IDENT, SHR, IDENT, GE, IDENT));
	CU_ASSERT_TRUE(TOKENS("p->x", IDENT, ARROW, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 3, 3, 4));
	/* "-->" is '-' then "->": the second '-' starts the longer match. */
	CU_ASSERT_TRUE(TOKENS("a-->b", IDENT, '-', ARROW, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 2, 2, 4, 4, 5));
	CU_ASSERT_TRUE(TOKENS("0..10", INT, DOTDOT, INT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 3, 3, 5));
	CU_ASSERT_TRUE(TOKENS("x...y", IDENT, DOTDOT, '.', IDENT));
	CU_ASSERT_TRUE(TOKENS("a===b", IDENT, EQ, '=', IDENT));
	CU_ASSERT_TRUE(TOKENS("a&&&b||c|d", IDENT, AND, '&', IDENT, OR, IDENT, '|', IDENT));
	CU_ASSERT_TRUE(TOKENS("a=-b", IDENT, '=', '-', IDENT));
	CU_ASSERT_TRUE(TOKENS("a!==b", IDENT, NE, '=', IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

/* ---- integer literals --------------------------------------------------- */

/* TEXT parses as one literal of KIND (EXPR_INT or EXPR_CHAR) with VALUE,
 * keeping its text as written. */
static int literal_is(enum expr_kind kind, const char *text, uint64_t value)
{
	struct expr *e = unit_parse_expr(text);
	int ok = e && e->kind == kind && e->integer.value == value &&
		 unit_streq(e->integer.text, text) && unit.errors == 0;
	if (!ok)
		fprintf(stderr, "\n  %s: want %llu, got %llu (%u errors)\n", text,
			(unsigned long long)value,
			e ? (unsigned long long)e->integer.value : 0ull, unit.errors);
	return ok;
}

static int int_is(const char *text, uint64_t value)
{
	return literal_is(EXPR_INT, text, value);
}

static void test_integer_values(void)
{
	CU_ASSERT_TRUE(int_is("0", 0));
	CU_ASSERT_TRUE(int_is("42", 42));
	CU_ASSERT_TRUE(int_is("007", 7));
	CU_ASSERT_TRUE(int_is("0x1F", 31));
	CU_ASSERT_TRUE(int_is("0XfF", 255));
	CU_ASSERT_TRUE(int_is("0xDEADbeef", 0xdeadbeefu));
	CU_ASSERT_TRUE(int_is("0b1011", 11));
	CU_ASSERT_TRUE(int_is("0B1", 1));
	CU_ASSERT_TRUE(int_is("0o777", 511));
	CU_ASSERT_TRUE(int_is("0O10", 8));
	CU_ASSERT_TRUE(int_is("18446744073709551615", UINT64_MAX));
	CU_ASSERT_TRUE(int_is("0xffffffffffffffff", UINT64_MAX));
	CU_ASSERT_TRUE(int_is("0o1777777777777777777777", UINT64_MAX));
	CU_ASSERT_TRUE(int_is("0b1111111111111111111111111111111111111111111111111111111111111111",
			      UINT64_MAX));
}

static void test_integer_spans(void)
{
	CU_ASSERT_TRUE(TOKENS("1 0x10 0b1 0o7 123", INT, INT, INT, INT, INT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 6, 7, 10, 11, 14, 15, 18));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_integer_overflow(void)
{
	CU_ASSERT_TRUE(TOKENS("x 18446744073709551616 y", IDENT, YYerror, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 22, 23, 24));
	CU_ASSERT_TRUE(unit_one_error(1, 3, "integer literal is too large for 64 bits"));

	CU_ASSERT_TRUE(TOKENS("0x10000000000000000", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "integer literal is too large for 64 bits"));
	CU_ASSERT_TRUE(TOKENS("0o2000000000000000000000", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "integer literal is too large for 64 bits"));
	CU_ASSERT_TRUE(TOKENS("99999999999999999999", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "integer literal is too large for 64 bits"));
}

static void test_invalid_integers(void)
{
	CU_ASSERT_TRUE(TOKENS("a 12ab", IDENT, YYerror));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 6));
	CU_ASSERT_TRUE(unit_one_error(1, 3, "invalid integer literal '12ab'"));
	CU_ASSERT_TRUE(TOKENS("0b102", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "invalid integer literal '0b102'"));
	CU_ASSERT_TRUE(TOKENS("0x", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "invalid integer literal '0x'"));
	CU_ASSERT_TRUE(TOKENS("0o8", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "invalid integer literal '0o8'"));
}

/* ---- character literals ------------------------------------------------- */

static int char_is(const char *text, uint64_t value)
{
	return literal_is(EXPR_CHAR, text, value);
}

static void test_char_values(void)
{
	CU_ASSERT_TRUE(char_is("'a'", 'a'));
	CU_ASSERT_TRUE(char_is("' '", ' '));
	CU_ASSERT_TRUE(char_is("'\"'", '"'));
	CU_ASSERT_TRUE(char_is("'\\n'", '\n'));
	CU_ASSERT_TRUE(char_is("'\\t'", '\t'));
	CU_ASSERT_TRUE(char_is("'\\r'", '\r'));
	CU_ASSERT_TRUE(char_is("'\\0'", 0));
	CU_ASSERT_TRUE(char_is("'\\\\'", '\\'));
	CU_ASSERT_TRUE(char_is("'\\''", '\''));
	CU_ASSERT_TRUE(char_is("'\\\"'", '"'));
	CU_ASSERT_TRUE(char_is("'\\x41'", 0x41));
	CU_ASSERT_TRUE(char_is("'\\xfF'", 0xff));
	CU_ASSERT_TRUE(TOKENS("c = '\\n'", IDENT, '=', CHAR_LIT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 3, 4, 8));
}

static void test_char_errors(void)
{
	CU_ASSERT_TRUE(TOKENS("x = ''", IDENT, '=', YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 5, "empty character literal"));
	CU_ASSERT_TRUE(TOKENS("'ab'", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "character literal holds more than one byte"));
	CU_ASSERT_TRUE(TOKENS("'\\q'", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "unknown escape sequence in character literal"));
	CU_ASSERT_TRUE(TOKENS("'\\x4'", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "unknown escape sequence in character literal"));
	CU_ASSERT_TRUE(TOKENS("a\n  'b", IDENT, NL, YYerror));
	CU_ASSERT_TRUE(unit_one_error(2, 3, "unterminated character literal"));
	/* The literal stops at the end of its line. */
	CU_ASSERT_TRUE(TOKENS("x = 'b\n", IDENT, '=', YYerror));
	CU_ASSERT_EQUAL(spans[2].begin, 4);
	CU_ASSERT_EQUAL(spans[2].end, 6);
	CU_ASSERT_TRUE(unit_one_error(1, 5, "unterminated character literal"));
}

/* ---- string literals ---------------------------------------------------- */

/* Parses the string literal TEXT and checks its bytes are WANT[0..LEN). */
static int string_is(const char *text, const char *want, uint32_t len)
{
	struct expr *e = unit_parse_expr(text);
	int ok = e && e->kind == EXPR_STRING && e->string.len == len &&
		 memcmp(e->string.bytes, want, len) == 0 && e->string.bytes[len] == '\0' &&
		 unit.errors == 0;
	if (!ok)
		fprintf(stderr, "\n  %s: want %u bytes, got %u (%u errors)\n", text, len,
			e && e->kind == EXPR_STRING ? e->string.len : 0, unit.errors);
	return ok;
}

static void test_string_bytes(void)
{
	CU_ASSERT_TRUE(string_is("\"\"", "", 0));
	CU_ASSERT_TRUE(string_is("\"abc\"", "abc", 3));
	CU_ASSERT_TRUE(string_is("\"a\\x00b\"", "a\0b", 3));
	CU_ASSERT_TRUE(string_is("\"\\0\\0\"", "\0\0", 2));
	CU_ASSERT_TRUE(string_is("\"\\n\\t\\r\\\\\\\"\\'\"", "\n\t\r\\\"'", 6));
	CU_ASSERT_TRUE(string_is("\"\\x41\\x7a\\xFF\"", "Az\xff", 3));
	CU_ASSERT_TRUE(string_is("\"it's // not /* a comment\"", "it's // not /* a comment", 24));
	CU_ASSERT_TRUE(string_is("\"h\xc3\xa9\"", "h\xc3\xa9", 3));
}

static void test_string_spans(void)
{
	CU_ASSERT_TRUE(TOKENS("f(\"a\\nb\", \"\")", IDENT, '(', STRING, ',', STRING, ')'));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 2, 2, 8, 8, 9, 10, 12, 12, 13));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_string_errors(void)
{
	CU_ASSERT_TRUE(TOKENS("x = \"a\\qb\" y", IDENT, '=', YYerror, IDENT));
	CU_ASSERT_EQUAL(spans[2].begin, 4);
	CU_ASSERT_EQUAL(spans[2].end, 10);
	CU_ASSERT_TRUE(unit_one_error(1, 7, "unknown escape sequence '\\q'"));
	CU_ASSERT_TRUE(TOKENS("\"\\x4g\"", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 2, "\\x must be followed by two hexadecimal digits"));
	CU_ASSERT_TRUE(TOKENS("a\nb = \"abc", IDENT, NL, IDENT, '=', YYerror));
	CU_ASSERT_TRUE(unit_one_error(2, 5, "unterminated string literal"));
	CU_ASSERT_TRUE(TOKENS("\"abc\\", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "unterminated string literal"));
}

/* ---- comments ----------------------------------------------------------- */

static void test_line_comments(void)
{
	CU_ASSERT_TRUE(TOKENS("a // b c\nd", IDENT, NL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 8, 9, 9, 10));
	CU_ASSERT_TRUE(TOKENS("a // b /* c\nd */", IDENT, NL, IDENT, '*', '/'));
	CU_ASSERT_TRUE(TOKENS("a //", IDENT));
	CU_ASSERT_TRUE(tokens_are("// only\n// comments\n", NULL, 0));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_block_comments(void)
{
	CU_ASSERT_TRUE(TOKENS("a /* b */ c", IDENT, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 10, 11));
	CU_ASSERT_TRUE(TOKENS("a/***/b", IDENT, IDENT));
	CU_ASSERT_TRUE(TOKENS("a /* ** / * */ b", IDENT, IDENT));
	/* Block comments do not nest. */
	CU_ASSERT_TRUE(TOKENS("/* /* */ x */", IDENT, '*', '/'));
	CU_ASSERT_TRUE(TOKENS("a /* // */ b", IDENT, IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_block_comment_newline(void)
{
	/* Spanning lines, it ends the statement; its span is the comment. */
	CU_ASSERT_TRUE(TOKENS("a /* b\nc */ d", IDENT, NL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 11, 12, 13));
	/* On one line it does not. */
	CU_ASSERT_TRUE(TOKENS("a /* b */\n+ d", IDENT, '+', IDENT));
	/* Spanning lines inside parentheses, it is dropped like a newline. */
	CU_ASSERT_TRUE(TOKENS("f(a /*\n*/ , b)", IDENT, '(', IDENT, ',', IDENT, ')'));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_unterminated_comment(void)
{
	CU_ASSERT_TRUE(TOKENS("a\n b /* c\n d", IDENT, NL, IDENT, YYerror));
	CU_ASSERT_TRUE(unit_one_error(2, 4, "unterminated comment"));
	CU_ASSERT_TRUE(TOKENS("/*/", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "unterminated comment"));
}

/* ---- newline filtering -------------------------------------------------- */

static void test_newline_ends_statement(void)
{
	CU_ASSERT_TRUE(TOKENS("a\nb", IDENT, NL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 2, 2, 3));
	/* A run of newlines is one, with the first one's span. */
	CU_ASSERT_TRUE(TOKENS("a\n\n  \n\tb", IDENT, NL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 2, 7, 8));
	CU_ASSERT_TRUE(TOKENS("f()\n1\n'c'\n\"s\"\nx[0]\ntrue\nfalse\nnull\nreturn\nbreak\ncontinue\nz",
			      IDENT, '(', ')', NL, INT, NL, CHAR_LIT, NL, STRING, NL,
			      IDENT, '[', INT, ']', NL, KW_TRUE, NL, KW_FALSE, NL, KW_NULL,
			      NL, KW_RETURN, NL, KW_BREAK, NL, KW_CONTINUE, NL, IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_newline_leading_trailing(void)
{
	CU_ASSERT_TRUE(TOKENS("\n\n a\n\n", IDENT));
	CU_ASSERT_TRUE(SPANS(3, 4));
	CU_ASSERT_TRUE(tokens_are("\n;\n", NULL, 0));
}

static void test_semicolon_is_newline(void)
{
	CU_ASSERT_TRUE(TOKENS("a;b", IDENT, NL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 2, 2, 3));
	CU_ASSERT_TRUE(TOKENS("a ;; \n; b", IDENT, NL, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 3, 8, 9));
	/* Unlike a newline, ';' ends a statement after any token... */
	CU_ASSERT_TRUE(TOKENS("x = ;y", IDENT, '=', NL, IDENT));
	/* ... except inside ( ) and [ ], where it is a token of its own. */
	CU_ASSERT_TRUE(TOKENS("[u8; 4]", '[', IDENT, ';', INT, ']'));
	CU_ASSERT_TRUE(SPANS(0, 1, 1, 3, 3, 4, 5, 6, 6, 7));
	CU_ASSERT_TRUE(TOKENS("{a;b}", '{', IDENT, NL, IDENT, '}'));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_no_newline_inside_brackets(void)
{
	CU_ASSERT_TRUE(TOKENS("f(a,\nb\n)", IDENT, '(', IDENT, ',', IDENT, ')'));
	CU_ASSERT_TRUE(TOKENS("x[\n1\n]\ny", IDENT, '[', INT, ']', NL, IDENT));
	/* Braces inside parentheses pass newlines on again. */
	CU_ASSERT_TRUE(TOKENS("f({\na\nb\n})", IDENT, '(', '{', IDENT, NL, IDENT, '}', ')'));
	CU_ASSERT_TRUE(TOKENS("{\na\nb\n}", '{', IDENT, NL, IDENT, '}'));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_newline_after_incomplete_line(void)
{
	/* A line ending in an operator, '=' or a keyword goes on. */
	CU_ASSERT_TRUE(TOKENS("a +\nb", IDENT, '+', IDENT));
	CU_ASSERT_TRUE(TOKENS("x =\n5", IDENT, '=', INT));
	CU_ASSERT_TRUE(TOKENS("var\nx", KW_VAR, IDENT));
	CU_ASSERT_TRUE(TOKENS("if (c) {\nx\n}", KW_IF, '(', IDENT, ')', '{', IDENT, '}'));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_newline_before_continuation(void)
{
	CU_ASSERT_TRUE(TOKENS("a\n}", IDENT, '}'));
	CU_ASSERT_TRUE(TOKENS("}\nelse {", '}', KW_ELSE, '{'));
	CU_ASSERT_TRUE(TOKENS("}\ncatch 1", '}', KW_CATCH, INT));
	CU_ASSERT_TRUE(TOKENS("a\n+ b\n/ c\n% d\n| e\n^ f", IDENT, '+', IDENT, '/', IDENT,
			      '%', IDENT, '|', IDENT, '^', IDENT));
	CU_ASSERT_TRUE(TOKENS("a\n&& b\n|| c\n== d\n!= e\n< f\n<= g\n> h\n>= i", IDENT, AND,
			      IDENT, OR, IDENT, EQ, IDENT, NE, IDENT, '<', IDENT, LE, IDENT,
			      '>', IDENT, GE, IDENT));
	CU_ASSERT_TRUE(TOKENS("a\n<< b\n>> c\n.d\n-> e\nas f", IDENT, SHL, IDENT, SHR, IDENT,
			      '.', IDENT, ARROW, IDENT, KW_AS, IDENT));
	CU_ASSERT_TRUE(TOKENS("a\n= b\n+= c\n<<= d", IDENT, '=', IDENT, ADD_ASSIGN, IDENT,
			      SHL_ASSIGN, IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_newline_generic_and_conditional(void)
{
	/* The '>' closing a generic type ends a line... */
	CU_ASSERT_TRUE(TOKENS("var h: hash<u32, u64>\nx", KW_VAR, IDENT, ':', IDENT, '<', IDENT,
			      ',', IDENT, '>', NL, IDENT));
	CU_ASSERT_EQUAL(spans[9].begin, 21);
	/* ... and '?' continues one. */
	CU_ASSERT_TRUE(TOKENS("c\n? a\n: b", IDENT, '?', IDENT, ':', IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_newline_after_member_keyword(void)
{
	/* A keyword used as a member name ends the line like a name. */
	CU_ASSERT_TRUE(TOKENS("p->type\nx", IDENT, ARROW, KW_TYPE, NL, IDENT));
	CU_ASSERT_TRUE(TOKENS("p.default\n-x", IDENT, '.', KW_DEFAULT, NL, '-', IDENT));
	/* Elsewhere the keyword does not. */
	CU_ASSERT_TRUE(TOKENS("x type\ny", IDENT, KW_TYPE, IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_newline_before_unary_operator(void)
{
	/* '-', '*', '&', '!' and '~' may begin a statement: the line ends. */
	CU_ASSERT_TRUE(TOKENS("a\n-b\n*c\n&d\n!e\n~f", IDENT, NL, '-', IDENT, NL, '*', IDENT,
			      NL, '&', IDENT, NL, '!', IDENT, NL, '~', IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_declaration_at_column_one(void)
{
	/* An unclosed '(' is forgotten when a declaration starts a line. */
	CU_ASSERT_TRUE(TOKENS("f(a,\nfn g", IDENT, '(', IDENT, ',', NL, KW_FN, IDENT));
	CU_ASSERT_EQUAL(spans[4].begin, 4);
	CU_ASSERT_EQUAL(spans[4].end, 5);
	CU_ASSERT_TRUE(TOKENS("x = [1,\n@a\ny", IDENT, '=', '[', INT, ',', NL, '@', IDENT,
			      NL, IDENT));
	/* ... whatever the line before ends with. */
	CU_ASSERT_TRUE(TOKENS("f(\nstruct\nextern\nenum\n", IDENT, '(', NL, KW_STRUCT, NL,
			      KW_EXTERN, NL, KW_ENUM));
	/* Indented, the keyword is inside the parentheses. */
	CU_ASSERT_TRUE(TOKENS("f(a,\n fn g", IDENT, '(', IDENT, ',', KW_FN, IDENT));
	CU_ASSERT_EQUAL(unit.errors, 0);
}

/* ---- stray characters --------------------------------------------------- */

static void test_stray_characters(void)
{
	CU_ASSERT_TRUE(TOKENS("a $ b", IDENT, YYerror, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 3, 4, 5));
	CU_ASSERT_TRUE(unit_one_error(1, 3, "stray '$' in program"));
	CU_ASSERT_TRUE(TOKENS("a\n\tx #", IDENT, NL, IDENT, YYerror));
	CU_ASSERT_TRUE(unit_one_error(2, 4, "stray '#' in program"));
	CU_ASSERT_TRUE(TOKENS("x \xc3\xa9 y", IDENT, YYerror, IDENT));
	CU_ASSERT_TRUE(SPANS(0, 1, 2, 4, 5, 6));
	CU_ASSERT_TRUE(unit_one_error(1, 3, "stray '\xc3\xa9' in program"));
	CU_ASSERT_TRUE(TOKENS("\x01", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "stray '\\x01' in program"));
	CU_ASSERT_TRUE(TOKENS("`", YYerror));
	CU_ASSERT_TRUE(unit_one_error(1, 1, "stray '`' in program"));
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "keywords", test_keywords },
		{ "identifiers", test_identifiers },
		{ "multi-character operators", test_multi_char_operators },
		{ "single-character operators", test_single_char_operators },
		{ "longest match", test_longest_match },
		{ "integer values", test_integer_values },
		{ "integer spans", test_integer_spans },
		{ "integer overflow", test_integer_overflow },
		{ "invalid integers", test_invalid_integers },
		{ "character values", test_char_values },
		{ "character errors", test_char_errors },
		{ "string bytes", test_string_bytes },
		{ "string spans", test_string_spans },
		{ "string errors", test_string_errors },
		{ "line comments", test_line_comments },
		{ "block comments", test_block_comments },
		{ "block comment across lines", test_block_comment_newline },
		{ "unterminated comment", test_unterminated_comment },
		{ "newline ends statement", test_newline_ends_statement },
		{ "leading and trailing newlines", test_newline_leading_trailing },
		{ "semicolon is a newline", test_semicolon_is_newline },
		{ "no newline inside ( ) and [ ]", test_no_newline_inside_brackets },
		{ "newline after incomplete line", test_newline_after_incomplete_line },
		{ "newline before continuation", test_newline_before_continuation },
		{ "newline after generic type, before '?'", test_newline_generic_and_conditional },
		{ "newline after keyword member", test_newline_after_member_keyword },
		{ "newline before unary operator", test_newline_before_unary_operator },
		{ "declaration at column one", test_declaration_at_column_one },
		{ "stray characters", test_stray_characters },
		CU_TEST_INFO_NULL,
	};
	return unit_main("lexer", tests);
}
