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
		/* Whole OB_MAX_PUT blocks, a size known here, so that the compiler moves them
		 * with a few vector instructions rather than calls: vp_begin reserved the room
		 * (mark + pad + OB_MAX_PUT <= mark + 2 * OB_MAX_PUT), and the bytes moved past
		 * the item lie beyond ob->len, where the next item writes. */
		char item[OB_MAX_PUT];
		memcpy(item, ob->buf + mark, OB_MAX_PUT);
		memset(ob->buf + mark, ' ', OB_MAX_PUT);
		memcpy(ob->buf + mark + pad, item, OB_MAX_PUT);
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
