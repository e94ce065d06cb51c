/* synfin — the pipeline: source ─► decode ─► track ─► analyse ─► filter ─► sinks.
 *
 * One struct sf_pipeline holds all state of a run (no globals): two pipelines can run in one
 * process. Offline and live sources drive the very same pipeline. Reports are sinks: they
 * receive events and never reach back into the pipeline.
 */
#ifndef SYNFIN_PIPELINE_H
#define SYNFIN_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/decode.h"
#include "synfin/event.h"
#include "synfin/packet.h"
#include "synfin/source.h"

struct sf_conn;         /* synfin/conn.h: a tracked connection */
struct sf_pkt_track;    /* synfin/conn.h: what tracking says about one packet */
struct sf_pkt_analysis; /* synfin/analysis.h: sequence analysis of one packet */
struct sf_track_cfg;    /* synfin/conn.h: tracker limits and timeouts */
struct sf_filter;       /* synfin/filter.h: a compiled display filter */
struct sf_eval_ctx;     /* synfin/fields.h: frame times of the run */

/* Everything known about one packet, as sinks and filters see it. */
struct sf_pkt_view {
	const struct sf_packet *pkt;       /* decoded packet; pkt->frame is the frame */
	const struct sf_conn *conn;        /* its connection, or NULL (not TCP / tracking off) */
	const struct sf_pkt_track *trk;    /* per-packet tracking annotation, or NULL */
	const struct sf_pkt_analysis *ana; /* per-packet analysis, or NULL */
	/* The run's first frame and the previous frame, whether shown or not: what
	 * frame.time_relative / time_delta and relative time columns need when a display filter
	 * hides packets (sinks see only the shown ones). NULL outside a pipeline. */
	const struct sf_eval_ctx *ectx;
	/* conn's record slot (sf_conn_slot): sinks that keep per-connection state index arrays
	 * by it instead of hashing the stream number. 0 when conn is NULL. */
	uint32_t slot;
};

/* Everything known about a finished connection, as sinks see it in conn_final: the tracker's
 * final record and, when analysis is on, the connection's final analysis figures. */
struct sf_conn_analysis; /* synfin/analysis.h: per-connection analysis figures */
struct sf_conn_view {
	const struct sf_conn *conn;         /* the tracker's final record */
	const struct sf_conn_analysis *ana; /* final figures, or NULL (analysis off) */
	uint32_t slot;                      /* conn's record slot, as in struct sf_pkt_view */
};

/* A file-level notice: an input that broke, or a per-file summary line. */
enum sf_notice_kind {
	SF_NOTICE_FILE_ERROR = 1, /* reading stopped early: text names file and frame */
	SF_NOTICE_LINK_SKIPPED,   /* frames of a link type synfin does not decode */
	SF_NOTICE_INFO
};
struct sf_notice {
	enum sf_notice_kind kind;
	const char *file; /* file name as given */
	uint64_t frame;   /* file frame number concerned (0 = none) */
	int linktype;     /* for SF_NOTICE_LINK_SKIPPED */
	uint64_t count;   /* for SF_NOTICE_LINK_SKIPPED: frames skipped */
	const char *text; /* the complete human message */
};

/* Counters of a run. */
struct sf_run_stats {
	uint64_t frames;               /* frames read */
	uint64_t bytes;                /* captured bytes read */
	uint64_t files;                /* inputs opened */
	uint64_t file_errors;          /* inputs that broke before their end */
	uint64_t link_skipped;         /* frames of undecoded link types */
	uint64_t non_ip;               /* decoded link frames that are not IP (ARP, LLDP …) */
	uint64_t ipv4, ipv6;           /* IP packets by version */
	uint64_t fragments;            /* non-first IP fragments (transport not decoded) */
	uint64_t tcp;                  /* packets with a decoded TCP header */
	uint64_t by_ipproto[256];      /* IP packets by final protocol number */
	uint64_t events[SF_EV__COUNT]; /* packet events by kind */
	uint64_t packets_shown;        /* packets handed to sinks (after the display filter) */
	int64_t first_ts_sec, last_ts_sec;
	uint32_t first_ts_nsec, last_ts_nsec;
	bool have_ts;
	/* connection tracking (all zero when tracking is off); final after sf_pipeline_finish */
	struct {
		uint64_t created;        /* connections tracked */
		uint64_t peak;           /* most connections live at once */
		uint64_t closed;         /* ended by their close (TIME-WAIT or linger over) */
		uint64_t expired;        /* ended by an idle timeout */
		uint64_t evicted;        /* ended because the table was full (--max-conns) */
		uint64_t reused;         /* ended because a new SYN took the 4-tuple over */
		uint64_t flushed;        /* still open when the input ended */
		uint64_t settled;        /* of closed: written while in TIME-WAIT, kept compact */
		uint64_t resumed;        /* settled connections a late packet brought back */
		uint64_t tombs_peak;     /* most settled connections in TIME-WAIT at once */
		uint64_t tombs_dropped;  /* compact TIME-WAIT records dropped early (--max-conns) */
		uint64_t bytes_per_conn; /* memory per tracked connection */
	} conns;
	/* Where the time went, in nanoseconds (synfin --timing). When a file is read on a second
	 * thread (cfg.read_thread, a regular file), that thread reads and decodes while this one
	 * tracks, analyses and feeds the sinks; each one's work is its CPU time less what it
	 * used while waiting for the other. Summed over such files; 0 without them. */
	struct {
		uint64_t threaded_files; /* files read on a second thread */
		int64_t read_work_ns;    /* reading thread: frames, pages, rows put aside */
		int64_t read_pages_ns;   /* of which taking pages for the tables (elapsed) */
		int64_t read_spare_ns;   /* of which output put aside by this thread (elapsed) */
		int64_t read_wait_ns;  /* reading thread: waiting for room in the ring (elapsed) */
		int64_t main_work_ns;  /* this thread meanwhile: tracking, analysis, sinks */
		int64_t main_wait_ns;  /* this thread: waiting for frames (elapsed) */
		int64_t main_spare_ns; /* this thread: put-aside output instead of waiting */
		int64_t end_ns;        /* capture end: live connections ended, rows (elapsed) */
	} times;
};

/* A sink: a report, or anything else that consumes the pipeline's events. Any callback may be
 * NULL. Callbacks must not keep pointers past their return. */
struct sf_sink {
	void *self;
	void (*packet)(void *self, const struct sf_pkt_view *v);
	void (*conn_opened)(void *self, const struct sf_conn *c);
	void (*conn_closed)(void *self, const struct sf_conn *c); /* final: record is complete */
	/* The same event with the connection's analysis figures beside its record: a view that
	 * reports them sets this instead of conn_closed. Called after every sink's conn_closed
	 * (the figures are released right after). */
	void (*conn_final)(void *self, const struct sf_conn_view *v);
	void (*notice)(void *self, const struct sf_notice *n);
	void (*end)(void *self, const struct sf_run_stats *st);
	/* Optional hint: a packet of the connection at record slot `slot` (struct sf_pkt_view)
	 * comes in a moment, so a sink that keeps per-slot state may start fetching it. Changes
	 * nothing: the packet may belong to another connection by then, or never come. */
	void (*prefetch)(void *self, uint32_t slot);
	/* Optional, both or neither: capture end on two threads (read_thread on, no filter, this
	 * the only sink with conn_final and none with conn_closed). The live connections are cut
	 * into runs in the order they end; two lanes (0 and 1) take runs in turn. final_into
	 * puts the row of one connection into the sink's buffer for that lane, from that lane's
	 * thread, touching nothing that another connection's call touches; final_write, called
	 * for one lane at a time in the order of the runs, writes the lane's buffer out and
	 * empties it. conn_final is not called for those connections. */
	void (*final_into)(void *self, unsigned lane, const struct sf_conn_view *v);
	void (*final_write)(void *self, unsigned lane);
	/* Optional, both or neither: output put aside for the reading thread. While a file is
	 * read on a second thread (read_thread on, a regular file), the pipeline calls
	 * defer(self, true) before the file's first frame and defer(self, false) after its last,
	 * once that thread has stopped; in between, the sink may put output aside instead of
	 * writing it, and spare(self) is called from either thread, possibly from both at once,
	 * whenever it would otherwise wait for the other: it writes a bounded part of what was
	 * put aside (the sink keeps it to one thread at a time, in order) and returns whether
	 * there was any. defer(self, false) writes the rest before it returns. */
	void (*defer)(void *self, bool on);
	bool (*spare)(void *self);
};

struct sf_pipeline_cfg {
	struct sf_decode_opts decode;
	bool track; /* connection tracking (later layers); false = decode only */
	const struct sf_track_cfg *track_cfg; /* NULL = sf_track_cfg_default(); copied */
	bool analyse;                         /* sequence analysis (needs track) */
	/* Display filter (-Y), or NULL; not owned, must outlive the pipeline. Evaluated after
	 * tracking and analysis, before the sinks. A filter reading tracking fields turns
	 * tracking on; one reading analysis fields (tcp.analysis.*, tcp.window_size) turns
	 * tracking and analysis on. What it selects depends on filter_conns:
	 *  false  packets: only matching packets reach the sinks' packet callback (packets,
	 *         fields);
	 *  true   connections: every packet reaches the sinks, and a connection none of whose
	 *         packets matched, nor its final record (conn.* fields, see sf_filter_match),
	 *         reaches conn_closed with sf_conn.filtered_out set (conns, explain, stats). */
	const struct sf_filter *filter;
	bool filter_conns;
	/* Regular files are read and decoded on a second thread, ahead of tracking and the
	 * sinks (src/core/reader.h): the same frames in the same order, so every output is the
	 * same; it saves wall time where two cores are free. Off: one thread reads ahead. */
	bool read_thread;
};

#define SF_MAX_SINKS 8

struct sf_pipeline;

/* The running analysis figures of a live connection (final inside the tracker's closed hook;
 * sinks receive them in conn_final), gathered into *buf, which is returned; NULL when analysis
 * is off. */
const struct sf_conn_analysis *sf_pipeline_conn_analysis(const struct sf_pipeline *p,
                                                         const struct sf_conn *c,
                                                         struct sf_conn_analysis *buf);

struct sf_pipeline *sf_pipeline_new(const struct sf_pipeline_cfg *cfg, char *err, size_t errlen);
/* Sets the display filter and its scope (as cfg.filter, cfg.filter_conns) before the first
 * frame; starts tracking, and sequence analysis, when the filter needs them. -1 with a message in
 * err when out of memory. */
int sf_pipeline_set_filter(struct sf_pipeline *p, const struct sf_filter *f, bool conns, char *err,
                           size_t errlen);
/* Adds a sink (copied). -1 when SF_MAX_SINKS are already attached. */
int sf_pipeline_add_sink(struct sf_pipeline *p, const struct sf_sink *sink);
/* Runs every frame of src through the pipeline. Returns 0 at the source's end, -1 when the
 * source broke (a SF_NOTICE_FILE_ERROR notice has been sent; frames before it were processed). */
int sf_pipeline_run(struct sf_pipeline *p, struct sf_source *src);
/* Feeds one frame (tests, fuzzing, live loops). f->number is assigned here. */
void sf_pipeline_feed(struct sf_pipeline *p, struct sf_frame *f);
/* Ends the run: flushes connections still open, then calls every sink's end(). */
void sf_pipeline_finish(struct sf_pipeline *p);
const struct sf_run_stats *sf_pipeline_stats(const struct sf_pipeline *p);
void sf_pipeline_free(struct sf_pipeline *p);

#endif
