/* synfin — decode: frame bytes → struct sf_packet.
 *
 * Pure functions of the frame: no allocation, no state between frames, no I/O. Every read goes
 * through the bounds-checked cursor in src/decode/cursor.h. A frame that cannot be decoded
 * fully still yields a packet with the layers that could be decoded and one or more events.
 */
#ifndef SYNFIN_DECODE_H
#define SYNFIN_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "synfin/packet.h"

struct sf_decode_opts {
	bool check_checksums; /* verify IPv4 and TCP checksums (off by default, as Wireshark) */
};

/* Decodes f into *out (which is fully overwritten). Never fails: what could not be decoded is
 * said by out->layer and out->events. */
void sf_decode(const struct sf_frame *f, const struct sf_decode_opts *opts, struct sf_packet *out);

/* Name of a link type as libpcap spells it ("EN10MB", "LINUX_SLL2", "PPP"), or NULL if unknown. */
const char *sf_linktype_name(int linktype);
/* True when synfin decodes frames of this link type. */
bool sf_linktype_supported(int linktype);

/* Name of an IP protocol number ("TCP", "UDP", "ICMP", "ICMPv6", "ESP" …), or NULL if unknown. */
const char *sf_ipproto_name(unsigned proto);

/* Formats an address (IPv6 per RFC 5952) into buf; returns buf. buf needs 46 bytes. */
char *sf_addr_str(const struct sf_addr *a, char *buf, size_t len);

#endif
