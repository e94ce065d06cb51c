/* synfin tests — record the page requests of a pages hook (struct sf_track_hooks.pages,
 * sf_analyser_set_pages) and ask whether memory lies in pages asked for. */
#ifndef SYNFIN_HELPER_PAGES_H
#define SYNFIN_HELPER_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HPAGES_MAX 256

struct hpages {
	uintptr_t lo[HPAGES_MAX], hi[HPAGES_MAX]; /* the first HPAGES_MAX requests */
	unsigned n;
	bool unaligned; /* some request was not whole 2 MiB huge pages */
};

/* The hook: self is a struct hpages (zeroed to start). */
void hpages_record(void *self, void *p, size_t bytes);
/* True when every byte of [p, p + len) lies within one of the first n requests recorded. */
bool hpages_cover(const struct hpages *h, unsigned n, const void *p, size_t len);

#endif
