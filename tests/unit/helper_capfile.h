/* synfin tests — builders of capture-file bytes (classic pcap and pcapng), byte by byte.
 *
 * A struct capfile grows as records are appended; every multi-byte field is written in the
 * byte order chosen per call (big_endian true/false), so tests can build files of either
 * order, and damaged files by editing or cutting the bytes afterwards.
 */
#ifndef SYNFIN_TEST_HELPER_CAPFILE_H
#define SYNFIN_TEST_HELPER_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/source.h"

struct capfile {
	uint8_t *data;
	size_t len, cap;
};

void capfile_free(struct capfile *c);
void capfile_bytes(struct capfile *c, const void *p, size_t n);
void capfile_u16(struct capfile *c, uint16_t v, bool be);
void capfile_u32(struct capfile *c, uint32_t v, bool be);
void capfile_u64(struct capfile *c, uint64_t v, bool be);

/* Classic pcap. nano selects the nanosecond magic. */
void capfile_pcap_header(struct capfile *c, bool be, bool nano, uint16_t major, uint16_t minor,
                         uint32_t snaplen, uint32_t linktype);
void capfile_pcap_record(struct capfile *c, bool be, uint32_t sec, uint32_t frac, uint32_t caplen,
                         uint32_t wirelen, const uint8_t *data);

/* pcapng. tsresol < 0 writes no if_tsresol option; tsoffset != 0 writes if_tsoffset. */
void capfile_ng_shb(struct capfile *c, bool be, uint16_t major, uint16_t minor);
void capfile_ng_idb(struct capfile *c, bool be, uint16_t linktype, uint32_t snaplen, int tsresol,
                    int64_t tsoffset);
void capfile_ng_epb(struct capfile *c, bool be, uint32_t ifid, uint64_t ts, uint32_t caplen,
                    uint32_t wirelen, const uint8_t *data);
void capfile_ng_pb(struct capfile *c, bool be, uint16_t ifid, uint64_t ts, uint32_t caplen,
                   uint32_t wirelen, const uint8_t *data);
void capfile_ng_spb(struct capfile *c, bool be, uint32_t wirelen, const uint8_t *data,
                    uint32_t datalen);
/* Any block: type, body (padded to 4 with zeros), leading and trailing length. */
void capfile_ng_block(struct capfile *c, bool be, uint32_t type, const uint8_t *body,
                      uint32_t bodylen);

/* A fresh temporary directory (mkdtemp) and a file in it; paths are malloc'ed. */
char *capfile_tmpdir(void);
char *capfile_write(const struct capfile *c, const char *dir, const char *name);
/* Removes the files in dir written by capfile_write, then dir. */
void capfile_rmdir(char *dir);

/* Every frame of a capture file, as sf_source_next gave it. */
#define CAPFILE_MAXF 16
struct capfile_got {
	unsigned n;
	struct sf_frame f[CAPFILE_MAXF];
	uint8_t first_byte[CAPFILE_MAXF];
	enum sf_source_status rc;
	char err[SF_ERRBUF];
	uint64_t err_frame;
	bool opened;
	int linktype_after_open;
	enum sf_file_format format;
};

/* Opens path as input index idx and reads it to the end, failing the test past max frames
 * (max <= CAPFILE_MAXF). An open failure leaves opened false, rc = SF_SRC_ERROR and err set,
 * err_frame 0. */
void capfile_read_all(const char *path, unsigned idx, unsigned max, struct capfile_got *g);

/* A temporary directory for a group of tests: capfile_setup makes it, capfile_teardown
 * removes it (cmocka group setup and teardown). */
extern char *capfile_dir;
int capfile_setup(void **state);
int capfile_teardown(void **state);

/* Shared captures directory ($SYNFIN_CAPTURES, else ../shared/captures from the source tree),
 * or NULL when absent. */
const char *capfile_shared_dir(void);

#endif
