/* synfin tests — build struct sf_packet segments without bytes, and run them through a tracker.
 *
 * Endpoint A is the first packet's sender in most scenarios (10.0.0.1:40000), B the other
 * (10.0.0.2:80). Times are in microseconds from 1,000,000 s after the epoch. */
#ifndef SYNFIN_HELPER_SEG_H
#define SYNFIN_HELPER_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "synfin/conn.h"
#include "synfin/packet.h"

#define HSEG_A true
#define HSEG_B false

/* One segment of a scenario. */
struct hseg {
	bool from_a;
	uint16_t flags; /* SF_TCP_* */
	uint32_t seq, ack;
	uint32_t len;
	int64_t t_us; /* capture time, µs */
	uint16_t win; /* 0 means 65535 */
};

/* Fills *p and *f for s; frame numbers count from 1 in the order given. */
void hseg_build(struct sf_packet *p, struct sf_frame *f, const struct hseg *s, uint64_t number);
/* Sets the ports (A's, B's) and the last octet of the addresses used by hseg_build. */
void hseg_set_endpoints(uint16_t port_a, uint16_t port_b, uint8_t host_a, uint8_t host_b);
/* The SYN opening connection i of many (A = 10.0.0.host_a:1024+i, B = 10.0.0.9:443, seq i at
 * i µs) as frame `number`; the endpoints stay set to that connection's. */
void hseg_build_nth_syn(struct sf_packet *p, struct sf_frame *f, unsigned i, uint8_t host_a,
                        uint64_t number);

#define HSEG_MAX_CONNS 64
/* A run: closed connections copied as the tracker hands them over. */
struct hseg_run {
	struct sf_tracker *t;
	struct sf_conn closed[HSEG_MAX_CONNS];
	unsigned n_closed;
	unsigned n_opened;
	/* the ending hook: the slots it named (below 1024), and how many connections ended after
	 * being named by it */
	bool named[1024];
	unsigned n_ended_hinted;
	struct sf_pkt_track trk[64]; /* per segment of the last hseg_feed */
	struct sf_packet pkt[64];
	struct sf_frame frame[64];
	uint64_t next_frame;
};

/* Starts a run with cfg (NULL = defaults). */
void hseg_run_init(struct hseg_run *run, const struct sf_track_cfg *cfg);
/* Feeds n segments (n ≤ 64); returns the connection of the last one (valid until the next feed). */
const struct sf_conn *hseg_feed(struct hseg_run *run, const struct hseg *segs, unsigned n);
/* Flushes the tracker and frees it; closed[] holds every connection. */
void hseg_run_end(struct hseg_run *run);

#endif
