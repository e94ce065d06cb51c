/* synfin — getters of the tracking fields: tcp.stream, relative tcp.seq/ack/nxtseq,
 * tcp.completeness, tcp.state.*, conn.*.
 *
 * They read v->conn (the connection record) and v->trk (what tracking said about this packet)
 * and yield nothing when tracking did not run or the packet has no connection, as Wireshark
 * shows no tcp.stream for a packet it did not give to TCP analysis.
 *
 * Two moments are served. During a packet (v->trk set) the values are those after the packet:
 * tcp.state.* is each side's state once the packet was processed, conn.* the summary as known
 * so far (sf_conn_now: "none" closes until both FINs or a RST). For a finished connection
 * (v->pkt and v->trk NULL, see sf_filter_match) the record's final summary is used.
 */
#include "filter/getters.h"
#include "synfin/conn.h"

/* tcp.stream, tcp.seq, tcp.ack, tcp.nxtseq, tcp.completeness. */
SF_GETTER(sf_get_trk_uint)
{
	(void)c;
	if (!v->conn)
		return 0;
	switch (arg) {
	case SF_TRK_STREAM:
		return sf_fval_one_u(out, max, v->conn->stream);
	case SF_TRK_COMPLETENESS:
		/* The bits known after this packet; tshark's one-pass value lags by the packet's
		 * own bits, its two-pass (-2) value is the final one this getter gives at the end.
		 */
		return sf_fval_one_u(out, max, v->conn->completeness);
	default:
		break;
	}
	if (!v->trk)
		return 0;
	switch (arg) {
	case SF_TRK_SEQ:
		return sf_fval_one_u(out, max, v->trk->rel_seq);
	case SF_TRK_ACK:
		return sf_fval_one_u(out, max, v->trk->rel_ack);
	default:
		return sf_fval_one_u(out, max, v->trk->rel_nxtseq);
	}
}

/* synfin's tcp.state.changed: present (value 1) only on a packet that changed the state of a
 * side, like Wireshark's tcp.analysis.* flags, so that the bare field selects exactly those
 * packets (a boolean present on every packet would match them all). (tcp.analysis.reused_ports
 * is the analyser's flag, fields_ana.c: it adds Wireshark's retried-SYN-ACK rule to the
 * tracker's port_reuse.) */
SF_GETTER(sf_get_trk_flag)
{
	(void)c;
	if (!v->conn || !v->trk || arg != SF_TRK_STATE_CHANGED)
		return 0;
	if (v->trk->n_trans == 0)
		return 0;
	return sf_fval_one_u(out, max, 1);
}

/* tcp.state.client (arg 0), tcp.state.server (arg 1): RFC 9293 names ("TIME-WAIT"). */
SF_GETTER(sf_get_tcp_state)
{
	(void)c;
	if (!v->conn || arg > 1)
		return 0;
	return sf_fval_one_str(out, max,
	                       sf_conn_state_name((enum sf_tcp_state)v->conn->state[arg]));
}

SF_GETTER(sf_get_conn_str)
{
	(void)c;
	const struct sf_conn *k = v->conn;
	if (!k)
		return 0;
	if (arg == SF_CONN_HISTORY)
		return sf_fval_one_str(out, max, k->history);
	struct sf_conn_now now = {k->open_kind, k->close_kind, k->closer, k->zeek_state};
	if (v->trk)
		sf_conn_now(k, &now);
	switch (arg) {
	case SF_CONN_OPEN_KIND:
		return sf_fval_one_str(out, max,
		                       sf_open_kind_name((enum sf_open_kind)now.open_kind));
	case SF_CONN_CLOSE_KIND:
		return sf_fval_one_str(out, max,
		                       sf_close_kind_name((enum sf_close_kind)now.close_kind));
	case SF_CONN_STATE:
		return sf_fval_one_str(out, max,
		                       sf_zeek_state_name((enum sf_zeek_state)now.zeek_state));
	default:
		return sf_fval_one_str(out, max, sf_side_name((enum sf_side)now.closer));
	}
}
