/* synfin — display filter parser: tokens → syntax tree.
 *
 * Recursive descent over Wireshark's grammar, loosest binding first:
 *
 *   expr    := and_expr { ("or" | "||") and_expr }
 *   and_expr:= unary { ("and" | "&&") unary }
 *   unary   := ("not" | "!") unary | "(" expr ")" | test
 *   test    := WORD [ "&" value ] [ relop value | "contains" value | "matches" value
 *                                 | ["not" | "!"] "in" set ]
 *   set     := "{" elem { [","] elem } "}"          elem := value [ ".." value ]
 *
 * "and" binds tighter than "or" (tshark 4.0: `frame.number==1 or frame.number==2 and
 * frame.number==3` matches frame 1). Only syntax is checked here; fields and literal types are
 * checked in check.c, so a syntax error anywhere wins over a type error, as in Wireshark.
 */
#include <stdlib.h>
#include <string.h>

#include "filter/filter_int.h"

#define MAX_DEPTH 200

struct parser {
	const char *expr;
	const struct tok *t;
	size_t n, i;
	struct ast *ast;
	struct ferr *e;
	int depth;
};

static const struct tok *peek(struct parser *p)
{
	return &p->t[p->i];
}

static const struct tok *next(struct parser *p)
{
	const struct tok *t = &p->t[p->i];
	if (t->kind != TK_EOF)
		p->i++;
	return t;
}

static int new_node(struct parser *p, enum node_kind k, int a, int b)
{
	struct ast *t = p->ast;
	if (t->nnodes == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 16;
		struct node *nn = realloc(t->nodes, nc * sizeof(*nn));
		if (!nn) {
			ferr_set(p->e, peek(p)->pos, 1, "out of memory");
			return -1;
		}
		t->nodes = nn;
		t->cap = nc;
	}
	struct node *nd = &t->nodes[t->nnodes];
	memset(nd, 0, sizeof(*nd));
	nd->kind = k;
	nd->a = a;
	nd->b = b;
	return (int)t->nnodes++;
}

static int new_elem(struct parser *p, size_t lo, size_t hi)
{
	struct ast *t = p->ast;
	if (t->nelems == t->ecap) {
		size_t nc = t->ecap ? t->ecap * 2 : 16;
		struct elem *ne = realloc(t->elems, nc * sizeof(*ne));
		if (!ne) {
			ferr_set(p->e, peek(p)->pos, 1, "out of memory");
			return -1;
		}
		t->elems = ne;
		t->ecap = nc;
	}
	t->elems[t->nelems].lo = lo;
	t->elems[t->nelems].hi = hi;
	t->nelems++;
	return 0;
}

/* "…" was unexpected here: names the token as written. */
static void unexpected(struct parser *p, const struct tok *t, const char *expr_hint)
{
	if (t->kind == TK_EOF)
		ferr_set(p->e, t->pos, 1, "the expression ends too early; %s", expr_hint);
	else if (t->len > 40)
		ferr_set(p->e, t->pos, t->len, "\"%.40s…\" was unexpected here; %s",
		         p->expr + t->pos, expr_hint);
	else
		ferr_set(p->e, t->pos, t->len, "\"%.*s\" was unexpected here; %s", (int)t->len,
		         p->expr + t->pos, expr_hint);
}

static int is_relop(enum tok_kind k)
{
	return k == TK_EQ || k == TK_NE || k == TK_ALL_EQ || k == TK_ANY_NE || k == TK_LT ||
	       k == TK_GT || k == TK_LE || k == TK_GE || k == TK_CONTAINS || k == TK_MATCHES;
}

static enum rel relop_rel(enum tok_kind k)
{
	switch (k) {
	case TK_EQ:
		return REL_EQ;
	case TK_NE:
		return REL_NE;
	case TK_ALL_EQ:
		return REL_ALL_EQ;
	case TK_ANY_NE:
		return REL_ANY_NE;
	case TK_LT:
		return REL_LT;
	case TK_GT:
		return REL_GT;
	case TK_LE:
		return REL_LE;
	case TK_GE:
		return REL_GE;
	case TK_CONTAINS:
		return REL_CONTAINS;
	default:
		return REL_MATCHES;
	}
}

static int is_value(enum tok_kind k)
{
	return k == TK_WORD || k == TK_STRING;
}

static int parse_value(struct parser *p, const struct tok *after, size_t *idx)
{
	const struct tok *t = peek(p);
	if (!is_value(t->kind)) {
		if (t->kind == TK_EOF)
			ferr_set(p->e, t->pos, 1, "expected a value after \"%s\"",
			         tok_kind_text(after->kind));
		else
			ferr_set(p->e, t->pos, t->len, "expected a value after \"%s\"",
			         tok_kind_text(after->kind));
		return -1;
	}
	*idx = p->i;
	next(p);
	return 0;
}

static int parse_set(struct parser *p, struct node *nd, const struct tok *in_tok)
{
	const struct tok *open = peek(p);
	if (open->kind != TK_LBRACE) {
		ferr_set(p->e, open->pos, open->len, "expected \"{\" after \"in\"");
		return -1;
	}
	next(p);
	nd->elem0 = p->ast->nelems;
	for (;;) {
		const struct tok *t = peek(p);
		size_t lo, hi;
		if (t->kind == TK_RBRACE && p->ast->nelems > nd->elem0) {
			next(p);
			break;
		}
		if (t->kind == TK_COMMA && p->ast->nelems > nd->elem0) {
			next(p); /* Wireshark 4 separates with commas; earlier versions with blanks
			          */
			t = peek(p);
		}
		if (t->kind == TK_RBRACE && p->ast->nelems == nd->elem0) {
			ferr_set(p->e, t->pos, t->len, "a set needs at least one value");
			return -1;
		}
		if (t->kind == TK_EOF) {
			ferr_set(p->e, open->pos, open->len, "missing \"}\" for this \"{\"");
			return -1;
		}
		if (!is_value(t->kind)) {
			ferr_set(p->e, t->pos, t->len, "expected a value or \"}\" in the set");
			return -1;
		}
		lo = hi = p->i;
		next(p);
		if (peek(p)->kind == TK_DOTDOT) {
			const struct tok *dd = next(p);
			if (parse_value(p, dd, &hi) < 0)
				return -1;
		}
		if (new_elem(p, lo, hi) < 0)
			return -1;
	}
	nd->nelem = p->ast->nelems - nd->elem0;
	(void)in_tok;
	return 0;
}

static int parse_test(struct parser *p)
{
	const struct tok *ft = peek(p);
	if (ft->kind != TK_WORD) {
		unexpected(p, ft, "expected a field, a protocol or \"(\"");
		return -1;
	}
	int id = new_node(p, ND_TEST, -1, -1);
	if (id < 0)
		return -1;
	/* nodes may move on realloc: address the node by index after every allocation */
	p->ast->nodes[id].field_tok = p->i;
	next(p);
	if (peek(p)->kind == TK_BITAND) {
		const struct tok *amp = next(p);
		size_t m;
		if (parse_value(p, amp, &m) < 0)
			return -1;
		p->ast->nodes[id].has_mask = 1;
		p->ast->nodes[id].mask_tok = m;
	}
	const struct tok *op = peek(p);
	if (is_relop(op->kind)) {
		size_t v;
		next(p);
		if (parse_value(p, op, &v) < 0)
			return -1;
		struct node *nd = &p->ast->nodes[id];
		nd->rel = relop_rel(op->kind);
		nd->rel_tok = (size_t)(op - p->t);
		if (new_elem(p, v, v) < 0)
			return -1;
		nd = &p->ast->nodes[id];
		nd->elem0 = p->ast->nelems - 1;
		nd->nelem = 1;
		const struct tok *after = peek(p);
		if (is_relop(after->kind)) {
			ferr_set(p->e, after->pos, after->len,
			         "comparisons cannot be chained; join them with \"and\"");
			return -1;
		}
		return id;
	}
	if (op->kind == TK_IN || (op->kind == TK_NOT && p->t[p->i + 1].kind == TK_IN)) {
		enum rel r = op->kind == TK_IN ? REL_IN : REL_NOT_IN;
		if (op->kind == TK_NOT)
			next(p);
		const struct tok *in_tok = next(p);
		struct node tmp = p->ast->nodes[id];
		tmp.rel = r;
		tmp.rel_tok = (size_t)(op - p->t);
		if (parse_set(p, &tmp, in_tok) < 0)
			return -1;
		p->ast->nodes[id] = tmp;
		return id;
	}
	p->ast->nodes[id].rel = REL_PRESENT;
	return id;
}

static int parse_or(struct parser *p);

static int parse_unary(struct parser *p)
{
	const struct tok *t = peek(p);
	int r;
	if (++p->depth > MAX_DEPTH) {
		ferr_set(p->e, t->pos, t->len, "expression nested too deeply");
		return -1;
	}
	if (t->kind == TK_NOT) {
		next(p);
		int a = parse_unary(p);
		r = a < 0 ? -1 : new_node(p, ND_NOT, a, -1);
	} else if (t->kind == TK_LPAREN) {
		next(p);
		r = parse_or(p);
		if (r >= 0) {
			const struct tok *c = peek(p);
			if (c->kind == TK_RPAREN) {
				next(p);
			} else if (c->kind == TK_EOF) {
				ferr_set(p->e, t->pos, t->len, "missing \")\" for this \"(\"");
				r = -1;
			} else {
				unexpected(p, c, "expected \")\", \"and\" or \"or\"");
				r = -1;
			}
		}
	} else {
		r = parse_test(p);
	}
	p->depth--;
	return r;
}

static int parse_and(struct parser *p)
{
	int a = parse_unary(p);
	while (a >= 0 && peek(p)->kind == TK_AND) {
		next(p);
		int b = parse_unary(p);
		a = b < 0 ? -1 : new_node(p, ND_AND, a, b);
	}
	return a;
}

static int parse_or(struct parser *p)
{
	int a = parse_and(p);
	while (a >= 0 && peek(p)->kind == TK_OR) {
		next(p);
		int b = parse_and(p);
		a = b < 0 ? -1 : new_node(p, ND_OR, a, b);
	}
	return a;
}

int parse(const char *expr, const struct tok *toks, size_t ntoks, struct ast *t, struct ferr *e)
{
	struct parser p = {.expr = expr, .t = toks, .n = ntoks, .ast = t, .e = e};
	memset(t, 0, sizeof(*t));
	t->root = -1;
	if (toks[0].kind == TK_EOF) {
		ferr_set(e, 0, 1, "the filter is empty");
		return -1;
	}
	int root = parse_or(&p);
	if (root < 0)
		return -1;
	const struct tok *end = peek(&p);
	if (end->kind == TK_RPAREN) {
		ferr_set(e, end->pos, end->len, "this \")\" has no matching \"(\"");
		return -1;
	}
	if (end->kind != TK_EOF) {
		unexpected(&p, end, "expected an operator, \"and\", \"or\" or the end");
		return -1;
	}
	t->root = root;
	return 0;
}

void ast_free(struct ast *t)
{
	free(t->nodes);
	free(t->elems);
	memset(t, 0, sizeof(*t));
}
