/* synfin — libFuzzer harness for sf_decode().
 *
 * Input: byte 0 picks the frame's link type (low nibble, from the supported list plus one that
 * is not) and, with its top bit, a wire length 1000 bytes longer than what was captured (a
 * snaplen cut); the rest is the frame. Every input is decoded with checksum checks off and on,
 * and the invariants of tests/unit/decode_invariants.h must hold. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/decode_invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9 /* PPP */};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0];
	struct sf_frame f = {
	    .data = data + 1,
	    .caplen = (uint32_t)(size - 1),
	    .wirelen = (uint32_t)(size - 1) + ((sel & 0x80) ? 1000 : 0),
	    .linktype = linktypes[(sel & 0x0f) % (sizeof(linktypes) / sizeof(linktypes[0]))],
	    .number = 1,
	    .file_frame = 1,
	};
	for (int check = 0; check < 2; check++) {
		struct sf_decode_opts o = {.check_checksums = check};
		struct sf_packet p;
		sf_decode(&f, &o, &p);
		const char *bad = decode_invariant_violation(&f, &p, check);
		if (bad) {
			fprintf(stderr, "invariant broken: %s\n", bad);
			abort();
		}
	}
	return 0;
}
