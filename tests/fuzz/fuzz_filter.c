/* synfin — libFuzzer harness for the display filter compiler and evaluator.
 *
 * Input: an expression (bytes, NUL-terminated here). Compiles it; on success dumps the code
 * and evaluates it against a few fixed packets (TCP/IPv4 with options, TCP/IPv6, UDP, ARP,
 * VLAN); on failure checks the error text is three lines. Any crash, leak, sanitizer report or
 * failed check is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/test_filter_pkt.h"
#include "synfin/filter.h"

#define MAX_EXPR 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tpkt pk[5];
static struct sf_eval_ctx ctx;
static int ready;

static void setup(void)
{
	tp_tcp(&pk[0], 1, "192.168.1.2", 49486, "77.67.44.206", 80, SF_TCP_SYN, 0);
	tp_syn_opts(&pk[0], 1460, 7);
	tp_tcp(&pk[1], 2, "2001:db8::1", 443, "2001:db8:0:1::2", 50000, SF_TCP_ACK | SF_TCP_PSH,
	       10);
	tp_udp(&pk[2], 3, "172.16.0.8", 40000, "4.2.2.2", 53);
	tp_eth(&pk[3], 4, "00:24:81:a1:f6:79", "ff:ff:ff:ff:ff:ff");
	sf_packet_add_event(&pk[3].p, SF_EV_ETHERTYPE_UNKNOWN);
	tp_tcp(&pk[4], 5, "10.1.2.3", 9999, "192.166.11.14", 22, SF_TCP_RST | SF_TCP_AE, 0);
	tp_vlan(&pk[4], 939, 744);
	for (int i = 0; i < 5; i++)
		pk[i].v.pkt = &pk[i].p;
	sf_eval_ctx_init(&ctx);
	sf_eval_ctx_note_frame(&ctx, &pk[0].fr);
	ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char expr[MAX_EXPR + 1], err[2048], dump[4096];
	if (!ready)
		setup();
	if (size > MAX_EXPR)
		size = MAX_EXPR;
	memcpy(expr, data, size);
	expr[size] = '\0';
	struct sf_filter *f = sf_filter_compile(expr, err, sizeof(err));
	if (!f) {
		/* expression, caret line, message: at least two newlines and a message */
		const char *nl = strchr(err, '\n');
		if (!nl || !strchr(nl + 1, '\n'))
			abort();
		return 0;
	}
	sf_filter_dump_buf(f, dump, sizeof(dump));
	unsigned hits = 0;
	for (int i = 0; i < 5; i++)
		hits += sf_filter_match(f, &pk[i].v, &ctx);
	/* "not (E)" must compile and give the opposite verdict on every packet. */
	size_t n = strlen(expr);
	if (n + 8 < sizeof(err)) {
		char neg[MAX_EXPR + 16];
		memcpy(neg, "not (", 5);
		memcpy(neg + 5, expr, n);
		memcpy(neg + 5 + n, "\n)", 3);
		struct sf_filter *g = sf_filter_compile(neg, err, sizeof(err));
		if (!g && strstr(err, "nested too deeply"))
			goto out; /* E was at the nesting limit: two more levels are refused */
		if (!g)
			abort();
		unsigned neg_hits = 0;
		for (int i = 0; i < 5; i++) {
			bool a = sf_filter_match(f, &pk[i].v, &ctx);
			bool b = sf_filter_match(g, &pk[i].v, &ctx);
			if (a == b)
				abort();
			neg_hits += b;
		}
		if (hits + neg_hits != 5)
			abort();
		sf_filter_free(g);
	}
out:
	sf_filter_free(f);
	return 0;
}
