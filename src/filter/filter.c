/* synfin — display filter: compile (lexer → parser → check and code generation), dump, free.
 */
#include <stdlib.h>
#include <string.h>

#include "filter/filter_int.h"

void sf_filter_free(struct sf_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nlits; i++)
		free(f->lits[i].s);
	for (size_t i = 0; i < f->nres; i++)
		regfree(&f->res[i]);
	free(f->lits);
	free(f->res);
	free(f->code);
	free(f->expr);
	free(f);
}

struct sf_filter *sf_filter_compile(const char *expr, char *err, size_t errlen)
{
	struct ferr e = {0};
	struct tok *toks = NULL;
	size_t ntoks = 0;
	struct ast t = {0};
	struct sf_filter *f = calloc(1, sizeof(*f));
	if (err && errlen)
		err[0] = '\0';
	if (!f || !(f->expr = strdup(expr))) {
		ferr_set(&e, 0, 1, "out of memory");
		goto fail;
	}
	if (lex_all(expr, &toks, &ntoks, &e) < 0 || parse(expr, toks, ntoks, &t, &e) < 0 ||
	    compile_tree(expr, toks, &t, f, &e) < 0)
		goto fail;
	lex_free(toks, ntoks);
	ast_free(&t);
	return f;
fail:
	if (err && errlen)
		ferr_render(&e, expr, err, errlen);
	lex_free(toks, ntoks);
	ast_free(&t);
	sf_filter_free(f);
	return NULL;
}

static bool reads_flag(const struct sf_filter *f, uint8_t flag)
{
	for (size_t i = 0; i < f->ncode; i++)
		if (f->code[i].op == OP_TEST && (f->code[i].fld->flags & flag))
			return true;
	return false;
}

bool sf_filter_needs_track(const struct sf_filter *f)
{
	return reads_flag(f, SF_FF_TRACK);
}

bool sf_filter_needs_analysis(const struct sf_filter *f)
{
	return reads_flag(f, SF_FF_ANA);
}

const char *sf_filter_text(const struct sf_filter *f)
{
	return f->expr;
}
