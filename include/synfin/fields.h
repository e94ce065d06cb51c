/* synfin — the field registry: every field a filter, `-e`, JSON or CSV can name, named once.
 *
 * Names, types and value meanings follow Wireshark's wherever Wireshark has the field
 * (`tshark -G fields`); synfin's own fields live under `event`, `tcp.state.*` and `conn.*`.
 * A field yields zero, one or several values for a packet: zero when absent (no TCP header, no
 * such option), several for the pair fields (ip.addr = source then destination, as Wireshark
 * adds them) and for repeated items (one vlan.id per tag, one event name per event).
 *
 * Values are produced into caller storage; nothing here allocates.
 */
#ifndef SYNFIN_FIELDS_H
#define SYNFIN_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/packet.h"
#include "synfin/pipeline.h"

enum sf_ftype {
	SF_FT_BOOL = 1, /* 0 or 1; any non-zero literal means 1, as in Wireshark */
	SF_FT_UINT,     /* unsigned integer of `bits` bits */
	SF_FT_INT,      /* signed integer */
	SF_FT_TIME,     /* seconds with nanoseconds, held as int64 nanoseconds */
	SF_FT_IPV4,
	SF_FT_IPV6,
	SF_FT_ETHER, /* 6-byte MAC address */
	SF_FT_STRING,
	SF_FT_PROTOCOL, /* presence only: a protocol or option that carries no value of its own */
	SF_FT_NONE      /* presence only, no bytes either (Wireshark FT_NONE: tcp.analysis.*);
	                   `-e` prints 1 when present, as tshark does */
};

/* How `-e` prints an unsigned value (tshark: BASE_DEC, or BASE_HEX zero-padded to the width). */
enum sf_fbase { SF_BASE_DEC = 0, SF_BASE_HEX = 1 };

/* Most values one field yields for one packet. */
#define SF_FIELD_MAX_VALUES 16

/* One value of a field. Strings are NUL-terminated; str.p points at static text or at buf. */
struct sf_fval {
	union {
		uint64_t u;       /* BOOL (0/1) and UINT */
		int64_t i;        /* INT, and TIME in nanoseconds */
		uint8_t addr[16]; /* IPV4 (first 4 bytes), IPV6, ETHER (first 6), network order */
		struct {
			const char *p;
			uint32_t len;
		} str; /* STRING; PROTOCOL: the item's bytes in the frame (may be empty) */
	} v;
	char buf[40]; /* storage for strings a getter composes (tcp.flags.str) */
};

/* What a field needs beyond the packet: the run's first and previous frame times (for
 * frame.time_relative and frame.time_delta). Call sf_eval_ctx_note_frame() once per frame,
 * before matching or printing it. */
struct sf_eval_ctx {
	bool have_first;
	int64_t first_sec;
	uint32_t first_nsec;
	bool have_prev;
	int64_t prev_sec; /* the frame before the current one */
	uint32_t prev_nsec;
	int64_t cur_sec; /* the current frame */
	uint32_t cur_nsec;
};

void sf_eval_ctx_init(struct sf_eval_ctx *c);
void sf_eval_ctx_note_frame(struct sf_eval_ctx *c, const struct sf_frame *f);

/* Yields the field's values for v into out[0..max), returns how many. arg is the row's arg. */
typedef unsigned (*sf_field_getter)(const struct sf_pkt_view *v, const struct sf_eval_ctx *c,
                                    uint32_t arg, struct sf_fval *out, unsigned max);

struct sf_field {
	const char *name;
	enum sf_ftype type;
	uint8_t bits;     /* UINT width (8, 16, 24, 32, 64); 0 for other types */
	uint8_t base;     /* enum sf_fbase, for UINT */
	const char *desc; /* one line, as `synfin fields --list` prints it */
	sf_field_getter get;
	uint32_t arg;  /* lets one getter serve several rows (flag masks, option kinds) */
	uint8_t flags; /* SF_FF_* */
};

/* Row flags. */
enum {
	SF_FF_MULTI = 1, /* may yield several values (ip.addr, tcp.port, vlan.id, event …) */
	SF_FF_TRACK = 2, /* reads connection tracking (v->conn, v->trk): needs the track step */
	SF_FF_CONN = 4,  /* reads only the connection record: has a value with v->pkt == NULL,
	                    which is how a finished connection is matched (see sf_filter_match) */
	SF_FF_ANA = 8    /* reads sequence analysis (v->ana): needs the analyse step, and so
	                    tracking (such rows carry SF_FF_TRACK as well) */
};

/* The registry, in table order. */
unsigned sf_field_count(void);
const struct sf_field *sf_field_at(unsigned i);
/* Field by exact name, NULL when none. */
const struct sf_field *sf_field_by_name(const char *name);
/* Field by name given as (pointer, length); NULL when none. */
const struct sf_field *sf_field_by_name_n(const char *name, size_t len);
/* Index of f in the registry. */
unsigned sf_field_index(const struct sf_field *f);
/* The registered name nearest to name by edit distance, or NULL when none is close. */
const char *sf_field_suggest(const char *name, size_t len);
/* "unsigned integer", "IPv4 address" … */
const char *sf_ftype_name(enum sf_ftype t);

/* The field's values for v (see sf_field_getter). c may be NULL (relative times are then 0).
 * With v->pkt == NULL only SF_FF_CONN fields yield values (from v->conn). */
unsigned sf_field_values(const struct sf_field *f, const struct sf_pkt_view *v,
                         const struct sf_eval_ctx *c, struct sf_fval *out, unsigned max);

/* One value as `tshark -T fields -e` prints it: decimal or 0x-padded hex, booleans 1/0,
 * addresses numeric, times with 9 decimals. Returns the length snprintf would write. */
int sf_fval_format(const struct sf_field *f, const struct sf_fval *val, char *buf, size_t len);

/* All values of the field for v, joined with sep (tshark's default aggregator is ","). Writes
 * "" when the field is absent. Returns the number of values. */
unsigned sf_field_format(const struct sf_field *f, const struct sf_pkt_view *v,
                         const struct sf_eval_ctx *c, const char *sep, char *buf, size_t len);

#endif
