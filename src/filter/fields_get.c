/* synfin — getters of the packet-level fields (frame, eth, vlan, ip, ipv6, tcp, udp, icmp).
 *
 * Each reads only struct sf_packet / sf_frame through the view. A getter yields nothing when
 * the layer it reads was not decoded, as Wireshark shows no tcp.* field for a packet whose TCP
 * header is missing. Orders of multi-valued fields follow Wireshark (ip.addr: src, dst;
 * eth.addr: dst, src) so that `-e` output and occurrence selection agree with tshark.
 */
#include <string.h>

#include "filter/getters.h"
#include "synfin/conn.h"

#define NSEC_PER_SEC 1000000000LL

/* A protocol presence value: the bytes of the item in the frame. */
static unsigned one_bytes(struct sf_fval *out, unsigned max, const struct sf_frame *f, uint32_t off,
                          uint32_t len)
{
	if (max == 0)
		return 0;
	if (!f || !f->data || off > f->caplen)
		off = len = 0;
	else if (len > f->caplen - off)
		len = f->caplen - off;
	out[0].v.str.p = f && f->data ? (const char *)f->data + off : "";
	out[0].v.str.len = len;
	return 1;
}

static int64_t ts_ns(int64_t sec, uint32_t nsec)
{
	return sec * NSEC_PER_SEC + (int64_t)nsec;
}

/* --- frame ------------------------------------------------------------------------------ */

SF_GETTER(sf_get_frame)
{
	const struct sf_frame *f = v->pkt->frame;
	return one_bytes(out, max, f, 0, f ? f->caplen : 0);
}

SF_GETTER(sf_get_frame_number)
{
	return v->pkt->frame ? sf_fval_one_u(out, max, v->pkt->frame->number) : 0;
}

SF_GETTER(sf_get_frame_time_epoch)
{
	const struct sf_frame *f = v->pkt->frame;
	return f ? sf_fval_one_i(out, max, ts_ns(f->ts_sec, f->ts_nsec)) : 0;
}

/* Wireshark: time since the first frame of the capture (no time reference set). */
SF_GETTER(sf_get_frame_time_relative)
{
	const struct sf_frame *f = v->pkt->frame;
	if (!f)
		return 0;
	if (!c || !c->have_first)
		return sf_fval_one_i(out, max, 0);
	return sf_fval_one_i(out, max,
	                     ts_ns(f->ts_sec, f->ts_nsec) - ts_ns(c->first_sec, c->first_nsec));
}

/* Wireshark: time since the previous captured frame; 0 for the first. */
SF_GETTER(sf_get_frame_time_delta)
{
	const struct sf_frame *f = v->pkt->frame;
	if (!f)
		return 0;
	if (!c || !c->have_prev)
		return sf_fval_one_i(out, max, 0);
	return sf_fval_one_i(out, max,
	                     ts_ns(f->ts_sec, f->ts_nsec) - ts_ns(c->prev_sec, c->prev_nsec));
}

SF_GETTER(sf_get_frame_len)
{
	return v->pkt->frame ? sf_fval_one_u(out, max, v->pkt->frame->wirelen) : 0;
}

SF_GETTER(sf_get_frame_cap_len)
{
	return v->pkt->frame ? sf_fval_one_u(out, max, v->pkt->frame->caplen) : 0;
}

/* --- Ethernet, VLAN ---------------------------------------------------------------------- */

SF_GETTER(sf_get_eth)
{
	const struct sf_packet *p = v->pkt;
	return p->has_eth ? one_bytes(out, max, p->frame, 0, 14) : 0;
}

static unsigned put_mac(struct sf_fval *out, unsigned n, unsigned max, const uint8_t mac[6])
{
	if (n >= max)
		return n;
	memcpy(out[n].v.addr, mac, 6);
	return n + 1;
}

SF_GETTER(sf_get_eth_addr)
{
	const struct sf_packet *p = v->pkt;
	unsigned n = 0;
	if (!p->has_eth)
		return 0;
	if (arg == SF_A_SRC)
		return put_mac(out, n, max, p->eth_src);
	if (arg == SF_A_DST)
		return put_mac(out, n, max, p->eth_dst);
	n = put_mac(out, n, max, p->eth_dst);
	return put_mac(out, n, max, p->eth_src);
}

/* eth.type is the type field of the Ethernet header itself: the first VLAN TPID when tagged,
 * 0x8864 before PPPoE. When that field is an IEEE 802.3 length (<= 1500, LLC follows) there is
 * no eth.type: Wireshark shows eth.len, and a SNAP header's type as llc.type. */
SF_GETTER(sf_get_eth_type)
{
	const struct sf_packet *p = v->pkt;
	const struct sf_frame *f = p->frame;
	if (!p->has_eth)
		return 0;
	if (p->n_vlan)
		return sf_fval_one_u(out, max, p->vlan_tpid[0]);
	if (p->l2_len == 14 && p->ethertype)
		return sf_fval_one_u(out, max,
		                     p->ethertype); /* Ethernet II: the type decode followed */
	/* A header after the field (LLC/SNAP, PPPoE) or a length: the field itself says which. */
	if (!f || !f->data || f->caplen < 14)
		return 0;
	uint16_t field = (uint16_t)(f->data[12] << 8 | f->data[13]);
	return field > 1500 ? sf_fval_one_u(out, max, field) : 0;
}

SF_GETTER(sf_get_vlan)
{
	const struct sf_packet *p = v->pkt;
	if (!p->n_vlan)
		return 0;
	return one_bytes(out, max, p->frame, p->vlan_off[0], 4);
}

/* One value per tag, outermost first. vlan.etype is the type after the tag: the next tag's
 * TPID, or the final ethertype after the innermost tag. */
SF_GETTER(sf_get_vlan_item)
{
	const struct sf_packet *p = v->pkt;
	unsigned n = 0;
	unsigned tags = p->n_vlan < SF_MAX_VLAN ? p->n_vlan : SF_MAX_VLAN;
	for (unsigned i = 0; i < tags && n < max; i++) {
		uint16_t tci = p->vlan_tci[i];
		uint64_t u = 0;
		switch (arg) {
		case SF_VLAN_ID:
			u = tci & 0x0fff;
			break;
		case SF_VLAN_PRIORITY:
			u = tci >> 13;
			break;
		case SF_VLAN_DEI:
			u = (tci >> 12) & 1;
			break;
		default:
			u = i + 1 < tags ? p->vlan_tpid[i + 1] : p->ethertype;
			break;
		}
		out[n++].v.u = u;
	}
	return n;
}

/* --- IPv4, IPv6 -------------------------------------------------------------------------- */

SF_GETTER(sf_get_ip)
{
	const struct sf_packet *p = v->pkt;
	return p->ip_version == 4 ? one_bytes(out, max, p->frame, p->l3_off, p->l3_hdr_len) : 0;
}

static unsigned put_addr(struct sf_fval *out, unsigned n, unsigned max, const struct sf_addr *a,
                         size_t len)
{
	if (n >= max)
		return n;
	memset(out[n].v.addr, 0, sizeof(out[n].v.addr));
	memcpy(out[n].v.addr, a->a, len);
	return n + 1;
}

static unsigned addr_pair(const struct sf_packet *p, uint32_t arg, struct sf_fval *out,
                          unsigned max, size_t len)
{
	unsigned n = 0;
	if (arg == SF_A_SRC || arg == SF_A_ANY)
		n = put_addr(out, n, max, &p->src, len);
	if (arg == SF_A_DST || arg == SF_A_ANY)
		n = put_addr(out, n, max, &p->dst, len);
	return n;
}

SF_GETTER(sf_get_ip_addr)
{
	return v->pkt->ip_version == 4 ? addr_pair(v->pkt, arg, out, max, 4) : 0;
}

SF_GETTER(sf_get_ip_uint)
{
	const struct sf_packet *p = v->pkt;
	uint64_t u;
	if (p->ip_version != 4)
		return 0;
	switch (arg) {
	case SF_IP_VERSION:
		u = 4;
		break;
	case SF_IP_HDR_LEN:
		u = p->l3_hdr_len;
		break;
	case SF_IP_DSFIELD:
		u = p->ip_tos;
		break;
	case SF_IP_DSCP:
		u = p->ip_tos >> 2;
		break;
	case SF_IP_ECN:
		u = p->ip_tos & 3;
		break;
	case SF_IP_LEN:
		/* Wireshark: a total length of 0 is presumed to be TSO and reported as the length
		 * the frame holds ("reported as 0, presumed to be because of TSO"). */
		u = p->ip_len ? p->ip_len : p->ip_len_used;
		break;
	case SF_IP_ID:
		u = p->ip_id;
		break;
	case SF_IP_FLAGS:
		u = p->ip_flags & 7;
		break;
	case SF_IP_FLAG_RB:
		u = (p->ip_flags >> 2) & 1;
		break;
	case SF_IP_FLAG_DF:
		u = (p->ip_flags >> 1) & 1;
		break;
	case SF_IP_FLAG_MF:
		u = p->ip_flags & 1;
		break;
	case SF_IP_FRAG_OFFSET:
		u = p->ip_frag_off;
		break;
	case SF_IP_TTL:
		u = p->ip_ttl;
		break;
	case SF_IP_PROTO:
		u = p->ip_proto;
		break;
	default:
		u = p->ip_checksum;
		break;
	}
	return sf_fval_one_u(out, max, u);
}

SF_GETTER(sf_get_ipv6)
{
	const struct sf_packet *p = v->pkt;
	return p->ip_version == 6 ? one_bytes(out, max, p->frame, p->l3_off, 40) : 0;
}

SF_GETTER(sf_get_ipv6_addr)
{
	return v->pkt->ip_version == 6 ? addr_pair(v->pkt, arg, out, max, 16) : 0;
}

SF_GETTER(sf_get_ipv6_uint)
{
	const struct sf_packet *p = v->pkt;
	uint64_t u;
	if (p->ip_version != 6)
		return 0;
	switch (arg) {
	case SF_IP6_TCLASS:
		u = p->ip_tos;
		break;
	case SF_IP6_FLOW:
		u = p->ip6_flow & 0xfffff;
		break;
	case SF_IP6_PLEN:
		u = p->ip_len >= 40 ? p->ip_len - 40 : 0;
		break;
	case SF_IP6_NXT:
		u = p->ip6_nxt;
		break;
	default:
		u = p->ip_ttl;
		break;
	}
	return sf_fval_one_u(out, max, u);
}

/* --- TCP --------------------------------------------------------------------------------- */

SF_GETTER(sf_get_tcp)
{
	const struct sf_packet *p = v->pkt;
	return p->has_tcp ? one_bytes(out, max, p->frame, p->l4_off, p->tcp_hdr_len) : 0;
}

static unsigned port_pair(const struct sf_packet *p, uint32_t arg, struct sf_fval *out,
                          unsigned max)
{
	if (arg == SF_A_SRC)
		return sf_fval_one_u(out, max, p->sport);
	if (arg == SF_A_DST)
		return sf_fval_one_u(out, max, p->dport);
	unsigned n = sf_fval_one_u(out, max, p->sport);
	return n + sf_fval_one_u(out + n, max - n, p->dport);
}

SF_GETTER(sf_get_tcp_port)
{
	return v->pkt->has_tcp ? port_pair(v->pkt, arg, out, max) : 0;
}

SF_GETTER(sf_get_tcp_uint)
{
	const struct sf_packet *p = v->pkt;
	uint64_t u;
	if (!p->has_tcp)
		return 0;
	switch (arg) {
	case SF_TCP_SEQ_RAW:
		u = p->seq;
		break;
	case SF_TCP_ACK_RAW:
		u = p->ack;
		break;
	case SF_TCP_HDR_LEN:
		u = p->tcp_hdr_len;
		break;
	case SF_TCP_FLAGS:
		u = p->flags & 0x0fff;
		break;
	case SF_TCP_WINDOW_VALUE:
		u = p->window;
		break;
	case SF_TCP_CHECKSUM:
		u = p->tcp_checksum;
		break;
	case SF_TCP_URGENT:
		u = p->urg_ptr;
		break;
	default:
		u = p->tcp_len;
		break;
	}
	return sf_fval_one_u(out, max, u);
}

/* arg is the flag mask (SF_TCP_*): a boolean, 1 when any bit of the mask is set. */
SF_GETTER(sf_get_tcp_flag)
{
	const struct sf_packet *p = v->pkt;
	return p->has_tcp ? sf_fval_one_u(out, max, (p->flags & arg) != 0) : 0;
}

/* Wireshark's tcp.flags.str: 12 letters "RRRACEUAPRSF" from bit 11 down to bit 0, a middle dot
 * (U+00B7) for each clear bit, e.g. "·······A··S·" for SYN+ACK. */
SF_GETTER(sf_get_tcp_flags_str)
{
	static const char letters[] = "RRRACEUAPRSF";
	const struct sf_packet *p = v->pkt;
	if (!p->has_tcp || max == 0)
		return 0;
	char *s = out[0].buf;
	size_t n = 0;
	for (int bit = 11; bit >= 0; bit--) {
		if (p->flags & (1u << bit)) {
			s[n++] = letters[11 - bit];
		} else {
			s[n++] = (char)0xc2;
			s[n++] = (char)0xb7;
		}
	}
	s[n] = '\0';
	out[0].v.str.p = s;
	out[0].v.str.len = (uint32_t)n;
	return 1;
}

SF_GETTER(sf_get_tcp_opt_uint)
{
	const struct sf_packet *p = v->pkt;
	if (!p->has_tcp)
		return 0;
	switch (arg) {
	case SF_OPT_MSS:
		return p->has_mss ? sf_fval_one_u(out, max, p->mss) : 0;
	case SF_OPT_WSCALE_SHIFT:
		return p->has_wscale ? sf_fval_one_u(out, max, p->wscale) : 0;
	case SF_OPT_WSCALE_MULT:
		/* Wireshark caps the shift at 14 (RFC 7323 section 2.3) for the multiplier. */
		return p->has_wscale
		           ? sf_fval_one_u(out, max, 1u << (p->wscale > 14 ? 14 : p->wscale))
		           : 0;
	case SF_OPT_TSVAL:
		return p->has_ts ? sf_fval_one_u(out, max, p->ts_val) : 0;
	default:
		return p->has_ts ? sf_fval_one_u(out, max, p->ts_ecr) : 0;
	}
}

/* SACK edges are sequence numbers of the peer's data: relative to the peer's ISN like tcp.ack
 * when the packet was tracked (its ack less its relative ack is that base), raw otherwise. */
SF_GETTER(sf_get_tcp_sack)
{
	(void)c;
	const struct sf_packet *p = v->pkt;
	if (!p->has_tcp)
		return 0;
	if (arg == SF_SACK_COUNT) {
		/* as Wireshark, 0 for a SACK option too short to hold a block */
		unsigned nopts = p->n_opts < SF_MAX_TCP_OPTS ? p->n_opts : SF_MAX_TCP_OPTS;
		for (unsigned i = 0; i < nopts; i++)
			if (p->opts[i].kind == SF_TCPOPT_SACK)
				return sf_fval_one_u(out, max, p->n_sack);
		return 0;
	}
	if (p->n_sack == 0)
		return 0;
	uint32_t base = v->trk ? p->ack - v->trk->rel_ack : 0;
	struct sf_sack_block d;
	switch (arg) {
	case SF_DSACK_LE:
	case SF_DSACK_RE:
		if (!sf_packet_dsack(p, &d))
			return 0;
		return sf_fval_one_u(out, max, (arg == SF_DSACK_LE ? d.left : d.right) - base);
	default:
		break;
	}
	unsigned n = 0;
	for (unsigned i = 0; i < p->n_sack && i < SF_MAX_SACK && n < max; i++)
		n += sf_fval_one_u(out + n, max - n,
		                   (arg == SF_SACK_LE ? p->sack[i].left : p->sack[i].right) - base);
	return n;
}

/* arg is an option kind: present once per occurrence, value = the option's bytes. */
SF_GETTER(sf_get_tcp_opt_present)
{
	const struct sf_packet *p = v->pkt;
	unsigned n = 0;
	if (!p->has_tcp)
		return 0;
	unsigned nopts = p->n_opts < SF_MAX_TCP_OPTS ? p->n_opts : SF_MAX_TCP_OPTS;
	for (unsigned i = 0; i < nopts && n < max; i++)
		if (p->opts[i].kind == arg)
			n += one_bytes(out + n, max - n, p->frame,
			               (uint32_t)p->l4_off + p->opts[i].off, p->opts[i].len);
	return n;
}

/* --- UDP, ICMP --------------------------------------------------------------------------- */

SF_GETTER(sf_get_udp)
{
	const struct sf_packet *p = v->pkt;
	return p->has_udp ? one_bytes(out, max, p->frame, p->l4_off, 8) : 0;
}

SF_GETTER(sf_get_udp_port)
{
	return v->pkt->has_udp ? port_pair(v->pkt, arg, out, max) : 0;
}

/* arg >> 8 is the IP version (icmp for 4, icmpv6 for 6); the low byte selects the item. */
SF_GETTER(sf_get_icmp)
{
	const struct sf_packet *p = v->pkt;
	if (!p->has_icmp || p->ip_version != (arg >> 8))
		return 0;
	return one_bytes(out, max, p->frame, p->l4_off, 4);
}

SF_GETTER(sf_get_icmp_uint)
{
	const struct sf_packet *p = v->pkt;
	if (!p->has_icmp || p->ip_version != (arg >> 8))
		return 0;
	return sf_fval_one_u(out, max, (arg & 0xff) == SF_ICMP_TYPE ? p->icmp_type : p->icmp_code);
}

/* --- synfin's own ------------------------------------------------------------------------- */

/* The dotted names of the packet's events, in the order they were raised. */
SF_GETTER(sf_get_event)
{
	const struct sf_packet *p = v->pkt;
	unsigned n = 0;
	unsigned nev = p->n_events < SF_MAX_PKT_EVENTS ? p->n_events : SF_MAX_PKT_EVENTS;
	for (unsigned i = 0; i < nev && n < max; i++) {
		const char *name = sf_event_name((enum sf_event)p->events[i]);
		out[n].v.str.p = name;
		out[n].v.str.len = (uint32_t)strlen(name);
		n++;
	}
	return n;
}
