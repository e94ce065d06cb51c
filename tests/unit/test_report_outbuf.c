/* Output buffer and hand-written formatters of the text reports. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_report.h"
#include "report/outbuf.h"

struct capture {
	char *buf;
	size_t len;
	FILE *fp;
	struct sf_outbuf ob;
};

/* cap: buffer size; a small one makes every test also exercise flushing mid-item. */
static void cap_open(struct capture *c, size_t cap)
{
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
	assert_int_equal(ob_init(&c->ob, c->fp, cap), 0);
}

static const char *cap_text(struct capture *c)
{
	assert_int_equal(ob_flush(&c->ob), 0);
	fflush(c->fp);
	return c->buf;
}

static void cap_close(struct capture *c)
{
	ob_free(&c->ob);
	fclose(c->fp);
	free(c->buf);
}

static void test_integers(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 0);
	ob_put_u64(&c.ob, 0);
	ob_putc(&c.ob, ' ');
	ob_put_u64(&c.ob, 18446744073709551615ull);
	ob_putc(&c.ob, ' ');
	ob_put_u64w(&c.ob, 42, 5);
	ob_putc(&c.ob, '|');
	ob_put_u64w(&c.ob, 123456, 3);
	ob_putc(&c.ob, ' ');
	ob_put_i64(&c.ob, -9223372036854775807ll - 1);
	ob_putc(&c.ob, ' ');
	ob_put_u64z(&c.ob, 7, 3);
	ob_putc(&c.ob, ' ');
	ob_put_hex(&c.ob, 0xabc, 4);
	ob_putc(&c.ob, ' ');
	ob_put_0x(&c.ob, 0, 1);
	assert_string_equal(cap_text(&c), "0 18446744073709551615    42|123456 "
	                                  "-9223372036854775808 007 0abc 0x0");
	cap_close(&c);
}

static void test_nsec(void **state)
{
	(void)state;
	struct capture c;
	cap_open(&c, 0);
	ob_put_nsec(&c.ob, 0, 6);
	ob_putc(&c.ob, ' ');
	ob_put_nsec(&c.ob, 212000, 6);
	ob_putc(&c.ob, ' ');
	ob_put_nsec(&c.ob, 1999999999, 6); /* truncated, as Wireshark shows times */
	ob_putc(&c.ob, ' ');
	ob_put_nsec(&c.ob, -1500, 6);
	ob_putc(&c.ob, ' ');
	ob_put_nsec(&c.ob, 123456789012ll, 9);
	ob_putc(&c.ob, ' ');
	ob_put_nsec(&c.ob, 5000000000ll, 0);
	assert_string_equal(cap_text(&c), "0.000000 0.000212 1.999999 -0.000001 123.456789012 5");
	cap_close(&c);
}

static void check_addr(const char *text, bool bracket, const char *want)
{
	struct capture c;
	struct sf_addr a;
	rpt_addr(&a, text);
	cap_open(&c, 0);
	ob_put_addr(&c.ob, &a, bracket);
	assert_string_equal(cap_text(&c), want);
	cap_close(&c);
}

/* RFC 5952 §4 rules; the expected strings are what glibc's inet_ntop prints. */
static void test_addresses(void **state)
{
	(void)state;
	check_addr("0.0.0.0", true, "0.0.0.0");
	check_addr("255.255.255.255", true, "255.255.255.255");
	check_addr("192.168.1.116", false, "192.168.1.116");
	check_addr("2001:db8::1", true, "[2001:db8::1]");
	check_addr("2001:0db8:0000:0000:0001:0000:0000:0001", false, "2001:db8::1:0:0:1");
	check_addr("2001:db8:0:1:1:1:1:1", false, "2001:db8:0:1:1:1:1:1"); /* one 0 stays */
	check_addr("::", false, "::");
	check_addr("::1", false, "::1");
	check_addr("fe80::", false, "fe80::");
	check_addr("::ffff:10.1.2.3", false, "::ffff:10.1.2.3");
	check_addr("1:0:0:2:0:0:0:3", false, "1:0:0:2::3");   /* longest run wins */
	check_addr("1:0:0:2:3:0:0:4", false, "1::2:3:0:0:4"); /* first of equal runs */
	check_addr("fe80::abcd:ef01:2345:6789", false, "fe80::abcd:ef01:2345:6789");
	struct sf_addr none = {0};
	struct capture c;
	cap_open(&c, 0);
	ob_put_addr(&c.ob, &none, true);
	assert_string_equal(cap_text(&c), "?");
	cap_close(&c);
}

static void test_mac_and_long_spans(void **state)
{
	(void)state;
	struct capture c;
	const uint8_t mac[6] = {0x00, 0x1a, 0x2b, 0xff, 0x0e, 0x9c};
	cap_open(&c, 0); /* rounded up to the minimum capacity */
	ob_put_mac(&c.ob, mac);
	char big[5000];
	memset(big, 'x', sizeof(big));
	ob_put_mem(&c.ob, big, sizeof(big));
	const char *t = cap_text(&c);
	assert_int_equal(strlen(t), 17 + sizeof(big));
	assert_memory_equal(t, "00:1a:2b:ff:0e:9c", 17);
	assert_int_equal(t[17 + sizeof(big) - 1], 'x');
	cap_close(&c);
}

/* Without a file the buffer keeps everything put, growing, in order; a span longer than a
 * file buffer's capacity still lands whole after what was buffered before it. */
static void test_memory_buffer_and_big_span(void **state)
{
	(void)state;
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, NULL, 256), 0);
	for (unsigned i = 0; i < 1000; i++) {
		ob_put_u64w(&ob, i, 4);
		ob_putc(&ob, '\n');
	}
	assert_int_equal(ob.len, 5000);
	assert_true(ob.cap >= 5000);
	assert_memory_equal(ob.buf, "   0\n   1\n", 10);
	assert_memory_equal(ob.buf + 4995, " 999\n", 5);
	assert_int_equal(ob_flush(&ob), 0); /* grows rather than writes: nothing lost */
	assert_int_equal(ob.len, 5000);

	struct capture c;
	cap_open(&c, 0); /* 256 bytes: the 5000-byte span is written past the buffer */
	ob_puts(&c.ob, "head:");
	ob_put_mem(&c.ob, ob.buf, ob.len);
	ob_puts(&c.ob, ":tail");
	const char *t = cap_text(&c);
	assert_int_equal(strlen(t), 5 + 5000 + 5);
	assert_memory_equal(t, "head:   0\n", 10);
	assert_memory_equal(t + 5 + 4995, " 999\n:tail", 10);
	cap_close(&c);
	ob_free(&ob);
}

/* A failed write is reported, stays reported, and later output is dropped. */
static void test_write_error_is_sticky(void **state)
{
	(void)state;
	FILE *fp = fopen("/dev/full", "w");
	if (!fp)
		skip();
	setvbuf(fp, NULL, _IONBF, 0);
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 256), 0);
	ob_puts(&ob, "hello");
	assert_int_equal(ob_flush(&ob), -1);
	assert_int_not_equal(ob.error, 0);
	ob_puts(&ob, "again");
	assert_int_equal(ob_flush(&ob), -1);
	assert_int_equal(ob.len, 0);
	ob_free(&ob);
	fclose(fp);
}

/* A failed write that the stream's own buffer hid until its flush (a small output, a full
 * disk) is reported by ob_finish with its errno. */
static void test_finish_sees_buffered_error(void **state)
{
	(void)state;
	FILE *fp = fopen("/dev/full", "w");
	if (!fp)
		skip();
	struct sf_outbuf ob;
	assert_int_equal(ob_init(&ob, fp, 256), 0);
	ob_puts(&ob, "a line that fits in the stream's buffer\n");
	assert_int_equal(ob_flush(&ob), 0); /* into stdio's buffer: nothing written yet */
	assert_int_equal(ob_finish(&ob), ENOSPC);
	assert_int_equal(ob.error, ENOSPC);
	ob_free(&ob);
	fclose(fp);
	/* a stream that takes everything: no error */
	fp = fopen("/dev/null", "w");
	assert_non_null(fp);
	assert_int_equal(ob_init(&ob, fp, 256), 0);
	ob_puts(&ob, "fine\n");
	assert_int_equal(ob_finish(&ob), 0);
	ob_free(&ob);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_nsec),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_mac_and_long_spans),
	    cmocka_unit_test(test_write_error_is_sticky),
	    cmocka_unit_test(test_finish_sees_buffered_error),
	    cmocka_unit_test(test_memory_buffer_and_big_span),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
