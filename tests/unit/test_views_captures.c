/* The connection views on captures, through the whole pipeline (decode → track → views):
 * chosen fields of `conns -T json` for every open and close kind (the crafted captures of
 * tests/golden/captures, written by craft-views.c), and the Zeek conn.log format checked
 * against the tracker's own records: exact #fields line, and per row the conn_state and
 * history the tracker computed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/conn_fmt.h"
#include "synfin/conn.h"
#include "synfin/pipeline.h"
#include "synfin/report.h"
#include "synfin/source.h"

/* The fixtures sit beside the golden tests: found from this file's own path, so the test runs
 * from any build directory. */
static void fixture(char *out, size_t len, const char *name)
{
	const char *here = __FILE__, *slash = strrchr(here, '/');
	int dir = slash ? (int)(slash - here) : 1;
	snprintf(out, len, "%.*s/../golden/captures/%s", dir, slash ? here : ".", name);
}

/* A second sink keeps what the tracker handed over, in order. */
#define MAX_SEEN 64
struct seen {
	unsigned n;
	char state[MAX_SEEN][8];
	char history[MAX_SEEN][SF_CONN_HISTORY_LEN + 1];
	uint64_t stream[MAX_SEEN];
};

static void seen_closed(void *self, const struct sf_conn *c)
{
	struct seen *s = self;
	if (s->n >= MAX_SEEN)
		return;
	snprintf(s->state[s->n], sizeof(s->state[0]), "%s",
	         sf_zeek_state_name((enum sf_zeek_state)c->zeek_state));
	memcpy(s->history[s->n], c->history, sizeof(s->history[0]));
	s->stream[s->n] = c->stream;
	s->n++;
}

/* Runs `synfin conns -T fmt` over the named fixtures; returns the output (caller frees). */
static char *conns(enum sf_conns_format fmt, const char *const *names, unsigned n,
                   struct seen *seen)
{
	char err[SF_ERRBUF];
	/* The stream's buffer pointer lives on the heap, not in this frame: gcc 12 at -O2 takes a
	 * pointer to a local handed to open_memstream() as dangling once the function returns. */
	struct {
		char *text;
		size_t len;
	} *mem = calloc(1, sizeof(*mem));
	assert_non_null(mem);
	FILE *fp = open_memstream(&mem->text, &mem->len);
	assert_non_null(fp);
	struct sf_pipeline_cfg cfg = {.track = true};
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, sizeof(err));
	assert_non_null(p);
	struct sf_conns_opts o = {.format = fmt, .order = SF_CONNS_ORDER_END};
	struct sf_conns_view *v = sf_conns_view_new(fp, &o, err, sizeof(err));
	assert_non_null(v);
	struct sf_sink sink = sf_conns_view_sink(v);
	assert_int_equal(sf_pipeline_add_sink(p, &sink), 0);
	if (seen) {
		memset(seen, 0, sizeof(*seen));
		struct sf_sink s2 = {.self = seen, .conn_closed = seen_closed};
		assert_int_equal(sf_pipeline_add_sink(p, &s2), 0);
	}
	for (unsigned i = 0; i < n; i++) {
		char path[1024];
		fixture(path, sizeof(path), names[i]);
		struct sf_source *src = sf_source_open_file(path, i, err, sizeof(err));
		if (!src)
			fail_msg("%s: %s", path, err);
		assert_int_equal(sf_pipeline_run(p, src), 0);
		sf_source_close(src);
	}
	sf_pipeline_finish(p);
	sf_pipeline_free(p);
	assert_int_equal(sf_conns_view_error(v), 0);
	sf_conns_view_free(v);
	fclose(fp);
	char *text = mem->text;
	free(mem);
	return text;
}

/* The raw JSON text of key k in the one-line object obj ("\"SF\"", "3", "null"). */
static const char *field(const char *obj, const char *k, char *buf, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", k);
	const char *at = strstr(obj, pat);
	if (!at)
		fail_msg("no key %s in %s", k, obj);
	at += strlen(pat);
	size_t n = 0;
	bool in_str = false;
	for (; at[n] && (in_str || (at[n] != ',' && at[n] != '}')); n++)
		if (at[n] == '"')
			in_str = !in_str;
	snprintf(buf, len, "%.*s", (int)n, at);
	return buf;
}

struct expect {
	const char *key, *value;
};

/* One fixture, one connection: every expected key has its value. */
static void check_one(const char *name, const struct expect *ex)
{
	const char *names[] = {name};
	char *out = conns(SF_CONNS_JSON, names, 1, NULL);
	char buf[256];
	const char *nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0'); /* exactly one row */
	for (; ex->key; ex++) {
		const char *got = field(out, ex->key, buf, sizeof(buf));
		if (strcmp(got, ex->value) != 0)
			fail_msg("%s: %s is %s, expected %s", name, ex->key, got, ex->value);
	}
	free(out);
}

static void test_json_four_way(void **state)
{
	(void)state;
	check_one("views-four-way.pcap", (const struct expect[]){{"open", "\"three-way\""},
	                                                         {"close", "\"four-way\""},
	                                                         {"closer", "\"client\""},
	                                                         {"rst_by", "null"},
	                                                         {"conn_state", "\"SF\""},
	                                                         {"history", "\"ShADadFf\""},
	                                                         {"completeness", "31"},
	                                                         {"client_pkts", "6"},
	                                                         {"server_pkts", "5"},
	                                                         {"client_bytes", "100"},
	                                                         {"server_bytes", "300"},
	                                                         /* 60 SYN + 140 data + 4 × 40 */
	                                                         {"client_ip_bytes", "360"},
	                                                         {"server_ip_bytes", "520"},
	                                                         {"rtt_synack_ms", "0.200"},
	                                                         {"rtt_ack_ms", "0.030"},
	                                                         {"client_mss", "1460"},
	                                                         {"server_wscale", "7"},
	                                                         {"sack", "true"},
	                                                         {"timestamps", "true"},
	                                                         {"client_state", "\"TIME-WAIT\""},
	                                                         {"server_state", "\"CLOSED\""},
	                                                         {"end_reason", "\"capture-end\""},
	                                                         {NULL, NULL}});
}

static void test_json_merged_close(void **state)
{
	(void)state;
	check_one("views-merged-close.pcap", (const struct expect[]){{"open", "\"three-way\""},
	                                                             {"close", "\"three-way\""},
	                                                             {"closer", "\"client\""},
	                                                             {"conn_state", "\"SF\""},
	                                                             {"server_pkts", "4"},
	                                                             {NULL, NULL}});
}

static void test_json_simultaneous_close(void **state)
{
	(void)state;
	check_one("views-simultaneous-close.pcap",
	          (const struct expect[]){{"close", "\"simultaneous\""},
	                                  {"closer", "\"both\""},
	                                  {"client_state", "\"TIME-WAIT\""},
	                                  {"server_state", "\"TIME-WAIT\""},
	                                  {NULL, NULL}});
}

static void test_json_half_close(void **state)
{
	(void)state;
	check_one("views-half-close.pcap", (const struct expect[]){{"close", "\"half-close\""},
	                                                           {"closer", "\"client\""},
	                                                           {"server_bytes", "1800"},
	                                                           {"conn_state", "\"SF\""},
	                                                           {NULL, NULL}});
}

static void test_json_rst_abort(void **state)
{
	(void)state;
	check_one("views-rst-abort.pcap", (const struct expect[]){{"open", "\"three-way\""},
	                                                          {"close", "\"rst-abort\""},
	                                                          {"closer", "null"},
	                                                          {"rst_by", "\"server\""},
	                                                          {"rst_state", "\"ESTABLISHED\""},
	                                                          {"conn_state", "\"RSTR\""},
	                                                          {"history", "\"ShADadr\""},
	                                                          {"completeness", "47"},
	                                                          {NULL, NULL}});
}

static void test_json_refused(void **state)
{
	(void)state;
	check_one("views-refused.pcap", (const struct expect[]){{"open", "\"refused\""},
	                                                        {"close", "\"rst-abort\""},
	                                                        {"rst_by", "\"server\""},
	                                                        {"conn_state", "\"REJ\""},
	                                                        {"history", "\"Sr\""},
	                                                        {"client_ip_bytes", "60"},
	                                                        {"server_ip_bytes", "40"},
	                                                        {"rtt_ms", "null"},
	                                                        {"server_mss", "null"},
	                                                        {NULL, NULL}});
}

static void test_json_unanswered(void **state)
{
	(void)state;
	check_one("views-unanswered.pcap", (const struct expect[]){{"open", "\"unanswered\""},
	                                                           {"syn_retries", "2"},
	                                                           {"close", "\"unterminated\""},
	                                                           {"closer", "null"},
	                                                           {"conn_state", "\"S0\""},
	                                                           {"history", "\"S\""},
	                                                           {"client_pkts", "3"},
	                                                           {"server_pkts", "0"},
	                                                           {"duration", "3.000000"},
	                                                           {"client_state", "\"SYN-SENT\""},
	                                                           {NULL, NULL}});
}

static void test_json_syn_retried(void **state)
{
	(void)state;
	check_one("views-syn-retried.pcap", (const struct expect[]){{"open", "\"syn-retried\""},
	                                                            {"syn_retries", "1"},
	                                                            {"close", "\"three-way\""},
	                                                            {"conn_state", "\"SF\""},
	                                                            {"completeness", "23"},
	                                                            {NULL, NULL}});
}

static void test_json_simultaneous_open(void **state)
{
	(void)state;
	check_one("views-simultaneous-open.pcap",
	          (const struct expect[]){{"open", "\"simultaneous-open\""},
	                                  {"roles_guessed", "false"},
	                                  {"client_port", "40004"},
	                                  {"close", "\"four-way\""},
	                                  {"conn_state", "\"SF\""},
	                                  {NULL, NULL}});
}

static void test_json_midstream(void **state)
{
	(void)state;
	check_one("views-midstream.pcap", (const struct expect[]){{"open", "\"midstream\""},
	                                                          {"roles_guessed", "true"},
	                                                          {"client_port", "40011"},
	                                                          {"close", "\"three-way\""},
	                                                          {"rtt_ms", "null"},
	                                                          {"client_mss", "null"},
	                                                          {NULL, NULL}});
}

static const char *const all_fixtures[] = {
    "views-refused.pcap",
    "views-unanswered.pcap",
    "views-syn-retried.pcap",
    "views-simultaneous-open.pcap",
    "views-four-way.pcap",
    "views-merged-close.pcap",
    "views-simultaneous-close.pcap",
    "views-half-close.pcap",
    "views-rst-abort.pcap",
    "views-midstream.pcap",
};
#define N_FIXTURES (sizeof(all_fixtures) / sizeof(all_fixtures[0]))

/* Zeek conn.log: the #fields line exactly as Zeek's ASCII writer spells it for Conn::Info, and
 * every record's conn_state and history equal to the tracker's. */
static void test_zeek_rows_match_tracker(void **state)
{
	(void)state;
	struct seen seen;
	char *out = conns(SF_CONNS_ZEEK, all_fixtures, N_FIXTURES, &seen);
	assert_int_equal(seen.n, N_FIXTURES);
	assert_non_null(strstr(out,
	                       "\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
	                       "proto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\t"
	                       "local_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\t"
	                       "orig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"));
	assert_int_equal(strncmp(out, "#separator \\x09\n", 16), 0);

	unsigned row = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *col[32];
		unsigned n = 0;
		for (char *c = line; n < 32;) {
			col[n++] = c;
			char *tab = strchr(c, '\t');
			if (!tab)
				break;
			*tab = '\0';
			c = tab + 1;
		}
		assert_int_equal(n, sf_zeek_conn_n_fields);
		assert_true(row < seen.n);
		/* rows come in the order connections end, the tracker's hand-over order */
		assert_string_equal(col[11], seen.state[row]);
		assert_string_equal(col[15], seen.history[row][0] ? seen.history[row] : "(empty)");
		assert_string_equal(col[6], "tcp");
		row++;
	}
	assert_int_equal(row, seen.n);
	free(out);
}

/* --order stream: the same rows, sorted by tcp.stream. */
static void test_order_stream(void **state)
{
	(void)state;
	char *text = NULL, err[SF_ERRBUF];
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct sf_pipeline_cfg cfg = {.track = true};
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, sizeof(err));
	struct sf_conns_opts o = {.format = SF_CONNS_CSV, .order = SF_CONNS_ORDER_STREAM};
	struct sf_conns_view *v = sf_conns_view_new(fp, &o, err, sizeof(err));
	struct sf_sink sink = sf_conns_view_sink(v);
	sf_pipeline_add_sink(p, &sink);
	for (unsigned i = 0; i < N_FIXTURES; i++) {
		char path[1024];
		fixture(path, sizeof(path), all_fixtures[i]);
		struct sf_source *src = sf_source_open_file(path, i, err, sizeof(err));
		assert_non_null(src);
		sf_pipeline_run(p, src);
		sf_source_close(src);
	}
	sf_pipeline_finish(p);
	sf_pipeline_free(p);
	assert_int_equal(sf_conns_view_rows(v), N_FIXTURES);
	sf_conns_view_free(v);
	fclose(fp);
	unsigned long prev = 0, rows = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "stream,", 7))
			continue;
		unsigned long s = strtoul(line, NULL, 10);
		if (rows)
			assert_true(s == prev + 1);
		prev = s;
		rows++;
	}
	assert_int_equal(rows, N_FIXTURES);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_four_way),
	    cmocka_unit_test(test_json_merged_close),
	    cmocka_unit_test(test_json_simultaneous_close),
	    cmocka_unit_test(test_json_half_close),
	    cmocka_unit_test(test_json_rst_abort),
	    cmocka_unit_test(test_json_refused),
	    cmocka_unit_test(test_json_unanswered),
	    cmocka_unit_test(test_json_syn_retried),
	    cmocka_unit_test(test_json_simultaneous_open),
	    cmocka_unit_test(test_json_midstream),
	    cmocka_unit_test(test_zeek_rows_match_tracker),
	    cmocka_unit_test(test_order_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
