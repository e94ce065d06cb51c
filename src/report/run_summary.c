/* synfin — the end-of-run summary sink (synfin/summary.h). Written once per run, so plain
 * stdio is fine here; the per-packet reports stay printf-free. */
#include <stdlib.h>
#include <string.h>

#include "synfin/summary.h"

#define MAX_NOTICES  16  /* notices repeated in the summary; more are counted */
#define NOTICE_TEXT  240 /* a notice longer than this is cut (it was printed whole already) */
#define MAX_EV_SHOWN 12  /* event names listed; the rest are summed as "… others" */

struct run_summary {
	FILE *out;
	char notices[MAX_NOTICES][NOTICE_TEXT];
	unsigned n_notices;
	uint64_t notices_lost;
};

static void on_notice(void *self, const struct sf_notice *n)
{
	struct run_summary *s = self;
	if (s->n_notices >= MAX_NOTICES) {
		s->notices_lost++;
		return;
	}
	snprintf(s->notices[s->n_notices++], NOTICE_TEXT, "%s", n->text ? n->text : "");
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void write_frames(FILE *o, const struct sf_run_stats *st)
{
	unsigned long long files = st->files, frames = st->frames, tcp = st->tcp;
	fprintf(o, "summary: %llu %s, %llu %s, %llu TCP %s", files, plural(files, "file", "files"),
	        frames, plural(frames, "frame", "frames"), tcp, plural(tcp, "packet", "packets"));
	if (st->have_ts) {
		int64_t ns = (st->last_ts_sec - st->first_ts_sec) * 1000000000 +
		             ((int64_t)st->last_ts_nsec - st->first_ts_nsec);
		fprintf(o, ", span %s%lld.%06lld s", ns < 0 ? "-" : "",
		        (long long)(llabs(ns) / 1000000000),
		        (long long)(llabs(ns) % 1000000000 / 1000));
	}
	fputc('\n', o);
	if (st->file_errors || st->link_skipped || st->non_ip || st->fragments)
		fprintf(o,
		        "  other: %llu non-IP, %llu non-first fragments, %llu of undecoded link "
		        "types, %llu %s broken\n",
		        (unsigned long long)st->non_ip, (unsigned long long)st->fragments,
		        (unsigned long long)st->link_skipped, (unsigned long long)st->file_errors,
		        plural(st->file_errors, "input", "inputs"));
}

/* Tracking was on when it created anything, or when TCP packets went through it. */
static void write_conns(FILE *o, const struct sf_run_stats *st)
{
	if (!st->conns.created)
		return;
	fprintf(o,
	        "  connections: %llu tracked, peak %llu live; ended: %llu closed, %llu expired "
	        "(idle), %llu evicted (--max-conns), %llu taken over (port reuse); %llu still "
	        "live at the end (open, or closed and lingering)\n",
	        (unsigned long long)st->conns.created, (unsigned long long)st->conns.peak,
	        (unsigned long long)st->conns.closed, (unsigned long long)st->conns.expired,
	        (unsigned long long)st->conns.evicted, (unsigned long long)st->conns.reused,
	        (unsigned long long)st->conns.flushed);
}

/* Most frequent first; ties in event order (a stable reading from run to run). */
static void write_events(FILE *o, const struct sf_run_stats *st)
{
	bool done[SF_EV__COUNT] = {false};
	unsigned shown = 0;
	uint64_t rest = 0, rest_kinds = 0;
	/* not an anomaly: the frame is simply not IP, counted on the line above */
	done[SF_EV_ETHERTYPE_UNKNOWN] = true;
	for (;;) {
		int best = -1;
		for (int e = 0; e < SF_EV__COUNT; e++)
			if (!done[e] && st->events[e] &&
			    (best < 0 || st->events[e] > st->events[best]))
				best = e;
		if (best < 0)
			break;
		done[best] = true;
		if (shown == MAX_EV_SHOWN) {
			rest += st->events[best];
			rest_kinds++;
			continue;
		}
		fprintf(o, "%s%llu %s",
		        shown ? ", " : "  events: ", (unsigned long long)st->events[best],
		        sf_event_name((enum sf_event)best));
		shown++;
	}
	if (rest)
		fprintf(o, ", %llu of %llu other kinds", (unsigned long long)rest,
		        (unsigned long long)rest_kinds);
	if (shown)
		fputc('\n', o);
}

void sf_report_summary_write(const struct sf_sink *sink, const struct sf_run_stats *st)
{
	const struct run_summary *s = sink->self;
	if (!s)
		return;
	write_frames(s->out, st);
	write_conns(s->out, st);
	write_events(s->out, st);
	for (unsigned i = 0; i < s->n_notices; i++)
		fprintf(s->out, "  notice: %s\n", s->notices[i]);
	if (s->notices_lost)
		fprintf(s->out, "  (%llu more %s)\n", (unsigned long long)s->notices_lost,
		        plural(s->notices_lost, "notice", "notices"));
	fflush(s->out);
}

static void on_end(void *self, const struct sf_run_stats *st)
{
	struct sf_sink sink = {.self = self};
	sf_report_summary_write(&sink, st);
}

struct sf_sink sf_report_summary_new(FILE *out)
{
	struct sf_sink sink = {0};
	struct run_summary *s = calloc(1, sizeof(*s));
	if (!s)
		return sink;
	s->out = out;
	sink.self = s;
	sink.notice = on_notice;
	sink.end = on_end;
	return sink;
}

void sf_report_summary_free(struct sf_sink *sink)
{
	free(sink->self);
	sink->self = NULL;
}
