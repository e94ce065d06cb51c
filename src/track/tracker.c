/* synfin — the tracker: finds the connection of a packet, numbers streams as Wireshark does,
 * makes sequence numbers relative, steps the endpoint machines and ends connections.
 *
 *   sf_tracker_process ─► expire (timing wheel, capture time)
 *                      ─► lookup / port reuse / create (evicting the oldest idle at the cap)
 *                         (a miss looks among the compact TIME-WAIT records of tomb.h)
 *                      ─► relative seq/ack (packet-tcp.c base_seq rules) ─► completeness
 *                      ─► trk_fsm_step (fsm.c) ─► trk_zeek_packet (zeek.c) ─► counters, timeout
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "tomb.h"

#define SEC         INT64_C(1000000000)
#define FLUSH_AHEAD 4 /* records prefetched ahead of the one ended at capture end */

struct sf_tracker {
	struct sf_track_cfg cfg;
	struct sf_track_hooks hooks;
	struct trk_table tab;
	struct trk_tombs tombs; /* written connections still in TIME-WAIT (tomb.h) */
	struct sf_track_stats st;
	uint64_t next_stream;
	int64_t epoch_s; /* capture second that wheel second 0 stands for */
	bool have_epoch;
	int64_t now_ns; /* latest capture time seen */
	/* start of the capture second after the wheel's (wheel_pos): until then, and while that
	 * second's slot and the TIME-WAIT records are empty, expiry has nothing to do; 0 = unknown
	 */
	int64_t next_sec_ns;
	/* [sec_lo, sec_hi): the capture second of the latest packet when its time is not negative
	 * (sec_lo == sec_hi otherwise), so that comparing seconds needs no division */
	int64_t sec_lo, sec_hi;
};

struct sf_tracker *sf_tracker_new(const struct sf_track_cfg *cfg, const struct sf_track_hooks *h,
                                  char *err, size_t errlen)
{
	struct sf_tracker *t = calloc(1, sizeof(*t));
	if (!t || trk_table_init(&t->tab) < 0) {
		free(t);
		snprintf(err, errlen, "out of memory for the connection table");
		return NULL;
	}
	trk_tombs_init(&t->tombs);
	if (cfg)
		t->cfg = *cfg;
	else
		sf_track_cfg_default(&t->cfg);
	if (t->cfg.max_conns == 0)
		t->cfg.max_conns = 1;
	if (t->cfg.max_conns > TRK_MAX_RECORDS)
		t->cfg.max_conns = TRK_MAX_RECORDS;
	t->tab.ignore_vlan = t->cfg.ignore_vlan;
	if (h)
		t->hooks = *h;
	t->tab.pages = t->hooks.pages;
	t->tab.pages_self = t->hooks.self;
	return t;
}

void trk_event(struct trk_rec *r, struct sf_packet *p, struct sf_pkt_track *trk, enum sf_event ev)
{
	sf_packet_add_event(p, ev);
	if (trk->n_events < sizeof(trk->events) / sizeof(trk->events[0]))
		trk->events[trk->n_events++] = (uint16_t)ev;
	if (r->c.n_events < UINT16_MAX)
		r->c.n_events++;
}

static int64_t pkt_ns(const struct sf_packet *p)
{
	return p->frame->ts_sec * SEC + p->frame->ts_nsec;
}

/* What timeout_of reads of a record: both states and the open kind, read with the close kind
 * beside them as one word; and the reset and FIN marks, which only a packet with RST or FIN
 * sets. A packet without either flag that leaves this word as it was leaves the timeout. */
_Static_assert(offsetof(struct sf_conn, open_kind) == offsetof(struct sf_conn, state) + 2 &&
                   offsetof(struct sf_conn, close_kind) == offsetof(struct sf_conn, state) + 3,
               "states, open and close kind side by side");
static uint32_t timeout_word(const struct trk_rec *r)
{
	uint32_t w;
	memcpy(&w, r->c.state, sizeof(w));
	return w;
}

/* Which timeout applies now: the one table in the configuration, plus TIME-WAIT = 2×MSL. */
static int64_t timeout_of(const struct sf_tracker *t, const struct trk_rec *r)
{
	const uint8_t *s = r->c.state;
	bool done0 = s[0] == SF_TCP_CLOSED || s[0] == SF_TCP_TIME_WAIT || s[0] == SF_TCP_LISTEN;
	bool done1 = s[1] == SF_TCP_CLOSED || s[1] == SF_TCP_TIME_WAIT || s[1] == SF_TCP_LISTEN;
	if (s[0] == SF_TCP_TIME_WAIT || s[1] == SF_TCP_TIME_WAIT) {
		/* the record settles after the closed linger; TIME-WAIT goes on in a tombstone */
		if (done0 && done1)
			return t->cfg.timeout_ns[SF_TO_CLOSED] < 2 * t->cfg.msl_ns
			           ? t->cfg.timeout_ns[SF_TO_CLOSED]
			           : 2 * t->cfg.msl_ns;
	}
	if (r->reset || (done0 && done1 && (r->side[0].fin_sent || r->side[1].fin_sent)))
		return t->cfg.timeout_ns[SF_TO_CLOSED];
	if (r->c.open_kind == SF_OPEN_MIDSTREAM && s[0] == SF_TCP_ESTABLISHED &&
	    s[1] == SF_TCP_ESTABLISHED)
		return t->cfg.timeout_ns[SF_TO_MIDSTREAM];
	if (s[0] == SF_TCP_SYN_RECEIVED || s[1] == SF_TCP_SYN_RECEIVED)
		return t->cfg.timeout_ns[SF_TO_SYN_RECEIVED];
	if (s[0] == SF_TCP_SYN_SENT || s[1] == SF_TCP_SYN_SENT || done0 || done1)
		return r->side[0].fin_sent || r->side[1].fin_sent
		           ? t->cfg.timeout_ns[SF_TO_CLOSING]
		           : t->cfg.timeout_ns[SF_TO_SYN_SENT];
	if (s[0] == SF_TCP_ESTABLISHED && s[1] == SF_TCP_ESTABLISHED)
		return t->cfg.timeout_ns[SF_TO_ESTABLISHED];
	return t->cfg.timeout_ns[SF_TO_CLOSING];
}

/* now / SEC != ns / SEC, for the latest packet's time now. */
static bool other_second(struct sf_tracker *t, int64_t now, int64_t ns)
{
	if (now < t->sec_lo || now >= t->sec_hi) {
		t->sec_lo = t->sec_hi = 0;
		if (now >= 0 && now <= INT64_MAX - SEC) {
			t->sec_lo = now / SEC * SEC;
			t->sec_hi = t->sec_lo + SEC;
		}
	}
	if (t->sec_lo == t->sec_hi || ns < 0)
		return now / SEC != ns / SEC;
	return ns < t->sec_lo || ns >= t->sec_hi;
}

static uint32_t wheel_second(struct sf_tracker *t, int64_t ns)
{
	int64_t s = ns / SEC - t->epoch_s;
	if (s < 0)
		s = 0;
	if (s > (int64_t)UINT32_MAX - 1)
		s = (int64_t)UINT32_MAX - 1;
	return (uint32_t)s;
}

/* The second a record's idle timeout runs out (rounded up: never before its timeout). */
static uint32_t deadline_of(struct sf_tracker *t, const struct trk_rec *r)
{
	return wheel_second(t, r->c.last_ns + timeout_of(t, r) + SEC - 1);
}

/* Lazy timer, as masscan's and the kernel's timer wheels: a record stays queued in the slot it
 * was put in while its deadline only moves later (every packet moves it), and the expiry walk
 * requeues it when that slot comes round. Only a deadline that moved earlier (a timeout that
 * shrank: the connection closed) relinks it now. Per packet this touches no other record. */
static void schedule(struct sf_tracker *t, uint32_t idx, bool fresh)
{
	struct trk_rec *r = trk_rec_at(&t->tab, idx);
	uint32_t dl = deadline_of(t, r);
	if (fresh || dl < r->deadline_s)
		trk_wheel_set(&t->tab, idx, dl);
}

/* A record's final summary, for why it ends. */
static struct trk_rec *conclude(struct sf_tracker *t, uint32_t idx, enum sf_end_reason why)
{
	struct trk_rec *r = trk_rec_at(&t->tab, idx);
	r->c.end_reason = (uint8_t)why;
	trk_lifecycle_finish(r);
	return r;
}

/* Ends a record: its summary, the counters and the closed hook; the caller frees it. */
static void finish_conn(struct sf_tracker *t, uint32_t idx, enum sf_end_reason why)
{
	struct trk_rec *r = conclude(t, idx, why);
	switch (why) {
	case SF_END_SETTLED: /* ended by its close; TIME-WAIT goes on in a tombstone */
		t->st.settled++;
		t->st.closed++;
		break;
	case SF_END_CLOSED:
	case SF_END_TIME_WAIT:
		t->st.closed++;
		break;
	case SF_END_IDLE:
		t->st.expired++;
		break;
	case SF_END_EVICTED:
		t->st.evicted++;
		break;
	case SF_END_REUSED:
		t->st.reused++;
		break;
	case SF_END_CAPTURE_END:
		t->st.flushed++;
		break;
	}
	if (t->hooks.closed)
		t->hooks.closed(t->hooks.self, &r->c);
}

static void end_conn(struct sf_tracker *t, uint32_t idx, enum sf_end_reason why)
{
	finish_conn(t, idx, why);
	trk_table_remove(&t->tab, idx);
}

/* Why a record whose deadline passed ends: a finished close, or idleness. */
static enum sf_end_reason expiry_reason(const struct trk_rec *r)
{
	const uint8_t *s = r->c.state;
	if (s[0] == SF_TCP_TIME_WAIT || s[1] == SF_TCP_TIME_WAIT)
		return SF_END_TIME_WAIT;
	bool closed0 = s[0] == SF_TCP_CLOSED || s[0] == SF_TCP_LISTEN;
	bool closed1 = s[1] == SF_TCP_CLOSED || s[1] == SF_TCP_LISTEN;
	if (r->reset || (closed0 && closed1 && r->side[0].fin_sent && r->side[1].fin_sent))
		return SF_END_CLOSED;
	return SF_END_IDLE;
}

/* A TIME-WAIT record quiet for the closed linger: its row is written now and TIME-WAIT runs on
 * in a tombstone until 2×MSL after its last packet (tomb.h). */
static void settle(struct sf_tracker *t, uint32_t idx)
{
	struct trk_rec *r = trk_rec_at(&t->tab, idx);
	uint32_t dl = wheel_second(t, r->c.last_ns + 2 * t->cfg.msl_ns + SEC - 1);
	if (trk_tombs_add(&t->tombs, r, dl) == 0 && t->tombs.live > t->st.tombs_peak)
		t->st.tombs_peak = t->tombs.live;
	end_conn(t, idx, SF_END_SETTLED);
}

void sf_tracker_expire(struct sf_tracker *t, int64_t now_ns)
{
	if (!t->have_epoch)
		return;
	/* still within the second last walked, whose slot is empty: the walk below would find
	 * nothing (most packets). TIME-WAIT records do not keep it going: they end at whole
	 * seconds and are made only by the walk, so within a second there is nothing new for
	 * trk_tombs_expire (a record a late packet took back waits at most a second longer to be
	 * recycled). Before, every packet of a capture with TIME-WAIT records came here: a 64-bit
	 * division and the TIME-WAIT check, about 110 instructions a packet on the 10M bench
	 * capture. */
	if (now_ns < t->next_sec_ns && t->tab.wheel[t->tab.wheel_pos % TRK_WHEEL_SLOTS] == TRK_NIL)
		return;
	uint32_t now_s = wheel_second(t, now_ns);
	/* walk every second between the last one processed and now (at most one lap) */
	uint32_t from = t->tab.wheel_pos;
	if (now_s < from)
		return;
	uint32_t laps = now_s - from >= TRK_WHEEL_SLOTS ? TRK_WHEEL_SLOTS : now_s - from + 1;
	for (uint32_t k = 0; k < laps; k++) {
		uint32_t slot = (from + k) % TRK_WHEEL_SLOTS;
		uint32_t idx = t->tab.wheel[slot];
		while (idx != TRK_NIL) {
			struct trk_rec *r = trk_rec_at(&t->tab, idx);
			uint32_t next = r->wheel_next;
			/* the records of a second lie scattered, linked: most of them end, and
			 * writing one's row is time enough to fetch the next one and its state */
			if (next != TRK_NIL) {
				sf_tracker_prefetch_record(t, next);
				if (t->hooks.ending)
					t->hooks.ending(t->hooks.self, next);
			}
			if (r->deadline_s <= now_s && r->c.last_ns <= now_ns) {
				uint32_t due = deadline_of(t, r);
				enum sf_end_reason why = expiry_reason(r);
				if (due <= now_s)
					trk_table_prefetch_remove(&t->tab, idx);
				if (due <= now_s && why == SF_END_TIME_WAIT &&
				    r->c.last_ns + 2 * t->cfg.msl_ns > now_ns)
					settle(t, idx);
				else if (due <= now_s)
					end_conn(t, idx, why);
				else
					trk_wheel_set(&t->tab, idx,
					              due); /* active since it was queued */
			}
			idx = next;
		}
	}
	t->tab.wheel_pos = now_s;
	t->st.tombs_dropped += trk_tombs_expire(&t->tombs, now_s, t->cfg.max_conns);
	/* only a positive boundary: below zero, ns / SEC rounds towards zero, not down */
	int64_t next;
	if (__builtin_add_overflow(t->epoch_s, (int64_t)now_s + 1, &next) ||
	    __builtin_mul_overflow(next, SEC, &next) || next <= 0)
		next = 0;
	t->next_sec_ns = next;
}

/* Sorts v[0..n) by last frame, tmp holding n more, and returns which of the two holds the
 * result: least significant digit first, 11 bits at a time and only as many digits as the
 * largest frame number has (two up to 4 million frames), each pass stable. Frame numbers are
 * unique to a connection, so any correct sort gives this order. */
static struct trk_live *sort_by_last_frame(struct trk_live *v, struct trk_live *tmp, size_t n)
{
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		max = v[i].last_frame > max ? v[i].last_frame : max;
	for (unsigned shift = 0; shift < 64 && (max >> shift) != 0; shift += 11) {
		size_t count[2048] = {0};
		for (size_t i = 0; i < n; i++)
			count[(v[i].last_frame >> shift) & 2047]++;
		size_t sum = 0;
		for (size_t d = 0; d < 2048; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i].last_frame >> shift) & 2047]++] = v[i];
		struct trk_live *sw = v;
		v = tmp;
		tmp = sw;
	}
	return v;
}

/* Live records end in the order of their last packet (least recently active first), exactly;
 * the LRU list itself is only kept to the second (see sf_tracker_process). The records are
 * listed by reading the pool in order, and the sort keys copied out, so that sorting reads
 * no record. */
void sf_tracker_flush(struct sf_tracker *t)
{
	size_t k;
	uint32_t *list = sf_tracker_flush_list(t, &k);
	for (size_t j = 0; j < k; j++) {
		/* records end in time order, scattered in memory: fetch a few ahead, and let the
		 * later layers fetch theirs (the ending hook) */
		if (j + FLUSH_AHEAD < k) {
			sf_tracker_prefetch_record(t, list[j + FLUSH_AHEAD]);
			if (t->hooks.ending)
				t->hooks.ending(t->hooks.self, list[j + FLUSH_AHEAD]);
		}
		finish_conn(t, list[j], SF_END_CAPTURE_END);
	}
	if (list) /* every record went: empty the table at once rather than unindex each */
		trk_table_clear(&t->tab);
	free(list);
	/* the compact TIME-WAIT records have nothing left to say */
	trk_tombs_free(&t->tombs);
	while (t->tab.lru_head != TRK_NIL) /* out of memory above: LRU order */
		end_conn(t, t->tab.lru_head, SF_END_CAPTURE_END);
}

uint32_t *sf_tracker_flush_list(struct sf_tracker *t, size_t *n)
{
	*n = 0;
	size_t live = t->tab.live;
	if (!live)
		return NULL;
	struct trk_live *buf = malloc(2 * live * sizeof(struct trk_live));
	uint32_t *list = malloc(live * sizeof(*list));
	size_t k = buf && list ? trk_table_live_list(&t->tab, buf, live) : 0;
	if (k != live) { /* out of memory: the caller falls back to sf_tracker_flush */
		free(buf);
		free(list);
		return NULL;
	}
	const struct trk_live *order = sort_by_last_frame(buf, buf + live, k);
	for (size_t j = 0; j < k; j++)
		list[j] = order[j].idx;
	free(buf);
	*n = k;
	return list;
}

void sf_tracker_prefetch_record(const struct sf_tracker *t, uint32_t slot)
{
	const struct trk_rec *r = trk_rec_at(&t->tab, slot);
	sf_prefetch_span(r, sizeof(*r));
}

const struct sf_conn *sf_tracker_flush_one(struct sf_tracker *t, uint32_t slot)
{
	return &conclude(t, slot, SF_END_CAPTURE_END)->c;
}

void sf_tracker_flush_done(struct sf_tracker *t, uint32_t *list, size_t n)
{
	t->st.flushed += n;
	trk_table_clear(&t->tab);
	trk_tombs_free(&t->tombs);
	free(list);
}

/* Client = sender of the first SYN without ACK. Otherwise: the receiver of a SYN-ACK; else
 * Zeek's heuristic (TCPAnalyzer::WantConnection) with "likely server port" read as < 1024:
 * the first sender is the client unless its port looks like a server's. */
static bool sender_is_client(const struct sf_packet *p, bool *guessed)
{
	uint16_t f = p->flags;
	*guessed = true;
	if ((f & SF_TCP_SYN) && !(f & (SF_TCP_ACK | SF_TCP_RST))) {
		*guessed = false;
		return true;
	}
	if ((f & SF_TCP_SYN) && (f & SF_TCP_ACK))
		return false;
	bool src_srv = p->sport < 1024, dst_srv = p->dport < 1024;
	if (src_srv && dst_srv)
		return !(p->sport < p->dport);
	return !src_srv;
}

/* The record of a connection that comes back from its tombstone b: the same tcp.stream,
 * roles, sequence facts and states, picked up as a continuation (open kind midstream, a
 * history of its own). */
static void resume(struct trk_rec *r, const struct trk_tomb *b)
{
	struct sf_conn *c = &r->c;
	c->stream = b->stream;
	c->resumed = 1;
	c->roles_guessed = b->roles_guessed;
	c->open_kind = SF_OPEN_MIDSTREAM;
	memcpy(c->state, b->state, sizeof(c->state));
	memcpy(c->init_state, b->state, sizeof(c->init_state));
	c->opts[0].wscale = (int8_t)(b->ws1 - 1);
	c->opts[1].wscale = (int8_t)(b->ws1_srv - 1);
	c->time_wait_seen = b->state[0] == SF_TCP_TIME_WAIT || b->state[1] == SF_TCP_TIME_WAIT;
	for (int i = 0; i < 2; i++) { /* Zeek's history letters start again: no counts */
		const struct trk_tomb_side *bs = &b->side[i];
		struct trk_side *s = &r->side[i];
		s->base = bs->base;
		s->fin_end = bs->fin_end;
		s->rcv_nxt = bs->rcv_nxt;
		s->rcv_wnd = bs->rcv_wnd;
		s->base_set = bs->base_set;
		s->fin_sent = bs->fin_sent;
		s->ack_sent = bs->ack_sent;
		s->syn_sent = bs->syn_sent;
		s->fin_acked = bs->fin_acked;
		s->wnd_scaled = bs->wnd_scaled;
		s->zeek = s->zeek_prev = bs->zeek;
		c->isn[i] = bs->base; /* the ISN, unless a SYN-ACK restarted the numbering */
	}
	r->fin_first = b->fin_first;
	r->synack_seen = r->side[1].syn_sent;
	r->hs_acked = 1;
}

/* Creates the record of packet p's connection; b: the tombstone it comes back from, or NULL. */
static uint32_t create(struct sf_tracker *t, const struct sf_packet *p, bool *from_client,
                       const struct trk_tomb *b)
{
	if (t->tab.live >= t->cfg.max_conns && t->tab.lru_head != TRK_NIL)
		end_conn(t, t->tab.lru_head, SF_END_EVICTED);
	uint32_t idx = trk_table_alloc(&t->tab);
	if (idx == TRK_NIL)
		return TRK_NIL;
	struct trk_rec *r = trk_rec_at(&t->tab, idx);
	r->slot = idx;
	bool guessed;
	bool sc = b ? *from_client : sender_is_client(p, &guessed);
	int c = sc ? 0 : 1;
	r->c.addr[c] = p->src;
	r->c.addr[1 - c] = p->dst;
	r->c.port[c] = p->sport;
	r->c.port[1 - c] = p->dport;
	r->c.vlan = trk_vlan_of(&t->tab, p);
	r->c.stream = b ? b->stream : t->next_stream++;
	r->c.first_frame = r->c.last_frame = p->frame->number;
	r->c.start_ns = r->c.last_ns = pkt_ns(p);
	r->c.rtt_syn_synack_ns = r->c.rtt_synack_ack_ns = -1;
	r->c.opts[0].wscale = r->c.opts[1].wscale = -1;
	uint16_t f = p->flags;
	if ((f & SF_TCP_SYN) && !(f & (SF_TCP_ACK | SF_TCP_RST | SF_TCP_FIN))) {
		r->c.state[0] = SF_TCP_CLOSED; /* steps to SYN-SENT on this very packet */
		r->c.state[1] = SF_TCP_LISTEN;
		r->c.open_kind = SF_OPEN_UNANSWERED;
	} else if ((f & SF_TCP_SYN) && (f & SF_TCP_ACK) && !(f & SF_TCP_RST)) {
		r->c.state[0] = SF_TCP_SYN_SENT; /* its SYN was not captured */
		r->c.state[1] = SF_TCP_LISTEN;
		r->c.open_kind = SF_OPEN_SYNACK_ONLY;
	} else {
		r->c.state[0] = r->c.state[1] = SF_TCP_ESTABLISHED;
		r->c.open_kind = SF_OPEN_MIDSTREAM;
	}
	r->c.init_state[0] = r->c.state[0]; /* the server's LISTEN is a presumption (fsm.c) */
	r->c.init_state[1] = r->c.state[1];
	if (b)
		resume(r, b);
	else
		r->c.roles_guessed = guessed;
	if (trk_table_insert(&t->tab, idx) < 0) {
		trk_table_unalloc(&t->tab, idx);
		return TRK_NIL;
	}
	t->st.created++;
	if (t->tab.live > t->st.peak)
		t->st.peak = t->tab.live;
	*from_client = sc;
	if (t->hooks.opened)
		t->hooks.opened(t->hooks.self, &r->c);
	return idx;
}

/* packet-tcp.c: a SYN without ACK whose sequence number differs from the base_seq of its
 * direction starts a new conversation (tcp.analysis.reused_ports). */
static bool is_port_reuse(bool base_set, uint32_t base, const struct sf_packet *p)
{
	return (p->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN && base_set && p->seq != base;
}

/* A packet of a connection whose row was written in TIME-WAIT (tomb.h): a SYN with a new ISN
 * takes the 4-tuple over (*reuse); anything else brings the connection back under its stream.
 * Returns the new record, or TRK_NIL for the caller to create one. */
static uint32_t from_tomb(struct sf_tracker *t, uint32_t ti, const struct sf_packet *p,
                          bool *from_client, bool *reuse)
{
	const struct trk_tomb *b = trk_tomb_at(&t->tombs, ti);
	bool src_lo = p->sport == b->key.port[0] && memcmp(p->src.a, b->key.a[0], 16) == 0;
	*from_client = src_lo == b->client_lo;
	const struct trk_tomb_side *bs = &b->side[*from_client ? 0 : 1];
	if (is_port_reuse(bs->base_set, bs->base, p)) {
		trk_tombs_kill(&t->tombs, ti);
		*reuse = true;
		return TRK_NIL;
	}
	struct trk_tomb copy = *b; /* create() may end records, never touch tombstones: a copy
	                              keeps this independent of that */
	trk_tombs_kill(&t->tombs, ti);
	uint32_t idx = create(t, p, from_client, &copy);
	if (idx != TRK_NIL)
		t->st.resumed++;
	return idx;
}

/* Wireshark's relative numbers (tcp_analyze_sequence_number): a side's base is its ISN when
 * its first segment is a SYN, else seq-1; before that, the peer's first ACK sets it to ack-1. */
static void relative(struct trk_rec *r, const struct sf_packet *p, int from,
                     struct sf_pkt_track *trk)
{
	struct trk_side *fw = &r->side[from], *rv = &r->side[1 - from];
	uint16_t f = p->flags;
	if (!fw->base_set) {
		fw->base = (f & SF_TCP_SYN) ? p->seq : p->seq - 1;
		fw->base_set = 1;
	} else if ((f & (SF_TCP_SYN | SF_TCP_ACK)) == (SF_TCP_SYN | SF_TCP_ACK) &&
	           p->seq != fw->base) {
		/* a SYN-ACK with a new ISN keeps the stream but restarts its numbering (tshark 4.0
		 * flags it reused_ports and shows Seq=0) */
		fw->base = p->seq;
	}
	if (!rv->base_set && (f & SF_TCP_ACK)) {
		rv->base = p->ack - 1;
		rv->base_set = 1;
	}
	trk->rel_seq = p->seq - fw->base;
	/* without the ACK bit Wireshark shows the raw field */
	trk->rel_ack = (f & SF_TCP_ACK) ? p->ack - rv->base : p->ack;
	trk->rel_nxtseq = trk->rel_seq + p->tcp_len +
	                  ((f & (SF_TCP_SYN | SF_TCP_FIN)) ? 1 : 0); /* one, as Wireshark */
}

/* Wireshark's tcp.completeness (packet-tcp.c, dissect_tcp: "initialize or move forward the
 * conversation completeness"). On a packet of a known conversation: a SYN-ACK sets SYN-ACK
 * (whether or not a SYN was seen), a segment with ACK and without SYN sets DATA when it
 * carries payload and ACK otherwise, FIN with ACK sets FIN, any RST sets RST; a SYN without
 * ACK sets nothing. */
static uint8_t compl_bits(const struct sf_packet *p)
{
	uint16_t f = p->flags;
	uint16_t sa = f & (SF_TCP_SYN | SF_TCP_ACK);
	uint8_t b = 0;
	if (sa == (SF_TCP_SYN | SF_TCP_ACK))
		b |= SF_COMPL_SYNACK;
	if (sa == SF_TCP_ACK)
		b |= p->tcp_len > 0 ? SF_COMPL_DATA : SF_COMPL_ACK;
	if ((f & (SF_TCP_FIN | SF_TCP_ACK)) == (SF_TCP_FIN | SF_TCP_ACK))
		b |= SF_COMPL_FIN;
	if (f & SF_TCP_RST)
		b |= SF_COMPL_RST;
	return b;
}

/* The first packet of a new conversation counts only if it is a SYN without ACK: SYN, plus
 * DATA when it carries payload (Fast Open); a SYN that starts a new conversation over a reused
 * 4-tuple sets SYN alone. Anything else leaves 0 on the first pass. tshark -2 (the oracle, and
 * what the Wireshark GUI shows once a packet is dissected again) runs the same code a second
 * time, when the first packet is no longer new: its own bits under the rules above join the
 * value from the second packet on. So the first packet's bits (compl_first) are added when the
 * second packet arrives: the final value is tshark -2's on the stream's last packet, a stream
 * of one packet keeps its first-pass value, and every packet's value is a subset of tshark -2's
 * for that packet. */
static void completeness(struct trk_rec *r, const struct sf_packet *p, bool first, bool reuse)
{
	if (first) {
		r->compl_first = compl_bits(p);
		if ((p->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN)
			r->c.completeness =
			    (uint8_t)(SF_COMPL_SYN |
			              (p->tcp_len > 0 && !reuse ? SF_COMPL_DATA : 0));
		return;
	}
	r->c.completeness |= (uint8_t)(r->compl_first | compl_bits(p));
	r->compl_first = 0;
}

static void note_options(struct trk_rec *r, const struct sf_packet *p, int from)
{
	struct sf_side_opts *o = &r->c.opts[from];
	uint16_t f = p->flags;
	o->seen = 1;
	o->mss = p->has_mss ? p->mss : 0;
	o->wscale = p->has_wscale ? (int8_t)(p->wscale > 14 ? 14 : p->wscale) : -1;
	o->sack_perm = p->sack_perm;
	o->ts = p->has_ts;
	o->tfo = p->has_tfo;
	/* RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR, an ECN-setup SYN-ACK ECE only */
	if (f & SF_TCP_ACK)
		o->ecn_setup = (f & SF_TCP_ECE) && !(f & SF_TCP_CWR);
	else
		o->ecn_setup = (f & SF_TCP_ECE) && (f & SF_TCP_CWR);
}

/* Handshake facts: SYN retries, simultaneous open, refusal, RTTs (Wireshark's initial RTT runs
 * from the most recent SYN). */
static void note_open(struct trk_rec *r, const struct sf_packet *p, int from, int64_t now)
{
	uint16_t f = p->flags;
	struct sf_conn *c = &r->c;
	if ((f & (SF_TCP_SYN | SF_TCP_ACK | SF_TCP_RST)) == SF_TCP_SYN) {
		if (from == 0) {
			if (r->side[0].syn_sent && p->seq == c->isn[0] &&
			    c->syn_retries < UINT8_MAX)
				c->syn_retries++;
			trk_syn_set(r, now);
		} else if (r->side[0].syn_sent && !r->synack_seen) {
			c->open_kind = SF_OPEN_SIMULTANEOUS;
		}
		if (!r->side[from].syn_sent)
			note_options(r, p, from);
	}
	if ((f & (SF_TCP_SYN | SF_TCP_ACK)) == (SF_TCP_SYN | SF_TCP_ACK) && !(f & SF_TCP_RST)) {
		if (from == 1) {
			if (r->synack_seen && c->synack_retries < UINT8_MAX)
				c->synack_retries++;
			if (!r->synack_seen && r->side[0].syn_sent) {
				int64_t syn_ns;
				if (trk_syn_get(r, &syn_ns))
					c->rtt_syn_synack_ns = now - syn_ns;
			}
			if (!r->synack_seen)
				note_options(r, p, 1);
			r->synack_seen = 1;
		}
		if (c->open_kind == SF_OPEN_UNANSWERED)
			c->open_kind = c->syn_retries ? SF_OPEN_SYN_RETRIED : SF_OPEN_THREE_WAY;
	}
	if ((f & (SF_TCP_SYN | SF_TCP_ACK | SF_TCP_RST)) == SF_TCP_ACK && from == 0 &&
	    r->synack_seen && !r->hs_acked) {
		r->hs_acked = 1;
		if (c->rtt_syn_synack_ns >= 0) {
			int64_t syn_ns;
			trk_syn_get(r, &syn_ns); /* valid: the first RTT was measured from it */
			c->rtt_synack_ack_ns = now - (syn_ns + c->rtt_syn_synack_ns);
		}
	}
	if ((f & SF_TCP_RST) && from == 1 && c->open_kind == SF_OPEN_UNANSWERED)
		c->open_kind = SF_OPEN_REFUSED;
}

/* Sequence facts of the sender after its packet: what it sent, FIN, what it acknowledged. */
static void note_seq(struct trk_rec *r, const struct sf_packet *p, int from)
{
	struct trk_side *s = &r->side[from], *o = &r->side[1 - from];
	uint16_t f = p->flags;
	uint32_t end =
	    p->seq + p->tcp_len + ((f & SF_TCP_SYN) ? 1 : 0) + ((f & SF_TCP_FIN) ? 1 : 0);
	/* before its FIN, fin_end holds SND.NXT after the SYN (data of a Fast Open SYN included):
	 * the SYN's own end, or a retry's that carried more */
	if ((f & SF_TCP_SYN) && !(f & SF_TCP_RST) && !s->syn_sent) {
		s->syn_sent = 1;
		r->c.isn[from] = p->seq;
		if (!s->fin_sent)
			s->fin_end = end;
	} else if ((f & SF_TCP_SYN) && !(f & SF_TCP_RST) && !s->fin_sent &&
	           p->seq == r->c.isn[from] && (int32_t)(end - s->fin_end) > 0) {
		s->fin_end = end;
	}
	if ((f & SF_TCP_FIN) && !(f & SF_TCP_SYN)) {
		if (!s->fin_sent) {
			s->fin_sent = 1;
			s->fin_end = end;
		}
		if (!r->fin_first)
			r->fin_first = from == 0 ? SF_SIDE_CLIENT : SF_SIDE_SERVER;
	}
	if (f & SF_TCP_ACK) {
		if (!s->ack_sent || (int32_t)(p->ack - s->rcv_nxt) > 0)
			s->rcv_nxt = p->ack;
		s->ack_sent = 1;
		if (o->fin_sent && (int32_t)(p->ack - o->fin_end) >= 0 && !o->fin_acked) {
			o->fin_acked = 1;
			/* the passive side's FIN carried the first ACK of the active side's FIN */
			if ((f & SF_TCP_FIN) && r->fin_first != 0 &&
			    r->fin_first != (from == 0 ? SF_SIDE_CLIENT : SF_SIDE_SERVER))
				r->merged_fin = 1;
		}
	}
	bool scaled = r->c.opts[0].wscale >= 0 && r->c.opts[1].wscale >= 0;
	s->rcv_wnd = p->window;
	s->wnd_scaled = !(f & SF_TCP_SYN) && scaled;
	if (p->tcp_len > 0 && r->fin_first &&
	    r->fin_first != (from == 0 ? SF_SIDE_CLIENT : SF_SIDE_SERVER) && !(f & SF_TCP_FIN))
		r->c.data_after_fin = 1;
}

const struct sf_conn *sf_tracker_process(struct sf_tracker *t, struct sf_packet *pkt,
                                         struct sf_pkt_track *trk)
{
	return sf_tracker_process_hashed(t, pkt, pkt->has_tcp ? trk_pkt_hash(pkt) : 0, trk);
}

const struct sf_conn *sf_tracker_process_hashed(struct sf_tracker *t, struct sf_packet *pkt,
                                                uint32_t h, struct sf_pkt_track *trk)
{
	memset(trk, 0, sizeof(*trk));
	if (!pkt->has_tcp || !pkt->frame)
		return NULL;
	int64_t now = pkt_ns(pkt);
	if (!t->have_epoch) {
		t->epoch_s = now / SEC;
		t->have_epoch = true;
	}
	if (now > t->now_ns)
		t->now_ns = now;
	sf_tracker_expire(t, t->now_ns);

	bool from_client = false;
	uint32_t idx = trk_table_find(&t->tab, pkt, h, &from_client);
	if (idx != TRK_NIL && t->hooks.found)
		t->hooks.found(t->hooks.self, idx);
	bool reuse = false;
	uint32_t before = 0; /* what the record's timeout depends on, before this packet */
	if (idx != TRK_NIL) {
		struct trk_rec *r = trk_rec_at(&t->tab, idx);
		before = timeout_word(r);
		const struct trk_side *fs = &r->side[from_client ? 0 : 1];
		if (is_port_reuse(fs->base_set, fs->base, pkt)) {
			end_conn(t, idx, SF_END_REUSED);
			idx = TRK_NIL;
			reuse = true;
		}
	}
	if (idx == TRK_NIL && !reuse && t->tombs.live) {
		struct trk_key k;
		trk_key_of(&t->tab, &k, pkt);
		uint32_t ti = trk_tombs_find(&t->tombs, &k, h);
		if (ti != TRK_NIL)
			idx = from_tomb(t, ti, pkt, &from_client, &reuse);
		trk->new_conn = idx != TRK_NIL;
	}
	if (idx == TRK_NIL) {
		idx = create(t, pkt, &from_client, NULL);
		if (idx == TRK_NIL)
			return NULL;
		trk->new_conn = true;
		trk->port_reuse = reuse;
	}
	struct trk_rec *r = trk_rec_at(&t->tab, idx);
	int from = from_client ? 0 : 1;
	trk->from_client = from_client;
	if (trk->new_conn)
		r->c.port_reused = reuse;

	relative(r, pkt, from, trk);
	trk_fsm_step(r, pkt, from, trk, pkt->frame->number);
	note_open(r, pkt, from, now);
	note_seq(r, pkt, from);
	completeness(r, pkt, trk->new_conn, reuse);
	trk_zeek_packet(r, pkt, from, trk->rel_seq);

	if (r->c.pkts[from] < UINT32_MAX)
		r->c.pkts[from]++;
	r->c.bytes[from] += pkt->tcp_len;
	/* The LRU list (eviction of the oldest idle at --max-conns) is kept to the second of
	 * capture time: moving a record to the tail on every packet would touch two other
	 * records each time, a cache miss apiece on a large table. */
	bool touch = other_second(t, now, r->c.last_ns);
	if (now > r->c.last_ns)
		r->c.last_ns = now;
	r->c.last_frame = pkt->frame->number;
	t->st.events += trk->n_events;
	if (touch)
		trk_lru_touch(&t->tab, idx);
	/* The same timeout from a later last packet: a deadline no earlier than the one the
	 * record is queued for (the lazy timer's invariant), which schedule would leave. */
	if (trk->new_conn || (pkt->flags & (SF_TCP_FIN | SF_TCP_RST)) || timeout_word(r) != before)
		schedule(t, idx, trk->new_conn);
	return &r->c;
}

uint32_t sf_tracker_hash(const struct sf_packet *pkt)
{
	return pkt->has_tcp ? trk_pkt_hash(pkt) : 0;
}

void sf_tracker_prefetch_index(const struct sf_tracker *t, const struct sf_packet *pkt,
                               uint32_t hash)
{
	trk_table_prefetch_index(&t->tab, hash);
	if ((pkt->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN)
		trk_tombs_prefetch(&t->tombs, hash);
}

uint32_t sf_tracker_prefetch_conn(const struct sf_tracker *t, uint32_t hash)
{
	return trk_table_prefetch_rec(&t->tab, hash);
}

uint32_t sf_tracker_prefetch_new(const struct sf_tracker *t)
{
	uint32_t idx = trk_table_next_free(&t->tab);
	if (idx == TRK_NIL)
		return UINT32_MAX;
	sf_prefetch_span_w(trk_rec_at(&t->tab, idx), sizeof(struct trk_rec));
	return idx;
}

uint32_t sf_conn_slot(const struct sf_conn *c)
{
	return ((const struct trk_rec *)(const void *)c)->slot;
}

void sf_tracker_stats(const struct sf_tracker *t, struct sf_track_stats *st)
{
	*st = t->st;
	st->live = t->tab.live;
	/* a record, plus two index slots (the index stays at most half full) */
	st->bytes_per_conn = sizeof(struct trk_rec) + 2 * sizeof(uint32_t);
	st->bytes_reserved = t->tab.bytes + t->tombs.bytes;
	st->tombs_live = t->tombs.live;
	/* a tombstone, plus two slots of its index */
	st->bytes_per_tomb = sizeof(struct trk_tomb) + 2 * sizeof(*t->tombs.slot);
}

void sf_tracker_free(struct sf_tracker *t)
{
	if (!t)
		return;
	trk_table_free(&t->tab);
	trk_tombs_free(&t->tombs);
	free(t);
}
