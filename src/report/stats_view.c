/* synfin — `synfin stats`: what happened in a capture, counted.
 *
 * Connections by open kind, close kind and Zeek conn_state (counted from the same rows the
 * connection table prints, so the two views cannot disagree), packets by IP protocol, every
 * event that occurred (decode and tracking), and the capture span. Counting needs no memory per
 * connection: a few fixed tables of names.
 *
 * Sequence analysis: connection totals (from the figures each connection ends with) and the
 * packets per analysis flag grouped by severity as `tshark -q -z expert` groups them, with
 * Wireshark's expert-info summaries (ei_tcp_analysis_* of epan/dissectors/packet-tcp.c).
 */
#include <stdlib.h>
#include <string.h>

#include "report/conn_row.h"
#include "report/outbuf.h"
#include "report/view_put.h"
#include "synfin/analysis.h"
#include "synfin/decode.h"
#include "synfin/event.h"
#include "synfin/report.h"

#define NAME_SLOTS 24 /* distinct kind names per table: every kind fits with room to spare */

struct name_count {
	const char *name[NAME_SLOTS];
	uint64_t n[NAME_SLOTS];
	uint64_t other; /* names past NAME_SLOTS (never expected) */
};

/* Connection totals of the sequence analysis. */
struct ana_totals {
	uint64_t analysed;     /* connections with analysis figures */
	uint64_t with_retrans; /* connections with at least one retransmission */
	uint64_t retrans_pkts, retrans_bytes, fast, spurious;
	uint64_t dsack; /* retransmissions a D-SACK showed to be spurious */
	uint64_t with_dup_acks, dup_acks;
	uint64_t with_ooo, with_lost, with_ack_unseen, with_zero_window;
	uint64_t with_rtt; /* connections with at least one RTT sample */
	uint64_t rtt_samples;
};

struct sf_stats_view {
	struct sf_outbuf ob;
	uint64_t conns;
	struct ana_totals ana;
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

static void count_ana(struct ana_totals *t, const struct sf_conn_row *r)
{
	if (!r->has_ana)
		return;
	const struct sf_row_ana *c = &r->ana[SF_ROW_CLIENT], *s = &r->ana[SF_ROW_SERVER];
	t->analysed++;
	t->with_retrans += (c->retrans_pkts + s->retrans_pkts) > 0;
	t->retrans_pkts += (uint64_t)c->retrans_pkts + s->retrans_pkts;
	t->retrans_bytes += c->retrans_bytes + s->retrans_bytes;
	t->fast += (uint64_t)c->fast_retrans + s->fast_retrans;
	t->spurious += (uint64_t)c->spurious_retrans + s->spurious_retrans;
	t->dsack += (uint64_t)c->dsack_spurious + s->dsack_spurious;
	t->with_dup_acks += (c->dup_acks + s->dup_acks) > 0;
	t->dup_acks += (uint64_t)c->dup_acks + s->dup_acks;
	t->with_ooo += (c->out_of_order + s->out_of_order) > 0;
	t->with_lost += (c->lost_segments + s->lost_segments) > 0;
	t->with_ack_unseen += (c->ack_unseen + s->ack_unseen) > 0;
	t->with_zero_window += (c->zero_windows + s->zero_windows) > 0;
	t->with_rtt += (c->rtt_samples + s->rtt_samples) > 0;
	t->rtt_samples += (uint64_t)c->rtt_samples + s->rtt_samples;
}

static void on_packet(void *self, const struct sf_pkt_view *pv)
{
	struct sf_stats_view *v = self;
	if (sf_conn_extras_packet(v->extras, pv) < 0)
		v->oom = true;
}

static void on_final(void *self, const struct sf_conn_view *cv)
{
	struct sf_stats_view *v = self;
	struct sf_conn_row r;
	if (!sf_conn_view_final_row(&r, v->extras, cv))
		return;
	count_ana(&v->ana, &r);
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

static void ana_section(struct sf_outbuf *ob, const struct ana_totals *t)
{
	ob_puts(ob, "Sequence analysis\n");
	line_u64(ob, "connections with retransmissions", t->with_retrans);
	line_u64(ob, "retransmitted packets", t->retrans_pkts);
	line_u64(ob, "retransmitted bytes", t->retrans_bytes);
	line_u64(ob, "  of which fast retransmissions", t->fast);
	line_u64(ob, "  of which spurious", t->spurious);
	line_u64(ob, "  shown spurious by a D-SACK", t->dsack);
	line_u64(ob, "connections with duplicate ACKs", t->with_dup_acks);
	line_u64(ob, "duplicate ACKs", t->dup_acks);
	line_u64(ob, "connections with out-of-order", t->with_ooo);
	line_u64(ob, "connections with lost segments", t->with_lost);
	line_u64(ob, "connections with ACKed unseen data", t->with_ack_unseen);
	line_u64(ob, "connections with a zero window", t->with_zero_window);
	line_u64(ob, "connections with RTT samples", t->with_rtt);
	line_u64(ob, "RTT samples", t->rtt_samples);
}

/* Wireshark's severity and expert-info summary of each analysis flag (ei_tcp_analysis_* in
 * proto_register_tcp), in SF_ANA_* bit order. Duplicate ACKs are one line: tshark appends the
 * ACK's number ("Duplicate ACK (#3)") and so lists each number apart. */
enum { SEV_WARN, SEV_NOTE, SEV_CHAT };
static const struct {
	uint8_t severity;
	const char *summary;
} expert[SF_ANA__NFLAGS] = {
    {SEV_NOTE, "This frame is a (suspected) retransmission"},
    {SEV_NOTE, "This frame is a (suspected) fast retransmission"},
    {SEV_NOTE, "This frame is a (suspected) spurious retransmission"},
    {SEV_WARN, "This frame is a (suspected) out-of-order segment"},
    {SEV_WARN, "Previous segment(s) not captured (common at capture start)"},
    {SEV_WARN, "ACKed segment that wasn't captured (common at capture start)"},
    {SEV_NOTE, "Duplicate ACK"},
    {SEV_WARN, "TCP Zero Window segment"},
    {SEV_NOTE, "TCP Zero Window Probe"},
    {SEV_NOTE, "ACK to a TCP Zero Window Probe"},
    {SEV_NOTE, "TCP keep-alive segment"},
    {SEV_NOTE, "ACK to a TCP keep-alive segment"},
    {SEV_CHAT, "TCP window update"},
    {SEV_WARN, "TCP window specified by the receiver is now completely full"},
    {SEV_NOTE, "A new tcp session is started with the same ports as an earlier session in "
               "this trace"},
};

static bool is_ana_event(unsigned e)
{
	return e >= SF_EV_ANA_RETRANSMISSION && e < SF_EV_ANA_RETRANSMISSION + SF_ANA__NFLAGS;
}

/* Packets with one expert item. Wireshark gives a fast or spurious retransmission the
 * retransmission item too (tcp.analysis.retransmission is set on all three), so its
 * "retransmission" line counts every retransmitted packet. */
static uint64_t expert_count(const struct sf_run_stats *st, unsigned b)
{
	const uint64_t *ev = &st->events[SF_EV_ANA_RETRANSMISSION];
	if ((1u << b) == SF_ANA_RETRANSMISSION)
		return ev[0] + ev[__builtin_ctz(SF_ANA_FAST_RETRANSMISSION)] +
		       ev[__builtin_ctz(SF_ANA_SPURIOUS_RETRANS)];
	return ev[b];
}

/* Packets per analysis flag, by severity as tshark -z expert prints them: "Warns (61)", then
 * one line per summary with its count (and the flag's field, to filter on). Counted from the
 * run's event counters, so over every packet read even when -Y leaves connections out of the
 * other sections (as the Events section). */
static void expert_section(struct sf_outbuf *ob, const struct sf_run_stats *st)
{
	static const char *const sev_name[] = {"Warns", "Notes", "Chats"};
	ob_puts(ob,
	        "Expert info (TCP sequence analysis of all packets read, as tshark -z expert)\n");
	bool any = false;
	for (unsigned sev = SEV_WARN; sev <= SEV_CHAT; sev++) {
		uint64_t total = 0;
		for (unsigned b = 0; b < SF_ANA__NFLAGS; b++)
			if (expert[b].severity == sev)
				total += expert_count(st, b);
		if (!total)
			continue;
		any = true;
		ob_puts(ob, "  ");
		ob_puts(ob, sev_name[sev]);
		ob_puts(ob, " (");
		ob_put_u64(ob, total);
		ob_puts(ob, ")\n");
		for (unsigned b = 0; b < SF_ANA__NFLAGS; b++) {
			uint64_t n = expert_count(st, b);
			if (expert[b].severity != sev || !n)
				continue;
			ob_put_u64w(ob, n, 12);
			ob_puts(ob, "  ");
			ob_puts(ob, expert[b].summary);
			ob_puts(ob, " [");
			ob_puts(ob, sf_ana_flag_field(1u << b));
			ob_puts(ob, "]\n");
		}
	}
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
	/* a row is written once its close settled; TIME-WAIT goes on in a compact record */
	line_u64(ob, "  written while in TIME-WAIT", st->conns.settled);
	line_u64(ob, "  resumed by a late packet", st->conns.resumed);
	line_u64(ob, "most in TIME-WAIT after written", st->conns.tombs_peak);
	line_u64(ob, "TIME-WAIT records dropped early", st->conns.tombs_dropped);
	line_u64(ob, "ended by an idle timeout", st->conns.expired);
	line_u64(ob, "evicted (table full)", st->conns.evicted);
	line_u64(ob, "ended by port reuse", st->conns.reused);
	line_u64(ob, "still open at the end", st->conns.flushed);
	section(ob, "Open kinds", &v->open);
	section(ob, "Close kinds", &v->close);
	section(ob, "First to close", &v->closer);
	section(ob, "Zeek conn_state", &v->state);

	if (v->ana.analysed)
		ana_section(ob, &v->ana);
	expert_section(ob, st);

	ob_puts(ob, "Events (decode and tracking)\n");
	bool any = false;
	for (unsigned e = 1; e < SF_EV__COUNT; e++) {
		if (!st->events[e] || is_ana_event(e))
			continue;
		line_u64(ob, sf_event_name((enum sf_event)e), st->events[e]);
		any = true;
	}
	if (!any)
		ob_puts(ob, "  (none)\n");
	if (v->oom)
		ob_puts(ob, "(out of memory: some closers may be missing)\n");
	ob_finish(ob);
}

struct sf_stats_view *sf_stats_view_new(FILE *out, char *err, size_t errlen)
{
	struct sf_stats_view *v = calloc(1, sizeof(*v));
	if (!v || sf_conn_view_base_init(&v->ob, 1 << 14, &v->extras, out) < 0) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return v;
}

struct sf_sink sf_stats_view_sink(struct sf_stats_view *v)
{
	struct sf_sink s = {.self = v, .packet = on_packet, .conn_final = on_final, .end = on_end};
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
	sf_conn_view_base_free(&v->ob, v->extras);
	free(v);
}
