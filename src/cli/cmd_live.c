/* synfin live -i IFACE [-f BPF] [-Y FILTER] [packets|conns] [-w FILE [--pcapng]] [-c N]
 * [--duration S] [-Z USER] [tracking options]: the file pipeline fed by a live capture.
 *
 *   open device ─► BPF ─► drop root (-Z) ─► open -w file ─► loop: next ─► write ─► feed
 *                                                          until -c / --duration / signal
 *
 * Privileges follow tcpdump's -Z: the capture device is opened as root, then root is given up
 * before the output file is created and before the first packet is read, so a bug in packet
 * parsing never runs with privileges and the -w file belongs to the unprivileged user.
 *
 * Signals: SIGINT, SIGTERM and SIGALRM (--duration) call sf_source_break(), which is
 * async-signal-safe; the loop then ends normally, the pipeline flushes open connections, the
 * writer flushes whole records and the summary with libpcap's counters is printed.
 *
 * `conns` is a live connection log: a line when the tracker creates a connection, and the
 * `synfin conns` table row when it ends, each flushed at once. Reading the -w file back with
 * `synfin conns` gives the very same rows (the close lines without their "close " prefix).
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/conn_fmt.h"
#include "report/conn_row.h"
#include "report/view_put.h"
#include "synfin/conn.h"
#include "synfin/filter.h"
#include "synfin/report.h"
#include "synfin/source.h"
#include "synfin/writer.h"

/* The one source a signal handler may break. A handler has no other way in; set before the
 * handlers are installed and cleared before the source is closed. */
static struct sf_source *volatile live_src;

static void on_stop_signal(int sig)
{
	(void)sig;
	struct sf_source *s = live_src;
	if (s)
		sf_source_break(s);
}

static const char live_help[] =
    "usage: synfin live -i IFACE [-f BPF] [-Y FILTER] [packets|conns] [-w FILE [--pcapng]]\n"
    "                   [-c N] [--duration S] [-Z USER] [--max-conns N] [--msl S]\n"
    "                   [--timeout CLASS=S]\n"
    "  Captures on IFACE (\"any\" and \"lo\" work) and runs the same pipeline as for files.\n"
    "\n"
    "views:\n"
    "  packets              one line per packet as it arrives (default)\n"
    "  conns                a line when a connection opens, and its `synfin conns` row when it\n"
    "                       closes (open and close kinds, conn_state, duration, bytes)\n"
    "\n"
    "options:\n"
    "  -i IFACE             interface to capture on (required)\n"
    "  -f BPF               capture filter in libpcap syntax, e.g. \"tcp port 80\"\n"
    "  -Y FILTER            display filter (Wireshark's language): packets shows the\n"
    "                       matching packets; conns shows the close rows of connections\n"
    "                       with a matching packet or final record, and no open lines\n"
    "                       (whether a connection will match is known only at its end)\n"
    "  -w FILE              also write the raw capture (pcap, nanosecond times)\n"
    "  --pcapng             write FILE as pcapng\n"
    "  -c N                 stop after N packets\n"
    "  --duration S         stop after S seconds\n"
    "  -Z USER              after opening the device, give up root and run as USER, as tcpdump\n"
    "                       does; the -w file is created after that, owned by USER (default:\n"
    "                       nobody when started as root; -Z root keeps root)\n"
    "  --max-conns, --msl, --timeout, --ignore-vlan   connection tracking, as for the file\n"
    "                       commands (synfin conns --help)\n"
    "  -h, --help           this help\n"
    "\n"
    "privileges:\n"
    "  Capturing needs CAP_NET_RAW (root, or the capability granted to the binary).\n"
    "\n"
    "stopping:\n"
    "  Ctrl-C (SIGINT) or SIGTERM stops cleanly: open connections are flushed, the -w file is\n"
    "  complete, and the summary on stderr gives libpcap's received and dropped counters (on\n"
    "  lo, \"received by filter\" counts each frame twice: the kernel hands libpcap both the\n"
    "  outgoing and the incoming copy, and libpcap keeps one).\n"
    "\n"
    "exit status:\n"
    "  0  the capture ran and stopped cleanly\n"
    "  1  usage error (bad option, bad capture filter, unknown user)\n"
    "  2  the capture could not be opened or broke (no such interface, no permission, the\n"
    "     -w file cannot be written)\n";

enum { OPT_DURATION = 500, OPT_PCAPNG };

static const struct option live_long[] = {
    {"duration", required_argument, NULL, OPT_DURATION},
    {"pcapng", no_argument, NULL, OPT_PCAPNG},
    {"max-conns", required_argument, NULL, CLI_OPT_MAX_CONNS},
    {"msl", required_argument, NULL, CLI_OPT_MSL},
    {"timeout", required_argument, NULL, CLI_OPT_TIMEOUT},
    {"ignore-vlan", no_argument, NULL, CLI_OPT_IGNORE_VLAN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct live_args {
	const char *iface, *bpf, *wpath, *user, *display_filter;
	struct sf_track_cfg track_cfg;
	bool conns, pcapng;
	uint64_t count;
	unsigned duration;
};

/* A positive decimal count no larger than max (cli_count). */
static int parse_count(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	if (!cli_count(s, max, out)) {
		cli_error("live: %s takes a positive number, not '%s'", opt, s);
		return -1;
	}
	return 0;
}

static int parse_opt(struct live_args *a, int c, const char *arg, char **argv)
{
	uint64_t n;
	switch (c) {
	case 'i':
		a->iface = arg;
		return 0;
	case 'f':
		a->bpf = arg;
		return 0;
	case 'w':
		a->wpath = arg;
		return 0;
	case 'Z':
		a->user = arg;
		return 0;
	case 'Y':
		a->display_filter = arg;
		return 0;
	case 'n':
		return 0; /* numeric is the only mode */
	case 'c':
		return parse_count("-c", arg, UINT64_MAX, &a->count);
	case OPT_DURATION:
		if (parse_count("--duration", arg, UINT64_C(86400) * 365, &n) < 0)
			return -1;
		a->duration = (unsigned)n;
		return 0;
	case OPT_PCAPNG:
		a->pcapng = true;
		return 0;
	case ':':
		cli_error("live: option '%s' needs a value", argv[optind - 1]);
		return -1;
	default: {
		int r = cli_track_opt(&a->track_cfg, c, arg);
		if (r == 1)
			cli_error("live: unknown option '%s'", argv[optind - 1]);
		return r == 0 ? 0 : -1;
	}
	}
}

/* -1 = go on; otherwise the exit status. */
static int parse_live_args(int argc, char **argv, struct live_args *a)
{
	memset(a, 0, sizeof(*a));
	sf_track_cfg_default(&a->track_cfg);
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":i:f:w:c:Z:Y:nh", live_long, NULL)) != -1) {
		if (c == 'h') {
			fputs(live_help, stdout);
			return CLI_EXIT_OK;
		}
		if (parse_opt(a, c, optarg, argv) < 0) {
			fputs("Try 'synfin live --help'.\n", stderr);
			return CLI_EXIT_USAGE;
		}
	}
	for (; optind < argc; optind++) {
		if (!strcmp(argv[optind], "packets") || !strcmp(argv[optind], "conns")) {
			a->conns = argv[optind][0] == 'c';
			continue;
		}
		cli_error("live: the view is packets or conns, not '%s'", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	if (!a->iface) {
		cli_error("live: -i IFACE is required (\"lo\", \"any\", \"eth0\" …)");
		return CLI_EXIT_USAGE;
	}
	if (a->pcapng && !a->wpath) {
		cli_error("live: --pcapng goes with -w FILE");
		return CLI_EXIT_USAGE;
	}
	return -1;
}

/* Gives up root for user (tcpdump's droproot(): groups, then gid, then uid). Returns 0, or the
 * exit status after a message. */
static int drop_root(const char *user, const char **now)
{
	*now = NULL;
	if (geteuid() != 0) {
		if (user && strcmp(user, "root") != 0) {
			cli_error("live: -Z %s: not running as root, there is no root to give up",
			          user);
			return CLI_EXIT_USAGE;
		}
		return 0;
	}
	if (!user)
		user = "nobody";
	if (!strcmp(user, "root"))
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		cli_error("live: -Z %s: no such user", user);
		return CLI_EXIT_USAGE;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		cli_error("live: cannot become %s: %s", user, strerror(errno));
		return CLI_EXIT_INPUT;
	}
	if (setuid(0) == 0) { /* must fail now, or root was not given up */
		cli_error("live: root could not be given up");
		return CLI_EXIT_INPUT;
	}
	*now = user;
	return 0;
}

static void install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
}

/* ---- the live connection log ------------------------------------------------------------ */

struct live_conns {
	struct sf_outbuf ob;
	struct sf_conn_fmt_ctx ctx;
	struct sf_conn_extras *extras;
	bool header_done;
	bool filtered; /* -Y given: no open lines, close rows of matching connections only */
};

static void lc_header(struct live_conns *lc)
{
	if (lc->header_done)
		return;
	ob_puts(&lc->ob, "EVENT ");
	sf_conn_fmt_header(&lc->ob, &lc->ctx);
	lc->header_done = true;
}

static void lc_flush(struct live_conns *lc)
{
	ob_finish(&lc->ob);
}

static void lc_packet(void *self, const struct sf_pkt_view *v)
{
	struct live_conns *lc = self;
	if (!lc->ctx.have_first) {
		lc->ctx.first_sec = v->pkt->frame->ts_sec;
		lc->ctx.first_nsec = v->pkt->frame->ts_nsec;
		lc->ctx.have_first = true;
	}
	sf_conn_extras_packet(lc->extras, v);
}

static void lc_endpoint(struct sf_outbuf *ob, const struct sf_addr *a, uint16_t port,
                        unsigned width)
{
	size_t m = vp_begin(ob);
	ob_put_addr(ob, a, true);
	ob_putc(ob, ':');
	ob_put_u64(ob, port);
	vp_end(ob, m, width, false);
}

/* "open" and the first four columns of the table: stream, client, server, start. */
static void lc_opened(void *self, const struct sf_conn *c)
{
	struct live_conns *lc = self;
	if (lc->filtered)
		return;            /* -Y: whether this connection matches is known at its end */
	if (!lc->ctx.have_first) { /* the run's first packet is this connection's */
		lc->ctx.first_sec = c->start_ns / 1000000000;
		lc->ctx.first_nsec = (uint32_t)(c->start_ns % 1000000000);
		lc->ctx.have_first = true;
	}
	lc_header(lc);
	struct sf_outbuf *ob = &lc->ob;
	ob_puts(ob, "open  ");
	size_t m = vp_begin(ob);
	ob_put_u64(ob, sf_conn_row_stream(c));
	vp_end(ob, m, 6, true);
	ob_putc(ob, ' ');
	lc_endpoint(ob, &c->addr[0], c->port[0], 21);
	ob_putc(ob, ' ');
	lc_endpoint(ob, &c->addr[1], c->port[1], 21);
	ob_putc(ob, ' ');
	m = vp_begin(ob);
	int64_t first = lc->ctx.first_sec * 1000000000 + lc->ctx.first_nsec;
	ob_put_nsec(ob, c->start_ns - first, 6);
	vp_end(ob, m, 11, true);
	ob_puts(ob, c->roles_guessed ? "  (mid-stream: roles guessed)\n" : "\n");
	lc_flush(lc);
}

static void lc_closed(void *self, const struct sf_conn_view *cv)
{
	struct live_conns *lc = self;
	struct sf_conn_row r;
	struct sf_conn_extra e;
	sf_conn_extras_take(lc->extras, cv->conn, cv->slot, &e);
	if (sf_conn_row_filtered_out(cv->conn))
		return;
	sf_conn_row_fill(&r, cv->conn, &e);
	sf_conn_row_fill_ana(&r, cv->ana); /* the same columns as `synfin conns` */
	lc_header(lc);
	ob_puts(&lc->ob, "close ");
	sf_conn_fmt_row(&lc->ob, &lc->ctx, &r);
	lc_flush(lc);
}

static void lc_end(void *self, const struct sf_run_stats *st)
{
	(void)st;
	struct live_conns *lc = self;
	lc_header(lc);
	lc_flush(lc);
}

static int lc_init(struct live_conns *lc, FILE *out)
{
	memset(lc, 0, sizeof(*lc));
	lc->ctx.format = SF_CONNS_TABLE;
	lc->extras = sf_conn_extras_new();
	if (!lc->extras || ob_init(&lc->ob, out, 1 << 14) < 0) {
		sf_conn_extras_free(lc->extras);
		lc->extras = NULL;
		return -1;
	}
	return 0;
}

static void lc_free(struct live_conns *lc)
{
	sf_conn_extras_free(lc->extras);
	ob_free(&lc->ob);
}

/* ---- the run ---------------------------------------------------------------------------- */

struct live_view {
	bool conns;
	struct sf_sink sink;
	struct live_conns lc;
};

static int open_view(bool conns, struct live_view *v)
{
	memset(v, 0, sizeof(*v));
	v->conns = conns;
	if (conns) {
		if (lc_init(&v->lc, stdout) < 0)
			return -1;
		v->sink = (struct sf_sink){.self = &v->lc,
		                           .packet = lc_packet,
		                           .conn_opened = lc_opened,
		                           .conn_final = lc_closed,
		                           .end = lc_end};
		return 0;
	}
	struct sf_report_packets_opts po = {.flush_each = true,
	                                    .color = cli_use_color(CLI_COLOR_AUTO)};
	v->sink = sf_report_packets_new(stdout, &po);
	return v->sink.self ? 0 : -1;
}

/* errno of the first failed write of the view, 0 when all was written. */
static int close_view(struct live_view *v)
{
	if (v->conns) {
		int e = v->lc.ob.error;
		lc_free(&v->lc);
		return e;
	}
	return v->sink.self ? sf_report_packets_close(&v->sink) : 0;
}

/* Reads until the source ends (signal, --duration) or max frames. -1 when capture or writing
 * broke (said on stderr). */
static int live_loop(struct sf_source *src, struct sf_pipeline *pl, struct sf_writer *w,
                     uint64_t max, uint64_t *seen)
{
	char err[SF_ERRBUF];
	struct sf_frame f;
	enum sf_source_status st;
	while ((st = sf_source_next(src, &f, err, sizeof(err))) == SF_SRC_FRAME) {
		if (w && sf_writer_write(w, &f, err, sizeof(err)) < 0) {
			cli_error("live: %s", err);
			return -1;
		}
		sf_pipeline_feed(pl, &f);
		if (++*seen == max)
			break;
	}
	if (st == SF_SRC_ERROR) {
		cli_error("live: %s", err);
		return -1;
	}
	return 0;
}

static void print_summary(struct sf_source *src, uint64_t seen)
{
	uint64_t recv = 0, drop = 0, ifdrop = 0;
	if (sf_source_stats(src, &recv, &drop, &ifdrop) == 0)
		cli_error("live: %" PRIu64 " packet%s captured, %" PRIu64
		          " received by filter, %" PRIu64 " dropped by kernel, %" PRIu64
		          " dropped by interface",
		          seen, seen == 1 ? "" : "s", recv, drop, ifdrop);
	else
		cli_error("live: %" PRIu64 " packet%s captured", seen, seen == 1 ? "" : "s");
}

static struct sf_source *open_capture(const struct live_args *a, int *status)
{
	char err[SF_ERRBUF] = "";
	struct sf_live_opts lo = {.iface = a->iface, .immediate = true};
	struct sf_source *src = sf_source_open_live(&lo, err, sizeof(err));
	if (!src) {
		cli_error("live: %s", err);
		*status = CLI_EXIT_INPUT;
		return NULL;
	}
	if (a->bpf && sf_source_set_bpf(src, a->bpf, err, sizeof(err)) < 0) {
		cli_error("live: %s", err);
		sf_source_close(src);
		*status = CLI_EXIT_USAGE;
		return NULL;
	}
	return src;
}

static struct sf_writer *open_writer(const struct live_args *a, struct sf_source *src,
                                     const char *user)
{
	char err[SF_ERRBUF];
	struct sf_writer_opts wo = {.format = a->pcapng ? SF_WRITE_PCAPNG : SF_WRITE_PCAP_NS,
	                            .linktype = sf_source_linktype(src)};
	struct sf_writer *w = sf_writer_open(a->wpath, &wo, err, sizeof(err));
	if (!w)
		cli_error("live: %s%s%s%s", err, user ? " (writing as " : "", user ? user : "",
		          user ? " after giving up root; -Z root keeps root)" : "");
	return w;
}

static void say_listening(const struct live_args *a, struct sf_source *src, const char *user)
{
	pcap_t *p = sf_source_pcap(src);
	const char *name = p ? pcap_datalink_val_to_name(pcap_datalink(p)) : NULL;
	fprintf(stderr, "synfin: listening on %s, link-type %s", a->iface, name ? name : "unknown");
	if (a->bpf)
		fprintf(stderr, ", filter \"%s\"", a->bpf);
	if (user)
		fprintf(stderr, ", running as %s", user);
	fputc('\n', stderr);
	fflush(stderr);
}

static int capture(const struct live_args *a, struct sf_source *src, struct sf_pipeline *pl,
                   struct sf_writer *w)
{
	live_src = src;
	install_handlers();
	if (a->duration)
		alarm(a->duration);
	uint64_t seen = 0;
	int rc = live_loop(src, pl, w, a->count, &seen);
	alarm(0);
	live_src = NULL;
	sf_pipeline_finish(pl);
	fflush(stdout);
	print_summary(src, seen);
	return rc < 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
}

int cmd_live(const struct cli_command *cmd, int argc, char **argv)
{
	(void)cmd;
	struct live_args a;
	int status = parse_live_args(argc, argv, &a);
	if (status >= 0)
		return status;
	struct sf_filter *filter = NULL;
	if (a.display_filter) { /* a usage error, before the device is opened */
		char ferr[2048];
		if (!(filter = sf_filter_compile(a.display_filter, ferr, sizeof(ferr)))) {
			const char *msg = strrchr(ferr, '\n');
			cli_error("live: bad display filter: %s", msg ? msg + 1 : ferr);
			return CLI_EXIT_USAGE;
		}
	}
	struct sf_source *src = open_capture(&a, &status);
	if (!src) {
		sf_filter_free(filter);
		return status;
	}
	const char *user = NULL;
	struct sf_writer *w = NULL;
	struct sf_pipeline *pl = NULL;
	struct live_view view = {0};
	char err[SF_ERRBUF] = "";
	struct sf_pipeline_cfg cfg = {.track = true, .analyse = true, .track_cfg = &a.track_cfg};
	if ((status = drop_root(a.user, &user)) != 0)
		goto out;
	status = CLI_EXIT_INPUT;
	if ((a.wpath && !(w = open_writer(&a, src, user))))
		goto out;
	if (!(pl = sf_pipeline_new(&cfg, err, sizeof(err))) || open_view(a.conns, &view) < 0 ||
	    sf_pipeline_add_sink(pl, &view.sink) < 0 ||
	    (filter && sf_pipeline_set_filter(pl, filter, a.conns, err, sizeof(err)) < 0)) {
		cli_error("live: %s", err[0] ? err : "out of memory");
		goto out;
	}
	view.lc.filtered = filter != NULL;
	say_listening(&a, src, user);
	status = capture(&a, src, pl, w);
out:;
	int werr = close_view(&view);
	if (werr) {
		cli_error("live: error writing output: %s", strerror(werr));
		status = CLI_EXIT_INPUT;
	}
	if (w && sf_writer_close(w, err, sizeof(err)) < 0) {
		cli_error("live: %s", err);
		status = CLI_EXIT_INPUT;
	}
	sf_pipeline_free(pl);
	sf_filter_free(filter);
	sf_source_close(src);
	return status;
}
