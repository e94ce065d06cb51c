/* synfin — one captured frame, decoded once into host-order fields.
 *
 * A source yields struct sf_frame (a view of the captured bytes, valid until the next frame);
 * sf_decode() fills struct sf_packet from it. Everything downstream (track, analysis, filter,
 * reports) reads only these two structs. Pointers in sf_packet point into the frame's bytes:
 * nothing is copied and nothing is allocated.
 *
 *   frame ─► link (Ethernet / 802.1Q / QinQ / SLL / SLL2 / NULL / LOOP / RAW)
 *         ─► network (IPv4 + options, IPv6 + extension headers)
 *         ─► transport (TCP + options; UDP and ICMP ports/types for the packet line)
 *
 * Every offset is from the start of the frame; every length was checked against caplen.
 */
#ifndef SYNFIN_PACKET_H
#define SYNFIN_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "synfin/event.h"

/* A frame as a source yields it. */
struct sf_frame {
	const uint8_t *data; /* captured bytes, caplen of them */
	uint32_t caplen;     /* bytes captured */
	uint32_t wirelen;    /* bytes on the wire */
	int64_t ts_sec;      /* seconds since the epoch, UTC */
	uint32_t ts_nsec;    /* nanoseconds within the second */
	int linktype;        /* DLT_* / LINKTYPE_* value of this frame's interface */
	uint32_t ifindex;    /* pcapng interface id; 0 for pcap and live */
	uint32_t file_index; /* index of the input file in the run (0-based) */
	uint64_t file_frame; /* 1-based frame number within its file */
	uint64_t number;     /* 1-based frame number in the run (continues across files) */
};

/* An IPv4 or IPv6 address. IPv4 addresses use the first 4 bytes of a. */
struct sf_addr {
	uint8_t family; /* 4 or 6; 0 when absent */
	uint8_t a[16];  /* network byte order */
};

/* TCP flag bits, as in the 12-bit tcp.flags field of Wireshark (AE was NS). */
enum {
	SF_TCP_FIN = 0x001,
	SF_TCP_SYN = 0x002,
	SF_TCP_RST = 0x004,
	SF_TCP_PSH = 0x008,
	SF_TCP_ACK = 0x010,
	SF_TCP_URG = 0x020,
	SF_TCP_ECE = 0x040,
	SF_TCP_CWR = 0x080,
	SF_TCP_AE = 0x100,
	SF_TCP_RES = 0xe00 /* the three reserved bits */
};

/* TCP option kinds named by synfin (IANA numbers). */
enum {
	SF_TCPOPT_EOL = 0,
	SF_TCPOPT_NOP = 1,
	SF_TCPOPT_MSS = 2,
	SF_TCPOPT_WSCALE = 3,
	SF_TCPOPT_SACK_PERM = 4,
	SF_TCPOPT_SACK = 5,
	SF_TCPOPT_TIMESTAMP = 8,
	SF_TCPOPT_MD5 = 19,
	SF_TCPOPT_USER_TIMEOUT = 28,
	SF_TCPOPT_AUTH = 29,
	SF_TCPOPT_MPTCP = 30,
	SF_TCPOPT_TFO = 34,
	SF_TCPOPT_EXP1 = 253,
	SF_TCPOPT_EXP2 = 254
};

#define SF_MAX_VLAN       3  /* tags kept; deeper stacks raise decode.vlan.too_many_tags */
#define SF_MAX_IP6_EXT    8  /* IPv6 extension headers kept */
#define SF_MAX_TCP_OPTS   40 /* at most 40 option bytes, so at most 40 options */
#define SF_MAX_SACK       4  /* SACK blocks that fit in 40 bytes */
#define SF_MAX_PKT_EVENTS 8  /* events kept per packet; more are counted in n_events_lost */

/* One TCP option as it stands in the header. */
struct sf_tcp_opt {
	uint8_t kind;
	uint8_t len; /* total length including kind and length bytes (1 for EOL/NOP) */
	uint8_t off; /* offset of the kind byte from the start of the TCP header */
};

struct sf_sack_block {
	uint32_t left, right; /* raw sequence numbers */
};

/* How far decoding got. */
enum sf_layer {
	SF_LAYER_NONE = 0, /* not even the link header */
	SF_LAYER_LINK,     /* link header decoded, network layer not (or not IP) */
	SF_LAYER_NET,      /* IP header decoded, transport not */
	SF_LAYER_TRANSPORT /* TCP (or UDP/ICMP) header decoded */
};

struct sf_packet {
	const struct sf_frame *frame; /* the frame this was decoded from */
	enum sf_layer layer;          /* deepest layer decoded */

	/* --- link --------------------------------------------------------------- */
	uint16_t l2_len; /* bytes of link header (incl. VLAN tags) */
	bool has_eth;    /* Ethernet header present */
	uint8_t eth_dst[6];
	uint8_t eth_src[6];
	uint16_t ethertype; /* final ethertype after VLAN tags (or SLL protocol, or AF mapped) */
	uint8_t n_vlan;
	uint16_t vlan_tpid[SF_MAX_VLAN]; /* 0x8100, 0x88a8, 0x9100 */
	uint16_t vlan_tci[SF_MAX_VLAN];  /* PCP:3 DEI:1 VID:12, outermost first */
	uint16_t vlan_off[SF_MAX_VLAN];  /* offset of each tag */
	uint16_t sll_pkttype;            /* LINUX_SLL/SLL2 packet type; 0 otherwise */
	uint32_t loop_family;            /* NULL/LOOP address family; 0 otherwise */

	/* --- network ------------------------------------------------------------ */
	uint8_t ip_version;  /* 4 or 6; 0 when no IP header was decoded */
	uint16_t l3_off;     /* offset of the IP header */
	uint16_t l3_hdr_len; /* IPv4 IHL*4, or 40 + extension headers for IPv6 */
	struct sf_addr src, dst;
	uint8_t ip_proto;     /* final upper-layer protocol (6 = TCP) */
	uint8_t ip_ttl;       /* TTL / hop limit */
	uint8_t ip_tos;       /* IPv4 TOS / IPv6 traffic class (DSCP<<2 | ECN) */
	uint32_t ip_len;      /* IPv4 total length / IPv6 40 + payload length, as written */
	uint32_t ip_len_used; /* the length decoding trusted (fixed when the written one lies) */
	/* IPv4 only */
	uint16_t ip_id;
	uint8_t ip_flags;     /* bit 2 = RF, bit 1 = DF, bit 0 = MF */
	uint16_t ip_frag_off; /* fragment offset in bytes */
	uint16_t ip_checksum;
	/* IPv6 only */
	uint32_t ip6_flow; /* flow label (20 bits) */
	uint8_t ip6_nxt;   /* next header field of the fixed header */
	uint8_t n_ip6_ext;
	uint8_t ip6_ext_type[SF_MAX_IP6_EXT];
	uint16_t ip6_ext_off[SF_MAX_IP6_EXT];
	uint32_t ip6_frag_id; /* identification of a fragment header, if any */
	/* IPv4 or IPv6 */
	bool is_fragment;    /* part of a fragmented datagram (MF set or offset > 0) */
	bool first_fragment; /* offset 0: the transport header is in this frame */

	/* --- transport ---------------------------------------------------------- */
	uint16_t l4_off;       /* offset of the transport header */
	bool has_tcp;          /* a TCP header was decoded (fields below valid) */
	bool has_udp;          /* UDP ports valid */
	bool has_icmp;         /* ICMP / ICMPv6 type and code valid */
	uint16_t sport, dport; /* TCP or UDP ports */
	uint8_t icmp_type, icmp_code;

	/* TCP header */
	uint32_t seq, ack;    /* raw sequence and acknowledgement numbers */
	uint16_t tcp_hdr_len; /* data offset * 4 */
	uint16_t flags;       /* SF_TCP_* bits (12 bits, reserved included) */
	uint16_t window;      /* window field as written (unscaled) */
	uint16_t tcp_checksum;
	uint16_t urg_ptr;
	uint32_t tcp_len;        /* payload length as Wireshark's tcp.len: IP length - headers */
	uint32_t payload_caplen; /* payload bytes actually captured (<= tcp_len) */
	uint16_t payload_off;    /* offset of the payload */

	/* TCP options, in header order */
	uint8_t n_opts;
	struct sf_tcp_opt opts[SF_MAX_TCP_OPTS];
	bool has_mss;
	uint16_t mss;
	bool has_wscale;
	uint8_t
	    wscale; /* shift as written (may exceed 14: see decode.tcp.wscale_shift_too_large) */
	bool sack_perm;
	uint8_t n_sack;
	struct sf_sack_block sack[SF_MAX_SACK];
	bool has_ts;
	uint32_t ts_val, ts_ecr;
	bool has_tfo;           /* TFO option (34) or experimental 254/0xF989 */
	uint8_t tfo_cookie_len; /* 0 = cookie request */
	bool has_mptcp;
	uint8_t mptcp_subtype;

	/* checksums (only verified when asked) */
	int8_t ip_checksum_ok;  /* 1 ok, 0 bad, -1 not checked */
	int8_t tcp_checksum_ok; /* 1 ok, 0 bad, -1 not checked (or not computable) */

	/* --- events ------------------------------------------------------------- */
	uint8_t n_events;
	uint8_t n_events_lost;
	uint16_t events[SF_MAX_PKT_EVENTS]; /* enum sf_event values, in the order raised */
};

/* True when the packet carries the event. */
bool sf_packet_has_event(const struct sf_packet *p, enum sf_event ev);
/* Sequence-space order (RFC 9293 §3.4: modulo 2^32): a comes before b. */
static inline bool sf_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
/* The packet's first SACK block is a D-SACK (RFC 2883 §4: it reports data received twice) by
 * Wireshark's rule (dissect_tcpopt_sack): it ends at or below the acknowledgement number, or
 * the second block holds its right edge. The block is copied to *dsack. */
bool sf_packet_dsack(const struct sf_packet *p, struct sf_sack_block *dsack);
/* Adds an event to the packet (kept once; extra ones beyond SF_MAX_PKT_EVENTS are counted). */
void sf_packet_add_event(struct sf_packet *p, enum sf_event ev);

#endif
