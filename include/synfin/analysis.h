/* synfin — sequence analysis: what Wireshark's "Expert Info" says about each TCP segment.
 *
 *   sf_packet + sf_conn + sf_pkt_track ─► sf_analyser_process() ─► struct sf_pkt_analysis
 *                                                               └► struct sf_conn_analysis
 *
 * The analyser keeps its own per-connection state (next expected sequence number, last ACK and
 * window per direction, duplicate-ACK counters, the segments not yet acknowledged) in a pool
 * parallel to the tracker's, indexed by sf_conn_slot(), so struct sf_conn stays small. A
 * connection's state is released by sf_analyser_conn_end() when the tracker ends it.
 *
 * The flags follow Wireshark's tcp_analyze_sequence_number() (epan/dissectors/packet-tcp.c)
 * condition by condition and in its order of precedence, so `tcp.analysis.*` means what a
 * Wireshark user expects; where Wireshark is demonstrably wrong, synfin corrects it and
 * tests/analysis_tshark_differences.md lists each case with its evidence.
 */
#ifndef SYNFIN_ANALYSIS_H
#define SYNFIN_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/conn.h"
#include "synfin/packet.h"

/* One bit per tcp.analysis.* flag field. */
enum sf_ana_flag {
	SF_ANA_RETRANSMISSION = 1u << 0,        /* tcp.analysis.retransmission */
	SF_ANA_FAST_RETRANSMISSION = 1u << 1,   /* tcp.analysis.fast_retransmission */
	SF_ANA_SPURIOUS_RETRANS = 1u << 2,      /* tcp.analysis.spurious_retransmission */
	SF_ANA_OUT_OF_ORDER = 1u << 3,          /* tcp.analysis.out_of_order */
	SF_ANA_LOST_SEGMENT = 1u << 4,          /* tcp.analysis.lost_segment */
	SF_ANA_ACK_LOST_SEGMENT = 1u << 5,      /* tcp.analysis.ack_lost_segment */
	SF_ANA_DUPLICATE_ACK = 1u << 6,         /* tcp.analysis.duplicate_ack */
	SF_ANA_ZERO_WINDOW = 1u << 7,           /* tcp.analysis.zero_window */
	SF_ANA_ZERO_WINDOW_PROBE = 1u << 8,     /* tcp.analysis.zero_window_probe */
	SF_ANA_ZERO_WINDOW_PROBE_ACK = 1u << 9, /* tcp.analysis.zero_window_probe_ack */
	SF_ANA_KEEP_ALIVE = 1u << 10,           /* tcp.analysis.keep_alive */
	SF_ANA_KEEP_ALIVE_ACK = 1u << 11,       /* tcp.analysis.keep_alive_ack */
	SF_ANA_WINDOW_UPDATE = 1u << 12,        /* tcp.analysis.window_update */
	SF_ANA_WINDOW_FULL = 1u << 13,          /* tcp.analysis.window_full */
	SF_ANA_REUSED_PORTS = 1u << 14,         /* tcp.analysis.reused_ports */
	SF_ANA__NFLAGS = 15
};

/* Wireshark's tcp.window_size_scalefactor for a side whose scaling is not a shift. */
#define SF_WSCALE_UNKNOWN (-1) /* SYNs not captured: the window is shown unscaled */
#define SF_WSCALE_NONE    (-2) /* the handshake shows scaling is not in use */

/* What analysis says about one packet. Valid until the next sf_analyser_process(). Fields
 * named after Wireshark's are present exactly when Wireshark shows them. */
struct sf_pkt_analysis {
	uint32_t flags;           /* SF_ANA_* bits */
	uint32_t dup_ack_num;     /* tcp.analysis.duplicate_ack_num (0 = absent) */
	uint64_t dup_ack_frame;   /* tcp.analysis.duplicate_ack_frame: the original ACK */
	uint64_t acks_frame;      /* tcp.analysis.acks_frame (0 = absent) */
	int64_t ack_rtt_ns;       /* tcp.analysis.ack_rtt, -1 = absent */
	int64_t initial_rtt_ns;   /* tcp.analysis.initial_rtt, -1 = absent */
	int64_t rto_ns;           /* tcp.analysis.rto (retransmissions), -1 = absent */
	uint64_t rto_frame;       /* tcp.analysis.rto_frame */
	uint32_t bytes_in_flight; /* tcp.analysis.bytes_in_flight */
	bool has_bytes_in_flight;
	bool bif_counted; /* bytes in flight were counted (Wireshark's analysis record exists), even
	                     when the peer's SACK blocks leave none to show */
	bool karn_skipped;       /* the ACK acknowledged a retransmitted segment: no RTT sample */
	int32_t win_scalefactor; /* tcp.window_size_scalefactor: 1<<shift, or SF_WSCALE_* */
	uint32_t window;         /* tcp.window_size: the window after scaling (raw if unknown) */
	uint32_t rel_nxtseq;     /* tcp.nxtseq */
	/* the packet carries a D-SACK (RFC 2883) for retransmissions of the peer not reported
	 * before: the first one's frame, whose bytes the receiver got twice (spurious, RFC 3708);
	 * 0 = none */
	uint64_t dsack_frame;
};

/* Per-direction figures of a connection (32-bit packet counters keep the figures in four cache
 * lines). dir[0] = sent by the client, dir[1] by the server. The RTT accumulators, which most
 * ACKs update, sit 24 bytes in, so that each direction's lie in one cache line of a 64-byte
 * aligned struct sf_conn_analysis. */
struct sf_ana_dir {
	uint64_t retrans_bytes; /* payload bytes of the packets counted in retrans_pkts */
	uint32_t retrans_pkts;  /* segments flagged retransmission, fast or spurious */
	uint32_t fast_retrans;
	uint32_t spurious_retrans;
	uint32_t out_of_order;
	/* RTT of this side's data: data segment → the peer's ACK (Karn's rule: never from a
	 * retransmitted segment, RFC 6298 §3). */
	int64_t rtt_min_ns, rtt_max_ns; /* valid when rtt_samples > 0 */
	double rtt_sum_ns, rtt_sumsq_ns;
	uint32_t rtt_samples;
	uint32_t lost_segments; /* "previous segment not captured" */
	uint32_t ack_lost;      /* "ACKed unseen segment" */
	uint32_t dup_acks;
	uint32_t zero_windows; /* zero-window advertisements */
	uint32_t zero_window_probes;
	uint32_t keep_alives;
	uint32_t window_full;
	uint32_t window_updates;
	uint32_t max_bytes_in_flight;
	uint32_t max_window; /* largest window advertised (after scaling) */
	/* retransmissions of this side that the peer reported receiving twice with a D-SACK
	 * (RFC 2883, RFC 3708): the retransmission was not needed */
	uint32_t dsack_spurious;
};

struct sf_conn_analysis {
	struct sf_ana_dir dir[2];
	int64_t initial_rtt_ns; /* tcp.analysis.initial_rtt: last SYN → first pure ACK; -1 */
};

/* Mean and standard deviation (population) of a direction's RTT samples; 0 when none. */
double sf_ana_rtt_avg_ns(const struct sf_ana_dir *d);
double sf_ana_rtt_stdev_ns(const struct sf_ana_dir *d);

/* Wireshark's field name of a flag bit ("tcp.analysis.retransmission"), NULL if not one bit. */
const char *sf_ana_flag_field(uint32_t bit);
/* The info-column label Wireshark prints for a flag ("TCP Retransmission"), or NULL. */
const char *sf_ana_flag_label(uint32_t bit);
/* Writes the labels of a packet as Wireshark prefixes them to the info column, in its
 * order ("[TCP Dup ACK 12#2] " …). Returns the length (like snprintf). */
int sf_ana_format_labels(const struct sf_pkt_analysis *a, char *buf, size_t len);

/* Tunables (Wireshark's defaults). */
struct sf_ana_cfg {
	int64_t ooo_default_ns; /* out-of-order window without an initial RTT (3 ms) */
	int64_t fast_rt_ns;     /* fast retransmission within this of the last dup ACK (20 ms) */
	uint32_t max_unacked;   /* segments remembered per direction (Wireshark: 10000) */
	bool correct;           /* apply synfin's corrections of Wireshark (default true) */
};
void sf_ana_cfg_default(struct sf_ana_cfg *cfg);

struct sf_analyser;

struct sf_analyser *sf_analyser_new(const struct sf_ana_cfg *cfg, char *err, size_t errlen);
/* Optional: the analyser will soon write [p, p + bytes), pages of its per-connection state not
 * yet touched (asked for a chunk ahead of use), as struct sf_track_hooks.pages. */
void sf_analyser_set_pages(struct sf_analyser *a, void (*pages)(void *self, void *p, size_t bytes),
                           void *self);
/* Analyses one tracked packet (c and trk as sf_tracker_process returned them). */
void sf_analyser_process(struct sf_analyser *a, struct sf_packet *pkt, const struct sf_conn *c,
                         const struct sf_pkt_track *trk, struct sf_pkt_analysis *out);
/* Starts fetching the state of a slot whose packet is about to be analysed (the tracker's
 * found hook): the memory round trip then overlaps the tracker's own work. */
void sf_analyser_prefetch(const struct sf_analyser *a, uint32_t slot);
/* The running figures of a live connection (also inside the conn_closed callback, until
 * sf_analyser_conn_end), gathered into *buf, which is returned; NULL for a connection the
 * analyser has not seen. A copy: the analyser keeps them in a more compact form. */
const struct sf_conn_analysis *sf_analyser_conn(const struct sf_analyser *a,
                                                const struct sf_conn *c,
                                                struct sf_conn_analysis *buf);
/* Releases a connection's state (call after the sinks saw conn_closed). */
void sf_analyser_conn_end(struct sf_analyser *a, const struct sf_conn *c);
/* The same by record slot (sf_conn_slot), for a record already gone from the tracker. */
void sf_analyser_slot_end(struct sf_analyser *a, uint32_t slot);

struct sf_ana_stats {
	uint64_t packets;                     /* packets analysed */
	uint64_t flag_counts[SF_ANA__NFLAGS]; /* packets per flag, like tshark -z expert */
	uint64_t live;                        /* connection states in use */
	uint64_t seg_overflow;                /* segments not remembered (max_unacked reached) */
	uint64_t counts_lost; /* flags not counted per connection (no memory for its counters) */
};
void sf_analyser_stats(const struct sf_analyser *a, struct sf_ana_stats *st);
void sf_analyser_free(struct sf_analyser *a);

#endif
