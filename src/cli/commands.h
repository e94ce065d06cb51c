/* The subcommands of synfin, one line each (an X-macro list, read by cli.h and main.c).
 *
 * To add a subcommand: write src/cli/cmd_NAME.c defining
 *     int cmd_NAME(const struct cli_command *cmd, int argc, char **argv);
 * (parse with cli_parse(), run with cli_run()), then add its line here:
 *     SF_COMMAND(NAME, "ARGUMENTS", "one-line summary")
 */
SF_COMMAND(packets, "FILE... [-V] [-x] [--absolute]",
           "one line per packet; -V adds a detail tree, -x a hex dump")
SF_COMMAND(conns, "FILE... [-T table|json|csv|zeek] [--order end|stream]",
           "one row per TCP connection: how it opened and closed, Zeek conn_state, bytes")
SF_COMMAND(explain, "FILE... [--stream N] [--limit N]",
           "ladder diagram, handshake/teardown table and plain-language story per connection")
SF_COMMAND(stats, "FILE...", "counts: connections by open and close kind, conn_state, events")
SF_COMMAND(fields, "FILE... -e FIELD... [-E OPT=VAL]... [-T fields|csv|json] | --list",
           "chosen fields per packet, as tshark -T fields; --list shows the fields")
SF_COMMAND(live, "-i IFACE [-f BPF] [packets|conns] [-w FILE] [-c N] [--duration S] [-Z USER]",
           "capture live and show packets or a connection log as they happen")
SF_COMMAND(lab, "[SCENARIO|all] [-w OUT.pcap] [--port N] [--list]",
           "real client and server with the kernel's TCP, captured live and explained")
