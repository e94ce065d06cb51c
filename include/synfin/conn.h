/* synfin — connection tracking: what each TCP connection was, and what each packet did to it.
 *
 *   sf_packet ─► sf_tracker_process() ─► struct sf_conn     (one per connection, read-only)
 *                                     └► struct sf_pkt_track (one per packet, valid until the next)
 *
 * The tracker keys connections by the canonical 5-tuple (lower address:port first) plus the
 * innermost VLAN id, steps the RFC 9293 state of BOTH endpoints on every packet (the state each
 * side must be in given what the capture point saw it send and receive), numbers streams as
 * Wireshark's tcp.stream does, and summarises each connection's life: how it opened, how it
 * closed, Zeek's conn_state and history, Wireshark's tcp.completeness.
 *
 * Memory: records come from a pool; a finished connection is handed to the caller (the
 * conn_closed callback) and its record is reused, so memory follows the number of live
 * connections, not the length of the capture. Connections are emitted in the order they end
 * (as Zeek's conn.log); a report that wants stream order sorts them itself.
 *
 * Sinks read struct sf_conn and struct sf_pkt_track; only the tracker writes them.
 */
#ifndef SYNFIN_CONN_H
#define SYNFIN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/packet.h"

/* RFC 9293 §3.3.2 connection states, for one endpoint. */
enum sf_tcp_state {
	SF_TCP_CLOSED = 0,
	SF_TCP_LISTEN,
	SF_TCP_SYN_SENT,
	SF_TCP_SYN_RECEIVED,
	SF_TCP_ESTABLISHED,
	SF_TCP_FIN_WAIT_1,
	SF_TCP_FIN_WAIT_2,
	SF_TCP_CLOSE_WAIT,
	SF_TCP_CLOSING,
	SF_TCP_LAST_ACK,
	SF_TCP_TIME_WAIT,
	SF_TCP__STATE_COUNT
};

/* How a connection opened. */
enum sf_open_kind {
	SF_OPEN_UNKNOWN = 0,  /* nothing decisive seen yet */
	SF_OPEN_THREE_WAY,    /* SYN, SYN-ACK, ACK ("three-way") */
	SF_OPEN_SIMULTANEOUS, /* crossing SYNs, RFC 9293 §3.5 figure 8 ("simultaneous-open") */
	SF_OPEN_SYN_RETRIED,  /* three-way after the client resent its SYN ("syn-retried") */
	SF_OPEN_REFUSED,      /* SYN answered by RST ("refused") */
	SF_OPEN_UNANSWERED,   /* SYN(s) and nothing back ("unanswered") */
	SF_OPEN_SYNACK_ONLY,  /* a SYN-ACK without the SYN before it ("synack-only") */
	SF_OPEN_MIDSTREAM,    /* first packet carried no SYN: picked up mid-stream ("midstream") */
	SF_OPEN__COUNT
};

/* How a connection closed. */
enum sf_close_kind {
	SF_CLOSE_NONE = 0,     /* still open (only seen on live records) */
	SF_CLOSE_FOUR_WAY,     /* FIN, ACK, FIN, ACK ("four-way") */
	SF_CLOSE_THREE_WAY,    /* FIN, FIN+ACK merged, ACK ("three-way") */
	SF_CLOSE_SIMULTANEOUS, /* FINs crossed: CLOSING on both sides ("simultaneous") */
	SF_CLOSE_HALF_CLOSE,   /* data flowed after the first FIN, then both FINs ("half-close") */
	SF_CLOSE_RST_ABORT,    /* a RST ended it; see closer and rst_state ("rst-abort") */
	SF_CLOSE_UNTERMINATED, /* capture ended or idle timeout before the close ("unterminated") */
	SF_CLOSE__COUNT
};

/* Which side did something first. */
enum sf_side { SF_SIDE_NONE = 0, SF_SIDE_CLIENT, SF_SIDE_SERVER };

/* Why a record was finalised (unterminated connections say which). */
enum sf_end_reason {
	SF_END_CLOSED = 0,  /* both sides closed or reset and the linger time passed */
	SF_END_TIME_WAIT,   /* TIME-WAIT (2×MSL of capture time) ran out */
	SF_END_IDLE,        /* idle timeout of its state */
	SF_END_EVICTED,     /* the table was full and this was the oldest idle connection */
	SF_END_REUSED,      /* a new incarnation took over the 4-tuple */
	SF_END_CAPTURE_END, /* the capture ended (flush) */
	SF_END_SETTLED      /* closed, quiet for the closed linger and a side still in TIME-WAIT:
	                       the record is written, TIME-WAIT runs on in a compact record until
	                       2×MSL (a late packet resumes the stream in a new record) */
};

/* Wireshark's tcp.completeness bits (packet-tcp.c, Wireshark ≥ 3.6). */
enum {
	SF_COMPL_SYN = 1,
	SF_COMPL_SYNACK = 2,
	SF_COMPL_ACK = 4,
	SF_COMPL_DATA = 8,
	SF_COMPL_FIN = 16,
	SF_COMPL_RST = 32
};

/* Zeek's conn_state (base/protocols/conn/main.zeek). */
enum sf_zeek_state {
	SF_ZEEK_OTH = 0,
	SF_ZEEK_S0,
	SF_ZEEK_S1,
	SF_ZEEK_SF,
	SF_ZEEK_REJ,
	SF_ZEEK_S2,
	SF_ZEEK_S3,
	SF_ZEEK_RSTO,
	SF_ZEEK_RSTR,
	SF_ZEEK_RSTOS0,
	SF_ZEEK_RSTRH,
	SF_ZEEK_SH,
	SF_ZEEK_SHR,
	SF_ZEEK__COUNT
};

/* Options one side offered in its SYN / SYN-ACK. */
struct sf_side_opts {
	uint16_t mss;          /* 0 = no MSS option */
	int8_t wscale;         /* shift; -1 = no window-scale option */
	uint8_t sack_perm : 1; /* SACK-permitted (RFC 2018) */
	uint8_t ts : 1;        /* timestamps (RFC 7323) */
	uint8_t ecn_setup : 1; /* SYN with ECE+CWR, or SYN-ACK with ECE (RFC 3168 §6.1.1) */
	uint8_t tfo : 1;       /* TCP Fast Open option */
	uint8_t seen : 1;      /* this side's SYN or SYN-ACK was seen */
};

#define SF_CONN_HISTORY_LEN 15 /* Zeek history letters kept (Zeek itself caps nothing) */

/* One endpoint state change. The frame is conn->first_frame + frame_delta. Transitions are
 * reported per packet (struct sf_pkt_track), not kept in the connection record: a consumer
 * that wants a connection's whole story (explain) collects them as its packets go by, so the
 * record stays small (≤ 256 bytes per live connection, issue 3 §1). */
struct sf_trans {
	uint32_t frame_delta;
	uint8_t side; /* enum sf_side: SF_SIDE_CLIENT or SF_SIDE_SERVER */
	uint8_t from; /* enum sf_tcp_state */
	uint8_t to;   /* enum sf_tcp_state */
};

/* One tracked connection. Client = sender of the first SYN without ACK; with no such SYN the
 * roles are guessed (SYN-ACK receiver, else higher/ephemeral port) and roles_guessed is set.
 * Index [0] of two-element arrays is the client, [1] the server. */
struct sf_conn {
	uint64_t stream;            /* tcp.stream, numbered as Wireshark numbers it */
	uint64_t first_frame;       /* frame number of the first packet */
	uint64_t last_frame;        /* frame number of the last packet */
	int64_t start_ns;           /* capture time of the first packet, ns since the epoch */
	int64_t last_ns;            /* capture time of the last packet */
	struct sf_addr addr[2];     /* client, server */
	uint16_t port[2];           /* client, server */
	uint16_t vlan;              /* innermost VLAN id, 0 = untagged (or VLANs ignored) */
	uint8_t state[2];           /* enum sf_tcp_state of client, server now (or at the end) */
	uint8_t open_kind;          /* enum sf_open_kind */
	uint8_t close_kind;         /* enum sf_close_kind */
	uint8_t closer;             /* enum sf_side: who sent the first FIN (or the ending RST) */
	uint8_t rst_state;          /* for rst-abort: the resetting side's state when it sent RST */
	uint8_t end_reason;         /* enum sf_end_reason, valid once conn_closed was called */
	uint8_t syn_retries;        /* extra client SYNs with the same ISN (saturates at 255) */
	uint8_t synack_retries;     /* extra server SYN-ACKs (saturates at 255) */
	uint8_t completeness;       /* SF_COMPL_* bits, as Wireshark's tcp.completeness */
	uint8_t roles_guessed : 1;  /* no client SYN seen: roles come from a heuristic */
	uint8_t time_wait_seen : 1; /* some side entered TIME-WAIT */
	uint8_t time_wait_end : 1;  /* a side was still in TIME-WAIT when the record ended */
	uint8_t port_reused : 1;    /* this incarnation started by taking over an earlier 4-tuple */
	uint8_t data_after_fin : 1; /* payload flowed after the first FIN (half-close) */
	uint8_t filtered_out : 1;   /* a display filter (-Y) is set and neither a packet of this
	                               connection nor its final record matched it; views skip
	                               such records. Always 0 without a filter. Written by the
	                               pipeline's filter step, the only field not the tracker's */
	uint8_t resumed : 1;        /* late packets of a connection whose row was written when it
	                               settled in TIME-WAIT (SF_END_SETTLED): same stream, states
	                               carried over, open kind midstream */
	uint8_t zeek_state;         /* enum sf_zeek_state, set when the record ends */
	uint16_t n_events;          /* tracking events raised on this connection */
	uint8_t init_state[2];      /* enum sf_tcp_state of client, server before the first packet:
	                               a side's transitions start from it. The receiver of the first
	                               SYN is taken to be in LISTEN until it answers: a SYN-ACK
	                               confirms it, a RST or a SYN of its own means no listener
	                               (CLOSED, RFC 9293 §3.10.7.1, §3.10.1) */
	uint32_t isn[2];   /* client, server ISN (raw; valid when the side's SYN was seen) */
	uint32_t pkts[2];  /* packets sent by client, server */
	uint64_t bytes[2]; /* TCP payload bytes (tcp.len) sent by client, server */
	int64_t rtt_syn_synack_ns; /* first SYN → first SYN-ACK; -1 when not seen */
	int64_t rtt_synack_ack_ns; /* SYN-ACK → the client's ACK completing the handshake; -1 */
	struct sf_side_opts opts[2];
	char history[SF_CONN_HISTORY_LEN + 1]; /* Zeek history, NUL-terminated */
};

#define SF_TRK_MAX_TRANS 4 /* transitions one packet can cause (sender and receiver) */

/* What tracking says about one packet. Valid until the next sf_tracker_process(). */
struct sf_pkt_track {
	bool from_client;    /* direction */
	bool new_conn;       /* this packet created the connection record */
	bool port_reuse;     /* ... by taking over a 4-tuple (tcp.analysis.reused_ports) */
	uint32_t rel_seq;    /* tcp.seq: seq - sender ISN (ISN → 0, as Wireshark) */
	uint32_t rel_ack;    /* tcp.ack: ack - receiver ISN; the raw field without ACK */
	uint32_t rel_nxtseq; /* tcp.nxtseq: rel_seq + len, +1 once for SYN or FIN (Wireshark) */
	uint8_t n_trans;
	struct sf_trans trans[SF_TRK_MAX_TRANS]; /* frame_delta relative to conn->first_frame */
	uint8_t n_events;
	uint16_t events[4]; /* tracking events raised by this packet (also on the packet) */
};

/* Idle timeouts, one per state class, in capture time (nanoseconds). Indexed by
 * enum sf_track_timeout; defaults in sf_track_cfg_default(). */
enum sf_track_timeout {
	SF_TO_SYN_SENT = 0, /* only SYN(s) seen */
	SF_TO_SYN_RECEIVED, /* SYN-ACK seen, handshake not complete */
	SF_TO_ESTABLISHED,  /* data transfer */
	SF_TO_CLOSING,      /* FIN-WAIT-1/2, CLOSE-WAIT, CLOSING, LAST-ACK */
	SF_TO_CLOSED,       /* both sides closed or reset: linger for late packets */
	SF_TO_MIDSTREAM,    /* picked up mid-stream */
	SF_TO__COUNT
};

struct sf_track_cfg {
	uint32_t max_conns;               /* cap on live connections (default 1,000,000) */
	int64_t msl_ns;                   /* maximum segment lifetime; TIME-WAIT lasts 2×MSL */
	int64_t timeout_ns[SF_TO__COUNT]; /* idle timeouts by state class */
	bool ignore_vlan; /* key connections on addresses and ports alone, as tshark does: the
	                     two directions of a connection may carry different VLAN ids */
};

/* Fills cfg with the defaults: max_conns 1,000,000; MSL 30 s so TIME-WAIT lasts 60 s (Linux's
 * fixed TCP_TIMEWAIT_LEN); timeouts as nf_conntrack_proto_tcp.c / Zeek. */
void sf_track_cfg_default(struct sf_track_cfg *cfg);

/* Counters of the tracker. */
struct sf_track_stats {
	uint64_t live;       /* records in use now */
	uint64_t peak;       /* highest live */
	uint64_t created;    /* records created */
	uint64_t closed;     /* finished normally (closed, TIME-WAIT over) */
	uint64_t expired;    /* ended by an idle timeout */
	uint64_t evicted;    /* ended because the table was full */
	uint64_t reused;     /* ended by port reuse */
	uint64_t flushed;    /* still live at the end of the capture */
	uint64_t events;     /* tracking events raised */
	uint64_t settled;    /* of closed: written while a side was in TIME-WAIT (SF_END_SETTLED) */
	uint64_t resumed;    /* records that resumed a settled connection on a late packet */
	uint64_t tombs_live; /* settled connections still in TIME-WAIT (compact records) */
	uint64_t tombs_peak; /* highest tombs_live */
	uint64_t tombs_dropped; /* compact records dropped before 2×MSL: more than max_conns */
	size_t bytes_per_tomb;  /* a compact TIME-WAIT record, its index share included */
	size_t bytes_per_conn;  /* record (links included) + its share of the index, measured */
	size_t bytes_reserved;  /* pool + table bytes currently allocated */
};

/* Called when a record is created and when it ends (the record is freed after end returns). */
struct sf_track_hooks {
	void *self;
	void (*opened)(void *self, const struct sf_conn *c);
	void (*closed)(void *self, const struct sf_conn *c);
	/* Optional: the packet's existing record was found (its sf_conn_slot), before the
	 * tracker steps it, so a later layer can start fetching its own state for that slot. */
	void (*found)(void *self, uint32_t slot);
	/* Optional: the record at slot is about to end (expiry reaches it next, or capture end a
	 * few records later), so a later layer can start fetching what ending it reads (the
	 * state a row is written from). */
	void (*ending)(void *self, uint32_t slot);
	/* Optional: the tracker will soon write [p, p + bytes), pages of its record pool not yet
	 * touched (asked for a huge page ahead of use). The hook may have them taken on another
	 * thread (madvise MADV_POPULATE_WRITE), sparing the tracking thread the kernel's clearing
	 * of them; it must not write them. */
	void (*pages)(void *self, void *p, size_t bytes);
};

struct sf_tracker;

/* NULL cfg = defaults. Returns NULL (and a message in err) when out of memory. */
struct sf_tracker *sf_tracker_new(const struct sf_track_cfg *cfg, const struct sf_track_hooks *h,
                                  char *err, size_t errlen);
/* Tracks one decoded TCP packet (pkt->has_tcp must be set). Fills *trk, adds tracking events to
 * pkt, and returns the connection, or NULL when the packet cannot be tracked (no TCP header).
 * Expiry runs first, at the packet's capture time. */
const struct sf_conn *sf_tracker_process(struct sf_tracker *t, struct sf_packet *pkt,
                                         struct sf_pkt_track *trk);
/* The same, for a packet whose hash (sf_tracker_hash) is already known. */
const struct sf_conn *sf_tracker_process_hashed(struct sf_tracker *t, struct sf_packet *pkt,
                                                uint32_t hash, struct sf_pkt_track *trk);
/* Hints for a packet that will be tracked soon, so that its memory is fetched while earlier
 * packets are processed (a pipeline reading ahead): they change nothing. sf_tracker_hash gives
 * the packet's table hash (0 when it has no TCP header); prefetch_index asks for the index
 * line of that hash (and for a SYN, which may start a connection, the line of the compact
 * TIME-WAIT records' index that a miss then reads); prefetch_conn (later: it reads that
 * line) asks for the record it points to and returns its slot (sf_conn_slot) or UINT32_MAX. */
uint32_t sf_tracker_hash(const struct sf_packet *pkt);
void sf_tracker_prefetch_index(const struct sf_tracker *t, const struct sf_packet *pkt,
                               uint32_t hash);
uint32_t sf_tracker_prefetch_conn(const struct sf_tracker *t, uint32_t hash);
/* For a packet that will start a connection (a SYN that prefetch_conn did not name): asks for
 * the record the tracker will give it (the one freed last, or the pool's next) and returns
 * its slot, or UINT32_MAX. */
uint32_t sf_tracker_prefetch_new(const struct sf_tracker *t);
/* Ends every connection idle past its timeout at capture time now_ns. */
void sf_tracker_expire(struct sf_tracker *t, int64_t now_ns);
/* Ends every live connection (capture end): unterminated ones say so. */
void sf_tracker_flush(struct sf_tracker *t);
/* The same end in parts, for a caller that ends the records on two threads and reports them
 * itself: the closed hook is not called. flush_list returns the live records' slots in the
 * order sf_tracker_flush ends them (*n of them), or NULL when there are none or memory runs
 * out (then call sf_tracker_flush). flush_one ends one of them and returns its final record;
 * it touches that record only, so two threads may end distinct records at once, and
 * prefetch_record asks for a record a few ahead. flush_done counts them all, empties the
 * table and frees the list. */
uint32_t *sf_tracker_flush_list(struct sf_tracker *t, size_t *n);
void sf_tracker_prefetch_record(const struct sf_tracker *t, uint32_t slot);
const struct sf_conn *sf_tracker_flush_one(struct sf_tracker *t, uint32_t slot);
void sf_tracker_flush_done(struct sf_tracker *t, uint32_t *list, size_t n);
void sf_tracker_stats(const struct sf_tracker *t, struct sf_track_stats *st);
void sf_tracker_free(struct sf_tracker *t);

/* Names. RFC 9293 spelling for states ("SYN-RECEIVED"); kinds as in the comments above. */
const char *sf_conn_state_name(enum sf_tcp_state s);
const char *sf_open_kind_name(enum sf_open_kind k);
const char *sf_close_kind_name(enum sf_close_kind k);
const char *sf_side_name(enum sf_side s);
const char *sf_end_reason_name(enum sf_end_reason r);
const char *sf_zeek_state_name(enum sf_zeek_state z); /* "S0", "SF", "RSTOS0" … */

/* A live connection's summary as known so far: the open kind, close kind, closer and Zeek
 * conn_state it has after the packets seen until now. The close kind stays SF_CLOSE_NONE until
 * both FINs or a RST were seen (never "unterminated": that is decided when the record ends).
 * Only for records the tracker handed out and still holds (during a packet's processing); a
 * record given to conn_closed carries its final summary in its own fields. */
struct sf_conn_now {
	uint8_t open_kind;  /* enum sf_open_kind */
	uint8_t close_kind; /* enum sf_close_kind */
	uint8_t closer;     /* enum sf_side */
	uint8_t zeek_state; /* enum sf_zeek_state */
};
void sf_conn_now(const struct sf_conn *c, struct sf_conn_now *out);

/* Absolute frame number of a transition. */
static inline uint64_t sf_trans_frame(const struct sf_conn *c, const struct sf_trans *t)
{
	return c->first_frame + t->frame_delta;
}

/* The connection's record index: stable while the connection lives, below the number of
 * records the tracker ever had live at once, reused after the connection ends. Later layers
 * (analysis) index parallel per-connection state by it instead of growing struct sf_conn. */
uint32_t sf_conn_slot(const struct sf_conn *c);

/* Records a Zeek history letter that a later layer detects (t retransmission, g gap, c bad
 * checksum, w zero window): upper case when from_client. c, g, t and w are log-scaled as Zeek
 * does (written at the 1st, 10th, 100th … occurrence). For the analysis layer only. */
void sf_conn_history_scaled(struct sf_conn *c, bool from_client, char letter);

#endif
