/* Live test: runs one lab scenario with the kernel's real TCP and checks, packet by packet,
 * that the wire shows what the scenario claims (independently of synfin's decoder and
 * tracker: a small libpcap reader of its own). Exit 0 pass, 1 fail, 77 skip (not root).
 *
 * usage: lab_wire SCENARIO
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synfin/lab.h"
#include "synfin/pipeline.h"
#include "synfin/writer.h"

#define MAX_SEGS 4096
enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

struct seg {
	bool from_client; /* sent by the side whose port is the scenario's client port */
	uint16_t sport, dport;
	unsigned flags;
	uint32_t seq, ack, len;
	double t;
};

static struct seg segs[MAX_SEGS];
static size_t nsegs;
static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Ethernet / IPv4 / TCP only: that is all the lab produces. */
static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	const uint16_t cport = *(const uint16_t *)user;
	if (nsegs >= MAX_SEGS || h->caplen < 14 + 20 || d[12] != 0x08 || d[13] != 0x00)
		return;
	const u_char *ip = d + 14;
	unsigned ihl = (ip[0] & 15u) * 4, tot = (unsigned)ip[2] << 8 | ip[3];
	if (ip[9] != 6 || h->caplen < 14 + ihl + 20)
		return;
	const u_char *t = ip + ihl;
	unsigned thl = (t[12] >> 4) * 4u;
	struct seg *s = &segs[nsegs++];
	s->sport = (uint16_t)(t[0] << 8 | t[1]);
	s->dport = (uint16_t)(t[2] << 8 | t[3]);
	s->from_client = s->sport == cport;
	s->seq = be32(t + 4);
	s->ack = be32(t + 8);
	s->flags = t[13];
	s->len = tot > ihl + thl ? tot - ihl - thl : 0;
	s->t = (double)h->ts.tv_sec + h->ts.tv_usec / 1e6;
}

/* The lab's own path (sf_lab_capture → writer → pipeline) must see the same segments. */
struct count_sink {
	uint16_t port;
	size_t n;
	uint16_t peer[MAX_SEGS]; /* the other port of each TCP packet (client port unknown yet) */
};

static void count_packet(void *self, const struct sf_pkt_view *v)
{
	struct count_sink *c = self;
	const struct sf_packet *p = v->pkt;
	if (p->has_tcp && c->n < MAX_SEGS && (p->sport == c->port || p->dport == c->port))
		c->peer[c->n++] = p->sport == c->port ? p->dport : p->sport;
}

static size_t count_file(const char *path, uint16_t cport, uint16_t port)
{
	char perr[PCAP_ERRBUF_SIZE], filter[64];
	pcap_t *pc = pcap_open_offline(path, perr);
	if (!pc)
		return (size_t)-1;
	struct bpf_program prog;
	snprintf(filter, sizeof(filter), "tcp port %u and tcp port %u", port, cport);
	size_t n = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0) {
		while (pcap_next_ex(pc, &h, &d) == 1)
			n += pcap_offline_filter(&prog, h, d) != 0;
		pcap_freecode(&prog);
	}
	pcap_close(pc);
	return n;
}

static void dump(void)
{
	for (size_t i = 0; i < nsegs; i++) {
		const struct seg *s = &segs[i];
		printf("  %3zu %8.6f %5u > %5u %s%s%s%s%s seq=%u ack=%u len=%u\n", i + 1,
		       s->t - segs[0].t, s->sport, s->dport, s->flags & F_SYN ? "S" : "",
		       s->flags & F_FIN ? "F" : "", s->flags & F_RST ? "R" : "",
		       s->flags & F_PSH ? "P" : "", s->flags & F_ACK ? "." : "", s->seq, s->ack,
		       s->len);
	}
}

/* Index of the first segment from a side with all of flags set (and none of not), from i. */
static long find(size_t from, int client, unsigned flags, unsigned not )
{
	for (size_t i = from; i < nsegs; i++)
		if ((client < 0 || segs[i].from_client == (client == 1)) &&
		    (segs[i].flags & flags) == flags && !(segs[i].flags & not ))
			return (long)i;
	return -1;
}

static size_t count(int client, unsigned flags, unsigned not )
{
	size_t n = 0;
	for (long i = 0; (i = find((size_t)i, client, flags, not )) >= 0; i++)
		n++;
	return n;
}

static void check_open_three_way(void)
{
	CHECK(nsegs >= 3 && segs[0].flags == F_SYN && segs[0].from_client, "first is client SYN");
	CHECK(nsegs >= 3 && segs[1].flags == (F_SYN | F_ACK) && !segs[1].from_client,
	      "second is server SYN/ACK");
	CHECK(nsegs >= 3 && segs[2].flags == F_ACK && segs[2].from_client, "third is client ACK");
}

static void check(const char *name, const struct sf_lab_result *res)
{
	long cf = find(0, 1, F_FIN, 0), sf = find(0, 0, F_FIN, 0);
	if (!strcmp(name, "handshake") || !strcmp(name, "time-wait")) {
		check_open_three_way();
		CHECK(cf >= 0 && sf > cf, "client FIN, then server FIN");
		CHECK(cf >= 0 && find((size_t)cf, 0, F_ACK, F_FIN) >= 0 &&
		          find((size_t)cf, 0, F_ACK, F_FIN) < sf,
		      "server ACKs the client's FIN on its own before its FIN (four-way)");
		if (!strcmp(name, "handshake"))
			CHECK(count(1, F_PSH, 0) == 2, "two data segments \"a\" and \"b\"");
		else
			CHECK(res->kernel_time_wait, "kernel lists the client in TIME-WAIT");
	} else if (!strcmp(name, "merged-close")) {
		check_open_three_way();
		CHECK(cf >= 0 && sf == find((size_t)cf, 0, 0, 0),
		      "server's first segment after the client FIN is its FIN");
		CHECK(sf >= 0 && (segs[sf].flags & F_ACK) && cf >= 0 &&
		          segs[sf].ack == segs[cf].seq + segs[cf].len + 1,
		      "server FIN acknowledges the client FIN (piggybacked)");
	} else if (!strcmp(name, "half-close")) {
		check_open_three_way();
		long data = cf >= 0 ? find((size_t)cf, 0, F_PSH, 0) : -1;
		CHECK(data >= 0 && data < sf, "server data after the client FIN, before its FIN");
	} else if (!strcmp(name, "reset")) {
		check_open_three_way();
		CHECK(find(0, 1, F_RST, 0) >= 0, "client sends RST");
		CHECK(cf < 0 && sf < 0, "no FIN");
	} else if (!strcmp(name, "refused")) {
		CHECK(nsegs == 2, "two segments");
		CHECK(nsegs >= 1 && segs[0].flags == F_SYN, "SYN");
		CHECK(nsegs >= 2 && segs[1].flags == (F_RST | F_ACK) && !segs[1].from_client,
		      "RST/ACK from the closed port");
	} else if (!strcmp(name, "simultaneous-open")) {
		CHECK(nsegs >= 3 && segs[0].flags == F_SYN && segs[0].from_client, "A's SYN");
		CHECK(nsegs >= 3 && segs[1].flags == F_SYN && !segs[1].from_client,
		      "B's SYN (no ACK): the SYNs cross");
		CHECK(nsegs >= 3 && segs[2].flags == (F_SYN | F_ACK) && segs[2].from_client,
		      "A answers with SYN/ACK");
	} else if (!strcmp(name, "simultaneous-close")) {
		printf("attempts: %u\n", res->attempts);
		CHECK(res->kernel_time_wait, "the kernel produced crossing FINs");
		/* Only the successful attempt's connection was kept (filtered on its port). */
		CHECK(cf >= 0 && sf >= 0, "both FINs");
		if (cf >= 0 && sf >= 0) {
			const struct seg *second = &segs[cf > sf ? cf : sf];
			const struct seg *first = &segs[cf > sf ? sf : cf];
			CHECK(second->ack != first->seq + first->len + 1,
			      "the second FIN does not acknowledge the first: they crossed");
		}
	} else if (!strcmp(name, "syn-retry")) {
		CHECK(count(1, F_SYN, F_ACK) >= 3, "three SYNs from the client");
		long s1 = find(0, 1, F_SYN, F_ACK), s2 = find((size_t)s1 + 1, 1, F_SYN, F_ACK);
		long s3 = s2 >= 0 ? find((size_t)s2 + 1, 1, F_SYN, F_ACK) : -1;
		if (s3 > 0) {
			double g1 = segs[s2].t - segs[s1].t, g2 = segs[s3].t - segs[s2].t;
			printf("SYN gaps: %.3f s, %.3f s\n", g1, g2);
			CHECK(g1 > 0.9 && g1 < 1.5 && g2 > 1.8 && g2 < 2.6, "backoff 1 s then 2 s");
		}
	} else if (!strcmp(name, "lossy")) {
		size_t retx = 0;
		for (size_t i = 0; i < nsegs; i++)
			for (size_t j = 0; segs[i].from_client && segs[i].len && j < i; j++)
				if (segs[j].from_client && segs[j].seq == segs[i].seq &&
				    segs[j].len) {
					retx++;
					break;
				}
		printf("retransmitted segments: %zu of %zu\n", retx, nsegs);
		CHECK(retx > 0, "retransmissions");
		size_t max = 0;
		for (size_t s = 0; s < nsegs; s++) {
			if (segs[s].len) {
				CHECK(segs[s].len <= 1500,
				      "one frame is one segment (offloads off)");
				max = segs[s].len > max ? segs[s].len : max;
			}
		}
		printf("largest segment: %zu bytes\n", max);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || !sf_lab_scenario_find(argv[1])) {
		fprintf(stderr, "usage: lab_wire SCENARIO\n");
		return 2;
	}
	if (geteuid() != 0) {
		printf(
		    "SKIP: live capture and namespaces need root (CAP_NET_RAW, CAP_NET_ADMIN)\n");
		return 77;
	}
	const struct sf_lab_scenario *sc = sf_lab_scenario_find(argv[1]);
	struct sf_lab_env env;
	char err[512];
	if (sf_lab_env_open(&env, sc->needs, 0, err, sizeof(err)) < 0) {
		printf("SKIP: cannot prepare %s: %s\n", sc->name, err);
		return 77;
	}
	int saved, rc = 1;
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc = NULL;
	if (sf_lab_capture_ns_enter(&env, &saved, err, sizeof(err)) == 0) {
		pc = pcap_create(env.capture_iface, perr);
		if (pc) {
			/* Read only at the end: small frames in a large buffer so nothing is
			 * dropped meanwhile (the headers are all this reader needs). */
			pcap_set_snaplen(pc, 128);
			pcap_set_buffer_size(pc, 64 << 20);
			pcap_set_timeout(pc, 50);
			if (pcap_activate(pc) < 0) {
				snprintf(perr, sizeof(perr), "%s", pcap_geterr(pc));
				pcap_close(pc);
				pc = NULL;
			}
		}
		sf_lab_capture_ns_leave(saved);
	}
	if (!pc) {
		printf("FAIL: capture on %s: %s\n", env.capture_iface, perr);
		sf_lab_env_close(&env);
		return 1;
	}
	char wpath[] = "/tmp/synfin-lab-wire-XXXXXX";
	int wfd = mkstemp(wpath);
	struct sf_writer_opts wo = {.format = SF_WRITE_PCAP_NS, .linktype = 1 /* EN10MB */};
	struct sf_writer *w = wfd >= 0 ? sf_writer_open(wpath, &wo, err, sizeof(err)) : NULL;
	struct sf_pipeline_cfg cfg = {.track = false};
	struct sf_pipeline *pl = sf_pipeline_new(&cfg, err, sizeof(err));
	static struct count_sink cs;
	cs.port = env.port;
	struct sf_sink sink = {.self = &cs, .packet = count_packet};
	sf_pipeline_add_sink(pl, &sink);
	struct sf_lab_capture *cap = w ? sf_lab_capture_start(&env, pl, w, err, sizeof(err)) : NULL;
	if (!cap) {
		printf("FAIL: lab capture: %s\n", err);
		failures++;
	}

	struct sf_lab_result res = {0};
	int run = sc->run(&env, &res, err, sizeof(err));
	uint64_t frames = 0, dropped = 0;
	char cerr[256];
	if (cap && sf_lab_capture_stop(cap, 100, &frames, &dropped, cerr, sizeof(cerr)) < 0) {
		printf("FAIL: lab capture: %s\n", cerr);
		failures++;
	}
	size_t in_pipeline = 0;
	for (size_t i = 0; i < cs.n; i++)
		in_pipeline += cs.peer[i] == (res.client_port ? res.client_port : env.port);
	sf_writer_close(w, cerr, sizeof(cerr));
	size_t written = count_file(wpath, res.client_port, env.port);
	unlink(wpath);
	if (wfd >= 0)
		close(wfd);
	sf_pipeline_finish(pl);
	sf_pipeline_free(pl);
	char filter[96];
	/* The filter is applied after the run: only the connection the scenario names. The
	 * ring buffer holds every frame of the interface since activation. */
	snprintf(filter, sizeof(filter), "tcp port %u and tcp port %u", env.port,
	         res.client_port ? res.client_port : env.port);
	struct bpf_program prog;
	uint16_t cport = res.client_port;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0) {
		pcap_setnonblock(pc, 1, perr);
		/* Filtering in user space keeps frames queued before the filter was set. */
		struct pcap_pkthdr *h;
		const u_char *d;
		int n;
		while ((n = pcap_next_ex(pc, &h, &d)) == 1)
			if (pcap_offline_filter(&prog, h, d))
				on_frame((u_char *)&cport, h, d);
		pcap_freecode(&prog);
	}
	pcap_close(pc);
	sf_lab_env_close(&env);

	printf("scenario %s: port %u, client port %u, %zu segments%s%s\n", sc->name, env.port,
	       res.client_port, nsegs, run < 0 ? ", run failed: " : "", run < 0 ? err : "");
	for (unsigned i = 0; i < res.n_notes; i++)
		printf("  note: %s\n", res.notes[i]);
	dump();
	printf("lab capture: %zu segments in the pipeline, %zu in the written file, %llu frames "
	       "received, %llu dropped\n",
	       in_pipeline, written, (unsigned long long)frames, (unsigned long long)dropped);
	if (run == 0) {
		CHECK(in_pipeline == nsegs,
		      "the lab's pipeline saw every segment (%zu, oracle %zu)", in_pipeline, nsegs);
		CHECK(written == nsegs, "the -w file holds every segment (%zu)", written);
		check(sc->name, &res);
		rc = failures ? 1 : 0;
	}
	printf("%s\n", rc == 0 ? "PASS" : "FAIL");
	return rc;
}
