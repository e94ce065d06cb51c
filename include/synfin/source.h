/* synfin — sources of frames: capture files (pcap, pcapng, stdin) and live interfaces.
 *
 * A source yields frames one at a time; a frame's bytes stay valid until the next call.
 * Errors name the file and the frame where reading broke; every frame before it has been
 * yielded normally.
 *
 * Link types: sf_frame.linktype is always a LINKTYPE_* value as written in files (pcap file
 * header, pcapng interface), never libpcap's in-memory DLT_* value; live DLTs are mapped back
 * (DLT_RAW 12 on Linux → LINKTYPE_RAW 101). The two only differ for a handful of values.
 *
 * Both file formats are read by synfin's own readers: classic pcap by a record reader that maps
 * a regular file and keeps libpcap 1.10's rules and messages; pcapng by a block reader (libpcap
 * 1.10 refuses files whose interfaces differ in link type or snaplen). Standard input and pipes
 * stream through a buffer. A record whose captured length exceeds the snaplen is cut to the
 * snaplen, as libpcap does (tcpdump shows it that way); one above 256 KiB (more for the few link
 * types libpcap allows more: D-Bus, EBHSCR, USBPcap) is a damaged file. A regular file that
 * another process truncates while it is being read raises SIGBUS (it is mapped).
 */
#ifndef SYNFIN_SOURCE_H
#define SYNFIN_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/packet.h"

#define SF_ERRBUF 512

struct sf_source;

enum sf_source_status {
	SF_SRC_ERROR = -1, /* reading broke; err says where and why */
	SF_SRC_END = 0,    /* no more frames */
	SF_SRC_FRAME = 1   /* *f holds the next frame */
};

enum sf_file_format { SF_FMT_PCAP = 1, SF_FMT_PCAPNG = 2, SF_FMT_LIVE = 3 };

/* Opens a capture file; "-" reads standard input (streamed: no seeking, no temporary file).
 * file_index is copied into every frame. Fails (NULL, err = "<file>: <reason>") when the file
 * cannot be opened or its header is unusable: "not a pcap or pcapng file (magic 0x…)",
 * "unsupported pcap version 3.0", "unsupported pcapng version 0.1", a damaged first section
 * header. Damage after the file header is reported by sf_source_next() with its frame. */
struct sf_source *sf_source_open_file(const char *path, uint32_t file_index, char *err,
                                      size_t errlen);

struct sf_live_opts {
	const char *iface; /* interface name, "any" and "lo" included */
	int snaplen;       /* 0 = 262144 */
	int buffer_bytes;  /* 0 = 4 MiB */
	bool promisc;
	bool immediate; /* deliver packets as they arrive */
	int timeout_ms; /* read timeout, 0 = 100 ms */
};
/* Opens a live capture. Needs CAP_NET_RAW; the error says so when it is missing. One line per
 * failure: "no such interface: eth9", "permission denied capturing on lo: needs CAP_NET_RAW
 * (run as root or grant the capability)", "interface eth0 is not up", … */
struct sf_source *sf_source_open_live(const struct sf_live_opts *o, char *err, size_t errlen);

/* Applies a BPF capture filter (libpcap syntax) to the source; -1 with libpcap's message
 * ("bad capture filter 'tcp prot 80': syntax error"). Live: in the kernel (pcap_setfilter).
 * Files: compiled once per link type met in the file and run per frame (pcap_offline_filter);
 * frames it drops still count in file_frame, so numbers stay those of the file. NULL or ""
 * removes the filter. */
int sf_source_set_bpf(struct sf_source *s, const char *expr, char *err, size_t errlen);

/* Next frame. f->number is left 0: the pipeline numbers frames across a run. A live source
 * blocks until a frame arrives or sf_source_break() is called (then SF_SRC_END). On SF_SRC_ERROR,
 * f->file_frame holds the number of the frame that could not be read, and err names the file,
 * that frame and the reason ("x.pcap: frame 17: record length 300000 exceeds 262144"). */
enum sf_source_status sf_source_next(struct sf_source *s, struct sf_frame *f, char *err,
                                     size_t errlen);

/* True when the source reads a regular file (standard input included when it is one): all of
 * its frames are there, so a reader may ask for several before using the first. */
bool sf_source_is_regular_file(const struct sf_source *s);

/* True when the bytes of every frame the source returns stay readable until it is closed (a
 * mapped classic pcap file), so that a reader may keep frames without copying them; false
 * when the next sf_source_next may reuse them. */
bool sf_source_frames_persist(const struct sf_source *s);

/* Asks a source to stop at the next opportunity (async-signal-safe): the next call, or the
 * blocked one of a live source, returns SF_SRC_END. */
void sf_source_break(struct sf_source *s);

/* Live capture counters from libpcap (received, dropped by the kernel, dropped by the
 * interface). */
int sf_source_stats(struct sf_source *s, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop);

const char *sf_source_name(const struct sf_source *s); /* path, "-" or interface */
enum sf_file_format sf_source_format(const struct sf_source *s);
/* The link type of the first interface (pcap: the file's; pcapng: the first interface block,
 * read ahead at open when it precedes the first packet; -1 if none). */
int sf_source_linktype(const struct sf_source *s);
/* pcap_t of a live source, for writers and privilege dropping (NULL for files). */
void *sf_source_pcap(struct sf_source *s);

void sf_source_close(struct sf_source *s);

#endif
