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
		/* the first chunk on small pages: a small capture stays small */
		a->chunk[k] = sf_big_alloc(ANA_CHUNK * sizeof(struct ana_slot), k > 0);
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

/* Slots are taken in order (the tracker's record slots): when a connection takes the middle
 * slot of a chunk, the next chunk is made and its pages asked for (sf_analyser_set_pages), so
 * that they are there, cleared by someone else, when the slots reach them. */
static void ask_ahead(struct sf_analyser *a, uint32_t slot)
{
	uint32_t k = (slot >> ANA_CHUNK_SHIFT) + 1;
	if (k < a->n_chunks && a->chunk[k])
		return;
	struct ana_slot *next = chunk_make(a, k);
	if (next)
		a->pages(a->pages_self, next, ANA_CHUNK * sizeof(struct ana_slot));
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
	s->fig.f.initial_rtt_ns = -1;
	a->st.live++;
	if (a->pages && (slot & (ANA_CHUNK - 1)) == ANA_CHUNK / 2)
		ask_ahead(a, slot);
}

static void count_flags(struct sf_analyser *a, const struct sf_packet *p, struct sf_ana_dir *d,
                        uint32_t fl)
{
	for (uint32_t rest = fl; rest; rest &= rest - 1) {
		unsigned b = (unsigned)__builtin_ctz(rest);
		a->st.flag_counts[b]++;
	}
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

static void count(struct sf_analyser *a, struct ana_conn *ac, struct sf_conn_analysis *fig,
                  const struct sf_packet *p, int from, const struct sf_pkt_analysis *out)
{
	struct ana_side *s = &ac->side[from];
	if (out->flags) /* most packets carry none */
		count_flags(a, p, &fig->dir[from], out->flags);
	if (out->has_bytes_in_flight && out->bytes_in_flight > s->max_bif) {
		s->max_bif = out->bytes_in_flight;
		fig->dir[from].max_bytes_in_flight = s->max_bif;
	}
	if (!(p->flags & SF_TCP_RST) && out->window > s->max_window) {
		s->max_window = out->window;
		fig->dir[from].max_window = s->max_window;
	}
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
	out->conn = NULL;
	if (!c || !trk || !pkt->has_tcp || !pkt->frame)
		return;
	/* packet-tcp.c: a header longer than the IP payload leaves the segment length unknown,
	 * and Wireshark does not analyse the segment */
	if (sf_packet_has_event(pkt, SF_EV_TCP_HLEN_TOO_LARGE))
		return;
	uint32_t slot = sf_conn_slot(c);
	struct ana_slot *s = slot_get(a, slot);
	if (!s && !(s = slot_make(a, slot)))
		return;
	struct ana_conn *ac = &s->st;
	struct sf_conn_analysis *fig = &s->fig.f;
	/* the slot's chunk exists now, so its bitmaps do: the live bit is read without
	 * slot_live's second bounds check */
	uint32_t k = slot >> ANA_CHUNK_SHIFT;
	if (trk->new_conn || !(*bit_word(a->bits[k].live, slot) & bit_of(slot)))
		conn_init(a, s, slot);
	int from = trk->from_client ? 0 : 1;
	/* the figures' line with the RTT accumulators that this packet's ACK may update (half
	 * the packets do; the counters around them change only with a flag, which is rare) */
	__builtin_prefetch(&fig->dir[1 - from].rtt_samples, 1);
	int64_t now = pkt->frame->ts_sec * SEC + pkt->frame->ts_nsec;
	a->st.packets++;

	if (trk->port_reuse || synack_reuse(ac, pkt, from))
		out->flags |= SF_ANA_REUSED_PORTS;
	if ((pkt->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN) {
		s->fig.cold.ts_mru_syn = now;
		ac->mru_syn = now != 0; /* a time of 0 stands for "none", as in Wireshark */
	}
	ana_sequence(a, ac, &s->fig, c->first_frame, pkt, from, now, out);
	/* only this side's ring can have grown (a segment is remembered on its sender's side) */
	if (ac->side[from].segs.cap > ANA_RING_INLINE)
		*bit_word(a->bits[k].pooled, slot) |= bit_of(slot);
	/* packet-tcp.c: the first pure ACK after a SYN ends the handshake: initial RTT */
	if ((pkt->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_ACK && ac->mru_syn &&
	    !ac->first_rtt) {
		ac->first_rtt = now - s->fig.cold.ts_mru_syn;
		fig->initial_rtt_ns = ac->first_rtt;
	}
	if (ac->first_rtt)
		out->initial_rtt_ns = ac->first_rtt;
	out->rel_nxtseq = trk->rel_nxtseq;
	out->conn = fig;
	count(a, ac, fig, pkt, from, out);
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

const struct sf_conn_analysis *sf_analyser_conn(const struct sf_analyser *a,
                                                const struct sf_conn *c)
{
	uint32_t slot = sf_conn_slot(c);
	if (!slot_live(a, slot))
		return NULL;
	/* the caller reads all of them next, from lines long gone cold: ask for the four at once */
	const struct ana_fig *fig = &slot_get(a, slot)->fig;
	sf_prefetch_span(&fig->f, sizeof(fig->f));
	return &fig->f;
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
