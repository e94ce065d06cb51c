/* explain renderers on hand-built connections: the ladder, the lab table and the summary.
 * The connections follow the lab-report example (client 192.168.1.116:3337, server
 * 192.168.1.123:7788, ISNs 3626544836 and 1739326486), with the states RFC 9293 gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/explain_model.h"

#define C     SF_ROW_CLIENT
#define S     SF_ROW_SERVER
#define ISN_C 3626544836u
#define ISN_S 1739326486u

struct step {
	int dir;
	uint16_t flags;
	uint32_t seq_rel, ack_rel, len;
	const char *from[2], *to[2];
};

static void build(struct sf_xconn *x, const struct step *st, unsigned n)
{
	memset(x, 0, sizeof(*x));
	struct sf_conn_row *r = &x->row;
	r->client.family = r->server.family = 4;
	memcpy(r->client.a, (uint8_t[]){192, 168, 1, 116}, 4);
	memcpy(r->server.a, (uint8_t[]){192, 168, 1, 123}, 4);
	r->client_port = 3337;
	r->server_port = 7788;
	r->start_sec = 100;
	r->rtt_synack_ns = 180000;
	r->rtt_ack_ns = 30000;
	r->rst_by = r->rst_state = r->closer = "";
	for (unsigned i = 0; i < n; i++) {
		struct sf_xpkt p = {0};
		p.frame = i + 1;
		p.ts_sec = 100;
		p.ts_nsec = i * 1000;
		p.dir = (uint8_t)st[i].dir;
		p.flags = st[i].flags;
		p.seq_rel = st[i].seq_rel;
		p.ack_rel = st[i].ack_rel;
		p.seq = st[i].seq_rel + (st[i].dir == C ? ISN_C : ISN_S);
		p.ack = st[i].ack_rel + (st[i].dir == C ? ISN_S : ISN_C);
		p.ack_rel_valid = true;
		p.len = st[i].len;
		p.win = 65535;
		for (int s = 0; s < 2; s++) {
			p.state_from[s] = st[i].from[s];
			p.state_to[s] = st[i].to[s];
		}
		assert_int_equal(sf_xconn_add(x, &p), 0);
	}
}

enum { SYN = SF_TCP_SYN, ACK = SF_TCP_ACK, FIN = SF_TCP_FIN, PSH = SF_TCP_PSH, RST = SF_TCP_RST };

/* 3-way handshake, one request/response, client closes, four-way close. */
static const struct step four_way[] = {
    {C, SYN, 0, 0, 0, {"CLOSED", NULL}, {"SYN-SENT", NULL}},
    {S, SYN | ACK, 0, 1, 0, {NULL, "LISTEN"}, {NULL, "SYN-RECEIVED"}},
    {C, ACK, 1, 1, 0, {"SYN-SENT", "SYN-RECEIVED"}, {"ESTABLISHED", "ESTABLISHED"}},
    {C, PSH | ACK, 1, 1, 100, {NULL, NULL}, {NULL, NULL}},
    {S, ACK, 1, 101, 0, {NULL, NULL}, {NULL, NULL}},
    {S, PSH | ACK, 1, 101, 200, {NULL, NULL}, {NULL, NULL}},
    {C, FIN | ACK, 101, 201, 0, {"ESTABLISHED", NULL}, {"FIN-WAIT-1", NULL}},
    {S, ACK, 201, 102, 0, {"FIN-WAIT-1", "ESTABLISHED"}, {"FIN-WAIT-2", "CLOSE-WAIT"}},
    {S, FIN | ACK, 201, 102, 0, {NULL, "CLOSE-WAIT"}, {NULL, "LAST-ACK"}},
    {C, ACK, 102, 202, 0, {"FIN-WAIT-2", "LAST-ACK"}, {"TIME-WAIT", "CLOSED"}},
};

static char *render(const struct sf_xconn *x, int part)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 512), 0);
	if (part == 0)
		sf_explain_ladder(&ob, x, 100, 0);
	else if (part == 1)
		sf_explain_lab_table(&ob, x);
	else
		sf_explain_summary(&ob, x);
	ob_flush(&ob);
	ob_free(&ob);
	fclose(fp);
	if (getenv("SYNFIN_TEST_SHOW"))
		fputs(text, stderr);
	return text;
}

/* The line of frame n in a ladder. */
static const char *frame_line(const char *text, unsigned n, char *buf, size_t len)
{
	char pat[16];
	snprintf(pat, sizeof(pat), "\n%7u ", n);
	const char *p = strstr(text, pat);
	assert_non_null(p);
	p++;
	size_t k = strcspn(p, "\n");
	assert_true(k < len);
	memcpy(buf, p, k);
	buf[k] = '\0';
	return buf;
}

static void test_ladder(void **state)
{
	(void)state;
	struct sf_xconn x;
	build(&x, four_way, 10);
	x.row.side[C].final_state = "TIME-WAIT";
	x.row.side[S].final_state = "CLOSED";
	x.row.side[C].init_state = "CLOSED"; /* the record's initial states head the columns */
	x.row.side[S].init_state = "LISTEN";
	char *t = render(&x, 0), l[512];
	assert_non_null(strstr(t, "192.168.1.116:3337"));
	assert_non_null(strstr(t, "CLOSED"));
	assert_non_null(strstr(t, "LISTEN\n")); /* initial server state, right column */
	frame_line(t, 1, l, sizeof(l));
	assert_non_null(strstr(l, "0.000000  SYN-SENT     ──[SYN] Seq=0 Len=0──"));
	assert_non_null(strstr(l, "►"));
	assert_null(strstr(l, "◄"));
	frame_line(t, 2, l, sizeof(l));
	assert_non_null(strstr(l, "◄─"));
	assert_non_null(strstr(l, "[SYN, ACK] Seq=0 Ack=1 Len=0──  SYN-RECEIVED"));
	frame_line(t, 3, l, sizeof(l));
	assert_non_null(strstr(l, "ESTABLISHED  ──[ACK] Seq=1 Ack=1 Len=0"));
	assert_non_null(strstr(l, "►  ESTABLISHED"));
	frame_line(t, 10, l, sizeof(l));
	assert_non_null(strstr(l, "0.000009  TIME-WAIT"));
	assert_non_null(strstr(l, "►  CLOSED"));
	/* Arrows have one width: the server state column starts at the same place. */
	const char *a = strstr(t, "  SYN-RECEIVED\n"), *b = strstr(t, "  CLOSED\n");
	const char *la = a, *lb = b;
	while (la > t && la[-1] != '\n')
		la--;
	while (lb > t && lb[-1] != '\n')
		lb--;
	/* Both lines hold the same number of multi-byte line characters, so bytes compare. */
	assert_true(a - la > 0 && b - lb > 0);
	free(t);
	sf_xconn_free(&x);
}

static void test_lab_table(void **state)
{
	(void)state;
	struct sf_xconn x;
	build(&x, four_way, 10);
	char *t = render(&x, 1), l[256];
	(void)l;
	assert_non_null(strstr(t, "step"));
	assert_non_null(strstr(t, "seq(raw)"));
	/* SYN: frame 1, relative 0, raw ISN, no ack */
	assert_non_null(
	    strstr(t, "  SYN                      1 C>S [SYN]                     0          - "
	              " 65535      0  3626544836          -\n"));
	assert_non_null(
	    strstr(t, "  SYN-ACK                  2 S>C [SYN, ACK]                0          1 "
	              " 65535      0  1739326486 3626544837\n"));
	assert_non_null(strstr(t, "  ACK (handshake)          3 C>S"));
	assert_non_null(strstr(t, "  first request            4 C>S [PSH, ACK]"));
	assert_non_null(strstr(t, "  first response           6 S>C [PSH, ACK]"));
	assert_non_null(strstr(t, "  FIN (client)             7 C>S [FIN, ACK]"));
	assert_non_null(strstr(t, "  ACK of client FIN        8 S>C [ACK]"));
	assert_non_null(strstr(t, "  FIN (server)             9 S>C [FIN, ACK]"));
	assert_non_null(strstr(t, "  ACK of server FIN       10 C>S [ACK]"));
	free(t);
	sf_xconn_free(&x);

	/* Refused: SYN answered by RST; no handshake rows, the RST listed. */
	static const struct step refused[] = {
	    {C, SYN, 0, 0, 0, {"CLOSED", NULL}, {"SYN-SENT", NULL}},
	    {S, RST | ACK, 1, 1, 0, {"SYN-SENT", NULL}, {"CLOSED", NULL}},
	};
	build(&x, refused, 2);
	t = render(&x, 1);
	assert_non_null(strstr(t, "  SYN-ACK                  - "));
	assert_non_null(strstr(t, "(not seen)"));
	assert_non_null(strstr(t, "  RST (server)             2 S>C [RST, ACK]"));
	assert_non_null(strstr(t, "(no FIN seen)"));
	free(t);
	sf_xconn_free(&x);
}

static void test_summary_four_way(void **state)
{
	(void)state;
	struct sf_xconn x;
	build(&x, four_way, 10);
	x.row.open_kind = SF_ROW_OPEN_THREE_WAY;
	x.row.close_kind = SF_ROW_CLOSE_FOUR_WAY;
	x.row.closer = "client";
	x.row.side[C].final_state = "TIME-WAIT";
	x.row.side[S].final_state = "CLOSED";
	char *t = render(&x, 2);
	assert_non_null(strstr(t, "Opened by a three-way handshake, RTT 0.210 ms (SYN → SYN-ACK "
	                          "0.180 ms, SYN-ACK → ACK 0.030 ms).\n"));
	assert_non_null(strstr(t, "The client closed first (active close): FIN-WAIT-1 → FIN-WAIT-2 "
	                          "→ TIME-WAIT.\n"));
	assert_non_null(strstr(t, "The server's FIN came separately, so this was a four-way "
	                          "close.\n"));
	assert_non_null(strstr(t, "The server closed second (passive close): CLOSE-WAIT → "
	                          "LAST-ACK → CLOSED.\n"));
	assert_non_null(strstr(t, "The client was still in TIME-WAIT when the capture ended"));
	free(t);
	sf_xconn_free(&x);
}

static void test_summary_other_kinds(void **state)
{
	(void)state;
	struct sf_xconn x;
	build(&x, four_way, 3);
	x.row.open_kind = SF_ROW_OPEN_UNANSWERED;
	x.row.syn_retries = 2;
	x.row.close_kind = SF_ROW_CLOSE_UNTERMINATED;
	x.row.side[C].final_state = "SYN-SENT";
	x.row.side[S].final_state = "LISTEN";
	char *t = render(&x, 2);
	assert_non_null(strstr(t, "The client's SYN was never answered"));
	assert_non_null(strstr(t, "The client sent its SYN 3 times (2 retries, none answered).\n"));
	assert_non_null(strstr(t, "Not closed before the capture ended: client in SYN-SENT, server "
	                          "in LISTEN.\n"));
	free(t);

	x.row.open_kind = SF_ROW_OPEN_MIDSTREAM;
	x.row.syn_retries = 0;
	x.row.close_kind = SF_ROW_CLOSE_RST;
	x.row.rst_by = "server";
	x.row.rst_state = "ESTABLISHED";
	t = render(&x, 2);
	assert_non_null(strstr(t, "the client is a guess"));
	assert_non_null(strstr(t, "Aborted: the server sent a RST while in ESTABLISHED"));
	free(t);

	x.row.open_kind = SF_ROW_OPEN_REFUSED;
	t = render(&x, 2);
	assert_non_null(strstr(t, "Refused: the server answered the SYN with a RST (nothing was "
	                          "listening on port 7788"));
	free(t);

	x.row.open_kind = SF_ROW_OPEN_SIMULTANEOUS;
	x.row.close_kind = SF_ROW_CLOSE_SIMULTANEOUS;
	x.row.closer = "both";
	t = render(&x, 2);
	assert_non_null(strstr(t, "(simultaneous open, RFC 9293 §3.5)"));
	assert_non_null(strstr(t, "FIN-WAIT-1 → CLOSING → TIME-WAIT"));
	free(t);
	sf_xconn_free(&x);
}

static void test_summary_half_close(void **state)
{
	(void)state;
	static const struct step half[] = {
	    {C, SYN, 0, 0, 0, {"CLOSED", NULL}, {"SYN-SENT", NULL}},
	    {S, SYN | ACK, 0, 1, 0, {NULL, "LISTEN"}, {NULL, "SYN-RECEIVED"}},
	    {C, ACK, 1, 1, 0, {"SYN-SENT", "SYN-RECEIVED"}, {"ESTABLISHED", "ESTABLISHED"}},
	    {C, FIN | ACK, 1, 1, 0, {"ESTABLISHED", NULL}, {"FIN-WAIT-1", NULL}},
	    {S, ACK, 1, 2, 0, {"FIN-WAIT-1", "ESTABLISHED"}, {"FIN-WAIT-2", "CLOSE-WAIT"}},
	    {S, PSH | ACK, 1, 2, 700, {NULL, NULL}, {NULL, NULL}},
	    {S, PSH | ACK, 701, 2, 300, {NULL, NULL}, {NULL, NULL}},
	    {S, FIN | ACK, 1001, 2, 0, {NULL, "CLOSE-WAIT"}, {NULL, "LAST-ACK"}},
	    {C, ACK, 2, 1002, 0, {"FIN-WAIT-2", "LAST-ACK"}, {"TIME-WAIT", "CLOSED"}},
	};
	struct sf_xconn x;
	build(&x, half, 9);
	x.row.open_kind = SF_ROW_OPEN_THREE_WAY;
	x.row.close_kind = SF_ROW_CLOSE_HALF;
	x.row.closer = "client";
	x.row.side[C].final_state = "TIME-WAIT";
	x.row.side[S].final_state = "CLOSED";
	char *t = render(&x, 2);
	assert_non_null(strstr(t, "It was a half-close: the server went on sending (1000 bytes) "
	                          "after the FIN"));
	free(t);
	sf_xconn_free(&x);
}

static void test_cap(void **state)
{
	(void)state;
	struct sf_xconn x;
	memset(&x, 0, sizeof(x));
	struct sf_xpkt p = {.flags = ACK};
	for (unsigned i = 0; i < SF_XPKT_CAP + 5; i++) {
		p.frame = i + 1;
		assert_int_equal(sf_xconn_add(&x, &p), 0);
	}
	assert_int_equal(x.n_pkts, SF_XPKT_CAP);
	assert_int_equal(x.n_more, 5);
	x.row.side[C].final_state = x.row.side[S].final_state = "ESTABLISHED";
	char *t = render(&x, 0);
	assert_non_null(strstr(t, "… 5 more packets not shown"));
	free(t);
	sf_xconn_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ladder),
	    cmocka_unit_test(test_lab_table),
	    cmocka_unit_test(test_summary_four_way),
	    cmocka_unit_test(test_summary_other_kinds),
	    cmocka_unit_test(test_summary_half_close),
	    cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
