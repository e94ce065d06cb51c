/* synfin — the segments of one direction not yet acknowledged, in send order.
 *
 * Wireshark keeps them in a linked list and walks all of it on every ACK. Here they sit in a
 * ring: while the segments are disjoint and in sequence order (no retransmission among them)
 * an ACK only pops from the oldest end and the span for bytes-in-flight is read off the two
 * ends; only with a retransmission pending does an ACK scan (and compact) the whole ring.
 * Buffers come from power-of-two size classes with free lists, so a run reaches a steady state
 * with no allocation at all. The in-order cases are inline in ana_int.h; this file has the
 * rest.
 */
#include <stdlib.h>
#include <string.h>

#include "ana_int.h"

static unsigned class_of(uint32_t cap)
{
	unsigned c = 0;
	while ((ANA_RING_MIN_SHIFT + c) < 31 && (1u << (ANA_RING_MIN_SHIFT + c)) < cap)
		c++;
	return c;
}

static struct ana_seg *buf_get(struct ana_segpool *sp, unsigned cls)
{
	void *b = sp->free_list[cls];
	if (b) {
		memcpy(&sp->free_list[cls], b, sizeof(void *));
		return b;
	}
	size_t sz = sizeof(struct ana_seg) << (ANA_RING_MIN_SHIFT + cls);
	b = malloc(sz);
	if (b)
		sp->bytes += sz;
	return b;
}

static void buf_put(struct ana_segpool *sp, struct ana_seg *b, uint32_t cap)
{
	unsigned cls = class_of(cap);
	void *head = sp->free_list[cls];
	memcpy((void *)b, &head, sizeof(void *));
	sp->free_list[cls] = b;
}

static struct ana_seg *at(const struct ana_ring *r, uint32_t i)
{
	return ana_ring_at(r, i);
}

static int grow(struct ana_segpool *sp, struct ana_ring *r)
{
	if (r->cap == 0) {
		r->cap = ANA_RING_INLINE;
		r->head = 0;
		return 0;
	}
	uint32_t ncap =
	    r->cap * 2 < (1u << ANA_RING_MIN_SHIFT) ? (1u << ANA_RING_MIN_SHIFT) : r->cap * 2;
	unsigned cls = class_of(ncap);
	if (cls >= ANA_RING_CLASSES)
		return -1;
	struct ana_seg *nb = buf_get(sp, cls);
	if (!nb)
		return -1;
	for (uint32_t i = 0; i < r->n; i++)
		nb[i] = *at(r, i);
	if (r->cap > ANA_RING_INLINE)
		buf_put(sp, r->u.buf, r->cap);
	r->u.buf = nb; /* the inline segments were copied first: the union is free now */
	r->cap = ncap;
	r->head = 0;
	return 0;
}

/* ana_ring_push when the ring is full (or at max). */
int ana_ring_push_grow(struct ana_segpool *sp, struct ana_ring *r, const struct ana_seg *s,
                       uint32_t max)
{
	if (r->n >= max)
		return -1;
	if (r->n == r->cap && grow(sp, r) < 0)
		return -1;
	if (r->n > 0 && SEQ_LT(s->seq, at(r, r->n - 1)->nextseq))
		r->unordered++;
	*at(r, r->n) = *s;
	r->n++;
	return 0;
}

void ana_ring_release(struct ana_segpool *sp, struct ana_ring *r)
{
	if (r->cap > ANA_RING_INLINE)
		buf_put(sp, r->u.buf, r->cap);
	r->cap = r->head = r->n = r->unordered = 0;
}

void ana_segpool_free(struct ana_segpool *sp)
{
	for (unsigned c = 0; c < ANA_RING_CLASSES; c++) {
		void *b = sp->free_list[c];
		while (b) {
			void *next;
			memcpy(&next, b, sizeof(void *));
			free(b);
			b = next;
		}
		sp->free_list[c] = NULL;
	}
}

/* ana_ring_ack with a retransmission among the segments. The three cases of packet-tcp.c's
 * ACK walk: a segment wholly covered goes (the one ending
 * exactly at ack is "the" acknowledged one), one partly covered is trimmed to ack, the rest
 * stay. */
int ana_ring_ack_scan(struct ana_ring *r, uint32_t ack, struct ana_seg *hit)
{
	int found = 0;
	uint32_t keep = 0, unordered = 0;
	for (uint32_t i = 0; i < r->n; i++) {
		struct ana_seg s = *at(r, i);
		if (SEQ_LE(s.nextseq, ack)) {
			if (s.nextseq == ack && !found) {
				*hit = s;
				found = 1;
			}
			continue;
		}
		if (SEQ_GT(ack, s.seq))
			s.seq = ack;
		if (keep > 0 && SEQ_LT(s.seq, at(r, keep - 1)->nextseq))
			unordered++;
		*at(r, keep++) = s;
	}
	r->n = keep;
	r->unordered = unordered;
	return found;
}

int ana_ring_holds(const struct ana_ring *r, uint32_t seq)
{
	for (uint32_t i = 0; i < r->n; i++) {
		const struct ana_seg *s = at(r, i);
		if (SEQ_LE(s->seq, seq) && SEQ_LT(seq, s->nextseq))
			return 1;
	}
	return 0;
}

/* ana_ring_span with a retransmission among the segments. */
int ana_ring_span_scan(const struct ana_ring *r, uint32_t base, uint32_t *first, uint32_t *last)
{
	uint32_t f = at(r, 0)->seq - base, l = at(r, 0)->nextseq - base;
	for (uint32_t i = 1; i < r->n; i++) {
		const struct ana_seg *s = at(r, i);
		if (s->seq - base < f)
			f = s->seq - base;
		if (s->nextseq - base > l)
			l = s->nextseq - base;
	}
	*first = f;
	*last = l;
	return 1;
}
