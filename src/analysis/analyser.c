/* synfin — the analyser: a pool of per-connection analysis state parallel to the tracker's
 * records (indexed by sf_conn_slot(), so struct sf_conn does not grow), the per-packet entry
 * point and the per-connection figures.
 *
 *   sf_analyser_process ─► slot state (fresh for a new connection)
 *                       ─► reused ports · initial RTT (Wireshark's ts_mru_syn / ts_first_rtt)
 *                       ─► ana_sequence (seq.c) ─► per-connection and run counters
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ana_int.h"
#include "core/bigmem.h"

#define SEC INT64_C(1000000000)

void sf_ana_cfg_default(struct sf_ana_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ooo_default_ns = 3000000; /* packet-tcp.c: 3 ms without an initial RTT */
	cfg->fast_rt_ns = 20000000;    /* packet-tcp.c: within 20 ms of the last dup ACK */
	cfg->max_unacked = 10000;      /* packet-tcp.c: TCP_MAX_UNACKED_SEGMENTS */
	cfg->correct = true;
}

struct sf_analyser *sf_analyser_new(const struct sf_ana_cfg *cfg, char *err, size_t errlen)
{
	struct sf_analyser *a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory for the analyser");
		return NULL;
	}
	if (cfg)
		a->cfg = *cfg;
	else
		sf_ana_cfg_default(&a->cfg);
	if (a->cfg.max_unacked == 0)
		a->cfg.max_unacked = 1;
	return a;
}

static struct ana_slot *slot_get(const struct sf_analyser *a, uint32_t slot)
{
	uint32_t k = slot >> ANA_CHUNK_SHIFT;
	if (k >= a->n_chunks || !a->chunk[k])
		return NULL;
	return &a->chunk[k][slot & (ANA_CHUNK - 1)];
}

void sf_analyser_prefetch(const struct sf_analyser *a, uint32_t slot)
{
	const struct ana_slot *s = slot_get(a, slot);
	if (!s)
		return;
	sf_prefetch_span_w(&s->st, sizeof(s->st));
}

#define SLOT_BYTES  sizeof(struct ana_slot)
#define CHUNK_BYTES ((size_t)ANA_CHUNK * SLOT_BYTES)
_Static_assert(CHUNK_BYTES % SF_HUGE_PAGE == 0, "a chunk is whole huge pages");

/* Makes room for chunk k (once per ANA_CHUNK slots, never per packet). A chunk is not
 * cleared: which slots hold a connection is in the bitmaps, and a slot is cleared when a
 * connection takes it, so a chunk's pages are not touched before their slots are used (on a
 * huge page, the first slot used takes the page's 2 MiB). */
static struct ana_slot *chunk_make(struct sf_analyser *a, uint32_t k)
{
	if (k >= a->n_chunks) {
		uint32_t n = a->n_chunks ? a->n_chunks : 4;
		while (n <= k)
			n *= 2;
		struct ana_slot **nc = realloc(a->chunk, n * sizeof(struct ana_slot *));
		if (!nc)
			return NULL;
		memset(nc + a->n_chunks, 0, (n - a->n_chunks) * sizeof(struct ana_slot *));
		a->chunk = nc;
		struct ana_bits *nb = realloc(a->bits, n * sizeof(*nb));
		if (!nb)
			return NULL;
		memset(nb + a->n_chunks, 0, (n - a->n_chunks) * sizeof(*nb));
		a->bits = nb;
		a->n_chunks = n;
	}
	if (!a->chunk[k])
		/* the first chunk's first huge page on small pages: a small capture stays small */
		a->chunk[k] = sf_big_alloc_from(CHUNK_BYTES, k > 0 ? 0 : SF_HUGE_PAGE);
	return a->chunk[k];
}

/* The slot's state, making room for it. */
static struct ana_slot *slot_make(struct sf_analyser *a, uint32_t slot)
{
	uint32_t k = slot >> ANA_CHUNK_SHIFT;
	if ((k >= a->n_chunks || !a->chunk[k]) && !chunk_make(a, k))
		return NULL;
	return &a->chunk[k][slot & (ANA_CHUNK - 1)];
}

/* Slots are taken in order (the tracker's record slots): when a connection takes the slot
 * halfway through a huge page of a chunk, the next huge page's pages are asked for
 * (sf_analyser_set_pages), making the next chunk when this was its chunk's last, so that they
 * are there, cleared by someone else, when the slots reach them. One page at a time, not the
 * next chunk whole: a chunk is three pages, and a capture's last one would be taken for a few
 * slots. */

static bool ask_here(uint32_t slot)
{
	size_t in_page = (size_t)(slot & (ANA_CHUNK - 1)) * SLOT_BYTES % SF_HUGE_PAGE;
	return in_page >= SF_HUGE_PAGE / 2 && in_page < SF_HUGE_PAGE / 2 + SLOT_BYTES;
}

static void ask_ahead(struct sf_analyser *a, uint32_t slot)
{
	uint32_t k = slot >> ANA_CHUNK_SHIFT;
	size_t next =
	    ((size_t)(slot & (ANA_CHUNK - 1)) * SLOT_BYTES / SF_HUGE_PAGE + 1) * SF_HUGE_PAGE;
	if (next == CHUNK_BYTES) {
		k++;
		next = 0;
		if (k < a->n_chunks && a->chunk[k])
			return; /* made already, its first page asked for then */
	}
	char *c = (char *)chunk_make(a, k);
	if (c)
		a->pages(a->pages_self, c + next, SF_HUGE_PAGE);
}

/* The word of a bitmap holding a slot's bit, and the bit. */
static uint64_t *bit_word(uint64_t *map, uint32_t slot)
{
	return &map[(slot & (ANA_CHUNK - 1)) >> 6];
}

static uint64_t bit_of(uint32_t slot)
{
	return UINT64_C(1) << (slot & 63);
}

static bool slot_live(const struct sf_analyser *a, uint32_t slot)
{
	uint32_t k = slot >> ANA_CHUNK_SHIFT;
	return k < a->n_chunks && (*bit_word(a->bits[k].live, slot) & bit_of(slot));
}

struct sf_conn_analysis *ana_counts_of(struct sf_analyser *a, struct ana_conn *ac, uint32_t slot)
{
	if (ac->counts)
		return &a->counts[ac->counts - 1].c;
	uint32_t i;
	if (a->free_counts) {
		i = a->free_counts - 1;
		memcpy(&a->free_counts, &a->counts[i], sizeof(uint32_t));
	} else {
		if (a->n_counts == a->cap_counts) {
			uint32_t cap = a->cap_counts ? a->cap_counts * 2 : 1024;
			struct ana_counts *nc = realloc(a->counts, cap * sizeof(*nc));
			if (!nc) {
				a->st.counts_lost++;
				return NULL;
			}
			a->counts = nc;
			a->cap_counts = cap;
		}
		i = a->n_counts++;
	}
	memset(&a->counts[i], 0, sizeof(a->counts[i]));
	ac->counts = i + 1;
	*bit_word(a->bits[slot >> ANA_CHUNK_SHIFT].counted, slot) |= bit_of(slot);
	return &a->counts[i].c;
}

static void counts_put(struct sf_analyser *a, uint32_t counts)
{
	memcpy(&a->counts[counts - 1], &a->free_counts, sizeof(uint32_t));
	a->free_counts = counts;
}

/* Ends a slot's connection: only a ring that went to a pool buffer has anything to give
 * back, so the state itself is not read for the others. */
static void conn_release(struct sf_analyser *a, uint32_t slot)
{
	if (!slot_live(a, slot))
		return;
	struct ana_bits *b = &a->bits[slot >> ANA_CHUNK_SHIFT];
	if (*bit_word(b->pooled, slot) & bit_of(slot)) {
		struct ana_conn *ac = &slot_get(a, slot)->st;
		ana_ring_release(&a->segpool, &ac->side[0].segs);
		ana_ring_release(&a->segpool, &ac->side[1].segs);
		*bit_word(b->pooled, slot) &= ~bit_of(slot);
	}
	if (*bit_word(b->counted, slot) & bit_of(slot)) {
		counts_put(a, slot_get(a, slot)->st.counts);
		*bit_word(b->counted, slot) &= ~bit_of(slot);
	}
	*bit_word(b->live, slot) &= ~bit_of(slot);
	a->st.live--;
}

static void conn_init(struct sf_analyser *a, struct ana_slot *s, uint32_t slot)
{
	struct ana_conn *ac = &s->st;
	conn_release(a, slot);
	memset(ac, 0, sizeof(*ac));
	memset(&s->fig, 0, sizeof(s->fig));
	*bit_word(a->bits[slot >> ANA_CHUNK_SHIFT].live, slot) |= bit_of(slot);
	for (int i = 0; i < 2; i++) {
		ac->side[i].win_scale = SF_WSCALE_UNKNOWN;
		ac->side[i].valid_bif = 1;
	}
	a->st.live++;
	if (a->pages && ask_here(slot))
		ask_ahead(a, slot);
}

static void count_flags(struct sf_analyser *a, const struct sf_packet *p,
                        struct sf_conn_analysis *c, int from, uint32_t fl)
{
	for (uint32_t rest = fl; rest; rest &= rest - 1) {
		unsigned b = (unsigned)__builtin_ctz(rest);
		a->st.flag_counts[b]++;
	}
	if (!c)
		return;
	struct sf_ana_dir *d = &c->dir[from];
	if (fl & (SF_ANA_RETRANSMISSION | SF_ANA_FAST_RETRANSMISSION | SF_ANA_SPURIOUS_RETRANS)) {
		d->retrans_pkts++;
		d->retrans_bytes += p->tcp_len;
	}
	d->fast_retrans += (fl & SF_ANA_FAST_RETRANSMISSION) != 0;
	d->spurious_retrans += (fl & SF_ANA_SPURIOUS_RETRANS) != 0;
	d->out_of_order += (fl & SF_ANA_OUT_OF_ORDER) != 0;
	d->lost_segments += (fl & SF_ANA_LOST_SEGMENT) != 0;
	d->ack_lost += (fl & SF_ANA_ACK_LOST_SEGMENT) != 0;
	d->dup_acks += (fl & SF_ANA_DUPLICATE_ACK) != 0;
	d->zero_windows += (fl & SF_ANA_ZERO_WINDOW) != 0;
	d->zero_window_probes += (fl & SF_ANA_ZERO_WINDOW_PROBE) != 0;
	d->keep_alives += (fl & SF_ANA_KEEP_ALIVE) != 0;
	d->window_full += (fl & SF_ANA_WINDOW_FULL) != 0;
	d->window_updates += (fl & SF_ANA_WINDOW_UPDATE) != 0;
}

static void count(struct sf_analyser *a, struct ana_conn *ac, uint32_t slot,
                  const struct sf_packet *p, int from, const struct sf_pkt_analysis *out)
{
	struct ana_side *s = &ac->side[from];
	if (out->flags) /* most packets carry none */
		count_flags(a, p, ana_counts_of(a, ac, slot), from, out->flags);
	if (out->has_bytes_in_flight && out->bytes_in_flight > s->max_bif)
		s->max_bif = out->bytes_in_flight;
	if (!(p->flags & SF_TCP_RST) && out->window > s->max_window)
		s->max_window = out->window;
}

/* packet-tcp.c: a SYN-ACK whose sequence number is not its side's base starts over (the
 * tracker keeps the record and restarts relative numbering; Wireshark flags it). */
static bool synack_reuse(struct ana_conn *ac, const struct sf_packet *p, int from)
{
	struct ana_side *fw = &ac->side[from];
	if ((p->flags & (SF_TCP_SYN | SF_TCP_ACK)) != (SF_TCP_SYN | SF_TCP_ACK) || !fw->base_set ||
	    p->seq == fw->base)
		return false;
	fw->base = p->seq;
	return true;
}

void sf_analyser_process(struct sf_analyser *a, struct sf_packet *pkt, const struct sf_conn *c,
                         const struct sf_pkt_track *trk, struct sf_pkt_analysis *out)
{
	/* field by field: as one struct assignment the compiler clears it with `rep stos`, whose
	 * start-up costs more than these stores (and a copy from a template, with SSE moves of
	 * 16 bytes, runs more instructions than these) */
	out->flags = 0;
	out->dup_ack_num = 0;
	out->dup_ack_frame = 0;
	out->acks_frame = 0;
	out->ack_rtt_ns = -1;
	out->initial_rtt_ns = -1;
	out->rto_ns = -1;
	out->rto_frame = 0;
	out->bytes_in_flight = 0;
	out->has_bytes_in_flight = false;
	out->bif_counted = false;
	out->karn_skipped = false;
	out->win_scalefactor = SF_WSCALE_UNKNOWN;
	out->window = pkt->window;
	out->rel_nxtseq = 0;
	out->dsack_frame = 0;
	if (!c || !trk || !pkt->has_tcp || !pkt->frame)
		return;
	/* packet-tcp.c: a header longer than the IP payload leaves the segment length unknown,
	 * and Wireshark does not analyse the segment */
	if (sf_packet_has_event(pkt, SF_EV_TCP_HLEN_TOO_LARGE)) {
		a->unsure |= trk->new_conn;
		return;
	}
	uint32_t slot = sf_conn_slot(c);
	struct ana_slot *s = slot_get(a, slot);
	if (!s && !(s = slot_make(a, slot))) {
		a->unsure |= trk->new_conn;
		return;
	}
	struct ana_conn *ac = &s->st;
	/* A connection's state is made at its first packet (trk->new_conn). Only when a first
	 * packet went unanalysed can a later one find its slot without state: then the live bit
	 * tells (the slot's chunk exists now, so its bitmaps do). */
	uint32_t k = slot >> ANA_CHUNK_SHIFT;
	if (trk->new_conn || (a->unsure && !(*bit_word(a->bits[k].live, slot) & bit_of(slot))))
		conn_init(a, s, slot);
	int from = trk->from_client ? 0 : 1;
	/* the figures' line with the RTT accumulators that this packet's ACK may update (half
	 * the packets do; the counters around them change only with a flag, which is rare) */
	__builtin_prefetch(&s->fig.dir[1 - from], 1);
	int64_t now = pkt->frame->ts_sec * SEC + pkt->frame->ts_nsec;
	a->st.packets++;

	if (trk->port_reuse || synack_reuse(ac, pkt, from))
		out->flags |= SF_ANA_REUSED_PORTS;
	if ((pkt->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN) {
		s->fig.dir[0].ts_mru_syn = now;
		ac->mru_syn = now != 0; /* a time of 0 stands for "none", as in Wireshark */
	}
	ana_sequence(a, ac, &s->fig, slot, c->first_frame, pkt, from, now, out);
	/* only this side's ring can have grown (a segment is remembered on its sender's side) */
	if (ac->side[from].segs.cap > ANA_RING_INLINE)
		*bit_word(a->bits[k].pooled, slot) |= bit_of(slot);
	/* packet-tcp.c: the first pure ACK after a SYN ends the handshake: initial RTT */
	if ((pkt->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_ACK && ac->mru_syn &&
	    !ac->first_rtt) {
		ac->first_rtt = now - s->fig.dir[0].ts_mru_syn;
		ac->irtt_set = 1;
	}
	if (ac->first_rtt)
		out->initial_rtt_ns = ac->first_rtt;
	out->rel_nxtseq = trk->rel_nxtseq;
	count(a, ac, slot, pkt, from, out);
	if (!out->flags)
		return;
	/* Zeek's history letter t (retransmitted payload), log-scaled by the tracker; the
	 * tracker exposes this one writer for the analysis layer */
	if ((out->flags &
	     (SF_ANA_RETRANSMISSION | SF_ANA_FAST_RETRANSMISSION | SF_ANA_SPURIOUS_RETRANS)) &&
	    pkt->tcp_len > 0)
		sf_conn_history_scaled((struct sf_conn *)c, trk->from_client, 't');
	for (unsigned b = 0; b < SF_ANA__NFLAGS; b++)
		if (out->flags & (1u << b))
			sf_packet_add_event(pkt, (enum sf_event)(SF_EV_ANA_RETRANSMISSION + b));
}

const struct sf_conn_analysis *
sf_analyser_conn(const struct sf_analyser *a, const struct sf_conn *c, struct sf_conn_analysis *buf)
{
	uint32_t slot = sf_conn_slot(c);
	if (!slot_live(a, slot))
		return NULL;
	const struct ana_slot *s = slot_get(a, slot);
	const struct ana_conn *ac = &s->st;
	/* lines long gone cold: ask for them all at once */
	sf_prefetch_span(&s->fig, sizeof(s->fig));
	if (ac->counts) /* the state is read here anyway: no need for the bitmap */
		*buf = a->counts[ac->counts - 1].c;
	else
		memset(buf, 0, sizeof(*buf));
	for (int d = 0; d < 2; d++) {
		const struct ana_rtt *r = &s->fig.dir[d].rtt;
		struct sf_ana_dir *o = &buf->dir[d];
		o->rtt_min_ns = r->min_ns;
		o->rtt_max_ns = r->max_ns;
		o->rtt_sum_ns = r->sum_ns;
		o->rtt_sumsq_ns = r->sumsq_ns;
		o->rtt_samples = r->samples;
		o->max_bytes_in_flight = ac->side[d].max_bif;
		o->max_window = ac->side[d].max_window;
	}
	buf->initial_rtt_ns = ac->irtt_set ? ac->first_rtt : -1;
	return buf;
}

void sf_analyser_conn_end(struct sf_analyser *a, const struct sf_conn *c)
{
	conn_release(a, sf_conn_slot(c));
}

void sf_analyser_slot_end(struct sf_analyser *a, uint32_t slot)
{
	conn_release(a, slot);
}

void sf_analyser_stats(const struct sf_analyser *a, struct sf_ana_stats *st)
{
	*st = a->st;
}

void sf_analyser_set_pages(struct sf_analyser *a, void (*pages)(void *self, void *p, size_t bytes),
                           void *self)
{
	a->pages = pages;
	a->pages_self = self;
}

void sf_analyser_free(struct sf_analyser *a)
{
	if (!a)
		return;
	for (uint32_t k = 0; k < a->n_chunks; k++) {
		if (!a->chunk[k])
			continue;
		for (uint32_t i = 0; i < ANA_CHUNK; i++)
			conn_release(a, (k << ANA_CHUNK_SHIFT) | i);
		free(a->chunk[k]);
	}
	free(a->chunk);
	free(a->bits);
	free(a->rtx);
	free(a->counts);
	ana_segpool_free(&a->segpool);
	free(a);
}

double sf_ana_rtt_avg_ns(const struct sf_ana_dir *d)
{
	return d->rtt_samples ? d->rtt_sum_ns / d->rtt_samples : 0.0;
}

double sf_ana_rtt_stdev_ns(const struct sf_ana_dir *d)
{
	if (d->rtt_samples == 0)
		return 0.0;
	double m = d->rtt_sum_ns / d->rtt_samples;
	double v = d->rtt_sumsq_ns / d->rtt_samples - m * m;
	return v > 0 ? sqrt(v) : 0.0;
}
