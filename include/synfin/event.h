/* synfin — anomalies are events: one enum, one table of dotted names.
 *
 * Every layer reports what it could not accept as an event rather than an error: the packet
 * (or connection) carries the event, a counter grows, and the pass goes on. Names are fixed
 * and dotted; where Zeek has a "weird" for the same thing, tracking events use Zeek's name.
 * New events are appended inside their layer's block; the numeric values are not an ABI.
 */
#ifndef SYNFIN_EVENT_H
#define SYNFIN_EVENT_H

#include <stdint.h>

enum sf_event {
	SF_EV_NONE = 0,

	/* decode: link layer */
	SF_EV_LINK_UNSUPPORTED,  /* decode.link.unsupported */
	SF_EV_LINK_TRUNCATED,    /* decode.link.truncated */
	SF_EV_VLAN_TRUNCATED,    /* decode.vlan.truncated */
	SF_EV_VLAN_TOO_MANY,     /* decode.vlan.too_many_tags */
	SF_EV_ETHERTYPE_UNKNOWN, /* decode.link.ethertype_not_ip (counted, not an error) */

	/* decode: IPv4 */
	SF_EV_IPV4_TRUNCATED,      /* decode.ipv4.truncated: fewer than 20 bytes captured */
	SF_EV_IPV4_BAD_VERSION,    /* decode.ipv4.bad_version */
	SF_EV_IPV4_HLEN_TOO_SMALL, /* decode.ipv4.hlen_too_small: IHL < 5 */
	SF_EV_IPV4_HLEN_TRUNCATED, /* decode.ipv4.hlen_exceeds_captured */
	SF_EV_IPV4_LEN_TOO_SMALL,  /* decode.ipv4.total_len_too_small: < header length */
	SF_EV_IPV4_LEN_TOO_LARGE,  /* decode.ipv4.total_len_exceeds_wire */
	SF_EV_IPV4_LEN_ZERO,       /* decode.ipv4.total_len_zero (TSO capture) */
	SF_EV_IPV4_OPT_BAD,        /* decode.ipv4.bad_option */
	SF_EV_IPV4_FRAGMENT,       /* decode.ipv4.fragment: non-first fragment, TCP not decoded */
	SF_EV_IPV4_BAD_CHECKSUM,   /* decode.ipv4.bad_checksum (only with checksum checks on) */

	/* decode: IPv6 */
	SF_EV_IPV6_TRUNCATED,     /* decode.ipv6.truncated */
	SF_EV_IPV6_BAD_VERSION,   /* decode.ipv6.bad_version */
	SF_EV_IPV6_LEN_TOO_LARGE, /* decode.ipv6.payload_len_exceeds_wire */
	SF_EV_IPV6_LEN_ZERO,      /* decode.ipv6.payload_len_zero (jumbogram or TSO) */
	SF_EV_IPV6_EXT_TRUNCATED, /* decode.ipv6.ext_truncated */
	SF_EV_IPV6_EXT_TOO_MANY,  /* decode.ipv6.too_many_ext_headers */
	SF_EV_IPV6_UNKNOWN_NEXT,  /* decode.ipv6.unknown_next_header */
	SF_EV_IPV6_FRAGMENT,      /* decode.ipv6.fragment: non-first fragment */

	/* decode: TCP */
	SF_EV_TCP_TRUNCATED,        /* decode.tcp.truncated: < 20 bytes captured (snaplen) */
	SF_EV_TCP_HLEN_TOO_SMALL,   /* decode.tcp.hlen_too_small: data offset < 5 */
	SF_EV_TCP_HLEN_TRUNCATED,   /* decode.tcp.hlen_exceeds_captured */
	SF_EV_TCP_HLEN_TOO_LARGE,   /* decode.tcp.hlen_exceeds_ip_len */
	SF_EV_TCP_OPT_LEN_ZERO,     /* decode.tcp.opt_len_zero */
	SF_EV_TCP_OPT_LEN_ONE,      /* decode.tcp.opt_len_one */
	SF_EV_TCP_OPT_PAST_HEADER,  /* decode.tcp.opt_past_header */
	SF_EV_TCP_OPT_BAD_LEN,      /* decode.tcp.opt_bad_len: e.g. MSS with length != 4 */
	SF_EV_TCP_OPT_DUPLICATE,    /* decode.tcp.opt_duplicate */
	SF_EV_TCP_WSCALE_TOO_LARGE, /* decode.tcp.wscale_shift_too_large: shift > 14 */
	SF_EV_TCP_BAD_CHECKSUM,     /* decode.tcp.bad_checksum (only with checksum checks on) */

	/* decode: other transports */
	SF_EV_UDP_TRUNCATED,  /* decode.udp.truncated */
	SF_EV_ICMP_TRUNCATED, /* decode.icmp.truncated */

	/* track and analysis events are appended below, in their own blocks */

	/* track: packets that fit no valid transition (Zeek's weird names where one exists) */
	SF_EV_TRK_SYN_WITH_DATA,        /* tcp.SYN_with_data */
	SF_EV_TRK_SYN_WITH_FIN,         /* tcp.SYN_with_FIN */
	SF_EV_TRK_SYN_WITH_RST,         /* tcp.SYN_with_RST */
	SF_EV_TRK_DATA_BEFORE_EST,      /* tcp.data_before_established */
	SF_EV_TRK_SYN_AFTER_CLOSE,      /* tcp.SYN_after_close */
	SF_EV_TRK_SYN_AFTER_RESET,      /* tcp.SYN_after_reset */
	SF_EV_TRK_SYN_INSIDE_CONN,      /* tcp.SYN_inside_connection */
	SF_EV_TRK_SPONTANEOUS_FIN,      /* tcp.spontaneous_FIN */
	SF_EV_TRK_SPONTANEOUS_RST,      /* tcp.spontaneous_RST */
	SF_EV_TRK_RST_WITH_DATA,        /* tcp.RST_with_data */
	SF_EV_TRK_RST_OUT_OF_WINDOW,    /* tcp.rst_out_of_window (RFC 5961 §3.2) */
	SF_EV_TRK_BAD_SYN_ACK,          /* tcp.bad_SYN_ack */
	SF_EV_TRK_UNSOLICITED_SYN_RESP, /* tcp.unsolicited_SYN_response */
	SF_EV_TRK_ACK_OF_UNSENT_SYN,    /* tcp.ack_of_unsent_SYN */
	SF_EV_TRK_DATA_AFTER_RESET,     /* tcp.data_after_reset */
	SF_EV_TRK_FIN_WITHOUT_ACK,      /* tcp.FIN_without_ACK */
	SF_EV_TRK_NO_FLAGS,             /* tcp.no_flags: neither ACK nor SYN/FIN/RST */

	/* analysis: Wireshark's expert info, one per tcp.analysis.* flag, in the order of the
	 * SF_ANA_* bits of synfin/analysis.h (SF_EV_ANA_RETRANSMISSION + bit index) */
	SF_EV_ANA_RETRANSMISSION,        /* tcp.analysis.retransmission */
	SF_EV_ANA_FAST_RETRANSMISSION,   /* tcp.analysis.fast_retransmission */
	SF_EV_ANA_SPURIOUS_RETRANS,      /* tcp.analysis.spurious_retransmission */
	SF_EV_ANA_OUT_OF_ORDER,          /* tcp.analysis.out_of_order */
	SF_EV_ANA_LOST_SEGMENT,          /* tcp.analysis.lost_segment */
	SF_EV_ANA_ACK_LOST_SEGMENT,      /* tcp.analysis.ack_lost_segment */
	SF_EV_ANA_DUPLICATE_ACK,         /* tcp.analysis.duplicate_ack */
	SF_EV_ANA_ZERO_WINDOW,           /* tcp.analysis.zero_window */
	SF_EV_ANA_ZERO_WINDOW_PROBE,     /* tcp.analysis.zero_window_probe */
	SF_EV_ANA_ZERO_WINDOW_PROBE_ACK, /* tcp.analysis.zero_window_probe_ack */
	SF_EV_ANA_KEEP_ALIVE,            /* tcp.analysis.keep_alive */
	SF_EV_ANA_KEEP_ALIVE_ACK,        /* tcp.analysis.keep_alive_ack */
	SF_EV_ANA_WINDOW_UPDATE,         /* tcp.analysis.window_update */
	SF_EV_ANA_WINDOW_FULL,           /* tcp.analysis.window_full */
	SF_EV_ANA_REUSED_PORTS,          /* tcp.analysis.reused_ports */

	SF_EV__COUNT
};

/* Dotted name of an event ("decode.tcp.hlen_too_small"); "unknown" for out-of-range values. */
const char *sf_event_name(enum sf_event ev);
/* One-line human explanation of an event. */
const char *sf_event_desc(enum sf_event ev);
/* Event by dotted name, SF_EV_NONE when no such name. */
enum sf_event sf_event_by_name(const char *name);

#endif
