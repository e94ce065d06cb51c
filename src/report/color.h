/* synfin — ANSI colours of the text reports. Only flags and events are coloured, so that the
 * numbers a user greps stay plain; the CLI decides whether colour is on (--color). */
#ifndef SYNFIN_REPORT_COLOR_H
#define SYNFIN_REPORT_COLOR_H

#include <stdint.h>

#include "synfin/packet.h"

#define SF_COLOR_RESET "\033[0m"
#define SF_COLOR_SYN   "\033[32m"   /* green: connection opening */
#define SF_COLOR_FIN   "\033[33m"   /* yellow: orderly close */
#define SF_COLOR_RST   "\033[1;31m" /* bold red: abort */
#define SF_COLOR_FLAGS "\033[36m"   /* cyan: anything else */
#define SF_COLOR_EVENT "\033[35m"   /* magenta: events */

/* Colour of a TCP flags bracket: the most telling flag wins (RST, then FIN, then SYN). */
static inline const char *sf_color_for_flags(uint16_t flags)
{
	if (flags & SF_TCP_RST)
		return SF_COLOR_RST;
	if (flags & SF_TCP_FIN)
		return SF_COLOR_FIN;
	if (flags & SF_TCP_SYN)
		return SF_COLOR_SYN;
	return SF_COLOR_FLAGS;
}

#endif
