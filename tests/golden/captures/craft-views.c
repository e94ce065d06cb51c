/* Writes the crafted captures of the connection-view golden tests (views-*.pcap): one file per
 * way a TCP connection can open or close that a kernel will not produce on demand, each an
 * Ethernet/IPv4 conversation with correct checksums and consistent sequence numbers, written
 * with synfin's own capture writer, and one with loss, duplicate ACKs, a fast and a timeout
 * retransmission and a zero-window stall (views-loss.pcap) for the analysis figures.
 * Deterministic: the same bytes every run.
 *
 *   cc -std=c11 -Iinclude tests/golden/captures/craft-views.c build/libsynfin.a -lpcap \
 *      -o /tmp/craft-views && /tmp/craft-views tests/golden/captures
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "synfin/writer.h"

#include "craft.h"

#define T0 1700000000 /* 2023-11-14 22:13:20 UTC */

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

struct ep {
	uint8_t ip[4];
	uint16_t port;
	uint32_t seq; /* next sequence number this side sends */
	uint8_t mac;
	bool zero_win; /* advertise a zero window (else 64240) */
};

struct craft {
	struct sf_writer *w;
	int64_t usec; /* time of the next frame, µs after T0 */
	uint64_t n;
};

/* One segment from a to b; advances a's sequence number by what the segment occupies. With
 * opts, the SYN options MSS 1460, SACK-permitted, timestamps, window scale 7. */
static void seg(struct craft *c, struct ep *a, const struct ep *b, unsigned flags, uint32_t ack,
                uint16_t len, bool opts, int64_t gap_us)
{
	uint8_t f[14 + 20 + 40 + 1500];
	uint16_t olen = opts ? 20 : 0, tcp_len = (uint16_t)(20 + olen + len);
	uint16_t ip_len = (uint16_t)(20 + tcp_len);
	memset(f, 0, sizeof(f));
	memcpy(f, (uint8_t[]){0x02, 0, 0, 0, 0, b->mac, 0x02, 0, 0, 0, 0, a->mac, 0x08, 0}, 14);
	uint8_t *ip = f + 14, *tcp = ip + 20;
	ip[0] = 0x45;
	put16(ip + 2, ip_len);
	put16(ip + 4, (uint16_t)(c->n + 1));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, a->ip, 4);
	memcpy(ip + 16, b->ip, 4);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	put16(tcp, a->port);
	put16(tcp + 2, b->port);
	put32(tcp + 4, a->seq);
	put32(tcp + 8, (flags & ACK) ? ack : 0);
	tcp[12] = (uint8_t)(((20 + olen) / 4) << 4);
	tcp[13] = (uint8_t)flags;
	put16(tcp + 14, a->zero_win ? 0 : 64240);
	if (opts) {
		uint8_t o[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
		put32(o + 8, (uint32_t)(c->n + 1000));
		memcpy(tcp + 20, o, sizeof(o));
	}
	for (uint16_t i = 0; i < len; i++)
		tcp[20 + olen + i] = (uint8_t)('a' + i % 26);
	uint8_t ph[12];
	memcpy(ph, a->ip, 4);
	memcpy(ph + 4, b->ip, 4);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, tcp_len);
	put16(tcp + 16, fold(sum16(tcp, tcp_len, sum16(ph, 12, 0))));

	c->usec += gap_us;
	struct sf_frame fr = {.data = f,
	                      .caplen = (uint32_t)(14 + ip_len),
	                      .wirelen = (uint32_t)(14 + ip_len),
	                      .ts_sec = T0 + c->usec / 1000000,
	                      .ts_nsec = (uint32_t)(c->usec % 1000000) * 1000,
	                      .linktype = 1};
	char err[256];
	if (sf_writer_write(c->w, &fr, err, sizeof(err)) < 0)
		fprintf(stderr, "craft-views: %s\n", err);
	c->n++;
	a->seq += len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0);
}

static struct ep client(uint16_t port)
{
	return (struct ep){{10, 0, 0, 1}, port, 1000000, 1};
}

static struct ep server(uint16_t port)
{
	return (struct ep){{10, 0, 0, 2}, port, 5000000, 2};
}

/* SYN, SYN-ACK, ACK; then one request and one response. */
static void open3(struct craft *c, struct ep *cl, struct ep *sv)
{
	seg(c, cl, sv, SYN, 0, 0, true, 0);
	seg(c, sv, cl, SYN | ACK, cl->seq, 0, true, 200);
	seg(c, cl, sv, ACK, sv->seq, 0, false, 30);
	seg(c, cl, sv, PSH | ACK, sv->seq, 100, false, 50);
	seg(c, sv, cl, ACK, cl->seq, 0, false, 200);
	seg(c, sv, cl, PSH | ACK, cl->seq, 300, false, 100);
	seg(c, cl, sv, ACK, sv->seq, 0, false, 200);
}

static void v_refused(struct craft *c)
{
	struct ep cl = client(40001), sv = server(81);
	seg(c, &cl, &sv, SYN, 0, 0, true, 0);
	seg(c, &sv, &cl, RST | ACK, cl.seq, 0, false, 150);
}

static void v_unanswered(struct craft *c)
{
	struct ep cl = client(40002), sv = server(80);
	seg(c, &cl, &sv, SYN, 0, 0, true, 0);
	cl.seq--; /* a retry resends the same ISN */
	seg(c, &cl, &sv, SYN, 0, 0, true, 1000000);
	cl.seq--;
	seg(c, &cl, &sv, SYN, 0, 0, true, 2000000);
}

static void v_syn_retried(struct craft *c)
{
	struct ep cl = client(40003), sv = server(80);
	seg(c, &cl, &sv, SYN, 0, 0, true, 0);
	cl.seq--;
	seg(c, &cl, &sv, SYN, 0, 0, true, 1000000);
	seg(c, &sv, &cl, SYN | ACK, cl.seq, 0, true, 200);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 30);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 200);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 30);
}

/* RFC 9293 §3.5 figure 8: crossing SYNs, then each side's SYN-ACK. */
static void v_simultaneous_open(struct craft *c)
{
	struct ep a = client(40004), b = server(40005);
	seg(c, &a, &b, SYN, 0, 0, true, 0);
	seg(c, &b, &a, SYN, 0, 0, true, 10);
	a.seq--;
	b.seq--;
	seg(c, &a, &b, SYN | ACK, b.seq + 1, 0, true, 100);
	seg(c, &b, &a, SYN | ACK, a.seq, 0, true, 10);
	seg(c, &a, &b, PSH | ACK, b.seq, 10, false, 100);
	seg(c, &b, &a, ACK, a.seq, 0, false, 100);
	seg(c, &a, &b, FIN | ACK, b.seq, 0, false, 100);
	seg(c, &b, &a, ACK, a.seq, 0, false, 100);
	seg(c, &b, &a, FIN | ACK, a.seq, 0, false, 100);
	seg(c, &a, &b, ACK, b.seq, 0, false, 100);
}

static void v_four_way(struct craft *c)
{
	struct ep cl = client(40006), sv = server(80);
	open3(c, &cl, &sv);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, ACK, cl.seq, 0, false, 200);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 500);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
}

/* A four-way close, then quiet: after the closed linger (10 s) the row is written while the
 * client is in TIME-WAIT. 20 s after the close the server sends its FIN again (the client's
 * last ACK was lost) and the client acknowledges it: a late pair that keeps tcp.stream 0. 15 s
 * later the client opens again from the same port with a new ISN, still within TIME-WAIT
 * (2×MSL = 60 s): a new stream taking the 4-tuple over. */
static void v_time_wait_late(struct craft *c)
{
	struct ep cl = client(40012), sv = server(80);
	open3(c, &cl, &sv);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, ACK, cl.seq, 0, false, 200);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 500);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
	sv.seq--; /* the FIN again, same sequence number */
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 20000000);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 150);
	cl.seq += 64000; /* a new ISN, beyond the old connection's */
	c->usec += 15000000;
	open3(c, &cl, &sv);
}

/* The server acknowledges the client's FIN and sends its own in one segment. */
static void v_merged_close(struct craft *c)
{
	struct ep cl = client(40007), sv = server(80);
	open3(c, &cl, &sv);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 200);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
}

/* FINs cross: each side is in FIN-WAIT-1 when the other's FIN arrives (CLOSING). */
static void v_simultaneous_close(struct craft *c)
{
	struct ep cl = client(40008), sv = server(80);
	open3(c, &cl, &sv);
	uint32_t cl_ack = sv.seq, sv_ack = cl.seq;
	seg(c, &cl, &sv, FIN | ACK, cl_ack, 0, false, 1000);
	seg(c, &sv, &cl, FIN | ACK, sv_ack, 0, false, 10);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
	seg(c, &sv, &cl, ACK, cl.seq, 0, false, 10);
}

/* The client shuts down its sending side; the server goes on sending, then closes. */
static void v_half_close(struct craft *c)
{
	struct ep cl = client(40009), sv = server(80);
	open3(c, &cl, &sv);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, ACK, cl.seq, 0, false, 200);
	seg(c, &sv, &cl, PSH | ACK, cl.seq, 1000, false, 300);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
	seg(c, &sv, &cl, PSH | ACK, cl.seq, 500, false, 300);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 300);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
}

/* The server aborts an established connection (SO_LINGER 0 style). */
static void v_rst_abort(struct craft *c)
{
	struct ep cl = client(40010), sv = server(80);
	open3(c, &cl, &sv);
	seg(c, &sv, &cl, RST | ACK, cl.seq, 0, false, 1000);
}

/* No handshake in the capture: data both ways, then a four-way close. */
static void v_midstream(struct craft *c)
{
	struct ep cl = client(40011), sv = server(80);
	seg(c, &cl, &sv, PSH | ACK, sv.seq, 100, false, 0);
	seg(c, &sv, &cl, PSH | ACK, cl.seq, 200, false, 300);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 200);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 200);
}

/* Seen from a capture point beside the client: the server's second data segment is lost
 * before it (never captured), the client sends three duplicate ACKs and the server retransmits
 * it fast; later a client segment goes unanswered and is retransmitted after a timeout; then
 * the client's receive window closes, the server probes it once, and the window reopens. */
static void v_loss(struct craft *c)
{
	struct ep cl = client(40012), sv = server(80);
	open3(c, &cl, &sv);
	uint32_t lost = 0;
	for (int i = 0; i < 5; i++) {
		if (i == 1) {
			lost = sv.seq; /* dropped on the way: advance without writing */
			sv.seq += 1000;
			continue;
		}
		seg(c, &sv, &cl, ACK, cl.seq, 1000, false, 100);
		/* one ACK for the first segment, then a duplicate for each one after the gap */
		seg(c, &cl, &sv, ACK, i == 0 ? sv.seq : lost, 0, false, 20);
	}
	uint32_t next = sv.seq;
	sv.seq = lost;
	seg(c, &sv, &cl, PSH | ACK, cl.seq, 1000, false, 500); /* fast retransmission */
	sv.seq = next;
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 20);
	/* timeout retransmission of a request */
	uint32_t req = cl.seq;
	seg(c, &cl, &sv, PSH | ACK, sv.seq, 200, false, 10000);
	cl.seq = req;
	seg(c, &cl, &sv, PSH | ACK, sv.seq, 200, false, 300000);
	seg(c, &sv, &cl, ACK, cl.seq, 0, false, 200);
	/* zero-window stall: the server fills the client's buffer, probes, the window reopens */
	seg(c, &sv, &cl, PSH | ACK, cl.seq, 1000, false, 1000);
	cl.zero_win = true;
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 20);
	uint32_t probe = sv.seq;
	seg(c, &sv, &cl, ACK, cl.seq, 1, false, 200000);
	sv.seq = probe; /* the probe's byte is not accepted */
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 20);
	cl.zero_win = false;
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 100000); /* window update */
	seg(c, &sv, &cl, PSH | ACK, cl.seq, 1000, false, 200);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 20);
	seg(c, &cl, &sv, FIN | ACK, sv.seq, 0, false, 1000);
	seg(c, &sv, &cl, FIN | ACK, cl.seq, 0, false, 200);
	seg(c, &cl, &sv, ACK, sv.seq, 0, false, 30);
}

static int write_file(const char *dir, const char *name, void (*fn)(struct craft *))
{
	char path[512], err[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct sf_writer_opts o = {.format = SF_WRITE_PCAP, .linktype = 1};
	struct craft c = {.w = sf_writer_open(path, &o, err, sizeof(err))};
	if (!c.w) {
		fprintf(stderr, "craft-views: %s\n", err);
		return -1;
	}
	fn(&c);
	if (sf_writer_close(c.w, err, sizeof(err)) < 0) {
		fprintf(stderr, "craft-views: %s\n", err);
		return -1;
	}
	printf("wrote %s (%llu frames)\n", path, (unsigned long long)c.n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	static const struct {
		const char *name;
		void (*fn)(struct craft *);
	} files[] = {
	    {"views-refused.pcap", v_refused},
	    {"views-unanswered.pcap", v_unanswered},
	    {"views-syn-retried.pcap", v_syn_retried},
	    {"views-simultaneous-open.pcap", v_simultaneous_open},
	    {"views-four-way.pcap", v_four_way},
	    {"views-merged-close.pcap", v_merged_close},
	    {"views-simultaneous-close.pcap", v_simultaneous_close},
	    {"views-half-close.pcap", v_half_close},
	    {"views-rst-abort.pcap", v_rst_abort},
	    {"views-midstream.pcap", v_midstream},
	    {"views-loss.pcap", v_loss},
	    {"views-time-wait-late.pcap", v_time_wait_late},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		rc |= write_file(dir, files[i].name, files[i].fn);
	return rc ? 1 : 0;
}
