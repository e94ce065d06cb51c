/* synfin — a bounds-checked reader over captured bytes.
 *
 * Every packet read in src/decode goes through these functions (STYLE.md: "never trust a
 * length"), in the spirit of tcpdump's GET_BE_U_2 / ND_TTEST_LEN, but with return codes
 * instead of longjmp. A cursor is { buf, off, end }: buf is the start of the frame, so off is
 * always an offset from the start of the frame, also in a sub-cursor. A read that would pass
 * end reads nothing, leaves the cursor where it was and returns SF_CUR_SHORT.
 *
 * Invariant: off <= end, and [buf, buf + end) is readable.
 */
#ifndef SYNFIN_DECODE_CURSOR_H
#define SYNFIN_DECODE_CURSOR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum { SF_CUR_OK = 0, SF_CUR_SHORT = -1 };

struct sf_cursor {
	const uint8_t *buf; /* start of the frame */
	uint32_t off;       /* next byte to read, from buf */
	uint32_t end;       /* one past the last readable byte, from buf */
};

static inline void sf_cur_init(struct sf_cursor *c, const uint8_t *buf, uint32_t len)
{
	c->buf = buf;
	c->off = 0;
	c->end = buf ? len : 0;
}

/* Reads at b without a check, for the fixed fields of a header whose whole length
 * sf_cur_bytes() already granted: one test for the header instead of one per field. */
static inline uint16_t sf_be16_at(const uint8_t *b)
{
	return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static inline uint32_t sf_be32_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Bytes left to read. */
static inline uint32_t sf_cur_left(const struct sf_cursor *c)
{
	return c->end - c->off;
}

/* True when n more bytes can be read. */
static inline bool sf_cur_has(const struct sf_cursor *c, uint32_t n)
{
	return n <= c->end - c->off;
}

static inline int sf_cur_skip(struct sf_cursor *c, uint32_t n)
{
	if (!sf_cur_has(c, n))
		return SF_CUR_SHORT;
	c->off += n;
	return SF_CUR_OK;
}

static inline int sf_cur_u8(struct sf_cursor *c, uint8_t *v)
{
	*v = 0; /* defined even when short: callers never read garbage */
	if (!sf_cur_has(c, 1))
		return SF_CUR_SHORT;
	*v = c->buf[c->off++];
	return SF_CUR_OK;
}

static inline int sf_cur_be16(struct sf_cursor *c, uint16_t *v)
{
	*v = 0; /* defined even when short: callers never read garbage */
	if (!sf_cur_has(c, 2))
		return SF_CUR_SHORT;
	const uint8_t *b = c->buf + c->off;
	*v = (uint16_t)((unsigned)b[0] << 8 | b[1]);
	c->off += 2;
	return SF_CUR_OK;
}

static inline int sf_cur_be32(struct sf_cursor *c, uint32_t *v)
{
	*v = 0; /* defined even when short: callers never read garbage */
	if (!sf_cur_has(c, 4))
		return SF_CUR_SHORT;
	const uint8_t *b = c->buf + c->off;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	c->off += 4;
	return SF_CUR_OK;
}

/* Reads a byte at off + at without moving the cursor. */
static inline int sf_cur_peek_u8(const struct sf_cursor *c, uint32_t at, uint8_t *v)
{
	*v = 0; /* defined even when short: callers never read garbage */
	if (at >= sf_cur_left(c))
		return SF_CUR_SHORT;
	*v = c->buf[c->off + at];
	return SF_CUR_OK;
}

/* Copies n bytes out (addresses, MACs). */
static inline int sf_cur_copy(struct sf_cursor *c, void *dst, uint32_t n)
{
	if (!sf_cur_has(c, n))
		return SF_CUR_SHORT;
	memcpy(dst, c->buf + c->off, n);
	c->off += n;
	return SF_CUR_OK;
}

/* Hands out a pointer to n checked bytes (a fixed header, a checksummed range) and moves past
 * them. */
static inline int sf_cur_bytes(struct sf_cursor *c, uint32_t n, const uint8_t **p)
{
	if (!sf_cur_has(c, n))
		return SF_CUR_SHORT;
	*p = c->buf + c->off;
	c->off += n;
	return SF_CUR_OK;
}

/* A sub-cursor over the next n bytes; the parent moves past them. Offsets stay frame-based. */
static inline int sf_cur_sub(struct sf_cursor *c, uint32_t n, struct sf_cursor *sub)
{
	if (!sf_cur_has(c, n))
		return SF_CUR_SHORT;
	sub->buf = c->buf;
	sub->off = c->off;
	sub->end = c->off + n;
	c->off += n;
	return SF_CUR_OK;
}

/* A sub-cursor over at most n of the next bytes (fewer when fewer are left); the parent does
 * not move. Used to cut a view down to what a length field allows. */
static inline void sf_cur_clip(const struct sf_cursor *c, uint32_t n, struct sf_cursor *sub)
{
	uint32_t left = sf_cur_left(c);
	sub->buf = c->buf;
	sub->off = c->off;
	sub->end = c->off + (n < left ? n : left);
}

#endif
