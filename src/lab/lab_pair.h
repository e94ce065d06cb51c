/* synfin lab — a server thread and a client thread over one connection (private to src/lab).
 *
 * The server thread enters the server namespace, listens, accepts one connection and hands it
 * to p->server; the client thread enters the client namespace, waits until the server listens,
 * connects from an ephemeral port and hands the socket to p->client. Each side function owns
 * its socket and closes it when the scenario says so: close timing is what the lab shows.
 */
#ifndef SYNFIN_LAB_PAIR_H
#define SYNFIN_LAB_PAIR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "synfin/lab.h"

struct lab_pair;
typedef int (*lab_side_fn)(struct lab_pair *p, int fd, char *err, size_t errlen);

struct lab_pair {
	const struct sf_lab_env *env;
	struct sf_lab_result *res;
	lab_side_fn server;
	lab_side_fn client;
	void *ctx; /* scenario data */

	/* filled by lab_pair_run */
	uint16_t client_port;
	unsigned connect_ms; /* how long the client's connect() took */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool listening;
	bool server_gave_up;
	atomic_int arrived; /* lab_pair_meet() */
	char serr[256];
	char cerr[256];
};

/* Runs both threads to their end. 0 when both sides succeeded; -1 with both sides' errors. */
int lab_pair_run(struct lab_pair *p, char *err, size_t errlen);
/* Adds a note to p->res from either thread. */
void lab_pair_note(struct lab_pair *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Both threads return from here at the same moment (a spinning barrier: a sleeping one lets
 * the first thread's FIN reach the peer before the second thread wakes up). -1 after 5 s. */
int lab_pair_meet(struct lab_pair *p);

#endif
