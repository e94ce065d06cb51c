/* Detail tree (-V) and hex dump (-x) of the packet report, on packets made by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_report.h"
#include "report/packet_report.h"

static char text[65536];

enum what { DETAIL, HEX, BITS };

static const char *render(const struct sf_packet *p, enum what w, uint32_t v, unsigned n,
                          uint32_t mask)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 0), 0);
	struct sf_pkt_view view = {.pkt = p};
	struct pr_opts o = {0};
	if (w == DETAIL)
		pr_detail(&ob, &view, 0, &o);
	else if (w == HEX)
		pr_hex(&ob, p);
	else
		pr_put_bits(&ob, v, n, mask);
	assert_int_equal(ob_flush(&ob), 0);
	fclose(fp);
	ob_free(&ob);
	snprintf(text, sizeof(text), "%s", buf);
	free(buf);
	return text;
}

static void test_bits(void **state)
{
	(void)state;
	assert_string_equal(render(NULL, BITS, 0x010, 12, 0x010), ".... ...1 ....");
	assert_string_equal(render(NULL, BITS, 0x000, 12, 0xe00), "000. .... ....");
	assert_string_equal(render(NULL, BITS, 0xa0, 8, 0xf0), "1010 ....");
}

/* Every flag bit is spelled out, in Wireshark's order and words. */
static void test_tcp_flag_lines(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 54, 1, 1084443427, 311224000, 1);
	rpt_tcp4(&p, &f, "10.0.0.1", 1234, "10.0.0.2", 80, SF_TCP_SYN | SF_TCP_ACK | SF_TCP_AE);
	const char *t = render(&p, DETAIL, 0, 0, 0);
	assert_non_null(strstr(t, "Arrival Time: 2004-05-13 10:17:07.311224000 UTC\n"));
	assert_non_null(strstr(t, "    Flags: 0x112 (SYN, ACK, AE)\n"
	                          "        000. .... .... = Reserved: Not set\n"
	                          "        ...1 .... .... = Accurate ECN: Set\n"
	                          "        .... 0... .... = Congestion Window Reduced: Not set\n"
	                          "        .... .0.. .... = ECN-Echo: Not set\n"
	                          "        .... ..0. .... = Urgent: Not set\n"
	                          "        .... ...1 .... = Acknowledgment: Set\n"
	                          "        .... .... 0... = Push: Not set\n"
	                          "        .... .... .0.. = Reset: Not set\n"
	                          "        .... .... ..1. = Syn: Set\n"
	                          "        .... .... ...0 = Fin: Not set\n"));
	assert_non_null(strstr(t, "Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2\n"));
	assert_null(strstr(t, "Events"));
	sf_packet_add_event(&p, SF_EV_TCP_OPT_DUPLICATE);
	t = render(&p, DETAIL, 0, 0, 0);
	assert_non_null(
	    strstr(t, "Events: 1\n    decode.tcp.opt_duplicate: TCP option present twice\n"));
}

/* The dump is cut where each layer starts and never reads past the captured bytes. */
static void test_hex_layers(void **state)
{
	(void)state;
	uint8_t bytes[70];
	for (unsigned i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(0x41 + i % 26);
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, bytes, 60, 1, 0, 0, 1); /* 6 bytes past the TCP header: payload */
	rpt_tcp4(&p, &f, "10.0.0.1", 1, "10.0.0.2", 2, SF_TCP_ACK);
	p.tcp_len = 6;
	p.payload_caplen = 6;
	p.ip_len = p.ip_len_used = 46;
	const char *t = render(&p, HEX, 0, 0, 0);
	assert_string_equal(t, "-- Ethernet II: 14 bytes at 0x0000\n"
	                       "0000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e         "
	                       "ABCDEFGHIJKLMN\n"
	                       "-- IPv4: 20 bytes at 0x000e\n"
	                       "000e  4f 50 51 52 53 54 55 56  57 58 59 5a 41 42 43 44   "
	                       "OPQRSTUVWXYZABCD\n"
	                       "001e  45 46 47 48                                        EFGH\n"
	                       "-- TCP: 20 bytes at 0x0022\n"
	                       "0022  49 4a 4b 4c 4d 4e 4f 50  51 52 53 54 55 56 57 58   "
	                       "IJKLMNOPQRSTUVWX\n"
	                       "0032  59 5a 41 42                                        YZAB\n"
	                       "-- TCP payload: 6 bytes at 0x0036\n"
	                       "0036  43 44 45 46 47 48                                  CDEFGH\n");
	/* a frame cut inside the IP header: nothing is dumped beyond caplen */
	f.caplen = 20;
	t = render(&p, HEX, 0, 0, 0);
	assert_non_null(strstr(t, "-- IPv4: 6 bytes at 0x000e\n000e  4f 50 51 52 53 54"));
	assert_null(strstr(t, "TCP"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bits),
	    cmocka_unit_test(test_tcp_flag_lines),
	    cmocka_unit_test(test_hex_layers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
