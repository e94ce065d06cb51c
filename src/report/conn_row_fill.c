/* synfin — from the tracker's records to the views' rows.
 *
 * The only file of the connection views that reads synfin/conn.h: struct sf_conn (one per
 * connection, complete when conn_closed is called) becomes a struct sf_conn_row, and struct
 * sf_pkt_track (one per packet) becomes the struct sf_xpkt that explain keeps. When the
 * tracker's record changes, this file changes and the formatters do not.
 *
 * Two things the record does not hold are rebuilt here from the packets the views see
 * (struct sf_conn_extra): IP bytes per direction (Zeek's orig_ip_bytes/resp_ip_bytes, the sum
 * of IP total lengths, which Zeek takes from the IP header of every packet), and the sender of
 * the RST when a FIN came before it (the record's closer names the first FIN in that case).
 *
 * The analysis figures (synfin/analysis.h) reach the views beside the record, in the sink's
 * conn_final event, and are copied here too (sf_conn_row_fill_ana).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "report/conn_row.h"
#include "report/explain_model.h"
#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/pipeline.h"

/* ---- extras of live connections, by record slot ---------------------------------------------- */

/* Indexed by the tracker's record slot (the views' slot field), as the analysis layer's state: one
 * direct load per packet where a hash table keyed by tcp.stream probed and compared. The
 * stream number tells a slot's current connection from an earlier one that left it. */
struct extra_slot {
	uint64_t stream; /* + 1; 0 = empty */
	struct sf_conn_extra e;
};
_Static_assert(64 % sizeof(struct extra_slot) == 0, "slots must not straddle cache lines");

struct sf_conn_extras {
	struct extra_slot *slots;
	size_t n_slots; /* slots below the highest record slot seen so far */
};

struct sf_conn_extras *sf_conn_extras_new(void)
{
	return calloc(1, sizeof(struct sf_conn_extras));
}

void sf_conn_extras_free(struct sf_conn_extras *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

/* Grows to hold slot (doubling: record slots stay below the tracker's peak of live
 * connections, so this settles early and memory follows the live connections). The table is
 * 64-byte aligned, so that no slot straddles two cache lines (realloc's 16-byte alignment put
 * every other slot of a large table across two). */
static int extras_reserve(struct sf_conn_extras *t, uint32_t slot)
{
	if (slot < t->n_slots)
		return 0;
	size_t n = t->n_slots ? t->n_slots : 1024;
	while (n <= slot)
		n *= 2;
	struct extra_slot *s = sf_big_alloc(n * sizeof(*s), true);
	if (!s)
		return -1;
	if (t->n_slots)
		memcpy(s, t->slots, t->n_slots * sizeof(*s));
	memset(s + t->n_slots, 0, (n - t->n_slots) * sizeof(*s));
	free(t->slots);
	t->slots = s;
	t->n_slots = n;
	return 0;
}

void sf_conn_extras_prefetch(const struct sf_conn_extras *t, uint32_t slot)
{
	if (slot < t->n_slots)
		__builtin_prefetch(&t->slots[slot], 1);
}

int sf_conn_extras_packet(struct sf_conn_extras *t, const struct sf_pkt_view *v)
{
	if (!v->conn || !v->trk || !v->pkt)
		return 0;
	uint32_t slot = v->slot;
	if (extras_reserve(t, slot) < 0)
		return -1;
	struct extra_slot *s = &t->slots[slot];
	if (s->stream != v->conn->stream + 1) { /* first packet of this connection here */
		memset(s, 0, sizeof(*s));
		s->stream = v->conn->stream + 1;
		s->e.first_fin = -1;
		s->e.rst_by = -1;
	}
	const struct sf_packet *p = v->pkt;
	int dir = v->trk->from_client ? SF_ROW_CLIENT : SF_ROW_SERVER;
	/* ip_len_used, not ip_len: with TSO a capture holds 0 in the total-length field and
	 * decode falls back to the captured length, as Zeek's IP_Hdr::TotalLen does. */
	s->e.ip_bytes[dir] += p->ip_len_used;
	if (p->flags & SF_TCP_FIN) {
		if (s->e.first_fin < 0)
			s->e.first_fin = (int8_t)dir;
		s->e.fin_seen[dir] = true;
	}
	/* The closing RST is the first one that moved a state; an RST outside the receiver's
	 * window (RFC 5961 §3.2) changes nothing and is not the one that ended the connection. */
	if ((p->flags & SF_TCP_RST) && s->e.rst_by < 0 && v->trk->n_trans > 0)
		s->e.rst_by = (int8_t)dir;
	return 0;
}

bool sf_conn_extras_take(struct sf_conn_extras *t, const struct sf_conn *c, uint32_t slot,
                         struct sf_conn_extra *out)
{
	memset(out, 0, sizeof(*out));
	out->first_fin = -1;
	out->rst_by = -1;
	if (!t || slot >= t->n_slots || t->slots[slot].stream != c->stream + 1)
		return false;
	*out = t->slots[slot].e;
	t->slots[slot].stream = 0;
	return true;
}

/* ---- rows ---------------------------------------------------------------------------------- */

bool sf_conn_row_filtered_out(const struct sf_conn *c)
{
	return c->filtered_out;
}

uint64_t sf_conn_row_stream(const struct sf_conn *c)
{
	return c->stream;
}

static void split_ns(int64_t ns, int64_t *sec, uint32_t *nsec)
{
	int64_t s = ns / 1000000000LL, r = ns % 1000000000LL;
	if (r < 0) { /* before 1970: floor, so that nsec stays in [0, 1e9) */
		s--;
		r += 1000000000LL;
	}
	*sec = s;
	*nsec = (uint32_t)r;
}

static const char *row_open_kind(uint8_t k)
{
	switch ((enum sf_open_kind)k) {
	case SF_OPEN_THREE_WAY:
		return SF_ROW_OPEN_THREE_WAY;
	case SF_OPEN_SIMULTANEOUS:
		return SF_ROW_OPEN_SIMULTANEOUS;
	case SF_OPEN_SYN_RETRIED:
		return SF_ROW_OPEN_SYN_RETRIED;
	case SF_OPEN_REFUSED:
		return SF_ROW_OPEN_REFUSED;
	case SF_OPEN_UNANSWERED:
		return SF_ROW_OPEN_UNANSWERED;
	case SF_OPEN_SYNACK_ONLY:
		return SF_ROW_OPEN_SYNACK_ONLY;
	case SF_OPEN_MIDSTREAM:
		return SF_ROW_OPEN_MIDSTREAM;
	default:
		return "";
	}
}

static const char *row_close_kind(uint8_t k)
{
	switch ((enum sf_close_kind)k) {
	case SF_CLOSE_FOUR_WAY:
		return SF_ROW_CLOSE_FOUR_WAY;
	case SF_CLOSE_THREE_WAY:
		return SF_ROW_CLOSE_THREE_WAY;
	case SF_CLOSE_SIMULTANEOUS:
		return SF_ROW_CLOSE_SIMULTANEOUS;
	case SF_CLOSE_HALF_CLOSE:
		return SF_ROW_CLOSE_HALF;
	case SF_CLOSE_RST_ABORT:
		return SF_ROW_CLOSE_RST;
	case SF_CLOSE_UNTERMINATED:
		return SF_ROW_CLOSE_UNTERMINATED;
	default:
		return "";
	}
}

static const char *row_side(int side)
{
	return side == SF_ROW_CLIENT ? "client" : side == SF_ROW_SERVER ? "server" : "";
}

static const char *conn_side(uint8_t s)
{
	return s == SF_SIDE_CLIENT ? "client" : s == SF_SIDE_SERVER ? "server" : "";
}

/* closer, rst_by and rst_state. The record's closer is the first FIN's sender, or the RST's
 * when no FIN was sent; the views keep the two apart (docs/conns-json.md). */
static void fill_closer(struct sf_conn_row *r, const struct sf_conn *c,
                        const struct sf_conn_extra *e)
{
	bool any_fin = e ? e->first_fin >= 0 : (c->completeness & SF_COMPL_FIN) != 0;
	r->rst_by = "";
	r->rst_state = "";
	if (c->close_kind == SF_CLOSE_SIMULTANEOUS) {
		r->closer = "both";
		return;
	}
	if (c->close_kind != SF_CLOSE_RST_ABORT) {
		r->closer = conn_side(c->closer);
		return;
	}
	r->rst_state = sf_conn_state_name((enum sf_tcp_state)c->rst_state);
	if (!any_fin) {
		r->closer = "";
		r->rst_by = conn_side(c->closer);
		return;
	}
	r->closer = e ? row_side(e->first_fin) : conn_side(c->closer);
	r->rst_by = e ? row_side(e->rst_by) : "";
}

static void fill_side(struct sf_row_side *s, const struct sf_conn *c, int i,
                      const struct sf_conn_extra *e)
{
	const struct sf_side_opts *o = &c->opts[i];
	s->pkts = c->pkts[i];
	s->bytes = c->bytes[i];
	s->ip_bytes = e ? e->ip_bytes[i] : 0;
	s->mss = o->mss ? (int32_t)o->mss : -1;
	s->wscale = o->wscale;
	s->sack_perm = o->sack_perm;
	s->ts = o->ts;
	s->final_state = sf_conn_state_name((enum sf_tcp_state)c->state[i]);
	s->init_state = sf_conn_state_name((enum sf_tcp_state)c->init_state[i]);
}

void sf_conn_row_fill(struct sf_conn_row *r, const struct sf_conn *c, const struct sf_conn_extra *e)
{
	memset(r, 0, sizeof(*r));
	r->stream = c->stream;
	r->client = c->addr[0];
	r->server = c->addr[1];
	r->client_port = c->port[0];
	r->server_port = c->port[1];
	r->roles_guessed = c->roles_guessed;
	r->resumed = c->resumed;
	r->port_reused = c->port_reused;
	split_ns(c->start_ns, &r->start_sec, &r->start_nsec);
	split_ns(c->last_ns, &r->end_sec, &r->end_nsec);
	r->first_frame = c->first_frame;
	r->last_frame = c->last_frame;
	fill_side(&r->side[SF_ROW_CLIENT], c, 0, e);
	fill_side(&r->side[SF_ROW_SERVER], c, 1, e);
	r->open_kind = row_open_kind(c->open_kind);
	r->syn_retries = c->syn_retries;
	r->close_kind = row_close_kind(c->close_kind);
	fill_closer(r, c, e);
	r->idle_expired = c->end_reason == SF_END_IDLE;
	r->end_reason = sf_end_reason_name((enum sf_end_reason)c->end_reason);
	const char *zs = sf_zeek_state_name((enum sf_zeek_state)c->zeek_state);
	size_t zn = strlen(zs) < sizeof(r->conn_state) ? strlen(zs) : sizeof(r->conn_state) - 1;
	memcpy(r->conn_state, zs, zn);
	r->conn_state[zn] = '\0';
	_Static_assert(sizeof(r->history) > sizeof(c->history), "row history holds the record's");
	memcpy(r->history, c->history, sizeof(c->history));
	r->history[sizeof(c->history)] = '\0';
	r->completeness = c->completeness;
	r->rtt_synack_ns = c->rtt_syn_synack_ns;
	r->rtt_ack_ns = c->rtt_synack_ack_ns;
	/* RFC 3168 §6.1.1: ECN is in use when the SYN carried ECE+CWR and the SYN-ACK ECE. */
	r->ecn = c->opts[0].ecn_setup && c->opts[1].ecn_setup;
	sf_conn_row_fill_ana(r, NULL);
}

/* Nanoseconds as a whole number, rounded to the nearest. */
static int64_t round_ns(double ns)
{
	return (int64_t)(ns + 0.5);
}

static void fill_ana_dir(struct sf_row_ana *o, const struct sf_ana_dir *d)
{
	o->retrans_bytes = d->retrans_bytes;
	o->retrans_pkts = d->retrans_pkts;
	o->fast_retrans = d->fast_retrans;
	o->spurious_retrans = d->spurious_retrans;
	o->dsack_spurious = d->dsack_spurious;
	o->out_of_order = d->out_of_order;
	o->lost_segments = d->lost_segments;
	o->ack_unseen = d->ack_lost;
	o->dup_acks = d->dup_acks;
	o->zero_windows = d->zero_windows;
	o->zero_window_probes = d->zero_window_probes;
	o->keep_alives = d->keep_alives;
	o->window_full = d->window_full;
	o->window_updates = d->window_updates;
	o->max_bytes_in_flight = d->max_bytes_in_flight;
	o->max_window = d->max_window;
	o->rtt_samples = d->rtt_samples;
	if (d->rtt_samples) {
		o->rtt_min_ns = d->rtt_min_ns;
		o->rtt_max_ns = d->rtt_max_ns;
		o->rtt_avg_ns = round_ns(sf_ana_rtt_avg_ns(d));
		o->rtt_stdev_ns = round_ns(sf_ana_rtt_stdev_ns(d));
	}
}

void sf_conn_row_fill_ana(struct sf_conn_row *r, const struct sf_conn_analysis *a)
{
	memset(r->ana, 0, sizeof(r->ana));
	for (int i = 0; i < 2; i++) {
		struct sf_row_ana *o = &r->ana[i];
		o->rtt_min_ns = o->rtt_avg_ns = o->rtt_max_ns = o->rtt_stdev_ns = -1;
		if (a)
			fill_ana_dir(o, &a->dir[i]);
	}
	r->has_ana = a != NULL;
}

/* ---- explain's packet records -------------------------------------------------------------- */

bool sf_xpkt_fill(struct sf_xpkt *x, const struct sf_pkt_view *v)
{
	const struct sf_packet *p = v->pkt;
	const struct sf_pkt_track *t = v->trk;
	if (!v->conn || !t || !p || !p->has_tcp)
		return false;
	memset(x, 0, sizeof(*x));
	x->frame = p->frame->number;
	x->ts_sec = p->frame->ts_sec;
	x->ts_nsec = p->frame->ts_nsec;
	x->dir = t->from_client ? SF_ROW_CLIENT : SF_ROW_SERVER;
	x->flags = p->flags;
	x->win = p->window;
	x->len = p->tcp_len;
	x->seq = p->seq;
	x->ack = p->ack;
	x->seq_rel = t->rel_seq;
	x->ack_rel = t->rel_ack;
	/* The tracker makes the ack relative to the peer's ISN (or, mid-stream, to the first
	 * sequence number it saw from the peer, as Wireshark does); without ACK there is none. */
	x->ack_rel_valid = (p->flags & SF_TCP_ACK) != 0;
	if (v->ana) {
		x->ana_flags = v->ana->flags;
		x->dup_ack_num = v->ana->dup_ack_num;
		x->dup_ack_frame = v->ana->dup_ack_frame;
		x->dsack_frame = v->ana->dsack_frame;
	}
	for (unsigned i = 0; i < t->n_trans && i < SF_TRK_MAX_TRANS; i++) {
		const struct sf_trans *tr = &t->trans[i];
		int side = tr->side == SF_SIDE_CLIENT ? SF_ROW_CLIENT : SF_ROW_SERVER;
		if (tr->side != SF_SIDE_CLIENT && tr->side != SF_SIDE_SERVER)
			continue;
		/* one packet can step a side more than once (a FIN+ACK that shows the side had
		 * the peer's FIN and is its own close: ESTABLISHED → CLOSE-WAIT → LAST-ACK): the
		 * ladder shows where the side started and where it ended up, the summary's paths
		 * the state it passed through as well */
		if (!x->state_from[side])
			x->state_from[side] = sf_conn_state_name((enum sf_tcp_state)tr->from);
		else
			x->state_via[side] = x->state_to[side];
		x->state_to[side] = sf_conn_state_name((enum sf_tcp_state)tr->to);
	}
	return true;
}
