/* synfin lab — socket helpers shared by the scenario drivers (private to src/lab).
 *
 * Every blocking call is bounded in time (SO_RCVTIMEO / poll) so a scenario whose peer
 * misbehaves ends with an error instead of hanging the lab.
 */
#ifndef SYNFIN_LAB_SOCK_H
#define SYNFIN_LAB_SOCK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LAB_IO_TIMEOUT_MS 5000 /* longest wait of one socket call */

/* Moves the calling thread into the network namespace nsfd (no-op for -1). */
int lab_enter_ns(int nsfd, char *err, size_t errlen);

/* TCP socket bound to ip:port (port 0 = kernel's choice) with SO_REUSEADDR, receive and send
 * timeouts set. -1 with err. */
int lab_socket_bound(struct in_addr ip, uint16_t port, char *err, size_t errlen);
/* Bound socket that listens. */
int lab_listen(struct in_addr ip, uint16_t port, char *err, size_t errlen);
/* Accepts one connection within LAB_IO_TIMEOUT_MS. */
int lab_accept(int lfd, char *err, size_t errlen);
/* Connects fd to ip:port; returns 0, or -1 with *errnum set (ECONNREFUSED …). */
int lab_connect(int fd, struct in_addr ip, uint16_t port, int *errnum);

/* Sends all of buf; -1 with err. */
int lab_send_all(int fd, const void *buf, size_t len, char *err, size_t errlen);
/* Reads until EOF, at most cap bytes kept; returns bytes read, -1 on error or timeout. */
long lab_read_to_eof(int fd, char *buf, size_t cap, char *err, size_t errlen);
/* Reads exactly len bytes; -1 on error, timeout or early EOF. */
int lab_read_exact(int fd, void *buf, size_t len, char *err, size_t errlen);

/* Aborts the connection: SO_LINGER {1, 0} then close() sends RST (RFC 9293 §3.10.4 ABORT). */
void lab_abort(int fd);
/* Disables delayed-ACK quick mode for the next receive (Linux TCP_QUICKACK = 0). */
void lab_delay_acks(int fd);

/* Local port of a bound socket, 0 on error. */
uint16_t lab_local_port(int fd);
/* An unused TCP port on ip (bound and released at once), 0 on failure. */
uint16_t lab_unused_port(struct in_addr ip);

void lab_sleep_ms(unsigned ms);
/* Monotonic milliseconds. */
uint64_t lab_now_ms(void);

#endif
