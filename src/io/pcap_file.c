/* synfin — classic pcap files, read by libpcap.
 *
 * We check the 24-byte file header ourselves first, for errors that say what is wrong
 * ("unsupported pcap version 3.0") and to keep the file's own LINKTYPE value (libpcap hands
 * back DLT values: LINKTYPE_RAW 101 becomes DLT_RAW 12). libpcap then reads the records
 * through a FILE* that replays the header bytes already taken from the descriptor
 * (fopencookie), so pipes and standard input stream without seeking.
 *
 * Timestamps: the handle is opened with PCAP_TSTAMP_PRECISION_NANO, so libpcap scales
 * microsecond files and delivers nanoseconds in tv_usec for both kinds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/source_priv.h"

#define PCAP_HDR_LEN 24
#define STDIO_BUF    (1u << 20)

struct replay {
	int fd;
	bool own_fd;
	uint8_t pre[PCAP_HDR_LEN];
	size_t n, pos;
};

static ssize_t replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *r = cookie;
	if (r->pos < r->n) {
		size_t k = r->n - r->pos < size ? r->n - r->pos : size;
		memcpy(buf, r->pre + r->pos, k);
		r->pos += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t k = read(r->fd, buf, size);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

static int replay_close(void *cookie)
{
	struct replay *r = cookie;
	int rc = r->own_fd ? close(r->fd) : 0;
	free(r);
	return rc;
}

/* Checks the file header; fills linktype and snaplen. Returns -1 with "<file>: reason". */
static int check_header(struct sf_source *s, const uint8_t *h, size_t hlen, char *err,
                        size_t errlen)
{
	if (hlen < PCAP_HDR_LEN) {
		snprintf(err, errlen, "%s: truncated pcap file header (%zu of %d bytes)", s->name,
		         hlen, PCAP_HDR_LEN);
		return -1;
	}
	uint32_t magic;
	memcpy(&magic, h, 4);
	/* Host-order read of the magic gives the value with its high byte 0xa1 when the file
	 * was written in our byte order. */
	bool swap = (magic >> 24) != 0xa1 && (magic & 0xff) == 0xa1;
	unsigned major = sf_rd16(h + 4, swap), minor = sf_rd16(h + 6, swap);
	/* Version 2.4 since 1998; libpcap also reads 2.0–2.3 files (with old quirks). */
	if (major != 2 || minor > 4) {
		snprintf(err, errlen, "%s: unsupported pcap version %u.%u", s->name, major, minor);
		return -1;
	}
	s->snaplen = sf_rd32(h + 16, swap);
	uint32_t lt = sf_rd32(h + 20, swap);
	/* Bits 16-25 are reserved and must be 0 (pcap file format, draft-ietf-opsawg-pcap);
	 * Wireshark refuses such files, libpcap 1.10 reads a nonsense link type. */
	if (lt & 0x03ff0000u) {
		snprintf(err, errlen, "%s: link type field has reserved bits set (0x%08x)", s->name,
		         (unsigned)lt);
		return -1;
	}
	s->linktype = (int)(lt & 0xffffu);
	return 0;
}

int sf_pcap_open(struct sf_source *s, int fd, bool own_fd, const uint8_t *hdr, size_t hlen,
                 char *err, size_t errlen)
{
	if (check_header(s, hdr, hlen, err, errlen) < 0)
		goto fail_fd;
	struct replay *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", s->name);
		goto fail_fd;
	}
	r->fd = fd;
	r->own_fd = own_fd;
	memcpy(r->pre, hdr, hlen);
	r->n = hlen;
	cookie_io_functions_t io = {.read = replay_read, .close = replay_close};
	FILE *fp = fopencookie(r, "r", io);
	if (!fp) {
		free(r);
		snprintf(err, errlen, "%s: %s", s->name, strerror(errno));
		goto fail_fd;
	}
	/* A large stdio buffer: libpcap freads each record header and body separately. */
	setvbuf(fp, NULL, _IOFBF, STDIO_BUF);
	char perr[PCAP_ERRBUF_SIZE] = "";
	s->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!s->pcap) {
		fclose(fp); /* closes the descriptor through replay_close */
		snprintf(err, errlen, "%s: %s", s->name, perr);
		return -1;
	}
	return 0;

fail_fd:
	if (own_fd)
		close(fd);
	return -1;
}

enum sf_source_status sf_pcap_next(struct sf_source *s, struct sf_frame *f, char *err,
                                   size_t errlen)
{
	for (;;) {
		if (s->stop) /* sf_source_break(): a user's interrupt ends a long file too */
			return SF_SRC_END;
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(s->pcap, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			return SF_SRC_END;
		if (rc != 1)
			return sf_src_fail(s, f, err, errlen, "%s", pcap_geterr(s->pcap));
		uint64_t n = s->frames + 1;
		f->data = data;
		f->caplen = h->caplen;
		f->wirelen = h->len;
		f->ts_sec = h->ts.tv_sec;
		f->ts_nsec = (uint32_t)h->ts.tv_usec; /* nanoseconds: see the header comment */
		f->linktype = s->linktype;
		f->ifindex = 0;
		f->file_index = s->file_index;
		f->file_frame = n;
		f->number = 0;
		int m = 1;
		if (s->bpf.expr) {
			char why[SF_ERRBUF];
			m = sf_bpf_file_match(s, f, why, sizeof(why));
			if (m < 0)
				return sf_src_fail(s, f, err, errlen, "%s", why);
		}
		s->frames = n; /* frames a capture filter drops keep their number in the file */
		if (m == 0)
			continue;
		return SF_SRC_FRAME;
	}
}
