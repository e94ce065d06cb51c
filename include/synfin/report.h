/* synfin — report sinks. Each report is a struct sf_sink (synfin/pipeline.h) writing to a
 * FILE*; the CLI builds the ones a subcommand needs and adds them to the pipeline.
 *
 * Reports never print notices (file errors, skipped link types): those belong to the caller,
 * which sees them through its own sink's notice callback.
 */
#ifndef SYNFIN_REPORT_H
#define SYNFIN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "synfin/pipeline.h"

struct sf_report_packets_opts {
	bool detail;     /* -V: detail tree per layer after the line */
	bool hex;        /* -x: hex + ASCII dump, cut where each layer starts */
	bool color;      /* ANSI colours on flags and events (the caller resolves --color=auto) */
	bool absolute;   /* raw sequence numbers even when tracking provides relative ones */
	bool flush_each; /* write out after every packet (live capture, interactive use) */
};

/* The packet report of `synfin packets`: one line per packet (plus -V/-x blocks). Output is
 * formatted by hand into a large buffer and written with fwrite. On allocation failure the
 * returned sink has self == NULL. */
struct sf_sink sf_report_packets_new(FILE *out, const struct sf_report_packets_opts *o);
/* Writes what is buffered and frees the report. Returns 0, or the errno of the first failed
 * write (e.g. EPIPE, ENOSPC) so the caller can say the output is incomplete. */
int sf_report_packets_close(struct sf_sink *sink);

#endif
