/* synfin — decode internals shared by the files of src/decode (not a public header).
 *
 * Call chain of sf_decode() (decode.c):
 *   sf_decode_link()                       link.c     Ethernet/VLAN, SLL, SLL2, NULL/LOOP, RAW
 *   └ sf_decode_ipv4() / sf_decode_ipv6()  ipv4.c, ipv6.c
 *     └ sf_decode_transport()              transport.c  UDP, ICMP, ICMPv6; TCP via
 *       └ sf_decode_tcp()                  tcp.c + tcp_opts.c
 * Each step reads through the cursor it is given and fills struct sf_packet.
 */
#ifndef SYNFIN_DECODE_INT_H
#define SYNFIN_DECODE_INT_H

#include "decode/cursor.h"
#include "synfin/decode.h"

#define SF_ETH_IPV4 0x0800
#define SF_ETH_IPV6 0x86dd

/* State of one sf_decode() call. */
struct sf_dec {
	struct sf_packet *p;
	const struct sf_decode_opts *opts;
	uint32_t wire; /* bytes on the wire, never below caplen (some writers leave wirelen 0) */
};

/* Decodes the link header; leaves c at the network header. Returns the ethertype of what
 * follows (SF_ETH_IPV4 / SF_ETH_IPV6), or 0 when it is not IP or the link could not be read. */
uint16_t sf_decode_link(struct sf_dec *d, struct sf_cursor *c, int linktype);

/* Decode the IP header at c (c->off is the frame offset of the header). On return, *payload
 * covers the captured part of the IP payload the header's length allows, and the return value
 * is the payload length the IP header claims (as trusted: p->ip_len_used - p->l3_hdr_len);
 * -1 when the transport header must not be decoded (non-first fragment, bad header …). */
int64_t sf_decode_ipv4(struct sf_dec *d, struct sf_cursor *c, struct sf_cursor *payload);
int64_t sf_decode_ipv6(struct sf_dec *d, struct sf_cursor *c, struct sf_cursor *payload);

/* UDP / ICMP / ICMPv6 / TCP by p->ip_proto. ip_payload_len is the trusted IP payload length. */
void sf_decode_transport(struct sf_dec *d, struct sf_cursor *payload, uint32_t ip_payload_len);
void sf_decode_tcp(struct sf_dec *d, struct sf_cursor *payload, uint32_t ip_payload_len);
/* Parses the TCP options in c: the option bytes of the header at frame offset tcp_off, which
 * end at hdr_end (c ends earlier when the snaplen cut the header). */
void sf_decode_tcp_options(struct sf_packet *p, struct sf_cursor *c, uint32_t tcp_off,
                           uint32_t hdr_end);

/* One's complement sum of n bytes (RFC 1071), added to sum; not folded. */
uint32_t sf_csum_add(uint32_t sum, const uint8_t *b, uint32_t n);
/* Folds a sum to 16 bits and complements it: 0 means the checked bytes sum correctly. */
uint16_t sf_csum_fold(uint32_t sum);

#endif
