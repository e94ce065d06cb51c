/* synfin tests — decoded packets built by hand for the filter tests (no capture needed).
 * Static functions: each test_filter_*.c includes this header for its own copy. */
#ifndef SYNFIN_TEST_FILTER_PKT_H
#define SYNFIN_TEST_FILTER_PKT_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "synfin/packet.h"
#include "synfin/pipeline.h"

struct tpkt {
	struct sf_frame fr;
	struct sf_packet p;
	uint8_t bytes[128]; /* frame bytes for protocol/option items */
	struct sf_pkt_view v;
};

static inline void tp_mac(uint8_t m[6], const char *s)
{
	unsigned b[6];
	sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
}

static inline void tp_addr(struct sf_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		a->family = 6;
		inet_pton(AF_INET6, s, a->a);
	} else {
		a->family = 4;
		inet_pton(AF_INET, s, a->a);
	}
}

/* An Ethernet frame with nothing decoded above the link (e.g. ARP). */
static inline void tp_eth(struct tpkt *t, uint64_t number, const char *src_mac, const char *dst_mac)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < sizeof(t->bytes); i++)
		t->bytes[i] = (uint8_t)i;
	t->fr.data = t->bytes;
	t->fr.caplen = t->fr.wirelen = 60;
	t->fr.ts_sec = 1258133614;
	t->fr.ts_nsec = 430569000u + (uint32_t)number * 1000u;
	t->fr.linktype = 1;
	t->fr.number = t->fr.file_frame = number;
	t->p.frame = &t->fr;
	t->p.layer = SF_LAYER_LINK;
	t->p.has_eth = true;
	t->p.l2_len = 14;
	tp_mac(t->p.eth_src, src_mac);
	tp_mac(t->p.eth_dst, dst_mac);
	t->p.ethertype = 0x0806;
	t->v.pkt = &t->p;
}

/* TCP over IPv4 or IPv6 (chosen by the address syntax), with Ethernet. */
static inline void tp_tcp(struct tpkt *t, uint64_t number, const char *src, uint16_t sport,
                          const char *dst, uint16_t dport, uint16_t flags, uint32_t len)
{
	tp_eth(t, number, "00:0f:66:ae:e9:8a", "00:19:e3:e7:5d:23");
	struct sf_packet *p = &t->p;
	tp_addr(&p->src, src);
	tp_addr(&p->dst, dst);
	p->ip_version = p->src.family;
	p->ethertype = p->ip_version == 4 ? 0x0800 : 0x86dd;
	p->l3_off = 14;
	p->l3_hdr_len = p->ip_version == 4 ? 20 : 40;
	p->ip_proto = 6;
	p->ip6_nxt = 6;
	p->ip_ttl = 64;
	p->ip_id = 0x5485;
	p->ip_flags = 0x02;
	p->layer = SF_LAYER_TRANSPORT;
	p->l4_off = (uint16_t)(14 + p->l3_hdr_len);
	p->has_tcp = true;
	p->sport = sport;
	p->dport = dport;
	p->seq = 1000;
	p->ack = flags & SF_TCP_ACK ? 2000 : 0;
	p->tcp_hdr_len = 20;
	p->flags = flags;
	p->window = 65535;
	p->tcp_len = len;
	p->ip_len = p->l3_hdr_len + 20 + len;
	t->fr.caplen = t->fr.wirelen = 14u + p->ip_len;
	if (t->fr.caplen > sizeof(t->bytes))
		t->fr.caplen = sizeof(t->bytes);
}

/* Adds MSS, window scale and SACK-permitted options (as on a SYN). */
static inline void tp_syn_opts(struct tpkt *t, uint16_t mss, uint8_t wscale)
{
	struct sf_packet *p = &t->p;
	p->tcp_hdr_len = 32;
	p->ip_len += 12;
	t->fr.caplen = t->fr.wirelen = 14u + p->ip_len;
	p->has_mss = true;
	p->mss = mss;
	p->has_wscale = true;
	p->wscale = wscale;
	p->sack_perm = true;
	p->n_opts = 3;
	p->opts[0] = (struct sf_tcp_opt){SF_TCPOPT_MSS, 4, 20};
	p->opts[1] = (struct sf_tcp_opt){SF_TCPOPT_WSCALE, 3, 24};
	p->opts[2] = (struct sf_tcp_opt){SF_TCPOPT_SACK_PERM, 2, 28};
	uint8_t *o = t->bytes + p->l4_off;
	o[20] = 2, o[21] = 4, o[22] = (uint8_t)(mss >> 8), o[23] = (uint8_t)mss;
	o[24] = 3, o[25] = 3, o[26] = wscale, o[27] = 1;
	o[28] = 4, o[29] = 2, o[30] = 1, o[31] = 1;
}

static inline void tp_udp(struct tpkt *t, uint64_t number, const char *src, uint16_t sport,
                          const char *dst, uint16_t dport)
{
	tp_tcp(t, number, src, sport, dst, dport, 0, 0);
	t->p.has_tcp = false;
	t->p.has_udp = true;
	t->p.ip_proto = 17;
	t->p.ip6_nxt = 17;
}

static inline void tp_vlan(struct tpkt *t, uint16_t outer_id, uint16_t inner_id)
{
	struct sf_packet *p = &t->p;
	p->n_vlan = 2;
	p->vlan_tpid[0] = 0x8100;
	p->vlan_tpid[1] = 0x8100;
	p->vlan_tci[0] = (uint16_t)(0x2000 | outer_id); /* priority 1 */
	p->vlan_tci[1] = inner_id;
	p->vlan_off[0] = 12;
	p->vlan_off[1] = 16;
}

#endif
