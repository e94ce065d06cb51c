/* synfin lab — expected versus observed, in plain words.
 *
 * The kernel is the authority: when the capture shows something other than what a scenario
 * aimed for, the lab says what happened and why it can happen ("the server's FIN was merged
 * with its ACK this time"), rather than just "mismatch". Known ways Linux departs from a
 * scenario's aim are listed in explain_kind_difference().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "synfin/lab.h"

static void finding(struct sf_lab_verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void finding(struct sf_lab_verdict *v, const char *fmt, ...)
{
	v->agree = false;
	if (v->n_findings >= SF_LAB_MAX_FINDINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->findings[v->n_findings++], sizeof(v->findings[0]), fmt, ap);
	va_end(ap);
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

char *sf_lab_states_str(const char *const *states, unsigned n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && states[i] && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " → " : "", states[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

static unsigned count_states(const char *const *st)
{
	unsigned n = 0;
	while (n < SF_LAB_MAX_STATES && st[n])
		n++;
	return n;
}

/* Why the close (or open) may differ from the aim, for the differences Linux really shows. */
static const char *explain_kind_difference(const char *expected, const char *observed, bool open)
{
	if (open) {
		if (same(expected, "syn-retried") && same(observed, "three-way"))
			return "no SYN was retransmitted: the first SYN got through";
		if (same(expected, "simultaneous-open"))
			return "the SYNs did not cross: one was answered before the other was sent";
		return NULL;
	}
	if (same(expected, "four-way") && same(observed, "three-way"))
		return "the server's FIN was merged with its ACK this time (it closed before its "
		       "delayed ACK left)";
	if (same(expected, "three-way") && same(observed, "four-way"))
		return "the server's ACK of the client's FIN left on its own this time, and its "
		       "FIN "
		       "followed separately";
	if (same(expected, "simultaneous"))
		return "the FINs did not cross this time: one FIN reached its peer before the peer "
		       "called shutdown()";
	if (same(expected, "half-close") &&
	    (same(observed, "four-way") || same(observed, "three-way")))
		return "no data flowed after the first FIN";
	return NULL;
}

static void compare_kind(struct sf_lab_verdict *v, const char *what, const char *expected,
                         const char *observed, bool open)
{
	if (same(expected, observed))
		return;
	const char *why = explain_kind_difference(expected, observed, open);
	finding(v, "%s: expected %s, observed %s%s%s", what, expected, observed ? observed : "none",
	        why ? ": " : "", why ? why : "");
}

static void compare_states(struct sf_lab_verdict *v, const char *who, const char *const *exp,
                           const char *const *obs, unsigned n_obs)
{
	unsigned n_exp = count_states(exp);
	bool eq = n_exp == n_obs;
	for (unsigned i = 0; eq && i < n_exp; i++)
		eq = same(exp[i], obs[i]);
	if (eq)
		return;
	char e[200], o[200];
	sf_lab_states_str(exp, n_exp, e, sizeof(e));
	sf_lab_states_str(obs, n_obs, o, sizeof(o));
	finding(v, "%s states: expected %s; observed %s", who, e, n_obs ? o : "none");
}

void sf_lab_compare(const struct sf_lab_scenario *sc, const struct sf_lab_observed *o,
                    const struct sf_lab_result *res, struct sf_lab_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->agree = true;
	const struct sf_lab_expect *e = &sc->expect;
	if (!o->found) {
		finding(v, "the connection is not in the capture");
		return;
	}
	compare_kind(v, "open", e->open_kind, o->open_kind, true);
	compare_kind(v, "close", e->close_kind, o->close_kind, false);
	compare_states(v, "client", e->client_states, o->client_states, o->n_client_states);
	compare_states(v, "server", e->server_states, o->server_states, o->n_server_states);
	if (o->syn_retries < e->min_syn_retries)
		finding(v, "SYN retransmissions: expected at least %u, observed %u",
		        e->min_syn_retries, o->syn_retries);
	if (e->want_retransmissions && o->retransmissions == 0)
		finding(v, "no retransmission was observed although segments were dropped");
	if (!strcmp(sc->name, "time-wait") && !res->kernel_time_wait)
		finding(v, "the kernel's socket table did not list the client in TIME-WAIT");
	if (!strcmp(sc->name, "simultaneous-close") && !res->kernel_time_wait)
		finding(v, "the kernel never produced crossing FINs in %u attempts", res->attempts);
}
