/* synfin — literals of a filter, converted once at compile time to their field's type.
 *
 * Which text is accepted follows Wireshark 4.0: integers in decimal, hex (0x) or octal
 * (leading 0); booleans as any integer (non-zero is true) or true/false; times as seconds with
 * up to nine decimals; IPv4/IPv6 addresses with an optional /prefix (CIDR); MAC addresses as
 * six groups separated by ':', '-' or '.', three dotted groups of four, or twelve hex digits.
 * Host names are refused: synfin never resolves names.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter/filter_int.h"

#define TEXT_MAX 128

struct span {
	const char *p;
	size_t n;
};

static void bad(struct ferr *e, const struct tok *tk, struct span s, const char *what)
{
	ferr_set(e, tk->pos, tk->len, "\"%.*s\" is not a valid %s", (int)(s.n > 60 ? 60 : s.n), s.p,
	         what);
}

/* Unsigned integer in C notation; the whole span must be used. */
static int parse_u64(struct span s, uint64_t *out)
{
	char buf[TEXT_MAX];
	char *end;
	if (s.n == 0 || s.n >= sizeof(buf) || !isdigit((unsigned char)s.p[0]))
		return -1;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 0);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

static int lit_uint(const struct sf_field *f, const struct tok *tk, struct span s, struct lit *l,
                    struct ferr *e)
{
	uint64_t v;
	if (parse_u64(s, &v) < 0) {
		bad(e, tk, s, "unsigned integer");
		return -1;
	}
	if (f->bits < 64 && v >> f->bits) {
		ferr_set(e, tk->pos, tk->len,
		         "%.*s is too large for %s (a %u-bit unsigned integer)", (int)s.n, s.p,
		         f->name, f->bits);
		return -1;
	}
	l->lo.u = v;
	return 0;
}

static int lit_int(const struct tok *tk, struct span s, struct lit *l, struct ferr *e)
{
	uint64_t v;
	int neg = s.n && s.p[0] == '-';
	struct span m = {s.p + neg, s.n - (size_t)neg};
	if (parse_u64(m, &v) < 0 || v > (uint64_t)INT64_MAX + (uint64_t)neg) {
		bad(e, tk, s, "signed integer");
		return -1;
	}
	l->lo.i = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int lit_bool(const struct tok *tk, struct span s, struct lit *l, struct ferr *e)
{
	uint64_t v;
	if (s.n == 4 && strncasecmp(s.p, "true", 4) == 0) {
		l->lo.u = 1;
		return 0;
	}
	if (s.n == 5 && strncasecmp(s.p, "false", 5) == 0) {
		l->lo.u = 0;
		return 0;
	}
	if (parse_u64(s, &v) < 0) {
		ferr_set(e, tk->pos, tk->len,
		         "\"%.*s\" is not a valid boolean (use 1, 0, true or false)",
		         (int)(s.n > 60 ? 60 : s.n), s.p);
		return -1;
	}
	l->lo.u = v != 0;
	return 0;
}

/* Seconds with up to 9 decimals, optionally negative, held as nanoseconds. */
static int lit_time(const struct tok *tk, struct span s, struct lit *l, struct ferr *e)
{
	size_t i = 0;
	int neg = 0, digits = 0;
	uint64_t sec = 0, frac = 0, scale = 100000000;
	if (i < s.n && s.p[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < s.n && isdigit((unsigned char)s.p[i]); i++, digits++) {
		if (sec > 9000000000ull)
			goto fail;
		sec = sec * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (i < s.n && s.p[i] == '.') {
		for (i++; i < s.n && isdigit((unsigned char)s.p[i]); i++, digits++) {
			frac += (uint64_t)(s.p[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i != s.n || digits == 0)
		goto fail;
	int64_t ns = (int64_t)(sec * 1000000000ull + frac);
	l->lo.i = neg ? -ns : ns;
	return 0;
fail:
	ferr_set(e, tk->pos, tk->len, "\"%.*s\" is not a valid time (seconds, e.g. 0.25)",
	         (int)(s.n > 60 ? 60 : s.n), s.p);
	return -1;
}

static void mask_addr(uint8_t *a, unsigned bytes, unsigned prefix)
{
	for (unsigned b = 0; b < bytes; b++) {
		unsigned bits = prefix > b * 8 ? prefix - b * 8 : 0;
		if (bits < 8)
			a[b] &= (uint8_t)(0xff00u >> bits);
	}
}

static int lit_ip(const struct sf_field *f, const struct tok *tk, struct span s, struct lit *l,
                  struct ferr *e)
{
	int v6 = f->type == SF_FT_IPV6;
	unsigned maxp = v6 ? 128 : 32;
	char buf[TEXT_MAX];
	const char *slash = memchr(s.p, '/', s.n);
	size_t alen = slash ? (size_t)(slash - s.p) : s.n;
	if (alen >= sizeof(buf))
		goto fail;
	memcpy(buf, s.p, alen);
	buf[alen] = '\0';
	memset(l->lo.a, 0, sizeof(l->lo.a));
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, l->lo.a) != 1)
		goto fail;
	if (slash) {
		uint64_t p;
		struct span ps = {slash + 1, s.n - alen - 1};
		if (parse_u64(ps, &p) < 0 || p > maxp) {
			ferr_set(e, tk->pos, tk->len,
			         "\"%.*s\" has an invalid prefix length (0 to %u)",
			         (int)(s.n > 60 ? 60 : s.n), s.p, maxp);
			return -1;
		}
		l->kind = LIT_NET;
		l->prefix = (uint8_t)p;
		mask_addr(l->lo.a, v6 ? 16 : 4, (unsigned)p);
	}
	return 0;
fail:
	ferr_set(e, tk->pos, tk->len, "\"%.*s\" is not a valid %s (synfin does not resolve names)",
	         (int)(s.n > 60 ? 60 : s.n), s.p, sf_ftype_name(f->type));
	return -1;
}

static int hexdig(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Groups of hex digits separated by one separator char; returns 0 on a valid MAC. */
static int parse_mac(struct span s, uint8_t mac[6])
{
	unsigned groups = 0, gl[12];
	uint64_t gv[12];
	char sep = 0;
	size_t i = 0;
	while (i < s.n) {
		unsigned len = 0;
		uint64_t val = 0;
		while (i < s.n && hexdig(s.p[i]) >= 0 && len < 12) {
			val = val * 16 + (uint64_t)hexdig(s.p[i++]);
			len++;
		}
		if (len == 0 || groups >= 12)
			return -1;
		gv[groups] = val;
		gl[groups++] = len;
		if (i == s.n)
			break;
		if (s.p[i] != ':' && s.p[i] != '-' && s.p[i] != '.')
			return -1;
		if (sep && s.p[i] != sep)
			return -1;
		sep = s.p[i++];
		if (i == s.n)
			return -1;
	}
	if (groups == 6) {
		for (unsigned g = 0; g < 6; g++) {
			if (gl[g] > 2)
				return -1;
			mac[g] = (uint8_t)gv[g];
		}
		return 0;
	}
	if ((groups == 3 && gl[0] == 4 && gl[1] == 4 && gl[2] == 4) ||
	    (groups == 1 && gl[0] == 12)) {
		uint64_t all = groups == 1 ? gv[0] : (gv[0] << 32) | (gv[1] << 16) | gv[2];
		for (int b = 5; b >= 0; b--, all >>= 8)
			mac[b] = (uint8_t)all;
		return 0;
	}
	return -1;
}

static int lit_ether(const struct tok *tk, struct span s, struct lit *l, struct ferr *e)
{
	memset(l->lo.a, 0, sizeof(l->lo.a));
	if (parse_mac(s, l->lo.a) < 0) {
		bad(e, tk, s, "Ethernet address");
		return -1;
	}
	return 0;
}

static int lit_string(const struct tok *tk, struct span s, struct lit *l, struct ferr *e)
{
	l->s = malloc(s.n + 1);
	if (!l->s) {
		ferr_set(e, tk->pos, tk->len, "out of memory");
		return -1;
	}
	memcpy(l->s, s.p, s.n);
	l->s[s.n] = '\0';
	l->slen = (uint32_t)s.n;
	return 0;
}

const char *ftype_a(enum sf_ftype t)
{
	switch (t) {
	case SF_FT_UINT:
		return "an unsigned integer";
	case SF_FT_IPV4:
		return "an IPv4 address";
	case SF_FT_IPV6:
		return "an IPv6 address";
	case SF_FT_ETHER:
		return "an Ethernet address";
	case SF_FT_BOOL:
		return "a boolean";
	case SF_FT_INT:
		return "a signed integer";
	case SF_FT_TIME:
		return "a time";
	case SF_FT_STRING:
		return "a string";
	case SF_FT_NONE:
		return "a flag";
	case SF_FT_PROTOCOL:
		break;
	}
	return "a protocol";
}

int lit_parse(const struct sf_field *f, const struct tok *tk, const char *expr, struct lit *l,
              struct ferr *e)
{
	struct span s = {expr + tk->pos, tk->len};
	memset(l, 0, sizeof(*l));
	l->kind = LIT_VAL;
	if (tk->kind == TK_STRING) {
		if (f->type != SF_FT_STRING) {
			ferr_set(e, tk->pos, tk->len,
			         "%s is %s, not a string: write the value without quotes", f->name,
			         ftype_a(f->type));
			return -1;
		}
		s.p = tk->sval;
		s.n = tk->slen;
		return lit_string(tk, s, l, e);
	}
	switch (f->type) {
	case SF_FT_BOOL:
		return lit_bool(tk, s, l, e);
	case SF_FT_UINT:
		return lit_uint(f, tk, s, l, e);
	case SF_FT_INT:
		return lit_int(tk, s, l, e);
	case SF_FT_TIME:
		return lit_time(tk, s, l, e);
	case SF_FT_IPV4:
	case SF_FT_IPV6:
		return lit_ip(f, tk, s, l, e);
	case SF_FT_ETHER:
		return lit_ether(tk, s, l, e);
	case SF_FT_STRING:
		return lit_string(tk, s, l, e);
	case SF_FT_PROTOCOL:
	case SF_FT_NONE:
		break;
	}
	ferr_set(e, tk->pos, tk->len, "%s is %s; it can only be tested for presence", f->name,
	         ftype_a(f->type));
	return -1;
}
