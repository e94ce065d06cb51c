/* Packet lines of `synfin packets`: built from struct sf_packet values made by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_report.h"
#include "report/packet_report.h"

static char text[8192];

/* Formats one line through a deliberately small buffer (flushes mid-line) into text. */
static const char *line(const struct sf_packet *p, int64_t rel_ns, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 0), 0);
	struct sf_pkt_view v = {.pkt = p};
	struct pr_opts o = {.color = color};
	pr_line(&ob, &v, rel_ns, &o);
	assert_int_equal(ob_flush(&ob), 0);
	fclose(fp);
	ob_free(&ob);
	snprintf(text, sizeof(text), "%s", buf);
	free(buf);
	return text;
}

static void test_syn_with_options(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 74, 1, 1000, 0, 1);
	rpt_tcp4(&p, &f, "192.168.1.116", 3337, "192.168.1.123", 7788, SF_TCP_SYN);
	p.seq = 2990052624u;
	p.tcp_hdr_len = 40;
	rpt_add_opt(&p, SF_TCPOPT_MSS, 4);
	rpt_add_opt(&p, SF_TCPOPT_SACK_PERM, 2);
	rpt_add_opt(&p, SF_TCPOPT_TIMESTAMP, 10);
	rpt_add_opt(&p, SF_TCPOPT_NOP, 1);
	rpt_add_opt(&p, SF_TCPOPT_WSCALE, 3);
	p.has_mss = true;
	p.mss = 1460;
	p.sack_perm = true;
	p.has_ts = true;
	p.ts_val = 1306300950;
	p.ts_ecr = 0;
	p.has_wscale = true;
	p.wscale = 7;
	assert_string_equal(line(&p, 0, false),
	                    "    1 0.000000 192.168.1.116:3337 → 192.168.1.123:7788 [SYN] "
	                    "Seq=2990052624 Win=65535 Len=0 MSS=1460 SACK_PERM TSval=1306300950 "
	                    "TSecr=0 WS=128\n");
}

/* Ack= only when ACK is set, Urg= only with URG, as in Wireshark's info column. */
static void test_ack_urg_and_time(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 60, 123456, 1000, 0, 1);
	rpt_tcp4(&p, &f, "10.0.0.2", 6260, "10.128.0.2", 80, 0xff);
	p.seq = 0;
	p.ack = 1;
	p.window = 512;
	assert_string_equal(line(&p, 3723000212999ll, false),
	                    "123456 3723.000212 10.0.0.2:6260 → 10.128.0.2:80 "
	                    "[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR] Seq=0 Ack=1 Win=512 Urg=0 "
	                    "Len=0\n");
	p.flags = SF_TCP_PSH | SF_TCP_ACK | SF_TCP_AE;
	p.tcp_len = 237;
	assert_string_equal(line(&p, 0, false),
	                    "123456 0.000000 10.0.0.2:6260 → 10.128.0.2:80 [PSH, ACK, AE] Seq=0 "
	                    "Ack=1 Win=512 Len=237\n");
	p.flags = 0;
	assert_non_null(strstr(line(&p, 0, false), " [<None>] Seq=0 Win=512 Len=237\n"));
	p.flags = 0x800 | SF_TCP_SYN;
	assert_non_null(strstr(line(&p, 0, false), " [SYN, Reserved] "));
}

static void test_ipv6_brackets_sack_tfo_mptcp(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 100, 7, 0, 0, 1);
	rpt_tcp6(&p, &f, "2001:db8::1", 443, "fe80::2", 51000, SF_TCP_ACK);
	p.seq = 1;
	p.ack = 2;
	rpt_add_opt(&p, SF_TCPOPT_NOP, 1);
	rpt_add_opt(&p, SF_TCPOPT_NOP, 1);
	rpt_add_opt(&p, SF_TCPOPT_SACK, 18);
	rpt_add_opt(&p, SF_TCPOPT_TFO, 10);
	rpt_add_opt(&p, SF_TCPOPT_MPTCP, 12);
	rpt_add_opt(&p, 27, 8);
	p.n_sack = 2;
	p.sack[0].left = 1;
	p.sack[0].right = 16;
	p.sack[1].left = 256;
	p.sack[1].right = 4096;
	p.has_tfo = true;
	p.tfo_cookie_len = 8;
	p.has_mptcp = true;
	p.mptcp_subtype = 2;
	assert_string_equal(
	    line(&p, 1500, false),
	    "    7 0.000001 [2001:db8::1]:443 → [fe80::2]:51000 [ACK] Seq=1 Ack=2 "
	    "Win=65535 Len=0 SLE=1 SRE=16 SLE=256 SRE=4096 TFO=C MPTCP=DSS OPT=27\n");
	p.tfo_cookie_len = 0;
	assert_non_null(strstr(line(&p, 0, false), " TFO=R "));
}

/* A duplicated option is listed once, a malformed one says it has no value, an over-large
 * window-scale shift is shown as 14 (RFC 7323 §2.3), and the events follow in brackets. */
static void test_bad_options_and_events(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 80, 2, 0, 0, 1);
	rpt_tcp4(&p, &f, "1.2.3.4", 1, "5.6.7.8", 2, SF_TCP_SYN);
	rpt_add_opt(&p, SF_TCPOPT_MSS, 4);
	rpt_add_opt(&p, SF_TCPOPT_MSS, 4);
	rpt_add_opt(&p, SF_TCPOPT_WSCALE, 3);
	rpt_add_opt(&p, SF_TCPOPT_TIMESTAMP, 6);
	p.has_mss = true;
	p.mss = 536;
	p.has_wscale = true;
	p.wscale = 15;
	sf_packet_add_event(&p, SF_EV_TCP_OPT_DUPLICATE);
	sf_packet_add_event(&p, SF_EV_TCP_WSCALE_TOO_LARGE);
	sf_packet_add_event(&p, SF_EV_TCP_OPT_BAD_LEN);
	assert_string_equal(line(&p, 0, false),
	                    "    2 0.000000 1.2.3.4:1 → 5.6.7.8:2 [SYN] Seq=0 Win=65535 Len=0 "
	                    "MSS=536 WS=16384 TS=? [decode.tcp.opt_duplicate] "
	                    "[decode.tcp.wscale_shift_too_large] [decode.tcp.opt_bad_len]\n");
}

static void test_color_only_on_flags_and_events(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 60, 3, 0, 0, 1);
	rpt_tcp4(&p, &f, "1.2.3.4", 1, "5.6.7.8", 2, SF_TCP_RST | SF_TCP_ACK);
	sf_packet_add_event(&p, SF_EV_TCP_BAD_CHECKSUM);
	const char *t = line(&p, 0, true);
	assert_non_null(strstr(t, "\033[1;31m[RST, ACK]\033[0m Seq=0 Ack=0"));
	assert_non_null(strstr(t, " \033[35m[decode.tcp.bad_checksum]\033[0m\n"));
	assert_memory_equal(t, "    3 0.000000 1.2.3.4:1", 24); /* numbers stay plain */
	assert_null(strchr(line(&p, 0, false), '\033'));
}

static void test_udp_icmp_other(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 90, 4, 0, 0, 1);
	rpt_tcp4(&p, &f, "10.0.0.1", 53, "10.0.0.2", 5353, 0);
	p.has_tcp = false;
	p.has_udp = true;
	p.ip_proto = 17;
	p.ip_len = p.ip_len_used = 76; /* 20 IP + 8 UDP + 48 */
	assert_string_equal(line(&p, 0, false),
	                    "    4 0.000000 10.0.0.1:53 → 10.0.0.2:5353 UDP Len=48\n");

	p.has_udp = false;
	p.has_icmp = true;
	p.ip_proto = 1;
	p.icmp_type = 3;
	p.icmp_code = 3;
	assert_string_equal(line(&p, 0, false),
	                    "    4 0.000000 10.0.0.1 → 10.0.0.2 ICMP Destination unreachable (Port "
	                    "unreachable) type=3 code=3\n");
	p.icmp_type = 42;
	assert_string_equal(line(&p, 0, false),
	                    "    4 0.000000 10.0.0.1 → 10.0.0.2 ICMP type=42 code=3\n");

	rpt_tcp6(&p, &f, "fe80::1", 0, "ff02::1", 0, 0);
	p.has_tcp = false;
	p.has_icmp = true;
	p.ip_proto = 58;
	p.icmp_type = 135;
	assert_string_equal(line(&p, 0, false), "    4 0.000000 fe80::1 → ff02::1 ICMPv6 Neighbor "
	                                        "Solicitation type=135 code=0\n");

	rpt_tcp4(&p, &f, "10.0.0.1", 0, "10.0.0.2", 0, 0);
	p.has_tcp = false;
	p.layer = SF_LAYER_NET;
	p.ip_proto = 47;
	p.ip_len = p.ip_len_used = 120;
	assert_string_equal(line(&p, 0, false),
	                    "    4 0.000000 10.0.0.1 → 10.0.0.2 GRE (47) Len=100\n");
	p.ip_proto = 253;
	assert_string_equal(line(&p, 0, false),
	                    "    4 0.000000 10.0.0.1 → 10.0.0.2 IP protocol 253 Len=100\n");
	/* TCP whose header was cut by the snaplen: still one line, with the reason */
	p.ip_proto = 6;
	sf_packet_add_event(&p, SF_EV_TCP_TRUNCATED);
	assert_string_equal(line(&p, 0, false),
	                    "    4 0.000000 10.0.0.1 → 10.0.0.2 TCP (6) Len=100 "
	                    "[decode.tcp.truncated]\n");
}

static void test_fragments(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 90, 5, 0, 0, 1);
	rpt_tcp4(&p, &f, "10.0.0.1", 0, "10.0.0.2", 0, 0);
	p.has_tcp = false;
	p.layer = SF_LAYER_NET;
	p.ip_proto = 17;
	p.is_fragment = true;
	p.ip_frag_off = 1480;
	p.ip_id = 0x1a2b;
	p.ip_flags = 1;
	sf_packet_add_event(&p, SF_EV_IPV4_FRAGMENT);
	assert_string_equal(line(&p, 0, false),
	                    "    5 0.000000 10.0.0.1 → 10.0.0.2 IPv4 fragment UDP (17) off=1480 "
	                    "id=0x1a2b MF [decode.ipv4.fragment]\n");

	/* first fragment: the TCP header is here, the line says it is a fragment */
	rpt_tcp4(&p, &f, "10.0.0.1", 1000, "10.0.0.2", 80, SF_TCP_SYN);
	p.is_fragment = true;
	p.ip_flags = 1;
	p.first_fragment = true;
	p.ip_id = 0x0102;
	assert_string_equal(line(&p, 0, false),
	                    "    5 0.000000 10.0.0.1:1000 → 10.0.0.2:80 [SYN] Seq=0 Win=65535 "
	                    "Len=0 [first fragment, id=0x0102]\n");
}

static void test_non_ip_and_undecodable(void **state)
{
	(void)state;
	struct sf_frame f;
	struct sf_packet p;
	rpt_frame(&f, NULL, 42, 6, 0, 0, 1);
	memset(&p, 0, sizeof(p));
	p.frame = &f;
	p.layer = SF_LAYER_LINK;
	p.has_eth = true;
	memset(p.eth_dst, 0xff, 6);
	p.eth_src[5] = 1;
	p.ethertype = 0x0806;
	sf_packet_add_event(&p, SF_EV_ETHERTYPE_UNKNOWN);
	assert_string_equal(line(&p, 0, false), "    6 0.000000 00:00:00:00:00:01 → "
	                                        "ff:ff:ff:ff:ff:ff ARP (0x0806)\n");
	p.ethertype = 0x1234;
	assert_non_null(strstr(line(&p, 0, false), " ethertype 0x1234\n"));
	/* IEEE 802.3: decode leaves ethertype 0, the length field is read from the frame */
	uint8_t llc[20] = {0};
	llc[12] = 0;
	llc[13] = 38;
	struct sf_frame f2;
	rpt_frame(&f2, llc, sizeof(llc), 6, 0, 0, 1);
	p.frame = &f2;
	p.ethertype = 0;
	assert_non_null(strstr(line(&p, 0, false), " 802.3 LLC Len=38\n"));
	p.frame = &f;
	/* an IPv4 ethertype whose header is cut short */
	p.ethertype = 0x0800;
	sf_packet_add_event(&p, SF_EV_IPV4_TRUNCATED);
	assert_non_null(strstr(line(&p, 0, false), " IPv4 (0x0800) [decode.ipv4.truncated]\n"));

	memset(&p, 0, sizeof(p));
	p.frame = &f;
	sf_packet_add_event(&p, SF_EV_LINK_TRUNCATED);
	assert_string_equal(line(&p, 0, false),
	                    "    6 0.000000 undecodable frame (42 bytes): frame shorter than its "
	                    "link header [decode.link.truncated]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syn_with_options),
	    cmocka_unit_test(test_ack_urg_and_time),
	    cmocka_unit_test(test_ipv6_brackets_sack_tfo_mptcp),
	    cmocka_unit_test(test_bad_options_and_events),
	    cmocka_unit_test(test_color_only_on_flags_and_events),
	    cmocka_unit_test(test_udp_icmp_other),
	    cmocka_unit_test(test_fragments),
	    cmocka_unit_test(test_non_ip_and_undecodable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
