/* Unit tests of the lab's expected-versus-observed comparison and its plain-word findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "synfin/lab.h"

/* An observation that matches a scenario's expectation exactly. */
static struct sf_lab_observed as_expected(const struct sf_lab_scenario *sc)
{
	struct sf_lab_observed o = {.found = true,
	                            .open_kind = sc->expect.open_kind,
	                            .close_kind = sc->expect.close_kind,
	                            .syn_retries = sc->expect.min_syn_retries,
	                            .retransmissions = sc->expect.want_retransmissions ? 3 : 0};
	for (unsigned i = 0; i < SF_LAB_MAX_STATES && sc->expect.client_states[i]; i++)
		o.client_states[o.n_client_states++] = sc->expect.client_states[i];
	for (unsigned i = 0; i < SF_LAB_MAX_STATES && sc->expect.server_states[i]; i++)
		o.server_states[o.n_server_states++] = sc->expect.server_states[i];
	return o;
}

static bool has_finding(const struct sf_lab_verdict *v, const char *part)
{
	for (unsigned i = 0; i < v->n_findings; i++)
		if (strstr(v->findings[i], part))
			return true;
	return false;
}

static void test_every_scenario_agrees_with_itself(void **state)
{
	(void)state;
	size_t n;
	const struct sf_lab_scenario *sc = sf_lab_scenarios(&n);
	struct sf_lab_result res = {.kernel_time_wait = true, .attempts = 1};
	for (size_t i = 0; i < n; i++) {
		struct sf_lab_observed o = as_expected(&sc[i]);
		struct sf_lab_verdict v;
		sf_lab_compare(&sc[i], &o, &res, &v);
		assert_true(v.agree);
		assert_int_equal(v.n_findings, 0);
	}
}

static void test_merged_fin_is_said_plainly(void **state)
{
	(void)state;
	const struct sf_lab_scenario *sc = sf_lab_scenario_find("handshake");
	struct sf_lab_observed o = as_expected(sc);
	o.close_kind = "three-way";
	struct sf_lab_result res = {0};
	struct sf_lab_verdict v;
	sf_lab_compare(sc, &o, &res, &v);
	assert_false(v.agree);
	assert_int_equal(v.n_findings, 1);
	assert_true(has_finding(&v, "close: expected four-way, observed three-way"));
	assert_true(has_finding(&v, "the server's FIN was merged with its ACK this time"));
}

static void test_state_sequence_difference(void **state)
{
	(void)state;
	const struct sf_lab_scenario *sc = sf_lab_scenario_find("simultaneous-close");
	struct sf_lab_observed o = as_expected(sc);
	/* a normal close instead: the server went CLOSE-WAIT → LAST-ACK → CLOSED */
	o.close_kind = "four-way";
	const char *srv[] = {"LISTEN",     "SYN-RECEIVED", "ESTABLISHED",
	                     "CLOSE-WAIT", "LAST-ACK",     "CLOSED"};
	memcpy(o.server_states, srv, sizeof(srv));
	o.n_server_states = 6;
	struct sf_lab_result res = {.attempts = 25};
	struct sf_lab_verdict v;
	sf_lab_compare(sc, &o, &res, &v);
	assert_false(v.agree);
	assert_true(has_finding(&v, "the FINs did not cross this time"));
	assert_true(has_finding(&v, "server states: expected LISTEN → SYN-RECEIVED → "
	                            "ESTABLISHED → FIN-WAIT-1 → CLOSING → TIME-WAIT; observed "
	                            "LISTEN → SYN-RECEIVED → ESTABLISHED → CLOSE-WAIT → LAST-ACK "
	                            "→ CLOSED"));
	assert_true(has_finding(&v, "never produced crossing FINs in 25 attempts"));
	assert_false(has_finding(&v, "client states"));
}

static void test_counts_and_missing(void **state)
{
	(void)state;
	const struct sf_lab_scenario *sc = sf_lab_scenario_find("syn-retry");
	struct sf_lab_observed o = as_expected(sc);
	o.syn_retries = 1;
	struct sf_lab_result res = {0};
	struct sf_lab_verdict v;
	sf_lab_compare(sc, &o, &res, &v);
	assert_false(v.agree);
	assert_true(has_finding(&v, "expected at least 2, observed 1"));

	sc = sf_lab_scenario_find("lossy");
	o = as_expected(sc);
	o.retransmissions = 0;
	sf_lab_compare(sc, &o, &res, &v);
	assert_true(has_finding(&v, "no retransmission"));

	o.found = false;
	sf_lab_compare(sc, &o, &res, &v);
	assert_false(v.agree);
	assert_true(has_finding(&v, "not in the capture"));

	sc = sf_lab_scenario_find("time-wait");
	o = as_expected(sc);
	res.kernel_time_wait = false;
	sf_lab_compare(sc, &o, &res, &v);
	assert_true(has_finding(&v, "did not list the client in TIME-WAIT"));
}

static void test_states_str(void **state)
{
	(void)state;
	const char *st[] = {"CLOSED", "SYN-SENT", NULL};
	char buf[64];
	assert_string_equal(sf_lab_states_str(st, 2, buf, sizeof(buf)), "CLOSED → SYN-SENT");
	assert_string_equal(sf_lab_states_str(st, 5, buf, sizeof(buf)), "CLOSED → SYN-SENT");
	assert_string_equal(sf_lab_states_str(st, 0, buf, sizeof(buf)), "");
	char small[8];
	sf_lab_states_str(st, 2, small, sizeof(small));
	assert_int_equal(strlen(small), 7); /* cut, still terminated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_scenario_agrees_with_itself),
	    cmocka_unit_test(test_merged_fin_is_said_plainly),
	    cmocka_unit_test(test_state_sequence_difference),
	    cmocka_unit_test(test_counts_and_missing),
	    cmocka_unit_test(test_states_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
