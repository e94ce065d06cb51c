/* synfin — the Internet checksum (RFC 1071), for IPv4 headers and TCP segments. */
#include "decode/decode_int.h"

uint32_t sf_csum_add(uint32_t sum, const uint8_t *b, uint32_t n)
{
	/* 64-bit accumulator: 32-bit words summed without folding cannot overflow it for any
	 * length a frame can have (RFC 1071 §2(C): sums in larger words fold to the same result) */
	uint64_t acc = sum;
	uint32_t i = 0;
	for (; i + 4 <= n; i += 4)
		acc += (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 | (uint32_t)b[i + 2] << 8 |
		       b[i + 3];
	for (; i + 2 <= n; i += 2)
		acc += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		acc += (uint32_t)b[i] << 8; /* odd length: pad with a zero byte */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	/* fold 32 → 16 keeping the carries: stays a valid partial sum for further adds */
	uint32_t s = (uint32_t)acc;
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return s;
}

uint16_t sf_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}
