/* synfin fuzz target — the whole input path: bytes → a memory file (memfd_create) →
 * sf_source_open_file("/proc/self/fd/N") → every frame (pcap through libpcap, pcapng through
 * our block reader) → sf_decode. Any crash, leak, sanitizer report or frame outside its
 * bounds is a finding; errors are the expected outcome for most inputs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "synfin/decode.h"
#include "synfin/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_input", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64], err[SF_ERRBUF];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct sf_source *s = sf_source_open_file(path, 0, err, sizeof(err));
	if (s) {
		struct sf_frame f;
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
			if (f.caplen > 262144 || f.file_frame != ++n)
				__builtin_trap();
			sf_decode(&f, &opts, &pkt);
		}
		if (rc == SF_SRC_ERROR && (f.file_frame != n + 1 || !strstr(err, ": frame ")))
			__builtin_trap();
		sf_source_close(s);
	}
	close(fd);
	return 0;
}
