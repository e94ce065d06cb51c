/* synfin lab — the kernel's own view of its sockets, to cross-check what the capture shows.
 *
 * /proc/net/tcp lists one socket per line (net/ipv4/tcp_ipv4.c, get_timewait4_sock()):
 *
 *   sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt ...
 *    3: 0100007F:A1B2 0100007F:1F90 06 00000000:00000000 03:00001770 00000000 ...
 *
 * Addresses and ports are hex (the address in host order of the kernel, ports big-endian as
 * printed numbers), st 06 is TCP_TIME_WAIT, tr 3 the TIME-WAIT timer, and tm->when the clock
 * ticks (USER_HZ) left on it. Linux keeps TIME-WAIT for TCP_TIMEWAIT_LEN = 60 s (2×MSL).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synfin/lab.h"

#define TCP_STATE_TIME_WAIT 0x06

/* Reads one number of a table line at *p (after blanks) and the separator sep right after it
 * ('\0': none). strtoul rather than sscanf's %x: a field that overflows is an error, not
 * undefined behaviour. -1 when the text there is not such a number. */
static int next_num(const char **p, int base, char sep, unsigned long max, unsigned long *out)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isxdigit((unsigned char)*s))
		return -1; /* strtoul would also take a sign or more blanks */
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (errno == ERANGE || v > max)
		return -1;
	if (sep) {
		if (*end != sep)
			return -1;
		end++;
	}
	*p = end;
	*out = v;
	return 0;
}

/* Parses one table line; 0 when it holds a socket (the header line does not). */
static int parse_line(const char *line, unsigned *lport, unsigned *rport, unsigned *st,
                      unsigned *tr, unsigned long *when)
{
	unsigned long slot, laddr, lp, raddr, rp, state, txq, rxq, timer;
	const char *p = line;
	if (next_num(&p, 10, ':', ULONG_MAX, &slot) < 0 ||
	    next_num(&p, 16, ':', UINT32_MAX, &laddr) < 0 ||
	    next_num(&p, 16, '\0', UINT16_MAX, &lp) < 0 ||
	    next_num(&p, 16, ':', UINT32_MAX, &raddr) < 0 ||
	    next_num(&p, 16, '\0', UINT16_MAX, &rp) < 0 ||
	    next_num(&p, 16, '\0', UINT8_MAX, &state) < 0 ||
	    next_num(&p, 16, ':', UINT32_MAX, &txq) < 0 ||
	    next_num(&p, 16, '\0', UINT32_MAX, &rxq) < 0 ||
	    next_num(&p, 16, ':', UINT8_MAX, &timer) < 0 ||
	    next_num(&p, 16, '\0', ULONG_MAX, when) < 0)
		return -1;
	*lport = (unsigned)lp;
	*rport = (unsigned)rp;
	*st = (unsigned)state;
	*tr = (unsigned)timer;
	return 0;
}

int sf_lab_parse_time_wait(const char *table, uint16_t lport, uint16_t rport,
                           unsigned *remaining_ms)
{
	long ticks_per_s = sysconf(_SC_CLK_TCK);
	if (ticks_per_s <= 0)
		ticks_per_s = 100;
	int count = 0;
	const char *line = table;
	while (line && *line) {
		unsigned lp, rp, st, tr;
		unsigned long when;
		if (parse_line(line, &lp, &rp, &st, &tr, &when) == 0 && st == TCP_STATE_TIME_WAIT &&
		    lp == lport && rp == rport) {
			count++;
			if (remaining_ms)
				*remaining_ms =
				    (unsigned)(when * 1000ul / (unsigned long)ticks_per_s);
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return count;
}

int sf_lab_kernel_time_wait(uint16_t lport, uint16_t rport, unsigned *remaining_ms)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	if (!f)
		return -1;
	/* The table is read whole: it is small in a lab namespace, and capped here anyway. */
	size_t cap = 1 << 20, used = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		fclose(f);
		return -1;
	}
	size_t n;
	while (used < cap && (n = fread(buf + used, 1, cap - used, f)) > 0)
		used += n;
	buf[used] = '\0';
	fclose(f);
	int count = sf_lab_parse_time_wait(buf, lport, rport, remaining_ms);
	free(buf);
	return count;
}

void sf_lab_note(struct sf_lab_result *res, const char *fmt, ...)
{
	if (res->n_notes >= SF_LAB_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->notes[res->n_notes++], SF_LAB_NOTE_LEN, fmt, ap);
	va_end(ap);
}
