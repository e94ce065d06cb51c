/* synfin lab [SCENARIO|all] [-w OUT.pcap] [--port N] [--list]: real TCP connections made by the
 * kernel on loopback (or in network namespaces), captured live and explained.
 *
 * For each scenario: sf_lab_run() captures it through a tracking pipeline and compares what
 * tracking observed with what the scenario expects; the capture it wrote (to -w, or to a
 * temporary file) is then read back through `explain` for the scenario's connection only, so
 * the ladder, lab table and states printed are those of a file anyone can open in Wireshark.
 *
 * Exit status: 0 every scenario run agreed with its expectation; 1 usage; 2 a scenario could
 * not run (needs root, capture failed); 3 a capture showed something other than expected.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "synfin/lab.h"
#include "synfin/report.h"

enum { LAB_EXIT_DIFFERS = 3 };
enum { OPT_PORT = 400, OPT_LIST, OPT_PCAPNG, OPT_BRIEF };

static const char lab_help[] =
    "usage: synfin lab [SCENARIO|all] [-w OUT.pcap [--pcapng]] [--port N] [--brief]\n"
    "       synfin lab --list\n"
    "  Runs a real server and client with the kernel's TCP, captures them live on loopback\n"
    "  (or on a veth between two network namespaces), and explains the connection: ladder,\n"
    "  lab table, endpoint states and summary, then what the scenario expected against what\n"
    "  the capture showed. SCENARIO defaults to handshake; all runs every scenario and ends\n"
    "  with a table.\n"
    "\n"
    "options:\n"
    "  --list               the scenarios, one line each\n"
    "  -w FILE              keep the capture (pcap with nanosecond times; one scenario only)\n"
    "  --pcapng             write -w FILE as pcapng\n"
    "  --port N             server port (default: an unused high port)\n"
    "  --brief              no explain output: only the expected-versus-observed findings\n"
    "  -h, --help           this help\n"
    "\n"
    "privileges:\n"
    "  Capturing needs CAP_NET_RAW; the namespace scenarios (simultaneous-open, syn-retry,\n"
    "  lossy) create namespaces, a veth pair and nftables rules and need root. Nothing is\n"
    "  sent anywhere but loopback and those namespaces, which are removed afterwards.\n"
    "\n"
    "exit status:\n"
    "  0  every scenario ran and the capture showed what it expected\n"
    "  1  usage error\n"
    "  2  a scenario could not run (not root, capture failed)\n"
    "  3  a capture showed something else (the findings say what)\n";

static const struct option lab_long[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"list", no_argument, NULL, OPT_LIST},
    {"pcapng", no_argument, NULL, OPT_PCAPNG},
    {"brief", no_argument, NULL, OPT_BRIEF},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Ctrl-C during a scenario: the scenario finishes (seconds at most) so that its namespaces,
 * veth pair and nftables rules are removed, then the lab stops. A handler has no other way to
 * say so than a flag. */
static volatile sig_atomic_t lab_interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	static const char msg[] =
	    "\nsynfin: lab: stopping after this scenario (removing what it created)\n";
	if (!lab_interrupted)
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	lab_interrupted = 1;
}

static void install_interrupt(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct lab_args {
	const char *scenario; /* NULL = handshake */
	const char *wpath;
	bool pcapng, list, brief;
	uint16_t port;
};

static int parse_port(const char *arg, uint16_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (!arg[0] || *end || errno || arg[0] == '-' || v == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* -1 = go on; otherwise the exit status. */
static int parse_lab_args(int argc, char **argv, struct lab_args *a)
{
	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":w:h", lab_long, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(lab_help, stdout);
			return CLI_EXIT_OK;
		case 'w':
			a->wpath = optarg;
			break;
		case OPT_PORT:
			if (parse_port(optarg, &a->port) < 0) {
				cli_error("lab: --port takes a port number 1-65535, not '%s'",
				          optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_LIST:
			a->list = true;
			break;
		case OPT_PCAPNG:
			a->pcapng = true;
			break;
		case OPT_BRIEF:
			a->brief = true;
			break;
		case ':':
			cli_error("lab: option '%s' needs a value", argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			cli_error("lab: unknown option '%s'", argv[optind - 1]);
			fputs("Try 'synfin lab --help'.\n", stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		a->scenario = argv[optind++];
	if (optind < argc) {
		cli_error("lab: one scenario at a time (or all), not '%s' too", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	if (a->scenario && strcmp(a->scenario, "all") != 0 && !sf_lab_scenario_find(a->scenario)) {
		cli_error("lab: no scenario '%s'; 'synfin lab --list' lists them", a->scenario);
		return CLI_EXIT_USAGE;
	}
	if (a->wpath && a->scenario && !strcmp(a->scenario, "all")) {
		cli_error("lab: -w keeps the capture of one scenario, not of all");
		return CLI_EXIT_USAGE;
	}
	if (a->pcapng && !a->wpath) {
		cli_error("lab: --pcapng goes with -w FILE");
		return CLI_EXIT_USAGE;
	}
	return -1;
}

static const char *needs_text(unsigned needs)
{
	if (needs & SF_LAB_NEEDS_NETNS)
		return needs & SF_LAB_SLOW ? " [root: namespaces; takes seconds]"
		                           : " [root: namespaces]";
	return needs & SF_LAB_SLOW ? " [takes seconds]" : "";
}

static int list_scenarios(void)
{
	size_t n;
	const struct sf_lab_scenario *sc = sf_lab_scenarios(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-19s %s%s\n", sc[i].name, sc[i].summary, needs_text(sc[i].needs));
	return CLI_EXIT_OK;
}

/* explain for one stream of a capture file. */
static void explain_stream(const char *path, uint64_t stream)
{
	char err[256];
	struct sf_explain_opts eo = {.has_stream = true, .stream = stream, .flush_each = true};
	struct sf_explain_view *v = sf_explain_view_new(stdout, &eo, err, sizeof(err));
	if (!v) {
		cli_error("%s", err);
		return;
	}
	char *files[] = {(char *)path};
	struct cli_common common = {.files = files, .n_files = 1, .track = true};
	struct sf_sink sink = sf_explain_view_sink(v);
	fflush(stdout);
	cli_run(&common, &sink, 1);
	sf_explain_view_free(v);
}

static void print_states(const char *label, const char *const *st, unsigned n)
{
	char buf[256];
	printf("  %-22s %s\n", label, n ? sf_lab_states_str(st, n, buf, sizeof(buf)) : "none");
}

static unsigned count_states(const char *const *st)
{
	unsigned n = 0;
	while (n < SF_LAB_MAX_STATES && st[n])
		n++;
	return n;
}

static void print_comparison(const struct sf_lab_outcome *out)
{
	const struct sf_lab_scenario *sc = out->scenario;
	const struct sf_lab_expect *e = &sc->expect;
	const struct sf_lab_observed *o = &out->obs;
	printf("expected versus observed (%s):\n", sc->name);
	printf("  %-22s %s / %s\n", "expected open/close", e->open_kind, e->close_kind);
	printf("  %-22s %s / %s\n", "observed open/close", o->found ? o->open_kind : "none",
	       o->found ? o->close_kind : "none");
	print_states("expected client", e->client_states, count_states(e->client_states));
	print_states("observed client", o->client_states, o->n_client_states);
	print_states("expected server", e->server_states, count_states(e->server_states));
	print_states("observed server", o->server_states, o->n_server_states);
	if (e->min_syn_retries || o->syn_retries)
		printf("  %-22s %u (expected at least %u)\n", "SYN retransmissions", o->syn_retries,
		       e->min_syn_retries);
	if (e->want_retransmissions || o->retransmissions || out->dup_acks)
		printf("  %-22s %" PRIu64 " retransmitted segments, %" PRIu64 " duplicate ACKs\n",
		       "loss repair", o->retransmissions, out->dup_acks);
	for (unsigned i = 0; i < out->verdict.n_findings; i++)
		printf("  - %s\n", out->verdict.findings[i]);
	printf("verdict: %s\n\n", out->verdict.agree
	                              ? "agrees: the capture shows what the scenario expected"
	                              : "differs: the kernel did something else this time (above)");
}

static void print_header(const struct sf_lab_outcome *out)
{
	const struct sf_lab_scenario *sc = out->scenario;
	printf("== lab %s: %s\n", sc->name, sc->summary);
	printf("   server port %u, client port %u; %" PRIu64 " frame%s captured, %" PRIu64
	       " dropped, %" PRIu64 " connection%s\n",
	       out->port, out->res.client_port, out->frames, out->frames == 1 ? "" : "s",
	       out->dropped, out->conns, out->conns == 1 ? "" : "s");
	if (out->run_rc < 0)
		printf("   the sockets did not do what the scenario asks: %s\n", out->run_err);
	if (out->capture_rc < 0)
		printf("   the capture broke: %s\n", out->capture_err);
	for (unsigned i = 0; i < out->res.n_notes; i++)
		printf("   - %s\n", out->res.notes[i]);
	putchar('\n');
}

/* A temporary capture file when -w is not given; "" when none could be made. */
static int temp_capture(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, len, "%s/synfin-lab-XXXXXX", dir && dir[0] ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		path[0] = '\0';
		return -1;
	}
	close(fd);
	return 0;
}

/* Runs one scenario and prints it. Returns the exit status of that scenario. */
static int run_one(const struct sf_lab_scenario *sc, const struct lab_args *a,
                   struct sf_lab_outcome *out)
{
	char tmp[512] = "";
	const char *path = a->wpath;
	if (!path && !a->brief && temp_capture(tmp, sizeof(tmp)) == 0)
		path = tmp;
	struct sf_lab_run_opts o = {.port = a->port, .write_path = path, .pcapng = a->pcapng};
	char err[512];
	int rc = sf_lab_run(sc, &o, out, err, sizeof(err));
	if (rc < 0) {
		cli_error("lab %s: %s", sc->name, err);
		out->scenario = NULL; /* did not run */
		if (tmp[0])
			unlink(tmp);
		return CLI_EXIT_INPUT;
	}
	print_header(out);
	if (path && out->obs.found)
		explain_stream(path, out->stream);
	fflush(stdout);
	print_comparison(out);
	if (tmp[0])
		unlink(tmp);
	else if (a->wpath)
		printf("capture written to %s\n", a->wpath);
	if (out->run_rc < 0 || out->capture_rc < 0)
		return CLI_EXIT_INPUT;
	return out->verdict.agree ? CLI_EXIT_OK : LAB_EXIT_DIFFERS;
}

static void kinds(char *buf, size_t len, const char *open, const char *close)
{
	snprintf(buf, len, "%s / %s", open ? open : "none", close ? close : "none");
}

/* The AGREE column: yes, or no and what differed first ("no: server states"). */
static void agree_text(char *buf, size_t len, int status, const struct sf_lab_outcome *out)
{
	if (!out->scenario) {
		snprintf(buf, len, "no: did not run");
	} else if (status == CLI_EXIT_OK) {
		snprintf(buf, len, "yes");
	} else if (out->verdict.agree) {
		snprintf(buf, len, "yes, but the sockets failed");
	} else {
		const char *f = out->verdict.n_findings ? out->verdict.findings[0] : "";
		size_t n = strcspn(f, ":");
		snprintf(buf, len, "no: %.*s", (int)(n < 40 ? n : 40), f);
	}
}

static int run_all(const struct lab_args *a)
{
	size_t n;
	const struct sf_lab_scenario *sc = sf_lab_scenarios(&n);
	struct sf_lab_outcome *outs = calloc(n, sizeof(*outs));
	int *status = calloc(n, sizeof(*status));
	if (!outs || !status) {
		free(outs);
		free(status);
		cli_error("out of memory");
		return CLI_EXIT_INPUT;
	}
	bool failed = false, differs = false;
	for (size_t i = 0; i < n; i++) {
		if (lab_interrupted) {
			status[i] = CLI_EXIT_INPUT;
			continue;
		}
		status[i] = run_one(&sc[i], a, &outs[i]);
		failed |= status[i] == CLI_EXIT_INPUT;
		differs |= status[i] == LAB_EXIT_DIFFERS;
		fflush(stdout);
	}
	printf("%-19s %-36s %-36s %s\n", "SCENARIO", "EXPECTED (open / close)",
	       "OBSERVED (open / close)", "AGREE");
	for (size_t i = 0; i < n; i++) {
		char exp[64], obs[64];
		kinds(exp, sizeof(exp), sc[i].expect.open_kind, sc[i].expect.close_kind);
		const struct sf_lab_observed *o = &outs[i].obs;
		if (outs[i].scenario == NULL)
			snprintf(obs, sizeof(obs), "(did not run)");
		else
			kinds(obs, sizeof(obs), o->found ? o->open_kind : NULL,
			      o->found ? o->close_kind : NULL);
		char agree[96];
		agree_text(agree, sizeof(agree), status[i], &outs[i]);
		printf("%-19s %-36s %-36s %s\n", sc[i].name, exp, obs, agree);
	}
	free(outs);
	free(status);
	return failed ? CLI_EXIT_INPUT : differs ? LAB_EXIT_DIFFERS : CLI_EXIT_OK;
}

int cmd_lab(const struct cli_command *cmd, int argc, char **argv)
{
	(void)cmd;
	struct lab_args a;
	int rc = parse_lab_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (a.list)
		return list_scenarios();
	install_interrupt();
	if (a.scenario && !strcmp(a.scenario, "all"))
		rc = run_all(&a);
	else {
		struct sf_lab_outcome out;
		rc = run_one(sf_lab_scenario_find(a.scenario ? a.scenario : "handshake"), &a, &out);
	}
	if (lab_interrupted) {
		cli_error("lab: interrupted");
		return CLI_EXIT_INPUT;
	}
	return rc;
}
