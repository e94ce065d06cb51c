/* synfin — one line per packet, in the words of Wireshark's info column:
 *
 *     1 0.000000 192.168.1.116:3337 → 192.168.1.123:7788 [SYN] Seq=0 Win=65535 Len=0 MSS=1460
 *
 * This is the hot path of `synfin packets`: everything is written by hand into the output
 * buffer (no printf), every field comes from struct sf_packet. Every frame gets a line, TCP
 * or not, so a user can grep the output and trust that nothing was hidden.
 */
#include <pcap/dlt.h>

#include "report/color.h"
#include "report/names.h"
#include "report/packet_report.h"
#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/decode.h"

#define ARROW       " \xe2\x86\x92 " /* " → " */
#define ARROW_TIGHT "\xe2\x86\x92"   /* "→" between two states */

/* Wireshark's order (packet-tcp.c: FIN SYN RST PSH ACK URG ECE CWR AE, low bit first). */
static const char *const flag_names[9] = {"FIN", "SYN", "RST", "PSH", "ACK",
                                          "URG", "ECE", "CWR", "AE"};

void pr_put_flag_names(struct sf_outbuf *ob, uint16_t flags)
{
	bool any = false;
	for (unsigned i = 0; i < 9; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (any)
			ob_put_mem(ob, ", ", 2);
		ob_puts(ob, flag_names[i]);
		any = true;
	}
	if (flags & SF_TCP_RES) {
		if (any)
			ob_put_mem(ob, ", ", 2);
		ob_puts(ob, "Reserved");
		any = true;
	}
	if (!any)
		ob_puts(ob, "<None>");
}

void pr_put_flags(struct sf_outbuf *ob, uint16_t flags, bool color)
{
	if (color)
		ob_puts(ob, sf_color_for_flags(flags));
	ob_putc(ob, '[');
	pr_put_flag_names(ob, flags);
	ob_putc(ob, ']');
	if (color)
		ob_puts(ob, SF_COLOR_RESET);
}

static void put_endpoint(struct sf_outbuf *ob, const struct sf_addr *a, uint16_t port)
{
	ob_put_addr(ob, a, true);
	ob_putc(ob, ':');
	ob_put_u64(ob, port);
}

static void put_addrs(struct sf_outbuf *ob, const struct sf_packet *p, bool ports)
{
	if (ports) {
		put_endpoint(ob, &p->src, p->sport);
		ob_puts(ob, ARROW);
		put_endpoint(ob, &p->dst, p->dport);
	} else {
		ob_put_addr(ob, &p->src, false);
		ob_puts(ob, ARROW);
		ob_put_addr(ob, &p->dst, false);
	}
}

static void put_kv(struct sf_outbuf *ob, const char *key, uint64_t v)
{
	ob_putc(ob, ' ');
	ob_puts(ob, key);
	ob_put_u64(ob, v);
}

/* Options in header order, as Wireshark's info column lists them (MSS=1460 SACK_PERM TSval=…
 * TSecr=… WS=128); a kind appears once even when duplicated (the event says so). */
static void put_tcp_options(struct sf_outbuf *ob, const struct sf_packet *p, uint32_t sack_base)
{
	uint64_t seen[4] = {0};
	for (unsigned i = 0; i < p->n_opts && i < SF_MAX_TCP_OPTS; i++) {
		uint8_t k = p->opts[i].kind;
		if (k == SF_TCPOPT_NOP || k == SF_TCPOPT_EOL)
			continue;
		if (seen[k >> 6] & (1ull << (k & 63)))
			continue;
		seen[k >> 6] |= 1ull << (k & 63);
		switch (k) {
		case SF_TCPOPT_MSS:
			if (p->has_mss)
				put_kv(ob, "MSS=", p->mss);
			else
				ob_puts(ob, " MSS=?");
			break;
		case SF_TCPOPT_WSCALE:
			/* Wireshark prints the multiplier; shifts above 14 are used as 14 (RFC 7323
			 * §2.3), and the event on the packet says the value was out of range. */
			if (p->has_wscale)
				put_kv(ob, "WS=", 1u << (p->wscale > 14 ? 14 : p->wscale));
			else
				ob_puts(ob, " WS=?");
			break;
		case SF_TCPOPT_SACK_PERM:
			ob_puts(ob, " SACK_PERM");
			break;
		case SF_TCPOPT_SACK:
			for (unsigned b = 0; b < p->n_sack && b < SF_MAX_SACK; b++) {
				put_kv(ob, "SLE=", (uint32_t)(p->sack[b].left - sack_base));
				put_kv(ob, "SRE=", (uint32_t)(p->sack[b].right - sack_base));
			}
			break;
		case SF_TCPOPT_TIMESTAMP:
			if (p->has_ts) {
				put_kv(ob, "TSval=", p->ts_val);
				put_kv(ob, "TSecr=", p->ts_ecr);
			} else {
				ob_puts(ob, " TS=?");
			}
			break;
		case SF_TCPOPT_TFO:
			ob_puts(ob, p->tfo_cookie_len ? " TFO=C" : " TFO=R");
			break;
		case SF_TCPOPT_MPTCP: {
			const char *st = rn_mptcp_subtype(p->mptcp_subtype);
			ob_puts(ob, " MPTCP");
			if (p->has_mptcp && st) {
				ob_putc(ob, '=');
				ob_puts(ob, st);
			}
			break;
		}
		case SF_TCPOPT_MD5:
			ob_puts(ob, " MD5");
			break;
		case SF_TCPOPT_USER_TIMEOUT:
			ob_puts(ob, " UTO");
			break;
		case SF_TCPOPT_AUTH:
			ob_puts(ob, " TCP-AO");
			break;
		case SF_TCPOPT_EXP2:
			/* RFC 7413 §4.1.1: before kind 34, TFO used 254 with magic 0xF989. */
			if (p->has_tfo) {
				ob_puts(ob, p->tfo_cookie_len ? " TFO=C" : " TFO=R");
				break;
			}
			put_kv(ob, "OPT=", k);
			break;
		default:
			put_kv(ob, "OPT=", k);
			break;
		}
	}
}

/* Wireshark's "Win=" is the calculated window (tcp.window_size): the field shifted by the
 * sender's window scale (RFC 7323 §2.2; never on a SYN). As packet-tcp.c does, the shift
 * applies when the sender's SYN carried the option, unless the peer's SYN was seen without
 * it (scaling then is off for both); when the sender's SYN was not seen the raw field is
 * shown (scale unknown). */
static uint32_t window_shown(const struct sf_pkt_view *v)
{
	const struct sf_packet *p = v->pkt;
	const struct sf_conn *c = v->conn;
	if (!c || !v->trk || (p->flags & SF_TCP_SYN))
		return p->window;
	int from = v->trk->from_client ? 0 : 1;
	const struct sf_side_opts *me = &c->opts[from], *peer = &c->opts[1 - from];
	if (!me->seen || me->wscale < 0 || (peer->seen && peer->wscale < 0))
		return p->window;
	return (uint32_t)p->window << me->wscale;
}

static void put_tcp(struct sf_outbuf *ob, const struct sf_pkt_view *v, const struct pr_opts *o)
{
	const struct sf_packet *p = v->pkt;
	/* Relative to each side's ISN (Wireshark's default) once tracking annotated the packet;
	 * --absolute, or no tracking, shows the raw fields. */
	bool rel = v->trk && !o->absolute;
	put_addrs(ob, p, true);
	ob_putc(ob, ' ');
	pr_put_flags(ob, p->flags, o->color);
	put_kv(ob, "Seq=", rel ? v->trk->rel_seq : p->seq);
	if (p->flags & SF_TCP_ACK)
		put_kv(ob, "Ack=", rel ? v->trk->rel_ack : p->ack);
	put_kv(ob, "Win=", window_shown(v));
	if (p->flags & SF_TCP_URG)
		put_kv(ob, "Urg=", p->urg_ptr);
	put_kv(ob, "Len=", p->tcp_len);
	/* SACK edges are numbers of the peer's stream, relative to the same base as Ack (as
	 * Wireshark shows them) */
	uint32_t sack_base = rel && (p->flags & SF_TCP_ACK) ? p->ack - v->trk->rel_ack : 0;
	put_tcp_options(ob, p, sack_base);
}

/* The first fragment of a datagram carries the transport header: its line is the transport's,
 * marked so the rest of the datagram (shown as fragments) can be matched by id. */
static void put_first_fragment(struct sf_outbuf *ob, const struct sf_packet *p)
{
	ob_puts(ob, " [first fragment, id=");
	ob_put_0x(ob, p->ip_version == 6 ? p->ip6_frag_id : p->ip_id, p->ip_version == 6 ? 8 : 4);
	ob_putc(ob, ']');
}

/* UDP length as IP says it (header included), minus the header: Wireshark's "Len=". */
static void put_udp(struct sf_outbuf *ob, const struct sf_packet *p)
{
	put_addrs(ob, p, true);
	ob_puts(ob, " UDP");
	uint32_t l4 = p->ip_len_used > p->l3_hdr_len ? p->ip_len_used - p->l3_hdr_len : 0;
	put_kv(ob, "Len=", l4 >= 8 ? l4 - 8 : 0);
}

static void put_icmp(struct sf_outbuf *ob, const struct sf_packet *p)
{
	bool v6 = p->ip_version == 6;
	const char *name =
	    v6 ? rn_icmp6(p->icmp_type, p->icmp_code) : rn_icmp4(p->icmp_type, p->icmp_code);
	put_addrs(ob, p, false);
	ob_puts(ob, v6 ? " ICMPv6 " : " ICMP ");
	if (name) {
		ob_puts(ob, name);
		ob_putc(ob, ' ');
	}
	ob_puts(ob, "type=");
	ob_put_u64(ob, p->icmp_type);
	ob_puts(ob, " code=");
	ob_put_u64(ob, p->icmp_code);
}

static void put_proto(struct sf_outbuf *ob, uint8_t proto)
{
	const char *name = sf_ipproto_name(proto);
	ob_putc(ob, ' ');
	if (name) {
		ob_puts(ob, name);
		ob_puts(ob, " (");
		ob_put_u64(ob, proto);
		ob_putc(ob, ')');
	} else {
		ob_puts(ob, "IP protocol ");
		ob_put_u64(ob, proto);
	}
}

/* A non-first fragment: no transport header here. Named after Wireshark's "Fragmented IP
 * protocol (proto=UDP 17, off=1480, ID=1234)". */
static void put_fragment(struct sf_outbuf *ob, const struct sf_packet *p)
{
	put_addrs(ob, p, false);
	ob_puts(ob, p->ip_version == 6 ? " IPv6 fragment" : " IPv4 fragment");
	put_proto(ob, p->ip_proto);
	put_kv(ob, "off=", p->ip_frag_off);
	ob_puts(ob, " id=");
	ob_put_0x(ob, p->ip_version == 6 ? p->ip6_frag_id : p->ip_id, p->ip_version == 6 ? 8 : 4);
	if (p->ip_version == 4 && (p->ip_flags & 1))
		ob_puts(ob, " MF");
}

static void put_other_ip(struct sf_outbuf *ob, const struct sf_packet *p)
{
	put_addrs(ob, p, false);
	put_proto(ob, p->ip_proto);
	uint32_t l4 = p->ip_len_used > p->l3_hdr_len ? p->ip_len_used - p->l3_hdr_len : 0;
	put_kv(ob, "Len=", l4);
}

/* Link layer only: ARP, LLDP, … by ethertype, with the MAC addresses when there are some.
 * decode leaves ethertype 0 when the link header names no ethertype: an IEEE 802.3 length
 * field (LLC follows: STP, CDP, NetBIOS …) or a loopback family it does not map. */
static void put_link_only(struct sf_outbuf *ob, const struct sf_packet *p)
{
	if (p->has_eth) {
		ob_put_mac(ob, p->eth_src);
		ob_puts(ob, ARROW);
		ob_put_mac(ob, p->eth_dst);
		ob_putc(ob, ' ');
	}
	if (p->ethertype >= 0x0600) {
		const char *name = rn_ethertype(p->ethertype);
		if (name) {
			ob_puts(ob, name);
			ob_puts(ob, " (");
			ob_put_0x(ob, p->ethertype, 4);
			ob_putc(ob, ')');
		} else {
			ob_puts(ob, "ethertype ");
			ob_put_0x(ob, p->ethertype, 4);
		}
		return;
	}
	uint16_t len;
	if (p->has_eth) {
		ob_puts(ob, "802.3 LLC");
		if (pr_eth_length_field(p, &len))
			put_kv(ob, "Len=", len);
	} else if (p->frame->linktype == DLT_NULL || p->frame->linktype == DLT_LOOP) {
		ob_puts(ob, "Null/Loopback family ");
		ob_put_u64(ob, p->loop_family);
	} else {
		ob_puts(ob, "link protocol ");
		ob_put_0x(ob, p->ethertype, 4);
	}
}

/* Analysis flags as Wireshark prefixes them to its info column: "[TCP Dup ACK 12#2] ". */
static void put_ana_labels(struct sf_outbuf *ob, const struct sf_pkt_analysis *a)
{
	char buf[512];
	int n = sf_ana_format_labels(a, buf, sizeof(buf));
	if (n > 0)
		ob_put_mem(ob, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static bool is_ana_event(uint16_t ev)
{
	return ev >= SF_EV_ANA_RETRANSMISSION && ev <= SF_EV_ANA_REUSED_PORTS;
}

static void put_events(struct sf_outbuf *ob, const struct sf_packet *p, const struct pr_opts *o,
                       bool labelled)
{
	for (unsigned i = 0; i < p->n_events && i < SF_MAX_PKT_EVENTS; i++) {
		/* analysis flags already stand as labels at the front of the line */
		if (labelled && is_ana_event(p->events[i]))
			continue;
		/* Not an anomaly: "not IP" is already said by the ethertype on the line. */
		if (p->events[i] == SF_EV_ETHERTYPE_UNKNOWN)
			continue;
		ob_puts(ob, o->color ? " " SF_COLOR_EVENT "[" : " [");
		ob_puts(ob, sf_event_name((enum sf_event)p->events[i]));
		ob_puts(ob, o->color ? "]" SF_COLOR_RESET : "]");
	}
	if (p->n_events_lost) {
		ob_puts(ob, " [+");
		ob_put_u64(ob, p->n_events_lost);
		ob_puts(ob, " more events]");
	}
}

/* "client A→B", or "client A→B→C" when one packet steps a side twice (a simultaneous open's
 * SYN-ACK that completes it). Transitions come in the order the tracker made them: the
 * sender's first, then the receiver's. */
static void put_transitions(struct sf_outbuf *ob, const struct sf_pkt_track *t)
{
	unsigned n = t->n_trans < SF_TRK_MAX_TRANS ? t->n_trans : SF_TRK_MAX_TRANS;
	for (unsigned i = 0; i < n; i++) {
		const struct sf_trans *tr = &t->trans[i];
		bool chained =
		    i > 0 && t->trans[i - 1].side == tr->side && t->trans[i - 1].to == tr->from;
		if (!chained) {
			ob_putc(ob, ' ');
			ob_puts(ob, sf_side_name((enum sf_side)tr->side));
			ob_putc(ob, ' ');
			ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)tr->from));
		}
		ob_puts(ob, ARROW_TIGHT);
		ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)tr->to));
	}
}

/* The endpoint states after the line, two spaces apart from it (DESIGN.md). The first packet
 * of a connection whose roles were guessed (no client SYN seen) says so once, naming the
 * guessed client, and shows the states the connection was picked up in. */
static void put_states(struct sf_outbuf *ob, const struct sf_pkt_view *v)
{
	const struct sf_conn *c = v->conn;
	const struct sf_pkt_track *t = v->trk;
	bool guessed = t->new_conn && c->roles_guessed;
	if (!t->n_trans && !guessed)
		return;
	ob_putc(ob, ' ');
	if (guessed) {
		ob_puts(ob, " (roles guessed: client ");
		put_endpoint(ob, &c->addr[0], c->port[0]);
		ob_putc(ob, ')');
		if (!t->n_trans) {
			/* nothing moved: say where each side was found */
			ob_puts(ob, " client ");
			ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)c->state[0]));
			ob_puts(ob, " server ");
			ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)c->state[1]));
			return;
		}
	}
	put_transitions(ob, t);
}

void pr_line(struct sf_outbuf *ob, const struct sf_pkt_view *v, int64_t rel_ns,
             const struct pr_opts *o)
{
	const struct sf_packet *p = v->pkt;
	ob_put_u64w(ob, p->frame->number, PR_NUMBER_WIDTH);
	ob_putc(ob, ' ');
	ob_put_nsec(ob, rel_ns, 6);
	ob_putc(ob, ' ');
	bool labelled = v->ana && v->ana->flags;
	if (labelled)
		put_ana_labels(ob, v->ana);

	if (p->has_tcp || p->has_udp || p->has_icmp) {
		if (p->has_tcp)
			put_tcp(ob, v, o);
		else if (p->has_udp)
			put_udp(ob, p);
		else
			put_icmp(ob, p);
		if (p->is_fragment)
			put_first_fragment(ob, p);
	} else if (p->ip_version && p->is_fragment && !p->first_fragment)
		put_fragment(ob, p);
	else if (p->ip_version)
		put_other_ip(ob, p);
	else if (p->layer >= SF_LAYER_LINK)
		put_link_only(ob, p);
	else {
		ob_puts(ob, "undecodable frame (");
		ob_put_u64(ob, p->frame->caplen);
		ob_puts(ob, p->frame->caplen == 1 ? " byte)" : " bytes)");
		if (p->n_events) {
			ob_puts(ob, ": ");
			ob_puts(ob, sf_event_desc((enum sf_event)p->events[0]));
		}
	}
	put_events(ob, p, o, labelled);
	if (v->conn && v->trk)
		put_states(ob, v);
	ob_putc(ob, '\n');
}
