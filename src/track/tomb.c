/* synfin — compact TIME-WAIT records (tomb.h): an array pool, an open-addressing index and a
 * FIFO of expiry. */
#include <stdlib.h>
#include <string.h>

#include "tomb.h"

_Static_assert(sizeof(struct trk_tomb) <= 96, "a settled connection's record stays compact");

#define TOMB_IDX0 1024u /* first index size; doubles when half full */

void trk_tombs_init(struct trk_tombs *t)
{
	memset(t, 0, sizeof(*t));
	t->free_head = t->head = t->tail = TRK_NIL;
}

void trk_tombs_free(struct trk_tombs *t)
{
	free(t->v);
	free(t->slot);
	trk_tombs_init(t);
}

static uint64_t slot_of(uint32_t h, uint32_t i)
{
	return (uint64_t)h << 32 | (i + 1);
}

static uint32_t slot_hash(uint64_t s)
{
	return (uint32_t)(s >> 32);
}

static uint32_t slot_tomb(uint64_t s)
{
	return (uint32_t)s - 1;
}

static void place(uint64_t *slot, uint32_t mask, uint64_t v)
{
	uint32_t i = slot_hash(v) & mask;
	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = v;
}

static int grow_index(struct trk_tombs *t)
{
	uint32_t nmask = t->slot ? t->mask * 2 + 1 : TOMB_IDX0 - 1;
	uint64_t *ns = calloc((size_t)nmask + 1, sizeof(*ns));
	if (!ns)
		return -1;
	for (uint32_t i = 0; t->slot && i <= t->mask; i++)
		if (t->slot[i])
			place(ns, nmask, t->slot[i]);
	t->bytes += ((size_t)nmask + 1 - (t->slot ? (size_t)t->mask + 1 : 0)) * sizeof(*ns);
	free(t->slot);
	t->slot = ns;
	t->mask = nmask;
	return 0;
}

static uint32_t alloc_tomb(struct trk_tombs *t)
{
	if (t->free_head != TRK_NIL) {
		uint32_t i = t->free_head;
		t->free_head = t->v[i].next;
		return i;
	}
	if (t->used_hwm == t->cap) {
		if (t->cap >= TRK_MAX_RECORDS)
			return TRK_NIL;
		uint32_t ncap = t->cap ? t->cap * 2 : 1024;
		struct trk_tomb *nv = realloc(t->v, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return TRK_NIL;
		t->bytes += (size_t)(ncap - t->cap) * sizeof(*nv);
		t->v = nv;
		t->cap = ncap;
	}
	return t->used_hwm++;
}

int trk_tombs_add(struct trk_tombs *t, const struct trk_rec *r, uint32_t deadline_s)
{
	if ((!t->slot || (uint64_t)(t->live + 1) * 2 > (uint64_t)t->mask + 1) && grow_index(t) < 0)
		return -1;
	uint32_t i = alloc_tomb(t);
	if (i == TRK_NIL)
		return -1;
	struct trk_tomb *b = &t->v[i];
	memset(b, 0, sizeof(*b));
	trk_key_of_rec(&b->key, r);
	b->stream = r->c.stream;
	for (int k = 0; k < 2; k++) {
		const struct trk_side *rs = &r->side[k];
		b->side[k] = (struct trk_tomb_side){.base = rs->base,
		                                    .fin_end = rs->fin_end,
		                                    .rcv_nxt = rs->rcv_nxt,
		                                    .rcv_wnd = rs->rcv_wnd,
		                                    .base_set = rs->base_set,
		                                    .fin_sent = rs->fin_sent,
		                                    .ack_sent = rs->ack_sent,
		                                    .syn_sent = rs->syn_sent,
		                                    .fin_acked = rs->fin_acked,
		                                    .wnd_scaled = rs->wnd_scaled,
		                                    .zeek = rs->zeek};
	}
	b->hash = trk_key_hash(&b->key);
	b->deadline_s = deadline_s;
	memcpy(b->state, r->c.state, sizeof(b->state));
	b->ws1 = (uint8_t)(r->c.opts[0].wscale + 1) & 0xf; /* 0 … 14, or -1 */
	b->ws1_srv = (uint8_t)(r->c.opts[1].wscale + 1) & 0xf;
	b->client_lo =
	    r->c.port[0] == b->key.port[0] && memcmp(r->c.addr[0].a, b->key.a[0], 16) == 0;
	b->roles_guessed = r->c.roles_guessed;
	b->fin_first = r->fin_first;
	b->live = 1;
	b->next = TRK_NIL;
	if (t->tail != TRK_NIL)
		t->v[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
	place(t->slot, t->mask, slot_of(b->hash, i));
	t->live++;
	return 0;
}

static bool key_eq(const struct trk_key *a, const struct trk_key *b)
{
	return a->family == b->family && a->vlan == b->vlan && a->port[0] == b->port[0] &&
	       a->port[1] == b->port[1] && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

uint32_t trk_tombs_find(const struct trk_tombs *t, const struct trk_key *k, uint32_t h)
{
	if (!t->live)
		return TRK_NIL;
	for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint64_t s = t->slot[i];
		if (!s)
			return TRK_NIL;
		if (slot_hash(s) == h && key_eq(&t->v[slot_tomb(s)].key, k))
			return slot_tomb(s);
	}
}

void trk_tombs_kill(struct trk_tombs *t, uint32_t idx)
{
	struct trk_tomb *b = &t->v[idx];
	if (!b->live)
		return;
	b->live = 0;
	t->live--;
	uint32_t i = b->hash & t->mask;
	while (slot_tomb(t->slot[i]) != idx)
		i = (i + 1) & t->mask;
	/* backward shift (as trk_oa_delete), each slot's home from the hash it holds */
	for (uint32_t j = i;;) {
		t->slot[i] = 0;
		for (;;) {
			j = (j + 1) & t->mask;
			if (!t->slot[j])
				return;
			uint32_t home = slot_hash(t->slot[j]) & t->mask;
			/* move slot j back to i unless its home lies cyclically in (i, j] */
			bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
			if (!stays)
				break;
		}
		t->slot[i] = t->slot[j];
		i = j;
	}
}

uint64_t trk_tombs_expire(struct trk_tombs *t, uint32_t now_s, uint32_t max)
{
	uint64_t early = 0;
	while (t->head != TRK_NIL) {
		struct trk_tomb *b = &t->v[t->head];
		if (b->live && b->deadline_s > now_s && t->live <= max)
			break;
		if (b->live && b->deadline_s > now_s)
			early++;
		trk_tombs_kill(t, t->head);
		uint32_t i = t->head;
		t->head = b->next;
		if (t->head == TRK_NIL)
			t->tail = TRK_NIL;
		b->next = t->free_head;
		t->free_head = i;
	}
	return early;
}
