/* Byte writers and the RFC 1071 checksum shared by the capture-crafting programs in this folder
 * (craft-ana.c, craft-views.c). Kept apart from src/decode/checksum.c on purpose: the fixtures
 * they write are checked by the decoder, so they must not be made by it. */
#ifndef SYNFIN_CRAFT_H
#define SYNFIN_CRAFT_H

#include <stddef.h>
#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Adds the 16-bit big-endian words of p to the running sum s (an odd last byte is padded). */
static inline uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

/* Folds the carries and complements: the value to write in a checksum field. */
static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif
