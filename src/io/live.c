/* synfin — live capture through libpcap.
 *
 * pcap_create + options + pcap_activate, so each setting can fail with its own message; the
 * activation error codes become one clear line each (as tcpdump does in its main.c). Frames
 * feed the same pipeline as files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/source_priv.h"

#define LIVE_SNAPLEN 262144
#define LIVE_BUFFER  (4 * 1024 * 1024)
#define LIVE_TIMEOUT 100

/* One line per activation failure, naming the interface and what to do about it. */
static void activation_error(pcap_t *p, int rc, const char *iface, char *err, size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "no such interface: %s", iface);
		break;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen,
		         "permission denied capturing on %s: needs CAP_NET_RAW (run as root or "
		         "grant the capability)",
		         iface);
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(err, errlen, "permission denied putting %s in promiscuous mode", iface);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "interface %s is not up", iface);
		break;
	case PCAP_ERROR_RFMON_NOTSUP:
		snprintf(err, errlen, "interface %s does not support monitor mode", iface);
		break;
	default:
		snprintf(err, errlen, "cannot capture on %s: %s", iface,
		         *pcap_geterr(p) ? pcap_geterr(p) : pcap_statustostr(rc));
		break;
	}
}

struct sf_source *sf_source_open_live(const struct sf_live_opts *o, char *err, size_t errlen)
{
	if (!o || !o->iface || !*o->iface) {
		snprintf(err, errlen, "no interface given");
		return NULL;
	}
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(o->iface, perr);
	if (!p) {
		snprintf(err, errlen, "cannot capture on %s: %s", o->iface, perr);
		return NULL;
	}
	pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : LIVE_SNAPLEN);
	pcap_set_buffer_size(p, o->buffer_bytes > 0 ? o->buffer_bytes : LIVE_BUFFER);
	pcap_set_promisc(p, o->promisc);
	pcap_set_immediate_mode(p, o->immediate);
	pcap_set_timeout(p, o->timeout_ms > 0 ? o->timeout_ms : LIVE_TIMEOUT);
	/* Nanoseconds where the kernel gives them; otherwise libpcap says micro and we scale. */
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(p);
	if (rc < 0) {
		activation_error(p, rc, o->iface, err, errlen);
		pcap_close(p);
		return NULL;
	}
	/* rc > 0 is a warning (e.g. promiscuous mode not supported): the capture works. */
	struct sf_source *s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(o->iface))) {
		free(s);
		pcap_close(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->fmt = SF_FMT_LIVE;
	s->pcap = p;
	s->ts_nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	s->linktype = sf_dlt_to_linktype(pcap_datalink(p));
	s->ng.first_linktype = -1;
	return s;
}

int sf_live_set_bpf(struct sf_source *s, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(s->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad capture filter '%s': %s", expr,
		         sf_bpf_reason(pcap_geterr(s->pcap)));
		return -1;
	}
	int rc = pcap_setfilter(s->pcap, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, errlen, "cannot set capture filter on %s: %s", s->name,
		         pcap_geterr(s->pcap));
		return -1;
	}
	return 0;
}

enum sf_source_status sf_live_next(struct sf_source *s, struct sf_frame *f, char *err,
                                   size_t errlen)
{
	for (;;) {
		if (s->stop)
			return SF_SRC_END;
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(s->pcap, &h, &data);
		if (rc == 0) /* read timeout with nothing captured: look at the stop flag again */
			continue;
		if (rc == PCAP_ERROR_BREAK)
			return SF_SRC_END;
		if (rc != 1)
			return sf_src_fail(s, f, err, errlen, "%s", pcap_geterr(s->pcap));
		s->frames++;
		f->data = data;
		f->caplen = h->caplen;
		f->wirelen = h->len;
		f->ts_sec = h->ts.tv_sec;
		f->ts_nsec = (uint32_t)h->ts.tv_usec * (s->ts_nano ? 1u : 1000u);
		f->linktype = s->linktype;
		f->ifindex = 0;
		f->file_index = s->file_index;
		f->file_frame = s->frames;
		f->number = 0;
		return SF_SRC_FRAME;
	}
}
