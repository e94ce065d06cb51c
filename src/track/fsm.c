/* synfin — the two endpoint state machines (RFC 9293 §3.3.2, figure 5), as tables.
 *
 * Every packet seen at the capture point was sent by one endpoint and (we assume) received by the
 * other, so it steps two machines: next[SEND][class][sender state] and
 * next[RECV][class][receiver state]. The shape follows nf_conntrack_proto_tcp.c: the table
 * holds the normal transitions; IGN means "no change"; what no row accepts is decided by the
 * small guard functions below it, which raise named events and never change state.
 *
 * Where a transition is placed: the handshake moves a side when the capture point sees the
 * side act (the client becomes ESTABLISHED on the ACK it sends, as RFC 9293's "rcv SYN,ACK /
 * snd ACK" completes only then); teardown moves a side when the FIN or ACK reaches it (the ACK
 * of a FIN may be delayed or merged, so the receive is the reliable evidence).
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
/* CLOSED/LISTEN → SYN-SENT: active open (a LISTEN side sending a SYN is the second SYN of a
 * simultaneous open). SYN-SENT → SYN-SENT: a retry. SYN-RECEIVED keeps its state: the crossing
 * SYN was retransmitted. Later states: a SYN inside a connection (guard). */
[FC_SYNACK] = {  sSR, sSR, sSR, sSR, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* LISTEN → SYN-RECEIVED: passive open answered. SYN-SENT → SYN-RECEIVED: simultaneous open (RFC
 * 9293 figure 8: the side answers the crossing SYN). CLOSED → SYN-RECEIVED: SYN-ACK without a SYN
 * seen. SYN-RECEIVED: a SYN-ACK retry. ESTABLISHED and later: a retransmitted SYN-ACK. */
[FC_ACK]    = {  IGN, IGN, sES, IGN, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* SYN-SENT → ESTABLISHED: the client's ACK of the SYN-ACK (third packet). SYN-RECEIVED becomes
 * ESTABLISHED on receiving, not on sending. In other states sending an ACK changes nothing. */
[FC_ACKFIN] = {  IGN, IGN, sES, IGN, IGN, IGN, IGN, IGN, IGN, IGN, IGN },
/* As FC_ACK: acknowledging the peer's FIN moved this side when the FIN arrived. */
[FC_FIN]    = {  IGN, IGN, IGN, sF1, sF1, sF1, sF2, sCG, sCG, sLA, sTW },
/* ESTABLISHED → FIN-WAIT-1: active close. SYN-RECEIVED → FIN-WAIT-1 (CLOSE in SYN-RECEIVED).
 * CLOSE-WAIT → CLOSING: this FIN does not acknowledge the peer's FIN, so it left before that FIN
 * arrived: the FINs crossed (simultaneous close, RFC 9293 figure 13). FIN-WAIT-1/2, CLOSING,
 * LAST-ACK, TIME-WAIT: a retransmitted FIN. CLOSED/LISTEN/SYN-SENT: guard. */
[FC_FINACK] = {  IGN, IGN, IGN, sF1, sF1, sF1, sF2, sLA, sCG, sLA, sTW },
/* CLOSE-WAIT → LAST-ACK: the passive close, its FIN acknowledging the peer's (merged FIN/ACK or
 * after a separate ACK). Other states as FC_FIN. */
[FC_RST]    = {  IGN, IGN, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* The sender of a RST drops its TCB: every synchronised state → CLOSED. LISTEN refusing a SYN
 * stays LISTEN. */
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
/* SYN-RECEIVED → ESTABLISHED: the handshake's final ACK. */
[FC_ACKFIN] = {  IGN, IGN, IGN, sES, IGN, sF2, IGN, IGN, sTW, sCL, IGN },
/* Our FIN acknowledged: FIN-WAIT-1 → FIN-WAIT-2, CLOSING → TIME-WAIT (simultaneous close),
 * LAST-ACK → CLOSED (passive close done). */
[FC_FIN]    = {  IGN, IGN, IGN, sCW, sCW, sCG, sTW, IGN, IGN, IGN, IGN },
/* The peer's FIN: ESTABLISHED → CLOSE-WAIT (passive close), FIN-WAIT-1 → CLOSING (FINs crossed),
 * FIN-WAIT-2 → TIME-WAIT, SYN-RECEIVED → CLOSE-WAIT. */
[FC_FINACK] = {  IGN, IGN, IGN, sCW, sCW, sTW, sTW, IGN, sTW, sCL, IGN },
/* The peer's FIN acknowledging ours: FIN-WAIT-1 → TIME-WAIT at once (RFC 9293 "rcv FIN, ACK of
 * FIN"), FIN-WAIT-2 and CLOSING → TIME-WAIT, LAST-ACK → CLOSED. */
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

/* RFC 5961 §3.2: a RST is acceptable only inside the receiver's window. From the capture
 * point the receiver's RCV.NXT is the highest ACK it sent, its RCV.WND its last window. In
 * SYN-SENT the RST must instead acknowledge the SYN (RFC 9293 §3.10.7.3). */
static bool rst_acceptable(const struct trk_rec *r, const struct sf_packet *p, int to)
{
	const struct trk_side *rs = &r->side[to];
	uint8_t st = r->c.state[to];

	if (st == SF_TCP_SYN_SENT)
		return !(p->flags & SF_TCP_ACK) || p->ack == (uint32_t)(r->c.isn[to] + 1);
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
		if (fc == FC_SYNACK && r->side[to].syn_sent &&
		    p->ack != (uint32_t)(r->c.isn[to] + 1))
			trk_event(r, p, trk, SF_EV_TRK_BAD_SYN_ACK);
		return false;
	}
	if (f & SF_TCP_FIN) {
		if (!(f & SF_TCP_ACK))
			trk_event(r, p, trk, SF_EV_TRK_FIN_WITHOUT_ACK);
		if (ss <= SF_TCP_SYN_SENT)
			trk_event(r, p, trk, SF_EV_TRK_SPONTANEOUS_FIN);
	}
	/* An ACK from a side whose peer never sent a SYN acknowledges nothing that exists. */
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

void trk_fsm_step(struct trk_rec *r, struct sf_packet *p, int from, struct sf_pkt_track *trk,
                  uint64_t frame)
{
	int to = 1 - from;
	enum fclass fc = classify(r, p, to);

	if (guard(r, p, from, fc, trk))
		return;
	uint8_t sender_before = r->c.state[from];
	move(r, trk, frame, from, next_state[SEND][fc][r->c.state[from]]);
	move(r, trk, frame, to, next_state[RECV][fc][r->c.state[to]]);
	if (fc == FC_RST && sender_before != SF_TCP_CLOSED && !r->reset) {
		r->reset = 1;
		r->reset_by = from == 0 ? SF_SIDE_CLIENT : SF_SIDE_SERVER;
		r->c.rst_state = sender_before;
	}
	sim_open_done(r, trk, frame, from);
	check_data(r, p, from, trk);
}
