/* sf_hold — keeps the bench captures in memory while the bench runs: each file is mapped and
 * locked (mlock), so the page cache cannot give its pages back between two timed rows.
 *
 *   sf_hold FILE...     (runs until killed, or until its parent exits)
 *
 * It prints "ready" on standard output once every file is held or given up.
 *
 * Why: a machine whose memory manager pages out file pages idle for a while (DAMON's pageout
 * scheme on the bench's virtual machine, free page reporting to a host) reads part of a
 * capture from disk again when a row comes minutes after the last read of it, and that row's
 * time then measures the disk. Locking needs the privilege to lock that much memory (root, or
 * RLIMIT_MEMLOCK) and room for it: a file larger than half the available memory, or one the
 * kernel refuses to lock, is left alone with a message, and the bench goes on. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sf_hold FILE...\n");
		return 2;
	}
	/* the bench script's end (or its death) ends the hold */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	long page = sysconf(_SC_PAGESIZE), avail = sysconf(_SC_AVPHYS_PAGES);
	double room = avail > 0 && page > 0 ? (double)avail * (double)page / 2 : 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
			fprintf(stderr, "sf_hold: %s: cannot open, not held\n", argv[i]);
			continue;
		}
		if ((double)st.st_size > room) {
			fprintf(stderr,
			        "sf_hold: %s: %.0f MB, more than half the free memory: not held\n",
			        argv[i], (double)st.st_size / 1e6);
			close(fd);
			continue;
		}
		room -= (double)st.st_size;
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		int err = m == MAP_FAILED ? errno : 0;
		close(fd);
		if (!err && mlock(m, (size_t)st.st_size) < 0) {
			err = errno;
			munmap(m, (size_t)st.st_size);
		}
		if (err) {
			fprintf(stderr, "sf_hold: %s: cannot lock it in memory (%s): not held\n",
			        argv[i], strerror(err));
			continue;
		}
		fprintf(stderr, "sf_hold: %s: %.0f MB held in memory\n", argv[i],
		        (double)st.st_size / 1e6);
	}
	printf("ready\n"); /* every file held or given up: the bench may start */
	fflush(stdout);
	for (;;)
		pause();
}
