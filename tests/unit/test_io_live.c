/* synfin tests — live capture on loopback: a real TCP connection to 127.0.0.1 is captured
 * through a BPF filter on its port; bad interface, bad filter and missing privilege give their
 * documented one-line messages. Traffic stays on lo. Skips when capturing is not permitted
 * (not root / no CAP_NET_RAW), after checking that message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "synfin/source.h"

#define PERM_MSG                                                                                   \
	"permission denied capturing on lo: needs CAP_NET_RAW (run as root or grant the "          \
	"capability)"

static struct sf_source *alarm_src; /* the source a SIGALRM breaks (watchdog) */

static void on_alarm(int sig)
{
	(void)sig;
	if (alarm_src)
		sf_source_break(alarm_src);
}

static struct sf_source *open_lo(char *err, size_t errlen)
{
	struct sf_live_opts o = {
	    .iface = "lo", .snaplen = 256, .immediate = true, .timeout_ms = 50};
	return sf_source_open_live(&o, err, errlen);
}

/* Can this process capture? If not, the message must be the documented one. */
static bool can_capture(void)
{
	char err[SF_ERRBUF];
	struct sf_source *s = open_lo(err, sizeof(err));
	if (s) {
		sf_source_close(s);
		return true;
	}
	assert_string_equal(err, PERM_MSG);
	print_message("SKIP: capturing on lo is not permitted here (%s)\n", err);
	return false;
}

static void test_live_no_such_interface(void **state)
{
	if (!can_capture())
		skip();
	char err[SF_ERRBUF];
	struct sf_live_opts o = {.iface = "synfin-nosuch0"};
	assert_null(sf_source_open_live(&o, err, sizeof(err)));
	assert_string_equal(err, "no such interface: synfin-nosuch0");
	struct sf_live_opts none = {0};
	assert_null(sf_source_open_live(&none, err, sizeof(err)));
	assert_string_equal(err, "no interface given");
}

/* As root, a child that gives up its privileges gets the permission message. */
static void test_live_permission_denied(void **state)
{
	if (!can_capture())
		skip();
	if (geteuid() != 0) {
		print_message("SKIP: needs root to drop privileges in a child\n");
		skip();
	}
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[SF_ERRBUF] = "";
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		struct sf_source *s = open_lo(err, sizeof(err));
		if (s)
			_exit(3);
		ssize_t n = write(fds[1], err, strlen(err));
		_exit(n > 0 ? 0 : 4);
	}
	close(fds[1]);
	char got[SF_ERRBUF] = "";
	ssize_t n = read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(n > 0);
	assert_string_equal(got, PERM_MSG);
}

static void test_live_bad_filter(void **state)
{
	if (!can_capture())
		skip();
	char err[SF_ERRBUF];
	struct sf_source *s = open_lo(err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(sf_source_set_bpf(s, "tcp prot 80", err, sizeof(err)), -1);
	assert_string_equal(err, "bad capture filter 'tcp prot 80': syntax error");
	sf_source_close(s);
}

/* A listening socket on 127.0.0.1 (ephemeral port); returns its fd and port. */
static int listener(uint16_t *port)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 4), 0);
	socklen_t al = sizeof(a);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return l;
}

/* True when f is an Ethernet/IPv4 TCP SYN (no ACK) to port. lo is DLT_EN10MB on Linux. */
static bool is_syn_to(const struct sf_frame *f, uint16_t port)
{
	if (f->linktype != 1 || f->caplen < 14 + 20 + 20 || f->data[12] != 0x08 ||
	    f->data[13] != 0x00)
		return false;
	const uint8_t *ip = f->data + 14;
	unsigned ihl = (ip[0] & 0x0f) * 4u;
	if (ip[9] != 6 || 14 + ihl + 20 > f->caplen)
		return false;
	const uint8_t *tcp = ip + ihl;
	return (tcp[2] << 8 | tcp[3]) == port && (tcp[13] & 0x12) == 0x02;
}

static void test_live_captures_syn_on_loopback(void **state)
{
	if (!can_capture())
		skip();
	uint16_t port;
	int l = listener(&port);
	char err[SF_ERRBUF], expr[96];
	struct sf_source *s = open_lo(err, sizeof(err));
	assert_non_null(s);
	assert_non_null(sf_source_pcap(s));
	assert_int_equal(sf_source_format(s), SF_FMT_LIVE);
	assert_string_equal(sf_source_name(s), "lo");
	assert_int_equal(sf_source_linktype(s), 1);
	snprintf(expr, sizeof(expr), "tcp dst port %u and tcp[tcpflags] & tcp-syn != 0", port);
	assert_int_equal(sf_source_set_bpf(s, expr, err, sizeof(err)), 0);

	int c = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons(port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);

	/* Watchdog: a SIGALRM breaks the source, so a missing packet fails instead of hanging. */
	alarm_src = s;
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	struct sf_frame f;
	bool seen = false;
	enum sf_source_status rc;
	while (!seen && (rc = sf_source_next(s, &f, err, sizeof(err))) == SF_SRC_FRAME) {
		assert_true(f.ts_sec > 1600000000);
		assert_true(f.ts_nsec < 1000000000u);
		assert_true(f.caplen <= 256);
		seen = is_syn_to(&f, port); /* the filter lets only packets to our port through */
	}
	assert_true(seen);
	uint64_t recv, drop, ifdrop;
	assert_int_equal(sf_source_stats(s, &recv, &drop, &ifdrop), 0);
	assert_true(recv >= 1);

	/* No other SYN goes to the port: the next call blocks until the watchdog breaks it. */
	alarm(1);
	assert_int_equal(sf_source_next(s, &f, err, sizeof(err)), SF_SRC_END);
	alarm(0);
	alarm_src = NULL;
	sf_source_close(s);
	close(c);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_live_no_such_interface),
	    cmocka_unit_test(test_live_permission_denied),
	    cmocka_unit_test(test_live_bad_filter),
	    cmocka_unit_test(test_live_captures_syn_on_loopback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
