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
 * Exit status 1 when the file could not be opened or broke early (rows before it are printed).
 */
#include <inttypes.h>
#include <stdio.h>

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

static void print_notice(void *self, const struct sf_notice *n)
{
	fprintf(stderr, "sf_oracle_dump: %s\n", n->text);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sf_oracle_dump FILE\n");
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
