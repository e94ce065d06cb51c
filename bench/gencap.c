/* sf_gencap — deterministic generator of large Ethernet TCP captures for the bench.
 *
 *   sf_gencap -n PACKETS -c CONCURRENT -o OUT [--seed S] [--format pcap|pcap-ns|pcapng]
 *
 * Keeps CONCURRENT connections alive at once and emits, packet by packet, the next segment of
 * a connection picked at random, so connections interleave as on a busy link. About 20% are
 * IPv6. Each connection is one of:
 *   normal      three-way handshake with MSS, SACK_PERM, TS and WS (Linux order), requests and
 *               responses of realistic sizes, ACK every second segment (RFC 9293 §3.8.6.3
 *               delayed ACK), some retransmissions and duplicate ACKs, then a four-way close
 *               (FIN, ACK, FIN, ACK), a merged close (FIN, FIN/ACK, ACK) or an RST abort;
 *   refused     SYN answered by RST/ACK (RFC 9293 §3.10.7.1, port closed);
 *   unanswered  SYN retransmitted once or twice and never answered.
 * Sequence and acknowledgement numbers are consistent, so trackers see real connections.
 * Everything derives from the seed: the same arguments give the same bytes (no clock used).
 * Five-tuples are never reused: client address and port come from the connection's serial.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "synfin/writer.h"

#define START_SEC    1700000000
#define N_SERVERS    64
#define PORTS_PER_IP 20000 /* client ports per client address: tuples never repeat */
#define MAX_FRAME    1600

enum kind { K_NORMAL, K_REFUSED, K_UNANSWERED };
enum close_kind { C_FOURWAY, C_MERGED, C_RST };
enum phase {
	PH_SYN,
	PH_SYN_RETRY,
	PH_REFUSE,
	PH_SYNACK,
	PH_ACK3,
	PH_DATA,
	PH_FIN1,
	PH_ACK_FIN1,
	PH_FIN2,
	PH_LAST_ACK,
	PH_RST,
	PH_DONE
};

struct endpoint {
	uint8_t mac[6];
	uint8_t addr[16];
	uint16_t port;
	uint32_t nxt;   /* next sequence number to send */
	uint32_t tsval; /* last TSval sent */
	uint16_t ip_id; /* IPv4 identification, per sender */
	uint16_t mss;   /* MSS announced */
	uint16_t win;   /* window field (unscaled) around which it varies */
	uint8_t wscale; /* shift announced */
};

struct conn {
	struct endpoint ep[2]; /* 0 = client, 1 = server */
	bool v6;
	uint8_t kind, close_kind, closer, phase;
	uint8_t retries_left; /* unanswered: SYN retransmissions still to send */
	uint8_t msgs_left;    /* messages still to exchange before closing */
	uint8_t dir;          /* sender of the current message */
	uint8_t unacked;      /* segments of dir not yet acknowledged */
	uint8_t dups_left;    /* duplicate ACKs still to send */
	bool retransmit;      /* resend the last data segment next */
	uint32_t remaining;   /* bytes of the current message still to send */
	uint32_t last_seq, last_len;
};

/* One segment to emit. */
struct seg {
	int dir;
	uint16_t flags;
	uint32_t seq, ack, len;
	bool syn_opts, ts;
};

struct gen {
	uint64_t rng;
	uint64_t serial; /* connections started */
	uint64_t clock_ns;
	struct conn *conns;
	unsigned n_conns;
	uint8_t payload[65536 + MAX_FRAME];
	uint8_t frame[MAX_FRAME];
	struct sf_writer *w;
};

/* splitmix64: small, fast, and the same sequence on every machine. */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(struct gen *g, uint32_t n)
{
	return (uint32_t)(((rnd(g) >> 32) * n) >> 32);
}

static bool chance(struct gen *g, unsigned per_thousand)
{
	return rnd_below(g, 1000) < per_thousand;
}

/* Message sizes: requests are small; responses are mostly small with a long tail. */
static uint32_t message_size(struct gen *g, bool request)
{
	uint32_t r = rnd_below(g, 100);
	if (request)
		return 20 + rnd_below(g, r < 90 ? 300 : 1200);
	if (r < 70)
		return 1 + rnd_below(g, 300);
	if (r < 92)
		return 300 + rnd_below(g, 1200);
	if (r < 99)
		return 2000 + rnd_below(g, 8000);
	return 10000 + rnd_below(g, 40000);
}

static void set_addrs(struct gen *g, struct conn *c, uint64_t serial)
{
	uint32_t ip_index = (uint32_t)(serial / PORTS_PER_IP);
	uint32_t server = rnd_below(g, N_SERVERS);
	static const uint16_t ports[] = {443, 443, 443, 80, 80, 22, 25, 5432, 8080, 3306};
	memset(c->ep[0].addr, 0, 16);
	memset(c->ep[1].addr, 0, 16);
	if (c->v6) {
		static const uint8_t cli[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0, 0};
		static const uint8_t srv[8] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0};
		memcpy(c->ep[0].addr, cli, 8);
		memcpy(c->ep[1].addr, srv, 8);
		c->ep[0].addr[12] = (uint8_t)(ip_index >> 8);
		c->ep[0].addr[13] = (uint8_t)ip_index;
		c->ep[0].addr[15] = 1;
		c->ep[1].addr[15] = (uint8_t)(server + 1);
	} else {
		uint32_t host = ip_index + 1; /* 10.0.0.1, 10.0.0.2 … */
		c->ep[0].addr[0] = 10;
		c->ep[0].addr[1] = (uint8_t)(host >> 16);
		c->ep[0].addr[2] = (uint8_t)(host >> 8);
		c->ep[0].addr[3] = (uint8_t)host;
		c->ep[1].addr[0] = 192;
		c->ep[1].addr[1] = 168;
		c->ep[1].addr[2] = 1;
		c->ep[1].addr[3] = (uint8_t)(server + 1);
	}
	c->ep[0].port = (uint16_t)(32768 + serial % PORTS_PER_IP);
	c->ep[1].port = ports[server % (sizeof(ports) / sizeof(ports[0]))];
	/* Locally administered MACs: client side by client address, server side by server. */
	static const uint8_t base[6] = {0x02, 0x00, 0x5e, 0, 0, 0};
	memcpy(c->ep[0].mac, base, 6);
	memcpy(c->ep[1].mac, base, 6);
	c->ep[0].mac[4] = (uint8_t)(ip_index >> 8);
	c->ep[0].mac[5] = (uint8_t)ip_index;
	c->ep[1].mac[3] = 1;
	c->ep[1].mac[5] = (uint8_t)server;
}

static void conn_start(struct gen *g, struct conn *c)
{
	memset(c, 0, sizeof(*c));
	uint64_t serial = g->serial++;
	c->v6 = chance(g, 200);
	set_addrs(g, c, serial);
	uint32_t r = rnd_below(g, 1000);
	c->kind = r < 60 ? K_REFUSED : r < 100 ? K_UNANSWERED : K_NORMAL;
	r = rnd_below(g, 1000);
	c->close_kind = r < 600 ? C_FOURWAY : r < 900 ? C_MERGED : C_RST;
	c->closer = chance(g, 700) ? 0 : 1;
	c->retries_left = (uint8_t)(1 + rnd_below(g, 2));
	c->msgs_left = (uint8_t)(2 * (1 + rnd_below(g, 4)));
	for (int d = 0; d < 2; d++) {
		struct endpoint *e = &c->ep[d];
		e->nxt = (uint32_t)rnd(g);
		e->tsval = (uint32_t)rnd(g);
		e->ip_id = (uint16_t)rnd(g);
		e->mss = c->v6 ? 1440 : 1460;
		e->win = (uint16_t)(500 + rnd_below(g, 1500));
		e->wscale = (uint8_t)(d ? 7 : 6 + rnd_below(g, 4));
	}
	c->phase = PH_SYN;
}

static void next_message(struct gen *g, struct conn *c)
{
	if (c->msgs_left == 0) {
		c->phase = c->close_kind == C_RST ? PH_RST : PH_FIN1;
		return;
	}
	c->dir = (uint8_t)(c->msgs_left % 2 ? 1 : 0); /* requests and responses alternate */
	c->msgs_left--;
	c->remaining = message_size(g, c->dir == 0);
	c->unacked = 0;
}

static void pure_ack(const struct conn *c, int d, struct seg *s)
{
	*s = (struct seg){
	    .dir = d, .flags = 0x10, .seq = c->ep[d].nxt, .ack = c->ep[!d].nxt, .ts = true};
}

/* Data phase: segments of the current message, an ACK every second segment and after the
 * last, now and then a retransmitted segment or a run of duplicate ACKs. */
static void step_data(struct gen *g, struct conn *c, struct seg *s)
{
	int d = c->dir;
	if (c->retransmit) {
		c->retransmit = false;
		*s = (struct seg){.dir = d,
		                  .flags = 0x18,
		                  .seq = c->last_seq,
		                  .ack = c->ep[!d].nxt,
		                  .len = c->last_len,
		                  .ts = true};
		return;
	}
	if (c->dups_left) {
		c->dups_left--;
		pure_ack(c, !d, s);
		if (!c->dups_left && !c->remaining)
			next_message(g, c);
		return;
	}
	if (c->unacked >= 2 || (c->remaining == 0 && c->unacked)) {
		/* The receiver's window moves now and then (a window update to tshark); never
		 * inside a run of duplicate ACKs, which must repeat it exactly. */
		if (chance(g, 20))
			c->ep[!d].win = (uint16_t)(c->ep[!d].win + 8 - rnd_below(g, 16));
		pure_ack(c, !d, s);
		c->unacked = 0;
		if (chance(g, 15))
			c->dups_left = (uint8_t)(1 + rnd_below(g, 3));
		else if (!c->remaining)
			next_message(g, c);
		return;
	}
	uint32_t mss = (uint32_t)c->ep[!d].mss - 12; /* the timestamp option takes 12 bytes */
	uint32_t len = c->remaining < mss ? c->remaining : mss;
	*s = (struct seg){.dir = d,
	                  .flags = (uint16_t)(len == c->remaining ? 0x18 : 0x10),
	                  .seq = c->ep[d].nxt,
	                  .ack = c->ep[!d].nxt,
	                  .len = len,
	                  .ts = true};
	c->last_seq = c->ep[d].nxt;
	c->last_len = len;
	c->ep[d].nxt += len;
	c->remaining -= len;
	c->unacked++;
	c->retransmit = chance(g, 10);
}

/* The next segment of connection c, advancing its state. */
static void step(struct gen *g, struct conn *c, struct seg *s)
{
	int cl = c->closer;
	switch (c->phase) {
	case PH_SYN:
	case PH_SYN_RETRY:
		*s = (struct seg){.dir = 0, .flags = 0x02, .seq = c->ep[0].nxt, .syn_opts = true};
		if (c->phase == PH_SYN_RETRY && --c->retries_left == 0)
			c->phase = PH_DONE;
		else if (c->phase == PH_SYN)
			c->phase = c->kind == K_REFUSED      ? PH_REFUSE
			           : c->kind == K_UNANSWERED ? PH_SYN_RETRY
			                                     : PH_SYNACK;
		return;
	case PH_REFUSE:
		/* RFC 9293 §3.10.7.1: no SEG.ACK in the SYN, so the reset has SEQ 0, ACK SYN+1. */
		*s = (struct seg){.dir = 1, .flags = 0x14, .seq = 0, .ack = c->ep[0].nxt + 1};
		c->phase = PH_DONE;
		return;
	case PH_SYNACK:
		c->ep[0].nxt++; /* the SYN takes one sequence number */
		*s = (struct seg){.dir = 1,
		                  .flags = 0x12,
		                  .seq = c->ep[1].nxt,
		                  .ack = c->ep[0].nxt,
		                  .syn_opts = true};
		c->ep[1].nxt++;
		c->phase = PH_ACK3;
		return;
	case PH_ACK3:
		pure_ack(c, 0, s);
		c->phase = PH_DATA;
		next_message(g, c);
		return;
	case PH_DATA:
		step_data(g, c, s);
		return;
	case PH_FIN1:
		pure_ack(c, cl, s);
		s->flags = 0x11;
		c->ep[cl].nxt++;
		c->phase = c->close_kind == C_MERGED ? PH_FIN2 : PH_ACK_FIN1;
		return;
	case PH_ACK_FIN1:
		pure_ack(c, !cl, s);
		c->phase = PH_FIN2;
		return;
	case PH_FIN2:
		pure_ack(c, !cl, s);
		s->flags = 0x11;
		c->ep[!cl].nxt++;
		c->phase = PH_LAST_ACK;
		return;
	case PH_LAST_ACK:
		pure_ack(c, cl, s);
		c->phase = PH_DONE;
		return;
	case PH_RST:
		pure_ack(c, cl, s);
		s->flags = 0x14;
		c->phase = PH_DONE;
		return;
	default:
		pure_ack(c, 0, s);
		c->phase = PH_DONE;
		return;
	}
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* RFC 1071 one's-complement sum over a byte range, folded later. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; n -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* TCP options: Linux's SYN layout (MSS, SACK_PERM, TS, NOP, WS) or NOP NOP TS. */
static size_t put_options(uint8_t *o, const struct conn *c, const struct seg *s, uint32_t ecr)
{
	const struct endpoint *e = &c->ep[s->dir];
	if (s->syn_opts) {
		o[0] = 2, o[1] = 4;
		put16(o + 2, e->mss);
		o[4] = 4, o[5] = 2, o[6] = 8, o[7] = 10;
		put32(o + 8, e->tsval);
		put32(o + 12, ecr);
		o[16] = 1, o[17] = 3, o[18] = 3, o[19] = e->wscale;
		return 20;
	}
	if (!s->ts)
		return 0;
	o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
	put32(o + 4, e->tsval);
	put32(o + 8, ecr);
	return 12;
}

static size_t build_frame(struct gen *g, struct conn *c, const struct seg *s)
{
	uint8_t *f = g->frame;
	struct endpoint *src = &c->ep[s->dir], *dst = &c->ep[!s->dir];
	src->tsval += 1 + rnd_below(g, 3);
	uint32_t ecr = s->flags == 0x02 ? 0 : dst->tsval;
	memcpy(f, dst->mac, 6);
	memcpy(f + 6, src->mac, 6);
	put16(f + 12, c->v6 ? 0x86dd : 0x0800);
	size_t l3 = 14, l4 = l3 + (c->v6 ? 40 : 20);
	uint8_t *t = f + l4;
	size_t optlen = put_options(t + 20, c, s, ecr);
	size_t thl = 20 + optlen;
	put16(t, src->port);
	put16(t + 2, dst->port);
	put32(t + 4, s->seq);
	put32(t + 8, s->ack);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = (uint8_t)s->flags;
	/* Linux: 64240 (IPv4) / 65160 window in SYNs, scaled values after, 0 in resets. */
	uint32_t win = s->flags & 0x02 ? (s->dir ? 65160u : 64240u) : src->win;
	put16(t + 14, s->flags & 0x04 ? 0 : win);
	put32(t + 16, 0); /* checksum and urgent pointer */
	memcpy(t + thl, g->payload + (s->seq & 0xffff), s->len);
	size_t tcp_len = thl + s->len;

	uint32_t sum;
	if (c->v6) {
		uint8_t *ip = f + l3;
		put32(ip, 0x60000000u | (src->port * 2654435761u & 0xfffff));
		put16(ip + 4, (uint32_t)tcp_len);
		ip[6] = 6, ip[7] = 64;
		memcpy(ip + 8, src->addr, 16);
		memcpy(ip + 24, dst->addr, 16);
		sum = sum16(0, ip + 8, 32);
	} else {
		uint8_t *ip = f + l3;
		ip[0] = 0x45, ip[1] = 0;
		put16(ip + 2, (uint32_t)(20 + tcp_len));
		put16(ip + 4, src->ip_id++);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64, ip[9] = 6;
		put16(ip + 10, 0);
		memcpy(ip + 12, src->addr, 4);
		memcpy(ip + 16, dst->addr, 4);
		put16(ip + 10, fold(sum16(0, ip, 20)));
		sum = sum16(0, ip + 12, 8);
	}
	sum += 6 + (uint32_t)tcp_len; /* pseudo-header: protocol and TCP length */
	put16(t + 16, fold(sum16(sum, t, tcp_len)));
	return l4 + tcp_len;
}

static int emit(struct gen *g, struct conn *c)
{
	struct seg s;
	step(g, c, &s);
	size_t len = build_frame(g, c, &s);
	g->clock_ns += 1000 + rnd_below(g, 18000); /* ~100k packets per second */
	struct sf_frame f = {.data = g->frame,
	                     .caplen = (uint32_t)len,
	                     .wirelen = (uint32_t)len,
	                     .ts_sec = START_SEC + (int64_t)(g->clock_ns / 1000000000u),
	                     .ts_nsec = (uint32_t)(g->clock_ns % 1000000000u),
	                     .linktype = DLT_EN10MB};
	char err[256];
	if (sf_writer_write(g->w, &f, err, sizeof(err)) < 0) {
		fprintf(stderr, "sf_gencap: %s\n", err);
		return -1;
	}
	if (c->phase == PH_DONE)
		conn_start(g, c);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: sf_gencap -n PACKETS -c CONCURRENT -o OUT.pcap [--seed S] "
	             "[--format pcap|pcap-ns|pcapng]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"seed", required_argument, NULL, 's'},
	                                         {"format", required_argument, NULL, 'f'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	uint64_t n = 1000000, seed = 1;
	unsigned concurrent = 10000;
	const char *out = NULL;
	enum sf_write_format fmt = SF_WRITE_PCAP;
	int opt;
	while ((opt = getopt_long(argc, argv, "n:c:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'c':
			concurrent = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			if (strcmp(optarg, "pcap") == 0)
				fmt = SF_WRITE_PCAP;
			else if (strcmp(optarg, "pcap-ns") == 0)
				fmt = SF_WRITE_PCAP_NS;
			else if (strcmp(optarg, "pcapng") == 0)
				fmt = SF_WRITE_PCAPNG;
			else {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!out || concurrent == 0 || optind != argc) {
		usage(stderr);
		return 2;
	}

	struct gen *g = calloc(1, sizeof(*g));
	if (!g || !(g->conns = calloc(concurrent, sizeof(*g->conns)))) {
		fprintf(stderr, "sf_gencap: out of memory\n");
		return 1;
	}
	g->rng = seed;
	g->n_conns = concurrent;
	for (size_t i = 0; i < sizeof(g->payload); i++)
		g->payload[i] = (uint8_t)rnd(g);
	for (unsigned i = 0; i < concurrent; i++)
		conn_start(g, &g->conns[i]);

	char err[256];
	struct sf_writer_opts wo = {.format = fmt, .linktype = DLT_EN10MB, .snaplen = 262144};
	g->w = sf_writer_open(out, &wo, err, sizeof(err));
	if (!g->w) {
		fprintf(stderr, "sf_gencap: %s\n", err);
		return 1;
	}
	int rc = 0;
	for (uint64_t i = 0; i < n && rc == 0; i++)
		rc = emit(g, &g->conns[rnd_below(g, g->n_conns)]);
	if (sf_writer_close(g->w, err, sizeof(err)) < 0) {
		fprintf(stderr, "sf_gencap: %s: %s\n", out, err);
		rc = -1;
	}
	fprintf(stderr, "sf_gencap: %s: %llu packets, %llu connections started\n", out,
	        (unsigned long long)n, (unsigned long long)g->serial);
	free(g->conns);
	free(g);
	return rc ? 1 : 0;
}
