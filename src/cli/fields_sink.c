/* synfin fields — per-packet field output (see fields_sink.h).
 *
 * Text follows tshark 4.0's -T fields exactly (epan/print.c): fields joined by the separator,
 * the values of one field joined by the aggregator, the quote around a field only when it has
 * a value, the header unquoted; values as sf_fval_format documents (decimal or 0x-padded hex,
 * booleans 1/0, 9-decimal times, "1" for a flag without value). CSV is the same text with ","
 * and double quotes, a quote inside a value doubled (RFC 4180). JSON is one object a line: a
 * key per field present, numbers as numbers, booleans and flags as true/false, addresses and
 * strings as strings, and an array for a field that can hold several values (SF_FF_MULTI).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fields_sink.h"
#include "report/outbuf.h"

struct fields_sink {
	struct sf_outbuf ob;
	struct fields_opts o;
	const struct sf_field **fields;
	unsigned n;
	bool all; /* JSON of every registered field */
	bool started;
};

void fields_opts_default(struct fields_opts *o, enum fields_format format)
{
	memset(o, 0, sizeof(*o));
	o->format = format;
	o->separator = '\t';
	o->aggregator = ',';
	if (format == FIELDS_CSV) {
		o->separator = ',';
		o->quote = '"';
		o->header = true;
	}
}

static int yes_no(const char *v, bool *out)
{
	if (!strcmp(v, "y") || !strcmp(v, "Y")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "n") || !strcmp(v, "N")) {
		*out = false;
		return 0;
	}
	return -1;
}

/* "/t" tab, "/s" space, else the first character (tshark uses only that one). */
static int one_char(const char *v, char *out)
{
	if (!v[0])
		return -1;
	*out = !strcmp(v, "/t") ? '\t' : !strcmp(v, "/s") ? ' ' : v[0];
	return 0;
}

int fields_opts_set(struct fields_opts *o, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	int rc = -1;
	if (!eq) {
		snprintf(err, errlen, "-E takes NAME=VALUE, not '%s'", arg);
		return -1;
	}
	size_t n = (size_t)(eq - arg);
	const char *v = eq + 1;
	if (n == 6 && !strncmp(arg, "header", n)) {
		rc = yes_no(v, &o->header);
	} else if (n == 3 && !strncmp(arg, "bom", n)) {
		rc = yes_no(v, &o->bom);
	} else if (n == 9 && !strncmp(arg, "separator", n)) {
		rc = one_char(v, &o->separator);
	} else if (n == 10 && !strncmp(arg, "aggregator", n)) {
		rc = one_char(v, &o->aggregator);
	} else if (n == 5 && !strncmp(arg, "quote", n)) {
		rc = 0;
		if (!strcmp(v, "d"))
			o->quote = '"';
		else if (!strcmp(v, "s"))
			o->quote = '\'';
		else if (!strcmp(v, "n"))
			o->quote = 0;
		else
			rc = -1;
	} else if (n == 10 && !strncmp(arg, "occurrence", n)) {
		rc = 0;
		if (!strcmp(v, "a"))
			o->occurrence = OCC_ALL;
		else if (!strcmp(v, "f"))
			o->occurrence = OCC_FIRST;
		else if (!strcmp(v, "l"))
			o->occurrence = OCC_LAST;
		else
			rc = -1;
	} else {
		snprintf(
		    err, errlen,
		    "-E %.*s: unknown; tshark's are header, separator, occurrence, aggregator, "
		    "quote and bom",
		    (int)n, arg);
		return -1;
	}
	if (rc < 0)
		snprintf(err, errlen, "-E %.*s: bad value '%s'", (int)n, arg, v);
	return rc;
}

/* --- values ---------------------------------------------------------------------------- */

static void put_hex_bytes(struct sf_outbuf *ob, const char *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		ob_put_hex(ob, (uint8_t)p[i], 2);
}

/* One value as text (tshark -T fields). Strings are written as they are. */
static void put_text(struct sf_outbuf *ob, const struct sf_field *f, const struct sf_fval *v)
{
	struct sf_addr a;
	switch (f->type) {
	case SF_FT_BOOL:
		ob_putc(ob, v->v.u ? '1' : '0');
		return;
	case SF_FT_UINT:
		if (f->base == SF_BASE_HEX)
			ob_put_0x(ob, v->v.u, f->bits / 4u);
		else
			ob_put_u64(ob, v->v.u);
		return;
	case SF_FT_INT:
		ob_put_i64(ob, v->v.i);
		return;
	case SF_FT_TIME:
		ob_put_nsec(ob, v->v.i, 9);
		return;
	case SF_FT_IPV4:
	case SF_FT_IPV6:
		a.family = f->type == SF_FT_IPV4 ? 4 : 6;
		memcpy(a.a, v->v.addr, sizeof(a.a));
		ob_put_addr(ob, &a, false);
		return;
	case SF_FT_ETHER:
		ob_put_mac(ob, v->v.addr);
		return;
	case SF_FT_STRING:
		ob_put_mem(ob, v->v.str.p, v->v.str.len);
		return;
	case SF_FT_PROTOCOL:
		put_hex_bytes(ob, v->v.str.p, v->v.str.len);
		return;
	case SF_FT_NONE:
		ob_putc(ob, '1');
		return;
	}
}

/* A string value with quote characters doubled (CSV). */
static void put_doubled(struct sf_outbuf *ob, const char *p, uint32_t n, char quote)
{
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] == quote)
			ob_putc(ob, quote);
		ob_putc(ob, p[i]);
	}
}

static void put_json_str(struct sf_outbuf *ob, const char *p, size_t n)
{
	ob_putc(ob, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			ob_putc(ob, '\\');
			ob_putc(ob, (char)c);
		} else if (c < 0x20) {
			ob_puts(ob, "\\u00");
			ob_put_hex(ob, c, 2);
		} else {
			ob_putc(ob, (char)c);
		}
	}
	ob_putc(ob, '"');
}

static void put_json_val(struct sf_outbuf *ob, const struct sf_field *f, const struct sf_fval *v)
{
	switch (f->type) {
	case SF_FT_BOOL:
		ob_puts(ob, v->v.u ? "true" : "false");
		return;
	case SF_FT_UINT:
		ob_put_u64(ob, v->v.u);
		return;
	case SF_FT_INT:
	case SF_FT_TIME:
		put_text(ob, f, v);
		return;
	case SF_FT_STRING:
		put_json_str(ob, v->v.str.p, v->v.str.len);
		return;
	case SF_FT_PROTOCOL:
	case SF_FT_NONE:
		ob_puts(ob, "true");
		return;
	default: /* addresses */
		ob_putc(ob, '"');
		put_text(ob, f, v);
		ob_putc(ob, '"');
		return;
	}
}

/* --- rows ------------------------------------------------------------------------------ */

static unsigned values_of(const struct fields_sink *s, const struct sf_field *f,
                          const struct sf_pkt_view *v, struct sf_fval *vals, unsigned *first)
{
	unsigned n = sf_field_values(f, v, v->ectx, vals, SF_FIELD_MAX_VALUES);
	*first = 0;
	if (n > 1 && s->o.occurrence == OCC_FIRST)
		n = 1;
	else if (n > 1 && s->o.occurrence == OCC_LAST)
		*first = n - 1, n = 1;
	return n;
}

static void row_text(struct fields_sink *s, const struct sf_pkt_view *v)
{
	struct sf_outbuf *ob = &s->ob;
	struct sf_fval vals[SF_FIELD_MAX_VALUES];
	bool csv = s->o.format == FIELDS_CSV;
	for (unsigned i = 0; i < s->n; i++) {
		const struct sf_field *f = s->fields[i];
		unsigned first;
		unsigned n = values_of(s, f, v, vals, &first);
		if (i)
			ob_putc(ob, s->o.separator);
		if (n == 0)
			continue; /* tshark: no quotes around an absent field */
		if (s->o.quote)
			ob_putc(ob, s->o.quote);
		for (unsigned k = first; k < first + n; k++) {
			if (k > first)
				ob_putc(ob, s->o.aggregator);
			if (csv && s->o.quote && f->type == SF_FT_STRING)
				put_doubled(ob, vals[k].v.str.p, vals[k].v.str.len, s->o.quote);
			else
				put_text(ob, f, &vals[k]);
		}
		if (s->o.quote)
			ob_putc(ob, s->o.quote);
	}
	ob_putc(ob, '\n');
}

static void row_json(struct fields_sink *s, const struct sf_pkt_view *v)
{
	struct sf_outbuf *ob = &s->ob;
	struct sf_fval vals[SF_FIELD_MAX_VALUES];
	unsigned total = s->all ? sf_field_count() : s->n;
	bool any = false;
	ob_putc(ob, '{');
	for (unsigned i = 0; i < total; i++) {
		const struct sf_field *f = s->all ? sf_field_at(i) : s->fields[i];
		unsigned first;
		unsigned n = values_of(s, f, v, vals, &first);
		if (n == 0)
			continue;
		if (any)
			ob_putc(ob, ',');
		any = true;
		put_json_str(ob, f->name, strlen(f->name));
		ob_putc(ob, ':');
		bool array = (f->flags & SF_FF_MULTI) != 0;
		if (array)
			ob_putc(ob, '[');
		for (unsigned k = first; k < first + n; k++) {
			if (k > first)
				ob_putc(ob, ',');
			put_json_val(ob, f, &vals[k]);
		}
		if (array)
			ob_putc(ob, ']');
	}
	ob_puts(ob, "}\n");
}

static void header(struct fields_sink *s)
{
	if (s->o.bom)
		ob_puts(&s->ob, "\xef\xbb\xbf");
	if (!s->o.header || s->o.format == FIELDS_JSON)
		return;
	bool quoted = s->o.format == FIELDS_CSV && s->o.quote; /* tshark leaves names bare */
	for (unsigned i = 0; i < s->n; i++) {
		if (i)
			ob_putc(&s->ob, s->o.separator);
		if (quoted)
			ob_putc(&s->ob, s->o.quote);
		ob_puts(&s->ob, s->fields[i]->name);
		if (quoted)
			ob_putc(&s->ob, s->o.quote);
	}
	ob_putc(&s->ob, '\n');
}

static void on_packet(void *self, const struct sf_pkt_view *v)
{
	struct fields_sink *s = self;
	if (s->o.format == FIELDS_JSON)
		row_json(s, v);
	else
		row_text(s, v);
	if (s->o.flush_each)
		ob_flush(&s->ob);
}

static void on_end(void *self, const struct sf_run_stats *st)
{
	struct fields_sink *s = self;
	(void)st;
	ob_flush(&s->ob);
}

struct fields_sink *fields_sink_new(FILE *out, const struct fields_opts *o,
                                    const struct sf_field *const *fields, unsigned n)
{
	struct fields_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->o = *o;
	s->n = n;
	s->all = n == 0 && o->format == FIELDS_JSON;
	s->fields = calloc(n ? n : 1, sizeof(const struct sf_field *));
	if (!s->fields || ob_init(&s->ob, out, 1 << 16) < 0) {
		free(s->fields);
		free(s);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		s->fields[i] = fields[i];
	header(s);
	return s;
}

struct sf_sink fields_sink_sink(struct fields_sink *s)
{
	struct sf_sink k = {.self = s, .packet = on_packet, .end = on_end};
	return k;
}

int fields_sink_close(struct fields_sink *s)
{
	int err = ob_finish(&s->ob);
	ob_free(&s->ob);
	free(s->fields);
	free(s);
	return err;
}
