/* synfin — cost of evaluating typical filters, in ns per packet, over a varied set of packets.
 *
 * Prints the measurement (the target is <= 50 ns for 3–5 comparisons in an optimised build) and
 * checks each verdict against the same predicate written in C. The time bound asserted here is
 * loose so that Debug and sanitizer builds pass; the printed number is the one to read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "synfin/filter.h"
#include "test_filter_pkt.h"

#define NPKT 1024

static struct tpkt pkts[NPKT];

static void build(void)
{
	static const char *const addrs[] = {"10.1.2.3", "192.166.11.14", "77.67.44.206",
	                                    "192.168.1.2", "2001:db8::1"};
	static const uint16_t ports[] = {80, 443, 9999, 22, 49486, 8080};
	static const uint16_t flags[] = {SF_TCP_SYN,
	                                 SF_TCP_SYN | SF_TCP_ACK,
	                                 SF_TCP_ACK,
	                                 SF_TCP_PSH | SF_TCP_ACK,
	                                 SF_TCP_FIN | SF_TCP_ACK,
	                                 SF_TCP_RST};
	unsigned seed = 12345;
	for (unsigned i = 0; i < NPKT; i++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		const char *src = addrs[r % 4], *dst = addrs[(r / 4) % 4];
		if (r % 17 == 0)
			src = dst = addrs[4];
		if (r % 13 == 0)
			tp_udp(&pkts[i], i + 1, src, ports[(r / 16) % 6], dst, 53);
		else
			tp_tcp(&pkts[i], i + 1, src, ports[(r / 16) % 6], dst, ports[(r / 96) % 6],
			       flags[(r / 576) % 6], r % 3 ? 0 : 100);
		pkts[i].v.pkt = &pkts[i].p;
	}
}

static int in_net10(const struct sf_packet *p, const struct sf_addr *a)
{
	return p->ip_version == 4 && a->a[0] == 10;
}

/* The filters measured, with the same predicate in C. */
static int ref_syn(const struct sf_packet *p)
{
	int port =
	    p->has_tcp && (p->sport == 80 || p->sport == 443 || p->dport == 80 || p->dport == 443);
	return p->has_tcp && (p->flags & SF_TCP_SYN) && !(p->flags & SF_TCP_ACK) &&
	       (in_net10(p, &p->src) || in_net10(p, &p->dst)) && port;
}

static int ref_seed(const struct sf_packet *p)
{
	static const uint8_t a[4] = {192, 166, 11, 14};
	int v4 = p->ip_version == 4;
	int src = v4 && memcmp(p->src.a, a, 4) == 0, dst = v4 && memcmp(p->dst.a, a, 4) == 0;
	return (p->has_tcp && (p->sport == 9999 || p->dport == 9999) && src) || dst;
}

static int ref_ports(const struct sf_packet *p)
{
	return p->has_tcp && p->tcp_len > 0 && (p->dport == 80 || p->dport == 8080) &&
	       p->sport != 22;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void measure(const char *expr, int (*ref)(const struct sf_packet *))
{
	char err[1024];
	struct sf_filter *f = sf_filter_compile(expr, err, sizeof(err));
	if (!f)
		fail_msg("%s", err);
	unsigned want = 0, got = 0;
	for (unsigned i = 0; i < NPKT; i++) {
		int w = ref(&pkts[i].p);
		int g = sf_filter_match(f, &pkts[i].v, NULL);
		if (w != g)
			fail_msg("%s: frame %u: filter %d, reference %d", expr, i + 1, g, w);
		want += (unsigned)w;
	}
	assert_true(want > 0 && want < NPKT); /* the set exercises both verdicts */
	const unsigned rounds = 400;
	double t0 = now_ns();
	for (unsigned r = 0; r < rounds; r++)
		for (unsigned i = 0; i < NPKT; i++)
			got += sf_filter_match(f, &pkts[i].v, NULL);
	double ns = (now_ns() - t0) / ((double)rounds * NPKT);
	assert_int_equal(got, want * rounds);
	printf("filter eval: %6.1f ns/packet  (%u/%u match)  %s\n", ns, want, NPKT, expr);
	assert_true(ns < 5000.0);
	sf_filter_free(f);
}

static void test_eval_cost(void **state)
{
	(void)state;
	build();
	measure("tcp.flags.syn==1 && tcp.flags.ack==0 && ip.addr==10.0.0.0/8 && tcp.port in {80 "
	        "443}",
	        ref_syn);
	measure("tcp and tcp.port==9999 and ip.src==192.166.11.14 or ip.dst==192.166.11.14",
	        ref_seed);
	measure("tcp.len > 0 && tcp.dstport in {80, 8080} && tcp.srcport != 22", ref_ports);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_eval_cost)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
