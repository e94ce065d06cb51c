/* synfin conns FILE... [-T table|json|csv|zeek] [--order end|stream] [--wide]: one row per TCP
 * connection (docs/conns-json.md). */
#include <string.h>

#include "cli/cli.h"
#include "synfin/report.h"

enum { OPT_ORDER = 300, OPT_WIDE, OPT_NO_ANALYSIS };

/* The command's options: the view's, and whether sequence analysis runs. */
struct conns_state {
	struct sf_conns_opts o;
	bool no_analysis;
};

static const struct option conns_long[] = {
    {"order", required_argument, NULL, OPT_ORDER},
    {"wide", no_argument, NULL, OPT_WIDE},
    {"no-analysis", no_argument, NULL, OPT_NO_ANALYSIS},
    {NULL, 0, NULL, 0},
};

static int conns_opt(void *state, int opt, const char *arg)
{
	struct conns_state *st = state;
	struct sf_conns_opts *o = &st->o;
	switch (opt) {
	case 'T':
		if (!strcmp(arg, "table") || !strcmp(arg, "text"))
			o->format = SF_CONNS_TABLE;
		else if (!strcmp(arg, "json"))
			o->format = SF_CONNS_JSON;
		else if (!strcmp(arg, "csv"))
			o->format = SF_CONNS_CSV;
		else if (!strcmp(arg, "zeek"))
			o->format = SF_CONNS_ZEEK;
		else {
			cli_error("conns: -T takes table, json, csv or zeek, not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_ORDER:
		if (!strcmp(arg, "end"))
			o->order = SF_CONNS_ORDER_END;
		else if (!strcmp(arg, "stream"))
			o->order = SF_CONNS_ORDER_STREAM;
		else {
			cli_error("conns: --order takes end or stream, not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_WIDE:
		o->wide = true;
		return 0;
	case OPT_NO_ANALYSIS:
		st->no_analysis = true;
		return 0;
	default:
		return -1;
	}
}

int cmd_conns(const struct cli_command *cmd, int argc, char **argv)
{
	struct conns_state st = {.o = {.format = SF_CONNS_TABLE, .order = SF_CONNS_ORDER_END}};
	struct cli_cmd_opts own = {
	    .short_opts = "T:",
	    .long_opts = conns_long,
	    .help =
	        "  -T FORMAT            table (default), json (one object per line), csv,\n"
	        "                       zeek (a conn.log in Zeek's TSV format)\n"
	        "  --order end|stream   end (default): a row as each connection ends, as Zeek\n"
	        "                       writes conn.log; stream: sorted by tcp.stream at the end\n"
	        "  --wide               table: every sequence-analysis figure per side "
	        "(retransmitted\n"
	        "                       bytes, fast retransmissions, dup ACKs, out-of-order, lost\n"
	        "                       segments, zero windows, RTT range, max in flight and "
	        "window);\n"
	        "                       json and csv always carry them\n"
	        "  --no-analysis        track connections without sequence analysis (faster);\n"
	        "                       the analysis figures are then null (json), empty (csv)\n"
	        "                       or '-' (table); a -Y filter reading tcp.analysis.* or\n"
	        "                       tcp.window_size turns analysis back on\n",
	    .handle = conns_opt,
	    .state = &st,
	};
	struct cli_common common;
	int rc = cli_parse(cmd, &own, argc, argv, &common);
	if (rc >= 0)
		return rc;
	common.track = true;
	common.no_analysis = st.no_analysis;

	char err[256];
	struct sf_conns_view *v = sf_conns_view_new(stdout, &st.o, err, sizeof(err));
	if (!v) {
		cli_error("%s", err);
		return CLI_EXIT_INPUT;
	}
	struct sf_sink sink = sf_conns_view_sink(v);
	/* the run first: the order in which a call's arguments are evaluated is unspecified */
	int status = cli_run(&common, &sink, 1);
	status = cli_output_status(status, sf_conns_view_error(v));
	sf_conns_view_free(v);
	return status;
}
