/* synfin lab — the live capture around a scenario.
 *
 *   main thread:     capture_start ─► scenario->run() ─► capture_stop(settle)
 *   capture thread:  sf_source_next ─► sf_writer_write ─► sf_pipeline_feed   (until break)
 *
 * The pipeline is only touched by the capture thread until capture_stop() has joined it, so
 * the pipeline needs no locking; the main thread finishes it afterwards. The capture is
 * opened (and its BPF filter set) before the scenario starts: the kernel queues every frame
 * from then on, so even the first SYN is seen whatever the thread's start-up delay.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab_sock.h"
#include "synfin/lab.h"
#include "synfin/pipeline.h"
#include "synfin/source.h"
#include "synfin/writer.h"

#define LAB_CAPTURE_TIMEOUT_MS 20 /* how often the capture thread looks at the stop flag */

struct sf_lab_capture {
	struct sf_source *src;
	struct sf_pipeline *pl;
	struct sf_writer *w;
	pthread_t thread;
	int rc;
	char err[SF_ERRBUF];
};

static void *capture_main(void *arg)
{
	struct sf_lab_capture *c = arg;
	struct sf_frame f;
	enum sf_source_status st;
	while ((st = sf_source_next(c->src, &f, c->err, sizeof(c->err))) == SF_SRC_FRAME) {
		if (c->w && c->rc == 0 && sf_writer_write(c->w, &f, c->err, sizeof(c->err)) < 0)
			c->rc = -1; /* keep capturing: the explanation is still worth having */
		sf_pipeline_feed(c->pl, &f);
	}
	if (st == SF_SRC_ERROR)
		c->rc = -1;
	return NULL;
}

struct sf_lab_capture *sf_lab_capture_start(const struct sf_lab_env *env, struct sf_pipeline *pl,
                                            struct sf_writer *w, char *err, size_t errlen)
{
	struct sf_lab_capture *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->pl = pl;
	c->w = w;
	struct sf_live_opts o = {
	    .iface = env->capture_iface, .immediate = true, .timeout_ms = LAB_CAPTURE_TIMEOUT_MS};
	int saved;
	if (sf_lab_capture_ns_enter(env, &saved, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	/* The packet socket belongs to the namespace it was opened in, whichever thread reads. */
	c->src = sf_source_open_live(&o, err, errlen);
	sf_lab_capture_ns_leave(saved);
	if (!c->src) {
		free(c);
		return NULL;
	}
	char filter[64];
	snprintf(filter, sizeof(filter), "tcp port %u", env->port);
	if (sf_source_set_bpf(c->src, filter, err, errlen) < 0 ||
	    pthread_create(&c->thread, NULL, capture_main, c) != 0) {
		if (!err[0])
			snprintf(err, errlen, "cannot start the capture thread");
		sf_source_close(c->src);
		free(c);
		return NULL;
	}
	return c;
}

int sf_lab_capture_stop(struct sf_lab_capture *c, unsigned settle_ms, uint64_t *frames,
                        uint64_t *dropped, char *err, size_t errlen)
{
	lab_sleep_ms(settle_ms);
	sf_source_break(c->src);
	pthread_join(c->thread, NULL);
	uint64_t recv = 0, drop = 0, ifdrop = 0;
	sf_source_stats(c->src, &recv, &drop, &ifdrop);
	if (frames)
		*frames = recv;
	if (dropped)
		*dropped = drop + ifdrop;
	int rc = c->rc;
	if (rc < 0)
		snprintf(err, errlen, "%s", c->err);
	sf_source_close(c->src);
	free(c);
	return rc;
}
