/* synfin — buffered reader over a file descriptor (see rdbuf.h). */
#include "io/rdbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long sf_read_full(int fd, uint8_t *dst, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, dst + got, n - got);
		if (k == 0)
			break;
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)k;
	}
	return (long)got;
}

int sf_rdbuf_init(struct sf_rdbuf *r, int fd, bool own_fd, size_t cap, size_t max_cap,
                  const uint8_t *pre, size_t prelen)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->own_fd = own_fd;
	if (cap < prelen)
		cap = prelen;
	r->buf = malloc(cap);
	if (!r->buf)
		return -1;
	r->cap = cap;
	r->max_cap = max_cap > cap ? max_cap : cap;
	if (prelen)
		memcpy(r->buf, pre, prelen);
	r->end = prelen;
	return 0;
}

void sf_rdbuf_free(struct sf_rdbuf *r)
{
	free(r->buf);
	r->buf = NULL;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* Makes room for n unread bytes from buf[0]: moves the unread tail down, grows if needed. */
static int make_room(struct sf_rdbuf *r, size_t n)
{
	size_t have = r->end - r->start;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, have);
		r->start = 0;
		r->end = have;
	}
	if (n <= r->cap)
		return 0;
	size_t ncap = r->cap;
	while (ncap < n)
		ncap *= 2;
	if (ncap > r->max_cap)
		ncap = r->max_cap;
	uint8_t *nb = realloc(r->buf, ncap);
	if (!nb)
		return -1;
	r->buf = nb;
	r->cap = ncap;
	return 0;
}

size_t sf_rdbuf_ensure(struct sf_rdbuf *r, size_t n, const uint8_t **p)
{
	if (r->end - r->start < n && !r->eof && !r->read_errno) {
		if (r->start + n > r->cap && (make_room(r, n) < 0 || n > r->cap)) {
			r->read_errno = ENOMEM;
		} else {
			while (r->end - r->start < n) {
				/* Fill as much as fits: one large read(2) instead of one per
				 * record. */
				ssize_t k = read(r->fd, r->buf + r->end, r->cap - r->end);
				if (k == 0) {
					r->eof = true;
					break;
				}
				if (k < 0) {
					if (errno == EINTR)
						continue;
					r->read_errno = errno;
					break;
				}
				r->end += (size_t)k;
			}
		}
	}
	*p = r->buf + r->start;
	return r->end - r->start;
}
