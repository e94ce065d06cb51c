/* synfin fields — the sink that prints chosen fields per packet, as `tshark -T fields` does,
 * or as CSV or one JSON object per line. Formatting goes straight into the report's output
 * buffer (src/report/outbuf.h): no printf per field. */
#ifndef SYNFIN_CLI_FIELDS_SINK_H
#define SYNFIN_CLI_FIELDS_SINK_H

#include <stdbool.h>
#include <stdio.h>

#include "synfin/fields.h"
#include "synfin/pipeline.h"

enum fields_format { FIELDS_TEXT = 0, FIELDS_CSV, FIELDS_JSON };
enum fields_occurrence { OCC_ALL = 0, OCC_FIRST, OCC_LAST };

/* tshark's -E options (man tshark, 4.0), with its defaults. */
struct fields_opts {
	enum fields_format format;
	bool header;                       /* header=y: the field names first */
	char separator;                    /* separator=/t (default), /s or a character */
	char aggregator;                   /* aggregator=, (default), /s or a character */
	char quote;                        /* quote=d ("), s ('), n (none, the default) */
	enum fields_occurrence occurrence; /* occurrence=a (default), f, l */
	bool bom;                          /* bom=y: a UTF-8 byte order mark first */
	bool flush_each;                   /* write out after every packet */
};

void fields_opts_default(struct fields_opts *o, enum fields_format format);
/* Applies one "-E name=value"; -1 with a message in err when it is not one of tshark's. */
int fields_opts_set(struct fields_opts *o, const char *arg, char *err, size_t errlen);

struct fields_sink;
/* fields[0..n): the -e list; n == 0 with FIELDS_JSON means every registered field. NULL when
 * out of memory. */
struct fields_sink *fields_sink_new(FILE *out, const struct fields_opts *o,
                                    const struct sf_field *const *fields, unsigned n);
struct sf_sink fields_sink_sink(struct fields_sink *s);
/* Writes what is buffered and frees; returns 0 or the errno of the first failed write. */
int fields_sink_close(struct fields_sink *s);

#endif
