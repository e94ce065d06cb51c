/* synfin — what the connection views (conns, explain, stats) share as sinks: an output buffer
 * and a table of extras set up and torn down together, and the row each builds from the
 * conn_final event.
 */
#include "report/conn_row.h"
#include "report/outbuf.h"
#include "synfin/pipeline.h"

int sf_conn_view_base_init(struct sf_outbuf *ob, size_t cap, struct sf_conn_extras **t, FILE *out)
{
	*t = sf_conn_extras_new();
	if (!*t)
		return -1;
	if (ob_init(ob, out, cap) < 0) {
		sf_conn_extras_free(*t);
		*t = NULL;
		return -1;
	}
	return 0;
}

void sf_conn_view_base_free(struct sf_outbuf *ob, struct sf_conn_extras *t)
{
	sf_conn_extras_free(t);
	ob_free(ob);
}

bool sf_conn_view_final_row(struct sf_conn_row *r, struct sf_conn_extras *t,
                            const struct sf_conn_view *cv)
{
	struct sf_conn_extra e;
	/* taken even for a connection left out, so that its slot is empty for the next one */
	sf_conn_extras_take(t, cv->conn, cv->slot, &e);
	if (sf_conn_row_filtered_out(cv->conn)) /* -Y given and none of its packets matched */
		return false;
	sf_conn_row_fill(r, cv->conn, &e);
	sf_conn_row_fill_ana(r, cv->ana);
	return true;
}
