/* synfin stats FILE...: what happened in a capture, counted — capture span, packets by
 * protocol, connections by open kind, close kind, first closer and Zeek conn_state, events. */
#include "cli/cli.h"
#include "synfin/report.h"

int cmd_stats(const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_common common;
	int rc = cli_parse(cmd, NULL, argc, argv, &common);
	if (rc >= 0)
		return rc;
	common.track = true;
	/* the report is the summary already: the stderr block only when asked for */
	if (common.summary == CLI_WHEN_AUTO)
		common.summary = CLI_WHEN_NEVER;

	char err[256];
	struct sf_stats_view *v = sf_stats_view_new(stdout, err, sizeof(err));
	if (!v) {
		cli_error("%s", err);
		return CLI_EXIT_INPUT;
	}
	struct sf_sink sink = sf_stats_view_sink(v);
	/* the run first: the order in which a call's arguments are evaluated is unspecified */
	int status = cli_run(&common, &sink, 1);
	status = cli_output_status(status, sf_stats_view_error(v));
	sf_stats_view_free(v);
	return status;
}
