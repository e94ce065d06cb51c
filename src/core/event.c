/* synfin — the one table of event names. Order follows enum sf_event in synfin/event.h. */
#include <string.h>

#include "synfin/event.h"

struct event_info {
	const char *name;
	const char *desc;
};

static const struct event_info event_table[SF_EV__COUNT] = {
    [SF_EV_NONE] = {"none", "no event"},

    [SF_EV_LINK_UNSUPPORTED] = {"decode.link.unsupported", "link type not decoded"},
    [SF_EV_LINK_TRUNCATED] = {"decode.link.truncated", "frame shorter than its link header"},
    [SF_EV_VLAN_TRUNCATED] = {"decode.vlan.truncated", "VLAN tag cut short"},
    [SF_EV_VLAN_TOO_MANY] = {"decode.vlan.too_many_tags", "more VLAN tags than synfin keeps"},
    [SF_EV_ETHERTYPE_UNKNOWN] = {"decode.link.ethertype_not_ip", "link payload is not IP"},

    [SF_EV_IPV4_TRUNCATED] = {"decode.ipv4.truncated", "IPv4 header cut short"},
    [SF_EV_IPV4_BAD_VERSION] = {"decode.ipv4.bad_version", "IP version field is not 4"},
    [SF_EV_IPV4_HLEN_TOO_SMALL] = {"decode.ipv4.hlen_too_small", "IPv4 header length below 20"},
    [SF_EV_IPV4_HLEN_TRUNCATED] = {"decode.ipv4.hlen_exceeds_captured",
                                   "IPv4 header length beyond the captured bytes"},
    [SF_EV_IPV4_LEN_TOO_SMALL] = {"decode.ipv4.total_len_too_small",
                                  "IPv4 total length smaller than its header"},
    [SF_EV_IPV4_LEN_TOO_LARGE] = {"decode.ipv4.total_len_exceeds_wire",
                                  "IPv4 total length larger than the frame"},
    [SF_EV_IPV4_LEN_ZERO] = {"decode.ipv4.total_len_zero",
                             "IPv4 total length 0 (segmentation offload capture)"},
    [SF_EV_IPV4_OPT_BAD] = {"decode.ipv4.bad_option", "malformed IPv4 option"},
    [SF_EV_IPV4_FRAGMENT] = {"decode.ipv4.fragment", "IPv4 fragment without transport header"},
    [SF_EV_IPV4_BAD_CHECKSUM] = {"decode.ipv4.bad_checksum", "IPv4 header checksum wrong"},

    [SF_EV_IPV6_TRUNCATED] = {"decode.ipv6.truncated", "IPv6 header cut short"},
    [SF_EV_IPV6_BAD_VERSION] = {"decode.ipv6.bad_version", "IP version field is not 6"},
    [SF_EV_IPV6_LEN_TOO_LARGE] = {"decode.ipv6.payload_len_exceeds_wire",
                                  "IPv6 payload length larger than the frame"},
    [SF_EV_IPV6_LEN_ZERO] = {"decode.ipv6.payload_len_zero",
                             "IPv6 payload length 0 (jumbogram or offload capture)"},
    [SF_EV_IPV6_EXT_TRUNCATED] = {"decode.ipv6.ext_truncated", "IPv6 extension header cut short"},
    [SF_EV_IPV6_EXT_TOO_MANY] = {"decode.ipv6.too_many_ext_headers",
                                 "more IPv6 extension headers than synfin follows"},
    [SF_EV_IPV6_UNKNOWN_NEXT] = {"decode.ipv6.unknown_next_header",
                                 "unknown IPv6 next header; decoding stopped there"},
    [SF_EV_IPV6_FRAGMENT] = {"decode.ipv6.fragment", "IPv6 fragment without transport header"},

    [SF_EV_TCP_TRUNCATED] = {"decode.tcp.truncated", "TCP header cut short by the snaplen"},
    [SF_EV_TCP_HLEN_TOO_SMALL] = {"decode.tcp.hlen_too_small", "TCP data offset below 5"},
    [SF_EV_TCP_HLEN_TRUNCATED] = {"decode.tcp.hlen_exceeds_captured",
                                  "TCP header length beyond the captured bytes"},
    [SF_EV_TCP_HLEN_TOO_LARGE] = {"decode.tcp.hlen_exceeds_ip_len",
                                  "TCP header length beyond the IP payload"},
    [SF_EV_TCP_OPT_LEN_ZERO] = {"decode.tcp.opt_len_zero", "TCP option with length 0"},
    [SF_EV_TCP_OPT_LEN_ONE] = {"decode.tcp.opt_len_one", "TCP option with length 1"},
    [SF_EV_TCP_OPT_PAST_HEADER] = {"decode.tcp.opt_past_header", "TCP option runs past the header"},
    [SF_EV_TCP_OPT_BAD_LEN] = {"decode.tcp.opt_bad_len", "TCP option with a wrong length"},
    [SF_EV_TCP_OPT_DUPLICATE] = {"decode.tcp.opt_duplicate", "TCP option present twice"},
    [SF_EV_TCP_WSCALE_TOO_LARGE] = {"decode.tcp.wscale_shift_too_large",
                                    "window scale shift above 14 (RFC 7323 caps it at 14)"},
    [SF_EV_TCP_BAD_CHECKSUM] = {"decode.tcp.bad_checksum", "TCP checksum wrong"},

    [SF_EV_UDP_TRUNCATED] = {"decode.udp.truncated", "UDP header cut short"},
    [SF_EV_ICMP_TRUNCATED] = {"decode.icmp.truncated", "ICMP header cut short"},

    [SF_EV_TRK_SYN_WITH_DATA] = {"tcp.SYN_with_data", "SYN carrying payload"},
    [SF_EV_TRK_SYN_WITH_FIN] = {"tcp.SYN_with_FIN", "SYN and FIN in one segment"},
    [SF_EV_TRK_SYN_WITH_RST] = {"tcp.SYN_with_RST", "SYN and RST in one segment"},
    [SF_EV_TRK_DATA_BEFORE_EST] = {"tcp.data_before_established",
                                   "payload before the handshake completed"},
    [SF_EV_TRK_SYN_AFTER_CLOSE] = {"tcp.SYN_after_close", "SYN from a side that had closed"},
    [SF_EV_TRK_SYN_AFTER_RESET] = {"tcp.SYN_after_reset", "SYN after the connection was reset"},
    [SF_EV_TRK_SYN_INSIDE_CONN] = {"tcp.SYN_inside_connection",
                                   "SYN with a new sequence number on an open connection"},
    [SF_EV_TRK_SPONTANEOUS_FIN] = {"tcp.spontaneous_FIN", "FIN on a connection not open"},
    [SF_EV_TRK_SPONTANEOUS_RST] = {"tcp.spontaneous_RST", "RST on a connection never opened"},
    [SF_EV_TRK_RST_WITH_DATA] = {"tcp.RST_with_data", "RST carrying payload"},
    [SF_EV_TRK_RST_OUT_OF_WINDOW] = {"tcp.rst_out_of_window",
                                     "RST outside the receiver's window: ignored (RFC 5961)"},
    [SF_EV_TRK_BAD_SYN_ACK] = {"tcp.bad_SYN_ack", "SYN-ACK that does not acknowledge the SYN"},
    [SF_EV_TRK_UNSOLICITED_SYN_RESP] = {"tcp.unsolicited_SYN_response",
                                        "SYN-ACK with no SYN seen before it"},
    [SF_EV_TRK_ACK_OF_UNSENT_SYN] = {"tcp.ack_of_unsent_SYN", "ACK of a SYN the peer never sent"},
    [SF_EV_TRK_DATA_AFTER_RESET] = {"tcp.data_after_reset", "payload after a RST"},
    [SF_EV_TRK_FIN_WITHOUT_ACK] = {"tcp.FIN_without_ACK", "FIN without the ACK bit"},
    [SF_EV_TRK_NO_FLAGS] = {"tcp.no_flags", "segment with none of SYN, FIN, RST, ACK"},

    [SF_EV_ANA_RETRANSMISSION] = {"tcp.analysis.retransmission",
                                  "segment sent again (retransmission)"},
    [SF_EV_ANA_FAST_RETRANSMISSION] = {"tcp.analysis.fast_retransmission",
                                       "retransmission after duplicate ACKs (RFC 5681 §3.2)"},
    [SF_EV_ANA_SPURIOUS_RETRANS] = {"tcp.analysis.spurious_retransmission",
                                    "retransmission of bytes already acknowledged"},
    [SF_EV_ANA_OUT_OF_ORDER] = {"tcp.analysis.out_of_order",
                                "segment below the highest sequence number, reordered"},
    [SF_EV_ANA_LOST_SEGMENT] = {"tcp.analysis.lost_segment", "previous segment not captured"},
    [SF_EV_ANA_ACK_LOST_SEGMENT] = {"tcp.analysis.ack_lost_segment",
                                    "ACK of a segment not captured"},
    [SF_EV_ANA_DUPLICATE_ACK] = {"tcp.analysis.duplicate_ack", "duplicate ACK"},
    [SF_EV_ANA_ZERO_WINDOW] = {"tcp.analysis.zero_window", "receive window closed (zero)"},
    [SF_EV_ANA_ZERO_WINDOW_PROBE] = {"tcp.analysis.zero_window_probe", "zero-window probe"},
    [SF_EV_ANA_ZERO_WINDOW_PROBE_ACK] = {"tcp.analysis.zero_window_probe_ack",
                                         "ACK of a zero-window probe"},
    [SF_EV_ANA_KEEP_ALIVE] = {"tcp.analysis.keep_alive", "keep-alive"},
    [SF_EV_ANA_KEEP_ALIVE_ACK] = {"tcp.analysis.keep_alive_ack", "ACK of a keep-alive"},
    [SF_EV_ANA_WINDOW_UPDATE] = {"tcp.analysis.window_update", "window update"},
    [SF_EV_ANA_WINDOW_FULL] = {"tcp.analysis.window_full", "segment fills the receiver's window"},
    [SF_EV_ANA_REUSED_PORTS] = {"tcp.analysis.reused_ports",
                                "new connection on the ports of an earlier one"},
};

const char *sf_event_name(enum sf_event ev)
{
	if ((unsigned)ev >= SF_EV__COUNT || !event_table[ev].name)
		return "unknown";
	return event_table[ev].name;
}

const char *sf_event_desc(enum sf_event ev)
{
	if ((unsigned)ev >= SF_EV__COUNT || !event_table[ev].desc)
		return "unknown event";
	return event_table[ev].desc;
}

enum sf_event sf_event_by_name(const char *name)
{
	for (unsigned i = 1; i < SF_EV__COUNT; i++)
		if (event_table[i].name && strcmp(event_table[i].name, name) == 0)
			return (enum sf_event)i;
	return SF_EV_NONE;
}
