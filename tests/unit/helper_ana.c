/* synfin tests — tracker + analyser runs over crafted segments (see helper_ana.h). */
#include <string.h>

#include "helper_ana.h"

static void hana_closed(void *self, const struct sf_conn *c)
{
	struct hana_run *r = self;
	sf_analyser_conn_end(r->a, c);
}

void hana_init(struct hana_run *r, const struct sf_ana_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	char err[128];
	struct sf_track_hooks h = {.self = r, .closed = hana_closed};
	r->t = sf_tracker_new(NULL, &h, err, sizeof(err));
	r->a = sf_analyser_new(cfg, err, sizeof(err));
	r->next_frame = 1;
}

void hana_feed(struct hana_run *r, const struct hana_seg *segs, unsigned n)
{
	for (unsigned i = 0; i < n && r->n < HANA_MAX; i++) {
		const struct hana_seg *g = &segs[i];
		hseg_build(&r->pkt, &r->frame, &g->s, r->next_frame++);
		r->pkt.ip_id = g->ip_id;
		if (g->win0)
			r->pkt.window = 0;
		if ((g->s.flags & SF_TCP_SYN) && !g->no_ws && g->wscale >= 0) {
			r->pkt.has_wscale = true;
			r->pkt.wscale = (uint8_t)g->wscale;
		}
		r->pkt.n_sack = g->n_sack;
		memcpy(r->pkt.sack, g->sack, sizeof(g->sack));
		if (g->hlen_too_large)
			sf_packet_add_event(&r->pkt, SF_EV_TCP_HLEN_TOO_LARGE);
		struct sf_pkt_track trk;
		const struct sf_conn *c = sf_tracker_process(r->t, &r->pkt, &trk);
		sf_analyser_process(r->a, &r->pkt, c, &trk, &r->out[r->n]);
		if (!c || !sf_analyser_conn(r->a, c, &r->fig[r->n]))
			memset(&r->fig[r->n], 0, sizeof(r->fig[r->n]));
		r->conn[r->n] = c;
		r->n++;
	}
}

void hana_end(struct hana_run *r)
{
	sf_tracker_flush(r->t);
	sf_tracker_free(r->t);
	sf_analyser_free(r->a);
	r->t = NULL;
	r->a = NULL;
}
