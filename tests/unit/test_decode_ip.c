/* synfin — decode tests: IPv4 (options, fragments, lying lengths, checksum), IPv6 and its
 * extension headers, UDP/ICMP, protocol names and address formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "helper_frame.h"

#define LT_EN10MB 1
#define LT_RAW    101

/* The packet carries exactly this one event. */
static void assert_only_event(const struct sf_packet *p, enum sf_event ev)
{
	assert_int_equal(p->n_events, 1);
	assert_string_equal(sf_event_name((enum sf_event)p->events[0]), sf_event_name(ev));
}

static void test_ipv4_fields(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x0800);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 10);
	f.b[15] = 0xb9; /* DSCP 46, ECN 1 */
	hframe_ipv4_checksum(&f, 14);
	hframe_decode(&f, LT_EN10MB, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.ip_version, 4);
	assert_int_equal(p.l3_hdr_len, 20);
	assert_int_equal(p.ip_tos, 0xb9);
	assert_int_equal(p.ip_len, 50);
	assert_int_equal(p.ip_len_used, 50);
	assert_int_equal(p.ip_id, 0x1234);
	assert_int_equal(p.ip_flags, 2); /* DF */
	assert_int_equal(p.ip_frag_off, 0);
	assert_int_equal(p.ip_ttl, 64);
	assert_int_equal(p.ip_proto, 6);
	assert_int_equal(p.ip_checksum, (uint16_t)(f.b[24] << 8 | f.b[25]));
	assert_int_equal(p.ip_checksum_ok, 1);
	assert_int_equal(p.src.family, 4);
	assert_memory_equal(p.src.a, "\x0a\x00\x00\x01", 4);
	assert_memory_equal(p.dst.a, "\x0a\x00\x00\x02", 4);
	assert_false(p.is_fragment);
	assert_false(p.first_fragment);
	assert_int_equal(p.tcp_len, 10);
	/* without checks nothing is verified */
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.ip_checksum_ok, -1);
	assert_int_equal(p.tcp_checksum_ok, -1);
}

static void test_ipv4_bad_checksum(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 0);
	f.b[10] ^= 0x40;
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.ip_checksum_ok, 0);
	assert_only_event(&p, SF_EV_IPV4_BAD_CHECKSUM);
	assert_true(p.has_tcp); /* a wrong checksum stops nothing */
	assert_int_equal(p.tcp_checksum_ok, 1);
}

/* IPv4 header with the given option bytes (a multiple of 4), then a TCP SYN. */
static void build_ipv4_opts(struct hframe *f, const uint8_t *opts, size_t n)
{
	hframe_init(f);
	size_t ip = hframe_ipv4(f, 6);
	f->b[ip] = (uint8_t)(0x40 | (5 + n / 4));
	hframe_put(f, opts, n);
	size_t tcp = hframe_tcp(f, SF_TCP_SYN, NULL, 0);
	hframe_ipv4_finish(f, ip);
	hframe_tcp_checksum(f, ip, tcp);
}

static void test_ipv4_options(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	/* NOP, record route (len 7, pointer 4, one slot), router alert, EOL padding */
	static const uint8_t ok[16] = {1, 7, 7, 4, 0, 0, 0, 0, 148, 4, 0, 0, 0, 0, 0, 0};
	build_ipv4_opts(&f, ok, sizeof(ok));
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.l3_hdr_len, 36);
	assert_int_equal(p.l4_off, 36);
	assert_true(p.has_tcp);
	assert_int_equal(p.ip_checksum_ok, 1);
	assert_int_equal(p.tcp_checksum_ok, 1);

	static const uint8_t bad[][8] = {
	    {7, 1, 0, 0, 0, 0, 0, 0},    /* length 1 */
	    {1, 1, 68, 12, 5, 0, 0, 0},  /* timestamp runs past the header */
	    {148, 3, 0, 0, 0, 0, 0, 0},  /* router alert must be 4 */
	    {7, 7, 2, 0, 0, 0, 0, 0},    /* record route pointer < 4 */
	    {130, 2, 0, 0, 0, 0, 0, 0},  /* security must be 11 */
	    {1, 0x44, 0, 0, 0, 0, 0, 0}, /* length 0 */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_ipv4_opts(&f, bad[i], 8);
		hframe_decode(&f, LT_RAW, false, &p);
		assert_only_event(&p, SF_EV_IPV4_OPT_BAD);
		assert_int_equal(p.l3_hdr_len, 28);
		assert_true(p.has_tcp);
		assert_int_equal(p.l4_off, 28);
	}
}

static void test_ipv4_header_errors(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	/* fewer than 20 bytes captured */
	hframe_decode_ex(&f, LT_RAW, 19, 40, false, &p);
	assert_only_event(&p, SF_EV_IPV4_TRUNCATED);
	assert_int_equal(p.layer, SF_LAYER_LINK);
	assert_int_equal(p.ip_version, 0);
	/* IHL 4 */
	f.b[0] = 0x44;
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV4_HLEN_TOO_SMALL);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_int_equal(p.l3_hdr_len, 16); /* as written, as Wireshark shows it */
	assert_false(p.has_tcp);
	/* IHL 15: 60 bytes, 40 captured */
	f.b[0] = 0x4f;
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV4_HLEN_TRUNCATED);
	assert_int_equal(p.l3_hdr_len, 60);
	assert_memory_equal(p.dst.a, "\x0a\x00\x00\x02", 4); /* fixed fields kept */
	assert_false(p.has_tcp);
	/* Ethernet says IPv4, the header says 6 */
	hframe_init(&f);
	hframe_eth(&f, 0x0800);
	hframe_ipv6_tcp(&f, SF_TCP_SYN, 0);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_only_event(&p, SF_EV_IPV4_BAD_VERSION);
	assert_int_equal(p.layer, SF_LAYER_LINK);
}

static void test_ipv4_total_length_zero(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x0800);
	hframe_ipv4_tcp(&f, SF_TCP_ACK | SF_TCP_PSH, NULL, 0, 1000);
	hframe_set_be16(&f, 16, 0); /* as written by a capture taken before TSO */
	/* Wireshark trusts the wire length instead: 1054 - 14 */
	hframe_decode_ex(&f, LT_EN10MB, 200, (uint32_t)f.n, false, &p);
	assert_only_event(&p, SF_EV_IPV4_LEN_ZERO);
	assert_int_equal(p.ip_len, 0);
	assert_int_equal(p.ip_len_used, 1040);
	assert_int_equal(p.tcp_len, 1000);
	assert_int_equal(p.payload_caplen, 200 - 54);
	assert_int_equal(p.payload_off, 54);
}

static void test_ipv4_total_length_lies(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x0800);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 10);
	/* larger than the frame: the wire length is trusted */
	hframe_set_be16(&f, 16, 100);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_only_event(&p, SF_EV_IPV4_LEN_TOO_LARGE);
	assert_int_equal(p.ip_len, 100);
	assert_int_equal(p.ip_len_used, 50);
	assert_int_equal(p.tcp_len, 10);
	/* smaller than the header: nothing above IP */
	hframe_set_be16(&f, 16, 10);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_only_event(&p, SF_EV_IPV4_LEN_TOO_SMALL);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_false(p.has_tcp);
	/* smaller than the frame (Ethernet padding): the IP length wins */
	hframe_set_be16(&f, 16, 45);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.tcp_len, 5);
	assert_int_equal(p.payload_caplen, 5);
	/* room for less than a TCP header */
	hframe_set_be16(&f, 16, 30);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_only_event(&p, SF_EV_TCP_HLEN_TOO_LARGE);
	assert_false(p.has_tcp);
	assert_int_equal(p.sport, 40000); /* as Wireshark, the ports are shown */
}

static void test_ipv4_fragments(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	/* first fragment: MF set, offset 0, TCP header present */
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 16);
	hframe_set_be16(&f, 6, 0x2000);
	hframe_ipv4_checksum(&f, 0);
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.is_fragment);
	assert_true(p.first_fragment);
	assert_int_equal(p.ip_flags, 1);
	assert_true(p.has_tcp);
	assert_int_equal(p.tcp_len, 16);
	assert_int_equal(p.tcp_checksum_ok, -1); /* not computable on a fragment */
	assert_int_equal(p.ip_checksum_ok, 1);
	/* non-first fragment: offset 185 * 8 */
	hframe_set_be16(&f, 6, 185);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV4_FRAGMENT);
	assert_true(p.is_fragment);
	assert_false(p.first_fragment);
	assert_int_equal(p.ip_frag_off, 1480);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_false(p.has_tcp);
	assert_int_equal(p.sport, 0);
}

/* IPv6 extension header of n bytes (n multiple of 8) with the given next header. */
static void put_ext(struct hframe *f, uint8_t next, size_t n)
{
	hframe_u8(f, next);
	hframe_u8(f, (uint8_t)(n / 8 - 1));
	for (size_t i = 2; i < n; i++)
		hframe_u8(f, i == 2 ? 1 : 0); /* PadN-ish filler */
}

static void test_ipv6_fields(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x86dd);
	hframe_ipv6_tcp(&f, SF_TCP_SYN, 7);
	hframe_decode(&f, LT_EN10MB, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(p.ip_tos, 0x28);
	assert_int_equal(p.ip6_flow, 0x12345);
	assert_int_equal(p.ip_ttl, 64);
	assert_int_equal(p.ip6_nxt, 6);
	assert_int_equal(p.ip_proto, 6);
	assert_int_equal(p.ip_len, 40 + 27);
	assert_int_equal(p.ip_len_used, 67);
	assert_int_equal(p.l3_hdr_len, 40);
	assert_int_equal(p.src.family, 6);
	assert_int_equal(p.dst.a[15], 2);
	assert_int_equal(p.tcp_len, 7);
	assert_int_equal(p.tcp_checksum_ok, 1);
	assert_int_equal(p.ip_checksum_ok, -1); /* IPv6 has none */
}

static void test_ipv6_ext_chain(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	size_t ip = hframe_ipv6(&f, 0);
	put_ext(&f, 43, 8);  /* hop-by-hop → routing */
	put_ext(&f, 60, 24); /* routing → destination options */
	put_ext(&f, 51, 16); /* destination options → AH */
	/* AH: next 44, payload len 4 → (4 + 2) * 4 = 24 bytes */
	hframe_u8(&f, 44);
	hframe_u8(&f, 4);
	for (int i = 0; i < 22; i++)
		hframe_u8(&f, 0);
	/* fragment: next TCP, offset 0, M=1: the first fragment */
	hframe_put(&f, "\x06\x00\x00\x01\xde\xad\xbe\xef", 8);
	size_t tcp = hframe_tcp(&f, SF_TCP_SYN, NULL, 0);
	hframe_ipv6_finish(&f, ip);
	hframe_tcp_checksum(&f, ip, tcp);
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.n_ip6_ext, 5);
	static const uint8_t types[5] = {0, 43, 60, 51, 44};
	static const uint16_t offs[5] = {40, 48, 72, 88, 112};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(p.ip6_ext_type[i], types[i]);
		assert_int_equal(p.ip6_ext_off[i], offs[i]);
	}
	assert_int_equal(p.l3_hdr_len, 120);
	assert_int_equal(p.ip6_nxt, 0);
	assert_int_equal(p.ip_proto, 6);
	assert_int_equal(p.ip6_frag_id, 0xdeadbeef);
	assert_true(p.is_fragment);
	assert_true(p.first_fragment);
	assert_true(p.has_tcp);
	assert_int_equal(p.l4_off, 120);
	assert_int_equal(p.tcp_checksum_ok, -1);
	/* the same as a non-first fragment: offset 8 */
	f.b[112 + 3] = 0x08;
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV6_FRAGMENT);
	assert_int_equal(p.ip_frag_off, 8);
	assert_false(p.first_fragment);
	assert_false(p.has_tcp);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_int_equal(p.l3_hdr_len, 120);
}

/* Fixed header with next header nh, one 8-byte destination options header, then 8 bytes. */
static void build_ipv6_dst_then(struct hframe *f, uint8_t nh)
{
	hframe_init(f);
	size_t ip = hframe_ipv6(f, 60);
	put_ext(f, nh, 8);
	hframe_put(f, "\x00\x35\x00\x35\x00\x08\x00\x00", 8);
	hframe_ipv6_finish(f, ip);
}

static void test_ipv6_stops(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	build_ipv6_dst_then(&f, 59);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.ip_proto, 59);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_int_equal(p.l3_hdr_len, 48);

	build_ipv6_dst_then(&f, 50);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.ip_proto, 50);
	assert_int_equal(p.layer, SF_LAYER_NET);

	build_ipv6_dst_then(&f, 200);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV6_UNKNOWN_NEXT);
	assert_int_equal(p.ip_proto, 200);
	assert_int_equal(p.n_ip6_ext, 1);
	assert_int_equal(p.layer, SF_LAYER_NET);

	build_ipv6_dst_then(&f, 135); /* mobility: an extension header synfin does not follow */
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV6_UNKNOWN_NEXT);

	build_ipv6_dst_then(&f, 17); /* a known upper layer: UDP */
	hframe_decode(&f, LT_RAW, false, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.has_udp);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.l4_off, 48);
}

static void test_ipv6_ext_errors(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	/* hop-by-hop says 16 bytes, 8 follow */
	hframe_init(&f);
	size_t ip = hframe_ipv6(&f, 0);
	put_ext(&f, 6, 8);
	f.b[ip + 41] = 1;
	hframe_ipv6_finish(&f, ip);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV6_EXT_TRUNCATED);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_false(p.has_tcp);
	/* an extension header beyond the payload length, though captured */
	build_ipv6_dst_then(&f, 6);
	hframe_set_be16(&f, 4, 4);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV6_EXT_TRUNCATED);
	/* more than SF_MAX_IP6_EXT headers */
	hframe_init(&f);
	ip = hframe_ipv6(&f, 60);
	for (int i = 0; i < SF_MAX_IP6_EXT + 1; i++)
		put_ext(&f, i == SF_MAX_IP6_EXT ? 6 : 60, 8);
	hframe_tcp(&f, SF_TCP_SYN, NULL, 0);
	hframe_ipv6_finish(&f, ip);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_IPV6_EXT_TOO_MANY);
	assert_int_equal(p.n_ip6_ext, SF_MAX_IP6_EXT);
	assert_false(p.has_tcp);
	/* fewer than 40 bytes */
	hframe_decode_ex(&f, LT_RAW, 39, 39, false, &p);
	assert_only_event(&p, SF_EV_IPV6_TRUNCATED);
	assert_int_equal(p.ip_version, 0);
}

static void test_ipv6_payload_length(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x86dd);
	hframe_ipv6_tcp(&f, SF_TCP_ACK, 100);
	hframe_set_be16(&f, 18, 0);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_only_event(&p, SF_EV_IPV6_LEN_ZERO);
	assert_int_equal(p.ip_len, 40);
	assert_int_equal(p.ip_len_used, 160);
	assert_int_equal(p.tcp_len, 100);
	hframe_set_be16(&f, 18, 500);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_only_event(&p, SF_EV_IPV6_LEN_TOO_LARGE);
	assert_int_equal(p.ip_len, 540);
	assert_int_equal(p.ip_len_used, 160);
	assert_int_equal(p.tcp_len, 100);
}

static void test_udp_icmp(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	size_t ip = hframe_ipv4(&f, 17);
	hframe_put(&f,
	           "\x13\x89\x00\x35\x00\x0c\x00\x00"
	           "abcd",
	           12);
	hframe_ipv4_finish(&f, ip);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_int_equal(p.layer, SF_LAYER_TRANSPORT);
	assert_true(p.has_udp);
	assert_false(p.has_tcp);
	assert_int_equal(p.sport, 5001);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.l4_off, 20);
	hframe_decode_ex(&f, LT_RAW, 27, (uint32_t)f.n, false, &p);
	assert_only_event(&p, SF_EV_UDP_TRUNCATED);
	assert_false(p.has_udp);

	hframe_init(&f);
	ip = hframe_ipv4(&f, 1);
	hframe_put(&f, "\x03\x03\x00\x00\x00\x00\x00\x00", 8);
	hframe_ipv4_finish(&f, ip);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_true(p.has_icmp);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 3);
	hframe_set_be16(&f, 2, 23); /* the IP length leaves 3 bytes */
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_ICMP_TRUNCATED);
	assert_false(p.has_icmp);

	hframe_init(&f);
	ip = hframe_ipv6(&f, 58);
	hframe_put(&f, "\x80\x00\x00\x00\x00\x01\x00\x01", 8);
	hframe_ipv6_finish(&f, ip);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_true(p.has_icmp);
	assert_int_equal(p.icmp_type, 128);
	assert_int_equal(p.ip_proto, 58);
}

static void test_ipproto_names(void **state)
{
	(void)state;
	assert_string_equal(sf_ipproto_name(6), "TCP");
	assert_string_equal(sf_ipproto_name(17), "UDP");
	assert_string_equal(sf_ipproto_name(1), "ICMP");
	assert_string_equal(sf_ipproto_name(58), "ICMPv6");
	assert_string_equal(sf_ipproto_name(50), "ESP");
	assert_string_equal(sf_ipproto_name(47), "GRE");
	assert_string_equal(sf_ipproto_name(132), "SCTP");
	assert_null(sf_ipproto_name(200));
	assert_null(sf_ipproto_name(1000));
}

static void check_addr6(const char *bytes, const char *want)
{
	struct sf_addr a = {.family = 6};
	char buf[46];
	memcpy(a.a, bytes, 16);
	assert_string_equal(sf_addr_str(&a, buf, sizeof(buf)), want);
}

static void test_addr_str(void **state)
{
	(void)state;
	char buf[46];
	struct sf_addr a4 = {.family = 4, .a = {192, 168, 1, 116}};
	assert_string_equal(sf_addr_str(&a4, buf, sizeof(buf)), "192.168.1.116");
	/* RFC 5952: lower case, longest run of zeros compressed, the first when equal, a
	 * single zero field not compressed, IPv4-mapped in dotted form */
	check_addr6("\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\0\0\0\0\x01", "2001:db8::1:0:0:1");
	check_addr6("\x20\x01\x0d\xb8\0\0\0\x01\0\0\0\0\0\0\0\x01", "2001:db8:0:1::1");
	check_addr6("\x20\x01\x0d\xb8\0\x01\0\0\0\x01\0\x01\0\x01\0\x01", "2001:db8:1:0:1:1:1:1");
	check_addr6("\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", "fe80::1");
	check_addr6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "::");
	check_addr6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", "::1");
	check_addr6("\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\0\0\x01", "::ffff:10.0.0.1");
	check_addr6("\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\x03\x04", "::102:304");
	check_addr6("\x20\x01\x0d\xb8\xab\xcd\0\x12\0\0\0\0\0\0\0\0", "2001:db8:abcd:12::");
	/* too small a buffer: empty, never overrun */
	struct sf_addr a6 = {.family = 6, .a = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}};
	char small[8];
	assert_string_equal(sf_addr_str(&a6, small, sizeof(small)), "");
	struct sf_addr none = {0};
	assert_string_equal(sf_addr_str(&none, buf, sizeof(buf)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_fields),
	    cmocka_unit_test(test_ipv4_bad_checksum),
	    cmocka_unit_test(test_ipv4_options),
	    cmocka_unit_test(test_ipv4_header_errors),
	    cmocka_unit_test(test_ipv4_total_length_zero),
	    cmocka_unit_test(test_ipv4_total_length_lies),
	    cmocka_unit_test(test_ipv4_fragments),
	    cmocka_unit_test(test_ipv6_fields),
	    cmocka_unit_test(test_ipv6_ext_chain),
	    cmocka_unit_test(test_ipv6_stops),
	    cmocka_unit_test(test_ipv6_ext_errors),
	    cmocka_unit_test(test_ipv6_payload_length),
	    cmocka_unit_test(test_udp_icmp),
	    cmocka_unit_test(test_ipproto_names),
	    cmocka_unit_test(test_addr_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
