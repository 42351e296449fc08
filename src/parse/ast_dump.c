#include "ast_dump.h"

#include <string.h>

static void dump_expr(FILE *out, const struct expr *e, int indent);
static void dump_stmts(FILE *out, const struct vec *stmts, int indent);
static void dump_stmt(FILE *out, const struct stmt *s, int indent);

static void start_line(FILE *out, struct span at, int indent)
{
	unsigned line, col;
	source_line_col(at.src, at.begin, &line, &col);
	fprintf(out, "%*s%u:%u ", indent, "", line, col);
}

static void dump_string(FILE *out, const char *bytes, uint32_t len)
{
	fputc('"', out);
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];
		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void dump_type(FILE *out, const struct ast_type *t);

static void dump_params(FILE *out, const struct vec *params)
{
	fputc('(', out);
	for (size_t i = 0; i < params->len; i++) {
		const struct param *p = params->items[i];
		if (i)
			fputs(", ", out);
		if (p->name)
			fprintf(out, "%s: ", p->name);
		dump_type(out, p->type);
	}
	fputc(')', out);
}

static void dump_type(FILE *out, const struct ast_type *t)
{
	switch (t->kind) {
	case TYPE_NAME:
		fputs(t->name, out);
		break;
	case TYPE_STR:
		fputs("str(", out);
		dump_expr(out, t->len, 0);
		fputc(')', out);
		break;
	case TYPE_ARRAY:
		dump_type(out, t->elem);
		fputc('[', out);
		dump_expr(out, t->len, 0);
		fputc(']', out);
		break;
	case TYPE_POINTER:
		fputc('*', out);
		dump_type(out, t->elem);
		break;
	case TYPE_FUNCTION:
		fputs("fn", out);
		dump_params(out, &t->args);
		if (t->ret) {
			fputs(" -> ", out);
			dump_type(out, t->ret);
		}
		break;
	case TYPE_GENERIC:
		fprintf(out, "%s<", t->name);
		for (size_t i = 0; i < t->args.len; i++) {
			if (i)
				fputs(", ", out);
			dump_type(out, t->args.items[i]);
		}
		fputc('>', out);
		if (t->has_sizes) {
			fputc('(', out);
			for (size_t i = 0; i < t->sizes.len; i++) {
				if (i)
					fputs(", ", out);
				dump_expr(out, t->sizes.items[i], 0);
			}
			fputc(')', out);
		}
		break;
	}
}

static void dump_exprs(FILE *out, const struct vec *exprs, int indent)
{
	for (size_t i = 0; i < exprs->len; i++) {
		fputc(' ', out);
		dump_expr(out, exprs->items[i], indent);
	}
}

static void dump_match(FILE *out, const struct expr *e, int indent)
{
	fputs("(match ", out);
	dump_expr(out, e->match.scrutinee, indent);
	for (size_t i = 0; i < e->match.arms.len; i++) {
		const struct match_arm *arm = e->match.arms.items[i];
		fprintf(out, "\n%*s(", indent + 2, "");
		if (arm->pattern)
			dump_expr(out, arm->pattern, indent + 2);
		else
			fputs("default", out);
		fputs(":", out);
		if (arm->value) {
			fputc(' ', out);
			dump_expr(out, arm->value, indent + 2);
		} else {
			fputc('\n', out);
			dump_stmts(out, &arm->body->block, indent + 4);
			fprintf(out, "%*s", indent + 2, "");
		}
		fputc(')', out);
	}
	fputc(')', out);
}

/* INDENT is where the enclosing line starts, for expressions that hold
 * statements (match arms with blocks). */
static void dump_expr(FILE *out, const struct expr *e, int indent)
{
	switch (e->kind) {
	case EXPR_INT:
	case EXPR_CHAR:
		fputs(e->integer.text, out);
		break;
	case EXPR_BOOL:
		fputs(e->boolean ? "true" : "false", out);
		break;
	case EXPR_STRING:
		dump_string(out, e->string.bytes, e->string.len);
		break;
	case EXPR_NULL:
		fputs("null", out);
		break;
	case EXPR_IDENT:
		fputs(e->ident, out);
		break;
	case EXPR_UNARY:
		fprintf(out, "(%s ", unary_op_text(e->unary.op));
		dump_expr(out, e->unary.operand, indent);
		fputc(')', out);
		break;
	case EXPR_BINARY:
		fprintf(out, "(%s ", binary_op_text(e->binary.op));
		dump_expr(out, e->binary.lhs, indent);
		fputc(' ', out);
		dump_expr(out, e->binary.rhs, indent);
		fputc(')', out);
		break;
	case EXPR_CONDITIONAL:
		fputs("(? ", out);
		dump_expr(out, e->conditional.cond, indent);
		fputc(' ', out);
		dump_expr(out, e->conditional.then, indent);
		fputc(' ', out);
		dump_expr(out, e->conditional.otherwise, indent);
		fputc(')', out);
		break;
	case EXPR_CAST:
		fputs("(as ", out);
		dump_expr(out, e->cast.operand, indent);
		fputc(' ', out);
		dump_type(out, e->cast.type);
		fputc(')', out);
		break;
	case EXPR_SIZEOF:
		fputs("(sizeof ", out);
		dump_type(out, e->sizeof_type);
		fputc(')', out);
		break;
	case EXPR_FIELD:
	case EXPR_ARROW:
		fprintf(out, "(%s ", e->kind == EXPR_FIELD ? "." : "->");
		dump_expr(out, e->field.base, indent);
		fprintf(out, " %s)", e->field.name);
		break;
	case EXPR_INDEX:
		fputs("(index ", out);
		dump_expr(out, e->index.base, indent);
		fputc(' ', out);
		dump_expr(out, e->index.index, indent);
		fputc(')', out);
		break;
	case EXPR_CALL:
		fputs("(call ", out);
		dump_expr(out, e->call.callee, indent);
		dump_exprs(out, &e->call.args, indent);
		fputc(')', out);
		break;
	case EXPR_STRUCT_LIT:
		fprintf(out, "(struct %s", e->struct_lit.name);
		for (size_t i = 0; i < e->struct_lit.fields.len; i++) {
			const struct field_init *f = e->struct_lit.fields.items[i];
			fprintf(out, " (%s ", f->name);
			dump_expr(out, f->value, indent);
			fputc(')', out);
		}
		fputc(')', out);
		break;
	case EXPR_ARRAY_LIT:
		fputs(e->array.repeat ? "(array-repeat" : "(array", out);
		dump_exprs(out, &e->array.elems, indent);
		if (e->array.repeat) {
			fputc(' ', out);
			dump_expr(out, e->array.repeat, indent);
		}
		fputc(')', out);
		break;
	case EXPR_MATCH:
		dump_match(out, e, indent);
		break;
	case EXPR_NEW:
		fputs("(new ", out);
		dump_type(out, e->new_.type);
		if (e->new_.flags) {
			fputc(' ', out);
			dump_expr(out, e->new_.flags, indent);
		}
		fputc(')', out);
		break;
	}
}

static void dump_var(FILE *out, const char *keyword, const char *name,
		     const struct ast_type *type, const struct expr *init, int indent)
{
	fprintf(out, "%s %s", keyword, name);
	if (type) {
		fputs(": ", out);
		dump_type(out, type);
	}
	if (init) {
		fputs(" = ", out);
		dump_expr(out, init, indent);
	}
	fputc('\n', out);
}

static void dump_body(FILE *out, const struct stmt *block, int indent)
{
	dump_stmts(out, &block->block, indent);
}

static void dump_stmt(FILE *out, const struct stmt *s, int indent)
{
	start_line(out, s->span, indent);
	switch (s->kind) {
	case STMT_EXPR:
		fputs("expr ", out);
		dump_expr(out, s->expr, indent);
		fputc('\n', out);
		break;
	case STMT_VAR:
	case STMT_CONST:
		dump_var(out, s->kind == STMT_VAR ? "var" : "const", s->var.name,
			 s->var.type, s->var.init, indent);
		break;
	case STMT_ASSIGN:
		fputs("assign ", out);
		dump_expr(out, s->assign.target, indent);
		fprintf(out, " %s= ", s->assign.op.compound ? binary_op_text(s->assign.op.op) : "");
		dump_expr(out, s->assign.value, indent);
		fputc('\n', out);
		break;
	case STMT_IF:
		if (s->if_.bind)
			fprintf(out, "if var %s = ", s->if_.bind);
		else
			fputs("if ", out);
		dump_expr(out, s->if_.cond, indent);
		fprintf(out, "\n%*sthen\n", indent + 2, "");
		dump_body(out, s->if_.then, indent + 4);
		if (s->if_.otherwise) {
			fprintf(out, "%*selse\n", indent + 2, "");
			if (s->if_.otherwise->kind == STMT_BLOCK)
				dump_body(out, s->if_.otherwise, indent + 4);
			else
				dump_stmt(out, s->if_.otherwise, indent + 4);
		}
		break;
	case STMT_WHILE:
		fputs("while ", out);
		dump_expr(out, s->while_.cond, indent);
		fputc('\n', out);
		dump_body(out, s->while_.body, indent + 2);
		break;
	case STMT_FOR_RANGE:
		fprintf(out, "for %s in ", s->for_.var);
		dump_expr(out, s->for_.from, indent);
		fputs(" .. ", out);
		dump_expr(out, s->for_.to, indent);
		fputc('\n', out);
		dump_body(out, s->for_.body, indent + 2);
		break;
	case STMT_FOR_EACH:
		fprintf(out, "for (%s, %s) in ", s->for_.var, s->for_.value_var);
		dump_expr(out, s->for_.iterable, indent);
		fputc('\n', out);
		dump_body(out, s->for_.body, indent + 2);
		break;
	case STMT_RETURN:
	case STMT_THROW:
	case STMT_DELETE:
	case STMT_DEFER:
		fputs(s->kind == STMT_RETURN ? "return" : s->kind == STMT_THROW ? "throw"
		      : s->kind == STMT_DELETE ? "delete" : "defer", out);
		if (s->expr) {
			fputc(' ', out);
			dump_expr(out, s->expr, indent);
		}
		fputc('\n', out);
		if (s->deferred)
			dump_body(out, s->deferred, indent + 2);
		break;
	case STMT_BREAK:
		fputs("break\n", out);
		break;
	case STMT_CONTINUE:
		fputs("continue\n", out);
		break;
	case STMT_BLOCK:
		fputs("block\n", out);
		dump_body(out, s, indent + 2);
		break;
	case STMT_TRY:
		fputs("try\n", out);
		dump_body(out, s->try_.body, indent + 2);
		for (size_t i = 0; i < s->try_.catches.len; i++) {
			const struct catch_clause *c = s->try_.catches.items[i];
			start_line(out, c->span, indent);
			fputs("catch ", out);
			if (c->code)
				dump_expr(out, c->code, indent);
			else
				fputc('_', out);
			fputc('\n', out);
			dump_body(out, c->body, indent + 2);
		}
		break;
	}
}

static void dump_stmts(FILE *out, const struct vec *stmts, int indent)
{
	for (size_t i = 0; i < stmts->len; i++)
		dump_stmt(out, stmts->items[i], indent);
}

static void dump_attrs(FILE *out, const struct decl *d)
{
	for (size_t i = 0; i < d->attrs.len; i++) {
		const struct attr *a = d->attrs.items[i];
		fprintf(out, "@%s", a->name);
		if (a->has_args) {
			fputc('(', out);
			for (size_t j = 0; j < a->args.len; j++) {
				if (j)
					fputs(", ", out);
				dump_expr(out, a->args.items[j], 0);
			}
			fputc(')', out);
		}
		if (a->on)
			fprintf(out, " on %s", a->on);
		fputc(' ', out);
	}
	if (d->pinned)
		fputs("pin ", out);
	if (d->local)
		fputs("local ", out);
}

static void dump_members(FILE *out, const struct vec *members, int indent)
{
	for (size_t i = 0; i < members->len; i++) {
		const struct member *m = members->items[i];
		start_line(out, m->span, indent);
		fputs(m->name, out);
		if (m->type) {
			fputs(": ", out);
			dump_type(out, m->type);
		}
		if (m->value) {
			fputs(" = ", out);
			dump_expr(out, m->value, indent);
		}
		fputc('\n', out);
	}
}

static void dump_decl(FILE *out, const struct decl *d, int indent)
{
	start_line(out, d->span, indent);
	dump_attrs(out, d);
	switch (d->kind) {
	case DECL_FN:
	case DECL_EXTERN:
		fprintf(out, "%s %s", d->kind == DECL_FN ? "fn" : "extern", d->name);
		dump_params(out, &d->fn.params);
		if (d->fn.ret) {
			fputs(" -> ", out);
			if (d->fn.ret_name)
				fprintf(out, "%s: ", d->fn.ret_name);
			dump_type(out, d->fn.ret);
		}
		fputc('\n', out);
		if (d->fn.body)
			dump_body(out, d->fn.body, indent + 2);
		break;
	case DECL_STRUCT:
	case DECL_ENUM:
	case DECL_CONFIG:
		fprintf(out, "%s %s\n", decl_kind_name(d->kind), d->name);
		dump_members(out, &d->members, indent + 2);
		break;
	case DECL_TYPE:
		fprintf(out, "type %s = ", d->name);
		dump_type(out, d->var.type);
		fputc('\n', out);
		break;
	case DECL_VAR:
	case DECL_MAP:
	case DECL_CONST:
		dump_var(out, decl_kind_name(d->kind), d->name, d->var.type, d->var.init, indent);
		break;
	case DECL_FIELD:
		fprintf(out, "field %s = ", d->name);
		dump_expr(out, d->var.init, indent);
		fputc('\n', out);
		break;
	case DECL_IMPL:
		fprintf(out, "impl %s\n", d->name);
		for (size_t i = 0; i < d->impl_items.len; i++)
			dump_decl(out, d->impl_items.items[i], indent + 2);
		break;
	case DECL_INCLUDE:
		fputs("include ", out);
		dump_string(out, d->path, (uint32_t)strlen(d->path));
		fputc('\n', out);
		break;
	case DECL_IMPORT:
		fprintf(out, "import %s from ", d->name);
		dump_string(out, d->path, (uint32_t)strlen(d->path));
		fputc('\n', out);
		break;
	}
}

void ast_dump(FILE *out, const struct program *program)
{
	fprintf(out, "program %s\n", program->src->name);
	for (size_t i = 0; i < program->decls.len; i++)
		dump_decl(out, program->decls.items[i], 0);
}
