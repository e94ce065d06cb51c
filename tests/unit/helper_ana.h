/* synfin tests — run crafted segments through a tracker and an analyser (helper_seg builds
 * the segments). A and B as in helper_seg.h. */
#ifndef SYNFIN_HELPER_ANA_H
#define SYNFIN_HELPER_ANA_H

#include "helper_seg.h"
#include "synfin/analysis.h"

/* A segment plus what struct hseg cannot say. */
struct hana_seg {
	struct hseg s;
	uint16_t ip_id; /* IPv4 identification (0 = none) */
	bool win0;      /* advertise a zero window (hseg's 0 means 65535) */
	int8_t wscale;  /* window-scale option on a SYN: shift, or -1 for none (0 = shift 0) */
	bool no_ws;     /* with wscale 0: no option at all */
	uint8_t n_sack; /* SACK blocks, raw numbers */
	struct sf_sack_block sack[SF_MAX_SACK];
	bool hlen_too_large; /* decode found the header longer than the IP payload */
};

#define HANA_MAX 128

struct hana_run {
	struct sf_tracker *t;
	struct sf_analyser *a;
	struct sf_pkt_analysis out[HANA_MAX]; /* per segment fed, in order */
	/* the figures of each segment's connection just after it (sf_analyser_conn), zero when
	 * it has none */
	struct sf_conn_analysis fig[HANA_MAX];
	const struct sf_conn *conn[HANA_MAX];
	unsigned n;
	uint64_t next_frame;
	struct sf_packet pkt;
	struct sf_frame frame;
};

/* cfg NULL = defaults (corrections on). */
void hana_init(struct hana_run *r, const struct sf_ana_cfg *cfg);
/* Feeds segments; their analyses land in r->out[r->n …]. */
void hana_feed(struct hana_run *r, const struct hana_seg *segs, unsigned n);
void hana_end(struct hana_run *r);

#endif
