/* synfin — asking for huge pages on large tables. Not a public header. */
#ifndef SYNFIN_UTIL_HUGEMEM_H
#define SYNFIN_UTIL_HUGEMEM_H

#include <stddef.h>

/* Advises the kernel to back [p, p+n) with transparent huge pages (2 MiB) where it can, when
 * n is large enough for it to matter. A hint only: nothing changes when the kernel says no.
 * Tables reached at random, one cache miss per packet (connection records, their analysis
 * state), then also miss in the TLB far less: 4 KiB pages give a 2,000-entry TLB reach of
 * 8 MiB, huge pages of 4 GiB. */
void sf_advise_huge(void *p, size_t n);

#endif
