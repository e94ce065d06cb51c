/* synfin — getters of the field registry (src/filter/fields.c holds the table).
 *
 * Each getter has the sf_field_getter signature and yields the values of one field (or of a
 * family of fields told apart by arg). Getters of tracking and analysis fields read v->conn,
 * v->trk and v->ana and yield nothing when those are NULL.
 */
#ifndef SYNFIN_FILTER_GETTERS_H
#define SYNFIN_FILTER_GETTERS_H

#include <string.h>

#include "synfin/fields.h"

/* A getter's single value: stored in out[0] when there is room (max > 0); returns how many
 * values were yielded (0 or 1). A NULL string yields none. */
static inline unsigned sf_fval_one_u(struct sf_fval *out, unsigned max, uint64_t u)
{
	if (max == 0)
		return 0;
	out[0].v.u = u;
	return 1;
}

static inline unsigned sf_fval_one_i(struct sf_fval *out, unsigned max, int64_t i)
{
	if (max == 0)
		return 0;
	out[0].v.i = i;
	return 1;
}

static inline unsigned sf_fval_one_str(struct sf_fval *out, unsigned max, const char *s)
{
	if (max == 0 || !s)
		return 0;
	out[0].v.str.p = s;
	out[0].v.str.len = (uint32_t)strlen(s);
	return 1;
}

#define SF_GETTER(name)                                                                            \
	unsigned name(const struct sf_pkt_view *v, const struct sf_eval_ctx *c, uint32_t arg,      \
	              struct sf_fval *out, unsigned max)

/* frame */
SF_GETTER(sf_get_frame);
SF_GETTER(sf_get_frame_number);
SF_GETTER(sf_get_frame_time_epoch);
SF_GETTER(sf_get_frame_time_relative);
SF_GETTER(sf_get_frame_time_delta);
SF_GETTER(sf_get_frame_len);
SF_GETTER(sf_get_frame_cap_len);
/* Ethernet and VLAN; arg selects the item */
SF_GETTER(sf_get_eth);
SF_GETTER(sf_get_eth_addr);
SF_GETTER(sf_get_eth_type);
SF_GETTER(sf_get_vlan);
SF_GETTER(sf_get_vlan_item);
/* IPv4 / IPv6; arg selects the item */
SF_GETTER(sf_get_ip);
SF_GETTER(sf_get_ip_addr);
SF_GETTER(sf_get_ip_uint);
SF_GETTER(sf_get_ipv6);
SF_GETTER(sf_get_ipv6_addr);
SF_GETTER(sf_get_ipv6_uint);
/* TCP; arg selects the item */
SF_GETTER(sf_get_tcp);
SF_GETTER(sf_get_tcp_port);
SF_GETTER(sf_get_tcp_uint);
SF_GETTER(sf_get_tcp_flag);
SF_GETTER(sf_get_tcp_flags_str);
SF_GETTER(sf_get_tcp_opt_uint);
SF_GETTER(sf_get_tcp_opt_present);
SF_GETTER(sf_get_tcp_sack);
/* UDP, ICMP */
SF_GETTER(sf_get_udp);
SF_GETTER(sf_get_udp_port);
SF_GETTER(sf_get_icmp);
SF_GETTER(sf_get_icmp_uint);
/* synfin's own */
SF_GETTER(sf_get_event);
/* tracking (fields_conn.c); arg selects the item */
SF_GETTER(sf_get_trk_uint);
SF_GETTER(sf_get_trk_flag);
SF_GETTER(sf_get_tcp_state);
SF_GETTER(sf_get_conn_str);
/* sequence analysis (fields_ana.c): a flag bit (SF_ANA_*) as arg, or a value selector */
SF_GETTER(sf_get_ana_flag);
SF_GETTER(sf_get_ana_value);

/* Item selectors (the arg of a row). */
enum {
	SF_A_SRC = 0,
	SF_A_DST,
	SF_A_ANY,    /* source then destination (Wireshark's order for ip.addr, tcp.port) */
	SF_A_DST_SRC /* destination then source (Wireshark's order for eth.addr) */
};
enum { SF_VLAN_ID = 0, SF_VLAN_PRIORITY, SF_VLAN_DEI, SF_VLAN_ETYPE };
enum {
	SF_IP_VERSION = 0,
	SF_IP_HDR_LEN,
	SF_IP_DSFIELD,
	SF_IP_DSCP,
	SF_IP_ECN,
	SF_IP_LEN,
	SF_IP_ID,
	SF_IP_FLAGS,
	SF_IP_FLAG_RB,
	SF_IP_FLAG_DF,
	SF_IP_FLAG_MF,
	SF_IP_FRAG_OFFSET,
	SF_IP_TTL,
	SF_IP_PROTO,
	SF_IP_CHECKSUM,
	SF_IP6_TCLASS,
	SF_IP6_FLOW,
	SF_IP6_PLEN,
	SF_IP6_NXT,
	SF_IP6_HLIM
};
enum {
	SF_TCP_SEQ_RAW = 0,
	SF_TCP_ACK_RAW,
	SF_TCP_HDR_LEN,
	SF_TCP_FLAGS,
	SF_TCP_WINDOW_VALUE,
	SF_TCP_CHECKSUM,
	SF_TCP_URGENT,
	SF_TCP_LEN
};
enum { SF_OPT_MSS = 0, SF_OPT_WSCALE_SHIFT, SF_OPT_WSCALE_MULT, SF_OPT_TSVAL, SF_OPT_TSECR };
/* sf_get_tcp_sack: the SACK blocks' edges, their count, the D-SACK block's edges */
enum { SF_SACK_LE = 0, SF_SACK_RE, SF_SACK_COUNT, SF_DSACK_LE, SF_DSACK_RE };
enum { SF_ICMP_TYPE = 0, SF_ICMP_CODE };
enum { SF_TRK_STREAM = 0, SF_TRK_SEQ, SF_TRK_ACK, SF_TRK_NXTSEQ, SF_TRK_COMPLETENESS };
enum { SF_TRK_STATE_CHANGED = 0 };
enum { SF_CONN_OPEN_KIND = 0, SF_CONN_CLOSE_KIND, SF_CONN_STATE, SF_CONN_HISTORY, SF_CONN_CLOSER };
enum {
	SF_ANA_V_RECORD = 0, /* tcp.analysis */
	SF_ANA_V_ACKS_FRAME,
	SF_ANA_V_ACK_RTT,
	SF_ANA_V_INITIAL_RTT,
	SF_ANA_V_BYTES_IN_FLIGHT,
	SF_ANA_V_DUP_ACK_NUM,
	SF_ANA_V_DUP_ACK_FRAME,
	SF_ANA_V_RTO,
	SF_ANA_V_RTO_FRAME,
	SF_ANA_V_WINDOW,
	SF_ANA_V_SCALEFACTOR,
	SF_ANA_V_DSACK_FRAME
};

#endif
