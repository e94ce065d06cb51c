/* synfin tests — builders of capture-file bytes (see helper_capfile.h). */
#include "helper_capfile.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

void capfile_free(struct capfile *c)
{
	free(c->data);
	memset(c, 0, sizeof(*c));
}

void capfile_bytes(struct capfile *c, const void *p, size_t n)
{
	if (c->len + n > c->cap) {
		size_t ncap = c->cap ? c->cap : 256;
		while (ncap < c->len + n)
			ncap *= 2;
		uint8_t *d = realloc(c->data, ncap);
		if (!d)
			abort();
		c->data = d;
		c->cap = ncap;
	}
	if (n)
		memcpy(c->data + c->len, p, n);
	c->len += n;
}

void capfile_u16(struct capfile *c, uint16_t v, bool be)
{
	uint8_t b[2] = {(uint8_t)(be ? v >> 8 : v), (uint8_t)(be ? v : v >> 8)};
	capfile_bytes(c, b, 2);
}

void capfile_u32(struct capfile *c, uint32_t v, bool be)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	capfile_bytes(c, b, 4);
}

void capfile_u64(struct capfile *c, uint64_t v, bool be)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
	capfile_bytes(c, b, 8);
}

void capfile_pcap_header(struct capfile *c, bool be, bool nano, uint16_t major, uint16_t minor,
                         uint32_t snaplen, uint32_t linktype)
{
	capfile_u32(c, nano ? 0xa1b23c4du : 0xa1b2c3d4u, be);
	capfile_u16(c, major, be);
	capfile_u16(c, minor, be);
	capfile_u32(c, 0, be); /* thiszone */
	capfile_u32(c, 0, be); /* sigfigs */
	capfile_u32(c, snaplen, be);
	capfile_u32(c, linktype, be);
}

void capfile_pcap_record(struct capfile *c, bool be, uint32_t sec, uint32_t frac, uint32_t caplen,
                         uint32_t wirelen, const uint8_t *data)
{
	capfile_u32(c, sec, be);
	capfile_u32(c, frac, be);
	capfile_u32(c, caplen, be);
	capfile_u32(c, wirelen, be);
	if (data)
		capfile_bytes(c, data, caplen);
}

static void pad4(struct capfile *c, size_t n)
{
	static const uint8_t zero[4];
	capfile_bytes(c, zero, (4 - n % 4) % 4);
}

void capfile_ng_block(struct capfile *c, bool be, uint32_t type, const uint8_t *body,
                      uint32_t bodylen)
{
	uint32_t total = 12 + ((bodylen + 3u) & ~3u);
	capfile_u32(c, type, be);
	capfile_u32(c, total, be);
	capfile_bytes(c, body, bodylen);
	pad4(c, bodylen);
	capfile_u32(c, total, be);
}

void capfile_ng_shb(struct capfile *c, bool be, uint16_t major, uint16_t minor)
{
	struct capfile b = {0};
	capfile_u32(&b, 0x1A2B3C4Du, be);
	capfile_u16(&b, major, be);
	capfile_u16(&b, minor, be);
	capfile_u64(&b, UINT64_MAX, be); /* section length: not given */
	capfile_ng_block(c, be, 0x0A0D0D0Au, b.data, (uint32_t)b.len);
	capfile_free(&b);
}

void capfile_ng_idb(struct capfile *c, bool be, uint16_t linktype, uint32_t snaplen, int tsresol,
                    int64_t tsoffset)
{
	struct capfile b = {0};
	capfile_u16(&b, linktype, be);
	capfile_u16(&b, 0, be);
	capfile_u32(&b, snaplen, be);
	if (tsresol >= 0) {
		uint8_t v[4] = {(uint8_t)tsresol, 0, 0, 0};
		capfile_u16(&b, 9, be);
		capfile_u16(&b, 1, be);
		capfile_bytes(&b, v, 4);
	}
	if (tsoffset) {
		capfile_u16(&b, 14, be);
		capfile_u16(&b, 8, be);
		capfile_u64(&b, (uint64_t)tsoffset, be);
	}
	if (b.len > 8) {
		capfile_u16(&b, 0, be); /* opt_endofopt */
		capfile_u16(&b, 0, be);
	}
	capfile_ng_block(c, be, 1, b.data, (uint32_t)b.len);
	capfile_free(&b);
}

static void packet_block(struct capfile *c, bool be, uint32_t type, uint32_t ifid, uint64_t ts,
                         uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
	struct capfile b = {0};
	if (type == 6) {
		capfile_u32(&b, ifid, be);
	} else {
		capfile_u16(&b, (uint16_t)ifid, be);
		capfile_u16(&b, 0, be); /* drops count */
	}
	capfile_u32(&b, (uint32_t)(ts >> 32), be);
	capfile_u32(&b, (uint32_t)ts, be);
	capfile_u32(&b, caplen, be);
	capfile_u32(&b, wirelen, be);
	capfile_bytes(&b, data, caplen);
	capfile_ng_block(c, be, type, b.data, (uint32_t)b.len);
	capfile_free(&b);
}

void capfile_ng_epb(struct capfile *c, bool be, uint32_t ifid, uint64_t ts, uint32_t caplen,
                    uint32_t wirelen, const uint8_t *data)
{
	packet_block(c, be, 6, ifid, ts, caplen, wirelen, data);
}

void capfile_ng_pb(struct capfile *c, bool be, uint16_t ifid, uint64_t ts, uint32_t caplen,
                   uint32_t wirelen, const uint8_t *data)
{
	packet_block(c, be, 2, ifid, ts, caplen, wirelen, data);
}

void capfile_ng_spb(struct capfile *c, bool be, uint32_t wirelen, const uint8_t *data,
                    uint32_t datalen)
{
	struct capfile b = {0};
	capfile_u32(&b, wirelen, be);
	capfile_bytes(&b, data, datalen);
	capfile_ng_block(c, be, 3, b.data, (uint32_t)b.len);
	capfile_free(&b);
}

char *capfile_tmpdir(void)
{
	char tmpl[] = "/tmp/synfin-test-XXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	return strdup(tmpl);
}

char *capfile_write(const struct capfile *c, const char *dir, const char *name)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	if (!path)
		abort();
	sprintf(path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || (c->len && fwrite(c->data, 1, c->len, fp) != c->len) || fclose(fp) != 0)
		abort();
	return path;
}

void capfile_rmdir(char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[PATH_MAX];
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

const char *capfile_shared_dir(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("SYNFIN_CAPTURES");
	if (env && *env)
		snprintf(path, sizeof(path), "%s", env);
	else {
		/* The repository root, from this file's own path as the compiler saw it. */
		const char *self = __FILE__, *tail = strstr(self, "tests/unit/helper_capfile.c");
		int root_len = tail ? (int)(tail - self) : 0;
		snprintf(path, sizeof(path), "%.*s../shared/captures", root_len, self);
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return path;
}

void capfile_read_all(const char *path, unsigned idx, unsigned max, struct capfile_got *g)
{
	assert_true(max <= CAPFILE_MAXF);
	memset(g, 0, sizeof(*g));
	struct sf_source *s = sf_source_open_file(path, idx, g->err, sizeof(g->err));
	if (!s) {
		g->rc = SF_SRC_ERROR;
		return;
	}
	g->opened = true;
	g->linktype_after_open = sf_source_linktype(s);
	g->format = sf_source_format(s);
	struct sf_frame f;
	while ((g->rc = sf_source_next(s, &f, g->err, sizeof(g->err))) == SF_SRC_FRAME) {
		assert_true(g->n < max);
		g->first_byte[g->n] = f.caplen ? f.data[0] : 0;
		g->f[g->n++] = f;
	}
	if (g->rc == SF_SRC_ERROR)
		g->err_frame = f.file_frame;
	sf_source_close(s);
}

char *capfile_dir;

int capfile_setup(void **state)
{
	(void)state;
	capfile_dir = capfile_tmpdir();
	return 0;
}

int capfile_teardown(void **state)
{
	(void)state;
	capfile_rmdir(capfile_dir);
	capfile_dir = NULL;
	return 0;
}
