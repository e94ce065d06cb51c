/* synfin — display filter internals shared by lexer, parser, checker, code generator and
 * evaluator. Nothing here is public.
 */
#ifndef SYNFIN_FILTER_INT_H
#define SYNFIN_FILTER_INT_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "synfin/fields.h"
#include "synfin/filter.h"

/* --- errors: position in the expression + plain message ---------------------------------- */

struct ferr {
	size_t pos, len; /* byte span of the offending text */
	char msg[256];
	int set;
};

void ferr_set(struct ferr *e, size_t pos, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Writes expr, the caret line and the message into out. */
void ferr_render(const struct ferr *e, const char *expr, char *out, size_t outlen);

/* --- lexer ------------------------------------------------------------------------------ */

enum tok_kind {
	TK_EOF = 0,
	TK_WORD,   /* field name or unquoted literal: [A-Za-z0-9_.:/-]+ (never containing "..") */
	TK_STRING, /* "…" with escapes; the value is unescaped into tok.sval */
	TK_LPAREN,
	TK_RPAREN,
	TK_LBRACE,
	TK_RBRACE,
	TK_COMMA,
	TK_DOTDOT,
	TK_AND,
	TK_OR,
	TK_NOT,
	TK_EQ,
	TK_NE,     /* != ne all_ne */
	TK_ALL_EQ, /* === all_eq */
	TK_ANY_NE, /* ~= !== any_ne */
	TK_LT,
	TK_GT,
	TK_LE,
	TK_GE,
	TK_BITAND, /* & */
	TK_CONTAINS,
	TK_MATCHES, /* matches ~ */
	TK_IN
};

struct tok {
	enum tok_kind kind;
	size_t pos, len; /* span in the expression */
	char *sval;      /* TK_STRING: unescaped bytes (NUL-terminated), owned by the token list */
	size_t slen;
};

/* Splits expr into tokens (last one TK_EOF). Returns 0, or -1 with e set. */
int lex_all(const char *expr, struct tok **toks, size_t *ntoks, struct ferr *e);
void lex_free(struct tok *toks, size_t ntoks);
const char *tok_kind_text(enum tok_kind k);

/* --- syntax tree ------------------------------------------------------------------------- */

enum node_kind { ND_OR, ND_AND, ND_NOT, ND_TEST };

/* Relations of a test. */
enum rel {
	REL_PRESENT = 0, /* bare field (with & mask: any masked value non-zero) */
	REL_EQ,          /* any equal */
	REL_NE,          /* present and all differ */
	REL_ALL_EQ,      /* present and all equal */
	REL_ANY_NE,      /* any differs */
	REL_LT,
	REL_GT,
	REL_LE,
	REL_GE,
	REL_CONTAINS,
	REL_MATCHES,
	REL_IN,
	REL_NOT_IN, /* compiled as !(in) */
	REL__COUNT
};

/* One element of the right-hand side: a value, or lo..hi in a set. */
struct elem {
	size_t lo, hi; /* token indices; hi == lo when not a range */
};

struct node {
	enum node_kind kind;
	int a, b; /* children (node indices) for OR, AND, NOT */
	/* ND_TEST */
	size_t field_tok;
	int has_mask;
	size_t mask_tok;
	enum rel rel;
	size_t rel_tok;
	size_t elem0, nelem; /* into the parse's element array */
};

struct ast {
	struct node *nodes;
	size_t nnodes, cap;
	struct elem *elems;
	size_t nelems, ecap;
	int root;
};

/* Parses tokens into a tree. Returns 0, or -1 with e set (syntax errors only). */
int parse(const char *expr, const struct tok *toks, size_t ntoks, struct ast *t, struct ferr *e);
void ast_free(struct ast *t);

/* --- compiled form ----------------------------------------------------------------------- */

enum lit_kind { LIT_VAL = 0, LIT_RANGE, LIT_NET };

/* A literal converted to its field's type. */
struct lit {
	uint8_t kind;   /* enum lit_kind */
	uint8_t prefix; /* LIT_NET: prefix length in bits */
	union {
		uint64_t u;
		int64_t i;
		uint8_t a[16];
	} lo, hi; /* hi for LIT_RANGE only */
	char *s;  /* SF_FT_STRING: NUL-terminated, owned */
	uint32_t slen;
};

enum opcode {
	OP_TEST = 0, /* acc = test(field, rel, lits) */
	OP_NOT,      /* acc = !acc */
	OP_JF,       /* if (!acc) goto target */
	OP_JT        /* if (acc) goto target */
};

struct insn {
	uint8_t op;  /* enum opcode */
	uint8_t rel; /* enum rel (OP_TEST; never REL_NOT_IN) */
	uint8_t has_mask;
	uint8_t ftype;              /* enum sf_ftype of the field, cached */
	uint16_t field;             /* registry index */
	const struct sf_field *fld; /* the registry row, cached for the evaluator */
	uint16_t nlit;              /* literals used: lits[lit .. lit+nlit) */
	uint32_t lit;               /* first literal; for OP_JF/OP_JT: the target instruction */
	int32_t re;                 /* REL_MATCHES: index of the compiled regex */
	uint64_t mask;
};

struct sf_filter {
	char *expr;
	struct insn *code;
	size_t ncode;
	struct lit *lits;
	size_t nlits;
	regex_t *res;
	size_t nres;
};

/* Semantic check and code generation: from tree to flat code in f. Returns 0 or -1 with e. */
int compile_tree(const char *expr, const struct tok *toks, const struct ast *t, struct sf_filter *f,
                 struct ferr *e);

/* Converts the text of one literal token to field type t (lit.kind stays LIT_VAL unless a
 * CIDR suffix makes it LIT_NET). Returns 0, or -1 with e set at the token. */
int lit_parse(const struct sf_field *fld, const struct tok *tk, const char *expr, struct lit *out,
              struct ferr *e);

const char *rel_text(enum rel r);
/* "an unsigned integer", "a string" … for messages. */
const char *ftype_a(enum sf_ftype t);

#endif
