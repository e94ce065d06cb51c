/* synfin lab — what tracking and analysis observed about each connection of a run.
 *
 * A pipeline sink that keeps, for every connection the tracker ends, what the lab compares:
 * the kinds, the state sequence of each endpoint (collected from the transitions the tracker
 * reports on each packet: the connection record keeps only the current states),
 * and the retransmitted segments and duplicate ACKs the analysis layer flagged on its packets
 * (Wireshark's tcp.analysis rules; none when the pipeline runs without analysis).
 *
 * The sink is called from the capture thread only; it is read after the capture is joined.
 */
#include <stdlib.h>
#include <string.h>

#include "synfin/analysis.h"
#include "synfin/conn.h"
#include "synfin/lab.h"
#include "synfin/pipeline.h"

struct obs_conn {
	uint64_t stream;
	uint16_t port[2]; /* client, server */
	bool ended;
	uint64_t retrans, dup_acks;
	unsigned n_states[2];                     /* client, server */
	const char *states[2][SF_LAB_MAX_STATES]; /* initial state, then each state entered */
	struct sf_lab_observed obs;
};

struct sf_lab_observer {
	struct obs_conn conns[SF_LAB_MAX_CONNS];
	size_t n;
	uint64_t seen; /* connections opened, including those beyond the table */
};

static struct obs_conn *find_conn(struct sf_lab_observer *ob, uint64_t stream)
{
	for (size_t i = ob->n; i-- > 0;)
		if (ob->conns[i].stream == stream)
			return &ob->conns[i];
	return NULL;
}

static void on_opened(void *self, const struct sf_conn *c)
{
	struct sf_lab_observer *ob = self;
	ob->seen++;
	if (ob->n == SF_LAB_MAX_CONNS)
		return;
	struct obs_conn *oc = &ob->conns[ob->n++];
	memset(oc, 0, sizeof(*oc));
	oc->stream = c->stream;
}

/* Appends one transition to its side's sequence (the first one also gives the initial state). */
static void note_transition(struct obs_conn *oc, const struct sf_trans *t)
{
	unsigned side = t->side == SF_SIDE_CLIENT ? 0 : 1;
	unsigned *n = &oc->n_states[side];
	if (*n == 0)
		oc->states[side][(*n)++] = sf_conn_state_name(t->from);
	if (*n < SF_LAB_MAX_STATES)
		oc->states[side][(*n)++] = sf_conn_state_name(t->to);
}

/* State changes, as tracking reports them packet by packet; retransmissions (plain, fast or
 * spurious) and duplicate ACKs as the analysis layer flags them: the lab counts what
 * `synfin packets` and the filters call tcp.analysis.*. */
static void on_packet(void *self, const struct sf_pkt_view *v)
{
	if (!v->conn)
		return;
	struct obs_conn *oc = find_conn(self, v->conn->stream);
	if (!oc || oc->ended)
		return;
	if (v->trk)
		for (unsigned i = 0; i < v->trk->n_trans; i++)
			note_transition(oc, &v->trk->trans[i]);
	if (!v->ana)
		return;
	if (v->ana->flags &
	    (SF_ANA_RETRANSMISSION | SF_ANA_FAST_RETRANSMISSION | SF_ANA_SPURIOUS_RETRANS))
		oc->retrans++;
	if (v->ana->flags & SF_ANA_DUPLICATE_ACK)
		oc->dup_acks++;
}

/* The sequence of one side; a side that never changed had its final state all along. */
static unsigned state_sequence(const struct obs_conn *oc, const struct sf_conn *c, unsigned side,
                               const char **out)
{
	unsigned n = oc->n_states[side];
	memcpy(out, oc->states[side], n * sizeof(*out));
	if (n == 0)
		out[n++] = sf_conn_state_name(c->state[side]);
	return n;
}

static void on_closed(void *self, const struct sf_conn *c)
{
	struct obs_conn *oc = find_conn(self, c->stream);
	if (!oc)
		return;
	oc->ended = true;
	oc->port[0] = c->port[0];
	oc->port[1] = c->port[1];
	struct sf_lab_observed *o = &oc->obs;
	o->found = true;
	o->open_kind = sf_open_kind_name(c->open_kind);
	o->close_kind = sf_close_kind_name(c->close_kind);
	o->syn_retries = c->syn_retries;
	o->retransmissions = oc->retrans;
	o->n_client_states = state_sequence(oc, c, 0, o->client_states);
	o->n_server_states = state_sequence(oc, c, 1, o->server_states);
}

/* The scenario's connection: the last one from client_port to the server port (a retried
 * scenario leaves earlier attempts before it); with no client port, the only one. */
static const struct obs_conn *pick(const struct sf_lab_observer *ob, uint16_t server_port,
                                   uint16_t client_port)
{
	for (size_t i = ob->n; i-- > 0;) {
		const struct obs_conn *oc = &ob->conns[i];
		if (!oc->ended || oc->port[1] != server_port)
			continue;
		if (client_port == 0 || oc->port[0] == client_port)
			return oc;
	}
	return NULL;
}

struct sf_lab_observer *sf_lab_observer_new(void)
{
	return calloc(1, sizeof(struct sf_lab_observer));
}

struct sf_sink sf_lab_observer_sink(struct sf_lab_observer *ob)
{
	struct sf_sink s = {
	    .self = ob, .packet = on_packet, .conn_opened = on_opened, .conn_closed = on_closed};
	return s;
}

uint64_t sf_lab_observer_conns(const struct sf_lab_observer *ob)
{
	return ob->seen;
}

bool sf_lab_observer_pick(const struct sf_lab_observer *ob, uint16_t server_port,
                          uint16_t client_port, struct sf_lab_observed *o, uint64_t *stream,
                          uint64_t *dup_acks)
{
	const struct obs_conn *oc = pick(ob, server_port, client_port);
	memset(o, 0, sizeof(*o));
	if (!oc)
		return false;
	*o = oc->obs;
	*stream = oc->stream;
	*dup_acks = oc->dup_acks;
	return true;
}

void sf_lab_observer_free(struct sf_lab_observer *ob)
{
	free(ob);
}
