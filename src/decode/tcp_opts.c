/* synfin — TCP options.
 *
 *   EOL (0) and NOP (1) are one byte; every other option is kind(1) length(1) data(length-2).
 *   Known lengths: MSS 4 (RFC 9293), window scale 3 (RFC 7323, shift <= 14), SACK-permitted 2
 *   and SACK 2 + 8n (RFC 2018), timestamps 10 (RFC 7323), MD5 18 (RFC 2385), user timeout 4
 *   (RFC 5482), TFO 2 or 6..18 (RFC 7413; before its number was assigned, kind 254 with magic
 *   0xF989), MPTCP (RFC 8684: subtype in the high nibble of the third byte).
 *
 * Every option is kept by kind, length and offset in opts[], unknown kinds too, the way p0f
 * keeps odd options as quirks rather than errors. A length of 0 or 1, or one that runs past
 * the header, ends the walk (nothing after it can be framed); a wrong fixed length or a
 * repeated option is named and the walk goes on. For a repeated option the first value is kept.
 */
#include "decode/decode_int.h"

enum { TFO_EXP_MAGIC = 0xf989, MAX_WSCALE_SHIFT = 14 };

/* Bits for duplicate detection of the options that carry a value. */
enum { SEEN_MSS = 1, SEEN_WS = 2, SEEN_SACKP = 4, SEEN_TS = 8, SEEN_TFO = 16, SEEN_MD5 = 32 };

static bool first_time(struct sf_packet *p, unsigned *seen, unsigned bit)
{
	if (*seen & bit) {
		sf_packet_add_event(p, SF_EV_TCP_OPT_DUPLICATE);
		return false;
	}
	*seen |= bit;
	return true;
}

static bool len_is(struct sf_packet *p, uint8_t len, uint8_t want)
{
	if (len == want)
		return true;
	sf_packet_add_event(p, SF_EV_TCP_OPT_BAD_LEN);
	return false;
}

static void opt_sack(struct sf_packet *p, struct sf_cursor *o, uint8_t len)
{
	if (len < 10 || (len - 2) % 8) {
		sf_packet_add_event(p, SF_EV_TCP_OPT_BAD_LEN);
		return;
	}
	/* several SACK options in one header add their blocks (at most 4 fit in 40 bytes) */
	for (unsigned i = 0; i < (len - 2u) / 8 && p->n_sack < SF_MAX_SACK; i++) {
		struct sf_sack_block *b = &p->sack[p->n_sack++];
		sf_cur_be32(o, &b->left);
		sf_cur_be32(o, &b->right);
	}
}

static void opt_tfo(struct sf_packet *p, unsigned *seen, uint8_t cookie_len)
{
	/* RFC 7413 §4.1.1: the cookie is 4 to 16 bytes, even; 0 is a cookie request */
	if (cookie_len != 0 && (cookie_len < 4 || cookie_len > 16 || cookie_len % 2)) {
		sf_packet_add_event(p, SF_EV_TCP_OPT_BAD_LEN);
		return;
	}
	if (!first_time(p, seen, SEEN_TFO))
		return;
	p->has_tfo = true;
	p->tfo_cookie_len = cookie_len;
}

/* o covers the data bytes of one option (after kind and length). */
static void opt_value(struct sf_packet *p, unsigned *seen, uint8_t kind, uint8_t len,
                      struct sf_cursor *o)
{
	uint16_t magic;
	uint8_t b;
	switch (kind) {
	case SF_TCPOPT_MSS:
		if (len_is(p, len, 4) && first_time(p, seen, SEEN_MSS)) {
			p->has_mss = true;
			sf_cur_be16(o, &p->mss);
		}
		break;
	case SF_TCPOPT_WSCALE:
		if (len_is(p, len, 3) && first_time(p, seen, SEEN_WS)) {
			p->has_wscale = true;
			sf_cur_u8(o, &p->wscale);
			if (p->wscale > MAX_WSCALE_SHIFT) /* RFC 7323 §2.3: used as 14 */
				sf_packet_add_event(p, SF_EV_TCP_WSCALE_TOO_LARGE);
		}
		break;
	case SF_TCPOPT_SACK_PERM:
		if (len_is(p, len, 2) && first_time(p, seen, SEEN_SACKP))
			p->sack_perm = true;
		break;
	case SF_TCPOPT_SACK:
		opt_sack(p, o, len);
		break;
	case SF_TCPOPT_TIMESTAMP:
		if (len_is(p, len, 10) && first_time(p, seen, SEEN_TS)) {
			p->has_ts = true;
			sf_cur_be32(o, &p->ts_val);
			sf_cur_be32(o, &p->ts_ecr);
		}
		break;
	case SF_TCPOPT_MD5:
		if (len_is(p, len, 18))
			first_time(p, seen, SEEN_MD5);
		break;
	case SF_TCPOPT_USER_TIMEOUT:
		len_is(p, len, 4);
		break;
	case SF_TCPOPT_MPTCP:
		if (len < 3) {
			sf_packet_add_event(p, SF_EV_TCP_OPT_BAD_LEN);
		} else if (!p->has_mptcp && sf_cur_u8(o, &b) == SF_CUR_OK) {
			/* several MPTCP options may share a header (e.g. DSS + ADD_ADDR): keep the
			 * first subtype */
			p->has_mptcp = true;
			p->mptcp_subtype = b >> 4;
		}
		break;
	case SF_TCPOPT_TFO:
		opt_tfo(p, seen, (uint8_t)(len - 2));
		break;
	case SF_TCPOPT_EXP2:
		/* RFC 6994 experimental option: a 16-bit ExID tells whose it is */
		if (len >= 4 && sf_cur_be16(o, &magic) == SF_CUR_OK && magic == TFO_EXP_MAGIC)
			opt_tfo(p, seen, (uint8_t)(len - 4));
		break;
	default:
		break; /* kept by number in opts[] */
	}
}

static void keep_opt(struct sf_packet *p, uint8_t kind, uint8_t len, uint32_t off)
{
	if (p->n_opts >= SF_MAX_TCP_OPTS)
		return;
	struct sf_tcp_opt *o = &p->opts[p->n_opts++];
	o->kind = kind;
	o->len = len;
	o->off = (uint8_t)off;
}

/* Running off the end of c is only "past the header" when c ends where the header does;
 * when the snaplen cut the header first, the option simply was not captured. */
static void ran_off(struct sf_packet *p, const struct sf_cursor *c, uint32_t need, uint32_t hdr_end)
{
	if (c->off + need > hdr_end)
		sf_packet_add_event(p, SF_EV_TCP_OPT_PAST_HEADER);
}

/* The options of nearly every segment after the handshake (Linux, the BSDs, Windows with
 * timestamps on): NOP, NOP, timestamps. */
static bool nop_nop_ts(struct sf_packet *p, const struct sf_cursor *c, uint32_t tcp_off)
{
	if (sf_cur_left(c) != 12)
		return false;
	const uint8_t *b = c->buf + c->off;
	if (b[0] != SF_TCPOPT_NOP || b[1] != SF_TCPOPT_NOP || b[2] != SF_TCPOPT_TIMESTAMP ||
	    b[3] != 10)
		return false;
	uint32_t off = c->off - tcp_off;
	keep_opt(p, SF_TCPOPT_NOP, 1, off);
	keep_opt(p, SF_TCPOPT_NOP, 1, off + 1);
	keep_opt(p, SF_TCPOPT_TIMESTAMP, 10, off + 2);
	p->has_ts = true;
	p->ts_val = sf_be32_at(b + 4);
	p->ts_ecr = sf_be32_at(b + 8);
	return true;
}

/* The options of a Linux SYN or SYN-ACK with timestamps: MSS, SACK-permitted, timestamps, NOP,
 * window scale (a shift above 14 is left to the walk, which names it). */
static bool linux_syn(struct sf_packet *p, const struct sf_cursor *c, uint32_t tcp_off)
{
	if (sf_cur_left(c) != 20)
		return false;
	const uint8_t *b = c->buf + c->off;
	if (b[0] != SF_TCPOPT_MSS || b[1] != 4 || b[4] != SF_TCPOPT_SACK_PERM || b[5] != 2 ||
	    b[6] != SF_TCPOPT_TIMESTAMP || b[7] != 10 || b[16] != SF_TCPOPT_NOP ||
	    b[17] != SF_TCPOPT_WSCALE || b[18] != 3 || b[19] > MAX_WSCALE_SHIFT)
		return false;
	uint32_t off = c->off - tcp_off;
	keep_opt(p, SF_TCPOPT_MSS, 4, off);
	keep_opt(p, SF_TCPOPT_SACK_PERM, 2, off + 4);
	keep_opt(p, SF_TCPOPT_TIMESTAMP, 10, off + 6);
	keep_opt(p, SF_TCPOPT_NOP, 1, off + 16);
	keep_opt(p, SF_TCPOPT_WSCALE, 3, off + 17);
	p->has_mss = true;
	p->mss = sf_be16_at(b + 2);
	p->sack_perm = true;
	p->has_ts = true;
	p->ts_val = sf_be32_at(b + 8);
	p->ts_ecr = sf_be32_at(b + 12);
	p->has_wscale = true;
	p->wscale = b[19];
	return true;
}

void sf_decode_tcp_options(struct sf_packet *p, struct sf_cursor *c, uint32_t tcp_off,
                           uint32_t hdr_end)
{
	/* the two layouts nearly every segment has, taken whole as the walk would take them */
	if (nop_nop_ts(p, c, tcp_off) || linux_syn(p, c, tcp_off)) {
		c->off = c->end;
		return;
	}
	unsigned seen = 0;
	uint8_t kind, len;
	while (sf_cur_u8(c, &kind) == SF_CUR_OK) {
		uint32_t off = c->off - 1 - tcp_off;
		if (kind == SF_TCPOPT_EOL) {
			keep_opt(p, kind, 1, off);
			return; /* RFC 9293: the rest is padding */
		}
		if (kind == SF_TCPOPT_NOP) {
			keep_opt(p, kind, 1, off);
			continue;
		}
		if (sf_cur_u8(c, &len)) {
			ran_off(p, c, 1, hdr_end);
			return;
		}
		if (len < 2) {
			sf_packet_add_event(p,
			                    len ? SF_EV_TCP_OPT_LEN_ONE : SF_EV_TCP_OPT_LEN_ZERO);
			return;
		}
		struct sf_cursor data;
		if (sf_cur_sub(c, len - 2u, &data)) {
			ran_off(p, c, len - 2u, hdr_end);
			return;
		}
		keep_opt(p, kind, len, off);
		opt_value(p, &seen, kind, len, &data);
	}
}
