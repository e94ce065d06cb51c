/* synfin — the tracking options every command shares: --max-conns, --msl, --timeout.
 *
 * Times are seconds of capture time (decimals allowed: 0.5), as conntrack's sysctls and Zeek's
 * tcp_*_timeout options give them; they become the tracker's nanoseconds here. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Class names of --timeout, in enum sf_track_timeout order. */
static const char *const timeout_names[SF_TO__COUNT] = {
    [SF_TO_SYN_SENT] = "syn-sent",       [SF_TO_SYN_RECEIVED] = "syn-received",
    [SF_TO_ESTABLISHED] = "established", [SF_TO_CLOSING] = "closing",
    [SF_TO_CLOSED] = "closed",           [SF_TO_MIDSTREAM] = "midstream",
};

bool cli_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!s[0] || *end || errno || v == 0 || v > max || strspn(s, "0123456789") != strlen(s))
		return false;
	*out = v;
	return true;
}

/* Seconds (≥ 0, at most ten years) as nanoseconds; -1 when s is not such a number. */
static int64_t parse_seconds(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 315576000.0)
		return -1;
	return (int64_t)(v * 1e9 + 0.5);
}

static int set_timeout(struct sf_track_cfg *cfg, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (eq) {
		for (int i = 0; i < SF_TO__COUNT; i++) {
			size_t n = strlen(timeout_names[i]);
			if ((size_t)(eq - arg) != n || strncmp(arg, timeout_names[i], n) != 0)
				continue;
			int64_t ns = parse_seconds(eq + 1);
			if (ns < 0)
				break;
			cfg->timeout_ns[i] = ns;
			return 0;
		}
	}
	cli_error("--timeout takes CLASS=SECONDS with CLASS one of syn-sent, syn-received, "
	          "established, closing, closed, midstream; not '%s'",
	          arg);
	return -1;
}

int cli_track_opt(struct sf_track_cfg *cfg, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_MAX_CONNS: {
		uint64_t n;
		if (!cli_count(arg, UINT32_MAX, &n)) {
			cli_error(
			    "--max-conns takes a number of connections from 1 to %u, not '%s'",
			    (unsigned)UINT32_MAX, arg);
			return -1;
		}
		cfg->max_conns = (uint32_t)n;
		return 0;
	}
	case CLI_OPT_MSL: {
		int64_t ns = parse_seconds(arg);
		if (ns < 0) {
			cli_error("--msl takes seconds (TIME-WAIT lasts twice that), not '%s'",
			          arg);
			return -1;
		}
		cfg->msl_ns = ns;
		return 0;
	}
	case CLI_OPT_TIMEOUT:
		return set_timeout(cfg, arg);
	case CLI_OPT_IGNORE_VLAN:
		cfg->ignore_vlan = true;
		return 0;
	default:
		return 1;
	}
}
