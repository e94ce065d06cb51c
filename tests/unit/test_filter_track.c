/* synfin — display filters over tracking fields, through the real pipeline: frames built byte
 * by byte, decoded, tracked, filtered (sf_pipeline_cfg.filter), then seen by a sink.
 *
 * Covers: the tracking rows of the registry (tcp.stream, relative tcp.seq/ack/nxtseq,
 * tcp.completeness, tcp.state.*, conn.* as known so far, event with tracking events), values
 * absent without tracking, the packet scope (only matches reach the sinks), the connection
 * scope (every packet reaches the sinks, sf_conn.filtered_out marks the connections nothing
 * matched, the final record matched at close), and sf_filter_needs_track.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "helper_frame.h"
#include "synfin/conn.h"
#include "synfin/filter.h"
#include "synfin/pipeline.h"

#define S SF_TCP_SYN
#define A SF_TCP_ACK
#define F SF_TCP_FIN
#define R SF_TCP_RST
#define P SF_TCP_PSH

/* One segment: client 10.0.0.1:cport ↔ server 10.0.0.2:80. */
struct seg {
	bool from_client;
	uint16_t cport;
	uint16_t flags;
	uint32_t seq, ack, len;
};

/* What the sink saw. */
struct seen {
	uint64_t frames[64];
	unsigned n;
	struct {
		uint64_t stream;
		bool filtered_out;
	} closed[16];
	unsigned n_closed;
};

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct seen *s = self;
	if (s->n < 64)
		s->frames[s->n++] = v->pkt->frame->number;
}

static void on_closed(void *self, const struct sf_conn *c)
{
	struct seen *s = self;
	if (s->n_closed < 16) {
		s->closed[s->n_closed].stream = c->stream;
		s->closed[s->n_closed].filtered_out = c->filtered_out;
		s->n_closed++;
	}
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void feed(struct sf_pipeline *p, const struct seg *s, unsigned i)
{
	struct hframe f;
	hframe_init(&f);
	hframe_eth(&f, 0x0800);
	size_t ip = hframe_ipv4_tcp(&f, s->flags, NULL, 0, s->len);
	size_t tcp = ip + 20;
	uint8_t a = s->from_client ? 1 : 2, b = s->from_client ? 2 : 1;
	f.b[ip + 15] = a;
	f.b[ip + 19] = b;
	put_be16(&f.b[tcp], s->from_client ? s->cport : 80);
	put_be16(&f.b[tcp + 2], s->from_client ? 80 : s->cport);
	put_be32(&f.b[tcp + 4], s->seq);
	put_be32(&f.b[tcp + 8], s->ack);
	struct sf_frame fr = hframe_frame(&f, 1 /* DLT_EN10MB */);
	fr.ts_sec = 1000000 + i;
	fr.ts_nsec = 0;
	sf_pipeline_feed(p, &fr);
}

/* Runs segs through a pipeline with filter expr (NULL = none) in the given scope. */
static void run(const char *expr, bool conns, bool track, const struct seg *segs, unsigned n,
                struct seen *out)
{
	char err[512];
	struct sf_filter *flt = NULL;
	memset(out, 0, sizeof(*out));
	if (expr) {
		flt = sf_filter_compile(expr, err, sizeof(err));
		if (!flt)
			fail_msg("%s", err);
	}
	struct sf_pipeline_cfg cfg = {.track = track, .filter = flt, .filter_conns = conns};
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, sizeof(err));
	assert_non_null(p);
	struct sf_sink sink = {.self = out, .packet = on_packet, .conn_closed = on_closed};
	sf_pipeline_add_sink(p, &sink);
	for (unsigned i = 0; i < n; i++)
		feed(p, &segs[i], i);
	sf_pipeline_finish(p);
	sf_pipeline_free(p);
	sf_filter_free(flt);
}

/* Frames seen, as "1 2 3". */
static const char *frames(const struct seen *s)
{
	static char buf[256];
	size_t w = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < s->n && w < sizeof(buf) - 24; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%llu", i ? " " : "",
		                      (unsigned long long)s->frames[i]);
	return buf;
}

/* Stream 0 (port 40000): handshake, 10 bytes, four-way close. Stream 1 (port 40001): SYN with
 * 5 bytes of data, reset by the server. Client ISN 100, server ISN 500. */
static const struct seg two[] = {
    {true, 40000, S, 100, 0, 0},        /* 1 */
    {false, 40000, S | A, 500, 101, 0}, /* 2 */
    {true, 40000, A, 101, 501, 0},      /* 3 */
    {true, 40000, P | A, 101, 501, 10}, /* 4 */
    {false, 40000, A, 501, 111, 0},     /* 5 */
    {true, 40001, S, 7000, 0, 5},       /* 6: second connection, SYN with data */
    {false, 40001, R | A, 0, 7001, 0},  /* 7 */
    {true, 40000, F | A, 111, 501, 0},  /* 8 */
    {false, 40000, A, 501, 112, 0},     /* 9 */
    {false, 40000, F | A, 501, 112, 0}, /* 10 */
    {true, 40000, A, 112, 502, 0},      /* 11 */
};
#define NTWO (sizeof(two) / sizeof(two[0]))

static void expect(const char *expr, const char *want)
{
	struct seen s;
	run(expr, false, false, two, NTWO, &s);
	if (strcmp(frames(&s), want) != 0)
		fail_msg("%s: frames \"%s\", want \"%s\"", expr, frames(&s), want);
}

static void test_tracking_fields(void **state)
{
	(void)state;
	expect("tcp.stream == 1", "6 7");
	expect("tcp.stream == 0 && tcp.seq == 1 && tcp.len > 0", "4");
	expect("tcp.seq == 0 && tcp.flags.reset == 0", "1 2 6"); /* each side's ISN → 0 */
	expect("tcp.ack == 11", "5");         /* 111 - 100: server ACKs the 10 bytes */
	expect("tcp.nxtseq == 12", "8 11");   /* the FIN counts one */
	expect("tcp.completeness == 7", "3"); /* SYN, SYN-ACK, ACK known after frame 3 */
	expect("tcp.completeness & 16", "8 9 10 11");
	expect("tcp.state.client == \"SYN-SENT\"", "1 2 6"); /* the RST closes it */
	expect("tcp.state.server == \"SYN-RECEIVED\"", "2");
	/* the client takes the server's FIN when it acknowledges it (frame 11) */
	expect("tcp.state.client == \"TIME-WAIT\"", "11");
	expect("tcp.state.changed == 1 && tcp.stream == 0", "1 2 3 8 9 10 11");
	/* present only when a state changed: the bare field selects the same packets */
	expect("tcp.state.changed && tcp.stream == 0", "1 2 3 8 9 10 11");
	expect("tcp.state.changed == 0", "");
	expect("conn.open_kind == \"refused\"", "7");
	expect("conn.close_kind == \"none\" && tcp.stream == 0", "1 2 3 4 5 8 9");
	expect("conn.close_kind == \"four-way\"", "10 11");
	expect("conn.close_kind == \"rst-abort\"", "7");
	expect("conn.closer == \"client\"", "8 9 10 11");
	expect("conn.state == \"SF\"", "10 11");
	expect("conn.state == \"REJ\"", "7");
	expect("conn.history == \"ShAD\"", "4");
	expect("conn.history matches \"^ShADaF\"", "8 9 10 11");
	expect("event == \"tcp.SYN_with_data\"", "6");
	expect("tcp.port == 40001 && !tcp.analysis.reused_ports", "6 7");
}

/* Without tracking the fields are absent (tracking off, no filter asking for it). */
static void test_absent_without_tracking(void **state)
{
	(void)state;
	struct sf_pkt_view v = {0};
	struct sf_packet pkt;
	struct sf_frame fr = {0};
	struct sf_fval vals[SF_FIELD_MAX_VALUES];
	memset(&pkt, 0, sizeof(pkt));
	pkt.frame = &fr;
	pkt.has_tcp = true;
	v.pkt = &pkt;
	const char *names[] = {"tcp.stream",       "tcp.seq",           "tcp.ack",
	                       "tcp.nxtseq",       "tcp.completeness",  "tcp.analysis.reused_ports",
	                       "tcp.state.client", "tcp.state.changed", "conn.state",
	                       "conn.history",     "conn.close_kind",   "conn.open_kind",
	                       "conn.closer"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct sf_field *f = sf_field_by_name(names[i]);
		assert_non_null(f);
		assert_true(f->flags & SF_FF_TRACK);
		assert_int_equal(sf_field_values(f, &v, NULL, vals, SF_FIELD_MAX_VALUES), 0);
	}
	/* the raw numbers stay */
	assert_int_equal(sf_field_values(sf_field_by_name("tcp.seq_raw"), &v, NULL, vals, 16), 1);
}

static void test_needs_track(void **state)
{
	(void)state;
	char err[256];
	static const struct {
		const char *expr;
		bool track;
	} cases[] = {
	    {"tcp.port == 80", false},
	    {"tcp.flags.syn==1 && tcp.flags.ack==0", false},
	    {"tcp.seq_raw > 5", false},
	    {"tcp.port == 80 || tcp.stream == 3", true},
	    {"tcp.seq > 0", true},
	    {"conn.state == \"SF\"", true},
	    {"event", true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sf_filter *f = sf_filter_compile(cases[i].expr, err, sizeof(err));
		assert_non_null(f);
		assert_int_equal(sf_filter_needs_track(f), cases[i].track);
		sf_filter_free(f);
	}
}

/* A filter needing tracking turns it on: the same packets match with cfg.track false. */
static void test_filter_turns_tracking_on(void **state)
{
	(void)state;
	struct seen s;
	run("tcp.stream == 1", false, false, two, NTWO, &s);
	assert_string_equal(frames(&s), "6 7");
	assert_int_equal(s.n_closed, 2);
}

/* Connection scope: every packet reaches the sinks; conn_closed says which matched. */
static void test_conn_scope(void **state)
{
	(void)state;
	struct seen s;
	run("tcp.flags.reset == 1", true, false, two, NTWO, &s);
	assert_int_equal(s.n, NTWO);
	assert_int_equal(s.n_closed, 2);
	for (unsigned i = 0; i < s.n_closed; i++)
		assert_int_equal(s.closed[i].filtered_out, s.closed[i].stream != 1);

	/* no filter: nothing filtered out */
	run(NULL, true, true, two, NTWO, &s);
	assert_int_equal(s.n_closed, 2);
	assert_false(s.closed[0].filtered_out);
	assert_false(s.closed[1].filtered_out);

	/* a packet filter marks connections too, but only matching packets reach the sink */
	run("tcp.port == 40000 && tcp.flags.fin == 1", false, false, two, NTWO, &s);
	assert_string_equal(frames(&s), "8 10");
	for (unsigned i = 0; i < s.n_closed; i++)
		assert_int_equal(s.closed[i].filtered_out, s.closed[i].stream != 0);
}

/* A connection left open matches "unterminated" only by its final record, at close; packet
 * fields have no value then. */
static void test_conn_scope_final_record(void **state)
{
	(void)state;
	struct seen s;
	run("conn.close_kind == \"unterminated\"", true, false, two, 5, &s);
	assert_int_equal(s.n_closed, 1);
	assert_false(s.closed[0].filtered_out);

	run("conn.close_kind == \"unterminated\" && tcp.port == 40000", true, false, two, 5, &s);
	assert_int_equal(s.n_closed, 1);
	assert_true(s.closed[0].filtered_out);

	run("tcp.completeness == 31", true, false, two, NTWO, &s); /* final value of stream 0 */
	assert_int_equal(s.n_closed, 2);
	for (unsigned i = 0; i < s.n_closed; i++)
		assert_int_equal(s.closed[i].filtered_out, s.closed[i].stream != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tracking_fields), cmocka_unit_test(test_absent_without_tracking),
	    cmocka_unit_test(test_needs_track),     cmocka_unit_test(test_filter_turns_tracking_on),
	    cmocka_unit_test(test_conn_scope),      cmocka_unit_test(test_conn_scope_final_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
