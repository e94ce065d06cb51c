/* synfin lab — loopback scenarios: what each side does, and when.
 *
 * Linux details the timing relies on (net/ipv4/tcp_input.c):
 *  - a FIN received in ESTABLISHED puts the socket in "ping-pong" (delayed ACK) mode, so when
 *    the application closes at once its FIN rides on the delayed ACK: FIN/ACK piggybacked,
 *    a three-segment close. Waiting longer than the delayed-ACK timer (at most 200 ms) before
 *    closing gives the textbook four-segment close.
 *  - on loopback a segment is processed by the receiver before the sender's system call
 *    returns, unless the receiving socket is busy in a system call of its own: crossing FINs
 *    need both shutdown() calls to overlap, hence the spinning barrier and the retries.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/lab_pair.h"
#include "lab/lab_scenarios.h"
#include "lab/lab_sock.h"

#define SIMCLOSE_ATTEMPTS 60

/* Server of the closing scenarios: read everything, wait (or not), then close. */
static int server_read_then_close(struct lab_pair *p, int fd, char *err, size_t errlen,
                                  unsigned pause_ms)
{
	char buf[64];
	long n = lab_read_to_eof(fd, buf, sizeof(buf) - 1, err, errlen);
	if (n < 0) {
		close(fd);
		return -1;
	}
	buf[n < (long)sizeof(buf) ? n : (long)sizeof(buf) - 1] = '\0';
	lab_pair_note(p, "server read \"%s\" then end of stream (the client's FIN)", buf);
	if (pause_ms)
		lab_sleep_ms(pause_ms);
	close(fd);
	return 0;
}

/* ---- handshake: the seeds' telnet demo ------------------------------------------------- */

static int handshake_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	/* One segment per keystroke, as telnet sends them. */
	int rc = lab_send_all(fd, "a", 1, err, errlen);
	lab_sleep_ms(50);
	if (rc == 0)
		rc = lab_send_all(fd, "b", 1, err, errlen);
	lab_sleep_ms(50);
	close(fd);
	return rc;
}

static int handshake_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	return server_read_then_close(p, fd, err, errlen, LAB_SERVER_PAUSE_MS);
}

int lab_run_handshake(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                      size_t errlen)
{
	struct lab_pair p = {
	    .env = env, .res = res, .server = handshake_server, .client = handshake_client};
	int rc = lab_pair_run(&p, err, errlen);
	res->client_port = p.client_port;
	return rc;
}

/* ---- merged-close ----------------------------------------------------------------------- */

static int merged_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	int rc = lab_send_all(fd, "a", 1, err, errlen);
	close(fd);
	return rc;
}

static int merged_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	return server_read_then_close(p, fd, err, errlen, 0);
}

int lab_run_merged_close(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                         size_t errlen)
{
	struct lab_pair p = {
	    .env = env, .res = res, .server = merged_server, .client = merged_client};
	int rc = lab_pair_run(&p, err, errlen);
	res->client_port = p.client_port;
	return rc;
}

/* ---- half-close ------------------------------------------------------------------------- */

static int half_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	if (lab_send_all(fd, "GET", 3, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	shutdown(fd, SHUT_WR); /* FIN: "I have nothing more to send", still reading */
	char buf[64];
	long n = lab_read_to_eof(fd, buf, sizeof(buf), err, errlen);
	if (n >= 0)
		lab_pair_note(p, "client read %ld bytes after its own FIN (half-closed)", n);
	close(fd);
	return n < 0 ? -1 : 0;
}

static int half_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	char buf[16];
	if (lab_read_to_eof(fd, buf, sizeof(buf), err, errlen) < 0) {
		close(fd);
		return -1;
	}
	static const char *const parts[] = {"one ", "two ", "three"};
	for (size_t i = 0; i < 3; i++) {
		if (lab_send_all(fd, parts[i], strlen(parts[i]), err, errlen) < 0) {
			close(fd);
			return -1;
		}
		lab_sleep_ms(30);
	}
	lab_pair_note(p, "server sent 3 segments after the client's FIN, then closed");
	lab_sleep_ms(LAB_SERVER_PAUSE_MS);
	close(fd);
	return 0;
}

int lab_run_half_close(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                       size_t errlen)
{
	struct lab_pair p = {.env = env, .res = res, .server = half_server, .client = half_client};
	int rc = lab_pair_run(&p, err, errlen);
	res->client_port = p.client_port;
	return rc;
}

/* ---- reset ------------------------------------------------------------------------------ */

static int reset_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	char c;
	if (lab_send_all(fd, "a", 1, err, errlen) < 0 ||
	    lab_read_exact(fd, &c, 1, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	lab_abort(fd);
	lab_pair_note(p, "client closed with SO_LINGER {on, 0 s}: an abort, RST instead of FIN");
	return 0;
}

static int reset_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	char c;
	if (lab_read_exact(fd, &c, 1, err, errlen) < 0 ||
	    lab_send_all(fd, "b", 1, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	ssize_t n = recv(fd, &c, 1, 0);
	int e = errno;
	if (n < 0)
		lab_pair_note(p, "server's recv() failed: %s", strerror(e));
	else
		lab_pair_note(p, "server's recv() returned %zd, not the expected reset", n);
	close(fd);
	return 0;
}

int lab_run_reset(const struct sf_lab_env *env, struct sf_lab_result *res, char *err, size_t errlen)
{
	struct lab_pair p = {
	    .env = env, .res = res, .server = reset_server, .client = reset_client};
	int rc = lab_pair_run(&p, err, errlen);
	res->client_port = p.client_port;
	return rc;
}

/* ---- refused ---------------------------------------------------------------------------- */

int lab_run_refused(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                    size_t errlen)
{
	if (lab_enter_ns(env->client_nsfd, err, errlen) < 0)
		return -1;
	int fd = lab_socket_bound(env->client_ip, 0, err, errlen);
	if (fd < 0)
		return -1;
	res->client_port = lab_local_port(fd);
	int e;
	int rc = lab_connect(fd, env->server_ip, env->port, &e);
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "something listens on port %u: pick another with --port",
		         env->port);
		return -1;
	}
	sf_lab_note(res, "client's connect() failed: %s (%s)", strerror(e),
	            e == ECONNREFUSED ? "ECONNREFUSED, the RST/ACK" : "not ECONNREFUSED");
	return e == ECONNREFUSED ? 0 : -1;
}

/* ---- simultaneous-close ----------------------------------------------------------------- */

static int simclose_side(struct lab_pair *p, int fd, char *err, size_t errlen, bool client)
{
	char c;
	int rc =
	    client ? lab_send_all(fd, "a", 1, err, errlen) : lab_read_exact(fd, &c, 1, err, errlen);
	if (rc == 0 && lab_pair_meet(p) < 0) {
		snprintf(err, errlen, "the peer never reached the barrier");
		rc = -1;
	}
	if (rc == 0) {
		shutdown(fd, SHUT_WR);
		if (lab_read_to_eof(fd, NULL, 0, err, errlen) < 0)
			rc = -1;
	}
	close(fd);
	return rc;
}

static int simclose_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	return simclose_side(p, fd, err, errlen, true);
}

static int simclose_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	return simclose_side(p, fd, err, errlen, false);
}

int lab_run_simultaneous_close(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                               size_t errlen)
{
	/* Both ends in TIME-WAIT is the kernel's own proof of a simultaneous close: after a
	 * normal close the passive closer goes LAST-ACK → CLOSED and leaves no TIME-WAIT. */
	for (unsigned i = 1; i <= SIMCLOSE_ATTEMPTS; i++) {
		struct lab_pair p = {
		    .env = env, .res = res, .server = simclose_server, .client = simclose_client};
		res->attempts = i;
		if (lab_pair_run(&p, err, errlen) < 0)
			return -1;
		res->client_port = p.client_port;
		int c = sf_lab_kernel_time_wait(p.client_port, env->port, NULL);
		int s = sf_lab_kernel_time_wait(env->port, p.client_port, &res->time_wait_ms);
		if (c > 0 && s > 0) {
			res->kernel_time_wait = true;
			sf_lab_note(res,
			            "attempt %u: the FINs crossed; the kernel lists both ends in "
			            "TIME-WAIT",
			            i);
			return 0;
		}
	}
	sf_lab_note(res,
	            "the kernel never produced crossing FINs in %u attempts: each FIN reached "
	            "the peer before it called shutdown()",
	            SIMCLOSE_ATTEMPTS);
	return 0;
}

/* ---- time-wait -------------------------------------------------------------------------- */

static int tw_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	int rc = lab_send_all(fd, "a", 1, err, errlen);
	close(fd);
	return rc;
}

int lab_run_time_wait(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                      size_t errlen)
{
	struct lab_pair p = {
	    .env = env, .res = res, .server = handshake_server, .client = tw_client};
	if (lab_pair_run(&p, err, errlen) < 0)
		return -1;
	res->client_port = p.client_port;
	/* RFC 9293 §3.6.1: the active closer waits 2×MSL in TIME-WAIT before CLOSED. */
	int n = sf_lab_kernel_time_wait(p.client_port, env->port, &res->time_wait_ms);
	if (n < 0) {
		sf_lab_note(res, "cannot read the kernel's socket table (/proc/net/tcp)");
	} else if (n == 0) {
		sf_lab_note(res, "the kernel does not list the client's socket in TIME-WAIT");
	} else {
		res->kernel_time_wait = true;
		sf_lab_note(res,
		            "kernel socket table: client port %u → %u in TIME-WAIT, %.1f s left "
		            "(Linux keeps it 60 s)",
		            p.client_port, env->port, res->time_wait_ms / 1000.0);
	}
	return 0;
}
