/* Unit tests of the parser: the AST built for small programs, operator
 * precedence and associativity, node spans, and error recovery. */
#include "unit.h"

/* ---- a compact written form of trees, to compare with expectations ------ */

struct out {
	char buf[1024];
	size_t len;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (o->len + n >= sizeof(o->buf))
		n = sizeof(o->buf) - 1 - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_expr(struct out *o, const struct expr *e);

static void put_type(struct out *o, const struct ast_type *t)
{
	if (!t) {
		put(o, "<null>");
		return;
	}
	switch (t->kind) {
	case TYPE_NAME:
		put(o, t->name);
		break;
	case TYPE_STR:
		put(o, "str(");
		put_expr(o, t->len);
		put(o, ")");
		break;
	case TYPE_ARRAY:
		put_type(o, t->elem);
		put(o, "[");
		put_expr(o, t->len);
		put(o, "]");
		break;
	case TYPE_POINTER:
		put(o, "*");
		put_type(o, t->elem);
		break;
	case TYPE_FUNCTION:
		put(o, "fn(");
		for (size_t i = 0; i < t->args.len; i++) {
			const struct param *p = vec_at(t->args, i);
			if (i)
				put(o, ", ");
			if (p->name) {
				put(o, p->name);
				put(o, ": ");
			}
			put_type(o, p->type);
		}
		put(o, ")");
		if (t->ret) {
			put(o, " -> ");
			put_type(o, t->ret);
		}
		break;
	case TYPE_GENERIC:
		put(o, t->name);
		put(o, "<");
		for (size_t i = 0; i < t->args.len; i++) {
			if (i)
				put(o, ", ");
			put_type(o, vec_at(t->args, i));
		}
		put(o, ">");
		if (t->has_sizes) {
			put(o, "(");
			for (size_t i = 0; i < t->sizes.len; i++) {
				if (i)
					put(o, ", ");
				put_expr(o, vec_at(t->sizes, i));
			}
			put(o, ")");
		}
		break;
	}
}

static void put_exprs(struct out *o, const struct vec *v)
{
	for (size_t i = 0; i < v->len; i++) {
		put(o, " ");
		put_expr(o, vec_at(*v, i));
	}
}

/* Expressions as S-expressions: (+ 1 (* 2 3)), (. p x), (call f a b). */
static void put_expr(struct out *o, const struct expr *e)
{
	if (!e) {
		put(o, "<null>");
		return;
	}
	switch (e->kind) {
	case EXPR_INT:
	case EXPR_CHAR:
		put(o, e->integer.text);
		break;
	case EXPR_BOOL:
		put(o, e->boolean ? "true" : "false");
		break;
	case EXPR_STRING:
		put(o, "\"");
		put(o, e->string.bytes);
		put(o, "\"");
		break;
	case EXPR_NULL:
		put(o, "null");
		break;
	case EXPR_IDENT:
		put(o, e->ident);
		break;
	case EXPR_UNARY:
		put(o, "(");
		put(o, unary_op_text(e->unary.op));
		put(o, " ");
		put_expr(o, e->unary.operand);
		put(o, ")");
		break;
	case EXPR_BINARY:
		put(o, "(");
		put(o, binary_op_text(e->binary.op));
		put(o, " ");
		put_expr(o, e->binary.lhs);
		put(o, " ");
		put_expr(o, e->binary.rhs);
		put(o, ")");
		break;
	case EXPR_CAST:
		put(o, "(as ");
		put_expr(o, e->cast.operand);
		put(o, " ");
		put_type(o, e->cast.type);
		put(o, ")");
		break;
	case EXPR_SIZEOF:
		put(o, "(sizeof ");
		put_type(o, e->sizeof_type);
		put(o, ")");
		break;
	case EXPR_FIELD:
	case EXPR_ARROW:
		put(o, e->kind == EXPR_FIELD ? "(. " : "(-> ");
		put_expr(o, e->field.base);
		put(o, " ");
		put(o, e->field.name);
		put(o, ")");
		break;
	case EXPR_INDEX:
		put(o, "([] ");
		put_expr(o, e->index.base);
		put(o, " ");
		put_expr(o, e->index.index);
		put(o, ")");
		break;
	case EXPR_CALL:
		put(o, "(call ");
		put_expr(o, e->call.callee);
		put_exprs(o, &e->call.args);
		put(o, ")");
		break;
	case EXPR_STRUCT_LIT:
		put(o, "(");
		put(o, e->struct_lit.name);
		put(o, "{");
		for (size_t i = 0; i < e->struct_lit.fields.len; i++) {
			const struct field_init *f = vec_at(e->struct_lit.fields, i);
			put(o, " ");
			put(o, f->name);
			put(o, ": ");
			put_expr(o, f->value);
		}
		put(o, " })");
		break;
	case EXPR_ARRAY_LIT:
		if (e->array.repeat) {
			put(o, "([;");
			put_exprs(o, &e->array.elems);
			put(o, " ");
			put_expr(o, e->array.repeat);
		} else {
			put(o, "([");
			put_exprs(o, &e->array.elems);
		}
		put(o, ")");
		break;
	case EXPR_CONDITIONAL:
		put(o, "(? ");
		put_expr(o, e->conditional.cond);
		put(o, " ");
		put_expr(o, e->conditional.then);
		put(o, " ");
		put_expr(o, e->conditional.otherwise);
		put(o, ")");
		break;
	case EXPR_MATCH:
		put(o, "(match ");
		put_expr(o, e->match.scrutinee);
		for (size_t i = 0; i < e->match.arms.len; i++) {
			const struct match_arm *arm = vec_at(e->match.arms, i);
			put(o, " [");
			if (arm->pattern)
				put_expr(o, arm->pattern);
			else
				put(o, "default");
			put(o, ": ");
			if (arm->value)
				put_expr(o, arm->value);
			else if (arm->body && arm->body->kind == STMT_BLOCK)
				put(o, "{block}");
			else
				put(o, "<bad arm>");
			put(o, "]");
		}
		put(o, ")");
		break;
	case EXPR_NEW:
		put(o, "(new ");
		put_type(o, e->new_.type);
		if (e->new_.flags) {
			put(o, " ");
			put_expr(o, e->new_.flags);
		}
		put(o, ")");
		break;
	}
}

static const char *expr_text(const struct expr *e)
{
	static struct out o;
	o.len = 0;
	o.buf[0] = '\0';
	put_expr(&o, e);
	return o.buf;
}

static const char *type_text(const struct ast_type *t)
{
	static struct out o;
	o.len = 0;
	o.buf[0] = '\0';
	put_type(&o, t);
	return o.buf;
}

/* Whether the written form is WANT; prints both when not. */
static int text_is(const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "\n  want %s\n  got  %s\n", want, got);
	return 0;
}

/* Parses the expression TEXT and checks it parsed, without errors, to WANT. */
static int expr_is(const char *text, const char *want)
{
	struct expr *e = unit_parse_expr(text);
	if (unit.errors != 0) {
		fprintf(stderr, "\n  %s: %u errors:\n%s", text, unit.errors, unit.diags);
		return 0;
	}
	return text_is(expr_text(e), want);
}

/* Checks TYPE's written form is WANT. */
static int type_is(const struct ast_type *type, const char *want)
{
	return text_is(type_text(type), want);
}

/* Whether span AT begins at LINE:COL of the last source and ends at
 * END_LINE:END_COL (the position one past its last byte). */
static int span_is(struct span at, unsigned line, unsigned col, unsigned end_line,
		   unsigned end_col)
{
	int ok = at.src == unit.src && unit_line(at.begin) == line &&
		 unit_col(at.begin) == col && unit_line(at.end) == end_line &&
		 unit_col(at.end) == end_col;
	if (!ok)
		fprintf(stderr, "\n  want %u:%u-%u:%u, got %u:%u-%u:%u\n", line, col,
			end_line, end_col, unit_line(at.begin), unit_col(at.begin),
			unit_line(at.end), unit_col(at.end));
	return ok;
}

static struct param *param_at(const struct vec *v, size_t i)
{
	return i < v->len ? vec_at(*v, i) : NULL;
}

static struct member *member_at(const struct vec *v, size_t i)
{
	return i < v->len ? vec_at(*v, i) : NULL;
}

static struct attr *attr_at(const struct decl *d, size_t i)
{
	return i < d->attrs.len ? vec_at(d->attrs, i) : NULL;
}

/* ---- declarations ------------------------------------------------------- */

static void test_empty_program(void)
{
	struct program *p = unit_parse("");
	CU_ASSERT_PTR_EQUAL(p->src, unit.src);
	CU_ASSERT_EQUAL(p->decls.len, 0);
	p = unit_parse("\n// nothing here\n\n/* at all */\n");
	CU_ASSERT_EQUAL(p->decls.len, 0);
	CU_ASSERT_EQUAL(unit.errors, 0);
}

static void test_fn_decl(void)
{
	struct program *p = unit_parse("fn add(a: u32, b: *u8) -> u64 {\n"
				       "    return a\n"
				       "}\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 1);
	struct decl *d = unit_decl(p, 0);
	CU_ASSERT_EQUAL(d->kind, DECL_FN);
	CU_ASSERT_TRUE(unit_streq(d->name, "add"));
	CU_ASSERT_TRUE(span_is(d->name_span, 1, 4, 1, 7));
	CU_ASSERT_TRUE(span_is(d->span, 1, 1, 3, 2));
	CU_ASSERT_EQUAL(d->attrs.len, 0);
	CU_ASSERT_FALSE(d->pinned);
	CU_ASSERT_EQUAL_FATAL(d->fn.params.len, 2);
	struct param *a = param_at(&d->fn.params, 0), *b = param_at(&d->fn.params, 1);
	CU_ASSERT_TRUE(unit_streq(a->name, "a"));
	CU_ASSERT_TRUE(type_is(a->type, "u32"));
	CU_ASSERT_TRUE(span_is(a->span, 1, 8, 1, 14));
	CU_ASSERT_TRUE(unit_streq(b->name, "b"));
	CU_ASSERT_EQUAL(b->type->kind, TYPE_POINTER);
	CU_ASSERT_TRUE(type_is(b->type, "*u8"));
	CU_ASSERT_TRUE(type_is(d->fn.ret, "u64"));
	CU_ASSERT_PTR_NULL(d->fn.ret_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d->fn.body);
	CU_ASSERT_EQUAL(d->fn.body->kind, STMT_BLOCK);
	CU_ASSERT_TRUE(span_is(d->fn.body->span, 1, 31, 3, 2));
	CU_ASSERT_EQUAL_FATAL(d->fn.body->block.len, 1);
	struct stmt *ret = vec_at(d->fn.body->block, 0);
	CU_ASSERT_EQUAL(ret->kind, STMT_RETURN);
	CU_ASSERT_TRUE(span_is(ret->span, 2, 5, 2, 13));
	CU_ASSERT_TRUE(text_is(expr_text(ret->expr), "a"));
}

static void test_fn_variants(void)
{
	struct program *p = unit_parse("fn none() {}\n"
				       "fn trailing(x: u32,) {\n}\n"
				       "fn named(x: u32) -> result: i32 {\n    result = x\n}\n"
				       "fn brace_below()\n{\n}\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 4);
	struct decl *none = unit_decl(p, 0), *trailing = unit_decl(p, 1);
	struct decl *named = unit_decl(p, 2), *below = unit_decl(p, 3);
	CU_ASSERT_EQUAL(none->fn.params.len, 0);
	CU_ASSERT_PTR_NULL(none->fn.ret);
	CU_ASSERT_EQUAL(none->fn.body->block.len, 0);
	CU_ASSERT_EQUAL(trailing->fn.params.len, 1);
	CU_ASSERT_TRUE(unit_streq(named->fn.ret_name, "result"));
	CU_ASSERT_TRUE(type_is(named->fn.ret, "i32"));
	CU_ASSERT_EQUAL(named->fn.body->block.len, 1);
	CU_ASSERT_TRUE(unit_streq(below->name, "brace_below"));
	CU_ASSERT_TRUE(span_is(below->span, 7, 1, 9, 2));
	CU_ASSERT_EQUAL(below->fn.body->block.len, 0);
}

static void test_attributes(void)
{
	struct program *p = unit_parse("@xdp fn a(ctx: *xdp_md) -> xdp_action {\n"
				       "    return XDP_PASS\n"
				       "}\n"
				       "@helper\n"
				       "@probe(\"sys_read\", 2,)\n"
				       "fn b() {}\n"
				       "@flags() fn c() {}\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 3);
	struct decl *a = unit_decl(p, 0), *b = unit_decl(p, 1), *c = unit_decl(p, 2);
	CU_ASSERT_EQUAL(a->kind, DECL_FN);
	CU_ASSERT_EQUAL_FATAL(a->attrs.len, 1);
	CU_ASSERT_TRUE(unit_streq(attr_at(a, 0)->name, "xdp"));
	CU_ASSERT_FALSE(attr_at(a, 0)->has_args);
	CU_ASSERT_TRUE(span_is(attr_at(a, 0)->span, 1, 1, 1, 5));
	CU_ASSERT_TRUE(span_is(a->span, 1, 1, 3, 2));

	CU_ASSERT_TRUE(unit_streq(b->name, "b"));
	CU_ASSERT_EQUAL_FATAL(b->attrs.len, 2);
	CU_ASSERT_TRUE(unit_streq(attr_at(b, 0)->name, "helper"));
	struct attr *probe = attr_at(b, 1);
	CU_ASSERT_TRUE(unit_streq(probe->name, "probe"));
	CU_ASSERT_TRUE(probe->has_args);
	CU_ASSERT_EQUAL_FATAL(probe->args.len, 2);
	CU_ASSERT_TRUE(text_is(expr_text(vec_at(probe->args, 0)), "\"sys_read\""));
	CU_ASSERT_TRUE(text_is(expr_text(vec_at(probe->args, 1)), "2"));
	CU_ASSERT_TRUE(span_is(probe->span, 5, 1, 5, 23));
	CU_ASSERT_TRUE(span_is(b->span, 4, 1, 6, 10));

	CU_ASSERT_TRUE(attr_at(c, 0)->has_args);
	CU_ASSERT_EQUAL(attr_at(c, 0)->args.len, 0);
}

static void test_extern(void)
{
	struct program *p = unit_parse("extern bpf_ktime_get_ns() -> u64\n"
				       "extern note(msg: *u8, len: u32)\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 2);
	struct decl *a = unit_decl(p, 0), *b = unit_decl(p, 1);
	CU_ASSERT_EQUAL(a->kind, DECL_EXTERN);
	CU_ASSERT_TRUE(unit_streq(a->name, "bpf_ktime_get_ns"));
	CU_ASSERT_TRUE(type_is(a->fn.ret, "u64"));
	CU_ASSERT_PTR_NULL(a->fn.body);
	CU_ASSERT_TRUE(span_is(a->span, 1, 1, 1, 33));
	CU_ASSERT_EQUAL(b->kind, DECL_EXTERN);
	CU_ASSERT_PTR_NULL(b->fn.ret);
	CU_ASSERT_EQUAL_FATAL(b->fn.params.len, 2);
	CU_ASSERT_TRUE(unit_streq(param_at(&b->fn.params, 1)->name, "len"));
	CU_ASSERT_TRUE(type_is(param_at(&b->fn.params, 0)->type, "*u8"));
}

static void test_struct(void)
{
	struct program *p = unit_parse("struct Flow {\n"
				       "    packets: u64\n"
				       "    label: str(32),\n"
				       "    mac: u8[6], next: *Flow,\n"
				       "    buf: [u8; 16]\n"
				       "    type: u8,\n"
				       "}\n"
				       "struct Empty {}\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 2);
	struct decl *d = unit_decl(p, 0);
	CU_ASSERT_EQUAL(d->kind, DECL_STRUCT);
	CU_ASSERT_TRUE(unit_streq(d->name, "Flow"));
	CU_ASSERT_EQUAL_FATAL(d->members.len, 6);
	const char *names[] = { "packets", "label", "mac", "next", "buf", "type" };
	const char *types[] = { "u64", "str(32)", "u8[6]", "*Flow", "u8[16]", "u8" };
	for (size_t i = 0; i < 6; i++) {
		struct member *m = member_at(&d->members, i);
		CU_ASSERT_TRUE(unit_streq(m->name, names[i]));
		CU_ASSERT_TRUE(type_is(m->type, types[i]));
		CU_ASSERT_PTR_NULL(m->value);
	}
	CU_ASSERT_EQUAL(member_at(&d->members, 4)->type->kind, TYPE_ARRAY);
	CU_ASSERT_TRUE(span_is(member_at(&d->members, 3)->span, 4, 17, 4, 28));
	CU_ASSERT_EQUAL(unit_decl(p, 1)->kind, DECL_STRUCT);
	CU_ASSERT_EQUAL(unit_decl(p, 1)->members.len, 0);
}

static void test_enum(void)
{
	struct program *p = unit_parse("enum Errno {\n"
				       "    OK,\n"
				       "    ENOENT = -2\n"
				       "    EAGAIN = 0x0b,\n"
				       "}\n"
				       "enum One { A }");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 2);
	struct decl *d = unit_decl(p, 0);
	CU_ASSERT_EQUAL(d->kind, DECL_ENUM);
	CU_ASSERT_TRUE(unit_streq(d->name, "Errno"));
	CU_ASSERT_EQUAL_FATAL(d->members.len, 3);
	CU_ASSERT_TRUE(unit_streq(member_at(&d->members, 0)->name, "OK"));
	CU_ASSERT_PTR_NULL(member_at(&d->members, 0)->value);
	CU_ASSERT_PTR_NULL(member_at(&d->members, 0)->type);
	CU_ASSERT_TRUE(text_is(expr_text(member_at(&d->members, 1)->value), "(- 2)"));
	CU_ASSERT_EQUAL(member_at(&d->members, 2)->value->integer.value, 11);
	CU_ASSERT_EQUAL(unit_decl(p, 1)->members.len, 1);
}

static void test_config(void)
{
	struct program *p = unit_parse("config net { port: u16 = 80, verbose: bool\n"
				       "  name: str(8) = \"eth0\" }");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 1);
	struct decl *d = unit_decl(p, 0);
	CU_ASSERT_EQUAL(d->kind, DECL_CONFIG);
	CU_ASSERT_TRUE(unit_streq(d->name, "net"));
	CU_ASSERT_EQUAL_FATAL(d->members.len, 3);
	CU_ASSERT_TRUE(type_is(member_at(&d->members, 0)->type, "u16"));
	CU_ASSERT_TRUE(text_is(expr_text(member_at(&d->members, 0)->value), "80"));
	CU_ASSERT_PTR_NULL(member_at(&d->members, 1)->value);
	CU_ASSERT_TRUE(type_is(member_at(&d->members, 2)->type, "str(8)"));
	CU_ASSERT_TRUE(text_is(expr_text(member_at(&d->members, 2)->value), "\"eth0\""));
}

static void test_type_aliases(void)
{
	struct program *p = unit_parse("type Id = u64\n"
				       "type Grid = u8[6][2]\n"
				       "type Reducer = fn(u32, code: i32) -> u32\n"
				       "type Notify = fn()\n"
				       "type Table = hash<u32, *Flow>\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 5);
	CU_ASSERT_EQUAL(unit_decl(p, 0)->kind, DECL_TYPE);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 0)->name, "Id"));
	CU_ASSERT_TRUE(type_is(unit_decl(p, 0)->var.type, "u64"));
	struct ast_type *grid = unit_decl(p, 1)->var.type;
	CU_ASSERT_EQUAL(grid->kind, TYPE_ARRAY);
	CU_ASSERT_TRUE(text_is(expr_text(grid->len), "2"));
	CU_ASSERT_EQUAL(grid->elem->kind, TYPE_ARRAY);
	CU_ASSERT_TRUE(text_is(expr_text(grid->elem->len), "6"));
	struct ast_type *fn = unit_decl(p, 2)->var.type;
	CU_ASSERT_EQUAL(fn->kind, TYPE_FUNCTION);
	CU_ASSERT_EQUAL_FATAL(fn->args.len, 2);
	CU_ASSERT_PTR_NULL(param_at(&fn->args, 0)->name);
	CU_ASSERT_TRUE(unit_streq(param_at(&fn->args, 1)->name, "code"));
	CU_ASSERT_TRUE(type_is(fn, "fn(u32, code: i32) -> u32"));
	CU_ASSERT_TRUE(span_is(fn->span, 3, 16, 3, 41));
	CU_ASSERT_PTR_NULL(unit_decl(p, 3)->var.type->ret);
	CU_ASSERT_EQUAL(unit_decl(p, 3)->var.type->args.len, 0);
	struct ast_type *table = unit_decl(p, 4)->var.type;
	CU_ASSERT_EQUAL(table->kind, TYPE_GENERIC);
	CU_ASSERT_FALSE(table->has_sizes);
	CU_ASSERT_TRUE(type_is(table, "hash<u32, *Flow>"));
}

static void test_global_vars(void)
{
	struct program *p = unit_parse("var a: u64\n"
				       "var b = VERDICT_PASS\n"
				       "pin var c: u64 = 5\n"
				       "local var d: u8[64]\n"
				       "@private local var e = 0\n"
				       "var h: hash<u32, u64>\n"
				       "var last = p->type\n"
				       "const after = 1\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 8);
	struct decl *a = unit_decl(p, 0), *b = unit_decl(p, 1), *c = unit_decl(p, 2);
	struct decl *d = unit_decl(p, 3), *e = unit_decl(p, 4), *h = unit_decl(p, 5);
	CU_ASSERT_EQUAL(a->kind, DECL_VAR);
	CU_ASSERT_TRUE(type_is(a->var.type, "u64"));
	CU_ASSERT_PTR_NULL(a->var.init);
	CU_ASSERT_PTR_NULL(b->var.type);
	CU_ASSERT_TRUE(text_is(expr_text(b->var.init), "VERDICT_PASS"));
	CU_ASSERT_TRUE(c->pinned);
	CU_ASSERT_FALSE(c->local);
	CU_ASSERT_TRUE(span_is(c->span, 3, 1, 3, 19));
	CU_ASSERT_TRUE(d->local);
	CU_ASSERT_FALSE(d->pinned);
	CU_ASSERT_TRUE(e->local);
	CU_ASSERT_EQUAL(e->attrs.len, 1);
	CU_ASSERT_TRUE(span_is(e->span, 5, 1, 5, 25));
	/* A generic type without a size is not a map. */
	CU_ASSERT_EQUAL(h->kind, DECL_VAR);
	CU_ASSERT_EQUAL(h->var.type->kind, TYPE_GENERIC);
	CU_ASSERT_TRUE(span_is(h->span, 6, 1, 6, 22));
	CU_ASSERT_TRUE(text_is(expr_text(unit_decl(p, 6)->var.init), "(-> p type)"));
	CU_ASSERT_EQUAL(unit_decl(p, 7)->kind, DECL_CONST);
}

static void test_maps(void)
{
	struct program *p = unit_parse("var conns: hash<ConnKey, ConnInfo>(10240)\n"
				       "var events: ringbuf<Event>(262144)\n"
				       "@flags(no_prealloc | rdonly) pin var frozen: hash<u32, u32>(16)\n"
				       "pin @flags(rdonly)\n"
				       "var shared: array<u32, u64>(8, 2)\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 4);
	struct decl *conns = unit_decl(p, 0), *events = unit_decl(p, 1);
	struct decl *frozen = unit_decl(p, 2), *shared = unit_decl(p, 3);
	CU_ASSERT_EQUAL(conns->kind, DECL_MAP);
	CU_ASSERT_TRUE(unit_streq(conns->name, "conns"));
	CU_ASSERT_TRUE(conns->var.type->has_sizes);
	CU_ASSERT_TRUE(type_is(conns->var.type, "hash<ConnKey, ConnInfo>(10240)"));
	CU_ASSERT_EQUAL(events->kind, DECL_MAP);
	CU_ASSERT_EQUAL(events->var.type->args.len, 1);
	CU_ASSERT_TRUE(type_is(events->var.type, "ringbuf<Event>(262144)"));
	CU_ASSERT_EQUAL(frozen->kind, DECL_MAP);
	CU_ASSERT_TRUE(frozen->pinned);
	CU_ASSERT_EQUAL_FATAL(frozen->attrs.len, 1);
	CU_ASSERT_TRUE(unit_streq(attr_at(frozen, 0)->name, "flags"));
	CU_ASSERT_EQUAL_FATAL(attr_at(frozen, 0)->args.len, 1);
	CU_ASSERT_TRUE(text_is(expr_text(vec_at(attr_at(frozen, 0)->args, 0)),
			       "(| no_prealloc rdonly)"));
	CU_ASSERT_EQUAL(shared->kind, DECL_MAP);
	CU_ASSERT_TRUE(shared->pinned);
	CU_ASSERT_EQUAL(shared->attrs.len, 1);
	CU_ASSERT_EQUAL(shared->var.type->sizes.len, 2);
	CU_ASSERT_TRUE(span_is(shared->span, 4, 1, 5, 34));
}

static void test_const_include_import(void)
{
	struct program *p = unit_parse("include \"xdp.kh\"\n"
				       "import net from \"helpers/net.ks\"\n"
				       "const MAX = 4096\n"
				       "const RATE: u32 = 1 << 4\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 4);
	CU_ASSERT_EQUAL(unit_decl(p, 0)->kind, DECL_INCLUDE);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 0)->path, "xdp.kh"));
	CU_ASSERT_EQUAL(unit_decl(p, 1)->kind, DECL_IMPORT);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 1)->name, "net"));
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 1)->path, "helpers/net.ks"));
	CU_ASSERT_EQUAL(unit_decl(p, 2)->kind, DECL_CONST);
	CU_ASSERT_PTR_NULL(unit_decl(p, 2)->var.type);
	CU_ASSERT_TRUE(text_is(expr_text(unit_decl(p, 2)->var.init), "4096"));
	CU_ASSERT_TRUE(type_is(unit_decl(p, 3)->var.type, "u32"));
	CU_ASSERT_TRUE(text_is(expr_text(unit_decl(p, 3)->var.init), "(<< 1 4)"));
	CU_ASSERT_TRUE(span_is(unit_decl(p, 3)->span, 4, 1, 4, 25));
}

static void test_impl(void)
{
	struct program *p = unit_parse("impl ops {\n"
				       "    name: \"tcp_ops\",\n"
				       "    @helper fn init(sk: *sock) -> i32 { return 0 }\n"
				       "    fn release(sk: *sock) {}\n"
				       "}\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 1);
	struct decl *d = unit_decl(p, 0);
	CU_ASSERT_EQUAL(d->kind, DECL_IMPL);
	CU_ASSERT_TRUE(unit_streq(d->name, "ops"));
	CU_ASSERT_EQUAL_FATAL(d->impl_items.len, 3);
	struct decl *field = vec_at(d->impl_items, 0);
	struct decl *init = vec_at(d->impl_items, 1), *release = vec_at(d->impl_items, 2);
	CU_ASSERT_EQUAL(field->kind, DECL_FIELD);
	CU_ASSERT_TRUE(unit_streq(field->name, "name"));
	CU_ASSERT_TRUE(text_is(expr_text(field->var.init), "\"tcp_ops\""));
	CU_ASSERT_EQUAL(init->kind, DECL_FN);
	CU_ASSERT_TRUE(unit_streq(init->name, "init"));
	CU_ASSERT_EQUAL_FATAL(init->attrs.len, 1);
	CU_ASSERT_TRUE(unit_streq(attr_at(init, 0)->name, "helper"));
	CU_ASSERT_TRUE(span_is(init->span, 3, 5, 3, 51));
	CU_ASSERT_EQUAL(release->kind, DECL_FN);
	CU_ASSERT_EQUAL(release->attrs.len, 0);
}

/* ---- statements --------------------------------------------------------- */

static void test_local_var_const(void)
{
	struct vec *body = unit_parse_body("var a: u32\n"
					   "var b: u64 = 1\n"
					   "var c = x + 1\n"
					   "const d: u8 = 2\n"
					   "const e = 3");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 5);
	struct stmt *a = unit_stmt(body, 0), *b = unit_stmt(body, 1), *c = unit_stmt(body, 2);
	struct stmt *d = unit_stmt(body, 3), *e = unit_stmt(body, 4);
	CU_ASSERT_EQUAL(a->kind, STMT_VAR);
	CU_ASSERT_TRUE(unit_streq(a->var.name, "a"));
	CU_ASSERT_TRUE(type_is(a->var.type, "u32"));
	CU_ASSERT_PTR_NULL(a->var.init);
	CU_ASSERT_TRUE(text_is(expr_text(b->var.init), "1"));
	CU_ASSERT_PTR_NULL(c->var.type);
	CU_ASSERT_TRUE(text_is(expr_text(c->var.init), "(+ x 1)"));
	CU_ASSERT_TRUE(span_is(c->var.name_span, 4, 5, 4, 6));
	CU_ASSERT_TRUE(span_is(c->span, 4, 1, 4, 14));
	CU_ASSERT_EQUAL(d->kind, STMT_CONST);
	CU_ASSERT_TRUE(type_is(d->var.type, "u8"));
	CU_ASSERT_EQUAL(e->kind, STMT_CONST);
	CU_ASSERT_PTR_NULL(e->var.type);
}

static void test_assignments(void)
{
	static const char *const ops[] = { "=", "+=", "-=", "*=", "/=", "%=",
					   "&=", "|=", "^=", "<<=", ">>=" };
	static const enum binary_op bin[] = { BIN_ADD, BIN_ADD, BIN_SUB, BIN_MUL,
					      BIN_DIV, BIN_MOD, BIN_BITAND, BIN_BITOR,
					      BIN_BITXOR, BIN_SHL, BIN_SHR };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char *text = arena_printf(unit.arena, "p->a[i] %s y + 1", ops[i]);
		struct stmt *s = unit_stmt(unit_parse_body(text), 0);
		CU_ASSERT_EQUAL(unit.errors, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_EQUAL(s->kind, STMT_ASSIGN);
		CU_ASSERT_EQUAL(s->assign.op.compound, i > 0);
		if (i > 0)
			CU_ASSERT_EQUAL(s->assign.op.op, bin[i]);
		CU_ASSERT_TRUE(text_is(expr_text(s->assign.target), "([] (-> p a) i)"));
		CU_ASSERT_TRUE(text_is(expr_text(s->assign.value), "(+ y 1)"));
	}
}

static void test_expression_statements(void)
{
	struct vec *body = unit_parse_body("f(x)\n"
					   "events.submit(e); x\n"
					   "delete m[k]\n"
					   "delete p");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 5);
	CU_ASSERT_EQUAL(unit_stmt(body, 0)->kind, STMT_EXPR);
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 1)->expr), "(call (. events submit) e)"));
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 2)->expr), "x"));
	CU_ASSERT_EQUAL(unit_stmt(body, 3)->kind, STMT_DELETE);
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 3)->expr), "([] m k)"));
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 4)->expr), "p"));
}

static void test_if_chain(void)
{
	struct vec *body = unit_parse_body("if (a) {\n"
					   "    x = 1\n"
					   "} else if (b) {\n"
					   "} else {\n"
					   "    y = 2\n"
					   "    z = 3\n"
					   "}");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 1);
	struct stmt *s = unit_stmt(body, 0);
	CU_ASSERT_EQUAL(s->kind, STMT_IF);
	CU_ASSERT_PTR_NULL(s->if_.bind);
	CU_ASSERT_TRUE(text_is(expr_text(s->if_.cond), "a"));
	CU_ASSERT_EQUAL(s->if_.then->kind, STMT_BLOCK);
	CU_ASSERT_EQUAL(s->if_.then->block.len, 1);
	CU_ASSERT_TRUE(span_is(s->span, 2, 1, 8, 2));
	struct stmt *elif = s->if_.otherwise;
	CU_ASSERT_PTR_NOT_NULL_FATAL(elif);
	CU_ASSERT_EQUAL(elif->kind, STMT_IF);
	CU_ASSERT_TRUE(text_is(expr_text(elif->if_.cond), "b"));
	CU_ASSERT_EQUAL(elif->if_.then->block.len, 0);
	CU_ASSERT_TRUE(span_is(elif->span, 4, 8, 8, 2));
	CU_ASSERT_PTR_NOT_NULL_FATAL(elif->if_.otherwise);
	CU_ASSERT_EQUAL(elif->if_.otherwise->kind, STMT_BLOCK);
	CU_ASSERT_EQUAL(elif->if_.otherwise->block.len, 2);
}

static void test_if_var(void)
{
	struct vec *body = unit_parse_body("if (var info = conns[key]) {\n"
					   "    info.packets += 1\n"
					   "}\n"
					   "if (c)\n"
					   "{\n"
					   "}");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 2);
	struct stmt *s = unit_stmt(body, 0);
	CU_ASSERT_TRUE(unit_streq(s->if_.bind, "info"));
	CU_ASSERT_TRUE(span_is(s->if_.bind_span, 2, 9, 2, 13));
	CU_ASSERT_TRUE(text_is(expr_text(s->if_.cond), "([] conns key)"));
	CU_ASSERT_PTR_NULL(s->if_.otherwise);
	CU_ASSERT_PTR_NULL(unit_stmt(body, 1)->if_.bind);
	CU_ASSERT_EQUAL(unit_stmt(body, 1)->if_.then->kind, STMT_BLOCK);
}

static void test_loops(void)
{
	struct vec *body = unit_parse_body("while (i < n) {\n"
					   "    i += 1\n"
					   "    if (i == 3) { continue }\n"
					   "    break\n"
					   "}\n"
					   "for (j in 0..n + 1) {\n"
					   "}\n"
					   "for (k, v) in maps.buckets {\n"
					   "    total += v\n"
					   "}");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 3);
	struct stmt *w = unit_stmt(body, 0), *r = unit_stmt(body, 1), *e = unit_stmt(body, 2);
	CU_ASSERT_EQUAL(w->kind, STMT_WHILE);
	CU_ASSERT_TRUE(text_is(expr_text(w->while_.cond), "(< i n)"));
	CU_ASSERT_EQUAL_FATAL(w->while_.body->block.len, 3);
	CU_ASSERT_EQUAL(unit_stmt(&w->while_.body->block, 2)->kind, STMT_BREAK);
	struct stmt *inner_if = unit_stmt(&w->while_.body->block, 1);
	CU_ASSERT_EQUAL(unit_stmt(&inner_if->if_.then->block, 0)->kind, STMT_CONTINUE);

	CU_ASSERT_EQUAL(r->kind, STMT_FOR_RANGE);
	CU_ASSERT_TRUE(unit_streq(r->for_.var, "j"));
	CU_ASSERT_TRUE(span_is(r->for_.var_span, 7, 6, 7, 7));
	CU_ASSERT_TRUE(text_is(expr_text(r->for_.from), "0"));
	CU_ASSERT_TRUE(text_is(expr_text(r->for_.to), "(+ n 1)"));

	CU_ASSERT_EQUAL(e->kind, STMT_FOR_EACH);
	CU_ASSERT_TRUE(unit_streq(e->for_.var, "k"));
	CU_ASSERT_TRUE(unit_streq(e->for_.value_var, "v"));
	CU_ASSERT_TRUE(span_is(e->for_.value_var_span, 9, 9, 9, 10));
	CU_ASSERT_TRUE(text_is(expr_text(e->for_.iterable), "(. maps buckets)"));
	CU_ASSERT_EQUAL(e->for_.body->block.len, 1);
}

static void test_return_forms(void)
{
	struct vec *body = unit_parse_body("return\n"
					   "return a + b\n"
					   "{\n"
					   "    return\n"
					   "}");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 3);
	CU_ASSERT_EQUAL(unit_stmt(body, 0)->kind, STMT_RETURN);
	CU_ASSERT_PTR_NULL(unit_stmt(body, 0)->expr);
	CU_ASSERT_TRUE(span_is(unit_stmt(body, 0)->span, 2, 1, 2, 7));
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 1)->expr), "(+ a b)"));
	CU_ASSERT_EQUAL(unit_stmt(body, 2)->kind, STMT_BLOCK);
	CU_ASSERT_EQUAL(unit_stmt(body, 2)->block.len, 1);
}

static void test_try_throw_defer(void)
{
	struct vec *body = unit_parse_body("try {\n"
					   "    throw 42\n"
					   "} catch 42 {\n"
					   "} catch ENOENT {\n"
					   "    x = 1\n"
					   "} catch _ {\n"
					   "}\n"
					   "defer close(fd)\n"
					   "defer {\n"
					   "    unlock(l)\n"
					   "}");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL_FATAL(body->len, 3);
	struct stmt *t = unit_stmt(body, 0);
	CU_ASSERT_EQUAL(t->kind, STMT_TRY);
	CU_ASSERT_EQUAL_FATAL(t->try_.body->block.len, 1);
	struct stmt *th = unit_stmt(&t->try_.body->block, 0);
	CU_ASSERT_EQUAL(th->kind, STMT_THROW);
	CU_ASSERT_TRUE(text_is(expr_text(th->expr), "42"));
	CU_ASSERT_EQUAL_FATAL(t->try_.catches.len, 3);
	struct catch_clause *c0 = vec_at(t->try_.catches, 0);
	struct catch_clause *c1 = vec_at(t->try_.catches, 1);
	struct catch_clause *c2 = vec_at(t->try_.catches, 2);
	CU_ASSERT_TRUE(text_is(expr_text(c0->code), "42"));
	CU_ASSERT_EQUAL(c0->code->kind, EXPR_INT);
	CU_ASSERT_EQUAL(c1->code->kind, EXPR_IDENT);
	CU_ASSERT_TRUE(text_is(expr_text(c1->code), "ENOENT"));
	CU_ASSERT_EQUAL(c1->body->block.len, 1);
	CU_ASSERT_TRUE(span_is(c1->span, 5, 3, 7, 2));
	CU_ASSERT_PTR_NULL(c2->code);
	CU_ASSERT_TRUE(span_is(t->span, 2, 1, 8, 2));

	struct stmt *d1 = unit_stmt(body, 1), *d2 = unit_stmt(body, 2);
	CU_ASSERT_EQUAL(d1->kind, STMT_DEFER);
	CU_ASSERT_PTR_NULL(d1->deferred);
	CU_ASSERT_TRUE(text_is(expr_text(d1->expr), "(call close fd)"));
	CU_ASSERT_EQUAL(d2->kind, STMT_DEFER);
	CU_ASSERT_PTR_NULL(d2->expr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d2->deferred);
	CU_ASSERT_EQUAL(d2->deferred->kind, STMT_BLOCK);
	CU_ASSERT_EQUAL(d2->deferred->block.len, 1);
}

/* ---- expressions -------------------------------------------------------- */

static void test_arithmetic_precedence(void)
{
	CU_ASSERT_TRUE(expr_is("1 + 2 * 3", "(+ 1 (* 2 3))"));
	CU_ASSERT_TRUE(expr_is("1 * 2 + 3", "(+ (* 1 2) 3)"));
	CU_ASSERT_TRUE(expr_is("(1 + 2) * 3", "(* (+ 1 2) 3)"));
	CU_ASSERT_TRUE(expr_is("a % b / c * d", "(* (/ (% a b) c) d)"));
	CU_ASSERT_TRUE(expr_is("a << 1 + 2", "(<< a (+ 1 2))"));
	CU_ASSERT_TRUE(expr_is("a >> b << c", "(<< (>> a b) c)"));
}

static void test_left_associativity(void)
{
	CU_ASSERT_TRUE(expr_is("a - b - c", "(- (- a b) c)"));
	CU_ASSERT_TRUE(expr_is("a / b / c", "(/ (/ a b) c)"));
	CU_ASSERT_TRUE(expr_is("a == b == c", "(== (== a b) c)"));
	CU_ASSERT_TRUE(expr_is("a < b < c", "(< (< a b) c)"));
	CU_ASSERT_TRUE(expr_is("a || b || c", "(|| (|| a b) c)"));
	CU_ASSERT_TRUE(expr_is("a & b & c", "(& (& a b) c)"));
}

static void test_logical_and_bitwise_precedence(void)
{
	CU_ASSERT_TRUE(expr_is("a || b && c", "(|| a (&& b c))"));
	CU_ASSERT_TRUE(expr_is("a && b || c && d", "(|| (&& a b) (&& c d))"));
	CU_ASSERT_TRUE(expr_is("a == b && c != d", "(&& (== a b) (!= c d))"));
	CU_ASSERT_TRUE(expr_is("a < b == c >= d", "(== (< a b) (>= c d))"));
	/* Bitwise operators bind tighter than comparisons, unlike C. */
	CU_ASSERT_TRUE(expr_is("flags & MASK == 0", "(== (& flags MASK) 0)"));
	CU_ASSERT_TRUE(expr_is("a | b < c ^ d", "(< (| a b) (^ c d))"));
	CU_ASSERT_TRUE(expr_is("a | b ^ c & d", "(| a (^ b (& c d)))"));
	/* Lines continue after or before a binary operator. */
	CU_ASSERT_TRUE(expr_is("a == 1\n    || b > \n    2", "(|| (== a 1) (> b 2))"));
	CU_ASSERT_TRUE(expr_is("a & b << 2", "(& a (<< b 2))"));
}

static void test_conditional(void)
{
	CU_ASSERT_TRUE(expr_is("a ? b : c", "(? a b c)"));
	/* Right-associative. */
	CU_ASSERT_TRUE(expr_is("a ? b : c ? d : e", "(? a b (? c d e))"));
	CU_ASSERT_TRUE(expr_is("a ? b ? c : d : e", "(? a (? b c d) e)"));
	CU_ASSERT_TRUE(expr_is("a || b ? c + 1 : d", "(? (|| a b) (+ c 1) d)"));
	CU_ASSERT_TRUE(expr_is("a\n    ? b\n    : c", "(? a b c)"));
}

static void test_unary(void)
{
	CU_ASSERT_TRUE(expr_is("-a * b", "(* (- a) b)"));
	CU_ASSERT_TRUE(expr_is("!a && b", "(&& (! a) b)"));
	CU_ASSERT_TRUE(expr_is("*p.x", "(* (. p x))"));
	CU_ASSERT_TRUE(expr_is("&s->f[2]", "(& ([] (-> s f) 2))"));
	CU_ASSERT_TRUE(expr_is("~-!x", "(~ (- (! x)))"));
	CU_ASSERT_TRUE(expr_is("a - -b", "(- a (- b))"));
	CU_ASSERT_TRUE(expr_is("a * *p", "(* a (* p))"));
}

static void test_casts(void)
{
	CU_ASSERT_TRUE(expr_is("x as u32 + 1", "(+ (as x u32) 1)"));
	CU_ASSERT_TRUE(expr_is("a * b as u64", "(* a (as b u64))"));
	CU_ASSERT_TRUE(expr_is("-x as i32", "(as (- x) i32)"));
	/* After 'as' no <...>: this compares. */
	CU_ASSERT_TRUE(expr_is("x as u32 < y", "(< (as x u32) y)"));
	CU_ASSERT_TRUE(expr_is("p as *u8 as u64", "(as (as p *u8) u64)"));
	CU_ASSERT_TRUE(expr_is("s as str(16)", "(as s str(16))"));
}

static void test_postfix(void)
{
	CU_ASSERT_TRUE(expr_is("f(a, b)(c)", "(call (call f a b) c)"));
	CU_ASSERT_TRUE(expr_is("f()", "(call f)"));
	CU_ASSERT_TRUE(expr_is("f(a,)", "(call f a)"));
	CU_ASSERT_TRUE(expr_is("a.b->c[1 + i]", "([] (-> (. a b) c) (+ 1 i))"));
	CU_ASSERT_TRUE(expr_is("m[k].v.w", "(. (. ([] m k) v) w)"));
	/* Keywords are fine member names. */
	CU_ASSERT_TRUE(expr_is("x.type + x->default", "(+ (. x type) (-> x default))"));
	CU_ASSERT_TRUE(expr_is("f(\n  a,\n  b\n)", "(call f a b)"));
}

static void test_literals(void)
{
	CU_ASSERT_TRUE(expr_is("true || false", "(|| true false)"));
	CU_ASSERT_TRUE(expr_is("p == null", "(== p null)"));
	CU_ASSERT_TRUE(expr_is("Point { x: 1, y: a + b }", "(Point{ x: 1 y: (+ a b) })"));
	CU_ASSERT_TRUE(expr_is("Point {\n  x: 1\n  y: 2,\n}", "(Point{ x: 1 y: 2 })"));
	CU_ASSERT_TRUE(expr_is("Empty {}", "(Empty{ })"));
	CU_ASSERT_TRUE(expr_is("[1, 2, 3]", "([ 1 2 3)"));
	CU_ASSERT_TRUE(expr_is("[]", "([)"));
	CU_ASSERT_TRUE(expr_is("[0; 16]", "([; 0 16)"));
	CU_ASSERT_TRUE(expr_is("sizeof(u32) * 2", "(* (sizeof u32) 2)"));
	CU_ASSERT_TRUE(expr_is("sizeof(*Flow)", "(sizeof *Flow)"));
	CU_ASSERT_TRUE(expr_is("new Flow()", "(new Flow)"));
	CU_ASSERT_TRUE(expr_is("new u8[16](GFP)", "(new u8[16] GFP)"));
}

static void test_literal_nodes(void)
{
	struct expr *e = unit_parse_expr("0x10 + 'a'");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->binary.lhs->kind, EXPR_INT);
	CU_ASSERT_EQUAL(e->binary.lhs->integer.value, 16);
	CU_ASSERT_EQUAL(e->binary.rhs->kind, EXPR_CHAR);
	CU_ASSERT_EQUAL(e->binary.rhs->integer.value, 'a');
	e = unit_parse_expr("\"a\\x00b\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, EXPR_STRING);
	CU_ASSERT_EQUAL(e->string.len, 3);
	CU_ASSERT_EQUAL(memcmp(e->string.bytes, "a\0b", 3), 0);
	e = unit_parse_expr("[x; 4]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->array.elems.len, 1);
	CU_ASSERT_EQUAL(e->array.repeat->integer.value, 4);
	e = unit_parse_expr("true");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, EXPR_BOOL);
	CU_ASSERT_TRUE(e->boolean);
	e = unit_parse_expr("false");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_FALSE(e->boolean);
}

static void test_match(void)
{
	struct expr *e = unit_parse_expr("match (proto) {\n"
					 "    6: TCP,\n"
					 "    -1: BAD\n"
					 "    'x': { log(x) }\n"
					 "    IPPROTO_UDP: UDP,\n"
					 "    default: OTHER\n"
					 "}");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->kind, EXPR_MATCH);
	CU_ASSERT_TRUE(text_is(expr_text(e),
			       "(match proto [6: TCP] [(- 1): BAD] ['x': {block}] "
			       "[IPPROTO_UDP: UDP] [default: OTHER])"));
	CU_ASSERT_EQUAL_FATAL(e->match.arms.len, 5);
	struct match_arm *block_arm = vec_at(e->match.arms, 2);
	CU_ASSERT_PTR_NULL(block_arm->value);
	CU_ASSERT_EQUAL(block_arm->body->block.len, 1);
	CU_ASSERT_TRUE(span_is(block_arm->span, 4, 5, 4, 20));
	CU_ASSERT_TRUE(span_is(e->span, 1, 11, 7, 2));
}

/* ---- spans -------------------------------------------------------------- */

static void test_expression_spans(void)
{
	struct expr *e = unit_parse_expr("(a + b) * f(c, d)");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* "const x = " is 10 bytes: the expression starts at column 11. */
	CU_ASSERT_TRUE(span_is(e->span, 1, 11, 1, 28));
	CU_ASSERT_TRUE(span_is(e->binary.lhs->span, 1, 12, 1, 17));
	CU_ASSERT_TRUE(span_is(e->binary.rhs->span, 1, 21, 1, 28));
	CU_ASSERT_TRUE(span_is(e->binary.rhs->call.callee->span, 1, 21, 1, 22));

	e = unit_parse_expr("ctx->data.len");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(span_is(e->span, 1, 11, 1, 24));
	CU_ASSERT_TRUE(span_is(e->field.name_span, 1, 21, 1, 24));
	CU_ASSERT_TRUE(span_is(e->field.base->field.name_span, 1, 16, 1, 20));

	e = unit_parse_expr("a +\n    b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(span_is(e->span, 1, 11, 2, 6));
	CU_ASSERT_TRUE(span_is(e->binary.rhs->span, 2, 5, 2, 6));
}

static void test_utf8_columns(void)
{
	/* Columns count characters: the string holds two 2-byte ones. */
	struct vec *body = unit_parse_body("s = \"\xc3\xa9\xc3\xa9\" + t");
	struct stmt *s = unit_stmt(body, 0);
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->assign.value->binary.lhs->string.len, 4);
	CU_ASSERT_TRUE(span_is(s->assign.value->binary.rhs->span, 2, 12, 2, 13));
}

/* ---- error recovery ----------------------------------------------------- */

static void test_recover_between_declarations(void)
{
	struct program *p = unit_parse("fn broken(a u32) {\n"
				       "}\n"
				       "struct S { a: }\n"
				       "const OK = 1\n"
				       "fn good() -> u32 {\n"
				       "    return 1\n"
				       "}\n");
	CU_ASSERT_EQUAL(unit.errors, 2);
	CU_ASSERT_TRUE(unit_error_at(0, 1, 13));
	CU_ASSERT_TRUE(unit_error_at(1, 3, 15));
	/* The struct survives without its bad member. */
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 3);
	CU_ASSERT_EQUAL(unit_decl(p, 0)->kind, DECL_STRUCT);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 0)->name, "S"));
	CU_ASSERT_EQUAL(unit_decl(p, 0)->members.len, 0);
	CU_ASSERT_EQUAL(unit_decl(p, 1)->kind, DECL_CONST);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 1)->name, "OK"));
	CU_ASSERT_TRUE(span_is(unit_decl(p, 1)->span, 4, 1, 4, 13));
	CU_ASSERT_EQUAL(unit_decl(p, 2)->kind, DECL_FN);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 2)->name, "good"));
	CU_ASSERT_EQUAL(unit_decl(p, 2)->fn.body->block.len, 1);
}

static void test_recover_between_statements(void)
{
	struct program *p = unit_parse("fn f() {\n"
				       "    var = 1\n"
				       "    z = )\n"
				       "    x = 2\n"
				       "    return x\n"
				       "}\n"
				       "fn g() {}\n");
	CU_ASSERT_EQUAL(unit.errors, 2);
	CU_ASSERT_TRUE(unit_error_at(0, 2, 9));
	CU_ASSERT_TRUE(unit_error_at(1, 3, 9));
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 2);
	struct decl *f = unit_decl(p, 0);
	CU_ASSERT_TRUE(unit_streq(f->name, "f"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->fn.body);
	CU_ASSERT_EQUAL_FATAL(f->fn.body->block.len, 2);
	CU_ASSERT_EQUAL(unit_stmt(&f->fn.body->block, 0)->kind, STMT_ASSIGN);
	CU_ASSERT_TRUE(span_is(unit_stmt(&f->fn.body->block, 0)->span, 4, 5, 4, 10));
	CU_ASSERT_EQUAL(unit_stmt(&f->fn.body->block, 1)->kind, STMT_RETURN);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 1)->name, "g"));
}

static void test_recover_unclosed_paren(void)
{
	/* A declaration at column 1 ends the broken one before it. */
	struct program *p = unit_parse("fn f(a: u32, {\n"
				       "fn g(b: u32) {\n"
				       "    return b\n"
				       "}\n");
	CU_ASSERT_TRUE(unit.errors >= 1);
	CU_ASSERT_TRUE(unit_error_at(0, 1, 14));
	struct decl *g = unit_decl(p, p->decls.len ? p->decls.len - 1 : 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_TRUE(unit_streq(g->name, "g"));
	CU_ASSERT_EQUAL(g->fn.params.len, 1);
	CU_ASSERT_EQUAL(g->fn.body->block.len, 1);
}

static void test_recover_from_lexer_errors(void)
{
	struct program *p = unit_parse("const a = 1 $ 2\n"
				       "const b = \"x\\q\" + 1\n"
				       "const c = 3\n");
	CU_ASSERT_EQUAL(unit.errors, 2);
	CU_ASSERT_TRUE(unit_error_at(0, 1, 13));
	CU_ASSERT_TRUE(unit_error_at(1, 2, 13));
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 1);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 0)->name, "c"));
	CU_ASSERT_TRUE(text_is(expr_text(unit_decl(p, 0)->var.init), "3"));
}

static void test_recover_keeps_what_came_before(void)
{
	struct program *p = unit_parse("const A = 1\n"
				       "const B = 2\n"
				       "const D = )\n"
				       "const C = 3\n");
	CU_ASSERT_TRUE(unit_one_error(3, 11, "expected expression, found ')'"));
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 3);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 0)->name, "A"));
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 1)->name, "B"));
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 2)->name, "C"));

	struct vec *body = unit_parse_body("x = 1\nvar = 1\ny = 2\n");
	CU_ASSERT_EQUAL(unit.errors, 1);
	CU_ASSERT_EQUAL_FATAL(body->len, 2);
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 0)->assign.target), "x"));
	CU_ASSERT_TRUE(text_is(expr_text(unit_stmt(body, 1)->assign.target), "y"));
}

static void test_recover_reports_adjacent_errors(void)
{
	unit_parse("fn f() {\n var = 1\n var = 2\n}\nconst = 1\nconst = 2\n");
	CU_ASSERT_EQUAL(unit.errors, 4);
	CU_ASSERT_TRUE(unit_error_at(0, 2, 6));
	CU_ASSERT_TRUE(unit_error_at(1, 3, 6));
	CU_ASSERT_TRUE(unit_error_at(2, 5, 7));
	CU_ASSERT_TRUE(unit_error_at(3, 6, 7));
}

static void test_recover_after_bad_literal_line(void)
{
	struct program *p = unit_parse("const a = 99999999999999999999\nconst b = 2\n");
	CU_ASSERT_TRUE(unit_one_error(1, 11, "integer literal is too large for 64 bits"));
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 1);
	CU_ASSERT_TRUE(unit_streq(unit_decl(p, 0)->name, "b"));
}

static void test_body_on_next_line_span(void)
{
	struct program *p = unit_parse("fn f()\n{\n}\n");
	CU_ASSERT_EQUAL(unit.errors, 0);
	CU_ASSERT_EQUAL_FATAL(p->decls.len, 1);
	CU_ASSERT_TRUE(span_is(unit_decl(p, 0)->fn.body->span, 2, 1, 3, 2));
}

static void test_syntax_error_message(void)
{
	/* After a type name, '[' or '<' could continue the type. */
	unit_parse("fn f(a: u32 b: u32) {}\n");
	CU_ASSERT_TRUE(unit_one_error(1, 13, "expected ')', ',', '[' or '<', found identifier 'b'"));
	unit_parse("fn f(a u32) {}\n");
	CU_ASSERT_TRUE(unit_one_error(1, 8, "expected ':', found identifier 'u32'"));
	unit_parse("fn f() {\n    var = 1\n}\n");
	CU_ASSERT_TRUE(unit_one_error(2, 9, "expected identifier, found '='"));
	unit_parse("struct S {\n    a: \n}\n");
	CU_ASSERT_TRUE(unit_one_error(3, 1, "expected type, found '}'"));
	unit_parse("const x = (1 + 2\n");
	CU_ASSERT_EQUAL(unit.errors, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(unit.diags, ": expected ')' or operator, found end of file\n"));
}

static void test_error_limit(void)
{
	/* Each bad line follows a good one, so every error is reported until
	 * the limit, after which the parse stops quietly. */
	struct out o = { .len = 0 };
	for (int i = 0; i < 30; i++)
		put(&o, "const ok = 1\nconst = 1\n");
	unit_parse(o.buf);
	CU_ASSERT_EQUAL(unit.errors, DIAG_MAX_ERRORS);
	CU_ASSERT_TRUE(unit_error_at(DIAG_MAX_ERRORS - 1, 2 * DIAG_MAX_ERRORS, 7));
	size_t lines = 0;
	for (const char *q = unit.diags; (q = strstr(q, ": error: ")) != NULL; q++)
		lines++;
	CU_ASSERT_EQUAL(lines, DIAG_MAX_ERRORS);
}

static void test_nesting_too_deep(void)
{
	enum { DEPTH = 6000 };
	char *text = arena_alloc(unit.arena, 2 * DEPTH + 16);
	strcpy(text, "const x = ");
	size_t n = strlen(text);
	for (int i = 0; i < DEPTH; i++)
		text[n++] = '(';
	text[n++] = '1';
	for (int i = 0; i < DEPTH; i++)
		text[n++] = ')';
	text[n] = '\0';
	unit_parse(text);
	CU_ASSERT_EQUAL(unit.errors, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(unit.diags, "nesting too deep for the parser"));
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "empty program", test_empty_program },
		{ "fn declaration", test_fn_decl },
		{ "fn variants", test_fn_variants },
		{ "attributes", test_attributes },
		{ "extern", test_extern },
		{ "struct", test_struct },
		{ "enum", test_enum },
		{ "config", test_config },
		{ "type aliases", test_type_aliases },
		{ "global vars", test_global_vars },
		{ "maps", test_maps },
		{ "const, include, import", test_const_include_import },
		{ "impl", test_impl },
		{ "local var and const", test_local_var_const },
		{ "assignments", test_assignments },
		{ "expression statements", test_expression_statements },
		{ "if chain", test_if_chain },
		{ "if var", test_if_var },
		{ "loops", test_loops },
		{ "return forms", test_return_forms },
		{ "try, throw, defer", test_try_throw_defer },
		{ "arithmetic precedence", test_arithmetic_precedence },
		{ "left associativity", test_left_associativity },
		{ "logical and bitwise precedence", test_logical_and_bitwise_precedence },
		{ "conditional", test_conditional },
		{ "unary", test_unary },
		{ "casts", test_casts },
		{ "postfix", test_postfix },
		{ "literals", test_literals },
		{ "literal nodes", test_literal_nodes },
		{ "match", test_match },
		{ "expression spans", test_expression_spans },
		{ "UTF-8 columns", test_utf8_columns },
		{ "recover between declarations", test_recover_between_declarations },
		{ "recover between statements", test_recover_between_statements },
		{ "recover from unclosed parenthesis", test_recover_unclosed_paren },
		{ "recover from lexer errors", test_recover_from_lexer_errors },
		{ "recovery keeps what came before", test_recover_keeps_what_came_before },
		{ "recovery reports adjacent errors", test_recover_reports_adjacent_errors },
		{ "recover after a bad literal's line", test_recover_after_bad_literal_line },
		{ "body on the next line: span", test_body_on_next_line_span },
		{ "syntax error message", test_syntax_error_message },
		{ "error limit", test_error_limit },
		{ "nesting too deep", test_nesting_too_deep },
		CU_TEST_INFO_NULL,
	};
	return unit_main("parser", tests);
}
