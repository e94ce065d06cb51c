/* synfin — sf_decode(): frame bytes → struct sf_packet, plus the naming helpers.
 *
 * One cursor over the captured bytes is handed from layer to layer (see decode_int.h for the
 * call chain); each layer says how far it got in p->layer and what it refused in p->events.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode_int.h"

/* The whole packet is zeroed, so that no field ever carries the previous frame's value, in
 * 64-byte pieces: gcc turns one 400-byte memset into `rep stos`, whose start-up cost was a
 * third of the decode time of a typical frame; fixed 64-byte pieces become vector stores. */
static inline void zero_packet(struct sf_packet *p)
{
	uint8_t *b = (uint8_t *)p;
	size_t n = sizeof(*p);
	for (; n >= 64; b += 64, n -= 64)
		memset(b, 0, 64);
	memset(b, 0, n);
}

void sf_decode(const struct sf_frame *f, const struct sf_decode_opts *opts, struct sf_packet *out)
{
	zero_packet(out);
	out->frame = f;
	out->ip_checksum_ok = -1;
	out->tcp_checksum_ok = -1;

	/* Offsets in sf_packet are 16-bit: a frame is never decoded past 65535 bytes (the IP
	 * length fields cannot describe more either; longer frames keep their tail undecoded). */
	uint32_t caplen = f->caplen > UINT16_MAX ? UINT16_MAX : f->caplen;
	struct sf_dec d = {.p = out, .opts = opts, .wire = f->wirelen};
	if (d.wire < caplen)
		d.wire = caplen;
	struct sf_cursor c;
	sf_cur_init(&c, f->data, caplen);

	uint16_t type = sf_decode_link(&d, &c, f->linktype);
	if (type == 0)
		return;
	struct sf_cursor payload;
	int64_t plen = type == SF_ETH_IPV4 ? sf_decode_ipv4(&d, &c, &payload)
	                                   : sf_decode_ipv6(&d, &c, &payload);
	if (plen < 0)
		return;
	sf_decode_transport(&d, &payload, (uint32_t)plen);
}

const char *sf_ipproto_name(unsigned proto)
{
	/* IANA protocol numbers, with the short names Wireshark shows */
	switch (proto) {
	case 0:
		return "HOPOPT";
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 4:
		return "IPIP";
	case 6:
		return "TCP";
	case 8:
		return "EGP";
	case 17:
		return "UDP";
	case 41:
		return "IPv6";
	case 43:
		return "IPv6-Route";
	case 44:
		return "IPv6-Frag";
	case 46:
		return "RSVP";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case 58:
		return "ICMPv6";
	case 59:
		return "IPv6-NoNxt";
	case 60:
		return "IPv6-Opts";
	case 88:
		return "EIGRP";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 115:
		return "L2TP";
	case 132:
		return "SCTP";
	case 135:
		return "Mobility";
	case 136:
		return "UDPLite";
	case 137:
		return "MPLS-in-IP";
	case 139:
		return "HIP";
	case 140:
		return "Shim6";
	case 143:
		return "Ethernet";
	default:
		return NULL;
	}
}

char *sf_addr_str(const struct sf_addr *a, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (a->family == 4) {
		if (!inet_ntop(AF_INET, a->a, buf, (socklen_t)len))
			buf[0] = '\0';
	} else if (a->family == 6) {
		static const uint8_t zero12[12];
		if (memcmp(a->a, zero12, 12) == 0 && (a->a[12] | a->a[13])) {
			/* RFC 5952 §5 keeps dotted quads for well-known prefixes only; glibc still
			 * writes the deprecated IPv4-compatible form (::1.2.3.4): use hex */
			int n = snprintf(buf, len, "::%x:%x", (unsigned)a->a[12] << 8 | a->a[13],
			                 (unsigned)a->a[14] << 8 | a->a[15]);
			if (n < 0 || (size_t)n >= len)
				buf[0] = '\0';
		} else if (!inet_ntop(AF_INET6, a->a, buf, (socklen_t)len)) {
			buf[0] = '\0';
		}
	}
	return buf;
}
