/* synfin tests — run capture files through a pipeline (helper_pipe.h). */
#include "helper_pipe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "helper_capfile.h"
#include "synfin/source.h"

bool hpipe_run_file(const struct sf_pipeline_cfg *cfg, const struct sf_sink *sink, const char *path,
                    struct sf_run_stats *stats)
{
	char err[SF_ERRBUF];
	struct sf_pipeline *p = sf_pipeline_new(cfg, err, sizeof(err));
	assert_non_null(p);
	assert_int_equal(sf_pipeline_add_sink(p, sink), 0);
	struct sf_source *src = sf_source_open_file(path, 0, err, sizeof(err));
	if (!src) {
		sf_pipeline_free(p);
		return false;
	}
	sf_pipeline_run(p, src);
	sf_source_close(src);
	sf_pipeline_finish(p);
	if (stats)
		*stats = *sf_pipeline_stats(p);
	sf_pipeline_free(p);
	return true;
}

const char *hpipe_oracle_dir(void)
{
	const char *dir = capfile_shared_dir();
	if (!dir) {
		print_message("SKIP: no shared captures (set SYNFIN_CAPTURES)\n");
		return NULL;
	}
	if (system("tshark -v >/dev/null 2>&1") != 0) {
		print_message("SKIP: no tshark\n");
		return NULL;
	}
	return dir;
}
