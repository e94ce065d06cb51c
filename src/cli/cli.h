/* synfin — the command-line front: a thin layer over libsynfin.
 *
 * main.c dispatches to one function per subcommand (commands.h lists them); every
 * subcommand parses its arguments with cli_parse(), which knows the options common to all,
 * and reads its inputs with cli_run(), which wires sources, the pipeline, the caller's sinks
 * and the notices on stderr. Only this layer prints to stderr and decides the exit status.
 */
#ifndef SYNFIN_CLI_H
#define SYNFIN_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "synfin/conn.h"
#include "synfin/pipeline.h"

/* Keep in step with project(VERSION) in CMakeLists.txt. */
#define SYNFIN_VERSION "0.1.0"

/* Exit statuses, as `synfin --help` documents them. */
enum {
	CLI_EXIT_OK = 0,    /* every input was read to its end */
	CLI_EXIT_USAGE = 1, /* bad command line */
	CLI_EXIT_INPUT = 2  /* an input could not be opened or broke partway, or a write failed */
};

enum cli_color { CLI_COLOR_AUTO = 0, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };
/* When an optional output is written: auto decides from the situation (documented per use). */
enum cli_when { CLI_WHEN_AUTO = 0, CLI_WHEN_ALWAYS, CLI_WHEN_NEVER };

struct cli_command {
	const char *name;
	const char *args;    /* argument synopsis for usage lines */
	const char *summary; /* one line for `synfin --help` */
	int (*run)(const struct cli_command *cmd, int argc, char **argv);
};

/* Options every subcommand accepts, parsed in one place. */
struct cli_common {
	const char *display_filter; /* -Y FILTER (Wireshark display-filter language) */
	const char *bpf;            /* -f BPF (libpcap capture-filter syntax) */
	enum cli_when summary;      /* --summary=auto|always|never: end-of-run summary on stderr */
	bool timing;                /* --timing: where the time went, on stderr at the end */
	enum cli_color color;       /* --color=auto|always|never */
	bool check_checksums;       /* --check-checksums */
	bool absolute;              /* --absolute: raw sequence numbers */
	bool track;                 /* set by the command after cli_parse: connection tracking */
	bool no_analysis;           /* set by the command: track without sequence analysis */
	char **files;               /* inputs in order; "-" is standard input */
	int n_files;
	/* -Y selects connections rather than packets (see sf_pipeline_cfg.filter_conns): set by
	 * cli_parse for conns, explain and stats; a command may change it before cli_run. */
	bool filter_conns;
	struct sf_track_cfg track_cfg; /* --max-conns, --msl, --timeout over the defaults */
};

/* Long-option codes of the tracking options (track_opts.c); commands' own codes stay below. */
enum { CLI_OPT_MAX_CONNS = 400, CLI_OPT_MSL, CLI_OPT_TIMEOUT, CLI_OPT_IGNORE_VLAN };
/* True when s is a positive decimal count (digits only) no larger than max; sets *out. */
bool cli_count(const char *s, uint64_t max, uint64_t *out);
/* Applies one tracking option to cfg: 0, -1 after printing why the value is wrong, or 1 when
 * opt is not a tracking option. */
int cli_track_opt(struct sf_track_cfg *cfg, int opt, const char *arg);

/* A subcommand's own options, merged with the common ones for getopt_long. */
struct cli_cmd_opts {
	const char *short_opts;         /* e.g. "Vx" */
	const struct option *long_opts; /* terminated by a zero entry; may be NULL */
	const char *help;               /* option lines for `synfin CMD --help` */
	/* Called for each of the command's options; returns 0, or -1 after printing why the
	 * value is wrong. */
	int (*handle)(void *state, int opt, const char *arg);
	void *state;
};

/* Parse argv (argv[0] is the command name). Returns -1 to go on, or the exit status to end
 * with: CLI_EXIT_OK after --help, CLI_EXIT_USAGE after a message on stderr. */
int cli_parse(const struct cli_command *cmd, const struct cli_cmd_opts *own, int argc, char **argv,
              struct cli_common *common);
/* True when output to stdout should be coloured, resolving auto (terminal, NO_COLOR, TERM). */
bool cli_use_color(enum cli_color c);
/* Runs every input through one pipeline feeding the given sinks, with the display filter of
 * -Y (compiled here; cli_parse has checked it); notices go to stderr as "synfin: …".
 * Returns the exit status. */
int cli_run(const struct cli_common *common, const struct sf_sink *sinks, unsigned n_sinks);
/* The exit status of a command whose report went to stdout: status (of cli_run) with werr,
 * the errno value of a failed write to stdout or 0, folded in — a failed write is reported
 * and turns a clean run into CLI_EXIT_INPUT (the output is incomplete). */
int cli_output_status(int status, int werr);
/* Prints "synfin: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define SF_COMMAND(name, args, summary)                                                            \
	int cmd_##name(const struct cli_command *cmd, int argc, char **argv);
#include "cli/commands.h"
#undef SF_COMMAND

#endif
