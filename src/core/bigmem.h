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
#include <stdint.h>

#define SF_HUGE_PAGE ((size_t)2 << 20)

/* Memory for a table of `bytes`, freed with free(), 64-byte aligned. With `huge`, a table of
 * SF_HUGE_PAGE or more is aligned to SF_HUGE_PAGE and the kernel is asked to back it with
 * transparent huge pages (madvise MADV_HUGEPAGE; harmless when refused). Pages are only taken
 * when first touched, as with malloc. */
void *sf_big_alloc(size_t bytes, bool huge);

/* The same with huge pages from byte `small` on (rounded up to a huge page): its first bytes
 * on small pages, so that a table that stays small takes little memory, and the rest, when a
 * large capture fills it, on huge pages. 0 is sf_big_alloc(bytes, true). */
void *sf_big_alloc_from(size_t bytes, size_t small);

/* Takes the pages of [p, p + bytes) now, as writing them would (madvise
 * MADV_POPULATE_WRITE, Linux 5.14; nothing where it is missing): the kernel clears them on the
 * calling thread, and changes no byte of pages already there. */
void sf_big_populate(void *p, size_t bytes);

/* Prefetch hints for an entry of such a table, [p, p + bytes): every cache line it lies on,
 * from its first byte's to its last's. An entry whose size is not a multiple of 64 (the
 * tracker's 248-byte record) lies on one line more than its size suggests, seven times in
 * eight: asking for size / 64 lines from its start leaves its tail to a miss. For reading
 * (sf_prefetch_span) or for writing (sf_prefetch_span_w).
 *
 * No loop over the span: bytes is a constant at every call, so the entry's ceil(bytes / 64)
 * lines unroll to that many hints, and one test adds the line its tail reaches when it does not
 * start on a line. (A loop ran about 70M of the tracking thread's 1.54G instructions on the 1M
 * bench capture; unrolled, 41M fewer.) */
#define SF_PREFETCH_SPAN(p, bytes, rw)                                                             \
	do {                                                                                       \
		const char *a_ = (const char *)(p) - ((uintptr_t)(p)&63);                          \
		size_t whole_ = ((bytes) + 63) / 64;                                               \
		for (size_t i_ = 0; i_ < whole_; i_++)                                             \
			__builtin_prefetch(a_ + 64 * i_, rw);                                      \
		if (((uintptr_t)(p)&63) + (bytes) > 64 * whole_)                                   \
			__builtin_prefetch(a_ + 64 * whole_, rw);                                  \
	} while (0)

static inline __attribute__((always_inline)) void sf_prefetch_span(const void *p, size_t bytes)
{
	SF_PREFETCH_SPAN(p, bytes, 0);
}

static inline __attribute__((always_inline)) void sf_prefetch_span_w(const void *p, size_t bytes)
{
	SF_PREFETCH_SPAN(p, bytes, 1);
}

#endif
