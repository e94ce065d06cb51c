/* synfin tests — run capture files through a pipeline, and find what the capture oracles
 * need (the shared captures and tshark). */
#ifndef SYNFIN_TEST_HELPER_PIPE_H
#define SYNFIN_TEST_HELPER_PIPE_H

#include <stdbool.h>

#include "synfin/pipeline.h"

/* Runs the capture at path through a new pipeline made with cfg and the one sink, finishes it
 * and frees it. stats (may be NULL) receives the run's figures. False when the file does not
 * open (nothing is run then). */
bool hpipe_run_file(const struct sf_pipeline_cfg *cfg, const struct sf_sink *sink, const char *path,
                    struct sf_run_stats *stats);

/* The shared captures directory when it and tshark are both present; NULL otherwise, after
 * printing why the caller should skip. */
const char *hpipe_oracle_dir(void);

#endif
