/* The analyser's table of recent retransmissions (src/analysis/rtx.c), which D-SACKs are
 * matched against: bounded, keyed by connection, side and first sequence number, the oldest
 * entry of a full set giving way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "analysis/ana_int.h"

static struct ana_seg seg(uint32_t seq, uint32_t frame_delta)
{
	struct ana_seg s = {.seq = seq, .nextseq = seq + 1448, .frame_delta = frame_delta};
	return s;
}

static struct sf_analyser *analyser(void)
{
	char err[128];
	struct sf_analyser *a = sf_analyser_new(NULL, err, sizeof(err));
	assert_non_null(a);
	return a;
}

/* Keys are exact; the same bytes resent again update their entry (one more copy, the latest
 * frame) rather than add one, and keep what D-SACKs reported of the earlier copies. */
static void keyed_exactly(void **state)
{
	(void)state;
	struct sf_analyser *a = analyser();
	assert_null(ana_rtx_find(a, 10, 0, 1000)); /* no table before the first retransmission */
	struct ana_seg s = seg(1000, 5);
	ana_rtx_put(a, 10, 0, &s);
	struct ana_rtx *r = ana_rtx_find(a, 10, 0, 1000);
	assert_non_null(r);
	assert_int_equal(r->frame_delta, 5);
	assert_int_equal(r->nextseq, 2448);
	assert_null(ana_rtx_find(a, 10, 1, 1000)); /* the other side */
	assert_null(ana_rtx_find(a, 11, 0, 1000)); /* another connection */
	assert_null(ana_rtx_find(a, 10, 0, 1001)); /* another start */
	r->dsacked = 1;
	s.frame_delta = 9; /* resent once more */
	ana_rtx_put(a, 10, 0, &s);
	r = ana_rtx_find(a, 10, 0, 1000);
	assert_int_equal(r->frame_delta, 9);
	assert_int_equal(r->copies, 2);
	assert_int_equal(r->dsacked, 1);
	unsigned copies = 0;
	for (size_t i = 0; i < ((size_t)ANA_RTX_WAYS << ANA_RTX_SET_BITS); i++)
		copies += a->rtx[i].conn == 11 && a->rtx[i].seq == 1000;
	assert_int_equal(copies, 1);
	sf_analyser_free(a);
}

/* Many more retransmissions than entries: memory stays put, the most recent thousand are all
 * still there (a direct-mapped table of the same size lost some to collisions), and the
 * oldest have given way. */
static void bounded_and_recent(void **state)
{
	(void)state;
	struct sf_analyser *a = analyser();
	const unsigned n = 20000, conns = 37;
	for (unsigned i = 0; i < n; i++) {
		struct ana_seg s = seg(1000u + 1448u * i, i);
		ana_rtx_put(a, (uint64_t)100 * (i % conns), (int)(i & 1), &s);
	}
	unsigned recent = 0, oldest = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct ana_rtx *r =
		    ana_rtx_find(a, (uint64_t)100 * (i % conns), (int)(i & 1), 1000u + 1448u * i);
		if (i >= n - 1000)
			recent += r && r->frame_delta == i;
		if (i < 1000)
			oldest += r != NULL;
	}
	assert_int_equal(recent, 1000);
	assert_int_equal(oldest, 0);
	sf_analyser_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(keyed_exactly),
	    cmocka_unit_test(bounded_and_recent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
