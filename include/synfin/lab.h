/* synfin — the lab: real TCP connections made by the kernel, captured and checked.
 *
 * A scenario runs a real server and client (threads with their own sockets) on loopback, or in
 * a pair of network namespaces joined by veth when it needs packets dropped (nftables) or
 * offloads turned off (ethtool). It knows what it expects the capture to show: the open kind,
 * the close kind and the state sequence of each endpoint (RFC 9293 §3.3.2 names).
 *
 *   sf_lab_env_open()    port choice; namespaces, veth, nftables table (netns scenarios)
 *   scenario->run()      server and client threads; socket-side facts into sf_lab_result
 *   sf_lab_env_close()   removes what env_open created, also after a failure
 *
 * The capture around run() and the comparison with what tracking observed live in lab_run.c;
 * this layer never prints (the CLI does), errors go to the caller's buffer.
 *
 * Traffic never leaves loopback or the namespaces created here.
 */
#ifndef SYNFIN_LAB_H
#define SYNFIN_LAB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SF_LAB_MAX_STATES 10 /* states in one expected endpoint sequence */
#define SF_LAB_MAX_NOTES  8  /* socket-side facts kept per run */
#define SF_LAB_NOTE_LEN   160

/* What a scenario needs from its environment. */
enum {
	SF_LAB_NEEDS_NETNS =
	    1u << 0,                /* namespace pair + veth (root: CAP_SYS_ADMIN, CAP_NET_ADMIN) */
	SF_LAB_NEEDS_NFT = 1u << 1, /* an nftables table in the server namespace */
	SF_LAB_SLOW = 1u << 2       /* takes seconds (SYN back-off, TIME-WAIT wait) */
};

/* What the capture must show for one connection. Kind and state names are the ones the
 * tracker prints ("three-way", "four-way", "SYN-SENT" …); see lab_table.c. */
struct sf_lab_expect {
	const char *open_kind;
	const char *close_kind;
	const char *client_states[SF_LAB_MAX_STATES]; /* NULL-terminated, first = initial state */
	const char *server_states[SF_LAB_MAX_STATES];
	unsigned min_syn_retries;  /* syn-retry: SYN retransmissions at least */
	bool want_retransmissions; /* lossy: retransmitted segments seen */
};

/* Where a scenario runs. Loopback: both namespace fds are -1 and addresses are 127.0.0.1. */
struct sf_lab_env {
	unsigned needs;     /* SF_LAB_NEEDS_* of the scenario */
	bool netns;         /* a namespace pair was created */
	char ns_client[32]; /* namespace names ("sflab-<pid>-c") */
	char ns_server[32];
	char veth_client[16]; /* veth ends, client side is where the lab captures */
	char veth_server[16];
	int client_nsfd; /* open fds on the namespaces (setns targets), or -1 */
	int server_nsfd;
	struct in_addr client_ip; /* 127.0.0.1 on loopback; 10.213.0.1 / .2 in namespaces */
	struct in_addr server_ip;
	uint16_t port;             /* server port: given (--port) or an unused high port */
	uint16_t port2;            /* a second unused port (simultaneous open: the peer's port) */
	const char *capture_iface; /* "lo" or veth_client */
	int capture_nsfd;          /* namespace to open the capture in, or -1 for the caller's */
	bool nft_table;            /* the nftables table exists (deleted on close) */
};

/* Facts a scenario learnt from its sockets (errno of connect, what the kernel's socket table
 * showed) to print beside what the capture shows. */
struct sf_lab_result {
	unsigned n_notes;
	char notes[SF_LAB_MAX_NOTES][SF_LAB_NOTE_LEN];
	uint16_t client_port;  /* client port of the connection to explain (0 = the only one) */
	bool kernel_time_wait; /* the kernel listed the active closer in TIME-WAIT */
	unsigned time_wait_ms; /* how long the kernel still meant to keep it */
	unsigned attempts;     /* simultaneous-close: connections tried */
};

struct sf_lab_scenario {
	const char *name;    /* "handshake" */
	const char *summary; /* one line for `synfin lab --list` */
	unsigned needs;      /* SF_LAB_NEEDS_* | SF_LAB_SLOW */
	struct sf_lab_expect expect;
	/* Runs server and client once. 0 when the sockets did what the scenario asks; -1 with a
	 * message in err when they could not (the capture is still worth showing). */
	int (*run)(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
	           size_t errlen);
};

/* The scenario table, in the order `lab all` runs it. */
const struct sf_lab_scenario *sf_lab_scenarios(size_t *count);
/* Scenario by name, NULL when unknown. */
const struct sf_lab_scenario *sf_lab_scenario_find(const char *name);

/* Prepares the environment of a scenario. port 0 = pick an unused high port. On failure
 * everything created so far is removed. Namespace scenarios say plainly when not root. */
int sf_lab_env_open(struct sf_lab_env *env, unsigned needs, uint16_t port, char *err,
                    size_t errlen);
/* Removes namespaces, veth and nftables table; safe on a half-open or closed env. */
void sf_lab_env_close(struct sf_lab_env *env);

/* Moves the calling thread into the namespace where the lab captures (no-op on loopback), so
 * that a capture opened next sees the scenario's interface; *saved gets a handle on the
 * previous namespace (or -1) for sf_lab_capture_ns_leave(). */
int sf_lab_capture_ns_enter(const struct sf_lab_env *env, int *saved, char *err, size_t errlen);
/* Returns to the namespace saved by sf_lab_capture_ns_enter() and closes the handle. */
void sf_lab_capture_ns_leave(int saved);

/* Adds a socket-side fact to a result (printf-style, cut to SF_LAB_NOTE_LEN). */
void sf_lab_note(struct sf_lab_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Counts TIME-WAIT sockets in the caller's namespace from local port lport to remote port
 * rport (IPv4, /proc/net/tcp: st 06), -1 when the table cannot be read. *remaining_ms (may be
 * NULL) gets the time left on the TIME-WAIT timer of the last one found. */
int sf_lab_kernel_time_wait(uint16_t lport, uint16_t rport, unsigned *remaining_ms);
/* Same over the text of a /proc/net/tcp table (tests). */
int sf_lab_parse_time_wait(const char *table, uint16_t lport, uint16_t rport,
                           unsigned *remaining_ms);

/* ---- expected versus observed (lab_compare.c) --------------------------------------------- */

/* What tracking observed about the scenario's connection (filled by the caller from the
 * tracker's record; names as the tracker prints them). */
struct sf_lab_observed {
	bool found;             /* the connection was in the capture */
	const char *open_kind;  /* "three-way" … */
	const char *close_kind; /* "four-way" … */
	unsigned syn_retries;   /* extra SYNs from the client */
	uint64_t retransmissions;
	const char *client_states[SF_LAB_MAX_STATES]; /* initial state, then each new state */
	const char *server_states[SF_LAB_MAX_STATES];
	unsigned n_client_states, n_server_states;
};

#define SF_LAB_MAX_FINDINGS 8
struct sf_lab_verdict {
	bool agree; /* everything expected was observed */
	unsigned n_findings;
	char findings[SF_LAB_MAX_FINDINGS][200]; /* plain sentences: what differed, and why */
};

/* Compares what a scenario expects with what was observed (and what the kernel reported in
 * res), saying plainly what the kernel did instead. */
void sf_lab_compare(const struct sf_lab_scenario *sc, const struct sf_lab_observed *o,
                    const struct sf_lab_result *res, struct sf_lab_verdict *v);
/* "CLOSED → SYN-SENT → ESTABLISHED" into buf; returns buf. */
char *sf_lab_states_str(const char *const *states, unsigned n, char *buf, size_t len);

/* ---- capture around a scenario (lab_capture.c) -------------------------------------------- */

struct sf_pipeline;
struct sf_writer;
struct sf_lab_capture;

/* Opens a live capture on the scenario's interface (in its namespace), immediate mode, with
 * the BPF filter "tcp port <env->port>", and starts a thread that feeds every frame to the
 * pipeline (and to the writer first, when w is not NULL). Started before the client
 * connects. NULL with err (CAP_NET_RAW missing, …). */
struct sf_lab_capture *sf_lab_capture_start(const struct sf_lab_env *env, struct sf_pipeline *pl,
                                            struct sf_writer *w, char *err, size_t errlen);
/* Waits settle_ms for the last segments, stops the capture and joins its thread. Returns 0,
 * or -1 when reading or writing broke (err says which); the capture is freed either way.
 * Frames seen / dropped by the kernel go to *frames and *dropped (may be NULL). */
int sf_lab_capture_stop(struct sf_lab_capture *c, unsigned settle_ms, uint64_t *frames,
                        uint64_t *dropped, char *err, size_t errlen);

/* ---- what tracking observed (lab_observe.c) ----------------------------------------------- */

struct sf_sink;
struct sf_lab_observer;
/* A pipeline sink recording, for every connection tracking ends (at most SF_LAB_MAX_CONNS),
 * its kinds, each endpoint's state sequence, and the retransmitted segments and duplicate ACKs
 * the analysis layer flagged (tcp.analysis.*). NULL when out of memory. */
struct sf_lab_observer *sf_lab_observer_new(void);
struct sf_sink sf_lab_observer_sink(struct sf_lab_observer *ob);
/* Connections opened during the run. */
uint64_t sf_lab_observer_conns(const struct sf_lab_observer *ob);
/* The last ended connection from client_port (0 = any) to server_port into *o, its tcp.stream
 * and duplicate ACKs; false (and o->found false) when there is none. */
bool sf_lab_observer_pick(const struct sf_lab_observer *ob, uint16_t server_port,
                          uint16_t client_port, struct sf_lab_observed *o, uint64_t *stream,
                          uint64_t *dup_acks);
void sf_lab_observer_free(struct sf_lab_observer *ob);

/* ---- one scenario from start to verdict (lab_run.c) --------------------------------------- */

struct sf_lab_run_opts {
	uint16_t port;          /* server port, 0 = an unused high port */
	const char *write_path; /* also write the capture here (pcap, ns timestamps); NULL none */
	bool pcapng;            /* write pcapng instead of pcap */
	unsigned settle_ms;     /* wait for the last segments before stopping; 0 = 300 ms */
};

#define SF_LAB_MAX_CONNS 128 /* connections of one run whose observation is kept */

/* Everything one run of a scenario produced. */
struct sf_lab_outcome {
	const struct sf_lab_scenario *scenario;
	uint16_t port; /* the server port used */
	struct sf_lab_result res;
	int run_rc;                 /* what scenario->run() returned */
	char run_err[256];          /* its message when it failed */
	struct sf_lab_observed obs; /* the connection with res.client_port, as tracked */
	uint64_t stream;            /* its tcp.stream (valid when obs.found) */
	uint64_t conns;             /* connections tracked in the capture */
	uint64_t dup_acks;          /* duplicate ACKs on that connection */
	uint64_t frames;            /* frames the pipeline read */
	uint64_t dropped;           /* frames the kernel dropped (should be 0) */
	int capture_rc;             /* 0, or -1 when reading or writing the capture broke */
	char capture_err[256];
	struct sf_lab_verdict verdict;
};

/* Runs a scenario: prepares its environment, captures it live through a tracking pipeline,
 * finds the connection with res.client_port in what tracking observed and compares it with
 * the scenario's expectation. Returns 0 once the capture ran (out says how it went, even when
 * the sockets misbehaved), -1 with err when the scenario could not start at all (not root,
 * no CAP_NET_RAW, the -w file cannot be created, …). Always removes what it created. */
int sf_lab_run(const struct sf_lab_scenario *sc, const struct sf_lab_run_opts *o,
               struct sf_lab_outcome *out, char *err, size_t errlen);

#endif
