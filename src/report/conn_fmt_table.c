/* synfin — the `synfin conns` table: aligned columns for a terminal, and the --wide columns
 * of the sequence-analysis figures. */
#include <stdint.h>
#include <string.h>

#include "report/conn_fmt.h"
#include "report/view_put.h"

/* Column widths fit IPv4 endpoints, seven-digit packet counts and every kind name; a longer
 * value (an IPv6 endpoint) pushes the rest of its row right rather than being cut. The default
 * table stays readable on a wide terminal: of the analysis figures it shows only the
 * retransmitted packets and the mean RTT of each side; --wide adds the rest (wide_cols), and
 * JSON and CSV carry every figure. RTTs stay per side: at a capture point beside the client,
 * the client's data → ACK time is the path's RTT while the server's is the client's ACK
 * delay, and a mean of the two would be neither. */
struct table_col {
	const char *title;
	unsigned width;
	bool right;
};
static const struct table_col table_cols[] = {
    {"STREAM", 6, true},      {"CLIENT", 21, false},  {"SERVER", 21, false},
    {"START", 11, true},      {"DURATION", 11, true}, {"C>PKTS", 7, true},
    {"C>BYTES", 10, true},    {"S>PKTS", 7, true},    {"S>BYTES", 10, true},
    {"OPEN", 17, false},      {"CLOSE", 12, false},   {"CLOSER", 6, false},
    {"STATE", 6, false},      {"HISTORY", 14, false}, {"CMPL", 4, true},
    {"RTT_MS", 9, true},      {"RETX(C/S)", 9, true}, {"RTTAVG_MS(C/S)", 17, true},
    {"FINAL(C/S)", 23, false}};
enum { TC_N = sizeof(table_cols) / sizeof(table_cols[0]) };

/* --wide: per-side pairs (client/server), before the options column. */
enum wide_kind { WK_COUNT, WK_MS };
static const struct table_col wide_cols[] = {
    {"RETXB(C/S)", 15, true},     {"FAST(C/S)", 9, true},    {"SPUR(C/S)", 9, true},
    {"DUPACK(C/S)", 11, true},    {"OOO(C/S)", 9, true},     {"LOST(C/S)", 9, true},
    {"ZWIN(C/S)", 9, true},       {"RTTN(C/S)", 11, true},   {"RTTMIN_MS(C/S)", 17, true},
    {"RTTMAX_MS(C/S)", 17, true}, {"MAXBIF(C/S)", 17, true}, {"MAXWIN(C/S)", 19, true}};
enum { WC_N = sizeof(wide_cols) / sizeof(wide_cols[0]) };

static void put_title(struct sf_outbuf *ob, const struct table_col *c, bool first)
{
	if (!first)
		ob_putc(ob, ' ');
	size_t m = vp_begin(ob);
	ob_puts(ob, c->title);
	vp_end(ob, m, c->width, c->right);
}

void sf_conn_fmt_table_header(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx)
{
	for (unsigned i = 0; i < TC_N; i++)
		put_title(ob, &table_cols[i], i == 0);
	for (unsigned i = 0; ctx->wide && i < WC_N; i++)
		put_title(ob, &wide_cols[i], false);
	ob_puts(ob, " OPTIONS(C/S)\n");
}

/* Column i of a row: starts the item, returns its mark. */
static size_t col(struct sf_outbuf *ob, unsigned i)
{
	if (i)
		ob_putc(ob, ' ');
	return vp_begin(ob);
}

static void col_end(struct sf_outbuf *ob, unsigned i, size_t m)
{
	vp_end(ob, m, table_cols[i].width, table_cols[i].right);
}

static void put_ms_or_dash(struct sf_outbuf *ob, int64_t ns)
{
	if (ns < 0)
		ob_putc(ob, '-');
	else
		sf_conn_fmt_ms(ob, ns);
}

/* "client/server", or "-" when analysis was off. */
static void put_pair(struct sf_outbuf *ob, const struct sf_conn_row *r, enum wide_kind k, int64_t c,
                     int64_t s)
{
	if (!r->has_ana) {
		ob_putc(ob, '-');
		return;
	}
	const int64_t v[2] = {c, s};
	for (int i = 0; i < 2; i++) {
		if (i)
			ob_putc(ob, '/');
		if (k == WK_MS)
			put_ms_or_dash(ob, v[i]);
		else
			ob_put_u64(ob, (uint64_t)v[i]);
	}
}

static void pair_col(struct sf_outbuf *ob, const struct table_col *col, const struct sf_conn_row *r,
                     enum wide_kind k, int64_t c, int64_t s)
{
	ob_putc(ob, ' ');
	size_t m = vp_begin(ob);
	put_pair(ob, r, k, c, s);
	vp_end(ob, m, col->width, col->right);
}

/* The --wide columns, in the order of wide_cols. */
static void table_wide(struct sf_outbuf *ob, const struct sf_conn_row *r)
{
	const struct sf_row_ana *c = &r->ana[SF_ROW_CLIENT], *s = &r->ana[SF_ROW_SERVER];
	const struct {
		enum wide_kind k;
		int64_t c, s;
	} v[WC_N] = {
	    {WK_COUNT, (int64_t)c->retrans_bytes, (int64_t)s->retrans_bytes},
	    {WK_COUNT, c->fast_retrans, s->fast_retrans},
	    {WK_COUNT, c->spurious_retrans, s->spurious_retrans},
	    {WK_COUNT, c->dup_acks, s->dup_acks},
	    {WK_COUNT, c->out_of_order, s->out_of_order},
	    {WK_COUNT, c->lost_segments, s->lost_segments},
	    {WK_COUNT, c->zero_windows, s->zero_windows},
	    {WK_COUNT, c->rtt_samples, s->rtt_samples},
	    {WK_MS, c->rtt_min_ns, s->rtt_min_ns},
	    {WK_MS, c->rtt_max_ns, s->rtt_max_ns},
	    {WK_COUNT, c->max_bytes_in_flight, s->max_bytes_in_flight},
	    {WK_COUNT, c->max_window, s->max_window},
	};
	for (unsigned i = 0; i < WC_N; i++)
		pair_col(ob, &wide_cols[i], r, v[i].k, v[i].c, v[i].s);
}

void sf_conn_fmt_table_row(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx,
                           const struct sf_conn_row *r)
{
	const struct sf_row_side *c = &r->side[SF_ROW_CLIENT], *s = &r->side[SF_ROW_SERVER];
	const uint64_t counts[4] = {c->pkts, c->bytes, s->pkts, s->bytes};
	unsigned i = 0;
	size_t m;

	m = col(ob, i);
	ob_put_u64(ob, r->stream);
	col_end(ob, i++, m);
	m = col(ob, i);
	sf_conn_fmt_endpoint(ob, &r->client, r->client_port);
	col_end(ob, i++, m);
	m = col(ob, i);
	sf_conn_fmt_endpoint(ob, &r->server, r->server_port);
	col_end(ob, i++, m);
	m = col(ob, i);
	ob_put_nsec(ob, sf_conn_fmt_rel_start_ns(ctx, r), 6);
	col_end(ob, i++, m);
	m = col(ob, i);
	ob_put_nsec(ob, sf_row_duration_ns(r), 6);
	col_end(ob, i++, m);
	for (unsigned k = 0; k < 4; k++) {
		m = col(ob, i);
		ob_put_u64(ob, counts[k]);
		col_end(ob, i++, m);
	}
	m = col(ob, i);
	ob_puts(ob, sf_conn_fmt_or_dash(r->open_kind));
	if (r->syn_retries) {
		ob_putc(ob, '(');
		ob_put_u64(ob, r->syn_retries);
		ob_putc(ob, ')');
	}
	col_end(ob, i++, m);
	const char *strs[4] = {r->close_kind, r->closer, r->conn_state, r->history};
	for (unsigned k = 0; k < 4; k++) {
		m = col(ob, i);
		ob_puts(ob, sf_conn_fmt_or_dash(strs[k]));
		col_end(ob, i++, m);
	}
	m = col(ob, i);
	ob_put_u64(ob, r->completeness);
	col_end(ob, i++, m);
	m = col(ob, i);
	put_ms_or_dash(ob, sf_row_handshake_ns(r));
	col_end(ob, i++, m);
	const struct sf_row_ana *ac = &r->ana[SF_ROW_CLIENT], *as = &r->ana[SF_ROW_SERVER];
	m = col(ob, i);
	put_pair(ob, r, WK_COUNT, ac->retrans_pkts, as->retrans_pkts);
	col_end(ob, i++, m);
	m = col(ob, i);
	put_pair(ob, r, WK_MS, ac->rtt_avg_ns, as->rtt_avg_ns);
	col_end(ob, i++, m);
	m = col(ob, i);
	ob_puts(ob, sf_conn_fmt_or_dash(c->final_state));
	ob_putc(ob, '/');
	ob_puts(ob, sf_conn_fmt_or_dash(s->final_state));
	col_end(ob, i++, m);
	if (ctx->wide)
		table_wide(ob, r);
	char opts[96];
	ob_putc(ob, ' ');
	ob_puts(ob, sf_row_options(r, opts, sizeof(opts)));
	ob_putc(ob, '\n');
}
