/* synfin lab — scenarios in a pair of network namespaces, with nftables in the server's.
 *
 * nftables' input hook runs after the packet socket taps (AF_PACKET sees a frame in
 * __netif_receive_skb, before IP), and the lab captures on the client's veth end anyway: a
 * segment dropped here still appears in the capture, exactly like a segment lost on a wire
 * beyond the capture point.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/lab_env.h"
#include "lab/lab_pair.h"
#include "lab/lab_scenarios.h"
#include "lab/lab_sock.h"

#define SYN_DROP_MS        1500 /* SYNs sent at 0 s and 1 s are dropped, the one at 3 s passes */
#define LOSSY_BYTES        (256L * 1024)
#define LOSSY_DROP_PERCENT 8

/* A bare SYN (no ACK) to port: what a listener or a SYN-SENT socket receives first. */
static void syn_rule(char *buf, size_t len, uint16_t port, const char *verdict)
{
	snprintf(buf, len, "tcp dport %u tcp flags & (syn | ack) == syn counter %s", port, verdict);
}

/* ---- simultaneous-open ------------------------------------------------------------------ */

struct simopen {
	const struct sf_lab_env *env;
	struct sf_lab_result *res;
	atomic_int a_sent_syn; /* 1 sent, -1 failed */
	char aerr[256], berr[256];
};

/* A: the client namespace; non-blocking connect, then waits for the handshake to finish. */
static void *simopen_a(void *arg)
{
	struct simopen *s = arg;
	int fd = -1;
	if (lab_enter_ns(s->env->client_nsfd, s->aerr, sizeof(s->aerr)) == 0)
		fd = lab_socket_bound(s->env->client_ip, s->env->port2, s->aerr, sizeof(s->aerr));
	if (fd < 0) {
		atomic_store(&s->a_sent_syn, -1);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	int e;
	if (lab_connect(fd, s->env->server_ip, s->env->port, &e) < 0 && e != EINPROGRESS) {
		snprintf(s->aerr, sizeof(s->aerr), "connect: %s", strerror(e));
		atomic_store(&s->a_sent_syn, -1);
		close(fd);
		return NULL;
	}
	atomic_store(&s->a_sent_syn, 1);
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	socklen_t sl = sizeof(e);
	if (poll(&p, 1, LAB_IO_TIMEOUT_MS) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) < 0 || e != 0) {
		snprintf(s->aerr, sizeof(s->aerr), "A's connect never completed");
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	lab_send_all(fd, "a", 1, s->aerr, sizeof(s->aerr));
	close(fd);
	return NULL;
}

/* B: the server namespace; connects to A once A's SYN is out (and dropped before B). */
static void *simopen_b(void *arg)
{
	struct simopen *s = arg;
	if (lab_enter_ns(s->env->server_nsfd, s->berr, sizeof(s->berr)) < 0)
		return NULL;
	uint64_t until = lab_now_ms() + LAB_IO_TIMEOUT_MS;
	while (atomic_load(&s->a_sent_syn) == 0 && lab_now_ms() < until)
		lab_sleep_ms(1);
	if (atomic_load(&s->a_sent_syn) != 1)
		return NULL;
	lab_sleep_ms(20);
	int fd = lab_socket_bound(s->env->server_ip, s->env->port, s->berr, sizeof(s->berr));
	if (fd < 0)
		return NULL;
	int e;
	if (lab_connect(fd, s->env->client_ip, s->env->port2, &e) < 0) {
		snprintf(s->berr, sizeof(s->berr), "B's connect: %s", strerror(e));
		close(fd);
		return NULL;
	}
	char buf[8];
	long n = lab_read_to_eof(fd, buf, sizeof(buf), s->berr, sizeof(s->berr));
	if (n >= 0)
		sf_lab_note(s->res,
		            "both sockets called connect() and neither listened; B read %ld "
		            "byte then A's FIN",
		            n);
	lab_sleep_ms(LAB_SERVER_PAUSE_MS);
	close(fd);
	return NULL;
}

int lab_run_simultaneous_open(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                              size_t errlen)
{
	/* B's side drops every bare SYN to B: A's SYN is lost in flight while B sends its own,
	 * so both SYNs are outstanding at once (RFC 9293 §3.5, Figure 8). A, in SYN-SENT,
	 * answers B's SYN with SYN/ACK and goes SYN-RECEIVED; B, in SYN-SENT, takes the
	 * SYN/ACK and goes straight to ESTABLISHED. */
	char rule[160];
	syn_rule(rule, sizeof(rule), env->port, "drop");
	if (lab_nft_add(env, rule, err, errlen) < 0)
		return -1;
	struct simopen s = {.env = env, .res = res};
	pthread_t a, b;
	if (pthread_create(&a, NULL, simopen_a, &s) != 0) {
		snprintf(err, errlen, "cannot start a thread");
		return -1;
	}
	if (pthread_create(&b, NULL, simopen_b, &s) != 0) {
		atomic_store(&s.a_sent_syn, -1);
		pthread_join(a, NULL);
		snprintf(err, errlen, "cannot start a thread");
		return -1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	res->client_port = env->port2;
	if (s.aerr[0] || s.berr[0]) {
		snprintf(err, errlen, "%s%s%s", s.aerr, s.aerr[0] && s.berr[0] ? "; " : "", s.berr);
		return -1;
	}
	return 0;
}

/* ---- syn-retry -------------------------------------------------------------------------- */

struct unblock {
	const struct sf_lab_env *env;
	long handle;
	unsigned after_ms;
	char err[256];
};

static void *unblock_main(void *arg)
{
	struct unblock *u = arg;
	lab_sleep_ms(u->after_ms);
	lab_nft_del(u->env, u->handle, u->err, sizeof(u->err));
	return NULL;
}

static int retry_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	lab_pair_note(p,
	              "client's connect() took %.1f s: SYNs dropped for %.1f s, retransmitted "
	              "as the RTO doubles from 1 s (RFC 6298 §5.5)",
	              p->connect_ms / 1000.0, SYN_DROP_MS / 1000.0);
	int rc = lab_send_all(fd, "a", 1, err, errlen);
	close(fd);
	return rc;
}

static int pause_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	char buf[16];
	long n = lab_read_to_eof(fd, buf, sizeof(buf), err, errlen);
	lab_sleep_ms(LAB_SERVER_PAUSE_MS);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Recent Linux retransmits a SYN at a linear 1 s for the first tcp_syn_linear_timeouts tries
 * (default 4) before backing off exponentially. The sysctl is per namespace: set to 0 in the
 * client's, the kernel shows RFC 6298's doubling. Older kernels lack it and double anyway. */
static void exponential_syn_backoff(const struct sf_lab_env *env, struct sf_lab_result *res)
{
	char err[256];
	char *argv[] = {"ip",
	                "netns",
	                "exec",
	                (char *)env->ns_client,
	                "sysctl",
	                "-qw",
	                "net.ipv4.tcp_syn_linear_timeouts=0",
	                NULL};
	if (access("/proc/sys/net/ipv4/tcp_syn_linear_timeouts", F_OK) == 0 &&
	    lab_run_cmd(argv, err, sizeof(err)) == 0)
		sf_lab_note(res,
		            "client namespace: net.ipv4.tcp_syn_linear_timeouts=0 (this kernel "
		            "would otherwise retry SYNs at a linear 1 s first)");
}

int lab_run_syn_retry(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                      size_t errlen)
{
	exponential_syn_backoff(env, res);
	char rule[160];
	syn_rule(rule, sizeof(rule), env->port, "drop");
	struct unblock u = {.env = env, .after_ms = SYN_DROP_MS};
	if ((u.handle = lab_nft_add(env, rule, err, errlen)) < 0)
		return -1;
	pthread_t t;
	if (pthread_create(&t, NULL, unblock_main, &u) != 0) {
		snprintf(err, errlen, "cannot start a thread");
		return -1;
	}
	struct lab_pair p = {
	    .env = env, .res = res, .server = pause_server, .client = retry_client};
	int rc = lab_pair_run(&p, err, errlen);
	pthread_join(t, NULL);
	res->client_port = p.client_port;
	if (rc == 0 && u.err[0]) {
		snprintf(err, errlen, "%s", u.err);
		return -1;
	}
	return rc;
}

/* ---- lossy ------------------------------------------------------------------------------ */

static int lossy_client(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	static char chunk[16384];
	memset(chunk, 'x', sizeof(chunk));
	int rc = 0;
	for (size_t sent = 0; rc == 0 && sent < LOSSY_BYTES; sent += sizeof(chunk))
		rc = lab_send_all(fd, chunk, sizeof(chunk), err, errlen);
	close(fd);
	return rc;
}

static int lossy_server(struct lab_pair *p, int fd, char *err, size_t errlen)
{
	long n = lab_read_to_eof(fd, NULL, 0, err, errlen);
	if (n >= 0)
		lab_pair_note(p, "server received %ld of %ld bytes: TCP repaired every loss", n,
		              LOSSY_BYTES);
	lab_sleep_ms(LAB_SERVER_PAUSE_MS);
	close(fd);
	return n == LOSSY_BYTES ? 0 : -1;
}

/* Packets counted by the rule with this handle, -1 when unknown. */
static long nft_rule_packets(const struct sf_lab_env *env, long handle)
{
	char out[4096], err[256], cmd[96];
	snprintf(cmd, sizeof(cmd), "-a list chain inet %s input", LAB_NFT_TABLE);
	char *argv[] = {"ip", "netns", "exec", (char *)env->ns_server, "nft", cmd, NULL};
	if (lab_run_cmd_out(argv, out, sizeof(out), err, sizeof(err)) < 0)
		return -1;
	char tag[32];
	snprintf(tag, sizeof(tag), "# handle %ld", handle);
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *pk = strstr(line, "packets ");
		if (pk && strstr(line, tag))
			return strtol(pk + 8, NULL, 10);
	}
	return -1;
}

int lab_run_lossy(const struct sf_lab_env *env, struct sf_lab_result *res, char *err, size_t errlen)
{
	/* Only the client's pure data segments: never SYN, FIN or RST, so the connection opens
	 * and closes cleanly and every loss is repaired by retransmission. */
	char rule[256];
	snprintf(rule, sizeof(rule),
	         "tcp dport %u tcp flags & (syn | fin | rst) == 0 ip length > 100 "
	         "numgen random mod 100 < %d counter drop",
	         env->port, LOSSY_DROP_PERCENT);
	long h = lab_nft_add(env, rule, err, errlen);
	if (h < 0)
		return -1;
	struct lab_pair p = {
	    .env = env, .res = res, .server = lossy_server, .client = lossy_client};
	int rc = lab_pair_run(&p, err, errlen);
	res->client_port = p.client_port;
	long dropped = nft_rule_packets(env, h);
	if (dropped >= 0)
		sf_lab_note(res,
		            "nftables dropped %ld of the client's data segments (%d%% at random)",
		            dropped, LOSSY_DROP_PERCENT);
	return rc;
}
