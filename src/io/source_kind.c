/* synfin — what kind of input a source reads, for readers that may read ahead.
 *
 * A pipeline that reads a few frames ahead (to fetch their connections' memory early) must not
 * do it on a pipe fed a packet at a time (tcpdump -U -w - | synfin packets -): the frames
 * already captured would wait for later ones. So reading ahead is kept to regular files. */
#include <sys/stat.h>
#include <unistd.h>

#include "io/source_priv.h"

bool sf_source_is_regular_file(const struct sf_source *s)
{
	if (s->fmt == SF_FMT_LIVE)
		return false;
	struct stat st;
	int rc = strcmp(s->name, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(s->name, &st);
	return rc == 0 && S_ISREG(st.st_mode);
}
