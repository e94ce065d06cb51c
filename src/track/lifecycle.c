/* synfin — the lifecycle summary of a connection, written when its record ends. */
#include "track_int.h"

/* live: the record has not ended, so a connection without both FINs or a RST is still open
 * (SF_CLOSE_NONE) rather than unterminated. */
static enum sf_close_kind close_kind(const struct trk_rec *r, bool live)
{
	bool both_fin = r->side[0].fin_sent && r->side[1].fin_sent;
	if (r->reset && !both_fin)
		return SF_CLOSE_RST_ABORT;
	if (!both_fin)
		return live ? SF_CLOSE_NONE : SF_CLOSE_UNTERMINATED;
	if (r->closing_seen)
		return SF_CLOSE_SIMULTANEOUS;
	if (r->c.data_after_fin)
		return SF_CLOSE_HALF_CLOSE;
	return r->merged_fin ? SF_CLOSE_THREE_WAY : SF_CLOSE_FOUR_WAY;
}

void trk_lifecycle_finish(struct trk_rec *r)
{
	struct sf_conn *c = &r->c;
	c->close_kind = (uint8_t)close_kind(r, false);
	if (c->close_kind == SF_CLOSE_RST_ABORT)
		c->closer = (uint8_t)r->reset_by;
	else if (r->fin_first)
		c->closer = (uint8_t)r->fin_first;
	c->time_wait_end = (c->state[0] == SF_TCP_TIME_WAIT || c->state[1] == SF_TCP_TIME_WAIT) &&
	                   c->end_reason != SF_END_TIME_WAIT;
	if (c->open_kind == SF_OPEN_UNANSWERED && c->syn_retries && r->synack_seen)
		c->open_kind = SF_OPEN_SYN_RETRIED;
	c->zeek_state = (uint8_t)trk_zeek_conn_state(r);
}

/* The same rules as trk_lifecycle_finish, applied to a live record without changing it: what
 * the display filter's conn.* fields show for a packet ("as known so far"). */
void sf_conn_now(const struct sf_conn *c, struct sf_conn_now *out)
{
	const struct trk_rec *r =
	    (const struct trk_rec *)(const void *)c; /* c is the first member */
	out->close_kind = (uint8_t)close_kind(r, true);
	out->closer = SF_SIDE_NONE;
	if (out->close_kind == SF_CLOSE_RST_ABORT)
		out->closer = r->reset_by;
	else if (r->fin_first)
		out->closer = r->fin_first;
	out->open_kind = c->open_kind;
	if (c->open_kind == SF_OPEN_UNANSWERED && c->syn_retries && r->synack_seen)
		out->open_kind = SF_OPEN_SYN_RETRIED;
	out->zeek_state = (uint8_t)trk_zeek_conn_state(r);
}
