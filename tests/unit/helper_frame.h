/* synfin tests — a small frame builder: byte arrays for the decode tests, header by header.
 *
 *   struct hframe f;
 *   hframe_init(&f);
 *   hframe_eth(&f, 0x0800);
 *   size_t ip = hframe_ipv4(&f, 6);
 *   size_t tcp = hframe_tcp(&f, SF_TCP_SYN, opts, sizeof(opts));
 *   hframe_put(&f, "data", 4);
 *   hframe_ipv4_finish(&f, ip);           total length and header checksum
 *   hframe_tcp_checksum(&f, ip, tcp);     pseudo-header checksum (IPv4 or IPv6 by version)
 * Addresses: IPv4 10.0.0.1 → 10.0.0.2, IPv6 2001:db8::1 → 2001:db8::2, ports 40000 → 80.
 */
#ifndef SYNFIN_TEST_HELPER_FRAME_H
#define SYNFIN_TEST_HELPER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "synfin/decode.h"

#define HFRAME_MAX 4096

struct hframe {
	uint8_t b[HFRAME_MAX];
	size_t n;
};

void hframe_init(struct hframe *f);
void hframe_put(struct hframe *f, const void *p, size_t n);
void hframe_u8(struct hframe *f, uint8_t v);
void hframe_be16(struct hframe *f, uint16_t v);
void hframe_be32(struct hframe *f, uint32_t v);
void hframe_set_be16(struct hframe *f, size_t off, uint16_t v);

/* Ethernet II header (dst 02:00:00:00:00:02, src 02:00:00:00:00:01) with the given type. */
void hframe_eth(struct hframe *f, uint16_t type);
/* One VLAN tag: tpid, tci, and the type that follows. */
void hframe_vlan(struct hframe *f, uint16_t tpid, uint16_t tci, uint16_t next);
/* IPv4 header of 20 bytes (TTL 64, id 0x1234, DF); returns its offset. */
size_t hframe_ipv4(struct hframe *f, uint8_t proto);
/* Sets total length to the bytes after off (unless keep_len) and computes the checksum. */
void hframe_ipv4_finish(struct hframe *f, size_t off);
/* Recomputes the IPv4 header checksum only. */
void hframe_ipv4_checksum(struct hframe *f, size_t off);
/* IPv6 fixed header (hop limit 64, flow 0x12345, tclass 0x28); returns its offset. */
size_t hframe_ipv6(struct hframe *f, uint8_t next);
/* Sets the payload length to the bytes after the fixed header. */
void hframe_ipv6_finish(struct hframe *f, size_t off);
/* TCP header: seq 1000, ack 2000 (when ACK), window 8192, urg 0, options as given (padded
 * with EOL to a multiple of 4). Returns its offset. */
size_t hframe_tcp(struct hframe *f, uint16_t flags, const uint8_t *opts, size_t optlen);
/* TCP checksum over the pseudo-header, the segment running to the end of the frame. */
void hframe_tcp_checksum(struct hframe *f, size_t ip_off, size_t tcp_off);

/* IPv4 (or IPv6) + TCP + datalen payload bytes, lengths and checksums filled in; returns the
 * offset of the IP header (the TCP header follows it: 20 bytes later for IPv4, 40 for IPv6). */
size_t hframe_ipv4_tcp(struct hframe *f, uint16_t flags, const uint8_t *opts, size_t optlen,
                       size_t datalen);
size_t hframe_ipv6_tcp(struct hframe *f, uint16_t flags, size_t datalen);

/* Wraps the bytes in a frame of the link type (wirelen = caplen = f->n). */
struct sf_frame hframe_frame(const struct hframe *f, int linktype);
/* Decodes them, checksums checked when check is true. The bytes are copied to an exact-size
 * heap buffer first so that the sanitizer build catches any read past caplen. */
void hframe_decode(const struct hframe *f, int linktype, bool check, struct sf_packet *p);
/* The same with the first caplen bytes captured of a frame of wirelen bytes (snaplen cuts). */
void hframe_decode_ex(const struct hframe *f, int linktype, uint32_t caplen, uint32_t wirelen,
                      bool check, struct sf_packet *p);

#endif
