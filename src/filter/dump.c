/* synfin — prints compiled filter code (for --filter-dump and for tests that compare the code
 * of equivalent expressions). One instruction a line:
 *
 *   0000 TEST tcp.flags.syn == 1
 *   0001 JF   0003
 *   0002 TEST tcp.flags.ack == 0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_int.h"

const char *rel_text(enum rel r)
{
	static const char *const text[REL__COUNT] = {[REL_PRESENT] = "present",
	                                             [REL_EQ] = "==",
	                                             [REL_NE] = "!=",
	                                             [REL_ALL_EQ] = "===",
	                                             [REL_ANY_NE] = "!==",
	                                             [REL_LT] = "<",
	                                             [REL_GT] = ">",
	                                             [REL_LE] = "<=",
	                                             [REL_GE] = ">=",
	                                             [REL_CONTAINS] = "contains",
	                                             [REL_MATCHES] = "matches",
	                                             [REL_IN] = "in",
	                                             [REL_NOT_IN] = "not in"};
	return (unsigned)r < REL__COUNT ? text[r] : "?";
}

struct out {
	char *buf;
	size_t len, w;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(o->buf ? o->buf + (o->w < o->len ? o->w : o->len) : NULL,
	                  o->w < o->len ? o->len - o->w : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->w += (size_t)k;
}

static void put_value(struct out *o, const struct sf_field *fld, const struct lit *l, int hi)
{
	struct sf_fval v;
	char text[128];
	memset(&v, 0, sizeof(v));
	if (fld->type == SF_FT_STRING) {
		put(o, "\"");
		for (uint32_t i = 0; i < l->slen; i++) {
			unsigned char c = (unsigned char)l->s[i];
			if (c == '"' || c == '\\')
				put(o, "\\%c", c);
			else if (c < 0x20 || c == 0x7f)
				put(o, "\\x%02x", c);
			else
				put(o, "%c", c);
		}
		put(o, "\"");
		return;
	}
	memcpy(&v.v, hi ? &l->hi : &l->lo, sizeof(l->lo));
	sf_fval_format(fld, &v, text, sizeof(text));
	put(o, "%s", text);
}

static void put_lit(struct out *o, const struct sf_field *fld, const struct lit *l)
{
	put_value(o, fld, l, 0);
	if (l->kind == LIT_RANGE) {
		put(o, "..");
		put_value(o, fld, l, 1);
	} else if (l->kind == LIT_NET) {
		put(o, "/%u", l->prefix);
	}
}

static void put_test(struct out *o, const struct sf_filter *f, const struct insn *in)
{
	put(o, "TEST %s", in->fld->name);
	if (in->has_mask)
		put(o, " & 0x%llx", (unsigned long long)in->mask);
	if (in->rel == REL_PRESENT) {
		put(o, in->has_mask ? " != 0" : " present");
		return;
	}
	put(o, " %s ", rel_text((enum rel)in->rel));
	if (in->rel == REL_IN)
		put(o, "{");
	for (unsigned k = 0; k < in->nlit; k++) {
		if (k)
			put(o, ", ");
		put_lit(o, in->fld, &f->lits[in->lit + k]);
	}
	if (in->rel == REL_IN)
		put(o, "}");
}

size_t sf_filter_dump_buf(const struct sf_filter *f, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	if (buf && len)
		buf[0] = '\0';
	for (size_t i = 0; i < f->ncode; i++) {
		const struct insn *in = &f->code[i];
		put(&o, "%04zu ", i);
		switch (in->op) {
		case OP_TEST:
			put_test(&o, f, in);
			break;
		case OP_NOT:
			put(&o, "NOT");
			break;
		default:
			put(&o, "%s   %04u", in->op == OP_JF ? "JF" : "JT", in->lit);
			break;
		}
		put(&o, "\n");
	}
	return o.w;
}

void sf_filter_dump(const struct sf_filter *f, FILE *out)
{
	char small[2048];
	size_t n = sf_filter_dump_buf(f, small, sizeof(small));
	if (n < sizeof(small)) {
		fputs(small, out);
		return;
	}
	char *big = malloc(n + 1);
	if (!big)
		return;
	sf_filter_dump_buf(f, big, n + 1);
	fputs(big, out);
	free(big);
}
