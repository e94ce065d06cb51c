/* synfin — the two endpoint state machines (RFC 9293 §3.3.2, figure 5), as tables.
 *
 * Every packet seen at the capture point was sent by one endpoint and is taken to reach the
 * other, so it steps two machines: next[SEND][class][sender state] and
 * next[RECV][class][receiver state]. The shape follows nf_conntrack_proto_tcp.c: the table
 * holds the normal transitions; IGN means "no change"; what no row accepts is decided by the
 * small guard functions below it, which raise named events and never change state.
 *
 * When a side moves. The rule is evidence: a side's state changes at the packet that shows
 * the change happened, so that the sequence of states shown is always a real RFC 9293 path
 * and a transition, once printed, never has to be taken back.
 *  - Sending is evidence of itself: a side moves on the segment it sends (SYN, SYN-ACK, the
 *    handshake's final ACK, FIN, RST).
 *  - A SYN, a SYN-ACK, an ACK or a RST is taken as received when it passes the capture point
 *    (what the receiver does with it does not depend on anything it sends first).
 *  - A FIN is not: a side that sends its own FIN without acknowledging the peer's had not
 *    received the peer's yet (the FINs crossed), and its path is ESTABLISHED → FIN-WAIT-1 →
 *    CLOSING, not ESTABLISHED → CLOSE-WAIT. So a FIN's effect on its receiver (ESTABLISHED →
 *    CLOSE-WAIT, FIN-WAIT-1 → CLOSING, FIN-WAIT-2 → TIME-WAIT) is held as pending and taken at
 *    the first packet that proves the FIN arrived:
 *      (a) a segment from the receiver that acknowledges the FIN (taken before that segment's
 *          own send transition: the receiver's ACK or FIN+ACK is the "snd ACK" of RFC 9293
 *          figure 5's "rcv FIN / snd ACK"); or
 *      (b) a later segment from the FIN's sender (sequence at or after the FIN, not a
 *          retransmission of it): segments of one direction arrive in order, so the FIN got
 *          there first.
 *    The ACK carried by a FIN segment is taken at once, like any ACK.
 * Consequences, for the closes the tracker names (client closes first):
 *   four-way:   FIN → client FIN-WAIT-1; ACK → server CLOSE-WAIT, client FIN-WAIT-2;
 *               FIN → server LAST-ACK; ACK → client TIME-WAIT, server CLOSED.
 *   three-way:  FIN → client FIN-WAIT-1; FIN+ACK → server CLOSE-WAIT then LAST-ACK, client
 *               FIN-WAIT-2 (the ACK half, as RFC 9293 §3.10.7.4 processes the ACK before the
 *               FIN); ACK → client TIME-WAIT, server CLOSED.
 *   half-close: as four-way, with the server's data between its ACK and its FIN.
 *   simultaneous (the server's FIN does not acknowledge the client's): FIN → client FIN-WAIT-1;
 *               FIN → server FIN-WAIT-1; the next packet of either side proves a FIN arrived:
 *               each side FIN-WAIT-1 → CLOSING, then TIME-WAIT when its FIN is acknowledged.
 *   A FIN whose receiver never answers before the capture ends leaves that receiver where it
 *   was (ESTABLISHED): nothing seen says it got the FIN.
 *
 * Initial states (sf_conn.init_state). The sender of the first SYN starts CLOSED; the
 * receiver of the first SYN is taken to be in LISTEN until its first segment decides: a
 * SYN-ACK confirms LISTEN; a RST answering the SYN means no TCB listened (CLOSED, RFC 9293
 * §3.10.7.1); a bare SYN means it made an active OPEN itself (CLOSED → SYN-SENT, §3.10.1:
 * a simultaneous open). The decision replaces the presumption without a transition: the
 * side never was in LISTEN.
 */
#include "track_int.h"

enum dir { SEND = 0, RECV = 1 };

/* Flag classes, from the packet's flags and whether its ACK covers the receiver's FIN. */
enum fclass {
	FC_SYN,    /* SYN without ACK */
	FC_SYNACK, /* SYN+ACK */
	FC_ACK,    /* ACK (with or without data), nothing special acknowledged */
	FC_ACKFIN, /* ACK that covers the receiver's FIN */
	FC_FIN,    /* FIN (normally with ACK) */
	FC_FINACK, /* FIN whose ACK also covers the receiver's FIN */
	FC_RST,    /* RST accepted by the receiver */
	FC__COUNT,
	FC_NONE /* fits no class: guards only */
};

#define sCL SF_TCP_CLOSED
#define sLI SF_TCP_LISTEN
#define sSS SF_TCP_SYN_SENT
#define sSR SF_TCP_SYN_RECEIVED
#define sES SF_TCP_ESTABLISHED
#define sF1 SF_TCP_FIN_WAIT_1
#define sF2 SF_TCP_FIN_WAIT_2
#define sCW SF_TCP_CLOSE_WAIT
#define sCG SF_TCP_CLOSING
#define sLA SF_TCP_LAST_ACK
#define sTW SF_TCP_TIME_WAIT
#define IGN 0xff

/* clang-format off */
static const uint8_t next_state[2][FC__COUNT][SF_TCP__STATE_COUNT] = {
[SEND] = {
/*               sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW */
[FC_SYN]    = {  sSS, sSS, sSS, sSR, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* CLOSED → SYN-SENT: active open. LISTEN → SYN-SENT is figure 5's SEND from LISTEN, reached
 * only by a presumed listener whose first captured segment was not its SYN (a receiver whose
 * first segment is a bare SYN is decided CLOSED first). SYN-SENT → SYN-SENT: a retry.
 * SYN-RECEIVED keeps its state: the crossing SYN was retransmitted. Later states: a SYN inside
 * a connection (guard). */
[FC_SYNACK] = {  sSR, sSR, sSR, sSR, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* LISTEN → SYN-RECEIVED: passive open answered. SYN-SENT → SYN-RECEIVED: simultaneous open (RFC
 * 9293 figure 8: the side answers the crossing SYN). CLOSED → SYN-RECEIVED: SYN-ACK without a SYN
 * seen. SYN-RECEIVED: a SYN-ACK retry. ESTABLISHED and later: a retransmitted SYN-ACK. */
[FC_ACK]    = {  IGN, IGN, sES, IGN, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* SYN-SENT → ESTABLISHED: the client's ACK of the SYN-ACK (third packet). A side in SYN-SENT
 * sends a non-RST ACK only after an acceptable SYN-ACK (RFC 9293 §3.10.7.3), so this holds even
 * when the capture missed the SYN-ACK (see ack_without_synack). SYN-RECEIVED becomes
 * ESTABLISHED on receiving, not on sending. In other states sending an ACK changes nothing. */
[FC_ACKFIN] = {  IGN, IGN, sES, IGN, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* As FC_ACK: acknowledging the peer's FIN first takes the pending FIN (deliver_fin), which is
 * where this side moved. */
[FC_FIN]    = {  IGN, IGN, IGN, sF1, sF1, sF1, sF2, sLA, sCG, sLA, sTW },
/* ESTABLISHED → FIN-WAIT-1: active close, or a FIN that crosses the peer's (its ACK does not
 * cover the peer's FIN: this side had not received it). SYN-RECEIVED → FIN-WAIT-1: CLOSE in
 * SYN-RECEIVED. CLOSE-WAIT → LAST-ACK: the passive close (a side is in CLOSE-WAIT only once it
 * showed it received the peer's FIN). FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: a
 * retransmitted FIN. CLOSED/LISTEN/SYN-SENT: guard. */
[FC_FINACK] = {  IGN, IGN, IGN, sF1, sF1, sF1, sF2, sLA, sCG, sLA, sTW },
/* As FC_FIN: the FIN acknowledges the peer's, so the peer's pending FIN was taken first and
 * the side sends from CLOSE-WAIT (merged FIN/ACK: CLOSE-WAIT → LAST-ACK at once). */
[FC_RST]    = {  IGN, IGN, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* The sender of a RST drops its TCB: every synchronised state → CLOSED. A listener sending a
 * RST (RFC 9293 §3.10.7.2: an ACK arriving in LISTEN) stays LISTEN; a presumed listener whose
 * first segment is a RST was decided CLOSED before this row. */
},
[RECV] = {
/*               sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW */
[FC_SYN]    = {  IGN, IGN, sSR, IGN, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* SYN-SENT → SYN-RECEIVED: a crossing SYN (simultaneous open). LISTEN waits until its own SYN-ACK
 * is seen. Elsewhere a SYN changes nothing (guards name it). */
[FC_SYNACK] = {  IGN, IGN, IGN, sES, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* SYN-RECEIVED → ESTABLISHED: simultaneous open, the peer's SYN-ACK acknowledges our SYN.
 * SYN-SENT moves when it sends its ACK (SEND FC_ACK). */
[FC_ACK]    = {  IGN, IGN, IGN, sES, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* SYN-RECEIVED → ESTABLISHED: the handshake's final ACK. Also the ACK half of a FIN segment
 * that does not acknowledge our FIN. */
[FC_ACKFIN] = {  IGN, IGN, IGN, sES, IGN, sF2, IGN, IGN, sTW, sCL, IGN },
/* Our FIN acknowledged: FIN-WAIT-1 → FIN-WAIT-2, CLOSING → TIME-WAIT (simultaneous close),
 * LAST-ACK → CLOSED (passive close done). Also the ACK half of a FIN segment that
 * acknowledges our FIN (RFC 9293 §3.10.7.4: the ACK is processed before the FIN). */
[FC_FIN]    = {  IGN, IGN, IGN, sCW, sCW, sCG, sTW, IGN, IGN, IGN, IGN },
/* The peer's FIN, taken when the receiver is seen to have it (deliver_fin): ESTABLISHED →
 * CLOSE-WAIT (passive close), SYN-RECEIVED → CLOSE-WAIT, FIN-WAIT-1 → CLOSING (the FINs
 * crossed: ours is not acknowledged yet), FIN-WAIT-2 → TIME-WAIT. */
[FC_FINACK] = {  IGN, IGN, IGN, sCW, sCW, sCG, sTW, IGN, IGN, IGN, IGN },
/* As FC_FIN: what the FIN segment acknowledged was taken when it passed (its ACK half), so by
 * the time the FIN is taken the receiver is already in FIN-WAIT-2, TIME-WAIT or CLOSED. */
[FC_RST]    = {  IGN, IGN, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* An acceptable RST closes every synchronised state, TIME-WAIT included (RFC 1337 names the
 * hazard; Linux's default tcp_rfc1337=0 allows it). LISTEN stays. */
},
};
/* clang-format on */

/* Reads the table; exported for the tests of every row. */
int trk_fsm_next(int dir, int fclass, int state);
int trk_fsm_next(int dir, int fclass, int state)
{
	if (dir < 0 || dir > 1 || fclass < 0 || fclass >= FC__COUNT || state < 0 ||
	    state >= SF_TCP__STATE_COUNT)
		return -1;
	return next_state[dir][fclass][state];
}

static bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static enum fclass classify(const struct trk_rec *r, const struct sf_packet *p, int to)
{
	uint16_t f = p->flags;
	const struct trk_side *rs = &r->side[to];
	bool acks_fin = (f & SF_TCP_ACK) && rs->fin_sent && seq_geq(p->ack, rs->fin_end);

	if (f & SF_TCP_RST)
		return FC_RST;
	if (f & SF_TCP_SYN)
		return (f & SF_TCP_ACK) ? FC_SYNACK : FC_SYN;
	if (f & SF_TCP_FIN)
		return acks_fin ? FC_FINACK : FC_FIN;
	if (f & SF_TCP_ACK)
		return acks_fin ? FC_ACKFIN : FC_ACK;
	return FC_NONE;
}

/* RFC 9293 §3.10.7.3: in SYN-SENT an ACK is acceptable when ISS < SEG.ACK =< SND.NXT; SND.NXT is
 * past the SYN's data when the SYN carried some (TCP Fast Open, RFC 7413), so the ACK need not
 * be ISN+1. True when the SYN of side s was not seen (nothing to check against). */
static bool acks_syn(const struct trk_rec *r, int s, uint32_t ack)
{
	if (!r->side[s].syn_sent)
		return true;
	uint32_t iss = r->c.isn[s];
	return (uint32_t)(ack - iss - 1) < (uint32_t)(r->side[s].fin_end - iss);
}

/* RFC 5961 §3.2: a RST is acceptable only inside the receiver's window. From the capture
 * point the receiver's RCV.NXT is the highest ACK it sent, its RCV.WND its last window. In
 * SYN-SENT the RST must instead acknowledge the SYN (RFC 9293 §3.10.7.3). */
static bool rst_acceptable(const struct trk_rec *r, const struct sf_packet *p, int to)
{
	const struct trk_side *rs = &r->side[to];
	uint8_t st = r->c.state[to];

	if (st == SF_TCP_SYN_SENT)
		return !(p->flags & SF_TCP_ACK) || acks_syn(r, to, p->ack);
	if (!rs->ack_sent)
		return true;
	uint32_t wnd = trk_side_wnd(rs, &r->c.opts[to]);
	if (!wnd)
		wnd = 1;
	uint32_t off = p->seq - rs->rcv_nxt;
	return off < wnd;
}

static void add_trans(struct trk_rec *r, struct sf_pkt_track *trk, uint64_t frame, int side,
                      uint8_t from, uint8_t to)
{
	struct sf_trans t = {.frame_delta = (uint32_t)(frame - r->c.first_frame),
	                     .side = (uint8_t)(side == 0 ? SF_SIDE_CLIENT : SF_SIDE_SERVER),
	                     .from = from,
	                     .to = to};
	if (trk->n_trans < SF_TRK_MAX_TRANS)
		trk->trans[trk->n_trans++] = t;
	if (to == SF_TCP_CLOSING)
		r->closing_seen = 1;
	if (to == SF_TCP_TIME_WAIT)
		r->c.time_wait_seen = 1;
}

static void move(struct trk_rec *r, struct sf_pkt_track *trk, uint64_t frame, int side, int nx)
{
	if (nx == IGN || nx == r->c.state[side])
		return;
	uint8_t from = r->c.state[side];
	r->c.state[side] = (uint8_t)nx;
	add_trans(r, trk, frame, side, from, (uint8_t)nx);
}

/* Guards: packets that no row accepts, named after Zeek's weirds where one fits. Returns true
 * when the packet must not step the machines at all. */
static bool guard(struct trk_rec *r, struct sf_packet *p, int from, enum fclass fc,
                  struct sf_pkt_track *trk)
{
	uint16_t f = p->flags;
	int to = 1 - from;
	uint8_t ss = r->c.state[from];

	if ((f & SF_TCP_SYN) && (f & SF_TCP_FIN)) {
		trk_event(r, p, trk, SF_EV_TRK_SYN_WITH_FIN);
		return true;
	}
	if ((f & SF_TCP_SYN) && (f & SF_TCP_RST)) {
		trk_event(r, p, trk, SF_EV_TRK_SYN_WITH_RST);
		return true;
	}
	if (fc == FC_NONE) {
		trk_event(r, p, trk, SF_EV_TRK_NO_FLAGS);
		if (p->tcp_len > 0 && r->c.state[from] != SF_TCP_ESTABLISHED)
			trk_event(r, p, trk, SF_EV_TRK_DATA_BEFORE_EST);
		return true;
	}
	if ((f & SF_TCP_SYN) && p->tcp_len > 0)
		trk_event(r, p, trk, SF_EV_TRK_SYN_WITH_DATA);
	if (fc == FC_RST) {
		if (p->tcp_len > 0)
			trk_event(r, p, trk, SF_EV_TRK_RST_WITH_DATA);
		if (r->c.state[from] == SF_TCP_CLOSED && r->c.state[to] <= SF_TCP_LISTEN &&
		    !r->reset)
			trk_event(r, p, trk, SF_EV_TRK_SPONTANEOUS_RST);
		if (!rst_acceptable(r, p, to)) {
			trk_event(r, p, trk, SF_EV_TRK_RST_OUT_OF_WINDOW);
			return true;
		}
		return false;
	}
	if (r->reset && p->tcp_len > 0)
		trk_event(r, p, trk, SF_EV_TRK_DATA_AFTER_RESET);
	if (fc == FC_SYN || fc == FC_SYNACK) {
		if (r->reset)
			trk_event(r, p, trk, SF_EV_TRK_SYN_AFTER_RESET);
		else if ((ss == SF_TCP_CLOSED || ss == SF_TCP_TIME_WAIT) && r->side[from].syn_sent)
			trk_event(r, p, trk, SF_EV_TRK_SYN_AFTER_CLOSE);
		else if (ss >= SF_TCP_ESTABLISHED && p->seq != r->c.isn[from])
			trk_event(r, p, trk, SF_EV_TRK_SYN_INSIDE_CONN);
		if (fc == FC_SYNACK && r->side[to].syn_sent && !acks_syn(r, to, p->ack))
			trk_event(r, p, trk, SF_EV_TRK_BAD_SYN_ACK);
		return false;
	}
	if (f & SF_TCP_FIN) {
		if (!(f & SF_TCP_ACK))
			trk_event(r, p, trk, SF_EV_TRK_FIN_WITHOUT_ACK);
		if (ss <= SF_TCP_SYN_SENT)
			trk_event(r, p, trk, SF_EV_TRK_SPONTANEOUS_FIN);
	}
	/* An ACK from a side in SYN-SENT acknowledges a SYN the capture never saw from the peer
	 * (what it means for the states: ack_without_synack). */
	if ((f & SF_TCP_ACK) && ss == SF_TCP_SYN_SENT && !r->side[to].syn_sent)
		trk_event(r, p, trk, SF_EV_TRK_ACK_OF_UNSENT_SYN);
	return false;
}

/* Simultaneous open (RFC 9293 figure 8): a side that answers the crossing SYN enters
 * SYN-RECEIVED; if the peer's SYN-ACK acknowledging its SYN has already gone by, it is
 * ESTABLISHED at once. */
static void sim_open_done(struct trk_rec *r, struct sf_pkt_track *trk, uint64_t frame, int from)
{
	const struct trk_side *peer = &r->side[1 - from];
	if (r->c.state[from] != SF_TCP_SYN_RECEIVED || !r->side[from].syn_sent || !peer->ack_sent ||
	    !r->side[1 - from].syn_sent)
		return;
	if (seq_geq(peer->rcv_nxt, r->c.isn[from] + 1) &&
	    r->c.state[1 - from] == SF_TCP_ESTABLISHED)
		move(r, trk, frame, from, SF_TCP_ESTABLISHED);
}

/* Payload is legal once the sender is synchronised; the client's third packet may carry it. */
static void check_data(struct trk_rec *r, struct sf_packet *p, int from, struct sf_pkt_track *trk)
{
	uint8_t st = r->c.state[from];
	if (p->tcp_len == 0 || (p->flags & (SF_TCP_SYN | SF_TCP_RST)))
		return;
	if (st == SF_TCP_SYN_SENT || st == SF_TCP_SYN_RECEIVED || st == SF_TCP_LISTEN)
		trk_event(r, p, trk, SF_EV_TRK_DATA_BEFORE_EST);
}

/* The peer's FIN reached side `side` (see the header: evidence (a) or (b)). */
static void deliver_fin(struct trk_rec *r, struct sf_pkt_track *trk, uint64_t frame, int side)
{
	if (!(r->fin_pending & (1u << side)))
		return;
	r->fin_pending &= ~(1u << side);
	move(r, trk, frame, side, next_state[RECV][FC_FIN][r->c.state[side]]);
}

/* Evidence that pending FINs arrived: (a) the sender acknowledges the peer's FIN; (b) the
 * sender's own FIN is followed by this later segment, which reaches the peer after it. */
static void fin_evidence(struct trk_rec *r, const struct sf_packet *p, int from,
                         struct sf_pkt_track *trk, uint64_t frame)
{
	int to = 1 - from;
	const struct trk_side *ps = &r->side[to], *ss = &r->side[from];
	if ((r->fin_pending & (1u << to)) && ss->fin_sent && !(p->flags & SF_TCP_FIN) &&
	    seq_geq(p->seq, ss->fin_end))
		deliver_fin(r, trk, frame, to);
	if ((p->flags & SF_TCP_ACK) && ps->fin_sent && seq_geq(p->ack, ps->fin_end))
		deliver_fin(r, trk, frame, from);
}

/* The receiver of the first SYN was presumed LISTEN; its first segment decides (header). */
static void first_segment(struct trk_rec *r, const struct sf_packet *p, int from)
{
	uint16_t f = p->flags;
	if (r->c.pkts[from] != 0 || r->c.state[from] != SF_TCP_LISTEN)
		return;
	if ((f & SF_TCP_RST) || (f & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN)
		r->c.state[from] = r->c.init_state[from] = SF_TCP_CLOSED;
}

/* RFC 9293 §3.10.7.3: a side in SYN-SENT sends a non-RST ACK only after receiving an acceptable
 * SYN-ACK (any other segment is dropped or answered by a RST). So an ACK from a SYN-SENT side
 * whose peer's SYN was never captured is read as capture loss, not as a bogus ACK: the peer
 * did send a SYN-ACK (the presumed listener LISTEN → SYN-RECEIVED, at this frame, the first
 * that shows it), the sender becomes ESTABLISHED by the table, and the receiver takes this
 * ACK like any final ACK of a handshake. tcp.ack_of_unsent_SYN still names the gap. A bogus
 * ACK would be answered by a RST, which then closes both sides. Only a plain ACK (with or
 * without data) counts: a FIN from SYN-SENT is itself an anomaly (tcp.spontaneous_FIN) and
 * moves neither side. */
static void ack_without_synack(struct trk_rec *r, const struct sf_packet *p, int from,
                               struct sf_pkt_track *trk, uint64_t frame)
{
	int to = 1 - from;
	uint16_t f = p->flags;
	if ((f & (SF_TCP_SYN | SF_TCP_RST | SF_TCP_FIN | SF_TCP_ACK)) != SF_TCP_ACK ||
	    r->c.state[from] != SF_TCP_SYN_SENT || r->side[to].syn_sent ||
	    r->c.state[to] != SF_TCP_LISTEN)
		return;
	move(r, trk, frame, to, SF_TCP_SYN_RECEIVED);
}

/* The class the receiver steps on: a FIN segment counts for its ACK half only (its FIN waits
 * for evidence); a FIN without ACK changes nothing on arrival. */
static int recv_class(enum fclass fc, uint16_t flags)
{
	if (fc == FC_FIN)
		return (flags & SF_TCP_ACK) ? FC_ACK : -1;
	if (fc == FC_FINACK)
		return FC_ACKFIN;
	return fc;
}

/* Most packets: a segment with ACK and without SYN, FIN or RST between two ESTABLISHED sides of
 * a connection that saw no FIN and no RST. Nothing below acts on it: its class is FC_ACK (no
 * FIN to acknowledge), no guard names it, both rows for ESTABLISHED are IGN, no FIN is pending
 * and neither side is in SYN-SENT or SYN-RECEIVED. */
static bool settled_ack(const struct trk_rec *r, const struct sf_packet *p)
{
	return (p->flags & (SF_TCP_SYN | SF_TCP_FIN | SF_TCP_RST | SF_TCP_ACK)) == SF_TCP_ACK &&
	       r->c.state[0] == SF_TCP_ESTABLISHED && r->c.state[1] == SF_TCP_ESTABLISHED &&
	       !r->reset && !r->fin_pending && !r->side[0].fin_sent && !r->side[1].fin_sent;
}

void trk_fsm_step(struct trk_rec *r, struct sf_packet *p, int from, struct sf_pkt_track *trk,
                  uint64_t frame)
{
	if (settled_ack(r, p))
		return;
	int to = 1 - from;
	enum fclass fc = classify(r, p, to);

	if (guard(r, p, from, fc, trk))
		return;
	first_segment(r, p, from);
	fin_evidence(r, p, from, trk, frame);
	ack_without_synack(r, p, from, trk, frame);
	uint8_t sender_before = r->c.state[from], receiver_before = r->c.state[to];
	move(r, trk, frame, from, next_state[SEND][fc][r->c.state[from]]);
	int rc = recv_class(fc, p->flags);
	if (rc >= 0)
		move(r, trk, frame, to, next_state[RECV][rc][r->c.state[to]]);
	if ((fc == FC_FIN || fc == FC_FINACK) && !r->side[from].fin_sent &&
	    r->c.state[from] != sender_before)
		r->fin_pending |= (uint8_t)(1u << to);
	if (fc == FC_RST) {
		r->fin_pending = 0; /* the RST ends both TCBs: nothing is left to receive */
		/* it reset the connection if it ended a TCB: the sender's, or the receiver's (a
		 * port with no listener, CLOSED, refusing a SYN) */
		bool ended = sender_before != SF_TCP_CLOSED ||
		             (receiver_before != SF_TCP_CLOSED && r->c.state[to] == SF_TCP_CLOSED);
		if (ended && !r->reset) {
			r->reset = 1;
			r->reset_by = from == 0 ? SF_SIDE_CLIENT : SF_SIDE_SERVER;
			r->c.rst_state = sender_before;
			r->rst_clean = r->side[0].fin_acked && r->side[1].fin_acked;
		}
	}
	sim_open_done(r, trk, frame, from);
	check_data(r, p, from, trk);
}
