/* synfin tests — segment builder (see helper_seg.h). */
#include <stdlib.h>
#include <string.h>

#include "helper_seg.h"

static uint16_t g_port_a = 40000, g_port_b = 80;
static uint8_t g_host_a = 1, g_host_b = 2;

void hseg_set_endpoints(uint16_t port_a, uint16_t port_b, uint8_t host_a, uint8_t host_b)
{
	g_port_a = port_a;
	g_port_b = port_b;
	g_host_a = host_a;
	g_host_b = host_b;
}

static void addr4(struct sf_addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->a[0] = 10;
	a->a[3] = last;
}

void hseg_build(struct sf_packet *p, struct sf_frame *f, const struct hseg *s, uint64_t number)
{
	memset(p, 0, sizeof(*p));
	memset(f, 0, sizeof(*f));
	int64_t us = INT64_C(1000000) * 1000000 + s->t_us;
	f->ts_sec = us / 1000000;
	f->ts_nsec = (uint32_t)(us % 1000000) * 1000;
	f->number = f->file_frame = number;
	p->frame = f;
	p->layer = SF_LAYER_TRANSPORT;
	p->ip_version = 4;
	p->ip_proto = 6;
	addr4(&p->src, s->from_a ? g_host_a : g_host_b);
	addr4(&p->dst, s->from_a ? g_host_b : g_host_a);
	p->sport = s->from_a ? g_port_a : g_port_b;
	p->dport = s->from_a ? g_port_b : g_port_a;
	p->has_tcp = true;
	p->seq = s->seq;
	p->ack = s->ack;
	p->flags = s->flags;
	p->tcp_hdr_len = 20;
	p->tcp_len = p->payload_caplen = s->len;
	p->window = s->win ? s->win : 65535;
	p->tcp_checksum_ok = -1;
	p->ip_checksum_ok = -1;
}

void hseg_build_nth_syn(struct sf_packet *p, struct sf_frame *f, unsigned i, uint8_t host_a,
                        uint64_t number)
{
	hseg_set_endpoints((uint16_t)(1024 + i), 443, host_a, 9);
	const struct hseg syn = {HSEG_A, SF_TCP_SYN, i, 0, 0, i, 0};
	hseg_build(p, f, &syn, number);
}

static void on_open(void *self, const struct sf_conn *c)
{
	(void)c;
	((struct hseg_run *)self)->n_opened++;
}

static void on_ending(void *self, uint32_t slot)
{
	struct hseg_run *run = self;
	if (slot < sizeof(run->named))
		run->named[slot] = true;
}

static void on_close(void *self, const struct sf_conn *c)
{
	struct hseg_run *run = self;
	uint32_t slot = sf_conn_slot(c);
	if (slot < sizeof(run->named) && run->named[slot]) { /* named as about to end: it did */
		run->named[slot] = false;
		run->n_ended_hinted++;
	}
	if (run->n_closed < HSEG_MAX_CONNS)
		run->closed[run->n_closed] = *c;
	run->n_closed++;
}

void hseg_run_init(struct hseg_run *run, const struct sf_track_cfg *cfg)
{
	memset(run, 0, sizeof(*run));
	struct sf_track_hooks h = {
	    .self = run, .opened = on_open, .closed = on_close, .ending = on_ending};
	char err[128];
	run->t = sf_tracker_new(cfg, &h, err, sizeof(err));
	run->next_frame = 1;
}

const struct sf_conn *hseg_feed(struct hseg_run *run, const struct hseg *segs, unsigned n)
{
	const struct sf_conn *c = NULL;
	for (unsigned i = 0; i < n && i < 64; i++) {
		hseg_build(&run->pkt[i], &run->frame[i], &segs[i], run->next_frame++);
		c = sf_tracker_process(run->t, &run->pkt[i], &run->trk[i]);
	}
	return c;
}

void hseg_run_end(struct hseg_run *run)
{
	sf_tracker_flush(run->t);
	sf_tracker_free(run->t);
	run->t = NULL;
}
