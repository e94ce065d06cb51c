/* synfin — the per-connection tables on huge pages (bigmem.h). */
#define _DEFAULT_SOURCE
#include "core/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

void *sf_big_alloc(size_t bytes, bool huge)
{
	if (!huge || bytes < SF_HUGE_PAGE) {
		size_t n = (bytes + 63) & ~(size_t)63;
		return aligned_alloc(64, n ? n : 64);
	}
	return sf_big_alloc_from(bytes, 0);
}

void *sf_big_alloc_from(size_t bytes, size_t small)
{
	if (small >= bytes)
		return sf_big_alloc(bytes, false);
	size_t n = (bytes + SF_HUGE_PAGE - 1) & ~(SF_HUGE_PAGE - 1);
	small = (small + SF_HUGE_PAGE - 1) & ~(SF_HUGE_PAGE - 1);
	char *p = aligned_alloc(SF_HUGE_PAGE, n);
	if (p && small < n)
		(void)madvise(p + small, n - small, MADV_HUGEPAGE);
	return p;
}

void sf_big_populate(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
	/* madvise wants a start on a page boundary: the range grows to whole (small) pages */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t mis = (uintptr_t)p & (page - 1);
	(void)madvise((char *)p - mis, (mis + bytes + page - 1) & ~(page - 1), MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)bytes;
#endif
}
