/* Unit tests of the lab that need neither root nor a network: the scenario table and the
 * parser of the kernel's socket table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "synfin/lab.h"

static const char *const rfc_states[] = {"CLOSED",      "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
                                         "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
                                         "CLOSING",     "LAST-ACK",   "TIME-WAIT"};

static bool is_rfc_state(const char *s)
{
	for (size_t i = 0; i < sizeof(rfc_states) / sizeof(rfc_states[0]); i++)
		if (strcmp(s, rfc_states[i]) == 0)
			return true;
	return false;
}

static void check_states(const char *const *st)
{
	assert_non_null(st[0]);
	assert_true(strcmp(st[0], "CLOSED") == 0 || strcmp(st[0], "LISTEN") == 0);
	size_t n = 0;
	for (; n < SF_LAB_MAX_STATES && st[n]; n++) {
		assert_true(is_rfc_state(st[n]));
		if (n > 0)
			assert_string_not_equal(st[n], st[n - 1]); /* a transition changes state */
	}
	assert_true(n < SF_LAB_MAX_STATES); /* NULL-terminated */
}

static void test_table_complete(void **state)
{
	(void)state;
	size_t n;
	const struct sf_lab_scenario *sc = sf_lab_scenarios(&n);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(sc[i].run);
		assert_true(strlen(sc[i].summary) > 20 && strlen(sc[i].summary) < 100);
		assert_non_null(sc[i].expect.open_kind);
		assert_non_null(sc[i].expect.close_kind);
		check_states(sc[i].expect.client_states);
		check_states(sc[i].expect.server_states);
		assert_ptr_equal(sf_lab_scenario_find(sc[i].name), &sc[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(sc[i].name, sc[j].name);
	}
	assert_null(sf_lab_scenario_find("no-such-scenario"));
	assert_string_equal(sc[0].name, "handshake"); /* the default comes first */
}

static void test_namespace_needs(void **state)
{
	(void)state;
	const char *ns[] = {"simultaneous-open", "syn-retry", "lossy"};
	for (size_t i = 0; i < 3; i++)
		assert_true(sf_lab_scenario_find(ns[i])->needs & SF_LAB_NEEDS_NETNS);
	assert_false(sf_lab_scenario_find("handshake")->needs & SF_LAB_NEEDS_NETNS);
	assert_int_equal(sf_lab_scenario_find("syn-retry")->expect.min_syn_retries, 2);
	assert_true(sf_lab_scenario_find("lossy")->expect.want_retransmissions);
}

/* Lines as net/ipv4/tcp_ipv4.c prints them: a listener, an established socket and two
 * TIME-WAIT sockets (st 06, timer 3 with 5000 / 1234 ticks left). */
static const char table[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
    "        0 547 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0"
    "        0 548 1 0000000000000000 20 4 30 10 -1\n"
    "   2: 0100007F:9C41 0100007F:1F90 06 00000000:00000000 03:00001388 00000000     0"
    "        0 0 3 0000000000000000\n"
    "   3: 0100007F:1F90 0100007F:9C41 06 00000000:00000000 03:000004D2 00000000     0"
    "        0 0 3 0000000000000000\n";

static void test_parse_time_wait(void **state)
{
	(void)state;
	unsigned ms = 0;
	/* 0x9C41 = 40001, 0x1F90 = 8080 */
	assert_int_equal(sf_lab_parse_time_wait(table, 40001, 8080, &ms), 1);
	assert_int_equal(ms, 0x1388 * 1000u / 100u); /* USER_HZ = 100 on Linux */
	assert_int_equal(sf_lab_parse_time_wait(table, 8080, 40001, &ms), 1);
	assert_int_equal(ms, 0x4D2 * 10u);
	/* ESTABLISHED (01) and LISTEN (0A) are not TIME-WAIT */
	assert_int_equal(sf_lab_parse_time_wait(table, 40000, 8080, NULL), 0);
	assert_int_equal(sf_lab_parse_time_wait(table, 8080, 0, NULL), 0);
	assert_int_equal(sf_lab_parse_time_wait("", 1, 2, NULL), 0);
	assert_int_equal(sf_lab_parse_time_wait("garbage\n1: zz\n", 1, 2, NULL), 0);
	/* a field wider than its type (tm->when past 64 bits) makes the line unreadable */
	assert_int_equal(
	    sf_lab_parse_time_wait("   2: 0100007F:9C41 0100007F:1F90 06 00000000:00000000"
	                           " 03:100000000000000000 00000000\n",
	                           40001, 8080, NULL),
	    0);
	assert_int_equal(
	    sf_lab_parse_time_wait("   2: 0100007F:9C41 0100007F:1F90 06 00000000:00000000"
	                           " 03:00000001 00000000\n",
	                           40001, 8080, NULL),
	    1);
}

static void test_notes_bounded(void **state)
{
	(void)state;
	struct sf_lab_result r = {0};
	char longtext[400];
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	for (int i = 0; i < SF_LAB_MAX_NOTES + 3; i++)
		sf_lab_note(&r, "%d %s", i, longtext);
	assert_int_equal(r.n_notes, SF_LAB_MAX_NOTES);
	assert_int_equal(strlen(r.notes[0]), SF_LAB_NOTE_LEN - 1);
	assert_memory_equal(r.notes[SF_LAB_MAX_NOTES - 1], "7 xx", 4);
}

static void test_loopback_env(void **state)
{
	(void)state;
	struct sf_lab_env env;
	char err[256];
	assert_int_equal(sf_lab_env_open(&env, 0, 0, err, sizeof(err)), 0);
	assert_true(env.port >= 1024);
	assert_int_not_equal(env.port, env.port2);
	assert_string_equal(env.capture_iface, "lo");
	assert_int_equal(env.client_nsfd, -1);
	assert_false(env.netns);
	sf_lab_env_close(&env);
	assert_int_equal(sf_lab_env_open(&env, 0, 4242, err, sizeof(err)), 0);
	assert_int_equal(env.port, 4242);
	sf_lab_env_close(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_complete),  cmocka_unit_test(test_namespace_needs),
	    cmocka_unit_test(test_parse_time_wait), cmocka_unit_test(test_notes_bounded),
	    cmocka_unit_test(test_loopback_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
