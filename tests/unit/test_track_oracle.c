/* synfin — oracle: tcp.stream, relative tcp.seq/tcp.ack/tcp.nxtseq per packet and
 * tcp.completeness per stream agree with tshark on the shared captures.
 *
 * tshark runs with -2 so completeness is final (4.0 shows it before the packet's own update).
 * A stream of one packet that is not a SYN is compared like any other (tshark -2 shows 0, and
 * so does synfin: the first packet counts only if it is a SYN, tracker.c). Explained exceptions
 * (see tests/unit/track_oracle_exceptions.txt): frames carrying two TCP headers (tunnels):
 * tshark prints both, synfin tracks the outer.
 * Skips when the captures or tshark are absent. SYNFIN_ORACLE_ALL=1 runs every capture in
 * INDEX.tsv instead of the curated list, prints the agreement figures, and requires full
 * agreement on every capture the exceptions file does not list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_pipe.h"
#include "synfin/conn.h"
#include "synfin/pipeline.h"
#include "synfin/source.h"

#define MAX_ROWS    8192
#define MAX_STREAMS 4096

struct row {
	uint64_t frame, stream;
	uint32_t seq, ack, nxt;
	bool set;
};

struct collect {
	struct row rows[MAX_ROWS];
	int compl [MAX_STREAMS];
	uint32_t npk[MAX_STREAMS];
};

static struct collect ours, theirs;

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct collect *c = self;
	uint64_t n = v->pkt->frame->number;
	if (!v->conn || n >= MAX_ROWS)
		return;
	struct row *r = &c->rows[n];
	r->frame = n;
	r->stream = v->conn->stream;
	r->seq = v->trk->rel_seq;
	r->ack = v->trk->rel_ack;
	r->nxt = v->trk->rel_nxtseq;
	r->set = true;
	if (v->conn->stream < MAX_STREAMS)
		c->npk[v->conn->stream]++;
}

static void on_closed(void *self, const struct sf_conn *c)
{
	struct collect *col = self;
	if (c->stream < MAX_STREAMS)
		col->compl [c->stream] = c->completeness;
}

static bool run_synfin(const char *path)
{
	memset(&ours, 0, sizeof(ours));
	struct sf_pipeline_cfg cfg = {.track = true};
	struct sf_sink s = {.self = &ours, .packet = on_packet, .conn_closed = on_closed};
	return hpipe_run_file(&cfg, &s, path, NULL);
}

static bool run_tshark(const char *path)
{
	memset(&theirs, 0, sizeof(theirs));
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
	         "tshark -2 -n -r '%s' -T fields -e frame.number -e tcp.stream -e tcp.seq -e "
	         "tcp.ack -e tcp.nxtseq -e tcp.completeness 2>/dev/null",
	         path);
	FILE *f = popen(cmd, "r");
	if (!f)
		return false;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		unsigned long long fr, st;
		unsigned long seq, ack, nxt;
		int comp;
		if (strchr(line, ','))
			continue; /* two TCP headers in one frame */
		if (sscanf(line, "%llu\t%llu\t%lu\t%lu\t%lu\t%d", &fr, &st, &seq, &ack, &nxt,
		           &comp) != 6 ||
		    fr >= MAX_ROWS)
			continue;
		struct row *r = &theirs.rows[fr];
		*r = (struct row){fr, st, (uint32_t)seq, (uint32_t)ack, (uint32_t)nxt, true};
		if (st < MAX_STREAMS) {
			theirs.compl [st] = comp; /* the last packet of the stream wins */
			theirs.npk[st]++;
		}
	}
	pclose(f);
	return true;
}

struct tally {
	unsigned long pkts, pkt_ok, undecoded, streams, str_ok, files;
};

static void compare(const char *name, struct tally *t, bool verbose)
{
	unsigned bad = 0;
	for (unsigned i = 1; i < MAX_ROWS; i++) {
		const struct row *a = &ours.rows[i], *b = &theirs.rows[i];
		if (!b->set)
			continue;
		if (!a->set) {
			t->undecoded++; /* a frame synfin's decoder does not reach TCP in */
			continue;
		}
		t->pkts++;
		if (a->set && a->stream == b->stream && a->seq == b->seq && a->ack == b->ack &&
		    a->nxt == b->nxt) {
			t->pkt_ok++;
		} else if (verbose && bad++ < 3) {
			printf(
			    "# %s frame %u: synfin stream %llu seq %u ack %u nxt %u; tshark %llu "
			    "%u %u %u\n",
			    name, i, (unsigned long long)a->stream, a->seq, a->ack, a->nxt,
			    (unsigned long long)b->stream, b->seq, b->ack, b->nxt);
		}
	}
	for (unsigned s = 0; s < MAX_STREAMS; s++) {
		if (!theirs.npk[s])
			continue;
		if (!ours.npk[s])
			continue;
		t->streams++;
		if (ours.compl [s] == theirs.compl [s])
			t->str_ok++;
		else if (verbose)
			printf("# %s stream %u: completeness synfin %d tshark %d\n", name, s,
			       ours.compl [s], theirs.compl [s]);
	}
	t->files++;
}

static const char *const curated[] = {
    "chrissanders-packets/tcp_handshake.pcapng",
    "chrissanders-packets/tcp_teardown.pcapng",
    "chrissanders-packets/tcp_refuseconnection.pcapng",
    "chrissanders-packets/tcp_dupack.pcapng",
    "chrissanders-packets/synscan.pcapng",
    "chrissanders-packets/sessionhijacking.pcapng",
    "chrissanders-packets/activeosfingerprinting.pcapng",
    "PcapPlusPlus/one_tcp_rst.pcap",
    "PcapPlusPlus/one_http_stream_fin.pcap",
    "PcapPlusPlus/one_http_stream_fin2.pcap",
    "PcapPlusPlus/one_tcp_stream_max_seq.pcap",
    "PcapPlusPlus/tcp-reassembly.pcap",
    "nDPI/tls_multiple_synack_different_seq.pcapng",
    "nDPI/ethereum.pcap",
    "nDPI/tcp_scan.pcapng",
    "suricata-verify/alert-testmyids-midstream__input.pcap",
    "suricata-verify/bug-3616-smtp__input.pcap",
    "The-Incident-Alarm/fin.pcap",
};

/* True when the exceptions file lists capture rel (its first column). */
static bool listed(const char *rel)
{
	const char *here = __FILE__, *slash = strrchr(here, '/');
	char path[4096], line[1024], first[512];
	snprintf(path, sizeof(path), "%.*s/track_oracle_exceptions.txt",
	         slash ? (int)(slash - here) : 1, slash ? here : ".");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found =
		    line[0] != '#' && sscanf(line, "%511s", first) == 1 && strcmp(first, rel) == 0;
	fclose(f);
	return found;
}

/* strict (may be NULL) also counts the capture when the exceptions file does not list it. */
static void one(const char *dir, const char *rel, struct tally *t, struct tally *strict,
                bool verbose)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (!run_synfin(path) || !run_tshark(path))
		return;
	compare(rel, t, verbose);
	if (strict && !listed(rel))
		compare(rel, strict, false);
}

static void test_oracle(void **state)
{
	(void)state;
	const char *dir = hpipe_oracle_dir();
	if (!dir)
		skip();
	struct tally t = {0}, strict = {0};
	const char *all = getenv("SYNFIN_ORACLE_ALL");
	if (all && *all == '1') {
		char idx[4200];
		snprintf(idx, sizeof(idx), "%s/INDEX.tsv", dir);
		FILE *f = fopen(idx, "r");
		assert_non_null(f);
		char line[4096];
		while (fgets(line, sizeof(line), f)) {
			char *tab = strchr(line, '\t');
			if (!tab || strncmp(line, "path", 4) == 0)
				continue;
			*tab = '\0';
			one(dir, line, &t, &strict, true);
		}
		fclose(f);
	} else {
		for (size_t i = 0; i < sizeof(curated) / sizeof(curated[0]); i++)
			one(dir, curated[i], &t, &strict, true);
	}
	printf("# oracle: %lu files; packets %lu/%lu agree (%lu more not decoded by synfin); "
	       "streams %lu/%lu completeness agree\n",
	       t.files, t.pkt_ok, t.pkts, t.undecoded, t.str_ok, t.streams);
	printf("# outside the listed exceptions: %lu files; packets %lu/%lu, streams %lu/%lu\n",
	       strict.files, strict.pkt_ok, strict.pkts, strict.str_ok, strict.streams);
	assert_true(strict.files > 0);
	assert_int_equal(strict.pkt_ok, strict.pkts);
	assert_int_equal(strict.str_ok, strict.streams);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_oracle)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
