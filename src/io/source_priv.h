/* synfin — internals shared by the source implementations in src/io.
 *
 * One struct sf_source per input; the format-specific state lives in the union. Nothing here
 * is global: two sources (or two pipelines) never share state.
 */
#ifndef SYNFIN_IO_SOURCE_PRIV_H
#define SYNFIN_IO_SOURCE_PRIV_H

#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "io/rdbuf.h"
#include "synfin/source.h"

/* Largest captured length accepted in any record: libpcap's and Wireshark's limit. */
#define SF_MAX_CAPLEN 262144u
/* Largest pcapng block we buffer whole (Wireshark's limit for any block). */
#define SF_PCAPNG_MAX_BLOCK (16u * 1024 * 1024)
/* Interfaces kept per pcapng section; more is treated as a damaged file. */
#define SF_PCAPNG_MAX_IFACES 65536u
/* Distinct link types a BPF capture filter is compiled for in one file. */
#define SF_BPF_MAX_LINKTYPES 16

struct sf_pcapng_iface {
	int linktype;      /* LINKTYPE_* as written */
	uint32_t snaplen;  /* 0 = no limit */
	bool ts_pow2;      /* if_tsresol: units are 2^-ts_exp s (else 10^-ts_exp s) */
	uint8_t ts_exp;    /* resolution exponent; 6 = microseconds (the default) */
	int64_t ts_offset; /* if_tsoffset: seconds added to every timestamp */
};

struct sf_pcapng {
	struct sf_rdbuf rd;
	bool swap;                   /* section written in the other byte order */
	struct sf_pcapng_iface *ifs; /* interfaces of the current section */
	uint32_t n_ifs, cap_ifs;
	int first_linktype; /* of the first interface seen in the file, -1 if none */
};

/* A mapping the file outgrew, kept until the source closes (pcap_file.c follow_growth). */
struct sf_oldmap {
	const uint8_t *map;
	size_t len;
	struct sf_oldmap *next;
};

/* Classic pcap record reader (pcap_file.c). Regular files are mapped read-only and frames point
 * into the mapping; pipes, standard input and anything mmap refuses go through rd. */
struct sf_pcapfile {
	int fd;             /* kept open while mapped: the mapping follows a growing file */
	bool own_fd;        /* close fd at the end (not standard input) */
	const uint8_t *map; /* whole file, NULL when reading through rd */
	size_t map_len;     /* bytes mapped */
	size_t off;         /* offset of the next record in the mapping */
	size_t released;    /* bytes before this were given back (MADV_DONTNEED) */
	/* mappings replaced by follow_growth: frames handed out may point into them */
	struct sf_oldmap *old;
	struct sf_rdbuf rd;  /* buffered reader when not mapped */
	bool swap;           /* record headers in the other byte order */
	bool nsec;           /* nanosecond magic: fractions are ns, else µs */
	uint8_t len_order;   /* PF_LEN_*: caplen and len exchanged by writers before 2.3 */
	uint32_t hdrsize;    /* record header: 16, or 24 in Kuznetzov's modified format */
	uint32_t snapshot;   /* libpcap's snapshot length: longer records are cut to it */
	uint32_t max_caplen; /* longer records mean a damaged file */
};

struct sf_bpf_prog {
	int linktype; /* LINKTYPE_* it was compiled for */
	bool ok;      /* compiled; when false, err holds libpcap's reason */
	struct bpf_program prog;
	char err[PCAP_ERRBUF_SIZE];
};

struct sf_bpf_cache {
	char *expr; /* NULL: no capture filter */
	struct sf_bpf_prog progs[SF_BPF_MAX_LINKTYPES];
	unsigned n;
};

struct sf_source {
	char *name; /* path, "-" or interface */
	enum sf_file_format fmt;
	uint32_t file_index;
	uint64_t frames;            /* frames read from the input so far (filtered ones included) */
	int linktype;               /* LINKTYPE_* of the first interface, -1 unknown */
	uint32_t snaplen;           /* classic pcap: the file header's snaplen */
	pcap_t *pcap;               /* live only */
	bool ts_nano;               /* live: libpcap delivers nanoseconds in tv_usec */
	bool regular;               /* a file source reading a regular file (fstat at open) */
	struct sf_pcapfile pf;      /* classic pcap */
	struct sf_pcapng ng;        /* pcapng */
	struct sf_bpf_cache bpf;    /* capture filter of a file source */
	volatile sig_atomic_t stop; /* set by sf_source_break */
};

/* Integers of a capture file's headers, in the file's byte order: swap when it differs from
 * the host's (told by the magic number). p must hold the value's bytes: callers check lengths. */
static inline uint16_t sf_rd16(const uint8_t *p, bool swap)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return swap ? __builtin_bswap16(v) : v;
}

static inline uint32_t sf_rd32(const uint8_t *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static inline uint64_t sf_rd64(const uint8_t *p, bool swap)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return swap ? __builtin_bswap64(v) : v;
}

/* err = "<name>: frame <N>: <reason>", f->file_frame = N; returns SF_SRC_ERROR. */
enum sf_source_status sf_src_fail(struct sf_source *s, struct sf_frame *f, char *err, size_t errlen,
                                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Classic pcap through our record reader. hdr holds the first hlen (>= 4) bytes already read
 * from fd; the reader takes fd over (and closes it when own_fd) whether open succeeds or not. */
int sf_pcap_open(struct sf_source *s, int fd, bool own_fd, const uint8_t *hdr, size_t hlen,
                 char *err, size_t errlen);
enum sf_source_status sf_pcap_next(struct sf_source *s, struct sf_frame *f, char *err,
                                   size_t errlen);
void sf_pcap_close(struct sf_source *s);

/* pcapng through our own block reader. */
int sf_pcapng_open(struct sf_source *s, int fd, bool own_fd, const uint8_t *hdr, size_t hlen,
                   char *err, size_t errlen);
enum sf_source_status sf_pcapng_next(struct sf_source *s, struct sf_frame *f, char *err,
                                     size_t errlen);
void sf_pcapng_close(struct sf_source *s);

/* Live capture. */
enum sf_source_status sf_live_next(struct sf_source *s, struct sf_frame *f, char *err,
                                   size_t errlen);
int sf_live_set_bpf(struct sf_source *s, const char *expr, char *err, size_t errlen);

/* Capture filters of file sources: compiled per link type on first use. */
int sf_bpf_file_set(struct sf_source *s, const char *expr, char *err, size_t errlen);
/* 1 = frame passes, 0 = filtered out, -1 = the filter cannot apply to this frame's link type
 * (why says so, without file and frame: the caller adds them). */
int sf_bpf_file_match(struct sf_source *s, const struct sf_frame *f, char *why, size_t whylen);
void sf_bpf_file_free(struct sf_bpf_cache *c);
/* libpcap's compile error without its generic prefix. */
const char *sf_bpf_reason(const char *pcap_msg);

/* Largest captured length libpcap accepts in a record of this link type (max_snaplen_for_dlt):
 * SF_MAX_CAPLEN, more for D-Bus, EBHSCR and USBPcap. */
uint32_t sf_linktype_max_caplen(int linktype);

/* LINKTYPE_* (files) <-> DLT_* (libpcap's in-memory values); equal except for a few. */
int sf_linktype_to_dlt(int linktype);
int sf_dlt_to_linktype(int dlt);

#endif
