/* synfin — field values as text, exactly as `tshark -T fields -e` (4.0) prints them.
 *
 * tshark prints unsigned integers in their display base (BASE_HEX zero-padded to the field's
 * width: tcp.flags 0x0012, eth.type 0x0800), booleans as 1/0, addresses numerically (IPv6
 * compressed per RFC 5952, as inet_ntop does), relative and epoch times with 9 decimals, and
 * several occurrences joined by the aggregator (",").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "synfin/fields.h"

static int format_time(int64_t ns, char *buf, size_t len)
{
	const char *sign = "";
	uint64_t mag = (uint64_t)ns;
	if (ns < 0) {
		sign = "-";
		mag = 0 - (uint64_t)ns;
	}
	return snprintf(buf, len, "%s%llu.%09llu", sign, (unsigned long long)(mag / 1000000000u),
	                (unsigned long long)(mag % 1000000000u));
}

static int format_hex_bytes(const char *p, uint32_t n, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t w = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)p[i];
		if (w + 2 < len) {
			buf[w] = hex[b >> 4];
			buf[w + 1] = hex[b & 15];
			buf[w + 2] = '\0';
		}
		w += 2;
	}
	if (n == 0 && len)
		buf[0] = '\0';
	return (int)w;
}

int sf_fval_format(const struct sf_field *f, const struct sf_fval *val, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	const uint8_t *a = val->v.addr;
	switch (f->type) {
	case SF_FT_BOOL:
		return snprintf(buf, len, "%d", val->v.u ? 1 : 0);
	case SF_FT_UINT:
		if (f->base == SF_BASE_HEX)
			return snprintf(buf, len, "0x%0*llx", (int)(f->bits / 4),
			                (unsigned long long)val->v.u);
		return snprintf(buf, len, "%llu", (unsigned long long)val->v.u);
	case SF_FT_INT:
		return snprintf(buf, len, "%lld", (long long)val->v.i);
	case SF_FT_TIME:
		return format_time(val->v.i, buf, len);
	case SF_FT_IPV4:
		inet_ntop(AF_INET, a, tmp, sizeof(tmp));
		return snprintf(buf, len, "%s", tmp);
	case SF_FT_IPV6:
		inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
		return snprintf(buf, len, "%s", tmp);
	case SF_FT_ETHER:
		return snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3],
		                a[4], a[5]);
	case SF_FT_STRING:
		return snprintf(buf, len, "%.*s", (int)val->v.str.len, val->v.str.p);
	case SF_FT_PROTOCOL:
		return format_hex_bytes(val->v.str.p, val->v.str.len, buf, len);
	case SF_FT_NONE:
		return snprintf(buf, len, "1");
	}
	return snprintf(buf, len, "?");
}

unsigned sf_field_format(const struct sf_field *f, const struct sf_pkt_view *v,
                         const struct sf_eval_ctx *c, const char *sep, char *buf, size_t len)
{
	struct sf_fval vals[SF_FIELD_MAX_VALUES];
	unsigned n = sf_field_values(f, v, c, vals, SF_FIELD_MAX_VALUES);
	size_t w = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		if (i && sep) {
			int k =
			    snprintf(buf + (w < len ? w : len), w < len ? len - w : 0, "%s", sep);
			w += k > 0 ? (size_t)k : 0;
		}
		int k =
		    sf_fval_format(f, &vals[i], buf + (w < len ? w : len), w < len ? len - w : 0);
		w += k > 0 ? (size_t)k : 0;
	}
	return n;
}
