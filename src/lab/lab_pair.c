/* synfin lab — server and client threads over one connection. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab_pair.h"
#include "lab/lab_sock.h"

static void *server_main(void *arg)
{
	struct lab_pair *p = arg;
	int lfd = -1;
	if (lab_enter_ns(p->env->server_nsfd, p->serr, sizeof(p->serr)) == 0)
		lfd = lab_listen(p->env->server_ip, p->env->port, p->serr, sizeof(p->serr));
	pthread_mutex_lock(&p->mu);
	p->listening = lfd >= 0;
	p->server_gave_up = lfd < 0;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (lfd < 0)
		return NULL;
	int fd = lab_accept(lfd, p->serr, sizeof(p->serr));
	close(lfd);
	if (fd >= 0 && p->server(p, fd, p->serr, sizeof(p->serr)) < 0 && !p->serr[0])
		snprintf(p->serr, sizeof(p->serr), "server failed");
	return NULL;
}

static bool wait_listening(struct lab_pair *p)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += LAB_IO_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&p->mu);
	while (!p->listening && !p->server_gave_up)
		if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT)
			break;
	bool ok = p->listening;
	pthread_mutex_unlock(&p->mu);
	return ok;
}

static void *client_main(void *arg)
{
	struct lab_pair *p = arg;
	if (lab_enter_ns(p->env->client_nsfd, p->cerr, sizeof(p->cerr)) < 0)
		return NULL;
	if (!wait_listening(p)) {
		snprintf(p->cerr, sizeof(p->cerr), "the server never listened");
		return NULL;
	}
	int fd = lab_socket_bound(p->env->client_ip, 0, p->cerr, sizeof(p->cerr));
	if (fd < 0)
		return NULL;
	int e;
	uint64_t t0 = lab_now_ms();
	int rc = lab_connect(fd, p->env->server_ip, p->env->port, &e);
	p->connect_ms = (unsigned)(lab_now_ms() - t0);
	if (rc < 0) {
		snprintf(p->cerr, sizeof(p->cerr), "connect to port %u: %s", p->env->port,
		         strerror(e));
		close(fd);
		return NULL;
	}
	p->client_port = lab_local_port(fd);
	if (p->client(p, fd, p->cerr, sizeof(p->cerr)) < 0 && !p->cerr[0])
		snprintf(p->cerr, sizeof(p->cerr), "client failed");
	return NULL;
}

int lab_pair_run(struct lab_pair *p, char *err, size_t errlen)
{
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->listening = p->server_gave_up = false;
	atomic_store(&p->arrived, 0);
	p->serr[0] = p->cerr[0] = '\0';
	p->client_port = 0;

	pthread_t st, ct;
	int rc = -1;
	if (pthread_create(&st, NULL, server_main, p) != 0) {
		snprintf(err, errlen, "cannot start the server thread");
		goto out;
	}
	if (pthread_create(&ct, NULL, client_main, p) != 0) {
		snprintf(p->cerr, sizeof(p->cerr), "cannot start the client thread");
		/* The server gives up by itself: accept() is bounded. */
		pthread_join(st, NULL);
	} else {
		pthread_join(ct, NULL);
		pthread_join(st, NULL);
	}
	if (p->serr[0] || p->cerr[0])
		snprintf(err, errlen, "%s%s%s%s%s", p->serr[0] ? "server: " : "", p->serr,
		         p->serr[0] && p->cerr[0] ? "; " : "", p->cerr[0] ? "client: " : "",
		         p->cerr);
	else
		rc = 0;
out:
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	return rc;
}

void lab_pair_note(struct lab_pair *p, const char *fmt, ...)
{
	char text[SF_LAB_NOTE_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->mu);
	sf_lab_note(p->res, "%s", text);
	pthread_mutex_unlock(&p->mu);
}

int lab_pair_meet(struct lab_pair *p)
{
	atomic_fetch_add(&p->arrived, 1);
	uint64_t until = lab_now_ms() + LAB_IO_TIMEOUT_MS;
	while (atomic_load(&p->arrived) < 2)
		if (lab_now_ms() > until)
			return -1;
	return 0;
}
