/* synfin — the detail tree of `synfin packets -V`: one block per layer, in the spirit of
 * Wireshark's packet-details pane (same section titles and field names where Wireshark has
 * them, so the two can be read side by side). Frame, link and network layers are here; the
 * transport layer and the events are in packet_detail_l4.c.
 *
 * Only fields decode put in struct sf_packet are printed, plus a few bytes read back through
 * pr_byte() (bounds-checked) where the packet keeps an offset but not the value: IPv4 option
 * kinds, IPv6 extension header lengths, SLL addresses.
 */
#include <pcap/dlt.h>
#include <time.h>

#include "report/names.h"
#include "report/packet_report.h"
#include "synfin/decode.h"

#define I1 "    "
#define I2 "        "

bool pr_byte(const struct sf_packet *p, uint32_t off, uint8_t *out)
{
	if (off >= p->frame->caplen)
		return false;
	*out = p->frame->data[off];
	return true;
}

static bool rd16(const struct sf_packet *p, uint32_t off, uint16_t *out)
{
	uint8_t a, b;
	if (!pr_byte(p, off, &a) || !pr_byte(p, off + 1, &b))
		return false;
	*out = (uint16_t)(a << 8 | b);
	return true;
}

bool pr_eth_length_field(const struct sf_packet *p, uint16_t *len)
{
	if (!p->has_eth || p->ethertype >= 0x0600)
		return false;
	/* after the MAC addresses and every VLAN tag kept */
	return rd16(p, 12u + 4u * p->n_vlan, len) && *len <= 1500;
}

void pr_put_bits(struct sf_outbuf *ob, uint32_t value, unsigned nbits, uint32_t mask)
{
	for (unsigned i = 0; i < nbits; i++) {
		unsigned bit = nbits - 1 - i;
		if (i && i % 4 == 0)
			ob_putc(ob, ' ');
		if (mask & (1u << bit))
			ob_putc(ob, value & (1u << bit) ? '1' : '0');
		else
			ob_putc(ob, '.');
	}
}

void pr_put_u(struct sf_outbuf *ob, const char *label, uint64_t v)
{
	ob_puts(ob, label);
	ob_put_u64(ob, v);
}

void pr_put_line_u(struct sf_outbuf *ob, const char *label, uint64_t v, const char *unit)
{
	pr_put_u(ob, label, v);
	if (unit)
		ob_puts(ob, unit);
	ob_putc(ob, '\n');
}

/* 2004-05-13 10:17:07.311224000 UTC */
static void put_utc(struct sf_outbuf *ob, int64_t sec, uint32_t nsec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		ob_put_i64(ob, sec);
		return;
	}
	ob_put_u64z(ob, (uint64_t)tm.tm_year + 1900, 4);
	ob_putc(ob, '-');
	ob_put_u64z(ob, (uint64_t)tm.tm_mon + 1, 2);
	ob_putc(ob, '-');
	ob_put_u64z(ob, (uint64_t)tm.tm_mday, 2);
	ob_putc(ob, ' ');
	ob_put_u64z(ob, (uint64_t)tm.tm_hour, 2);
	ob_putc(ob, ':');
	ob_put_u64z(ob, (uint64_t)tm.tm_min, 2);
	ob_putc(ob, ':');
	ob_put_u64z(ob, (uint64_t)tm.tm_sec, 2);
	ob_putc(ob, '.');
	ob_put_u64z(ob, nsec, 9);
	ob_puts(ob, " UTC");
}

static void put_linktype(struct sf_outbuf *ob, int linktype)
{
	const char *name = sf_linktype_name(linktype);
	ob_puts(ob, name ? name : "unknown");
	ob_puts(ob, " (");
	ob_put_i64(ob, linktype);
	ob_putc(ob, ')');
}

static void detail_frame(struct sf_outbuf *ob, const struct sf_frame *f, int64_t rel_ns)
{
	ob_puts(ob, "Frame ");
	ob_put_u64(ob, f->number);
	ob_puts(ob, ": ");
	ob_put_u64(ob, f->wirelen);
	ob_puts(ob, f->wirelen == 1 ? " byte on wire (" : " bytes on wire (");
	ob_put_u64(ob, (uint64_t)f->wirelen * 8);
	ob_puts(ob, " bits), ");
	ob_put_u64(ob, f->caplen);
	ob_puts(ob, f->caplen == 1 ? " byte captured (" : " bytes captured (");
	ob_put_u64(ob, (uint64_t)f->caplen * 8);
	ob_puts(ob, " bits), link type ");
	put_linktype(ob, f->linktype);
	ob_puts(ob, "\n" I1 "Arrival Time: ");
	put_utc(ob, f->ts_sec, f->ts_nsec);
	ob_puts(ob, "\n" I1 "Epoch Arrival Time: ");
	ob_put_i64(ob, f->ts_sec);
	ob_putc(ob, '.');
	ob_put_u64z(ob, f->ts_nsec, 9);
	ob_puts(ob, "\n" I1 "Time since first frame: ");
	ob_put_nsec(ob, rel_ns, 9);
	ob_puts(ob, " seconds\n");
	pr_put_line_u(ob, I1 "Frame Number: ", f->number, NULL);
	if (f->file_index || f->file_frame != f->number) {
		ob_puts(ob, I1 "Input: file ");
		ob_put_u64(ob, (uint64_t)f->file_index + 1);
		ob_puts(ob, ", frame ");
		ob_put_u64(ob, f->file_frame);
		ob_putc(ob, '\n');
	}
	if (f->ifindex)
		pr_put_line_u(ob, I1 "Interface id: ", f->ifindex, NULL);
	pr_put_line_u(ob, I1 "Frame Length: ", f->wirelen, f->wirelen == 1 ? " byte" : " bytes");
	pr_put_line_u(ob, I1 "Capture Length: ", f->caplen, f->caplen == 1 ? " byte" : " bytes");
}

/* "Type: IPv4 (0x0800)" */
static void put_type(struct sf_outbuf *ob, const char *indent, const char *label, uint16_t type)
{
	ob_puts(ob, indent);
	ob_puts(ob, label);
	const char *name = rn_ethertype(type);
	ob_puts(ob, name ? name : "Unknown");
	ob_puts(ob, " (");
	ob_put_0x(ob, type, 4);
	ob_puts(ob, ")\n");
}

/* The type after the last tag: an ethertype, or an IEEE 802.3 length with LLC after it. */
static void put_final_type(struct sf_outbuf *ob, const struct sf_packet *p)
{
	uint16_t len;
	if (pr_eth_length_field(p, &len))
		pr_put_line_u(ob, I1 "Length: ", len, " (IEEE 802.3, LLC follows)");
	else
		put_type(ob, I1, "Type: ", p->ethertype);
}

static void detail_vlans(struct sf_outbuf *ob, const struct sf_packet *p)
{
	for (unsigned i = 0; i < p->n_vlan && i < SF_MAX_VLAN; i++) {
		uint16_t tci = p->vlan_tci[i];
		unsigned pcp = tci >> 13, dei = (tci >> 12) & 1, vid = tci & 0xfff;
		ob_puts(ob,
		        p->vlan_tpid[i] == 0x8100 ? "802.1Q Virtual LAN" : "802.1ad Service VLAN");
		pr_put_u(ob, ", PRI: ", pcp);
		pr_put_u(ob, ", DEI: ", dei);
		pr_put_line_u(ob, ", ID: ", vid, NULL);
		ob_puts(ob, I1 "TPID: ");
		ob_put_0x(ob, p->vlan_tpid[i], 4);
		ob_puts(ob, "\n" I1);
		pr_put_bits(ob, tci, 16, 0xe000);
		pr_put_line_u(ob, " = Priority: ", pcp, NULL);
		ob_puts(ob, I1);
		pr_put_bits(ob, tci, 16, 0x1000);
		pr_put_line_u(ob, " = DEI: ", dei, NULL);
		ob_puts(ob, I1);
		pr_put_bits(ob, tci, 16, 0x0fff);
		pr_put_line_u(ob, " = ID: ", vid, NULL);
		if (i + 1 < p->n_vlan)
			put_type(ob, I1, "Type: ", p->vlan_tpid[i + 1]);
		else
			put_final_type(ob, p);
	}
}

static void detail_ethernet(struct sf_outbuf *ob, const struct sf_packet *p)
{
	ob_puts(ob, "Ethernet II, Src: ");
	ob_put_mac(ob, p->eth_src);
	ob_puts(ob, ", Dst: ");
	ob_put_mac(ob, p->eth_dst);
	ob_puts(ob, "\n" I1 "Destination: ");
	ob_put_mac(ob, p->eth_dst);
	ob_puts(ob, "\n" I1 "Source: ");
	ob_put_mac(ob, p->eth_src);
	ob_putc(ob, '\n');
	if (p->n_vlan)
		put_type(ob, I1, "Type: ", p->vlan_tpid[0]);
	else
		put_final_type(ob, p);
	detail_vlans(ob, p);
}

/* Linux cooked capture: v1 (pkttype, hatype, halen, addr[8], protocol) and v2 (protocol,
 * reserved, ifindex, hatype, pkttype, halen, addr[8]); see libpcap's pcap/sll.h. */
static void detail_sll(struct sf_outbuf *ob, const struct sf_packet *p, bool v2)
{
	ob_puts(ob, v2 ? "Linux cooked capture v2\n" : "Linux cooked capture v1\n");
	const char *pt = rn_sll_pkttype(p->sll_pkttype);
	ob_puts(ob, I1 "Packet type: ");
	ob_puts(ob, pt ? pt : "Unknown");
	pr_put_line_u(ob, " (", p->sll_pkttype, ")");
	uint8_t halen8 = 0;
	uint16_t hatype = 0, halen = 0;
	uint32_t base = v2 ? 12 : 6;
	if (rd16(p, v2 ? 8 : 2, &hatype))
		pr_put_line_u(ob, I1 "Link-layer address type: ", hatype, NULL);
	bool have_len = v2 ? pr_byte(p, 11, &halen8) : rd16(p, 4, &halen);
	if (v2)
		halen = halen8;
	if (have_len) {
		pr_put_line_u(ob, I1 "Link-layer address length: ", halen, NULL);
		if (halen == 6 && base + 6 <= p->frame->caplen) {
			ob_puts(ob, I1 "Source: ");
			ob_put_mac(ob, p->frame->data + base);
			ob_putc(ob, '\n');
		}
	}
	put_type(ob, I1, "Protocol: ", p->ethertype);
}

static void detail_link(struct sf_outbuf *ob, const struct sf_packet *p)
{
	if (p->layer == SF_LAYER_NONE)
		return;
	if (p->has_eth) {
		detail_ethernet(ob, p);
		return;
	}
	switch (p->frame->linktype) {
	case DLT_LINUX_SLL:
		detail_sll(ob, p, false);
		break;
	case DLT_LINUX_SLL2:
		detail_sll(ob, p, true);
		break;
	case DLT_NULL:
	case DLT_LOOP: {
		const char *fam = rn_loop_family(p->loop_family);
		ob_puts(ob,
		        p->frame->linktype == DLT_NULL ? "Null/Loopback\n" : "OpenBSD loopback\n");
		ob_puts(ob, I1 "Family: ");
		ob_puts(ob, fam ? fam : "Unknown");
		pr_put_line_u(ob, " (", p->loop_family, ")");
		break;
	}
	default:
		ob_puts(ob, "Raw packet data\n");
		break;
	}
}

static void put_ds_field(struct sf_outbuf *ob, uint8_t tos)
{
	const char *dscp = rn_dscp(tos >> 2);
	ob_put_0x(ob, tos, 2);
	ob_puts(ob, " (DSCP: ");
	if (dscp)
		ob_puts(ob, dscp);
	else
		ob_put_u64(ob, tos >> 2u);
	ob_puts(ob, ", ECN: ");
	ob_puts(ob, rn_ecn(tos & 3));
	ob_puts(ob, ")\n");
}

static void put_proto_line(struct sf_outbuf *ob, const char *label, uint8_t proto)
{
	/* extension headers by their RFC 8200 names, as Wireshark's details pane */
	const char *name = rn_ip6_ext(proto);
	if (!name)
		name = sf_ipproto_name(proto);
	ob_puts(ob, label);
	ob_puts(ob, name ? name : "Unknown");
	pr_put_line_u(ob, " (", proto, ")");
}

static void put_checksum(struct sf_outbuf *ob, uint16_t sum, int8_t ok)
{
	ob_put_0x(ob, sum, 4);
	ob_puts(ob, ok < 0 ? " [unverified]\n" : ok ? " [correct]\n" : " [incorrect]\n");
}

static void put_flag_bit(struct sf_outbuf *ob, const char *indent, uint32_t v, unsigned nbits,
                         uint32_t mask, const char *name)
{
	ob_puts(ob, indent);
	pr_put_bits(ob, v, nbits, mask);
	ob_puts(ob, " = ");
	ob_puts(ob, name);
	ob_puts(ob, v & mask ? ": Set\n" : ": Not set\n");
}

static void detail_ipv4_options(struct sf_outbuf *ob, const struct sf_packet *p)
{
	uint32_t off = p->l3_off + 20u, end = p->l3_off + (uint32_t)p->l3_hdr_len;
	if (end <= off)
		return;
	pr_put_line_u(ob, I1 "Options: (", end - off, " bytes)");
	while (off < end) {
		uint8_t kind, len = 1;
		if (!pr_byte(p, off, &kind))
			break;
		if (kind > 1 && (!pr_byte(p, off + 1, &len) || len < 2))
			break; /* decode raised decode.ipv4.bad_option */
		pr_put_u(ob, I2 "IP Option - type ", kind);
		pr_put_line_u(ob, ", length ", len, NULL);
		if (kind == 0)
			break;
		off += len;
	}
}

static void detail_ipv4(struct sf_outbuf *ob, const struct sf_packet *p)
{
	uint8_t ihl = (uint8_t)(p->l3_hdr_len / 4);
	ob_puts(ob, "Internet Protocol Version 4, Src: ");
	ob_put_addr(ob, &p->src, false);
	ob_puts(ob, ", Dst: ");
	ob_put_addr(ob, &p->dst, false);
	ob_puts(ob, "\n" I1 "0100 .... = Version: 4\n" I1 ".... ");
	pr_put_bits(ob, ihl, 4, 0xf);
	pr_put_u(ob, " = Header Length: ", p->l3_hdr_len);
	pr_put_line_u(ob, " bytes (", ihl, ")");
	ob_puts(ob, I1 "Differentiated Services Field: ");
	put_ds_field(ob, p->ip_tos);
	pr_put_line_u(ob, I1 "Total Length: ", p->ip_len, NULL);
	if (p->ip_len_used != p->ip_len)
		pr_put_line_u(ob, I1 "[Length used: ", p->ip_len_used, "]");
	ob_puts(ob, I1 "Identification: ");
	ob_put_0x(ob, p->ip_id, 4);
	pr_put_line_u(ob, " (", p->ip_id, ")");
	uint32_t fl = (uint32_t)p->ip_flags << 5;
	ob_puts(ob, I1);
	pr_put_bits(ob, fl, 8, 0xe0);
	ob_puts(ob, " = Flags: ");
	ob_put_0x(ob, p->ip_flags, 1);
	ob_puts(ob, p->ip_flags & 2 ? ", Don't fragment" : "");
	ob_puts(ob, p->ip_flags & 1 ? ", More fragments" : "");
	ob_putc(ob, '\n');
	put_flag_bit(ob, I2, fl, 8, 0x80, "Reserved bit");
	put_flag_bit(ob, I2, fl, 8, 0x40, "Don't fragment");
	put_flag_bit(ob, I2, fl, 8, 0x20, "More fragments");
	pr_put_line_u(ob, I1 "Fragment Offset: ", p->ip_frag_off, NULL);
	pr_put_line_u(ob, I1 "Time to Live: ", p->ip_ttl, NULL);
	put_proto_line(ob, I1 "Protocol: ", p->ip_proto);
	ob_puts(ob, I1 "Header Checksum: ");
	put_checksum(ob, p->ip_checksum, p->ip_checksum_ok);
	ob_puts(ob, I1 "Source Address: ");
	ob_put_addr(ob, &p->src, false);
	ob_puts(ob, "\n" I1 "Destination Address: ");
	ob_put_addr(ob, &p->dst, false);
	ob_putc(ob, '\n');
	detail_ipv4_options(ob, p);
}

/* RFC 8200 §4: every extension header but Fragment starts with next header and a length in
 * 8-octet units not counting the first 8; AH (RFC 4302) counts 4-octet units minus 2. */
static void detail_ip6_ext(struct sf_outbuf *ob, const struct sf_packet *p, unsigned i)
{
	uint8_t type = p->ip6_ext_type[i], nxt = 0, hlen = 0;
	uint32_t off = p->ip6_ext_off[i];
	const char *name = rn_ip6_ext(type);
	ob_puts(ob, I1 "IPv6 ");
	ob_puts(ob, name ? name : "extension header");
	pr_put_line_u(ob, " (", type, ")");
	if (pr_byte(p, off, &nxt))
		put_proto_line(ob, I2 "Next Header: ", nxt);
	if (type == 44) {
		uint16_t fo = 0;
		if (rd16(p, off + 2, &fo)) {
			pr_put_line_u(ob, I2 "Offset: ", (uint64_t)(fo >> 3) * 8, " bytes");
			ob_puts(ob, I2 "More Fragments: ");
			ob_puts(ob, fo & 1 ? "Yes\n" : "No\n");
		}
		ob_puts(ob, I2 "Identification: ");
		ob_put_0x(ob, p->ip6_frag_id, 8);
		ob_putc(ob, '\n');
	} else if (pr_byte(p, off + 1, &hlen)) {
		unsigned bytes = type == 51 ? (hlen + 2u) * 4 : (hlen + 1u) * 8;
		pr_put_u(ob, I2 "Length: ", hlen);
		pr_put_line_u(ob, " (", bytes, " bytes)");
	}
}

static void detail_ipv6(struct sf_outbuf *ob, const struct sf_packet *p)
{
	ob_puts(ob, "Internet Protocol Version 6, Src: ");
	ob_put_addr(ob, &p->src, false);
	ob_puts(ob, ", Dst: ");
	ob_put_addr(ob, &p->dst, false);
	ob_puts(ob, "\n" I1 "0110 .... = Version: 6\n" I1 "Traffic Class: ");
	put_ds_field(ob, p->ip_tos);
	ob_puts(ob, I1 "Flow Label: ");
	ob_put_0x(ob, p->ip6_flow, 5);
	ob_putc(ob, '\n');
	pr_put_line_u(ob, I1 "Payload Length: ", p->ip_len >= 40 ? p->ip_len - 40 : 0, NULL);
	put_proto_line(ob, I1 "Next Header: ", p->ip6_nxt);
	pr_put_line_u(ob, I1 "Hop Limit: ", p->ip_ttl, NULL);
	ob_puts(ob, I1 "Source Address: ");
	ob_put_addr(ob, &p->src, false);
	ob_puts(ob, "\n" I1 "Destination Address: ");
	ob_put_addr(ob, &p->dst, false);
	ob_putc(ob, '\n');
	for (unsigned i = 0; i < p->n_ip6_ext && i < SF_MAX_IP6_EXT; i++)
		detail_ip6_ext(ob, p, i);
}

void pr_detail(struct sf_outbuf *ob, const struct sf_pkt_view *v, int64_t rel_ns,
               const struct pr_opts *o)
{
	const struct sf_packet *p = v->pkt;
	detail_frame(ob, p->frame, rel_ns);
	detail_link(ob, p);
	if (p->ip_version == 4)
		detail_ipv4(ob, p);
	else if (p->ip_version == 6)
		detail_ipv6(ob, p);
	pr_detail_transport(ob, v, o);
	pr_detail_events(ob, p, o);
}
