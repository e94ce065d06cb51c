/* synfin — the flow table: a record pool, an open-addressing index, an LRU list and a timing
 * wheel, all by 32-bit record index. No allocation per packet: the pool grows a chunk at a time
 * (never moves a record), the index doubles when half full. */
#ifndef SYNFIN_TRACK_TABLE_H
#define SYNFIN_TRACK_TABLE_H

#include <stddef.h>

#include "track_int.h"

/* An index slot packs a record index (+1, 0 = empty) into its low TRK_IDX_BITS and a tag of
 * the key's hash above: records are capped at 2^26 - 1 (67 million live connections, 16 GB
 * of records); sf_tracker_new clamps --max-conns to it. */
#define TRK_IDX_BITS    26
#define TRK_IDX_MASK    ((1u << TRK_IDX_BITS) - 1)
#define TRK_MAX_RECORDS TRK_IDX_MASK
#define TRK_WHEEL_SLOTS 4096u /* one-second slots: deadlines further out are requeued */
/* The pool's chunks hold 8192 records each, a huge page's worth (bigmem.h): finding a record
 * is a shift and a mask (several times a packet). Chunk 0 is on small pages, taken as they
 * are touched, so that a small capture stays small. */
#define TRK_CHUNK_SHIFT 13
#define TRK_CHUNK       (1u << TRK_CHUNK_SHIFT)
#define TRK_MAX_CHUNKS  ((TRK_MAX_RECORDS >> TRK_CHUNK_SHIFT) + 1)
#define TRK_INDEX0      2048u /* index slots at first: 1024 connections at half load */

/* Canonical key: the lower (address, port) first, so both directions find one record. */
struct trk_key {
	uint8_t family;
	uint16_t vlan;
	uint8_t a[2][16];
	uint16_t port[2];
};

struct trk_table {
	struct trk_rec *chunk[TRK_MAX_CHUNKS];
	unsigned n_chunks;
	uint32_t capacity;  /* records allocated in chunks */
	uint32_t used_hwm;  /* records ever handed out (free list covers the rest) */
	uint32_t free_head; /* free list through lru_next */
	uint32_t live;
	uint32_t *slot;              /* tag | index + 1, 0 = empty (table.c) */
	uint32_t mask;               /* slots - 1 */
	uint32_t lru_head, lru_tail; /* least recently active first */
	uint32_t wheel[TRK_WHEEL_SLOTS];
	uint32_t wheel_pos; /* last second processed */
	bool ignore_vlan;   /* key on addresses and ports alone (sf_track_cfg.ignore_vlan) */
	size_t bytes;       /* allocated (the spare chunk counts once taken) */
	/* Pages asked for ahead of the records that will use them (sf_track_hooks.pages): spare
	 * is chunk n_chunks, had when the last chunk is half used, its pages asked for then. */
	void (*pages)(void *self, void *p, size_t bytes);
	void *pages_self;
	struct trk_rec *spare;
};

int trk_table_init(struct trk_table *t);
void trk_table_free(struct trk_table *t);
/* Prefetch hints (no effect on results): the index line of hash h; then the record of the
 * first slot with a matching tag on that line, whose index is returned (TRK_NIL otherwise). */
void trk_table_prefetch_index(const struct trk_table *t, uint32_t h);
uint32_t trk_table_prefetch_rec(const struct trk_table *t, uint32_t h);
/* The record at pool index idx. Inline: the tracker asks for records several times a packet. */
static inline struct trk_rec *trk_rec_at(const struct trk_table *t, uint32_t idx)
{
	return &t->chunk[idx >> TRK_CHUNK_SHIFT][idx & (TRK_CHUNK - 1)];
}
void trk_key_of(const struct trk_table *t, struct trk_key *k, const struct sf_packet *p);
/* The packet's VLAN id as the table keys it: 0 when untagged or VLANs are ignored. */
uint16_t trk_vlan_of(const struct trk_table *t, const struct sf_packet *p);
void trk_key_of_rec(struct trk_key *k, const struct trk_rec *r);
/* A connection's hash, as the index uses it: from its key, or from any of its packets (the
 * same value). */
uint32_t trk_key_hash(const struct trk_key *k);
uint32_t trk_pkt_hash(const struct sf_packet *p);
/* Record index of packet p's connection (whose hash is h), or TRK_NIL; *from_client tells
 * whether p's source is the record's first endpoint (its client). */
uint32_t trk_table_find(const struct trk_table *t, const struct sf_packet *p, uint32_t h,
                        bool *from_client);
/* A zeroed record, indexed under its key (the caller fills the addresses first); TRK_NIL when
 * out of memory. */
uint32_t trk_table_alloc(struct trk_table *t);
int trk_table_insert(struct trk_table *t, uint32_t idx);
/* The record the next trk_table_alloc will hand out, or TRK_NIL when that takes a new chunk. */
uint32_t trk_table_next_free(const struct trk_table *t);
/* Gives back a record that trk_table_alloc handed out and trk_table_insert could not index. */
void trk_table_unalloc(struct trk_table *t, uint32_t idx);
/* A live record and its last frame (the order records end in at the end of a capture). */
struct trk_live {
	uint64_t last_frame;
	uint32_t idx;
};
/* The live records, at most cap, in pool order: a sequential read of the pool, where walking
 * the LRU list would wait on each record in turn. Returns how many were written. */
size_t trk_table_live_list(const struct trk_table *t, struct trk_live *out, size_t cap);
/* Frees every record at once (the pool's memory is kept for reuse). */
void trk_table_clear(struct trk_table *t);
/* Unindexes, unlinks and frees a record. */
void trk_table_remove(struct trk_table *t, uint32_t idx);
/* Prefetch hint (no effect on results): what trk_table_remove(t, idx) will read besides the
 * record, its index line and its neighbours in the LRU list. */
void trk_table_prefetch_remove(const struct trk_table *t, uint32_t idx);
void trk_lru_touch(struct trk_table *t, uint32_t idx);
void trk_wheel_set(struct trk_table *t, uint32_t idx, uint32_t deadline_s);
void trk_wheel_unlink(struct trk_table *t, uint32_t idx);

#endif
