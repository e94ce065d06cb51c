/* synfin — events attached to a packet. */
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
