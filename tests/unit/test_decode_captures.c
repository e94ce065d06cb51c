/* synfin — decode every frame of every shared capture (../shared/captures, or the folder in
 * $SYNFIN_CAPTURES) and check the invariants of tests/unit/decode_invariants.h. Run under the
 * sanitizer build this proves no read leaves the captured bytes on real, often hostile, input
 * (many files are fuzzer reproducers from tcpdump, Zeek and Suricata). Skips when absent. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "decode_invariants.h"
#include "helper_capfile.h"

struct totals {
	unsigned files, refused;
	unsigned long frames, tcp, ip;
};

/* nftw gives no user pointer: the walk's totals live here for its duration only. */
static struct totals *walk_totals;

static void decode_file(const char *path, struct totals *t)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	if (!pc) {
		t->refused++;
		return;
	}
	t->files++;
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		/* an exact-size copy, so that the sanitizer sees reads past caplen */
		n++;
		uint8_t *copy = malloc(h->caplen ? h->caplen : 1);
		assert_non_null(copy);
		memcpy(copy, data, h->caplen);
		struct sf_frame f = {.data = copy,
		                     .caplen = h->caplen,
		                     .wirelen = h->len,
		                     .linktype = pcap_datalink(pc),
		                     .file_frame = n,
		                     .number = n};
		struct sf_packet p;
		for (int check = 0; check < 2; check++) {
			struct sf_decode_opts o = {.check_checksums = check};
			sf_decode(&f, &o, &p);
			const char *bad = decode_invariant_violation(&f, &p, check);
			if (bad)
				fail_msg("%s frame %lu: %s", path, n, bad);
		}
		t->frames++;
		t->tcp += p.has_tcp;
		t->ip += p.ip_version != 0;
		free(copy);
	}
	pcap_close(pc);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_F && !strstr(path, ".tsv") && !strstr(path, ".md"))
		decode_file(path, walk_totals);
	return 0;
}

static void test_all_shared_captures(void **state)
{
	(void)state;
	const char *dir = capfile_shared_dir();
	if (!dir) {
		print_message("SKIP: no shared captures (set SYNFIN_CAPTURES)\n");
		skip();
	}
	struct totals t = {0};
	walk_totals = &t;
	assert_int_equal(nftw(dir, visit, 16, FTW_PHYS), 0);
	walk_totals = NULL;
	print_message("decoded %lu frames (%lu IP, %lu TCP) from %u files; libpcap refused %u\n",
	              t.frames, t.ip, t.tcp, t.files, t.refused);
	assert_true(t.files > 0);
	assert_true(t.tcp > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_shared_captures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
