/* synfin — what `synfin explain` keeps about a selected connection.
 *
 * Explain needs every packet of the connections it explains, but only of those: the view keeps
 * a per-connection list of compact packet records (struct sf_xpkt, 72 bytes) for the selected
 * streams only, capped at SF_XPKT_CAP packets per connection; packets past the cap are counted
 * and the ladder ends with "… N more packets". The lab table and the summary are computed from
 * the kept packets and from the tracker's final record, so they stay right past the cap for
 * everything the handshake and the first FINs decide (and say so when a FIN fell past it).
 */
#ifndef SYNFIN_REPORT_EXPLAIN_MODEL_H
#define SYNFIN_REPORT_EXPLAIN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report/conn_row.h"
#include "report/outbuf.h"

#define SF_XPKT_CAP 10000 /* packets kept per explained connection */

/* One packet of an explained connection. */
struct sf_xpkt {
	uint64_t frame;
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint8_t dir;        /* SF_ROW_CLIENT: sent by the client; SF_ROW_SERVER: by the server */
	bool ack_rel_valid; /* the peer's ISN is known, so ack_rel means something */
	uint16_t flags;     /* SF_TCP_* */
	uint16_t win;       /* window field as written */
	uint32_t len;       /* tcp.len */
	uint32_t seq, ack;  /* raw */
	uint32_t seq_rel, ack_rel;
	uint32_t ana_flags;     /* SF_ANA_* bits of synfin/analysis.h, 0 without analysis */
	uint32_t dup_ack_num;   /* tcp.analysis.duplicate_ack_num (with SF_ANA_DUPLICATE_ACK) */
	uint64_t dup_ack_frame; /* tcp.analysis.duplicate_ack_frame */
	uint64_t dsack_frame;   /* tcp.analysis.dsack_frame: a retransmission shown spurious */
	/* RFC 9293 state each side entered with this packet, NULL when unchanged. */
	const char *state_to[2];
	const char *state_from[2];
	/* the state a side passed through when this packet moved it twice, NULL otherwise */
	const char *state_via[2];
};

/* A connection being explained: its packets, then (once closed) its summary row. */
struct sf_xconn {
	struct sf_conn_row row;
	struct sf_xpkt *pkts;
	uint32_t n_pkts, cap_pkts;
	uint64_t n_more; /* packets past SF_XPKT_CAP, not kept */
};

/* Appends a packet (grows the list up to SF_XPKT_CAP; beyond it counts n_more). -1 when out of
 * memory (the packet is counted in n_more). */
int sf_xconn_add(struct sf_xconn *x, const struct sf_xpkt *p);
void sf_xconn_free(struct sf_xconn *x);

/* The three parts of an explanation, each ending with a blank line. */
/* Ladder times are relative to (t0_sec, t0_nsec): the first frame of the run, as in the
 * packet lines and Wireshark's default time column. */
void sf_explain_ladder(struct sf_outbuf *ob, const struct sf_xconn *x, int64_t t0_sec,
                       uint32_t t0_nsec);
void sf_explain_lab_table(struct sf_outbuf *ob, const struct sf_xconn *x);
void sf_explain_summary(struct sf_outbuf *ob, const struct sf_xconn *x);

#endif
