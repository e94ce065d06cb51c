/* synfin tests — the classic pcap record reader (src/io/pcap_file.c), on its two paths: a
 * regular file (mapped) and a pipe (buffered). Every crafted file is read both ways with the
 * values asserted, then compared frame by frame with libpcap 1.10's own reader, which synfin
 * used before and whose behaviour (cuts, errors, timestamps) it keeps; the shared captures are
 * compared with libpcap the same way when present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "helper_capfile.h"
#include "synfin/source.h"

#define MAGIC_US  0xa1b2c3d4u
#define MAGIC_NS  0xa1b23c4du
#define MAGIC_KUZ 0xa1b2cd34u

static uint8_t pkt[70000];

static void hdr(struct capfile *c, bool be, uint32_t magic, uint16_t major, uint16_t minor,
                uint32_t snaplen, uint32_t linktype)
{
	capfile_u32(c, magic, be);
	capfile_u16(c, major, be);
	capfile_u16(c, minor, be);
	capfile_u32(c, 0, be);
	capfile_u32(c, 0, be);
	capfile_u32(c, snaplen, be);
	capfile_u32(c, linktype, be);
}

/* A record; kuz adds the 8 bytes of Kuznetzov's header (ifindex, protocol, pkt_type, pad).
 * data_len bytes of pkt follow, whatever caplen says. */
static void rec(struct capfile *c, bool be, bool kuz, uint32_t sec, uint32_t frac, uint32_t caplen,
                uint32_t len, uint32_t data_len)
{
	capfile_u32(c, sec, be);
	capfile_u32(c, frac, be);
	capfile_u32(c, caplen, be);
	capfile_u32(c, len, be);
	if (kuz) {
		capfile_u32(c, 7, be);
		capfile_u16(c, 0x0800, be);
		capfile_bytes(c, "\x00\x00", 2);
	}
	capfile_bytes(c, pkt, data_len);
}

/* ---- a pipe: the buffered path --------------------------------------------------------- */

struct piped {
	pid_t pid;
	int rfd;
	char path[64];
};

/* A pipe fed by a child writing c in pieces; path names its read end (/proc/self/fd/N). */
static void pipe_start(const struct capfile *c, struct piped *pp)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pp->pid = fork();
	assert_true(pp->pid >= 0);
	if (pp->pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < c->len; off += 4093) {
			size_t n = c->len - off < 4093 ? c->len - off : 4093;
			if (write(fds[1], c->data + off, n) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	pp->rfd = fds[0];
	snprintf(pp->path, sizeof(pp->path), "/proc/self/fd/%d", fds[0]);
}

static void pipe_end(struct piped *pp)
{
	close(pp->rfd); /* a reader that stopped early: the writer gets EPIPE and exits */
	int status;
	assert_int_equal(waitpid(pp->pid, &status, 0), pp->pid);
}

/* Reads c from a file and from a pipe; both must give the same frames, error and frame. */
static void read_both(const struct capfile *c, const char *name, unsigned max,
                      struct capfile_got *g)
{
	char *p = capfile_write(c, capfile_dir, name);
	capfile_read_all(p, 0, max, g);
	struct piped pp;
	pipe_start(c, &pp);
	struct capfile_got *gp = malloc(sizeof(*gp));
	assert_non_null(gp);
	capfile_read_all(pp.path, 0, max, gp);
	pipe_end(&pp);
	assert_int_equal(gp->rc, g->rc);
	assert_int_equal(gp->n, g->n);
	for (unsigned i = 0; i < g->n; i++) {
		assert_int_equal(gp->f[i].caplen, g->f[i].caplen);
		assert_int_equal(gp->f[i].wirelen, g->f[i].wirelen);
		assert_int_equal(gp->f[i].ts_sec, g->f[i].ts_sec);
		assert_int_equal(gp->f[i].ts_nsec, g->f[i].ts_nsec);
		assert_int_equal(gp->first_byte[i], g->first_byte[i]);
	}
	if (g->rc == SF_SRC_ERROR) {
		assert_int_equal(gp->err_frame, g->err_frame);
		/* same reason after the differing names */
		assert_string_equal(gp->err + strlen(pp.path), g->err + strlen(p));
	}
	free(gp);
	free(p);
}

/* ---- libpcap, frame by frame ----------------------------------------------------------- */

/* Link types whose pseudo-headers libpcap byte-swaps in other-endian files (pcap-common.c):
 * the payload bytes may then differ, nothing else. synfin decodes none of them. */
static bool libpcap_swaps_payload(int dlt)
{
	return dlt == DLT_LINUX_SLL || dlt == DLT_PFLOG || dlt == 276 || dlt == 189 || dlt == 220 ||
	       dlt == 239;
}

/* Reads path with libpcap and with synfin in step; asserts equal frames and an equal end. A
 * file synfin refuses at open (reserved link type bits) is not compared. Returns frames. */
static unsigned long same_as_libpcap(const char *path)
{
	char perr[PCAP_ERRBUF_SIZE], err[SF_ERRBUF];
	pcap_t *pc =
	    pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
	struct sf_source *s = sf_source_open_file(path, 0, err, sizeof(err));
	if (!s) {
		if (pc)
			pcap_close(pc);
		return 0;
	}
	assert_non_null(pc);
	bool cmp_data = !pcap_is_swapped(pc) || !libpcap_swaps_payload(pcap_datalink(pc));
	unsigned long n = 0;
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int prc = pcap_next_ex(pc, &h, &d);
		struct sf_frame f;
		enum sf_source_status rc = sf_source_next(s, &f, err, sizeof(err));
		if (prc != 1) {
			if (prc == PCAP_ERROR_BREAK) {
				assert_int_equal(rc, SF_SRC_END);
			} else {
				char want[SF_ERRBUF];
				snprintf(want, sizeof(want), "%s: frame %lu: %s", path, n + 1,
				         pcap_geterr(pc));
				assert_int_equal(rc, SF_SRC_ERROR);
				assert_string_equal(err, want);
			}
			break;
		}
		assert_int_equal(rc, SF_SRC_FRAME);
		n++;
		assert_int_equal(f.caplen, h->caplen);
		assert_int_equal(f.wirelen, h->len);
		/* libpcap sign-extends the seconds of native-order files only; synfin reads
		 * them unsigned in both orders, as the format and Wireshark do */
		assert_int_equal(f.ts_sec, (uint32_t)h->ts.tv_sec);
		assert_int_equal(f.ts_nsec, (uint32_t)h->ts.tv_usec);
		if (cmp_data)
			assert_memory_equal(f.data, d, f.caplen);
	}
	sf_source_close(s);
	pcap_close(pc);
	return n;
}

/* Writes c, asserts the file and pipe readings agree and match libpcap's. */
static void check(const struct capfile *c, const char *name, unsigned max, struct capfile_got *g)
{
	read_both(c, name, max, g);
	char *p = capfile_write(c, capfile_dir, name);
	assert_int_equal(same_as_libpcap(p), g->n);
	free(p);
}

/* ---- format variants ------------------------------------------------------------------- */

static void byte_orders_and_units(bool be, bool nano)
{
	struct capfile c = {0};
	struct capfile_got g;
	hdr(&c, be, nano ? MAGIC_NS : MAGIC_US, 2, 4, 65535, 1);
	rec(&c, be, false, 1700000000, nano ? 123456789 : 123456, 60, 60, 60);
	rec(&c, be, false, 1700000001, nano ? 999999999 : 999999, 20, 1514, 20);
	check(&c, "units.pcap", 4, &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].ts_sec, 1700000000);
	assert_int_equal(g.f[0].ts_nsec, nano ? 123456789 : 123456000);
	assert_int_equal(g.f[1].ts_nsec, nano ? 999999999 : 999999000);
	assert_int_equal(g.f[0].caplen, 60);
	assert_int_equal(g.f[1].caplen, 20);
	assert_int_equal(g.f[1].wirelen, 1514);
	assert_int_equal(g.f[1].file_frame, 2);
	assert_int_equal(g.first_byte[0], pkt[0]);
	capfile_free(&c);
}

static void test_le_usec(void **state)
{
	byte_orders_and_units(false, false);
}

static void test_be_usec(void **state)
{
	byte_orders_and_units(true, false);
}

static void test_le_nsec(void **state)
{
	byte_orders_and_units(false, true);
}

static void test_be_nsec(void **state)
{
	byte_orders_and_units(true, true);
}

/* Seconds are unsigned in both byte orders (2038 and later stay after 1970); fractions are
 * passed on unnormalised, as libpcap does. */
static void test_odd_timestamps(void **state)
{
	for (int be = 0; be < 2; be++) {
		struct capfile c = {0};
		struct capfile_got g;
		hdr(&c, be, MAGIC_US, 2, 4, 65535, 1);
		rec(&c, be, false, 0x90000000u, 2000000, 10, 10, 10);
		rec(&c, be, false, 0xffffffffu, 0xffffffffu, 10, 10, 10);
		check(&c, "odd-ts.pcap", 4, &g);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.f[0].ts_sec, 0x90000000u);
		assert_int_equal(g.f[0].ts_nsec, 2000000000u);
		assert_int_equal(g.f[1].ts_sec, 0xffffffffu);
		assert_int_equal(g.f[1].ts_nsec, 0xffffffffu * 1000u);
		capfile_free(&c);
	}
}

/* Kuznetzov's format: 24-byte record headers; on Ethernet 14 bytes more of snapshot. */
static void test_kuznetzov(void **state)
{
	for (int be = 0; be < 2; be++) {
		struct capfile c = {0};
		struct capfile_got g;
		hdr(&c, be, MAGIC_KUZ, 2, 4, 100, 1);
		rec(&c, be, true, 5, 250, 60, 60, 60);
		rec(&c, be, true, 6, 0, 114, 200, 114); /* snapshot 100 + 14: kept whole */
		rec(&c, be, true, 7, 0, 120, 200, 120); /* cut to 114 */
		check(&c, "kuz.pcap", 4, &g);
		assert_int_equal(g.rc, SF_SRC_END);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.f[0].ts_nsec, 250000);
		assert_int_equal(g.f[0].caplen, 60);
		assert_int_equal(g.first_byte[0], pkt[0]);
		assert_int_equal(g.f[1].caplen, 114);
		assert_int_equal(g.f[2].caplen, 114);
		assert_int_equal(g.f[2].ts_sec, 7);
		capfile_free(&c);
	}
}

/* Before 2.3 len came before caplen; 2.3 files were written both ways. */
static void test_old_versions_exchange_lengths(void **state)
{
	static const uint16_t minors[] = {0, 2, 3};
	for (size_t i = 0; i < 3; i++) {
		struct capfile c = {0};
		struct capfile_got g;
		hdr(&c, false, MAGIC_US, 2, minors[i], 65535, 1);
		rec(&c, false, false, 1, 0, 1514, 40, 40); /* "caplen" 1514, "len" 40 */
		rec(&c, false, false, 2, 0, 30, 30, 30);
		check(&c, "old.pcap", 4, &g);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.f[0].caplen, 40);
		assert_int_equal(g.f[0].wirelen, 1514);
		assert_int_equal(g.f[1].caplen, 30);
		capfile_free(&c);
	}
	/* 2.3 with caplen <= len: as written */
	struct capfile c = {0};
	struct capfile_got g;
	hdr(&c, false, MAGIC_US, 2, 3, 65535, 1);
	rec(&c, false, false, 1, 0, 40, 1514, 40);
	check(&c, "v23.pcap", 4, &g);
	assert_int_equal(g.f[0].caplen, 40);
	assert_int_equal(g.f[0].wirelen, 1514);
	capfile_free(&c);
}

/* ---- lengths --------------------------------------------------------------------------- */

static void test_zero_length_records(void **state)
{
	struct capfile c = {0};
	struct capfile_got g;
	hdr(&c, true, MAGIC_US, 2, 4, 65535, 101);
	rec(&c, true, false, 1, 0, 0, 0, 0);
	rec(&c, true, false, 2, 0, 0, 60, 0);
	rec(&c, true, false, 3, 0, 20, 20, 20);
	check(&c, "zero.pcap", 4, &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.f[0].caplen, 0);
	assert_int_equal(g.f[1].caplen, 0);
	assert_int_equal(g.f[1].wirelen, 60);
	assert_int_equal(g.f[2].caplen, 20);
	assert_int_equal(g.f[2].linktype, 101);
	capfile_free(&c);
}

/* Above the file's snaplen, within 256 KiB: cut to the snaplen, the rest skipped. */
static void test_snaplen_cut(void **state)
{
	struct capfile c = {0};
	struct capfile_got g;
	hdr(&c, false, MAGIC_NS, 2, 4, 96, 1);
	rec(&c, false, false, 1, 0, 1500, 1500, 1500);
	rec(&c, false, false, 2, 0, 64, 64, 64);
	check(&c, "cut.pcap", 4, &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.f[0].caplen, 96);
	assert_int_equal(g.f[0].wirelen, 1500);
	assert_int_equal(g.f[1].caplen, 64);
	assert_int_equal(g.f[1].ts_sec, 2);
	capfile_free(&c);
}

/* Snaplen 0 or above the maximum means 256 KiB; caplen > len is accepted as libpcap does. */
static void test_snaplen_zero_and_huge(void **state)
{
	static const uint32_t snaplens[] = {0, 0x80000000u, 0xffffffffu, 262145};
	for (size_t i = 0; i < 4; i++) {
		struct capfile c = {0};
		struct capfile_got g;
		hdr(&c, false, MAGIC_US, 2, 4, snaplens[i], 1);
		rec(&c, false, false, 1, 0, 70000, 70000, 70000);
		rec(&c, false, false, 2, 0, 80, 60, 80);
		check(&c, "snap0.pcap", 4, &g);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.f[0].caplen, 70000);
		assert_int_equal(g.f[1].caplen, 80);
		assert_int_equal(g.f[1].wirelen, 60);
		capfile_free(&c);
	}
}

static void test_oversize_caplen(void **state)
{
	struct capfile c = {0};
	struct capfile_got g;
	hdr(&c, true, MAGIC_US, 2, 4, 65535, 1);
	rec(&c, true, false, 1, 0, 60, 60, 60);
	rec(&c, true, false, 2, 0, 262145, 262145, 100);
	check(&c, "oversize.pcap", 4, &g);
	assert_int_equal(g.rc, SF_SRC_ERROR);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.err_frame, 2);
	assert_non_null(
	    strstr(g.err, ": frame 2: invalid packet capture length 262145, bigger than snaplen of "
	                  "65535"));
	capfile_free(&c);
	/* Kuznetzov on Ethernet: the snapshot 262144 + 14 lies above the maximum */
	hdr(&c, false, MAGIC_KUZ, 2, 4, 262144, 1);
	rec(&c, false, true, 2, 0, 262150, 262150, 100);
	check(&c, "oversize-kuz.pcap", 4, &g);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(
	    g.err,
	    ": frame 1: invalid packet capture length 262150, bigger than maximum of 262144"));
	capfile_free(&c);
}

/* D-Bus messages may be 128 MiB: libpcap's maximum depends on the link type. */
static void test_dbus_large_record(void **state)
{
	struct capfile c = {0};
	struct capfile_got g;
	uint8_t *big = calloc(1, 300000);
	assert_non_null(big);
	hdr(&c, false, MAGIC_US, 2, 4, 0, 231);
	rec(&c, false, false, 1, 0, 300000, 300000, 0);
	capfile_bytes(&c, big, 300000);
	check(&c, "dbus.pcap", 4, &g);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.f[0].caplen, 300000);
	free(big);
	capfile_free(&c);
}

/* ---- truncated files ------------------------------------------------------------------- */

static void test_truncated_header(void **state)
{
	for (unsigned keep = 1; keep < 16; keep += 7) {
		struct capfile c = {0};
		struct capfile_got g;
		hdr(&c, false, MAGIC_US, 2, 4, 65535, 1);
		rec(&c, false, false, 1, 0, 60, 60, 60);
		rec(&c, false, false, 2, 0, 60, 60, 60);
		c.len -= 76 - keep;
		check(&c, "cut-hdr.pcap", 4, &g);
		assert_int_equal(g.rc, SF_SRC_ERROR);
		assert_int_equal(g.n, 1);
		assert_int_equal(g.err_frame, 2);
		char want[128];
		snprintf(
		    want, sizeof(want),
		    ": frame 2: truncated dump file; tried to read 16 header bytes, only got %u",
		    keep);
		assert_non_null(strstr(g.err, want));
		capfile_free(&c);
	}
}

static void test_truncated_record(void **state)
{
	struct capfile c = {0};
	struct capfile_got g;
	hdr(&c, true, MAGIC_NS, 2, 4, 65535, 1);
	rec(&c, true, false, 1, 0, 60, 60, 60);
	rec(&c, true, false, 2, 0, 60, 60, 60);
	c.len -= 1;
	check(&c, "cut-rec.pcap", 4, &g);
	assert_int_equal(g.rc, SF_SRC_ERROR);
	assert_int_equal(g.n, 1);
	assert_non_null(
	    strstr(g.err, ": frame 2: truncated dump file; tried to read 60 captured bytes, only "
	                  "got 59"));
	capfile_free(&c);
}

/* A record above the snaplen cut short: libpcap names the snapshot when the file ends in its
 * first part, the whole caplen when it ends in the part it skips. */
static void test_truncated_cut_record(void **state)
{
	static const struct {
		uint32_t keep;
		const char *msg;
	} cases[] = {
	    {50, "tried to read 96 captured bytes, only got 50"},
	    {400, "tried to read 1500 captured bytes, only got 400"},
	};
	for (size_t i = 0; i < 2; i++) {
		struct capfile c = {0};
		struct capfile_got g;
		hdr(&c, false, MAGIC_US, 2, 4, 96, 1);
		rec(&c, false, false, 1, 0, 1500, 1500, cases[i].keep);
		check(&c, "cut-snap.pcap", 4, &g);
		assert_int_equal(g.n, 0);
		assert_non_null(strstr(g.err, cases[i].msg));
		capfile_free(&c);
	}
}

/* ---- sources of bytes ------------------------------------------------------------------ */

/* Standard input that is a regular file not at offset 0 (the shell consumed a prefix): the
 * records start where the descriptor stands, mapping or not. */
static void test_stdin_file_at_offset(void **state)
{
	struct capfile c = {0};
	capfile_bytes(&c, "junk", 4);
	hdr(&c, false, MAGIC_US, 2, 4, 65535, 1);
	rec(&c, false, false, 9, 0, 60, 60, 60);
	char *p = capfile_write(&c, capfile_dir, "offset.pcap");
	FILE *fp = fopen(p, "rb");
	assert_non_null(fp);
	int saved = dup(STDIN_FILENO);
	assert_int_equal(dup2(fileno(fp), STDIN_FILENO), STDIN_FILENO);
	assert_int_equal(lseek(STDIN_FILENO, 4, SEEK_SET), 4);
	struct capfile_got g;
	capfile_read_all("-", 0, 4, &g);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	fclose(fp);
	assert_int_equal(g.rc, SF_SRC_END);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.f[0].ts_sec, 9);
	assert_int_equal(g.f[0].caplen, 60);
	free(p);
	capfile_free(&c);
}

/* A mapped file that grows while it is read (a capture still being written): records
 * appended after open are read, as libpcap reading through stdio would read them. */
static void test_mapped_file_grows(void **state)
{
	struct capfile c = {0};
	hdr(&c, false, MAGIC_US, 2, 4, 65535, 1);
	rec(&c, false, false, 1, 0, 60, 60, 60);
	char *p = capfile_write(&c, capfile_dir, "grows.pcap");
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file(p, 0, err, sizeof(err));
	assert_non_null(s);
	struct sf_frame f;
	assert_true(sf_source_frames_persist(s));
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_FRAME);
	const uint8_t *first = f.data; /* kept, as the reading thread keeps frames */
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	struct capfile more = {0};
	rec(&more, false, false, 2, 0, 1000, 1000, 1000);
	FILE *fp = fopen(p, "ab");
	assert_non_null(fp);
	assert_int_equal(fwrite(more.data, 1, more.len, fp), more.len);
	fclose(fp);
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_FRAME);
	assert_int_equal(f.ts_sec, 2);
	assert_int_equal(f.caplen, 1000);
	assert_int_equal(f.file_frame, 2);
	assert_memory_equal(f.data, pkt, 1000);
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	/* the mapping moved when the file grew; the first frame is still there */
	assert_memory_equal(first, pkt, 60);
	sf_source_close(s);
	free(p);
	capfile_free(&more);
	capfile_free(&c);
}

/* Frames of a mapped file stay readable until the source closes, also after the pages
 * behind the read position are given back (every 2 MiB): the reading thread keeps up to 512
 * frames without copying them. 4000 frames of up to 1999 bytes span about 6 MiB. */
static void test_mapped_frames_persist(void **state)
{
	struct capfile c = {0};
	hdr(&c, false, MAGIC_US, 2, 4, 0, 1);
	for (uint32_t i = 0; i < 4000; i++)
		rec(&c, false, false, i, 0, 600 + i % 1400, 600 + i % 1400, 600 + i % 1400);
	char *p = capfile_write(&c, capfile_dir, "persist.pcap");
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file(p, 0, err, sizeof(err));
	assert_non_null(s);
	assert_true(sf_source_frames_persist(s));
	static const uint8_t *kept[4000];
	struct sf_frame f;
	uint32_t n = 0;
	while (sf_source_next(s, &f, err, sizeof(err)) == SF_SRC_FRAME)
		kept[n++] = f.data;
	assert_int_equal(n, 4000);
	for (uint32_t i = 0; i < n; i++)
		assert_memory_equal(kept[i], pkt, 600 + i % 1400);
	sf_source_close(s);
	free(p);
	capfile_free(&c);
}

/* Many records through a pipe: the buffer refills across record boundaries. */
static void test_pipe_many_records(void **state)
{
	struct capfile c = {0};
	hdr(&c, false, MAGIC_US, 2, 4, 0, 1);
	for (uint32_t i = 0; i < 3000; i++)
		rec(&c, false, false, i, 0, 60 + i % 1400, 60 + i % 1400, 60 + i % 1400);
	struct piped pp;
	pipe_start(&c, &pp);
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file(pp.path, 0, err, sizeof(err));
	assert_non_null(s);
	assert_false(sf_source_frames_persist(s)); /* the buffer is reused */
	struct sf_frame f;
	uint32_t n = 0;
	while (sf_source_next(s, &f, err, sizeof(err)) == SF_SRC_FRAME) {
		assert_int_equal(f.ts_sec, n);
		assert_int_equal(f.caplen, 60 + n % 1400);
		assert_memory_equal(f.data, pkt, f.caplen);
		n++;
	}
	assert_int_equal(n, 3000);
	sf_source_close(s);
	pipe_end(&pp);
	capfile_free(&c);
}

/* Every classic pcap of the shared captures reads as libpcap reads it. */
static void test_shared_captures_match_libpcap(void **state)
{
	const char *dir = capfile_shared_dir();
	if (!dir) {
		skip(); /* no ../shared/captures in a user's clone */
		return;
	}
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "find '%s' -type f | sort", dir);
	FILE *ls = popen(cmd, "r");
	assert_non_null(ls);
	char path[4096];
	unsigned files = 0;
	while (fgets(path, sizeof(path), ls)) {
		path[strcspn(path, "\n")] = '\0';
		FILE *fp = fopen(path, "rb");
		uint8_t m[4] = {0};
		size_t got = fp ? fread(m, 1, 4, fp) : 0;
		if (fp)
			fclose(fp);
		bool pcap =
		    got == 4 && ((m[0] == 0xa1 && m[1] == 0xb2) || (m[2] == 0xb2 && m[3] == 0xa1));
		if (!pcap)
			continue;
		same_as_libpcap(path);
		files++;
	}
	pclose(ls);
	assert_true(files > 50);
}

static int setup(void **state)
{
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + 0x45);
	return capfile_setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_le_usec),
	    cmocka_unit_test(test_be_usec),
	    cmocka_unit_test(test_le_nsec),
	    cmocka_unit_test(test_be_nsec),
	    cmocka_unit_test(test_odd_timestamps),
	    cmocka_unit_test(test_kuznetzov),
	    cmocka_unit_test(test_old_versions_exchange_lengths),
	    cmocka_unit_test(test_zero_length_records),
	    cmocka_unit_test(test_snaplen_cut),
	    cmocka_unit_test(test_snaplen_zero_and_huge),
	    cmocka_unit_test(test_oversize_caplen),
	    cmocka_unit_test(test_dbus_large_record),
	    cmocka_unit_test(test_truncated_header),
	    cmocka_unit_test(test_truncated_record),
	    cmocka_unit_test(test_truncated_cut_record),
	    cmocka_unit_test(test_stdin_file_at_offset),
	    cmocka_unit_test(test_mapped_file_grows),
	    cmocka_unit_test(test_mapped_frames_persist),
	    cmocka_unit_test(test_pipe_many_records),
	    cmocka_unit_test(test_shared_captures_match_libpcap),
	};
	return cmocka_run_group_tests(tests, setup, capfile_teardown);
}
