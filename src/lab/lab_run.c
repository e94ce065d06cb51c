/* synfin lab — one scenario from start to verdict.
 *
 *   env_open ─► capture_start(pipeline + observer) ─► scenario->run() ─► capture_stop
 *            ─► pipeline_finish (flushes the open records) ─► pick the connection ─► compare
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synfin/lab.h"
#include "synfin/pipeline.h"
#include "synfin/writer.h"

#define LAB_SETTLE_MS 300 /* last ACKs and the capture thread's read timeout */

static struct sf_writer *open_writer(const struct sf_lab_run_opts *o, char *err, size_t errlen)
{
	/* Loopback and veth both capture as Ethernet (DLT_EN10MB). */
	struct sf_writer_opts wo = {.format = o->pcapng ? SF_WRITE_PCAPNG : SF_WRITE_PCAP_NS,
	                            .linktype = 1};
	return sf_writer_open(o->write_path, &wo, err, errlen);
}

static void run_captured(const struct sf_lab_scenario *sc, const struct sf_lab_env *env,
                         struct sf_lab_capture *cap, const struct sf_lab_run_opts *o,
                         struct sf_lab_outcome *out)
{
	out->run_rc = sc->run(env, &out->res, out->run_err, sizeof(out->run_err));
	out->capture_rc =
	    sf_lab_capture_stop(cap, o->settle_ms ? o->settle_ms : LAB_SETTLE_MS, &out->frames,
	                        &out->dropped, out->capture_err, sizeof(out->capture_err));
}

int sf_lab_run(const struct sf_lab_scenario *sc, const struct sf_lab_run_opts *o,
               struct sf_lab_outcome *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->scenario = sc;
	struct sf_lab_env env;
	if (sf_lab_env_open(&env, sc->needs, o->port, err, errlen) < 0)
		return -1;
	out->port = env.port;
	struct sf_lab_observer *ob = sf_lab_observer_new();
	struct sf_pipeline_cfg cfg = {.track = true, .analyse = true};
	struct sf_pipeline *pl = ob ? sf_pipeline_new(&cfg, err, errlen) : NULL;
	struct sf_writer *w = NULL;
	struct sf_lab_capture *cap = NULL;
	int rc = -1;
	if (!pl) {
		if (!ob)
			snprintf(err, errlen, "out of memory");
		goto done;
	}
	struct sf_sink sink = sf_lab_observer_sink(ob);
	sf_pipeline_add_sink(pl, &sink);
	if (o->write_path && !(w = open_writer(o, err, errlen)))
		goto done;
	if (!(cap = sf_lab_capture_start(&env, pl, w, err, errlen)))
		goto done;
	run_captured(sc, &env, cap, o, out);
	sf_pipeline_finish(pl); /* ends every record still open: the observer sees them all */
	rc = 0;
	out->conns = sf_lab_observer_conns(ob);
	out->frames = sf_pipeline_stats(pl)->frames; /* pcap_stats counts loopback frames twice */
	sf_lab_observer_pick(ob, env.port, out->res.client_port, &out->obs, &out->stream,
	                     &out->dup_acks);
	sf_lab_compare(sc, &out->obs, &out->res, &out->verdict);
done:
	if (w) {
		char werr[256];
		if (sf_writer_close(w, werr, sizeof(werr)) < 0 && out->capture_rc == 0) {
			out->capture_rc = -1;
			snprintf(out->capture_err, sizeof(out->capture_err), "%s", werr);
		}
	}
	sf_pipeline_free(pl);
	sf_lab_observer_free(ob);
	sf_lab_env_close(&env);
	return rc;
}
