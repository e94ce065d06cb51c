/* synfin — pcapng reader (draft-ietf-opsawg-pcapng), our own rather than libpcap's, because
 * libpcap 1.10 refuses files whose interfaces differ in link type or snaplen.
 *
 *   file    := section+
 *   section := SHB (IDB | EPB | SPB | PB | other)*
 *   block   := type:u32 total_len:u32 body total_len:u32      (total_len % 4 == 0, >= 12)
 *
 * Every block is checked before any field is read: length a multiple of 4, within
 * SF_PCAPNG_MAX_BLOCK, present in full, trailing length equal to the leading one; a packet's
 * captured length within its block and within 256 KiB; its interface defined in the section. Blocks
 * we do not need (NRB, ISB, DSB, custom, systemd journal …) are skipped whole. Each section has its
 * own byte order and its own interfaces.
 *
 * Blocks are read from one growable buffer (rdbuf.h): no allocation per packet, and a frame's
 * bytes point into that buffer until the next call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/source_priv.h"

enum {
	BT_SHB = 0x0A0D0D0A, /* section header */
	BT_IDB = 1,          /* interface description */
	BT_PB = 2,           /* packet block (obsolete) */
	BT_SPB = 3,          /* simple packet block */
	BT_EPB = 6           /* enhanced packet block */
};
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_ENDOFOPT     0
#define OPT_IF_TSRESOL   9
#define OPT_IF_TSOFFSET  14
#define RDBUF_START      (1u << 20)
#define TS_SEC_LIMIT     INT64_C(4294967295) /* see ts_convert */

/* Result of reading one block. */
enum blk { BLK_ERROR = -1, BLK_END = 0, BLK_FRAME = 1, BLK_OTHER = 2 };

/* Timestamp in interface units → seconds + nanoseconds. The default 10^-6 and the common
 * 10^-9 take the fast path; other resolutions (10^-n, 2^-n) are computed in 128 bits. */
static void ts_convert(const struct sf_pcapng_iface *ifc, uint64_t ts, struct sf_frame *f)
{
	uint64_t sec;
	uint32_t ns;
	if (!ifc->ts_pow2 && ifc->ts_exp == 6) {
		sec = ts / 1000000u;
		ns = (uint32_t)(ts % 1000000u) * 1000u;
	} else if (!ifc->ts_pow2 && ifc->ts_exp == 9) {
		sec = ts / 1000000000u;
		ns = (uint32_t)(ts % 1000000000u);
	} else if (ifc->ts_pow2) {
		unsigned e = ifc->ts_exp; /* 0..127 */
		sec = e < 64 ? ts >> e : 0;
		uint64_t frac = e < 64 ? ts & (((uint64_t)1 << e) - 1) : ts;
		ns = (uint32_t)(((unsigned __int128)frac * 1000000000u) >> e);
	} else if (ifc->ts_exp <= 38) {
		unsigned __int128 units = 1;
		for (unsigned i = 0; i < ifc->ts_exp; i++)
			units *= 10;
		sec = (uint64_t)(ts / units);
		ns = (uint32_t)((ts % units) * 1000000000u / units);
	} else { /* finer than 10^-38 s: any 64-bit count is below a nanosecond */
		sec = 0;
		ns = 0;
	}
	/* Wrapping add: a fuzzed offset must not be undefined behaviour. */
	int64_t s = (int64_t)(sec + (uint64_t)ifc->ts_offset);
	/* A time more than 2^32 s from the epoch (before 1834, after 2106) is no capture's: it
	 * is held at that bound, so that times in nanoseconds, and their differences, stay
	 * within 64 bits everywhere after (the classic format's range is 0 … 2^32 - 1). */
	if (s > TS_SEC_LIMIT)
		s = TS_SEC_LIMIT;
	else if (s < -TS_SEC_LIMIT)
		s = -TS_SEC_LIMIT;
	f->ts_sec = s;
	f->ts_nsec = ns;
}

/* Section header: byte-order magic, version 1.x, then the section's interfaces start over. */
static enum blk read_shb(struct sf_pcapng *ng, char *why, size_t wl)
{
	const uint8_t *p;
	size_t have = sf_rdbuf_ensure(&ng->rd, 16, &p);
	if (have < 16) {
		snprintf(why, wl, "file cut short in a section header block (%zu of 16 bytes)",
		         have);
		return BLK_ERROR;
	}
	uint32_t bom;
	memcpy(&bom, p + 8, 4);
	bool swap;
	if (bom == BYTE_ORDER_MAGIC)
		swap = false;
	else if (__builtin_bswap32(bom) == BYTE_ORDER_MAGIC)
		swap = true;
	else {
		snprintf(why, wl, "bad byte-order magic 0x%08x in section header block",
		         (unsigned)__builtin_bswap32(bom));
		return BLK_ERROR;
	}
	unsigned major = sf_rd16(p + 12, swap), minor = sf_rd16(p + 14, swap);
	/* Version 1.0 is the format; libpcap and Wireshark also accept 1.2 written by old
	 * tools. A different major version is a different format. */
	if (major != 1) {
		snprintf(why, wl, "unsupported pcapng version %u.%u", major, minor);
		return BLK_ERROR;
	}
	uint32_t len = sf_rd32(p + 4, swap);
	if (len < 28) {
		snprintf(why, wl, "section header block length %u is too small", (unsigned)len);
		return BLK_ERROR;
	}
	ng->swap = swap;
	ng->n_ifs = 0;
	return BLK_OTHER;
}

/* Interface description: link type, snaplen, and the options that fix timestamp units. */
static enum blk read_idb(struct sf_source *s, const uint8_t *p, uint32_t len, char *why, size_t wl)
{
	struct sf_pcapng *ng = &s->ng;
	if (len < 20) {
		snprintf(why, wl, "interface description block length %u is too small",
		         (unsigned)len);
		return BLK_ERROR;
	}
	if (ng->n_ifs >= SF_PCAPNG_MAX_IFACES) {
		snprintf(why, wl, "more than %u interfaces in one section", SF_PCAPNG_MAX_IFACES);
		return BLK_ERROR;
	}
	struct sf_pcapng_iface ifc = {.linktype = sf_rd16(p + 8, ng->swap),
	                              .snaplen = sf_rd32(p + 12, ng->swap),
	                              .ts_exp = 6};
	uint32_t off = 16, end = len - 4;
	while (end - off >= 4) {
		uint16_t code = sf_rd16(p + off, ng->swap), olen = sf_rd16(p + off + 2, ng->swap);
		off += 4;
		if (code == OPT_ENDOFOPT)
			break;
		if (olen > end - off) {
			snprintf(why, wl, "interface option %u of length %u runs past its block",
			         code, olen);
			return BLK_ERROR;
		}
		if (code == OPT_IF_TSRESOL && olen >= 1) {
			ifc.ts_pow2 = (p[off] & 0x80) != 0;
			ifc.ts_exp = p[off] & 0x7f;
		} else if (code == OPT_IF_TSOFFSET && olen >= 8) {
			ifc.ts_offset = (int64_t)sf_rd64(p + off, ng->swap);
		}
		uint32_t padded = ((uint32_t)olen + 3u) & ~3u;
		off = padded > end - off ? end : off + padded;
	}
	if (ng->n_ifs == ng->cap_ifs) {
		uint32_t ncap = ng->cap_ifs ? ng->cap_ifs * 2 : 4;
		struct sf_pcapng_iface *n = realloc(ng->ifs, ncap * sizeof(*n));
		if (!n) {
			snprintf(why, wl, "out of memory");
			return BLK_ERROR;
		}
		ng->ifs = n;
		ng->cap_ifs = ncap;
	}
	ng->ifs[ng->n_ifs++] = ifc;
	if (ng->first_linktype < 0)
		ng->first_linktype = ifc.linktype;
	return BLK_OTHER;
}

/* A captured length must lie within its block and within 256 KiB (libpcap's and Wireshark's
 * limit); either failing means the file is damaged. */
static enum blk check_caplen(uint32_t caplen, uint32_t room, char *why, size_t wl)
{
	if (caplen > room) {
		snprintf(why, wl, "captured length %u runs past its block (%u bytes of data)",
		         (unsigned)caplen, (unsigned)room);
		return BLK_ERROR;
	}
	if (caplen > SF_MAX_CAPLEN) {
		snprintf(why, wl, "record length %u exceeds %u", (unsigned)caplen, SF_MAX_CAPLEN);
		return BLK_ERROR;
	}
	return BLK_FRAME;
}

/* A captured length above the interface's snaplen is cut to it, as libpcap does for pcap and
 * pcapng alike (tcpdump shows such files that way): the block framing proves the bytes are
 * there, so this is a writer's quirk, not damage. */
static uint32_t cut_to_snaplen(const struct sf_pcapng_iface *ifc, uint32_t caplen)
{
	return ifc->snaplen && caplen > ifc->snaplen ? ifc->snaplen : caplen;
}

static enum blk no_iface(const struct sf_pcapng *ng, uint32_t id, char *why, size_t wl)
{
	snprintf(why, wl, "interface id %u not defined (section has %u interface%s)", (unsigned)id,
	         (unsigned)ng->n_ifs, ng->n_ifs == 1 ? "" : "s");
	return BLK_ERROR;
}

/* Enhanced (6) and obsolete (2) packet blocks: same layout but a 16-bit interface id in PB. */
static enum blk read_epb(struct sf_source *s, const uint8_t *p, uint32_t type, uint32_t len,
                         struct sf_frame *f, char *why, size_t wl)
{
	struct sf_pcapng *ng = &s->ng;
	if (len < 32) {
		snprintf(why, wl, "packet block length %u is too small", (unsigned)len);
		return BLK_ERROR;
	}
	uint32_t id = type == BT_EPB ? sf_rd32(p + 8, ng->swap) : sf_rd16(p + 8, ng->swap);
	if (id >= ng->n_ifs)
		return no_iface(ng, id, why, wl);
	const struct sf_pcapng_iface *ifc = &ng->ifs[id];
	uint32_t caplen = sf_rd32(p + 20, ng->swap);
	if (check_caplen(caplen, len - 32, why, wl) != BLK_FRAME)
		return BLK_ERROR;
	uint64_t ts = (uint64_t)sf_rd32(p + 12, ng->swap) << 32 | sf_rd32(p + 16, ng->swap);
	ts_convert(ifc, ts, f);
	f->data = p + 28;
	f->caplen = cut_to_snaplen(ifc, caplen);
	f->wirelen = sf_rd32(p + 24, ng->swap);
	f->linktype = ifc->linktype;
	f->ifindex = id;
	return BLK_FRAME;
}

/* Simple packet block: interface 0, no timestamp; captured length is the original length cut
 * to the snaplen and to the block (pcapng §4.4). */
static enum blk read_spb(struct sf_source *s, const uint8_t *p, uint32_t len, struct sf_frame *f,
                         char *why, size_t wl)
{
	struct sf_pcapng *ng = &s->ng;
	if (len < 16) {
		snprintf(why, wl, "simple packet block length %u is too small", (unsigned)len);
		return BLK_ERROR;
	}
	if (ng->n_ifs == 0)
		return no_iface(ng, 0, why, wl);
	const struct sf_pcapng_iface *ifc = &ng->ifs[0];
	uint32_t wirelen = sf_rd32(p + 8, ng->swap), caplen = wirelen;
	if (ifc->snaplen && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	if (caplen > len - 16)
		caplen = len - 16;
	if (caplen > SF_MAX_CAPLEN) {
		snprintf(why, wl, "record length %u exceeds %u", (unsigned)caplen, SF_MAX_CAPLEN);
		return BLK_ERROR;
	}
	f->ts_sec = 0;
	f->ts_nsec = 0;
	f->data = p + 12;
	f->caplen = caplen;
	f->wirelen = wirelen;
	f->linktype = ifc->linktype;
	f->ifindex = 0;
	return BLK_FRAME;
}

static enum blk cut_short(const struct sf_rdbuf *rd, size_t have, size_t want, const char *what,
                          char *why, size_t wl)
{
	if (rd->read_errno)
		snprintf(why, wl, "read error: %s", strerror(rd->read_errno));
	else
		snprintf(why, wl, "file cut short in a %s (%zu of %zu bytes)", what, have, want);
	return BLK_ERROR;
}

/* Reads one block. BLK_FRAME: *f holds a packet. With stop_at_packet, a packet block is left
 * unread and BLK_END returned (used at open to read the headers ahead of the first packet). */
static enum blk read_block(struct sf_source *s, struct sf_frame *f, bool stop_at_packet, char *why,
                           size_t wl)
{
	struct sf_pcapng *ng = &s->ng;
	const uint8_t *p;
	size_t have = sf_rdbuf_ensure(&ng->rd, 8, &p);
	if (have == 0 && !ng->rd.read_errno)
		return BLK_END;
	if (have < 8)
		return cut_short(&ng->rd, have, 8, "block header", why, wl);
	uint32_t type = sf_rd32(p, ng->swap);
	if (type == BT_SHB && read_shb(ng, why, wl) == BLK_ERROR)
		return BLK_ERROR;
	if (stop_at_packet && (type == BT_EPB || type == BT_SPB || type == BT_PB))
		return BLK_END;
	uint32_t len = sf_rd32(p + 4, ng->swap);
	if (len < 12 || len % 4 != 0 || len > SF_PCAPNG_MAX_BLOCK) {
		snprintf(why, wl, "block length %u is %s", (unsigned)len,
		         len < 12       ? "too small"
		         : len % 4 != 0 ? "not a multiple of 4"
		                        : "larger than 16 MiB");
		return BLK_ERROR;
	}
	have = sf_rdbuf_ensure(&ng->rd, len, &p);
	if (have < len)
		return cut_short(&ng->rd, have, len, "block", why, wl);
	uint32_t trail = sf_rd32(p + len - 4, ng->swap);
	if (trail != len) {
		snprintf(why, wl, "block trailing length %u differs from its leading length %u",
		         (unsigned)trail, (unsigned)len);
		return BLK_ERROR;
	}
	enum blk r = BLK_OTHER;
	switch (type) {
	case BT_IDB:
		r = read_idb(s, p, len, why, wl);
		break;
	case BT_EPB:
	case BT_PB:
		r = read_epb(s, p, type, len, f, why, wl);
		break;
	case BT_SPB:
		r = read_spb(s, p, len, f, why, wl);
		break;
	default: /* SHB handled above; NRB, ISB, DSB, custom and unknown blocks are skipped */
		break;
	}
	if (r != BLK_ERROR)
		sf_rdbuf_consume(&ng->rd, len);
	return r;
}

int sf_pcapng_open(struct sf_source *s, int fd, bool own_fd, const uint8_t *hdr, size_t hlen,
                   char *err, size_t errlen)
{
	struct sf_pcapng *ng = &s->ng;
	if (sf_rdbuf_init(&ng->rd, fd, own_fd, RDBUF_START, SF_PCAPNG_MAX_BLOCK + 8, hdr, hlen) <
	    0) {
		snprintf(err, errlen, "%s: out of memory", s->name);
		if (own_fd)
			close(fd);
		return -1;
	}
	char why[SF_ERRBUF];
	struct sf_frame f;
	/* The first section header decides whether this is a file we can read at all. */
	if (read_block(s, &f, true, why, sizeof(why)) == BLK_ERROR) {
		snprintf(err, errlen, "%s: %s", s->name, why);
		sf_pcapng_close(s);
		return -1;
	}
	/* Read on to the first interface, so sf_source_linktype() answers after open. A damaged
	 * block here is left in place: sf_source_next() reports it with its frame number. */
	while (ng->first_linktype < 0 && read_block(s, &f, true, why, sizeof(why)) == BLK_OTHER)
		;
	s->linktype = ng->first_linktype;
	return 0;
}

enum sf_source_status sf_pcapng_next(struct sf_source *s, struct sf_frame *f, char *err,
                                     size_t errlen)
{
	char why[SF_ERRBUF];
	for (;;) {
		if (s->stop) /* sf_source_break(): a user's interrupt ends a long file too */
			return SF_SRC_END;
		enum blk r = read_block(s, f, false, why, sizeof(why));
		if (r == BLK_END)
			return SF_SRC_END;
		if (r == BLK_ERROR)
			return sf_src_fail(s, f, err, errlen, "%s", why);
		if (r != BLK_FRAME)
			continue;
		uint64_t n = s->frames + 1;
		f->file_index = s->file_index;
		f->file_frame = n;
		f->number = 0;
		int m = 1;
		if (s->bpf.expr) {
			m = sf_bpf_file_match(s, f, why, sizeof(why));
			if (m < 0)
				return sf_src_fail(s, f, err, errlen, "%s", why);
		}
		s->frames = n; /* frames a capture filter drops keep their number in the file */
		if (m == 1)
			return SF_SRC_FRAME;
	}
}

void sf_pcapng_close(struct sf_source *s)
{
	free(s->ng.ifs);
	s->ng.ifs = NULL;
	sf_rdbuf_free(&s->ng.rd);
}
