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

/* Takes frame f into it, decodes it with opts and computes its hash. Its bytes are copied
 * into the item's buffer (grown when f is larger) unless `persist` says they stay where they
 * are (sf_source_frames_persist); false when no buffer large enough can be had. The read-ahead
 * ring of the single-threaded pipeline uses it too. */
bool rd_item_take(struct rd_item *it, const struct sf_frame *f, const struct sf_decode_opts *opts,
                  bool persist);

struct sf_reader;

/* Work either thread may do instead of waiting for the other (rows a sink put aside, struct
 * sf_sink spare): fn does a bounded amount of it and returns whether there was any. Both
 * threads may call it at once: fn keeps its own work to one thread at a time. */
struct sf_reader_spare {
	bool (*fn)(void *arg);
	void *arg;
};

/* Starts reading src on a new thread, decoding with opts; spare (may be NULL) is called while
 * the reading thread waits for room in its ring and while the consumer waits for frames.
 * NULL (nothing started) when the thread or the ring cannot be had: the caller then reads src
 * itself. */
struct sf_reader *sf_reader_start(struct sf_source *src, const struct sf_decode_opts *opts,
                                  const struct sf_reader_spare *spare);
/* Frames are taken in batches. sf_reader_wait waits until a frame after those given back is
 * decoded and returns how many are (at most SF_READER_BATCH; 0: the source has no more, see
 * sf_reader_finish); sf_reader_more returns the same count without waiting (it only grows
 * until sf_reader_done); sf_reader_at gives the k-th of them (k below that count);
 * sf_reader_done gives the first n back to the reader, which may then write over them. */
#define SF_READER_BATCH 64u
size_t sf_reader_wait(struct sf_reader *r);
size_t sf_reader_more(struct sf_reader *r);
struct rd_item *sf_reader_at(struct sf_reader *r, size_t k);
void sf_reader_done(struct sf_reader *r, size_t n);
/* Asks the reading thread to take the pages of [p, p + bytes) (sf_big_populate) while the ring
 * is full, so that the consumer finds them ready instead of waiting on the kernel to clear
 * them. Consumer side only; a hint: false, and nothing done, when too many requests wait. The
 * memory may be freed meanwhile (taking pages changes no byte). */
bool sf_reader_ask(struct sf_reader *r, void *p, size_t bytes);
/* Where the two threads' time went, in nanoseconds. "cpu" is the thread's CPU time; "wait" is
 * the time it spent waiting for the other (elapsed), "wait_cpu" the CPU it used meanwhile
 * (yielding), so that cpu - wait_cpu is its own work. */
struct sf_reader_times {
	int64_t cpu_ns;       /* reading thread: reading and decoding frames, taking pages */
	int64_t pages_ns;     /* of which taking pages asked for (sf_reader_ask), elapsed */
	int64_t spare_ns;     /* of which spare work (struct sf_reader_spare), elapsed */
	int64_t wait_ns;      /* reading thread: waiting for room in the ring, elapsed */
	int64_t wait_cpu_ns;  /* CPU it used while waiting */
	int64_t cwait_ns;     /* consumer: waiting for frames in sf_reader_wait, elapsed */
	int64_t cwait_cpu_ns; /* CPU it used while waiting */
	int64_t cspare_ns;    /* consumer: spare work instead of waiting, elapsed (not in cwait) */
};

/* After sf_reader_wait returned 0: joins the thread, frees the ring and returns the source's
 * final status with *f and err as sf_source_next left them. SF_SRC_FRAME means the reader ran
 * out of memory for a frame: *f is that frame, still valid in the source, and the caller goes
 * on reading the source itself. The threads' times go to *times when it is not NULL. */
enum sf_source_status sf_reader_finish(struct sf_reader *r, struct sf_frame *f, char *err,
                                       size_t errlen, struct sf_reader_times *times);

#endif
