/* synfin lab — socket helpers: bounded, error-reporting wrappers of the BSD socket calls. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab_sock.h"

int lab_enter_ns(int nsfd, char *err, size_t errlen)
{
	if (nsfd < 0)
		return 0;
	/* A network namespace is a per-thread attribute: setns() here moves only this thread,
	 * and the sockets it creates afterwards belong to that namespace. */
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot enter network namespace: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = LAB_IO_TIMEOUT_MS / 1000,
	                     .tv_usec = (suseconds_t)(LAB_IO_TIMEOUT_MS % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int lab_socket_bound(struct in_addr ip, uint16_t port, char *err, size_t errlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_timeouts(fd);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = ip};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "bind to port %u: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int lab_listen(struct in_addr ip, uint16_t port, char *err, size_t errlen)
{
	int fd = lab_socket_bound(ip, port, err, errlen);
	if (fd < 0)
		return -1;
	if (listen(fd, 4) < 0) {
		snprintf(err, errlen, "listen on port %u: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int lab_accept(int lfd, char *err, size_t errlen)
{
	struct pollfd p = {.fd = lfd, .events = POLLIN};
	int n = poll(&p, 1, LAB_IO_TIMEOUT_MS);
	if (n <= 0) {
		snprintf(err, errlen, "accept: %s",
		         n == 0 ? "no connection came" : strerror(errno));
		return -1;
	}
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "accept: %s", strerror(errno));
		return -1;
	}
	set_timeouts(fd);
	return fd;
}

int lab_connect(int fd, struct in_addr ip, uint16_t port, int *errnum)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = ip};
	/* SO_SNDTIMEO bounds a blocking connect() on Linux (it returns EINPROGRESS then). */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		*errnum = errno;
		return -1;
	}
	*errnum = 0;
	return 0;
}

int lab_send_all(int fd, const void *buf, size_t len, char *err, size_t errlen)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "send: %s", n < 0 ? strerror(errno) : "nothing sent");
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long lab_read_to_eof(int fd, char *buf, size_t cap, char *err, size_t errlen)
{
	char scratch[4096];
	long total = 0;
	for (;;) {
		ssize_t n = recv(fd, scratch, sizeof(scratch), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "recv: %s",
			         errno == EAGAIN ? "timed out waiting for the peer"
			                         : strerror(errno));
			return -1;
		}
		if (n == 0)
			return total;
		if (buf && (size_t)total < cap) {
			size_t room = cap - (size_t)total;
			memcpy(buf + total, scratch, (size_t)n < room ? (size_t)n : room);
		}
		total += n;
	}
}

int lab_read_exact(int fd, void *buf, size_t len, char *err, size_t errlen)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "recv: %s",
			         n == 0            ? "peer closed early"
			         : errno == EAGAIN ? "timed out waiting for the peer"
			                           : strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void lab_abort(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

void lab_delay_acks(int fd)
{
	int zero = 0;
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof(zero));
}

uint16_t lab_local_port(int fd)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		return 0;
	return ntohs(sa.sin_port);
}

uint16_t lab_unused_port(struct in_addr ip)
{
	char err[128];
	int fd = lab_socket_bound(ip, 0, err, sizeof(err));
	if (fd < 0)
		return 0;
	uint16_t port = lab_local_port(fd);
	close(fd);
	return port;
}

void lab_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

uint64_t lab_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
