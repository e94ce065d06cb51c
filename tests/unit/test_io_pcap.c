/* synfin tests — classic pcap input: µs and ns files in both byte orders, link types kept as
 * written, damaged files stopping at the right frame with the right message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_capfile.h"
#include "synfin/source.h"

static const uint8_t pkt[64] = {0x45, 1, 2, 3, 4, 5, 6, 7, 8, 9};

/* Two records: one full, one cut by the snaplen (caplen < wirelen). */
static void two_records(struct capfile *c, bool be, bool nano)
{
	capfile_pcap_header(c, be, nano, 2, 4, 262144, 101 /* LINKTYPE_RAW */);
	capfile_pcap_record(c, be, 1700000000, nano ? 123456789 : 123456, 64, 64, pkt);
	capfile_pcap_record(c, be, 1700000001, nano ? 999999999 : 999999, 20, 1500, pkt);
}

static void check_two(const char *path, bool nano)
{
	struct capfile_got g;
	capfile_read_all(path, 3, 8, &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].ts_sec, 1700000000);
	assert_int_equal(g.f[0].ts_nsec, nano ? 123456789 : 123456000);
	assert_int_equal(g.f[1].ts_sec, 1700000001);
	assert_int_equal(g.f[1].ts_nsec, nano ? 999999999 : 999999000);
	assert_int_equal(g.f[0].caplen, 64);
	assert_int_equal(g.f[0].wirelen, 64);
	assert_int_equal(g.f[1].caplen, 20);
	assert_int_equal(g.f[1].wirelen, 1500);
	for (unsigned i = 0; i < 2; i++) {
		/* the file's LINKTYPE_RAW (101), not libpcap's DLT_RAW (12) */
		assert_int_equal(g.f[i].linktype, 101);
		assert_int_equal(g.f[i].file_frame, i + 1);
		assert_int_equal(g.f[i].file_index, 3);
		assert_int_equal(g.f[i].number, 0);
		assert_int_equal(g.f[i].ifindex, 0);
		assert_int_equal(g.first_byte[i], 0x45);
	}
}

static void test_pcap_usec_le(void **state)
{
	struct capfile c = {0};
	two_records(&c, false, false);
	char *p = capfile_write(&c, capfile_dir, "usec-le.pcap");
	check_two(p, false);
	free(p);
	capfile_free(&c);
}

static void test_pcap_usec_be(void **state)
{
	struct capfile c = {0};
	two_records(&c, true, false);
	char *p = capfile_write(&c, capfile_dir, "usec-be.pcap");
	check_two(p, false);
	free(p);
	capfile_free(&c);
}

static void test_pcap_nsec_le(void **state)
{
	struct capfile c = {0};
	two_records(&c, false, true);
	char *p = capfile_write(&c, capfile_dir, "nsec-le.pcap");
	check_two(p, true);
	free(p);
	capfile_free(&c);
}

static void test_pcap_nsec_be(void **state)
{
	struct capfile c = {0};
	two_records(&c, true, true);
	char *p = capfile_write(&c, capfile_dir, "nsec-be.pcap");
	check_two(p, true);
	free(p);
	capfile_free(&c);
}

static void test_pcap_accessors(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 2, 4, 65535, 1);
	char *p = capfile_write(&c, capfile_dir, "empty.pcap");
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file(p, 0, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(sf_source_name(s), p);
	assert_int_equal(sf_source_format(s), SF_FMT_PCAP);
	assert_int_equal(sf_source_linktype(s), 1);
	assert_null(sf_source_pcap(s)); /* only live sources expose their pcap_t */
	uint64_t a, b, d;
	assert_int_equal(sf_source_stats(s, &a, &b, &d), -1);
	struct sf_frame f;
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	sf_source_close(s);
	free(p);
	capfile_free(&c);
}

/* ---- damaged files ---------------------------------------------------------------------- */

static void expect_open_error(const struct capfile *c, const char *name, const char *reason)
{
	char *p = capfile_write(c, capfile_dir, name);
	struct capfile_got g;
	capfile_read_all(p, 3, 8, &g);
	char want[SF_ERRBUF];
	snprintf(want, sizeof(want), "%s: %s", p, reason);
	assert_int_equal(g.rc, SF_SRC_ERROR);
	assert_string_equal(g.err, want);
	free(p);
}

/* Reads the file; expects `frames` good frames, then an error at frame frames+1. */
static void expect_break(const struct capfile *c, const char *name, unsigned frames,
                         const char *reason)
{
	char *p = capfile_write(c, capfile_dir, name);
	struct capfile_got g;
	capfile_read_all(p, 3, 8, &g);
	char want[SF_ERRBUF];
	snprintf(want, sizeof(want), "%s: frame %u: %s", p, frames + 1, reason);
	assert_int_equal(g.rc, SF_SRC_ERROR);
	assert_string_equal(g.err, want);
	assert_int_equal(g.err_frame, frames + 1);
	assert_int_equal(g.n, frames);
	for (unsigned i = 0; i < frames; i++)
		assert_int_equal(g.f[i].file_frame, i + 1);
	free(p);
}

static void test_pcap_bad_magic(void **state)
{
	struct capfile c = {0};
	capfile_bytes(&c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	expect_open_error(&c, "http.txt", "not a pcap or pcapng file (magic 0x47455420)");
	capfile_free(&c);
	expect_open_error(&c, "empty.pcap", "not a pcap or pcapng file (empty)");
	capfile_bytes(&c, "\xd4\xc3", 2);
	expect_open_error(&c, "two.pcap", "not a pcap or pcapng file (shorter than a file header)");
	capfile_free(&c);
}

static void test_pcap_bad_version(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 3, 0, 65535, 1);
	expect_open_error(&c, "v3.pcap", "unsupported pcap version 3.0");
	capfile_free(&c);
	capfile_pcap_header(&c, true, true, 2, 9, 65535, 1);
	expect_open_error(&c, "v2.9.pcap", "unsupported pcap version 2.9");
	capfile_free(&c);
}

static void test_pcap_short_header(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 2, 4, 65535, 1);
	c.len = 20;
	expect_open_error(&c, "hdr20.pcap", "truncated pcap file header (20 of 24 bytes)");
	capfile_free(&c);
}

static void test_pcap_reserved_linktype_bits(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 2, 4, 65535, 0x00300000);
	expect_open_error(&c, "lt.pcap", "link type field has reserved bits set (0x00300000)");
	capfile_free(&c);
}

static void test_pcap_oversize_record(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 2, 4, 262144, 1);
	capfile_pcap_record(&c, false, 1, 0, 64, 64, pkt);
	capfile_pcap_record(&c, false, 2, 0, 64, 64, pkt);
	capfile_pcap_record(&c, false, 3, 0, 300000, 300000, NULL);
	expect_break(&c, "oversize.pcap", 2,
	             "invalid packet capture length 300000, bigger than snaplen of 262144");
	capfile_free(&c);
}

/* Above the file's snaplen but within 256 KiB: libpcap cuts the record to the snaplen and
 * goes on (tcpdump shows such files that way), so synfin does too. */
static void test_pcap_record_above_snaplen_is_cut(void **state)
{
	struct capfile c = {0};
	uint8_t big[200] = {0x45};
	capfile_pcap_header(&c, false, false, 2, 4, 100, 1);
	capfile_pcap_record(&c, false, 1, 0, 200, 200, big);
	capfile_pcap_record(&c, false, 2, 0, 64, 64, pkt);
	char *p = capfile_write(&c, capfile_dir, "above-snaplen.pcap");
	struct capfile_got g;
	capfile_read_all(p, 3, 8, &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].caplen, 100);
	assert_int_equal(g.f[0].wirelen, 200);
	assert_int_equal(g.f[1].caplen, 64);
	assert_int_equal(g.f[1].ts_sec, 2);
	free(p);
	capfile_free(&c);
}

static void test_pcap_cut_mid_header(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, true, false, 2, 4, 65535, 1);
	for (int i = 0; i < 3; i++)
		capfile_pcap_record(&c, true, 1, 0, 64, 64, pkt);
	c.len -= 64 + 9; /* 7 bytes of the third record header remain */
	expect_break(&c, "cut-header.pcap", 2,
	             "truncated dump file; tried to read 16 header bytes, only got 7");
	capfile_free(&c);
}

static void test_pcap_cut_mid_record(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, true, 2, 4, 65535, 1);
	for (int i = 0; i < 3; i++)
		capfile_pcap_record(&c, false, 1, 0, 64, 64, pkt);
	c.len -= 14;
	expect_break(&c, "cut-record.pcap", 2,
	             "truncated dump file; tried to read 64 captured bytes, only got 50");
	capfile_free(&c);
}

/* sf_source_break() ends a file source as well (a user's interrupt on a long file). */
static void test_pcap_break(void **state)
{
	struct capfile c = {0};
	two_records(&c, false, false);
	char *p = capfile_write(&c, capfile_dir, "break.pcap");
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file(p, 0, err, sizeof(err));
	assert_non_null(s);
	struct sf_frame f;
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_FRAME);
	sf_source_break(s);
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	sf_source_close(s);
	free(p);
	capfile_free(&c);
}

static void test_missing_file(void **state)
{
	struct capfile_got g;
	capfile_read_all("/nonexistent/x.pcap", 3, 8, &g);
	assert_int_equal(g.rc, SF_SRC_ERROR);
	assert_string_equal(g.err, "/nonexistent/x.pcap: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pcap_usec_le),
	    cmocka_unit_test(test_pcap_usec_be),
	    cmocka_unit_test(test_pcap_nsec_le),
	    cmocka_unit_test(test_pcap_nsec_be),
	    cmocka_unit_test(test_pcap_accessors),
	    cmocka_unit_test(test_pcap_bad_magic),
	    cmocka_unit_test(test_pcap_bad_version),
	    cmocka_unit_test(test_pcap_short_header),
	    cmocka_unit_test(test_pcap_reserved_linktype_bits),
	    cmocka_unit_test(test_pcap_oversize_record),
	    cmocka_unit_test(test_pcap_record_above_snaplen_is_cut),
	    cmocka_unit_test(test_pcap_cut_mid_header),
	    cmocka_unit_test(test_pcap_cut_mid_record),
	    cmocka_unit_test(test_pcap_break),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, capfile_setup, capfile_teardown);
}
