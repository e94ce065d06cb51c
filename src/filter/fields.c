/* synfin — the field registry: one table names every field once.
 *
 * A row is name, type, width, display base, description, getter, the getter's argument and
 * flags (MULTI: several values; TRACK: needs tracking; ANA: needs sequence analysis (and so
 * tracking); CONN: has a value on a finished connection's record alone).
 * Names, types and meanings are Wireshark's (checked against `tshark -G fields` of 4.0) where
 * Wireshark has the field. Tracking and analysis fields (tcp.stream, tcp.seq relative,
 * tcp.analysis.*, tcp.state.*, conn.*) join as rows whose getters read v->conn, v->trk, v->ana.
 */
#include <stdio.h>
#include <string.h>

#include "filter/getters.h"
#include "synfin/analysis.h"

#define U(bits, base) SF_FT_UINT, bits, base
#define T(type)       type, 0, SF_BASE_DEC
#define DEC           SF_BASE_DEC
#define HEX           SF_BASE_HEX
#define MULTI         SF_FF_MULTI
#define TRACK         SF_FF_TRACK
#define CONN          SF_FF_CONN
#define ANA           (SF_FF_TRACK | SF_FF_ANA)

/* Wireshark's ICMP fields are split by IP version: icmp.* (IPv4), icmpv6.* (IPv6). */
#define ICMP4(item) (0x400u | (item))
#define ICMP6(item) (0x600u | (item))

static const struct sf_field field_table[] = {
    /* protocols: a bare name tests presence */
    {"frame", T(SF_FT_PROTOCOL), "the frame (always present)", sf_get_frame, 0, 0},
    {"eth", T(SF_FT_PROTOCOL), "Ethernet header present", sf_get_eth, 0, 0},
    {"vlan", T(SF_FT_PROTOCOL), "802.1Q VLAN tag present", sf_get_vlan, 0, 0},
    {"ip", T(SF_FT_PROTOCOL), "IPv4 header present", sf_get_ip, 0, 0},
    {"ipv6", T(SF_FT_PROTOCOL), "IPv6 header present", sf_get_ipv6, 0, 0},
    {"tcp", T(SF_FT_PROTOCOL), "TCP header present", sf_get_tcp, 0, 0},
    {"udp", T(SF_FT_PROTOCOL), "UDP header present", sf_get_udp, 0, 0},
    {"icmp", T(SF_FT_PROTOCOL), "ICMP header present", sf_get_icmp, ICMP4(0), 0},
    {"icmpv6", T(SF_FT_PROTOCOL), "ICMPv6 header present", sf_get_icmp, ICMP6(0), 0},

    /* frame */
    {"frame.number", U(32, DEC), "frame number in the run, from 1", sf_get_frame_number, 0, 0},
    {"frame.time_epoch", T(SF_FT_TIME), "arrival time, seconds since 1970-01-01 UTC",
     sf_get_frame_time_epoch, 0, 0},
    {"frame.time_relative", T(SF_FT_TIME), "seconds since the first frame",
     sf_get_frame_time_relative, 0, 0},
    {"frame.time_delta", T(SF_FT_TIME), "seconds since the previous frame", sf_get_frame_time_delta,
     0, 0},
    {"frame.len", U(32, DEC), "frame length on the wire", sf_get_frame_len, 0, 0},
    {"frame.cap_len", U(32, DEC), "frame length captured", sf_get_frame_cap_len, 0, 0},

    /* Ethernet, VLAN */
    {"eth.dst", T(SF_FT_ETHER), "Ethernet destination", sf_get_eth_addr, SF_A_DST, 0},
    {"eth.src", T(SF_FT_ETHER), "Ethernet source", sf_get_eth_addr, SF_A_SRC, 0},
    {"eth.addr", T(SF_FT_ETHER), "Ethernet destination or source", sf_get_eth_addr, SF_A_DST_SRC,
     MULTI},
    {"eth.type", U(16, HEX), "Ethernet type field (first VLAN TPID when tagged)", sf_get_eth_type,
     0, 0},
    {"vlan.priority", U(16, DEC), "VLAN priority code point, per tag", sf_get_vlan_item,
     SF_VLAN_PRIORITY, MULTI},
    {"vlan.dei", U(16, DEC), "VLAN drop eligible indicator, per tag", sf_get_vlan_item, SF_VLAN_DEI,
     MULTI},
    {"vlan.id", U(16, DEC), "VLAN identifier, per tag (outermost first)", sf_get_vlan_item,
     SF_VLAN_ID, MULTI},
    {"vlan.etype", U(16, HEX), "type following each VLAN tag", sf_get_vlan_item, SF_VLAN_ETYPE,
     MULTI},

    /* IPv4 */
    {"ip.version", U(8, DEC), "IP version (4)", sf_get_ip_uint, SF_IP_VERSION, 0},
    {"ip.hdr_len", U(8, DEC), "IPv4 header length in bytes", sf_get_ip_uint, SF_IP_HDR_LEN, 0},
    {"ip.dsfield", U(8, HEX), "differentiated services field", sf_get_ip_uint, SF_IP_DSFIELD, 0},
    {"ip.dsfield.dscp", U(8, DEC), "DSCP", sf_get_ip_uint, SF_IP_DSCP, 0},
    {"ip.dsfield.ecn", U(8, DEC), "ECN codepoint", sf_get_ip_uint, SF_IP_ECN, 0},
    {"ip.len", U(16, DEC), "IPv4 total length", sf_get_ip_uint, SF_IP_LEN, 0},
    {"ip.id", U(16, HEX), "IPv4 identification", sf_get_ip_uint, SF_IP_ID, 0},
    {"ip.flags", U(8, HEX), "IPv4 flags (RF DF MF)", sf_get_ip_uint, SF_IP_FLAGS, 0},
    {"ip.flags.rb", T(SF_FT_BOOL), "reserved bit", sf_get_ip_uint, SF_IP_FLAG_RB, 0},
    {"ip.flags.df", T(SF_FT_BOOL), "don't fragment", sf_get_ip_uint, SF_IP_FLAG_DF, 0},
    {"ip.flags.mf", T(SF_FT_BOOL), "more fragments", sf_get_ip_uint, SF_IP_FLAG_MF, 0},
    {"ip.frag_offset", U(16, DEC), "fragment offset in bytes", sf_get_ip_uint, SF_IP_FRAG_OFFSET,
     0},
    {"ip.ttl", U(8, DEC), "time to live", sf_get_ip_uint, SF_IP_TTL, 0},
    {"ip.proto", U(8, DEC), "protocol of the payload", sf_get_ip_uint, SF_IP_PROTO, 0},
    {"ip.checksum", U(16, HEX), "header checksum as written", sf_get_ip_uint, SF_IP_CHECKSUM, 0},
    {"ip.src", T(SF_FT_IPV4), "IPv4 source", sf_get_ip_addr, SF_A_SRC, 0},
    {"ip.dst", T(SF_FT_IPV4), "IPv4 destination", sf_get_ip_addr, SF_A_DST, 0},
    {"ip.addr", T(SF_FT_IPV4), "IPv4 source or destination", sf_get_ip_addr, SF_A_ANY, MULTI},

    /* IPv6 */
    {"ipv6.tclass", U(32, HEX), "traffic class", sf_get_ipv6_uint, SF_IP6_TCLASS, 0},
    {"ipv6.flow", U(24, HEX), "flow label", sf_get_ipv6_uint, SF_IP6_FLOW, 0},
    {"ipv6.plen", U(16, DEC), "payload length", sf_get_ipv6_uint, SF_IP6_PLEN, 0},
    {"ipv6.nxt", U(8, DEC), "next header of the fixed header", sf_get_ipv6_uint, SF_IP6_NXT, 0},
    {"ipv6.hlim", U(8, DEC), "hop limit", sf_get_ipv6_uint, SF_IP6_HLIM, 0},
    {"ipv6.src", T(SF_FT_IPV6), "IPv6 source", sf_get_ipv6_addr, SF_A_SRC, 0},
    {"ipv6.dst", T(SF_FT_IPV6), "IPv6 destination", sf_get_ipv6_addr, SF_A_DST, 0},
    {"ipv6.addr", T(SF_FT_IPV6), "IPv6 source or destination", sf_get_ipv6_addr, SF_A_ANY, MULTI},

    /* TCP */
    {"tcp.srcport", U(16, DEC), "TCP source port", sf_get_tcp_port, SF_A_SRC, 0},
    {"tcp.dstport", U(16, DEC), "TCP destination port", sf_get_tcp_port, SF_A_DST, 0},
    {"tcp.port", U(16, DEC), "TCP source or destination port", sf_get_tcp_port, SF_A_ANY, MULTI},
    {"tcp.seq_raw", U(32, DEC), "sequence number as written", sf_get_tcp_uint, SF_TCP_SEQ_RAW, 0},
    {"tcp.ack_raw", U(32, DEC), "acknowledgement number as written", sf_get_tcp_uint,
     SF_TCP_ACK_RAW, 0},
    {"tcp.hdr_len", U(8, DEC), "TCP header length in bytes", sf_get_tcp_uint, SF_TCP_HDR_LEN, 0},
    {"tcp.flags", U(16, HEX), "TCP flags (12 bits)", sf_get_tcp_uint, SF_TCP_FLAGS, 0},
    {"tcp.flags.res", T(SF_FT_BOOL), "reserved flag bits", sf_get_tcp_flag, SF_TCP_RES, 0},
    {"tcp.flags.ae", T(SF_FT_BOOL), "AE (accurate ECN, was NS)", sf_get_tcp_flag, SF_TCP_AE, 0},
    {"tcp.flags.cwr", T(SF_FT_BOOL), "CWR", sf_get_tcp_flag, SF_TCP_CWR, 0},
    {"tcp.flags.ece", T(SF_FT_BOOL), "ECE", sf_get_tcp_flag, SF_TCP_ECE, 0},
    {"tcp.flags.urg", T(SF_FT_BOOL), "URG", sf_get_tcp_flag, SF_TCP_URG, 0},
    {"tcp.flags.ack", T(SF_FT_BOOL), "ACK", sf_get_tcp_flag, SF_TCP_ACK, 0},
    {"tcp.flags.push", T(SF_FT_BOOL), "PSH", sf_get_tcp_flag, SF_TCP_PSH, 0},
    {"tcp.flags.reset", T(SF_FT_BOOL), "RST", sf_get_tcp_flag, SF_TCP_RST, 0},
    {"tcp.flags.syn", T(SF_FT_BOOL), "SYN", sf_get_tcp_flag, SF_TCP_SYN, 0},
    {"tcp.flags.fin", T(SF_FT_BOOL), "FIN", sf_get_tcp_flag, SF_TCP_FIN, 0},
    {"tcp.flags.str", T(SF_FT_STRING), "flags as 12 letters, e.g. \"·······A··S·\"",
     sf_get_tcp_flags_str, 0, 0},
    {"tcp.window_size_value", U(16, DEC), "window field as written (unscaled)", sf_get_tcp_uint,
     SF_TCP_WINDOW_VALUE, 0},
    {"tcp.checksum", U(16, HEX), "TCP checksum as written", sf_get_tcp_uint, SF_TCP_CHECKSUM, 0},
    {"tcp.urgent_pointer", U(16, DEC), "urgent pointer", sf_get_tcp_uint, SF_TCP_URGENT, 0},
    {"tcp.len", U(32, DEC), "TCP segment length (payload bytes)", sf_get_tcp_uint, SF_TCP_LEN, 0},
    /* tracking: Wireshark's values with its default preferences (relative sequence numbers,
     * analysis on) */
    {"tcp.stream", U(32, DEC), "stream index, connections numbered from 0 as Wireshark does",
     sf_get_trk_uint, SF_TRK_STREAM, TRACK | CONN},
    {"tcp.seq", U(32, DEC), "sequence number relative to the sender's ISN (ISN = 0)",
     sf_get_trk_uint, SF_TRK_SEQ, TRACK},
    {"tcp.ack", U(32, DEC), "acknowledgement number relative to the receiver's ISN",
     sf_get_trk_uint, SF_TRK_ACK, TRACK},
    {"tcp.nxtseq", U(32, DEC), "next sequence number: tcp.seq + tcp.len, +1 for SYN or FIN",
     sf_get_trk_uint, SF_TRK_NXTSEQ, TRACK},
    {"tcp.completeness", U(8, DEC),
     "connection completeness known after this packet: 1 SYN, 2 SYN-ACK, 4 ACK, 8 data, "
     "16 FIN, 32 RST (final once the connection ends)",
     sf_get_trk_uint, SF_TRK_COMPLETENESS, TRACK | CONN},
    /* sequence analysis (fields_ana.c): Wireshark's tcp.analysis.* with its default
     * preferences, present exactly when Wireshark shows them; tcp.analysis.push_bytes_sent
     * and the TCP Fast Open items are not computed */
    {"tcp.window_size", U(32, DEC), "calculated window: the window field after scaling",
     sf_get_ana_value, SF_ANA_V_WINDOW, ANA},
    {"tcp.window_size_scalefactor", T(SF_FT_INT),
     "window scaling factor of the sender (not on SYNs): 1<<shift, -1 unknown (SYNs not "
     "captured), -2 no scaling",
     sf_get_ana_value, SF_ANA_V_SCALEFACTOR, ANA},
    {"tcp.analysis", T(SF_FT_NONE),
     "the packet has sequence analysis to show (a flag, an acknowledged segment, data in "
     "flight)",
     sf_get_ana_value, SF_ANA_V_RECORD, ANA},
    {"tcp.analysis.flags", T(SF_FT_NONE),
     "some analysis flag is set (window_update and reused_ports included)", sf_get_ana_flag,
     (1u << SF_ANA__NFLAGS) - 1, ANA},
    {"tcp.analysis.retransmission", T(SF_FT_NONE),
     "a (suspected) retransmission, fast and spurious ones included", sf_get_ana_flag,
     SF_ANA_RETRANSMISSION, ANA},
    {"tcp.analysis.fast_retransmission", T(SF_FT_NONE),
     "a retransmission soon after duplicate ACKs asked for it", sf_get_ana_flag,
     SF_ANA_FAST_RETRANSMISSION, ANA},
    {"tcp.analysis.spurious_retransmission", T(SF_FT_NONE),
     "a retransmission of data the receiver had already acknowledged", sf_get_ana_flag,
     SF_ANA_SPURIOUS_RETRANS, ANA},
    {"tcp.analysis.out_of_order", T(SF_FT_NONE),
     "a segment below the highest sequence sent, within the reordering window", sf_get_ana_flag,
     SF_ANA_OUT_OF_ORDER, ANA},
    {"tcp.analysis.lost_segment", T(SF_FT_NONE),
     "previous segment(s) not captured: a gap before this segment", sf_get_ana_flag,
     SF_ANA_LOST_SEGMENT, ANA},
    {"tcp.analysis.ack_lost_segment", T(SF_FT_NONE), "acknowledges a segment that was not captured",
     sf_get_ana_flag, SF_ANA_ACK_LOST_SEGMENT, ANA},
    {"tcp.analysis.duplicate_ack", T(SF_FT_NONE),
     "a duplicate ACK (twice, as Wireshark adds the flag and the expert item)", sf_get_ana_flag,
     SF_ANA_DUPLICATE_ACK, MULTI | ANA},
    {"tcp.analysis.duplicate_ack_num", U(32, DEC), "number of this duplicate ACK (1, 2 …)",
     sf_get_ana_value, SF_ANA_V_DUP_ACK_NUM, ANA},
    {"tcp.analysis.duplicate_ack_frame", U(32, DEC), "frame of the ACK this one duplicates",
     sf_get_ana_value, SF_ANA_V_DUP_ACK_FRAME, ANA},
    {"tcp.analysis.zero_window", T(SF_FT_NONE), "advertises a zero window", sf_get_ana_flag,
     SF_ANA_ZERO_WINDOW, ANA},
    {"tcp.analysis.zero_window_probe", T(SF_FT_NONE), "one byte sent into the peer's zero window",
     sf_get_ana_flag, SF_ANA_ZERO_WINDOW_PROBE, ANA},
    {"tcp.analysis.zero_window_probe_ack", T(SF_FT_NONE), "acknowledges a zero-window probe",
     sf_get_ana_flag, SF_ANA_ZERO_WINDOW_PROBE_ACK, ANA},
    {"tcp.analysis.keep_alive", T(SF_FT_NONE),
     "a keep-alive: one byte or none, one below the next expected sequence", sf_get_ana_flag,
     SF_ANA_KEEP_ALIVE, ANA},
    {"tcp.analysis.keep_alive_ack", T(SF_FT_NONE), "acknowledges a keep-alive", sf_get_ana_flag,
     SF_ANA_KEEP_ALIVE_ACK, ANA},
    {"tcp.analysis.window_update", T(SF_FT_NONE), "a pure ACK that only changes the window",
     sf_get_ana_flag, SF_ANA_WINDOW_UPDATE, ANA},
    {"tcp.analysis.window_full", T(SF_FT_NONE),
     "the segment fills the receiver's advertised window", sf_get_ana_flag, SF_ANA_WINDOW_FULL,
     ANA},
    {"tcp.analysis.reused_ports", T(SF_FT_NONE),
     "a SYN or SYN-ACK starting a new connection on the ports of an earlier one", sf_get_ana_flag,
     SF_ANA_REUSED_PORTS, ANA},
    {"tcp.analysis.acks_frame", U(32, DEC),
     "frame of the segment this packet acknowledges (the one ending at its ACK)", sf_get_ana_value,
     SF_ANA_V_ACKS_FRAME, ANA},
    {"tcp.analysis.ack_rtt", T(SF_FT_TIME),
     "seconds from the acknowledged segment (acks_frame) to this ACK", sf_get_ana_value,
     SF_ANA_V_ACK_RTT, ANA},
    {"tcp.analysis.initial_rtt", T(SF_FT_TIME),
     "handshake RTT: last SYN to the first ACK after it, seconds", sf_get_ana_value,
     SF_ANA_V_INITIAL_RTT, ANA},
    {"tcp.analysis.bytes_in_flight", U(32, DEC),
     "bytes sent and not yet acknowledged after this segment", sf_get_ana_value,
     SF_ANA_V_BYTES_IN_FLIGHT, ANA},
    {"tcp.analysis.rto", T(SF_FT_TIME),
     "seconds the retransmitted data waited since it was first sent (RTO)", sf_get_ana_value,
     SF_ANA_V_RTO, ANA},
    {"tcp.analysis.rto_frame", U(32, DEC), "frame the RTO is measured from", sf_get_ana_value,
     SF_ANA_V_RTO_FRAME, ANA},
    {"tcp.analysis.dsack_frame", U(32, DEC),
     "retransmission this ACK's D-SACK reports received twice: it was spurious (RFC 3708)",
     sf_get_ana_value, SF_ANA_V_DSACK_FRAME, ANA},
    {"tcp.options.mss_val", U(16, DEC), "MSS option value", sf_get_tcp_opt_uint, SF_OPT_MSS, 0},
    {"tcp.options.wscale.shift", U(8, DEC), "window scale option shift count", sf_get_tcp_opt_uint,
     SF_OPT_WSCALE_SHIFT, 0},
    {"tcp.options.wscale.multiplier", U(16, DEC), "window scale multiplier (2^shift, max 14)",
     sf_get_tcp_opt_uint, SF_OPT_WSCALE_MULT, 0},
    {"tcp.options.sack_perm", T(SF_FT_PROTOCOL), "SACK permitted option present",
     sf_get_tcp_opt_present, SF_TCPOPT_SACK_PERM, MULTI},
    {"tcp.options.sack_le", U(32, DEC), "SACK block left edges, relative like tcp.ack",
     sf_get_tcp_sack, SF_SACK_LE, MULTI},
    {"tcp.options.sack_re", U(32, DEC), "SACK block right edges, relative like tcp.ack",
     sf_get_tcp_sack, SF_SACK_RE, MULTI},
    {"tcp.options.sack.count", U(8, DEC), "number of SACK blocks", sf_get_tcp_sack, SF_SACK_COUNT,
     0},
    {"tcp.options.sack.dsack_le", U(32, DEC),
     "D-SACK left edge: the first block reports data received twice (RFC 2883)", sf_get_tcp_sack,
     SF_DSACK_LE, 0},
    {"tcp.options.sack.dsack_re", U(32, DEC), "D-SACK right edge", sf_get_tcp_sack, SF_DSACK_RE, 0},
    {"tcp.options.timestamp.tsval", U(32, DEC), "timestamp value", sf_get_tcp_opt_uint,
     SF_OPT_TSVAL, 0},
    {"tcp.options.timestamp.tsecr", U(32, DEC), "timestamp echo reply", sf_get_tcp_opt_uint,
     SF_OPT_TSECR, 0},

    /* UDP, ICMP */
    {"udp.srcport", U(16, DEC), "UDP source port", sf_get_udp_port, SF_A_SRC, 0},
    {"udp.dstport", U(16, DEC), "UDP destination port", sf_get_udp_port, SF_A_DST, 0},
    {"udp.port", U(16, DEC), "UDP source or destination port", sf_get_udp_port, SF_A_ANY, MULTI},
    {"icmp.type", U(8, DEC), "ICMP type", sf_get_icmp_uint, ICMP4(SF_ICMP_TYPE), 0},
    {"icmp.code", U(8, DEC), "ICMP code", sf_get_icmp_uint, ICMP4(SF_ICMP_CODE), 0},
    {"icmpv6.type", U(8, DEC), "ICMPv6 type", sf_get_icmp_uint, ICMP6(SF_ICMP_TYPE), 0},
    {"icmpv6.code", U(8, DEC), "ICMPv6 code", sf_get_icmp_uint, ICMP6(SF_ICMP_CODE), 0},

    /* synfin's own */
    {"event", T(SF_FT_STRING), "names of the events raised on the packet (decode.*, tcp.*)",
     sf_get_event, 0, MULTI | ANA},
    {"tcp.state.client", T(SF_FT_STRING),
     "client's RFC 9293 state after this packet (\"TIME-WAIT\")", sf_get_tcp_state, 0,
     TRACK | CONN},
    {"tcp.state.server", T(SF_FT_STRING), "server's RFC 9293 state after this packet",
     sf_get_tcp_state, 1, TRACK | CONN},
    {"tcp.state.changed", T(SF_FT_BOOL), "present when this packet changed the state of a side",
     sf_get_trk_flag, SF_TRK_STATE_CHANGED, TRACK},
    {"conn.open_kind", T(SF_FT_STRING),
     "how the connection opened: three-way, simultaneous-open, syn-retried, refused, unanswered, "
     "synack-only, midstream, unknown",
     sf_get_conn_str, SF_CONN_OPEN_KIND, TRACK | CONN},
    {"conn.close_kind", T(SF_FT_STRING),
     "how it closed, as known so far: none (still open), four-way, three-way, simultaneous, "
     "half-close, rst-abort; unterminated once the record ends open",
     sf_get_conn_str, SF_CONN_CLOSE_KIND, TRACK | CONN},
    {"conn.state", T(SF_FT_STRING),
     "Zeek conn_state so far: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH",
     sf_get_conn_str, SF_CONN_STATE, TRACK | CONN},
    {"conn.history", T(SF_FT_STRING), "Zeek history letters so far (client upper case)",
     sf_get_conn_str, SF_CONN_HISTORY, TRACK | CONN},
    {"conn.closer", T(SF_FT_STRING),
     "side that closed first (first FIN, or the ending RST): "
     "client, server, none",
     sf_get_conn_str, SF_CONN_CLOSER, TRACK | CONN},
};

#define N_FIELDS (sizeof(field_table) / sizeof(field_table[0]))

unsigned sf_field_count(void)
{
	return (unsigned)N_FIELDS;
}

const struct sf_field *sf_field_at(unsigned i)
{
	return i < N_FIELDS ? &field_table[i] : NULL;
}

unsigned sf_field_index(const struct sf_field *f)
{
	return (unsigned)(f - field_table);
}

const struct sf_field *sf_field_by_name_n(const char *name, size_t len)
{
	for (unsigned i = 0; i < N_FIELDS; i++)
		if (strncmp(field_table[i].name, name, len) == 0 &&
		    field_table[i].name[len] == '\0')
			return &field_table[i];
	return NULL;
}

const struct sf_field *sf_field_by_name(const char *name)
{
	return sf_field_by_name_n(name, strlen(name));
}

/* Edit distance with adjacent transpositions (optimal string alignment), so that "tpc" is one
 * edit from "tcp". Names of 64 bytes or more are never close. */
static unsigned edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned d[3][64];
	if (la >= 64 || lb >= 64)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = d[i % 3], *prev = d[(i - 1) % 3], *prev2 = d[(i + 1) % 3];
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
			unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			unsigned m = del < ins ? del : ins;
			m = m < sub ? m : sub;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < m)
				m = prev2[j - 2] + 1;
			cur[j] = m;
		}
	}
	return d[la % 3][lb];
}

const char *sf_field_suggest(const char *name, size_t len)
{
	/* Close means a typo, never a different field: one edit per four characters (at least
	 * one), and fewer edits than the name has characters. */
	unsigned limit = len < 8 ? 1 : (unsigned)(len / 4);
	unsigned best = limit + 1;
	const char *best_name = NULL;
	for (unsigned i = 0; i < N_FIELDS; i++) {
		const char *n = field_table[i].name;
		unsigned d = edit_distance(name, len, n, strlen(n));
		if (d < best && d < len) {
			best = d;
			best_name = n;
		}
	}
	return best_name;
}

const char *sf_ftype_name(enum sf_ftype t)
{
	switch (t) {
	case SF_FT_BOOL:
		return "boolean";
	case SF_FT_UINT:
		return "unsigned integer";
	case SF_FT_INT:
		return "signed integer";
	case SF_FT_TIME:
		return "time";
	case SF_FT_IPV4:
		return "IPv4 address";
	case SF_FT_IPV6:
		return "IPv6 address";
	case SF_FT_ETHER:
		return "Ethernet address";
	case SF_FT_STRING:
		return "string";
	case SF_FT_PROTOCOL:
		return "protocol";
	case SF_FT_NONE:
		return "flag";
	}
	return "unknown";
}

void sf_eval_ctx_init(struct sf_eval_ctx *c)
{
	memset(c, 0, sizeof(*c));
}

void sf_eval_ctx_note_frame(struct sf_eval_ctx *c, const struct sf_frame *f)
{
	if (!c->have_first) {
		c->have_first = true;
		c->first_sec = f->ts_sec;
		c->first_nsec = f->ts_nsec;
	} else {
		c->have_prev = true;
		c->prev_sec = c->cur_sec;
		c->prev_nsec = c->cur_nsec;
	}
	c->cur_sec = f->ts_sec;
	c->cur_nsec = f->ts_nsec;
}

unsigned sf_field_values(const struct sf_field *f, const struct sf_pkt_view *v,
                         const struct sf_eval_ctx *c, struct sf_fval *out, unsigned max)
{
	if (!v || (!v->pkt && !(f->flags & SF_FF_CONN)))
		return 0;
	return f->get(v, c, f->arg, out, max);
}
