/* synfin — TCP header (RFC 9293 §3.1), payload length, checksum.
 *
 *   |          Source Port          |       Destination Port        |
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   |  Data |Res|A|C|E|U|A|P|R|S|F|                                 |
 *   | Offset|   |E|W|C|R|C|S|S|Y|I|            Window               |
 *   |       |   | |R|E|G|K|H|T|N|N|                                 |
 *   |           Checksum            |         Urgent Pointer        |
 *   |                    Options (data offset > 5)                  |
 *
 * tcp_len follows Wireshark's tcp.len: the IP payload length the IP header claims (as trusted
 * by the IP decoder) minus the TCP header length, whatever the snaplen kept. The cases where
 * the header itself is bad follow packet-tcp.c too, so that the two agree frame by frame:
 *   data offset < 5         → fixed fields kept, options and payload not decoded; tcp_len is
 *                             still IP payload − data offset × 4, as Wireshark computes it
 *                             before it rejects the header (decode.tcp.hlen_too_small);
 *   header > IP payload     → fixed fields kept, no options, tcp_len 0 (Wireshark shows none);
 *   header > captured bytes → the captured options are read, tcp_len from the IP length.
 * Fewer than 20 bytes (IP payload or captured) is no TCP header at all: only the ports are
 * kept, when captured, because Wireshark shows them too; has_tcp stays false.
 */
#include "decode/decode_int.h"

enum { TCP_MIN_HDR = 20 };

static void tcp_checksum(struct sf_dec *d, struct sf_cursor seg, uint32_t seg_len)
{
	struct sf_packet *p = d->p;
	const uint8_t *b;
	if (p->is_fragment || sf_cur_bytes(&seg, seg_len, &b))
		return; /* not all bytes are here: not computable, stays -1 */
	/* Pseudo-header: RFC 9293 §3.1 (IPv4), RFC 8200 §8.1 (IPv6). */
	unsigned alen = p->ip_version == 4 ? 4 : 16;
	uint32_t sum = sf_csum_add(0, p->src.a, alen);
	sum = sf_csum_add(sum, p->dst.a, alen);
	sum += 6u + (seg_len >> 16) + (seg_len & 0xffffu);
	sum = sf_csum_add(sum, b, seg_len);
	bool ok = sf_csum_fold(sum) == 0;
	p->tcp_checksum_ok = ok;
	if (!ok)
		sf_packet_add_event(p, SF_EV_TCP_BAD_CHECKSUM);
}

void sf_decode_tcp(struct sf_dec *d, struct sf_cursor *payload, uint32_t ip_payload_len)
{
	struct sf_packet *p = d->p;
	struct sf_cursor c = *payload;
	uint32_t l4 = c.off;
	uint8_t offx2 = 0, fl = 0;

	p->l4_off = (uint16_t)l4;
	struct sf_cursor seg = c; /* whole segment, for the checksum */
	const uint8_t *h;         /* the 20 fixed bytes, read without a check each */
	if (ip_payload_len < TCP_MIN_HDR || sf_cur_bytes(&c, TCP_MIN_HDR, &h)) {
		/* the IP length leaves no room for a header, or the snaplen cut it */
		sf_packet_add_event(p, ip_payload_len < TCP_MIN_HDR ? SF_EV_TCP_HLEN_TOO_LARGE
		                                                    : SF_EV_TCP_TRUNCATED);
		if (sf_cur_be16(&c, &p->sport) == SF_CUR_OK)
			sf_cur_be16(&c, &p->dport);
		return;
	}
	p->sport = sf_be16_at(h);
	p->dport = sf_be16_at(h + 2);
	p->seq = sf_be32_at(h + 4);
	p->ack = sf_be32_at(h + 8);
	offx2 = h[12];
	fl = h[13];
	p->window = sf_be16_at(h + 14);
	p->tcp_checksum = sf_be16_at(h + 16);
	p->urg_ptr = sf_be16_at(h + 18);

	uint32_t hlen = (offx2 >> 4) * 4u;
	/* the low nibble holds the three reserved bits and AE (RFC 9768, formerly NS) */
	p->flags = (uint16_t)((offx2 & 0x0fu) << 8 | fl);
	p->tcp_hdr_len = (uint16_t)hlen;
	p->has_tcp = true;
	p->layer = SF_LAYER_TRANSPORT;
	p->payload_off = (uint16_t)c.off;

	if (hlen < TCP_MIN_HDR) {
		sf_packet_add_event(p, SF_EV_TCP_HLEN_TOO_SMALL);
		p->tcp_len = ip_payload_len - hlen;
		return;
	}
	if (hlen > ip_payload_len) {
		sf_packet_add_event(p, SF_EV_TCP_HLEN_TOO_LARGE);
		return;
	}
	p->tcp_len = ip_payload_len - hlen;

	struct sf_cursor opts;
	uint32_t opt_len = hlen - TCP_MIN_HDR;
	if (sf_cur_sub(&c, opt_len, &opts)) {
		/* snaplen cut the header: read the options that were captured */
		sf_packet_add_event(p, SF_EV_TCP_HLEN_TRUNCATED);
		sf_cur_clip(&c, opt_len, &opts);
		sf_decode_tcp_options(p, &opts, l4, l4 + hlen);
		p->payload_off = (uint16_t)opts.end;
		return;
	}
	sf_decode_tcp_options(p, &opts, l4, l4 + hlen);
	p->payload_off = (uint16_t)c.off;
	uint32_t left = sf_cur_left(&c);
	p->payload_caplen = p->tcp_len < left ? p->tcp_len : left;

	if (d->opts && d->opts->check_checksums)
		tcp_checksum(d, seg, ip_payload_len);
}
