/* synfin — output buffer and the hand-written formatters of the text reports. */
#include <errno.h>
#include <stdlib.h>

#include "report/outbuf.h"

int ob_init(struct sf_outbuf *ob, FILE *fp, size_t cap)
{
	memset(ob, 0, sizeof(*ob));
	if (cap < (size_t)4 * OB_MAX_PUT)
		cap = (size_t)4 * OB_MAX_PUT;
	ob->buf = malloc(cap);
	if (!ob->buf)
		return -1;
	ob->fp = fp;
	ob->cap = cap;
	return 0;
}

void ob_free(struct sf_outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->len = ob->cap = 0;
}

/* n bytes from s into the stream; a failure becomes the sticky error. glibc's fwrite can
 * report a failed write(2) as written: the stream's error indicator is what says it failed. */
static void write_out(struct sf_outbuf *ob, const char *s, size_t n)
{
	errno = 0;
	if (fwrite(s, 1, n, ob->fp) != n || ferror(ob->fp))
		ob->error = errno ? errno : EIO;
}

int ob_flush(struct sf_outbuf *ob)
{
	if (!ob->fp && !ob->error) { /* a memory buffer: make room instead */
		char *nb = realloc(ob->buf, 2 * ob->cap);
		if (nb) {
			ob->buf = nb;
			ob->cap *= 2;
			return 0;
		}
		ob->error = ENOMEM;
	}
	if (ob->len && !ob->error)
		write_out(ob, ob->buf, ob->len);
	ob->len = 0; /* after an error, output is dropped rather than buffered forever */
	return ob->error ? -1 : 0;
}

int ob_finish(struct sf_outbuf *ob)
{
	ob_flush(ob);
	if (ob->fp && !ob->error) {
		errno = 0;
		if (fflush(ob->fp) != 0 || ferror(ob->fp))
			ob->error = errno ? errno : EIO;
	}
	return ob->error;
}

void ob_put_mem_slow(struct sf_outbuf *ob, const char *s, size_t n)
{
	if (ob->fp && n >= ob->cap) { /* a span larger than the buffer goes out as it is */
		if (ob_flush(ob) == 0)
			write_out(ob, s, n);
		return;
	}
	while (n) {
		if (ob->len == ob->cap)
			ob_flush(ob);
		size_t k = ob->cap - ob->len;
		if (k > n)
			k = n;
		memcpy(ob->buf + ob->len, s, k);
		ob->len += k;
		s += k;
		n -= k;
	}
}

/* "00".."99": two digits per division, as most formatters do */
static const char dig2[201] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";

/* The decimal digits of v, written backwards ending at end; returns the first. */
static char *dec_backwards(char *end, uint64_t v)
{
	char *q = end;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		q -= 2;
		memcpy(q, &dig2[(size_t)2 * r], 2);
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, &dig2[(size_t)2 * v], 2);
	} else {
		*--q = (char)('0' + v);
	}
	return q;
}

char *sf_fmt_u64w(char *p, uint64_t v, unsigned width)
{
	/* most counters in a row are single digits (zero, mostly) */
	if (v < 10 && width <= 1) {
		*p = (char)('0' + v);
		return p + 1;
	}
	/* fixed-size copies: a few vector moves where a copy of n bytes was a call */
	char tmp[48];
	char *q = dec_backwards(tmp + 24, v);
	unsigned n = (unsigned)(tmp + 24 - q);
	if (width > 32)
		width = 32;
	if (n < width) {
		memset(p, ' ', 32);
		p += width - n;
	}
	memcpy(p, q, 24); /* the n digits, then scratch that the caller's room covers */
	return p + n;
}

void ob_put_u64w(struct sf_outbuf *ob, uint64_t v, unsigned width)
{
	ob_room(ob, OB_MAX_PUT);
	ob->len = (size_t)(sf_fmt_u64w(ob->buf + ob->len, v, width) - ob->buf);
}

void ob_put_u64z(struct sf_outbuf *ob, uint64_t v, unsigned width)
{
	char tmp[24];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (width > 32)
		width = 32;
	ob_room(ob, OB_MAX_PUT);
	char *p = ob->buf + ob->len;
	for (unsigned i = n; i < width; i++)
		*p++ = '0';
	while (n)
		*p++ = tmp[--n];
	ob->len = (size_t)(p - ob->buf);
}

void ob_put_i64(struct sf_outbuf *ob, int64_t v)
{
	if (v < 0) {
		ob_putc(ob, '-');
		ob_put_u64(ob, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_put_u64(ob, (uint64_t)v);
	}
}

static const char hexdig[] = "0123456789abcdef";

void ob_put_hex(struct sf_outbuf *ob, uint64_t v, unsigned digits)
{
	char tmp[16];
	unsigned n = 0;
	do {
		tmp[n++] = hexdig[v & 0xf];
		v >>= 4;
	} while (v);
	if (digits > 16)
		digits = 16;
	ob_room(ob, OB_MAX_PUT);
	char *p = ob->buf + ob->len;
	for (unsigned i = n; i < digits; i++)
		*p++ = '0';
	while (n)
		*p++ = tmp[--n];
	ob->len = (size_t)(p - ob->buf);
}

void ob_put_0x(struct sf_outbuf *ob, uint64_t v, unsigned digits)
{
	ob_put_mem(ob, "0x", 2);
	ob_put_hex(ob, v, digits);
}

char *sf_fmt_nsec(char *p, int64_t ns, unsigned decimals)
{
	uint64_t u;
	if (ns < 0) {
		*p++ = '-';
		u = (uint64_t)0 - (uint64_t)ns;
	} else {
		u = (uint64_t)ns;
	}
	if (decimals > 9)
		decimals = 9;
	p = sf_fmt_u64w(p, u / 1000000000u, 0);
	if (!decimals)
		return p;
	static const uint32_t pow10[10] = {1,      10,      100,      1000,      10000,
	                                   100000, 1000000, 10000000, 100000000, 1000000000};
	uint32_t frac = (uint32_t)(u % 1000000000u) / pow10[9 - decimals];
	*p++ = '.';
	char *end = p + decimals;
	p = end;
	unsigned i = decimals;
	for (; i >= 2; i -= 2) {
		p -= 2;
		memcpy(p, &dig2[(size_t)2 * (frac % 100)], 2);
		frac /= 100;
	}
	if (i)
		*--p = (char)('0' + frac % 10);
	return end;
}

char *sf_fmt_ms(char *p, int64_t ns)
{
	/* sf_fmt_nsec divides by 10^9: ns × 1000 prints milliseconds (RTTs stay far below the
	 * 106 days where that would overflow; clamp rather than wrap past them) */
	return sf_fmt_nsec(p, ns < INT64_MAX / 1000 ? ns * 1000 : INT64_MAX, 3);
}

void ob_put_ms(struct sf_outbuf *ob, int64_t ns)
{
	ob_room(ob, OB_MAX_PUT);
	ob->len = (size_t)(sf_fmt_ms(ob->buf + ob->len, ns) - ob->buf);
}

void ob_put_nsec(struct sf_outbuf *ob, int64_t ns, unsigned decimals)
{
	ob_room(ob, OB_MAX_PUT);
	ob->len = (size_t)(sf_fmt_nsec(ob->buf + ob->len, ns, decimals) - ob->buf);
}

/* Writes the decimal of one byte; returns the new end. */
static char *put_dec8(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
	}
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_ipv4(char *p, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_dec8(p, a[i]);
	}
	return p;
}

static char *put_hex16(char *p, unsigned v)
{
	bool started = false;
	for (int shift = 12; shift >= 0; shift -= 4) {
		unsigned d = (v >> shift) & 0xf;
		if (d || started || shift == 0) {
			*p++ = hexdig[d];
			started = true;
		}
	}
	return p;
}

/* RFC 5952 §4: lower case, no leading zeros, the longest run (first on a tie) of two or more
 * zero groups becomes "::". Embedded IPv4 follows glibc's inet_ntop (which tcpdump and
 * Wireshark's output agree with): ::ffff:a.b.c.d and ::a.b.c.d. */
static char *put_ipv6(char *p, const uint8_t *a)
{
	unsigned w[8];
	for (size_t i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		if (w[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !w[j])
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i + best_len == 8)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return put_ipv4(p, a + 12);
		p = put_hex16(p, w[i]);
	}
	return p;
}

void ob_put_addr(struct sf_outbuf *ob, const struct sf_addr *a, bool bracket_v6)
{
	ob_room(ob, OB_MAX_PUT);
	ob->len = (size_t)(sf_fmt_addr(ob->buf + ob->len, a, bracket_v6) - ob->buf);
}

char *sf_fmt_addr(char *p, const struct sf_addr *a, bool bracket_v6)
{
	if (a->family == 4) {
		p = put_ipv4(p, a->a);
	} else if (a->family == 6) {
		if (bracket_v6)
			*p++ = '[';
		p = put_ipv6(p, a->a);
		if (bracket_v6)
			*p++ = ']';
	} else {
		*p++ = '?';
	}
	return p;
}

void ob_put_mac(struct sf_outbuf *ob, const uint8_t mac[6])
{
	ob_room(ob, OB_MAX_PUT);
	char *p = ob->buf + ob->len;
	for (int i = 0; i < 6; i++) {
		if (i)
			*p++ = ':';
		*p++ = hexdig[mac[i] >> 4];
		*p++ = hexdig[mac[i] & 0xf];
	}
	ob->len = (size_t)(p - ob->buf);
}

void ob_put_spaces(struct sf_outbuf *ob, unsigned n)
{
	while (n--)
		ob_putc(ob, ' ');
}
