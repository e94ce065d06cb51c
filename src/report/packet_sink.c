/* synfin — the packet report as a pipeline sink: keeps the output buffer and the time of the
 * first frame, and calls the line, detail and hex formatters for each packet. */
#include <errno.h>
#include <stdlib.h>

#include "report/packet_report.h"
#include "synfin/fields.h"
#include "synfin/report.h"

/* Large enough that a 1M-packet run is a few hundred fwrite calls. */
#define PACKETS_OUTBUF (1u << 20)

struct packets_report {
	struct sf_outbuf ob;
	struct sf_report_packets_opts o;
	struct pr_opts pr;
	bool have_first;
	int64_t first_sec;
	uint32_t first_nsec;
};

/* frame.time_relative of Wireshark: relative to the first frame of the run, whether or not it
 * was shown (a display filter, or a link type synfin does not decode, hides frames but does not
 * move the zero). The pipeline keeps that time base in the view; a view fed without one (tests,
 * other callers) falls back to the first frame this report saw. */
static int64_t rel_time(struct packets_report *r, const struct sf_pkt_view *v)
{
	const struct sf_frame *f = v->pkt->frame;
	if (v->ectx && v->ectx->have_first) {
		r->have_first = true;
		r->first_sec = v->ectx->first_sec;
		r->first_nsec = v->ectx->first_nsec;
	} else if (!r->have_first) {
		r->have_first = true;
		r->first_sec = f->ts_sec;
		r->first_nsec = f->ts_nsec;
	}
	return (f->ts_sec - r->first_sec) * 1000000000 + ((int64_t)f->ts_nsec - r->first_nsec);
}

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct packets_report *r = self;
	int64_t rel = rel_time(r, v);
	pr_line(&r->ob, v, rel, &r->pr);
	if (r->o.detail) {
		pr_detail(&r->ob, v, rel, &r->pr);
	}
	if (r->o.hex)
		pr_hex(&r->ob, v->pkt);
	if (r->o.detail || r->o.hex)
		ob_putc(&r->ob, '\n');
	if (r->o.flush_each)
		ob_finish(&r->ob);
}

static void on_end(void *self, const struct sf_run_stats *st)
{
	struct packets_report *r = self;
	(void)st;
	ob_finish(&r->ob);
}

struct sf_sink sf_report_packets_new(FILE *out, const struct sf_report_packets_opts *o)
{
	struct sf_sink s = {0};
	struct packets_report *r = calloc(1, sizeof(*r));
	if (!r)
		return s;
	if (ob_init(&r->ob, out, PACKETS_OUTBUF) < 0) {
		free(r);
		return s;
	}
	if (o)
		r->o = *o;
	r->pr.color = r->o.color;
	r->pr.absolute = r->o.absolute;
	s.self = r;
	s.packet = on_packet;
	s.end = on_end;
	return s;
}

int sf_report_packets_close(struct sf_sink *sink)
{
	struct packets_report *r = sink->self;
	if (!r)
		return 0;
	int err = ob_finish(&r->ob);
	ob_free(&r->ob);
	free(r);
	sink->self = NULL;
	return err;
}
