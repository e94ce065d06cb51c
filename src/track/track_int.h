/* synfin — tracker internals shared by the files of src/track. Not a public header. */
#ifndef SYNFIN_TRACK_INT_H
#define SYNFIN_TRACK_INT_H

#include "synfin/conn.h"

#define TRK_NIL UINT32_MAX

/* Zeek's endpoint states (analyzer/protocol/tcp/TCP_Endpoint.h), kept beside the RFC ones
 * because conn_state is defined on them, not on RFC 9293 states. */
enum zeek_ep {
	ZEP_INACTIVE = 0,
	ZEP_SYN_SENT,
	ZEP_SYN_ACK_SENT,
	ZEP_PARTIAL,
	ZEP_ESTABLISHED,
	ZEP_CLOSED,
	ZEP_RESET
};

/* Per-side sequence facts. Packed to 24 bytes: with ~10k–1M of these live, every byte counts
 * (issue 3 §1 caps a tracked connection at 256 bytes; struct trk_rec asserts it). */
struct trk_side {
	uint32_t base;     /* Wireshark's base_seq: relative 0 */
	uint32_t fin_end;  /* seq just after this side's FIN, raw */
	uint32_t rcv_nxt;  /* highest ACK this side sent = what it has received */
	uint32_t last_rst; /* seq of its last RST (Zeek repeats 'R' only for a new seq) */
	/* counts of c g t w (saturating at 127) for Zeek's log scaling at 1, 10, 100 */
	uint32_t scaled_c : 7, scaled_g : 7, scaled_t : 7, scaled_w : 7;
	uint32_t base_set : 1, fin_sent : 1, ack_sent : 1, syn_sent : 1;
	uint16_t rcv_wnd;                /* this side's last window field, as sent */
	uint8_t fin_acked : 1;           /* the peer acknowledged this side's FIN */
	uint8_t wnd_scaled : 1;          /* rcv_wnd is shifted by this side's window scale */
	uint8_t zeek : 3, zeek_prev : 3; /* enum zeek_ep */
	uint8_t zeek_seen;               /* Zeek history mask: bit per letter once recorded */
};

/* A pool record: the public connection plus what tracking needs to step it. */
struct trk_rec {
	struct sf_conn c;
	struct trk_side side[2];
	uint32_t lru_prev, lru_next;
	uint32_t wheel_prev, wheel_next;
	uint32_t deadline_s; /* expiry, seconds of capture time since the tracker's epoch */
	uint32_t slot;       /* this record's pool index (sf_conn_slot) */
	/* time of the most recent client SYN (initial RTT runs from it, as Wireshark's), as 40
	 * bits of nanoseconds after c.start_ns (18 minutes: SYN retries end long before) */
	uint32_t syn_lo;
	uint32_t syn_hi : 8, syn_ok : 1; /* syn_ok: syn_lo/hi hold a time */
	uint32_t in_use : 1, reset : 1, synack_seen : 1, hs_acked : 1, merged_fin : 1,
	    compl_syn_ok : 1, closing_seen : 1; /* some side entered CLOSING (simultaneous close) */
	uint32_t fin_first : 2;                 /* enum sf_side of the first FIN */
	uint32_t reset_by : 2;                  /* enum sf_side of the RST that closed it */
};

/* Issue 3 §1: ≤ 256 bytes per tracked connection, the index's two slots included. */
_Static_assert(sizeof(struct trk_rec) + 2 * sizeof(uint32_t) <= 256,
               "a tracked connection must fit in 256 bytes");

/* This side's last advertised window in bytes: shifted by its window scale when both SYNs
 * agreed on scaling at the time it was sent (RFC 7323 §2.2). */
static inline uint32_t trk_side_wnd(const struct trk_side *s, const struct sf_side_opts *o)
{
	return s->wnd_scaled && o->wscale > 0 ? (uint32_t)s->rcv_wnd << o->wscale : s->rcv_wnd;
}

/* The most recent client SYN's time. A time outside the 40 bits (capture time going
 * backwards, a SYN retried after 18 minutes) is not kept: the RTT then stays unknown rather
 * than wrong. */
static inline void trk_syn_set(struct trk_rec *r, int64_t now)
{
	int64_t off = now - r->c.start_ns;
	r->syn_ok = off >= 0 && off < ((int64_t)1 << 40);
	r->syn_lo = r->syn_ok ? (uint32_t)off : 0;
	r->syn_hi = r->syn_ok ? (uint32_t)(off >> 32) : 0;
}

static inline bool trk_syn_get(const struct trk_rec *r, int64_t *ns)
{
	*ns = r->c.start_ns + (int64_t)(((uint64_t)r->syn_hi << 32) | r->syn_lo);
	return r->syn_ok;
}

static inline struct trk_rec *trk_rec_of(struct sf_conn *c)
{
	return (struct trk_rec *)(void *)c; /* c is the first member */
}

/* fsm.c: steps both endpoints for one packet. from = index of the sender (0 client). */
void trk_fsm_step(struct trk_rec *r, struct sf_packet *p, int from, struct sf_pkt_track *trk,
                  uint64_t frame);
/* zeek.c */
void trk_zeek_packet(struct trk_rec *r, const struct sf_packet *p, int from, uint32_t rel_seq);
void trk_zeek_history_add(struct trk_rec *r, int from, char letter);
enum sf_zeek_state trk_zeek_conn_state(const struct trk_rec *r);
/* lifecycle.c */
void trk_lifecycle_finish(struct trk_rec *r);

/* Events: on the packet, the per-packet annotation and the connection. */
void trk_event(struct trk_rec *r, struct sf_packet *p, struct sf_pkt_track *trk, enum sf_event ev);

#endif
