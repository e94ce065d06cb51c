/* synfin — BPF capture filters on capture files.
 *
 * libpcap compiles a filter for one link type; a pcapng file may mix several. So the program
 * is compiled against a dead handle per link type, on the first frame of that type, and kept
 * (at most SF_BPF_MAX_LINKTYPES). Frames are matched with pcap_offline_filter, so frames the
 * filter drops still count in the file's frame numbers (unlike pcap_setfilter on a savefile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/source_priv.h"

const char *sf_bpf_reason(const char *pcap_msg)
{
	/* libpcap 1.10 puts this before every parser message; the expression we print instead
	 * says what was being parsed. */
	static const char prefix[] = "can't parse filter expression: ";
	if (strncmp(pcap_msg, prefix, sizeof(prefix) - 1) == 0)
		return pcap_msg + sizeof(prefix) - 1;
	return pcap_msg;
}

static struct sf_bpf_prog *prog_for(struct sf_bpf_cache *c, int linktype)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->progs[i].linktype == linktype)
			return &c->progs[i];
	if (c->n == SF_BPF_MAX_LINKTYPES)
		return NULL;
	struct sf_bpf_prog *p = &c->progs[c->n++];
	memset(p, 0, sizeof(*p));
	p->linktype = linktype;
	pcap_t *dead = pcap_open_dead(sf_linktype_to_dlt(linktype), (int)SF_MAX_CAPLEN);
	if (!dead) {
		snprintf(p->err, sizeof(p->err), "out of memory");
		return p;
	}
	if (pcap_compile(dead, &p->prog, c->expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
		p->ok = true;
	else
		snprintf(p->err, sizeof(p->err), "%s", sf_bpf_reason(pcap_geterr(dead)));
	pcap_close(dead);
	return p;
}

void sf_bpf_file_free(struct sf_bpf_cache *c)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->progs[i].ok)
			pcap_freecode(&c->progs[i].prog);
	c->n = 0;
	free(c->expr);
	c->expr = NULL;
}

int sf_bpf_file_set(struct sf_source *s, const char *expr, char *err, size_t errlen)
{
	sf_bpf_file_free(&s->bpf);
	if (!expr || !*expr)
		return 0;
	s->bpf.expr = strdup(expr);
	if (!s->bpf.expr) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Compile now, so a syntax error is reported before any frame is read. A file whose
	 * interfaces are not known yet is checked against Ethernet. */
	int lt = sf_source_linktype(s);
	const struct sf_bpf_prog *p = prog_for(&s->bpf, lt >= 0 ? lt : 1);
	if (!p->ok) {
		snprintf(err, errlen, "bad capture filter '%s': %s", expr, p->err);
		sf_bpf_file_free(&s->bpf);
		return -1;
	}
	return 0;
}

int sf_bpf_file_match(struct sf_source *s, const struct sf_frame *f, char *why, size_t whylen)
{
	const struct sf_bpf_prog *p = prog_for(&s->bpf, f->linktype);
	if (!p) {
		snprintf(why, whylen, "capture filter: more than %d link types in one file",
		         SF_BPF_MAX_LINKTYPES);
		return -1;
	}
	if (!p->ok) {
		snprintf(why, whylen, "capture filter '%s' cannot apply to link type %d: %s",
		         s->bpf.expr, f->linktype, p->err);
		return -1;
	}
	struct pcap_pkthdr h = {.caplen = f->caplen, .len = f->wirelen};
	return pcap_offline_filter(&p->prog, &h, f->data) != 0;
}
