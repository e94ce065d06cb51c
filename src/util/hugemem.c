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
	char *lo = (char *)p, *hi = (char *)p + n;
	uintptr_t off = (uintptr_t)lo & (PAGE - 1);
	if (off)
		lo += PAGE - off;
	hi -= (uintptr_t)hi & (PAGE - 1);
	if (hi > lo)
		(void)madvise(lo, (size_t)(hi - lo), MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}
