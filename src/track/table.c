/* synfin — flow table: record pool, open-addressing index, LRU list, timing wheel. */
#include <stdlib.h>
#include <string.h>

#include "table.h"

#include "core/bigmem.h"

_Static_assert(TRK_CHUNK * sizeof(struct trk_rec) <= SF_HUGE_PAGE, "a chunk fits a huge page");

int trk_table_init(struct trk_table *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = TRK_INDEX0 - 1;
	t->slot = calloc((size_t)t->mask + 1, sizeof(uint32_t));
	if (!t->slot)
		return -1;
	t->bytes = ((size_t)t->mask + 1) * sizeof(uint32_t);
	t->free_head = t->lru_head = t->lru_tail = TRK_NIL;
	for (unsigned i = 0; i < TRK_WHEEL_SLOTS; i++)
		t->wheel[i] = TRK_NIL;
	return 0;
}

void trk_table_free(struct trk_table *t)
{
	for (unsigned k = 0; k < t->n_chunks; k++)
		free(t->chunk[k]);
	free(t->spare);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static int cmp_ep(const uint8_t *a1, uint16_t p1, const uint8_t *a2, uint16_t p2)
{
	int c = memcmp(a1, a2, 16);
	if (c)
		return c;
	return (int)p1 - (int)p2;
}

static void key_set(struct trk_key *k, uint8_t fam, uint16_t vlan, const uint8_t *a1, uint16_t p1,
                    const uint8_t *a2, uint16_t p2)
{
	memset(k, 0, sizeof(*k));
	k->family = fam;
	k->vlan = vlan;
	bool swap = cmp_ep(a1, p1, a2, p2) > 0;
	memcpy(k->a[0], swap ? a2 : a1, 16);
	memcpy(k->a[1], swap ? a1 : a2, 16);
	k->port[0] = swap ? p2 : p1;
	k->port[1] = swap ? p1 : p2;
}

uint16_t trk_vlan_of(const struct trk_table *t, const struct sf_packet *p)
{
	if (t->ignore_vlan || !p->n_vlan)
		return 0;
	return (uint16_t)(p->vlan_tci[p->n_vlan - 1] & 0x0fff);
}

void trk_key_of(const struct trk_table *t, struct trk_key *k, const struct sf_packet *p)
{
	key_set(k, p->src.family, trk_vlan_of(t, p), p->src.a, p->sport, p->dst.a, p->dport);
}

void trk_key_of_rec(struct trk_key *k, const struct trk_rec *r)
{
	key_set(k, r->c.addr[0].family, r->c.vlan, r->c.addr[0].a, r->c.port[0], r->c.addr[1].a,
	        r->c.port[1]);
}

/* One endpoint (address, port) as 64 bits of hash: two multiply-xorshift rounds. */
static uint64_t ep_mix(const uint8_t *a, uint16_t port)
{
	uint64_t w0, w1;
	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	uint64_t h = (w0 ^ 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
	h ^= (h >> 32) ^ w1;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= (h >> 29) ^ port;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* The hash of a connection: its two endpoints' hashes added, so that either direction gives
 * it without first ordering the endpoints into the canonical key (a packet is looked up
 * straight from its header fields), then mixed with the family. The VLAN id is left out (it
 * is compared, unless VLANs are ignored): the hash of a packet needs no configuration, so the
 * reading thread can compute it. */
static uint32_t conn_hash(uint8_t family, const uint8_t *a1, uint16_t p1, const uint8_t *a2,
                          uint16_t p2)
{
	uint64_t h = ep_mix(a1, p1) + ep_mix(a2, p2) + family;
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h >> 32);
}

uint32_t trk_key_hash(const struct trk_key *k)
{
	return conn_hash(k->family, k->a[0], k->port[0], k->a[1], k->port[1]);
}

uint32_t trk_pkt_hash(const struct sf_packet *p)
{
	return conn_hash(p->src.family, p->src.a, p->sport, p->dst.a, p->dport);
}

/* Index slots hold the record index + 1 in the low TRK_IDX_BITS and the top bits of the key's
 * hash above them: a probe that meets another key's slot is told apart by its tag 63 times
 * in 64 without reading that record (a cache miss apiece on a large table). */
static uint32_t slot_of(uint32_t h, uint32_t idx)
{
	return (h >> TRK_IDX_BITS << TRK_IDX_BITS) | (idx + 1);
}

static uint32_t slot_idx(uint32_t s)
{
	return (s & TRK_IDX_MASK) - 1;
}

static bool tag_eq(uint32_t s, uint32_t h)
{
	return ((s ^ h) >> TRK_IDX_BITS) == 0;
}

/* The record is packet p's connection: same family and VLAN, and p's two endpoints are the
 * record's client and server in either order (*fwd: in that order). */
static bool rec_has_pkt(const struct trk_table *t, const struct trk_rec *r,
                        const struct sf_packet *p, bool *fwd)
{
	const struct sf_conn *c = &r->c;
	if (c->addr[0].family != p->src.family || c->vlan != trk_vlan_of(t, p))
		return false;
	*fwd = true;
	if (c->port[0] == p->sport && c->port[1] == p->dport &&
	    memcmp(c->addr[0].a, p->src.a, 16) == 0 && memcmp(c->addr[1].a, p->dst.a, 16) == 0)
		return true;
	*fwd = false;
	return c->port[0] == p->dport && c->port[1] == p->sport &&
	       memcmp(c->addr[0].a, p->dst.a, 16) == 0 && memcmp(c->addr[1].a, p->src.a, 16) == 0;
}

uint32_t trk_table_find(const struct trk_table *t, const struct sf_packet *p, uint32_t h,
                        bool *from_client)
{
	for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint32_t s = t->slot[i];
		if (!s)
			return TRK_NIL;
		if (!tag_eq(s, h))
			continue;
		const struct trk_rec *r = trk_rec_at(t, slot_idx(s));
		/* Ask for all of the record's cache lines at once: the check waits for one, the
		 * tracker reads the others next, and they arrive in parallel, not in turn. */
		sf_prefetch_span(r, sizeof(*r));
		if (rec_has_pkt(t, r, p, from_client))
			return slot_idx(s);
	}
}

void trk_table_prefetch_index(const struct trk_table *t, uint32_t h)
{
	__builtin_prefetch(&t->slot[h & t->mask]);
}

uint32_t trk_table_prefetch_rec(const struct trk_table *t, uint32_t h)
{
	/* The probes trk_table_find will make, as far as the index line asked for earlier goes:
	 * at half load, about one connection in four is not in its first slot, and stopping there
	 * left a quarter of the packets with nothing fetched ahead. */
	for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint32_t s = t->slot[i];
		if (!s)
			return TRK_NIL;
		if (tag_eq(s, h)) {
			const struct trk_rec *r = trk_rec_at(t, slot_idx(s));
			sf_prefetch_span_w(r, sizeof(*r));
			return slot_idx(s);
		}
		if ((((uintptr_t)&t->slot[i] + sizeof(*t->slot)) & 63) == 0 || i == t->mask)
			return TRK_NIL; /* the next probe is on another line */
	}
}

static uint32_t rec_hash(const struct trk_table *t, uint32_t idx)
{
	const struct sf_conn *c = &trk_rec_at(t, idx)->c;
	return conn_hash(c->addr[0].family, c->addr[0].a, c->port[0], c->addr[1].a, c->port[1]);
}

/* Open addressing over the index's 32-bit slots (0 = empty): places value v at the first free
 * slot from hash h; and empties slot i by backward shift, hash_of giving the hash of a slot's
 * value. */
static void trk_oa_place(uint32_t *slot, uint32_t mask, uint32_t h, uint32_t v)
{
	uint32_t i = h & mask;
	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = v;
}

/* Backward-shift deletion keeps linear probing correct without deleted markers. */
static void trk_oa_delete(uint32_t *slot, uint32_t mask, uint32_t i,
                          uint32_t (*hash_of)(const void *ctx, uint32_t v), const void *ctx)
{
	uint32_t j = i;
	for (;;) {
		slot[i] = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (!slot[j])
				return;
			uint32_t home = hash_of(ctx, slot[j]) & mask;
			/* move slot j back to i unless its home lies cyclically in (i, j] */
			bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
			if (!stays)
				break;
		}
		slot[i] = slot[j];
		i = j;
	}
}

/* Doubles the index. The live records are placed again in pool order: their keys are read
 * from memory in sequence, not at the random places the old index points to. */
static int grow_index(struct trk_table *t)
{
	uint32_t nmask = t->mask * 2 + 1;
	size_t bytes = ((size_t)nmask + 1) * sizeof(uint32_t);
	uint32_t *ns = sf_big_alloc(bytes, true);
	if (!ns)
		return -1;
	memset(ns, 0, bytes);
	for (uint32_t idx = 0; idx < t->used_hwm; idx++) {
		const struct trk_rec *r = trk_rec_at(t, idx);
		if (r->in_use) {
			uint32_t h = rec_hash(t, idx);
			trk_oa_place(ns, nmask, h, slot_of(h, idx));
		}
	}
	t->bytes += ((size_t)nmask - t->mask) * sizeof(uint32_t);
	free(t->slot);
	t->slot = ns;
	t->mask = nmask;
	return 0;
}

/* Chunk n_chunks, taken from the spare when it was had early. */
static struct trk_rec *next_chunk(struct trk_table *t)
{
	struct trk_rec *c = t->spare;
	t->spare = NULL;
	return c ? c : sf_big_alloc(SF_HUGE_PAGE, t->n_chunks > 0);
}

/* The last chunk is half used: has the next one now and asks for its huge page, so that it is
 * there, cleared by someone else, when the records reach it. */
static void ask_ahead(struct trk_table *t)
{
	if (t->spare || t->n_chunks >= TRK_MAX_CHUNKS)
		return;
	t->spare = sf_big_alloc(SF_HUGE_PAGE, true);
	if (t->spare)
		t->pages(t->pages_self, t->spare, SF_HUGE_PAGE);
}

uint32_t trk_table_alloc(struct trk_table *t)
{
	uint32_t idx;
	if (t->free_head != TRK_NIL) {
		idx = t->free_head;
		t->free_head = trk_rec_at(t, idx)->lru_next;
	} else {
		if (t->used_hwm >= TRK_MAX_RECORDS)
			return TRK_NIL; /* idx + 1 must fit below the slot's tag */
		if (t->used_hwm == t->capacity) {
			if (t->n_chunks == TRK_MAX_CHUNKS)
				return TRK_NIL;
			struct trk_rec *c = next_chunk(t);
			if (!c)
				return TRK_NIL;
			t->chunk[t->n_chunks++] = c;
			t->capacity += TRK_CHUNK;
			t->bytes += SF_HUGE_PAGE;
		}
		idx = t->used_hwm++;
		if (t->pages && (idx & (TRK_CHUNK - 1)) == TRK_CHUNK / 2)
			ask_ahead(t);
	}
	struct trk_rec *r = trk_rec_at(t, idx);
	memset(r, 0, sizeof(*r));
	r->lru_prev = r->lru_next = r->wheel_prev = r->wheel_next = TRK_NIL;
	return idx;
}

uint32_t trk_table_next_free(const struct trk_table *t)
{
	if (t->free_head != TRK_NIL)
		return t->free_head;
	return t->used_hwm < t->capacity ? t->used_hwm : TRK_NIL;
}

int trk_table_insert(struct trk_table *t, uint32_t idx)
{
	/* keep the load at most one half: probes stay short */
	if ((uint64_t)(t->live + 1) * 2 > (uint64_t)t->mask + 1 && grow_index(t) < 0)
		return -1;
	struct trk_rec *r = trk_rec_at(t, idx);
	uint32_t h = rec_hash(t, idx);
	trk_oa_place(t->slot, t->mask, h, slot_of(h, idx));
	r->in_use = 1;
	t->live++;
	/* newest at the LRU tail */
	r->lru_prev = t->lru_tail;
	r->lru_next = TRK_NIL;
	if (t->lru_tail != TRK_NIL)
		trk_rec_at(t, t->lru_tail)->lru_next = idx;
	else
		t->lru_head = idx;
	t->lru_tail = idx;
	return 0;
}

static void lru_unlink(struct trk_table *t, uint32_t idx)
{
	struct trk_rec *r = trk_rec_at(t, idx);
	if (r->lru_prev != TRK_NIL)
		trk_rec_at(t, r->lru_prev)->lru_next = r->lru_next;
	else
		t->lru_head = r->lru_next;
	if (r->lru_next != TRK_NIL)
		trk_rec_at(t, r->lru_next)->lru_prev = r->lru_prev;
	else
		t->lru_tail = r->lru_prev;
	r->lru_prev = r->lru_next = TRK_NIL;
}

void trk_lru_touch(struct trk_table *t, uint32_t idx)
{
	if (t->lru_tail == idx)
		return;
	lru_unlink(t, idx);
	struct trk_rec *r = trk_rec_at(t, idx);
	r->lru_prev = t->lru_tail;
	trk_rec_at(t, t->lru_tail)->lru_next = idx;
	t->lru_tail = idx;
}

void trk_wheel_unlink(struct trk_table *t, uint32_t idx)
{
	struct trk_rec *r = trk_rec_at(t, idx);
	if (r->wheel_prev == TRK_NIL && t->wheel[r->deadline_s % TRK_WHEEL_SLOTS] != idx)
		return; /* not on the wheel */
	if (r->wheel_prev != TRK_NIL)
		trk_rec_at(t, r->wheel_prev)->wheel_next = r->wheel_next;
	else
		t->wheel[r->deadline_s % TRK_WHEEL_SLOTS] = r->wheel_next;
	if (r->wheel_next != TRK_NIL)
		trk_rec_at(t, r->wheel_next)->wheel_prev = r->wheel_prev;
	r->wheel_prev = r->wheel_next = TRK_NIL;
}

void trk_wheel_set(struct trk_table *t, uint32_t idx, uint32_t deadline_s)
{
	struct trk_rec *r = trk_rec_at(t, idx);
	if (r->deadline_s == deadline_s &&
	    (r->wheel_prev != TRK_NIL || t->wheel[deadline_s % TRK_WHEEL_SLOTS] == idx))
		return;
	trk_wheel_unlink(t, idx);
	r->deadline_s = deadline_s;
	uint32_t s = deadline_s % TRK_WHEEL_SLOTS;
	r->wheel_next = t->wheel[s];
	r->wheel_prev = TRK_NIL;
	if (t->wheel[s] != TRK_NIL)
		trk_rec_at(t, t->wheel[s])->wheel_prev = idx;
	t->wheel[s] = idx;
}

static uint32_t slot_hash(const void *t, uint32_t s)
{
	return rec_hash(t, slot_idx(s));
}

void trk_table_prefetch_remove(const struct trk_table *t, uint32_t idx)
{
	const struct trk_rec *r = trk_rec_at(t, idx);
	__builtin_prefetch(&t->slot[rec_hash(t, idx) & t->mask], 1);
	if (r->lru_prev != TRK_NIL)
		__builtin_prefetch(&trk_rec_at(t, r->lru_prev)->lru_next, 1);
	if (r->lru_next != TRK_NIL)
		__builtin_prefetch(&trk_rec_at(t, r->lru_next)->lru_prev, 1);
}

static void index_delete(struct trk_table *t, uint32_t idx)
{
	uint32_t i = rec_hash(t, idx) & t->mask;
	while (t->slot[i] == 0 || slot_idx(t->slot[i]) != idx)
		i = (i + 1) & t->mask;
	trk_oa_delete(t->slot, t->mask, i, slot_hash, t);
}

size_t trk_table_live_list(const struct trk_table *t, struct trk_live *out, size_t cap)
{
	size_t k = 0;
	for (unsigned c = 0; c < t->n_chunks && k < cap; c++) {
		uint32_t base = c << TRK_CHUNK_SHIFT;
		if (base >= t->used_hwm)
			break;
		uint32_t n = TRK_CHUNK < t->used_hwm - base ? TRK_CHUNK : t->used_hwm - base;
		const struct trk_rec *r = t->chunk[c];
		for (uint32_t i = 0; i < n && k < cap; i++)
			if (r[i].in_use)
				out[k++] = (struct trk_live){r[i].c.last_frame, base + i};
	}
	return k;
}

void trk_table_clear(struct trk_table *t)
{
	memset(t->slot, 0, ((size_t)t->mask + 1) * sizeof(uint32_t));
	t->used_hwm = 0;
	t->free_head = t->lru_head = t->lru_tail = TRK_NIL;
	t->live = 0;
	for (unsigned i = 0; i < TRK_WHEEL_SLOTS; i++)
		t->wheel[i] = TRK_NIL;
}

void trk_table_unalloc(struct trk_table *t, uint32_t idx)
{
	trk_rec_at(t, idx)->lru_next = t->free_head;
	t->free_head = idx;
}

void trk_table_remove(struct trk_table *t, uint32_t idx)
{
	struct trk_rec *r = trk_rec_at(t, idx);
	index_delete(t, idx);
	trk_wheel_unlink(t, idx);
	lru_unlink(t, idx);
	r->in_use = 0;
	r->lru_next = t->free_head;
	t->free_head = idx;
	t->live--;
}
