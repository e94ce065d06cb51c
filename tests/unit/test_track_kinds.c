/* synfin — tracking scenarios: open and close kinds, endpoint states, Zeek conn_state/history,
 * Wireshark completeness, from crafted segments.
 *
 * Zeek expectations follow update_history() in Zeek's TCP.cc (one letter per kind and
 * direction, upper case = originator; S/H/F/R repeated only for a new sequence number; a packet
 * with SYN, FIN or RST never writes D or A) and conn_state() in base/protocols/conn/main.zeek.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "helper_seg.h"
#include "synfin/conn.h"

#define S SF_TCP_SYN
#define A SF_TCP_ACK
#define F SF_TCP_FIN
#define R SF_TCP_RST
#define P SF_TCP_PSH

/* Handshake then 10 bytes each way: client ISN 100, server ISN 500. */
static const struct hseg open3[] = {
    {HSEG_A, S, 100, 0, 0, 0, 0},     {HSEG_B, S | A, 500, 101, 0, 200, 0},
    {HSEG_A, A, 101, 501, 0, 300, 0}, {HSEG_A, P | A, 101, 501, 10, 400, 0},
    {HSEG_B, A, 501, 111, 0, 500, 0}, {HSEG_B, P | A, 501, 111, 20, 600, 0},
    {HSEG_A, A, 111, 521, 0, 700, 0},
};

static struct hseg_run run;

static const struct sf_conn *only_conn(void)
{
	hseg_run_end(&run);
	assert_int_equal(run.n_closed, 1);
	return &run.closed[0];
}

static void test_three_way_four_way(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	/* relative numbers: ISN → 0, ack relative to the peer's ISN */
	assert_int_equal(run.trk[1].rel_seq, 0);
	assert_int_equal(run.trk[1].rel_ack, 1);
	assert_int_equal(run.trk[3].rel_nxtseq, 11);
	assert_int_equal(run.trk[0].n_trans, 1);
	assert_int_equal(run.trk[2].n_trans, 2); /* both sides ESTABLISHED on the third packet */
	const struct hseg close4[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, A, 521, 112, 0, 900, 0},
	    {HSEG_B, F | A, 521, 112, 0, 1000, 0},
	    {HSEG_A, A, 112, 522, 0, 1100, 0},
	};
	const struct sf_conn *c = hseg_feed(&run, close4, 4);
	assert_int_equal(run.trk[0].rel_nxtseq, 12); /* FIN counts one */
	/* the teardown's transitions, as a consumer collects them packet by packet */
	unsigned n_close_trans = 0;
	for (unsigned i = 0; i < 4; i++)
		n_close_trans += run.trk[i].n_trans;
	assert_int_equal(n_close_trans, 6); /* FW1+CW, FW2, LA+TW, CLOSED */
	assert_int_equal(run.trk[0].trans[0].to, SF_TCP_FIN_WAIT_1);
	assert_int_equal(sf_trans_frame(c, &run.trk[0].trans[0]), 8);
	assert_int_equal(c->state[0], SF_TCP_TIME_WAIT);
	assert_int_equal(c->state[1], SF_TCP_CLOSED);
	c = only_conn();
	assert_int_equal(c->open_kind, SF_OPEN_THREE_WAY);
	assert_int_equal(c->close_kind, SF_CLOSE_FOUR_WAY);
	assert_int_equal(c->closer, SF_SIDE_CLIENT);
	/* S h A D a d F f: each letter once per side */
	assert_string_equal(c->history, "ShADadFf");
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "SF");
	assert_int_equal(c->completeness, 31);
	assert_true(c->time_wait_seen);
	assert_true(c->time_wait_end); /* flushed before 2×MSL ran out */
	assert_int_equal(c->rtt_syn_synack_ns, 200000);
	assert_int_equal(c->rtt_synack_ack_ns, 100000);
	assert_int_equal(c->pkts[0], 6);
	assert_int_equal(c->bytes[1], 20);
}

static void test_three_way_close_merged(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg close3[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, F | A, 521, 112, 0, 900, 0},
	    {HSEG_A, A, 112, 522, 0, 1000, 0},
	};
	hseg_feed(&run, close3, 3);
	/* the FIN+ACK takes the client from FIN-WAIT-1 straight to TIME-WAIT */
	assert_int_equal(run.trk[1].n_trans, 2);
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_THREE_WAY);
	assert_string_equal(c->history, "ShADadFf");
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "SF");
}

static void test_simultaneous_close(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg sim[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, F | A, 521, 111, 0, 810, 0}, /* does not ack the client's FIN: crossed */
	    {HSEG_A, A, 112, 522, 0, 900, 0},
	    {HSEG_B, A, 522, 112, 0, 910, 0},
	};
	const struct sf_conn *c = hseg_feed(&run, sim, 4);
	assert_int_equal(c->state[0], SF_TCP_TIME_WAIT);
	assert_int_equal(c->state[1], SF_TCP_TIME_WAIT);
	c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_SIMULTANEOUS);
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "SF");
}

static void test_half_close(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg hc[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, P | A, 521, 112, 50, 900, 0}, /* data after the client's FIN */
	    {HSEG_A, A, 112, 571, 0, 1000, 0},
	    {HSEG_B, F | A, 571, 112, 0, 1100, 0},
	    {HSEG_A, A, 112, 572, 0, 1200, 0},
	};
	hseg_feed(&run, hc, 5);
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_HALF_CLOSE);
	assert_true(c->data_after_fin);
	assert_int_equal(c->state[1], SF_TCP_CLOSED);
}

static void test_refused(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_A, S, 100, 0, 0, 0, 0}, {HSEG_B, R | A, 0, 101, 0, 50, 0}};
	const struct sf_conn *c = hseg_feed(&run, s, 2);
	assert_int_equal(c->state[0], SF_TCP_CLOSED);
	assert_int_equal(c->state[1], SF_TCP_LISTEN);
	c = only_conn();
	assert_int_equal(c->open_kind, SF_OPEN_REFUSED);
	assert_int_equal(c->close_kind, SF_CLOSE_RST_ABORT);
	assert_int_equal(c->closer, SF_SIDE_SERVER);
	assert_int_equal(c->rst_state, SF_TCP_LISTEN);
	/* S, then the responder's RST (one of SYN/FIN/RST): r. Zeek: resp RESET, orig SYN_SENT */
	assert_string_equal(c->history, "Sr");
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "REJ");
	assert_int_equal(c->completeness, 37); /* SYN + ACK (RST+ACK, no data) + RST, as tshark */
}

static void test_unanswered_retries(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_A, S, 100, 0, 0, 0, 0},
	                         {HSEG_A, S, 100, 0, 0, 1000000, 0},
	                         {HSEG_A, S, 100, 0, 0, 3000000, 0}};
	hseg_feed(&run, s, 3);
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->open_kind, SF_OPEN_UNANSWERED);
	assert_int_equal(c->syn_retries, 2);
	assert_int_equal(c->close_kind, SF_CLOSE_UNTERMINATED);
	assert_string_equal(c->history, "S"); /* same sequence number: no repeat */
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "S0");
	assert_int_equal(c->completeness, 1);
	assert_int_equal(c->stream, 0);
}

static void test_syn_retried_then_open(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_A, S, 100, 0, 0, 0, 0},
	                         {HSEG_A, S, 100, 0, 0, 1000000, 0},
	                         {HSEG_B, S | A, 500, 101, 0, 1000300, 0},
	                         {HSEG_A, A, 101, 501, 0, 1000400, 0}};
	hseg_feed(&run, s, 4);
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->open_kind, SF_OPEN_SYN_RETRIED);
	assert_int_equal(c->syn_retries, 1);
	assert_int_equal(c->rtt_syn_synack_ns, 300000); /* from the most recent SYN */
	assert_string_equal(c->history, "ShA");
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "S1");
}

static void test_simultaneous_open(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {
	    {HSEG_A, S, 100, 0, 0, 0, 0},
	    {HSEG_B, S, 500, 0, 0, 10, 0},
	    {HSEG_A, S | A, 100, 501, 0, 20, 0},
	    {HSEG_B, S | A, 500, 101, 0, 30, 0},
	};
	const struct sf_conn *c = hseg_feed(&run, s, 4);
	assert_int_equal(run.trk[1].n_trans, 2); /* B → SYN-SENT, A SYN-SENT → SYN-RECEIVED */
	assert_int_equal(run.trk[1].trans[1].to, SF_TCP_SYN_RECEIVED);
	assert_int_equal(c->state[0], SF_TCP_ESTABLISHED);
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED);
	c = only_conn();
	assert_int_equal(c->open_kind, SF_OPEN_SIMULTANEOUS);
	assert_int_equal(c->stream, 0);
}

static void test_rst_abort_and_out_of_window(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 3);
	const struct hseg bad[] = {{HSEG_A, R, 101 + 1000000, 0, 0, 400, 0}};
	const struct sf_conn *c = hseg_feed(&run, bad, 1);
	assert_true(sf_packet_has_event(&run.pkt[0], SF_EV_TRK_RST_OUT_OF_WINDOW));
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED); /* ignored: RFC 5961 */
	const struct hseg good[] = {{HSEG_A, R, 101, 0, 0, 500, 0}};
	c = hseg_feed(&run, good, 1);
	assert_int_equal(c->state[0], SF_TCP_CLOSED);
	assert_int_equal(c->state[1], SF_TCP_CLOSED);
	c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_RST_ABORT);
	assert_int_equal(c->closer, SF_SIDE_CLIENT);
	assert_int_equal(c->rst_state, SF_TCP_ESTABLISHED);
	/* S h A R: the out-of-window RST wrote R already; the accepted one has a new seq: R again
	 */
	assert_string_equal(c->history, "ShARR");
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "RSTO");
}

static void test_midstream(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	/* first packet from the server port: the client is the other side (roles guessed) */
	const struct hseg s[] = {{HSEG_B, P | A, 5000, 9000, 100, 0, 0},
	                         {HSEG_A, A, 9000, 5100, 0, 10, 0}};
	const struct sf_conn *c = hseg_feed(&run, s, 2);
	assert_false(run.trk[0].from_client);
	assert_int_equal(run.trk[0].rel_seq, 1); /* no SYN: base = seq - 1 */
	assert_int_equal(run.trk[0].rel_ack, 1); /* peer base = ack - 1 */
	assert_int_equal(run.trk[1].rel_ack, 101);
	assert_int_equal(c->state[0], SF_TCP_ESTABLISHED);
	c = only_conn();
	assert_true(c->roles_guessed);
	assert_int_equal(c->open_kind, SF_OPEN_MIDSTREAM);
	assert_int_equal(c->port[0], 40000);
	assert_string_equal(c->history, "^dA");
	assert_string_equal(sf_zeek_state_name(c->zeek_state), "OTH");
	assert_int_equal(c->completeness, 4 | 8);
}

static void test_synack_only(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_B, S | A, 500, 101, 0, 0, 0}};
	const struct sf_conn *c = hseg_feed(&run, s, 1);
	assert_int_equal(c->state[1], SF_TCP_SYN_RECEIVED);
	assert_true(sf_packet_has_event(&run.pkt[0], SF_EV_TRK_UNSOLICITED_SYN_RESP) ||
	            run.trk[0].n_events == 0);
	c = only_conn();
	assert_int_equal(c->open_kind, SF_OPEN_SYNACK_ONLY);
	assert_string_equal(c->history, "^h");
	assert_int_equal(c->completeness, SF_COMPL_SYNACK);
}

static void test_invalid_never_corrupts(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 3);
	const struct hseg bad[] = {
	    {HSEG_A, S | F, 100, 0, 0, 400, 0},
	    {HSEG_B, S | R, 500, 0, 0, 410, 0},
	    {HSEG_A, 0, 101, 0, 0, 420, 0},
	};
	const struct sf_conn *c = hseg_feed(&run, bad, 3);
	assert_true(sf_packet_has_event(&run.pkt[0], SF_EV_TRK_SYN_WITH_FIN));
	assert_true(sf_packet_has_event(&run.pkt[1], SF_EV_TRK_SYN_WITH_RST));
	assert_true(sf_packet_has_event(&run.pkt[2], SF_EV_TRK_NO_FLAGS));
	assert_int_equal(c->state[0], SF_TCP_ESTABLISHED);
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED);
	assert_int_equal(c->n_events, 3);
	c = only_conn();
	assert_string_equal(c->history, "ShAQq");
}

static void test_data_before_established(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_A, S, 100, 0, 0, 0, 0}, {HSEG_A, P, 101, 0, 10, 10, 0}};
	hseg_feed(&run, s, 2);
	assert_true(sf_packet_has_event(&run.pkt[1], SF_EV_TRK_DATA_BEFORE_EST));
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->state[0], SF_TCP_SYN_SENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_three_way_four_way),
	    cmocka_unit_test(test_three_way_close_merged),
	    cmocka_unit_test(test_simultaneous_close),
	    cmocka_unit_test(test_half_close),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_unanswered_retries),
	    cmocka_unit_test(test_syn_retried_then_open),
	    cmocka_unit_test(test_simultaneous_open),
	    cmocka_unit_test(test_rst_abort_and_out_of_window),
	    cmocka_unit_test(test_midstream),
	    cmocka_unit_test(test_synack_only),
	    cmocka_unit_test(test_invalid_never_corrupts),
	    cmocka_unit_test(test_data_before_established),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
