#!/bin/sh
# Rewrites expected outputs from real runs, after a deliberate change of the reports:
#   regen.sh SYNFIN [CASE...]
# Read the diff (git diff tests/golden/expected) and judge every change before committing.
HERE=$(cd "$(dirname "$0")" && pwd)
SYNFIN_GOLDEN_REGEN=1 exec "$HERE/run.sh" "$@"
