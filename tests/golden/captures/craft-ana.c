/* Writes ana-fields.pcap, the capture of the analysis-field tests (tests/unit/
 * test_filter_analysis.c, golden cases ana-*): one Ethernet/IPv4 connection with window scaling,
 * data in flight, an RTT per ACK, three duplicate ACKs and a fast retransmission, a
 * retransmission after a timeout, a zero window and a window update, then a second connection
 * that reuses the ports. Correct checksums, written with synfin's own capture writer.
 * Deterministic: the same bytes every run.
 *
 *   cc -std=c11 -Iinclude tests/golden/captures/craft-ana.c build/libsynfin.a -lpcap \
 *      -o /tmp/craft-ana && /tmp/craft-ana tests/golden/captures/ana-fields.pcap
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "synfin/writer.h"

#include "craft.h"

#define T0 1700000000 /* 2023-11-14 22:13:20 UTC */

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

struct craft {
	struct sf_writer *w;
	uint64_t n;
	int failed;
};

/* One segment at t_ms after T0. Client 10.0.0.1:cport, server 10.0.0.2:80. wscale >= 0 adds a
 * window-scale option (with a NOP before it). */
static void seg(struct craft *c, int64_t t_ms, bool from_client, uint16_t cport, unsigned flags,
                uint32_t seq, uint32_t ack, uint16_t len, uint16_t win, int wscale)
{
	uint8_t f[14 + 20 + 24 + 200];
	uint16_t olen = wscale >= 0 ? 4 : 0, tcp_len = (uint16_t)(20 + olen + len);
	uint16_t ip_len = (uint16_t)(20 + tcp_len);
	uint8_t cip[4] = {10, 0, 0, 1}, sip[4] = {10, 0, 0, 2};
	const uint8_t *src = from_client ? cip : sip, *dst = from_client ? sip : cip;
	memset(f, 0, sizeof(f));
	memcpy(f,
	       (uint8_t[]){0x02, 0, 0, 0, 0, from_client ? 2 : 1, 0x02, 0, 0, 0, 0,
	                   from_client ? 1 : 2, 0x08, 0},
	       14);
	uint8_t *ip = f + 14, *tcp = ip + 20;
	ip[0] = 0x45;
	put16(ip + 2, ip_len);
	put16(ip + 4, (uint16_t)(c->n + 1));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(tcp, from_client ? cport : 80);
	put16(tcp + 2, from_client ? 80 : cport);
	put32(tcp + 4, seq);
	put32(tcp + 8, (flags & ACK) ? ack : 0);
	tcp[12] = (uint8_t)(((20 + olen) / 4) << 4);
	tcp[13] = (uint8_t)flags;
	put16(tcp + 14, win);
	if (wscale >= 0)
		memcpy(tcp + 20, (uint8_t[]){1, 3, 3, (uint8_t)wscale}, 4);
	for (uint16_t i = 0; i < len; i++)
		tcp[20 + olen + i] = (uint8_t)('a' + i % 26);
	uint8_t ph[12];
	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, tcp_len);
	put16(tcp + 16, fold(sum16(tcp, tcp_len, sum16(ph, 12, 0))));

	struct sf_frame fr = {.data = f,
	                      .caplen = (uint32_t)(14 + ip_len),
	                      .wirelen = (uint32_t)(14 + ip_len),
	                      .ts_sec = T0 + t_ms / 1000,
	                      .ts_nsec = (uint32_t)(t_ms % 1000) * 1000000u,
	                      .linktype = 1};
	char err[256];
	if (sf_writer_write(c->w, &fr, err, sizeof(err)) < 0) {
		fprintf(stderr, "craft-ana: %s\n", err);
		c->failed = 1;
	}
	c->n++;
}

/* Client ISN 1000, server ISN 5000; relative numbers in the comments. */
static void scenario(struct craft *c)
{
	const bool C = true, S = false;
	seg(c, 0, C, 40000, SYN, 1000, 0, 0, 8192, 2);                /* 1 client shift 2 */
	seg(c, 10, S, 40000, SYN | ACK, 5000, 1001, 0, 8192, 3);      /* 2 server shift 3 */
	seg(c, 20, C, 40000, ACK, 1001, 5001, 0, 1000, -1);           /* 3 initial RTT 20 ms */
	seg(c, 21, C, 40000, PSH | ACK, 1001, 5001, 100, 1000, -1);   /* 4 seq 1 */
	seg(c, 22, C, 40000, ACK, 1101, 5001, 100, 1000, -1);         /* 5 seq 101 */
	seg(c, 23, C, 40000, ACK, 1201, 5001, 100, 1000, -1);         /* 6 seq 201 */
	seg(c, 40, S, 40000, ACK, 5001, 1101, 0, 1000, -1);           /* 7 acks 4 */
	seg(c, 41, S, 40000, ACK, 5001, 1101, 0, 1000, -1);           /* 8 dup ACK 7#1 */
	seg(c, 42, S, 40000, ACK, 5001, 1101, 0, 1000, -1);           /* 9 dup ACK 7#2 */
	seg(c, 43, S, 40000, ACK, 5001, 1101, 0, 1000, -1);           /* 10 dup ACK 7#3 */
	seg(c, 50, C, 40000, ACK, 1101, 5001, 100, 1000, -1);         /* 11 fast retransmission */
	seg(c, 400, C, 40000, ACK, 1101, 5001, 100, 1000, -1);        /* 12 retransmission (RTO) */
	seg(c, 410, S, 40000, ACK, 5001, 1301, 0, 0, -1);             /* 13 zero window */
	seg(c, 420, S, 40000, ACK, 5001, 1301, 0, 2000, -1);          /* 14 window update */
	seg(c, 430, C, 40000, FIN | ACK, 1301, 5001, 0, 1000, -1);    /* 15 */
	seg(c, 440, S, 40000, FIN | ACK, 5001, 1302, 0, 2000, -1);    /* 16 */
	seg(c, 450, C, 40000, ACK, 1302, 5002, 0, 1000, -1);          /* 17 */
	seg(c, 2000, C, 40000, SYN, 90000, 0, 0, 8192, -1);           /* 18 ports reused */
	seg(c, 2001, S, 40000, SYN | ACK, 70000, 90001, 0, 8192, -1); /* 19 no scaling */
	seg(c, 2002, C, 40000, ACK, 90001, 70001, 0, 8192, -1);       /* 20 */
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: craft-ana OUT.pcap\n");
		return 2;
	}
	char err[256];
	struct sf_writer_opts o = {.format = SF_WRITE_PCAP, .linktype = 1};
	struct craft c = {0};
	c.w = sf_writer_open(argv[1], &o, err, sizeof(err));
	if (!c.w) {
		fprintf(stderr, "craft-ana: %s\n", err);
		return 1;
	}
	scenario(&c);
	if (sf_writer_close(c.w, err, sizeof(err)) < 0) {
		fprintf(stderr, "craft-ana: %s\n", err);
		return 1;
	}
	return c.failed;
}
