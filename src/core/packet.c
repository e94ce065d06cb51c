/* synfin — events attached to a packet, and what its options say on their own (D-SACK). */
#include "synfin/packet.h"

bool sf_packet_has_event(const struct sf_packet *p, enum sf_event ev)
{
	for (unsigned i = 0; i < p->n_events; i++)
		if (p->events[i] == (uint16_t)ev)
			return true;
	return false;
}

void sf_packet_add_event(struct sf_packet *p, enum sf_event ev)
{
	if (sf_packet_has_event(p, ev))
		return;
	if (p->n_events < SF_MAX_PKT_EVENTS)
		p->events[p->n_events++] = (uint16_t)ev;
	else if (p->n_events_lost < UINT8_MAX)
		p->n_events_lost++;
}

bool sf_packet_dsack(const struct sf_packet *p, struct sf_sack_block *dsack)
{
	if (!p->has_tcp || p->n_sack == 0)
		return false;
	const struct sf_sack_block *b = p->sack;
	if (!sf_seq_lt(p->ack, b[0].right) || (p->n_sack >= 2 && sf_seq_lt(b[1].left, b[0].right) &&
	                                       !sf_seq_lt(b[1].right, b[0].right))) {
		*dsack = b[0];
		return true;
	}
	return false;
}
