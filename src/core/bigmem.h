/* synfin — the per-connection tables on huge pages.
 *
 * The tracker's records, the analysis state and the views' extras are read at random, one
 * connection per packet. With ten thousand connections live they span tens of MiB: on 4 KiB
 * pages nearly every packet misses the TLB and walks the page tables, on 2 MiB pages those
 * tables fit the TLB. Measured on the 1M-packet bench capture (interleaved runs): `synfin
 * conns` 5–10% faster in wall and CPU time. Not a public header.
 */
#ifndef SYNFIN_CORE_BIGMEM_H
#define SYNFIN_CORE_BIGMEM_H

#include <stdbool.h>
#include <stddef.h>

#define SF_HUGE_PAGE ((size_t)2 << 20)

/* Memory for a table of `bytes`, freed with free(), 64-byte aligned. With `huge`, a table of
 * SF_HUGE_PAGE or more is aligned to SF_HUGE_PAGE and the kernel is asked to back it with
 * transparent huge pages (madvise MADV_HUGEPAGE; harmless when refused). Pages are only taken
 * when first touched, as with malloc. */
void *sf_big_alloc(size_t bytes, bool huge);

/* Asks for huge pages on [p, p + bytes) (a table grown by realloc, before its new part is
 * touched); nothing for tables under two huge pages. */
void sf_big_advise(void *p, size_t bytes);

/* Takes the pages of [p, p + bytes) now, as writing them would (madvise
 * MADV_POPULATE_WRITE, Linux 5.14; nothing where it is missing): the kernel clears them on the
 * calling thread, and changes no byte of pages already there. */
void sf_big_populate(void *p, size_t bytes);

#endif
