/* synfin — analyser internals shared by the files of src/analysis. Not a public header. */
#ifndef SYNFIN_ANA_INT_H
#define SYNFIN_ANA_INT_H

#include <stddef.h>

#include "synfin/analysis.h"

/* Sequence-space comparisons (RFC 9293 §3.4: modulo 2^32). */
#define SEQ_LT(a, b) sf_seq_lt((a), (b))
#define SEQ_LE(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)

/* One segment sent and not yet acknowledged (Wireshark's tcp_unacked_t). */
struct ana_seg {
	uint32_t seq, nextseq;
	uint32_t frame_delta; /* frame - conn first_frame */
	uint32_t retrans;     /* the segment was flagged a retransmission: no RTT sample (Karn) */
	int64_t ts;           /* capture time, ns */
};

#define ANA_RING_INLINE 2 /* segments kept inline: most connections never need more */

/* Unacknowledged segments of one direction, oldest first. Capacity is a power of two taken
 * from the size-class free lists of struct ana_segpool; `unordered` counts entries whose
 * nextseq is not above every older entry's (retransmissions), which forces a full scan.
 * The first segments live inline beside the state; once they outgrow it, the same bytes hold
 * the pointer to the pool buffer (no separate pointer field: the side stays in 120 bytes). */
struct ana_ring {
	uint16_t cap, head, n; /* at most 16 << (ANA_RING_CLASSES - 1) = 32768 segments */
	uint16_t unordered;
	union {
		struct ana_seg inl[ANA_RING_INLINE]; /* while cap <= ANA_RING_INLINE */
		struct ana_seg *buf;                 /* a pool buffer, when cap > ANA_RING_INLINE */
	} u;
};

#define ANA_RING_MIN_SHIFT 4  /* 16 segments */
#define ANA_RING_CLASSES   12 /* up to 16 << 11 = 32768 segments */

struct ana_segpool {
	void *free_list[ANA_RING_CLASSES]; /* freed buffers, chained through their first bytes */
	size_t bytes;                      /* allocated, for the stats */
};

/* Wireshark's per-direction tcp_flow_t / tcp_analyze_seq_flow_info_t, reduced to what a packet
 * reads or writes (rarely used fields are in struct ana_dir_fig). As there, 0 stands for "not seen
 * yet" in nextseq, lastack and maxseqtobeacked: the raw numbers are compared, so a true 0
 * behaves as Wireshark's does. */
struct ana_side {
	uint32_t base;    /* relative 0 of this side (Wireshark's base_seq) */
	uint32_t nextseq; /* highest seq + len (+SYN/FIN) sent */
	uint32_t maxseqtobeacked;
	uint32_t lastack; /* ack field of this side's last segment */
	int64_t nextseq_ts;
	int64_t lastack_ts;
	uint32_t nextseq_frame; /* frame that set nextseq, as frame - first_frame + 1 */
	uint32_t lastnondupack; /* frame of the last ACK that moved, same form; 0 = none */
	int32_t dupacknum;
	uint32_t max_window;   /* copies of the figures' maxima, read on every packet here */
	uint32_t max_bif;      /* (the figures sit in colder memory, written when they grow) */
	uint16_t window;       /* window field of the last segment, unscaled */
	uint16_t nextseq_ipid; /* IPv4 ID of the segment that set nextseq, 0 = unknown (C3) */
	int8_t win_scale;      /* shift, SF_WSCALE_UNKNOWN or SF_WSCALE_NONE */
	uint8_t base_set : 1, valid_bif : 1, syn_seen : 1, synack_seen : 1;
	uint8_t rt_set : 1;  /* struct ana_dir_fig rt_lo/rt_hi hold a retransmitted range */
	uint8_t zwp_set : 1; /* struct ana_dir_fig zwp_end is set */
	/* of this side's last segment: its SYN bit, and the only two of its SF_ANA_* flags that
	 * the peer's next segment asks about */
	uint8_t last_syn : 1, last_keep_alive : 1, last_zwp : 1;
	/* bytes the SACK blocks of this side's last segment cover (its first three blocks, summed
	 * modulo 2^32): Wireshark takes them off the peer's bytes in flight */
	uint32_t sacked;
	struct ana_ring segs;
};

/* Per-connection state read on every packet: four cache lines, aligned to them and fetched
 * together when the tracker finds the connection, so a packet costs about one memory round
 * trip here besides the tracker's. The figures are in struct ana_fig beside it (struct
 * ana_slot). The frame numbers are kept as deltas from the connection's first frame
 * (sf_conn.first_frame). */
struct ana_conn {
	int64_t first_rtt;    /* Wireshark's ts_first_rtt, 0 = none */
	uint8_t mru_syn : 1;  /* struct ana_fig ts_mru_syn is set */
	uint8_t irtt_set : 1; /* an initial RTT was taken (first_rtt, which may be 0) */
	uint32_t counts; /* the connection's struct ana_counts + 1 (sf_analyser.counts), 0 = none */
	struct ana_side side[2];
} __attribute__((aligned(64)));

/* RTT accumulators of one direction (struct sf_ana_dir's). */
struct ana_rtt {
	int64_t min_ns, max_ns; /* valid when samples > 0 */
	double sum_ns, sumsq_ns;
	uint32_t samples;
};

/* What the peer's ACKs of one direction's data read and write, on one cache line: the RTT
 * accumulators, the range that Karn's rule checks, the zero-window probe that C4 checks. */
struct ana_dir_fig {
	struct ana_rtt rtt;
	uint32_t rt_lo, rt_hi; /* range of this side's last retransmitted segment (Karn) */
	uint32_t zwp_end;      /* just after this side's last zero-window probe byte (C4) */
	uint32_t unused;
	int64_t ts_mru_syn; /* dir[0]'s only: most recent SYN without ACK, of either side */
};

/* The figures of a connection written on its packets: two cache lines. The rest of struct
 * sf_conn_analysis is either in the state (the maxima, the initial RTT) or counted only with a
 * flag (struct ana_counts), which most connections never raise: the two lines make a slot 384
 * bytes instead of 512, a third fewer pages to clear and to cache. */
struct ana_fig {
	struct ana_dir_fig dir[2];
} __attribute__((aligned(64)));

/* The counters of struct sf_conn_analysis that change only with an analysis flag or a D-SACK,
 * taken from a pool the first time a connection needs them (sf_analyser.counts). Their RTT,
 * maxima and initial RTT fields stay unused: sf_analyser_conn fills them from the slot. */
struct ana_counts {
	struct sf_conn_analysis c;
};

_Static_assert(sizeof(struct ana_conn) == 256, "analysis state: four cache lines");
_Static_assert(sizeof(struct ana_dir_fig) == 64, "a direction's figures: one cache line");
_Static_assert(sizeof(struct ana_fig) == 128, "analysis figures: two cache lines");

/* seq.c: Wireshark's tcp_analyze_sequence_number for one packet (the connection in record
 * slot `slot`). */
void ana_sequence(struct sf_analyser *a, struct ana_conn *ac, struct ana_fig *fig, uint32_t slot,
                  uint64_t first_frame, const struct sf_packet *p, int from, int64_t now,
                  struct sf_pkt_analysis *out);
/* segs.c: the ring's slow paths (growing into a pool buffer, scanning a ring that holds a
 * retransmission) and its buffers. */
int ana_ring_push_grow(struct ana_segpool *sp, struct ana_ring *r, const struct ana_seg *s,
                       uint32_t max);
int ana_ring_ack_scan(struct ana_ring *r, uint32_t ack, struct ana_seg *hit);
int ana_ring_span_scan(const struct ana_ring *r, uint32_t base, uint32_t *first, uint32_t *last);
/* 1 when a remembered segment holds sequence number seq: those bytes went by before. */
int ana_ring_holds(const struct ana_ring *r, uint32_t seq);
void ana_ring_release(struct ana_segpool *sp, struct ana_ring *r);
/* analyser.c: the flag counters of the connection in `slot`, taken from the pool the first
 * time; NULL when out of memory (sf_ana_stats.counts_lost). */
struct sf_conn_analysis *ana_counts_of(struct sf_analyser *a, struct ana_conn *ac, uint32_t slot);
/* rtx.c: the table of recent retransmissions. */
void ana_rtx_put(struct sf_analyser *a, uint64_t first_frame, int side, const struct ana_seg *s);
struct ana_rtx *ana_rtx_find(struct sf_analyser *a, uint64_t first_frame, int side, uint32_t seq);
void ana_segpool_free(struct ana_segpool *sp);

/* The ring's common cases, inline: every packet runs one or two of them. */
static inline struct ana_seg *ana_ring_at(const struct ana_ring *r, uint32_t i)
{
	struct ana_seg *segs = r->cap <= ANA_RING_INLINE ? (struct ana_seg *)r->u.inl : r->u.buf;
	return &segs[(r->head + i) & (r->cap - 1)];
}

/* Appends a segment; -1 when max are remembered already or no memory. */
static inline int ana_ring_push(struct ana_segpool *sp, struct ana_ring *r, const struct ana_seg *s,
                                uint32_t max)
{
	if (r->n >= r->cap || r->n >= max)
		return ana_ring_push_grow(sp, r, s, max);
	if (r->n > 0 && SEQ_LT(s->seq, ana_ring_at(r, r->n - 1)->nextseq))
		r->unordered++;
	*ana_ring_at(r, r->n) = *s;
	r->n++;
	return 0;
}

/* Removes what ack covers; returns the oldest segment ending exactly at ack (copied to *hit),
 * or 0 when none. In order, the covered segments are the oldest ones. */
static inline int ana_ring_ack(struct ana_ring *r, uint32_t ack, struct ana_seg *hit)
{
	if (r->n == 0)
		return 0;
	if (r->unordered)
		return ana_ring_ack_scan(r, ack, hit);
	int found = 0;
	while (r->n > 0 && SEQ_LE(ana_ring_at(r, 0)->nextseq, ack)) {
		if (ana_ring_at(r, 0)->nextseq == ack) {
			*hit = *ana_ring_at(r, 0);
			found = 1;
		}
		r->head = (uint16_t)((r->head + 1) & (r->cap - 1));
		r->n--;
	}
	if (r->n > 0 && SEQ_GT(ack, ana_ring_at(r, 0)->seq))
		ana_ring_at(r, 0)->seq = ack;
	return found;
}

/* Lowest seq and highest nextseq relative to base over the ring; 0 when empty. In order, they
 * are the two ends. */
static inline int ana_ring_span(const struct ana_ring *r, uint32_t base, uint32_t *first,
                                uint32_t *last)
{
	if (r->n == 0)
		return 0;
	if (r->unordered)
		return ana_ring_span_scan(r, base, first, last);
	*first = ana_ring_at(r, 0)->seq - base;
	*last = ana_ring_at(r, r->n - 1)->nextseq - base;
	return 1;
}

/* Oldest segment, or NULL. */
static inline const struct ana_seg *ana_ring_oldest(const struct ana_ring *r)
{
	return r->n ? ana_ring_at(r, 0) : NULL;
}

/* A slot's state and figures side by side: one packet's lines share a page. */
struct ana_slot {
	struct ana_conn st;
	struct ana_fig fig;
};

/* The state beside a slot's figures. */
static inline struct ana_conn *ana_slot_of_fig(struct ana_fig *fig)
{
	return &((struct ana_slot *)(void *)((char *)fig - offsetof(struct ana_slot, fig)))->st;
}

#define ANA_CHUNK_SHIFT 14 /* 6 MiB of 384-byte slots: three huge pages (core/bigmem.h) */
#define ANA_CHUNK       (1u << ANA_CHUNK_SHIFT)

/* Which slots of a chunk hold a connection, and which of those have a ring in a pool buffer:
 * a few bytes that stay cached, so that finding and ending a connection need not read its
 * state (at the end of a capture, tens of thousands of them in a row). */
struct ana_bits {
	uint64_t live[ANA_CHUNK / 64];
	uint64_t pooled[ANA_CHUNK / 64];
	uint64_t counted[ANA_CHUNK / 64]; /* the connection holds a struct ana_counts */
};

/* Recent retransmissions of every connection, for the D-SACKs that answer them (RFC 3708): a
 * table keyed by connection (its first frame), side and first sequence number, made at the
 * first retransmission, of 2^ANA_RTX_SET_BITS sets of ANA_RTX_WAYS entries; a retransmission
 * whose set is full takes the place of the set's oldest, so memory stays fixed however many
 * there are. (One entry per key, direct-mapped, lost about one in eight of the D-SACKed
 * retransmissions of a 260-retransmission transfer to collisions.) */
#define ANA_RTX_SET_BITS 9
#define ANA_RTX_WAYS     8
struct ana_rtx {
	uint64_t conn; /* the connection's first frame + 1; 0 = empty */
	uint32_t seq, nextseq;
	uint32_t frame_delta; /* the retransmission's frame - first frame */
	uint32_t stamp;       /* order of insertion, to find a set's oldest */
	uint8_t side;
	uint16_t copies;  /* times these bytes were resent (saturates) */
	uint16_t dsacked; /* D-SACKs that reported them: each shows one copy was not needed */
};

struct sf_analyser {
	struct sf_ana_cfg cfg;
	struct ana_rtx *rtx;     /* ANA_RTX_WAYS << ANA_RTX_SET_BITS entries, or NULL */
	uint32_t rtx_stamp;      /* retransmissions put so far */
	struct ana_slot **chunk; /* chunk k holds slots [k*ANA_CHUNK, (k+1)*ANA_CHUNK) */
	struct ana_bits *bits;   /* of chunk k (present for every k < n_chunks) */
	uint32_t n_chunks;
	/* a connection's first packet went unanalysed (a header longer than the IP payload, or
	 * no memory for its slot): from then on, a slot's live bit is checked on every packet */
	bool unsure;
	void (*pages)(void *self, void *p, size_t bytes); /* sf_analyser_set_pages */
	void *pages_self;
	struct ana_segpool segpool;
	/* struct ana_counts of the connections that raised a flag: a pool grown by doubling, freed
	 * entries chained through their first word */
	struct ana_counts *counts;
	uint32_t n_counts, cap_counts, free_counts; /* free_counts: index + 1, 0 = none */
	struct sf_ana_stats st;
};

#endif
