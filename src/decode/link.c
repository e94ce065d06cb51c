/* synfin — link layers: Ethernet (+802.1Q/QinQ), Linux cooked v1/v2, BSD NULL/LOOP, raw IP.
 *
 * A frame's link type is a LINKTYPE_ value (pcap/pcapng file) or a DLT_ value (live libpcap
 * handle, and what pcap_datalink() reports for files): both are accepted. They differ only for
 * raw IP here: LINKTYPE_RAW is 101, DLT_RAW is 12 (14 on OpenBSD).
 *
 *   Ethernet      dst(6) src(6) type(2) [tpid(2) tci(2)]* type(2)     IEEE 802.3 / 802.1Q
 *   LINUX_SLL     pkttype(2) hatype(2) halen(2) addr(8) protocol(2)   16 bytes
 *   LINUX_SLL2    protocol(2) rsv(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
 *   NULL / LOOP   family(4): host byte order of the capturing machine (NULL) or network order
 *                 (LOOP); real files have both, so both orders are read for both types.
 */
#include <pcap/pcap.h>
#include <string.h>

#include "decode/decode_int.h"

enum {
	LT_NULL = 0,
	LT_EN10MB = 1,
	DLT_RAW_COMMON = 12,  /* DLT_RAW on most systems */
	DLT_RAW_OPENBSD = 14, /* DLT_RAW on OpenBSD */
	LT_RAW = 101,         /* LINKTYPE_RAW in files */
	LT_LOOP = 108,
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276,
};

enum {
	ETH_HDR = 14,
	SLL_HDR = 16,
	SLL2_HDR = 20,
	ETH_MAX_LEN = 1500, /* type/length values up to this are 802.3 lengths, not ethertypes */
	ETH_PPPOE_SESSION = 0x8864,
	MAX_TAGS = 16 /* stop following tags after this many (each costs 4 captured bytes) */
};

static bool is_vlan_tpid(uint16_t t)
{
	/* 802.1Q C-tag, 802.1ad S-tag, and the pre-standard QinQ 0x9100 */
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* Reads a stack of VLAN tags after a link header whose type field said *type. */
static int decode_vlan_tags(struct sf_dec *d, struct sf_cursor *c, uint16_t *type)
{
	struct sf_packet *p = d->p;
	unsigned seen = 0;
	while (is_vlan_tpid(*type)) {
		uint32_t off = c->off - 2; /* the tag starts at its TPID, read as the type before */
		uint16_t tci, next;
		if (sf_cur_be16(c, &tci) || sf_cur_be16(c, &next)) {
			sf_packet_add_event(p, SF_EV_VLAN_TRUNCATED);
			return -1;
		}
		if (p->n_vlan < SF_MAX_VLAN) {
			p->vlan_tpid[p->n_vlan] = *type;
			p->vlan_tci[p->n_vlan] = tci;
			p->vlan_off[p->n_vlan] = (uint16_t)off;
			p->n_vlan++;
		} else {
			sf_packet_add_event(p, SF_EV_VLAN_TOO_MANY);
		}
		*type = next;
		if (++seen >= MAX_TAGS)
			break;
	}
	return 0;
}

/* The link header ends at c: records it and says whether IP follows. ethertype is what the
 * link header said (0 for an 802.3 length field or an unmapped family). */
static uint16_t link_done(struct sf_dec *d, const struct sf_cursor *c, uint16_t ethertype)
{
	struct sf_packet *p = d->p;
	p->layer = SF_LAYER_LINK;
	p->l2_len = (uint16_t)c->off;
	p->ethertype = ethertype;
	if (ethertype == SF_ETH_IPV4 || ethertype == SF_ETH_IPV6)
		return ethertype;
	sf_packet_add_event(p, SF_EV_ETHERTYPE_UNKNOWN); /* ARP, LLDP, LLC …: counted, shown */
	return 0;
}

/* The link header is cut short: nothing after it can be decoded. */
static uint16_t link_truncated(struct sf_dec *d)
{
	sf_packet_add_event(d->p, SF_EV_LINK_TRUNCATED);
	return 0;
}

/* PPPoE session stage (RFC 2516): ver/type(1) code(1) session(2) length(2), then the PPP
 * protocol (RFC 1661): 0x0021 IPv4, 0x0057 IPv6. Common on DSL uplinks, after VLAN tags. */
static uint16_t decode_pppoe(struct sf_dec *d, struct sf_cursor *c)
{
	uint16_t ppp;
	if (sf_cur_skip(c, 6) || sf_cur_be16(c, &ppp))
		return link_truncated(d);
	return link_done(d, c, ppp == 0x0021 ? SF_ETH_IPV4 : ppp == 0x0057 ? SF_ETH_IPV6 : 0);
}

/* IEEE 802.3 with a length field: LLC follows. Only SNAP (RFC 1042: AA AA 03, OUI 00-00-00,
 * ethertype) can carry IP; other LLC payloads (STP, NetBIOS …) are not IP. */
static uint16_t decode_llc(struct sf_dec *d, struct sf_cursor *c)
{
	struct sf_cursor llc = *c;
	uint8_t dsap, ssap, ctrl, oui[3];
	uint16_t type;
	if (sf_cur_u8(&llc, &dsap) || sf_cur_u8(&llc, &ssap) || sf_cur_u8(&llc, &ctrl) ||
	    dsap != 0xaa || ssap != 0xaa || ctrl != 0x03 || sf_cur_copy(&llc, oui, 3) ||
	    (oui[0] | oui[1] | oui[2]) || sf_cur_be16(&llc, &type))
		return link_done(d, c, 0);
	*c = llc;
	return link_done(d, c, type);
}

static uint16_t decode_ethernet(struct sf_dec *d, struct sf_cursor *c)
{
	struct sf_packet *p = d->p;
	const uint8_t *h;
	if (sf_cur_bytes(c, ETH_HDR, &h))
		return link_truncated(d);
	memcpy(p->eth_dst, h, 6);
	memcpy(p->eth_src, h + 6, 6);
	uint16_t type = sf_be16_at(h + 12);
	p->has_eth = true;
	p->layer = SF_LAYER_LINK;
	if (decode_vlan_tags(d, c, &type) < 0)
		return 0;
	if (type == ETH_PPPOE_SESSION)
		return decode_pppoe(d, c);
	if (type <= ETH_MAX_LEN)
		return decode_llc(d, c);
	return link_done(d, c, type);
}

/* Linux cooked capture v1 and v2 end alike: the packet type recorded, then any VLAN tags
 * (decode_vlan_tags) before the protocol. */
static uint16_t sll_done(struct sf_dec *d, struct sf_cursor *c, uint16_t pkttype, uint16_t proto)
{
	struct sf_packet *p = d->p;
	p->sll_pkttype = pkttype;
	p->layer = SF_LAYER_LINK;
	if (decode_vlan_tags(d, c, &proto) < 0)
		return 0;
	return link_done(d, c, proto);
}

static uint16_t decode_sll(struct sf_dec *d, struct sf_cursor *c)
{
	uint16_t pkttype, proto;
	if (sf_cur_be16(c, &pkttype) || sf_cur_skip(c, 12) || sf_cur_be16(c, &proto))
		return link_truncated(d);
	return sll_done(d, c, pkttype, proto);
}

static uint16_t decode_sll2(struct sf_dec *d, struct sf_cursor *c)
{
	uint16_t proto;
	uint8_t pkttype;
	if (sf_cur_be16(c, &proto) || sf_cur_skip(c, 8) || sf_cur_u8(c, &pkttype) ||
	    sf_cur_skip(c, 9))
		return link_truncated(d);
	return sll_done(d, c, pkttype, proto);
}

/* AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (OpenBSD/NetBSD), 28 (FreeBSD),
 * 30 (Darwin) — the same set Wireshark's packet-null.c accepts. */
static uint16_t family_to_ethertype(uint32_t family)
{
	switch (family) {
	case 2:
		return SF_ETH_IPV4;
	case 10:
	case 24:
	case 28:
	case 30:
		return SF_ETH_IPV6;
	default:
		return 0;
	}
}

static uint16_t decode_null(struct sf_dec *d, struct sf_cursor *c)
{
	struct sf_packet *p = d->p;
	uint32_t be;
	if (sf_cur_be32(c, &be))
		return link_truncated(d);
	/* Families are small numbers: whichever byte order yields one is the writer's order. */
	uint32_t le = (be >> 24) | ((be >> 8) & 0xff00) | ((be << 8) & 0xff0000) | (be << 24);
	uint32_t family = be <= 0xffff ? be : le;
	p->loop_family = family;
	return link_done(d, c, family_to_ethertype(family));
}

/* Raw IP: the version nibble says which IP. want is 4 or 6 for IPV4/IPV6, 0 for RAW. */
static uint16_t decode_raw(struct sf_dec *d, struct sf_cursor *c, unsigned want)
{
	uint8_t b;
	if (sf_cur_peek_u8(c, 0, &b))
		return link_truncated(d);
	unsigned v = b >> 4;
	if (want)
		v = want; /* the IP decoder reports a version mismatch */
	return link_done(d, c, v == 4 ? SF_ETH_IPV4 : v == 6 ? SF_ETH_IPV6 : 0);
}

uint16_t sf_decode_link(struct sf_dec *d, struct sf_cursor *c, int linktype)
{
	switch (linktype) {
	case LT_EN10MB:
		return decode_ethernet(d, c);
	case LT_LINUX_SLL:
		return decode_sll(d, c);
	case LT_LINUX_SLL2:
		return decode_sll2(d, c);
	case LT_NULL:
	case LT_LOOP:
		return decode_null(d, c);
	case LT_RAW:
	case DLT_RAW_COMMON:
	case DLT_RAW_OPENBSD:
		return decode_raw(d, c, 0);
	case LT_IPV4:
		return decode_raw(d, c, 4);
	case LT_IPV6:
		return decode_raw(d, c, 6);
	default:
		sf_packet_add_event(d->p, SF_EV_LINK_UNSUPPORTED);
		return 0;
	}
}

bool sf_linktype_supported(int linktype)
{
	switch (linktype) {
	case LT_NULL:
	case LT_EN10MB:
	case DLT_RAW_COMMON:
	case DLT_RAW_OPENBSD:
	case LT_RAW:
	case LT_LOOP:
	case LT_LINUX_SLL:
	case LT_IPV4:
	case LT_IPV6:
	case LT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

/* LINKTYPE_ values that differ from the DLT_ value libpcap names (see pcap-common.c's
 * linktype_to_dlt): the rest are equal. */
static int linktype_to_dlt(int linktype)
{
	switch (linktype) {
	case 100: /* LINKTYPE_ATM_RFC1483 */
		return 11;
	case LT_RAW:
	case DLT_RAW_OPENBSD:
		return DLT_RAW_COMMON;
	case 102: /* LINKTYPE_SLIP_BSDOS */
		return 15;
	case 103: /* LINKTYPE_PPP_BSDOS */
		return 16;
	case 106: /* LINKTYPE_ATM_CLIP */
		return 19;
	default:
		return linktype;
	}
}

const char *sf_linktype_name(int linktype)
{
	if (linktype < 0)
		return NULL;
	return pcap_datalink_val_to_name(linktype_to_dlt(linktype));
}
