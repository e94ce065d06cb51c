/* synfin tests — pcapng input: several interfaces with their own link types and timestamp
 * units, several sections in both byte orders, SPB and obsolete PB, blocks that are skipped,
 * and every kind of damaged block stopping at the right frame with the right message. */
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

/* Reads path as input 0, which must open as pcapng. */
static void read_all(const char *path, struct capfile_got *g)
{
	capfile_read_all(path, 0, CAPFILE_MAXF, g);
	if (g->opened)
		assert_int_equal(g->format, SF_FMT_PCAPNG);
}

static uint8_t pkt[64] = {0xaa};

static void read_capfile(const struct capfile *c, const char *name, struct capfile_got *g)
{
	char *p = capfile_write(c, capfile_dir, name);
	read_all(p, g);
	free(p);
}

static void test_ng_interfaces_linktypes_and_resolutions(void **state)
{
	for (int be = 0; be <= 1; be++) {
		struct capfile c = {0};
		capfile_ng_shb(&c, be, 1, 0);
		capfile_ng_idb(&c, be, 1, 0, -1, 0);               /* Ethernet, µs by default */
		capfile_ng_idb(&c, be, 101, 65535, 9, 100);        /* RAW, ns, +100 s offset */
		capfile_ng_idb(&c, be, 113, 262144, 0x80 | 10, 0); /* SLL, 2^-10 s */
		capfile_ng_idb(&c, be, 276, 0, 12, -5);            /* SLL2, ps, -5 s offset */
		pkt[0] = 0x11;
		capfile_ng_epb(&c, be, 0, 1700000000ull * 1000000 + 123456, 64, 64, pkt);
		pkt[0] = 0x22;
		capfile_ng_epb(&c, be, 1, 5ull * 1000000000 + 7, 40, 1500, pkt);
		pkt[0] = 0x33;
		capfile_ng_epb(&c, be, 2, 3 * 1024 + 512, 10, 10, pkt);
		pkt[0] = 0x44;
		capfile_ng_epb(&c, be, 3, 2000000000000ull + 1500, 1, 1, pkt);
		struct capfile_got g;
		read_capfile(&c, be ? "ifs-be.pcapng" : "ifs-le.pcapng", &g);
		assert_int_equal(g.rc, SF_SRC_END);
		assert_int_equal(g.linktype_after_open, 1);
		assert_int_equal(g.n, 4);
		const int lts[] = {1, 101, 113, 276};
		const int64_t secs[] = {1700000000, 105, 3, -3};
		const uint32_t nsecs[] = {123456000, 7, 500000000, 1};
		const uint32_t caps[] = {64, 40, 10, 1}, wires[] = {64, 1500, 10, 1};
		for (unsigned i = 0; i < 4; i++) {
			assert_int_equal(g.f[i].linktype, lts[i]);
			assert_int_equal(g.f[i].ifindex, i);
			assert_int_equal(g.f[i].ts_sec, secs[i]);
			assert_int_equal(g.f[i].ts_nsec, nsecs[i]);
			assert_int_equal(g.f[i].caplen, caps[i]);
			assert_int_equal(g.f[i].wirelen, wires[i]);
			assert_int_equal(g.f[i].file_frame, i + 1);
			assert_int_equal(g.first_byte[i], 0x11 * (i + 1));
		}
		capfile_free(&c);
	}
}

/* A timestamp more than 2^32 s from the epoch (the largest µs count; a huge negative offset)
 * is held at that bound, so that nanosecond times cannot overflow later. */
static void test_ng_timestamp_out_of_range(void **state)
{
	(void)state;
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_idb(&c, false, 1, 0, -1, 0);
	capfile_ng_idb(&c, false, 1, 0, -1, -9000000000ll);
	capfile_ng_epb(&c, false, 0, UINT64_MAX, 64, 64, pkt);
	capfile_ng_epb(&c, false, 1, 1000000, 64, 64, pkt);
	capfile_ng_epb(&c, false, 0, 1700000000ull * 1000000, 64, 64, pkt);
	struct capfile_got g;
	read_capfile(&c, "ts-range.pcapng", &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.f[0].ts_sec, 4294967295ll);
	assert_int_equal(g.f[1].ts_sec, -4294967295ll);
	assert_int_equal(g.f[2].ts_sec, 1700000000);
	capfile_free(&c);
}

/* Each section has its own byte order and interfaces: interface 0 of section 2 is RAW. */
static void test_ng_multiple_sections(void **state)
{
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_idb(&c, false, 1, 0, -1, 0);
	capfile_ng_epb(&c, false, 0, 1000000, 64, 64, pkt);
	capfile_ng_shb(&c, true, 1, 0);
	capfile_ng_idb(&c, true, 101, 0, 9, 0);
	capfile_ng_epb(&c, true, 0, 2000000000, 20, 20, pkt);
	capfile_ng_shb(&c, false, 1, 2); /* 1.2, written by some old tools: accepted */
	capfile_ng_idb(&c, false, 228, 0, -1, 0);
	capfile_ng_epb(&c, false, 0, 3000000, 30, 30, pkt);
	struct capfile_got g;
	read_capfile(&c, "sections.pcapng", &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.f[0].linktype, 1);
	assert_int_equal(g.f[0].ts_sec, 1);
	assert_int_equal(g.f[1].linktype, 101);
	assert_int_equal(g.f[1].ts_sec, 2);
	assert_int_equal(g.f[1].caplen, 20);
	assert_int_equal(g.f[2].linktype, 228);
	assert_int_equal(g.f[2].ts_sec, 3);
	capfile_free(&c);
}

/* SPB (interface 0, no timestamp, length from the original length, snaplen and block),
 * obsolete PB, and blocks we skip: NRB, ISB, DSB, custom, unknown. */
static void test_ng_spb_pb_and_skipped_blocks(void **state)
{
	const uint8_t body[40] = {1, 2, 3, 4};
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_block(&c, false, 4, body, 8); /* NRB before any interface */
	capfile_ng_idb(&c, false, 1, 48, -1, 0); /* snaplen 48 */
	capfile_ng_idb(&c, false, 101, 0, 9, 0);
	capfile_ng_spb(&c, false, 60, pkt, 48);      /* 60 on the wire, 48 kept */
	capfile_ng_block(&c, false, 5, body, 20);    /* ISB */
	capfile_ng_spb(&c, false, 30, pkt, 30);      /* 30 bytes: padded block */
	capfile_ng_block(&c, false, 0x0A, body, 13); /* DSB */
	capfile_ng_pb(&c, false, 1, 4000000005ull, 20, 20, pkt);
	capfile_ng_block(&c, false, 0x00000BAD, body, 40); /* custom */
	capfile_ng_block(&c, false, 0x40000BAD, body, 0);  /* custom, not to be copied */
	capfile_ng_block(&c, false, 0x7fff1234, body, 4);  /* unknown */
	capfile_ng_epb(&c, false, 0, 7000000, 48, 100, pkt);
	struct capfile_got g;
	read_capfile(&c, "spb.pcapng", &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.f[0].caplen, 48);
	assert_int_equal(g.f[0].wirelen, 60);
	assert_int_equal(g.f[0].ts_sec, 0);
	assert_int_equal(g.f[0].linktype, 1);
	assert_int_equal(g.f[1].caplen, 30);
	assert_int_equal(g.f[1].wirelen, 30);
	assert_int_equal(g.f[2].linktype, 101);
	assert_int_equal(g.f[2].ifindex, 1);
	assert_int_equal(g.f[2].ts_sec, 4);
	assert_int_equal(g.f[2].ts_nsec, 5);
	assert_int_equal(g.f[3].ts_sec, 7);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(g.f[i].file_frame, i + 1);
	capfile_free(&c);
}

/* A captured length above the interface snaplen is cut to it, as libpcap does. */
static void test_ng_caplen_above_snaplen_is_cut(void **state)
{
	struct capfile c = {0};
	capfile_ng_shb(&c, true, 1, 0);
	capfile_ng_idb(&c, true, 1, 32, -1, 0);
	capfile_ng_epb(&c, true, 0, 0, 64, 64, pkt);
	struct capfile_got g;
	read_capfile(&c, "above-snaplen.pcapng", &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.f[0].caplen, 32);
	assert_int_equal(g.f[0].wirelen, 64);
	capfile_free(&c);
}

/* ---- damaged files ---------------------------------------------------------------------- */

/* A good file prefix: SHB, IDB (Ethernet) and two packets. */
static void good_prefix(struct capfile *c, bool be)
{
	capfile_ng_shb(c, be, 1, 0);
	capfile_ng_idb(c, be, 1, 0, -1, 0);
	capfile_ng_epb(c, be, 0, 1000000, 64, 64, pkt);
	capfile_ng_epb(c, be, 0, 2000000, 64, 64, pkt);
}

static void expect_break(const struct capfile *c, const char *name, unsigned frames,
                         const char *reason)
{
	char *p = capfile_write(c, capfile_dir, name);
	struct capfile_got g;
	read_all(p, &g);
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

static void expect_open_error(const struct capfile *c, const char *name, const char *reason)
{
	char *p = capfile_write(c, capfile_dir, name);
	struct capfile_got g;
	read_all(p, &g);
	char want[SF_ERRBUF];
	snprintf(want, sizeof(want), "%s: %s", p, reason);
	assert_int_equal(g.rc, SF_SRC_ERROR);
	assert_string_equal(g.err, want);
	assert_int_equal(g.n, 0);
	free(p);
}

static void put32(struct capfile *c, size_t off, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		c->data[off + (be ? 3 - i : i)] = (uint8_t)(v >> (8 * i));
}

static void test_ng_bad_version(void **state)
{
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 2, 0);
	expect_open_error(&c, "v2.pcapng", "unsupported pcapng version 2.0");
	capfile_free(&c);
	/* a later section with a bad version stops the file at that point */
	good_prefix(&c, false);
	capfile_ng_shb(&c, true, 0, 1);
	expect_break(&c, "v0.1-section2.pcapng", 2, "unsupported pcapng version 0.1");
	capfile_free(&c);
}

static void test_ng_bad_byte_order_magic(void **state)
{
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0);
	put32(&c, 8, 0x11223344, true);
	expect_open_error(&c, "bom.pcapng",
	                  "bad byte-order magic 0x11223344 in section header block");
	capfile_free(&c);
}

static void test_ng_block_length_lies(void **state)
{
	struct capfile c = {0};
	good_prefix(&c, false);
	size_t at = c.len;
	capfile_ng_epb(&c, false, 0, 0, 64, 64, pkt);
	put32(&c, at + 4, 98, false);
	expect_break(&c, "len-mod4.pcapng", 2, "block length 98 is not a multiple of 4");
	put32(&c, at + 4, 8, false);
	expect_break(&c, "len-small.pcapng", 2, "block length 8 is too small");
	put32(&c, at + 4, 0x7ffffff0, false);
	expect_break(&c, "len-huge.pcapng", 2, "block length 2147483632 is larger than 16 MiB");
	put32(&c, at + 4, 96, false);
	put32(&c, c.len - 4, 100, false);
	expect_break(&c, "len-trailer.pcapng", 2,
	             "block trailing length 100 differs from its leading length 96");
	/* the leading length claims more than the file holds */
	put32(&c, at + 4, 200, false);
	expect_break(&c, "len-past-eof.pcapng", 2, "file cut short in a block (96 of 200 bytes)");
	capfile_free(&c);
}

static void test_ng_cut_short(void **state)
{
	struct capfile c = {0};
	good_prefix(&c, true);
	capfile_ng_epb(&c, true, 0, 0, 64, 64, pkt);
	size_t full = c.len;
	c.len = full - 96 + 5;
	expect_break(&c, "cut-header.pcapng", 2, "file cut short in a block header (5 of 8 bytes)");
	c.len = full - 40;
	expect_break(&c, "cut-block.pcapng", 2, "file cut short in a block (56 of 96 bytes)");
	capfile_free(&c);
}

static void test_ng_caplen_lies(void **state)
{
	struct capfile c = {0};
	good_prefix(&c, false);
	size_t at = c.len;
	capfile_ng_epb(&c, false, 0, 0, 64, 64, pkt);
	put32(&c, at + 20, 65, false);
	expect_break(&c, "caplen-past-block.pcapng", 2,
	             "captured length 65 runs past its block (64 bytes of data)");
	capfile_free(&c);
	/* a record above 256 KiB, with the bytes really there */
	uint8_t *big = calloc(1, 300000);
	assert_non_null(big);
	good_prefix(&c, false);
	capfile_ng_epb(&c, false, 0, 0, 300000, 300000, big);
	expect_break(&c, "caplen-300000.pcapng", 2, "record length 300000 exceeds 262144");
	free(big);
	capfile_free(&c);
}

static void test_ng_interface_id_out_of_range(void **state)
{
	struct capfile c = {0};
	good_prefix(&c, false);
	capfile_ng_epb(&c, false, 1, 0, 64, 64, pkt);
	expect_break(&c, "ifid.pcapng", 2, "interface id 1 not defined (section has 1 interface)");
	capfile_free(&c);
	/* interfaces do not carry over into the next section */
	good_prefix(&c, false);
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_epb(&c, false, 0, 0, 64, 64, pkt);
	expect_break(&c, "ifid-section.pcapng", 2,
	             "interface id 0 not defined (section has 0 interfaces)");
	capfile_free(&c);
	/* a simple packet block needs interface 0 */
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_spb(&c, false, 64, pkt, 64);
	expect_break(&c, "spb-no-if.pcapng", 0,
	             "interface id 0 not defined (section has 0 interfaces)");
	capfile_free(&c);
}

static void test_ng_idb_option_past_block(void **state)
{
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0); /* 28 bytes */
	capfile_ng_idb(&c, false, 1, 0, 6, 0);
	/* the if_tsresol option (at 28 + 16) claims 200 bytes */
	c.data[28 + 16 + 2] = 200;
	expect_break(&c, "idb-opt.pcapng", 0,
	             "interface option 9 of length 200 runs past its block");
	capfile_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ng_interfaces_linktypes_and_resolutions),
	    cmocka_unit_test(test_ng_multiple_sections),
	    cmocka_unit_test(test_ng_timestamp_out_of_range),
	    cmocka_unit_test(test_ng_spb_pb_and_skipped_blocks),
	    cmocka_unit_test(test_ng_caplen_above_snaplen_is_cut),
	    cmocka_unit_test(test_ng_bad_version),
	    cmocka_unit_test(test_ng_bad_byte_order_magic),
	    cmocka_unit_test(test_ng_block_length_lies),
	    cmocka_unit_test(test_ng_cut_short),
	    cmocka_unit_test(test_ng_caplen_lies),
	    cmocka_unit_test(test_ng_interface_id_out_of_range),
	    cmocka_unit_test(test_ng_idb_option_past_block),
	};
	return cmocka_run_group_tests(tests, capfile_setup, capfile_teardown);
}
