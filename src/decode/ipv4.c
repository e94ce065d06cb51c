/* synfin — IPv4 (RFC 791), options checked, fragments, lying total lengths.
 *
 *    0                   1                   2                   3
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options (IHL > 5)                          |
 *
 * Total length is trusted as Wireshark's packet-ip.c does, so that tcp.len agrees with it:
 *   0 (written by captures taken before TCP segmentation offload) → the frame's length on the
 *     wire after the link header;
 *   larger than what the wire carried → the wire length;
 *   smaller than the header → nothing above IP is decoded.
 * The wire length is used, not the captured length: a snaplen cut hides bytes, it does not
 * shorten the datagram.
 */
#include <string.h>

#include "decode/decode_int.h"

enum { IPV4_MIN_HDR = 20 };

/* Option lengths fixed or bounded by their RFCs (as Suricata's decode-ipv4.c checks them). */
static bool ipv4_opt_len_ok(uint8_t type, uint8_t len, const struct sf_cursor *c)
{
	uint8_t ptr;
	switch (type) {
	case 7:   /* record route, RFC 791 */
	case 131: /* loose source route */
	case 137: /* strict source route */
		/* pointer (third byte) is at least 4 and the route data is whole addresses */
		if (len < 3 || sf_cur_peek_u8(c, 2, &ptr) || ptr < 4 || (len - 3) % 4)
			return false;
		return true;
	case 68: /* timestamp, RFC 791: type, len, pointer, oflw/flag */
		return len >= 4 && sf_cur_peek_u8(c, 2, &ptr) == SF_CUR_OK && ptr >= 5;
	case 130: /* security, RFC 1108 */
		return len == 11;
	case 136: /* stream identifier */
	case 148: /* router alert, RFC 2113 */
		return len == 4;
	default:
		return true;
	}
}

/* Walks the options in c (exactly the option bytes); false on the first malformed one. */
static bool ipv4_options_ok(struct sf_cursor c)
{
	while (sf_cur_left(&c) > 0) {
		uint8_t type, len;
		if (sf_cur_peek_u8(&c, 0, &type))
			return false;
		if (type == 0) /* end of option list: the rest is padding */
			return true;
		if (type == 1) { /* no-operation */
			sf_cur_skip(&c, 1);
			continue;
		}
		if (sf_cur_peek_u8(&c, 1, &len) || len < 2 || len > sf_cur_left(&c))
			return false;
		if (!ipv4_opt_len_ok(type, len, &c))
			return false;
		sf_cur_skip(&c, len);
	}
	return true;
}

/* Chooses the total length to trust (see the top of this file); -1 when unusable. */
static int64_t ipv4_trusted_len(struct sf_packet *p, uint32_t tot, uint32_t hlen, uint32_t wire)
{
	if (tot == 0) {
		sf_packet_add_event(p, SF_EV_IPV4_LEN_ZERO);
		return wire;
	}
	if (tot < hlen) {
		sf_packet_add_event(p, SF_EV_IPV4_LEN_TOO_SMALL);
		return -1;
	}
	if (tot > wire) {
		sf_packet_add_event(p, SF_EV_IPV4_LEN_TOO_LARGE);
		return wire;
	}
	return tot;
}

int64_t sf_decode_ipv4(struct sf_dec *d, struct sf_cursor *c, struct sf_cursor *payload)
{
	struct sf_packet *p = d->p;
	uint32_t l3 = c->off;
	struct sf_cursor whole = *c; /* from the first header byte, for the checksum */

	const uint8_t *h; /* the 20 fixed bytes, read without a check each */
	if (sf_cur_bytes(c, IPV4_MIN_HDR, &h)) {
		sf_packet_add_event(p, SF_EV_IPV4_TRUNCATED);
		return -1;
	}
	uint8_t vhl = h[0];
	if (vhl >> 4 != 4) {
		sf_packet_add_event(p, SF_EV_IPV4_BAD_VERSION);
		return -1;
	}
	uint8_t tos = h[1], ttl = h[8], proto = h[9];
	uint16_t tot = sf_be16_at(h + 2), id = sf_be16_at(h + 4), frag = sf_be16_at(h + 6),
	         sum = sf_be16_at(h + 10);
	p->src.family = p->dst.family = 4;
	memcpy(p->src.a, h + 12, 4);
	memcpy(p->dst.a, h + 16, 4);

	uint32_t hlen = (vhl & 0x0fu) * 4;
	p->ip_version = 4;
	p->layer = SF_LAYER_NET;
	p->l3_off = (uint16_t)l3;
	p->l3_hdr_len = (uint16_t)hlen;
	p->ip_tos = tos;
	p->ip_len = tot;
	p->ip_id = id;
	p->ip_flags = (uint8_t)(frag >> 13);
	p->ip_frag_off = (uint16_t)((frag & 0x1fffu) * 8);
	p->ip_ttl = ttl;
	p->ip_proto = proto;
	p->ip_checksum = sum;

	if (hlen < IPV4_MIN_HDR) {
		sf_packet_add_event(p, SF_EV_IPV4_HLEN_TOO_SMALL);
		return -1;
	}
	struct sf_cursor opts;
	if (sf_cur_sub(c, hlen - IPV4_MIN_HDR, &opts)) {
		sf_packet_add_event(p, SF_EV_IPV4_HLEN_TRUNCATED);
		return -1;
	}
	if (!ipv4_options_ok(opts))
		sf_packet_add_event(p, SF_EV_IPV4_OPT_BAD);
	const uint8_t *hdr_bytes;
	if (d->opts && d->opts->check_checksums && sf_cur_bytes(&whole, hlen, &hdr_bytes) == 0) {
		/* RFC 1071: the header including its checksum sums to 0xffff */
		bool ok = sf_csum_fold(sf_csum_add(0, hdr_bytes, hlen)) == 0;
		p->ip_checksum_ok = ok;
		if (!ok)
			sf_packet_add_event(p, SF_EV_IPV4_BAD_CHECKSUM);
	}

	int64_t used = ipv4_trusted_len(p, tot, hlen, d->wire - l3);
	if (used < 0)
		return -1;
	p->ip_len_used = (uint32_t)used;

	/* RFC 791: MF set or a non-zero offset means the datagram was fragmented. */
	p->is_fragment = (p->ip_flags & 1) || p->ip_frag_off;
	p->first_fragment = p->is_fragment && p->ip_frag_off == 0;
	if (p->ip_frag_off) {
		sf_packet_add_event(p, SF_EV_IPV4_FRAGMENT);
		return -1;
	}
	sf_cur_clip(c, (uint32_t)used - hlen, payload);
	return used - hlen;
}
