/* synfin — compact records of connections whose row is written but whose TIME-WAIT runs on.
 *
 * A connection whose two sides are done (TIME-WAIT or CLOSED after both FINs) and that stayed
 * quiet for the closed linger (SF_TO_CLOSED, 10 s) has told everything it will: its row is
 * written then, as Zeek writes conn.log tcp_close_delay after the close, and its 248-byte
 * record is freed. What TIME-WAIT still needs until 2×MSL is kept here in 96 bytes, as the
 * kernel keeps a small inet_timewait_sock in place of a full socket: the 4-tuple, tcp.stream,
 * the sequence facts and states. A late packet (a retransmitted FIN, a stray ACK) then keeps
 * its tcp.stream and relative numbers as tshark gives them; a SYN with a new ISN starts a new
 * stream flagged as port reuse. So memory follows the connections alive, not the file's length.
 *
 * Tombstones expire in the order they were made: each lives from its settling to 2×MSL after
 * its last packet, the same offset for all, so a FIFO list replaces the timing wheel.
 */
#ifndef SYNFIN_TRACK_TOMB_H
#define SYNFIN_TRACK_TOMB_H

#include "table.h"

/* What TIME-WAIT needs of a side's sequence facts (struct trk_side without its counters). */
struct trk_tomb_side {
	uint32_t base, fin_end, rcv_nxt;
	uint16_t rcv_wnd;
	uint8_t base_set : 1, fin_sent : 1, ack_sent : 1, syn_sent : 1, fin_acked : 1,
	    wnd_scaled : 1;
	uint8_t zeek : 3; /* enum zeek_ep */
};

struct trk_tomb {
	struct trk_key key;
	uint64_t stream;
	struct trk_tomb_side side[2]; /* client, server */
	uint32_t hash;                /* key_hash(key): the index moves entries without rehashing */
	uint32_t next;                /* FIFO order of expiry, or the free list */
	uint32_t deadline_s;          /* wheel second at which TIME-WAIT ends */
	uint8_t state[2];             /* enum sf_tcp_state of client, server */
	uint8_t ws1 : 4, ws1_srv : 4; /* window scale shift + 1 of client, server (0: none) */
	uint8_t client_lo : 1;        /* the client is the key's first endpoint */
	uint8_t roles_guessed : 1;    /* the record's roles were a guess */
	uint8_t live : 1;             /* indexed (not taken over, not expired) */
	uint8_t fin_first : 2;        /* enum sf_side of the first FIN */
};

struct trk_tombs {
	struct trk_tomb *v;
	uint32_t cap, used_hwm, free_head;
	uint32_t head, tail; /* FIFO of made tombstones, oldest first */
	uint32_t live;
	/* open addressing, at most half full: the tombstone's hash in the high half, its index + 1
	 * in the low half (0 = empty), so that probing, growing and deleting read no tombstone */
	uint64_t *slot;
	uint32_t mask;
	size_t bytes;
};

void trk_tombs_init(struct trk_tombs *t);
void trk_tombs_free(struct trk_tombs *t);
/* Makes a tombstone for record r ending at deadline_s. -1 when out of memory (the caller then
 * just lets the record go). */
int trk_tombs_add(struct trk_tombs *t, const struct trk_rec *r, uint32_t deadline_s);
/* Tombstone index for key k (hash h), or TRK_NIL. */
uint32_t trk_tombs_find(const struct trk_tombs *t, const struct trk_key *k, uint32_t h);
/* Prefetch hint (no effect on results): the index line trk_tombs_find(…, h) reads first. */
static inline void trk_tombs_prefetch(const struct trk_tombs *t, uint32_t h)
{
	if (t->live)
		__builtin_prefetch(&t->slot[h & t->mask]);
}
static inline struct trk_tomb *trk_tomb_at(const struct trk_tombs *t, uint32_t i)
{
	return &t->v[i];
}
/* Unindexes tombstone i (its connection came back or was taken over); it is recycled when it
 * reaches the head of the FIFO. */
void trk_tombs_kill(struct trk_tombs *t, uint32_t i);
/* Drops the tombstones whose TIME-WAIT ended by wheel second now_s, and the oldest ones while
 * more than max are live (returns how many of those were dropped early). */
uint64_t trk_tombs_expire(struct trk_tombs *t, uint32_t now_s, uint32_t max);

#endif
