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
	/* byte by byte in effect: each step moves to the end of a request holding the next byte,
	 * so a range across two requests (an entry across two pages) is covered too */
	uintptr_t at = (uintptr_t)p, end = (uintptr_t)p + len;
	while (at < end) {
		uintptr_t to = at;
		for (unsigned i = 0; i < n && i < HPAGES_MAX; i++)
			if (at >= h->lo[i] && at < h->hi[i] && h->hi[i] > to)
				to = h->hi[i];
		if (to == at)
			return false;
		at = to;
	}
	return true;
}
