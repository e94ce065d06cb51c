/* synfin — display filters: Wireshark's display-filter language over synfin's fields.
 *
 *   expression ─► lexer ─► parser ─► syntax tree ─► semantic check ─► flat code ─► evaluator
 *
 * Compiling does all the work that can be done once: field lookup, type checks, literal parsing
 * (addresses, CIDR, MACs, times), regex compilation. Matching a packet walks the flat code with
 * one accumulator and allocates nothing.
 *
 * Semantics follow wireshark-filter(4) of Wireshark 4.0, including multi-valued fields:
 *   a == b   any value of a equals b          a != b   a present and all values differ
 *   a ~= b   any value differs (also !==)     a === b  a present and all values equal
 *   a in {…} any value in the set             a not in {…}  is !(a in {…})
 *   <, >, <=, >=, contains, matches: any value; a bare field or protocol tests presence.
 * Precedence, loosest first: or (||), and (&&), not (!), comparisons, & (bitwise and).
 */
#ifndef SYNFIN_FILTER_H
#define SYNFIN_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "synfin/fields.h"
#include "synfin/pipeline.h"

struct sf_filter;

/* Compiles expr. On error returns NULL and writes three lines into err: the expression, a
 * caret line marking the offending spot (^~~~ under the token), and a plain message, e.g.
 *
 *   tcp.flgs == 1
 *   ^~~~~~~~
 *   "tcp.flgs" is neither a field nor a protocol name; did you mean tcp.flags?
 */
struct sf_filter *sf_filter_compile(const char *expr, char *err, size_t errlen);

/* True when the packet matches. c may be NULL (frame.time_relative/delta are then 0).
 * A view with pkt == NULL and conn set matches a finished connection by its record alone:
 * only connection fields (conn.*, tcp.stream, tcp.completeness) have values then. */
bool sf_filter_match(const struct sf_filter *f, const struct sf_pkt_view *v,
                     const struct sf_eval_ctx *c);

/* True when the filter reads a field that needs connection tracking (SF_FF_TRACK). */
bool sf_filter_needs_track(const struct sf_filter *f);
/* True when the filter reads a field that needs sequence analysis (SF_FF_ANA); such a filter
 * needs tracking too. */
bool sf_filter_needs_analysis(const struct sf_filter *f);

/* The expression the filter was compiled from. */
const char *sf_filter_text(const struct sf_filter *f);

/* Prints the compiled code, one instruction a line (for --filter-dump). */
void sf_filter_dump(const struct sf_filter *f, FILE *out);
/* Same into a buffer; returns the length snprintf would have written. */
size_t sf_filter_dump_buf(const struct sf_filter *f, char *buf, size_t len);

void sf_filter_free(struct sf_filter *f);

#endif
