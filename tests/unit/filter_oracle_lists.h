/* synfin — the explained differences of the display-filter oracle (test_filter_oracle.c).
 *
 * A frame where synfin's filter and `tshark -Y` disagree is explained when a row of one of
 * these lists covers it (all under tests/oracle/):
 *   filter_exceptions.tsv  this oracle's own rows: capture, field, frames, reason;
 *   fields_exceptions.tsv  the field oracle's (capture, field) rows, every frame of the capture:
 *                          a field whose values differ there makes filters on it differ too;
 *   analysis_expected.tsv  the analysis oracle's (capture, frame) rows, for expressions over
 *                          analysis fields (tcp.analysis.*, tcp.window_size, scalefactor);
 *   exceptions.tsv         the decode oracle's captures (every field, every frame): link types
 *                          synfin does not decode (left out before comparing) and captures
 *                          whose frames the two decode differently by design.
 * A row's field matches an expression that names it (a trailing '*' matches any field it
 * begins; a protocol name such as "udp" matches the bare presence test, not udp.port); its
 * capture and frames may be "*". Frames are "16,17" or "3-9,12".
 *
 * Header-only and included by test_filter_oracle.c alone (static functions; the unit-test
 * build links helper_*.c into every test, this is not one of those).
 */
#ifndef SYNFIN_TEST_FILTER_ORACLE_LISTS_H
#define SYNFIN_TEST_FILTER_ORACLE_LISTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum excuse_src { SRC_FILTER, SRC_FIELDS, SRC_ANALYSIS, SRC_DECODE };

struct excuse {
	char capture[160];
	char field[64];
	char frames[256]; /* "*" or a list of numbers and ranges */
	char why[320];
	enum excuse_src src;
	unsigned used; /* frames it explained in this run */
};

#define MAX_EXCUSES 2048
struct excuses {
	struct excuse row[MAX_EXCUSES];
	size_t n;
};

static const char *const excuse_file[] = {"filter_exceptions.tsv", "fields_exceptions.tsv",
                                          "analysis_expected.tsv", "exceptions.tsv"};

/* Splits a TSV line in place into up to max columns; returns how many. */
static int split_tsv(char *line, char **col, int max)
{
	int k = 1;
	col[0] = line;
	for (char *p = line; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			*p = '\0';
			break;
		}
		if (*p == '\t' && k < max) {
			*p = '\0';
			col[k++] = p + 1;
		}
	}
	return k;
}

/* Reads one list; returns the rows added, -1 when the file is missing. */
static int excuses_load(struct excuses *x, const char *dir, enum excuse_src src)
{
	char path[4096], line[2048];
	if (snprintf(path, sizeof(path), "%s/%s", dir, excuse_file[src]) >= (int)sizeof(path))
		return -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int added = 0;
	while (fgets(line, sizeof(line), f) && x->n < MAX_EXCUSES) {
		char *c[5];
		int k = split_tsv(line, c, 5);
		if (line[0] == '#' || line[0] == '\0' || k < (src == SRC_DECODE ? 2 : 3))
			continue;
		struct excuse *e = &x->row[x->n];
		memset(e, 0, sizeof(*e));
		e->src = src;
		snprintf(e->capture, sizeof(e->capture), "%s", c[0]);
		if (src == SRC_FILTER) { /* capture, field, frames, reason */
			if (k < 4)
				continue;
			snprintf(e->field, sizeof(e->field), "%s", c[1]);
			snprintf(e->frames, sizeof(e->frames), "%s", c[2]);
			snprintf(e->why, sizeof(e->why), "%s", c[3]);
		} else if (src == SRC_FIELDS) { /* capture, field, reason */
			snprintf(e->field, sizeof(e->field), "%s", c[1]);
			snprintf(e->frames, sizeof(e->frames), "*");
			snprintf(e->why, sizeof(e->why), "fields_exceptions.tsv: %s", c[2]);
		} else if (src == SRC_DECODE) { /* capture, reason: the whole capture */
			snprintf(e->field, sizeof(e->field), "*");
			snprintf(e->frames, sizeof(e->frames), "*");
			snprintf(e->why, sizeof(e->why), "exceptions.tsv: %s", c[1]);
		} else { /* capture, frame, synfin's flags, tshark's flags, reason */
			if (strtoull(c[1], NULL, 10) == 0)
				continue;
			snprintf(e->field, sizeof(e->field), "(analysis)");
			snprintf(e->frames, sizeof(e->frames), "%s", c[1]);
			snprintf(e->why, sizeof(e->why), "analysis_expected.tsv: %s",
			         k >= 5 ? c[4] : "listed");
		}
		x->n++;
		added++;
	}
	fclose(f);
	return added;
}

/* True when expr reads the analysis (tcp.analysis.*, tcp.window_size[_scalefactor], not the
 * raw tcp.window_size_value). */
static bool reads_analysis(const char *expr)
{
	if (strstr(expr, "tcp.analysis"))
		return true;
	for (const char *w = strstr(expr, "tcp.window_size"); w;
	     w = strstr(w + 1, "tcp.window_size"))
		if (strncmp(w, "tcp.window_size_value", 21) != 0)
			return true;
	return false;
}

static bool ident_char(char c)
{
	return c == '.' || c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* True when expr names field ("tcp.analysis*": any field it begins; "*": any expression;
 * "(analysis)": any analysis field). */
static bool names_field(const char *expr, const char *field)
{
	size_t fl = strlen(field);
	if (!strcmp(field, "*"))
		return true;
	if (!strcmp(field, "(analysis)"))
		return reads_analysis(expr);
	bool prefix = fl && field[fl - 1] == '*';
	if (prefix)
		fl--;
	for (const char *p = expr; *p; p++) {
		if (strncmp(p, field, fl) != 0 || (p > expr && ident_char(p[-1])))
			continue;
		if (prefix || !ident_char(p[fl]))
			return true;
	}
	return false;
}

static bool frame_in(const char *spec, uint64_t frame)
{
	if (!strcmp(spec, "*"))
		return true;
	const char *p = spec;
	while (*p) {
		char *end;
		uint64_t lo = strtoull(p, &end, 10), hi = lo;
		if (end == p)
			return false;
		if (*end == '-')
			hi = strtoull(end + 1, &end, 10);
		if (frame >= lo && frame <= hi)
			return true;
		p = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return false;
}

/* The row explaining a differing frame, or NULL. */
static struct excuse *excuse_for(struct excuses *x, const char *capture, const char *expr,
                                 uint64_t frame)
{
	for (size_t i = 0; i < x->n; i++) {
		struct excuse *e = &x->row[i];
		if ((!strcmp(e->capture, "*") || !strcmp(e->capture, capture)) &&
		    names_field(expr, e->field) && frame_in(e->frames, frame))
			return e;
	}
	return NULL;
}

#endif
