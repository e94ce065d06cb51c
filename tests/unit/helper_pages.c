/* synfin tests — page requests (see helper_pages.h). */
#include "helper_pages.h"

void hpages_record(void *self, void *p, size_t bytes)
{
	struct hpages *h = self;
	const uintptr_t huge = (uintptr_t)2 << 20;
	if ((uintptr_t)p % huge || bytes % huge || !bytes)
		h->unaligned = true;
	if (h->n < HPAGES_MAX) {
		h->lo[h->n] = (uintptr_t)p;
		h->hi[h->n++] = (uintptr_t)p + bytes;
	}
}

bool hpages_cover(const struct hpages *h, unsigned n, const void *p, size_t len)
{
	for (unsigned i = 0; i < n && i < HPAGES_MAX; i++)
		if ((uintptr_t)p >= h->lo[i] && (uintptr_t)p + len <= h->hi[i])
			return true;
	return false;
}
