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

#include "core/reader.h"
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

/* Writes a capture (format: SF_WRITE_*) of n frames of varied sizes across 97 connections (SYNs
 * first) at path. */
static void write_frames_as(const char *path, unsigned n, enum sf_write_format format)
{
	char err[256];
	struct sf_writer_opts o = {.format = format, .linktype = 1};
	struct sf_writer *w = sf_writer_open(path, &o, err, sizeof(err));
	assert_non_null(w);
	uint8_t f[14 + 20 + 20 + 1400];
	for (unsigned i = 0; i < n; i++) {
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
}

static void write_frames(const char *path, unsigned n)
{
	write_frames_as(path, n, SF_WRITE_PCAP);
}

static void temp_path(char *path)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

/* Many more frames than the ring holds, of varied sizes, across many connections: the
 * consumer waits on the reader and the reader on the consumer many times over. In a pcap file
 * the frames stay in the mapped file (the deep ring); in a pcapng file they are copied into
 * the ring's items (the shallow ring). */
static void test_many_frames(void **state)
{
	(void)state;
	static const enum sf_write_format formats[] = {SF_WRITE_PCAP, SF_WRITE_PCAPNG};
	for (size_t i = 0; i < 2; i++) {
		char path[] = "/tmp/synfin-thread-XXXXXX";
		temp_path(path);
		write_frames_as(path, 20000, formats[i]);
		same(path, 20000);
		unlink(path);
	}
}

/* Reads every frame the reader has, checking that they are frames 1 … frames in order, then
 * checks that it ends with the file and closes its source. */
static void end_reader(struct sf_reader *rd, struct sf_source *src, uint64_t frames)
{
	uint64_t next = 1;
	size_t n;
	while ((n = sf_reader_wait(rd)) != 0) {
		for (size_t k = 0; k < n; k++)
			assert_int_equal(sf_reader_at(rd, k)->f.file_frame, next++);
		sf_reader_done(rd, n);
	}
	char err[256];
	struct sf_frame f;
	assert_int_equal(sf_reader_finish(rd, &f, err, sizeof(err), NULL), SF_SRC_END);
	assert_int_equal(next, frames + 1);
	sf_source_close(src);
}

static struct sf_reader *start_reader(const char *path, struct sf_source **src)
{
	char err[256];
	*src = sf_source_open_file(path, 0, err, sizeof(err));
	assert_non_null(*src);
	struct sf_reader *rd = sf_reader_start(*src, NULL, NULL);
	assert_non_null(rd);
	return rd;
}

/* Page requests (sf_reader_ask) are taken while the ring is full: a consumer that reads
 * nothing for a while gets many more taken than the few that can wait, and the memory they
 * name keeps every byte. Requests never change a frame. */
static void test_asks_taken_while_full(void **state)
{
	(void)state;
	char path[] = "/tmp/synfin-asks-XXXXXX";
	temp_path(path);
	write_frames(path, 5000);
	struct sf_source *src;
	struct sf_reader *rd = start_reader(path, &src);
	enum { BYTES = 4 << 20 };
	uint8_t *mem = malloc(BYTES);
	assert_non_null(mem);
	for (size_t i = 0; i < BYTES; i += 4096)
		mem[i] = (uint8_t)(i >> 12);
	unsigned taken = 0;
	for (unsigned tries = 0; taken < 200 && tries < 20000000; tries++)
		if (sf_reader_ask(rd, mem + (taken % 64) * 4096 + 17, 3 * 4096))
			taken++;
	assert_int_equal(taken, 200);
	for (size_t i = 0; i < BYTES; i += 4096)
		assert_int_equal(mem[i], (uint8_t)(i >> 12));
	end_reader(rd, src, 5000);
	free(mem);
	unlink(path);
}

/* A ring that never fills takes no request: the few that fit wait, the next is refused, and
 * the reader ends as usual. */
static void test_asks_bounded(void **state)
{
	(void)state;
	char path[] = "/tmp/synfin-asks-XXXXXX";
	temp_path(path);
	write_frames(path, 100);
	struct sf_source *src;
	struct sf_reader *rd = start_reader(path, &src);
	static uint8_t mem[4096];
	unsigned taken = 0;
	while (taken < 1000 && sf_reader_ask(rd, mem, sizeof(mem)))
		taken++;
	assert_true(taken > 0 && taken < 1000);
	end_reader(rd, src, 100);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_captures), cmocka_unit_test(test_broken_file),
	    cmocka_unit_test(test_many_frames),    cmocka_unit_test(test_asks_taken_while_full),
	    cmocka_unit_test(test_asks_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
