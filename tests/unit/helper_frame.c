/* synfin tests — frame builder (see helper_frame.h). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "helper_frame.h"

void hframe_init(struct hframe *f)
{
	memset(f, 0, sizeof(*f));
}

void hframe_put(struct hframe *f, const void *p, size_t n)
{
	if (f->n >= HFRAME_MAX)
		return;
	if (n > HFRAME_MAX - f->n)
		n = HFRAME_MAX - f->n;
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

void hframe_u8(struct hframe *f, uint8_t v)
{
	hframe_put(f, &v, 1);
}

void hframe_be16(struct hframe *f, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	hframe_put(f, b, 2);
}

void hframe_be32(struct hframe *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	hframe_put(f, b, 4);
}

void hframe_set_be16(struct hframe *f, size_t off, uint16_t v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

void hframe_eth(struct hframe *f, uint16_t type)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	hframe_put(f, macs, 12);
	hframe_be16(f, type);
}

void hframe_vlan(struct hframe *f, uint16_t tpid, uint16_t tci, uint16_t next)
{
	/* the tpid replaces the type field written before: rewrite the last two bytes */
	f->n -= 2;
	hframe_be16(f, tpid);
	hframe_be16(f, tci);
	hframe_be16(f, next);
}

/* Independent of src/decode/checksum.c on purpose: a plain 16-bit RFC 1071 sum. */
static uint32_t sum16(uint32_t s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

size_t hframe_ipv4(struct hframe *f, uint8_t proto)
{
	static const uint8_t addrs[8] = {10, 0, 0, 1, 10, 0, 0, 2};
	size_t off = f->n;
	hframe_u8(f, 0x45);
	hframe_u8(f, 0);
	hframe_be16(f, 0);
	hframe_be16(f, 0x1234);
	hframe_be16(f, 0x4000);
	hframe_u8(f, 64);
	hframe_u8(f, proto);
	hframe_be16(f, 0);
	hframe_put(f, addrs, 8);
	return off;
}

void hframe_ipv4_checksum(struct hframe *f, size_t off)
{
	size_t hlen = (f->b[off] & 0x0f) * 4u;
	hframe_set_be16(f, off + 10, 0);
	hframe_set_be16(f, off + 10, fold(sum16(0, f->b + off, hlen)));
}

void hframe_ipv4_finish(struct hframe *f, size_t off)
{
	hframe_set_be16(f, off + 2, (uint16_t)(f->n - off));
	hframe_ipv4_checksum(f, off);
}

size_t hframe_ipv6(struct hframe *f, uint8_t next)
{
	static const uint8_t addrs[32] = {0x20, 0x01, 0x0d, 0xb8, 0, 0,    0,    0,    0,    0, 0,
	                                  0,    0,    0,    0,    1, 0x20, 0x01, 0x0d, 0xb8, 0, 0,
	                                  0,    0,    0,    0,    0, 0,    0,    0,    0,    2};
	size_t off = f->n;
	hframe_be32(f, 6u << 28 | 0x28u << 20 | 0x12345u);
	hframe_be16(f, 0);
	hframe_u8(f, next);
	hframe_u8(f, 64);
	hframe_put(f, addrs, 32);
	return off;
}

void hframe_ipv6_finish(struct hframe *f, size_t off)
{
	hframe_set_be16(f, off + 4, (uint16_t)(f->n - off - 40));
}

size_t hframe_tcp(struct hframe *f, uint16_t flags, const uint8_t *opts, size_t optlen)
{
	size_t off = f->n;
	size_t padded = (optlen + 3) & ~(size_t)3;
	hframe_be16(f, 40000);
	hframe_be16(f, 80);
	hframe_be32(f, 1000);
	hframe_be32(f, (flags & SF_TCP_ACK) ? 2000 : 0);
	hframe_u8(f, (uint8_t)((5 + padded / 4) << 4 | ((flags >> 8) & 0x0f)));
	hframe_u8(f, (uint8_t)flags);
	hframe_be16(f, 8192);
	hframe_be16(f, 0);
	hframe_be16(f, 0);
	if (optlen)
		hframe_put(f, opts, optlen);
	for (size_t i = optlen; i < padded; i++)
		hframe_u8(f, 0);
	return off;
}

void hframe_tcp_checksum(struct hframe *f, size_t ip_off, size_t tcp_off)
{
	uint32_t len = (uint32_t)(f->n - tcp_off);
	uint32_t s;
	hframe_set_be16(f, tcp_off + 16, 0);
	if ((f->b[ip_off] >> 4) == 4)
		s = sum16(0, f->b + ip_off + 12, 8);
	else
		s = sum16(0, f->b + ip_off + 8, 32);
	s += 6 + (len >> 16) + (len & 0xffff);
	s = sum16(s, f->b + tcp_off, len);
	hframe_set_be16(f, tcp_off + 16, fold(s));
}

struct sf_frame hframe_frame(const struct hframe *f, int linktype)
{
	struct sf_frame fr = {.data = f->b,
	                      .caplen = (uint32_t)f->n,
	                      .wirelen = (uint32_t)f->n,
	                      .linktype = linktype,
	                      .number = 1,
	                      .file_frame = 1};
	return fr;
}

void hframe_decode_ex(const struct hframe *f, int linktype, uint32_t caplen, uint32_t wirelen,
                      bool check, struct sf_packet *p)
{
	/* an exact-size heap copy, so that AddressSanitizer sees any read past caplen */
	uint8_t *copy = malloc(caplen ? caplen : 1);
	assert(copy);
	memcpy(copy, f->b, caplen);
	struct sf_frame fr = hframe_frame(f, linktype);
	fr.data = copy;
	fr.caplen = caplen;
	fr.wirelen = wirelen;
	struct sf_decode_opts o = {.check_checksums = check};
	sf_decode(&fr, &o, p);
	p->frame = NULL; /* fr and copy die here */
	free(copy);
}

void hframe_decode(const struct hframe *f, int linktype, bool check, struct sf_packet *p)
{
	hframe_decode_ex(f, linktype, (uint32_t)f->n, (uint32_t)f->n, check, p);
}

size_t hframe_ipv4_tcp(struct hframe *f, uint16_t flags, const uint8_t *opts, size_t optlen,
                       size_t datalen)
{
	size_t ip = hframe_ipv4(f, 6);
	size_t tcp = hframe_tcp(f, flags, opts, optlen);
	for (size_t i = 0; i < datalen; i++)
		hframe_u8(f, (uint8_t)('a' + i % 26));
	hframe_ipv4_finish(f, ip);
	hframe_tcp_checksum(f, ip, tcp);
	return ip;
}

size_t hframe_ipv6_tcp(struct hframe *f, uint16_t flags, size_t datalen)
{
	size_t ip = hframe_ipv6(f, 6);
	size_t tcp = hframe_tcp(f, flags, NULL, 0);
	for (size_t i = 0; i < datalen; i++)
		hframe_u8(f, (uint8_t)('a' + i % 26));
	hframe_ipv6_finish(f, ip);
	hframe_tcp_checksum(f, ip, tcp);
	return ip;
}
