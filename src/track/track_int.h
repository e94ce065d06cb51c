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

/* Per-side sequence facts. */
struct trk_side {
	uint32_t base;     /* Wireshark's base_seq: relative 0 */
	uint32_t nxt;      /* highest seq + len (+SYN/FIN) sent, raw */
	uint32_t fin_end;  /* seq just after this side's FIN, raw */
	uint32_t rcv_nxt;  /* highest ACK this side sent = what it has received */
	uint32_t rcv_wnd;  /* this side's last advertised window, scaled when both sides agreed */
	uint32_t last_rst; /* seq of its last RST (Zeek repeats 'R' only for a new seq) */
	uint8_t base_set : 1, nxt_set : 1, fin_sent : 1, ack_sent : 1, syn_sent : 1, rst_sent : 1,
	    fin_acked : 1;
	uint8_t zeek : 4, zeek_prev : 4; /* enum zeek_ep */
	uint8_t zeek_seen;               /* Zeek history mask: bit per letter once recorded */
	uint8_t scaled[4];               /* counts of c g t w (saturating) for log scaling */
};

/* A pool record: the public connection plus what tracking needs to step it. */
struct trk_rec {
	struct sf_conn c;
	struct trk_side side[2];
	int64_t syn_ns; /* time of the most recent client SYN (initial RTT, as Wireshark) */
	uint32_t lru_prev, lru_next;
	uint32_t wheel_prev, wheel_next;
	uint32_t deadline_s; /* expiry, seconds of capture time since the tracker's epoch */
	uint32_t slot;       /* this record's pool index (sf_conn_slot) */
	uint8_t in_use : 1, reset : 1, synack_seen : 1, hs_acked : 1, merged_fin : 1,
	    compl_syn_ok : 1;
	uint8_t fin_first; /* enum sf_side of the first FIN */
	uint8_t reset_by;  /* enum sf_side of the RST that closed it */
};

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
