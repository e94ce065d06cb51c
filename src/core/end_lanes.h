/* synfin — capture end on two threads.
 *
 * At the end of a capture every live connection ends at once (tens of thousands on a large
 * capture), and writing their rows is the last serial stretch of a run while the reading
 * thread's core sits idle. The connections, in the order they end, are cut into runs of
 * END_RUN; two lanes take the runs in turn, each ending its connections (the records and
 * analysis state of distinct connections are distinct memory) and putting their rows into
 * the sink's buffer for that lane; the lanes then hand their runs to the sink's output
 * strictly in run order. The output is the one a single thread writes. Not a public header.
 */
#ifndef SYNFIN_CORE_END_LANES_H
#define SYNFIN_CORE_END_LANES_H

#include <stdbool.h>

#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/pipeline.h"

/* Ends every live connection of t into sink s (its final_into and final_write), on two
 * threads when `two` and there are enough of them, else on this one; the analysis state
 * (a may be NULL) is released after. False, with nothing done, when the records cannot be
 * listed (no memory): the caller ends them the usual way. */
bool sf_end_lanes(struct sf_tracker *t, struct sf_analyser *a, const struct sf_sink *s, bool two);

#endif
