/* synfin — capture end on two threads (end_lanes.h). */
#include "core/end_lanes.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Connections per run: a lane's buffer holds one run's rows (JSON rows are about 2.6 kB, so
 * 1.3 MB a lane); 512, 1024 and 2048 ended the 1M bench capture's 66k connections equally fast,
 * and 2048 added 9 MB of peak memory to a JSON run. */
#define END_RUN   512
#define END_AHEAD 4 /* connections fetched ahead of the one ended */

struct end_job {
	struct sf_tracker *t;
	struct sf_analyser *a;
	const struct sf_sink *s;
	const uint32_t *list;
	size_t n;
	unsigned stride;     /* lanes at work: 1 or 2 */
	_Atomic size_t turn; /* the run whose buffer goes out next */
};

struct end_lane {
	struct end_job *job;
	unsigned lane;
};

static void fetch(const struct end_job *j, uint32_t slot)
{
	sf_tracker_prefetch_record(j->t, slot);
	if (j->a)
		sf_analyser_prefetch(j->a, slot);
	if (j->s->prefetch)
		j->s->prefetch(j->s->self, slot);
}

/* Lane `lane` ends runs lane, lane + stride, … and writes each in its turn. */
static void *run_lane(void *arg)
{
	const struct end_lane *l = arg;
	struct end_job *j = l->job;
	for (size_t run = l->lane; run * END_RUN < j->n; run += j->stride) {
		size_t from = run * END_RUN, to = from + END_RUN < j->n ? from + END_RUN : j->n;
		for (size_t i = from; i < to; i++) {
			if (i + END_AHEAD < to)
				fetch(j, j->list[i + END_AHEAD]);
			const struct sf_conn *c = sf_tracker_flush_one(j->t, j->list[i]);
			struct sf_conn_analysis fig;
			struct sf_conn_view cv = {.conn = c,
			                          .ana =
			                              j->a ? sf_analyser_conn(j->a, c, &fig) : NULL,
			                          .slot = j->list[i]};
			j->s->final_into(j->s->self, l->lane, &cv);
		}
		/* the other lane writes the run before this one: wait for it (it is formatting
		 * a run as long as this one, so the wait is short) */
		while (atomic_load_explicit(&j->turn, memory_order_acquire) != run)
			sched_yield();
		j->s->final_write(j->s->self, l->lane);
		atomic_store_explicit(&j->turn, run + 1, memory_order_release);
	}
	return NULL;
}

bool sf_end_lanes(struct sf_tracker *t, struct sf_analyser *a, const struct sf_sink *s, bool two)
{
	size_t n;
	uint32_t *list = sf_tracker_flush_list(t, &n);
	if (!list)
		return false;
	struct end_job j = {.t = t, .a = a, .s = s, .list = list, .n = n, .stride = 1};
	atomic_init(&j.turn, 0);
	struct end_lane l0 = {&j, 0}, l1 = {&j, 1};
	pthread_t th;
	memset(&th, 0, sizeof(th));
	bool helper = false;
	if (two && n > END_RUN) {
		j.stride = 2; /* set before the second lane starts: it reads it */
		helper = pthread_create(&th, NULL, run_lane, &l1) == 0;
		if (!helper)
			j.stride = 1; /* no second thread: this one takes every run */
	}
	run_lane(&l0);
	if (helper)
		pthread_join(th, NULL);
	if (a)
		for (size_t i = 0; i < n; i++)
			sf_analyser_slot_end(a, list[i]);
	sf_tracker_flush_done(t, list, n);
	return true;
}
