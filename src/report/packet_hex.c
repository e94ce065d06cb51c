/* synfin — hex + ASCII dump of `synfin packets -x`.
 *
 * The dump is cut where each layer starts, with a marker line naming the layer, so the bytes
 * of each header can be found without counting:
 *
 *     -- Ethernet II: 14 bytes at 0x0000
 *     0000  00 1a 2b 3c 4d 5e 00 11  22 33 44 55 08 00        ..+<M^.."3DU..
 *     -- IPv4: 20 bytes at 0x000e
 *     000e  45 00 00 3c …
 *
 * Offsets are from the start of the frame; 16 bytes per line; ASCII shows '.' for bytes
 * outside 0x20..0x7e, as tcpdump -X and Wireshark do.
 */
#include <pcap/dlt.h>

#include "report/names.h"
#include "report/packet_report.h"
#include "synfin/decode.h"

#define MAX_SEGMENTS (4 + SF_MAX_VLAN + SF_MAX_IP6_EXT + 4)

struct segment {
	uint32_t off;
	const char *name;
};

static const char *link_name(const struct sf_packet *p)
{
	if (p->has_eth)
		return "Ethernet II";
	switch (p->frame->linktype) {
	case DLT_LINUX_SLL:
		return "Linux cooked capture v1";
	case DLT_LINUX_SLL2:
		return "Linux cooked capture v2";
	case DLT_NULL:
		return "Null/Loopback";
	case DLT_LOOP:
		return "OpenBSD loopback";
	default:
		return "Link header";
	}
}

static void add(struct segment *s, unsigned *n, uint32_t off, const char *name)
{
	/* Offsets only grow; a layer starting where the previous one did replaces it (e.g. a
	 * raw IP frame has no link header). */
	if (*n && s[*n - 1].off >= off) {
		if (s[*n - 1].off == off)
			s[*n - 1].name = name;
		return;
	}
	if (*n < MAX_SEGMENTS) {
		s[*n].off = off;
		s[*n].name = name;
		(*n)++;
	}
}

static const char *transport_name(const struct sf_packet *p)
{
	if (p->has_tcp)
		return "TCP";
	if (p->has_udp)
		return "UDP";
	if (p->has_icmp)
		return p->ip_version == 6 ? "ICMPv6" : "ICMP";
	return NULL;
}

/* Where each layer starts, in frame order. */
static unsigned layer_segments(const struct sf_packet *p, struct segment *s)
{
	unsigned n = 0;
	add(s, &n, 0, p->layer == SF_LAYER_NONE ? "Undecoded frame" : link_name(p));
	for (unsigned i = 0; i < p->n_vlan && i < SF_MAX_VLAN; i++)
		add(s, &n, p->vlan_off[i],
		    p->vlan_tpid[i] == 0x8100 ? "802.1Q tag" : "802.1ad tag");
	if (p->ip_version) {
		add(s, &n, p->l3_off, p->ip_version == 4 ? "IPv4" : "IPv6");
		for (unsigned i = 0; i < p->n_ip6_ext && i < SF_MAX_IP6_EXT; i++) {
			const char *e = rn_ip6_ext(p->ip6_ext_type[i]);
			add(s, &n, p->ip6_ext_off[i], e ? e : "IPv6 extension header");
		}
	} else if (p->layer >= SF_LAYER_LINK) {
		add(s, &n, p->l2_len, "Link payload");
	}
	const char *l4 = transport_name(p);
	if (l4) {
		add(s, &n, p->l4_off, l4);
		if (p->has_tcp && p->payload_caplen)
			add(s, &n, p->payload_off, "TCP payload");
		else if (!p->has_tcp)
			add(s, &n, p->l4_off + (p->has_icmp ? 4u : 8u), "Payload");
	} else if (p->ip_version && p->layer >= SF_LAYER_NET) {
		add(s, &n, (uint32_t)p->l3_off + p->l3_hdr_len,
		    p->is_fragment && !p->first_fragment ? "Fragment data" : "IP payload");
	}
	/* Bytes past the IP datagram: Ethernet padding to 60 bytes, or trailers. */
	if (p->ip_version && p->ip_len_used)
		add(s, &n, (uint32_t)p->l3_off + p->ip_len_used, "Trailer");
	return n;
}

static const char hexdig[] = "0123456789abcdef";

static void dump_line(struct sf_outbuf *ob, const uint8_t *d, uint32_t off, uint32_t n)
{
	ob_put_hex(ob, off, 4);
	ob_put_mem(ob, "  ", 2);
	for (uint32_t i = 0; i < 16; i++) {
		if (i == 8)
			ob_putc(ob, ' ');
		if (i < n) {
			ob_putc(ob, hexdig[d[i] >> 4]);
			ob_putc(ob, hexdig[d[i] & 0xf]);
			ob_putc(ob, ' ');
		} else {
			ob_put_mem(ob, "   ", 3);
		}
	}
	ob_put_mem(ob, "  ", 2);
	for (uint32_t i = 0; i < n; i++)
		ob_putc(ob, d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '.');
	ob_putc(ob, '\n');
}

void pr_hex(struct sf_outbuf *ob, const struct sf_packet *p)
{
	struct segment s[MAX_SEGMENTS];
	unsigned n = layer_segments(p, s);
	uint32_t caplen = p->frame->caplen;
	for (unsigned i = 0; i < n; i++) {
		uint32_t start = s[i].off;
		uint32_t end = i + 1 < n ? s[i + 1].off : caplen;
		if (end > caplen)
			end = caplen;
		if (start >= end)
			continue;
		ob_puts(ob, "-- ");
		ob_puts(ob, s[i].name);
		ob_puts(ob, ": ");
		ob_put_u64(ob, end - start);
		ob_puts(ob, end - start == 1 ? " byte at " : " bytes at ");
		ob_put_0x(ob, start, 4);
		ob_putc(ob, '\n');
		for (uint32_t off = start; off < end; off += 16)
			dump_line(ob, p->frame->data + off, off, end - off < 16 ? end - off : 16);
	}
}
