/* Unit tests of the lab's observer: the sink that turns tracked connections into what the lab
 * compares (kinds, state sequences, retransmitted segments, duplicate ACKs), driven by crafted
 * segments through the real tracker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "helper_seg.h"
#include "synfin/analysis.h"
#include "synfin/lab.h"
#include "synfin/pipeline.h"

#define S SF_TCP_SYN
#define A SF_TCP_ACK
#define F SF_TCP_FIN
#define R SF_TCP_RST
#define P SF_TCP_PSH

static struct hseg_run run;
static struct sf_lab_observer *ob;
static struct sf_sink sink;
static struct sf_analyser *ana;

static int setup(void **state)
{
	(void)state;
	hseg_set_endpoints(40000, 80, 1, 2);
	hseg_run_init(&run, NULL);
	ob = sf_lab_observer_new();
	sink = sf_lab_observer_sink(ob);
	char err[128];
	ana = sf_analyser_new(NULL, err, sizeof(err));
	return ob && ana ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (run.t)
		hseg_run_end(&run);
	sf_lab_observer_free(ob);
	sf_analyser_free(ana);
	return 0;
}

/* Feeds segments one by one as the pipeline hands them to the sink: conn_opened when the
 * tracker creates the record, then the packet with its tracking and analysis. */
static void feed(const struct hseg *segs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct sf_conn *c = hseg_feed(&run, &segs[i], 1);
		assert_non_null(c);
		if (run.trk[0].new_conn)
			sink.conn_opened(sink.self, c);
		struct sf_pkt_analysis pa;
		sf_analyser_process(ana, &run.pkt[0], c, &run.trk[0], &pa);
		struct sf_pkt_view v = {
		    .pkt = &run.pkt[0], .conn = c, .trk = &run.trk[0], .ana = &pa};
		sink.packet(sink.self, &v);
	}
}

/* Ends the run: every record the tracker flushes goes to conn_closed. */
static void finish(void)
{
	hseg_run_end(&run);
	unsigned n = run.n_closed < HSEG_MAX_CONNS ? run.n_closed : HSEG_MAX_CONNS;
	for (unsigned i = 0; i < n; i++)
		sink.conn_closed(sink.self, &run.closed[i]);
}

static void assert_states(const char *const *got, unsigned n, const char *want)
{
	char buf[256];
	sf_lab_states_str(got, n, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* Handshake, "a" and its ACK: client ISN 100, server ISN 500. */
static const struct hseg open3[] = {
    {HSEG_A, S, 100, 0, 0, 0, 0},     {HSEG_B, S | A, 500, 101, 0, 100, 0},
    {HSEG_A, A, 101, 501, 0, 200, 0}, {HSEG_A, P | A, 101, 501, 1, 300, 0},
    {HSEG_B, A, 501, 102, 0, 400, 0},
};

static void test_four_way_sequences(void **state)
{
	(void)state;
	feed(open3, 5);
	const struct hseg close4[] = {
	    {HSEG_A, F | A, 102, 501, 0, 500, 0},
	    {HSEG_B, A, 501, 103, 0, 600, 0},
	    {HSEG_B, F | A, 501, 103, 0, 700, 0},
	    {HSEG_A, A, 103, 502, 0, 800, 0},
	};
	feed(close4, 4);
	finish();
	struct sf_lab_observed o;
	uint64_t stream = 99, dup = 99;
	assert_true(sf_lab_observer_pick(ob, 80, 40000, &o, &stream, &dup));
	assert_true(o.found);
	assert_int_equal(stream, 0);
	assert_string_equal(o.open_kind, "three-way");
	assert_string_equal(o.close_kind, "four-way");
	assert_states(o.client_states, o.n_client_states,
	              "CLOSED → SYN-SENT → ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT");
	assert_states(o.server_states, o.n_server_states,
	              "LISTEN → SYN-RECEIVED → ESTABLISHED → CLOSE-WAIT → LAST-ACK → CLOSED");
	assert_int_equal(o.retransmissions, 0);
	assert_int_equal(dup, 0);
	assert_int_equal(sf_lab_observer_conns(ob), 1);
	/* Another client port or server port is not this connection. */
	assert_false(sf_lab_observer_pick(ob, 80, 40001, &o, &stream, &dup));
	assert_false(o.found);
	assert_false(sf_lab_observer_pick(ob, 81, 40000, &o, &stream, &dup));
	/* Client port 0: the only connection to the server port. */
	assert_true(sf_lab_observer_pick(ob, 80, 0, &o, &stream, &dup));
}

/* The FIN/ACK that acknowledges the client's FIN: FIN-WAIT-1 → TIME-WAIT in one frame (RFC 9293
 * §3.10.7.4, FIN-WAIT-1: "If our FIN has been ACKed (perhaps in this segment) ..."), which is
 * what the merged-close scenario expects. */
static void test_merged_close_skips_fin_wait_2(void **state)
{
	(void)state;
	feed(open3, 5);
	const struct hseg close3[] = {
	    {HSEG_A, F | A, 102, 501, 0, 500, 0},
	    {HSEG_B, F | A, 501, 103, 0, 600, 0},
	    {HSEG_A, A, 103, 502, 0, 700, 0},
	};
	feed(close3, 3);
	finish();
	struct sf_lab_observed o;
	uint64_t stream, dup;
	assert_true(sf_lab_observer_pick(ob, 80, 40000, &o, &stream, &dup));
	assert_string_equal(o.close_kind, "three-way");
	assert_states(o.client_states, o.n_client_states,
	              "CLOSED → SYN-SENT → ESTABLISHED → FIN-WAIT-1 → TIME-WAIT");
	const struct sf_lab_scenario *sc = sf_lab_scenario_find("merged-close");
	struct sf_lab_result res = {0};
	struct sf_lab_verdict v;
	sf_lab_compare(sc, &o, &res, &v);
	assert_true(v.agree);
}

/* The counts are the analysis layer's flags (Wireshark's rules): data below the highest
 * sequence seen is a retransmission, a one-byte segment just below it a keep-alive; a pure ACK
 * repeating ack and window with data in flight is a duplicate ACK. */
static void test_retransmissions_and_dup_acks(void **state)
{
	(void)state;
	feed(open3, 5);
	const struct hseg loss[] = {
	    {HSEG_A, A, 102, 501, 100, 500, 0},  /* bytes 2-101 (lost beyond the capture) */
	    {HSEG_A, A, 202, 501, 100, 510, 0},  /* 102-201 */
	    {HSEG_B, A, 501, 102, 0, 520, 0},    /* dup ACK 1 */
	    {HSEG_A, A, 302, 501, 100, 530, 0},  /* 202-301 */
	    {HSEG_B, A, 501, 102, 0, 540, 0},    /* dup ACK 2 */
	    {HSEG_A, A, 102, 501, 100, 550, 0},  /* retransmission of 2-101 */
	    {HSEG_B, A, 501, 402, 0, 560, 0},    /* cumulative ACK: not a dup */
	    {HSEG_A, A, 401, 501, 1, 600, 0},    /* keep-alive: one byte below the edge */
	    {HSEG_B, A, 501, 402, 0, 610, 0},    /* same ACK, nothing in flight: not a dup */
	    {HSEG_A, A, 202, 501, 50, 620, 0},   /* partial retransmission */
	    {HSEG_B, A, 501, 402, 0, 630, 1000}, /* window changed: a window update */
	};
	feed(loss, 11);
	finish();
	struct sf_lab_observed o;
	uint64_t stream, dup;
	assert_true(sf_lab_observer_pick(ob, 80, 40000, &o, &stream, &dup));
	assert_int_equal(o.retransmissions, 2);
	assert_int_equal(dup, 2);
	assert_string_equal(o.close_kind, "unterminated");
}

/* A refused connection: the server side never changes state, so its sequence is one state. */
static void test_refused_and_two_connections(void **state)
{
	(void)state;
	const struct hseg refused[] = {
	    {HSEG_A, S, 100, 0, 0, 0, 0},
	    {HSEG_B, R | A, 0, 101, 0, 10, 0},
	};
	feed(refused, 2);
	hseg_set_endpoints(40002, 80, 1, 2);
	feed(open3, 5);
	finish();
	assert_int_equal(sf_lab_observer_conns(ob), 2);
	struct sf_lab_observed o;
	uint64_t stream, dup;
	assert_true(sf_lab_observer_pick(ob, 80, 40000, &o, &stream, &dup));
	assert_int_equal(stream, 0);
	assert_string_equal(o.open_kind, "refused");
	assert_string_equal(o.close_kind, "rst-abort");
	assert_states(o.client_states, o.n_client_states, "CLOSED → SYN-SENT → CLOSED");
	assert_int_equal(o.n_server_states, 1);
	assert_true(sf_lab_observer_pick(ob, 80, 40002, &o, &stream, &dup));
	assert_int_equal(stream, 1);
	assert_string_equal(o.open_kind, "three-way");
	assert_string_equal(o.close_kind, "unterminated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_four_way_sequences, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_merged_close_skips_fin_wait_2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retransmissions_and_dup_acks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_and_two_connections, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
