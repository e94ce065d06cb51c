/* synfin — decode tests: the TCP header, every option, every malformed case, checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "helper_frame.h"

#define LT_RAW 101

static void assert_only_event(const struct sf_packet *p, enum sf_event ev)
{
	assert_int_equal(p->n_events, 1);
	assert_string_equal(sf_event_name((enum sf_event)p->events[0]), sf_event_name(ev));
}

/* RAW IPv4 + TCP with the given options (padded to 4) and datalen payload bytes. */
static void decode_opts(const uint8_t *opts, size_t n, size_t datalen, struct sf_packet *p)
{
	struct hframe f;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, opts, n, datalen);
	hframe_decode(&f, LT_RAW, true, p);
	/* the fixed fields are sound whatever the options hold */
	assert_true(p->has_tcp);
	assert_int_equal(p->sport, 40000);
	assert_int_equal(p->seq, 1000);
	assert_int_equal(p->tcp_hdr_len, 20 + ((n + 3) & ~(size_t)3));
	assert_int_equal(p->tcp_len, datalen);
	assert_int_equal(p->payload_off, 20 + p->tcp_hdr_len);
	assert_int_equal(p->tcp_checksum_ok, 1);
}

static void test_fields(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_ACK | SF_TCP_PSH | SF_TCP_URG, NULL, 0, 33);
	hframe_set_be16(&f, 38, 7); /* urgent pointer */
	hframe_tcp_checksum(&f, 0, 20);
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.layer, SF_LAYER_TRANSPORT);
	assert_true(p.has_tcp);
	assert_int_equal(p.l4_off, 20);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.ack, 2000);
	assert_int_equal(p.tcp_hdr_len, 20);
	assert_int_equal(p.flags, SF_TCP_ACK | SF_TCP_PSH | SF_TCP_URG);
	assert_int_equal(p.window, 8192);
	assert_int_equal(p.urg_ptr, 7);
	assert_int_equal(p.tcp_checksum, (uint16_t)(f.b[36] << 8 | f.b[37]));
	assert_int_equal(p.tcp_checksum_ok, 1);
	assert_int_equal(p.tcp_len, 33);
	assert_int_equal(p.payload_off, 40);
	assert_int_equal(p.payload_caplen, 33);
	assert_int_equal(p.n_opts, 0);
}

static void test_all_flag_bits(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	for (unsigned bit = 0; bit < 12; bit++) {
		hframe_init(&f);
		hframe_ipv4_tcp(&f, (uint16_t)(1u << bit), NULL, 0, 0);
		hframe_decode(&f, LT_RAW, true, &p);
		assert_int_equal(p.flags, 1u << bit);
		assert_int_equal(p.tcp_hdr_len,
		                 20); /* the low nibble never leaks into the offset */
		assert_int_equal(p.tcp_checksum_ok, 1);
	}
	hframe_init(&f);
	hframe_ipv4_tcp(&f, 0xfff, NULL, 0, 0);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_int_equal(p.flags, 0xfff);
	assert_int_equal(p.flags & SF_TCP_RES, 0xe00);
	assert_int_equal(p.flags & SF_TCP_AE, SF_TCP_AE);
}

static void test_common_options(void **state)
{
	(void)state;
	struct sf_packet p;
	/* a Linux SYN: MSS, SACK_PERM, TS, NOP, WS */
	static const uint8_t o[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
	                            0, 1, 0,    0,    0, 0, 1, 3,  3, 7};
	decode_opts(o, sizeof(o), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.has_mss);
	assert_int_equal(p.mss, 1460);
	assert_true(p.sack_perm);
	assert_true(p.has_ts);
	assert_int_equal(p.ts_val, 1);
	assert_int_equal(p.ts_ecr, 0);
	assert_true(p.has_wscale);
	assert_int_equal(p.wscale, 7);
	assert_int_equal(p.n_opts, 5);
	static const uint8_t kinds[5] = {2, 4, 8, 1, 3}, lens[5] = {4, 2, 10, 1, 3},
	                     offs[5] = {20, 24, 26, 36, 37};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(p.opts[i].kind, kinds[i]);
		assert_int_equal(p.opts[i].len, lens[i]);
		assert_int_equal(p.opts[i].off, offs[i]);
	}
}

/* The option fields of two decoded packets agree (kinds, lengths, offsets, values, events). */
static void assert_same_options(const struct sf_packet *a, const struct sf_packet *b)
{
	assert_int_equal(a->n_opts, b->n_opts);
	for (unsigned i = 0; i < a->n_opts; i++) {
		assert_int_equal(a->opts[i].kind, b->opts[i].kind);
		assert_int_equal(a->opts[i].len, b->opts[i].len);
		assert_int_equal(a->opts[i].off, b->opts[i].off);
	}
	assert_int_equal(a->has_mss, b->has_mss);
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->sack_perm, b->sack_perm);
	assert_int_equal(a->has_ts, b->has_ts);
	assert_int_equal(a->ts_val, b->ts_val);
	assert_int_equal(a->ts_ecr, b->ts_ecr);
	assert_int_equal(a->has_wscale, b->has_wscale);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->n_events, b->n_events);
	for (unsigned i = 0; i < a->n_events; i++)
		assert_int_equal(a->events[i], b->events[i]);
}

/* The two layouts nearly every segment carries (NOP NOP TS after the handshake, a Linux SYN's
 * MSS SACK-permitted TS NOP WS) are taken whole, without the option walk; they must come out
 * as the walk reads them. The walk's answer: the same options with an unknown 4-byte option
 * (kind 99) after them, which no whole-layout path takes, then compared without it. */
static void test_layouts_as_walked(void **state)
{
	(void)state;
	static const uint8_t ts[] = {1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	static const uint8_t syn[] = {2,    4,    0x05, 0x78, 4,    2,    8, 10, 0xde, 0xad,
	                              0xbe, 0xef, 0,    0,    0x10, 0x01, 1, 3,  3,    14};
	static const uint8_t *const layouts[] = {ts, syn};
	static const size_t lens[] = {sizeof(ts), sizeof(syn)};
	for (size_t k = 0; k < 2; k++) {
		uint8_t longer[40];
		memcpy(longer, layouts[k], lens[k]);
		memcpy(longer + lens[k], (const uint8_t[]){99, 4, 0, 0}, 4);
		struct sf_packet fast, walked;
		decode_opts(layouts[k], lens[k], 10, &fast);
		decode_opts(longer, lens[k] + 4, 10, &walked);
		assert_int_equal(walked.n_opts, fast.n_opts + 1);
		assert_int_equal(walked.opts[fast.n_opts].kind, 99);
		walked.n_opts--;
		assert_same_options(&fast, &walked);
		assert_int_equal(fast.n_events, 0);
		assert_true(fast.has_ts);
	}
	struct sf_packet p;
	decode_opts(ts, sizeof(ts), 0, &p);
	assert_int_equal(p.ts_val, 0x11223344);
	assert_int_equal(p.ts_ecr, 0x55667788);
	assert_int_equal(p.opts[2].off, 22);
	/* a shift above 14 leaves the SYN layout to the walk, which names it */
	uint8_t big[sizeof(syn)];
	memcpy(big, syn, sizeof(syn));
	big[19] = 15;
	decode_opts(big, sizeof(big), 0, &p);
	assert_only_event(&p, SF_EV_TCP_WSCALE_TOO_LARGE);
	assert_int_equal(p.wscale, 15);
	assert_int_equal(p.mss, 0x0578);
}

static void test_sack_blocks(void **state)
{
	(void)state;
	struct sf_packet p;
	static const uint8_t o[] = {1,    1, 5, 18, 0,    0, 0x10, 0, 0,    0,
	                            0x20, 0, 0, 0,  0x30, 0, 0,    0, 0x40, 0};
	decode_opts(o, sizeof(o), 4, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.n_sack, 2);
	assert_int_equal(p.sack[0].left, 0x1000);
	assert_int_equal(p.sack[0].right, 0x2000);
	assert_int_equal(p.sack[1].left, 0x3000);
	assert_int_equal(p.sack[1].right, 0x4000);
	assert_int_equal(p.opts[2].kind, 5);
	assert_int_equal(p.opts[2].len, 18);
	/* four blocks fill the 40 option bytes */
	uint8_t four[36] = {1, 1, 5, 34};
	for (int i = 4; i < 36; i++)
		four[i] = (uint8_t)i;
	decode_opts(four, sizeof(four), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.n_sack, 4);
	assert_int_equal(p.sack[3].right, 0x20212223);
}

static void test_tfo(void **state)
{
	(void)state;
	struct sf_packet p;
	static const uint8_t req[] = {34, 2, 1, 1};
	decode_opts(req, sizeof(req), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.has_tfo);
	assert_int_equal(p.tfo_cookie_len, 0);
	static const uint8_t cookie[] = {34, 10, 1, 2, 3, 4, 5, 6, 7, 8};
	decode_opts(cookie, sizeof(cookie), 5, &p);
	assert_true(p.has_tfo);
	assert_int_equal(p.tfo_cookie_len, 8);
	/* the experimental form used before kind 34 was assigned (RFC 7413 §4.1.1) */
	static const uint8_t exp[] = {254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8};
	decode_opts(exp, sizeof(exp), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.has_tfo);
	assert_int_equal(p.tfo_cookie_len, 8);
	assert_int_equal(p.opts[0].kind, 254);
	/* another experiment's ExID is just an option */
	static const uint8_t other[] = {254, 4, 0x12, 0x34};
	decode_opts(other, sizeof(other), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_false(p.has_tfo);
	assert_int_equal(p.n_opts, 1);
	/* a 3-byte cookie is not a valid one */
	static const uint8_t odd[] = {34, 5, 1, 2, 3};
	decode_opts(odd, sizeof(odd), 0, &p);
	assert_only_event(&p, SF_EV_TCP_OPT_BAD_LEN);
	assert_false(p.has_tfo);
}

static void test_mptcp_md5_unknown(void **state)
{
	(void)state;
	struct sf_packet p;
	/* MP_CAPABLE (subtype 0, version 1), 12 bytes */
	static const uint8_t mpc[] = {30, 12, 0x01, 0x81, 1, 2, 3, 4, 5, 6, 7, 8};
	decode_opts(mpc, sizeof(mpc), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.has_mptcp);
	assert_int_equal(p.mptcp_subtype, 0);
	/* DSS (subtype 2) */
	static const uint8_t dss[] = {30, 4, 0x20, 0x01};
	decode_opts(dss, sizeof(dss), 0, &p);
	assert_true(p.has_mptcp);
	assert_int_equal(p.mptcp_subtype, 2);
	/* MD5 signature, 18 bytes, then an unknown kind 99 of 4 bytes */
	uint8_t md5[24] = {19, 18};
	md5[18] = 99;
	md5[19] = 4;
	decode_opts(md5, sizeof(md5), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.n_opts, 3); /* MD5, 99, EOL (then padding) */
	assert_int_equal(p.opts[0].kind, 19);
	assert_int_equal(p.opts[1].kind, 99);
	assert_int_equal(p.opts[1].len, 4);
	assert_int_equal(p.opts[1].off, 38);
	assert_int_equal(p.opts[2].kind, 0);
	/* EOL ends the list: what follows is padding, not options */
	static const uint8_t eol[] = {0, 2, 4, 0x05};
	decode_opts(eol, sizeof(eol), 0, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.n_opts, 1);
	assert_false(p.has_mss);
}

/* Each malformed option: its exact event, and what stays sound. */
static void test_bad_options(void **state)
{
	(void)state;
	struct sf_packet p;
	static const uint8_t len0[] = {2, 4, 1, 0, 99, 0, 3, 3, 7, 1, 1, 1};
	decode_opts(len0, sizeof(len0), 0, &p);
	assert_only_event(&p, SF_EV_TCP_OPT_LEN_ZERO);
	assert_true(p.has_mss); /* options before the bad one are kept */
	assert_int_equal(p.mss, 256);
	assert_false(p.has_wscale); /* the walk ended */

	static const uint8_t len1[] = {1, 99, 1, 0};
	decode_opts(len1, sizeof(len1), 0, &p);
	assert_only_event(&p, SF_EV_TCP_OPT_LEN_ONE);
	assert_int_equal(p.n_opts, 1);

	static const uint8_t past[] = {1, 1, 8, 10, 0, 0, 0, 1}; /* TS of 10 in 6 bytes */
	decode_opts(past, sizeof(past), 0, &p);
	assert_only_event(&p, SF_EV_TCP_OPT_PAST_HEADER);
	assert_false(p.has_ts);

	static const uint8_t nolen[] = {1, 1, 1, 2}; /* a kind with no room for its length */
	decode_opts(nolen, sizeof(nolen), 0, &p);
	assert_only_event(&p, SF_EV_TCP_OPT_PAST_HEADER);
	assert_int_equal(p.n_opts, 3);

	static const uint8_t dup[] = {2, 4, 0x05, 0xb4, 2, 4, 0x02, 0x18};
	decode_opts(dup, sizeof(dup), 0, &p);
	assert_only_event(&p, SF_EV_TCP_OPT_DUPLICATE);
	assert_int_equal(p.mss, 1460); /* the first is kept */
	assert_int_equal(p.n_opts, 2);

	static const uint8_t ws15[] = {1, 3, 3, 15};
	decode_opts(ws15, sizeof(ws15), 0, &p);
	assert_only_event(&p, SF_EV_TCP_WSCALE_TOO_LARGE);
	assert_true(p.has_wscale);
	assert_int_equal(p.wscale, 15); /* as written; RFC 7323 says use 14 */
}

static void test_bad_fixed_lengths(void **state)
{
	(void)state;
	struct sf_packet p;
	static const uint8_t mss[] = {2, 5, 0x05, 0xb4, 0};
	static const uint8_t ws[] = {3, 4, 7, 0};
	static const uint8_t ts[] = {8, 8, 0, 0, 0, 1, 0, 0};
	static const uint8_t sackp[] = {4, 3, 0, 1};
	static const uint8_t sack_empty[] = {1, 1, 5, 2};
	static const uint8_t sack_odd[] = {5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1};
	static const struct {
		const uint8_t *o;
		size_t n;
	} cases[] = {{mss, sizeof(mss)},
	             {ws, sizeof(ws)},
	             {ts, sizeof(ts)},
	             {sackp, sizeof(sackp)},
	             {sack_empty, sizeof(sack_empty)},
	             {sack_odd, sizeof(sack_odd)}};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode_opts(cases[i].o, cases[i].n, 0, &p);
		assert_only_event(&p, SF_EV_TCP_OPT_BAD_LEN);
		assert_false(p.has_mss);
		assert_false(p.has_wscale);
		assert_false(p.has_ts);
		assert_false(p.sack_perm);
		assert_int_equal(p.n_sack, 0);
		assert_true(p.n_opts >= 1); /* still listed by kind */
	}
}

static void test_hlen_too_small(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 10);
	f.b[32] = 0x30; /* data offset 3 */
	hframe_decode(&f, LT_RAW, false, &p);
	assert_only_event(&p, SF_EV_TCP_HLEN_TOO_SMALL);
	assert_true(p.has_tcp);
	assert_int_equal(p.tcp_hdr_len, 12);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.window, 8192);
	assert_int_equal(p.tcp_len, 18); /* Wireshark: 30 - 12 */
	assert_int_equal(p.payload_caplen, 0);
	assert_int_equal(p.n_opts, 0);
}

static void test_hlen_beyond_ip_payload(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 10);
	f.b[32] = 0xf0; /* 60 bytes of header in a 30-byte IP payload */
	hframe_decode(&f, LT_RAW, true, &p);
	assert_only_event(&p, SF_EV_TCP_HLEN_TOO_LARGE);
	assert_true(p.has_tcp);
	assert_int_equal(p.tcp_hdr_len, 60);
	assert_int_equal(p.flags, SF_TCP_ACK);
	assert_int_equal(p.tcp_len, 0);
	assert_int_equal(p.n_opts, 0);
	assert_int_equal(p.tcp_checksum_ok, -1);
	assert_true(p.payload_off <= f.n);
}

static void test_snaplen_cuts(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	static const uint8_t o[] = {2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0};
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_SYN, o, sizeof(o), 100);
	uint32_t wire = (uint32_t)f.n;
	/* cut inside the options: MSS captured, timestamps not */
	hframe_decode_ex(&f, LT_RAW, 50, wire, true, &p);
	assert_only_event(&p, SF_EV_TCP_HLEN_TRUNCATED);
	assert_true(p.has_tcp);
	assert_true(p.has_mss);
	assert_false(p.has_ts);
	assert_int_equal(p.tcp_hdr_len, 36);
	assert_int_equal(p.tcp_len, 100); /* from the IP length, as Wireshark */
	assert_int_equal(p.payload_caplen, 0);
	assert_true(p.payload_off <= 50);
	assert_int_equal(p.tcp_checksum_ok, -1);
	/* cut inside the payload */
	hframe_decode_ex(&f, LT_RAW, 80, wire, true, &p);
	assert_int_equal(p.n_events, 0);
	assert_true(p.has_ts);
	assert_int_equal(p.tcp_len, 100);
	assert_int_equal(p.payload_caplen, 80 - 56);
	assert_int_equal(p.tcp_checksum_ok, -1);
	/* cut inside the fixed header */
	hframe_decode_ex(&f, LT_RAW, 30, wire, false, &p);
	assert_only_event(&p, SF_EV_TCP_TRUNCATED);
	assert_false(p.has_tcp);
	assert_int_equal(p.layer, SF_LAYER_NET);
	assert_int_equal(p.sport, 40000);
	hframe_decode_ex(&f, LT_RAW, 21, wire, false, &p);
	assert_only_event(&p, SF_EV_TCP_TRUNCATED);
	assert_int_equal(p.sport, 0); /* not captured */
}

static void test_checksums(void **state)
{
	(void)state;
	struct hframe f;
	struct sf_packet p;
	hframe_init(&f);
	hframe_ipv4_tcp(&f, SF_TCP_ACK, NULL, 0, 11); /* odd length */
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.tcp_checksum_ok, 1);
	f.b[f.n - 1] ^= 1;
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.tcp_checksum_ok, 0);
	assert_only_event(&p, SF_EV_TCP_BAD_CHECKSUM);
	hframe_decode(&f, LT_RAW, false, &p);
	assert_int_equal(p.n_events, 0);
	assert_int_equal(p.tcp_checksum_ok, -1);

	hframe_init(&f);
	hframe_ipv6_tcp(&f, SF_TCP_ACK, 1001);
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.tcp_checksum_ok, 1);
	f.b[8] ^= 0x80; /* source address: the pseudo-header no longer matches */
	hframe_decode(&f, LT_RAW, true, &p);
	assert_int_equal(p.tcp_checksum_ok, 0);
	assert_only_event(&p, SF_EV_TCP_BAD_CHECKSUM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_all_flag_bits),
	    cmocka_unit_test(test_common_options),
	    cmocka_unit_test(test_layouts_as_walked),
	    cmocka_unit_test(test_sack_blocks),
	    cmocka_unit_test(test_tfo),
	    cmocka_unit_test(test_mptcp_md5_unknown),
	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_bad_fixed_lengths),
	    cmocka_unit_test(test_hlen_too_small),
	    cmocka_unit_test(test_hlen_beyond_ip_payload),
	    cmocka_unit_test(test_snaplen_cuts),
	    cmocka_unit_test(test_checksums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
