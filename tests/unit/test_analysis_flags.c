/* Sequence analysis, one flag at a time, from crafted segment sequences: each test builds the
 * smallest exchange that must raise (or must not raise) a flag, with Wireshark's rule for it
 * (packet-tcp.c tcp_analyze_sequence_number) and synfin's corrections C1–C4
 * (tests/analysis_tshark_differences.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/ana_int.h"
#include "helper_ana.h"
#include "helper_pages.h"

#define A   HSEG_A
#define B   HSEG_B
#define ACK SF_TCP_ACK
#define PA  (SF_TCP_PSH | SF_TCP_ACK)
#define SEG(a, fl, sq, ak, ln, t)                                                                  \
	{                                                                                          \
		.s = {.from_a = (a),                                                               \
		      .flags = (fl),                                                               \
		      .seq = (sq),                                                                 \
		      .ack = (ak),                                                                 \
		      .len = (ln),                                                                 \
		      .t_us = (t) }                                                                \
	}

/* A: ISN 1000, B: ISN 5000; initial RTT 100 ms (SYN at 0, ACK at 100 ms). */
static const struct hana_seg handshake[3] = {
    SEG(A, SF_TCP_SYN, 1000, 0, 0, 0),
    SEG(B, SF_TCP_SYN | ACK, 5000, 1001, 0, 50000),
    SEG(A, ACK, 1001, 5001, 0, 100000),
};

static struct hana_run run;

static void start(const struct sf_ana_cfg *cfg)
{
	hana_init(&run, cfg);
	hana_feed(&run, handshake, 3);
}

static uint32_t fl(unsigned i)
{
	return run.out[i].flags;
}

static void handshake_is_clean(void **state)
{
	(void)state;
	start(NULL);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fl(i), 0);
	/* initial RTT: SYN → first pure ACK; shown from the ACK on */
	assert_int_equal(run.out[1].initial_rtt_ns, -1);
	assert_int_equal(run.out[2].initial_rtt_ns, 100000000);
	/* the SYN-ACK's ACK acknowledges the SYN: acks_frame and ack_rtt */
	assert_int_equal(run.out[1].acks_frame, 1);
	assert_int_equal(run.out[1].ack_rtt_ns, 50000000);
	/* both SYNs had WS=0: scaling in use, factor 1 */
	assert_int_equal(run.out[2].win_scalefactor, 1);
	hana_end(&run);
}

static void retransmission_after_rto(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(A, PA, 1101, 5001, 100, 200100),
	    SEG(B, ACK, 5001, 1101, 0, 300000),
	    SEG(A, PA, 1101, 5001, 100, 700000), /* 1101 again, 500 ms later */
	    SEG(B, ACK, 5001, 1201, 0, 800000),
	};
	hana_feed(&run, s, 5);
	assert_int_equal(fl(3), 0);
	assert_int_equal(fl(4), 0);
	assert_int_equal(fl(6), SF_ANA_RETRANSMISSION);
	assert_int_equal(run.out[6].rto_frame, 5); /* the oldest unacknowledged segment */
	assert_int_equal(run.out[6].rto_ns, 499900000);
	/* Karn: the ACK of the retransmitted segment gives no RTT sample */
	assert_true(run.out[7].karn_skipped);
	const struct sf_conn_analysis *ca = &run.fig[7];
	assert_int_equal(ca->dir[0].retrans_pkts, 1);
	assert_int_equal(ca->dir[0].retrans_bytes, 100);
	assert_int_equal(ca->dir[1].retrans_pkts, 0);
	hana_end(&run);
}

static void fast_retransmission_after_dup_acks(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000), /* 4: lost beyond the capture point */
	    SEG(A, PA, 1101, 5001, 100, 200010), /* 5 */
	    SEG(A, PA, 1201, 5001, 100, 200020), /* 6 */
	    SEG(A, PA, 1301, 5001, 100, 200030), /* 7 */
	    SEG(B, ACK, 5001, 1001, 0, 300000),  /* 8: same ACK as frame 3's view: dup? */
	    SEG(B, ACK, 5001, 1001, 0, 300010),  /* 9: dup #1 */
	    SEG(B, ACK, 5001, 1001, 0, 300020),  /* 10: dup #2 */
	    SEG(A, PA, 1001, 5001, 100, 301000), /* 11: fast retransmission */
	};
	hana_feed(&run, s, 8);
	/* B's last segment was the SYN-ACK with ack 1001 and the same window: Wireshark's rule
	 * makes frame 8 the first duplicate of the SYN-ACK's ACK (frame 2) */
	assert_int_equal(fl(7), SF_ANA_DUPLICATE_ACK);
	assert_int_equal(run.out[7].dup_ack_num, 1);
	assert_int_equal(run.out[7].dup_ack_frame, 2);
	assert_int_equal(run.out[9].dup_ack_num, 3);
	assert_int_equal(fl(10), SF_ANA_FAST_RETRANSMISSION);
	char buf[128];
	sf_ana_format_labels(&run.out[9], buf, sizeof(buf));
	assert_string_equal(buf, "[TCP Dup ACK 2#3] ");
	sf_ana_format_labels(&run.out[10], buf, sizeof(buf));
	assert_string_equal(buf, "[TCP Fast Retransmission] ");
	hana_end(&run);
}

/* After the handshake: data, its ACK, and the same data again, every byte of it already
 * acknowledged (frame 6: a spurious retransmission). */
static const struct hana_seg spurious_resend[3] = {
    SEG(A, PA, 1001, 5001, 100, 200000),
    SEG(B, ACK, 5001, 1101, 0, 300000),
    SEG(A, PA, 1001, 5001, 100, 900000),
};

static void spurious_retransmission(void **state)
{
	(void)state;
	start(NULL);
	hana_feed(&run, spurious_resend, 3);
	assert_int_equal(fl(5), SF_ANA_SPURIOUS_RETRANS);
	assert_int_equal(run.fig[5].dir[0].spurious_retrans, 1);
	assert_int_equal(run.fig[5].dir[0].retrans_pkts, 1);
	hana_end(&run);
}

/* The flag counters live in a pool, taken at a connection's first flag and given back when it
 * ends: the next connection (in the same slot, with the block given back) starts from zero,
 * both before its first flag and after it. */
static void counters_recycled_clean(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg *s = spurious_resend;
	hana_feed(&run, s, 3);
	assert_int_equal(run.fig[5].dir[0].retrans_pkts, 1);
	uint32_t slot = sf_conn_slot(run.conn[5]);
	sf_tracker_flush(run.t); /* ends it: slot and counters go back */
	struct sf_ana_stats st;
	sf_analyser_stats(run.a, &st);
	assert_int_equal(st.live, 0);
	hana_feed(&run, handshake, 3);
	hana_feed(&run, s, 2);
	assert_int_equal(sf_conn_slot(run.conn[10]), slot);
	assert_int_equal(run.fig[10].dir[0].retrans_pkts, 0);
	assert_int_equal(run.fig[10].dir[0].spurious_retrans, 0);
	assert_int_equal(run.fig[10].dir[0].rtt_samples, 2); /* the SYN and the data */
	hana_feed(&run, &s[2], 1);
	assert_int_equal(fl(11), SF_ANA_SPURIOUS_RETRANS);
	assert_int_equal(run.fig[11].dir[0].retrans_pkts, 1);
	assert_int_equal(run.fig[11].dir[0].spurious_retrans, 1);
	hana_end(&run);
}

/* Segments 1101 and 1001 swapped in the network: the later-sent one (higher IP ID) first. */
static void out_of_order_by_reordering(void **state)
{
	(void)state;
	start(NULL);
	struct hana_seg s[] = {
	    SEG(A, PA, 1101, 5001, 100, 200000),
	    SEG(A, PA, 1001, 5001, 100, 200500),
	};
	s[0].ip_id = 11;
	s[1].ip_id = 10; /* sent first */
	hana_feed(&run, s, 2);
	assert_int_equal(fl(3), SF_ANA_LOST_SEGMENT);
	assert_int_equal(fl(4), SF_ANA_OUT_OF_ORDER);
	hana_end(&run);
}

/* C3: the same arrival order, but the sender's IP ID says it sent 1001 after 1101. */
static void retransmission_in_ooo_window_ip_id(void **state)
{
	(void)state;
	struct hana_seg s[] = {
	    SEG(A, PA, 1101, 5001, 100, 200000),
	    SEG(A, PA, 1001, 5001, 100, 200500),
	};
	s[0].ip_id = 10;
	s[1].ip_id = 11;
	start(NULL);
	hana_feed(&run, s, 2);
	assert_int_equal(fl(4), SF_ANA_RETRANSMISSION);
	hana_end(&run);
	/* Wireshark's rules alone call it out-of-order */
	struct sf_ana_cfg ws;
	sf_ana_cfg_default(&ws);
	ws.correct = false;
	start(&ws);
	hana_feed(&run, s, 2);
	assert_int_equal(fl(4), SF_ANA_OUT_OF_ORDER);
	hana_end(&run);
}

/* C3: the receiver's duplicate ACK asked for exactly this sequence number. */
static void retransmission_in_ooo_window_dup_ack(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000), SEG(A, PA, 1101, 5001, 100, 200010),
	    SEG(B, ACK, 5001, 1101, 0, 200100),  SEG(B, ACK, 5001, 1101, 0, 200110), /* dup #1 */
	    SEG(A, PA, 1101, 5001, 100, 200300),
	};
	hana_feed(&run, s, 5);
	assert_int_equal(fl(6), SF_ANA_DUPLICATE_ACK);
	assert_int_equal(fl(7), SF_ANA_RETRANSMISSION);
	hana_end(&run);
}

/* C3 without IP IDs (IPv6, or IDs of 0): bytes the capture already saw go by again, not yet
 * acknowledged: a second copy, so a retransmission; bytes seen for the first time below
 * nextseq stay out-of-order. */
static void retransmission_in_ooo_window_seen_before(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000), SEG(A, PA, 1101, 5001, 100, 200010),
	    SEG(A, PA, 1001, 5001, 100, 200300), /* again, 0.3 ms later: no ACK asked for it */
	    SEG(A, PA, 1301, 5001, 100, 200400), /* 1201..1300 not seen yet */
	    SEG(A, PA, 1201, 5001, 100, 200500), /* first time: reordered */
	};
	hana_feed(&run, s, 5);
	assert_int_equal(fl(5), SF_ANA_RETRANSMISSION);
	assert_int_equal(fl(6), SF_ANA_LOST_SEGMENT);
	assert_int_equal(fl(7), SF_ANA_OUT_OF_ORDER);
	hana_end(&run);
	struct sf_ana_cfg ws; /* Wireshark's rules alone: out-of-order */
	sf_ana_cfg_default(&ws);
	ws.correct = false;
	start(&ws);
	hana_feed(&run, s, 5);
	assert_int_equal(fl(5), SF_ANA_OUT_OF_ORDER);
	hana_end(&run);
}

static void lost_and_acked_unseen(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(A, PA, 1201, 5001, 100, 200100), /* 1101..1200 never seen */
	    SEG(B, ACK, 5001, 1101, 0, 300000),
	    SEG(B, PA, 5001, 1401, 10, 300100), /* acknowledges beyond 1301 */
	    SEG(B, ACK, 5001, 1401, 0, 300200),
	};
	hana_feed(&run, s, 5);
	assert_int_equal(fl(4), SF_ANA_LOST_SEGMENT);
	assert_int_equal(run.fig[4].dir[0].lost_segments, 1);
	assert_int_equal(fl(5), 0);
	assert_int_equal(fl(6), SF_ANA_ACK_LOST_SEGMENT);
	assert_int_equal(fl(7) & SF_ANA_ACK_LOST_SEGMENT, 0); /* reported once */
	hana_end(&run);
}

static void zero_window_probe_and_ack(void **state)
{
	(void)state;
	start(NULL);
	struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(B, ACK, 5001, 1101, 0, 300000), /* 5: zero window */
	    SEG(A, PA, 1101, 5001, 1, 500000),  /* 6: probe */
	    SEG(B, ACK, 5001, 1101, 0, 600000), /* 7: probe ACK, window still 0 */
	    SEG(B, ACK, 5001, 1101, 0, 900000), /* 8: window opens: update */
	};
	s[1].win0 = s[3].win0 = true;
	hana_feed(&run, s, 5);
	assert_int_equal(fl(4), SF_ANA_ZERO_WINDOW);
	assert_int_equal(fl(5), SF_ANA_ZERO_WINDOW_PROBE);
	assert_int_equal(fl(6), SF_ANA_ZERO_WINDOW | SF_ANA_ZERO_WINDOW_PROBE_ACK);
	assert_int_equal(fl(7), SF_ANA_WINDOW_UPDATE);
	char buf[128];
	sf_ana_format_labels(&run.out[6], buf, sizeof(buf));
	assert_string_equal(buf, "[TCP ZeroWindowProbeAck] [TCP ZeroWindow] ");
	assert_int_equal(run.fig[6].dir[1].zero_windows, 2);
	hana_end(&run);
}

/* C4: the receiver took the probe's byte; the next data is no "previous segment not
 * captured" and its ACK no "ACKed unseen segment". */
static void zero_window_probe_accepted(void **state)
{
	(void)state;
	struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(B, ACK, 5001, 1101, 0, 300000), /* 5: zero window */
	    SEG(A, PA, 1101, 5001, 1, 500000),  /* 6: probe */
	    SEG(B, ACK, 5001, 1102, 0, 600000), /* 7: probe byte accepted, window open */
	    SEG(A, PA, 1102, 5001, 100, 600100),
	};
	s[1].win0 = true;
	start(NULL);
	hana_feed(&run, s, 5);
	assert_int_equal(fl(5), SF_ANA_ZERO_WINDOW_PROBE);
	assert_int_equal(fl(6), 0);
	assert_int_equal(fl(7), 0);
	hana_end(&run);
	struct sf_ana_cfg ws;
	sf_ana_cfg_default(&ws);
	ws.correct = false;
	start(&ws);
	hana_feed(&run, s, 5);
	assert_int_equal(fl(6), SF_ANA_ACK_LOST_SEGMENT);
	assert_int_equal(fl(7), SF_ANA_LOST_SEGMENT);
	hana_end(&run);
}

static void keep_alive_and_ack(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(B, ACK, 5001, 1101, 0, 300000),
	    SEG(A, ACK, 1100, 5001, 0, 60000000), /* one below nextseq, no data */
	    SEG(B, ACK, 5001, 1101, 0, 60100000),
	};
	hana_feed(&run, s, 4);
	assert_int_equal(fl(5), SF_ANA_KEEP_ALIVE);
	assert_int_equal(fl(6), SF_ANA_KEEP_ALIVE_ACK);
	assert_int_equal(run.fig[5].dir[0].keep_alives, 1);
	hana_end(&run);
}

static void window_full(void **state)
{
	(void)state;
	start(NULL);
	struct hana_seg s[] = {
	    SEG(B, ACK, 5001, 1001, 0, 150000), /* B advertises 300 bytes */
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(A, PA, 1101, 5001, 200, 200100), /* reaches 1001 + 300 */
	};
	s[0].s.win = 300;
	hana_feed(&run, s, 3);
	assert_int_equal(fl(4), 0);
	assert_int_equal(fl(5), SF_ANA_WINDOW_FULL);
	hana_end(&run);
}

static void reused_ports(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, SF_TCP_FIN | ACK, 1001, 5001, 0, 200000),
	    SEG(B, SF_TCP_FIN | ACK, 5001, 1002, 0, 200100), SEG(A, ACK, 1002, 5002, 0, 200200),
	    SEG(A, SF_TCP_SYN, 90000, 0, 0, 300000), /* new ISN on the same ports */
	};
	hana_feed(&run, s, 4);
	assert_int_equal(fl(6), SF_ANA_REUSED_PORTS);
	assert_ptr_not_equal(run.conn[6], NULL);
	hana_end(&run);
}

/* C1: crossing SYNs, each answered by a SYN-ACK with the same ISN. */
static void simultaneous_open(void **state)
{
	(void)state;
	const struct hana_seg s[] = {
	    SEG(A, SF_TCP_SYN, 1000, 0, 0, 0),
	    SEG(B, SF_TCP_SYN, 5000, 0, 0, 10),
	    SEG(A, SF_TCP_SYN | ACK, 1000, 5001, 0, 110),
	    SEG(B, SF_TCP_SYN | ACK, 5000, 1001, 0, 120),
	    SEG(A, ACK, 1001, 5001, 0, 220),
	};
	hana_init(&run, NULL);
	hana_feed(&run, s, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(fl(i), 0);
	hana_end(&run);
	struct sf_ana_cfg ws;
	sf_ana_cfg_default(&ws);
	ws.correct = false;
	hana_init(&run, &ws);
	hana_feed(&run, s, 5);
	assert_int_equal(fl(2), SF_ANA_RETRANSMISSION);
	assert_int_equal(fl(3), SF_ANA_RETRANSMISSION);
	assert_int_equal(fl(4), SF_ANA_DUPLICATE_ACK);
	hana_end(&run);
}

/* C2: a TFO SYN with data, resent without data within 3 ms. */
static void syn_resent_not_out_of_order(void **state)
{
	(void)state;
	const struct hana_seg s[] = {
	    SEG(A, SF_TCP_SYN, 1000, 0, 50, 0),
	    SEG(A, SF_TCP_SYN, 1000, 0, 0, 1000),
	};
	hana_init(&run, NULL);
	hana_feed(&run, s, 2);
	assert_int_equal(fl(1), SF_ANA_RETRANSMISSION);
	hana_end(&run);
	struct sf_ana_cfg ws;
	sf_ana_cfg_default(&ws);
	ws.correct = false;
	hana_init(&run, &ws);
	hana_feed(&run, s, 2);
	assert_int_equal(fl(1), SF_ANA_OUT_OF_ORDER);
	hana_end(&run);
}

static void rtt_figures_and_bytes_in_flight(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000), SEG(A, PA, 1101, 5001, 100, 200000),
	    SEG(B, ACK, 5001, 1101, 0, 210000), /* 10 ms */
	    SEG(B, ACK, 5001, 1201, 0, 230000), /* 30 ms */
	};
	hana_feed(&run, s, 4);
	assert_int_equal(run.out[3].bytes_in_flight, 100);
	assert_int_equal(run.out[4].bytes_in_flight, 200);
	assert_true(run.out[4].has_bytes_in_flight);
	assert_false(run.out[5].has_bytes_in_flight); /* no payload */
	const struct sf_ana_dir *d = &run.fig[6].dir[0];
	/* A's SYN (answered in 50 ms) and its two data segments (10 and 30 ms) */
	assert_int_equal(d->rtt_samples, 3);
	assert_int_equal(d->rtt_min_ns, 10000000);
	assert_int_equal(d->rtt_max_ns, 50000000);
	assert_true(sf_ana_rtt_avg_ns(d) == 30000000.0);
	assert_true(sf_ana_rtt_stdev_ns(d) > 16329000.0 && sf_ana_rtt_stdev_ns(d) < 16330000.0);
	assert_int_equal(d->max_bytes_in_flight, 200);
	assert_int_equal(run.out[6].acks_frame, 5);
	hana_end(&run);
}

/* A's three data segments after the handshake (frames 4-6): 1001, 1101, 1201, 100 bytes each. */
static const struct hana_seg burst3[3] = {
    SEG(A, PA, 1001, 5001, 100, 200000),
    SEG(A, PA, 1101, 5001, 100, 200100),
    SEG(A, PA, 1201, 5001, 100, 200200),
};

/* B's pure ACK at time t carrying n SACK blocks (raw numbers of A's data). */
#define SACK_ACK(ak, t, n, ...)                                                                    \
	{                                                                                          \
		.s = {.from_a = B, .flags = ACK, .seq = 5001, .ack = (ak), .len = 0, .t_us = (t)}, \
		.n_sack = (n), .sack = {                                                           \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

/* Wireshark 4.0: the bytes the peer's last SACK blocks cover (its first three) come off bytes in
 * flight; a packet of the peer without SACK clears them; when nothing is left the field goes
 * but the packet keeps its analysis record. */
static void bytes_in_flight_less_sacked(void **state)
{
	(void)state;
	start(NULL);
	hana_feed(&run, burst3, 3);
	const struct hana_seg s[] = {
	    SACK_ACK(1101, 300000, 1, {1201, 1301}), /* 1101–1201 lost, 1201–1301 held */
	    SEG(A, PA, 1301, 5001, 100, 300100),     /* 1101..1401 unacked, 100 SACKed */
	    SEG(B, ACK, 5001, 1101, 0, 300200),      /* no SACK: forgets the blocks */
	    SEG(A, PA, 1401, 5001, 100, 300300),     /* 1101..1501 */
	    SACK_ACK(1101, 300400, 4, {1201, 1301}, {1301, 1401}, {1401, 1501}, {1101, 1201}),
	    SEG(A, PA, 1501, 5001, 100, 300500), /* 1101..1601 less three blocks (fourth ignored) */
	    SACK_ACK(1101, 300600, 2, {1101, 1401}, {1401, 1601}),
	    SEG(A, PA, 1601, 5001, 100, 300700), /* 1101..1701 less 500: 100 */
	    SACK_ACK(1101, 300800, 1, {1101, 1801}),
	    SEG(A, PA, 1701, 5001, 100, 300900), /* 600 less 700: below zero, no field */
	};
	hana_feed(&run, s, 10);
	assert_int_equal(run.out[7].bytes_in_flight, 200);
	assert_int_equal(run.out[9].bytes_in_flight, 400);
	assert_int_equal(run.out[11].bytes_in_flight, 200); /* 500 - 3 x 100 */
	assert_int_equal(run.out[13].bytes_in_flight, 100);
	assert_false(run.out[15].has_bytes_in_flight);
	assert_true(run.out[15].bif_counted);  /* tcp.analysis is still there */
	assert_false(run.out[14].bif_counted); /* no payload: nothing counted */
	assert_int_equal(run.fig[15].dir[0].max_bytes_in_flight, 400);
	hana_end(&run);
}

/* RFC 2883 D-SACK for a retransmission (RFC 3708): the receiver got the bytes twice, so the
 * retransmission was spurious; reported once, on the ACK, with the retransmission's frame. */
static void dsack_names_spurious_retransmission(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(A, PA, 1001, 5001, 100, 700000),     /* RTO: the ACK was only slow */
	    SACK_ACK(1101, 710000, 1, {1001, 1101}), /* D-SACK: below the ACK */
	    SACK_ACK(1101, 720000, 1, {1001, 1101}), /* the same report again */
	    SEG(A, PA, 1101, 5001, 100, 730000),     /* new data: no retransmission */
	    SACK_ACK(1201, 740000, 1, {1101, 1201}), /* a D-SACK, but 1101 was never resent */
	};
	hana_feed(&run, s, 6);
	assert_int_equal(fl(4), SF_ANA_RETRANSMISSION);
	assert_int_equal(run.out[5].dsack_frame, 5);
	assert_int_equal(run.fig[5].dir[0].dsack_spurious, 1);
	assert_int_equal(run.out[6].dsack_frame, 0);
	assert_int_equal(run.out[8].dsack_frame, 0);
	assert_int_equal(run.fig[8].dir[0].dsack_spurious, 1);
	assert_int_equal(run.fig[8].dir[1].dsack_spurious, 0);
	char buf[256];
	sf_ana_format_labels(&run.out[5], buf, sizeof(buf));
	assert_string_equal(buf, "[D-SACK: frame 5 spurious] ");
	hana_end(&run);
}

/* Go-back-N after a spurious RTO: every outstanding segment is resent, the receiver holds them
 * all and answers each with a D-SACK, older retransmissions first; one D-SACK block may also
 * cover several retransmitted segments. Each retransmission counts once. */
static void dsack_names_every_retransmission(void **state)
{
	(void)state;
	start(NULL);
	hana_feed(&run, burst3, 3); /* frames 4-6 */
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 700000),     /* frame 7: RTO */
	    SEG(A, PA, 1101, 5001, 100, 700010),     /* frame 8 */
	    SEG(A, PA, 1201, 5001, 100, 700020),     /* frame 9 */
	    SACK_ACK(1301, 710000, 1, {1001, 1101}), /* frame 10: names 7 */
	    SACK_ACK(1301, 710010, 1, {1101, 1301}), /* frame 11: names 8 and 9 */
	    SACK_ACK(1301, 710020, 1, {1001, 1301}), /* frame 12: all three again */
	};
	hana_feed(&run, s, 6);
	assert_int_equal(fl(6) & SF_ANA_RETRANSMISSION, SF_ANA_RETRANSMISSION);
	assert_int_equal(run.out[9].dsack_frame, 7);
	assert_int_equal(run.out[10].dsack_frame, 8);
	assert_int_equal(run.out[11].dsack_frame, 0);
	assert_int_equal(run.fig[11].dir[0].dsack_spurious, 3);
	assert_int_equal(run.fig[11].dir[0].retrans_pkts, 3);
	hana_end(&run);
}

/* The same bytes resent twice, both copies reported by a D-SACK: two spurious copies; a third
 * report of them names nothing (RFC 3708: each D-SACK shows one copy was not needed). */
static void dsack_per_copy(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(A, PA, 1001, 5001, 100, 700000),      /* frame 5: RTO */
	    SEG(A, PA, 1001, 5001, 100, 1700000),     /* frame 6: RTO again */
	    SACK_ACK(1101, 1710000, 1, {1001, 1101}), /* frame 7 */
	    SACK_ACK(1101, 1720000, 1, {1001, 1101}), /* frame 8 */
	    SACK_ACK(1101, 1730000, 1, {1001, 1101}), /* frame 9 */
	};
	hana_feed(&run, s, 6);
	assert_int_equal(run.out[6].dsack_frame, 6);
	assert_int_equal(run.out[7].dsack_frame, 6);
	assert_int_equal(run.out[8].dsack_frame, 0);
	assert_int_equal(run.fig[8].dir[0].dsack_spurious, 2);
	hana_end(&run);
}

/* The other D-SACK form: the first block inside the second (RFC 2883 §4.2: a duplicate above
 * the cumulative ACK); a first block above the ACK and outside the second is plain SACK. */
static void dsack_inside_second_block(void **state)
{
	(void)state;
	start(NULL);
	hana_feed(&run, burst3, 3);
	const struct hana_seg s[] = {
	    SACK_ACK(1001, 300000, 1, {1101, 1301}), /* 1001 lost: plain SACK */
	    SEG(A, PA, 1201, 5001, 100, 300100),     /* 1201 resent for nothing */
	    SACK_ACK(1001, 310000, 2, {1201, 1301}, {1101, 1301}),
	};
	hana_feed(&run, s, 3);
	assert_int_equal(run.out[6].dsack_frame, 0);
	assert_true(fl(7) & (SF_ANA_RETRANSMISSION | SF_ANA_OUT_OF_ORDER));
	assert_int_equal(run.out[8].dsack_frame, 8);
	struct sf_sack_block d;
	run.pkt.n_sack = 2; /* sf_packet_dsack on its own: the rule, both ways */
	run.pkt.has_tcp = true;
	run.pkt.ack = 1001;
	run.pkt.sack[0] = (struct sf_sack_block){1101, 1201};
	run.pkt.sack[1] = (struct sf_sack_block){1301, 1401};
	assert_false(sf_packet_dsack(&run.pkt, &d));
	run.pkt.sack[1] = (struct sf_sack_block){1001, 1201}; /* holds the first's right edge */
	assert_true(sf_packet_dsack(&run.pkt, &d));
	assert_int_equal(d.left, 1101);
	run.pkt.n_sack = 1;
	run.pkt.ack = 0xfffffff0u; /* sequence space wraps: 1201 is above this ACK */
	assert_false(sf_packet_dsack(&run.pkt, &d));
	hana_end(&run);
}

/* Wireshark's window_size_scalefactor: -1 when the SYNs were not seen, -2 when the
 * handshake shows scaling is off, else 1 << shift applied to the window. */
static void window_scaling_semantics(void **state)
{
	(void)state;
	hana_init(&run, NULL);
	const struct hana_seg mid[] = {SEG(A, ACK, 1001, 5001, 10, 0)};
	hana_feed(&run, mid, 1);
	assert_int_equal(run.out[0].win_scalefactor, SF_WSCALE_UNKNOWN);
	assert_int_equal(run.out[0].window, 65535);
	hana_end(&run);

	struct hana_seg hs[] = {
	    SEG(A, SF_TCP_SYN, 1000, 0, 0, 0),
	    SEG(B, SF_TCP_SYN | ACK, 5000, 1001, 0, 100),
	    SEG(A, ACK, 1001, 5001, 0, 200),
	};
	hs[0].wscale = 7;
	hs[1].no_ws = true;
	hana_init(&run, NULL);
	hana_feed(&run, hs, 3);
	assert_int_equal(run.out[2].win_scalefactor, SF_WSCALE_NONE);
	assert_int_equal(run.out[2].window, 65535);
	hana_end(&run);

	hs[1].no_ws = false;
	hs[1].wscale = 2;
	hs[2].s.win = 1000;
	hana_init(&run, NULL);
	hana_feed(&run, hs, 3);
	assert_int_equal(run.out[2].win_scalefactor, 128);
	assert_int_equal(run.out[2].window, 128000);
	assert_int_equal(run.fig[2].dir[0].max_window, 128000);
	hana_end(&run);
}

static void state_released_with_connection(void **state)
{
	(void)state;
	start(NULL);
	const struct hana_seg s[] = {SEG(A, PA, 1001, 5001, 100, 200000)};
	hana_feed(&run, s, 1);
	struct sf_ana_stats st;
	sf_analyser_stats(run.a, &st);
	assert_int_equal(st.live, 1);
	assert_int_equal(st.packets, 4);
	sf_tracker_flush(run.t);
	sf_analyser_stats(run.a, &st);
	assert_int_equal(st.live, 0);
	hana_end(&run);
}

/* A connection whose first packet goes unanalysed (its header is longer than the IP payload,
 * so Wireshark does not analyse it) has its state made at its next packet. */
static void state_made_after_unanalysed_first(void **state)
{
	(void)state;
	hana_init(&run, NULL);
	struct hana_seg s[] = {
	    SEG(A, SF_TCP_SYN, 1000, 0, 0, 0), /* made unanalysable below */
	    SEG(B, SF_TCP_SYN | ACK, 5000, 1001, 0, 50000),
	    SEG(A, ACK, 1001, 5001, 0, 100000),
	    SEG(A, PA, 1001, 5001, 100, 110000),
	    SEG(B, ACK, 5001, 1101, 0, 160000),
	};
	s[0].hlen_too_large = true;
	hana_feed(&run, s, 5);
	assert_int_equal(run.out[0].win_scalefactor, SF_WSCALE_UNKNOWN); /* not analysed */
	assert_int_equal(run.fig[0].dir[0].rtt_samples, 0);
	/* from the SYN-ACK on: the state is there, the data's ACK gives a sample */
	assert_int_equal(run.fig[4].dir[0].rtt_samples, 1);
	assert_int_equal(run.out[4].acks_frame, 4);
	struct sf_ana_stats st;
	sf_analyser_stats(run.a, &st);
	assert_int_equal(st.live, 1);
	assert_int_equal(st.packets, 4);
	hana_end(&run);
}

/* Connection state is asked for a huge page ahead: when a connection takes the slot halfway
 * through a 2 MiB page of state, the next page is asked for (made in the next chunk after a
 * chunk's last), so every slot from the first one wholly in the second page on (slot 5462:
 * 384-byte slots) finds its state and figures in pages asked for before its first packet,
 * across the chunk boundary at slot 16384 too. */
static void state_pages_asked_ahead(void **state)
{
	(void)state;
	static struct hpages asked;
	char err[128];
	struct sf_tracker *t = sf_tracker_new(NULL, NULL, err, sizeof(err));
	struct sf_analyser *a = sf_analyser_new(NULL, err, sizeof(err));
	assert_non_null(t);
	assert_non_null(a);
	sf_analyser_set_pages(a, hpages_record, &asked);
	struct sf_packet p;
	struct sf_frame f;
	struct sf_pkt_track trk;
	struct sf_pkt_analysis out;
	unsigned ahead = 0, n = ANA_CHUNK + 4096;
	for (unsigned i = 0; i < n; i++) {
		hseg_build_nth_syn(&p, &f, i, 1, i + 1);
		unsigned before = asked.n;
		const struct sf_conn *c = sf_tracker_process(t, &p, &trk);
		sf_analyser_process(a, &p, c, &trk, &out);
		uint32_t slot = sf_conn_slot(c);
		const struct ana_slot *s =
		    &a->chunk[slot >> ANA_CHUNK_SHIFT][slot & (ANA_CHUNK - 1)];
		bool in = hpages_cover(&asked, before, s, sizeof(*s));
		assert_true(in == (slot >= 5462));
		ahead += in;
	}
	assert_int_equal(ahead, n - 5462);
	sf_tracker_flush(t);
	sf_tracker_free(t);
	sf_analyser_free(a);
	hseg_set_endpoints(40000, 80, 1, 2);
}

static void names_and_events(void **state)
{
	(void)state;
	assert_string_equal(sf_ana_flag_field(SF_ANA_OUT_OF_ORDER), "tcp.analysis.out_of_order");
	assert_null(sf_ana_flag_field(SF_ANA_OUT_OF_ORDER | SF_ANA_RETRANSMISSION));
	assert_string_equal(sf_ana_flag_label(SF_ANA_LOST_SEGMENT),
	                    "TCP Previous segment not captured");
	for (unsigned b = 0; b < SF_ANA__NFLAGS; b++)
		assert_string_equal(sf_event_name((enum sf_event)(SF_EV_ANA_RETRANSMISSION + b)),
		                    sf_ana_flag_field(1u << b));
	/* the analyser raises the flag's event on the packet */
	start(NULL);
	const struct hana_seg s[] = {
	    SEG(A, PA, 1001, 5001, 100, 200000),
	    SEG(A, PA, 1001, 5001, 100, 900000),
	};
	hana_feed(&run, s, 2);
	assert_true(sf_packet_has_event(&run.pkt, SF_EV_ANA_RETRANSMISSION));
	hana_end(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(handshake_is_clean),
	    cmocka_unit_test(retransmission_after_rto),
	    cmocka_unit_test(fast_retransmission_after_dup_acks),
	    cmocka_unit_test(spurious_retransmission),
	    cmocka_unit_test(counters_recycled_clean),
	    cmocka_unit_test(out_of_order_by_reordering),
	    cmocka_unit_test(retransmission_in_ooo_window_ip_id),
	    cmocka_unit_test(retransmission_in_ooo_window_dup_ack),
	    cmocka_unit_test(retransmission_in_ooo_window_seen_before),
	    cmocka_unit_test(lost_and_acked_unseen),
	    cmocka_unit_test(zero_window_probe_and_ack),
	    cmocka_unit_test(zero_window_probe_accepted),
	    cmocka_unit_test(keep_alive_and_ack),
	    cmocka_unit_test(window_full),
	    cmocka_unit_test(reused_ports),
	    cmocka_unit_test(simultaneous_open),
	    cmocka_unit_test(syn_resent_not_out_of_order),
	    cmocka_unit_test(rtt_figures_and_bytes_in_flight),
	    cmocka_unit_test(bytes_in_flight_less_sacked),
	    cmocka_unit_test(dsack_names_spurious_retransmission),
	    cmocka_unit_test(dsack_inside_second_block),
	    cmocka_unit_test(dsack_names_every_retransmission),
	    cmocka_unit_test(dsack_per_copy),
	    cmocka_unit_test(window_scaling_semantics),
	    cmocka_unit_test(state_released_with_connection),
	    cmocka_unit_test(state_made_after_unanalysed_first),
	    cmocka_unit_test(state_pages_asked_ahead),
	    cmocka_unit_test(names_and_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
