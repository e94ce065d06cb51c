/* synfin packets FILE... [-V] [-x]: one line per packet, in the words of Wireshark's info
 * column, with a detail tree (-V) and a hex dump (-x) on request. Connection tracking is on:
 * sequence numbers are relative and each line ends with the endpoint states it changed. */
#include <unistd.h>

#include "cli/cli.h"
#include "synfin/report.h"

struct packets_args {
	bool detail, hex;
};

static int packets_opt(void *state, int opt, const char *arg)
{
	struct packets_args *a = state;
	(void)arg;
	switch (opt) {
	case 'V':
		a->detail = true;
		return 0;
	case 'x':
		a->hex = true;
		return 0;
	default:
		return -1;
	}
}

int cmd_packets(const struct cli_command *cmd, int argc, char **argv)
{
	struct packets_args a = {0};
	struct cli_cmd_opts own = {
	    .short_opts = "Vx",
	    .help =
	        "  -V                   detail tree of every layer after each line\n"
	        "  -x                   hex + ASCII dump, cut where each layer starts\n"
	        "\n"
	        "  TCP lines show Seq and Ack relative to each side's initial sequence number\n"
	        "  (as Wireshark does; --absolute for the raw numbers) and end with the endpoint\n"
	        "  states the packet changed, e.g. 'client SYN-SENT\xe2\x86\x92"
	        "ESTABLISHED'. When no SYN\n"
	        "  from the client was seen, the first line of the connection says\n"
	        "  '(roles guessed: client ADDR:PORT)' and the states it was picked up in.\n"
	        "  Tracking anomalies appear in brackets like decode events: "
	        "[tcp.SYN_with_data].\n",
	    .handle = packets_opt,
	    .state = &a,
	};
	struct cli_common common;
	int rc = cli_parse(cmd, &own, argc, argv, &common);
	if (rc >= 0)
		return rc;
	common.track = true;

	struct sf_report_packets_opts o = {
	    .detail = a.detail,
	    .hex = a.hex,
	    .color = cli_use_color(common.color),
	    .absolute = common.absolute,
	    /* on a terminal, show each packet as it is read (stdin, slow pipes) */
	    .flush_each = isatty(STDOUT_FILENO) == 1,
	};
	struct sf_sink report = sf_report_packets_new(stdout, &o);
	if (!report.self) {
		cli_error("out of memory");
		return CLI_EXIT_INPUT;
	}
	int status = cli_run(&common, &report, 1);
	return cli_output_status(status, sf_report_packets_close(&report));
}
