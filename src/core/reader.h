/* synfin — frames read and decoded on a thread of their own, handed over in order.
 *
 * Reading a file and decoding its frames needs nothing of the connections: a second thread does
 * it ahead of the one that tracks, analyses and reports, through a ring of decoded frames
 * (single producer, single consumer, C11 atomics). The consumer sees every frame exactly as the
 * serial loop would, in the same order, and may peek at the frames already decoded after the
 * current one (to fetch their connections' memory early). Not a public header.
 */
#ifndef SYNFIN_CORE_READER_H
#define SYNFIN_CORE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/decode.h"
#include "synfin/packet.h"
#include "synfin/source.h"

/* A frame of the ring: its own copy of the bytes, decoded, with the tracker's hash of its
 * connection (0 without TCP). */
struct rd_item {
	struct sf_frame f;
	struct sf_packet pkt;
	uint32_t hash;
	uint8_t *buf;
	size_t cap;
};

/* Copies frame f into it (growing its buffer when f is larger), decodes it there with opts
 * and computes its hash; false when no buffer large enough can be had. The read-ahead ring of
 * the single-threaded pipeline uses it too. */
bool rd_item_take(struct rd_item *it, const struct sf_frame *f, const struct sf_decode_opts *opts);

struct sf_reader;

/* Starts reading src on a new thread, decoding with opts. NULL (nothing started) when the
 * thread or the ring cannot be had: the caller then reads src itself. */
struct sf_reader *sf_reader_start(struct sf_source *src, const struct sf_decode_opts *opts);
/* The next frame in order, waiting for it; NULL when the source has no more (see
 * sf_reader_finish). Valid until sf_reader_release. */
struct rd_item *sf_reader_next(struct sf_reader *r);
/* The k-th frame after the current one when it is already decoded, else NULL (no waiting). */
const struct rd_item *sf_reader_peek(const struct sf_reader *r, unsigned k);
/* Gives the current frame back to the reader. */
void sf_reader_release(struct sf_reader *r);
/* After sf_reader_next returned NULL: joins the thread, frees the ring and returns the source's
 * final status with *f and err as sf_source_next left them. SF_SRC_FRAME means the reader ran
 * out of memory for a frame: *f is that frame, still valid in the source, and the caller goes
 * on reading the source itself. */
enum sf_source_status sf_reader_finish(struct sf_reader *r, struct sf_frame *f, char *err,
                                       size_t errlen);

#endif
