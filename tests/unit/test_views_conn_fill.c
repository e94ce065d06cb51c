/* From the tracker's record to the views' row: struct sf_conn filled by hand, as the tracker
 * would at conn_closed, then sf_conn_row_fill; the extras (IP bytes, FIN and RST senders)
 * accumulated from hand-built packet views; explain's packet records from struct
 * sf_pkt_track; and the three views fed through their sinks without a pipeline. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_report.h"
#include "report/conn_row.h"
#include "report/explain_model.h"
#include "synfin/conn.h"
#include "synfin/pipeline.h"
#include "synfin/report.h"

#define SEC 1000000000LL

/* 192.168.1.116:3337 → 192.168.1.123:7788, three-way open, four-way close by the client. */
static void base_conn(struct sf_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->stream = 7;
	c->first_frame = 4;
	c->last_frame = 13;
	c->start_ns = 1700000000LL * SEC + 250000000;
	c->last_ns = 1700000001LL * SEC + 500000;
	rpt_addr(&c->addr[0], "192.168.1.116");
	rpt_addr(&c->addr[1], "192.168.1.123");
	c->port[0] = 3337;
	c->port[1] = 7788;
	c->state[0] = SF_TCP_TIME_WAIT;
	c->state[1] = SF_TCP_CLOSED;
	c->open_kind = SF_OPEN_THREE_WAY;
	c->close_kind = SF_CLOSE_FOUR_WAY;
	c->closer = SF_SIDE_CLIENT;
	c->end_reason = SF_END_CAPTURE_END;
	c->completeness = 31;
	c->pkts[0] = 5;
	c->pkts[1] = 5;
	c->bytes[0] = 100;
	c->bytes[1] = 200;
	c->rtt_syn_synack_ns = 180000;
	c->rtt_synack_ack_ns = 30000;
	c->opts[0] = (struct sf_side_opts){
	    .mss = 1460, .wscale = 7, .sack_perm = 1, .ts = 1, .ecn_setup = 1, .seen = 1};
	c->opts[1] = (struct sf_side_opts){.mss = 0, .wscale = -1, .sack_perm = 1, .seen = 1};
	c->zeek_state = SF_ZEEK_SF;
	snprintf(c->history, sizeof(c->history), "ShADadFf");
}

static void test_fill_basic(void **state)
{
	(void)state;
	struct sf_conn c;
	struct sf_conn_row r;
	base_conn(&c);
	struct sf_conn_extra e = {.ip_bytes = {300, 400}, .first_fin = SF_ROW_CLIENT, .rst_by = -1};
	sf_conn_row_fill(&r, &c, &e);

	assert_int_equal(r.stream, 7);
	assert_int_equal(sf_conn_row_stream(&c), 7);
	assert_int_equal(r.client.a[3], 116);
	assert_int_equal(r.server.a[3], 123);
	assert_int_equal(r.client_port, 3337);
	assert_int_equal(r.server_port, 7788);
	assert_int_equal(r.start_sec, 1700000000);
	assert_int_equal(r.start_nsec, 250000000);
	assert_int_equal(r.end_sec, 1700000001);
	assert_int_equal(r.end_nsec, 500000);
	assert_int_equal(sf_row_duration_ns(&r), 750500000);
	assert_int_equal(r.first_frame, 4);
	assert_int_equal(r.last_frame, 13);
	assert_int_equal(r.side[SF_ROW_CLIENT].pkts, 5);
	assert_int_equal(r.side[SF_ROW_SERVER].bytes, 200);
	assert_int_equal(r.side[SF_ROW_CLIENT].ip_bytes, 300);
	assert_int_equal(r.side[SF_ROW_SERVER].ip_bytes, 400);
	assert_int_equal(r.side[SF_ROW_CLIENT].mss, 1460);
	assert_int_equal(r.side[SF_ROW_SERVER].mss, -1); /* no MSS option */
	assert_int_equal(r.side[SF_ROW_CLIENT].wscale, 7);
	assert_int_equal(r.side[SF_ROW_SERVER].wscale, -1);
	assert_true(r.side[SF_ROW_CLIENT].ts);
	assert_false(r.side[SF_ROW_SERVER].ts);
	assert_false(r.ecn); /* only the SYN asked for ECN */
	assert_string_equal(r.side[SF_ROW_CLIENT].final_state, "TIME-WAIT");
	assert_string_equal(r.side[SF_ROW_SERVER].final_state, "CLOSED");
	assert_string_equal(r.open_kind, "three-way");
	assert_string_equal(r.close_kind, "four-way");
	assert_string_equal(r.closer, "client");
	assert_string_equal(r.rst_by, "");
	assert_string_equal(r.rst_state, "");
	assert_string_equal(r.conn_state, "SF");
	assert_string_equal(r.history, "ShADadFf");
	assert_int_equal(r.completeness, 31);
	assert_int_equal(sf_row_handshake_ns(&r), 210000);
	assert_false(r.idle_expired);
	assert_string_equal(r.end_reason, "capture-end");
	char opts[64];
	assert_string_equal(sf_row_options(&r, opts, sizeof(opts)), "MSS=1460/- WS=7/- SACK");
	/* a short buffer gets the start of the column, terminated */
	char small[8];
	assert_string_equal(sf_row_options(&r, small, sizeof(small)), "MSS=146");
	/* the longest column: two ten-digit MSS values, two shifts and every flag */
	r.side[SF_ROW_CLIENT].mss = r.side[SF_ROW_SERVER].mss = INT32_MAX;
	r.side[SF_ROW_CLIENT].wscale = r.side[SF_ROW_SERVER].wscale = 14;
	r.side[SF_ROW_CLIENT].sack_perm = r.side[SF_ROW_SERVER].sack_perm = true;
	r.side[SF_ROW_CLIENT].ts = r.side[SF_ROW_SERVER].ts = true;
	r.ecn = true;
	assert_string_equal(sf_row_options(&r, opts, sizeof(opts)),
	                    "MSS=2147483647/2147483647 WS=14/14 SACK TS ECN");
}

/* Every open and close kind maps to the views' stable names. */
static void test_fill_kind_names(void **state)
{
	(void)state;
	static const struct {
		uint8_t open;
		const char *name;
	} opens[] = {
	    {SF_OPEN_THREE_WAY, "three-way"},     {SF_OPEN_SIMULTANEOUS, "simultaneous-open"},
	    {SF_OPEN_SYN_RETRIED, "syn-retried"}, {SF_OPEN_REFUSED, "refused"},
	    {SF_OPEN_UNANSWERED, "unanswered"},   {SF_OPEN_SYNACK_ONLY, "synack-only"},
	    {SF_OPEN_MIDSTREAM, "midstream"},     {SF_OPEN_UNKNOWN, ""}};
	static const struct {
		uint8_t close;
		const char *name;
	} closes[] = {{SF_CLOSE_FOUR_WAY, "four-way"},
	              {SF_CLOSE_THREE_WAY, "three-way"},
	              {SF_CLOSE_SIMULTANEOUS, "simultaneous"},
	              {SF_CLOSE_HALF_CLOSE, "half-close"},
	              {SF_CLOSE_RST_ABORT, "rst-abort"},
	              {SF_CLOSE_UNTERMINATED, "unterminated"},
	              {SF_CLOSE_NONE, ""}};
	struct sf_conn c;
	struct sf_conn_row r;
	base_conn(&c);
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		c.open_kind = opens[i].open;
		sf_conn_row_fill(&r, &c, NULL);
		assert_string_equal(r.open_kind, opens[i].name);
		/* the tracker's own names agree with the views' wherever a kind has one */
		if (opens[i].name[0])
			assert_string_equal(sf_open_kind_name(opens[i].open), r.open_kind);
	}
	for (size_t i = 0; i < sizeof(closes) / sizeof(closes[0]); i++) {
		c.close_kind = closes[i].close;
		sf_conn_row_fill(&r, &c, NULL);
		assert_string_equal(r.close_kind, closes[i].name);
		if (closes[i].name[0])
			assert_string_equal(sf_close_kind_name(closes[i].close), r.close_kind);
	}
}

static void test_fill_closers(void **state)
{
	(void)state;
	struct sf_conn c;
	struct sf_conn_row r;
	base_conn(&c);

	/* simultaneous close: both sides closed first */
	c.close_kind = SF_CLOSE_SIMULTANEOUS;
	sf_conn_row_fill(&r, &c, NULL);
	assert_string_equal(r.closer, "both");

	/* RST abort with no FIN: the record's closer is the RST sender */
	c.close_kind = SF_CLOSE_RST_ABORT;
	c.closer = SF_SIDE_SERVER;
	c.rst_state = SF_TCP_ESTABLISHED;
	c.completeness = 1 | 2 | 4 | 32;
	struct sf_conn_extra e = {.first_fin = -1, .rst_by = SF_ROW_SERVER};
	sf_conn_row_fill(&r, &c, &e);
	assert_string_equal(r.closer, "");
	assert_string_equal(r.rst_by, "server");
	assert_string_equal(r.rst_state, "ESTABLISHED");
	sf_conn_row_fill(&r, &c, NULL); /* same without extras: read from the record */
	assert_string_equal(r.rst_by, "server");

	/* client FIN, then the server resets from CLOSE-WAIT: closer and RST sender differ */
	c.closer = SF_SIDE_CLIENT;
	c.rst_state = SF_TCP_CLOSE_WAIT;
	c.completeness = 1 | 2 | 4 | 16 | 32;
	e = (struct sf_conn_extra){.first_fin = SF_ROW_CLIENT, .rst_by = SF_ROW_SERVER};
	sf_conn_row_fill(&r, &c, &e);
	assert_string_equal(r.closer, "client");
	assert_string_equal(r.rst_by, "server");
	assert_string_equal(r.rst_state, "CLOSE-WAIT");
	/* without extras the RST sender is unknown rather than wrong */
	sf_conn_row_fill(&r, &c, NULL);
	assert_string_equal(r.closer, "client");
	assert_string_equal(r.rst_by, "");

	/* unterminated by idle timeout, and by eviction */
	c.close_kind = SF_CLOSE_UNTERMINATED;
	c.closer = SF_SIDE_NONE;
	c.end_reason = SF_END_IDLE;
	sf_conn_row_fill(&r, &c, NULL);
	assert_true(r.idle_expired);
	assert_string_equal(r.closer, "");
	assert_string_equal(r.end_reason, "idle-timeout");
	c.end_reason = SF_END_EVICTED;
	sf_conn_row_fill(&r, &c, NULL);
	assert_false(r.idle_expired);
	assert_string_equal(r.end_reason, "evicted");
}

static void test_fill_ecn_history_negative_time(void **state)
{
	(void)state;
	struct sf_conn c;
	struct sf_conn_row r;
	base_conn(&c);
	c.opts[1].ecn_setup = 1;
	memset(c.history, 'd', SF_CONN_HISTORY_LEN);
	c.history[SF_CONN_HISTORY_LEN] = '\0';
	c.zeek_state = SF_ZEEK_RSTOS0;
	c.start_ns = -1; /* one nanosecond before the epoch */
	c.last_ns = 0;
	sf_conn_row_fill(&r, &c, NULL);
	assert_true(r.ecn);
	assert_int_equal(strlen(r.history), SF_CONN_HISTORY_LEN);
	assert_string_equal(r.conn_state, "RSTOS0");
	assert_int_equal(r.start_sec, -1);
	assert_int_equal(r.start_nsec, 999999999);
	assert_int_equal(sf_row_duration_ns(&r), 1);
	assert_int_equal(r.side[0].ip_bytes, 0); /* no extras: no IP bytes */
}

/* ---- extras from packets ------------------------------------------------------------------ */

struct pktctx {
	struct sf_frame f;
	struct sf_packet p;
	struct sf_pkt_track t;
	struct sf_pkt_view v;
};

static void mkpkt(struct pktctx *k, const struct sf_conn *c, uint64_t n, bool from_client,
                  uint16_t flags, uint32_t ip_len, uint8_t n_trans)
{
	rpt_frame(&k->f, NULL, 0, n, 100, (uint32_t)n * 1000, 1);
	if (from_client)
		rpt_tcp4(&k->p, &k->f, "10.0.0.1", 40000, "10.0.0.2", 80, flags);
	else
		rpt_tcp4(&k->p, &k->f, "10.0.0.2", 80, "10.0.0.1", 40000, flags);
	k->p.ip_len = k->p.ip_len_used = ip_len;
	k->p.tcp_len = ip_len - 40;
	memset(&k->t, 0, sizeof(k->t));
	k->t.from_client = from_client;
	k->t.n_trans = n_trans;
	/* the tracker's record slot: a stand-in, one per hand-built connection (stream % 4096) */
	k->v = (struct sf_pkt_view){
	    .pkt = &k->p, .conn = c, .trk = &k->t, .slot = c ? (uint32_t)(c->stream % 4096) : 0};
}

static void test_extras(void **state)
{
	(void)state;
	struct sf_conn_extras *t = sf_conn_extras_new();
	assert_non_null(t);
	struct sf_conn a, b;
	base_conn(&a);
	base_conn(&b);
	b.stream = 8;
	struct pktctx k;

	/* a: SYN 60, SYN-ACK 60, data 140 from the client, client FIN, in-window RST from the
	 * server after an out-of-window one (no transition) from the client */
	mkpkt(&k, &a, 1, true, SF_TCP_SYN, 60, 1);
	assert_int_equal(sf_conn_extras_packet(t, &k.v), 0);
	mkpkt(&k, &a, 2, false, SF_TCP_SYN | SF_TCP_ACK, 60, 1);
	sf_conn_extras_packet(t, &k.v);
	mkpkt(&k, &b, 3, true, SF_TCP_ACK, 52, 0); /* another connection in between */
	sf_conn_extras_packet(t, &k.v);
	mkpkt(&k, &a, 4, true, SF_TCP_ACK | SF_TCP_PSH, 140, 0);
	sf_conn_extras_packet(t, &k.v);
	mkpkt(&k, &a, 5, true, SF_TCP_FIN | SF_TCP_ACK, 40, 2);
	sf_conn_extras_packet(t, &k.v);
	mkpkt(&k, &a, 6, true, SF_TCP_RST, 40, 0);
	sf_conn_extras_packet(t, &k.v);
	mkpkt(&k, &a, 7, false, SF_TCP_RST, 40, 1);
	sf_conn_extras_packet(t, &k.v);
	/* a packet of no connection is ignored */
	mkpkt(&k, NULL, 8, true, SF_TCP_ACK, 40, 0);
	assert_int_equal(sf_conn_extras_packet(t, &k.v), 0);

	struct sf_conn_extra e;
	assert_true(sf_conn_extras_take(t, &a, 7, &e));
	assert_int_equal(e.ip_bytes[SF_ROW_CLIENT], 60 + 140 + 40 + 40);
	assert_int_equal(e.ip_bytes[SF_ROW_SERVER], 60 + 40);
	assert_int_equal(e.first_fin, SF_ROW_CLIENT);
	assert_true(e.fin_seen[SF_ROW_CLIENT]);
	assert_false(e.fin_seen[SF_ROW_SERVER]);
	assert_int_equal(e.rst_by, SF_ROW_SERVER);
	/* taken once: a second take finds nothing */
	assert_false(sf_conn_extras_take(t, &a, 7, &e));
	assert_int_equal(e.ip_bytes[0], 0);
	assert_int_equal(e.first_fin, -1);
	assert_int_equal(e.rst_by, -1);
	assert_true(sf_conn_extras_take(t, &b, 8, &e));
	assert_int_equal(e.ip_bytes[SF_ROW_CLIENT], 52);
	/* a slot reused by a later connection starts empty: nothing of the earlier one leaks */
	b.stream = 8 + 4096;
	mkpkt(&k, &b, 9, false, SF_TCP_FIN | SF_TCP_ACK, 40, 1);
	sf_conn_extras_packet(t, &k.v);
	assert_true(sf_conn_extras_take(t, &b, 8, &e));
	assert_int_equal(e.ip_bytes[SF_ROW_CLIENT], 0);
	assert_int_equal(e.ip_bytes[SF_ROW_SERVER], 40);
	assert_int_equal(e.first_fin, SF_ROW_SERVER);
	/* a connection whose slot holds another one's extras gets none */
	b.stream = 8;
	assert_false(sf_conn_extras_take(t, &b, 8, &e));
	sf_conn_extras_free(t);
}

/* Many live connections: the array grows, and taking one leaves every other entry.  */
static void test_extras_many(void **state)
{
	(void)state;
	struct sf_conn_extras *t = sf_conn_extras_new();
	struct sf_conn c;
	struct pktctx k;
	base_conn(&c);
	for (uint64_t s = 0; s < 3000; s++) {
		c.stream = s; /* slots 0 … 2999: the array grows several times */
		mkpkt(&k, &c, s + 1, true, SF_TCP_ACK, (uint32_t)(40 + s % 100), 0);
		assert_int_equal(sf_conn_extras_packet(t, &k.v), 0);
	}
	struct sf_conn_extra e;
	for (uint64_t s = 0; s < 3000; s += 2) { /* remove the even ones first */
		c.stream = s;
		assert_true(sf_conn_extras_take(t, &c, (uint32_t)s, &e));
		assert_int_equal(e.ip_bytes[0], 40 + s % 100);
	}
	for (uint64_t s = 1; s < 3000; s += 2) {
		c.stream = s;
		assert_true(sf_conn_extras_take(t, &c, (uint32_t)s, &e));
		assert_int_equal(e.ip_bytes[0], 40 + s % 100);
	}
	sf_conn_extras_free(t);
}

/* ---- explain's packet records ------------------------------------------------------------- */

static void test_xpkt_fill(void **state)
{
	(void)state;
	struct sf_conn c;
	struct pktctx k;
	struct sf_xpkt x;
	base_conn(&c);
	c.first_frame = 10;

	/* the client's final FIN: client ESTABLISHED → FIN-WAIT-1, server → CLOSE-WAIT (the
	 * receiver's step is the tracker's to record, in either order) */
	mkpkt(&k, &c, 12, true, SF_TCP_FIN | SF_TCP_ACK, 40, 2);
	k.p.seq = 3626544936u;
	k.p.ack = 1739326687u;
	k.p.window = 4096;
	k.t.rel_seq = 100;
	k.t.rel_ack = 201;
	k.t.trans[0] = (struct sf_trans){.frame_delta = 2,
	                                 .side = SF_SIDE_SERVER,
	                                 .from = SF_TCP_ESTABLISHED,
	                                 .to = SF_TCP_CLOSE_WAIT};
	k.t.trans[1] = (struct sf_trans){.frame_delta = 2,
	                                 .side = SF_SIDE_CLIENT,
	                                 .from = SF_TCP_ESTABLISHED,
	                                 .to = SF_TCP_FIN_WAIT_1};
	assert_true(sf_xpkt_fill(&x, &k.v));
	assert_int_equal(x.frame, 12);
	assert_int_equal(x.ts_sec, 100);
	assert_int_equal(x.ts_nsec, 12000);
	assert_int_equal(x.dir, SF_ROW_CLIENT);
	assert_int_equal(x.flags, SF_TCP_FIN | SF_TCP_ACK);
	assert_int_equal(x.win, 4096);
	assert_int_equal(x.len, 0);
	assert_int_equal(x.seq, 3626544936u);
	assert_int_equal(x.seq_rel, 100);
	assert_int_equal(x.ack_rel, 201);
	assert_true(x.ack_rel_valid);
	assert_string_equal(x.state_from[SF_ROW_CLIENT], "ESTABLISHED");
	assert_string_equal(x.state_to[SF_ROW_CLIENT], "FIN-WAIT-1");
	assert_string_equal(x.state_to[SF_ROW_SERVER], "CLOSE-WAIT");

	/* two steps of one side in one packet: from the first, to the last */
	k.t.n_trans = 3;
	k.t.trans[2] = (struct sf_trans){.frame_delta = 2,
	                                 .side = SF_SIDE_CLIENT,
	                                 .from = SF_TCP_FIN_WAIT_1,
	                                 .to = SF_TCP_FIN_WAIT_2};
	assert_true(sf_xpkt_fill(&x, &k.v));
	assert_string_equal(x.state_from[SF_ROW_CLIENT], "ESTABLISHED");
	assert_string_equal(x.state_to[SF_ROW_CLIENT], "FIN-WAIT-2");

	/* a SYN from the server side (no ACK): no relative ack, no state change */
	mkpkt(&k, &c, 13, false, SF_TCP_SYN, 44, 0);
	assert_true(sf_xpkt_fill(&x, &k.v));
	assert_int_equal(x.dir, SF_ROW_SERVER);
	assert_false(x.ack_rel_valid);
	assert_null(x.state_to[SF_ROW_CLIENT]);
	assert_null(x.state_to[SF_ROW_SERVER]);

	/* no connection, or no tracking: nothing to keep */
	mkpkt(&k, NULL, 14, true, SF_TCP_ACK, 40, 0);
	assert_false(sf_xpkt_fill(&x, &k.v));
	mkpkt(&k, &c, 15, true, SF_TCP_ACK, 40, 0);
	k.v.trk = NULL;
	assert_false(sf_xpkt_fill(&x, &k.v));
}

/* ---- the views through their sinks -------------------------------------------------------- */

/* A conns view writing into memory: mem_conns_open gives its sink; mem_conns_close ends the
 * run, checks the rows written and that no write failed, and returns the text. */
struct mem_conns {
	char *text;
	size_t len;
	FILE *fp;
	struct sf_conns_view *v;
};

static struct sf_sink mem_conns_open(struct mem_conns *m, enum sf_conns_format fmt)
{
	char err[128];
	m->text = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->text, &m->len);
	assert_non_null(m->fp);
	struct sf_conns_opts o = {.format = fmt};
	m->v = sf_conns_view_new(m->fp, &o, err, sizeof(err));
	assert_non_null(m->v);
	return sf_conns_view_sink(m->v);
}

static char *mem_conns_close(struct mem_conns *m, const struct sf_sink *s, uint64_t rows)
{
	struct sf_run_stats st = {.have_ts = true, .first_ts_sec = 100, .last_ts_sec = 101};
	s->end(s->self, &st);
	assert_int_equal(sf_conns_view_rows(m->v), rows);
	assert_int_equal(sf_conns_view_error(m->v), 0);
	sf_conns_view_free(m->v);
	fclose(m->fp);
	return m->text;
}

static char *run_conns(enum sf_conns_format fmt, const struct sf_conn *c, const struct pktctx *pk,
                       unsigned n_pk)
{
	struct mem_conns m;
	struct sf_sink s = mem_conns_open(&m, fmt);
	for (unsigned i = 0; i < n_pk; i++)
		s.packet(s.self, &pk[i].v);
	struct sf_conn_view cv = {.conn = c, .slot = (uint32_t)(c->stream % 4096)}; /* as mkpkt */
	s.conn_final(s.self, &cv);
	return mem_conns_close(&m, &s, 1);
}

static void test_conns_view_json(void **state)
{
	(void)state;
	struct sf_conn c;
	base_conn(&c);
	c.close_kind = SF_CLOSE_RST_ABORT;
	c.closer = SF_SIDE_CLIENT;
	c.rst_state = SF_TCP_LAST_ACK;
	struct pktctx pk[3];
	mkpkt(&pk[0], &c, 1, true, SF_TCP_SYN, 60, 1);
	mkpkt(&pk[1], &c, 2, true, SF_TCP_FIN | SF_TCP_ACK, 52, 2);
	mkpkt(&pk[2], &c, 3, false, SF_TCP_RST | SF_TCP_ACK, 40, 1);
	char *out = run_conns(SF_CONNS_JSON, &c, pk, 3);
	assert_non_null(strstr(out, "\"stream\":7,"));
	assert_non_null(strstr(out, "\"client_ip_bytes\":112,"));
	assert_non_null(strstr(out, "\"server_ip_bytes\":40,"));
	assert_non_null(strstr(out, "\"close\":\"rst-abort\""));
	assert_non_null(strstr(out, "\"closer\":\"client\""));
	assert_non_null(strstr(out, "\"rst_by\":\"server\""));
	assert_non_null(strstr(out, "\"rst_state\":\"LAST-ACK\""));
	assert_non_null(strstr(out, "\"end_reason\":\"capture-end\","));
	/* no analysis figures: their keys are there, null */
	assert_non_null(strstr(out, "\"client_retrans_pkts\":null,"));
	assert_non_null(strstr(out, "\"server_max_window\":null,\"port_reused\":false,"
	                            "\"resumed\":false}"));
	free(out);
}

/* ---- rows put aside for the reading thread (struct sf_sink defer and spare) --------------- */

#define N_ASIDE 1000u

struct aside_run {
	struct sf_sink s;
	_Atomic int stop;
	_Atomic unsigned wrote; /* spare calls that wrote rows */
};

static void *spare_loop(void *arg)
{
	struct aside_run *a = arg;
	while (!atomic_load(&a->stop))
		if (a->s.spare(a->s.self))
			atomic_fetch_add(&a->wrote, 1);
	return NULL;
}

static void *spare_once(void *arg)
{
	struct aside_run *a = arg;
	if (a->s.spare(a->s.self))
		atomic_fetch_add(&a->wrote, 1);
	return NULL;
}

static void conn_i(struct sf_conn *c, unsigned i)
{
	base_conn(c);
	c->stream = i;
	c->port[0] = (uint16_t)(1024 + i);
	c->pkts[0] = i;
	c->bytes[1] = 7ull * i;
}

/* Connections from … to - 1 (conn_i) end, in that order, at record slots i % 4096. */
static void end_conns(const struct sf_sink *s, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		struct sf_conn c;
		conn_i(&c, i);
		struct sf_conn_view cv = {.conn = &c, .slot = i % 4096};
		s->conn_final(s->self, &cv);
	}
}

/* N_ASIDE rows in format fmt: written at once (mode 0), put aside with nobody to write them but
 * the main thread (1), or put aside while another thread calls spare all along (2). */
static char *run_aside(enum sf_conns_format fmt, int mode)
{
	struct mem_conns m;
	struct aside_run a = {.s = mem_conns_open(&m, fmt)};
	assert_non_null(a.s.defer);
	assert_non_null(a.s.spare);
	pthread_t th;
	if (mode)
		a.s.defer(a.s.self, true);
	if (mode == 2)
		assert_int_equal(pthread_create(&th, NULL, spare_loop, &a), 0);
	end_conns(&a.s, 0, N_ASIDE);
	if (mode == 2) {
		atomic_store(&a.stop, 1);
		assert_int_equal(pthread_join(th, NULL), 0);
	}
	if (mode)
		a.s.defer(a.s.self, false);
	assert_int_equal(sf_conns_view_rows(m.v), N_ASIDE); /* all out before the end */
	return mem_conns_close(&m, &a.s, N_ASIDE);
}

/* Rows put aside come out exactly as rows written at once, in the same order, whichever
 * thread writes them. */
static void test_conns_rows_put_aside_same(void **state)
{
	(void)state;
	const enum sf_conns_format fmts[] = {SF_CONNS_TABLE, SF_CONNS_JSON, SF_CONNS_CSV,
	                                     SF_CONNS_ZEEK};
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		char *direct = run_aside(fmts[f], 0);
		for (int mode = 1; mode <= 2; mode++) {
			char *aside = run_aside(fmts[f], mode);
			assert_string_equal(aside, direct);
			free(aside);
		}
		free(direct);
	}
}

/* Put aside, a row waits for spare work; spare from another thread writes it; a full ring
 * is written by the main thread; defer(false) writes the rest. */
static void test_conns_rows_put_aside_steps(void **state)
{
	(void)state;
	struct mem_conns m;
	struct aside_run a = {.s = mem_conns_open(&m, SF_CONNS_JSON)};
	struct sf_conns_view *v = m.v;
	a.s.defer(a.s.self, true);
	end_conns(&a.s, 0, 3);
	assert_int_equal(sf_conns_view_rows(v), 0); /* put aside, not written */
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, spare_once, &a), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(atomic_load(&a.wrote), 1);
	assert_int_equal(sf_conns_view_rows(v), 3);
	assert_false(a.s.spare(a.s.self)); /* nothing left */
	end_conns(&a.s, 3, N_ASIDE);
	/* the ring is far smaller than N_ASIDE: the main thread wrote rows to make room, and
	 * the last ones still wait */
	assert_true(sf_conns_view_rows(v) > 3);
	assert_true(sf_conns_view_rows(v) < N_ASIDE);
	a.s.defer(a.s.self, false);
	assert_int_equal(sf_conns_view_rows(v), N_ASIDE);
	/* without a reading thread, a row is written at once */
	end_conns(&a.s, N_ASIDE, N_ASIDE + 1);
	assert_int_equal(sf_conns_view_rows(v), N_ASIDE + 1);
	char *text = mem_conns_close(&m, &a.s, N_ASIDE + 1);
	/* in order */
	const char *p = text;
	for (unsigned i = 0; i <= N_ASIDE; i++) {
		char key[40];
		snprintf(key, sizeof(key), "{\"stream\":%u,", i);
		const char *q = strstr(p, key);
		assert_non_null(q);
		p = q + 1;
	}
	free(text);
}

/* --order stream keeps rows and sorts them: nothing is put aside. */
static void test_conns_stream_order_not_put_aside(void **state)
{
	(void)state;
	char err[128];
	struct sf_conns_opts o = {.format = SF_CONNS_JSON, .order = SF_CONNS_ORDER_STREAM};
	struct sf_conns_view *v = sf_conns_view_new(stdout, &o, err, sizeof(err));
	assert_non_null(v);
	struct sf_sink s = sf_conns_view_sink(v);
	assert_null(s.defer);
	assert_null(s.spare);
	sf_conns_view_free(v);
}

static void test_stats_view(void **state)
{
	(void)state;
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct sf_stats_view *v = sf_stats_view_new(fp, err, sizeof(err));
	assert_non_null(v);
	struct sf_sink s = sf_stats_view_sink(v);
	struct sf_conn c;
	base_conn(&c);
	struct sf_conn_view cv = {.conn = &c};
	s.conn_final(s.self, &cv);
	c.stream = 8;
	c.open_kind = SF_OPEN_REFUSED;
	c.close_kind = SF_CLOSE_RST_ABORT;
	c.closer = SF_SIDE_SERVER;
	c.zeek_state = SF_ZEEK_REJ;
	s.conn_final(s.self, &cv);
	struct sf_run_stats st = {.frames = 12, .tcp = 12};
	st.events[SF_EV_TRK_SYN_WITH_DATA] = 2;
	s.end(s.self, &st);
	sf_stats_view_free(v);
	fclose(fp);
	assert_non_null(strstr(text, "  total                                        2\n"));
	assert_non_null(strstr(text, "  three-way                                    1\n"));
	assert_non_null(strstr(text, "  refused                                      1\n"));
	assert_non_null(strstr(text, "  rst-abort                                    1\n"));
	assert_non_null(strstr(text, "  REJ                                          1\n"));
	assert_non_null(strstr(text, "  tcp.SYN_with_data                            2\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fill_basic),
	    cmocka_unit_test(test_fill_kind_names),
	    cmocka_unit_test(test_fill_closers),
	    cmocka_unit_test(test_fill_ecn_history_negative_time),
	    cmocka_unit_test(test_extras),
	    cmocka_unit_test(test_extras_many),
	    cmocka_unit_test(test_xpkt_fill),
	    cmocka_unit_test(test_conns_view_json),
	    cmocka_unit_test(test_conns_rows_put_aside_same),
	    cmocka_unit_test(test_conns_rows_put_aside_steps),
	    cmocka_unit_test(test_conns_stream_order_not_put_aside),
	    cmocka_unit_test(test_stats_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
