/* Connection row formatters: JSON keys and values, CSV header/row agreement, Zeek conn.log
 * header and records, table alignment, uids. Rows are built by hand here, so these tests
 * check the formatting alone; the tests on captures check the values the tracker computed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/conn_fmt.h"
#include "report/conn_row.h"

static void addr4(struct sf_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->a[0] = x;
	a->a[1] = y;
	a->a[2] = z;
	a->a[3] = w;
}

/* A complete three-way / four-way connection as the seeds' lab reports describe it. */
static void sample_row(struct sf_conn_row *r)
{
	memset(r, 0, sizeof(*r));
	r->stream = 3;
	addr4(&r->client, 192, 168, 1, 116);
	addr4(&r->server, 192, 168, 1, 123);
	r->client_port = 3337;
	r->server_port = 7788;
	r->start_sec = 1700000000;
	r->start_nsec = 250000000;
	r->end_sec = 1700000001;
	r->end_nsec = 500000;
	r->first_frame = 4;
	r->last_frame = 13;
	r->side[SF_ROW_CLIENT] = (struct sf_row_side){.pkts = 5,
	                                              .bytes = 100,
	                                              .ip_bytes = 300,
	                                              .mss = 1460,
	                                              .wscale = 7,
	                                              .sack_perm = true,
	                                              .ts = true,
	                                              .final_state = "TIME-WAIT"};
	r->side[SF_ROW_SERVER] = (struct sf_row_side){.pkts = 5,
	                                              .bytes = 200,
	                                              .ip_bytes = 400,
	                                              .mss = 1400,
	                                              .wscale = -1,
	                                              .sack_perm = true,
	                                              .ts = false,
	                                              .final_state = "CLOSED"};
	r->open_kind = SF_ROW_OPEN_THREE_WAY;
	r->close_kind = SF_ROW_CLOSE_FOUR_WAY;
	r->closer = "client";
	r->rst_by = "";
	r->rst_state = "";
	snprintf(r->conn_state, sizeof(r->conn_state), "SF");
	snprintf(r->history, sizeof(r->history), "ShADadFf");
	r->completeness = 31;
	r->rtt_synack_ns = 180000;
	r->rtt_ack_ns = 30000;
}

/* Renders through a memory stream with an output buffer of cap bytes; the caller frees the
 * result. */
static char *render_cap(enum sf_conns_format fmt, const struct sf_conn_row *rows, unsigned n,
                        bool footer, bool wide, size_t cap)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_non_null(fp);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, cap), 0);
	struct sf_conn_fmt_ctx ctx = {.format = fmt,
	                              .wide = wide,
	                              .have_first = true,
	                              .first_sec = 1700000000,
	                              .first_nsec = 0,
	                              .have_last = true,
	                              .last_sec = 1700000002};
	sf_conn_fmt_header(&ob, &ctx);
	for (unsigned i = 0; i < n; i++)
		sf_conn_fmt_row(&ob, &ctx, &rows[i]);
	if (footer)
		sf_conn_fmt_footer(&ob, &ctx);
	assert_int_equal(ob_flush(&ob), 0);
	ob_free(&ob);
	fclose(fp);
	return text;
}

static char *render(enum sf_conns_format fmt, const struct sf_conn_row *rows, unsigned n,
                    bool footer)
{
	return render_cap(fmt, rows, n, footer, false, 256);
}

/* Value of "key": in a JSON line, up to the next ',' or '}' (values hold neither). */
static char *json_get(const char *line, const char *key, char *buf, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(line, pat);
	assert_non_null(p);
	p += strlen(pat);
	size_t n = strcspn(p, ",}");
	assert_true(n < len);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void test_json_fields(void **state)
{
	(void)state;
	struct sf_conn_row r;
	char v[64];
	sample_row(&r);
	char *out = render(SF_CONNS_JSON, &r, 1, true);
	assert_int_equal(out[0], '{');
	assert_non_null(strstr(out, "}\n"));
	assert_null(strchr(strchr(out, '\n') + 1, '\n')); /* one line per connection */
	assert_string_equal(json_get(out, "stream", v, sizeof(v)), "3");
	assert_string_equal(json_get(out, "client", v, sizeof(v)), "\"192.168.1.116\"");
	assert_string_equal(json_get(out, "client_port", v, sizeof(v)), "3337");
	assert_string_equal(json_get(out, "server", v, sizeof(v)), "\"192.168.1.123\"");
	assert_string_equal(json_get(out, "ts", v, sizeof(v)), "1700000000.250000");
	assert_string_equal(json_get(out, "start", v, sizeof(v)), "0.250000");
	assert_string_equal(json_get(out, "duration", v, sizeof(v)), "0.750500");
	assert_string_equal(json_get(out, "open", v, sizeof(v)), "\"three-way\"");
	assert_string_equal(json_get(out, "close", v, sizeof(v)), "\"four-way\"");
	assert_string_equal(json_get(out, "closer", v, sizeof(v)), "\"client\"");
	assert_string_equal(json_get(out, "rst_by", v, sizeof(v)), "null");
	assert_string_equal(json_get(out, "conn_state", v, sizeof(v)), "\"SF\"");
	assert_string_equal(json_get(out, "history", v, sizeof(v)), "\"ShADadFf\"");
	assert_string_equal(json_get(out, "completeness", v, sizeof(v)), "31");
	assert_string_equal(json_get(out, "rtt_ms", v, sizeof(v)), "0.210");
	assert_string_equal(json_get(out, "rtt_synack_ms", v, sizeof(v)), "0.180");
	assert_string_equal(json_get(out, "client_mss", v, sizeof(v)), "1460");
	assert_string_equal(json_get(out, "server_wscale", v, sizeof(v)), "null");
	assert_string_equal(json_get(out, "sack", v, sizeof(v)), "true");
	assert_string_equal(json_get(out, "timestamps", v, sizeof(v)), "false");
	assert_string_equal(json_get(out, "client_state", v, sizeof(v)), "\"TIME-WAIT\"");
	assert_string_equal(json_get(out, "server_bytes", v, sizeof(v)), "200");
	free(out);

	r.rtt_ack_ns = -1; /* handshake not complete: RTT unknown */
	out = render(SF_CONNS_JSON, &r, 1, true);
	assert_string_equal(json_get(out, "rtt_ms", v, sizeof(v)), "null");
	assert_string_equal(json_get(out, "rtt_ack_ms", v, sizeof(v)), "null");
	free(out);
}

static unsigned count_char(const char *s, size_t n, char c)
{
	unsigned k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

static void test_csv_header_matches_rows(void **state)
{
	(void)state;
	struct sf_conn_row r[2];
	sample_row(&r[0]);
	sample_row(&r[1]);
	r[1].stream = 4;
	r[1].side[SF_ROW_CLIENT].mss = -1;
	char *out = render(SF_CONNS_CSV, r, 2, true);
	assert_true(strncmp(out, "stream,uid,client,client_port,server,", 37) == 0);
	const char *l1 = strchr(out, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
	unsigned h = count_char(out, (size_t)(l1 - out), ',');
	assert_int_equal(count_char(l1, (size_t)(l2 - l1), ','), h);
	assert_int_equal(count_char(l2, strlen(l2), ','), h);
	assert_true(strncmp(l1, "3,C", 3) == 0);
	assert_non_null(strstr(l1, ",192.168.1.116,3337,192.168.1.123,7788,false,"));
	assert_non_null(strstr(l1, ",three-way,0,four-way,client,,,SF,ShADadFf,31,"));
	assert_non_null(strstr(l2, ",,1400,")); /* absent client MSS is an empty field */
	free(out);
}

static void split_tabs(char *line, char **f, unsigned max, unsigned *n)
{
	*n = 0;
	for (char *tok = line; tok && *n < max;) {
		f[(*n)++] = tok;
		char *t = strchr(tok, '\t');
		if (t)
			*t++ = '\0';
		tok = t;
	}
}

static void test_zeek_header_and_record(void **state)
{
	(void)state;
	struct sf_conn_row r;
	sample_row(&r);
	char *out = render(SF_CONNS_ZEEK, &r, 1, true);
	const char *want_head =
	    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	    "#unset_field\t-\n#path\tconn\n#open\t2023-11-14-22-13-20\n"
	    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"
	    "\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig"
	    "\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes"
	    "\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n#types\ttime\tstring\taddr"
	    "\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool"
	    "\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
	assert_true(strncmp(out, want_head, strlen(want_head)) == 0);
	char *rec = out + strlen(want_head);
	char *nl = strchr(rec, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_string_equal(nl + 1, "#close\t2023-11-14-22-13-22\n");
	char *f[32];
	unsigned n;
	split_tabs(rec, f, 32, &n);
	assert_int_equal(n, sf_zeek_conn_n_fields);
	assert_string_equal(f[0], "1700000000.250000");
	assert_int_equal(f[1][0], 'C');
	assert_string_equal(f[2], "192.168.1.116");
	assert_string_equal(f[3], "3337");
	assert_string_equal(f[5], "7788");
	assert_string_equal(f[6], "tcp");
	assert_string_equal(f[7], "-");
	assert_string_equal(f[8], "0.750500");
	assert_string_equal(f[9], "100");
	assert_string_equal(f[10], "200");
	assert_string_equal(f[11], "SF");
	assert_string_equal(f[14], "0");
	assert_string_equal(f[15], "ShADadFf");
	assert_string_equal(f[16], "5");
	assert_string_equal(f[17], "300");
	assert_string_equal(f[19], "400");
	assert_string_equal(f[20], "-");
	free(out);

	/* Zeek leaves duration and byte counts unset when the duration is 0 (one packet). */
	r.end_sec = r.start_sec;
	r.end_nsec = r.start_nsec;
	r.history[0] = '\0';
	out = render(SF_CONNS_ZEEK, &r, 1, false);
	rec = strstr(out, "\n1700000000.250000\t");
	assert_non_null(rec);
	rec++;
	rec[strcspn(rec, "\n")] = '\0';
	split_tabs(rec, f, 32, &n);
	assert_int_equal(n, sf_zeek_conn_n_fields);
	assert_string_equal(f[8], "-");
	assert_string_equal(f[9], "-");
	assert_string_equal(f[10], "-");
	assert_string_equal(f[15], "-");
	free(out);
}

static void test_table_aligned(void **state)
{
	(void)state;
	struct sf_conn_row r[2];
	sample_row(&r[0]);
	sample_row(&r[1]);
	r[1].stream = 12345;
	r[1].client_port = 1;
	r[1].open_kind = SF_ROW_OPEN_SYN_RETRIED;
	r[1].syn_retries = 2;
	r[1].side[SF_ROW_CLIENT].pkts = 1234567;
	char *out = render(SF_CONNS_TABLE, r, 2, true);
	char *l1 = strchr(out, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
	/* Every column starts at the same offset on every line: compare where "OPEN", the open
	 * kinds and "STATE"/"SF" begin. */
	size_t h_open = (size_t)(strstr(out, "OPEN") - out);
	assert_int_equal((size_t)(strstr(l1, "three-way") - l1), h_open);
	assert_int_equal((size_t)(strstr(l2, "syn-retried(2)") - l2), h_open);
	size_t h_state = (size_t)(strstr(out, "STATE") - out);
	assert_int_equal((size_t)(strstr(l1, " SF ") + 1 - l1), h_state);
	assert_int_equal((size_t)(strstr(l2, " SF ") + 1 - l2), h_state);
	assert_non_null(strstr(l1, "     3 192.168.1.116:3337"));
	assert_non_null(strstr(l1, " 0.210 "));
	assert_non_null(strstr(l1, "TIME-WAIT/CLOSED"));
	assert_non_null(strstr(l1, "MSS=1460/1400 WS=7/- SACK\n"));
	free(out);
}

/* The widest rows a connection can give: the longest IPv6 text on both ends, every count at
 * its largest, negative times, a full history, --wide. Rows are written with a cursor into
 * room reserved once, straight into a large output buffer or through a row buffer into a small
 * one: both give the same bytes, in every format (run under AddressSanitizer, this also checks
 * that the reserved room holds the widest row). */
static void test_widest_rows(void **state)
{
	(void)state;
	struct sf_conn_row r;
	sample_row(&r);
	for (int i = 0; i < 2; i++) {
		struct sf_addr *a = i ? &r.server : &r.client;
		memset(a, 0, sizeof(*a));
		a->family = 6;
		for (int k = 0; k < 16; k++)
			a->a[k] = (uint8_t)(0x11 * (k / 2 + 1)); /* 1111:2222:…:8888 */
	}
	r.client_port = r.server_port = 65535;
	r.stream = UINT64_MAX;
	r.start_sec = -4294967295ll; /* the bounds readers hold times to (pcapng.c) */
	r.end_sec = 4294967295ll;
	r.first_frame = r.last_frame = UINT64_MAX;
	r.syn_retries = 255;
	r.completeness = 63;
	r.rtt_synack_ns = r.rtt_ack_ns = INT64_MAX / 2;
	memset(r.history, 'D', SF_ROW_HISTORY_MAX);
	r.history[SF_ROW_HISTORY_MAX] = '\0';
	r.has_ana = true;
	for (int i = 0; i < 2; i++) {
		struct sf_row_side *sd = &r.side[i];
		sd->pkts = sd->bytes = sd->ip_bytes = UINT64_MAX;
		sd->mss = INT32_MAX;
		sd->wscale = 14;
		sd->final_state = "SYN-RECEIVED";
		struct sf_row_ana *an = &r.ana[i];
		memset(an, 0xff, sizeof(*an));
		an->rtt_min_ns = an->rtt_avg_ns = an->rtt_max_ns = an->rtt_stdev_ns = INT64_MAX;
	}
	r.open_kind = SF_ROW_OPEN_SYN_RETRIED;
	const enum sf_conns_format fmts[] = {SF_CONNS_TABLE, SF_CONNS_JSON, SF_CONNS_CSV,
	                                     SF_CONNS_ZEEK};
	for (unsigned f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (int wide = 0; wide < 2; wide++) {
			char *small = render_cap(fmts[f], &r, 1, true, wide, 256);
			char *large = render_cap(fmts[f], &r, 1, true, wide, 1 << 16);
			assert_string_equal(small, large);
			assert_non_null(strstr(large, "1111:2222:3333:4444:5555:6666:7777:8888"));
			assert_non_null(strstr(large, r.history));
			free(small);
			free(large);
		}
	}
	char *t = render_cap(SF_CONNS_TABLE, &r, 1, false, true, 1 << 16);
	assert_non_null(strstr(t, "[1111:2222:3333:4444:5555:6666:7777:8888]:65535"));
	assert_non_null(strstr(t, "18446744073709551615"));
	assert_non_null(strstr(t, "MSS=2147483647/2147483647 WS=14/14"));
	free(t);
}

static void test_uid_deterministic_and_distinct(void **state)
{
	(void)state;
	char a[24], b[24];
	sf_row_uid(0, a, sizeof(a));
	sf_row_uid(0, b, sizeof(b));
	assert_string_equal(a, b);
	assert_int_equal(a[0], 'C');
	for (uint64_t i = 1; i < 2000; i++) {
		sf_row_uid(i, b, sizeof(b));
		assert_string_not_equal(a, b);
		assert_true(strlen(b) >= 2 && strlen(b) <= 12);
		for (const char *p = b + 1; *p; p++)
			assert_true((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			            (*p >= 'a' && *p <= 'z'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_fields),
	    cmocka_unit_test(test_csv_header_matches_rows),
	    cmocka_unit_test(test_zeek_header_and_record),
	    cmocka_unit_test(test_table_aligned),
	    cmocka_unit_test(test_uid_deterministic_and_distinct),
	    cmocka_unit_test(test_widest_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
