/* synfin — the field registry: one table names every field once.
 *
 * A row is name, type, width, display base, description, getter and the getter's argument.
 * Names, types and meanings are Wireshark's (checked against `tshark -G fields` of 4.0) where
 * Wireshark has the field. Tracking and analysis fields (tcp.stream, tcp.seq relative,
 * tcp.analysis.*, tcp.state.*, conn.*) join as rows whose getters read v->conn, v->trk, v->ana.
 */
#include <stdio.h>
#include <string.h>

#include "filter/getters.h"

#define U(bits, base) SF_FT_UINT, bits, base
#define T(type)       type, 0, SF_BASE_DEC
#define DEC           SF_BASE_DEC
#define HEX           SF_BASE_HEX

/* Wireshark's ICMP fields are split by IP version: icmp.* (IPv4), icmpv6.* (IPv6). */
#define ICMP4(item) (0x400u | (item))
#define ICMP6(item) (0x600u | (item))

static const struct sf_field field_table[] = {
    /* protocols: a bare name tests presence */
    {"frame", T(SF_FT_PROTOCOL), "the frame (always present)", sf_get_frame, 0},
    {"eth", T(SF_FT_PROTOCOL), "Ethernet header present", sf_get_eth, 0},
    {"vlan", T(SF_FT_PROTOCOL), "802.1Q VLAN tag present", sf_get_vlan, 0},
    {"ip", T(SF_FT_PROTOCOL), "IPv4 header present", sf_get_ip, 0},
    {"ipv6", T(SF_FT_PROTOCOL), "IPv6 header present", sf_get_ipv6, 0},
    {"tcp", T(SF_FT_PROTOCOL), "TCP header present", sf_get_tcp, 0},
    {"udp", T(SF_FT_PROTOCOL), "UDP header present", sf_get_udp, 0},
    {"icmp", T(SF_FT_PROTOCOL), "ICMP header present", sf_get_icmp, ICMP4(0)},
    {"icmpv6", T(SF_FT_PROTOCOL), "ICMPv6 header present", sf_get_icmp, ICMP6(0)},

    /* frame */
    {"frame.number", U(32, DEC), "frame number in the run, from 1", sf_get_frame_number, 0},
    {"frame.time_epoch", T(SF_FT_TIME), "arrival time, seconds since 1970-01-01 UTC",
     sf_get_frame_time_epoch, 0},
    {"frame.time_relative", T(SF_FT_TIME), "seconds since the first frame",
     sf_get_frame_time_relative, 0},
    {"frame.time_delta", T(SF_FT_TIME), "seconds since the previous frame", sf_get_frame_time_delta,
     0},
    {"frame.len", U(32, DEC), "frame length on the wire", sf_get_frame_len, 0},
    {"frame.cap_len", U(32, DEC), "frame length captured", sf_get_frame_cap_len, 0},

    /* Ethernet, VLAN */
    {"eth.dst", T(SF_FT_ETHER), "Ethernet destination", sf_get_eth_addr, SF_A_DST},
    {"eth.src", T(SF_FT_ETHER), "Ethernet source", sf_get_eth_addr, SF_A_SRC},
    {"eth.addr", T(SF_FT_ETHER), "Ethernet destination or source", sf_get_eth_addr, SF_A_DST_SRC},
    {"eth.type", U(16, HEX), "Ethernet type field (first VLAN TPID when tagged)", sf_get_eth_type,
     0},
    {"vlan.priority", U(16, DEC), "VLAN priority code point, per tag", sf_get_vlan_item,
     SF_VLAN_PRIORITY},
    {"vlan.dei", U(16, DEC), "VLAN drop eligible indicator, per tag", sf_get_vlan_item,
     SF_VLAN_DEI},
    {"vlan.id", U(16, DEC), "VLAN identifier, per tag (outermost first)", sf_get_vlan_item,
     SF_VLAN_ID},
    {"vlan.etype", U(16, HEX), "type following each VLAN tag", sf_get_vlan_item, SF_VLAN_ETYPE},

    /* IPv4 */
    {"ip.version", U(8, DEC), "IP version (4)", sf_get_ip_uint, SF_IP_VERSION},
    {"ip.hdr_len", U(8, DEC), "IPv4 header length in bytes", sf_get_ip_uint, SF_IP_HDR_LEN},
    {"ip.dsfield", U(8, HEX), "differentiated services field", sf_get_ip_uint, SF_IP_DSFIELD},
    {"ip.dsfield.dscp", U(8, DEC), "DSCP", sf_get_ip_uint, SF_IP_DSCP},
    {"ip.dsfield.ecn", U(8, DEC), "ECN codepoint", sf_get_ip_uint, SF_IP_ECN},
    {"ip.len", U(16, DEC), "IPv4 total length", sf_get_ip_uint, SF_IP_LEN},
    {"ip.id", U(16, HEX), "IPv4 identification", sf_get_ip_uint, SF_IP_ID},
    {"ip.flags", U(8, HEX), "IPv4 flags (RF DF MF)", sf_get_ip_uint, SF_IP_FLAGS},
    {"ip.flags.rb", T(SF_FT_BOOL), "reserved bit", sf_get_ip_uint, SF_IP_FLAG_RB},
    {"ip.flags.df", T(SF_FT_BOOL), "don't fragment", sf_get_ip_uint, SF_IP_FLAG_DF},
    {"ip.flags.mf", T(SF_FT_BOOL), "more fragments", sf_get_ip_uint, SF_IP_FLAG_MF},
    {"ip.frag_offset", U(16, DEC), "fragment offset in bytes", sf_get_ip_uint, SF_IP_FRAG_OFFSET},
    {"ip.ttl", U(8, DEC), "time to live", sf_get_ip_uint, SF_IP_TTL},
    {"ip.proto", U(8, DEC), "protocol of the payload", sf_get_ip_uint, SF_IP_PROTO},
    {"ip.checksum", U(16, HEX), "header checksum as written", sf_get_ip_uint, SF_IP_CHECKSUM},
    {"ip.src", T(SF_FT_IPV4), "IPv4 source", sf_get_ip_addr, SF_A_SRC},
    {"ip.dst", T(SF_FT_IPV4), "IPv4 destination", sf_get_ip_addr, SF_A_DST},
    {"ip.addr", T(SF_FT_IPV4), "IPv4 source or destination", sf_get_ip_addr, SF_A_ANY},

    /* IPv6 */
    {"ipv6.tclass", U(32, HEX), "traffic class", sf_get_ipv6_uint, SF_IP6_TCLASS},
    {"ipv6.flow", U(24, HEX), "flow label", sf_get_ipv6_uint, SF_IP6_FLOW},
    {"ipv6.plen", U(16, DEC), "payload length", sf_get_ipv6_uint, SF_IP6_PLEN},
    {"ipv6.nxt", U(8, DEC), "next header of the fixed header", sf_get_ipv6_uint, SF_IP6_NXT},
    {"ipv6.hlim", U(8, DEC), "hop limit", sf_get_ipv6_uint, SF_IP6_HLIM},
    {"ipv6.src", T(SF_FT_IPV6), "IPv6 source", sf_get_ipv6_addr, SF_A_SRC},
    {"ipv6.dst", T(SF_FT_IPV6), "IPv6 destination", sf_get_ipv6_addr, SF_A_DST},
    {"ipv6.addr", T(SF_FT_IPV6), "IPv6 source or destination", sf_get_ipv6_addr, SF_A_ANY},

    /* TCP */
    {"tcp.srcport", U(16, DEC), "TCP source port", sf_get_tcp_port, SF_A_SRC},
    {"tcp.dstport", U(16, DEC), "TCP destination port", sf_get_tcp_port, SF_A_DST},
    {"tcp.port", U(16, DEC), "TCP source or destination port", sf_get_tcp_port, SF_A_ANY},
    {"tcp.seq_raw", U(32, DEC), "sequence number as written", sf_get_tcp_uint, SF_TCP_SEQ_RAW},
    {"tcp.ack_raw", U(32, DEC), "acknowledgement number as written", sf_get_tcp_uint,
     SF_TCP_ACK_RAW},
    {"tcp.hdr_len", U(8, DEC), "TCP header length in bytes", sf_get_tcp_uint, SF_TCP_HDR_LEN},
    {"tcp.flags", U(16, HEX), "TCP flags (12 bits)", sf_get_tcp_uint, SF_TCP_FLAGS},
    {"tcp.flags.res", T(SF_FT_BOOL), "reserved flag bits", sf_get_tcp_flag, SF_TCP_RES},
    {"tcp.flags.ae", T(SF_FT_BOOL), "AE (accurate ECN, was NS)", sf_get_tcp_flag, SF_TCP_AE},
    {"tcp.flags.cwr", T(SF_FT_BOOL), "CWR", sf_get_tcp_flag, SF_TCP_CWR},
    {"tcp.flags.ece", T(SF_FT_BOOL), "ECE", sf_get_tcp_flag, SF_TCP_ECE},
    {"tcp.flags.urg", T(SF_FT_BOOL), "URG", sf_get_tcp_flag, SF_TCP_URG},
    {"tcp.flags.ack", T(SF_FT_BOOL), "ACK", sf_get_tcp_flag, SF_TCP_ACK},
    {"tcp.flags.push", T(SF_FT_BOOL), "PSH", sf_get_tcp_flag, SF_TCP_PSH},
    {"tcp.flags.reset", T(SF_FT_BOOL), "RST", sf_get_tcp_flag, SF_TCP_RST},
    {"tcp.flags.syn", T(SF_FT_BOOL), "SYN", sf_get_tcp_flag, SF_TCP_SYN},
    {"tcp.flags.fin", T(SF_FT_BOOL), "FIN", sf_get_tcp_flag, SF_TCP_FIN},
    {"tcp.flags.str", T(SF_FT_STRING), "flags as 12 letters, e.g. \"·······A··S·\"",
     sf_get_tcp_flags_str, 0},
    {"tcp.window_size_value", U(16, DEC), "window field as written (unscaled)", sf_get_tcp_uint,
     SF_TCP_WINDOW_VALUE},
    {"tcp.checksum", U(16, HEX), "TCP checksum as written", sf_get_tcp_uint, SF_TCP_CHECKSUM},
    {"tcp.urgent_pointer", U(16, DEC), "urgent pointer", sf_get_tcp_uint, SF_TCP_URGENT},
    {"tcp.len", U(32, DEC), "TCP segment length (payload bytes)", sf_get_tcp_uint, SF_TCP_LEN},
    {"tcp.options.mss_val", U(16, DEC), "MSS option value", sf_get_tcp_opt_uint, SF_OPT_MSS},
    {"tcp.options.wscale.shift", U(8, DEC), "window scale option shift count", sf_get_tcp_opt_uint,
     SF_OPT_WSCALE_SHIFT},
    {"tcp.options.wscale.multiplier", U(16, DEC), "window scale multiplier (2^shift, max 14)",
     sf_get_tcp_opt_uint, SF_OPT_WSCALE_MULT},
    {"tcp.options.sack_perm", T(SF_FT_PROTOCOL), "SACK permitted option present",
     sf_get_tcp_opt_present, SF_TCPOPT_SACK_PERM},
    {"tcp.options.timestamp.tsval", U(32, DEC), "timestamp value", sf_get_tcp_opt_uint,
     SF_OPT_TSVAL},
    {"tcp.options.timestamp.tsecr", U(32, DEC), "timestamp echo reply", sf_get_tcp_opt_uint,
     SF_OPT_TSECR},

    /* UDP, ICMP */
    {"udp.srcport", U(16, DEC), "UDP source port", sf_get_udp_port, SF_A_SRC},
    {"udp.dstport", U(16, DEC), "UDP destination port", sf_get_udp_port, SF_A_DST},
    {"udp.port", U(16, DEC), "UDP source or destination port", sf_get_udp_port, SF_A_ANY},
    {"icmp.type", U(8, DEC), "ICMP type", sf_get_icmp_uint, ICMP4(SF_ICMP_TYPE)},
    {"icmp.code", U(8, DEC), "ICMP code", sf_get_icmp_uint, ICMP4(SF_ICMP_CODE)},
    {"icmpv6.type", U(8, DEC), "ICMPv6 type", sf_get_icmp_uint, ICMP6(SF_ICMP_TYPE)},
    {"icmpv6.code", U(8, DEC), "ICMPv6 code", sf_get_icmp_uint, ICMP6(SF_ICMP_CODE)},

    /* synfin's own */
    {"event", T(SF_FT_STRING), "names of the events raised on the packet (decode.*, tcp.*)",
     sf_get_event, 0},
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
	if (!v || !v->pkt)
		return 0;
	return f->get(v, c, f->arg, out, max);
}
