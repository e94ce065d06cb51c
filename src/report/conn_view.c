/* synfin — `synfin conns`: one row per connection, as a sink of the pipeline.
 *
 * Order. By default a row is written when its connection ends (conn_final), in the order
 * connections end, as Zeek writes conn.log: nothing is kept, so memory stays bounded by the
 * tracker's live connections however long the capture. With SF_CONNS_ORDER_STREAM the view
 * keeps each finished connection as a compact row (sizeof(struct sf_conn_row), no pointer into
 * the tracker) and writes them sorted by tcp.stream at the end of the run.
 *
 * Rows put aside. While a file is read on a second thread (struct sf_sink defer), the main
 * thread only fills each ending connection's row, in place in a ring, and formatting and
 * writing it (about 2,000 instructions a row) is left to whichever thread would otherwise wait
 * for the other (spare): the reading thread while its ring of frames is full, the main thread
 * while it waits for frames or finds the ring of rows full. One thread at a time holds the
 * ring's writing end, so rows go out in the order connections ended, as without it.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "report/conn_fmt.h"
#include "report/conn_row.h"
#include "synfin/report.h"

/* Rows put aside (a power of two; a row is 512 bytes, so 256 KiB): enough to ride out the
 * reading thread's stretches of reading. 10M bench capture with analysis, 513k rows written
 * during the pass: with 128 the main thread found the ring full and wrote a third of them
 * itself, with 512 it wrote 2–7%. */
#define ASIDE       512u
#define ASIDE_BATCH 16u /* rows written per spare call: a few microseconds */

struct aside {
	alignas(64) _Atomic uint64_t head; /* rows filled (main thread) */
	alignas(64) _Atomic uint64_t tail; /* rows written (the holder of busy) */
	_Atomic bool busy;                 /* a thread is writing rows */
	struct sf_conn_row row[ASIDE];
};

struct sf_conns_view {
	struct sf_outbuf ob; /* ob, header_done, rows_written: the thread writing rows' */
	bool header_done;
	uint64_t rows_written;
	struct sf_conns_opts opts;
	struct sf_conn_fmt_ctx ctx; /* set before the first row, read by the writing thread */
	struct aside *aside;        /* rows put aside (ASIDE), allocated at the first defer */
	bool deferring;             /* rows go to aside: a reading thread runs */
	/* ORDER_STREAM: rows kept until the end */
	struct sf_conn_row *rows;
	size_t n_rows, cap_rows;
	bool oom;                      /* a row could not be kept: said once at the end */
	struct sf_conn_extras *extras; /* IP bytes and RST sender of live connections */
	/* capture end on two lanes (struct sf_sink final_into): each lane's rows of its run */
	struct sf_outbuf lane[2];
	uint64_t lane_rows[2];
};

struct sf_conns_view *sf_conns_view_new(FILE *out, const struct sf_conns_opts *o, char *err,
                                        size_t errlen)
{
	struct sf_conns_view *v = calloc(1, sizeof(*v));
	if (!v || sf_conn_view_base_init(&v->ob, 1 << 16, &v->extras, out) < 0) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (o)
		v->opts = *o;
	v->ctx.format = v->opts.format;
	v->ctx.wide = v->opts.wide;
	return v;
}

/* The header, once, before the first row (or alone at the end). */
static void header_once(struct sf_conns_view *v)
{
	if (!v->header_done) {
		sf_conn_fmt_header(&v->ob, &v->ctx);
		v->header_done = true;
	}
}

static void write_row(struct sf_conns_view *v, const struct sf_conn_row *r)
{
	header_once(v);
	sf_conn_fmt_row(&v->ob, &v->ctx, r);
	v->rows_written++;
}

static void keep_row(struct sf_conns_view *v, const struct sf_conn_row *r)
{
	if (v->n_rows == v->cap_rows) {
		size_t cap = v->cap_rows ? v->cap_rows * 2 : 1024;
		struct sf_conn_row *n = realloc(v->rows, cap * sizeof(*n));
		if (!n) {
			/* Better a row out of order than a row lost. */
			v->oom = true;
			write_row(v, r);
			return;
		}
		v->rows = n;
		v->cap_rows = cap;
	}
	v->rows[v->n_rows++] = *r;
}

static void on_packet(void *self, const struct sf_pkt_view *pv)
{
	struct sf_conns_view *v = self;
	if (!v->ctx.have_first) {
		v->ctx.first_sec = pv->pkt->frame->ts_sec;
		v->ctx.first_nsec = pv->pkt->frame->ts_nsec;
		v->ctx.have_first = true;
	}
	if (sf_conn_extras_packet(v->extras, pv) < 0)
		v->oom = true;
}

static void on_prefetch(void *self, uint32_t slot)
{
	const struct sf_conns_view *v = self;
	sf_conn_extras_prefetch(v->extras, slot);
}

/* Writes up to max rows put aside, unless another thread is writing them: whether it wrote
 * any. */
static bool write_aside(struct sf_conns_view *v, unsigned max)
{
	struct aside *q = v->aside;
	if (atomic_exchange_explicit(&q->busy, true, memory_order_acquire))
		return false;
	uint64_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint64_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	unsigned n = 0;
	for (; t != h && n < max; t++, n++) {
		write_row(v, &q->row[t % ASIDE]);
		atomic_store_explicit(&q->tail, t + 1, memory_order_release);
	}
	atomic_store_explicit(&q->busy, false, memory_order_release);
	return n > 0;
}

/* Main thread: the row of cv into the ring, in place. A full ring is written here, waiting
 * for the other thread when it holds the ring (it writes a batch at most). */
static void put_aside(struct sf_conns_view *v, const struct sf_conn_view *cv)
{
	struct aside *q = v->aside;
	uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
	while (h - atomic_load_explicit(&q->tail, memory_order_acquire) >= ASIDE)
		if (!write_aside(v, ASIDE_BATCH))
			sched_yield();
	if (sf_conn_view_final_row(&q->row[h % ASIDE], v->extras, cv))
		atomic_store_explicit(&q->head, h + 1, memory_order_release);
}

static bool on_spare(void *self)
{
	struct sf_conns_view *v = self;
	return v->aside && write_aside(v, ASIDE_BATCH);
}

static void on_defer(void *self, bool on)
{
	struct sf_conns_view *v = self;
	if (on) {
		if (!v->aside) {
			v->aside = aligned_alloc(alignof(struct aside), sizeof(*v->aside));
			if (!v->aside)
				return; /* rows are written at once, as without a reading thread */
			atomic_init(&v->aside->head, 0);
			atomic_init(&v->aside->tail, 0);
			atomic_init(&v->aside->busy, false);
		}
		v->deferring = true;
		return;
	}
	if (v->deferring) /* the reading thread has stopped: the rest, here */
		while (write_aside(v, UINT_MAX))
			;
	v->deferring = false;
}

static void on_final(void *self, const struct sf_conn_view *cv)
{
	struct sf_conns_view *v = self;
	if (v->deferring) {
		put_aside(v, cv);
		return;
	}
	struct sf_conn_row r;
	if (!sf_conn_view_final_row(&r, v->extras, cv))
		return;
	if (v->opts.order == SF_CONNS_ORDER_STREAM)
		keep_row(v, &r);
	else
		write_row(v, &r);
}

/* The row of a connection ended at capture end, into the lane's memory buffer. Reads the
 * formatting context and writes only the connection's own extras slot and the lane. */
static void on_final_into(void *self, unsigned lane, const struct sf_conn_view *cv)
{
	struct sf_conns_view *v = self;
	struct sf_outbuf *ob = &v->lane[lane & 1];
	struct sf_conn_row r;
	if (!sf_conn_view_final_row(&r, v->extras, cv))
		return;
	if (!ob->buf && ob_init(ob, NULL, (size_t)1 << 16) < 0) {
		ob->error = ENOMEM;
		return;
	}
	sf_conn_fmt_row(ob, &v->ctx, &r);
	v->lane_rows[lane & 1]++;
}

static void on_final_write(void *self, unsigned lane)
{
	struct sf_conns_view *v = self;
	struct sf_outbuf *ob = &v->lane[lane & 1];
	if (ob->error && !v->ob.error)
		v->ob.error = ob->error; /* rows lost for want of memory: the run fails as on a
		                            write error */
	if (v->lane_rows[lane & 1])
		header_once(v);
	if (ob->len)
		ob_put_mem(&v->ob, ob->buf, ob->len);
	v->rows_written += v->lane_rows[lane & 1];
	v->lane_rows[lane & 1] = 0;
	ob->len = 0;
}

static int cmp_stream(const void *a, const void *b)
{
	const struct sf_conn_row *x = a, *y = b;
	return (x->stream > y->stream) - (x->stream < y->stream);
}

static void on_end(void *self, const struct sf_run_stats *st)
{
	struct sf_conns_view *v = self;
	if (st->have_ts) {
		v->ctx.last_sec = st->last_ts_sec;
		v->ctx.last_nsec = st->last_ts_nsec;
		v->ctx.have_last = true;
		if (!v->ctx.have_first) {
			v->ctx.first_sec = st->first_ts_sec;
			v->ctx.first_nsec = st->first_ts_nsec;
			v->ctx.have_first = true;
		}
	}
	if (v->n_rows)
		qsort(v->rows, v->n_rows, sizeof(v->rows[0]), cmp_stream);
	for (size_t i = 0; i < v->n_rows; i++)
		write_row(v, &v->rows[i]);
	v->n_rows = 0;
	header_once(v); /* no connection: the header alone still says what the file is */
	sf_conn_fmt_footer(&v->ob, &v->ctx);
	ob_finish(&v->ob);
}

struct sf_sink sf_conns_view_sink(struct sf_conns_view *v)
{
	struct sf_sink s = {.self = v,
	                    .packet = on_packet,
	                    .conn_final = on_final,
	                    .end = on_end,
	                    .prefetch = on_prefetch};
	if (v->opts.order != SF_CONNS_ORDER_STREAM) { /* kept rows are sorted at the end anyway */
		s.final_into = on_final_into;
		s.final_write = on_final_write;
		s.defer = on_defer;
		s.spare = on_spare;
	}
	return s;
}

uint64_t sf_conns_view_rows(const struct sf_conns_view *v)
{
	return v->rows_written;
}

int sf_conns_view_error(const struct sf_conns_view *v)
{
	return v->ob.error;
}

void sf_conns_view_free(struct sf_conns_view *v)
{
	if (!v)
		return;
	free(v->rows);
	free(v->aside);
	ob_free(&v->lane[0]);
	ob_free(&v->lane[1]);
	sf_conn_view_base_free(&v->ob, v->extras);
	free(v);
}
