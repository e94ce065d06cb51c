/* synfin — decode tests: link layers (every supported link type) and link-type names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "helper_frame.h"

#define LT_NULL   0
#define LT_EN10MB 1
#define LT_RAW    101
#define LT_LOOP   108
#define LT_SLL    113
#define LT_IPV4   228
#define LT_IPV6   229
#define LT_SLL2   276

/* The packet is a sound IPv4/TCP packet from the helper, its IP header at l3. */
static void assert_ipv4_tcp(const struct sf_packet *p, unsigned l3)
{
	assert_int_equal(p->layer, SF_LAYER_TRANSPORT);
	assert_int_equal(p->ip_version, 4);
	assert_int_equal(p->l2_len, l3);
	assert_int_equal(p->l3_off, l3);
	assert_int_equal(p->l4_off, l3 + 20);
	assert_true(p->has_tcp);
	assert_int_equal(p->sport, 40000);
	assert_int_equal(p->dport, 80);
	assert_int_equal(p->ethertype, 0x0800);
	assert_int_equal(p->n_events, 0);
}

static void test_ethernet(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x0800);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_ipv4_tcp(&p, 14);
	assert_true(p.has_eth);
	static const uint8_t dst[6] = {2, 0, 0, 0, 0, 2}, src[6] = {2, 0, 0, 0, 0, 1};
	assert_memory_equal(p.eth_dst, dst, 6);
	assert_memory_equal(p.eth_src, src, 6);
	assert_int_equal(p.n_vlan, 0);
	assert_int_equal(p.sll_pkttype, 0);
}

static void test_vlan_8021q(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0);
	hframe_vlan(&f, 0x8100, 0xa064, 0x0800); /* PCP 5, DEI 0, VID 100 */
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 5);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_ipv4_tcp(&p, 18);
	assert_int_equal(p.n_vlan, 1);
	assert_int_equal(p.vlan_tpid[0], 0x8100);
	assert_int_equal(p.vlan_tci[0], 0xa064);
	assert_int_equal(p.vlan_tci[0] & 0xfff, 100);
	assert_int_equal(p.vlan_off[0], 12);
	assert_int_equal(p.tcp_len, 5);
}

static void build_qinq(struct hframe *f, uint16_t outer)
{
	hframe_init(f);
	hframe_eth(f, 0);
	hframe_vlan(f, outer, 10, 0);
	hframe_vlan(f, 0x8100, 20, 0x0800);
	hframe_ipv4_tcp(f, SF_TCP_SYN, NULL, 0, 0);
}

static void test_qinq_88a8(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	build_qinq(&f, 0x88a8);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_ipv4_tcp(&p, 22);
	assert_int_equal(p.n_vlan, 2);
	assert_int_equal(p.vlan_tpid[0], 0x88a8);
	assert_int_equal(p.vlan_tci[0], 10);
	assert_int_equal(p.vlan_tpid[1], 0x8100);
	assert_int_equal(p.vlan_tci[1], 20);
	assert_int_equal(p.vlan_off[1], 16);
}

static void test_qinq_9100(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	build_qinq(&f, 0x9100);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_ipv4_tcp(&p, 22);
	assert_int_equal(p.n_vlan, 2);
	assert_int_equal(p.vlan_tpid[0], 0x9100);
}

static void test_vlan_too_many(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0);
	for (unsigned i = 1; i <= 4; i++)
		hframe_vlan(&f, 0x8100, (uint16_t)i, i == 4 ? 0x0800 : 0);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.n_vlan, SF_MAX_VLAN);
	assert_int_equal(p.vlan_tci[2], 3);
	assert_true(sf_packet_has_event(&p, SF_EV_VLAN_TOO_MANY));
	assert_int_equal(p.n_events, 1);
	/* decoding goes on past the tags it did not keep */
	assert_int_equal(p.l3_off, 14 + 16);
	assert_true(p.has_tcp);
}

static void test_vlan_truncated(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x8100);
	hframe_be16(&f, 5); /* TCI, but no inner type */
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.n_events, 1);
	assert_int_equal(p.events[0], SF_EV_VLAN_TRUNCATED);
	assert_int_equal(p.layer, SF_LAYER_LINK);
	assert_int_equal(p.ip_version, 0);
}

static void test_ethernet_truncated(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_put(&f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08", 13);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.layer, SF_LAYER_NONE);
	assert_int_equal(p.n_events, 1);
	assert_int_equal(p.events[0], SF_EV_LINK_TRUNCATED);
	/* and an empty frame */
	hframe_init(&f);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.events[0], SF_EV_LINK_TRUNCATED);
}

static void test_non_ip(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	/* ARP */
	hframe_init(&f);
	hframe_eth(&f, 0x0806);
	hframe_put(&f, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.layer, SF_LAYER_LINK);
	assert_int_equal(p.ethertype, 0x0806);
	assert_int_equal(p.ip_version, 0);
	assert_int_equal(p.events[0], SF_EV_ETHERTYPE_UNKNOWN);
	/* 802.3 length field with an STP LLC header: not IP */
	hframe_init(&f);
	hframe_eth(&f, 38);
	hframe_put(&f, "\x42\x42\x03\x00\x00", 5);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_int_equal(p.layer, SF_LAYER_LINK);
	assert_int_equal(p.ethertype, 0);
	assert_int_equal(p.events[0], SF_EV_ETHERTYPE_UNKNOWN);
	assert_int_equal(p.l2_len, 14);
}

static void test_llc_snap_ip(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 48);
	hframe_put(&f, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_ipv4_tcp(&p, 22);
}

static void test_pppoe(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_eth(&f, 0x8864);
	hframe_put(&f, "\x11\x00\x00\x01\x00\x30\x00\x21", 8);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	hframe_decode(&f, LT_EN10MB, false, &p);
	assert_ipv4_tcp(&p, 22);
}

static void test_sll(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_be16(&f, 4); /* outgoing */
	hframe_be16(&f, 1); /* ARPHRD_ETHER */
	hframe_be16(&f, 6);
	hframe_put(&f, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
	hframe_be16(&f, 0x0800);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	hframe_decode(&f, LT_SLL, false, &p);
	assert_ipv4_tcp(&p, 16);
	assert_int_equal(p.sll_pkttype, 4);
	assert_false(p.has_eth);
	/* cut inside the header */
	hframe_decode_ex(&f, LT_SLL, 15, 15, false, &p);
	assert_int_equal(p.events[0], SF_EV_LINK_TRUNCATED);
}

static void test_sll2(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_be16(&f, 0x86dd);
	hframe_be16(&f, 0);
	hframe_be32(&f, 3); /* ifindex */
	hframe_be16(&f, 1);
	hframe_u8(&f, 0); /* host */
	hframe_u8(&f, 6);
	hframe_put(&f, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
	hframe_ipv6_tcp(&f, SF_TCP_SYN | SF_TCP_ACK, 3);
	hframe_decode(&f, LT_SLL2, false, &p);
	assert_int_equal(p.l2_len, 20);
	assert_int_equal(p.ethertype, 0x86dd);
	assert_int_equal(p.ip_version, 6);
	assert_int_equal(p.l4_off, 60);
	assert_true(p.has_tcp);
	assert_int_equal(p.tcp_len, 3);
	assert_int_equal(p.n_events, 0);
	hframe_decode_ex(&f, LT_SLL2, 19, 19, false, &p);
	assert_int_equal(p.events[0], SF_EV_LINK_TRUNCATED);
}

static void null_frame(struct hframe *f, const uint8_t fam[4], bool v6)
{
	hframe_init(f);
	hframe_put(f, fam, 4);
	if (v6)
		hframe_ipv6_tcp(f, SF_TCP_SYN, 0);
	else
		hframe_ipv4_tcp(f, SF_TCP_SYN, NULL, 0, 0);
}

static void test_null_both_orders(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	static const uint8_t le[4] = {2, 0, 0, 0}, be[4] = {0, 0, 0, 2};
	for (int lt = 0; lt < 2; lt++) {
		int linktype = lt ? LT_LOOP : LT_NULL;
		null_frame(&f, le, false);
		hframe_decode(&f, linktype, false, &p);
		assert_ipv4_tcp(&p, 4);
		assert_int_equal(p.loop_family, 2);
		null_frame(&f, be, false);
		hframe_decode(&f, linktype, false, &p);
		assert_ipv4_tcp(&p, 4);
		assert_int_equal(p.loop_family, 2);
	}
}

static void test_null_ipv6_families(void **state)
{
	(void)state;
	static const uint8_t fams[] = {10, 24, 28, 30};
	struct hframe f;
	struct sf_packet p;
	for (unsigned i = 0; i < sizeof(fams); i++) {
		uint8_t le[4] = {fams[i], 0, 0, 0}, be[4] = {0, 0, 0, fams[i]};
		null_frame(&f, le, true);
		hframe_decode(&f, LT_NULL, false, &p);
		assert_int_equal(p.ip_version, 6);
		assert_int_equal(p.loop_family, fams[i]);
		assert_true(p.has_tcp);
		null_frame(&f, be, true);
		hframe_decode(&f, LT_LOOP, false, &p);
		assert_int_equal(p.ip_version, 6);
		assert_true(p.has_tcp);
	}
	/* an unknown family is not IP */
	static const uint8_t odd[4] = {7, 0, 0, 0};
	null_frame(&f, odd, false);
	hframe_decode(&f, LT_NULL, false, &p);
	assert_int_equal(p.layer, SF_LAYER_LINK);
	assert_int_equal(p.loop_family, 7);
	assert_int_equal(p.events[0], SF_EV_ETHERTYPE_UNKNOWN);
}

static void test_raw(void **state)
{
	(void)state;
	static const int raws[] = {LT_RAW, 12, 14};
	struct hframe f4, f6;
	struct sf_packet p;
	hframe_init(&f4);
	hframe_ipv4_tcp(&f4, SF_TCP_SYN, NULL, 0, 0);
	hframe_init(&f6);
	hframe_ipv6_tcp(&f6, SF_TCP_SYN, 0);
	for (unsigned i = 0; i < 3; i++) {
		hframe_decode(&f4, raws[i], false, &p);
		assert_ipv4_tcp(&p, 0);
		hframe_decode(&f6, raws[i], false, &p);
		assert_int_equal(p.ip_version, 6);
		assert_int_equal(p.ethertype, 0x86dd);
		assert_int_equal(p.l4_off, 40);
		assert_true(p.has_tcp);
	}
	hframe_decode(&f4, LT_IPV4, false, &p);
	assert_ipv4_tcp(&p, 0);
	hframe_decode(&f6, LT_IPV6, false, &p);
	assert_true(p.has_tcp);
	/* the IPv4 link type with an IPv6 packet is a version mismatch */
	hframe_decode(&f6, LT_IPV4, false, &p);
	assert_int_equal(p.events[0], SF_EV_IPV4_BAD_VERSION);
	assert_int_equal(p.ip_version, 0);
	hframe_decode(&f4, LT_IPV6, false, &p);
	assert_int_equal(p.events[0], SF_EV_IPV6_BAD_VERSION);
	/* RAW with neither version */
	f4.b[0] = 0x55;
	hframe_decode(&f4, LT_RAW, false, &p);
	assert_int_equal(p.layer, SF_LAYER_LINK);
	assert_int_equal(p.events[0], SF_EV_ETHERTYPE_UNKNOWN);
	/* empty RAW frame */
	hframe_decode_ex(&f4, LT_RAW, 0, 0, false, &p);
	assert_int_equal(p.events[0], SF_EV_LINK_TRUNCATED);
}

static void test_unsupported(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_put(&f, "\xff\x03\x00\x21", 4);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, NULL, 0, 0);
	hframe_decode(&f, 9 /* PPP */, false, &p);
	assert_int_equal(p.layer, SF_LAYER_NONE);
	assert_int_equal(p.n_events, 1);
	assert_int_equal(p.events[0], SF_EV_LINK_UNSUPPORTED);
	assert_false(p.has_tcp);
}

static void test_linktype_names(void **state)
{
	(void)state;
	static const struct {
		int lt;
		const char *name;
		bool supported;
	} cases[] = {
	    {0, "NULL", true},
	    {1, "EN10MB", true},
	    {9, "PPP", false},
	    {12, "RAW", true},
	    {14, "RAW", true},
	    {101, "RAW", true},
	    {104, "C_HDLC", false},
	    {105, "IEEE802_11", false},
	    {108, "LOOP", true},
	    {113, "LINUX_SLL", true},
	    {127, "IEEE802_11_RADIO", false},
	    {192, "PPI", false},
	    {228, "IPV4", true},
	    {229, "IPV6", true},
	    {239, "NFLOG", false},
	    {276, "LINUX_SLL2", true},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *n = sf_linktype_name(cases[i].lt);
		assert_non_null(n);
		assert_string_equal(n, cases[i].name);
		assert_int_equal(sf_linktype_supported(cases[i].lt), cases[i].supported);
	}
	assert_null(sf_linktype_name(-1));
	assert_null(sf_linktype_name(65000));
	assert_false(sf_linktype_supported(65000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ethernet),
	    cmocka_unit_test(test_vlan_8021q),
	    cmocka_unit_test(test_qinq_88a8),
	    cmocka_unit_test(test_qinq_9100),
	    cmocka_unit_test(test_vlan_too_many),
	    cmocka_unit_test(test_vlan_truncated),
	    cmocka_unit_test(test_ethernet_truncated),
	    cmocka_unit_test(test_non_ip),
	    cmocka_unit_test(test_llc_snap_ip),
	    cmocka_unit_test(test_pppoe),
	    cmocka_unit_test(test_sll),
	    cmocka_unit_test(test_sll2),
	    cmocka_unit_test(test_null_both_orders),
	    cmocka_unit_test(test_null_ipv6_families),
	    cmocka_unit_test(test_raw),
	    cmocka_unit_test(test_unsupported),
	    cmocka_unit_test(test_linktype_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
