/* synfin — helpers over struct sf_conn_row shared by every connection format. */
#include <stdio.h>
#include <string.h>

#include "report/conn_row.h"
#include "report/outbuf.h"

int64_t sf_row_ns_between(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1)
{
	return (s1 - s0) * 1000000000LL + ((int64_t)n1 - (int64_t)n0);
}

int64_t sf_row_duration_ns(const struct sf_conn_row *r)
{
	return sf_row_ns_between(r->start_sec, r->start_nsec, r->end_sec, r->end_nsec);
}

int64_t sf_row_handshake_ns(const struct sf_conn_row *r)
{
	if (r->rtt_synack_ns < 0 || r->rtt_ack_ns < 0)
		return -1;
	return r->rtt_synack_ns + r->rtt_ack_ns;
}

uint64_t sf_row_retrans(const struct sf_conn_row *r)
{
	return (uint64_t)r->ana[0].retrans_pkts + r->ana[1].retrans_pkts;
}

/* splitmix64's finaliser is a bijection on 64-bit integers, so distinct stream indexes give
 * distinct uids; the constant only makes uids look like Zeek's (which are random) rather
 * than a visible counter. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

char *sf_row_uid(uint64_t stream, char *buf, size_t len)
{
	static const char digits[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char tmp[16];
	size_t n = 0;
	uint64_t x = mix64(stream);

	/* Zeek writes "C" followed by a base62 number; 11 digits cover 64 bits. */
	do {
		tmp[n++] = digits[x % 62];
		x /= 62;
	} while (x && n < sizeof(tmp));
	if (len < n + 2) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	buf[0] = 'C';
	for (size_t i = 0; i < n; i++)
		buf[1 + i] = tmp[n - 1 - i];
	buf[n + 1] = '\0';
	return buf;
}

/* The options column, written into a local buffer that always has room (at most 48 bytes:
 * two 10-digit MSS values, two shifts and the three flags) and then copied: this runs once per
 * connection, and snprintf per piece, or a bounds check per byte, cost more than the rest of a
 * table row. */
static char *put_lit(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A number, or "-" when negative (unknown). tmp below leaves the formatter the room it may
 * write past the digits (outbuf.h). */
static char *put_num(char *p, long v)
{
	if (v < 0) {
		*p++ = '-';
		return p;
	}
	return sf_fmt_u64w(p, (uint64_t)v, 0);
}

char *sf_row_options(const struct sf_conn_row *r, char *buf, size_t len)
{
	const struct sf_row_side *c = &r->side[SF_ROW_CLIENT], *s = &r->side[SF_ROW_SERVER];
	char tmp[48 + OB_MAX_PUT];
	char *p = tmp;
	if (!len)
		return buf;
	p = put_lit(p, "MSS=", 4);
	p = put_num(p, c->mss);
	*p++ = '/';
	p = put_num(p, s->mss);
	p = put_lit(p, " WS=", 4);
	p = put_num(p, c->wscale);
	*p++ = '/';
	p = put_num(p, s->wscale);
	/* SACK and timestamps are in use only when both SYNs carry them (RFC 2018 §2,
	 * RFC 7323 §3.2); the column says what was negotiated, not what was offered. */
	if (c->sack_perm && s->sack_perm)
		p = put_lit(p, " SACK", 5);
	if (c->ts && s->ts)
		p = put_lit(p, " TS", 3);
	if (r->ecn)
		p = put_lit(p, " ECN", 4);
	size_t n = (size_t)(p - tmp);
	if (n > len - 1)
		n = len - 1; /* cut, as a short buffer always was */
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}
