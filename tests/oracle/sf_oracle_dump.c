/* sf_oracle_dump — synfin's side of the tshark oracle (tests/oracle/oracle.py).
 *
 *   sf_oracle_dump FILE
 *
 * Prints one tab-separated row per frame with a decoded TCP header, with the columns of
 *   tshark -T fields -e frame.number -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst
 *     -e tcp.srcport -e tcp.dstport -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw
 *     -e tcp.window_size_value -e tcp.len -e tcp.options.mss_val -e tcp.options.wscale.shift
 * (empty where tshark prints nothing: the other IP version, an absent option). The frames go
 * through the real path: sf_source_open_file, then sf_pipeline with a packet sink, decode only.
 *
 *   sf_oracle_dump --analysis FILE
 *
 * Prints one row per TCP frame with synfin's sequence analysis for tests/oracle/
 * oracle_analysis.py: frame, the SF_ANA_* flag bits (hex), duplicate_ack_num,
 * duplicate_ack_frame, acks_frame, ack_rtt (ns), bytes_in_flight, window_size,
 * window_size_scalefactor, nxtseq, initial_rtt (ns) — empty where Wireshark shows nothing —
 * then the flags Wireshark's rules alone give (synfin's corrections off), in hex.
 *
 * Exit status 1 when the file could not be opened or broke early (rows before it are printed).
 */
#include <inttypes.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/decode.h"
#include "synfin/pipeline.h"
#include "synfin/source.h"

static void print_row(void *self, const struct sf_pkt_view *v)
{
	const struct sf_packet *p = v->pkt;
	FILE *out = self;
	if (!p->has_tcp)
		return;
	char src[64] = "", dst[64] = "";
	sf_addr_str(&p->src, src, sizeof(src));
	sf_addr_str(&p->dst, dst, sizeof(dst));
	const char *empty = "";
	bool v4 = p->ip_version == 4;
	fprintf(out,
	        "%" PRIu64 "\t%s\t%s\t%s\t%s\t%u\t%u\t0x%04x\t%" PRIu32 "\t%" PRIu32
	        "\t%u\t%" PRIu32 "\t",
	        p->frame->number, v4 ? src : empty, v4 ? dst : empty, v4 ? empty : src,
	        v4 ? empty : dst, p->sport, p->dport, p->flags, p->seq, p->ack, p->window,
	        p->tcp_len);
	if (p->has_mss)
		fprintf(out, "%u", p->mss);
	fputc('\t', out);
	if (p->has_wscale)
		fprintf(out, "%u", p->wscale);
	fputc('\n', out);
}

/* --analysis: tracker and two analysers (synfin's verdicts, Wireshark's rules alone). */
struct ana_dump {
	FILE *out;
	struct sf_tracker *trk;
	struct sf_analyser *ana[2];
	struct sf_packet pkt;
};

static void on_closed(void *self, const struct sf_conn *c)
{
	struct ana_dump *d = self;
	sf_analyser_conn_end(d->ana[0], c);
	sf_analyser_conn_end(d->ana[1], c);
}

static void put_opt_u64(FILE *out, bool have, uint64_t v)
{
	if (have)
		fprintf(out, "%" PRIu64, v);
	fputc('\t', out);
}

static void print_ana_row(void *self, const struct sf_pkt_view *v)
{
	struct ana_dump *d = self;
	if (!v->pkt->has_tcp)
		return;
	d->pkt = *v->pkt; /* the tracker adds its events to the packet */
	struct sf_pkt_track t;
	struct sf_pkt_analysis a, ws;
	const struct sf_conn *c = sf_tracker_process(d->trk, &d->pkt, &t);
	if (!c)
		return;
	sf_analyser_process(d->ana[0], &d->pkt, c, &t, &a);
	sf_analyser_process(d->ana[1], &d->pkt, c, &t, &ws);
	FILE *out = d->out;
	fprintf(out, "%" PRIu64 "\t0x%x\t", v->pkt->frame->number, a.flags);
	put_opt_u64(out, a.dup_ack_num != 0, a.dup_ack_num);
	put_opt_u64(out, a.dup_ack_num != 0, a.dup_ack_frame);
	put_opt_u64(out, a.acks_frame != 0, a.acks_frame);
	put_opt_u64(out, a.ack_rtt_ns >= 0, (uint64_t)a.ack_rtt_ns);
	put_opt_u64(out, a.has_bytes_in_flight, a.bytes_in_flight);
	fprintf(out, "%u\t%d\t%u\t", a.window, a.win_scalefactor, a.rel_nxtseq);
	put_opt_u64(out, a.initial_rtt_ns >= 0, (uint64_t)a.initial_rtt_ns);
	fprintf(out, "0x%x\n", ws.flags);
}

static int run_analysis(const char *path)
{
	char err[SF_ERRBUF];
	struct ana_dump d = {.out = stdout};
	struct sf_track_hooks h = {.self = &d, .closed = on_closed};
	struct sf_ana_cfg ws;
	sf_ana_cfg_default(&ws);
	ws.correct = false;
	struct sf_source *src = sf_source_open_file(path, 0, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "sf_oracle_dump: %s\n", err);
		return 1;
	}
	d.trk = sf_tracker_new(NULL, &h, err, sizeof(err));
	d.ana[0] = sf_analyser_new(NULL, err, sizeof(err));
	d.ana[1] = sf_analyser_new(&ws, err, sizeof(err));
	struct sf_pipeline_cfg cfg = {.track = false, .analyse = false};
	struct sf_pipeline *pl = sf_pipeline_new(&cfg, err, sizeof(err));
	if (!d.trk || !d.ana[0] || !d.ana[1] || !pl) {
		fprintf(stderr, "sf_oracle_dump: %s\n", err);
		exit(1);
	}
	struct sf_sink sink = {.self = &d, .packet = print_ana_row};
	sf_pipeline_add_sink(pl, &sink);
	int rc = sf_pipeline_run(pl, src);
	sf_pipeline_finish(pl);
	sf_tracker_flush(d.trk);
	sf_pipeline_free(pl);
	sf_tracker_free(d.trk);
	sf_analyser_free(d.ana[0]);
	sf_analyser_free(d.ana[1]);
	sf_source_close(src);
	return rc < 0 ? 1 : 0;
}

static void print_notice(void *self, const struct sf_notice *n)
{
	fprintf(stderr, "sf_oracle_dump: %s\n", n->text);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--analysis") == 0)
		return run_analysis(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: sf_oracle_dump [--analysis] FILE\n");
		return 2;
	}
	char err[SF_ERRBUF];
	struct sf_source *src = sf_source_open_file(argv[1], 0, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "sf_oracle_dump: %s\n", err);
		return 1;
	}
	struct sf_pipeline_cfg cfg = {.track = false, .analyse = false};
	struct sf_pipeline *pl = sf_pipeline_new(&cfg, err, sizeof(err));
	if (!pl) {
		fprintf(stderr, "sf_oracle_dump: %s\n", err);
		sf_source_close(src);
		return 1;
	}
	struct sf_sink sink = {.self = stdout, .packet = print_row, .notice = print_notice};
	sf_pipeline_add_sink(pl, &sink);
	int rc = sf_pipeline_run(pl, src);
	sf_pipeline_finish(pl);
	sf_pipeline_free(pl);
	sf_source_close(src);
	return rc < 0 ? 1 : 0;
}
