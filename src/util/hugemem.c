/* synfin — huge-page advice for large tables (hugemem.h). */
#define _DEFAULT_SOURCE
#include "util/hugemem.h"

#include <stdint.h>
#include <sys/mman.h>

#define HUGE_MIN ((size_t)2 << 20) /* below one huge page, advice cannot help */
#define PAGE     ((uintptr_t)4096)

void sf_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	if (!p || n < 2 * HUGE_MIN)
		return;
	/* madvise needs page-aligned bounds: advise the whole pages inside the block */
	uintptr_t lo = ((uintptr_t)p + PAGE - 1) & ~(PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}
