/* synfin — a buffered reader over a file descriptor, for the pcapng block reader.
 *
 * One buffer, grown only when a record larger than it appears (up to max_cap), so reading a
 * file costs one read(2) per ~1 MiB and no allocation per record. Bytes returned by
 * sf_rdbuf_ensure() stay valid until the next call that may move the buffer (ensure or
 * consume followed by ensure); consumers take a pointer, use it, then consume.
 *
 * Invariant: start <= end <= cap; the unread bytes are buf[start .. end).
 */
#ifndef SYNFIN_IO_RDBUF_H
#define SYNFIN_IO_RDBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sf_rdbuf {
	int fd;
	bool own_fd; /* close fd on free (not for standard input) */
	uint8_t *buf;
	size_t cap;     /* allocated bytes */
	size_t max_cap; /* growth limit */
	size_t start;   /* first unread byte */
	size_t end;     /* one past the last buffered byte */
	bool eof;       /* read(2) returned 0 */
	int read_errno; /* errno of a failed read(2), 0 if none */
	uint64_t pos;   /* file offset of buf[start] */
};

/* Sets up the reader; the first prelen bytes (already read from fd) are replayed first. */
int sf_rdbuf_init(struct sf_rdbuf *r, int fd, bool own_fd, size_t cap, size_t max_cap,
                  const uint8_t *pre, size_t prelen);
void sf_rdbuf_free(struct sf_rdbuf *r);

/* Makes at least n unread bytes available if the stream has them. Returns the number of unread
 * bytes now buffered (less than n only at end of file or on a read error; see read_errno),
 * and sets *p to the first one. n must not exceed max_cap. */
size_t sf_rdbuf_ensure(struct sf_rdbuf *r, size_t n, const uint8_t **p);

static inline void sf_rdbuf_consume(struct sf_rdbuf *r, size_t n)
{
	r->start += n;
	r->pos += n;
}

/* Reads from fd until n bytes or end of file; returns bytes read or -1 (errno set). */
long sf_read_full(int fd, uint8_t *dst, size_t n);

#endif
