/* synfin fields FILE... -e FIELD... [-Y FILTER] [-E OPT=VAL]... [-T fields|csv|json]
 * synfin fields --list
 *
 * Field values per packet with tshark's -T fields meanings (man tshark, 4.0): one line per
 * shown packet, the -e fields in order, -E header/separator/occurrence/aggregator/quote/bom as
 * tshark reads them. -T csv is the same with "," and double quotes and a header line; -T json
 * writes one object per packet, of the -e fields or, without -e, of every registered field
 * the packet has. --list prints the registry: name, type, description.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/fields_sink.h"
#include "report/outbuf.h"
#include "synfin/fields.h"

enum { OPT_LIST = 300 };

struct fields_args {
	const struct sf_field **fields;
	unsigned n, cap;
	struct fields_opts o;
	const char *e_opts[64]; /* -E as given: applied once -T has set the defaults */
	unsigned n_e;
	enum fields_format format;
	bool list;
};

static int add_field(struct fields_args *a, const char *name)
{
	const struct sf_field *f = sf_field_by_name(name);
	if (!f) {
		const char *near = sf_field_suggest(name, strlen(name));
		if (near)
			cli_error("fields: -e %s: no such field; did you mean %s?", name, near);
		else
			cli_error("fields: -e %s: no such field (synfin fields --list shows them)",
			          name);
		return -1;
	}
	if (a->n == a->cap) {
		unsigned cap = a->cap ? a->cap * 2 : 16;
		const struct sf_field **n =
		    realloc(a->fields, cap * sizeof(const struct sf_field *));
		if (!n) {
			cli_error("out of memory");
			return -1;
		}
		a->fields = n;
		a->cap = cap;
	}
	a->fields[a->n++] = f;
	return 0;
}

static int fields_opt(void *state, int opt, const char *arg)
{
	struct fields_args *a = state;
	switch (opt) {
	case 'e':
		return add_field(a, arg);
	case 'E':
		if (a->n_e == sizeof(a->e_opts) / sizeof(a->e_opts[0])) {
			cli_error("fields: too many -E options");
			return -1;
		}
		a->e_opts[a->n_e++] = arg;
		return 0;
	case 'T':
		if (!strcmp(arg, "fields") || !strcmp(arg, "text"))
			a->format = FIELDS_TEXT;
		else if (!strcmp(arg, "csv"))
			a->format = FIELDS_CSV;
		else if (!strcmp(arg, "json"))
			a->format = FIELDS_JSON;
		else {
			cli_error("fields: -T takes fields, csv or json, not '%s'", arg);
			return -1;
		}
		return 0;
	case OPT_LIST:
		a->list = true;
		return 0;
	default:
		return -1;
	}
}

/* The registry as a table: name, type, description; widths from the longest entries. */
static int list_fields(void)
{
	struct sf_outbuf ob;
	size_t wn = 0, wt = 0;
	if (ob_init(&ob, stdout, 1 << 16) < 0)
		return CLI_EXIT_INPUT;
	for (unsigned i = 0; i < sf_field_count(); i++) {
		const struct sf_field *f = sf_field_at(i);
		size_t n = strlen(f->name), t = strlen(sf_ftype_name(f->type));
		wn = n > wn ? n : wn;
		wt = t > wt ? t : wt;
	}
	ob_puts(&ob, "NAME");
	ob_put_spaces(&ob, (unsigned)(wn + 2 - 4));
	ob_puts(&ob, "TYPE");
	ob_put_spaces(&ob, (unsigned)(wt + 2 - 4));
	ob_puts(&ob, "DESCRIPTION\n");
	for (unsigned i = 0; i < sf_field_count(); i++) {
		const struct sf_field *f = sf_field_at(i);
		const char *t = sf_ftype_name(f->type);
		ob_puts(&ob, f->name);
		ob_put_spaces(&ob, (unsigned)(wn + 2 - strlen(f->name)));
		ob_puts(&ob, t);
		ob_put_spaces(&ob, (unsigned)(wt + 2 - strlen(t)));
		ob_puts(&ob, f->desc);
		ob_putc(&ob, '\n');
	}
	ob_flush(&ob);
	int err = ob.error;
	ob_free(&ob);
	return err || fflush(stdout) != 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
}

static bool wants_list(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--list"))
			return true;
	return false;
}

/* The fields need tracking when any of them reads it (JSON of everything: always). */
static bool needs_track(const struct fields_args *a)
{
	if (a->n == 0)
		return true;
	for (unsigned i = 0; i < a->n; i++)
		if (a->fields[i]->flags & SF_FF_TRACK)
			return true;
	return false;
}

static int run_fields(const struct cli_command *cmd, struct fields_args *a,
                      struct cli_common *common)
{
	char err[256];
	(void)cmd;
	fields_opts_default(&a->o, a->format);
	for (unsigned i = 0; i < a->n_e; i++) {
		if (fields_opts_set(&a->o, a->e_opts[i], err, sizeof(err)) < 0) {
			cli_error("fields: %s", err);
			return CLI_EXIT_USAGE;
		}
	}
	if (a->n == 0 && a->format != FIELDS_JSON) {
		cli_error("fields: name at least one field with -e (or use -T json for all)");
		fprintf(stderr, "Try 'synfin fields --help'.\n");
		return CLI_EXIT_USAGE;
	}
	a->o.flush_each = isatty(STDOUT_FILENO) == 1;
	common->track = common->track || needs_track(a);
	struct fields_sink *s = fields_sink_new(stdout, &a->o, a->fields, a->n);
	if (!s) {
		cli_error("out of memory");
		return CLI_EXIT_INPUT;
	}
	struct sf_sink sink = fields_sink_sink(s);
	int status = cli_run(common, &sink, 1);
	return cli_output_status(status, fields_sink_close(s));
}

int cmd_fields(const struct cli_command *cmd, int argc, char **argv)
{
	static const struct option longs[] = {{"list", no_argument, NULL, OPT_LIST},
	                                      {NULL, 0, NULL, 0}};
	struct fields_args a = {0};
	struct cli_cmd_opts own = {
	    .short_opts = "e:E:T:",
	    .long_opts = longs,
	    .help =
	        "  -e FIELD             a field to print (repeat; order kept); see --list\n"
	        "  -E OPT=VALUE         as tshark: header=y|n, separator=/t|/s|C,\n"
	        "                       occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n,\n"
	        "                       bom=y|n (defaults: tab, all occurrences, ',', no quotes)\n"
	        "  -T fields|csv|json   tshark's -T fields (default); CSV with a header; one\n"
	        "                       JSON object per packet (all fields when no -e)\n"
	        "  --list               the fields synfin knows: name, type, description\n",
	    .handle = fields_opt,
	    .state = &a,
	};
	if (wants_list(argc, argv))
		return list_fields();
	struct cli_common common;
	int rc = cli_parse(cmd, &own, argc, argv, &common);
	if (rc < 0)
		rc = run_fields(cmd, &a, &common);
	free(a.fields);
	return rc;
}
