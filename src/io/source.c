/* synfin — sources: open a capture file (pcap, pcapng, stdin) or a live interface, yield frames.
 *
 * The format is told by the first four bytes, read once from the descriptor and handed on to
 * the reader, so standard input and pipes work without seeking or temporary files:
 *   pcapng (0x0A0D0D0A) → our block reader (pcapng.c), because libpcap 1.10 refuses files whose
 *                         interfaces differ in link type or snaplen;
 *   pcap magics         → our record reader (pcap_file.c): a regular file is mapped and frames
 *                         point into the mapping; a pipe is read through a buffer (rdbuf.h).
 * libpcap is used for live capture and to compile BPF capture filters, not to read files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/source_priv.h"

#define PCAPNG_SHB_TYPE 0x0A0D0D0Au

enum sf_source_status sf_src_fail(struct sf_source *s, struct sf_frame *f, char *err, size_t errlen,
                                  const char *fmt, ...)
{
	char reason[SF_ERRBUF];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	uint64_t n = s->frames + 1;
	f->file_frame = n;
	f->file_index = s->file_index;
	snprintf(err, errlen, "%s: frame %llu: %s", s->name, (unsigned long long)n, reason);
	return SF_SRC_ERROR;
}

static bool is_pcap_magic(const uint8_t m[4])
{
	static const uint8_t magics[][4] = {
	    {0xa1, 0xb2, 0xc3, 0xd4}, /* microseconds, big endian */
	    {0xd4, 0xc3, 0xb2, 0xa1}, /* microseconds, little endian */
	    {0xa1, 0xb2, 0x3c, 0x4d}, /* nanoseconds, big endian */
	    {0x4d, 0x3c, 0xb2, 0xa1}, /* nanoseconds, little endian */
	    {0xa1, 0xb2, 0xcd, 0x34}, /* Kuznetzov's modified pcap, as libpcap reads it */
	    {0x34, 0xcd, 0xb2, 0xa1},
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(m, magics[i], 4) == 0)
			return true;
	return false;
}

static struct sf_source *new_source(const char *name, enum sf_file_format fmt, uint32_t idx)
{
	struct sf_source *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(name);
	if (!s->name) {
		free(s);
		return NULL;
	}
	s->fmt = fmt;
	s->file_index = idx;
	s->linktype = -1;
	s->ng.first_linktype = -1;
	return s;
}

struct sf_source *sf_source_open_file(const char *path, uint32_t file_index, char *err,
                                      size_t errlen)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* 24 bytes: a pcap file header, and more than the 12 a pcapng reader needs to start. */
	uint8_t hdr[24];
	long got = sf_read_full(fd, hdr, sizeof(hdr));
	if (got < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail_fd;
	}
	if (got < 4) {
		snprintf(err, errlen, "%s: not a pcap or pcapng file (%s)", path,
		         got == 0 ? "empty" : "shorter than a file header");
		goto fail_fd;
	}
	uint32_t magic_be =
	    (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	enum sf_file_format fmt;
	if (magic_be == PCAPNG_SHB_TYPE)
		fmt = SF_FMT_PCAPNG;
	else if (is_pcap_magic(hdr))
		fmt = SF_FMT_PCAP;
	else {
		snprintf(err, errlen, "%s: not a pcap or pcapng file (magic 0x%08x)", path,
		         (unsigned)magic_be);
		goto fail_fd;
	}
	struct sf_source *s = new_source(path, fmt, file_index);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail_fd;
	}
	struct stat st;
	s->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	int rc = fmt == SF_FMT_PCAPNG
	             ? sf_pcapng_open(s, fd, !is_stdin, hdr, (size_t)got, err, errlen)
	             : sf_pcap_open(s, fd, !is_stdin, hdr, (size_t)got, err, errlen);
	if (rc < 0) {
		/* The reader has taken the descriptor over (and closed it) in every case. */
		free(s->name);
		free(s);
		return NULL;
	}
	return s;

fail_fd:
	if (!is_stdin)
		close(fd);
	return NULL;
}

enum sf_source_status sf_source_next(struct sf_source *s, struct sf_frame *f, char *err,
                                     size_t errlen)
{
	switch (s->fmt) {
	case SF_FMT_PCAP:
		return sf_pcap_next(s, f, err, errlen);
	case SF_FMT_PCAPNG:
		return sf_pcapng_next(s, f, err, errlen);
	case SF_FMT_LIVE:
		return sf_live_next(s, f, err, errlen);
	}
	return sf_src_fail(s, f, err, errlen, "unknown source format");
}

int sf_source_set_bpf(struct sf_source *s, const char *expr, char *err, size_t errlen)
{
	if (s->fmt == SF_FMT_LIVE)
		return sf_live_set_bpf(s, expr, err, errlen);
	return sf_bpf_file_set(s, expr, err, errlen);
}

void sf_source_break(struct sf_source *s)
{
	/* Both are async-signal-safe: a store to a sig_atomic_t, and pcap_breakloop (a flag plus,
	 * on Linux, a write to an eventfd that wakes a blocked poll). */
	s->stop = 1;
	if (s->fmt == SF_FMT_LIVE && s->pcap)
		pcap_breakloop(s->pcap);
}

int sf_source_stats(struct sf_source *s, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop)
{
	struct pcap_stat st;
	if (s->fmt != SF_FMT_LIVE || !s->pcap || pcap_stats(s->pcap, &st) < 0)
		return -1;
	*recv = st.ps_recv;
	*drop = st.ps_drop;
	*ifdrop = st.ps_ifdrop;
	return 0;
}

/* A pipeline that reads a few frames ahead (to fetch their connections' memory early) must not
 * do it on a pipe fed a packet at a time (tcpdump -U -w - | synfin packets -): the frames
 * already captured would wait for later ones. So reading ahead is kept to regular files. */
bool sf_source_is_regular_file(const struct sf_source *s)
{
	return s->regular;
}

bool sf_source_frames_persist(const struct sf_source *s)
{
	return s->fmt == SF_FMT_PCAP && s->pf.map;
}

const char *sf_source_name(const struct sf_source *s)
{
	return s->name;
}

enum sf_file_format sf_source_format(const struct sf_source *s)
{
	return s->fmt;
}

int sf_source_linktype(const struct sf_source *s)
{
	if (s->fmt == SF_FMT_PCAPNG)
		return s->ng.first_linktype;
	return s->linktype;
}

void *sf_source_pcap(struct sf_source *s)
{
	return s->fmt == SF_FMT_LIVE ? s->pcap : NULL;
}

void sf_source_close(struct sf_source *s)
{
	if (!s)
		return;
	if (s->pcap)
		pcap_close(s->pcap);
	if (s->fmt == SF_FMT_PCAP)
		sf_pcap_close(s);
	if (s->fmt == SF_FMT_PCAPNG)
		sf_pcapng_close(s);
	sf_bpf_file_free(&s->bpf);
	free(s->name);
	free(s);
}
