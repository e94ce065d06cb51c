/* synfin — classic pcap files (pcap-savefile(5), draft-ietf-opsawg-pcap): our record reader.
 *
 *   file   := file_header(24) record*
 *   record := ts_sec:u32 ts_frac:u32 caplen:u32 len:u32 [8 bytes: Kuznetzov] data[caplen]
 *
 * libpcap's pcap_next_ex() over stdio costs one fread per record header and one per body, plus
 * the copies from the page cache to stdio and from stdio to its buffer: 10–15% of a whole
 * `synfin conns` run on a large file. Here a regular file is mapped read-only and each frame
 * points straight into the mapping: no copy, no system call per record. Pages behind the read
 * position are given back (MADV_DONTNEED) every 2 MiB, so the resident size does not grow with
 * the file. A page given back stays readable (a private, unwritten file mapping reads it again
 * from the file), and the release keeps one chunk behind the read position, so a frame stays
 * valid until the source is closed (sf_source_frames_persist) and a reading thread passes it
 * on without copying it. Pipes, standard input and anything mmap(2) refuses are read through
 * rdbuf.h (one read(2) per MiB); source.c has already taken the file header from the
 * descriptor.
 *
 * A mapped file that another process truncates while we read it raises SIGBUS on the lost
 * pages, as for any program that maps its input; a file that may shrink can be piped in
 * (`cat f.pcap | synfin conns -`). Growing is fine: at the end of the mapping the file size
 * is checked again and the mapping follows it, so a file still being written reads as far as
 * libpcap would have read it.
 *
 * The rules of libpcap 1.10 sf-pcap.c are kept, so outputs do not change and error messages
 * stay those users (and our golden tests) know:
 *   - both byte orders; µs (0xa1b2c3d4) and ns (0xa1b23c4d) magics, timestamps delivered in
 *     ns, the fraction passed on unnormalised (seconds are read unsigned: see read_record);
 *   - Kuznetzov's 0xa1b2cd34: 24-byte record headers (the extra ifindex, protocol and packet
 *     type are ignored, as libpcap does) and 14 more bytes of snapshot on Ethernet;
 *   - versions 2.0–2.2 wrote len before caplen: exchanged; 2.3 files were written both ways:
 *     exchanged when caplen > len;
 *   - the snapshot length is the header's, or the link type's maximum when 0 or above it;
 *   - caplen above the link type's maximum (256 KiB for all we decode) is a damaged file;
 *     caplen above the snapshot but within the maximum is cut to the snapshot, the rest
 *     skipped; caplen > len is accepted;
 *   - a short record header or body is "truncated dump file; tried to read …, only got …".
 * libpcap also byte-swaps pseudo-headers of other-endian files for USB, NFLOG, PFLOG and the
 * CAN ID of SocketCAN frames in Linux cooked headers. synfin decodes none of those (their
 * frames are counted as skipped link types; the swap leaves SLL frames carrying IP alone), so
 * no output depends on it, and frames are delivered as written in the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/source_priv.h"

#define PCAP_HDR_LEN   24
#define REC_HDR_LEN    16
#define KUZ_HDR_LEN    24
#define MAGIC_US       0xa1b2c3d4u
#define MAGIC_NS       0xa1b23c4du
#define MAGIC_KUZ      0xa1b2cd34u
#define RDBUF_START    (1u << 20)
#define RELEASE_CHUNK  ((size_t)2 << 20) /* give pages back every 2 MiB read */
#define LINKTYPE_ETHER 1

enum { PF_LEN_NORMAL, PF_LEN_EXCHANGED, PF_LEN_MAYBE_EXCHANGED };

/* Checks the file header; fills the reader's format fields, linktype and snaplen. Returns -1
 * with "<file>: reason". */
static int check_header(struct sf_source *s, const uint8_t *h, size_t hlen, char *err,
                        size_t errlen)
{
	struct sf_pcapfile *pf = &s->pf;
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
	magic = sf_rd32(h, swap);
	unsigned major = sf_rd16(h + 4, swap), minor = sf_rd16(h + 6, swap);
	/* Version 2.4 since 1998; libpcap also reads 2.0–2.3 files (with old quirks). */
	if (major != 2 || minor > 4) {
		snprintf(err, errlen, "%s: unsupported pcap version %u.%u", s->name, major, minor);
		return -1;
	}
	s->snaplen = sf_rd32(h + 16, swap);
	uint32_t lt = sf_rd32(h + 20, swap);
	/* Bits 16-25 are reserved and must be 0 (pcap file format, draft-ietf-opsawg-pcap);
	 * Wireshark refuses such files, libpcap 1.10 reads a nonsense link type. Bits 26-31
	 * (FCS length) are ignored, as libpcap does when reading. */
	if (lt & 0x03ff0000u) {
		snprintf(err, errlen, "%s: link type field has reserved bits set (0x%08x)", s->name,
		         (unsigned)lt);
		return -1;
	}
	s->linktype = (int)(lt & 0xffffu);
	pf->swap = swap;
	pf->nsec = magic == MAGIC_NS;
	pf->hdrsize = magic == MAGIC_KUZ ? KUZ_HDR_LEN : REC_HDR_LEN;
	pf->len_order = minor < 3    ? PF_LEN_EXCHANGED
	                : minor == 3 ? PF_LEN_MAYBE_EXCHANGED
	                             : PF_LEN_NORMAL;
	/* libpcap's pcap_adjust_snapshot(): 0, or more than the link type allows (the field is
	 * read as an int, so 2^31 and above too), means the maximum. */
	pf->max_caplen = sf_linktype_max_caplen(s->linktype);
	pf->snapshot = s->snaplen == 0 || s->snaplen > pf->max_caplen ? pf->max_caplen : s->snaplen;
	/* Kuznetzov's patch captured in cooked mode then added a fake Ethernet header: libpcap
	 * allows for those 14 bytes (sf-pcap.c). */
	if (magic == MAGIC_KUZ && s->linktype == LINKTYPE_ETHER)
		pf->snapshot += 14;
	return 0;
}

/* n rounded down to a page boundary. */
static size_t page_floor(size_t n)
{
	return n & ~((size_t)sysconf(_SC_PAGESIZE) - 1);
}

/* Maps a regular file from its start; the records begin at the descriptor's offset (the
 * header was read through it, and standard input may not start at 0). Returns -1 when the
 * descriptor cannot be mapped: the caller reads it instead. */
static int map_file(struct sf_pcapfile *pf)
{
	struct stat st;
	if (fstat(pf->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	off_t cur = lseek(pf->fd, 0, SEEK_CUR);
	if (cur < PCAP_HDR_LEN || st.st_size < cur || (uint64_t)st.st_size > SIZE_MAX)
		return -1;
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, pf->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL); /* a hint: failure is harmless */
	pf->map = m;
	pf->map_len = (size_t)st.st_size;
	pf->off = (size_t)cur;
	/* Pages before the first record are never touched again. */
	pf->released = page_floor((size_t)cur);
	return 0;
}

int sf_pcap_open(struct sf_source *s, int fd, bool own_fd, const uint8_t *hdr, size_t hlen,
                 char *err, size_t errlen)
{
	struct sf_pcapfile *pf = &s->pf;
	pf->fd = fd;
	pf->own_fd = own_fd;
	pf->rd.fd = -1;
	if (check_header(s, hdr, hlen, err, errlen) < 0)
		goto fail_fd;
	if (map_file(pf) == 0)
		return 0;
	/* Not mappable: stream it (source.c has read the file header already). The buffer
	 * grows to the largest record the link type allows, only if one that large appears. */
	if (sf_rdbuf_init(&pf->rd, fd, own_fd, RDBUF_START, (size_t)pf->hdrsize + pf->max_caplen,
	                  NULL, 0) < 0) {
		snprintf(err, errlen, "%s: out of memory", s->name);
		goto fail_fd;
	}
	pf->fd = -1; /* rd owns it now */
	return 0;

fail_fd:
	if (own_fd)
		close(fd);
	pf->fd = -1;
	return -1;
}

void sf_pcap_close(struct sf_source *s)
{
	struct sf_pcapfile *pf = &s->pf;
	if (pf->map)
		munmap((void *)pf->map, pf->map_len);
	pf->map = NULL;
	while (pf->old) {
		struct sf_oldmap *o = pf->old;
		pf->old = o->next;
		munmap((void *)o->map, o->len);
		free(o);
	}
	if (pf->rd.buf)
		sf_rdbuf_free(&pf->rd);
	if (pf->own_fd && pf->fd >= 0)
		close(pf->fd);
	pf->fd = -1;
}

/* The mapping ends before the bytes wanted: follow the file if it has grown since. The old
 * mapping stays until the source closes: frames handed out may still point into it. */
static void follow_growth(struct sf_pcapfile *pf)
{
	struct stat st;
	if (fstat(pf->fd, &st) < 0 || (uint64_t)st.st_size <= pf->map_len ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return;
	struct sf_oldmap *o = malloc(sizeof(*o));
	if (!o)
		return;
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, pf->fd, 0);
	if (m == MAP_FAILED) {
		free(o);
		return;
	}
	/* what was read of the old one is given back now; the rest may still be read */
	size_t upto = page_floor(pf->off);
	if (upto > pf->released)
		(void)madvise((void *)(pf->map + pf->released), upto - pf->released, MADV_DONTNEED);
	*o = (struct sf_oldmap){.map = pf->map, .len = pf->map_len, .next = pf->old};
	pf->old = o;
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	pf->map = m;
	pf->map_len = (size_t)st.st_size;
	pf->released = 0;
}

/* Makes n bytes at the read position available if the input has them; returns how many are
 * (fewer only at end of input or on a read error) and points *p at them. */
static size_t avail(struct sf_pcapfile *pf, size_t n, const uint8_t **p)
{
	if (!pf->map)
		return sf_rdbuf_ensure(&pf->rd, n, p);
	if (pf->map_len - pf->off < n)
		follow_growth(pf);
	*p = pf->map + pf->off;
	size_t have = pf->map_len - pf->off;
	return have < n ? have : n;
}

static void consume(struct sf_pcapfile *pf, size_t n)
{
	if (pf->map)
		pf->off += n;
	else
		sf_rdbuf_consume(&pf->rd, n);
}

/* Gives back the pages read more than a chunk ago, a few MiB at a time, so the resident size
 * stays that of the working set, not of the file. The chunk kept behind holds the frames a
 * reading thread has handed out and the consumer has not used yet (were one given back, it
 * would only be read again from the file). */
static void release_behind(struct sf_pcapfile *pf)
{
	if (pf->off - pf->released < 2 * RELEASE_CHUNK)
		return;
	size_t upto = (pf->off & ~(RELEASE_CHUNK - 1)) - RELEASE_CHUNK;
	(void)madvise((void *)(pf->map + pf->released), upto - pf->released, MADV_DONTNEED);
	pf->released = upto;
}

/* A short read: end of input, or a read error libpcap reports with errno's text. */
static enum sf_source_status short_read(struct sf_source *s, struct sf_frame *f, char *err,
                                        size_t errlen, const char *what, size_t want, size_t got)
{
	if (!s->pf.map && s->pf.rd.read_errno)
		return sf_src_fail(s, f, err, errlen, "error reading dump file: %s",
		                   strerror(s->pf.rd.read_errno));
	return sf_src_fail(s, f, err, errlen,
	                   "truncated dump file; tried to read %zu %s, only got %zu", want, what,
	                   got);
}

/* caplen above what the link type allows: the two messages of libpcap 1.10 sf-pcap.c. */
static enum sf_source_status oversize(struct sf_source *s, struct sf_frame *f, char *err,
                                      size_t errlen, uint32_t caplen)
{
	const struct sf_pcapfile *pf = &s->pf;
	if (caplen > pf->snapshot)
		return sf_src_fail(s, f, err, errlen,
		                   "invalid packet capture length %u, bigger than snaplen of %u",
		                   (unsigned)caplen, (unsigned)pf->snapshot);
	return sf_src_fail(s, f, err, errlen,
	                   "invalid packet capture length %u, bigger than maximum of %u",
	                   (unsigned)caplen, (unsigned)pf->max_caplen);
}

/* Reads one record into *f (all but the numbering fields). */
static enum sf_source_status read_record(struct sf_source *s, struct sf_frame *f, char *err,
                                         size_t errlen)
{
	struct sf_pcapfile *pf = &s->pf;
	const uint8_t *p;
	size_t have = avail(pf, pf->hdrsize, &p);
	if (have < pf->hdrsize) {
		if (have == 0 && (pf->map || !pf->rd.read_errno))
			return SF_SRC_END;
		return short_read(s, f, err, errlen, "header bytes", pf->hdrsize, have);
	}
	uint32_t sec = sf_rd32(p, pf->swap), frac = sf_rd32(p + 4, pf->swap);
	uint32_t caplen = sf_rd32(p + 8, pf->swap), len = sf_rd32(p + 12, pf->swap);
	if (pf->len_order == PF_LEN_EXCHANGED ||
	    (pf->len_order == PF_LEN_MAYBE_EXCHANGED && caplen > len)) {
		uint32_t t = caplen;
		caplen = len;
		len = t;
	}
	if (caplen > pf->max_caplen)
		return oversize(s, f, err, errlen, caplen);
	size_t rec = (size_t)pf->hdrsize + caplen;
	have = avail(pf, rec, &p);
	if (have < rec) {
		/* libpcap reads the snapshot's worth first, then skips the rest: a file that
		 * ends within the first part names the snapshot, within the rest the caplen. */
		size_t got = have - pf->hdrsize;
		size_t want = caplen > pf->snapshot && got < pf->snapshot ? pf->snapshot : caplen;
		return short_read(s, f, err, errlen, "captured bytes", want, got);
	}
	/* Seconds are unsigned (draft-ietf-opsawg-pcap §5; Wireshark reads them so, and so does
	 * libpcap 1.10 for other-endian files, while it sign-extends native ones: 2038-01-19
	 * and later became 1901). The fraction is passed on unnormalised, as libpcap does. */
	f->ts_sec = (int64_t)sec;
	f->ts_nsec = pf->nsec ? frac : frac * 1000u;
	f->data = p + pf->hdrsize;
	f->caplen = caplen > pf->snapshot ? pf->snapshot : caplen;
	f->wirelen = len;
	consume(pf, rec);
	return SF_SRC_FRAME;
}

enum sf_source_status sf_pcap_next(struct sf_source *s, struct sf_frame *f, char *err,
                                   size_t errlen)
{
	for (;;) {
		if (s->stop) /* sf_source_break(): a user's interrupt ends a long file too */
			return SF_SRC_END;
		if (s->pf.map)
			release_behind(&s->pf);
		enum sf_source_status rc = read_record(s, f, err, errlen);
		if (rc != SF_SRC_FRAME)
			return rc;
		uint64_t n = s->frames + 1;
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
