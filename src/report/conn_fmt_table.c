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

/* A row is written with a cursor into room reserved once (TABLE_ROW_MAX), not with a room check
 * per item: an item is at most 64 bytes (a name, cut at SF_CONN_FMT_NAME_MAX), the history
 * SF_ROW_HISTORY_MAX, the options 95; TABLE_ROW_MAX covers the widest row with --wide columns and
 * IPv6 endpoints. */
#define TABLE_ROW_MAX (4096u + SF_ROW_HISTORY_MAX)

/* The item written at m..p, padded to width: on the left (right) or the right (left). */
static char *pad_to(char *m, char *p, unsigned width, bool right)
{
	size_t n = (size_t)(p - m);
	if (n >= width)
		return p;
	size_t pad = width - n;
	if (right) {
		memmove(m + pad, m, n);
		memset(m, ' ', pad);
	} else {
		memset(p, ' ', pad);
	}
	return m + width;
}

static char *put_str(char *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	memcpy(p, s, n);
	return p + n;
}

static char *put_name(char *p, const char *s)
{
	return put_str(p, sf_conn_fmt_or_dash(s), SF_CONN_FMT_NAME_MAX);
}

/* Milliseconds, three decimals, or "-" when unknown (negative). */
static char *put_ms(char *p, int64_t ns)
{
	if (ns < 0) {
		*p = '-';
		return p + 1;
	}
	return sf_fmt_ms(p, ns);
}

/* "client/server", or "-" when analysis was off. */
static char *put_pair(char *p, const struct sf_conn_row *r, enum wide_kind k, int64_t c, int64_t s)
{
	if (!r->has_ana) {
		*p = '-';
		return p + 1;
	}
	const int64_t v[2] = {c, s};
	for (int i = 0; i < 2; i++) {
		if (i)
			*p++ = '/';
		p = k == WK_MS ? put_ms(p, v[i]) : sf_fmt_u64w(p, (uint64_t)v[i], 0);
	}
	return p;
}

/* Column i of table_cols: the separator, then returns where its item starts. */
static char *col(char *p, unsigned i)
{
	if (i)
		*p++ = ' ';
	return p;
}

static char *col_end(char *m, char *p, unsigned i)
{
	return pad_to(m, p, table_cols[i].width, table_cols[i].right);
}

static char *endpoint(char *p, const struct sf_addr *a, uint16_t port)
{
	p = sf_fmt_addr(p, a, true);
	*p++ = ':';
	return sf_fmt_u64w(p, port, 0);
}

/* The --wide columns, in the order of wide_cols. */
static char *table_wide(char *p, const struct sf_conn_row *r)
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
	for (unsigned i = 0; i < WC_N; i++) {
		*p++ = ' ';
		char *m = p;
		p = put_pair(p, r, v[i].k, v[i].c, v[i].s);
		p = pad_to(m, p, wide_cols[i].width, wide_cols[i].right);
	}
	return p;
}

static char *table_row(char *p, const struct sf_conn_fmt_ctx *ctx, const struct sf_conn_row *r)
{
	const struct sf_row_side *c = &r->side[SF_ROW_CLIENT], *s = &r->side[SF_ROW_SERVER];
	const uint64_t counts[4] = {c->pkts, c->bytes, s->pkts, s->bytes};
	unsigned i = 0;
	char *m;

	p = sf_fmt_u64w(p, r->stream, table_cols[i++].width); /* numbers pad themselves */
	m = col(p, i);
	p = col_end(m, endpoint(m, &r->client, r->client_port), i++);
	m = col(p, i);
	p = col_end(m, endpoint(m, &r->server, r->server_port), i++);
	m = col(p, i);
	p = col_end(m, sf_fmt_nsec(m, sf_conn_fmt_rel_start_ns(ctx, r), 6), i++);
	m = col(p, i);
	p = col_end(m, sf_fmt_nsec(m, sf_row_duration_ns(r), 6), i++);
	for (unsigned k = 0; k < 4; k++, i++)
		p = sf_fmt_u64w(col(p, i), counts[k], table_cols[i].width);
	m = col(p, i);
	p = put_name(m, r->open_kind);
	if (r->syn_retries) {
		*p++ = '(';
		p = sf_fmt_u64w(p, r->syn_retries, 0);
		*p++ = ')';
	}
	p = col_end(m, p, i++);
	const char *strs[3] = {r->close_kind, r->closer, r->conn_state};
	for (unsigned k = 0; k < 3; k++, i++) {
		m = col(p, i);
		p = col_end(m, put_name(m, strs[k]), i);
	}
	m = col(p, i);
	p = col_end(m, put_str(m, sf_conn_fmt_or_dash(r->history), SF_ROW_HISTORY_MAX), i++);
	p = sf_fmt_u64w(col(p, i), r->completeness, table_cols[i].width);
	i++;
	m = col(p, i);
	p = col_end(m, put_ms(m, sf_row_handshake_ns(r)), i++);
	const struct sf_row_ana *ac = &r->ana[SF_ROW_CLIENT], *as = &r->ana[SF_ROW_SERVER];
	m = col(p, i);
	p = col_end(m, put_pair(m, r, WK_COUNT, ac->retrans_pkts, as->retrans_pkts), i++);
	m = col(p, i);
	p = col_end(m, put_pair(m, r, WK_MS, ac->rtt_avg_ns, as->rtt_avg_ns), i++);
	m = col(p, i);
	p = put_name(m, c->final_state);
	*p++ = '/';
	p = col_end(m, put_name(p, s->final_state), i++);
	if (ctx->wide)
		p = table_wide(p, r);
	char opts[96];
	*p++ = ' ';
	p = put_str(p, sf_row_options(r, opts, sizeof(opts)), sizeof(opts));
	*p++ = '\n';
	return p;
}

void sf_conn_fmt_table_row(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx,
                           const struct sf_conn_row *r)
{
	if (ob->cap >= TABLE_ROW_MAX) { /* the views' buffers: straight into the output */
		ob_room(ob, TABLE_ROW_MAX);
		ob->len = (size_t)(table_row(ob->buf + ob->len, ctx, r) - ob->buf);
		return;
	}
	char row[TABLE_ROW_MAX];
	ob_put_mem(ob, row, (size_t)(table_row(row, ctx, r) - row));
}
