/* synfin — `synfin stats`: what happened in a capture, counted.
 *
 * Connections by open kind, close kind and Zeek conn_state (counted from the same rows the
 * connection table prints, so the two views cannot disagree), packets by IP protocol, every
 * event that occurred (decode and tracking), and the capture span. Counting needs no memory per
 * connection: a few fixed tables of names.
 */
#include <stdlib.h>
#include <string.h>

#include "report/conn_row.h"
#include "report/outbuf.h"
#include "report/view_put.h"
#include "synfin/decode.h"
#include "synfin/event.h"
#include "synfin/report.h"

#define NAME_SLOTS 24 /* distinct kind names per table: every kind fits with room to spare */

struct name_count {
	const char *name[NAME_SLOTS];
	uint64_t n[NAME_SLOTS];
	uint64_t other; /* names past NAME_SLOTS (never expected) */
};

struct sf_stats_view {
	struct sf_outbuf ob;
	uint64_t conns;
	struct name_count open, close, state, closer;
	uint64_t roles_guessed, syn_retried;
	struct sf_conn_extras *extras; /* first FIN and RST senders of live connections */
	bool oom;
};

/* Names are static strings or short row buffers: compare by content, keep a copy only of the
 * static ones (conn_state lives in the row, so its names are matched to a fixed list). */
static void count(struct name_count *t, const char *name)
{
	if (!name || !*name)
		name = "-";
	for (unsigned i = 0; i < NAME_SLOTS; i++) {
		if (!t->name[i]) {
			t->name[i] = name;
			t->n[i] = 1;
			return;
		}
		if (strcmp(t->name[i], name) == 0) {
			t->n[i]++;
			return;
		}
	}
	t->other++;
}

/* Zeek's conn_state values (base/protocols/conn/main.zeek), so that the table keeps pointers
 * to static strings only. */
static const char *const zeek_states[] = {"S0",   "S1",     "SF",    "REJ", "S2",  "S3", "RSTO",
                                          "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH"};

static const char *static_state(const char *s)
{
	for (size_t i = 0; i < sizeof(zeek_states) / sizeof(zeek_states[0]); i++)
		if (strcmp(zeek_states[i], s) == 0)
			return zeek_states[i];
	return "other";
}

static void on_packet(void *self, const struct sf_pkt_view *pv)
{
	struct sf_stats_view *v = self;
	if (sf_conn_extras_packet(v->extras, pv) < 0)
		v->oom = true;
}

static void on_closed(void *self, const struct sf_conn *c)
{
	struct sf_stats_view *v = self;
	struct sf_conn_row r;
	struct sf_conn_extra e;
	sf_conn_extras_take(v->extras, c, &e);
	if (sf_conn_row_filtered_out(c)) /* -Y given and none of its packets matched */
		return;
	sf_conn_row_fill(&r, c, &e);
	v->conns++;
	count(&v->open, r.open_kind);
	count(&v->close, r.close_kind);
	count(&v->state, static_state(r.conn_state));
	count(&v->closer, r.closer);
	v->roles_guessed += r.roles_guessed;
	v->syn_retried += r.syn_retries > 0;
}

static void line_u64(struct sf_outbuf *ob, const char *label, uint64_t n)
{
	ob_puts(ob, "  ");
	vp_str(ob, label, 34);
	ob_put_u64w(ob, n, 12);
	ob_putc(ob, '\n');
}

static void section(struct sf_outbuf *ob, const char *title, const struct name_count *t)
{
	ob_puts(ob, title);
	ob_putc(ob, '\n');
	bool any = false;
	for (unsigned i = 0; i < NAME_SLOTS && t->name[i]; i++) {
		line_u64(ob, t->name[i], t->n[i]);
		any = true;
	}
	if (t->other)
		line_u64(ob, "(other)", t->other);
	if (!any)
		ob_puts(ob, "  (none)\n");
}

static void on_end(void *self, const struct sf_run_stats *st)
{
	struct sf_stats_view *v = self;
	struct sf_outbuf *ob = &v->ob;

	ob_puts(ob, "Capture\n");
	line_u64(ob, "files", st->files);
	line_u64(ob, "frames", st->frames);
	line_u64(ob, "captured bytes", st->bytes);
	if (st->have_ts) {
		ob_puts(ob, "  ");
		vp_str(ob, "span (s)", 34);
		size_t m = vp_begin(ob);
		ob_put_nsec(ob,
		            sf_row_ns_between(st->first_ts_sec, st->first_ts_nsec, st->last_ts_sec,
		                              st->last_ts_nsec),
		            6);
		vp_end(ob, m, 12, true);
		ob_putc(ob, '\n');
	}
	if (st->file_errors)
		line_u64(ob, "files that broke before their end", st->file_errors);

	ob_puts(ob, "Packets\n");
	line_u64(ob, "IPv4", st->ipv4);
	line_u64(ob, "IPv6", st->ipv6);
	line_u64(ob, "not IP", st->non_ip);
	line_u64(ob, "link type not decoded", st->link_skipped);
	line_u64(ob, "non-first IP fragments", st->fragments);
	for (unsigned p = 0; p < 256; p++) {
		if (!st->by_ipproto[p])
			continue;
		const char *name = sf_ipproto_name(p);
		char buf[32];
		if (!name) {
			snprintf(buf, sizeof(buf), "IP protocol %u", p);
			name = buf;
		}
		line_u64(ob, name, st->by_ipproto[p]);
	}

	ob_puts(ob, "Connections\n");
	line_u64(ob, "total", v->conns);
	line_u64(ob, "roles guessed (no SYN seen)", v->roles_guessed);
	line_u64(ob, "with SYN retries", v->syn_retried);
	/* how the tracker's records ended: a capture whose connections were evicted or expired
	 * idle is one whose close kinds say "unterminated" for a reason other than its end */
	line_u64(ob, "most live at once", st->conns.peak);
	line_u64(ob, "ended by their close", st->conns.closed);
	line_u64(ob, "ended by an idle timeout", st->conns.expired);
	line_u64(ob, "evicted (table full)", st->conns.evicted);
	line_u64(ob, "ended by port reuse", st->conns.reused);
	line_u64(ob, "still open at the end", st->conns.flushed);
	section(ob, "Open kinds", &v->open);
	section(ob, "Close kinds", &v->close);
	section(ob, "First to close", &v->closer);
	section(ob, "Zeek conn_state", &v->state);

	ob_puts(ob, "Events\n");
	bool any = false;
	for (unsigned e = 1; e < SF_EV__COUNT; e++) {
		if (!st->events[e])
			continue;
		line_u64(ob, sf_event_name((enum sf_event)e), st->events[e]);
		any = true;
	}
	if (!any)
		ob_puts(ob, "  (none)\n");
	if (v->oom)
		ob_puts(ob, "(out of memory: some closers may be missing)\n");
	ob_flush(ob);
	fflush(ob->fp);
}

struct sf_stats_view *sf_stats_view_new(FILE *out, char *err, size_t errlen)
{
	struct sf_stats_view *v = calloc(1, sizeof(*v));
	if (v)
		v->extras = sf_conn_extras_new();
	if (!v || !v->extras || ob_init(&v->ob, out, 1 << 14) < 0) {
		if (v)
			sf_conn_extras_free(v->extras);
		free(v);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return v;
}

struct sf_sink sf_stats_view_sink(struct sf_stats_view *v)
{
	struct sf_sink s = {
	    .self = v, .packet = on_packet, .conn_closed = on_closed, .end = on_end};
	return s;
}

int sf_stats_view_error(const struct sf_stats_view *v)
{
	return v->ob.error;
}

void sf_stats_view_free(struct sf_stats_view *v)
{
	if (!v)
		return;
	sf_conn_extras_free(v->extras);
	ob_free(&v->ob);
	free(v);
}
