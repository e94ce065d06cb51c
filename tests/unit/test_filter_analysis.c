/* synfin — the sequence-analysis fields (tcp.analysis.*, tcp.window_size*) through the real
 * pipeline: tests/golden/captures/ana-fields.pcap (written by craft-ana.c) read from its file,
 * decoded, tracked, analysed, filtered, then seen by a sink.
 *
 * The expected values are those tshark 4.0 prints for the capture (`tshark -T fields -e …`
 * gives the same text for every field below). Covers: the filter turning tracking and analysis
 * on by itself (cfg.filter and sf_pipeline_set_filter), sf_filter_needs_analysis, presence
 * rules (ack_rtt beside acks_frame, initial_rtt only on packets with analysis, rto on a plain
 * retransmission, the scale factor not on SYNs), values as `-e` prints them (9 decimals,
 * duplicate_ack twice, negative scale factors), and nothing without analysis.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "synfin/filter.h"
#include "synfin/pipeline.h"
#include "synfin/source.h"

static void fixture(char *out, size_t len)
{
	const char *here = __FILE__, *slash = strrchr(here, '/');
	int dir = slash ? (int)(slash - here) : 1;
	snprintf(out, len, "%.*s/../golden/captures/ana-fields.pcap", dir, slash ? here : ".");
}

/* What the sink saw: frame numbers, and the formatted values of one field per frame. */
struct seen {
	char frames[256];
	size_t w;
	const struct sf_field *fld; /* NULL: frames only */
	char vals[32][48];
	unsigned n;
	bool any_ana; /* some packet came with v->ana */
};

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct seen *s = self;
	uint64_t n = v->pkt->frame->number;
	if (s->w < sizeof(s->frames) - 24)
		s->w += (size_t)snprintf(s->frames + s->w, sizeof(s->frames) - s->w, "%s%llu",
		                         s->w ? " " : "", (unsigned long long)n);
	if (v->ana)
		s->any_ana = true;
	if (s->fld && s->n < 32)
		sf_field_format(s->fld, v, v->ectx, ",", s->vals[s->n++], sizeof(s->vals[0]));
}

enum how { VIA_CFG, VIA_SET_FILTER };

/* Runs the capture with filter expr (NULL = none), field fld printed per packet (NULL = none),
 * the pipeline configured with track/analyse as given. */
static void run(const char *expr, enum how how, bool track, bool analyse, const char *fld,
                struct seen *s)
{
	char err[1024], path[4096];
	memset(s, 0, sizeof(*s));
	if (fld) {
		s->fld = sf_field_by_name(fld);
		assert_non_null(s->fld);
	}
	struct sf_filter *f = NULL;
	if (expr) {
		f = sf_filter_compile(expr, err, sizeof(err));
		if (!f)
			fail_msg("%s", err);
	}
	struct sf_pipeline_cfg cfg = {.track = track, .analyse = analyse};
	if (how == VIA_CFG)
		cfg.filter = f;
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, sizeof(err));
	assert_non_null(p);
	if (how == VIA_SET_FILTER)
		assert_int_equal(sf_pipeline_set_filter(p, f, false, err, sizeof(err)), 0);
	struct sf_sink sink = {.self = s, .packet = on_packet};
	sf_pipeline_add_sink(p, &sink);
	fixture(path, sizeof(path));
	struct sf_source *src = sf_source_open_file(path, 0, err, sizeof(err));
	if (!src)
		fail_msg("%s", err);
	assert_int_equal(sf_pipeline_run(p, src), 0);
	sf_pipeline_finish(p);
	sf_source_close(src);
	sf_pipeline_free(p);
	sf_filter_free(f);
}

static void expect(const char *expr, const char *want)
{
	struct seen s;
	/* a bare pipeline (no tracking, no analysis): the filter must turn both on */
	run(expr, VIA_CFG, false, false, NULL, &s);
	if (strcmp(s.frames, want) != 0)
		fail_msg("%s: frames \"%s\", want \"%s\"", expr, s.frames, want);
	run(expr, VIA_SET_FILTER, false, false, NULL, &s);
	if (strcmp(s.frames, want) != 0)
		fail_msg("%s (set_filter): frames \"%s\", want \"%s\"", expr, s.frames, want);
}

static void test_flags(void **state)
{
	(void)state;
	expect("tcp.analysis.flags", "8 9 10 11 12 13 14 18");
	expect("tcp.analysis.flags && !tcp.analysis.window_update", "8 9 10 11 12 13 18");
	/* a fast retransmission is a retransmission too, as in Wireshark */
	expect("tcp.analysis.retransmission", "11 12");
	expect("tcp.analysis.fast_retransmission", "11");
	expect("tcp.analysis.retransmission && !tcp.analysis.fast_retransmission", "12");
	expect("tcp.analysis.spurious_retransmission || tcp.analysis.out_of_order", "");
	expect("tcp.analysis.duplicate_ack", "8 9 10");
	expect("tcp.analysis.zero_window", "13");
	expect("tcp.analysis.window_update", "14");
	expect("tcp.analysis.reused_ports", "18");
	expect("tcp.analysis.lost_segment or tcp.analysis.ack_lost_segment", "");
	expect("tcp.analysis.keep_alive || tcp.analysis.window_full", "");
	expect("event == \"tcp.analysis.duplicate_ack\"", "8 9 10");
}

static void test_values(void **state)
{
	(void)state;
	expect("tcp.analysis.duplicate_ack_num >= 2", "9 10");
	expect("tcp.analysis.duplicate_ack_frame == 7", "8 9 10");
	expect("tcp.analysis.acks_frame == 4", "7");
	expect("tcp.analysis.ack_rtt > 0.015", "7 13");
	expect("tcp.analysis.ack_rtt < 0.005", "19 20");
	/* shown only on packets with some analysis: not on the first SYN, nor on frame 15 */
	expect("tcp.analysis.initial_rtt == 0.02 && tcp.stream == 0",
	       "3 4 5 6 7 8 9 10 11 12 13 14 16 17");
	expect("tcp.analysis", "2 3 4 5 6 7 8 9 10 11 12 13 14 16 17 18 19 20");
	expect("tcp.analysis.bytes_in_flight >= 200", "5 6 11 12");
	expect("tcp.analysis.rto > 0.3 && tcp.analysis.rto_frame == 5", "12");
	expect("tcp.analysis.rto", "12");
	expect("tcp.window_size == 16000", "14 16");
	expect("tcp.window_size == 0", "13");
	expect("tcp.window_size_scalefactor == -2", "20");
	expect("tcp.window_size_scalefactor == 4", "3 4 5 6 11 12 15 17");
	expect("tcp.window_size_scalefactor", "3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 20");
	expect("tcp.analysis.ack_rtt > 0.01 && tcp.window_size_scalefactor == 8", "7 13");
}

/* One field printed on every frame, joined with "|". */
static const char *column(const char *fld)
{
	static char buf[1024];
	struct seen s;
	run(NULL, VIA_CFG, true, true, fld, &s);
	size_t w = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < s.n && w < sizeof(buf) - 64; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? "|" : "", s.vals[i]);
	return buf;
}

static void expect_column(const char *fld, const char *want)
{
	const char *got = column(fld);
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n  got  %s\n  want %s", fld, got, want);
}

/* The text of `-e`, frame by frame, as tshark prints it for the same capture. */
static void test_formats(void **state)
{
	(void)state;
	expect_column("tcp.analysis.ack_rtt",
	              "|0.010000000|0.010000000||||0.019000000||||||0.387000000|||0.010000000|"
	              "0.010000000||0.001000000|0.001000000");
	expect_column("tcp.analysis.duplicate_ack", "|||||||1,1|1,1|1,1||||||||||");
	expect_column("tcp.analysis.duplicate_ack_num", "|||||||1|2|3||||||||||");
	expect_column("tcp.analysis.bytes_in_flight", "|||100|200|300|||||200|200||||||||");
	expect_column("tcp.analysis.rto", "|||||||||||0.378000000||||||||");
	expect_column("tcp.window_size_scalefactor", "||4|4|4|4|8|8|8|8|4|4|8|8|4|8|4|||-2");
	expect_column("tcp.window_size", "8192|8192|4000|4000|4000|4000|8000|8000|8000|8000|4000|"
	                                 "4000|0|16000|4000|16000|4000|8192|8192|8192");
	expect_column("tcp.analysis.flags", "|||||||1|1|1|1|1|1|1||||1||");
	expect_column("tcp.analysis.retransmission", "||||||||||1|1||||||||");
}

/* Tracking alone: the analysis fields have no value; a filter on tracking fields does not
 * start analysis, one on analysis fields does. */
static void test_needs_analysis(void **state)
{
	(void)state;
	struct seen s;
	run(NULL, VIA_CFG, true, false, "tcp.analysis.acks_frame", &s);
	assert_false(s.any_ana);
	assert_int_equal(s.n, 20);
	for (unsigned i = 0; i < s.n; i++)
		assert_string_equal(s.vals[i], "");
	run("tcp.stream == 0", VIA_SET_FILTER, false, false, NULL, &s);
	assert_false(s.any_ana);
	run("tcp.stream == 0 || tcp.analysis.flags", VIA_SET_FILTER, false, false, NULL, &s);
	assert_true(s.any_ana);

	char err[512];
	const char *ana[] = {"tcp.analysis", "tcp.window_size > 0", "!tcp.analysis.ack_rtt",
	                     "tcp.port == 80 && tcp.window_size_scalefactor == -1",
	                     "event contains \"retrans\""};
	const char *not_ana[] = {"tcp.port == 80", "tcp.stream == 1", "tcp.window_size_value > 0",
	                         "conn.state == \"SF\""};
	for (size_t i = 0; i < sizeof(ana) / sizeof(ana[0]); i++) {
		struct sf_filter *f = sf_filter_compile(ana[i], err, sizeof(err));
		assert_non_null(f);
		if (!sf_filter_needs_analysis(f) || !sf_filter_needs_track(f))
			fail_msg("%s should need tracking and analysis", ana[i]);
		sf_filter_free(f);
	}
	for (size_t i = 0; i < sizeof(not_ana) / sizeof(not_ana[0]); i++) {
		struct sf_filter *f = sf_filter_compile(not_ana[i], err, sizeof(err));
		assert_non_null(f);
		if (sf_filter_needs_analysis(f))
			fail_msg("%s should not need analysis", not_ana[i]);
		sf_filter_free(f);
	}
}

/* Every analysis row is flagged so that `-e` and -Y start tracking and analysis. */
static void test_rows_flagged(void **state)
{
	(void)state;
	unsigned n = 0;
	for (unsigned i = 0; i < sf_field_count(); i++) {
		const struct sf_field *f = sf_field_at(i);
		bool ana = strncmp(f->name, "tcp.analysis", 12) == 0 ||
		           strncmp(f->name, "tcp.window_size", 15) == 0;
		if (!strcmp(f->name, "tcp.window_size_value"))
			ana = false; /* the header field as written */
		if (!ana)
			continue;
		n++;
		if ((f->flags & (SF_FF_ANA | SF_FF_TRACK)) != (SF_FF_ANA | SF_FF_TRACK))
			fail_msg("%s lacks the analysis flags", f->name);
	}
	assert_int_equal(n, 28); /* 26 tcp.analysis*, window_size, window_size_scalefactor */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flags),        cmocka_unit_test(test_values),
	    cmocka_unit_test(test_formats),      cmocka_unit_test(test_needs_analysis),
	    cmocka_unit_test(test_rows_flagged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
