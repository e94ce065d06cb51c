/* synfin — transports other than TCP, far enough for the packet line: UDP ports (RFC 768),
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) type and code. Non-TCP packets are shown, never hidden.
 */
#include "decode/decode_int.h"

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };

static void decode_udp(struct sf_packet *p, struct sf_cursor *c)
{
	if (!sf_cur_has(c, 8)) {
		sf_packet_add_event(p, SF_EV_UDP_TRUNCATED);
		return;
	}
	sf_cur_be16(c, &p->sport);
	sf_cur_be16(c, &p->dport);
	p->has_udp = true;
	p->layer = SF_LAYER_TRANSPORT;
}

static void decode_icmp(struct sf_packet *p, struct sf_cursor *c)
{
	/* type, code, checksum: the 4 bytes both ICMP versions share */
	if (!sf_cur_has(c, 4)) {
		sf_packet_add_event(p, SF_EV_ICMP_TRUNCATED);
		return;
	}
	sf_cur_u8(c, &p->icmp_type);
	sf_cur_u8(c, &p->icmp_code);
	p->has_icmp = true;
	p->layer = SF_LAYER_TRANSPORT;
}

void sf_decode_transport(struct sf_dec *d, struct sf_cursor *payload, uint32_t ip_payload_len)
{
	struct sf_packet *p = d->p;
	struct sf_cursor c = *payload;
	switch (p->ip_proto) {
	case PROTO_TCP:
		sf_decode_tcp(d, &c, ip_payload_len);
		return;
	case PROTO_UDP:
		p->l4_off = (uint16_t)c.off;
		decode_udp(p, &c);
		return;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		/* ICMP in IPv6 or ICMPv6 in IPv4 is odd, but the 4 shared bytes read the same */
		p->l4_off = (uint16_t)c.off;
		decode_icmp(p, &c);
		return;
	default:
		return;
	}
}
