/* synfin tests — every capture in ../shared/captures (or $SYNFIN_CAPTURES): synfin reads as
 * many frames as Wireshark's capinfos counts. Files capinfos cannot read fully are listed
 * below with what synfin does instead and why. Skips when the captures or capinfos are absent
 * (a user's clone has no ../shared). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helper_capfile.h"
#include "synfin/source.h"

/* Damaged files: frames read before the break (-1: refused at open) and the error's reason. */
static const struct damaged {
	const char *file;
	int frames;
	const char *reason;
	const char *why;
} damaged[] = {
    {"libpcap/linktype-reserved-field-not-zero.pcap", -1,
     "link type field has reserved bits set (0x00300000)",
     "reserved bits of the link type must be 0; Wireshark refuses it too"},
    {"libpcap/pcapng-invalid-vers-1.pcapng", -1, "unsupported pcapng version 0.1",
     "section header version 0.1: tcpdump and Wireshark refuse it too"},
    {"libpcap/shb-option-too-long.pcapng", -1,
     "block trailing length 808464432 differs from its leading length 52",
     "an option runs past the section header, so its trailer is not where the length says "
     "(tcpdump: same reason; Wireshark names the option)"},
    {"suricata-verify/fuzz.pcap", 1,
     "invalid packet capture length 1409179648, bigger than snaplen of 65535",
     "record 2 has a garbage header; tcpdump also stops after frame 1, tshark shows a "
     "1-byte frame 2 made of the garbage before it stops"},
    {"suricata-verify/tls_DER-incomplete-header.pcap", 6,
     "invalid packet capture length 4325376, bigger than snaplen of 262144",
     "record 7 claims 4 MB; tcpdump and tshark stop after frame 6 as well"},
};

static const struct damaged *find_damaged(const char *rel)
{
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++)
		if (strcmp(damaged[i].file, rel) == 0)
			return &damaged[i];
	return NULL;
}

/* capinfos' frame count, or -1 when it cannot read the file to its end. */
static long capinfos_count(const char *path)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "capinfos -c -M -T -r '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char line[4200];
	long n = -1;
	if (fgets(line, sizeof(line), p)) {
		char *tab = strrchr(line, '\t');
		if (tab)
			n = strtol(tab + 1, NULL, 10);
	}
	if (pclose(p) != 0)
		n = -1;
	return n;
}

/* Our count; -1 when open fails. *err holds the error if reading broke. */
static long our_count(const char *path, char *err, size_t errlen, bool *broke)
{
	*broke = false;
	struct sf_source *s = sf_source_open_file(path, 0, err, errlen);
	if (!s) {
		*broke = true;
		return -1;
	}
	struct sf_frame f;
	long n = 0;
	enum sf_source_status rc;
	while ((rc = sf_source_next(s, &f, err, errlen)) == SF_SRC_FRAME) {
		assert_int_equal(f.file_frame, (uint64_t)n + 1);
		n++;
	}
	if (rc == SF_SRC_ERROR) {
		*broke = true;
		assert_int_equal(f.file_frame, (uint64_t)n + 1);
	}
	sf_source_close(s);
	return n;
}

static void check_file(const char *dir, const char *rel, unsigned *checked)
{
	char path[4096], err[SF_ERRBUF];
	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >= (int)sizeof(path))
		fail_msg("path too long: %s/%s", dir, rel);
	long want = capinfos_count(path);
	bool broke;
	long got = our_count(path, err, sizeof(err), &broke);
	const struct damaged *d = find_damaged(rel);
	if (d) {
		char exp[sizeof(path) + SF_ERRBUF];
		if (d->frames < 0)
			snprintf(exp, sizeof(exp), "%s: %s", path, d->reason);
		else
			snprintf(exp, sizeof(exp), "%s: frame %d: %s", path, d->frames + 1,
			         d->reason);
		if (!broke || got != (d->frames < 0 ? -1 : d->frames) || strcmp(err, exp) != 0)
			fail_msg("%s: expected '%s' after %d frames, got %ld frames, '%s'", rel,
			         exp, d->frames, got, broke ? err : "no error");
	} else if (want < 0) {
		fail_msg("%s: capinfos cannot read it and it is not in the damaged list "
		         "(synfin: %ld frames, %s)",
		         rel, got, broke ? err : "no error");
	} else if (broke || got != want) {
		fail_msg("%s: capinfos counts %ld frames, synfin %ld (%s)", rel, want, got,
		         broke ? err : "no error");
	}
	(*checked)++;
}

static void test_shared_captures_frame_counts(void **state)
{
	const char *dir = capfile_shared_dir();
	if (!dir) {
		print_message("SKIP: ../shared/captures not found (set SYNFIN_CAPTURES)\n");
		skip();
	}
	if (system("command -v capinfos >/dev/null 2>&1") != 0) {
		print_message("SKIP: capinfos (Wireshark) not installed\n");
		skip();
	}
	char index[4096];
	snprintf(index, sizeof(index), "%s/INDEX.tsv", dir);
	FILE *fp = fopen(index, "r");
	assert_non_null(fp);
	char line[8192];
	unsigned checked = 0;
	assert_non_null(fgets(line, sizeof(line), fp)); /* header row */
	while (fgets(line, sizeof(line), fp)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		check_file(dir, line, &checked);
	}
	fclose(fp);
	print_message("checked %u shared captures\n", checked);
	assert_true(checked >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shared_captures_frame_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
