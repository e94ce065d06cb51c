/* synfin — `synfin explain`: ladder, lab table and summary per selected connection.
 *
 * Selection: one stream (--stream N), or the first N streams (--limit N, stream index < N), or
 * every connection. Only selected connections keep packets (struct sf_xconn, up to SF_XPKT_CAP
 * packets each); a connection is explained and its packets freed when it ends, so memory is
 * bounded by the selected connections alive at once. Live explained connections sit in a small
 * open-addressed table keyed by stream index.
 */
#include <stdlib.h>
#include <string.h>

#include "report/explain_model.h"
#include "report/outbuf.h"
#include "synfin/report.h"

struct sf_explain_view {
	struct sf_outbuf ob;
	struct sf_explain_opts opts;
	bool have_t0;
	int64_t t0_sec;
	uint32_t t0_nsec;
	/* live explained connections: stream → xconn, linear probing, power-of-two size */
	struct slot {
		bool used;
		uint64_t stream;
		struct sf_xconn x;
	} * slots;
	size_t n_slots, n_used;
	uint64_t explained;
	bool oom;
	struct sf_conn_extras *extras; /* RST sender of the selected live connections */
};

static bool selected(const struct sf_explain_view *v, uint64_t stream)
{
	if (v->opts.has_stream)
		return stream == v->opts.stream;
	if (v->opts.limit)
		return stream < v->opts.limit;
	return true;
}

static size_t hash(uint64_t k, size_t mask)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & mask;
}

static int grow(struct sf_explain_view *v)
{
	size_t n = v->n_slots ? v->n_slots * 2 : 16;
	struct slot *s = calloc(n, sizeof(*s));
	if (!s)
		return -1;
	for (size_t i = 0; i < v->n_slots; i++) {
		if (!v->slots[i].used)
			continue;
		size_t j = hash(v->slots[i].stream, n - 1);
		while (s[j].used)
			j = (j + 1) & (n - 1);
		s[j] = v->slots[i];
	}
	free(v->slots);
	v->slots = s;
	v->n_slots = n;
	return 0;
}

static struct slot *lookup(struct sf_explain_view *v, uint64_t stream, bool create)
{
	if (create && (v->n_used + 1) * 2 > v->n_slots && grow(v) < 0) {
		v->oom = true;
		return NULL;
	}
	if (!v->n_slots)
		return NULL;
	size_t mask = v->n_slots - 1;
	for (size_t j = hash(stream, mask);; j = (j + 1) & mask) {
		if (!v->slots[j].used) {
			if (!create)
				return NULL;
			v->slots[j].used = true;
			v->slots[j].stream = stream;
			memset(&v->slots[j].x, 0, sizeof(v->slots[j].x));
			v->n_used++;
			return &v->slots[j];
		}
		if (v->slots[j].stream == stream)
			return &v->slots[j];
	}
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void remove_slot(struct sf_explain_view *v, struct slot *s)
{
	size_t mask = v->n_slots - 1, i = (size_t)(s - v->slots);
	s->used = false;
	v->n_used--;
	for (size_t j = (i + 1) & mask; v->slots[j].used; j = (j + 1) & mask) {
		size_t h = hash(v->slots[j].stream, mask);
		/* move j to i when its home h is not in (i, j] (cyclically) */
		if (((j - h) & mask) >= ((j - i) & mask)) {
			v->slots[i] = v->slots[j];
			v->slots[j].used = false;
			i = j;
		}
	}
}

static void on_packet(void *self, const struct sf_pkt_view *pv)
{
	struct sf_explain_view *v = self;
	if (!v->have_t0) {
		v->t0_sec = pv->pkt->frame->ts_sec;
		v->t0_nsec = pv->pkt->frame->ts_nsec;
		v->have_t0 = true;
	}
	if (!pv->conn)
		return;
	uint64_t stream = sf_conn_row_stream(pv->conn);
	if (!selected(v, stream))
		return;
	struct sf_xpkt p;
	if (!sf_xpkt_fill(&p, pv))
		return;
	struct slot *s = lookup(v, stream, true);
	if (!s)
		return;
	if (sf_xconn_add(&s->x, &p) < 0)
		v->oom = true;
	if (sf_conn_extras_packet(v->extras, pv) < 0)
		v->oom = true;
}

static void explain_one(struct sf_explain_view *v, struct sf_xconn *x)
{
	struct sf_outbuf *ob = &v->ob;
	const struct sf_conn_row *r = &x->row;
	ob_puts(ob, "=== tcp.stream ");
	ob_put_u64(ob, r->stream);
	ob_puts(ob, ": ");
	ob_put_addr(ob, &r->client, true);
	ob_putc(ob, ':');
	ob_put_u64(ob, r->client_port);
	ob_puts(ob, r->roles_guessed ? " (client, guessed) ⇄ " : " (client) ⇄ ");
	ob_put_addr(ob, &r->server, true);
	ob_putc(ob, ':');
	ob_put_u64(ob, r->server_port);
	ob_puts(ob, r->roles_guessed ? " (server, guessed)" : " (server)");
	ob_puts(ob, " ===\n\n");
	sf_explain_ladder(ob, x, v->t0_sec, v->t0_nsec);
	sf_explain_lab_table(ob, x);
	sf_explain_summary(ob, x);
	v->explained++;
	if (v->opts.flush_each)
		ob_flush(ob);
}

static void on_prefetch(void *self, uint32_t slot)
{
	const struct sf_explain_view *v = self;
	sf_conn_extras_prefetch(v->extras, slot);
}

static void on_final(void *self, const struct sf_conn_view *cv)
{
	struct sf_explain_view *v = self;
	const struct sf_conn *c = cv->conn;
	uint64_t stream = sf_conn_row_stream(c);
	if (!selected(v, stream))
		return;
	struct slot *s = lookup(v, stream, false);
	struct sf_xconn empty;
	struct sf_xconn *x = s ? &s->x : &empty;
	if (!s)
		memset(&empty, 0, sizeof(empty)); /* every packet filtered out: summary only */
	/* -Y given and none of its packets matched: nothing to say */
	if (sf_conn_view_final_row(&x->row, v->extras, cv))
		explain_one(v, x);
	sf_xconn_free(x);
	if (s)
		remove_slot(v, s);
}

static void on_end(void *self, const struct sf_run_stats *st)
{
	struct sf_explain_view *v = self;
	(void)st;
	if (!v->explained) {
		if (v->opts.has_stream) {
			ob_puts(&v->ob, "No connection with tcp.stream ");
			ob_put_u64(&v->ob, v->opts.stream);
			ob_puts(&v->ob, " in this capture.\n");
		} else {
			ob_puts(&v->ob, "No TCP connection in this capture.\n");
		}
	}
	if (v->oom)
		ob_puts(&v->ob, "(out of memory: some packets were not kept)\n");
	ob_finish(&v->ob);
}

struct sf_explain_view *sf_explain_view_new(FILE *out, const struct sf_explain_opts *o, char *err,
                                            size_t errlen)
{
	struct sf_explain_view *v = calloc(1, sizeof(*v));
	if (!v || sf_conn_view_base_init(&v->ob, 1 << 16, &v->extras, out) < 0) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (o)
		v->opts = *o;
	return v;
}

struct sf_sink sf_explain_view_sink(struct sf_explain_view *v)
{
	struct sf_sink s = {.self = v,
	                    .packet = on_packet,
	                    .conn_final = on_final,
	                    .end = on_end,
	                    .prefetch = on_prefetch};
	return s;
}

uint64_t sf_explain_view_count(const struct sf_explain_view *v)
{
	return v->explained;
}

int sf_explain_view_error(const struct sf_explain_view *v)
{
	return v->ob.error;
}

void sf_explain_view_free(struct sf_explain_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n_slots; i++)
		if (v->slots[i].used)
			sf_xconn_free(&v->slots[i].x);
	free(v->slots);
	sf_conn_view_base_free(&v->ob, v->extras);
	free(v);
}
