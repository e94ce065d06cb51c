/* synfin — names the text reports print: ethertypes, ICMP types, TCP options, MPTCP subtypes,
 * IPv6 extension headers, DSCP code points. Spelled as Wireshark spells them where it has a
 * name, so a user can move between the two tools. Every function returns NULL when it has no
 * name, so callers can fall back to the number. */
#ifndef SYNFIN_REPORT_NAMES_H
#define SYNFIN_REPORT_NAMES_H

#include <stdint.h>

const char *rn_ethertype(uint16_t type);          /* "ARP", "LLDP" … */
const char *rn_icmp4(uint8_t type, uint8_t code); /* "Echo (ping) request" … */
const char *rn_icmp6(uint8_t type, uint8_t code); /* "Neighbor Solicitation" … */
const char *rn_tcpopt(uint8_t kind);              /* "Maximum segment size" … */
const char *rn_mptcp_subtype(uint8_t subtype);    /* "MP_CAPABLE" … */
const char *rn_ip6_ext(uint8_t nh);               /* "Hop-by-Hop Options" … */
const char *rn_dscp(uint8_t dscp);                /* "CS0", "EF", "AF11" … */
const char *rn_ecn(uint8_t ecn);                  /* "Not-ECT", "ECT(1)" … never NULL */
const char *rn_sll_pkttype(uint16_t t);           /* "Unicast to us" … */
const char *rn_loop_family(uint32_t af);          /* "IP", "IPv6" … */

#endif
