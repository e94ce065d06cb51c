/* synfin — a clock's reading in nanoseconds, for the run's timing (synfin --timing). */
#ifndef SYNFIN_CORE_CLOCK_H
#define SYNFIN_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC for elapsed time, CLOCK_THREAD_CPUTIME_ID for the calling thread's CPU time;
 * 0 when the clock cannot be read. A system call for the thread clock: read it around waits
 * and once per file, never per frame. */
static inline int64_t sf_clock_ns(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
