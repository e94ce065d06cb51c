/* synfin — display filters cross-checked against `tshark -Y` on the shared captures.
 *
 * For every capture of ../shared/captures/INDEX.tsv and every expression below (fields that
 * Wireshark also has), the frames synfin's filter selects are compared with tshark's. tshark
 * runs per frame, as synfin works and as tests/oracle/oracle.py runs it: TCP reassembly and
 * IP defragmentation off, one-pass sequence analysis (TSHARK_PREFS). To keep it to one tshark
 * run per capture, tshark reports a fingerprint of the matching frames (COUNT, SUM, MIN and
 * MAX of frame.number, via -z io,stat); a differing fingerprint is then confirmed with
 * `tshark -Y EXPR -T fields -e frame.number` and the differing frames listed. Expressions
 * with commas (sets, which tshark 4.0 wants comma-separated) cannot go through io,stat and
 * use -Y.
 *
 * Every differing frame must be explained by a row of the lists filter_oracle_lists.h reads
 * (tests/oracle/filter_exceptions.tsv, this oracle's own, and by reference the decode, field
 * and analysis oracles' lists); the test fails on any frame no row explains and prints the
 * agreement: comparisons (capture x expression) that agree, that differ with every frame
 * explained, that differ otherwise. Captures whose link type synfin does not decode are left
 * out (synfin skips their frames and says so); captures neither reads are skipped; a capture
 * synfin stops reading at a damaged record is compared up to there.
 *
 * By default every eighth capture of the index up to 1 MB is checked, and the set expressions
 * on every sixteenth, to keep the run short; SYNFIN_ORACLE_ALL=1 checks every capture with
 * every expression and lists the rows of filter_exceptions.tsv that explained nothing. Skips
 * when the captures or tshark are absent. tshark output is cached (see tshark_cached), so a
 * re-run takes about a second.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "filter_oracle_lists.h"
#include "helper_capfile.h"
#include "synfin/filter.h"
#include "synfin/pipeline.h"
#include "synfin/source.h"

static const char *const exprs[] = {
    "tcp.flags.syn==1 && tcp.flags.ack==0",
    "tcp.flags.ack==1&&tcp.flags.syn==1",
    "tcp.flags.fin ==1&& tcp.flags.ack == 1",
    "tcp and tcp.port==9999 and ip.src==192.166.11.14 or ip.dst==192.166.11.14",
    "ip.addr==119.75.218.77",
    "tcp.flags.reset == 1",
    "tcp.flags & 0x12 == 0x12",
    "tcp.flags & 0x1c0",
    "tcp.flags == 0x002",
    "tcp.flags.push == 1 and tcp.len > 0",
    "tcp.flags.str contains \"R\"",
    "tcp.flags.str matches \"^(·)+A(·)+S\"",
    "tcp.port == 80",
    "tcp.port != 80",
    "tcp.port ~= 80",
    "tcp.port === 80",
    "tcp.srcport < 1024",
    "tcp.dstport >= 49152",
    "tcp.len == 0",
    "tcp.len >= 1000",
    "tcp.hdr_len > 20",
    "tcp.window_size_value == 0",
    "tcp.urgent_pointer != 0",
    "tcp.seq_raw < 1000000",
    "tcp.ack_raw > 2147483648",
    "tcp.options.mss_val",
    "tcp.options.mss_val < 1460",
    "tcp.options.wscale.shift >= 7",
    "tcp.options.sack_perm",
    "tcp.options.timestamp.tsval",
    "ip.addr == 10.0.0.0/8",
    "ip.src == 192.168.0.0/16",
    "ip.addr != 192.168.0.0/16",
    "ip.ttl < 64",
    "ip.flags.df == 1",
    "ip.flags.mf == 1 or ip.frag_offset > 0",
    "ip.len > 1000",
    "ip.proto == 17",
    "ip.dsfield.ecn != 0",
    "ip.id == 0",
    "ipv6",
    "ipv6.addr == fe80::/10",
    "ipv6.hlim == 64",
    "eth.addr == ff:ff:ff:ff:ff:ff",
    "eth.type == 0x0800",
    "vlan",
    "vlan.id > 100",
    "udp.port == 53",
    "icmp",
    "not tcp and not udp",
    "!(ip.ttl == 64) && ip",
    "frame.len > 1000",
    "frame.cap_len < 60",
    "frame.number <= 5 || frame.number == 10",
    "frame.time_relative > 1",
    "tcp.port in {80, 443, 8000..8080}",
    "ip.addr in {10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16}",
    "tcp.port not in {80, 443}",
    /* tracking fields */
    "tcp.stream == 0",
    "tcp.stream == 1 || tcp.stream == 3",
    "tcp.stream >= 2 && tcp.stream <= 5",
    "tcp.seq > 0",
    "tcp.seq == 1 && tcp.ack == 1",
    "tcp.seq == 0 && tcp.flags.syn == 1",
    "tcp.ack > 1000",
    "tcp.nxtseq > 1000 && tcp.len > 0",
    "tcp.completeness == 31",
    "tcp.completeness & 4",
    "tcp.stream in {0, 2, 4}",
    /* sequence analysis (tshark -Y analyses in one pass, like synfin) */
    "tcp.analysis.reused_ports",
    "tcp.analysis.flags",
    "tcp.analysis.flags && !tcp.analysis.window_update",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission",
    "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.duplicate_ack_num >= 2",
    "tcp.analysis.zero_window || tcp.analysis.zero_window_probe",
    "tcp.analysis.keep_alive || tcp.analysis.keep_alive_ack",
    "tcp.analysis.window_update",
    "tcp.analysis.window_full",
    "tcp.analysis",
    "tcp.analysis.acks_frame",
    "tcp.analysis.ack_rtt > 0.01",
    "tcp.analysis.ack_rtt < 0.0005",
    "tcp.analysis.initial_rtt < 0.001",
    "tcp.analysis.bytes_in_flight > 10000",
    "tcp.analysis.rto > 0.2",
    "tcp.window_size > 65535",
    "tcp.window_size == 0 && tcp.flags.reset == 0",
    "tcp.window_size_scalefactor == -1",
    "tcp.window_size_scalefactor >= 128",
};
#define NEXPR (sizeof(exprs) / sizeof(exprs[0]))

struct tally {
	uint64_t count, sum, min, max;
};

struct run {
	struct sf_filter *f[NEXPR];
	struct tally t[NEXPR];
	struct sf_eval_ctx ctx;
	uint64_t *frames[NEXPR]; /* matching frames, kept for the -Y comparisons */
	size_t nframes[NEXPR], cap[NEXPR];
	uint64_t last; /* number of the last frame synfin read */
};

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct run *r = self;
	uint64_t n = v->pkt->frame->number;
	r->last = n;
	sf_eval_ctx_note_frame(&r->ctx, v->pkt->frame);
	for (size_t i = 0; i < NEXPR; i++) {
		if (!sf_filter_match(r->f[i], v, &r->ctx))
			continue;
		struct tally *t = &r->t[i];
		if (t->count == 0 || n < t->min)
			t->min = n;
		if (n > t->max)
			t->max = n;
		t->count++;
		t->sum += n;
		if (r->nframes[i] == r->cap[i]) {
			r->cap[i] = r->cap[i] ? r->cap[i] * 2 : 64;
			r->frames[i] = realloc(r->frames[i], r->cap[i] * sizeof(uint64_t));
			assert_non_null(r->frames[i]);
		}
		r->frames[i][r->nframes[i]++] = n;
	}
}

/* 0 when read, -1 when unreadable, 1 when synfin does not decode the link type, 2 when a read
 * error stopped it after some frames (those are compared). */
static int run_synfin(const char *path, struct run *r, char *err, size_t errlen)
{
	struct sf_source *src = sf_source_open_file(path, 0, err, errlen);
	if (!src)
		return -1;
	if (!sf_linktype_supported(sf_source_linktype(src))) {
		sf_source_close(src);
		return 1;
	}
	/* tcp.stream, tcp.seq … need tracking, tcp.analysis.* the analysis */
	struct sf_pipeline_cfg cfg = {.track = true, .analyse = true};
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, errlen);
	assert_non_null(p);
	struct sf_sink sink = {.self = r, .packet = on_packet};
	sf_pipeline_add_sink(p, &sink);
	int rc = sf_pipeline_run(p, src);
	sf_pipeline_finish(p);
	sf_pipeline_free(p);
	sf_source_close(src);
	return rc == 0 ? 0 : r->last ? 2 : -1;
}

/* tshark sees each frame alone, as synfin does: no TCP reassembly, no IP defragmentation
 * (tests/oracle/oracle.py's PREFS; with them on, tshark moves a reassembled PDU's fields to
 * its last segment and decodes a datagram on its last fragment), one-pass analysis with
 * relative sequence numbers (tests/oracle/oracle_analysis.py). */
#define TSHARK_PREFS                                                                               \
	"-o tcp.desegment_tcp_streams:FALSE -o ip.defragment:FALSE -o ipv6.defragment:FALSE "      \
	"-o tcp.analyze_sequence_numbers:TRUE -o tcp.relative_sequence_numbers:TRUE"

/* tshark's output, cached as tests/oracle/oracle.py caches it: one file per run, keyed by the
 * capture (path, size, mtime), the tshark binary (size, mtime) and the command, under
 * $SYNFIN_ORACLE_CACHE or ./tshark-cache-filter (the test's build directory). The output is
 * kept whatever tshark's exit status, as oracle.py does: on a file damaged after some frames
 * tshark exits 2 having shown those frames. Returns a stream to read (fclose it). */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static uint64_t file_key(uint64_t h, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		h = fnv1a(h, &st.st_size, sizeof(st.st_size));
		h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
	}
	return fnv1a(h, path, strlen(path));
}

static uint64_t tshark_key(void)
{
	static uint64_t key;
	const char *env = getenv("PATH");
	char dirs[4096], bin[4200];
	if (key || !env)
		return key;
	snprintf(dirs, sizeof(dirs), "%s", env);
	for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
		snprintf(bin, sizeof(bin), "%s/tshark", d);
		if (access(bin, X_OK) == 0)
			return key = file_key(14695981039346656037ull, bin);
	}
	return key = 1;
}

static FILE *tshark_cached(const char *cmd, const char *capture)
{
	const char *dir = getenv("SYNFIN_ORACLE_CACHE");
	char path[8400], tmp[8500], buf[8192];
	char abs[PATH_MAX];
	if (!dir || !*dir)
		dir = "tshark-cache-filter";
	mkdir(dir, 0777);
	uint64_t h = file_key(tshark_key(), realpath(capture, abs) ? abs : capture);
	h = fnv1a(h, cmd, strlen(cmd));
	snprintf(path, sizeof(path), "%s/%016llx.out", dir, (unsigned long long)h);
	FILE *f = fopen(path, "r");
	if (f)
		return f;
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	FILE *out = fopen(tmp, "w");
	FILE *pf = popen(cmd, "r");
	size_t n;
	if (!out || !pf) {
		if (out)
			fclose(out);
		if (pf)
			pclose(pf);
		remove(tmp);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), pf)) > 0)
		fwrite(buf, 1, n, out);
	int rc = pclose(pf);
	/* -1: the shell could not run; a signal: cut short; 127: no shell or tshark. Other exit
	 * statuses keep the output. */
	if (fclose(out) != 0 || rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 127 ||
	    rename(tmp, path) != 0) {
		remove(tmp);
		return NULL;
	}
	return fopen(path, "r");
}

/* tshark's frame list for one expression. Returns the count, frames in out (up to max). */
static long tshark_frames(const char *path, const char *expr, uint64_t *out, size_t max)
{
	char cmd[4096], line[64];
	if (snprintf(cmd, sizeof(cmd),
	             "tshark -n " TSHARK_PREFS
	             " -r '%s' -Y '%s' -T fields -e frame.number 2>/dev/null",
	             path, expr) >= (int)sizeof(cmd))
		return -1;
	FILE *pf = tshark_cached(cmd, path);
	long n = 0;
	if (!pf)
		return -1;
	while (fgets(line, sizeof(line), pf)) {
		if ((size_t)n < max)
			out[n] = strtoull(line, NULL, 10);
		n++;
	}
	fclose(pf);
	return n;
}

/* One tshark run: COUNT/SUM/MIN/MAX of frame.number per comma-free expression. tshark 4.0's
 * io,stat prints no interval at all when the capture lasts under a millisecond (a single
 * frame, most often); for those (last != 0) tshark reads the capture followed by a copy of it
 * one second later (editcap -t 1, mergecap -a), which gives the interval without changing
 * what tshark's one pass sees on the original frames 1..last. Returns 0, 1 when tshark printed
 * no interval, -1 on failure. */
static int tshark_tallies(const char *path, struct tally *t, int *have, uint64_t last)
{
	size_t cap = 65536, w = 0;
	char *cmd = malloc(cap), line[16384], sel[64] = "frame.number";
	int cols = 0, rows = 0;
	assert_non_null(cmd);
	if (last) {
		snprintf(sel, sizeof(sel), "frame.number<=%llu", (unsigned long long)last);
		w += (size_t)snprintf(cmd + w, cap - w,
		                      "d=$(mktemp -d) || exit 1; "
		                      "editcap -t 1 '%s' \"$d/b\" >/dev/null 2>&1; "
		                      "mergecap -a -w \"$d/m\" '%s' \"$d/b\" >/dev/null 2>&1; "
		                      "tshark -n " TSHARK_PREFS " -q -r \"$d/m\" -z 'io,stat,0",
		                      path, path);
	} else {
		w += (size_t)snprintf(cmd + w, cap - w,
		                      "tshark -n " TSHARK_PREFS " -q -r '%s' -z 'io,stat,0", path);
	}
	for (size_t i = 0; i < NEXPR; i++) {
		have[i] = strchr(exprs[i], ',') == NULL;
		if (!have[i])
			continue;
		static const char *const fn[] = {"COUNT", "SUM", "MIN", "MAX"};
		for (int k = 0; k < 4; k++)
			w += (size_t)snprintf(cmd + w, cap - w, ",%s(frame.number)%s&&(%s)", fn[k],
			                      sel, exprs[i]);
	}
	snprintf(cmd + w, cap - w, last ? "' 2>/dev/null; rm -rf \"$d\"" : "' 2>/dev/null");
	FILE *pf = tshark_cached(cmd, path);
	free(cmd);
	if (!pf)
		return -1;
	uint64_t vals[4 * NEXPR];
	while (fgets(line, sizeof(line), pf)) {
		if (!strstr(line, "<>"))
			continue;
		rows++;
		char *s = strchr(line + 1, '|'); /* after the interval column */
		cols = 0;
		while (s && cols < (int)(4 * NEXPR)) {
			char *end;
			uint64_t v = strtoull(s + 1, &end, 10);
			if (end == s + 1)
				break;
			vals[cols++] = v;
			s = strchr(s + 1, '|');
		}
	}
	fclose(pf);
	if (rows == 0)
		return 1;
	int c = 0;
	for (size_t i = 0; i < NEXPR; i++) {
		if (!have[i])
			continue;
		if (c + 4 > cols)
			return -1;
		t[i] = (struct tally){vals[c], vals[c + 1], vals[c + 2], vals[c + 3]};
		c += 4;
	}
	return 0;
}

static int tally_eq(const struct tally *a, const struct tally *b)
{
	if (a->count != b->count || a->sum != b->sum)
		return 0;
	return a->count == 0 || (a->min == b->min && a->max == b->max);
}

struct counts {
	size_t agree, explained, unexplained, files;
};

/* Appends " N" to a bounded list (cut with " …" when full). */
static void add_frame(char *buf, size_t size, size_t *w, uint64_t frame)
{
	if (*w + 24 < size)
		*w += (size_t)snprintf(buf + *w, size - *w, " %llu", (unsigned long long)frame);
	else if (*w + 5 < size && !strstr(buf, "…"))
		*w += (size_t)snprintf(buf + *w, size - *w, " …");
}

/* Compares one expression's frame lists; every differing frame needs a row of the lists. */
static void judge(struct excuses *x, const char *name, const char *expr, const uint64_t *ours,
                  size_t n_ours, const uint64_t *theirs, size_t n_theirs, struct counts *c)
{
	char only_s[256] = "", only_t[256] = "", bare[256] = "";
	size_t a = 0, b = 0, ws = 0, wt = 0, wb = 0;
	const struct excuse *why[3] = {0};
	size_t nwhy = 0, unexplained = 0;
	while (a < n_ours || b < n_theirs) {
		uint64_t fr;
		if (b >= n_theirs || (a < n_ours && ours[a] < theirs[b])) {
			fr = ours[a++];
			add_frame(only_s, sizeof(only_s), &ws, fr);
		} else if (a >= n_ours || theirs[b] < ours[a]) {
			fr = theirs[b++];
			add_frame(only_t, sizeof(only_t), &wt, fr);
		} else {
			a++, b++;
			continue;
		}
		struct excuse *e = excuse_for(x, name, expr, fr);
		if (!e) {
			unexplained++;
			add_frame(bare, sizeof(bare), &wb, fr);
			continue;
		}
		e->used++;
		bool seen = false;
		for (size_t k = 0; k < nwhy; k++)
			seen |= why[k] == e;
		if (!seen && nwhy < 3)
			why[nwhy++] = e;
	}
	if (unexplained)
		c->unexplained++;
	else
		c->explained++;
	printf("%s %s | %s | synfin only:%s | tshark only:%s\n",
	       unexplained ? "UNEXPLAINED" : "EXPLAINED", name, expr, only_s, only_t);
	if (unexplained)
		printf("    no row for frames:%s\n", bare);
	for (size_t k = 0; k < nwhy; k++)
		printf("    %s\n", why[k]->why);
}

static void check_capture(const char *dir, const char *name, int with_sets, struct excuses *x,
                          struct counts *c)
{
	char path[8192 + 2], err[SF_ERRBUF] = "";
	struct run *r = calloc(1, sizeof(*r));
	struct tally theirs[NEXPR];
	int have[NEXPR];
	static uint64_t tf[1 << 20];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(r);
	for (size_t i = 0; i < NEXPR; i++) {
		r->f[i] = sf_filter_compile(exprs[i], err, sizeof(err));
		if (!r->f[i])
			fail_msg("%s", err);
	}
	sf_eval_ctx_init(&r->ctx);
	int rc = run_synfin(path, r, err, sizeof(err));
	if (rc == 1) {
		printf("LINK %s: link type not decoded by synfin, left out (exceptions.tsv)\n",
		       name);
		goto out;
	}
	if (rc < 0) {
		printf("SKIP %s: synfin cannot read it: %s\n", name, err);
		goto out;
	}
	if (rc == 2)
		printf("NOTE %s: synfin stops at a read error after frame %llu; compared as read\n",
		       name, (unsigned long long)r->last);
	int tr = tshark_tallies(path, theirs, have, 0);
	if (tr == 1)
		tr = tshark_tallies(path, theirs, have, r->last);
	if (tr != 0) /* no fingerprint: every expression through -Y */
		for (size_t i = 0; i < NEXPR; i++)
			have[i] = 0;
	c->files++;
	for (size_t i = 0; i < NEXPR; i++) {
		if (!have[i] && !with_sets && tr == 0)
			continue;
		if (have[i] && tally_eq(&r->t[i], &theirs[i])) {
			c->agree++;
			continue;
		}
		long n = tshark_frames(path, exprs[i], tf, sizeof(tf) / sizeof(tf[0]));
		if (n < 0 || (size_t)n > sizeof(tf) / sizeof(tf[0])) {
			printf("UNEXPLAINED %s | %s | tshark failed\n", name, exprs[i]);
			c->unexplained++;
			continue;
		}
		if ((size_t)n == r->nframes[i] &&
		    (n == 0 || memcmp(tf, r->frames[i], (size_t)n * sizeof(uint64_t)) == 0)) {
			c->agree++;
			continue;
		}
		judge(x, name, exprs[i], r->frames[i], r->nframes[i], tf, (size_t)n, c);
	}
out:
	for (size_t i = 0; i < NEXPR; i++) {
		sf_filter_free(r->f[i]);
		free(r->frames[i]);
	}
	free(r);
}

static void test_oracle(void **state)
{
	(void)state;
	const char *dir = capfile_shared_dir();
	if (!dir) {
		printf("SKIP: shared captures absent (set SYNFIN_CAPTURES)\n");
		skip();
	}
	if (system("tshark -v >/dev/null 2>&1") != 0) {
		printf("SKIP: tshark not found\n");
		skip();
	}
	static struct excuses x;
	const char *here = __FILE__, *slash = strrchr(here, '/');
	char lists[4096];
	snprintf(lists, sizeof(lists), "%.*s/../oracle", slash ? (int)(slash - here) : 1,
	         slash ? here : ".");
	x.n = 0;
	for (int s = SRC_FILTER; s <= SRC_DECODE; s++)
		if (excuses_load(&x, lists, (enum excuse_src)s) < 0)
			fail_msg("cannot read %s/%s", lists, excuse_file[s]);
	const char *all_env = getenv("SYNFIN_ORACLE_ALL");
	int all = all_env && *all_env && strcmp(all_env, "0") != 0;
	long long max_bytes = all ? 100000000 : 1000000;
	unsigned row = 0;
	char index[4096], line[4096];
	snprintf(index, sizeof(index), "%s/INDEX.tsv", dir);
	FILE *fi = fopen(index, "r");
	assert_non_null(fi);
	struct counts c = {0};
	while (fgets(line, sizeof(line), fi)) {
		char *tab = strchr(line, '\t');
		if (!tab || strncmp(line, "path\t", 5) == 0)
			continue;
		*tab = '\0';
		char path[8192 + 2];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		row++;
		if (!all && row % 8 != 1)
			continue;
		if (stat(path, &st) != 0 || st.st_size > max_bytes || strchr(line, '\''))
			continue;
		check_capture(dir, line, all || row % 16 == 1, &x, &c);
	}
	fclose(fi);
	if (all) /* a row that explained nothing on the whole corpus can go */
		for (size_t i = 0; i < x.n; i++)
			if (x.row[i].src == SRC_FILTER && !x.row[i].used)
				printf("UNUSED filter_exceptions.tsv row: %s | %s | %s\n",
				       x.row[i].capture, x.row[i].field, x.row[i].frames);
	size_t total = c.agree + c.explained + c.unexplained;
	printf("ORACLE (%s): %zu captures x %zu expressions, %zu comparisons: %zu agree (%.2f%%), "
	       "%zu explained, %zu unexplained\n",
	       all ? "all captures" : "sample", c.files, NEXPR, total, c.agree,
	       total ? 100.0 * (double)c.agree / (double)total : 100.0, c.explained, c.unexplained);
	assert_int_equal(c.unexplained, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_oracle)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
