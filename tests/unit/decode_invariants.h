/* synfin tests — what must hold for any decoded packet, whatever bytes it came from.
 * Shared by the capture test (tests/unit) and the fuzz harness (tests/fuzz); header-only so
 * that the fuzz target needs nothing but libsynfin. Returns NULL, or the broken rule. */
#ifndef SYNFIN_TEST_DECODE_INVARIANTS_H
#define SYNFIN_TEST_DECODE_INVARIANTS_H

#include <stdbool.h>

#include "synfin/decode.h"

static inline const char *decode_invariant_violation(const struct sf_frame *f,
                                                     const struct sf_packet *p, bool checked)
{
	uint32_t cap = f->caplen > 65535 ? 65535 : f->caplen;
	uint32_t wire = f->wirelen > cap ? f->wirelen : cap;
	if (p->layer > SF_LAYER_TRANSPORT)
		return "layer out of range";
	if (p->n_events > SF_MAX_PKT_EVENTS)
		return "too many events";
	for (unsigned i = 0; i < p->n_events; i++)
		if (p->events[i] == SF_EV_NONE || p->events[i] >= SF_EV__COUNT)
			return "event out of range";
	if (!sf_linktype_supported(f->linktype) &&
	    (p->layer != SF_LAYER_NONE || !sf_packet_has_event(p, SF_EV_LINK_UNSUPPORTED)))
		return "unsupported link type decoded";
	if (p->l2_len > cap)
		return "link header beyond caplen";
	if (p->n_vlan > SF_MAX_VLAN)
		return "too many VLAN tags";
	for (unsigned i = 0; i < p->n_vlan; i++)
		if (p->vlan_off[i] + 4u > cap)
			return "VLAN tag beyond caplen";
	if (p->ip_version) {
		unsigned min = p->ip_version == 4 ? 20 : 40;
		if (p->ip_version != 4 && p->ip_version != 6)
			return "bad IP version";
		if (p->layer < SF_LAYER_NET)
			return "IP decoded but layer below NET";
		if (p->l3_off != p->l2_len || p->l3_off + min > cap)
			return "IP header offset";
		/* an IHL below 5 is kept as written, with its event */
		if (p->l3_hdr_len < min && !sf_packet_has_event(p, SF_EV_IPV4_HLEN_TOO_SMALL))
			return "IP header length below minimum";
		if (p->ip_len_used > wire - p->l3_off)
			return "trusted IP length beyond the wire";
		if (p->src.family != p->ip_version || p->dst.family != p->ip_version)
			return "address family";
		if (p->n_ip6_ext > SF_MAX_IP6_EXT)
			return "too many extension headers";
		for (unsigned i = 0; i < p->n_ip6_ext; i++)
			if (p->ip6_ext_off[i] + 8u > cap)
				return "extension header beyond caplen";
	} else if (p->layer > SF_LAYER_LINK) {
		return "layer above LINK without IP";
	}
	if ((unsigned)p->has_tcp + p->has_udp + p->has_icmp > 1)
		return "two transports";
	if ((p->has_tcp || p->has_udp || p->has_icmp) && p->layer != SF_LAYER_TRANSPORT)
		return "transport without layer";
	if (p->has_tcp) {
		if (p->ip_proto != 6 || p->l4_off != p->l3_off + p->l3_hdr_len)
			return "TCP offset";
		if (p->l4_off + 20u > cap)
			return "TCP header beyond caplen";
		if (p->tcp_hdr_len % 4 || p->tcp_hdr_len > 60)
			return "TCP header length";
		if (p->payload_off > cap || p->payload_off + p->payload_caplen > cap)
			return "payload beyond caplen";
		if (p->payload_caplen > p->tcp_len)
			return "captured payload above tcp_len";
		if (p->tcp_len > wire)
			return "tcp_len above the wire length";
		if (p->n_opts > SF_MAX_TCP_OPTS || p->n_sack > SF_MAX_SACK)
			return "option counts";
		for (unsigned i = 0; i < p->n_opts; i++) {
			const struct sf_tcp_opt *o = &p->opts[i];
			if (o->off < 20 || (unsigned)o->off + o->len > p->tcp_hdr_len ||
			    (uint32_t)p->l4_off + o->off + o->len > cap)
				return "option beyond header or caplen";
		}
	}
	if (!checked && (p->ip_checksum_ok != -1 || p->tcp_checksum_ok != -1))
		return "checksum verified though not asked";
	if (p->ip_checksum_ok < -1 || p->ip_checksum_ok > 1 || p->tcp_checksum_ok < -1 ||
	    p->tcp_checksum_ok > 1)
		return "checksum result";
	return NULL;
}

#endif
