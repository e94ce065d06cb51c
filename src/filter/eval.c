/* synfin — the evaluator: walks the flat code with one accumulator.
 *
 * Per packet it only reads: field values land in a fixed array on the stack, literals and
 * regexes were prepared at compile time. Quantifiers over multi-valued fields follow
 * wireshark-filter(4) of Wireshark 4.0 (see synfin/filter.h): "==" any, "!=" all (and present),
 * "===" all (and present), "~=" any, ordering/contains/matches/in any.
 */
#include <string.h>

#include "filter/filter_int.h"

static size_t addr_bytes(uint8_t t)
{
	return t == SF_FT_IPV4 ? 4 : t == SF_FT_IPV6 ? 16 : 6;
}

/* Network match: the first prefix bits agree (the literal was masked at compile time). */
static int net_match(const uint8_t *a, const struct lit *l)
{
	unsigned full = l->prefix / 8, rest = l->prefix % 8;
	if (memcmp(a, l->lo.a, full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ l->lo.a[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/* Three-way comparison of a value with a literal's (lower) value. */
static int cmp3(uint8_t t, const struct sf_fval *v, const struct lit *l)
{
	switch (t) {
	case SF_FT_BOOL:
	case SF_FT_UINT:
		return v->v.u < l->lo.u ? -1 : v->v.u > l->lo.u;
	case SF_FT_INT:
	case SF_FT_TIME:
		return v->v.i < l->lo.i ? -1 : v->v.i > l->lo.i;
	case SF_FT_IPV4:
	case SF_FT_IPV6:
	case SF_FT_ETHER:
		return memcmp(v->v.addr, l->lo.a, addr_bytes(t));
	case SF_FT_STRING: {
		uint32_t n = v->v.str.len < l->slen ? v->v.str.len : l->slen;
		int c = memcmp(v->v.str.p, l->s, n);
		if (c)
			return c;
		return v->v.str.len < l->slen ? -1 : v->v.str.len > l->slen;
	}
	default:
		return 1;
	}
}

static int eq1(uint8_t t, const struct sf_fval *v, const struct lit *l)
{
	if (l->kind == LIT_NET)
		return net_match(v->v.addr, l);
	if (l->kind == LIT_RANGE) {
		if (t == SF_FT_UINT)
			return v->v.u >= l->lo.u && v->v.u <= l->hi.u;
		return v->v.i >= l->lo.i && v->v.i <= l->hi.i;
	}
	if (t == SF_FT_STRING)
		return v->v.str.len == l->slen && memcmp(v->v.str.p, l->s, l->slen) == 0;
	return cmp3(t, v, l) == 0;
}

static int contains1(const struct sf_fval *v, const struct lit *l)
{
	if (l->slen == 0)
		return 1;
	return memmem(v->v.str.p, v->v.str.len, l->s, l->slen) != NULL;
}

static int in_set(uint8_t t, const struct sf_fval *v, const struct lit *l, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		if (eq1(t, v, &l[k]))
			return 1;
	return 0;
}

/* One value against the relation (for the "any" relations). */
static int rel1(const struct sf_filter *f, const struct insn *in, const struct sf_fval *v,
                const struct lit *l)
{
	switch (in->rel) {
	case REL_PRESENT:
		return in->ftype == SF_FT_INT ? v->v.i != 0 : v->v.u != 0;
	case REL_EQ:
		return eq1(in->ftype, v, l);
	case REL_ANY_NE:
		return !eq1(in->ftype, v, l);
	case REL_LT:
		return cmp3(in->ftype, v, l) < 0;
	case REL_GT:
		return cmp3(in->ftype, v, l) > 0;
	case REL_LE:
		return cmp3(in->ftype, v, l) <= 0;
	case REL_GE:
		return cmp3(in->ftype, v, l) >= 0;
	case REL_CONTAINS:
		return contains1(v, l);
	case REL_MATCHES:
		return regexec(&f->res[in->re], v->v.str.p, 0, NULL, 0) == 0;
	case REL_IN:
		return in_set(in->ftype, v, l, in->nlit);
	default:
		return 0;
	}
}

static int test(const struct sf_filter *f, const struct insn *in, const struct sf_pkt_view *v,
                const struct sf_eval_ctx *c)
{
	struct sf_fval vals[SF_FIELD_MAX_VALUES];
	const struct sf_field *fld = in->fld;
	unsigned n = v->pkt || (fld->flags & SF_FF_CONN)
	                 ? fld->get(v, c, fld->arg, vals, SF_FIELD_MAX_VALUES)
	                 : 0;
	/* compile_tree gives every relation but "present" at least one literal */
	if (in->nlit == 0 && in->rel != REL_PRESENT)
		return 0;
	const struct lit *l = in->nlit ? &f->lits[in->lit] : NULL;
	if (n == 0)
		return 0; /* every relation, "!=" included, needs the field (tshark 4.0) */
	if (in->has_mask)
		for (unsigned i = 0; i < n; i++)
			vals[i].v.u &= in->mask;
	else if (in->rel == REL_PRESENT)
		return 1;
	switch (in->rel) {
	case REL_NE: /* all differ */
		for (unsigned i = 0; i < n; i++)
			if (eq1(in->ftype, &vals[i], l))
				return 0;
		return 1;
	case REL_ALL_EQ:
		for (unsigned i = 0; i < n; i++)
			if (!eq1(in->ftype, &vals[i], l))
				return 0;
		return 1;
	default:
		for (unsigned i = 0; i < n; i++)
			if (rel1(f, in, &vals[i], l))
				return 1;
		return 0;
	}
}

bool sf_filter_match(const struct sf_filter *f, const struct sf_pkt_view *v,
                     const struct sf_eval_ctx *c)
{
	int acc = 0;
	size_t pc = 0;
	if (!v || (!v->pkt && !v->conn))
		return false;
	while (pc < f->ncode) {
		const struct insn *in = &f->code[pc];
		switch (in->op) {
		case OP_TEST:
			acc = test(f, in, v, c);
			pc++;
			break;
		case OP_NOT:
			acc = !acc;
			pc++;
			break;
		case OP_JF:
			pc = acc ? pc + 1 : in->lit;
			break;
		default: /* OP_JT */
			pc = acc ? in->lit : pc + 1;
			break;
		}
	}
	return acc != 0;
}
