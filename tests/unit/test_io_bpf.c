/* synfin tests — BPF capture filters on capture files: compiled per link type (a pcapng file
 * may mix Ethernet and raw IP), frames the filter drops keep their number in the file, and
 * bad expressions give libpcap's message with the expression. */
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

/* IPv4 + TCP (proto 6) or UDP (17) header to dport, 40 bytes. */
static void ip_l4(uint8_t *p, uint8_t proto, uint16_t dport)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	p[3] = 40;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, (const uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
	p[20] = 0x9c; /* sport 40000 */
	p[21] = 0x40;
	p[22] = (uint8_t)(dport >> 8);
	p[23] = (uint8_t)dport;
	p[32] = 0x50; /* TCP data offset 5 */
	p[33] = 0x02; /* SYN */
}

/* Ethernet II + ip_l4, 54 bytes. */
static void eth_l4(uint8_t *p, uint8_t proto, uint16_t dport)
{
	memcpy(p, (const uint8_t[]){0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00}, 14);
	ip_l4(p + 14, proto, dport);
}

static unsigned read_filtered(const char *path, const char *expr, uint64_t *frames, unsigned max,
                              char *err, size_t errlen, enum sf_source_status *rc)
{
	struct sf_source *s = sf_source_open_file(path, 0, err, errlen);
	assert_non_null(s);
	assert_int_equal(sf_source_set_bpf(s, expr, err, errlen), 0);
	struct sf_frame f;
	unsigned n = 0;
	while ((*rc = sf_source_next(s, &f, err, errlen)) == SF_SRC_FRAME) {
		assert_true(n < max);
		frames[n++] = f.file_frame;
	}
	if (*rc == SF_SRC_ERROR)
		frames[n] = f.file_frame;
	sf_source_close(s);
	return n;
}

static void test_bpf_pcap(void **state)
{
	uint8_t tcp80[54], udp53[54], tcp22[54];
	eth_l4(tcp80, 6, 80);
	eth_l4(udp53, 17, 53);
	eth_l4(tcp22, 6, 22);
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 2, 4, 65535, 1);
	capfile_pcap_record(&c, false, 1, 0, 54, 54, udp53);
	capfile_pcap_record(&c, false, 2, 0, 54, 54, tcp80);
	capfile_pcap_record(&c, false, 3, 0, 54, 54, tcp22);
	capfile_pcap_record(&c, false, 4, 0, 54, 54, tcp80);
	char *p = capfile_write(&c, capfile_dir, "eth.pcap");
	uint64_t fr[8];
	char err[SF_ERRBUF];
	enum sf_source_status rc;
	assert_int_equal(read_filtered(p, "tcp port 80", fr, 8, err, sizeof(err), &rc), 2);
	assert_int_equal(rc, SF_SRC_END);
	assert_int_equal(fr[0], 2);
	assert_int_equal(fr[1], 4);
	assert_int_equal(read_filtered(p, "udp", fr, 8, err, sizeof(err), &rc), 1);
	assert_int_equal(fr[0], 1);
	assert_int_equal(read_filtered(p, "", fr, 8, err, sizeof(err), &rc), 4);
	free(p);
	capfile_free(&c);
}

/* One filter, two link types: Ethernet on interface 0, raw IPv4 on interface 1. */
static void test_bpf_pcapng_two_linktypes(void **state)
{
	uint8_t e80[54], e22[54], r80[40], r22[40];
	eth_l4(e80, 6, 80);
	eth_l4(e22, 6, 22);
	ip_l4(r80, 6, 80);
	ip_l4(r22, 6, 22);
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_idb(&c, false, 1, 0, -1, 0);
	capfile_ng_idb(&c, false, 101, 0, -1, 0);
	capfile_ng_epb(&c, false, 1, 0, 40, 40, r22);
	capfile_ng_epb(&c, false, 0, 0, 54, 54, e80);
	capfile_ng_epb(&c, false, 1, 0, 40, 40, r80);
	capfile_ng_epb(&c, false, 0, 0, 54, 54, e22);
	capfile_ng_epb(&c, false, 1, 0, 40, 40, r80);
	char *p = capfile_write(&c, capfile_dir, "mixed.pcapng");
	uint64_t fr[8];
	char err[SF_ERRBUF];
	enum sf_source_status rc;
	assert_int_equal(read_filtered(p, "tcp dst port 80", fr, 8, err, sizeof(err), &rc), 3);
	assert_int_equal(rc, SF_SRC_END);
	assert_int_equal(fr[0], 2);
	assert_int_equal(fr[1], 3);
	assert_int_equal(fr[2], 5);
	/* a link-layer primitive cannot apply to raw IP: the file stops at the first such frame */
	assert_int_equal(read_filtered(p, "ether src 0:1:2:3:4:6", fr, 8, err, sizeof(err), &rc),
	                 0);
	assert_int_equal(rc, SF_SRC_ERROR);
	assert_int_equal(fr[0], 1);
	char want[SF_ERRBUF];
	snprintf(want, sizeof(want),
	         "%s: frame 1: capture filter 'ether src 0:1:2:3:4:6' cannot apply to link type "
	         "101: ",
	         p);
	assert_memory_equal(err, want, strlen(want));
	free(p);
	capfile_free(&c);
}

static void test_bpf_syntax_error(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, false, false, 2, 4, 65535, 1);
	char *p = capfile_write(&c, capfile_dir, "empty.pcap");
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file(p, 0, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(sf_source_set_bpf(s, "tcp prot 80", err, sizeof(err)), -1);
	assert_string_equal(err, "bad capture filter 'tcp prot 80': syntax error");
	assert_int_equal(sf_source_set_bpf(s, "port 99999", err, sizeof(err)), -1);
	assert_string_equal(err,
	                    "bad capture filter 'port 99999': illegal port number 99999 > 65535");
	/* after a failed filter the source reads unfiltered */
	struct sf_frame f;
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	sf_source_close(s);
	free(p);
	capfile_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bpf_pcap),
	    cmocka_unit_test(test_bpf_pcapng_two_linktypes),
	    cmocka_unit_test(test_bpf_syntax_error),
	};
	return cmocka_run_group_tests(tests, capfile_setup, capfile_teardown);
}
