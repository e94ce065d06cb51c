/* Builders of decoded packets for the report tests: struct sf_packet values filled by hand,
 * as decode would fill them, so the formatters can be tested without decode. */
#ifndef SYNFIN_TEST_HELPER_REPORT_H
#define SYNFIN_TEST_HELPER_REPORT_H

#include <stdint.h>

#include "synfin/packet.h"

/* A frame over `bytes` (may be NULL with caplen 0), numbered n, at ts. */
void rpt_frame(struct sf_frame *f, const uint8_t *bytes, uint32_t caplen, uint64_t n, int64_t sec,
               uint32_t nsec, int linktype);
/* IPv4 TCP packet over Ethernet with the given addresses, ports and flags. */
void rpt_tcp4(struct sf_packet *p, const struct sf_frame *f, const char *src, uint16_t sport,
              const char *dst, uint16_t dport, uint16_t flags);
/* Same over IPv6 (addresses in text form). */
void rpt_tcp6(struct sf_packet *p, const struct sf_frame *f, const char *src, uint16_t sport,
              const char *dst, uint16_t dport, uint16_t flags);
/* Adds an option entry to p->opts (values are set by the caller on the packet fields). */
void rpt_add_opt(struct sf_packet *p, uint8_t kind, uint8_t len);
/* Sets an address from text (inet_pton). */
void rpt_addr(struct sf_addr *a, const char *text);

#endif
