/* synfin — the field registry: one row per name, lookups, and values printed as
 * `tshark -T fields -e` 4.0 prints them (expected texts taken from tshark on
 * PcapPlusPlus/one_http_stream_fin.pcap and one_ipv6_http_stream.pcap). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helper_frame.h"
#include "synfin/decode.h"
#include "synfin/fields.h"
#include "test_filter_pkt.h"

static void test_registry_rows(void **state)
{
	(void)state;
	unsigned n = sf_field_count();
	assert_true(n > 60);
	for (unsigned i = 0; i < n; i++) {
		const struct sf_field *f = sf_field_at(i);
		assert_non_null(f->name);
		assert_non_null(f->desc);
		assert_non_null(f->get);
		assert_true(f->desc[0] != '\0');
		assert_ptr_equal(sf_field_by_name(f->name), f);
		assert_int_equal(sf_field_index(f), i);
		if (f->type == SF_FT_UINT)
			assert_true(f->bits == 8 || f->bits == 16 || f->bits == 24 ||
			            f->bits == 32 || f->bits == 64);
		for (unsigned j = 0; j < i; j++) /* every name once */
			assert_string_not_equal(sf_field_at(j)->name, f->name);
	}
	assert_null(sf_field_at(n));
	assert_null(sf_field_by_name("tcp.nonexistent"));
	assert_null(sf_field_by_name("tcp.flags.sy"));
	assert_non_null(sf_field_by_name_n("tcp.flags.syn == 1", 13));
	assert_string_equal(sf_field_suggest("tcp.flag.syn", 12), "tcp.flags.syn");
	assert_string_equal(sf_field_suggest("ipv6.adr", 8), "ipv6.addr");
	assert_null(sf_field_suggest("completely.different", 20));
}

/* Types as tshark -G fields of 4.0 declares them. */
static void test_registry_types(void **state)
{
	static const struct {
		const char *name;
		enum sf_ftype type;
		unsigned bits;
	} want[] = {
	    {"frame.number", SF_FT_UINT, 32},
	    {"frame.time_relative", SF_FT_TIME, 0},
	    {"eth.addr", SF_FT_ETHER, 0},
	    {"eth.type", SF_FT_UINT, 16},
	    {"vlan.id", SF_FT_UINT, 16},
	    {"ip.addr", SF_FT_IPV4, 0},
	    {"ip.ttl", SF_FT_UINT, 8},
	    {"ip.flags.df", SF_FT_BOOL, 0},
	    {"ipv6.addr", SF_FT_IPV6, 0},
	    {"ipv6.flow", SF_FT_UINT, 24},
	    {"tcp.port", SF_FT_UINT, 16},
	    {"tcp.seq_raw", SF_FT_UINT, 32},
	    {"tcp.flags", SF_FT_UINT, 16},
	    {"tcp.flags.ae", SF_FT_BOOL, 0},
	    {"tcp.flags.str", SF_FT_STRING, 0},
	    {"tcp.len", SF_FT_UINT, 32},
	    {"tcp.hdr_len", SF_FT_UINT, 8},
	    {"tcp.options.mss_val", SF_FT_UINT, 16},
	    {"tcp.options.wscale.shift", SF_FT_UINT, 8},
	    {"tcp.options.sack_perm", SF_FT_PROTOCOL, 0},
	    {"tcp", SF_FT_PROTOCOL, 0},
	    {"event", SF_FT_STRING, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct sf_field *f = sf_field_by_name(want[i].name);
		if (!f)
			fail_msg("%s missing", want[i].name);
		assert_int_equal(f->type, want[i].type);
		assert_int_equal(f->bits, want[i].bits);
	}
}

static void expect(const char *name, const struct tpkt *t, const struct sf_eval_ctx *c,
                   const char *want)
{
	char buf[256];
	const struct sf_field *f = sf_field_by_name(name);
	if (!f)
		fail_msg("%s missing", name);
	sf_field_format(f, &t->v, c, ",", buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", name, buf, want);
}

static void test_format_like_tshark(void **state)
{
	struct tpkt syn, synack, v6, arp, vl;
	struct sf_eval_ctx c;
	(void)state;
	tp_tcp(&syn, 1, "192.168.1.2", 49486, "77.67.44.206", 80, SF_TCP_SYN, 0);
	tp_syn_opts(&syn, 1460, 2);
	syn.fr.ts_nsec = 430569000;
	syn.v.pkt = &syn.p;
	tp_tcp(&synack, 2, "77.67.44.206", 80, "192.168.1.2", 49486, SF_TCP_SYN | SF_TCP_ACK, 0);
	synack.fr.ts_nsec = 598068000;
	synack.v.pkt = &synack.p;
	sf_eval_ctx_init(&c);
	sf_eval_ctx_note_frame(&c, &syn.fr);
	expect("frame.number", &syn, &c, "1");
	expect("frame.time_relative", &syn, &c, "0.000000000");
	expect("frame.time_epoch", &syn, &c, "1258133614.430569000");
	expect("frame.time_delta", &syn, &c, "0.000000000");
	expect("tcp.flags", &syn, &c, "0x0002");
	expect("tcp.flags.syn", &syn, &c, "1");
	expect("tcp.flags.ack", &syn, &c, "0");
	expect("tcp.flags.str", &syn, &c, "··········S·");
	expect("ip.flags.df", &syn, &c, "1");
	expect("ip.flags", &syn, &c, "0x02");
	expect("ip.id", &syn, &c, "0x5485");
	expect("ip.dsfield", &syn, &c, "0x00");
	expect("eth.type", &syn, &c, "0x0800");
	expect("eth.addr", &syn, &c, "00:19:e3:e7:5d:23,00:0f:66:ae:e9:8a"); /* dst, src */
	expect("ip.addr", &syn, &c, "192.168.1.2,77.67.44.206");             /* src, dst */
	expect("tcp.port", &syn, &c, "49486,80");
	expect("tcp.options.sack_perm", &syn, &c, "0402");
	expect("tcp.options.mss_val", &syn, &c, "1460");
	expect("tcp.options.wscale.shift", &syn, &c, "2");
	expect("tcp.options.wscale.multiplier", &syn, &c, "4");
	expect("tcp.ack_raw", &syn, &c, "0"); /* shown without the ACK flag too */
	expect("udp.port", &syn, &c, "");
	expect("ipv6.addr", &syn, &c, "");
	sf_eval_ctx_note_frame(&c, &synack.fr);
	expect("frame.time_relative", &synack, &c, "0.167499000");
	expect("frame.time_delta", &synack, &c, "0.167499000");
	expect("tcp.flags", &synack, &c, "0x0012");
	expect("tcp.flags.str", &synack, &c, "·······A··S·");
	expect("tcp.options.sack_perm", &synack, &c, "");

	tp_tcp(&v6, 3, "2001:618:400::5199:cc70", 80, "2001:618:1:8000::5", 1234, SF_TCP_ACK, 0);
	v6.p.ip6_flow = 0xa0000;
	v6.v.pkt = &v6.p;
	expect("ipv6.addr", &v6, &c, "2001:618:400::5199:cc70,2001:618:1:8000::5");
	expect("ipv6.flow", &v6, &c, "0x0a0000");
	expect("ipv6.tclass", &v6, &c, "0x00000000");
	expect("ipv6.plen", &v6, &c, "20");
	expect("ipv6.nxt", &v6, &c, "6");
	expect("ip.addr", &v6, &c, "");
	expect("eth.type", &v6, &c, "0x86dd");

	tp_tcp(&vl, 4, "10.0.0.1", 1, "10.0.0.2", 2, SF_TCP_RST | SF_TCP_ECE | SF_TCP_AE, 0);
	tp_vlan(&vl, 939, 744);
	vl.p.ethertype = 0x8864;
	vl.v.pkt = &vl.p;
	expect("vlan.id", &vl, &c, "939,744");
	expect("vlan.etype", &vl, &c, "0x8100,0x8864");
	expect("eth.type", &vl, &c, "0x8100");
	expect("tcp.flags.str", &vl, &c, "···A·E···R··");
	expect("tcp.flags", &vl, &c, "0x0144");

	tp_eth(&arp, 5, "00:24:81:a1:f6:79", "ff:ff:ff:ff:ff:ff");
	sf_packet_add_event(&arp.p, SF_EV_ETHERTYPE_UNKNOWN);
	sf_packet_add_event(&arp.p, SF_EV_LINK_TRUNCATED);
	arp.v.pkt = &arp.p;
	expect("eth.dst", &arp, &c, "ff:ff:ff:ff:ff:ff");
	expect("tcp.flags", &arp, &c, "");
	expect("event", &arp, &c, "decode.link.ethertype_not_ip,decode.link.truncated");
}

/* Values are clipped to the buffer; the count is still returned. */
static void test_format_small_buffer(void **state)
{
	struct tpkt t;
	char buf[6];
	(void)state;
	tp_tcp(&t, 1, "192.168.1.2", 49486, "77.67.44.206", 80, SF_TCP_SYN, 0);
	t.v.pkt = &t.p;
	assert_int_equal(
	    sf_field_format(sf_field_by_name("ip.addr"), &t.v, NULL, ",", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "192.1");
	/* no context: relative and delta times are 0 */
	sf_field_format(sf_field_by_name("frame.time_relative"), &t.v, NULL, ",", buf, sizeof(buf));
	assert_string_equal(buf, "0.000");
}

/* eth.type comes from the Ethernet header's own type field, as in Wireshark: absent when the
 * field is an 802.3 length (LLC, SNAP: tshark matches no frame of zeek/snap-tcp.pcap with
 * "eth.type == 0x0800"), 0x8864 before PPPoE, although both carry IPv4 further in. */
static void eth_type_of(const struct hframe *h, unsigned ip_version, const char *want)
{
	struct sf_frame fr = {.data = h->b,
	                      .caplen = (uint32_t)h->n,
	                      .wirelen = (uint32_t)h->n,
	                      .linktype = 1,
	                      .number = 1};
	struct sf_packet p;
	struct sf_pkt_view v = {.pkt = &p};
	char buf[64];
	sf_decode(&fr, NULL, &p);
	assert_int_equal(p.ip_version, ip_version); /* decode still finds the IP inside */
	sf_field_format(sf_field_by_name("eth.type"), &v, NULL, ",", buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_eth_type_is_the_wire_field(void **state)
{
	static const uint8_t snap[] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00};
	static const uint8_t pppoe[] = {0x11, 0x00, 0x00, 0x01, 0x00, 0x2a, 0x00, 0x21};
	static const uint8_t stp[] = {0x42, 0x42, 0x03, 0, 0, 0, 0, 0};
	struct hframe h;
	(void)state;
	hframe_init(&h); /* 802.3 length, LLC/SNAP, IPv4 */
	hframe_eth(&h, 8 + 20 + 20);
	hframe_put(&h, snap, sizeof(snap));
	hframe_ipv4_tcp(&h, SF_TCP_SYN, NULL, 0, 0);
	eth_type_of(&h, 4, "");
	hframe_init(&h); /* 802.3 length, LLC (spanning tree): not IP */
	hframe_eth(&h, sizeof(stp));
	hframe_put(&h, stp, sizeof(stp));
	eth_type_of(&h, 0, "");
	hframe_init(&h); /* PPPoE session, PPP IPv4 */
	hframe_eth(&h, 0x8864);
	hframe_put(&h, pppoe, sizeof(pppoe));
	hframe_ipv4_tcp(&h, SF_TCP_SYN, NULL, 0, 0);
	eth_type_of(&h, 4, "0x8864");
	hframe_init(&h); /* Ethernet II */
	hframe_eth(&h, 0x0800);
	hframe_ipv4_tcp(&h, SF_TCP_SYN, NULL, 0, 0);
	eth_type_of(&h, 4, "0x0800");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry_rows),
	    cmocka_unit_test(test_registry_types),
	    cmocka_unit_test(test_format_like_tshark),
	    cmocka_unit_test(test_format_small_buffer),
	    cmocka_unit_test(test_eth_type_is_the_wire_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
