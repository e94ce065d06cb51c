/* synfin — names of tracking enums, and the tracker's default configuration. */
#include <string.h>

#include "synfin/conn.h"

#define SEC INT64_C(1000000000)

static const char *const state_names[SF_TCP__STATE_COUNT] = {
    [SF_TCP_CLOSED] = "CLOSED",           [SF_TCP_LISTEN] = "LISTEN",
    [SF_TCP_SYN_SENT] = "SYN-SENT",       [SF_TCP_SYN_RECEIVED] = "SYN-RECEIVED",
    [SF_TCP_ESTABLISHED] = "ESTABLISHED", [SF_TCP_FIN_WAIT_1] = "FIN-WAIT-1",
    [SF_TCP_FIN_WAIT_2] = "FIN-WAIT-2",   [SF_TCP_CLOSE_WAIT] = "CLOSE-WAIT",
    [SF_TCP_CLOSING] = "CLOSING",         [SF_TCP_LAST_ACK] = "LAST-ACK",
    [SF_TCP_TIME_WAIT] = "TIME-WAIT",
};

static const char *const open_names[SF_OPEN__COUNT] = {
    [SF_OPEN_UNKNOWN] = "unknown",
    [SF_OPEN_THREE_WAY] = "three-way",
    [SF_OPEN_SIMULTANEOUS] = "simultaneous-open",
    [SF_OPEN_SYN_RETRIED] = "syn-retried",
    [SF_OPEN_REFUSED] = "refused",
    [SF_OPEN_UNANSWERED] = "unanswered",
    [SF_OPEN_SYNACK_ONLY] = "synack-only",
    [SF_OPEN_MIDSTREAM] = "midstream",
};

static const char *const close_names[SF_CLOSE__COUNT] = {
    [SF_CLOSE_NONE] = "none",
    [SF_CLOSE_FOUR_WAY] = "four-way",
    [SF_CLOSE_THREE_WAY] = "three-way",
    [SF_CLOSE_SIMULTANEOUS] = "simultaneous",
    [SF_CLOSE_HALF_CLOSE] = "half-close",
    [SF_CLOSE_RST_ABORT] = "rst-abort",
    [SF_CLOSE_UNTERMINATED] = "unterminated",
};

const char *sf_conn_state_name(enum sf_tcp_state s)
{
	return (unsigned)s < SF_TCP__STATE_COUNT ? state_names[s] : "?";
}

const char *sf_open_kind_name(enum sf_open_kind k)
{
	return (unsigned)k < SF_OPEN__COUNT ? open_names[k] : "?";
}

const char *sf_close_kind_name(enum sf_close_kind k)
{
	return (unsigned)k < SF_CLOSE__COUNT ? close_names[k] : "?";
}

const char *sf_side_name(enum sf_side s)
{
	switch (s) {
	case SF_SIDE_CLIENT:
		return "client";
	case SF_SIDE_SERVER:
		return "server";
	default:
		return "none";
	}
}

const char *sf_end_reason_name(enum sf_end_reason r)
{
	switch (r) {
	case SF_END_CLOSED:
		return "closed";
	case SF_END_TIME_WAIT:
		return "time-wait-over";
	case SF_END_IDLE:
		return "idle-timeout";
	case SF_END_EVICTED:
		return "evicted";
	case SF_END_REUSED:
		return "port-reused";
	case SF_END_CAPTURE_END:
		return "capture-end";
	case SF_END_SETTLED:
		return "settled-in-time-wait";
	}
	return "?";
}

/* The one table of idle timeouts. In the spirit of nf_conntrack_proto_tcp.c (SYN_SENT 2 min,
 * SYN_RECV 60 s, ESTABLISHED 5 days, FIN_WAIT/CLOSE_WAIT/LAST_ACK ≤ 2 min, CLOSE 10 s) rather
 * than Zeek's 5 min inactivity timeout: a capture analyser must not split a quiet but live
 * connection (Wireshark never does). Midstream pickups get Zeek's tcp_inactivity_timeout. */
static const int64_t default_timeouts[SF_TO__COUNT] = {
    [SF_TO_SYN_SENT] = 120 * SEC,
    [SF_TO_SYN_RECEIVED] = 60 * SEC,
    [SF_TO_ESTABLISHED] = INT64_C(5) * 24 * 3600 * SEC,
    [SF_TO_CLOSING] = 120 * SEC,
    [SF_TO_CLOSED] = 10 * SEC,
    [SF_TO_MIDSTREAM] = 3600 * SEC,
};

void sf_track_cfg_default(struct sf_track_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg)); /* every option off (ignore_vlan …) unless set below */
	cfg->max_conns = 1000000;
	/* RFC 9293 §3.4.2 suggests MSL = 2 min; Linux fixes TIME-WAIT at 60 s (TCP_TIMEWAIT_LEN),
	 * i.e. 2×MSL with MSL = 30 s. We follow Linux: TIME-WAIT lasts 2×msl_ns = 60 s. */
	cfg->msl_ns = 30 * SEC;
	for (int i = 0; i < SF_TO__COUNT; i++)
		cfg->timeout_ns[i] = default_timeouts[i];
}

static const char *const zeek_names[SF_ZEEK__COUNT] = {
    [SF_ZEEK_OTH] = "OTH",       [SF_ZEEK_S0] = "S0",       [SF_ZEEK_S1] = "S1",
    [SF_ZEEK_SF] = "SF",         [SF_ZEEK_REJ] = "REJ",     [SF_ZEEK_S2] = "S2",
    [SF_ZEEK_S3] = "S3",         [SF_ZEEK_RSTO] = "RSTO",   [SF_ZEEK_RSTR] = "RSTR",
    [SF_ZEEK_RSTOS0] = "RSTOS0", [SF_ZEEK_RSTRH] = "RSTRH", [SF_ZEEK_SH] = "SH",
    [SF_ZEEK_SHR] = "SHR",
};

const char *sf_zeek_state_name(enum sf_zeek_state z)
{
	return (unsigned)z < SF_ZEEK__COUNT ? zeek_names[z] : "?";
}
