/* The analysis figures of the views through the whole pipeline (decode → track → analyse →
 * views) on tests/golden/captures/views-loss.pcap (craft-views.c: v_loss), seen from beside the
 * client:
 *
 *   frames 1-7    handshake, a 100-byte request, a 300-byte response
 *   8, 9          server data 1000 B, client ACK
 *   (lost)        server data 1000 B, never captured
 *   10-15         three more server segments, each answered by a duplicate ACK
 *   16            the lost segment again, 0.5 ms later: a fast retransmission
 *   17            the client acknowledges everything
 *   18, 19        a 200-byte request, sent again 300 ms later: a (timeout) retransmission
 *   20            its ACK (no RTT sample: Karn's rule)
 *   21-25         server data, client zero window, a one-byte probe, probe ACK with zero
 *                 window again, window update
 *   26-30         server data, ACK, FIN/ACK close
 *
 * Every number below was worked out by hand from that script and agrees with tshark 4.0
 * (labels per frame, ack_rtt, bytes_in_flight), except the RTT sample of frame 20, which
 * tshark takes and Karn's rule refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "synfin/pipeline.h"
#include "synfin/report.h"
#include "synfin/source.h"

static void fixture(char *out, size_t len, const char *name)
{
	const char *here = __FILE__, *slash = strrchr(here, '/');
	int dir = slash ? (int)(slash - here) : 1;
	snprintf(out, len, "%.*s/../golden/captures/%s", dir, slash ? here : ".", name);
}

enum view { V_CONNS_JSON, V_EXPLAIN, V_STATS };

/* Runs one view over views-loss.pcap with analysis on; returns its output (caller frees). */
static char *run(enum view which)
{
	char *text = NULL, err[SF_ERRBUF], path[1024];
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_non_null(fp);
	struct sf_pipeline_cfg cfg = {.track = true, .analyse = true};
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, sizeof(err));
	assert_non_null(p);
	struct sf_conns_view *cv = NULL;
	struct sf_explain_view *ev = NULL;
	struct sf_stats_view *sv = NULL;
	struct sf_sink sink;
	if (which == V_CONNS_JSON) {
		struct sf_conns_opts o = {.format = SF_CONNS_JSON};
		cv = sf_conns_view_new(fp, &o, err, sizeof(err));
		assert_non_null(cv);
		sink = sf_conns_view_sink(cv);
	} else if (which == V_EXPLAIN) {
		struct sf_explain_opts o = {0};
		ev = sf_explain_view_new(fp, &o, err, sizeof(err));
		assert_non_null(ev);
		sink = sf_explain_view_sink(ev);
	} else {
		sv = sf_stats_view_new(fp, err, sizeof(err));
		assert_non_null(sv);
		sink = sf_stats_view_sink(sv);
	}
	assert_int_equal(sf_pipeline_add_sink(p, &sink), 0);
	fixture(path, sizeof(path), "views-loss.pcap");
	struct sf_source *src = sf_source_open_file(path, 0, err, sizeof(err));
	if (!src)
		fail_msg("%s: %s", path, err);
	assert_int_equal(sf_pipeline_run(p, src), 0);
	sf_source_close(src);
	sf_pipeline_finish(p);
	sf_pipeline_free(p);
	sf_conns_view_free(cv);
	sf_explain_view_free(ev);
	sf_stats_view_free(sv);
	fclose(fp);
	return text;
}

/* The raw JSON text of key k in the one-line object obj. */
static const char *field(const char *obj, const char *k, char *buf, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", k);
	const char *at = strstr(obj, pat);
	if (!at)
		fail_msg("no key %s in %s", k, obj);
	at += strlen(pat);
	size_t n = strcspn(at, ",}");
	snprintf(buf, len, "%.*s", (int)n, at);
	return buf;
}

static void test_conns_json_figures(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value;
	} ex[] = {
	    {"client_retrans_pkts", "1"}, /* frame 19 */
	    {"client_retrans_bytes", "200"},
	    {"server_retrans_pkts", "1"}, /* frame 16 */
	    {"server_retrans_bytes", "1000"},
	    {"client_fast_retrans", "0"},
	    {"server_fast_retrans", "1"},
	    {"server_spurious_retrans", "0"},
	    {"server_lost_segments", "1"}, /* frame 10: previous segment not captured */
	    {"client_lost_segments", "0"},
	    {"client_dup_acks", "3"}, /* frames 11, 13, 15 */
	    {"server_dup_acks", "0"},
	    {"client_out_of_order", "0"},
	    {"server_out_of_order", "0"},
	    {"client_zero_windows", "2"}, /* frames 22, 24 */
	    {"server_zero_windows", "0"},
	    {"server_zero_window_probes", "1"}, /* frame 23 */
	    {"client_window_updates", "1"},     /* frame 25 */
	    /* client data: SYN, request, FIN, each acknowledged after 200 µs; the timeout
	     * retransmission's ACK gives no sample */
	    {"client_rtt_samples", "3"},
	    {"client_rtt_min_ms", "0.200"},
	    {"client_rtt_max_ms", "0.200"},
	    {"client_rtt_avg_ms", "0.200"},
	    {"client_rtt_stdev_ms", "0.000"},
	    /* server data: SYN-ACK 30 µs, 300 B 200 µs, 1000 B 20 µs, frame 14 → 17 540 µs,
	     * frame 21 → 22, 26 → 27 20 µs each, FIN 30 µs: 860 µs over 7 */
	    {"server_rtt_samples", "7"},
	    {"server_rtt_min_ms", "0.020"},
	    {"server_rtt_max_ms", "0.540"},
	    {"server_rtt_avg_ms", "0.122"},
	    /* four server segments outstanding (frames 10, 12, 14 after the hole): 4000 */
	    {"server_max_bytes_in_flight", "4000"},
	    {"client_max_bytes_in_flight", "200"},
	    {"client_max_window", "8222720"}, /* 64240 << 7 */
	    {"rtt_ms", "0.230"},
	};
	char *out = run(V_CONNS_JSON);
	char buf[64];
	const char *nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0'); /* one connection */
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		const char *got = field(out, ex[i].key, buf, sizeof(buf));
		if (strcmp(got, ex[i].value) != 0)
			fail_msg("%s is %s, expected %s", ex[i].key, got, ex[i].value);
	}
	free(out);
}

/* The ladder line of a frame: from its number to the end of the line. */
static const char *ladder_line(const char *text, unsigned frame, char *buf, size_t len)
{
	char pat[16];
	snprintf(pat, sizeof(pat), "\n%7u ", frame);
	const char *at = strstr(text, pat);
	if (!at)
		fail_msg("no ladder line for frame %u", frame);
	at++;
	snprintf(buf, len, "%.*s", (int)strcspn(at, "\n"), at);
	return buf;
}

static void test_explain_labels_and_summary(void **state)
{
	(void)state;
	static const struct {
		unsigned frame;
		const char *label; /* the end of the line, or NULL: no label */
	} ex[] = {
	    {9, NULL},
	    {10, "  [TCP Previous segment not captured]"},
	    {11, "  [TCP Dup ACK 9#1]"},
	    {13, "  [TCP Dup ACK 9#2]"},
	    {15, "  [TCP Dup ACK 9#3]"},
	    {16, "  [TCP Fast Retransmission]"},
	    {17, NULL},
	    {19, "  [TCP Retransmission]"},
	    {22, "  [TCP ZeroWindow]"},
	    {23, "  [TCP ZeroWindowProbe]"},
	    {24, "  [TCP ZeroWindowProbeAck] [TCP ZeroWindow]"},
	    {25, "  [TCP Window Update]"},
	};
	char *out = run(V_EXPLAIN);
	char line[512];
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		ladder_line(out, ex[i].frame, line, sizeof(line));
		if (!ex[i].label) {
			if (strstr(line, "[TCP"))
				fail_msg("frame %u has a label: %s", ex[i].frame, line);
			continue;
		}
		size_t n = strlen(line), k = strlen(ex[i].label);
		if (n < k || strcmp(line + n - k, ex[i].label) != 0)
			fail_msg("frame %u: expected '%s' at the end of: %s", ex[i].frame,
			         ex[i].label, line);
	}
	assert_non_null(strstr(out,
	                       "\n1 segment (200 bytes) was retransmitted by the client.\n"
	                       "1 segment (1000 bytes) was retransmitted by the server (1 fast "
	                       "retransmission).\n"
	                       "The client sent 3 duplicate ACKs.\n"
	                       "1 segment of the server came after data the capture missed "
	                       "(previous segment not captured).\n"
	                       "The client advertised a zero window 2 times: the server could "
	                       "not send until it opened again (zero-window stall; 1 "
	                       "zero-window probe by the server).\n"
	                       "RTT of the client's data (segment → ACK): 0.200 ms in all 3 "
	                       "samples.\n"
	                       "RTT of the server's data (segment → ACK): 0.020–0.540 ms, avg "
	                       "0.122 ms (stdev 0.180 ms) over 7 samples.\n"
	                       "The client closed first"));
	free(out);
}

static void test_stats_expert(void **state)
{
	(void)state;
	char *out = run(V_STATS);
	assert_non_null(strstr(out, "  connections with retransmissions             1\n"
	                            "  retransmitted packets                        2\n"
	                            "  retransmitted bytes                       1200\n"
	                            "    of which fast retransmissions              1\n"));
	assert_non_null(strstr(out, "  duplicate ACKs                               3\n"));
	assert_non_null(strstr(out, "  RTT samples                                 10\n"));
	/* what tshark -q -z expert says about this capture's TCP sequence analysis */
	assert_non_null(strstr(
	    out,
	    "  Warns (3)\n"
	    "           1  Previous segment(s) not captured (common at capture start) "
	    "[tcp.analysis.lost_segment]\n"
	    "           2  TCP Zero Window segment [tcp.analysis.zero_window]\n"
	    "  Notes (8)\n"
	    "           2  This frame is a (suspected) retransmission "
	    "[tcp.analysis.retransmission]\n"
	    "           1  This frame is a (suspected) fast retransmission "
	    "[tcp.analysis.fast_retransmission]\n"
	    "           3  Duplicate ACK [tcp.analysis.duplicate_ack]\n"
	    "           1  TCP Zero Window Probe [tcp.analysis.zero_window_probe]\n"
	    "           1  ACK to a TCP Zero Window Probe [tcp.analysis.zero_window_probe_ack]\n"
	    "  Chats (1)\n"
	    "           1  TCP window update [tcp.analysis.window_update]\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conns_json_figures),
	    cmocka_unit_test(test_explain_labels_and_summary),
	    cmocka_unit_test(test_stats_expert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
