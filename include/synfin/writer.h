/* synfin — capture writer: frames out to classic pcap (µs or ns) or pcapng.
 *
 * Used by the lab (live -w), by tests that craft captures and by the bench generator. Output is
 * buffered in one buffer owned by the writer (no allocation per frame) and written in the
 * host's byte order, as libpcap's pcap_dump() does; readers detect the order from the magic.
 * Link types are LINKTYPE_* values, as sf_frame carries them; the few DLT_* values that differ
 * (DLT_RAW 12 or 14) are accepted too and written as their LINKTYPE (101).
 *
 *   pcap    file header (magic a1b2c3d4 = µs, a1b23c4d = ns; version 2.4; snaplen; linktype)
 *           then per frame a 16-byte record header and the captured bytes.
 *   pcapng  Section Header Block, then one Interface Description Block per link type the
 *           writer meets (written just before the first frame of that link type, with
 *           if_tsresol = 9 so timestamps are in nanoseconds), then one Enhanced Packet Block
 *           per frame (draft-ietf-opsawg-pcapng §4.1, §4.2, §4.3).
 */
#ifndef SYNFIN_WRITER_H
#define SYNFIN_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "synfin/packet.h"

enum sf_write_format {
	SF_WRITE_PCAP = 1,    /* classic pcap, microsecond timestamps */
	SF_WRITE_PCAP_NS = 2, /* classic pcap, nanosecond timestamps */
	SF_WRITE_PCAPNG = 3   /* pcapng, nanosecond timestamps, one interface per link type */
};

#define SF_WRITER_MAX_IFACES 16 /* distinct link types in one pcapng file */

struct sf_writer_opts {
	enum sf_write_format format;
	int linktype; /* pcap: the file's link type (every frame must have it); pcapng: unused */
	uint32_t snaplen; /* frames longer than this are cut to it (wire length kept); 0 = 262144 */
};

struct sf_writer;

/* Creates (truncates) path and writes the file header; "-" writes to standard output. */
struct sf_writer *sf_writer_open(const char *path, const struct sf_writer_opts *o, char *err,
                                 size_t errlen);
/* Writes to an already open stream, which sf_writer_close() flushes but does not close. */
struct sf_writer *sf_writer_open_fp(FILE *fp, const struct sf_writer_opts *o, char *err,
                                    size_t errlen);

/* Appends one frame (data, caplen, wirelen, ts_sec, ts_nsec, linktype are used). -1 when the
 * frame cannot be written: its link type does not match a pcap file, too many link types in a
 * pcapng file, a timestamp out of the format's range, or a write error. */
int sf_writer_write(struct sf_writer *w, const struct sf_frame *f, char *err, size_t errlen);

/* Pushes buffered frames to the stream and flushes it (so a reader sees whole records). */
int sf_writer_flush(struct sf_writer *w, char *err, size_t errlen);

/* Frames written so far. */
uint64_t sf_writer_frames(const struct sf_writer *w);

/* Flushes and frees; closes the file when the writer opened it. -1 when the final write or
 * close failed (the writer is freed in every case). NULL is accepted. */
int sf_writer_close(struct sf_writer *w, char *err, size_t errlen);

#endif
