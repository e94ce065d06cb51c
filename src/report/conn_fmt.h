/* synfin — connection row formatters: table, JSON lines, CSV, Zeek conn.log.
 *
 * Each format is a header (written once, before the first row), one record per row, and a
 * footer (written at the end of the run). Rows are written
 * into the report output buffer with the same hand-written formatters as the packet lines.
 */
#ifndef SYNFIN_REPORT_CONN_FMT_H
#define SYNFIN_REPORT_CONN_FMT_H

#include "report/outbuf.h"

#include "report/conn_row.h"
#include "synfin/report.h"

/* What a format needs besides the row. */
struct sf_conn_fmt_ctx {
	enum sf_conns_format format;
	bool wide;         /* table: every analysis figure, not only RETX and RTTAVG */
	bool have_first;   /* the run's first packet time is known */
	int64_t first_sec; /* run's first packet: table times are relative to it */
	uint32_t first_nsec;
	bool have_last;
	int64_t last_sec; /* run's last packet: the Zeek #close line */
	uint32_t last_nsec;
};

void sf_conn_fmt_header(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx);
void sf_conn_fmt_row(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx,
                     const struct sf_conn_row *r);
void sf_conn_fmt_footer(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx);

/* The table (conn_fmt_table.c). */
void sf_conn_fmt_table_header(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx);
void sf_conn_fmt_table_row(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx,
                           const struct sf_conn_row *r);

/* Helpers shared by the formats. */
int64_t sf_conn_fmt_rel_start_ns(const struct sf_conn_fmt_ctx *ctx, const struct sf_conn_row *r);
const char *sf_conn_fmt_or_dash(const char *s); /* "-" for NULL or "" */
/* Names (kinds, states, who closed) are written up to this many bytes: all are far shorter,
 * and the rows' reserved room counts on the bound. */
#define SF_CONN_FMT_NAME_MAX 64u

/* The #fields line of the Zeek format (without "#fields"), tab-separated: tests check it. */
extern const char *const sf_zeek_conn_fields[];
extern const unsigned sf_zeek_conn_n_fields;

#endif
