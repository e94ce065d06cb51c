/* synfin — the packet report: one line per packet (packet_line.c), the detail tree of -V
 * (packet_detail.c, packet_detail_l4.c), the hex dump of -x (packet_hex.c), and the sink that
 * drives them (packet_sink.c). Internal to src/report; the public entry is synfin/report.h.
 */
#ifndef SYNFIN_REPORT_PACKET_REPORT_H
#define SYNFIN_REPORT_PACKET_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "report/outbuf.h"
#include "synfin/pipeline.h"

struct pr_opts {
	bool color;    /* ANSI colours on flags and events */
	bool absolute; /* raw sequence numbers even when relative ones are known */
};

/* Width the frame number is right-aligned to (wider numbers just push the line right). */
#define PR_NUMBER_WIDTH 5

/* One packet line, ending in '\n'. rel_ns: time since the first frame of the run. */
void pr_line(struct sf_outbuf *ob, const struct sf_pkt_view *v, int64_t rel_ns,
             const struct pr_opts *o);
/* The detail tree (-V), one layer after the other. */
void pr_detail(struct sf_outbuf *ob, const struct sf_pkt_view *v, int64_t rel_ns,
               const struct pr_opts *o);
/* Transport layer and events of the detail tree (packet_detail_l4.c). */
void pr_detail_transport(struct sf_outbuf *ob, const struct sf_pkt_view *v,
                         const struct pr_opts *o);
void pr_detail_events(struct sf_outbuf *ob, const struct sf_packet *p, const struct pr_opts *o);
/* Lines of the detail tree: label + decimal, no newline; label + decimal + unit (may be NULL),
 * then a newline (packet_detail.c). */
void pr_put_u(struct sf_outbuf *ob, const char *label, uint64_t v);
void pr_put_line_u(struct sf_outbuf *ob, const char *label, uint64_t v, const char *unit);
/* Hex + ASCII dump (-x), split where each layer starts. */
void pr_hex(struct sf_outbuf *ob, const struct sf_packet *p);

/* "[SYN, ACK]" as Wireshark writes it (with colour when asked). */
void pr_put_flags(struct sf_outbuf *ob, uint16_t flags, bool color);
/* Name of a flag set as Wireshark's details pane writes it: "SYN, ACK"; "<None>" when empty. */
void pr_put_flag_names(struct sf_outbuf *ob, uint16_t flags);
/* Bits of value (nbits wide, MSB first, a space every 4) with '.' outside mask:
 * "...1 .... ....". */
void pr_put_bits(struct sf_outbuf *ob, uint32_t value, unsigned nbits, uint32_t mask);
/* The Ethernet type/length field when it is an IEEE 802.3 length (<= 1500); false otherwise
 * or when not captured. */
bool pr_eth_length_field(const struct sf_packet *p, uint16_t *len);
/* Reads one byte of the frame; false when off is beyond the captured bytes. */
bool pr_byte(const struct sf_packet *p, uint32_t off, uint8_t *out);

#endif
