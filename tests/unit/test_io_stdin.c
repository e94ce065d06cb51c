/* synfin tests — standard input ("-"): the format is told from the first bytes of a pipe and
 * the rest streams, for pcap (our record reader's buffered path) and pcapng (our
 * reader). A writer process feeds the pipe in small pieces, so reads come back short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "helper_capfile.h"
#include "synfin/source.h"

static const uint8_t pkt[64] = {0x45};

/* Puts a pipe on fd 0 fed by a child writing c in chunks of `chunk` bytes; returns the
 * child's pid and the saved fd 0 in *saved. */
static pid_t feed_stdin(const struct capfile *c, size_t chunk, int *saved)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < c->len; off += chunk) {
			size_t n = c->len - off < chunk ? c->len - off : chunk;
			if (write(fds[1], c->data + off, n) != (ssize_t)n)
				_exit(1);
			usleep(100);
		}
		_exit(0);
	}
	close(fds[1]);
	*saved = dup(STDIN_FILENO);
	assert_true(*saved >= 0);
	assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	return pid;
}

static void restore_stdin(pid_t pid, int saved)
{
	int status;
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static unsigned read_stdin(enum sf_file_format fmt, int linktype)
{
	char err[SF_ERRBUF];
	struct sf_source *s = sf_source_open_file("-", 0, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(sf_source_name(s), "-");
	assert_int_equal(sf_source_format(s), fmt);
	assert_int_equal(sf_source_linktype(s), linktype);
	struct sf_frame f;
	unsigned n = 0;
	enum sf_source_status rc;
	while ((rc = sf_source_next(s, &f, err, sizeof(err))) == SF_SRC_FRAME) {
		n++;
		assert_int_equal(f.file_frame, n);
		assert_int_equal(f.caplen, 64);
		assert_int_equal(f.data[0], 0x45);
		assert_int_equal(f.ts_sec, n);
	}
	assert_int_equal(rc, SF_SRC_END);
	sf_source_close(s);
	return n;
}

static void test_stdin_pcap(void **state)
{
	struct capfile c = {0};
	capfile_pcap_header(&c, true, true, 2, 4, 65535, 101);
	for (uint32_t i = 1; i <= 50; i++)
		capfile_pcap_record(&c, true, i, 0, 64, 64, pkt);
	int saved;
	pid_t pid = feed_stdin(&c, 7, &saved);
	assert_int_equal(read_stdin(SF_FMT_PCAP, 101), 50);
	restore_stdin(pid, saved);
	capfile_free(&c);
}

static void test_stdin_pcapng(void **state)
{
	struct capfile c = {0};
	capfile_ng_shb(&c, false, 1, 0);
	capfile_ng_idb(&c, false, 113, 0, 9, 0);
	for (uint64_t i = 1; i <= 50; i++)
		capfile_ng_epb(&c, false, 0, i * 1000000000u, 64, 64, pkt);
	int saved;
	pid_t pid = feed_stdin(&c, 13, &saved);
	assert_int_equal(read_stdin(SF_FMT_PCAPNG, 113), 50);
	restore_stdin(pid, saved);
	capfile_free(&c);
}

static void test_stdin_not_a_capture(void **state)
{
	struct capfile c = {0};
	capfile_bytes(&c, "hello world\n", 12);
	int saved;
	pid_t pid = feed_stdin(&c, 3, &saved);
	char err[SF_ERRBUF];
	assert_null(sf_source_open_file("-", 0, err, sizeof(err)));
	assert_string_equal(err, "-: not a pcap or pcapng file (magic 0x68656c6c)");
	restore_stdin(pid, saved);
	capfile_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stdin_pcap),
	    cmocka_unit_test(test_stdin_pcapng),
	    cmocka_unit_test(test_stdin_not_a_capture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
