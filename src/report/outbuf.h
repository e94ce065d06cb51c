/* synfin — output buffer of the text reports: hand-written formatting into one large buffer,
 * written out with fwrite when it fills (no printf per packet).
 *
 * Invariants: buf holds len bytes not yet written, len <= cap; every put checks room first
 * and flushes when needed, so a single put never needs more than OB_MAX_PUT bytes of room
 * except ob_put_mem, which writes large spans in pieces. A write error is sticky: later puts
 * are dropped and ob->error stays set (errno of the first failure).
 */
#ifndef SYNFIN_REPORT_OUTBUF_H
#define SYNFIN_REPORT_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "synfin/packet.h"

#define OB_MAX_PUT 64 /* largest single formatted item (an IPv6 address in brackets, an int) */

struct sf_outbuf {
	FILE *fp;
	char *buf;
	size_t len, cap;
	int error; /* errno of the first failed write, 0 while all is well */
};

/* fp NULL: the buffer holds everything put (it doubles when full) until the owner takes it. */
int ob_init(struct sf_outbuf *ob, FILE *fp, size_t cap);
void ob_free(struct sf_outbuf *ob);
/* Writes what is buffered (a memory buffer grows instead); -1 on a write error (sticky). */
int ob_flush(struct sf_outbuf *ob);
/* The output's last step: writes what is buffered and flushes the stream, so that a write
 * that failed in the stream's own buffer (a full disk, a closed pipe) is seen. Returns the
 * sticky error, 0 when everything reached the file. */
int ob_finish(struct sf_outbuf *ob);

static inline void ob_room(struct sf_outbuf *ob, size_t n)
{
	if (ob->cap - ob->len < n)
		ob_flush(ob);
}

static inline void ob_putc(struct sf_outbuf *ob, char c)
{
	ob_room(ob, 1);
	ob->buf[ob->len++] = c;
}

/* Any length: long spans are written in pieces. */
void ob_put_mem_slow(struct sf_outbuf *ob, const char *s, size_t n);
static inline void ob_put_mem(struct sf_outbuf *ob, const char *s, size_t n)
{
	if (ob->cap - ob->len >= n) { /* the common case: it fits */
		memcpy(ob->buf + ob->len, s, n);
		ob->len += n;
		return;
	}
	ob_put_mem_slow(ob, s, n);
}

static inline void ob_puts(struct sf_outbuf *ob, const char *s)
{
	ob_put_mem(ob, s, strlen(s));
}

/* The formatters below write at p and return the end of what they wrote; the ob_put_* forms
 * reserve OB_MAX_PUT first. A caller of sf_fmt_* provides OB_MAX_PUT bytes of room itself: a
 * number is at most 32 bytes (widths above 32 count as 32), sf_fmt_nsec 31, sf_fmt_addr 47, and
 * the number formatters may scribble past their end within that room. */
char *sf_fmt_u64w(char *p, uint64_t v, unsigned width);
char *sf_fmt_nsec(char *p, int64_t ns, unsigned decimals);
/* Nanoseconds as milliseconds with three decimals (microsecond resolution). */
char *sf_fmt_ms(char *p, int64_t ns);
void ob_put_ms(struct sf_outbuf *ob, int64_t ns);
char *sf_fmt_addr(char *p, const struct sf_addr *a, bool bracket_v6);

/* Unsigned decimal, right-aligned in width columns (0 = no padding). */
void ob_put_u64w(struct sf_outbuf *ob, uint64_t v, unsigned width);
static inline void ob_put_u64(struct sf_outbuf *ob, uint64_t v)
{
	ob_put_u64w(ob, v, 0);
}
/* Unsigned decimal, zero-padded to width digits. */
void ob_put_u64z(struct sf_outbuf *ob, uint64_t v, unsigned width);
void ob_put_i64(struct sf_outbuf *ob, int64_t v);
/* Lower-case hex, zero-padded to digits (at least 1). */
void ob_put_hex(struct sf_outbuf *ob, uint64_t v, unsigned digits);
/* "0x" + ob_put_hex. */
void ob_put_0x(struct sf_outbuf *ob, uint64_t v, unsigned digits);
/* Fixed point: v / 10^9 with `decimals` decimals (truncated, as Wireshark shows times);
 * negative values get a leading '-'. */
void ob_put_nsec(struct sf_outbuf *ob, int64_t ns, unsigned decimals);
/* "a.b.c.d" or RFC 5952 IPv6; brackets around IPv6 when bracket_v6. */
void ob_put_addr(struct sf_outbuf *ob, const struct sf_addr *a, bool bracket_v6);
/* "aa:bb:cc:dd:ee:ff" */
void ob_put_mac(struct sf_outbuf *ob, const uint8_t mac[6]);
/* n spaces */
void ob_put_spaces(struct sf_outbuf *ob, unsigned n);

#endif
