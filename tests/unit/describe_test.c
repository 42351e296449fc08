/* Unit tests of src/emit/describe.c: the comment that opens a file, and the
 * comments above and beside a struct member, read back through spans. */
#include "unit.h"

#include "describe.h"

/* What describe_file says of TEXT ("<none>" for NULL). */
static const char *file_says(const char *text)
{
	unit_parse(text);
	CU_ASSERT_EQUAL(unit.errors, 0);
	const char *about = describe_file(unit.arena, unit.src);
	return about ? about : "<none>";
}

/* What describe_span says of member I of the first declaration of TEXT,
 * a struct ("<none>" for NULL). */
static const char *member_says(const char *text, size_t i)
{
	struct program *p = unit_parse(text);
	CU_ASSERT_EQUAL(unit.errors, 0);
	struct decl *d = unit_decl(p, 0);
	if (!d || d->kind != DECL_STRUCT || i >= d->members.len)
		return "<no such member>";
	const struct member *m = vec_at(d->members, i);
	const char *text_of = describe_span(unit.arena, m->span);
	return text_of ? text_of : "<none>";
}

static void test_file_line_comments(void)
{
	CU_ASSERT_STRING_EQUAL(file_says("// counts packets\n"
					 "// on an interface.\n"
					 "//\n"
					 "//   ./counter --interface=eth0\n"
					 "struct S { x: u32 }\n"),
			       "counts packets\non an interface.\n\n  ./counter --interface=eth0\n");
	/* one space after the marker is the margin, not text */
	CU_ASSERT_STRING_EQUAL(file_says("//no space\n// one\n"), "no space\none\n");
	/* trailing blanks go, and so do empty lines at the end */
	CU_ASSERT_STRING_EQUAL(file_says("// a  \t\n//\n//\n\nstruct S { x: u32 }\n"), "a\n");
}

static void test_file_ends_at_blank_line(void)
{
	CU_ASSERT_STRING_EQUAL(file_says("// the program\n"
					 "\n"
					 "// the struct\n"
					 "struct S { x: u32 }\n"),
			       "the program\n");
	/* blank lines before it do not count */
	CU_ASSERT_STRING_EQUAL(file_says("\n  \n// late\nstruct S { x: u32 }\n"), "late\n");
}

static void test_file_block_comment(void)
{
	CU_ASSERT_STRING_EQUAL(file_says("/*\n"
					 " * one\n"
					 " *   two\n"
					 " */\n"
					 "struct S { x: u32 }\n"),
			       "one\n  two\n");
	CU_ASSERT_STRING_EQUAL(file_says("/** doc */\n// and more\n"), "doc\nand more\n");
}

static void test_file_without_comment(void)
{
	CU_ASSERT_STRING_EQUAL(file_says("struct S { x: u32 } // late\n"), "<none>");
	CU_ASSERT_STRING_EQUAL(file_says(""), "<none>");
	CU_ASSERT_STRING_EQUAL(file_says("//\n//\n\nstruct S { x: u32 }\n"), "<none>");
}

static void test_member_above(void)
{
	CU_ASSERT_STRING_EQUAL(member_says("struct S {\n"
					   "    // the interface\n"
					   "    // to watch\n"
					   "    x: str(16),\n"
					   "}\n", 0),
			       "the interface to watch");
	CU_ASSERT_STRING_EQUAL(member_says("struct S {\n"
					   "    a: u32,\n"
					   "    /* one\n"
					   "     * two */\n"
					   "    b: u32,\n"
					   "}\n", 1),
			       "one two");
}

static void test_member_beside(void)
{
	const char *s = "struct S {\n"
			"    a: u32,  // about a\n"
			"    b: u32   /* about b */\n"
			"    c: u32 // about c\n"
			"}\n";
	CU_ASSERT_STRING_EQUAL(member_says(s, 0), "about a");
	CU_ASSERT_STRING_EQUAL(member_says(s, 1), "about b");
	CU_ASSERT_STRING_EQUAL(member_says(s, 2), "about c");
}

static void test_member_above_and_beside(void)
{
	CU_ASSERT_STRING_EQUAL(member_says("struct S {\n"
					   "    // Network:\n"
					   "    a: str(16), // the interface\n"
					   "}\n", 0),
			       "Network: the interface");
}

static void test_member_other_comments(void)
{
	/* the line above is another member's, with its comment */
	const char *s = "struct S {\n"
			"    a: u32, // about a\n"
			"    b: u32,\n"
			"    c: u32, /* about c */\n"
			"    d: u32,\n"
			"}\n";
	CU_ASSERT_STRING_EQUAL(member_says(s, 1), "<none>");
	CU_ASSERT_STRING_EQUAL(member_says(s, 3), "<none>");
	/* the struct's own comment is not its first member's */
	CU_ASSERT_STRING_EQUAL(member_says("// S\nstruct S { x: u32 }\n", 0), "<none>");
	CU_ASSERT_STRING_EQUAL(member_says("// S\nstruct S {\n    x: u32\n}\n", 0), "<none>");
	/* a blank line parts a comment from the member below */
	CU_ASSERT_STRING_EQUAL(member_says("struct S {\n    // gone\n\n    x: u32\n}\n", 0),
			       "<none>");
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "file: line comments", test_file_line_comments },
		{ "file: a blank line ends it", test_file_ends_at_blank_line },
		{ "file: block comment", test_file_block_comment },
		{ "file: without comment", test_file_without_comment },
		{ "member: comment above", test_member_above },
		{ "member: comment beside", test_member_beside },
		{ "member: above and beside", test_member_above_and_beside },
		{ "member: other comments", test_member_other_comments },
		CU_TEST_INFO_NULL,
	};
	return unit_main("describe", tests);
}
