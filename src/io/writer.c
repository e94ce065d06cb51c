/* synfin — capture writer (see include/synfin/writer.h for the formats).
 *
 * Every record is assembled in one buffer owned by the writer and handed to stdio only when
 * the buffer is full, at flush and at close: a 10M-frame capture costs a few thousand fwrite
 * calls and no allocation per frame. A frame larger than the free space flushes the buffer
 * first; a frame larger than the whole buffer is written straight through.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "synfin/writer.h"

#include "io/source_priv.h"

#define WRITER_BUF      ((size_t)256 * 1024)
#define DEFAULT_SNAPLEN 262144u

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

/* pcapng block types and option codes (draft-ietf-opsawg-pcapng §4, §10.2). */
#define PCAPNG_SHB        0x0a0d0d0au
#define PCAPNG_IDB        0x00000001u
#define PCAPNG_EPB        0x00000006u
#define PCAPNG_BOM        0x1a2b3c4du
#define PCAPNG_OPT_END    0
#define PCAPNG_IF_TSRESOL 9
#define PCAPNG_SHB_APPL   4 /* shb_userappl */

struct sf_writer {
	FILE *fp;
	bool own_fp; /* opened by the writer, closed by it */
	struct sf_writer_opts o;
	uint64_t frames;
	int ifaces[SF_WRITER_MAX_IFACES]; /* pcapng: link type of each interface id */
	unsigned n_ifaces;
	size_t used;
	uint8_t buf[WRITER_BUF];
};

/* Frames carry LINKTYPE_* values (what files hold; see io/linktype.c). A DLT_* value that
 * differs from its LINKTYPE (DLT_RAW is 12 on Linux, 14 on OpenBSD, LINKTYPE_RAW 101) is
 * accepted too and written as its LINKTYPE, as libpcap's dlt_to_linktype() does. */
static uint32_t file_linktype(int linktype)
{
	return (uint32_t)sf_dlt_to_linktype(linktype);
}

static int drain(struct sf_writer *w, char *err, size_t errlen)
{
	errno = 0;
	if (w->used && fwrite(w->buf, 1, w->used, w->fp) != w->used) {
		snprintf(err, errlen, "write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	w->used = 0;
	return 0;
}

/* Appends n bytes, draining the buffer when it fills. */
static int put(struct sf_writer *w, const void *p, size_t n, char *err, size_t errlen)
{
	if (n > WRITER_BUF - w->used && drain(w, err, errlen) < 0)
		return -1;
	if (n > WRITER_BUF) {
		errno = 0;
		if (fwrite(p, 1, n, w->fp) != n) {
			snprintf(err, errlen, "write failed: %s", strerror(errno ? errno : EIO));
			return -1;
		}
		return 0;
	}
	memcpy(w->buf + w->used, p, n);
	w->used += n;
	return 0;
}

static int put32(struct sf_writer *w, uint32_t v, char *err, size_t errlen)
{
	return put(w, &v, 4, err, errlen);
}

static int put16(struct sf_writer *w, uint16_t v, char *err, size_t errlen)
{
	return put(w, &v, 2, err, errlen);
}

static int put_pad(struct sf_writer *w, size_t n, char *err, size_t errlen)
{
	static const uint8_t zero[4];
	return n ? put(w, zero, n, err, errlen) : 0;
}

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

static int write_pcap_header(struct sf_writer *w, char *err, size_t errlen)
{
	uint32_t magic = w->o.format == SF_WRITE_PCAP_NS ? PCAP_MAGIC_NS : PCAP_MAGIC_US;
	if (put32(w, magic, err, errlen) < 0 || put16(w, 2, err, errlen) < 0 ||
	    put16(w, 4, err, errlen) < 0 || put32(w, 0, err, errlen) < 0 || /* thiszone */
	    put32(w, 0, err, errlen) < 0 ||                                 /* sigfigs */
	    put32(w, w->o.snaplen, err, errlen) < 0 ||
	    put32(w, file_linktype(w->o.linktype), err, errlen) < 0)
		return -1;
	return 0;
}

/* SHB with one option, shb_userappl = "synfin", so a reader can tell who wrote the file. */
static int write_shb(struct sf_writer *w, char *err, size_t errlen)
{
	static const char appl[] = "synfin";
	size_t alen = sizeof(appl) - 1;
	uint32_t opts_len = (uint32_t)(4 + alen + pad4(alen) + 4);
	uint32_t total = 28 + opts_len;
	uint64_t section_len = UINT64_MAX; /* -1: not given */
	if (put32(w, PCAPNG_SHB, err, errlen) < 0 || put32(w, total, err, errlen) < 0 ||
	    put32(w, PCAPNG_BOM, err, errlen) < 0 || put16(w, 1, err, errlen) < 0 ||
	    put16(w, 0, err, errlen) < 0 || put(w, &section_len, 8, err, errlen) < 0 ||
	    put16(w, PCAPNG_SHB_APPL, err, errlen) < 0 ||
	    put16(w, (uint16_t)alen, err, errlen) < 0 || put(w, appl, alen, err, errlen) < 0 ||
	    put_pad(w, pad4(alen), err, errlen) < 0 || put32(w, PCAPNG_OPT_END, err, errlen) < 0 ||
	    put32(w, total, err, errlen) < 0)
		return -1;
	return 0;
}

/* IDB with if_tsresol = 9 (10^-9 s) so EPB timestamps carry nanoseconds. */
static int write_idb(struct sf_writer *w, int linktype, char *err, size_t errlen)
{
	uint32_t total = 20 + 8 + 4; /* header+fields, if_tsresol (4 + 1 + 3 pad), end of options */
	uint8_t tsresol[4] = {9, 0, 0, 0};
	if (put32(w, PCAPNG_IDB, err, errlen) < 0 || put32(w, total, err, errlen) < 0 ||
	    put16(w, (uint16_t)file_linktype(linktype), err, errlen) < 0 ||
	    put16(w, 0, err, errlen) < 0 || put32(w, w->o.snaplen, err, errlen) < 0 ||
	    put16(w, PCAPNG_IF_TSRESOL, err, errlen) < 0 || put16(w, 1, err, errlen) < 0 ||
	    put(w, tsresol, 4, err, errlen) < 0 || put32(w, PCAPNG_OPT_END, err, errlen) < 0 ||
	    put32(w, total, err, errlen) < 0)
		return -1;
	return 0;
}

static struct sf_writer *writer_new(FILE *fp, bool own, const struct sf_writer_opts *o, char *err,
                                    size_t errlen)
{
	if (!o || o->format < SF_WRITE_PCAP || o->format > SF_WRITE_PCAPNG) {
		snprintf(err, errlen, "unknown capture format");
		return NULL;
	}
	if (o->linktype < 0 || o->linktype > 0xffff) {
		snprintf(err, errlen, "link type %d out of range", o->linktype);
		return NULL;
	}
	struct sf_writer *w = malloc(sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(w, 0, offsetof(struct sf_writer, buf));
	w->fp = fp;
	w->own_fp = own;
	w->o = *o;
	if (!w->o.snaplen)
		w->o.snaplen = DEFAULT_SNAPLEN;
	int rc = o->format == SF_WRITE_PCAPNG ? write_shb(w, err, errlen)
	                                      : write_pcap_header(w, err, errlen);
	if (rc < 0) {
		free(w);
		return NULL;
	}
	return w;
}

struct sf_writer *sf_writer_open_fp(FILE *fp, const struct sf_writer_opts *o, char *err,
                                    size_t errlen)
{
	if (!fp) {
		snprintf(err, errlen, "no output stream");
		return NULL;
	}
	return writer_new(fp, false, o, err, errlen);
}

struct sf_writer *sf_writer_open(const char *path, const struct sf_writer_opts *o, char *err,
                                 size_t errlen)
{
	if (strcmp(path, "-") == 0)
		return writer_new(stdout, false, o, err, errlen);
	FILE *fp = fopen(path, "wb");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char why[256];
	struct sf_writer *w = writer_new(fp, true, o, why, sizeof(why));
	if (!w) {
		snprintf(err, errlen, "%s: %s", path, why);
		fclose(fp);
	}
	return w;
}

static int write_pcap_record(struct sf_writer *w, const struct sf_frame *f, uint32_t caplen,
                             char *err, size_t errlen)
{
	if (f->linktype != w->o.linktype) {
		snprintf(err, errlen, "frame has link type %d but the pcap file has %d",
		         f->linktype, w->o.linktype);
		return -1;
	}
	if (f->ts_sec < 0 || f->ts_sec > (int64_t)UINT32_MAX) {
		snprintf(err, errlen, "timestamp %lld does not fit a pcap record",
		         (long long)f->ts_sec);
		return -1;
	}
	uint32_t frac = w->o.format == SF_WRITE_PCAP_NS ? f->ts_nsec : f->ts_nsec / 1000u;
	uint32_t hdr[4] = {(uint32_t)f->ts_sec, frac, caplen, f->wirelen};
	if (put(w, hdr, sizeof(hdr), err, errlen) < 0 || put(w, f->data, caplen, err, errlen) < 0)
		return -1;
	return 0;
}

/* Interface id for the frame's link type, writing its IDB the first time it is seen. */
static int iface_for(struct sf_writer *w, int linktype, char *err, size_t errlen)
{
	for (unsigned i = 0; i < w->n_ifaces; i++)
		if (w->ifaces[i] == linktype)
			return (int)i;
	if (w->n_ifaces == SF_WRITER_MAX_IFACES) {
		snprintf(err, errlen, "more than %d link types in one pcapng file",
		         SF_WRITER_MAX_IFACES);
		return -1;
	}
	if (linktype < 0 || linktype > 0xffff) {
		snprintf(err, errlen, "link type %d out of range", linktype);
		return -1;
	}
	if (write_idb(w, linktype, err, errlen) < 0)
		return -1;
	w->ifaces[w->n_ifaces] = linktype;
	return (int)w->n_ifaces++;
}

static int write_epb(struct sf_writer *w, const struct sf_frame *f, uint32_t caplen, char *err,
                     size_t errlen)
{
	/* 64-bit nanosecond count: good until the year 2554. */
	if (f->ts_sec < 0 || (uint64_t)f->ts_sec > (UINT64_MAX - 999999999u) / 1000000000u) {
		snprintf(err, errlen, "timestamp %lld does not fit a pcapng record",
		         (long long)f->ts_sec);
		return -1;
	}
	int ifid = iface_for(w, f->linktype, err, errlen);
	if (ifid < 0)
		return -1;
	uint64_t ts = (uint64_t)f->ts_sec * 1000000000u + f->ts_nsec;
	uint32_t total = (uint32_t)(32 + caplen + pad4(caplen));
	uint32_t hdr[7] = {PCAPNG_EPB,   total,  (uint32_t)ifid, (uint32_t)(ts >> 32),
	                   (uint32_t)ts, caplen, f->wirelen};
	if (put(w, hdr, sizeof(hdr), err, errlen) < 0 || put(w, f->data, caplen, err, errlen) < 0 ||
	    put_pad(w, pad4(caplen), err, errlen) < 0 || put32(w, total, err, errlen) < 0)
		return -1;
	return 0;
}

int sf_writer_write(struct sf_writer *w, const struct sf_frame *f, char *err, size_t errlen)
{
	if (f->ts_nsec >= 1000000000u) {
		snprintf(err, errlen, "nanoseconds %u out of range", f->ts_nsec);
		return -1;
	}
	if (f->caplen && !f->data) {
		snprintf(err, errlen, "frame has no data");
		return -1;
	}
	/* Cut to the snaplen as a capture would, keeping the wire length (tcpdump -s). */
	uint32_t caplen = f->caplen < w->o.snaplen ? f->caplen : w->o.snaplen;
	int rc = w->o.format == SF_WRITE_PCAPNG ? write_epb(w, f, caplen, err, errlen)
	                                        : write_pcap_record(w, f, caplen, err, errlen);
	if (rc == 0)
		w->frames++;
	return rc;
}

int sf_writer_flush(struct sf_writer *w, char *err, size_t errlen)
{
	if (drain(w, err, errlen) < 0)
		return -1;
	if (fflush(w->fp) != 0) {
		snprintf(err, errlen, "flush failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

uint64_t sf_writer_frames(const struct sf_writer *w)
{
	return w->frames;
}

int sf_writer_close(struct sf_writer *w, char *err, size_t errlen)
{
	if (!w)
		return 0;
	int rc = sf_writer_flush(w, err, errlen);
	if (w->own_fp && fclose(w->fp) != 0 && rc == 0) {
		snprintf(err, errlen, "close failed: %s", strerror(errno));
		rc = -1;
	}
	free(w);
	return rc;
}
