/* synfin — endpoint states against RFC 9293, transition by transition: when each side moves in
 * the closes (a FIN counts for its receiver once the capture shows it arrived), initial states
 * decided by the receiver's first segment, the close kind of a RST after a half-close, RST
 * acceptance after a Fast Open SYN, an ACK whose SYN-ACK the capture missed, and Wireshark's
 * tcp.completeness on the first packet. Every expected sequence here is a path of RFC 9293
 * figure 5 (or figure 13 for crossing FINs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helper_seg.h"
#include "synfin/conn.h"

#define S SF_TCP_SYN
#define A SF_TCP_ACK
#define F SF_TCP_FIN
#define R SF_TCP_RST
#define P SF_TCP_PSH

enum { CL, LI, SS, SR, ES, F1, F2, CW, CG, LA, TW };

/* Handshake then 10 bytes each way: client ISN 100, server ISN 500 (client next 111, server
 * next 521). */
static const struct hseg open3[] = {
    {HSEG_A, S, 100, 0, 0, 0, 0},     {HSEG_B, S | A, 500, 101, 0, 200, 0},
    {HSEG_A, A, 101, 501, 0, 300, 0}, {HSEG_A, P | A, 101, 501, 10, 400, 0},
    {HSEG_B, A, 501, 111, 0, 500, 0}, {HSEG_B, P | A, 501, 111, 20, 600, 0},
    {HSEG_A, A, 111, 521, 0, 700, 0},
};

static struct hseg_run run;

/* The transitions of segment i of the last feed, as "c:FROM>TO s:FROM>TO" with state numbers
 * (enum above), so a whole packet's changes compare in one assertion. */
static const char *trans_of(unsigned i)
{
	static char buf[128];
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned k = 0; k < run.trk[i].n_trans; k++) {
		const struct sf_trans *t = &run.trk[i].trans[k];
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%c:%d>%d", k ? " " : "",
		                      t->side == SF_SIDE_CLIENT ? 'c' : 's', t->from, t->to);
	}
	return buf;
}

static const struct sf_conn *only_conn(void)
{
	hseg_run_end(&run);
	assert_int_equal(run.n_closed, 1);
	return &run.closed[0];
}

/* Four-way close: the server enters CLOSE-WAIT when it acknowledges the FIN (textbook order),
 * not when the FIN passes the capture point; the client enters TIME-WAIT when it acknowledges
 * the server's FIN ("rcv FIN / snd ACK"). */
static void test_four_way_order(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg close4[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, A, 521, 112, 0, 900, 0},
	    {HSEG_B, F | A, 521, 112, 0, 1000, 0},
	    {HSEG_A, A, 112, 522, 0, 1100, 0},
	};
	hseg_feed(&run, close4, 4);
	assert_string_equal(trans_of(0), "c:4>5");
	assert_string_equal(trans_of(1), "s:4>7 c:5>6");
	assert_string_equal(trans_of(2), "s:7>9");
	assert_string_equal(trans_of(3), "c:6>10 s:9>0");
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_FOUR_WAY);
}

/* Merged FIN/ACK: the server's FIN+ACK shows it received the client's FIN (CLOSE-WAIT) and is
 * its close (LAST-ACK); the client takes the ACK half at once (FIN-WAIT-2, as RFC 9293
 * §3.10.7.4 processes the ACK before the FIN) and the FIN when it acknowledges it. */
static void test_merged_close_order(void **state)
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
	assert_string_equal(trans_of(0), "c:4>5");
	assert_string_equal(trans_of(1), "s:4>7 s:7>9 c:5>6");
	assert_string_equal(trans_of(2), "c:6>10 s:9>0");
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_THREE_WAY);
}

/* Crossing FINs seen client first: the server's FIN does not acknowledge the client's, so the
 * server had not received it: ESTABLISHED → FIN-WAIT-1 → CLOSING → TIME-WAIT, never
 * CLOSE-WAIT (there is no CLOSE-WAIT → CLOSING in RFC 9293). The client's next segment comes
 * after its FIN, so the server has the FIN by then (in-order delivery). */
static void test_simultaneous_close_paths(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg sim[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, F | A, 521, 111, 0, 810, 0},
	    {HSEG_A, A, 112, 522, 0, 900, 0},
	    {HSEG_B, A, 522, 112, 0, 910, 0},
	};
	hseg_feed(&run, sim, 4);
	assert_string_equal(trans_of(0), "c:4>5");
	assert_string_equal(trans_of(1), "s:4>5");
	assert_string_equal(trans_of(2), "s:5>8 c:5>8 s:8>10");
	assert_string_equal(trans_of(3), "c:8>10");
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_SIMULTANEOUS);
	assert_int_equal(c->state[0], SF_TCP_TIME_WAIT);
	assert_int_equal(c->state[1], SF_TCP_TIME_WAIT);
}

/* The same crossing, the server's ACK first: each side's CLOSING comes from its own evidence. */
static void test_simultaneous_close_server_acks_first(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg sim[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, F | A, 521, 111, 0, 810, 0},
	    {HSEG_B, A, 522, 112, 0, 900, 0},
	    {HSEG_A, A, 112, 522, 0, 910, 0},
	};
	hseg_feed(&run, sim, 4);
	assert_string_equal(trans_of(1), "s:4>5");
	assert_string_equal(trans_of(2), "c:5>8 s:5>8 c:8>10");
	assert_string_equal(trans_of(3), "s:8>10");
	assert_int_equal(only_conn()->close_kind, SF_CLOSE_SIMULTANEOUS);
}

/* A FIN nobody is seen to receive: the receiver stays ESTABLISHED (capture ends, or its data
 * still acknowledges less than the FIN), and a data segment that does not cover the FIN moves
 * nothing. */
static void test_fin_without_evidence(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg s[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},
	    {HSEG_B, P | A, 521, 111, 30, 810, 0}, /* sent before the FIN arrived */
	};
	const struct sf_conn *c = hseg_feed(&run, s, 2);
	assert_int_equal(run.trk[1].n_trans, 0);
	assert_int_equal(c->state[0], SF_TCP_FIN_WAIT_1);
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED);
	c = only_conn();
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED);
}

/* A RST answering the SYN: no listener, the port is CLOSED (RFC 9293 §3.10.7.1) from the
 * start; the server never was in LISTEN, so no server transition is recorded. */
static void test_refused_initial_closed(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_A, S, 100, 0, 0, 0, 0}, {HSEG_B, R | A, 0, 101, 0, 50, 0}};
	hseg_feed(&run, s, 2);
	assert_string_equal(trans_of(1), "c:2>0");
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->init_state[0], SF_TCP_CLOSED);
	assert_int_equal(c->init_state[1], SF_TCP_CLOSED);
	assert_int_equal(c->state[1], SF_TCP_CLOSED);
	assert_int_equal(c->open_kind, SF_OPEN_REFUSED);
	assert_int_equal(c->close_kind, SF_CLOSE_RST_ABORT);
	assert_int_equal(c->closer, SF_SIDE_SERVER);
	assert_int_equal(c->rst_state, SF_TCP_CLOSED);
}

/* A listener confirmed by its SYN-ACK starts in LISTEN. */
static void test_listener_initial_listen(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 3);
	assert_string_equal(trans_of(1), "s:1>3");
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->init_state[1], SF_TCP_LISTEN);
}

/* Simultaneous open: the receiver of the first SYN sends a bare SYN of its own, an active
 * OPEN: CLOSED → SYN-SENT (RFC 9293 §3.10.1), never LISTEN → SYN-SENT. */
static void test_simultaneous_open_initial_closed(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {
	    {HSEG_A, S, 100, 0, 0, 0, 0},        {HSEG_B, S, 500, 0, 0, 10, 0},
	    {HSEG_A, S | A, 100, 501, 0, 20, 0}, {HSEG_B, S | A, 500, 101, 0, 30, 0},
	    {HSEG_A, A, 101, 501, 0, 40, 0},
	};
	hseg_feed(&run, s, 5);
	assert_string_equal(trans_of(1), "s:0>2 c:2>3");
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->init_state[1], SF_TCP_CLOSED);
	assert_int_equal(c->open_kind, SF_OPEN_SIMULTANEOUS);
	assert_int_equal(c->state[0], SF_TCP_ESTABLISHED);
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED);
}

/* Client FIN, server data, client RST, server FIN, client RST (as in
 * zeek/qi_internet_SYNACK_curl_jsonip.pcap): the RST ended it, not a half-close. */
static void test_rst_after_half_close(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg s[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},  {HSEG_B, A, 521, 111, 0, 810, 0},
	    {HSEG_B, P | A, 521, 111, 40, 820, 0}, {HSEG_A, R, 111, 0, 0, 830, 0},
	    {HSEG_B, F | A, 561, 112, 0, 840, 0},  {HSEG_A, R, 112, 0, 0, 850, 0},
	};
	hseg_feed(&run, s, 6);
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->close_kind, SF_CLOSE_RST_ABORT);
	assert_int_equal(c->closer, SF_SIDE_CLIENT);
	assert_int_equal(c->rst_state, SF_TCP_FIN_WAIT_1);
	assert_true(c->data_after_fin);
}

/* A RST after both FINs were acknowledged answers a stray segment: the close stays four-way. */
static void test_rst_after_clean_close(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	hseg_feed(&run, open3, 7);
	const struct hseg s[] = {
	    {HSEG_A, F | A, 111, 521, 0, 800, 0},  {HSEG_B, A, 521, 112, 0, 900, 0},
	    {HSEG_B, F | A, 521, 112, 0, 1000, 0}, {HSEG_A, A, 112, 522, 0, 1100, 0},
	    {HSEG_A, R, 112, 0, 0, 1200, 0},
	};
	hseg_feed(&run, s, 5);
	assert_int_equal(only_conn()->close_kind, SF_CLOSE_FOUR_WAY);
}

/* TCP Fast Open: the SYN carries 10 bytes, SND.NXT = ISN+11. A RST/ACK acknowledging the data
 * is acceptable (RFC 9293 §3.10.7.3: ISS < SEG.ACK =< SND.NXT); so is a SYN-ACK that does. */
static void test_tfo_rst_and_synack(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg rst[] = {{HSEG_A, S, 100, 0, 10, 0, 0},
	                           {HSEG_B, R | A, 0, 111, 0, 10, 0}};
	hseg_feed(&run, rst, 2);
	assert_false(sf_packet_has_event(&run.pkt[1], SF_EV_TRK_RST_OUT_OF_WINDOW));
	const struct sf_conn *c = only_conn();
	assert_int_equal(c->state[0], SF_TCP_CLOSED);
	assert_int_equal(c->open_kind, SF_OPEN_REFUSED);

	hseg_run_init(&run, NULL);
	const struct hseg beyond[] = {{HSEG_A, S, 100, 0, 10, 0, 0},
	                              {HSEG_B, R | A, 0, 112, 0, 10, 0}};
	hseg_feed(&run, beyond, 2);
	assert_true(sf_packet_has_event(&run.pkt[1], SF_EV_TRK_RST_OUT_OF_WINDOW));
	hseg_run_end(&run);

	hseg_run_init(&run, NULL);
	const struct hseg hs[] = {{HSEG_A, S, 100, 0, 10, 0, 0},
	                          {HSEG_B, S | A, 500, 111, 0, 10, 0},
	                          {HSEG_A, A, 111, 501, 0, 20, 0}};
	c = hseg_feed(&run, hs, 3);
	assert_false(sf_packet_has_event(&run.pkt[1], SF_EV_TRK_BAD_SYN_ACK));
	assert_int_equal(c->state[0], SF_TCP_ESTABLISHED);
	hseg_run_end(&run);
}

/* An ACK from a client in SYN-SENT whose SYN-ACK the capture missed: a SYN-SENT side sends a
 * non-RST ACK only after an acceptable SYN-ACK (RFC 9293 §3.10.7.3), so the server did answer:
 * LISTEN → SYN-RECEIVED → ESTABLISHED at this frame; the gap is still named. */
static void test_ack_without_captured_synack(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {{HSEG_A, S, 100, 0, 0, 0, 0}, {HSEG_A, A, 101, 501, 0, 20, 0}};
	const struct sf_conn *c = hseg_feed(&run, s, 2);
	assert_true(sf_packet_has_event(&run.pkt[1], SF_EV_TRK_ACK_OF_UNSENT_SYN));
	assert_string_equal(trans_of(1), "s:1>3 c:2>4 s:3>4");
	assert_int_equal(c->state[1], SF_TCP_ESTABLISHED);
	hseg_run_end(&run);
}

/* tcp.completeness: the first packet of a conversation counts only if it is a SYN; its bits
 * join from the second packet on (tshark -2). */
static void test_completeness_first_packet(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg mid[] = {{HSEG_A, F | A, 111, 521, 0, 0, 0},
	                           {HSEG_B, A, 521, 112, 0, 10, 0}};
	const struct sf_conn *c = hseg_feed(&run, mid, 1);
	assert_int_equal(c->completeness, 0);
	c = hseg_feed(&run, mid + 1, 1);
	assert_int_equal(c->completeness, SF_COMPL_ACK | SF_COMPL_FIN);
	hseg_run_end(&run);

	hseg_run_init(&run, NULL);
	const struct hseg sa[] = {{HSEG_B, S | A, 500, 101, 0, 0, 0},
	                          {HSEG_A, A, 101, 501, 0, 10, 0}};
	c = hseg_feed(&run, sa, 1);
	assert_int_equal(c->completeness, 0); /* no SYN-ACK bit on its own packet */
	c = hseg_feed(&run, sa + 1, 1);
	assert_int_equal(c->completeness, SF_COMPL_SYNACK | SF_COMPL_ACK);
	hseg_run_end(&run);

	hseg_run_init(&run, NULL);
	const struct hseg tfo[] = {{HSEG_A, S, 100, 0, 10, 0, 0}};
	c = hseg_feed(&run, tfo, 1);
	assert_int_equal(c->completeness, SF_COMPL_SYN | SF_COMPL_DATA);
	hseg_run_end(&run);
}

/* Relative numbers of a direction whose first segment is a RST: seq-1 is its base (tshark's
 * first pass: Seq=1); a later SYN-ACK with another ISN starts the numbering again at 0. */
static void test_rst_first_base(void **state)
{
	(void)state;
	hseg_run_init(&run, NULL);
	const struct hseg s[] = {
	    {HSEG_A, S, 1000, 0, 0, 0, 0},
	    {HSEG_B, R | A, 0, 1001, 0, 10, 0},
	    {HSEG_B, S | A, 59247, 1001, 0, 20, 0},
	};
	hseg_feed(&run, s, 3);
	assert_int_equal(run.trk[1].rel_seq, 1);
	assert_int_equal(run.trk[2].rel_seq, 0);
	hseg_run_end(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_four_way_order),
	    cmocka_unit_test(test_merged_close_order),
	    cmocka_unit_test(test_simultaneous_close_paths),
	    cmocka_unit_test(test_simultaneous_close_server_acks_first),
	    cmocka_unit_test(test_fin_without_evidence),
	    cmocka_unit_test(test_refused_initial_closed),
	    cmocka_unit_test(test_listener_initial_listen),
	    cmocka_unit_test(test_simultaneous_open_initial_closed),
	    cmocka_unit_test(test_rst_after_half_close),
	    cmocka_unit_test(test_rst_after_clean_close),
	    cmocka_unit_test(test_tfo_rst_and_synack),
	    cmocka_unit_test(test_ack_without_captured_synack),
	    cmocka_unit_test(test_completeness_first_packet),
	    cmocka_unit_test(test_rst_first_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
