/* synfin — detail tree, transport layer and events: TCP with every flag bit spelled out and
 * every option with its values, as Wireshark's details pane shows them; UDP and ICMP briefly. */
#include "report/names.h"
#include "report/packet_report.h"
#include "synfin/conn.h"
#include "synfin/decode.h"

#define I1 "    "
#define I2 "        "

/* Wireshark's flag lines, AE (bit 8) down to FIN (bit 0), under the 3 reserved bits. */
static const char *const flag_long_names[9] = {"Fin",
                                               "Syn",
                                               "Reset",
                                               "Push",
                                               "Acknowledgment",
                                               "Urgent",
                                               "ECN-Echo",
                                               "Congestion Window Reduced",
                                               "Accurate ECN"};

static void detail_tcp_flags(struct sf_outbuf *ob, uint16_t flags)
{
	ob_puts(ob, I1 "Flags: ");
	ob_put_0x(ob, flags, 3);
	ob_puts(ob, " (");
	pr_put_flag_names(ob, flags);
	ob_puts(ob, ")\n" I2);
	pr_put_bits(ob, flags, 12, SF_TCP_RES);
	ob_puts(ob, flags & SF_TCP_RES ? " = Reserved: Set\n" : " = Reserved: Not set\n");
	for (int b = 8; b >= 0; b--) {
		ob_puts(ob, I2);
		pr_put_bits(ob, flags, 12, 1u << b);
		ob_puts(ob, " = ");
		ob_puts(ob, flag_long_names[b]);
		ob_puts(ob, flags & (1u << b) ? ": Set\n" : ": Not set\n");
	}
}

static void put_opt_title(struct sf_outbuf *ob, const struct sf_tcp_opt *op)
{
	const char *name = rn_tcpopt(op->kind);
	ob_puts(ob, I2 "TCP Option - ");
	if (name)
		ob_puts(ob, name);
	else
		pr_put_u(ob, "Unknown kind ", op->kind);
}

/* One option. Values come from the fields decode filled; when the option was malformed (the
 * field is not set) only its kind and length are shown, and the event says what was wrong. */
static void detail_tcp_option(struct sf_outbuf *ob, const struct sf_packet *p,
                              const struct sf_tcp_opt *op, bool first_of_kind)
{
	put_opt_title(ob, op);
	switch (op->kind) {
	case SF_TCPOPT_MSS:
		if (p->has_mss && first_of_kind) {
			pr_put_line_u(ob, ": ", p->mss, " bytes");
			return;
		}
		break;
	case SF_TCPOPT_WSCALE:
		if (p->has_wscale && first_of_kind) {
			pr_put_u(ob, ": ", p->wscale);
			pr_put_line_u(ob, " (multiply by ", 1u << (p->wscale > 14 ? 14 : p->wscale),
			              ")");
			return;
		}
		break;
	case SF_TCPOPT_SACK:
		if (first_of_kind && p->n_sack) {
			for (unsigned b = 0; b < p->n_sack && b < SF_MAX_SACK; b++) {
				pr_put_u(ob, b ? ", " : ": ", p->sack[b].left);
				pr_put_u(ob, "-", p->sack[b].right);
			}
			ob_putc(ob, '\n');
			return;
		}
		break;
	case SF_TCPOPT_TIMESTAMP:
		if (p->has_ts && first_of_kind) {
			pr_put_u(ob, ": TSval ", p->ts_val);
			pr_put_line_u(ob, ", TSecr ", p->ts_ecr, NULL);
			return;
		}
		break;
	case SF_TCPOPT_TFO:
	case SF_TCPOPT_EXP2:
		if (p->has_tfo && first_of_kind) {
			if (p->tfo_cookie_len)
				pr_put_line_u(ob, ": cookie (", p->tfo_cookie_len, " bytes)");
			else
				ob_puts(ob, ": cookie request\n");
			return;
		}
		break;
	case SF_TCPOPT_MPTCP:
		if (p->has_mptcp && first_of_kind) {
			const char *st = rn_mptcp_subtype(p->mptcp_subtype);
			ob_puts(ob, ": ");
			ob_puts(ob, st ? st : "unknown subtype");
			pr_put_line_u(ob, " (subtype ", p->mptcp_subtype, ")");
			return;
		}
		break;
	case SF_TCPOPT_EOL:
	case SF_TCPOPT_NOP:
	case SF_TCPOPT_SACK_PERM:
		ob_putc(ob, '\n');
		return;
	default:
		break;
	}
	if (rn_tcpopt(op->kind)) {
		pr_put_u(ob, " (kind ", op->kind);
		pr_put_line_u(ob, ", length ", op->len, ")");
	} else {
		pr_put_line_u(ob, ", length ", op->len, NULL);
	}
}

static void detail_tcp_options(struct sf_outbuf *ob, const struct sf_packet *p)
{
	if (p->tcp_hdr_len <= 20)
		return;
	uint64_t seen[4] = {0};
	pr_put_line_u(ob, I1 "Options: (", p->tcp_hdr_len - 20u, " bytes)");
	for (unsigned i = 0; i < p->n_opts && i < SF_MAX_TCP_OPTS; i++) {
		uint8_t k = p->opts[i].kind;
		bool first = !(seen[k >> 6] & (1ull << (k & 63)));
		seen[k >> 6] |= 1ull << (k & 63);
		detail_tcp_option(ob, p, &p->opts[i], first);
	}
}

/* Wireshark's tree with tracking: stream index, relative numbers beside the raw ones. */
static void detail_tcp_numbers(struct sf_outbuf *ob, const struct sf_packet *p,
                               const struct sf_pkt_view *v, bool rel)
{
	const struct sf_pkt_track *t = v->trk;
	if (v->conn)
		pr_put_line_u(ob, I1 "[Stream index: ", v->conn->stream, "]");
	pr_put_line_u(ob, I1 "[TCP Segment Len: ", p->tcp_len, "]");
	if (rel)
		pr_put_line_u(ob, I1 "Sequence Number: ", t->rel_seq,
		              "    (relative sequence number)");
	pr_put_line_u(ob, I1 "Sequence Number (raw): ", p->seq, NULL);
	if (rel) {
		pr_put_line_u(ob, I1 "[Next Sequence Number: ", t->rel_nxtseq,
		              "    (relative sequence number)]");
		if (p->flags & SF_TCP_ACK)
			pr_put_line_u(ob, I1 "Acknowledgment Number: ", t->rel_ack,
			              "    (relative ack number)");
	}
	pr_put_line_u(ob, I1 "Acknowledgment Number (raw): ", p->ack, NULL);
}

/* synfin's own lines: the endpoint states after this packet and what it changed. */
static void detail_tcp_states(struct sf_outbuf *ob, const struct sf_pkt_view *v)
{
	const struct sf_conn *c = v->conn;
	const struct sf_pkt_track *t = v->trk;
	if (!c || !t)
		return;
	ob_puts(ob, I1 "[Endpoint states: client ");
	ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)c->state[0]));
	ob_puts(ob, ", server ");
	ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)c->state[1]));
	ob_puts(ob, t->from_client ? "; sent by the client" : "; sent by the server");
	if (c->roles_guessed)
		ob_puts(ob, " (roles guessed)");
	ob_puts(ob, "]\n");
	for (unsigned i = 0; i < t->n_trans && i < SF_TRK_MAX_TRANS; i++) {
		ob_puts(ob, I1 "[State change: ");
		ob_puts(ob, sf_side_name((enum sf_side)t->trans[i].side));
		ob_putc(ob, ' ');
		ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)t->trans[i].from));
		ob_puts(ob, " \xe2\x86\x92 ");
		ob_puts(ob, sf_conn_state_name((enum sf_tcp_state)t->trans[i].to));
		ob_puts(ob, "]\n");
	}
}

static void detail_tcp(struct sf_outbuf *ob, const struct sf_pkt_view *v, const struct pr_opts *o)
{
	const struct sf_packet *p = v->pkt;
	bool rel = v->trk && !o->absolute;
	pr_put_u(ob, "Transmission Control Protocol, Src Port: ", p->sport);
	pr_put_u(ob, ", Dst Port: ", p->dport);
	pr_put_u(ob, ", Seq: ", rel ? v->trk->rel_seq : p->seq);
	if (p->flags & SF_TCP_ACK)
		pr_put_u(ob, ", Ack: ", rel ? v->trk->rel_ack : p->ack);
	pr_put_line_u(ob, ", Len: ", p->tcp_len, NULL);
	pr_put_line_u(ob, I1 "Source Port: ", p->sport, NULL);
	pr_put_line_u(ob, I1 "Destination Port: ", p->dport, NULL);
	detail_tcp_numbers(ob, p, v, rel);
	ob_puts(ob, I1);
	pr_put_bits(ob, (uint32_t)(p->tcp_hdr_len / 4) << 4, 8, 0xf0);
	pr_put_u(ob, " = Header Length: ", p->tcp_hdr_len);
	pr_put_line_u(ob, " bytes (", p->tcp_hdr_len / 4u, ")");
	detail_tcp_flags(ob, p->flags);
	pr_put_line_u(ob, I1 "Window: ", p->window, NULL);
	ob_puts(ob, I1 "Checksum: ");
	ob_put_0x(ob, p->tcp_checksum, 4);
	ob_puts(ob, p->tcp_checksum_ok < 0 ? " [unverified]\n"
	            : p->tcp_checksum_ok   ? " [correct]\n"
	                                   : " [incorrect]\n");
	pr_put_line_u(ob, I1 "Urgent Pointer: ", p->urg_ptr, NULL);
	detail_tcp_options(ob, p);
	if (p->tcp_len) {
		pr_put_u(ob, I1 "TCP payload (", p->tcp_len);
		ob_puts(ob, " bytes");
		if (p->payload_caplen < p->tcp_len)
			pr_put_u(ob, ", captured ", p->payload_caplen);
		ob_puts(ob, ")\n");
	}
	detail_tcp_states(ob, v);
}

static void detail_udp(struct sf_outbuf *ob, const struct sf_packet *p)
{
	uint32_t l4 = p->ip_len_used > p->l3_hdr_len ? p->ip_len_used - p->l3_hdr_len : 0;
	pr_put_u(ob, "User Datagram Protocol, Src Port: ", p->sport);
	pr_put_line_u(ob, ", Dst Port: ", p->dport, NULL);
	pr_put_line_u(ob, I1 "Source Port: ", p->sport, NULL);
	pr_put_line_u(ob, I1 "Destination Port: ", p->dport, NULL);
	pr_put_line_u(ob, I1 "[Length from IP: ", l4, "]");
}

static void detail_icmp(struct sf_outbuf *ob, const struct sf_packet *p)
{
	bool v6 = p->ip_version == 6;
	const char *name =
	    v6 ? rn_icmp6(p->icmp_type, p->icmp_code) : rn_icmp4(p->icmp_type, p->icmp_code);
	ob_puts(ob, v6 ? "Internet Control Message Protocol v6\n"
	               : "Internet Control Message Protocol\n");
	pr_put_u(ob, I1 "Type: ", p->icmp_type);
	if (name) {
		ob_puts(ob, " (");
		ob_puts(ob, name);
		ob_putc(ob, ')');
	}
	pr_put_line_u(ob, "\n" I1 "Code: ", p->icmp_code, NULL);
}

void pr_detail_transport(struct sf_outbuf *ob, const struct sf_pkt_view *v, const struct pr_opts *o)
{
	const struct sf_packet *p = v->pkt;
	if (p->has_tcp)
		detail_tcp(ob, v, o);
	else if (p->has_udp)
		detail_udp(ob, p);
	else if (p->has_icmp)
		detail_icmp(ob, p);
}

void pr_detail_events(struct sf_outbuf *ob, const struct sf_packet *p, const struct pr_opts *o)
{
	(void)o;
	if (!p->n_events)
		return;
	pr_put_line_u(ob, "Events: ", p->n_events + (unsigned)p->n_events_lost, NULL);
	for (unsigned i = 0; i < p->n_events && i < SF_MAX_PKT_EVENTS; i++) {
		enum sf_event ev = (enum sf_event)p->events[i];
		ob_puts(ob, I1);
		ob_puts(ob, sf_event_name(ev));
		ob_puts(ob, ": ");
		ob_puts(ob, sf_event_desc(ev));
		ob_putc(ob, '\n');
	}
	if (p->n_events_lost)
		pr_put_line_u(ob, I1 "(", p->n_events_lost, " more not kept)");
}
