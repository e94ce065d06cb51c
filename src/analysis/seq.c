/* synfin — the per-packet sequence analysis, in the order of Wireshark's
 * tcp_analyze_sequence_number() (epan/dissectors/packet-tcp.c, 4.0), whose conditions and
 * precedence define what every tcp.analysis.* flag means:
 *
 *   zero-window probe ─(ends the forward checks)
 *   zero window · lost segment · keep-alive · window update · window full
 *   keep-alive ACK ─┐ zero-window probe ACK ─┤ (end the forward checks) · duplicate ACK
 *   ACKed unseen segment
 *   spurious ▸ fast retransmission ▸ out-of-order ▸ retransmission (first match wins)
 *   remember the segment, nextseq, the ACK; acknowledge the peer's segments (RTT);
 *   bytes in flight (less the peer's last SACK blocks); this segment's SACK blocks
 *
 * Beyond Wireshark, which only labels a D-SACK block: a D-SACK that reports retransmitted
 * bytes names those retransmissions spurious (RFC 3708), tcp.analysis.dsack_frame on the ACK.
 *
 * Where Wireshark is wrong, corrections (cfg.correct) run after its verdict and are
 * documented in tests/analysis_tshark_differences.md:
 *   C1 simultaneous open: a side's first SYN-ACK answering a crossing SYN is no retransmission,
 *      and the ACK that completes it no duplicate ACK;
 *   C2 a SYN resent with the side's ISN is a retransmission, never out-of-order;
 *   C3 "out-of-order" segments that the sender provably sent later (IPv4 ID ahead of the
 *      segment that set nextseq, or the receiver's duplicate ACKs asked for exactly this
 *      sequence number, or, without IP IDs, bytes the capture already saw and that are not
 *      acknowledged yet) are retransmissions, as tcptrace decides;
 *   C4 a zero-window probe byte that the receiver acknowledged was delivered: nextseq moves
 *      past it, so no "ACKed unseen segment" / "previous segment not captured" follows.
 */
#include <string.h>

#include "ana_int.h"

#define NOT_CTL (SF_TCP_SYN | SF_TCP_FIN | SF_TCP_RST)

/* For the steps both the plain and the general path take: a copy in each keeps them free of
 * calls (gcc would otherwise share one out-of-line copy). */
#define ANA_INLINE static inline __attribute__((always_inline))

/* Wireshark subtracts capture times into an unsigned 64-bit count of nanoseconds, so a packet
 * earlier than the reference (timestamps going backwards) is "long after" it. */
static uint64_t since(int64_t now, int64_t then)
{
	return (uint64_t)(now - then);
}

static void set_base(struct ana_side *fw, struct ana_side *rv, const struct sf_packet *p)
{
	if (!fw->base_set) {
		fw->base = (p->flags & SF_TCP_SYN) ? p->seq : p->seq - 1;
		fw->base_set = 1;
	}
	if (!rv->base_set && (p->flags & SF_TCP_ACK)) {
		rv->base = p->ack - 1;
		rv->base_set = 1;
	}
}

/* packet-tcp.c verify_tcp_window_scaling(): a SYN without the option means neither side
 * scales (the reverse is set too in case the SYN-ACK is missed); a SYN-ACK with the option
 * answering a SYN without it does not enable scaling either (RFC 7323 §2.2). */
static void window_scaling(struct ana_side *fw, struct ana_side *rv, const struct sf_packet *p)
{
	if (!(p->flags & SF_TCP_SYN))
		return;
	if (p->has_wscale)
		fw->win_scale = (int8_t)(p->wscale > 14 ? 14 : p->wscale);
	if (fw->win_scale == SF_WSCALE_UNKNOWN) {
		fw->win_scale = SF_WSCALE_NONE;
		rv->win_scale = SF_WSCALE_NONE;
	} else if ((p->flags & SF_TCP_ACK) && rv->win_scale == SF_WSCALE_NONE) {
		fw->win_scale = SF_WSCALE_NONE;
	}
}

static void calc_window(const struct ana_side *fw, const struct sf_packet *p,
                        struct sf_pkt_analysis *out)
{
	out->win_scalefactor = fw->win_scale >= 0 ? (int32_t)(1u << fw->win_scale) : fw->win_scale;
	if (!(p->flags & SF_TCP_SYN) && fw->win_scale >= 0)
		out->window = (uint32_t)p->window << fw->win_scale;
	else
		out->window = p->window;
}

/* The segment fills the peer's advertised window to its right edge (a segment with payload
 * and no SYN, FIN or RST). */
static uint32_t window_full(const struct ana_side *rv, const struct sf_packet *p)
{
	if (rv->win_scale == SF_WSCALE_UNKNOWN)
		return 0;
	int sh = rv->win_scale == SF_WSCALE_NONE ? 0 : rv->win_scale;
	return p->seq + p->tcp_len == rv->lastack + ((uint32_t)rv->window << sh)
	           ? SF_ANA_WINDOW_FULL
	           : 0;
}

/* Flags on the forward direction: zero window … duplicate ACK (Wireshark's "finished_fwd"). */
static void forward_checks(struct sf_analyser *a, struct ana_side *fw, struct ana_side *rv,
                           const struct sf_packet *p, uint64_t first_frame, uint32_t *fl,
                           struct sf_pkt_analysis *out)
{
	uint32_t seq = p->seq, ack = p->ack, len = p->tcp_len;
	uint16_t f = p->flags, win = p->window;
	bool ctl = (f & NOT_CTL) != 0;
	bool same_ack = seq == fw->nextseq && ack == fw->lastack && !ctl;

	/* zero-window probe: one byte at nextseq while the peer's window is closed */
	if (len == 1 && seq == fw->nextseq && rv->window == 0) {
		*fl |= SF_ANA_ZERO_WINDOW_PROBE;
		return;
	}
	if (win == 0 && !ctl)
		*fl |= SF_ANA_ZERO_WINDOW;
	/* beyond the highest byte seen: something before it was not captured */
	if (fw->nextseq && SEQ_GT(seq, fw->nextseq) && !(f & SF_TCP_RST)) {
		*fl |= SF_ANA_LOST_SEGMENT;
		fw->valid_bif = 0;
	}
	/* keep-alive: 0 or 1 byte one before nextseq (RFC 9293 §3.8.4) */
	if (len <= 1 && seq == fw->nextseq - 1 && !ctl)
		*fl |= SF_ANA_KEEP_ALIVE;
	if (len == 0 && win && win != fw->window && same_ack)
		*fl |= SF_ANA_WINDOW_UPDATE;
	if (len > 0 && !ctl)
		*fl |= window_full(rv, p);
	if (len == 0 && win && win == fw->window && same_ack && rv->last_keep_alive) {
		*fl |= SF_ANA_KEEP_ALIVE_ACK;
		return;
	}
	if (len == 0 && win == 0 && win == fw->window && same_ack && rv->last_zwp) {
		*fl |= SF_ANA_ZERO_WINDOW_PROBE_ACK;
		return;
	}
	if (len == 0 && win && win == fw->window && same_ack) {
		/* -1: an "ACKed unseen segment" was just reported; this restarts the count */
		fw->dupacknum = fw->dupacknum == -1 ? 1 : fw->dupacknum + 1;
		*fl |= SF_ANA_DUPLICATE_ACK;
		out->dup_ack_num = (uint32_t)fw->dupacknum;
		out->dup_ack_frame = fw->lastnondupack ? first_frame + fw->lastnondupack - 1 : 0;
	}
	(void)a;
}

/* The receiver acknowledged bytes the capture never showed the sender sending. Reported once
 * per hole: the mark moves up to the sender's nextseq; when it cannot move past the ACK (the
 * sender only sends pure ACKs) the sender's dup-ACK counter is set to -1 so the next ones stay
 * quiet. (Checked frame by frame against tshark 4.0 on the shared captures.) */
static void ack_lost_check(struct ana_side *rv, const struct sf_packet *p, uint32_t *fl)
{
	if (!rv->maxseqtobeacked || !SEQ_GT(p->ack, rv->maxseqtobeacked) ||
	    !(p->flags & SF_TCP_ACK))
		return;
	/* Wireshark compares these two raw numbers without sequence arithmetic */
	bool moved = rv->maxseqtobeacked > rv->nextseq;
	rv->maxseqtobeacked = rv->nextseq;
	if (moved || rv->dupacknum == 0)
		*fl |= SF_ANA_ACK_LOST_SEGMENT;
	if (!moved)
		rv->dupacknum = -1;
}

/* C3: evidence that a segment Wireshark would call out-of-order was sent after the segment
 * holding the highest sequence number, i.e. is a retransmission (tcptrace's rule). */
static bool sent_later(const struct ana_side *fw, const struct ana_side *rv,
                       const struct sf_packet *p)
{
	if (rv->dupacknum >= 1 && rv->lastack == p->seq)
		return true; /* the receiver's duplicate ACKs asked for exactly this */
	if (p->ip_version == 4 && p->ip_id && fw->nextseq_ipid) {
		int16_t d = (int16_t)(uint16_t)(p->ip_id - fw->nextseq_ipid);
		return d > 0;
	}
	/* no IP ID to tell (IPv6, or IDs of 0): the capture saw these bytes go by already and
	 * they are not acknowledged yet, so this is their second copy */
	return p->tcp_len > 0 && ana_ring_holds(&fw->segs, p->seq);
}

/* Retransmission, fast retransmission, spurious retransmission or out-of-order. */
static void retrans_checks(struct sf_analyser *a, const struct ana_conn *ac, uint64_t first_frame,
                           struct ana_side *fw, struct ana_side *rv, const struct sf_packet *p,
                           int64_t now, uint32_t *fl, struct sf_pkt_analysis *out)
{
	uint32_t seq = p->seq, len = p->tcp_len;
	uint16_t f = p->flags;
	if (!(len > 0 || (f & (SF_TCP_SYN | SF_TCP_FIN))) || (*fl & SF_ANA_KEEP_ALIVE))
		return;
	bool not_adv = fw->nextseq && SEQ_LT(seq, fw->nextseq);
	/* more than one byte starting just before nextseq: new data after a probe */
	if (len > 1 && fw->nextseq - 1 == seq)
		not_adv = false;
	/* every byte was already acknowledged: it need not have been sent again */
	if (len > 0 && rv->lastack && SEQ_LE(seq + len, rv->lastack)) {
		*fl |= SF_ANA_SPURIOUS_RETRANS;
		return;
	}
	if (not_adv && rv->dupacknum >= 2 && rv->lastack == seq &&
	    since(now, rv->lastack_ts) < (uint64_t)a->cfg.fast_rt_ns) {
		*fl |= SF_ANA_FAST_RETRANSMISSION;
		return;
	}
	uint64_t ooo = ac->first_rtt ? (uint64_t)ac->first_rtt : (uint64_t)a->cfg.ooo_default_ns;
	uint32_t end = seq + len + ((f & (SF_TCP_SYN | SF_TCP_FIN)) ? 1 : 0);
	if (not_adv && since(now, fw->nextseq_ts) < ooo && fw->nextseq != end) {
		bool fix = a->cfg.correct && (((f & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN &&
		                               fw->syn_seen && seq == fw->base) ||
		                              sent_later(fw, rv, p));
		if (!fix) {
			*fl |= SF_ANA_OUT_OF_ORDER;
			return;
		}
	}
	if (!not_adv)
		return;
	/* C1: the first SYN-ACK of a side that sent a SYN crossing the peer's SYN */
	if (a->cfg.correct && (f & (SF_TCP_SYN | SF_TCP_ACK)) == (SF_TCP_SYN | SF_TCP_ACK) &&
	    fw->syn_seen && !fw->synack_seen && seq == fw->base)
		return;
	*fl |= SF_ANA_RETRANSMISSION;
	/* the RTO: from the oldest unacknowledged segment, else the one that set nextseq */
	const struct ana_seg *old = ana_ring_oldest(&fw->segs);
	out->rto_ns = old ? now - old->ts : now - fw->nextseq_ts;
	out->rto_frame = old ? first_frame + old->frame_delta : first_frame + fw->nextseq_frame - 1;
}

/* C4: the peer acknowledged the byte of this side's zero-window probe. */
static void probe_delivered(struct ana_side *rv, uint32_t *zwp_end, const struct sf_packet *p)
{
	if (!rv->zwp_set || !(p->flags & SF_TCP_ACK))
		return;
	uint32_t end = *zwp_end;
	if (SEQ_LE(end, p->ack) && SEQ_GT(end, rv->nextseq)) {
		if (rv->maxseqtobeacked == rv->nextseq)
			rv->maxseqtobeacked = end;
		rv->nextseq = end;
	}
	rv->zwp_set = 0;
}

ANA_INLINE void remember(struct sf_analyser *a, struct ana_dir_fig *df, int from,
                         uint64_t first_frame, struct ana_side *fw, const struct sf_packet *p,
                         uint64_t frame, int64_t now, uint32_t fl)
{
	uint32_t seq = p->seq, len = p->tcp_len;
	uint16_t f = p->flags;
	uint32_t nextseq = seq + len;
	if (len || (f & (SF_TCP_SYN | SF_TCP_FIN))) {
		if (f & (SF_TCP_SYN | SF_TCP_FIN))
			nextseq += 1;
		struct ana_seg s = {.seq = seq,
		                    .nextseq = nextseq,
		                    .frame_delta = (uint32_t)(frame - first_frame),
		                    .retrans =
		                        (fl & (SF_ANA_RETRANSMISSION | SF_ANA_FAST_RETRANSMISSION |
		                               SF_ANA_SPURIOUS_RETRANS)) != 0,
		                    .ts = now};
		if (ana_ring_push(&a->segpool, &fw->segs, &s, a->cfg.max_unacked) < 0) {
			a->st.seg_overflow++;
			nextseq =
			    seq + len; /* as Wireshark: the SYN/FIN byte is not counted then */
		}
		if (s.retrans) {
			df->rt_lo = seq;
			df->rt_hi = s.nextseq;
			fw->rt_set = 1;
			ana_rtx_put(a, first_frame, from, &s);
		}
	}
	bool zwp = (fl & SF_ANA_ZERO_WINDOW_PROBE) != 0;
	if (zwp && a->cfg.correct) {
		df->zwp_end = nextseq;
		fw->zwp_set = nextseq != 0; /* 0 stands for "none", as it always has */
	}
	if ((SEQ_GT(nextseq, fw->nextseq) || !fw->nextseq) && !zwp) {
		fw->nextseq = nextseq;
		fw->nextseq_frame = (uint32_t)(frame - first_frame + 1);
		fw->nextseq_ts = now;
		fw->nextseq_ipid = p->ip_version == 4 ? p->ip_id : 0;
	}
	if ((seq == fw->maxseqtobeacked || !fw->maxseqtobeacked) && !zwp)
		fw->maxseqtobeacked = fw->nextseq;
	fw->window = p->window;
	fw->lastack = p->ack;
	fw->lastack_ts = now;
	fw->last_keep_alive = (fl & SF_ANA_KEEP_ALIVE) != 0;
	fw->last_zwp = zwp;
}

/* Karn's rule (RFC 6298 §3): no sample from a segment that was, or whose bytes were, sent
 * more than once. */
static bool ambiguous(const struct ana_side *snd, const struct ana_dir_fig *df,
                      const struct ana_seg *hit)
{
	return hit->retrans ||
	       (snd->rt_set && SEQ_LT(hit->seq, df->rt_hi) && SEQ_GT(hit->nextseq, df->rt_lo));
}

static void rtt_sample(struct ana_rtt *d, int64_t rtt)
{
	if (d->samples == 0 || rtt < d->min_ns)
		d->min_ns = rtt;
	if (d->samples == 0 || rtt > d->max_ns)
		d->max_ns = rtt;
	d->samples++;
	d->sum_ns += (double)rtt;
	d->sumsq_ns += (double)rtt * (double)rtt;
}

/* The peer's segments this ACK covers leave its list; the one ending exactly at the ACK gives
 * tcp.analysis.acks_frame and ack_rtt (Wireshark does this for every segment, ACK bit or
 * not, with the raw acknowledgement field). */
ANA_INLINE void acknowledge(struct ana_fig *fig, uint64_t first_frame, struct ana_side *rv,
                            const struct sf_packet *p, int from, int64_t now,
                            struct sf_pkt_analysis *out)
{
	struct ana_seg hit;
	if (!ana_ring_ack(&rv->segs, p->ack, &hit))
		return;
	out->acks_frame = first_frame + hit.frame_delta;
	out->ack_rtt_ns = now - hit.ts;
	if (ambiguous(rv, &fig->dir[1 - from], &hit)) {
		out->karn_skipped = true;
		return;
	}
	rtt_sample(&fig->dir[1 - from].rtt, now - hit.ts);
}

/* Bytes sent and not yet acknowledged, Wireshark's default (payload-based) method, less what
 * the peer's last SACK blocks cover (as Wireshark: neither clipped to the unacknowledged
 * range nor merged, modulo 2^32, a result outside (0, 2e9) dropped). */
ANA_INLINE void bytes_in_flight(struct ana_side *fw, const struct ana_side *rv,
                                const struct sf_packet *p, struct sf_pkt_analysis *out)
{
	uint32_t first, last;
	if (p->tcp_len == 0 || !fw->valid_bif || !ana_ring_span(&fw->segs, fw->base, &first, &last))
		return;
	out->bif_counted = true;
	uint32_t in_flight = last - first - rv->sacked;
	if (in_flight > 0 && in_flight < 2000000000u) {
		out->bytes_in_flight = in_flight;
		if (p->flags & (SF_TCP_SYN | SF_TCP_FIN))
			out->bytes_in_flight -= 1;
		out->has_bytes_in_flight = true;
	}
}

/* Wireshark keeps the SACK blocks of a side's last segment, at most three (its table starts
 * at index 1 of MAX_TCP_SACK_RANGES = 4), for the peer's bytes in flight. */
#define WS_SACK_BLOCKS 3

#define DSACK_SEGS 16 /* retransmitted segments one D-SACK block may name */

/* A D-SACK for retransmissions of the peer: the receiver got those bytes twice, so they
 * were not needed (RFC 3708 §2). The block starts where a retransmission started (a receiver
 * reports the duplicate segment, clipped at its right edge to what it expects next); the
 * retransmissions that follow it within the block are named too. Bytes resent n times can be
 * reported by up to n D-SACKs, each one copy that was not needed; the first one's frame (its
 * latest copy) goes on the packet. A block that starts elsewhere, or bytes the peer never
 * resent (duplicated by the network), name nothing. */
static __attribute__((noinline)) void dsack(struct sf_analyser *a, struct ana_fig *fig,
                                            uint32_t slot, uint64_t first_frame,
                                            const struct sf_packet *p, int from,
                                            struct sf_pkt_analysis *out)
{
	struct sf_sack_block d;
	int peer = 1 - from;
	if (!sf_packet_dsack(p, &d))
		return;
	uint32_t seq = d.left;
	for (unsigned k = 0; k < DSACK_SEGS && SEQ_LT(seq, d.right); k++) {
		struct ana_rtx *r = ana_rtx_find(a, first_frame, peer, seq);
		if (!r || !SEQ_GT(r->nextseq, seq))
			return;
		if (r->dsacked < r->copies) {
			r->dsacked++;
			struct sf_conn_analysis *c = ana_counts_of(a, ana_slot_of_fig(fig), slot);
			if (c)
				c->dir[peer].dsack_spurious++;
			if (!out->dsack_frame)
				out->dsack_frame = first_frame + r->frame_delta;
		}
		seq = r->nextseq;
	}
}

/* What this segment's SACK blocks tell: kept for the peer's next bytes in flight, and a
 * D-SACK checked against the peer's retransmissions. */
ANA_INLINE void sack_blocks(struct sf_analyser *a, struct ana_fig *fig, uint32_t slot,
                            uint64_t first_frame, struct ana_side *fw, const struct sf_packet *p,
                            int from, struct sf_pkt_analysis *out)
{
	fw->sacked = 0;
	if (p->n_sack == 0)
		return;
	for (unsigned i = 0; i < p->n_sack && i < WS_SACK_BLOCKS; i++)
		fw->sacked += p->sack[i].right - p->sack[i].left;
	dsack(a, fig, slot, first_frame, p, from, out);
}

/* Most segments are new data at nextseq or a cumulative ACK that moves, with both sides known
 * and nothing unusual around: for them the rules before "ACKed unseen segment" and the
 * retransmission rules cannot fire, and ana_sequence skips them. Each condition below rules
 * out some rule of forward_checks, retrans_checks, set_base, window_scaling or
 * probe_delivered; the window-full and ACKed-unseen checks still run. */
static bool plain_segment(const struct ana_side *fw, const struct ana_side *rv,
                          const struct sf_packet *p)
{
	uint32_t seq = p->seq, len = p->tcp_len;
	/* no SYN, FIN or RST (control rules, keep-alive, C1), ACK set; both bases set; no probe
	 * waiting for its ACK (C4) */
	if ((p->flags & (NOT_CTL | SF_TCP_ACK)) != SF_TCP_ACK || !fw->base_set || !rv->base_set ||
	    rv->zwp_set)
		return false;
	/* at nextseq, so neither beyond it (lost segment) nor before it (keep-alive,
	 * retransmission, out-of-order); an open window (zero window) */
	if (!fw->nextseq || seq != fw->nextseq || p->window == 0)
		return false;
	if (len == 0) /* an ACK that moves: no window update, duplicate or probe/keep-alive ACK */
		return p->ack != fw->lastack;
	/* not a zero-window probe, not wholly acknowledged already (spurious retransmission) */
	return !(len == 1 && rv->window == 0) && !(rv->lastack && SEQ_LE(seq + len, rv->lastack));
}

/* ana_sequence for a plain segment: the same steps in the same order, less the rules that
 * plain_segment rules out (and the SYN bookkeeping: there is no SYN). A function of its own so
 * that the compiler keeps this short path in registers. */
static void plain(struct sf_analyser *a, struct ana_fig *fig, uint32_t slot, uint64_t first_frame,
                  struct ana_side *fw, struct ana_side *rv, const struct sf_packet *p, int from,
                  int64_t now, struct sf_pkt_analysis *out)
{
	uint64_t frame = p->frame->number;
	uint32_t fl = out->flags;

	rv->valid_bif = 1;
	if (p->tcp_len > 0)
		fl |= window_full(rv, p);
	if (p->ack != fw->lastack) {
		fw->lastnondupack = (uint32_t)(frame - first_frame + 1);
		fw->dupacknum = 0;
	}
	ack_lost_check(rv, p, &fl);
	remember(a, &fig->dir[from], from, first_frame, fw, p, frame, now, fl);
	fw->last_syn = 0;
	acknowledge(fig, first_frame, rv, p, from, now, out);
	bytes_in_flight(fw, rv, p, out);
	sack_blocks(a, fig, slot, first_frame, fw, p, from, out);
	calc_window(fw, p, out);
	out->flags = fl;
}

void ana_sequence(struct sf_analyser *a, struct ana_conn *ac, struct ana_fig *fig, uint32_t slot,
                  uint64_t first_frame, const struct sf_packet *p, int from, int64_t now,
                  struct sf_pkt_analysis *out)
{
	struct ana_side *fw = &ac->side[from], *rv = &ac->side[1 - from];
	if (plain_segment(fw, rv, p)) {
		plain(a, fig, slot, first_frame, fw, rv, p, from, now, out);
		return;
	}
	uint64_t frame = p->frame->number;
	uint16_t f = p->flags;
	uint32_t fl = out->flags;

	set_base(fw, rv, p);
	window_scaling(fw, rv, p);
	if (f & SF_TCP_ACK)
		rv->valid_bif = 1;
	if (a->cfg.correct)
		probe_delivered(rv, &fig->dir[1 - from].zwp_end, p);

	forward_checks(a, fw, rv, p, first_frame, &fl, out);
	/* C1: the ACK completing a simultaneous open repeats the SYN-ACK's ACK */
	if (a->cfg.correct && (fl & SF_ANA_DUPLICATE_ACK) && fw->last_syn && fw->synack_seen &&
	    fw->syn_seen && rv->syn_seen) {
		fl &= ~SF_ANA_DUPLICATE_ACK;
		out->dup_ack_num = 0;
		out->dup_ack_frame = 0;
		fw->dupacknum = 0;
	}
	if (p->ack != fw->lastack) {
		fw->lastnondupack = (uint32_t)(frame - first_frame + 1);
		fw->dupacknum = 0;
	}
	ack_lost_check(rv, p, &fl);
	retrans_checks(a, ac, first_frame, fw, rv, p, now, &fl, out);
	remember(a, &fig->dir[from], from, first_frame, fw, p, frame, now, fl);
	fw->last_syn = (f & SF_TCP_SYN) != 0;
	if ((f & (SF_TCP_SYN | SF_TCP_ACK | SF_TCP_RST)) == SF_TCP_SYN)
		fw->syn_seen = 1;
	if ((f & (SF_TCP_SYN | SF_TCP_ACK | SF_TCP_RST)) == (SF_TCP_SYN | SF_TCP_ACK))
		fw->synack_seen = 1;
	acknowledge(fig, first_frame, rv, p, from, now, out);
	bytes_in_flight(fw, rv, p, out);
	sack_blocks(a, fig, slot, first_frame, fw, p, from, out);
	calc_window(fw, p, out);
	out->flags = fl;
}
