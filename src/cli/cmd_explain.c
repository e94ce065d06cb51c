/* synfin explain FILE... [--stream N] [--limit N]: for each connection, a ladder diagram, the
 * lab table of the handshake and teardown packets, and a plain-language summary. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "synfin/report.h"

enum { OPT_STREAM = 310, OPT_LIMIT };

static const struct option explain_long[] = {
    {"stream", required_argument, NULL, OPT_STREAM},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {NULL, 0, NULL, 0},
};

/* A decimal count: digits only (strtoull alone would take "-1" and " 7"). */
static int parse_count(const char *arg, uint64_t *out)
{
	if (!arg[0] || strspn(arg, "0123456789") != strlen(arg))
		return -1;
	errno = 0;
	unsigned long long n = strtoull(arg, NULL, 10);
	if (errno)
		return -1;
	*out = n;
	return 0;
}

static int explain_opt(void *state, int opt, const char *arg)
{
	struct sf_explain_opts *o = state;
	switch (opt) {
	case OPT_STREAM:
		if (parse_count(arg, &o->stream) < 0) {
			cli_error("explain: --stream takes a tcp.stream index, not '%s'", arg);
			return -1;
		}
		o->has_stream = true;
		return 0;
	case OPT_LIMIT:
		if (parse_count(arg, &o->limit) < 0 || o->limit == 0) {
			cli_error("explain: --limit takes a positive count, not '%s'", arg);
			return -1;
		}
		return 0;
	default:
		return -1;
	}
}

int cmd_explain(const struct cli_command *cmd, int argc, char **argv)
{
	struct sf_explain_opts o = {0};
	struct cli_cmd_opts own = {
	    .long_opts = explain_long,
	    .help = "  --stream N           explain only the connection with tcp.stream N\n"
	            "  --limit N            explain only streams 0 to N-1\n"
	            "  Each connection is explained when it ends (the order connections end in);\n"
	            "  the ladder keeps its first 10,000 packets.\n",
	    .handle = explain_opt,
	    .state = &o,
	};
	struct cli_common common;
	int rc = cli_parse(cmd, &own, argc, argv, &common);
	if (rc >= 0)
		return rc;
	common.track = true;
	o.flush_each = isatty(STDOUT_FILENO) == 1;

	char err[256];
	struct sf_explain_view *v = sf_explain_view_new(stdout, &o, err, sizeof(err));
	if (!v) {
		cli_error("%s", err);
		return CLI_EXIT_INPUT;
	}
	struct sf_sink sink = sf_explain_view_sink(v);
	/* the run first: the order in which a call's arguments are evaluated is unspecified */
	int status = cli_run(&common, &sink, 1);
	status = cli_output_status(status, sf_explain_view_error(v));
	sf_explain_view_free(v);
	return status;
}
