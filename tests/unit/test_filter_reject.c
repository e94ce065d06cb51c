/* synfin — display filter: rejected expressions with their exact error text (expression,
 * caret line, message), and the suggestions for misspelt fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "synfin/filter.h"

struct rcase {
	const char *expr;
	const char *caret;
	const char *msg;
};

static const struct rcase rejects[] = {
    /* unknown fields, with the nearest registered name */
    {"tcp.flgs == 1", "^~~~~~~~",
     "\"tcp.flgs\" is neither a field nor a protocol name; did you mean tcp.flags?"},
    {"tcp.flags.sin == 1", "^~~~~~~~~~~~~",
     "\"tcp.flags.sin\" is neither a field nor a protocol name; did you mean tcp.flags.syn?"},
    {"ip.adr==1.2.3.4", "^~~~~~",
     "\"ip.adr\" is neither a field nor a protocol name; did you mean ip.addr?"},
    {"tcp.windowsize > 5", "^~~~~~~~~~~~~~",
     "\"tcp.windowsize\" is neither a field nor a protocol name; did you mean tcp.window_size?"},
    {"tcp.analysis.retransmision", "^~~~~~~~~~~~~~~~~~~~~~~~~~",
     "\"tcp.analysis.retransmision\" is neither a field nor a protocol name; did you mean "
     "tcp.analysis.retransmission?"},
    /* computed by Wireshark, not by synfin's analyser: no field, and no false suggestion */
    {"tcp.analysis.push_bytes_sent > 1", "^~~~~~~~~~~~~~~~~~~~~~~~~~~~",
     "\"tcp.analysis.push_bytes_sent\" is neither a field nor a protocol name"},
    {"tcp.analysis.flags == 1", "^~~~~~~~~~~~~~~~~~",
     "tcp.analysis.flags is a flag; it can only be tested for presence"},
    {"tcp.analysis.ack_rtt > \"x\"", "                       ^~~",
     "tcp.analysis.ack_rtt is a time, not a string: write the value without quotes"},
    {"foo", "^~~", "\"foo\" is neither a field nor a protocol name"},
    {"tpc", "^~~", "\"tpc\" is neither a field nor a protocol name; did you mean tcp?"},
    {"udpp.port == 53", "^~~~~~~~~",
     "\"udpp.port\" is neither a field nor a protocol name; did you mean udp.port?"},
    {"x", "^", "\"x\" is neither a field nor a protocol name"},
    {"tcp.flags.str == \"·\" && tcp.flgs", "                        ^~~~~~~~",
     "\"tcp.flgs\" is neither a field nor a protocol name; did you mean tcp.flags?"},
    /* syntax */
    {"", "^", "the filter is empty"},
    {"tcp.port ==", "           ^", "expected a value after \"==\""},
    {"tcp.port == 80 &&", "                 ^",
     "the expression ends too early; expected a field, a protocol or \"(\""},
    {"tcp.port 80", "         ^~",
     "\"80\" was unexpected here; expected an operator, \"and\", \"or\" or the end"},
    {"(tcp.port == 80", "^", "missing \")\" for this \"(\""},
    {"tcp.port == 80)", "              ^", "this \")\" has no matching \"(\""},
    {"tcp.port == 80 == 80", "               ^~",
     "comparisons cannot be chained; join them with \"and\""},
    {"tcp.port = 80", "         ^", "\"=\" is not an operator; use == to compare"},
    {"tcp.port | 1", "         ^", "\"|\" is not an operator; use || or \"or\""},
    {"tcp.port @ 80", "         ^", "unexpected character '@'"},
    {"tcp.port == 80 and or udp", "                   ^~",
     "\"or\" was unexpected here; expected a field, a protocol or \"(\""},
    {"not", "   ^", "the expression ends too early; expected a field, a protocol or \"(\""},
    {"tcp.flags.str == \"abc", "                 ^", "missing closing quote"},
    {"tcp.flags.str == \"a\\q\"", "                   ^~",
     "invalid escape \"\\q\" in string (write \\\\ for a backslash)"},
    /* sets */
    {"tcp.port in {}", "             ^", "a set needs at least one value"},
    {"tcp.port in {80", "            ^", "missing \"}\" for this \"{\""},
    {"tcp.port in 80", "            ^~", "expected \"{\" after \"in\""},
    {"tcp.port in {80 .. }", "                   ^", "expected a value after \"..\""},
    {"tcp.port in {90..80}", "             ^~~~~~",
     "empty range: the lower bound is above the upper bound"},
    {"ip.addr in {1.2.3.4..1.2.3.9}", "            ^~~~~~~~~~~~~~~~",
     "ranges are only allowed for numbers and times; ip.addr is an IPv4 address"},
    /* values that do not parse as the field's type */
    {"tcp.port == 70000", "            ^~~~~",
     "70000 is too large for tcp.port (a 16-bit unsigned integer)"},
    {"tcp.port == -1", "            ^~", "\"-1\" is not a valid unsigned integer"},
    {"tcp.port == abc", "            ^~~", "\"abc\" is not a valid unsigned integer"},
    {"tcp.port == \"80\"", "            ^~~~",
     "tcp.port is an unsigned integer, not a string: write the value without quotes"},
    {"ip.src == 1.2.3", "          ^~~~~",
     "\"1.2.3\" is not a valid IPv4 address (synfin does not resolve names)"},
    {"ip.src == example.com", "          ^~~~~~~~~~~",
     "\"example.com\" is not a valid IPv4 address (synfin does not resolve names)"},
    {"ip.src == 1.2.3.4/33", "          ^~~~~~~~~~",
     "\"1.2.3.4/33\" has an invalid prefix length (0 to 32)"},
    {"ipv6.src == 2001::db8::1", "            ^~~~~~~~~~~~",
     "\"2001::db8::1\" is not a valid IPv6 address (synfin does not resolve names)"},
    {"eth.src == 00:11:22:33:44", "           ^~~~~~~~~~~~~~",
     "\"00:11:22:33:44\" is not a valid Ethernet address"},
    {"eth.src == 00:11:22-33:44:55", "           ^~~~~~~~~~~~~~~~~",
     "\"00:11:22-33:44:55\" is not a valid Ethernet address"},
    {"tcp.flags.syn == maybe", "                 ^~~~~",
     "\"maybe\" is not a valid boolean (use 1, 0, true or false)"},
    {"frame.time_relative > 1e-1", "                      ^~~~",
     "\"1e-1\" is not a valid time (seconds, e.g. 0.25)"},
    /* relations that do not suit the type */
    {"tcp contains \"x\"", "^~~", "tcp is a protocol; it can only be tested for presence"},
    {"tcp == 1", "^~~", "tcp is a protocol; it can only be tested for presence"},
    {"tcp.port contains 80", "         ^~~~~~~~",
     "\"contains\" needs a string field; tcp.port is an unsigned integer"},
    {"ip.src matches \"1\"", "       ^~~~~~~",
     "\"matches\" needs a string field; ip.src is an IPv4 address"},
    {"ip.src < 10.0.0.0/8", "         ^~~~~~~~~~",
     "a network (CIDR) can only be compared with ==, !=, ===, ~= or in"},
    {"ip.src  &  0xff", "        ^", "\"&\" needs an integer field; ip.src is an IPv4 address"},
    {"tcp.flags.str matches \"(\"", "                      ^~~",
     "invalid regular expression: Unmatched ( or \\("},
    /* nested bounds multiply in glibc's regcomp (150 MB for two levels, gigabytes for three) */
    {"tcp.flags.str matches \"(a{1,255}){1,255}\"", "                      ^~~~~~~~~~~~~~~~~~~",
     "regular expression too large: its repetition counts multiply past 10000"},
    {"tcp.flags.str matches \"((x[ab]{2,}){99}y){1,50}\"",
     "                      ^~~~~~~~~~~~~~~~~~~~~~~~~~",
     "regular expression too large: its repetition counts multiply past 10000"},
    /* a repetition of a repetition: undefined in POSIX, exponential in glibc */
    {"tcp.flags.str matches \"a{1,255}{1,255}\"", "                      ^~~~~~~~~~~~~~~~~",
     "a repetition (*, +, ? or {}) cannot follow another: group the first, as in (a+)*"},
    {"tcp.flags.str matches \"(ab++)+\"", "                      ^~~~~~~~~",
     "a repetition (*, +, ? or {}) cannot follow another: group the first, as in (a+)*"},
};

static void test_rejects(void **state)
{
	char err[1024], want[1024];
	(void)state;
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		struct sf_filter *f = sf_filter_compile(rejects[i].expr, err, sizeof(err));
		if (f)
			fail_msg("\"%s\" compiled but must be rejected", rejects[i].expr);
		snprintf(want, sizeof(want), "%s\n%s\n%s", rejects[i].expr, rejects[i].caret,
		         rejects[i].msg);
		if (strcmp(err, want) != 0)
			fail_msg("case %zu:\n-- got --\n%s\n-- want --\n%s", i, err, want);
	}
}

/* The caret counts characters: a multi-byte character before the error takes one column. */
static void test_caret_counts_characters(void **state)
{
	char err[256];
	(void)state;
	assert_null(sf_filter_compile("tcp.flags.str == \"··\" && x", err, sizeof(err)));
	assert_string_equal(err, "tcp.flags.str == \"··\" && x\n"
	                         "                         ^\n"
	                         "\"x\" is neither a field nor a protocol name");
}

/* A small error buffer is filled without overflow and stays a C string. */
static void test_small_error_buffer(void **state)
{
	char err[8];
	(void)state;
	memset(err, 'x', sizeof(err));
	assert_null(sf_filter_compile("tcp.flgs == 1", err, sizeof(err)));
	assert_string_equal(err, "tcp.flg");
	assert_null(sf_filter_compile("tcp.flgs == 1", NULL, 0));
}

/* A long expression is echoed as a window around the error, cut with "…", so the caret line
 * and the message always fit (a 1,000-character filter once lost both in a 2 KiB buffer). */
static void test_long_expression_window(void **state)
{
	char expr[1200], err[512];
	size_t n = 0;
	(void)state;
	for (int i = 0; i < 60; i++)
		n += (size_t)sprintf(expr + n, "tcp.port==%d||", 1000 + i); /* 15 chars each */
	strcpy(expr + n, "tcp.prot==1||tcp.port==2||tcp.port==3||tcp.port==4||tcp.port==5||tcp."
	                 "port==6||tcp.port==7");
	assert_null(sf_filter_compile(expr, err, sizeof(err)));
	/* window: 60 characters before the error, 100 in all, "…" at both cut ends */
	char want[512];
	snprintf(want, sizeof(want), "\u2026%.100s\u2026\n%*s^~~~~~~~\n%s", expr + n - 60, 61, "",
	         "\"tcp.prot\" is neither a field nor a protocol name; did you mean tcp.port?");
	if (strcmp(err, want) != 0)
		fail_msg("-- got --\n%s\n-- want --\n%s", err, want);
}

/* Deep nesting is refused rather than exhausting the stack. */
static void test_deep_nesting(void **state)
{
	char expr[2100], err[4096];
	(void)state;
	for (int i = 0; i < 1000; i++)
		expr[i] = '(';
	strcpy(expr + 1000, "tcp");
	for (int i = 0; i < 1000; i++)
		expr[1003 + i] = ')';
	expr[2003] = '\0';
	assert_null(sf_filter_compile(expr, err, sizeof(err)));
	assert_non_null(strstr(err, "\nexpression nested too deeply"));
	/* 150 levels are fine */
	memmove(expr, expr + 850, 150 + 3);
	memset(expr + 153, ')', 150);
	expr[303] = '\0';
	struct sf_filter *f = sf_filter_compile(expr, err, sizeof(err));
	assert_non_null(f);
	sf_filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_caret_counts_characters),
	    cmocka_unit_test(test_small_error_buffer),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_long_expression_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
