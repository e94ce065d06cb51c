/* synfin — the table of recent retransmissions, for D-SACKs (ana_int.h). */
#include <stdlib.h>

#include "ana_int.h"

/* The first entry of the set of (connection, side, seq). */
static struct ana_rtx *rtx_set(const struct sf_analyser *a, uint64_t first_frame, int side,
                               uint32_t seq)
{
	/* splitmix64's finaliser over the three parts */
	uint64_t h = (first_frame + 1) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)seq << 1 | (side & 1));
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	h ^= h >> 31;
	return &a->rtx[(size_t)(h >> (64 - ANA_RTX_SET_BITS)) * ANA_RTX_WAYS];
}

/* The entry of (connection, side, seq) in its set, or NULL. */
static struct ana_rtx *rtx_in(struct ana_rtx *set, uint64_t first_frame, int side, uint32_t seq)
{
	for (unsigned w = 0; w < ANA_RTX_WAYS; w++)
		if (set[w].conn == first_frame + 1 && set[w].side == side && set[w].seq == seq)
			return &set[w];
	return NULL;
}

void ana_rtx_put(struct sf_analyser *a, uint64_t first_frame, int side, const struct ana_seg *s)
{
	if (!a->rtx) {
		a->rtx = calloc((size_t)ANA_RTX_WAYS << ANA_RTX_SET_BITS, sizeof(*a->rtx));
		if (!a->rtx)
			return; /* no memory: D-SACKs will name nothing */
	}
	struct ana_rtx *set = rtx_set(a, first_frame, side, s->seq);
	struct ana_rtx *r = rtx_in(set, first_frame, side, s->seq);
	if (r) { /* the same bytes resent again: one more copy, the latest frame */
		r->nextseq = s->nextseq;
		r->frame_delta = s->frame_delta;
		r->stamp = a->rtx_stamp++;
		r->copies += r->copies < UINT16_MAX;
		return;
	}
	/* else an empty way, else the oldest */
	r = set;
	for (unsigned w = 0; w < ANA_RTX_WAYS; w++) {
		if (!set[w].conn) {
			r = &set[w];
			break;
		}
		if (set[w].stamp - a->rtx_stamp < r->stamp - a->rtx_stamp)
			r = &set[w];
	}
	r->conn = first_frame + 1;
	r->seq = s->seq;
	r->nextseq = s->nextseq;
	r->frame_delta = s->frame_delta;
	r->stamp = a->rtx_stamp++;
	r->side = (uint8_t)side;
	r->copies = 1;
	r->dsacked = 0;
}

struct ana_rtx *ana_rtx_find(struct sf_analyser *a, uint64_t first_frame, int side, uint32_t seq)
{
	return a->rtx ? rtx_in(rtx_set(a, first_frame, side, seq), first_frame, side, seq) : NULL;
}
