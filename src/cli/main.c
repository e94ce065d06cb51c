/* synfin — entry point: dispatch to a subcommand, global --help and --version. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_command commands[] = {
#define SF_COMMAND(name, args, summary) {#name, args, summary, cmd_##name},
#include "cli/commands.h"
#undef SF_COMMAND
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fputs("synfin: the life of every TCP connection in a capture\n"
	      "\n"
	      "usage: synfin COMMAND [OPTIONS] FILE...\n"
	      "       synfin COMMAND --help\n"
	      "       synfin --version\n"
	      "\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Run 'synfin COMMAND --help' for the options of a command.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(name, "--version")) {
		printf("synfin %s (%s)\n", SYNFIN_VERSION, pcap_lib_version());
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(&commands[i], argc - 1, argv + 1);
	cli_error("unknown command '%s'; run 'synfin --help' for the list", name);
	return CLI_EXIT_USAGE;
}
