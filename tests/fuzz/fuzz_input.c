/* synfin fuzz target — the whole input path: bytes → a memory file (memfd_create) →
 * sf_source_open_file("/proc/self/fd/N") → every frame (pcap through our record reader over a
 * mapping, pcapng through our block reader) → sf_decode. Any crash, leak, sanitizer report or
 * frame outside its bounds is a finding; errors are the expected outcome for most inputs.
 *
 * The same bytes are also read through a pipe (the buffered path of both readers, as for
 * standard input) when they fit in one: both readings must give the same frames and stop with
 * the same error at the same frame. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "synfin/decode.h"
#include "synfin/source.h"

#define PIPE_MAX (1u << 20) /* /proc/sys/fs/pipe-max-size by default */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libpcap's largest record per link type (max_snaplen_for_dlt), which the readers keep. */
static uint32_t max_caplen(int linktype)
{
	return linktype == 231   ? 128u << 20
	       : linktype == 279 ? 8u << 20
	       : linktype == 249 ? 1u << 20
	                         : 262144u;
}

/* A pipe holding all of data with its write end closed; -1 when it does not fit. */
static int pipe_with(const uint8_t *data, size_t size)
{
	int fds[2];
	if (size > PIPE_MAX || pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	if (size > 65536)
		(void)fcntl(fds[1], F_SETPIPE_SZ, (int)size);
	bool ok = size == 0 || write(fds[1], data, size) == (ssize_t)size;
	close(fds[1]);
	/* The reader blocks as a pipe's reader does: clear O_NONBLOCK on the read end. */
	if (!ok || fcntl(fds[0], F_SETFL, 0) < 0) {
		close(fds[0]);
		return -1;
	}
	return fds[0];
}

static struct sf_source *open_fd(int fd, char *path, size_t plen, char *err, size_t errlen)
{
	snprintf(path, plen, "/proc/self/fd/%d", fd);
	return sf_source_open_file(path, 0, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_input", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64], ppath[64], err[SF_ERRBUF], perr[SF_ERRBUF];
	struct sf_source *s = open_fd(fd, path, sizeof(path), err, sizeof(err));
	int pfd = pipe_with(data, size);
	struct sf_source *ps =
	    pfd >= 0 ? open_fd(pfd, ppath, sizeof(ppath), perr, sizeof(perr)) : NULL;
	if (pfd >= 0 && (s != NULL) != (ps != NULL))
		__builtin_trap(); /* a pipe must open exactly when the file does */
	if (s) {
		struct sf_frame f, pf;
		struct sf_packet pkt;
		struct sf_decode_opts opts = {.check_checksums = true};
		uint64_t n = 0;
		enum sf_source_status rc;
		while ((rc = sf_source_next(s, &f, err, sizeof(err))) == SF_SRC_FRAME) {
			/* Touch every captured byte: ASan proves the frame lies in the buffer. */
			uint8_t sum = 0;
			for (uint32_t i = 0; i < f.caplen; i++)
				sum ^= f.data[i];
			__asm__ volatile("" : : "r"(sum));
			if (f.caplen > max_caplen(f.linktype) || f.file_frame != ++n)
				__builtin_trap();
			if (ps &&
			    (sf_source_next(ps, &pf, perr, sizeof(perr)) != SF_SRC_FRAME ||
			     pf.caplen != f.caplen || pf.wirelen != f.wirelen ||
			     pf.ts_sec != f.ts_sec || pf.ts_nsec != f.ts_nsec ||
			     pf.linktype != f.linktype || memcmp(pf.data, f.data, f.caplen) != 0))
				__builtin_trap();
			sf_decode(&f, &opts, &pkt);
		}
		if (rc == SF_SRC_ERROR && (f.file_frame != n + 1 || !strstr(err, ": frame ")))
			__builtin_trap();
		if (ps) {
			enum sf_source_status prc = sf_source_next(ps, &pf, perr, sizeof(perr));
			if (prc != rc || (rc == SF_SRC_ERROR &&
			                  (pf.file_frame != f.file_frame ||
			                   strcmp(perr + strlen(ppath), err + strlen(path)))))
				__builtin_trap();
		}
		sf_source_close(s);
	}
	if (ps)
		sf_source_close(ps);
	if (pfd >= 0)
		close(pfd);
	close(fd);
	return 0;
}
