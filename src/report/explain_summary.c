/* synfin — explain, part 3: the plain-language summary of one connection.
 *
 * One sentence per fact, each on its own line, in the order a student would tell the story:
 * how the connection opened (and its handshake RTT), what the sequence analysis found while data
 * flowed (retransmissions, duplicate ACKs, reordering, gaps, zero-window stalls, the RTT of each
 * side's data), how it closed and who closed first, with the states the closing side went
 * through, then what was left at the end of the capture.
 * Words follow RFC 9293's state names and the open/close kinds of the connection table.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "report/explain_model.h"
#include "report/view_put.h"

static bool is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static const char *other(const char *who)
{
	return is(who, "client") ? "server" : "client";
}

static int side_of(const char *who)
{
	return is(who, "server") ? SF_ROW_SERVER : SF_ROW_CLIENT;
}

static void put_ms(struct sf_outbuf *ob, int64_t ns)
{
	ob_put_ms(ob, ns);
	ob_puts(ob, " ms");
}

/* The states `side` went through from its first FIN (or, for the passive side, from the first
 * FIN it received) on: "FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT". Written from the transitions the
 * tracker recorded on the kept packets. */
static bool put_close_path(struct sf_outbuf *ob, const struct sf_xconn *x, int side)
{
	bool started = false, any = false;
	/* ob == NULL: only say whether there is a path to write. */
	for (uint32_t i = 0; i < x->n_pkts; i++) {
		const struct sf_xpkt *p = &x->pkts[i];
		if (!started && (p->flags & SF_TCP_FIN))
			started = true;
		if (!started || !p->state_to[side])
			continue;
		if (!ob)
			return true;
		if (p->state_via[side]) {
			if (any)
				ob_puts(ob, " → ");
			ob_puts(ob, p->state_via[side]);
			any = true;
		}
		if (any)
			ob_puts(ob, " → ");
		ob_puts(ob, p->state_to[side]);
		any = true;
	}
	return any;
}

/* True when the tracker moved `side` into `state` on one of the kept packets. */
static bool reached(const struct sf_xconn *x, int side, const char *state)
{
	for (uint32_t i = 0; i < x->n_pkts; i++)
		if (is(x->pkts[i].state_to[side], state) || is(x->pkts[i].state_via[side], state))
			return true;
	return false;
}

static void open_sentence(struct sf_outbuf *ob, const struct sf_xconn *x)
{
	const struct sf_conn_row *r = &x->row;
	const char *k = r->open_kind;
	int64_t hs = sf_row_handshake_ns(r);

	if (is(k, SF_ROW_OPEN_THREE_WAY) || is(k, SF_ROW_OPEN_SYN_RETRIED)) {
		ob_puts(ob, "Opened by a three-way handshake");
		if (hs >= 0) {
			ob_puts(ob, ", RTT ");
			put_ms(ob, hs);
			ob_puts(ob, " (SYN → SYN-ACK ");
			put_ms(ob, r->rtt_synack_ns);
			ob_puts(ob, ", SYN-ACK → ACK ");
			put_ms(ob, r->rtt_ack_ns);
			ob_putc(ob, ')');
		}
		ob_puts(ob, ".\n");
	} else if (is(k, SF_ROW_OPEN_SIMULTANEOUS)) {
		ob_puts(ob,
		        "Both sides sent a SYN before receiving the other's (simultaneous open, "
		        "RFC 9293 §3.5)");
		/* say the full path only when the capture shows both sides getting there */
		if (reached(x, SF_ROW_CLIENT, "ESTABLISHED") &&
		    reached(x, SF_ROW_SERVER, "ESTABLISHED"))
			ob_puts(ob, ": each went SYN-SENT → SYN-RECEIVED → ESTABLISHED");
		else
			ob_puts(ob, ", but the handshake did not complete in the capture");
		ob_puts(ob, ".\n");
	} else if (is(k, SF_ROW_OPEN_REFUSED)) {
		ob_puts(ob,
		        "Refused: the server answered the SYN with a RST (nothing was listening "
		        "on port ");
		ob_put_u64(ob, r->server_port);
		ob_puts(ob, ", or a firewall rejected it).\n");
	} else if (is(k, SF_ROW_OPEN_UNANSWERED)) {
		ob_puts(ob, "The client's SYN was never answered (no SYN-ACK and no RST in the "
		            "capture): the host is down, a firewall dropped it, or the answer was "
		            "not captured.\n");
	} else if (is(k, SF_ROW_OPEN_SYNACK_ONLY)) {
		ob_puts(ob,
		        "The capture starts with the server's SYN-ACK: the client's SYN was not "
		        "captured.\n");
	} else if (is(k, SF_ROW_OPEN_MIDSTREAM) && x->row.resumed) {
		ob_puts(ob, "Late packets of a connection already summed up above: its summary "
		            "was written when it settled in TIME-WAIT, and these came before "
		            "TIME-WAIT (2×MSL) ran out, so they keep its tcp.stream and start from "
		            "the states it had: client ");
		ob_puts(ob, x->row.side[SF_ROW_CLIENT].init_state);
		ob_puts(ob, ", server ");
		ob_puts(ob, x->row.side[SF_ROW_SERVER].init_state);
		ob_puts(ob, ".\n");
	} else if (is(k, SF_ROW_OPEN_MIDSTREAM)) {
		ob_puts(ob,
		        "The capture starts in the middle of this connection (no SYN seen): both "
		        "sides start ESTABLISHED, and the client is a guess (the side with the "
		        "ephemeral port).\n");
	} else {
		ob_puts(ob, "How the connection opened is unknown.\n");
	}
	if (r->syn_retries) {
		ob_puts(ob, "The client sent its SYN ");
		ob_put_u64(ob, (uint64_t)r->syn_retries + 1);
		ob_puts(ob, " times (");
		ob_put_u64(ob, r->syn_retries);
		ob_puts(ob, r->syn_retries == 1 ? " retry" : " retries");
		ob_puts(ob, is(k, SF_ROW_OPEN_UNANSWERED) ? ", none answered).\n"
		                                          : " before it was answered).\n");
	}
}

/* Payload bytes `side` sent after the other side's first FIN: the data of a half-close. */
static uint64_t bytes_after_fin(const struct sf_xconn *x, int side)
{
	uint64_t n = 0;
	bool fin = false;
	for (uint32_t i = 0; i < x->n_pkts; i++) {
		const struct sf_xpkt *p = &x->pkts[i];
		if (p->dir != side && (p->flags & SF_TCP_FIN))
			fin = true;
		else if (fin && p->dir == side)
			n += p->len;
	}
	return n;
}

/* "The client closed first (active close): path." — how says which close it was. */
static void close_clause(struct sf_outbuf *ob, const struct sf_xconn *x, const char *who,
                         const char *how)
{
	ob_puts(ob, "The ");
	ob_puts(ob, who);
	ob_puts(ob, how);
	/* no transition kept (past the cap): no path to show */
	if (put_close_path(NULL, x, side_of(who))) {
		ob_puts(ob, ": ");
		put_close_path(ob, x, side_of(who));
	}
	ob_puts(ob, ".\n");
}

static void close_sentence(struct sf_outbuf *ob, const struct sf_xconn *x)
{
	const struct sf_conn_row *r = &x->row;
	const char *k = r->close_kind, *who = r->closer;

	if (is(k, SF_ROW_CLOSE_FOUR_WAY) || is(k, SF_ROW_CLOSE_THREE_WAY) ||
	    is(k, SF_ROW_CLOSE_HALF)) {
		close_clause(ob, x, who, " closed first (active close)");
		if (is(k, SF_ROW_CLOSE_HALF)) {
			ob_puts(ob, "It was a half-close: the ");
			ob_puts(ob, other(who));
			ob_puts(ob, " went on sending (");
			ob_put_u64(ob, bytes_after_fin(x, 1 - side_of(who)));
			ob_puts(ob, " bytes) after the FIN, then sent its own FIN.\n");
		} else if (is(k, SF_ROW_CLOSE_THREE_WAY)) {
			ob_puts(ob, "The ");
			ob_puts(ob, other(who));
			ob_puts(ob, " acknowledged that FIN and sent its own in the same segment "
			            "(FIN+ACK), so this was a three-way close.\n");
		} else {
			ob_puts(ob, "The ");
			ob_puts(ob, other(who));
			ob_puts(ob, "'s FIN came separately, so this was a four-way close.\n");
		}
		close_clause(ob, x, other(who), " closed second (passive close)");
	} else if (is(k, SF_ROW_CLOSE_SIMULTANEOUS)) {
		ob_puts(ob, "Both sides sent a FIN before receiving the other's (simultaneous "
		            "close): each went FIN-WAIT-1 → CLOSING → TIME-WAIT.\n");
	} else if (is(k, SF_ROW_CLOSE_RST) && is(r->open_kind, SF_ROW_OPEN_REFUSED)) {
		/* the open sentence said it all: the RST answered the SYN */
	} else if (is(k, SF_ROW_CLOSE_RST)) {
		ob_puts(ob, "Aborted: the ");
		ob_puts(ob, *r->rst_by ? r->rst_by : "unknown side");
		ob_puts(ob, " sent a RST");
		if (r->rst_state && *r->rst_state) {
			ob_puts(ob, " while in ");
			ob_puts(ob, r->rst_state);
		}
		ob_puts(ob, "; a RST closes at once, with no TIME-WAIT.\n");
		if (who && *who && !is(who, "both")) {
			ob_puts(ob, "Before the RST, the ");
			ob_puts(ob, who);
			ob_puts(ob, " had sent a FIN.\n");
			/* a half-close the RST cut short (sf_conn.data_after_fin) */
			uint64_t after = bytes_after_fin(x, 1 - side_of(who));
			if (after) {
				ob_puts(ob, "The ");
				ob_puts(ob, other(who));
				ob_puts(ob, " went on sending (");
				ob_put_u64(ob, after);
				ob_puts(ob, " bytes) after that FIN (half-close) until the RST.\n");
			}
		}
	} else if (is(k, SF_ROW_CLOSE_UNTERMINATED)) {
		if (r->idle_expired)
			ob_puts(ob, "Not closed: the connection went idle past its timeout, ");
		else if (is(r->end_reason, "evicted"))
			ob_puts(ob, "Not closed: the connection table was full and this was its "
			            "oldest idle connection, ");
		else if (is(r->end_reason, "port-reused"))
			ob_puts(ob,
			        "Not closed: a new connection took over its addresses and ports, ");
		else
			ob_puts(ob, "Not closed before the capture ended: ");
		ob_puts(ob, "client in ");
		ob_puts(ob, r->side[SF_ROW_CLIENT].final_state);
		ob_puts(ob, ", server in ");
		ob_puts(ob, r->side[SF_ROW_SERVER].final_state);
		ob_puts(ob, ".\n");
		if (who && *who) {
			ob_puts(ob, "The ");
			ob_puts(ob, who);
			ob_puts(ob, " had sent a FIN (half-closed).\n");
		}
	}
}

static void end_sentence(struct sf_outbuf *ob, const struct sf_xconn *x)
{
	for (int s = 0; s < 2; s++) {
		if (!is(x->row.side[s].final_state, "TIME-WAIT"))
			continue;
		ob_puts(ob, "The ");
		ob_puts(ob, s == SF_ROW_CLIENT ? "client" : "server");
		if (is(x->row.end_reason, "time-wait-over"))
			ob_puts(ob, " stayed in TIME-WAIT for its 2×MSL, then closed.\n");
		else if (is(x->row.end_reason, "settled-in-time-wait"))
			ob_puts(ob, " was in TIME-WAIT when this summary was written, after the "
			            "connection had stayed quiet for the closed linger (TIME-WAIT "
			            "lasts 2×MSL).\n");
		else
			ob_puts(ob, " was still in TIME-WAIT when the capture ended (TIME-WAIT "
			            "lasts 2×MSL).\n");
	}
}

static void put_count(struct sf_outbuf *ob, uint64_t n, const char *one, const char *many)
{
	ob_put_u64(ob, n);
	ob_putc(ob, ' ');
	ob_puts(ob, n == 1 ? one : many);
}

/* "3 segments (4200 bytes) were retransmitted by the server (2 fast retransmissions, 1
 * spurious)." */
static void retrans_sentence(struct sf_outbuf *ob, const struct sf_row_ana *a, const char *who)
{
	if (!a->retrans_pkts)
		return;
	put_count(ob, a->retrans_pkts, "segment", "segments");
	if (a->retrans_bytes) {
		ob_puts(ob, " (");
		put_count(ob, a->retrans_bytes, "byte", "bytes");
		ob_putc(ob, ')');
	} else {
		ob_puts(ob, " without data (SYN or FIN)");
	}
	ob_puts(ob, a->retrans_pkts == 1 ? " was retransmitted by the "
	                                 : " were retransmitted by the ");
	ob_puts(ob, who);
	if (a->fast_retrans || a->spurious_retrans) {
		ob_puts(ob, " (");
		if (a->fast_retrans)
			put_count(ob, a->fast_retrans, "fast retransmission",
			          "fast retransmissions");
		if (a->fast_retrans && a->spurious_retrans)
			ob_puts(ob, ", ");
		if (a->spurious_retrans) {
			ob_put_u64(ob, a->spurious_retrans);
			ob_puts(ob, " spurious: already acknowledged");
		}
		ob_putc(ob, ')');
	}
	ob_puts(ob, ".\n");
	if (a->dsack_spurious) {
		ob_puts(ob, "A D-SACK from the peer showed that ");
		put_count(ob, a->dsack_spurious, "of them", "of them");
		ob_puts(ob, " arrived twice: ");
		ob_puts(ob, a->dsack_spurious == 1 ? "that retransmission was"
		                                   : "those retransmissions were");
		ob_puts(ob, " not needed.\n");
	}
}

/* Reordering, gaps and duplicate ACKs of one side. */
static void order_sentences(struct sf_outbuf *ob, const struct sf_row_ana *a, const char *who)
{
	if (a->out_of_order) {
		ob_puts(ob, "The capture saw ");
		put_count(ob, a->out_of_order, "segment", "segments");
		ob_puts(ob, " of the ");
		ob_puts(ob, who);
		ob_puts(ob, " out of order.\n");
	}
	if (a->lost_segments) {
		put_count(ob, a->lost_segments, "segment", "segments");
		ob_puts(ob, " of the ");
		ob_puts(ob, who);
		ob_puts(ob, " came");
		ob_puts(ob, " after data the capture missed (previous segment not captured).\n");
	}
	if (a->ack_unseen) {
		ob_puts(ob, "The ");
		ob_puts(ob, who);
		ob_puts(ob, " acknowledged data the capture did not see ");
		put_count(ob, a->ack_unseen, "time", "times");
		ob_puts(ob, " (ACKed unseen segment).\n");
	}
	if (a->dup_acks) {
		ob_puts(ob, "The ");
		ob_puts(ob, who);
		ob_puts(ob, " sent ");
		put_count(ob, a->dup_acks, "duplicate ACK", "duplicate ACKs");
		ob_puts(ob, ".\n");
	}
}

/* A zero window advertised by `who` stops the other side: "stall". */
static void zero_window_sentence(struct sf_outbuf *ob, const struct sf_row_ana *a,
                                 const struct sf_row_ana *peer, const char *who)
{
	if (!a->zero_windows)
		return;
	ob_puts(ob, "The ");
	ob_puts(ob, who);
	ob_puts(ob, " advertised a zero window ");
	put_count(ob, a->zero_windows, "time", "times");
	ob_puts(ob, ": the ");
	ob_puts(ob, other(who));
	ob_puts(ob, " could not send until it opened again (zero-window stall");
	if (peer->zero_window_probes) {
		ob_puts(ob, "; ");
		put_count(ob, peer->zero_window_probes, "zero-window probe", "zero-window probes");
		ob_puts(ob, " by the ");
		ob_puts(ob, other(who));
	}
	ob_puts(ob, ").\n");
}

/* "RTT of the server's data (segment → ACK): 0.210–0.400 ms, avg 0.300 ms (stdev 0.050 ms)
 * over 12 samples." */
static void rtt_sentence(struct sf_outbuf *ob, const struct sf_row_ana *a, const char *who)
{
	if (!a->rtt_samples)
		return;
	ob_puts(ob, "RTT of the ");
	ob_puts(ob, who);
	ob_puts(ob, "'s data (segment → ACK): ");
	if (a->rtt_samples == 1 || a->rtt_min_ns == a->rtt_max_ns) {
		ob_put_ms(ob, a->rtt_min_ns);
		ob_puts(ob, a->rtt_samples == 1   ? " ms (1 sample).\n"
		            : a->rtt_samples == 2 ? " ms in both samples.\n"
		                                  : " ms in all ");
		if (a->rtt_samples > 2) {
			ob_put_u64(ob, a->rtt_samples);
			ob_puts(ob, " samples.\n");
		}
		return;
	}
	ob_put_ms(ob, a->rtt_min_ns);
	ob_puts(ob, "–");
	ob_put_ms(ob, a->rtt_max_ns);
	ob_puts(ob, " ms, avg ");
	ob_put_ms(ob, a->rtt_avg_ns);
	ob_puts(ob, " ms (stdev ");
	ob_put_ms(ob, a->rtt_stdev_ns);
	ob_puts(ob, " ms) over ");
	ob_put_u64(ob, a->rtt_samples);
	ob_puts(ob, " samples.\n");
}

static void analysis_sentences(struct sf_outbuf *ob, const struct sf_xconn *x)
{
	const struct sf_conn_row *r = &x->row;
	static const char *const who[2] = {"client", "server"};
	if (!r->has_ana)
		return;
	for (int s = 0; s < 2; s++)
		retrans_sentence(ob, &r->ana[s], who[s]);
	for (int s = 0; s < 2; s++)
		order_sentences(ob, &r->ana[s], who[s]);
	for (int s = 0; s < 2; s++)
		zero_window_sentence(ob, &r->ana[s], &r->ana[1 - s], who[s]);
	for (int s = 0; s < 2; s++)
		rtt_sentence(ob, &r->ana[s], who[s]);
}

void sf_explain_summary(struct sf_outbuf *ob, const struct sf_xconn *x)
{
	open_sentence(ob, x);
	analysis_sentences(ob, x);
	close_sentence(ob, x);
	end_sentence(ob, x);
	ob_putc(ob, '\n');
}
