/* synfin — report sinks. Each report is a struct sf_sink (synfin/pipeline.h) writing to a
 * FILE*; the CLI builds the ones a subcommand needs and adds them to the pipeline.
 *
 * Reports never print notices (file errors, skipped link types): those belong to the caller,
 * which sees them through its own sink's notice callback.
 */
#ifndef SYNFIN_REPORT_H
#define SYNFIN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "synfin/pipeline.h"

struct sf_report_packets_opts {
	bool detail;     /* -V: detail tree per layer after the line */
	bool hex;        /* -x: hex + ASCII dump, cut where each layer starts */
	bool color;      /* ANSI colours on flags and events (the caller resolves --color=auto) */
	bool absolute;   /* raw sequence numbers even when tracking provides relative ones */
	bool flush_each; /* write out after every packet (live capture, interactive use) */
};

/* The packet report of `synfin packets`: one line per packet (plus -V/-x blocks). Output is
 * formatted by hand into a large buffer and written with fwrite. On allocation failure the
 * returned sink has self == NULL. */
struct sf_sink sf_report_packets_new(FILE *out, const struct sf_report_packets_opts *o);
/* Writes what is buffered and frees the report. Returns 0, or the errno of the first failed
 * write (e.g. EPIPE, ENOSPC) so the caller can say the output is incomplete. */
int sf_report_packets_close(struct sf_sink *sink);

/* ---- connection views: synfin conns, explain, stats ------------------------------------ */

enum sf_conns_format {
	SF_CONNS_TABLE = 0, /* aligned columns for a terminal */
	SF_CONNS_JSON,      /* one JSON object per line (keys: docs/conns-json.md) */
	SF_CONNS_CSV,       /* header line, then one line per connection */
	SF_CONNS_ZEEK       /* Zeek conn.log, TSV with its #-header lines */
};

enum sf_conns_order {
	SF_CONNS_ORDER_END = 0, /* a row as each connection ends (Zeek's order); memory bounded */
	SF_CONNS_ORDER_STREAM   /* compact rows kept, printed in tcp.stream order at the end */
};

struct sf_conns_opts {
	enum sf_conns_format format;
	enum sf_conns_order order;
	bool wide; /* table: all analysis figures (dup ACKs, out-of-order, RTT range …) */
};

struct sf_conns_view;
/* A `synfin conns` report writing to out (not closed by the view). */
struct sf_conns_view *sf_conns_view_new(FILE *out, const struct sf_conns_opts *o, char *err,
                                        size_t errlen);
/* The sink to attach to a pipeline; self is the view. */
struct sf_sink sf_conns_view_sink(struct sf_conns_view *v);
/* Rows written so far. */
uint64_t sf_conns_view_rows(const struct sf_conns_view *v);
/* errno of the first failed write to out, 0 when all was written. */
int sf_conns_view_error(const struct sf_conns_view *v);
void sf_conns_view_free(struct sf_conns_view *v);

struct sf_explain_opts {
	bool has_stream; /* --stream N: only this tcp.stream */
	uint64_t stream;
	uint64_t limit;  /* --limit N: only streams 0 … N-1 (0 = no limit) */
	bool flush_each; /* write each explanation out as soon as it is complete */
};

struct sf_explain_view;
/* A `synfin explain` report: for each selected connection, when it ends, a ladder diagram,
 * the lab table (SYN, SYN-ACK, ACK, first request/response, each FIN and its ACK) and a
 * plain-language summary. Keeps at most 10,000 packets per selected connection. */
struct sf_explain_view *sf_explain_view_new(FILE *out, const struct sf_explain_opts *o, char *err,
                                            size_t errlen);
struct sf_sink sf_explain_view_sink(struct sf_explain_view *v);
uint64_t sf_explain_view_count(const struct sf_explain_view *v); /* connections explained */
int sf_explain_view_error(const struct sf_explain_view *v);
void sf_explain_view_free(struct sf_explain_view *v);

struct sf_stats_view;
/* A `synfin stats` report: capture span, packets by protocol, connections by open kind, close
 * kind, first closer and Zeek conn_state, and every event counted; written at the end. */
struct sf_stats_view *sf_stats_view_new(FILE *out, char *err, size_t errlen);
struct sf_sink sf_stats_view_sink(struct sf_stats_view *v);
int sf_stats_view_error(const struct sf_stats_view *v);
void sf_stats_view_free(struct sf_stats_view *v);

#endif
