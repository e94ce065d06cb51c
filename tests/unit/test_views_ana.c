/* The sequence-analysis figures in the connection views, without a pipeline: struct
 * sf_conn_analysis filled by hand → sf_conn_row_fill_ana → the row; the row's analysis keys in
 * JSON and CSV, the RETX and RTTAVG columns of the table and the --wide ones; Wireshark's
 * labels on explain's ladder and the summary's sentences; the expert info and connection
 * totals of stats, fed through the views' conn_final sinks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_report.h"
#include "report/conn_fmt.h"
#include "report/conn_row.h"
#include "report/explain_model.h"
#include "report/outbuf.h"
#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/pipeline.h"
#include "synfin/report.h"

#define US 1000LL

/* Client: 3 RTT samples of 100, 200 and 300 µs (mean 200 µs, population stdev 81.65 µs),
 * 2 retransmissions (1 fast, 1 spurious, 1 shown spurious by a D-SACK) of 1500 bytes, 4 dup
 * ACKs; server: no RTT sample, 2
 * zero windows, the client probed once. */
static void figures(struct sf_conn_analysis *a)
{
	memset(a, 0, sizeof(*a));
	struct sf_ana_dir *c = &a->dir[0], *s = &a->dir[1];
	c->retrans_pkts = 2;
	c->retrans_bytes = 1500;
	c->fast_retrans = 1;
	c->spurious_retrans = 1;
	c->dsack_spurious = 1;
	c->out_of_order = 1;
	c->lost_segments = 3;
	c->dup_acks = 4;
	c->zero_window_probes = 1;
	c->max_bytes_in_flight = 65000;
	c->max_window = 8222720;
	c->rtt_samples = 3;
	c->rtt_min_ns = 100 * US;
	c->rtt_max_ns = 300 * US;
	c->rtt_sum_ns = 600.0 * US;
	c->rtt_sumsq_ns = (100.0 * 100 + 200.0 * 200 + 300.0 * 300) * US * US;
	s->zero_windows = 2;
	s->ack_lost = 1;
	s->window_updates = 5;
	s->max_window = 29200;
	a->initial_rtt_ns = -1;
}

static void test_fill_ana(void **state)
{
	(void)state;
	struct sf_conn_analysis a;
	struct sf_conn_row r;
	figures(&a);
	memset(&r, 0x5a, sizeof(r)); /* every figure must be written */
	sf_conn_row_fill_ana(&r, &a);
	assert_true(r.has_ana);
	const struct sf_row_ana *c = &r.ana[SF_ROW_CLIENT], *s = &r.ana[SF_ROW_SERVER];
	assert_int_equal(c->retrans_pkts, 2);
	assert_int_equal(c->retrans_bytes, 1500);
	assert_int_equal(c->fast_retrans, 1);
	assert_int_equal(c->spurious_retrans, 1);
	assert_int_equal(c->out_of_order, 1);
	assert_int_equal(c->lost_segments, 3);
	assert_int_equal(c->dup_acks, 4);
	assert_int_equal(c->zero_window_probes, 1);
	assert_int_equal(c->max_bytes_in_flight, 65000);
	assert_int_equal(c->max_window, 8222720);
	assert_int_equal(c->rtt_samples, 3);
	assert_int_equal(c->rtt_min_ns, 100000);
	assert_int_equal(c->rtt_max_ns, 300000);
	assert_int_equal(c->rtt_avg_ns, 200000);
	assert_int_equal(c->rtt_stdev_ns, 81650); /* sqrt(20000/3) µs, rounded to the ns */
	assert_int_equal(s->zero_windows, 2);
	assert_int_equal(s->ack_unseen, 1);
	assert_int_equal(s->window_updates, 5);
	assert_int_equal(s->retrans_pkts, 0);
	assert_int_equal(s->rtt_samples, 0);
	assert_int_equal(s->rtt_min_ns, -1); /* no sample: absent, not 0 */
	assert_int_equal(s->rtt_avg_ns, -1);
	assert_int_equal(s->rtt_stdev_ns, -1);
	assert_int_equal(sf_row_retrans(&r), 2);

	/* analysis off */
	sf_conn_row_fill_ana(&r, NULL);
	assert_false(r.has_ana);
	assert_int_equal(r.ana[SF_ROW_CLIENT].retrans_pkts, 0);
	assert_int_equal(r.ana[SF_ROW_CLIENT].rtt_avg_ns, -1);
	assert_int_equal(sf_row_retrans(&r), 0);

	/* sf_conn_row_fill starts without figures */
	struct sf_conn conn;
	memset(&conn, 0, sizeof(conn));
	sf_conn_row_fill(&r, &conn, NULL);
	assert_false(r.has_ana);
	assert_int_equal(r.ana[SF_ROW_SERVER].rtt_max_ns, -1);
}

/* A row with addresses, so every format can print it. */
static void row_with(struct sf_conn_row *r, const struct sf_conn_analysis *a)
{
	struct sf_conn conn;
	memset(&conn, 0, sizeof(conn));
	conn.stream = 3;
	rpt_addr(&conn.addr[0], "10.0.0.1");
	rpt_addr(&conn.addr[1], "10.0.0.2");
	conn.port[0] = 40000;
	conn.port[1] = 80;
	conn.rtt_syn_synack_ns = conn.rtt_synack_ack_ns = -1;
	sf_conn_row_fill(r, &conn, NULL);
	sf_conn_row_fill_ana(r, a);
}

static char *format(const struct sf_conn_row *r, enum sf_conns_format fmt, bool wide, bool header)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_non_null(fp);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 1 << 12), 0);
	struct sf_conn_fmt_ctx ctx = {.format = fmt, .wide = wide};
	if (header)
		sf_conn_fmt_header(&ob, &ctx);
	sf_conn_fmt_row(&ob, &ctx, r);
	ob_flush(&ob);
	ob_free(&ob);
	fclose(fp);
	return text;
}

static void test_json_csv_keys(void **state)
{
	(void)state;
	struct sf_conn_analysis a;
	struct sf_conn_row r;
	figures(&a);
	row_with(&r, &a);
	char *j = format(&r, SF_CONNS_JSON, false, false);
	/* appended after the tracking keys, client_X then server_X */
	const char *first = strstr(j, ",\"client_retrans_pkts\":2,\"server_retrans_pkts\":0,"
	                              "\"client_retrans_bytes\":1500,");
	assert_non_null(first);
	const char *er = strstr(j, "\"end_reason\":");
	assert_non_null(er);
	assert_ptr_equal(strchr(er, ','), first); /* the key right after end_reason */
	assert_non_null(strstr(j, "\"client_fast_retrans\":1,\"server_fast_retrans\":0,"
	                          "\"client_spurious_retrans\":1,"));
	assert_non_null(strstr(j, "\"client_dsack_spurious\":1,\"server_dsack_spurious\":0,"));
	assert_non_null(strstr(j, "\"client_lost_segments\":3,"));
	assert_non_null(strstr(j, "\"server_ack_unseen\":1,"));
	assert_non_null(strstr(j, "\"client_dup_acks\":4,"));
	assert_non_null(strstr(j, "\"server_zero_windows\":2,"));
	assert_non_null(strstr(j, "\"client_zero_window_probes\":1,"));
	assert_non_null(strstr(j, "\"server_window_updates\":5,"));
	assert_non_null(strstr(j, "\"client_rtt_samples\":3,\"server_rtt_samples\":0,"
	                          "\"client_rtt_min_ms\":0.100,\"server_rtt_min_ms\":null,"
	                          "\"client_rtt_avg_ms\":0.200,\"server_rtt_avg_ms\":null,"
	                          "\"client_rtt_max_ms\":0.300,\"server_rtt_max_ms\":null,"
	                          "\"client_rtt_stdev_ms\":0.081,\"server_rtt_stdev_ms\":null,"));
	assert_non_null(
	    strstr(j, "\"client_max_bytes_in_flight\":65000,"
	              "\"server_max_bytes_in_flight\":0,\"client_max_window\":8222720,"
	              "\"server_max_window\":29200,\"port_reused\":false,\"resumed\":false}\n"));
	free(j);

	/* CSV: the header carries the same keys in the same order as the values */
	char *c = format(&r, SF_CONNS_CSV, false, true);
	char *nl = strchr(c, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_non_null(strstr(c, ",end_reason,client_retrans_pkts,server_retrans_pkts,"));
	assert_non_null(strstr(c, ",client_max_window,server_max_window,port_reused,resumed"));
	assert_string_equal(c + strlen(c) - strlen(",resumed"), ",resumed"); /* the last key */
	size_t keys = 1, vals = 1;
	for (const char *p = c; *p; p++)
		keys += *p == ',';
	for (const char *p = nl + 1; *p && *p != '\n'; p++)
		vals += *p == ',';
	assert_int_equal(keys, vals);
	assert_non_null(strstr(nl + 1, ",2,0,1500,0,1,0,1,0,1,0,1,0,3,0,0,1,4,0,0,2,1,0,"));
	assert_non_null(
	    strstr(nl + 1, ",3,0,0.100,,0.200,,0.300,,0.081,,65000,0,8222720,29200,false,false\n"));
	free(c);

	/* analysis off: the keys are there, null */
	row_with(&r, NULL);
	j = format(&r, SF_CONNS_JSON, false, false);
	assert_non_null(strstr(j, "\"client_retrans_pkts\":null,\"server_retrans_pkts\":null,"));
	assert_non_null(strstr(j, "\"client_rtt_avg_ms\":null,"));
	assert_non_null(strstr(j, "\"server_max_window\":null,\"port_reused\":false,"
	                          "\"resumed\":false}\n"));
	free(j);
}

/* The text of column `title` in a table: the header gives the column's right edge (all the
 * analysis columns are right-aligned), the row the value ending there. */
static void column(const char *text, const char *title, char *out, size_t len)
{
	const char *h = strstr(text, title), *nl = strchr(text, '\n');
	assert_non_null(h);
	assert_non_null(nl);
	size_t end = (size_t)(h - text) + strlen(title); /* ASCII header: bytes are columns */
	const char *row = nl + 1;
	assert_true(strlen(row) > end);
	size_t start = end;
	while (start > 0 && row[start - 1] != ' ')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), row + start);
}

static void test_table_columns(void **state)
{
	(void)state;
	struct sf_conn_analysis a;
	struct sf_conn_row r;
	char v[64];
	figures(&a);
	row_with(&r, &a);
	char *t = format(&r, SF_CONNS_TABLE, false, true);
	column(t, "RETX(C/S)", v, sizeof(v));
	assert_string_equal(v, "2/0");
	column(t, "RTTAVG_MS(C/S)", v, sizeof(v));
	assert_string_equal(v, "0.200/-");
	assert_null(strstr(t, "DUPACK")); /* the default table stays compact */
	free(t);

	t = format(&r, SF_CONNS_TABLE, true, true);
	static const struct {
		const char *title, *value;
	} wide[] = {{"RETXB(C/S)", "1500/0"},      {"FAST(C/S)", "1/0"},
	            {"SPUR(C/S)", "1/0"},          {"DUPACK(C/S)", "4/0"},
	            {"OOO(C/S)", "1/0"},           {"LOST(C/S)", "3/0"},
	            {"ZWIN(C/S)", "0/2"},          {"RTTN(C/S)", "3/0"},
	            {"RTTMIN_MS(C/S)", "0.100/-"}, {"RTTMAX_MS(C/S)", "0.300/-"},
	            {"MAXBIF(C/S)", "65000/0"},    {"MAXWIN(C/S)", "8222720/29200"},
	            {"RETX(C/S)", "2/0"},          {"RTTAVG_MS(C/S)", "0.200/-"}};
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++) {
		column(t, wide[i].title, v, sizeof(v));
		assert_string_equal(v, wide[i].value);
	}
	/* the options column stays last */
	assert_non_null(strstr(t, "MAXWIN(C/S) OPTIONS(C/S)\n"));
	free(t);

	row_with(&r, NULL);
	t = format(&r, SF_CONNS_TABLE, true, true);
	column(t, "RETX(C/S)", v, sizeof(v));
	assert_string_equal(v, "-");
	column(t, "RTTAVG_MS(C/S)", v, sizeof(v));
	assert_string_equal(v, "-");
	column(t, "MAXWIN(C/S)", v, sizeof(v));
	assert_string_equal(v, "-");
	free(t);
}

/* ---- explain ----------------------------------------------------------------------------- */

static char *explain_parts(const struct sf_xconn *x, bool ladder)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 1 << 12), 0);
	if (ladder)
		sf_explain_ladder(&ob, x, 0, 0);
	else
		sf_explain_summary(&ob, x);
	ob_flush(&ob);
	ob_free(&ob);
	fclose(fp);
	return text;
}

static void test_ladder_labels(void **state)
{
	(void)state;
	struct sf_xconn x;
	memset(&x, 0, sizeof(x));
	row_with(&x.row, NULL);
	struct sf_xpkt p[3];
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 3; i++) {
		p[i].frame = (uint64_t)i + 7;
		p[i].flags = SF_TCP_ACK;
	}
	p[0].dir = SF_ROW_SERVER;
	p[0].len = 1000;
	p[0].ana_flags = SF_ANA_FAST_RETRANSMISSION;
	p[1].dir = SF_ROW_CLIENT;
	p[1].ana_flags = SF_ANA_DUPLICATE_ACK | SF_ANA_ZERO_WINDOW;
	p[1].dup_ack_num = 2;
	p[1].dup_ack_frame = 5;
	p[2].dir = SF_ROW_CLIENT; /* nothing to say: no label */
	x.pkts = p;
	x.n_pkts = 3;
	char *t = explain_parts(&x, true);
	assert_non_null(strstr(t, "Len=1000──  [TCP Fast Retransmission]\n"));
	/* Wireshark's order in the info column: ZeroWindow before Dup ACK */
	assert_non_null(strstr(t, "►  [TCP ZeroWindow] [TCP Dup ACK 5#2]\n"));
	const char *last = strstr(t, "      9 ");
	assert_non_null(last);
	assert_null(strstr(last, "[TCP"));
	free(t);
}

static void test_summary_sentences(void **state)
{
	(void)state;
	struct sf_conn_analysis a;
	struct sf_xconn x;
	memset(&x, 0, sizeof(x));
	figures(&a);
	a.dir[1].retrans_pkts = 1; /* a retransmitted FIN: no payload */
	a.dir[1].rtt_samples = 2;
	a.dir[1].rtt_min_ns = a.dir[1].rtt_max_ns = 50 * US;
	a.dir[1].rtt_sum_ns = 100.0 * US;
	a.dir[1].rtt_sumsq_ns = 2 * 50.0 * 50 * US * US;
	row_with(&x.row, &a);
	char *t = explain_parts(&x, false);
	assert_non_null(strstr(t,
	                       "2 segments (1500 bytes) were retransmitted by the client (1 fast "
	                       "retransmission, 1 spurious: already acknowledged).\n"
	                       "A D-SACK from the peer showed that 1 of them arrived twice: that "
	                       "retransmission was not needed.\n"));
	assert_non_null(
	    strstr(t, "1 segment without data (SYN or FIN) was retransmitted by the server.\n"));
	assert_non_null(strstr(t, "The capture saw 1 segment of the client out of order.\n"));
	assert_non_null(strstr(t, "3 segments of the client came after data the capture missed "
	                          "(previous segment not captured).\n"));
	assert_non_null(strstr(t, "The server acknowledged data the capture did not see 1 time "
	                          "(ACKed unseen segment).\n"));
	assert_non_null(strstr(t, "The client sent 4 duplicate ACKs.\n"));
	assert_non_null(strstr(t,
	                       "The server advertised a zero window 2 times: the client could not "
	                       "send until it opened again (zero-window stall; 1 zero-window "
	                       "probe by the client).\n"));
	assert_non_null(strstr(t, "RTT of the client's data (segment → ACK): 0.100–0.300 ms, avg "
	                          "0.200 ms (stdev 0.081 ms) over 3 samples.\n"));
	assert_non_null(
	    strstr(t, "RTT of the server's data (segment → ACK): 0.050 ms in both samples.\n"));
	free(t);

	/* nothing found and no sample: not a word about analysis */
	memset(&a, 0, sizeof(a));
	row_with(&x.row, &a);
	t = explain_parts(&x, false);
	assert_null(strstr(t, "retransmitted"));
	assert_null(strstr(t, "RTT of"));
	free(t);
}

/* ---- stats ------------------------------------------------------------------------------- */

static void test_stats_expert(void **state)
{
	(void)state;
	char *text = NULL, err[128];
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct sf_stats_view *v = sf_stats_view_new(fp, err, sizeof(err));
	assert_non_null(v);
	struct sf_sink s = sf_stats_view_sink(v);
	assert_null(s.conn_closed);
	assert_non_null(s.conn_final);
	struct sf_conn c;
	memset(&c, 0, sizeof(c));
	struct sf_conn_analysis a, none;
	figures(&a);
	memset(&none, 0, sizeof(none));
	struct sf_conn_view cv = {.conn = &c, .ana = &a};
	s.conn_final(s.self, &cv);
	cv.ana = &none;
	s.conn_final(s.self, &cv);
	cv.ana = NULL; /* analysis off for this one: not counted as analysed */
	s.conn_final(s.self, &cv);

	struct sf_run_stats st = {.frames = 100};
	st.events[SF_EV_ANA_RETRANSMISSION] = 5;
	st.events[SF_EV_ANA_FAST_RETRANSMISSION] = 2;
	st.events[SF_EV_ANA_SPURIOUS_RETRANS] = 1;
	st.events[SF_EV_ANA_DUPLICATE_ACK] = 7;
	st.events[SF_EV_ANA_ZERO_WINDOW] = 3;
	st.events[SF_EV_ANA_LOST_SEGMENT] = 4;
	st.events[SF_EV_ANA_WINDOW_UPDATE] = 6;
	st.events[SF_EV_TRK_SYN_WITH_DATA] = 1;
	s.end(s.self, &st);
	sf_stats_view_free(v);
	fclose(fp);

	assert_non_null(strstr(text, "Sequence analysis\n"
	                             "  connections with retransmissions             1\n"
	                             "  retransmitted packets                        2\n"
	                             "  retransmitted bytes                       1500\n"
	                             "    of which fast retransmissions              1\n"
	                             "    of which spurious                          1\n"
	                             "    shown spurious by a D-SACK                 1\n"
	                             "  connections with duplicate ACKs              1\n"
	                             "  duplicate ACKs                               4\n"));
	assert_non_null(strstr(text, "  connections with a zero window               1\n"
	                             "  connections with RTT samples                 1\n"
	                             "  RTT samples                                  3\n"));
	/* tshark -z expert: severities as Wireshark registers them; the retransmission line
	 * counts fast and spurious ones too (Wireshark sets the item on all three) */
	assert_non_null(strstr(
	    text, "Expert info (TCP sequence analysis of all packets read, as tshark -z expert)\n"
	          "  Warns (7)\n"
	          "           4  Previous segment(s) not captured (common at capture start) "
	          "[tcp.analysis.lost_segment]\n"
	          "           3  TCP Zero Window segment [tcp.analysis.zero_window]\n"
	          "  Notes (18)\n"
	          "           8  This frame is a (suspected) retransmission "
	          "[tcp.analysis.retransmission]\n"
	          "           2  This frame is a (suspected) fast retransmission "
	          "[tcp.analysis.fast_retransmission]\n"
	          "           1  This frame is a (suspected) spurious retransmission "
	          "[tcp.analysis.spurious_retransmission]\n"
	          "           7  Duplicate ACK [tcp.analysis.duplicate_ack]\n"
	          "  Chats (6)\n"
	          "           6  TCP window update [tcp.analysis.window_update]\n"
	          "Events (decode and tracking)\n"
	          "  tcp.SYN_with_data                            1\n"));
	assert_null(strstr(text, "  tcp.analysis.")); /* not listed twice */
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fill_ana),          cmocka_unit_test(test_json_csv_keys),
	    cmocka_unit_test(test_table_columns),     cmocka_unit_test(test_ladder_labels),
	    cmocka_unit_test(test_summary_sentences), cmocka_unit_test(test_stats_expert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
