/* synfin — IPv6 (RFC 8200) and its extension headers.
 *
 *   |Version| Traffic Class |           Flow Label                  |
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   |                  Source Address (16)                          |
 *   |               Destination Address (16)                        |
 *
 * Extension headers followed: hop-by-hop (0), routing (43), fragment (44), destination
 * options (60): 8 * (1 + len) bytes; AH (51, RFC 4302): 4 * (2 + len) bytes. No next header
 * (59) and ESP (50) end the walk without an event; an unknown next header ends it with
 * decode.ipv6.unknown_next_header. Payload length 0 (a jumbogram, RFC 2675, or a capture taken
 * before segmentation offload) and lengths beyond the wire are handled as for IPv4's total
 * length: the wire length is trusted instead.
 */
#include <string.h>

#include "decode/decode_int.h"

enum { IPV6_HDR = 40, FRAG_HDR = 8, MAX_EXT_WALK = 16 };

enum {
	NH_HOPOPTS = 0,
	NH_TCP = 6,
	NH_UDP = 17,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_ESP = 50,
	NH_AH = 51,
	NH_ICMPV6 = 58,
	NH_NONE = 59,
	NH_DSTOPTS = 60,
};

/* Next-header values where the walk stops without complaint: upper layers synfin knows by
 * name, ESP (encrypted from here on) and no-next-header. Extension headers it does not follow
 * (mobility 135, HIP 139, shim6 140, experiments 253/254) and unnamed numbers are "unknown". */
static bool is_known_upper(uint8_t nh)
{
	if (nh == 135 || nh == 139 || nh == 140 || nh == 253 || nh == 254)
		return false;
	return sf_ipproto_name(nh) != NULL;
}

static void record_ext(struct sf_packet *p, uint8_t type, uint32_t off)
{
	p->ip6_ext_type[p->n_ip6_ext] = type;
	p->ip6_ext_off[p->n_ip6_ext] = (uint16_t)off;
	p->n_ip6_ext++;
}

/* Reads one fragment header. Returns 1 when the transport header is not in this fragment. */
static int decode_frag_hdr(struct sf_packet *p, struct sf_cursor *c)
{
	uint16_t offlg = 0;
	uint32_t id = 0;
	sf_cur_skip(c, 2); /* next header and reserved: read by the caller */
	sf_cur_be16(c, &offlg);
	sf_cur_be32(c, &id);
	p->ip6_frag_id = id;
	uint16_t frag_off = offlg & 0xfff8u;
	/* An atomic fragment (offset 0, M clear, RFC 6946) is a whole datagram. */
	p->is_fragment = frag_off || (offlg & 1);
	p->first_fragment = p->is_fragment && frag_off == 0;
	p->ip_frag_off = frag_off;
	p->ip_flags = offlg & 1;
	if (frag_off) {
		sf_packet_add_event(p, SF_EV_IPV6_FRAGMENT);
		return 1;
	}
	return 0;
}

/* Walks the extension headers in c (which ends where the trusted payload ends).
 * Returns the header bytes walked, or -1 when the transport must not be decoded. */
static int64_t walk_ext_headers(struct sf_packet *p, struct sf_cursor *c, uint8_t nh)
{
	uint32_t start = c->off;
	for (unsigned walked = 0;; walked++) {
		uint32_t len;
		uint8_t next, hl;
		switch (nh) {
		case NH_HOPOPTS:
		case NH_ROUTING:
		case NH_DSTOPTS:
		case NH_AH:
		case NH_FRAGMENT:
			break;
		case NH_NONE:
		case NH_ESP:
			p->ip_proto = nh;
			return -1;
		default:
			p->ip_proto = nh;
			if (!is_known_upper(nh)) {
				sf_packet_add_event(p, SF_EV_IPV6_UNKNOWN_NEXT);
				return -1;
			}
			return c->off - start;
		}
		if (walked >= MAX_EXT_WALK || p->n_ip6_ext >= SF_MAX_IP6_EXT) {
			p->ip_proto = nh;
			sf_packet_add_event(p, SF_EV_IPV6_EXT_TOO_MANY);
			return -1;
		}
		if (sf_cur_peek_u8(c, 0, &next) || sf_cur_peek_u8(c, 1, &hl)) {
			p->ip_proto = nh;
			sf_packet_add_event(p, SF_EV_IPV6_EXT_TRUNCATED);
			return -1;
		}
		if (nh == NH_FRAGMENT)
			len = FRAG_HDR;
		else if (nh == NH_AH)
			len = 4u * (hl + 2u);
		else
			len = 8u * (hl + 1u);
		struct sf_cursor ext;
		if (sf_cur_sub(c, len, &ext)) {
			p->ip_proto = nh;
			sf_packet_add_event(p, SF_EV_IPV6_EXT_TRUNCATED);
			return -1;
		}
		record_ext(p, nh, ext.off);
		if (nh == NH_FRAGMENT && decode_frag_hdr(p, &ext)) {
			p->ip_proto = next;
			return -1;
		}
		nh = next;
	}
}

int64_t sf_decode_ipv6(struct sf_dec *d, struct sf_cursor *c, struct sf_cursor *payload)
{
	struct sf_packet *p = d->p;
	uint32_t l3 = c->off;

	const uint8_t *h; /* the 40 fixed bytes, read without a check each */
	if (sf_cur_bytes(c, IPV6_HDR, &h)) {
		sf_packet_add_event(p, SF_EV_IPV6_TRUNCATED);
		return -1;
	}
	uint32_t vtcfl = sf_be32_at(h);
	if (vtcfl >> 28 != 6) {
		sf_packet_add_event(p, SF_EV_IPV6_BAD_VERSION);
		return -1;
	}
	uint16_t plen = sf_be16_at(h + 4);
	uint8_t nh = h[6], hlim = h[7];
	p->src.family = p->dst.family = 6;
	memcpy(p->src.a, h + 8, 16);
	memcpy(p->dst.a, h + 24, 16);

	p->ip_version = 6;
	p->layer = SF_LAYER_NET;
	p->l3_off = (uint16_t)l3;
	p->l3_hdr_len = IPV6_HDR;
	p->ip_tos = (uint8_t)(vtcfl >> 20);
	p->ip6_flow = vtcfl & 0xfffffu;
	p->ip6_nxt = nh;
	p->ip_proto = nh;
	p->ip_ttl = hlim;
	p->ip_len = IPV6_HDR + (uint32_t)plen;

	uint32_t wire_payload = d->wire - l3 - IPV6_HDR; /* 40 bytes captured, so wire >= l3+40 */
	uint32_t used = plen;
	if (plen == 0) {
		sf_packet_add_event(p, SF_EV_IPV6_LEN_ZERO);
		used = wire_payload;
	} else if (plen > wire_payload) {
		sf_packet_add_event(p, SF_EV_IPV6_LEN_TOO_LARGE);
		used = wire_payload;
	}
	p->ip_len_used = IPV6_HDR + used;

	/* The extension headers live inside the payload length: walk them in a clipped view. */
	struct sf_cursor in;
	sf_cur_clip(c, used, &in);
	uint32_t ext_start = in.off;
	int64_t ext = walk_ext_headers(p, &in, nh);
	p->l3_hdr_len = (uint16_t)(IPV6_HDR + (in.off - ext_start)); /* headers walked */
	if (ext < 0)
		return -1;
	sf_cur_skip(c, (uint32_t)ext);
	sf_cur_clip(c, used - (uint32_t)ext, payload);
	return used - ext;
}
