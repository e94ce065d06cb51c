/* synfin — the end-of-run summary: what was read, what tracking made of it, what went wrong.
 *
 * A sink like the reports: it remembers the pipeline's notices as they come, and at the end
 * writes a short block to its FILE* (the CLI gives it stderr), e.g.
 *
 *     summary: 2 files, 1000000 frames, 998000 TCP packets, span 59.998000 s
 *       connections: 10000 tracked, peak 10000 live; 9000 closed, 400 expired (idle), ...
 *       events: 12 tcp.SYN_with_data, 3 decode.tcp.hlen_too_small
 *       notices: b.pcap: 1 (file broken at frame 1234: ...)
 *
 * Any command can attach it; the text is for people, not parsers (use `synfin stats`).
 */
#ifndef SYNFIN_SUMMARY_H
#define SYNFIN_SUMMARY_H

#include <stdio.h>

#include "synfin/pipeline.h"

/* A summary sink writing to out at the end of the run. On allocation failure the returned
 * sink has self == NULL. */
struct sf_sink sf_report_summary_new(FILE *out);
/* Writes the block for st (normally called by the sink's end callback); exported so a caller
 * with its own stats can reuse the format. Notices are those the sink collected. */
void sf_report_summary_write(const struct sf_sink *sink, const struct sf_run_stats *st);
/* Frees the sink (safe on a zeroed sink). */
void sf_report_summary_free(struct sf_sink *sink);

#endif
