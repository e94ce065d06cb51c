/* Unit tests of the capture writer: what it writes is read back with libpcap (and, for
 * pcapng with several link types, which libpcap 1.10 refuses, with tshark when installed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "synfin/writer.h"

#define N_FRAMES 3000

struct fixture {
	char path[64];
	uint8_t big[300000]; /* larger than the writer's buffer */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	strcpy(fx->path, "/tmp/sf_writer_XXXXXX");
	int fd = mkstemp(fx->path);
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(fx->big); i++)
		fx->big[i] = (uint8_t)(i * 7 + 3);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	unlink(fx->path);
	free(fx);
	return 0;
}

/* Frame i: length 1 + (i * 37) % 1500 (1 to 1500 bytes, so buffer edges fall mid-record),
 * bytes derived from i, timestamp with every nanosecond digit used. */
static uint32_t frame_len(unsigned i)
{
	return 1 + (i * 37u) % 1500u;
}

static void make_frame(struct sf_frame *f, uint8_t *bytes, unsigned i, int linktype)
{
	uint32_t len = frame_len(i);
	for (uint32_t k = 0; k < len; k++)
		bytes[k] = (uint8_t)(i + k * 13);
	memset(f, 0, sizeof(*f));
	f->data = bytes;
	f->caplen = len;
	f->wirelen = len + (i % 3) * 100; /* some frames were cut short by the capture */
	f->ts_sec = 1700000000 + i;
	f->ts_nsec = (uint32_t)((i * 123456789u) % 1000000000u);
	f->linktype = linktype;
}

static void write_frames(const char *path, enum sf_write_format fmt, unsigned n)
{
	char err[256] = "";
	struct sf_writer_opts o = {.format = fmt, .linktype = DLT_EN10MB, .snaplen = 0};
	struct sf_writer *w = sf_writer_open(path, &o, err, sizeof(err));
	assert_non_null(w);
	uint8_t bytes[1500];
	struct sf_frame f;
	for (unsigned i = 0; i < n; i++) {
		make_frame(&f, bytes, i, DLT_EN10MB);
		assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), 0);
	}
	assert_int_equal(sf_writer_frames(w), n);
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);
}

/* Reads every frame back and compares bytes, lengths and timestamps at the given precision. */
static void check_frames(pcap_t *pc, unsigned n, bool nano)
{
	uint8_t want[1500];
	struct sf_frame f;
	struct pcap_pkthdr *h;
	const u_char *data;
	assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
	assert_int_equal(pcap_snapshot(pc), 262144);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
		make_frame(&f, want, i, DLT_EN10MB);
		assert_int_equal(h->caplen, f.caplen);
		assert_int_equal(h->len, f.wirelen);
		assert_int_equal(h->ts.tv_sec, f.ts_sec);
		assert_int_equal(h->ts.tv_usec, nano ? f.ts_nsec : f.ts_nsec / 1000);
		assert_memory_equal(data, want, f.caplen);
	}
	assert_int_equal(pcap_next_ex(pc, &h, &data), PCAP_ERROR_BREAK);
}

static void read_back(const char *path, unsigned n, bool nano)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(
	    path, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!pc)
		fail_msg("libpcap cannot read %s: %s", path, perr);
	check_frames(pc, n, nano);
	pcap_close(pc);
}

static void test_pcap_micro(void **state)
{
	struct fixture *fx = *state;
	write_frames(fx->path, SF_WRITE_PCAP, N_FRAMES);
	read_back(fx->path, N_FRAMES, false);
	/* The magic says microseconds: asking libpcap for nanoseconds scales, never invents. */
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc =
	    pcap_open_offline_with_tstamp_precision(fx->path, PCAP_TSTAMP_PRECISION_NANO, perr);
	assert_non_null(pc);
	struct pcap_pkthdr *h;
	const u_char *data;
	assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
	assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
	assert_int_equal(h->ts.tv_usec, (123456789u / 1000u) * 1000u);
	pcap_close(pc);
}

static void test_pcap_nano(void **state)
{
	struct fixture *fx = *state;
	write_frames(fx->path, SF_WRITE_PCAP_NS, N_FRAMES);
	read_back(fx->path, N_FRAMES, true);
}

static void test_pcapng_one_linktype(void **state)
{
	struct fixture *fx = *state;
	write_frames(fx->path, SF_WRITE_PCAPNG, N_FRAMES);
	read_back(fx->path, N_FRAMES, true);
}

/* A FILE* writer (the lab's -w -), snaplen cut and a frame larger than the whole buffer. */
static void test_stream_snaplen_big_frame(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";
	FILE *fp = tmpfile();
	assert_non_null(fp);
	struct sf_writer_opts o = {.format = SF_WRITE_PCAP_NS, .linktype = DLT_RAW, .snaplen = 100};
	struct sf_writer *w = sf_writer_open_fp(fp, &o, err, sizeof(err));
	assert_non_null(w);
	struct sf_frame f = {.data = fx->big,
	                     .caplen = 1000,
	                     .wirelen = 1000,
	                     .ts_sec = 5,
	                     .ts_nsec = 999999999,
	                     .linktype = DLT_RAW};
	assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), 0);
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);

	rewind(fp);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_RAW);
	assert_int_equal(pcap_snapshot(pc), 100);
	struct pcap_pkthdr *h;
	const u_char *data;
	assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
	assert_int_equal(h->caplen, 100);
	assert_int_equal(h->len, 1000);
	assert_int_equal(h->ts.tv_sec, 5);
	assert_int_equal(h->ts.tv_usec, 999999999);
	assert_memory_equal(data, fx->big, 100);
	pcap_close(pc); /* closes fp */

	/* 300000 bytes: more than the writer's buffer, written straight through, in order. */
	o = (struct sf_writer_opts){.format = SF_WRITE_PCAPNG, .snaplen = 400000};
	w = sf_writer_open(fx->path, &o, err, sizeof(err));
	assert_non_null(w);
	uint8_t small[4] = {1, 2, 3, 4};
	struct sf_frame a = {.data = small, .caplen = 4, .wirelen = 4, .linktype = DLT_EN10MB};
	struct sf_frame b = {.data = fx->big,
	                     .caplen = sizeof(fx->big),
	                     .wirelen = sizeof(fx->big),
	                     .ts_sec = 1,
	                     .linktype = DLT_EN10MB};
	assert_int_equal(sf_writer_write(w, &a, err, sizeof(err)), 0);
	assert_int_equal(sf_writer_write(w, &b, err, sizeof(err)), 0);
	assert_int_equal(sf_writer_write(w, &a, err, sizeof(err)), 0);
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);
	pc = pcap_open_offline_with_tstamp_precision(fx->path, PCAP_TSTAMP_PRECISION_NANO, perr);
	assert_non_null(pc);
	assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
	assert_memory_equal(data, small, 4);
	assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
	assert_int_equal(h->caplen, sizeof(fx->big));
	assert_memory_equal(data, fx->big, sizeof(fx->big));
	assert_int_equal(pcap_next_ex(pc, &h, &data), 1);
	assert_memory_equal(data, small, 4);
	assert_int_equal(pcap_next_ex(pc, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(pc);
}

static void test_errors(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";
	struct sf_writer_opts o = {.format = SF_WRITE_PCAP, .linktype = DLT_EN10MB};

	assert_null(sf_writer_open("/nonexistent-dir/x.pcap", &o, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcap"));

	struct sf_writer *w = sf_writer_open(fx->path, &o, err, sizeof(err));
	assert_non_null(w);
	uint8_t b[1] = {0};
	struct sf_frame f = {.data = b, .caplen = 1, .wirelen = 1, .linktype = DLT_RAW};
	assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "link type"));
	f.linktype = DLT_EN10MB;
	f.ts_nsec = 1000000000u;
	assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), -1);
	f.ts_nsec = 0;
	f.ts_sec = -1;
	assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), -1);
	f.ts_sec = (int64_t)UINT32_MAX + 1;
	assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), -1);
	assert_int_equal(sf_writer_frames(w), 0);
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);

	o.format = SF_WRITE_PCAPNG;
	w = sf_writer_open(fx->path, &o, err, sizeof(err));
	assert_non_null(w);
	for (int lt = 1; lt <= SF_WRITER_MAX_IFACES; lt++) {
		f.linktype = lt;
		assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), 0);
	}
	f.linktype = 200;
	assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "link types"));
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);
	assert_int_equal(sf_writer_close(NULL, err, sizeof(err)), 0);
}

/* pcapng with Ethernet and raw-IP frames interleaved: two IDBs, each EPB names its own. */
static void test_pcapng_two_linktypes(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";
	struct sf_writer_opts o = {.format = SF_WRITE_PCAPNG};
	struct sf_writer *w = sf_writer_open(fx->path, &o, err, sizeof(err));
	assert_non_null(w);
	uint8_t bytes[1500];
	struct sf_frame f;
	for (unsigned i = 0; i < 6; i++) {
		make_frame(&f, bytes, i, i % 2 ? DLT_RAW : DLT_EN10MB);
		assert_int_equal(sf_writer_write(w, &f, err, sizeof(err)), 0);
	}
	assert_int_equal(sf_writer_close(w, err, sizeof(err)), 0);

	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		print_message("tshark not installed: pcapng multi-interface read-back skipped\n");
		skip();
	}
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
	         "tshark -r %s -T fields -e frame.interface_id -e frame.time_epoch "
	         "-e frame.cap_len -e frame.len -e frame.encap_type 2>/dev/null",
	         fx->path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[256];
	unsigned i = 0;
	while (fgets(line, sizeof(line), p)) {
		make_frame(&f, bytes, i, 0);
		unsigned ifid, cap, len, encap;
		long long sec;
		unsigned nsec;
		assert_int_equal(
		    sscanf(line, "%u\t%lld.%u\t%u\t%u\t%u", &ifid, &sec, &nsec, &cap, &len, &encap),
		    6);
		assert_int_equal(ifid, i % 2);
		assert_int_equal(sec, f.ts_sec);
		assert_int_equal(nsec, f.ts_nsec);
		assert_int_equal(cap, f.caplen);
		assert_int_equal(len, f.wirelen);
		assert_int_equal(encap, i % 2 ? 7 : 1); /* WTAP_ENCAP_RAW_IP, WTAP_ENCAP_ETHERNET */
		i++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(i, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pcap_micro, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pcap_nano, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pcapng_one_linktype, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stream_snaplen_big_frame, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pcapng_two_linktypes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
