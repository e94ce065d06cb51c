/* Builders of decoded packets for the report tests (see helper_report.h). */
#include <arpa/inet.h>
#include <string.h>

#include "helper_report.h"

void rpt_frame(struct sf_frame *f, const uint8_t *bytes, uint32_t caplen, uint64_t n, int64_t sec,
               uint32_t nsec, int linktype)
{
	memset(f, 0, sizeof(*f));
	f->data = bytes;
	f->caplen = caplen;
	f->wirelen = caplen;
	f->number = n;
	f->file_frame = n;
	f->ts_sec = sec;
	f->ts_nsec = nsec;
	f->linktype = linktype;
}

void rpt_addr(struct sf_addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->a) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, text, a->a) == 1)
		a->family = 6;
}

static void rpt_tcp(struct sf_packet *p, const struct sf_frame *f, const char *src, uint16_t sport,
                    const char *dst, uint16_t dport, uint16_t flags)
{
	memset(p, 0, sizeof(*p));
	p->frame = f;
	p->layer = SF_LAYER_TRANSPORT;
	p->has_eth = true;
	p->l2_len = 14;
	rpt_addr(&p->src, src);
	rpt_addr(&p->dst, dst);
	p->ip_version = p->src.family;
	p->ip_proto = 6;
	p->ip_ttl = 64;
	p->l3_off = 14;
	p->has_tcp = true;
	p->sport = sport;
	p->dport = dport;
	p->flags = flags;
	p->tcp_hdr_len = 20;
	p->window = 65535;
	p->ip_checksum_ok = -1;
	p->tcp_checksum_ok = -1;
}

void rpt_tcp4(struct sf_packet *p, const struct sf_frame *f, const char *src, uint16_t sport,
              const char *dst, uint16_t dport, uint16_t flags)
{
	rpt_tcp(p, f, src, sport, dst, dport, flags);
	p->ethertype = 0x0800;
	p->l3_hdr_len = 20;
	p->l4_off = 34;
	p->ip_len = p->ip_len_used = 40;
	p->payload_off = 54;
}

void rpt_tcp6(struct sf_packet *p, const struct sf_frame *f, const char *src, uint16_t sport,
              const char *dst, uint16_t dport, uint16_t flags)
{
	rpt_tcp(p, f, src, sport, dst, dport, flags);
	p->ethertype = 0x86dd;
	p->ip6_nxt = 6;
	p->l3_hdr_len = 40;
	p->l4_off = 54;
	p->ip_len = p->ip_len_used = 60;
	p->payload_off = 74;
}

void rpt_add_opt(struct sf_packet *p, uint8_t kind, uint8_t len)
{
	if (p->n_opts >= SF_MAX_TCP_OPTS)
		return;
	uint8_t off = 20;
	if (p->n_opts)
		off = (uint8_t)(p->opts[p->n_opts - 1].off + p->opts[p->n_opts - 1].len);
	p->opts[p->n_opts].kind = kind;
	p->opts[p->n_opts].len = len;
	p->opts[p->n_opts].off = off;
	p->n_opts++;
}
