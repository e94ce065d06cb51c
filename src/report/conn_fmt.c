/* synfin — connection row formatters: JSON lines, CSV and Zeek conn.log (the table is in
 * conn_fmt_table.c).
 *
 * The JSON and CSV formats share one list of keys (emit_fields; docs/conns-json.md); a key is
 * never renamed once released, and the CSV header is produced by the same emitter as the rows.
 * The Zeek format follows the ASCII writer of Zeek's logging framework: the header lines
 * #separator, #set_separator, #empty_field, #unset_field, #path, #open, #fields, #types, then
 * tab-separated records with "-" for unset values, then #close. The field list is Conn::Info of
 * base/protocols/conn/main.zeek without the optional policy fields.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report/conn_fmt.h"
#include "report/view_put.h"

const char *const sf_zeek_conn_fields[] = {
    "ts",         "uid",           "id.orig_h",     "id.orig_p",  "id.resp_h",  "id.resp_p",
    "proto",      "service",       "duration",      "orig_bytes", "resp_bytes", "conn_state",
    "local_orig", "local_resp",    "missed_bytes",  "history",    "orig_pkts",  "orig_ip_bytes",
    "resp_pkts",  "resp_ip_bytes", "tunnel_parents"};
const unsigned sf_zeek_conn_n_fields = sizeof(sf_zeek_conn_fields) / sizeof(sf_zeek_conn_fields[0]);

static const char *const zeek_conn_types[] = {
    "time",   "string",   "addr",  "port",  "addr",   "port",  "enum",
    "string", "interval", "count", "count", "string", "bool",  "bool",
    "count",  "string",   "count", "count", "count",  "count", "set[string]"};

int64_t sf_conn_fmt_rel_start_ns(const struct sf_conn_fmt_ctx *ctx, const struct sf_conn_row *r)
{
	if (!ctx->have_first)
		return 0;
	return sf_row_ns_between(ctx->first_sec, ctx->first_nsec, r->start_sec, r->start_nsec);
}

const char *sf_conn_fmt_or_dash(const char *s)
{
	return (s && *s) ? s : "-";
}

/* An epoch time, seconds with six decimals (Zeek's ts). */
static char *fmt_epoch(char *p, int64_t sec, uint32_t nsec)
{
	return sf_fmt_nsec(p, sec * 1000000000LL + (int64_t)nsec, 6);
}

static void put_epoch(struct sf_outbuf *ob, int64_t sec, uint32_t nsec)
{
	ob_room(ob, OB_MAX_PUT);
	ob->len = (size_t)(fmt_epoch(ob->buf + ob->len, sec, nsec) - ob->buf);
}

/* ---- JSON lines and CSV: one key list ------------------------------------------------------ */

/* A row of JSON or CSV is written with a cursor into room reserved once (KV_ROW_MAX), not with
 * a room check per key and value: about ninety keys of at most 32 bytes, values of at most 66
 * (a bracketless IPv6 address in quotes, a name cut at SF_CONN_FMT_NAME_MAX, a number with the
 * scratch room its formatter needs). */
#define KV_ROW_MAX 16384u

struct kv_emit {
	char *p;
	bool json;
	bool header; /* CSV header: key names only */
	bool first;
};

/* Keys are string literals passed with their length (K): a row of JSON writes about ninety,
 * and measuring each with strlen cost more than writing it. */
#define K(lit) lit, sizeof(lit) - 1

static void put(struct kv_emit *e, const char *s, size_t n)
{
	memcpy(e->p, s, n);
	e->p += n;
}

/* Writes the separator and the key; true when the value must be skipped (header mode). */
static bool key(struct kv_emit *e, const char *k, size_t n)
{
	if (!e->first)
		*e->p++ = ',';
	e->first = false;
	if (e->header) {
		put(e, k, n);
		return true;
	}
	if (e->json) {
		*e->p++ = '"';
		put(e, k, n);
		*e->p++ = '"';
		*e->p++ = ':';
	}
	return false;
}

static void kv_null(struct kv_emit *e)
{
	if (e->json)
		put(e, "null", 4);
}

static void kv_u64(struct kv_emit *e, const char *k, size_t n, uint64_t v)
{
	if (key(e, k, n))
		return;
	e->p = sf_fmt_u64w(e->p, v, 0);
}

/* Values are addresses, kind names and history letters: none holds a quote, a backslash, a
 * comma or a control byte, so no escaping is needed; anything else is dropped, never emitted
 * raw. Empty strings are null in JSON and empty in CSV. */
static void kv_str(struct kv_emit *e, const char *k, size_t n, const char *v)
{
	if (key(e, k, n))
		return;
	if (!v || !*v) {
		kv_null(e);
		return;
	}
	if (e->json)
		*e->p++ = '"';
	for (unsigned i = 0; i < SF_CONN_FMT_NAME_MAX && v[i]; i++)
		if ((unsigned char)v[i] > 0x20 && v[i] != '"' && v[i] != '\\' && v[i] != ',')
			*e->p++ = v[i];
	if (e->json)
		*e->p++ = '"';
}

static void kv_addr(struct kv_emit *e, const char *k, size_t n, const struct sf_addr *a)
{
	if (key(e, k, n))
		return;
	if (e->json)
		*e->p++ = '"';
	e->p = sf_fmt_addr(e->p, a, false);
	if (e->json)
		*e->p++ = '"';
}

static void kv_bool(struct kv_emit *e, const char *k, size_t n, bool v)
{
	if (key(e, k, n))
		return;
	if (v)
		put(e, "true", 4);
	else
		put(e, "false", 5);
}

/* An integer that may be absent (negative = absent). */
static void kv_opt_int(struct kv_emit *e, const char *k, size_t n, long v)
{
	if (key(e, k, n))
		return;
	if (v >= 0)
		e->p = sf_fmt_u64w(e->p, (uint64_t)v, 0);
	else
		kv_null(e);
}

static void kv_secs(struct kv_emit *e, const char *k, size_t n, int64_t ns)
{
	if (key(e, k, n))
		return;
	e->p = sf_fmt_nsec(e->p, ns, 6);
}

static void kv_ms(struct kv_emit *e, const char *k, size_t n, int64_t ns)
{
	if (key(e, k, n))
		return;
	if (ns >= 0)
		e->p = sf_fmt_ms(e->p, ns);
	else
		kv_null(e);
}

/* An analysis count: null (empty in CSV) when analysis was off. */
static void kv_ana(struct kv_emit *e, const char *k, size_t n, bool has, uint64_t v)
{
	if (key(e, k, n))
		return;
	if (has)
		e->p = sf_fmt_u64w(e->p, v, 0);
	else
		kv_null(e);
}

/* A figure of both sides: client_NAME, then server_NAME (keys joined at compile time). */
#define KV_ANA_PAIR(e, name, has, c, s)                                                            \
	do {                                                                                       \
		kv_ana(e, K("client_" name), has, c);                                              \
		kv_ana(e, K("server_" name), has, s);                                              \
	} while (0)
#define KV_MS_PAIR(e, name, c, s)                                                                  \
	do {                                                                                       \
		kv_ms(e, K("client_" name), c);                                                    \
		kv_ms(e, K("server_" name), s);                                                    \
	} while (0)

/* Sequence analysis keys, appended after the tracking keys (docs/conns-json.md). */
static void emit_ana_fields(struct kv_emit *e, const struct sf_conn_row *r)
{
	const struct sf_row_ana *c = &r->ana[SF_ROW_CLIENT], *s = &r->ana[SF_ROW_SERVER];
	bool h = r->has_ana;
	KV_ANA_PAIR(e, "retrans_pkts", h, c->retrans_pkts, s->retrans_pkts);
	KV_ANA_PAIR(e, "retrans_bytes", h, c->retrans_bytes, s->retrans_bytes);
	KV_ANA_PAIR(e, "fast_retrans", h, c->fast_retrans, s->fast_retrans);
	KV_ANA_PAIR(e, "spurious_retrans", h, c->spurious_retrans, s->spurious_retrans);
	KV_ANA_PAIR(e, "dsack_spurious", h, c->dsack_spurious, s->dsack_spurious);
	KV_ANA_PAIR(e, "out_of_order", h, c->out_of_order, s->out_of_order);
	KV_ANA_PAIR(e, "lost_segments", h, c->lost_segments, s->lost_segments);
	KV_ANA_PAIR(e, "ack_unseen", h, c->ack_unseen, s->ack_unseen);
	KV_ANA_PAIR(e, "dup_acks", h, c->dup_acks, s->dup_acks);
	KV_ANA_PAIR(e, "zero_windows", h, c->zero_windows, s->zero_windows);
	KV_ANA_PAIR(e, "zero_window_probes", h, c->zero_window_probes, s->zero_window_probes);
	KV_ANA_PAIR(e, "keep_alives", h, c->keep_alives, s->keep_alives);
	KV_ANA_PAIR(e, "window_full", h, c->window_full, s->window_full);
	KV_ANA_PAIR(e, "window_updates", h, c->window_updates, s->window_updates);
	KV_ANA_PAIR(e, "rtt_samples", h, c->rtt_samples, s->rtt_samples);
	KV_MS_PAIR(e, "rtt_min_ms", c->rtt_min_ns, s->rtt_min_ns);
	KV_MS_PAIR(e, "rtt_avg_ms", c->rtt_avg_ns, s->rtt_avg_ns);
	KV_MS_PAIR(e, "rtt_max_ms", c->rtt_max_ns, s->rtt_max_ns);
	KV_MS_PAIR(e, "rtt_stdev_ms", c->rtt_stdev_ns, s->rtt_stdev_ns);
	KV_ANA_PAIR(e, "max_bytes_in_flight", h, c->max_bytes_in_flight, s->max_bytes_in_flight);
	KV_ANA_PAIR(e, "max_window", h, c->max_window, s->max_window);
}

/* The one list of JSON/CSV keys, in output order (documented in docs/conns-json.md). */
static void emit_fields(struct kv_emit *e, const struct sf_conn_fmt_ctx *ctx,
                        const struct sf_conn_row *r)
{
	char uid[24];
	const struct sf_row_side *c = &r->side[SF_ROW_CLIENT], *s = &r->side[SF_ROW_SERVER];

	kv_u64(e, K("stream"), r->stream);
	kv_str(e, K("uid"), sf_row_uid(r->stream, uid, sizeof(uid)));
	kv_addr(e, K("client"), &r->client);
	kv_u64(e, K("client_port"), r->client_port);
	kv_addr(e, K("server"), &r->server);
	kv_u64(e, K("server_port"), r->server_port);
	kv_bool(e, K("roles_guessed"), r->roles_guessed);
	if (!key(e, K("ts")))
		e->p = fmt_epoch(e->p, r->start_sec, r->start_nsec);
	kv_secs(e, K("start"), sf_conn_fmt_rel_start_ns(ctx, r));
	kv_secs(e, K("duration"), sf_row_duration_ns(r));
	kv_u64(e, K("first_frame"), r->first_frame);
	kv_u64(e, K("last_frame"), r->last_frame);
	kv_u64(e, K("client_pkts"), c->pkts);
	kv_u64(e, K("client_bytes"), c->bytes);
	kv_u64(e, K("client_ip_bytes"), c->ip_bytes);
	kv_u64(e, K("server_pkts"), s->pkts);
	kv_u64(e, K("server_bytes"), s->bytes);
	kv_u64(e, K("server_ip_bytes"), s->ip_bytes);
	kv_str(e, K("open"), r->open_kind);
	kv_u64(e, K("syn_retries"), r->syn_retries);
	kv_str(e, K("close"), r->close_kind);
	kv_str(e, K("closer"), r->closer);
	kv_str(e, K("rst_by"), r->rst_by);
	kv_str(e, K("rst_state"), r->rst_state);
	kv_str(e, K("conn_state"), r->conn_state);
	kv_str(e, K("history"), r->history);
	kv_u64(e, K("completeness"), r->completeness);
	kv_ms(e, K("rtt_ms"), sf_row_handshake_ns(r));
	kv_ms(e, K("rtt_synack_ms"), r->rtt_synack_ns);
	kv_ms(e, K("rtt_ack_ms"), r->rtt_ack_ns);
	kv_opt_int(e, K("client_mss"), c->mss);
	kv_opt_int(e, K("server_mss"), s->mss);
	kv_opt_int(e, K("client_wscale"), c->wscale);
	kv_opt_int(e, K("server_wscale"), s->wscale);
	kv_bool(e, K("sack"), c->sack_perm && s->sack_perm);
	kv_bool(e, K("timestamps"), c->ts && s->ts);
	kv_bool(e, K("ecn"), r->ecn);
	kv_str(e, K("client_state"), c->final_state);
	kv_str(e, K("server_state"), s->final_state);
	kv_str(e, K("end_reason"), r->end_reason);
	emit_ana_fields(e, r);
	/* last, so that CSV columns before them keep their places */
	kv_bool(e, K("port_reused"), r->port_reused);
	kv_bool(e, K("resumed"), r->resumed);
}

/* One JSON object or CSV line (or the CSV header: keys only), with its newline. */
static void kv_line(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx,
                    const struct sf_conn_row *r, bool json, bool header)
{
	char local[KV_ROW_MAX];
	bool direct = ob->cap >= KV_ROW_MAX; /* the views' buffers: straight into the output */
	if (direct)
		ob_room(ob, KV_ROW_MAX);
	char *base = direct ? ob->buf + ob->len : local;
	struct kv_emit e = {.p = base, .json = json, .header = header, .first = true};
	if (json)
		*e.p++ = '{';
	emit_fields(&e, ctx, r);
	if (json)
		*e.p++ = '}';
	*e.p++ = '\n';
	if (direct)
		ob->len = (size_t)(e.p - ob->buf);
	else
		ob_put_mem(ob, local, (size_t)(e.p - local));
}

static void csv_header(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx)
{
	struct sf_conn_row zero;
	memset(&zero, 0, sizeof(zero));
	kv_line(ob, ctx, &zero, false, true);
}

/* ---- Zeek conn.log ------------------------------------------------------------------------- */

static void zeek_time_line(struct sf_outbuf *ob, const char *tag, bool have, int64_t sec)
{
	/* Zeek writes the wall-clock time the log was opened and closed. synfin writes the
	 * capture time of the first and last packet instead, so that a capture always gives the
	 * same file (the format is the same: %Y-%m-%d-%H-%M-%S). */
	char buf[64] = "-";
	if (have) {
		time_t t = (time_t)sec;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(buf, sizeof(buf), "%Y-%m-%d-%H-%M-%S", &tm);
	}
	ob_putc(ob, '#');
	ob_puts(ob, tag);
	ob_putc(ob, '\t');
	ob_puts(ob, buf);
	ob_putc(ob, '\n');
}

static void zeek_header(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx)
{
	ob_puts(ob, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	            "#unset_field\t-\n#path\tconn\n");
	zeek_time_line(ob, "open", ctx->have_first, ctx->first_sec);
	ob_puts(ob, "#fields");
	for (unsigned i = 0; i < sf_zeek_conn_n_fields; i++) {
		ob_putc(ob, '\t');
		ob_puts(ob, sf_zeek_conn_fields[i]);
	}
	ob_puts(ob, "\n#types");
	for (unsigned i = 0; i < sf_zeek_conn_n_fields; i++) {
		ob_putc(ob, '\t');
		ob_puts(ob, zeek_conn_types[i]);
	}
	ob_putc(ob, '\n');
}

static void tab_u64(struct sf_outbuf *ob, uint64_t v)
{
	ob_putc(ob, '\t');
	ob_put_u64(ob, v);
}

static void zeek_row(struct sf_outbuf *ob, const struct sf_conn_row *r)
{
	char uid[24];
	const struct sf_row_side *c = &r->side[SF_ROW_CLIENT], *s = &r->side[SF_ROW_SERVER];
	int64_t dur = sf_row_duration_ns(r);

	put_epoch(ob, r->start_sec, r->start_nsec);
	ob_putc(ob, '\t');
	ob_puts(ob, sf_row_uid(r->stream, uid, sizeof(uid)));
	ob_putc(ob, '\t');
	ob_put_addr(ob, &r->client, false);
	tab_u64(ob, r->client_port);
	ob_putc(ob, '\t');
	ob_put_addr(ob, &r->server, false);
	tab_u64(ob, r->server_port);
	ob_puts(ob, "\ttcp\t-\t");
	/* Conn::set_conn logs duration and the byte counts only when duration > 0. Zeek's byte
	 * counts come from sequence numbers; synfin's are the sum of payload lengths, which is
	 * the same for a stream without retransmissions or gaps. */
	if (dur > 0) {
		ob_put_nsec(ob, dur, 6);
		tab_u64(ob, c->bytes);
		tab_u64(ob, s->bytes);
	} else {
		ob_puts(ob, "-\t-\t-");
	}
	ob_putc(ob, '\t');
	ob_puts(ob, sf_conn_fmt_or_dash(r->conn_state));
	/* local_orig/local_resp are unset without Site::local_nets; missed_bytes needs
	 * reassembly, which synfin does not do: 0, as Zeek writes for a gap-free stream. */
	ob_puts(ob, "\t-\t-\t0\t");
	ob_puts(ob, sf_conn_fmt_or_dash(r->history));
	tab_u64(ob, c->pkts);
	tab_u64(ob, c->ip_bytes);
	tab_u64(ob, s->pkts);
	tab_u64(ob, s->ip_bytes);
	ob_puts(ob, "\t-\n");
}

/* ---- dispatch ------------------------------------------------------------------------------ */

void sf_conn_fmt_header(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx)
{
	switch (ctx->format) {
	case SF_CONNS_TABLE:
		sf_conn_fmt_table_header(ob, ctx);
		break;
	case SF_CONNS_CSV:
		csv_header(ob, ctx);
		break;
	case SF_CONNS_ZEEK:
		zeek_header(ob, ctx);
		break;
	case SF_CONNS_JSON:
		break;
	}
}

void sf_conn_fmt_row(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx,
                     const struct sf_conn_row *r)
{
	switch (ctx->format) {
	case SF_CONNS_TABLE:
		sf_conn_fmt_table_row(ob, ctx, r);
		break;
	case SF_CONNS_JSON:
		kv_line(ob, ctx, r, true, false);
		break;
	case SF_CONNS_CSV:
		kv_line(ob, ctx, r, false, false);
		break;
	case SF_CONNS_ZEEK:
		zeek_row(ob, r);
		break;
	}
}

void sf_conn_fmt_footer(struct sf_outbuf *ob, const struct sf_conn_fmt_ctx *ctx)
{
	if (ctx->format == SF_CONNS_ZEEK)
		zeek_time_line(ob, "close", ctx->have_last, ctx->last_sec);
}
