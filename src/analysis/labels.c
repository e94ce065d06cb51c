/* synfin — names of the analysis flags: Wireshark's field names and info-column labels. */
#include <stdio.h>
#include <string.h>

#include "ana_int.h"

struct flag_name {
	const char *field;
	const char *label;
};

static const struct flag_name flag_names[SF_ANA__NFLAGS] = {
    {"tcp.analysis.retransmission", "TCP Retransmission"},
    {"tcp.analysis.fast_retransmission", "TCP Fast Retransmission"},
    {"tcp.analysis.spurious_retransmission", "TCP Spurious Retransmission"},
    {"tcp.analysis.out_of_order", "TCP Out-Of-Order"},
    {"tcp.analysis.lost_segment", "TCP Previous segment not captured"},
    {"tcp.analysis.ack_lost_segment", "TCP ACKed unseen segment"},
    {"tcp.analysis.duplicate_ack", "TCP Dup ACK"},
    {"tcp.analysis.zero_window", "TCP ZeroWindow"},
    {"tcp.analysis.zero_window_probe", "TCP ZeroWindowProbe"},
    {"tcp.analysis.zero_window_probe_ack", "TCP ZeroWindowProbeAck"},
    {"tcp.analysis.keep_alive", "TCP Keep-Alive"},
    {"tcp.analysis.keep_alive_ack", "TCP Keep-Alive ACK"},
    {"tcp.analysis.window_update", "TCP Window Update"},
    {"tcp.analysis.window_full", "TCP Window Full"},
    {"tcp.analysis.reused_ports", "TCP Port numbers reused"},
};

static int bit_index(uint32_t bit)
{
	if (bit == 0 || (bit & (bit - 1)))
		return -1;
	int i = 0;
	while (!(bit & 1u)) {
		bit >>= 1;
		i++;
	}
	return i < SF_ANA__NFLAGS ? i : -1;
}

const char *sf_ana_flag_field(uint32_t bit)
{
	int i = bit_index(bit);
	return i < 0 ? NULL : flag_names[i].field;
}

const char *sf_ana_flag_label(uint32_t bit)
{
	int i = bit_index(bit);
	return i < 0 ? NULL : flag_names[i].label;
}

/* The order in which the labels stand in Wireshark's info column (each printer of
 * tcp_print_sequence_number_analysis() prepends, so the last printed comes first). */
static const uint32_t label_order[] = {
    SF_ANA_ZERO_WINDOW_PROBE_ACK, SF_ANA_ZERO_WINDOW,         SF_ANA_ZERO_WINDOW_PROBE,
    SF_ANA_DUPLICATE_ACK,         SF_ANA_KEEP_ALIVE_ACK,      SF_ANA_KEEP_ALIVE,
    SF_ANA_WINDOW_FULL,           SF_ANA_WINDOW_UPDATE,       SF_ANA_ACK_LOST_SEGMENT,
    SF_ANA_LOST_SEGMENT,          SF_ANA_REUSED_PORTS,        SF_ANA_OUT_OF_ORDER,
    SF_ANA_SPURIOUS_RETRANS,      SF_ANA_FAST_RETRANSMISSION, SF_ANA_RETRANSMISSION,
};

int sf_ana_format_labels(const struct sf_pkt_analysis *a, char *buf, size_t len)
{
	size_t n = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(label_order) / sizeof(label_order[0]); i++) {
		uint32_t b = label_order[i];
		if (!(a->flags & b))
			continue;
		char one[96];
		int k;
		if (b == SF_ANA_DUPLICATE_ACK)
			k = snprintf(one, sizeof(one), "[TCP Dup ACK %llu#%u] ",
			             (unsigned long long)a->dup_ack_frame, a->dup_ack_num);
		else
			k = snprintf(one, sizeof(one), "[%s] ", sf_ana_flag_label(b));
		if (k < 0)
			continue;
		if (n < len)
			snprintf(buf + n, len - n, "%s", one);
		n += (size_t)k;
	}
	/* synfin's: the D-SACK this ACK carries shows that retransmission was not needed */
	if (a->dsack_frame) {
		int k =
		    snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
		             "[D-SACK: frame %llu spurious] ", (unsigned long long)a->dsack_frame);
		if (k > 0)
			n += (size_t)k;
	}
	return (int)n;
}
