/* synfin — semantic check and code generation: syntax tree → flat code.
 *
 * The check resolves every field against the registry (suggesting the nearest name when it is
 * unknown), verifies that the relation suits the field's type, and converts every literal to
 * that type, compiling regular expressions once. Code generation then lays the tree out as a
 * flat list of tests and conditional jumps that short-circuit like && and || do:
 *
 *   a && b:  a; JF end; b; end:        a || b:  a; JT end; b; end:        !a:  a; NOT
 *
 * Jumps that land on a jump of the same sense are threaded to its target, so `a && b && c`
 * costs one jump per test. The same tree always yields the same code, so equivalent spellings
 * (`!(a)` and `not a`, `&&` and `and`, `eq` and `==`) compile identically.
 */
#include <stdlib.h>
#include <string.h>

#include "filter/filter_int.h"

struct gen {
	const char *expr;
	const struct tok *toks;
	const struct ast *t;
	struct sf_filter *f;
	size_t code_cap, lit_cap, re_cap;
	struct ferr *e;
};

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	while (nc < need)
		nc *= 2;
	void *n = realloc(*arr, nc * size);
	if (!n)
		return -1;
	*arr = n;
	*cap = nc;
	return 0;
}

static int emit(struct gen *g, const struct insn *in)
{
	if (grow((void **)&g->f->code, &g->code_cap, g->f->ncode + 1, sizeof(*in)) < 0) {
		ferr_set(g->e, 0, 1, "out of memory");
		return -1;
	}
	g->f->code[g->f->ncode] = *in;
	return (int)g->f->ncode++;
}

static const struct sf_field *resolve_field(struct gen *g, const struct tok *tk)
{
	const char *name = g->expr + tk->pos;
	const struct sf_field *fld = sf_field_by_name_n(name, tk->len);
	if (fld)
		return fld;
	const char *near = sf_field_suggest(name, tk->len);
	int n = tk->len > 60 ? 60 : (int)tk->len;
	if (near)
		ferr_set(g->e, tk->pos, tk->len,
		         "\"%.*s\" is neither a field nor a protocol name; did you mean %s?", n,
		         name, near);
	else
		ferr_set(g->e, tk->pos, tk->len, "\"%.*s\" is neither a field nor a protocol name",
		         n, name);
	return NULL;
}

static int is_ordered_rel(enum rel r)
{
	return r == REL_LT || r == REL_GT || r == REL_LE || r == REL_GE;
}

static int is_numeric(enum sf_ftype t)
{
	return t == SF_FT_UINT || t == SF_FT_INT || t == SF_FT_TIME;
}

/* The relation must suit the field's type. */
static int check_rel(struct gen *g, const struct node *nd, const struct sf_field *fld)
{
	const struct tok *ft = &g->toks[nd->field_tok];
	const struct tok *rt = &g->toks[nd->rel_tok];
	if (nd->has_mask && fld->type != SF_FT_UINT && fld->type != SF_FT_INT) {
		const struct tok *amp = &g->toks[nd->mask_tok - 1]; /* the "&" token */
		ferr_set(g->e, amp->pos, amp->len, "\"&\" needs an integer field; %s is %s",
		         fld->name, ftype_a(fld->type));
		return -1;
	}
	if (nd->rel == REL_PRESENT)
		return 0;
	if (fld->type == SF_FT_PROTOCOL || fld->type == SF_FT_NONE) {
		ferr_set(g->e, ft->pos, ft->len, "%s is %s; it can only be tested for presence",
		         fld->name, fld->type == SF_FT_NONE ? "a flag" : "a protocol");
		return -1;
	}
	if ((nd->rel == REL_CONTAINS || nd->rel == REL_MATCHES) && fld->type != SF_FT_STRING) {
		ferr_set(g->e, rt->pos, rt->len, "\"%s\" needs a string field; %s is %s",
		         rel_text(nd->rel), fld->name, ftype_a(fld->type));
		return -1;
	}
	return 0;
}

/* glibc's regcomp() builds its automaton by copying a bounded repetition's operand as many
 * times as the bound says, so nested bounds multiply: "a{1,255}{1,255}" takes ~150 MB and one
 * more level exhausts memory (found by fuzz_filter). Wireshark's PCRE2 has no such blow-up;
 * here a pattern is refused when its size with every bound expanded would pass RE_MAX_SIZE
 * copies of an atom. The size is computed as regcomp expands: an atom (a character, an
 * escape, a bracket expression, ".") counts 1, a group or the whole pattern the sum of its
 * parts, and {m}, {m,} or {m,n} multiplies the size of what it follows by n (m + 1 for
 * {m,}); "+" is {1,}, so it doubles it (stacked, "a++++…" doubles it each time: a 203-byte
 * pattern with 41 of them took more than 3 GB). A repetition right after another ("a**",
 * "a+?", "a{2}+") is refused outright: POSIX leaves it undefined, glibc builds it as a
 * repetition of a repetition (whose epsilon closures fuzz_filter drove past its 10 s timeout),
 * and Wireshark's PCRE2 reads "+" and "?" there as possessive and lazy, which glibc cannot
 * do. Returns the estimate, saturated just past the limit, or RE_STACKED. */
#define RE_MAX_SIZE 10000u
#define RE_MAX_NEST 64u
#define RE_STACKED  UINT64_MAX /* re_size: a repetition right after another */

static uint64_t re_size(const char *p)
{
	uint64_t sum[RE_MAX_NEST + 1] = {0}, last[RE_MAX_NEST + 1] = {0};
	unsigned d = 0;
	bool repeated = false; /* the last item was a repetition operator */
	for (; *p; p++) {
		uint64_t unit = 1;
		bool rep = *p == '*' || *p == '+' || *p == '?' || *p == '{';
		if (rep && repeated)
			return RE_STACKED;
		repeated = rep;
		if (*p == '(') {
			if (d == RE_MAX_NEST)
				return RE_MAX_SIZE + 1;
			d++;
			sum[d] = last[d] = 0;
			continue;
		}
		if (*p == ')' && d) {
			unit = sum[d--];
		} else if (*p == '{' || *p == '+') {
			unsigned long hi = 2; /* "+" is {1,}: two copies */
			if (*p == '{') {
				char *end;
				unsigned long lo = strtoul(p + 1, &end, 10);
				hi = lo;
				if (*end == ',')
					hi = end[1] == '}' ? lo + 1 : strtoul(end + 1, &end, 10);
				for (p = end; *p && *p != '}'; p++)
					;
				if (!*p)
					p--;
			}
			sum[d] -= last[d];
			last[d] *= hi ? hi : 1;
			if (last[d] > RE_MAX_SIZE)
				last[d] = RE_MAX_SIZE + 1;
			sum[d] += last[d];
			if (sum[d] > RE_MAX_SIZE)
				return RE_MAX_SIZE + 1;
			continue;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			/* a bracket expression is one atom: a "]" first is literal, and [:class:],
			 * [.coll.] and [=equiv=] may hold one */
			const char *q = p + 1;
			q += *q == '^';
			q += *q == ']';
			while (*q && *q != ']') {
				const char *close = NULL;
				if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '='))
					close = strstr(q + 2, (const char[]){q[1], ']', '\0'});
				q = close ? close + 2 : q + 1;
			}
			p = *q ? q : q - 1;
		} else if (*p == '*' || *p == '?' || *p == '|' || *p == '^' || *p == '$') {
			continue; /* they add no copies */
		}
		last[d] = unit;
		sum[d] += unit;
		if (sum[d] > RE_MAX_SIZE)
			return RE_MAX_SIZE + 1;
	}
	return sum[0];
}

static int add_regex(struct gen *g, const struct tok *vt, const char *pattern)
{
	struct sf_filter *f = g->f;
	uint64_t size = re_size(pattern);
	if (size == RE_STACKED) {
		ferr_set(g->e, vt->pos, vt->len,
		         "a repetition (*, +, ? or {}) cannot follow another: group the first, "
		         "as in (a+)*");
		return -1;
	}
	if (size > RE_MAX_SIZE) {
		ferr_set(g->e, vt->pos, vt->len,
		         "regular expression too large: its repetition counts multiply past %u",
		         RE_MAX_SIZE);
		return -1;
	}
	if (grow((void **)&f->res, &g->re_cap, f->nres + 1, sizeof(regex_t)) < 0) {
		ferr_set(g->e, vt->pos, vt->len, "out of memory");
		return -1;
	}
	/* Wireshark's "matches" is case-insensitive (tshark 4.0: `tcp.flags.str matches "a"`
	 * matches "·······A····"); REG_NOSUB because only the verdict is needed. */
	int rc = regcomp(&f->res[f->nres], pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		char why[128];
		regerror(rc, &f->res[f->nres], why, sizeof(why));
		regfree(&f->res[f->nres]);
		ferr_set(g->e, vt->pos, vt->len, "invalid regular expression: %s", why);
		return -1;
	}
	return (int)f->nres++;
}

/* Converts the node's elements into literals appended to f->lits. */
static int convert_elems(struct gen *g, const struct node *nd, const struct sf_field *fld,
                         struct insn *in)
{
	struct sf_filter *f = g->f;
	if (nd->nelem > UINT16_MAX) {
		ferr_set(g->e, g->toks[nd->rel_tok].pos, 1, "too many values in the set");
		return -1;
	}
	in->lit = (uint32_t)f->nlits;
	in->nlit = (uint16_t)nd->nelem;
	for (size_t k = 0; k < nd->nelem; k++) {
		const struct elem *el = &g->t->elems[nd->elem0 + k];
		const struct tok *lo = &g->toks[el->lo], *hi = &g->toks[el->hi];
		struct lit l, h;
		if (grow((void **)&f->lits, &g->lit_cap, f->nlits + 1, sizeof(l)) < 0) {
			ferr_set(g->e, lo->pos, lo->len, "out of memory");
			return -1;
		}
		if (lit_parse(fld, lo, g->expr, &l, g->e) < 0)
			return -1;
		f->lits[f->nlits++] = l; /* owned by f from here: freed with it on error too */
		if (l.kind == LIT_NET && (is_ordered_rel(nd->rel) || nd->rel == REL_CONTAINS)) {
			ferr_set(
			    g->e, lo->pos, lo->len,
			    "a network (CIDR) can only be compared with ==, !=, ===, ~= or in");
			return -1;
		}
		if (el->hi == el->lo)
			continue;
		if (!is_numeric(fld->type)) {
			ferr_set(g->e, lo->pos, hi->pos + hi->len - lo->pos,
			         "ranges are only allowed for numbers and times; %s is %s",
			         fld->name, ftype_a(fld->type));
			return -1;
		}
		if (lit_parse(fld, hi, g->expr, &h, g->e) < 0)
			return -1;
		struct lit *r = &f->lits[f->nlits - 1];
		int empty = fld->type == SF_FT_UINT ? r->lo.u > h.lo.u : r->lo.i > h.lo.i;
		if (empty) {
			ferr_set(g->e, lo->pos, hi->pos + hi->len - lo->pos,
			         "empty range: the lower bound is above the upper bound");
			return -1;
		}
		r->kind = LIT_RANGE;
		r->hi = h.lo;
	}
	if (nd->rel == REL_MATCHES) {
		int re = add_regex(g, &g->toks[g->t->elems[nd->elem0].lo], f->lits[in->lit].s);
		if (re < 0)
			return -1;
		in->re = re;
	}
	return 0;
}

static int gen_test(struct gen *g, const struct node *nd)
{
	const struct sf_field *fld = resolve_field(g, &g->toks[nd->field_tok]);
	struct insn in;
	if (!fld || check_rel(g, nd, fld) < 0)
		return -1;
	memset(&in, 0, sizeof(in));
	in.op = OP_TEST;
	in.rel = (uint8_t)(nd->rel == REL_NOT_IN ? REL_IN : nd->rel);
	in.field = (uint16_t)sf_field_index(fld);
	in.fld = fld;
	in.ftype = (uint8_t)fld->type;
	in.re = -1;
	if (nd->has_mask) {
		struct lit m;
		if (lit_parse(fld, &g->toks[nd->mask_tok], g->expr, &m, g->e) < 0)
			return -1;
		in.has_mask = 1;
		in.mask = m.lo.u;
	}
	if (nd->rel != REL_PRESENT && convert_elems(g, nd, fld, &in) < 0)
		return -1;
	if (emit(g, &in) < 0)
		return -1;
	if (nd->rel == REL_NOT_IN) {
		struct insn not = {.op = OP_NOT};
		return emit(g, &not ) < 0 ? -1 : 0;
	}
	return 0;
}

static int gen_node(struct gen *g, int id)
{
	const struct node *nd = &g->t->nodes[id];
	struct insn j = {0};
	int at;
	switch (nd->kind) {
	case ND_TEST:
		return gen_test(g, nd);
	case ND_NOT:
		if (gen_node(g, nd->a) < 0)
			return -1;
		j.op = OP_NOT;
		return emit(g, &j) < 0 ? -1 : 0;
	case ND_AND:
	case ND_OR:
		if (gen_node(g, nd->a) < 0)
			return -1;
		j.op = nd->kind == ND_AND ? OP_JF : OP_JT;
		if ((at = emit(g, &j)) < 0 || gen_node(g, nd->b) < 0)
			return -1;
		g->f->code[at].lit = (uint32_t)g->f->ncode;
		return 0;
	}
	return -1;
}

/* A jump landing on a jump of the same sense goes straight to that one's target (the
 * accumulator is unchanged); landing on the opposite sense it falls through it. */
static void thread_jumps(struct sf_filter *f)
{
	for (size_t i = 0; i < f->ncode; i++) {
		struct insn *in = &f->code[i];
		if (in->op != OP_JF && in->op != OP_JT)
			continue;
		for (size_t guard = 0; guard < f->ncode && in->lit < f->ncode; guard++) {
			const struct insn *to = &f->code[in->lit];
			if (to->op == in->op)
				in->lit = to->lit;
			else if (to->op == OP_JF || to->op == OP_JT)
				in->lit = in->lit + 1;
			else
				break;
		}
	}
}

int compile_tree(const char *expr, const struct tok *toks, const struct ast *t, struct sf_filter *f,
                 struct ferr *e)
{
	struct gen g = {.expr = expr, .toks = toks, .t = t, .f = f, .e = e};
	if (gen_node(&g, t->root) < 0)
		return -1;
	thread_jumps(f);
	return 0;
}
