/* synfin — the reading thread (reader.h). */
#define _DEFAULT_SOURCE
#include "core/reader.h"

#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bigmem.h"
#include "core/clock.h"
#include "synfin/conn.h"

/* Frames in flight (powers of two). A mapped file's frames stay where they lie, so many can
 * wait: a deep ring lets each thread run on through the other's pauses (an index that
 * doubles, a page the kernel clears). 1M bench capture, interleaved runs: 512 → 4096 took
 * `conns` from 238 to 222 ms (q1) and `conns --no-analysis` from 205 to 147 ms. Frames copied
 * into the items' own buffers (pcapng, a pipe) keep the shallow ring, which bounds the memory
 * those buffers take when frames are large. */
#define RING_MAPPED 4096u
#define RING_COPIED 512u
#define BATCH       32u /* frames published, or given back, at a time */
#define ASKS        16u /* page requests in flight (sf_reader_ask): a power of two */

struct rd_ask {
	void *p;
	size_t bytes;
};

/* Each side writes its own cache lines only, and tells the other side how far it got once per
 * BATCH frames (or before it waits), reading the other side's counter only when its cached
 * copy says the ring is full (producer) or empty (consumer): a line shared by both threads and
 * written per frame would travel between the cores at every frame. */
struct sf_reader {
	alignas(64) _Atomic uint64_t head; /* frames published (producer) */
	_Atomic int done;                  /* the producer has stopped; rc and the rest are set */
	_Atomic uint32_t ask_tail;         /* page requests taken (producer) */
	alignas(64) _Atomic uint64_t tail; /* frames given back (consumer) */
	/* pages the consumer will write soon (sf_reader_ask), beside tail: the producer looks at
	 * them when it looks at tail, and the consumer writes them seldom */
	_Atomic uint32_t ask_head;
	struct rd_ask asks[ASKS];
	/* the producer's own */
	alignas(64) uint64_t p_head;     /* frames written */
	uint64_t p_tail;                 /* its copy of tail */
	enum sf_source_status rc;        /* the producer's end, read by the consumer after done */
	int64_t p_cpu, p_pages, p_spare; /* its times (struct sf_reader_times) */
	int64_t p_wait, p_wait_cpu;      /* its waits */
	bool oom;                        /* stopped for want of memory at frame `last` */
	struct sf_frame last;
	char err[SF_ERRBUF];
	/* the consumer's own */
	alignas(64) uint64_t cur;            /* frames given back */
	uint64_t c_head;                     /* its copy of head */
	uint64_t c_tail;                     /* the tail it last published */
	int64_t c_wait, c_wait_cpu, c_spare; /* its waits and spare work (sf_reader_times) */
	/* set before the thread starts */
	alignas(64) struct rd_item *ring;
	uint64_t ring_n; /* RING_MAPPED or RING_COPIED */
	struct sf_source *src;
	struct sf_decode_opts opts;
	bool persist; /* frames stay in the source: not copied (sf_source_frames_persist) */
	struct sf_reader_spare spare; /* fn NULL: none */
	pthread_t thread;
};

/* Waiting: yield first (the other side is about to move), then sleep briefly so that a side
 * that waits long (the faster reader, when the ring is full) leaves the CPU to the other. */
static void wait_a_bit(unsigned *spins)
{
	if (++*spins < 200) {
		sched_yield();
		return;
	}
	struct timespec ts = {0, 50000};
	nanosleep(&ts, NULL);
}

/* Copies frame f's bytes into the item's buffer, grown when f is larger; false when no
 * buffer large enough can be had. */
static bool copy_in(struct rd_item *it, const struct sf_frame *f)
{
	if (f->caplen > it->cap) {
		size_t cap = it->cap ? it->cap : 2048;
		while (cap < f->caplen)
			cap *= 2;
		uint8_t *nb = realloc(it->buf, cap);
		if (!nb)
			return false;
		it->buf = nb;
		it->cap = cap;
	}
	if (f->caplen)
		memcpy(it->buf, f->data, f->caplen);
	it->f.data = it->buf;
	return true;
}

bool rd_item_take(struct rd_item *it, const struct sf_frame *f, const struct sf_decode_opts *opts,
                  bool persist)
{
	it->f = *f;
	if (!persist && !copy_in(it, f))
		return false;
	sf_decode(&it->f, opts, &it->pkt);
	it->hash = sf_tracker_hash(&it->pkt);
	return true;
}

/* Takes the pages of one request, if any: true when there was one. */
static bool serve_ask(struct sf_reader *r)
{
	uint32_t tail = atomic_load_explicit(&r->ask_tail, memory_order_relaxed);
	if (tail == atomic_load_explicit(&r->ask_head, memory_order_acquire))
		return false;
	struct rd_ask a = r->asks[tail % ASKS];
	atomic_store_explicit(&r->ask_tail, tail + 1, memory_order_release);
	sf_big_populate(a.p, a.bytes);
	return true;
}

bool sf_reader_ask(struct sf_reader *r, void *p, size_t bytes)
{
	uint32_t head = atomic_load_explicit(&r->ask_head, memory_order_relaxed);
	if (head - atomic_load_explicit(&r->ask_tail, memory_order_acquire) >= ASKS)
		return false;
	r->asks[head % ASKS] = (struct rd_ask){p, bytes};
	atomic_store_explicit(&r->ask_head, head + 1, memory_order_release);
	return true;
}

/* Spare work instead of waiting, timed into *ns: true when there was some. */
static bool do_spare(const struct sf_reader *r, int64_t *ns)
{
	if (!r->spare.fn)
		return false;
	int64_t a0 = sf_clock_ns(CLOCK_MONOTONIC);
	if (!r->spare.fn(r->spare.arg))
		return false;
	*ns += sf_clock_ns(CLOCK_MONOTONIC) - a0;
	return true;
}

/* The ring is full: a full ring is the consumer's work for a while, time to take the pages it
 * asked for, one request per look at the ring, then to do spare work. The wait, the pages and
 * the spare work are timed (struct sf_reader_times): pages and spare work are work, the rest
 * of the CPU used meanwhile is not. */
static void wait_for_room(struct sf_reader *r, uint64_t head)
{
	unsigned spins = 0;
	int64_t t0 = sf_clock_ns(CLOCK_MONOTONIC), c0 = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t pages = 0, spare = 0;
	while (head - (r->p_tail = atomic_load_explicit(&r->tail, memory_order_acquire)) >=
	       r->ring_n) {
		int64_t a0 = sf_clock_ns(CLOCK_MONOTONIC);
		if (serve_ask(r)) {
			pages += sf_clock_ns(CLOCK_MONOTONIC) - a0;
			continue;
		}
		if (do_spare(r, &spare))
			continue;
		wait_a_bit(&spins);
	}
	int64_t cpu = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0, worked = pages + spare;
	r->p_pages += pages;
	r->p_spare += spare;
	r->p_wait += sf_clock_ns(CLOCK_MONOTONIC) - t0 - worked;
	r->p_wait_cpu += cpu > worked ? cpu - worked : 0;
}

static void *produce(void *arg)
{
	struct sf_reader *r = arg;
	uint64_t head = r->p_head;
	for (;;) {
		if (head - r->p_tail >= r->ring_n) {
			r->p_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
			if (head - r->p_tail >=
			    r->ring_n) { /* full: all it has goes out before it waits */
				atomic_store_explicit(&r->head, head, memory_order_release);
				wait_for_room(r, head);
			}
		}
		struct rd_item *it = &r->ring[head & (r->ring_n - 1)];
		r->rc = sf_source_next(r->src, &r->last, r->err, sizeof(r->err));
		if (r->rc != SF_SRC_FRAME)
			break;
		if (!rd_item_take(it, &r->last, &r->opts, r->persist)) {
			r->oom = true;
			break;
		}
		if (++head % BATCH == 0)
			atomic_store_explicit(&r->head, head, memory_order_release);
	}
	r->p_head = head;
	r->p_cpu = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	atomic_store_explicit(&r->head, head, memory_order_release);
	atomic_store_explicit(&r->done, 1, memory_order_release);
	return NULL;
}

struct sf_reader *sf_reader_start(struct sf_source *src, const struct sf_decode_opts *opts,
                                  const struct sf_reader_spare *spare)
{
	struct sf_reader *r = aligned_alloc(64, sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->src = src;
	r->persist = sf_source_frames_persist(src);
	r->ring_n = r->persist ? RING_MAPPED : RING_COPIED;
	r->ring = calloc(r->ring_n, sizeof(*r->ring));
	if (!r->ring) {
		free(r);
		return NULL;
	}
	if (opts)
		r->opts = *opts;
	if (spare)
		r->spare = *spare;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->done, 0);
	atomic_init(&r->ask_head, 0);
	atomic_init(&r->ask_tail, 0);
	if (pthread_create(&r->thread, NULL, produce, r) != 0) {
		free(r->ring);
		free(r);
		return NULL;
	}
	return r;
}

/* Frames decoded after cur, up to SF_READER_BATCH, reading the producer's counter only when the
 * cached copy has none. */
static size_t avail(struct sf_reader *r)
{
	if (r->c_head <= r->cur)
		r->c_head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t n = r->c_head - r->cur;
	return n < SF_READER_BATCH ? (size_t)n : SF_READER_BATCH;
}

size_t sf_reader_more(struct sf_reader *r)
{
	size_t n = avail(r);
	if (n < SF_READER_BATCH) { /* the cached copy may be behind: one look at the producer's */
		r->c_head = atomic_load_explicit(&r->head, memory_order_acquire);
		n = avail(r);
	}
	return n;
}

size_t sf_reader_wait(struct sf_reader *r)
{
	size_t n = avail(r);
	if (n)
		return n;
	/* empty: all it gave back goes out before it waits */
	if (r->c_tail != r->cur) {
		r->c_tail = r->cur;
		atomic_store_explicit(&r->tail, r->cur, memory_order_release);
	}
	unsigned spins = 0;
	int64_t t0 = sf_clock_ns(CLOCK_MONOTONIC), c0 = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t spare = 0;
	for (;;) {
		if ((n = avail(r)) != 0)
			break;
		/* done is published after the last frame: seen done, a second look at head tells
		 * whether anything came before it */
		if (atomic_load_explicit(&r->done, memory_order_acquire)) {
			r->c_head = atomic_load_explicit(&r->head, memory_order_acquire);
			n = avail(r);
			break;
		}
		if (!do_spare(r, &spare))
			wait_a_bit(&spins);
	}
	int64_t cpu = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	r->c_spare += spare;
	r->c_wait_cpu += cpu > spare ? cpu - spare : 0;
	r->c_wait += sf_clock_ns(CLOCK_MONOTONIC) - t0 - spare;
	return n;
}

struct rd_item *sf_reader_at(struct sf_reader *r, size_t k)
{
	return &r->ring[(r->cur + k) & (r->ring_n - 1)];
}

void sf_reader_done(struct sf_reader *r, size_t n)
{
	r->cur += n;
	if (r->cur - r->c_tail >= BATCH) {
		r->c_tail = r->cur;
		atomic_store_explicit(&r->tail, r->cur, memory_order_release);
	}
}

enum sf_source_status sf_reader_finish(struct sf_reader *r, struct sf_frame *f, char *err,
                                       size_t errlen, struct sf_reader_times *times)
{
	pthread_join(r->thread, NULL);
	if (times)
		*times = (struct sf_reader_times){.cpu_ns = r->p_cpu,
		                                  .pages_ns = r->p_pages,
		                                  .spare_ns = r->p_spare,
		                                  .wait_ns = r->p_wait,
		                                  .wait_cpu_ns = r->p_wait_cpu,
		                                  .cwait_ns = r->c_wait,
		                                  .cwait_cpu_ns = r->c_wait_cpu,
		                                  .cspare_ns = r->c_spare};
	enum sf_source_status rc = r->oom ? SF_SRC_FRAME : r->rc;
	*f = r->last;
	if (errlen) {
		strncpy(err, r->err, errlen - 1);
		err[errlen - 1] = '\0';
	}
	for (uint64_t i = 0; i < r->ring_n; i++)
		free(r->ring[i].buf);
	free(r->ring);
	free(r);
	return rc;
}
