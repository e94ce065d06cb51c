/* synfin — the table of recent retransmissions, for D-SACKs (ana_int.h). */
#include <stdlib.h>

#include "ana_int.h"

static size_t rtx_index(uint64_t first_frame, int side, uint32_t seq)
{
	uint64_t h = (first_frame + 1) * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)seq << 1 | (uint64_t)(side & 1)) * 0xff51afd7ed558ccdull;
	return (size_t)(h >> (64 - ANA_RTX_BITS));
}

void ana_rtx_put(struct sf_analyser *a, uint64_t first_frame, int side, const struct ana_seg *s)
{
	if (!a->rtx) {
		a->rtx = calloc((size_t)1 << ANA_RTX_BITS, sizeof(*a->rtx));
		if (!a->rtx)
			return; /* no memory: D-SACKs will name nothing */
	}
	struct ana_rtx *r = &a->rtx[rtx_index(first_frame, side, s->seq)];
	r->conn = first_frame + 1;
	r->seq = s->seq;
	r->nextseq = s->nextseq;
	r->frame_delta = s->frame_delta;
	r->side = (uint8_t)side;
	r->dsacked = 0;
}

struct ana_rtx *ana_rtx_find(struct sf_analyser *a, uint64_t first_frame, int side, uint32_t seq)
{
	if (!a->rtx)
		return NULL;
	struct ana_rtx *r = &a->rtx[rtx_index(first_frame, side, seq)];
	return r->conn == first_frame + 1 && r->side == side && r->seq == seq ? r : NULL;
}
