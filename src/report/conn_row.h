/* synfin — one finished connection as the connection views print it.
 *
 * A row is a compact, self-contained copy of what the tracker computed about a connection: no
 * pointer into the tracker's pool (names point to static tables only), so a row can outlive its
 * connection. `synfin conns --order stream` keeps rows until the end of the run; the default
 * order writes each row as its connection ends (as Zeek's conn.log does) and keeps none.
 *
 * The formatters (conn_fmt.c) read only this struct: table, JSON lines, CSV and Zeek conn.log.
 */
#ifndef SYNFIN_REPORT_CONN_ROW_H
#define SYNFIN_REPORT_CONN_ROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "synfin/packet.h"

#define SF_ROW_HISTORY_MAX 32 /* Zeek history letters kept (Zeek logs at most a few dozen) */

enum { SF_ROW_CLIENT = 0, SF_ROW_SERVER = 1 };

/* The vocabulary of the views (issue "Connection tracking", §3): the row filler maps the
 * tracker's kinds to exactly these names, which are the stable values of the JSON "open" and
 * "close" keys. */
#define SF_ROW_OPEN_THREE_WAY    "three-way"
#define SF_ROW_OPEN_SIMULTANEOUS "simultaneous-open"
#define SF_ROW_OPEN_SYN_RETRIED  "syn-retried"
#define SF_ROW_OPEN_REFUSED      "refused"
#define SF_ROW_OPEN_UNANSWERED   "unanswered"
#define SF_ROW_OPEN_SYNACK_ONLY  "synack-only"
#define SF_ROW_OPEN_MIDSTREAM    "midstream"

#define SF_ROW_CLOSE_FOUR_WAY     "four-way"
#define SF_ROW_CLOSE_THREE_WAY    "three-way"
#define SF_ROW_CLOSE_SIMULTANEOUS "simultaneous"
#define SF_ROW_CLOSE_HALF         "half-close"
#define SF_ROW_CLOSE_RST          "rst-abort"
#define SF_ROW_CLOSE_UNTERMINATED "unterminated"

/* Per-direction counters and options; index SF_ROW_CLIENT / SF_ROW_SERVER. */
struct sf_row_side {
	uint64_t pkts;           /* TCP packets sent by this side */
	uint64_t bytes;          /* TCP payload bytes sent (sum of tcp.len) */
	uint64_t ip_bytes;       /* IP bytes sent (IP total lengths), as Zeek's *_ip_bytes */
	int32_t mss;             /* MSS option of its SYN, -1 when absent */
	int8_t wscale;           /* window-scale shift of its SYN, -1 when absent */
	bool sack_perm;          /* SACK-permitted in its SYN */
	bool ts;                 /* timestamps in its SYN */
	const char *final_state; /* RFC 9293 state at the end ("TIME-WAIT") */
	const char *init_state;  /* RFC 9293 state before the first packet (sf_conn.init_state) */
};

/* Sequence analysis of one direction (what this side sent; RTT of this side's data, measured
 * from a data segment to the peer's ACK of it, never from a retransmitted segment — Karn's
 * rule, RFC 6298 §3). Filled from struct sf_conn_analysis when analysis is on. */
struct sf_row_ana {
	uint64_t retrans_bytes;    /* payload bytes of retrans_pkts */
	uint32_t retrans_pkts;     /* retransmission, fast or spurious (each counted once) */
	uint32_t fast_retrans;     /* of which fast retransmissions */
	uint32_t spurious_retrans; /* of which spurious */
	uint32_t dsack_spurious;   /* retransmissions the peer reported twice received (D-SACK) */
	uint32_t out_of_order;
	uint32_t lost_segments; /* "previous segment not captured" before a segment of this side */
	uint32_t ack_unseen;    /* "ACKed unseen segment": this side acknowledged uncaptured data */
	uint32_t dup_acks;      /* duplicate ACKs this side sent */
	uint32_t zero_windows;  /* zero-window advertisements */
	uint32_t zero_window_probes;
	uint32_t keep_alives;
	uint32_t window_full;
	uint32_t window_updates;
	uint32_t max_bytes_in_flight;
	uint32_t max_window; /* largest window advertised, after scaling */
	uint32_t rtt_samples;
	int64_t rtt_min_ns, rtt_avg_ns, rtt_max_ns, rtt_stdev_ns; /* -1 without samples */
};

/* Members go from the widest alignment to the narrowest so that the row has no padding: with
 * --order stream one row per connection is kept until the end of the run. */
struct sf_conn_row {
	uint64_t stream;   /* tcp.stream */
	int64_t start_sec; /* first packet of the connection */
	int64_t end_sec;   /* last packet of the connection */
	uint64_t first_frame, last_frame;
	const char *open_kind;  /* "three-way", "simultaneous-open", … (static) */
	const char *close_kind; /* "four-way", "rst-abort", … (static) */
	const char *closer;     /* who sent the first FIN: "client", "server", "both"
	                         * (simultaneous close) or "" (nobody closed) */
	const char *end_reason; /* why the record ended: "closed", "time-wait-over",
	                         * "settled-in-time-wait", "idle-timeout", "evicted",
	                         * "port-reused", "capture-end" */
	const char *rst_by;     /* "client", "server" or "" */
	const char *rst_state;  /* state of the resetting side when it sent the RST, or "" */
	int64_t rtt_synack_ns;  /* SYN → SYN-ACK at the capture point, -1 unknown */
	int64_t rtt_ack_ns;     /* SYN-ACK → ACK, -1 unknown */
	struct sf_row_side side[2];
	struct sf_row_ana ana[2]; /* per direction, SF_ROW_CLIENT / SF_ROW_SERVER */
	uint32_t start_nsec;
	uint32_t end_nsec;
	uint32_t syn_retries; /* extra SYNs sent by the client */
	uint16_t client_port, server_port;
	bool roles_guessed;    /* no SYN seen: client is a guess (ephemeral port) */
	bool resumed;          /* late packets after the stream's row settled in TIME-WAIT */
	bool port_reused;      /* took the 4-tuple over from an earlier connection (new ISN) */
	bool idle_expired;     /* unterminated because idle past its timeout (not capture end) */
	uint8_t completeness;  /* Wireshark tcp.completeness bitmask */
	bool ecn;              /* ECN negotiated (RFC 3168: SYN with ECE+CWR, SYN-ACK with ECE) */
	bool has_ana;          /* analysis was on: ana[] holds the connection's figures */
	char conn_state[8];    /* Zeek conn_state: "SF", "RSTOS0" … */
	struct sf_addr client; /* client = sender of the first SYN without ACK */
	struct sf_addr server;
	char history[SF_ROW_HISTORY_MAX + 1]; /* Zeek history string, "" when empty */
};

/* ---- adapters from the tracker (conn_row_fill.c: the only file of the views that reads
 * synfin/conn.h, so that a change of the tracker's record touches one file) ---- */
struct sf_conn;
struct sf_pkt_view;
struct sf_xpkt;

/* What the views add to the tracker's record from the packets they see: struct sf_conn has no
 * IP byte counts (Zeek's orig_ip_bytes/resp_ip_bytes) and its closer field means "first FIN,
 * or the RST when no FIN was sent", so the RST sender after a FIN needs the packets. */
struct sf_conn_extra {
	uint64_t ip_bytes[2]; /* IP total lengths sent by client, server */
	int8_t first_fin;     /* SF_ROW_CLIENT/SF_ROW_SERVER: sender of the first FIN; -1 none */
	int8_t rst_by;        /* sender of the RST that closed the connection; -1 none */
	bool fin_seen[2];     /* each side sent a FIN */
};

/* Extras of the live connections, in an array indexed by the tracker's record slot (the slot
 * field of struct sf_pkt_view and struct sf_conn_view): memory follows the peak of live connections
 * (32 bytes each). An entry is emptied when its connection ends. */
struct sf_conn_extras;
struct sf_conn_extras *sf_conn_extras_new(void);
/* Accounts one packet (ignored when it belongs to no connection). -1 when out of memory. */
int sf_conn_extras_packet(struct sf_conn_extras *t, const struct sf_pkt_view *v);
/* Moves the extras of c (at record slot `slot`) into *out and forgets them; false (and *out empty:
 * no bytes, no FIN, no RST) when the view saw no packet of that connection. */
bool sf_conn_extras_take(struct sf_conn_extras *t, const struct sf_conn *c, uint32_t slot,
                         struct sf_conn_extra *out);
void sf_conn_extras_free(struct sf_conn_extras *t);
/* Prefetch hint for the extras at slot (struct sf_sink.prefetch). */
void sf_conn_extras_prefetch(const struct sf_conn_extras *t, uint32_t slot);

/* Copies what the views print about a finished connection into *r. e may be NULL: IP bytes are
 * then 0, and after a FIN the RST sender is unknown (""). */
void sf_conn_row_fill(struct sf_conn_row *r, const struct sf_conn *c,
                      const struct sf_conn_extra *e);
/* Copies the analysis figures of the connection into r->ana (r->has_ana = true); a NULL a
 * leaves has_ana false and the figures zero (-1 for the RTTs). */
struct sf_conn_analysis;
void sf_conn_row_fill_ana(struct sf_conn_row *r, const struct sf_conn_analysis *a);
/* tcp.stream of a connection. */
uint64_t sf_conn_row_stream(const struct sf_conn *c);
/* True when a display filter (-Y) was given and neither any packet of the connection nor its
 * final record matched it: views leave such a connection out. */
bool sf_conn_row_filtered_out(const struct sf_conn *c);
/* The packet record explain keeps (direction, relative numbers, state changes); false when
 * the packet belongs to no connection. */
bool sf_xpkt_fill(struct sf_xpkt *x, const struct sf_pkt_view *v);

/* ---- plumbing shared by the connection views as sinks (conn_view_base.c) ---- */
struct sf_outbuf;
struct sf_conn_view;

/* Sets up the output (ob on out, a buffer of cap bytes) and an empty extras table *t: 0, or
 * -1 when out of memory with nothing left allocated. */
int sf_conn_view_base_init(struct sf_outbuf *ob, size_t cap, struct sf_conn_extras **t, FILE *out);
/* Frees what sf_conn_view_base_init set up (the stream itself is the caller's). */
void sf_conn_view_base_free(struct sf_outbuf *ob, struct sf_conn_extras *t);
/* The row of a finished connection (conn_final), with its extras (taken from t, which frees
 * their slot) and analysis figures; false, *r untouched, when the display filter left the
 * connection out (sf_conn_row_filtered_out). */
bool sf_conn_view_final_row(struct sf_conn_row *r, struct sf_conn_extras *t,
                            const struct sf_conn_view *cv);

/* Nanoseconds from (s0, n0) to (s1, n1). */
int64_t sf_row_ns_between(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1);
/* Duration of the connection in nanoseconds (last packet − first packet). */
int64_t sf_row_duration_ns(const struct sf_conn_row *r);
/* Handshake RTT (SYN → SYN-ACK → ACK) in nanoseconds, -1 when either part is unknown. */
int64_t sf_row_handshake_ns(const struct sf_conn_row *r);
/* Retransmitted packets of both directions. */
uint64_t sf_row_retrans(const struct sf_conn_row *r);

/* Zeek-style connection uid ("C" + base62), derived from the stream index alone so that runs
 * are reproducible and goldens stable; distinct streams give distinct uids. buf needs 24 bytes. */
char *sf_row_uid(uint64_t stream, char *buf, size_t len);

/* The options column: "MSS=1460/1460 WS=7/7 SACK TS ECN" (client/server; '-' absent). */
char *sf_row_options(const struct sf_conn_row *r, char *buf, size_t len);

#endif
