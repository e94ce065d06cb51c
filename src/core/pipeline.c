/* synfin — the pipeline: source ─► decode ─► track ─► analyse ─► filter ─► sinks.
 *
 * sf_pipeline_run() pulls frames from a source; sf_pipeline_feed() pushes one frame. Both
 * end in process_packet(), the single per-packet path. All state lives in struct sf_pipeline.
 *
 * Reading ahead. On a regular file, sf_pipeline_run keeps AHEAD frames read and decoded before
 * the one it processes, each copied out of the reader's buffer, and asks the memory of their
 * connections to be fetched while earlier packets are processed: the index line when a frame
 * is decoded, the connection's record and analysis state one packet before its turn. On a
 * large table each packet's connection is a cache miss (~100 ns from DRAM), several of which
 * used to be waited for in turn; now they arrive while other work is done. The order of
 * processing, and so every output, is unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/filter.h"
#include "synfin/pipeline.h"

#include "core/clock.h"
#include "core/end_lanes.h"
#include "core/reader.h"

#define MAX_SKIPPED_LINKTYPES 16
#define AHEAD                 4 /* frames read and decoded ahead (a power of two) */

struct skipped_link {
	int linktype;
	uint64_t count;
	uint64_t first_frame;
};

struct sf_pipeline {
	struct sf_pipeline_cfg cfg;
	struct sf_sink sinks[SF_MAX_SINKS];
	unsigned n_sinks;
	/* the sinks with a packet (prefetch) callback, so that the per-packet loops skip none */
	const struct sf_sink *pkt_sinks[SF_MAX_SINKS], *pf_sinks[SF_MAX_SINKS];
	unsigned n_pkt_sinks, n_pf_sinks;
	/* the sinks that put output aside for the reading thread (defer, spare) */
	const struct sf_sink *spare_sinks[SF_MAX_SINKS];
	unsigned n_spare_sinks;
	struct sf_run_stats stats;
	struct sf_packet pkt; /* decoded in place: no allocation per packet */
	uint64_t next_number;
	/* per input: frames of undecoded link types, reported once per file and link type */
	const char *cur_file;
	struct skipped_link skipped[MAX_SKIPPED_LINKTYPES];
	unsigned n_skipped;
	bool finished;
	struct sf_tracker *tracker;   /* NULL when cfg.track is off */
	struct sf_pkt_track trk;      /* tracking annotation of the current packet */
	struct sf_analyser *analyser; /* NULL when cfg.analyse is off */
	struct sf_pkt_analysis ana;   /* analysis of the current packet */
	struct sf_eval_ctx ectx;      /* frame times the display filter's fields need */
	struct rd_item ahead[AHEAD];  /* sf_pipeline_run on regular files */
	/* record slots whose analysis state warm() asked for: the current packet's connection's,
	 * and the next packet's (UINT32_MAX: none) */
	uint32_t warm_cur, warm_next;
	struct sf_reader *rd; /* the reading thread of the file being read, or NULL */
};

/* --- tracking step: the tracker's hooks become the sinks' conn_opened / conn_closed ------ */

/* The one place outside the tracker that writes a connection record: the display filter's
 * verdict (sf_conn.filtered_out). The records are the tracker's own writable memory, handed
 * out const so that sinks cannot change them. */
static void set_filtered_out(const struct sf_conn *c, bool out)
{
	((struct sf_conn *)c)->filtered_out = out;
}

static void on_conn_opened(void *self, const struct sf_conn *c)
{
	struct sf_pipeline *p = self;
	if (p->cfg.filter)
		set_filtered_out(c, true); /* until a packet or the final record matches */
	for (unsigned i = 0; i < p->n_sinks; i++)
		if (p->sinks[i].conn_opened)
			p->sinks[i].conn_opened(p->sinks[i].self, c);
}

static void on_conn_closed(void *self, const struct sf_conn *c)
{
	struct sf_pipeline *p = self;
	if (p->cfg.filter && c->filtered_out) {
		/* No packet matched: the finished record may still match by its final summary
		 * (conn.state == "SF", tcp.completeness == 31 …). */
		struct sf_pkt_view v = {.conn = c, .ectx = &p->ectx, .slot = sf_conn_slot(c)};
		if (sf_filter_match(p->cfg.filter, &v, &p->ectx))
			set_filtered_out(c, false);
	}
	for (unsigned i = 0; i < p->n_sinks; i++)
		if (p->sinks[i].conn_closed)
			p->sinks[i].conn_closed(p->sinks[i].self, c);
	/* Sinks never reach back into the pipeline: the figures travel with the event. */
	struct sf_conn_analysis fig;
	struct sf_conn_view cv = {
	    .conn = c, .ana = sf_pipeline_conn_analysis(p, c, &fig), .slot = sf_conn_slot(c)};
	for (unsigned i = 0; i < p->n_sinks; i++)
		if (p->sinks[i].conn_final)
			p->sinks[i].conn_final(p->sinks[i].self, &cv);
	/* the sinks could read the connection's analysis figures; now they go */
	if (p->analyser)
		sf_analyser_conn_end(p->analyser, c);
}

/* Asks for the analysis state of the connection at record slot `slot`, and the sinks' state
 * for it when `sinks`. */
static void prefetch_slot(struct sf_pipeline *p, uint32_t slot, bool sinks)
{
	if (p->analyser)
		sf_analyser_prefetch(p->analyser, slot);
	for (unsigned i = 0; sinks && i < p->n_pf_sinks; i++)
		p->pf_sinks[i]->prefetch(p->pf_sinks[i]->self, slot);
}

/* The tracker found the packet's connection: fetch its analysis state meanwhile, unless warm()
 * asked for it a packet earlier (with the sinks' state). */
static void on_conn_found(void *self, uint32_t slot)
{
	struct sf_pipeline *p = self;
	if (slot != p->warm_cur)
		prefetch_slot(p, slot, false);
}

/* The tracker is about to end a connection (expiry, capture end): fetch its analysis state and
 * the sinks', which its row is written from. */
static void on_conn_ending(void *self, uint32_t slot)
{
	prefetch_slot(self, slot, true);
}

/* The tracker or the analyser will soon write these pages: the reading thread, when there is
 * one, takes them while it waits for room in its ring (sf_reader_ask). */
static void on_pages(void *self, void *mem, size_t bytes)
{
	struct sf_pipeline *p = self;
	if (p->rd)
		(void)sf_reader_ask(p->rd, mem, bytes);
}

static int track_start(struct sf_pipeline *p, char *err, size_t errlen)
{
	if (p->tracker)
		return 0;
	struct sf_track_hooks h = {.self = p,
	                           .opened = on_conn_opened,
	                           .closed = on_conn_closed,
	                           .found = on_conn_found,
	                           .ending = on_conn_ending,
	                           .pages = on_pages};
	p->tracker = sf_tracker_new(p->cfg.track_cfg, &h, err, errlen);
	p->cfg.track_cfg = NULL; /* copied by the tracker; the caller's may not outlive us */
	return p->tracker ? 0 : -1;
}

static int analyse_start(struct sf_pipeline *p, char *err, size_t errlen)
{
	if (!p->analyser && (p->analyser = sf_analyser_new(NULL, err, errlen)) != NULL)
		sf_analyser_set_pages(p->analyser, on_pages, p);
	return p->analyser ? 0 : -1;
}

/* Runs the tracker on a TCP packet (whose hash is `hash`); tracking events join the run's
 * counters. */
static void track_packet(struct sf_pipeline *p, struct sf_packet *pkt, uint32_t hash,
                         struct sf_pkt_view *v)
{
	if (!p->tracker || !pkt->has_tcp)
		return;
	v->conn = sf_tracker_process_hashed(p->tracker, pkt, hash, &p->trk);
	if (!v->conn)
		return;
	v->trk = &p->trk;
	v->slot = sf_conn_slot(v->conn);
	for (unsigned i = 0; i < p->trk.n_events; i++)
		if (p->trk.events[i] < SF_EV__COUNT)
			p->stats.events[p->trk.events[i]]++;
}

/* --- analysis step: sequence analysis of a tracked packet --------------------------------- */

static void analyse_packet(struct sf_pipeline *p, struct sf_packet *pkt, struct sf_pkt_view *v)
{
	if (!p->analyser || !v->conn)
		return;
	uint8_t before = pkt->n_events;
	sf_analyser_process(p->analyser, pkt, v->conn, v->trk, &p->ana);
	v->ana = &p->ana;
	for (unsigned i = before; i < pkt->n_events; i++)
		if (pkt->events[i] < SF_EV__COUNT)
			p->stats.events[pkt->events[i]]++;
}

const struct sf_conn_analysis *sf_pipeline_conn_analysis(const struct sf_pipeline *p,
                                                         const struct sf_conn *c,
                                                         struct sf_conn_analysis *buf)
{
	return p->analyser && c ? sf_analyser_conn(p->analyser, c, buf) : NULL;
}

/* The sink that can take the capture end on two lanes (struct sf_sink final_into), when it is
 * the one sink of the connections' ends and nothing else must see them one by one (a filter's
 * verdict on the final record, a conn_closed); NULL otherwise. */
static const struct sf_sink *lanes_sink(const struct sf_pipeline *p)
{
	const struct sf_sink *s = NULL;
	if (p->cfg.filter)
		return NULL;
	for (unsigned i = 0; i < p->n_sinks; i++) {
		const struct sf_sink *k = &p->sinks[i];
		if (k->conn_closed || (k->conn_final && s))
			return NULL;
		if (k->conn_final)
			s = k;
	}
	return s && s->final_into && s->final_write ? s : NULL;
}

static void track_finish(struct sf_pipeline *p)
{
	if (!p->tracker)
		return;
	const struct sf_sink *ls = lanes_sink(p);
	if (!ls || !sf_end_lanes(p->tracker, p->analyser, ls, p->cfg.read_thread))
		sf_tracker_flush(p->tracker);
	struct sf_track_stats ts;
	sf_tracker_stats(p->tracker, &ts);
	p->stats.conns.created = ts.created;
	p->stats.conns.peak = ts.peak;
	p->stats.conns.closed = ts.closed;
	p->stats.conns.expired = ts.expired;
	p->stats.conns.evicted = ts.evicted;
	p->stats.conns.reused = ts.reused;
	p->stats.conns.flushed = ts.flushed;
	p->stats.conns.settled = ts.settled;
	p->stats.conns.resumed = ts.resumed;
	p->stats.conns.tombs_peak = ts.tombs_peak;
	p->stats.conns.tombs_dropped = ts.tombs_dropped;
	p->stats.conns.bytes_per_conn = ts.bytes_per_conn;
}

struct sf_pipeline *sf_pipeline_new(const struct sf_pipeline_cfg *cfg, char *err, size_t errlen)
{
	struct sf_pipeline *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cfg)
		p->cfg = *cfg;
	sf_eval_ctx_init(&p->ectx);
	p->next_number = 1;
	p->warm_cur = p->warm_next = UINT32_MAX;
	p->cur_file = "-";
	if (p->cfg.filter && (p->cfg.filter_conns || sf_filter_needs_track(p->cfg.filter)))
		p->cfg.track = true;
	if (p->cfg.filter && sf_filter_needs_analysis(p->cfg.filter))
		p->cfg.track = p->cfg.analyse = true;
	if (p->cfg.track && track_start(p, err, errlen) < 0) {
		free(p);
		return NULL;
	}
	if (p->cfg.track && p->cfg.analyse && analyse_start(p, err, errlen) < 0) {
		sf_tracker_free(p->tracker);
		free(p);
		return NULL;
	}
	return p;
}

int sf_pipeline_set_filter(struct sf_pipeline *p, const struct sf_filter *f, bool conns, char *err,
                           size_t errlen)
{
	p->cfg.filter = f;
	p->cfg.filter_conns = conns;
	if (f && (conns || sf_filter_needs_track(f))) {
		p->cfg.track = true;
		if (track_start(p, err, errlen) < 0)
			return -1;
	}
	if (f && sf_filter_needs_analysis(f)) {
		p->cfg.analyse = true;
		return analyse_start(p, err, errlen);
	}
	return 0;
}

int sf_pipeline_add_sink(struct sf_pipeline *p, const struct sf_sink *sink)
{
	if (p->n_sinks >= SF_MAX_SINKS)
		return -1;
	struct sf_sink *s = &p->sinks[p->n_sinks++];
	*s = *sink;
	if (s->packet)
		p->pkt_sinks[p->n_pkt_sinks++] = s;
	if (s->prefetch)
		p->pf_sinks[p->n_pf_sinks++] = s;
	if (s->defer && s->spare)
		p->spare_sinks[p->n_spare_sinks++] = s;
	return 0;
}

static void emit_notice(struct sf_pipeline *p, const struct sf_notice *n)
{
	for (unsigned i = 0; i < p->n_sinks; i++)
		if (p->sinks[i].notice)
			p->sinks[i].notice(p->sinks[i].self, n);
}

static void note_skipped_link(struct sf_pipeline *p, const struct sf_frame *f)
{
	for (unsigned i = 0; i < p->n_skipped; i++) {
		if (p->skipped[i].linktype == f->linktype) {
			p->skipped[i].count++;
			return;
		}
	}
	if (p->n_skipped < MAX_SKIPPED_LINKTYPES) {
		p->skipped[p->n_skipped].linktype = f->linktype;
		p->skipped[p->n_skipped].count = 1;
		p->skipped[p->n_skipped].first_frame = f->file_frame;
		p->n_skipped++;
	}
}

/* One line per file and undecoded link type, as the user would want it, not one per packet. */
static void flush_skipped_links(struct sf_pipeline *p)
{
	for (unsigned i = 0; i < p->n_skipped; i++) {
		const struct skipped_link *s = &p->skipped[i];
		const char *name = sf_linktype_name(s->linktype);
		char text[256];
		snprintf(text, sizeof(text),
		         "%s: frames with link type %s (%d) are not decoded: %llu frame%s skipped",
		         p->cur_file, name ? name : "unknown", s->linktype,
		         (unsigned long long)s->count, s->count == 1 ? "" : "s");
		struct sf_notice n = {.kind = SF_NOTICE_LINK_SKIPPED,
		                      .file = p->cur_file,
		                      .frame = s->first_frame,
		                      .linktype = s->linktype,
		                      .count = s->count,
		                      .text = text};
		emit_notice(p, &n);
	}
	p->n_skipped = 0;
}

static void count_packet(struct sf_run_stats *st, const struct sf_packet *pkt)
{
	if (pkt->ip_version == 4)
		st->ipv4++;
	else if (pkt->ip_version == 6)
		st->ipv6++;
	else if (pkt->layer >= SF_LAYER_LINK)
		st->non_ip++;
	if (pkt->ip_version)
		st->by_ipproto[pkt->ip_proto]++;
	if (pkt->is_fragment && !pkt->first_fragment)
		st->fragments++;
	if (pkt->has_tcp)
		st->tcp++;
	for (unsigned i = 0; i < pkt->n_events; i++)
		if (pkt->events[i] < SF_EV__COUNT)
			st->events[pkt->events[i]]++;
}

static void note_time(struct sf_run_stats *st, const struct sf_frame *f)
{
	if (!st->have_ts) {
		st->first_ts_sec = f->ts_sec;
		st->first_ts_nsec = f->ts_nsec;
		st->have_ts = true;
	}
	st->last_ts_sec = f->ts_sec;
	st->last_ts_nsec = f->ts_nsec;
}

/* The display-filter step: true when the packet goes on to the sinks. A match also marks its
 * connection as selected (see sf_pipeline_cfg.filter_conns). */
static bool filter_packet(struct sf_pipeline *p, const struct sf_pkt_view *v)
{
	if (!p->cfg.filter)
		return true;
	bool match = sf_filter_match(p->cfg.filter, v, &p->ectx);
	if (match && v->conn && v->conn->filtered_out)
		set_filtered_out(v->conn, false);
	return match || p->cfg.filter_conns;
}

/* Everything after decoding pkt (of frame f, hash sf_tracker_hash(pkt)): numbering, counters,
 * tracking, analysis, the display filter and the sinks, in the order frames were read. */
static void process_packet(struct sf_pipeline *p, struct sf_frame *f, struct sf_packet *pkt,
                           uint32_t hash)
{
	struct sf_run_stats *st = &p->stats;
	f->number = p->next_number++;
	st->frames++;
	st->bytes += f->caplen;
	note_time(st, f);
	sf_eval_ctx_note_frame(&p->ectx, f); /* every frame counts for frame.time_* */

	if (!sf_linktype_supported(f->linktype)) {
		st->link_skipped++;
		note_skipped_link(p, f);
		return;
	}
	count_packet(st, pkt);

	struct sf_pkt_view v = {.pkt = pkt, .ectx = &p->ectx};
	track_packet(p, pkt, hash, &v);
	analyse_packet(p, pkt, &v);
	if (!filter_packet(p, &v))
		return;
	st->packets_shown++;
	for (unsigned i = 0; i < p->n_pkt_sinks; i++)
		p->pkt_sinks[i]->packet(p->pkt_sinks[i]->self, &v);
}

void sf_pipeline_feed(struct sf_pipeline *p, struct sf_frame *f)
{
	p->warm_cur = p->warm_next = UINT32_MAX; /* nothing was fetched ahead for this one */
	sf_decode(f, &p->cfg.decode, &p->pkt);
	process_packet(p, f, &p->pkt, p->tracker ? sf_tracker_hash(&p->pkt) : 0);
}

/* Takes frame f into read-ahead entry a and decodes it there (rd_item_take), and asks for
 * its connection's index line; false when its bytes do not fit and no larger buffer can be
 * had (the caller then processes f directly). */
static bool ahead_take(struct sf_pipeline *p, struct rd_item *a, const struct sf_frame *f,
                       bool persist)
{
	if (!rd_item_take(a, f, &p->cfg.decode, persist))
		return false;
	if (p->tracker && a->pkt.has_tcp)
		sf_tracker_prefetch_index(p->tracker, &a->pkt, a->hash);
	return true;
}

/* One packet before its turn (pkt; NULL when none is decoded yet): its connection's record,
 * analysis state and the sinks' state. The tracker's found hook then leaves alone the state
 * asked for here. */
static void warm(struct sf_pipeline *p, const struct sf_packet *pkt, uint32_t hash)
{
	p->warm_cur = p->warm_next;
	p->warm_next = UINT32_MAX;
	if (!p->tracker || !pkt || !pkt->has_tcp)
		return;
	uint32_t slot = sf_tracker_prefetch_conn(p->tracker, hash);
	if (slot != UINT32_MAX) {
		prefetch_slot(p, slot, true);
		p->warm_next = slot;
	} else if ((pkt->flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN) {
		/* a new connection: the record it will take, and that slot's state elsewhere */
		slot = sf_tracker_prefetch_new(p->tracker);
		if (slot != UINT32_MAX)
			prefetch_slot(p, slot, true);
	}
}

/* Reads src to its end through the read-ahead entries. Returns the source's last status. */
static enum sf_source_status run_ahead(struct sf_pipeline *p, struct sf_source *src,
                                       struct sf_frame *f, char *err, size_t errlen)
{
	enum sf_source_status rc = SF_SRC_FRAME;
	unsigned head = 0, n = 0; /* entries head … head+n-1 (mod AHEAD) wait, in order */
	bool persist = sf_source_frames_persist(src);
	for (;;) {
		while (rc == SF_SRC_FRAME && n < AHEAD) {
			rc = sf_source_next(src, f, err, errlen);
			if (rc != SF_SRC_FRAME)
				break;
			if (ahead_take(p, &p->ahead[(head + n) % AHEAD], f, persist)) {
				n++;
				continue;
			}
			for (; n;
			     n--, head = (head + 1) % AHEAD) /* out of memory: no reading ahead */
				process_packet(p, &p->ahead[head].f, &p->ahead[head].pkt,
				               p->ahead[head].hash);
			sf_pipeline_feed(p, f);
		}
		if (!n)
			return rc;
		warm(p, n > 1 ? &p->ahead[(head + 1) % AHEAD].pkt : NULL,
		     p->ahead[(head + 1) % AHEAD].hash);
		process_packet(p, &p->ahead[head].f, &p->ahead[head].pkt, p->ahead[head].hash);
		head = (head + 1) % AHEAD;
		n--;
	}
}

/* The reader's spare work (struct sf_reader_spare): the put-aside output of the sinks. Called
 * from both threads; reads only the sink list, which does not change during a run. */
static bool spare_work(void *arg)
{
	const struct sf_pipeline *p = arg;
	bool did = false;
	for (unsigned i = 0; i < p->n_spare_sinks; i++)
		did |= p->spare_sinks[i]->spare(p->spare_sinks[i]->self);
	return did;
}

static void defer_sinks(const struct sf_pipeline *p, bool on)
{
	for (unsigned i = 0; i < p->n_spare_sinks; i++)
		p->spare_sinks[i]->defer(p->spare_sinks[i]->self, on);
}

/* Reads src through the reading thread (reader.h). Returns the source's last status; when the
 * reader ran out of memory, goes on reading src in this thread. The sinks put output aside
 * (struct sf_sink defer) while the thread runs. */
static enum sf_source_status run_threaded(struct sf_pipeline *p, struct sf_reader *rd,
                                          struct sf_source *src, struct sf_frame *f, char *err,
                                          size_t errlen)
{
	size_t n;
	int64_t cpu0 = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	p->rd = rd; /* for the tables' page requests (on_pages), until the thread ends */
	while ((n = sf_reader_wait(rd)) != 0) {
		for (size_t k = 0; k < n; k++) {
			/* the index line three frames ahead, the record and state of the next one;
			 * near the batch's end, frames decoded since may extend it */
			if (k + 3 >= n)
				n = sf_reader_more(rd);
			if (p->tracker && k + 3 < n) {
				const struct rd_item *far = sf_reader_at(rd, k + 3);
				if (far->pkt.has_tcp)
					sf_tracker_prefetch_index(p->tracker, &far->pkt, far->hash);
			}
			const struct rd_item *next = k + 1 < n ? sf_reader_at(rd, k + 1) : NULL;
			warm(p, next ? &next->pkt : NULL, next ? next->hash : 0);
			struct rd_item *it = sf_reader_at(rd, k);
			process_packet(p, &it->f, &it->pkt, it->hash);
		}
		sf_reader_done(rd, n);
	}
	p->rd = NULL;
	int64_t cpu1 = sf_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	struct sf_reader_times rt;
	enum sf_source_status rc = sf_reader_finish(rd, f, err, errlen, &rt);
	defer_sinks(p, false);
	p->stats.times.threaded_files++;
	p->stats.times.read_work_ns += rt.cpu_ns - rt.wait_cpu_ns;
	p->stats.times.read_pages_ns += rt.pages_ns;
	p->stats.times.read_spare_ns += rt.spare_ns;
	p->stats.times.main_spare_ns += rt.cspare_ns;
	p->stats.times.read_wait_ns += rt.wait_ns;
	p->stats.times.main_work_ns += cpu1 - cpu0 - rt.cwait_cpu_ns;
	p->stats.times.main_wait_ns += rt.cwait_ns;
	if (rc != SF_SRC_FRAME)
		return rc;
	sf_pipeline_feed(p, f); /* out of memory in the reader: this frame, then the rest here */
	while ((rc = sf_source_next(src, f, err, errlen)) == SF_SRC_FRAME)
		sf_pipeline_feed(p, f);
	return rc;
}

int sf_pipeline_run(struct sf_pipeline *p, struct sf_source *src)
{
	char err[SF_ERRBUF];
	struct sf_frame f;
	enum sf_source_status rc;

	p->cur_file = sf_source_name(src);
	p->stats.files++;
	struct sf_reader *rd = NULL;
	bool regular = sf_source_is_regular_file(src);
	if (regular && p->cfg.read_thread) {
		struct sf_reader_spare spare = {.fn = spare_work, .arg = p};
		/* told before the thread starts: it may call spare at once */
		defer_sinks(p, true);
		rd = sf_reader_start(src, &p->cfg.decode, p->n_spare_sinks ? &spare : NULL);
		if (!rd)
			defer_sinks(p, false);
	}
	if (rd) {
		rc = run_threaded(p, rd, src, &f, err, sizeof(err));
	} else if (regular) {
		rc = run_ahead(p, src, &f, err, sizeof(err));
	} else {
		while ((rc = sf_source_next(src, &f, err, sizeof(err))) == SF_SRC_FRAME)
			sf_pipeline_feed(p, &f);
	}
	flush_skipped_links(p);
	if (rc == SF_SRC_ERROR) {
		p->stats.file_errors++;
		struct sf_notice n = {.kind = SF_NOTICE_FILE_ERROR,
		                      .file = p->cur_file,
		                      .frame = f.file_frame,
		                      .text = err};
		emit_notice(p, &n);
		return -1;
	}
	return 0;
}

void sf_pipeline_finish(struct sf_pipeline *p)
{
	if (p->finished)
		return;
	p->finished = true;
	flush_skipped_links(p);
	int64_t t0 = sf_clock_ns(CLOCK_MONOTONIC);
	track_finish(p);
	p->stats.times.end_ns = sf_clock_ns(CLOCK_MONOTONIC) - t0;
	for (unsigned i = 0; i < p->n_sinks; i++)
		if (p->sinks[i].end)
			p->sinks[i].end(p->sinks[i].self, &p->stats);
}

const struct sf_run_stats *sf_pipeline_stats(const struct sf_pipeline *p)
{
	return &p->stats;
}

void sf_pipeline_free(struct sf_pipeline *p)
{
	if (p) {
		sf_tracker_free(p->tracker);
		sf_analyser_free(p->analyser);
		for (unsigned i = 0; i < AHEAD; i++)
			free(p->ahead[i].buf);
	}
	free(p);
}
