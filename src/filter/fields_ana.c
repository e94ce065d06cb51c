/* synfin — getters of the sequence-analysis fields: tcp.analysis.*, tcp.window_size and
 * tcp.window_size_scalefactor.
 *
 * They read v->ana (struct sf_pkt_analysis, synfin/analysis.h) and yield nothing when analysis
 * did not run for the packet. Each field is present exactly when Wireshark 4.0 adds it to the
 * tree (tcp_print_sequence_number_analysis() and its helpers in epan/dissectors/packet-tcp.c):
 *
 *   tcp.analysis            the packet has an analysis record ("ta"): a flag, an acknowledged
 *                           frame, or data counted in flight, even when the peer's SACK
 *                           blocks leave no bytes in flight to show (see has_record)
 *   tcp.analysis.acks_frame the ACK ends exactly at a remembered segment; ack_rtt beside it
 *                           unless the RTT is exactly zero ("only display RTT if we actually
 *                           have something")
 *   tcp.analysis.initial_rtt  once the handshake's RTT is known, on packets with a record;
 *                           never zero
 *   tcp.analysis.bytes_in_flight  when non-zero (a FIN or SYN counts one byte less)
 *   tcp.analysis.flags      any expert flag set, tcp.analysis.reused_ports and
 *                           window_update included (so the classic "bad TCP" colouring rule is
 *                           `tcp.analysis.flags && !tcp.analysis.window_update`)
 *   tcp.analysis.retransmission  also on fast and spurious retransmissions, as Wireshark adds
 *                           that expert item to both
 *   tcp.analysis.rto, rto_frame  on a plain retransmission with a non-zero RTO
 *   tcp.analysis.duplicate_ack  twice on a duplicate ACK (see sf_get_ana_flag)
 *   tcp.analysis.duplicate_ack_num, duplicate_ack_frame  on a duplicate ACK
 *   tcp.window_size         the window after scaling, on every analysed packet
 *   tcp.window_size_scalefactor  on every analysed packet but SYNs (whose window is never
 *                           scaled, RFC 7323 §2.2): 1 << shift, -1 unknown, -2 no scaling
 *
 *   tcp.analysis.dsack_frame  synfin's, not Wireshark's: on an ACK whose D-SACK block reports
 *                           retransmitted bytes of the peer, the first retransmission's frame
 *
 * Not provided: tcp.analysis.push_bytes_sent (the analyser does not count bytes since the
 * last PSH) and the TCP Fast Open items (tcp.analysis.tfo_*).
 */
#include "filter/getters.h"
#include "synfin/analysis.h"

#define RETRANS_FAMILY                                                                             \
	(SF_ANA_RETRANSMISSION | SF_ANA_FAST_RETRANSMISSION | SF_ANA_SPURIOUS_RETRANS)

/* Wireshark keeps a per-packet analysis record when the packet has a flag, acknowledges a
 * remembered segment, or carries data counted in flight; tcp.analysis and initial_rtt exist
 * only then. */
static bool has_record(const struct sf_pkt_analysis *a)
{
	return a->flags || a->acks_frame || a->bif_counted;
}

SF_GETTER(sf_get_ana_flag)
{
	(void)c;
	if (!v->ana)
		return 0;
	uint32_t mask = arg;
	if (mask == SF_ANA_RETRANSMISSION)
		mask = RETRANS_FAMILY;
	if (!(v->ana->flags & mask))
		return 0;
	/* Wireshark adds tcp.analysis.duplicate_ack twice to a duplicate ACK: the flag item and
	 * the expert item "Duplicate ACK (#n)" of the same name; tshark -e prints "1,1". */
	if (arg == SF_ANA_DUPLICATE_ACK && v->ana->dup_ack_num && max >= 2) {
		out[1].v.u = 1;
		return sf_fval_one_u(out, max, 1) + 1;
	}
	return sf_fval_one_u(out, max, 1);
}

SF_GETTER(sf_get_ana_value)
{
	(void)c;
	const struct sf_pkt_analysis *a = v->ana;
	if (!a || !v->pkt)
		return 0;
	switch (arg) {
	case SF_ANA_V_RECORD:
		return has_record(a) ? sf_fval_one_u(out, max, 1) : 0;
	case SF_ANA_V_ACKS_FRAME:
		return a->acks_frame ? sf_fval_one_u(out, max, a->acks_frame) : 0;
	case SF_ANA_V_ACK_RTT:
		return a->acks_frame && a->ack_rtt_ns != 0 ? sf_fval_one_i(out, max, a->ack_rtt_ns)
		                                           : 0;
	case SF_ANA_V_INITIAL_RTT:
		return has_record(a) && a->initial_rtt_ns > 0
		           ? sf_fval_one_i(out, max, a->initial_rtt_ns)
		           : 0;
	case SF_ANA_V_BYTES_IN_FLIGHT:
		return a->has_bytes_in_flight && a->bytes_in_flight
		           ? sf_fval_one_u(out, max, a->bytes_in_flight)
		           : 0;
	case SF_ANA_V_DUP_ACK_NUM:
		return a->dup_ack_num ? sf_fval_one_u(out, max, a->dup_ack_num) : 0;
	case SF_ANA_V_DUP_ACK_FRAME:
		return a->dup_ack_num ? sf_fval_one_u(out, max, a->dup_ack_frame) : 0;
	case SF_ANA_V_RTO:
		return (a->flags & SF_ANA_RETRANSMISSION) && a->rto_ns > 0
		           ? sf_fval_one_i(out, max, a->rto_ns)
		           : 0;
	case SF_ANA_V_RTO_FRAME:
		return (a->flags & SF_ANA_RETRANSMISSION) && a->rto_ns > 0
		           ? sf_fval_one_u(out, max, a->rto_frame)
		           : 0;
	case SF_ANA_V_WINDOW:
		return v->pkt->has_tcp ? sf_fval_one_u(out, max, a->window) : 0;
	case SF_ANA_V_SCALEFACTOR:
		return v->pkt->has_tcp && !(v->pkt->flags & SF_TCP_SYN)
		           ? sf_fval_one_i(out, max, a->win_scalefactor)
		           : 0;
	case SF_ANA_V_DSACK_FRAME:
		return a->dsack_frame ? sf_fval_one_u(out, max, a->dsack_frame) : 0;
	default:
		return 0;
	}
}
