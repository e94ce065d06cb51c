/* synfin — options common to every subcommand, and the run of inputs through the pipeline.
 *
 * Exit status (documented in every --help): 0 when every input was read to its end, 1 for a
 * usage error, 2 when an input could not be opened or broke partway or the output could not be
 * written (a full disk, a closed pipe: the views' sticky write error). An input that fails does
 * not stop the run: the others are still read, as tcpdump and tshark stop at the bad record
 * but keep what came before it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "synfin/filter.h"
#include "synfin/summary.h"

enum { OPT_COLOR = 256, OPT_CHECKSUMS, OPT_ABSOLUTE, OPT_FILTER_DUMP, OPT_SUMMARY, OPT_TIMING };

#define COMMON_SHORT "Y:f:nh"
#define MAX_LONG     32

static const struct option common_long[] = {
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"check-checksums", no_argument, NULL, OPT_CHECKSUMS},
    {"absolute", no_argument, NULL, OPT_ABSOLUTE},
    {"summary", optional_argument, NULL, OPT_SUMMARY},
    {"timing", no_argument, NULL, OPT_TIMING},
    {"filter-dump", no_argument, NULL, OPT_FILTER_DUMP},
    {"max-conns", required_argument, NULL, CLI_OPT_MAX_CONNS},
    {"msl", required_argument, NULL, CLI_OPT_MSL},
    {"timeout", required_argument, NULL, CLI_OPT_TIMEOUT},
    {"ignore-vlan", no_argument, NULL, CLI_OPT_IGNORE_VLAN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char common_help[] =
    "common options:\n"
    "  -Y FILTER            display filter, in Wireshark's display-filter language\n"
    "  -f BPF               capture filter, in libpcap syntax (applied while reading)\n"
    "  --filter-dump        print the code the -Y filter compiles to, then exit\n"
    "  -n                   numeric addresses: the default, synfin never resolves names\n"
    "  --color=WHEN         colour flags and events: auto (on a terminal), always, never\n"
    "  --check-checksums    verify IPv4 and TCP checksums (off by default, as in Wireshark:\n"
    "                       offloading makes most checksums in captures look wrong)\n"
    "  --absolute           raw sequence numbers instead of relative ones\n"
    "  --summary[=WHEN]     counts of the run on stderr at the end: frames, TCP packets,\n"
    "                       connections (tracked, peak live, closed, expired, evicted, still\n"
    "                       open), events by name, notices per file. WHEN: auto (the default:\n"
    "                       when stderr is a terminal), always (--summary alone), never\n"
    "  --timing             where the time went, on stderr at the end: elapsed time, the\n"
    "                       reading thread's work (reading, decoding) and waits, the main\n"
    "                       thread's work (tracking, analysis, output) and waits, capture end\n"
    "  --max-conns N        connections tracked at once (default 1000000); beyond it the\n"
    "                       oldest idle one is ended (counted as evicted)\n"
    "  --msl SECONDS        maximum segment lifetime (default 30): TIME-WAIT lasts 2×MSL of\n"
    "                       capture time, 60 s by default as Linux's fixed TIME-WAIT\n"
    "  --timeout CLASS=SECONDS  idle timeout of a state class, in capture time; classes\n"
    "                       and defaults: syn-sent=120 syn-received=60 established=432000\n"
    "                       closing=120 closed=10 (the linger of a closed connection: its\n"
    "                       row is written then, TIME-WAIT goes on in a compact record)\n"
    "                       midstream=3600. Repeat for several classes\n"
    "  --ignore-vlan        one connection whatever VLAN ids its packets carry (as tshark);\n"
    "                       by default the innermost VLAN id is part of the connection\n"
    "  -h, --help           this help\n"
    "  FILE can be a pcap or pcapng file, or - for standard input; frame numbers continue\n"
    "  across files. Times are printed in UTC.\n"
    "\n"
    "exit status:\n"
    "  0  every input was read to its end\n"
    "  1  usage error\n"
    "  2  an input could not be opened or broke partway (the other inputs were still read;\n"
    "     the message on stderr names the file and the frame), or the output could not be\n"
    "     written (a full disk: the message names the error)\n";

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("synfin: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_output_status(int status, int werr)
{
	if (!werr)
		return status;
	cli_error("error writing output: %s", strerror(werr));
	return status == CLI_EXIT_OK ? CLI_EXIT_INPUT : status;
}

static void cmd_usage(const struct cli_command *cmd, const struct cli_cmd_opts *own, FILE *out)
{
	fprintf(out, "usage: synfin %s %s\n  %s\n\n", cmd->name, cmd->args, cmd->summary);
	if (own && own->help && own->help[0])
		fprintf(out, "options:\n%s\n", own->help);
	fputs(common_help, out);
}

static int usage_error(const struct cli_command *cmd)
{
	fprintf(stderr, "Try 'synfin %s --help'.\n", cmd->name);
	return CLI_EXIT_USAGE;
}

static int set_when(enum cli_when *w, const char *arg)
{
	if (!arg || !strcmp(arg, "always") || !strcmp(arg, "yes"))
		*w = CLI_WHEN_ALWAYS;
	else if (!strcmp(arg, "auto"))
		*w = CLI_WHEN_AUTO;
	else if (!strcmp(arg, "never") || !strcmp(arg, "no"))
		*w = CLI_WHEN_NEVER;
	else
		return -1;
	return 0;
}

static int set_color(enum cli_color *c, const char *arg)
{
	if (!strcmp(arg, "auto"))
		*c = CLI_COLOR_AUTO;
	else if (!strcmp(arg, "always") || !strcmp(arg, "yes"))
		*c = CLI_COLOR_ALWAYS;
	else if (!strcmp(arg, "never") || !strcmp(arg, "no"))
		*c = CLI_COLOR_NEVER;
	else
		return -1;
	return 0;
}

/* Merged long options: the common ones, then the command's own. */
static int merge_long(const struct cli_cmd_opts *own, struct option *out)
{
	int n = 0;
	for (const struct option *o = common_long; o->name; o++)
		out[n++] = *o;
	if (own && own->long_opts)
		for (const struct option *o = own->long_opts; o->name && n < MAX_LONG - 1; o++)
			out[n++] = *o;
	memset(&out[n], 0, sizeof(out[n]));
	return n;
}

static int handle_common(int c, const char *arg, struct cli_common *common)
{
	switch (c) {
	case 'Y':
		common->display_filter = arg;
		return 0;
	case 'f':
		common->bpf = arg;
		return 0;
	case 'n':
		return 0; /* numeric is the only mode: accepted for tcpdump/tshark habits */
	case OPT_COLOR:
		if (set_color(&common->color, arg) < 0) {
			cli_error("--color takes auto, always or never, not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_CHECKSUMS:
		common->check_checksums = true;
		return 0;
	case OPT_ABSOLUTE:
		common->absolute = true;
		return 0;
	case OPT_SUMMARY:
		if (set_when(&common->summary, arg) < 0) {
			cli_error("--summary takes auto, always or never, not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_TIMING:
		common->timing = true;
		return 0;
	case OPT_FILTER_DUMP:
		return 2; /* handled by cli_parse */
	default:
		return cli_track_opt(&common->track_cfg, c, arg); /* 1: not a common option */
	}
}

/* Commands whose -Y selects whole connections: their views are about connections, and a
 * connection cut down to its matching packets would be explained wrongly. */
static bool selects_conns(const char *name)
{
	return !strcmp(name, "conns") || !strcmp(name, "explain") || !strcmp(name, "stats");
}

/* The compiler's three lines (expression, caret line, message) as a synfin error: the message
 * on the "synfin:" line, then the expression and the caret under it, indented alike. */
static void print_filter_error(const struct cli_command *cmd, const char *err)
{
	const char *msg = strrchr(err, '\n');
	cli_error("%s: bad display filter: %s", cmd->name, msg ? msg + 1 : err);
	for (const char *s = err; msg && s < msg;) {
		const char *nl = memchr(s, '\n', (size_t)(msg - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(msg - s);
		fprintf(stderr, "  %.*s\n", (int)n, s);
		s += n + 1;
	}
}

/* Compiles -Y once to report a bad filter as a usage error (and for --filter-dump). Returns -1
 * to go on, else the exit status. cli_run compiles it again for the run: the cost is
 * microseconds and keeps struct cli_common free of anything to release. */
static int check_filter(const struct cli_command *cmd, const char *expr, bool dump)
{
	char err[2048];
	if (!expr) {
		cli_error("%s: --filter-dump needs a display filter (-Y FILTER)", cmd->name);
		return usage_error(cmd);
	}
	struct sf_filter *f = sf_filter_compile(expr, err, sizeof(err));
	if (!f) {
		print_filter_error(cmd, err);
		return CLI_EXIT_USAGE;
	}
	if (dump)
		sf_filter_dump(f, stdout);
	sf_filter_free(f);
	return dump ? CLI_EXIT_OK : -1;
}

int cli_parse(const struct cli_command *cmd, const struct cli_cmd_opts *own, int argc, char **argv,
              struct cli_common *common)
{
	struct option longs[MAX_LONG];
	char shorts[64];
	merge_long(own, longs);
	snprintf(shorts, sizeof(shorts), ":%s%s", COMMON_SHORT,
	         own && own->short_opts ? own->short_opts : "");
	memset(common, 0, sizeof(*common));
	sf_track_cfg_default(&common->track_cfg);
	common->filter_conns = selects_conns(cmd->name);
	bool filter_dump = false;

	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == 'h') {
			cmd_usage(cmd, own, stdout);
			return CLI_EXIT_OK;
		}
		if (c == '?') {
			if (optopt)
				cli_error("%s: unknown option '-%c'", cmd->name, optopt);
			else
				cli_error("%s: unknown option '%s'", cmd->name, argv[optind - 1]);
			return usage_error(cmd);
		}
		if (c == ':') {
			cli_error("%s: option '%s' needs a value", cmd->name, argv[optind - 1]);
			return usage_error(cmd);
		}
		int r = handle_common(c, optarg, common);
		if (r == 2) {
			filter_dump = true;
			r = 0;
		}
		if (r == 1 && own && own->handle)
			r = own->handle(own->state, c, optarg);
		if (r != 0)
			return usage_error(cmd);
	}
	common->files = argv + optind;
	common->n_files = argc - optind;
	if (filter_dump || common->display_filter) {
		int rc = check_filter(cmd, common->display_filter, filter_dump);
		if (rc >= 0)
			return rc;
	}
	if (common->n_files == 0) {
		cli_error("%s: no input file (use - to read standard input)", cmd->name);
		return usage_error(cmd);
	}
	return -1;
}

bool cli_use_color(enum cli_color c)
{
	if (c != CLI_COLOR_AUTO)
		return c == CLI_COLOR_ALWAYS;
	/* https://no-color.org: any non-empty NO_COLOR turns colour off. */
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if (no && no[0])
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

/* The end summary is for a person watching: on by default only when stderr is a terminal, so
 * scripts and redirected runs see exactly the notices they always saw. */
static bool want_summary(enum cli_when w)
{
	if (w != CLI_WHEN_AUTO)
		return w == CLI_WHEN_ALWAYS;
	return isatty(STDERR_FILENO) == 1;
}

/* Notices of the pipeline (file errors, skipped link types) go to stderr, one line each. */
static void notice_to_stderr(void *self, const struct sf_notice *n)
{
	(void)self;
	cli_error("%s", n->text);
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/* --timing: where the time went. With a reading thread, each thread's work is its CPU time
 * less what it used while it waited for the other: the slower of the two sets the pace. */
static void print_timing(const struct sf_run_stats *st, int64_t elapsed_ns)
{
	fprintf(stderr, "timing: %.3f s elapsed\n", secs(elapsed_ns));
	if (st->times.threaded_files) {
		fprintf(
		    stderr,
		    "  reading thread: %.3f s of work (reading and decoding frames; %.3f s of it "
		    "taking pages for the tables, %.3f s writing rows put aside), %.3f s waiting "
		    "for room\n",
		    secs(st->times.read_work_ns), secs(st->times.read_pages_ns),
		    secs(st->times.read_spare_ns), secs(st->times.read_wait_ns));
		fprintf(
		    stderr,
		    "  main thread meanwhile: %.3f s of work (tracking, analysis, output; %.3f s "
		    "of it writing rows put aside while it waited), %.3f s waiting for frames\n",
		    secs(st->times.main_work_ns), secs(st->times.main_spare_ns),
		    secs(st->times.main_wait_ns));
	} else {
		fprintf(stderr, "  one thread: no regular file was read on a second thread\n");
	}
	fprintf(stderr, "  capture end (live connections ended, their rows written): %.3f s\n",
	        secs(st->times.end_ns));
}

int cli_run(const struct cli_common *common, const struct sf_sink *sinks, unsigned n_sinks)
{
	char err[SF_ERRBUF];
	struct sf_pipeline_cfg cfg = {.decode = {.check_checksums = common->check_checksums},
	                              .track = common->track,
	                              .track_cfg = &common->track_cfg,
	                              .read_thread = true,
	                              .analyse = common->track && !common->no_analysis};
	struct sf_pipeline *p = sf_pipeline_new(&cfg, err, sizeof(err));
	if (!p) {
		cli_error("%s", err);
		return CLI_EXIT_INPUT;
	}
	struct sf_filter *filter = NULL;
	if (common->display_filter) {
		char ferr[2048];
		filter = sf_filter_compile(common->display_filter, ferr, sizeof(ferr));
		if (!filter ||
		    sf_pipeline_set_filter(p, filter, common->filter_conns, err, sizeof(err)) < 0) {
			cli_error("%s", filter ? err : ferr);
			sf_filter_free(filter);
			sf_pipeline_free(p);
			return filter ? CLI_EXIT_INPUT : CLI_EXIT_USAGE;
		}
	}
	struct sf_sink notices = {.notice = notice_to_stderr};
	for (unsigned i = 0; i < n_sinks; i++)
		sf_pipeline_add_sink(p, &sinks[i]);
	sf_pipeline_add_sink(p, &notices);
	struct sf_sink summary = {0};
	if (want_summary(common->summary)) {
		summary = sf_report_summary_new(stderr);
		if (summary.self)
			sf_pipeline_add_sink(p, &summary);
	}

	int status = CLI_EXIT_OK;
	int64_t t0 = sf_clock_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < common->n_files; i++) {
		const char *path = common->files[i];
		struct sf_source *src = sf_source_open_file(path, (uint32_t)i, err, sizeof(err));
		if (!src) {
			cli_error("%s", err);
			status = CLI_EXIT_INPUT;
			continue;
		}
		if (common->bpf && sf_source_set_bpf(src, common->bpf, err, sizeof(err)) < 0) {
			/* A filter that does not compile is the user's to fix, not the file's. */
			cli_error("%s: %s", path, err);
			sf_source_close(src);
			status = CLI_EXIT_USAGE;
			break;
		}
		if (sf_pipeline_run(p, src) < 0)
			status = CLI_EXIT_INPUT;
		sf_source_close(src);
	}
	sf_pipeline_finish(p);
	if (common->timing)
		print_timing(sf_pipeline_stats(p), sf_clock_ns(CLOCK_MONOTONIC) - t0);
	sf_report_summary_free(&summary);
	sf_pipeline_free(p);
	sf_filter_free(filter);
	return status;
}
