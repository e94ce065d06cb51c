/* synfin — padding helpers of the connection views over the report output buffer.
 *
 * A padded item is written between vp_begin() and vp_end(): vp_begin reserves room so that no
 * flush happens inside the item (items are shorter than OB_MAX_PUT: an endpoint, a number, a
 * flag set), then vp_end pads the item to its column, on the left or on the right.
 */
#ifndef SYNFIN_REPORT_VIEW_PUT_H
#define SYNFIN_REPORT_VIEW_PUT_H

#include <stdbool.h>
#include <string.h>

#include "report/outbuf.h"

static inline size_t vp_begin(struct sf_outbuf *ob)
{
	ob_room(ob, (size_t)3 * OB_MAX_PUT);
	return ob->len;
}

/* Pads what was written since mark to width columns (ASCII items only). */
static inline void vp_end(struct sf_outbuf *ob, size_t mark, unsigned width, bool right)
{
	size_t n = ob->len - mark;
	if (width > OB_MAX_PUT)
		width = OB_MAX_PUT;
	if (n >= width)
		return;
	size_t pad = width - n;
	if (right) {
		memmove(ob->buf + mark + pad, ob->buf + mark, n);
		memset(ob->buf + mark, ' ', pad);
	} else {
		memset(ob->buf + ob->len, ' ', pad);
	}
	ob->len += pad;
}

/* A string left-aligned in width columns ("-" when empty). */
static inline void vp_str(struct sf_outbuf *ob, const char *s, unsigned width)
{
	size_t n = strlen(s);
	ob_put_mem(ob, s, n);
	if (n < width)
		ob_put_spaces(ob, (unsigned)(width - n));
}

#endif
