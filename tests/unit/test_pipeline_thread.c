/* The reading thread (src/core/reader.h) changes nothing a sink sees: every packet, in the same
 * order, with the same tracking and analysis, the same connections ending in the same order,
 * and the same notice (file and frame) when a file breaks partway. Each case runs a file with
 * read_thread off and on and compares digests of everything the sink received. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helper_pipe.h"
#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/writer.h"

/* A running digest (FNV-1a) of what the sink saw, with counts. */
struct seen {
	uint64_t h;
	unsigned packets, conns, notices;
	uint64_t notice_frame;
};

static void mix(struct seen *s, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		s->h = (s->h ^ b[i]) * 0x100000001b3ull;
}

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct seen *s = self;
	s->packets++;
	uint64_t fr = v->pkt->frame->number;
	mix(s, &fr, sizeof(fr));
	mix(s, &v->pkt->frame->caplen, sizeof(v->pkt->frame->caplen));
	if (v->pkt->frame->caplen)
		mix(s, v->pkt->frame->data, v->pkt->frame->caplen);
	if (v->conn) {
		mix(s, &v->conn->stream, sizeof(v->conn->stream));
		mix(s, &v->trk->rel_seq, sizeof(v->trk->rel_seq));
		mix(s, &v->trk->rel_ack, sizeof(v->trk->rel_ack));
		mix(s, v->conn->state, sizeof(v->conn->state));
	}
	if (v->ana)
		mix(s, &v->ana->flags, sizeof(v->ana->flags));
}

static void on_final(void *self, const struct sf_conn_view *cv)
{
	struct seen *s = self;
	s->conns++;
	mix(s, &cv->conn->stream, sizeof(cv->conn->stream));
	mix(s, cv->conn->history, sizeof(cv->conn->history));
	mix(s, &cv->conn->close_kind, sizeof(cv->conn->close_kind));
}

static void on_notice(void *self, const struct sf_notice *n)
{
	struct seen *s = self;
	s->notices++;
	s->notice_frame = n->frame;
	mix(s, n->text, strlen(n->text));
}

static struct seen run(const char *path, bool threaded)
{
	struct seen s = {.h = 0xcbf29ce484222325ull};
	struct sf_sink sink = {
	    .self = &s, .packet = on_packet, .conn_final = on_final, .notice = on_notice};
	struct sf_pipeline_cfg cfg = {.track = true, .analyse = true, .read_thread = threaded};
	assert_true(hpipe_run_file(&cfg, &sink, path, NULL));
	return s;
}

static void fixture(char *out, size_t len, const char *name)
{
	const char *here = __FILE__, *slash = strrchr(here, '/');
	int dir = slash ? (int)(slash - here) : 1;
	snprintf(out, len, "%.*s/../golden/captures/%s", dir, slash ? here : ".", name);
}

static void same(const char *path, unsigned min_packets)
{
	struct seen a = run(path, false), b = run(path, true);
	assert_true(a.packets >= min_packets);
	assert_int_equal(a.packets, b.packets);
	assert_int_equal(a.conns, b.conns);
	assert_int_equal(a.notices, b.notices);
	assert_int_equal(a.notice_frame, b.notice_frame);
	assert_true(a.h == b.h);
}

static void test_small_captures(void **state)
{
	(void)state;
	static const char *const names[] = {"views-loss.pcap", "views-time-wait-late.pcap",
	                                    "views-simultaneous-open.pcap", "ana-fields.pcap",
	                                    "pcapng-multi-interface.pcapng"};
	char path[1024];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fixture(path, sizeof(path), names[i]);
		same(path, 1);
	}
}

/* A file broken partway: the same frames before the break, the same notice naming it. */
static void test_broken_file(void **state)
{
	(void)state;
	char path[1024];
	fixture(path, sizeof(path), "crafted-cut-short.pcap");
	struct seen a = run(path, false), b = run(path, true);
	assert_true(a.notices >= 1);
	assert_int_equal(a.notice_frame, b.notice_frame);
	assert_int_equal(a.packets, b.packets);
	assert_true(a.h == b.h);
}

/* Many more frames than the ring holds, of varied sizes, across many connections: the
 * consumer waits on the reader and the reader on the consumer many times over. */
static void test_many_frames(void **state)
{
	(void)state;
	char path[] = "/tmp/synfin-thread-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[256];
	struct sf_writer_opts o = {.format = SF_WRITE_PCAP, .linktype = 1};
	struct sf_writer *w = sf_writer_open(path, &o, err, sizeof(err));
	assert_non_null(w);
	uint8_t f[14 + 20 + 20 + 1400];
	for (unsigned i = 0; i < 20000; i++) {
		unsigned len = (i * 37) % 1400, conn = i % 97;
		memset(f, 0, sizeof(f));
		f[12] = 0x08;
		uint8_t *ip = f + 14, *tcp = ip + 20;
		ip[0] = 0x45;
		ip[2] = (uint8_t)((40 + len) >> 8);
		ip[3] = (uint8_t)(40 + len);
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
		bool fwd = (i / 97) % 2 == 0;
		uint16_t cport = (uint16_t)(20000 + conn);
		tcp[0] = (uint8_t)((fwd ? cport : 80) >> 8), tcp[1] = (uint8_t)(fwd ? cport : 80);
		tcp[2] = (uint8_t)((fwd ? 80 : cport) >> 8), tcp[3] = (uint8_t)(fwd ? 80 : cport);
		uint32_t seq = 1000 + i * 10;
		tcp[4] = (uint8_t)(seq >> 24), tcp[5] = (uint8_t)(seq >> 16);
		tcp[6] = (uint8_t)(seq >> 8), tcp[7] = (uint8_t)seq;
		tcp[12] = 0x50;
		tcp[13] = i < 97 ? 0x02 : 0x18; /* SYN first, then PSH+ACK */
		tcp[14] = 0xff;
		struct sf_frame fr = {.data = f,
		                      .caplen = 54 + len,
		                      .wirelen = 54 + len,
		                      .ts_sec = 1700000000 + i / 1000,
		                      .ts_nsec = (i % 1000) * 1000000u,
		                      .linktype = 1};
		assert_int_equal(sf_writer_write(w, &fr, err, sizeof(err)), 0);
	}
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);
	same(path, 20000);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_captures),
	    cmocka_unit_test(test_broken_file),
	    cmocka_unit_test(test_many_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
