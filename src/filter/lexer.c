/* synfin — display filter lexer, and the error text with its caret line.
 *
 * Tokens follow Wireshark's scanner (epan/dfilter/scanner.l): symbols, keywords (and or not eq
 * ne lt gt le ge contains matches in, all_eq any_ne …), quoted strings with C escapes, raw
 * strings r"…", and "words": runs of [A-Za-z0-9_.:/-] that are field names or literals whose
 * meaning depends on the field they meet (an address, a MAC, a number). A word never contains
 * "..": that is the range operator of sets, so "8000..8080" is three tokens.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_int.h"

void ferr_set(struct ferr *e, size_t pos, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (e->set)
		return; /* the first error found is the one reported */
	e->set = 1;
	e->pos = pos;
	e->len = len ? len : 1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* Columns count characters, not bytes: UTF-8 continuation bytes take no column. */
static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Longest stretch of the expression echoed above the caret. A longer expression is shown as
 * a window around the error, with "…" where it was cut, so the message (and the caret under
 * the right character) always fits a terminal line and the caller's buffer. */
#define ERR_WINDOW 100
#define ERR_BEFORE 60

/* Moves a byte offset back to the start of the UTF-8 character it falls in. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && is_cont((unsigned char)s[i]))
		i--;
	return i;
}

void ferr_render(const struct ferr *e, const char *expr, char *out, size_t outlen)
{
	size_t n = strlen(expr), w = 0;
	char caret[ERR_WINDOW * 4 + 8];
	size_t pos = e->pos > n ? n : e->pos;
	size_t from = pos > ERR_BEFORE ? char_start(expr, pos - ERR_BEFORE) : 0;
	size_t to = n - from > ERR_WINDOW ? char_start(expr, from + ERR_WINDOW) : n;
	if (to < pos)
		to = pos;
	const char *lead = from > 0 ? "\u2026" : "";
	const char *tail = to < n ? "\u2026" : "";

	if (from > 0)
		caret[w++] = ' '; /* under the leading "…" */
	for (size_t i = from; i < pos && w + 1 < sizeof(caret); i++) {
		unsigned char c = (unsigned char)expr[i];
		if (!is_cont(c))
			caret[w++] = c == '\t' ? '\t' : ' ';
	}
	if (w + 1 < sizeof(caret))
		caret[w++] = '^';
	for (size_t i = pos + 1; i < pos + e->len && i < to && w + 1 < sizeof(caret); i++)
		if (!is_cont((unsigned char)expr[i]))
			caret[w++] = '~';
	caret[w] = '\0';
	snprintf(out, outlen, "%s%.*s%s\n%s\n%s", lead, (int)(to - from), expr + from, tail, caret,
	         e->msg);
}

const char *tok_kind_text(enum tok_kind k)
{
	static const char *const text[] = {[TK_EOF] = "end of expression",
	                                   [TK_WORD] = "word",
	                                   [TK_STRING] = "string",
	                                   [TK_LPAREN] = "(",
	                                   [TK_RPAREN] = ")",
	                                   [TK_LBRACE] = "{",
	                                   [TK_RBRACE] = "}",
	                                   [TK_COMMA] = ",",
	                                   [TK_DOTDOT] = "..",
	                                   [TK_AND] = "and",
	                                   [TK_OR] = "or",
	                                   [TK_NOT] = "not",
	                                   [TK_EQ] = "==",
	                                   [TK_NE] = "!=",
	                                   [TK_ALL_EQ] = "===",
	                                   [TK_ANY_NE] = "~=",
	                                   [TK_LT] = "<",
	                                   [TK_GT] = ">",
	                                   [TK_LE] = "<=",
	                                   [TK_GE] = ">=",
	                                   [TK_BITAND] = "&",
	                                   [TK_CONTAINS] = "contains",
	                                   [TK_MATCHES] = "matches",
	                                   [TK_IN] = "in"};
	return (unsigned)k < sizeof(text) / sizeof(text[0]) ? text[k] : "?";
}

static int is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':' || c == '/' ||
	       c == '-';
}

static const struct {
	const char *word;
	enum tok_kind kind;
} keywords[] = {
    {"and", TK_AND},         {"or", TK_OR},
    {"not", TK_NOT},         {"eq", TK_EQ},
    {"ne", TK_NE},           {"all_ne", TK_NE},
    {"any_eq", TK_EQ},       {"all_eq", TK_ALL_EQ},
    {"any_ne", TK_ANY_NE},   {"lt", TK_LT},
    {"gt", TK_GT},           {"le", TK_LE},
    {"ge", TK_GE},           {"contains", TK_CONTAINS},
    {"matches", TK_MATCHES}, {"in", TK_IN},
};

static enum tok_kind word_kind(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].word) == n && strncmp(keywords[i].word, s, n) == 0)
			return keywords[i].kind;
	return TK_WORD;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash at s[*i] (pointing past the backslash). */
static int unescape_one(const char *s, size_t *i, char *out, size_t start, struct ferr *e)
{
	char c = s[*i];
	static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
	const char *hit = c ? strchr(from, c) : NULL;
	if (hit) {
		*out = to[hit - from];
		(*i)++;
		return 0;
	}
	if (c == 'x' && hexval(s[*i + 1]) >= 0) {
		int v = hexval(s[*i + 1]);
		*i += 2;
		if (hexval(s[*i]) >= 0)
			v = v * 16 + hexval(s[(*i)++]);
		*out = (char)v;
		return 0;
	}
	if (c >= '0' && c <= '7') {
		int v = 0;
		for (int k = 0; k < 3 && s[*i] >= '0' && s[*i] <= '7'; k++)
			v = v * 8 + (s[(*i)++] - '0');
		if (v > 255) {
			ferr_set(e, start, *i - start, "octal escape out of range");
			return -1;
		}
		*out = (char)v;
		return 0;
	}
	ferr_set(e, start, *i - start + 1,
	         "invalid escape \"\\%c\" in string (write \\\\ for a backslash)", c ? c : ' ');
	return -1;
}

/* A quoted string starting at s[pos] (the quote, or the r of r"…"). */
static int lex_string(const char *s, size_t pos, struct tok *tk, struct ferr *e)
{
	int raw = s[pos] == 'r';
	size_t i = pos + 1 + raw, n = 0;
	char *buf = malloc(strlen(s + pos) + 1);
	if (!buf) {
		ferr_set(e, pos, 1, "out of memory");
		return -1;
	}
	for (;;) {
		char c = s[i];
		if (c == '\0') {
			free(buf);
			ferr_set(e, pos, 1, "missing closing quote");
			return -1;
		}
		if (c == '"')
			break;
		if (c == '\\' && raw && s[i + 1] == '"') { /* r"a\"b": the quote is kept escaped */
			buf[n++] = '\\';
			buf[n++] = '"';
			i += 2;
		} else if (c == '\\' && !raw) {
			size_t start = i++;
			if (unescape_one(s, &i, &buf[n], start, e) < 0) {
				free(buf);
				return -1;
			}
			n++;
		} else {
			buf[n++] = c;
			i++;
		}
	}
	buf[n] = '\0';
	tk->kind = TK_STRING;
	tk->pos = pos;
	tk->len = i + 1 - pos;
	tk->sval = buf;
	tk->slen = n;
	return 0;
}

/* Symbols: the longest match wins ("===" before "==" before "="). */
static size_t lex_symbol(const char *s, enum tok_kind *k)
{
	static const struct {
		const char *sym;
		enum tok_kind kind;
	} syms[] = {
	    {"===", TK_ALL_EQ}, {"!==", TK_ANY_NE}, {"==", TK_EQ},    {"!=", TK_NE},
	    {"~=", TK_ANY_NE},  {"<=", TK_LE},      {">=", TK_GE},    {"&&", TK_AND},
	    {"||", TK_OR},      {"..", TK_DOTDOT},  {"(", TK_LPAREN}, {")", TK_RPAREN},
	    {"{", TK_LBRACE},   {"}", TK_RBRACE},   {",", TK_COMMA},  {"!", TK_NOT},
	    {"<", TK_LT},       {">", TK_GT},       {"&", TK_BITAND}, {"~", TK_MATCHES},
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		size_t n = strlen(syms[i].sym);
		if (strncmp(s, syms[i].sym, n) == 0) {
			*k = syms[i].kind;
			return n;
		}
	}
	return 0;
}

static int push(struct tok **toks, size_t *n, size_t *cap, const struct tok *t)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct tok *nt = realloc(*toks, nc * sizeof(*nt));
		if (!nt)
			return -1;
		*toks = nt;
		*cap = nc;
	}
	(*toks)[(*n)++] = *t;
	return 0;
}

static int lex_one(const char *s, size_t i, struct tok *t, struct ferr *e)
{
	enum tok_kind k;
	size_t n;
	memset(t, 0, sizeof(*t));
	t->pos = i;
	if (s[i] == '"' || (s[i] == 'r' && s[i + 1] == '"'))
		return lex_string(s, i, t, e);
	/* A '.' that is not ".." starts a word (".5"); ".." is always the range operator. */
	if ((n = lex_symbol(s + i, &k)) != 0) {
		t->kind = k;
		t->len = n;
		return 0;
	}
	if (is_word_char(s[i])) {
		size_t j = i;
		while (is_word_char(s[j]) && !(s[j] == '.' && s[j + 1] == '.'))
			j++;
		t->kind = word_kind(s + i, j - i);
		t->len = j - i;
		return 0;
	}
	if (s[i] == '=')
		ferr_set(e, i, 1, "\"=\" is not an operator; use == to compare");
	else if (s[i] == '|')
		ferr_set(e, i, 1, "\"|\" is not an operator; use || or \"or\"");
	else if (isprint((unsigned char)s[i]))
		ferr_set(e, i, 1, "unexpected character '%c'", s[i]);
	else
		ferr_set(e, i, 1, "unexpected byte 0x%02x", (unsigned char)s[i]);
	return -1;
}

int lex_all(const char *s, struct tok **toks, size_t *ntoks, struct ferr *e)
{
	size_t n = 0, cap = 0, i = 0;
	struct tok t;
	*toks = NULL;
	for (;;) {
		while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			i++;
		if (s[i] == '\0') {
			memset(&t, 0, sizeof(t));
			t.kind = TK_EOF;
			t.pos = i;
			t.len = 1;
			if (push(toks, &n, &cap, &t) < 0)
				goto oom;
			*ntoks = n;
			return 0;
		}
		if (lex_one(s, i, &t, e) < 0)
			goto fail;
		if (push(toks, &n, &cap, &t) < 0) {
			free(t.sval);
			goto oom;
		}
		i = t.pos + t.len;
	}
oom:
	ferr_set(e, i, 1, "out of memory");
fail:
	lex_free(*toks, n);
	*toks = NULL;
	*ntoks = 0;
	return -1;
}

void lex_free(struct tok *toks, size_t ntoks)
{
	for (size_t i = 0; i < ntoks; i++)
		free(toks[i].sval);
	free(toks);
}
