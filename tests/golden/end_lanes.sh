#!/bin/sh
# Capture end on two lanes (src/core/end_lanes.c) writes exactly what one thread writes.
#
#   end_lanes.sh SYNFIN SF_GENCAP
#
# A generated capture leaves about 10,000 connections live at its end, so the rows of the
# capture end go through both lanes in several runs. A display filter that every packet
# matches (-Y tcp) keeps the pipeline on the one-thread path (a filter may judge the final
# records), so the two outputs of each format must be identical byte for byte.
set -u
SYNFIN=${1:?usage: end_lanes.sh SYNFIN SF_GENCAP}
GEN=${2:?usage: end_lanes.sh SYNFIN SF_GENCAP}
# shellcheck source=tests/golden/gen_lib.sh
. "$(dirname "$0")/gen_lib.sh"
gen_capture 100000 8000 11
LIVE=$("$SYNFIN" stats "$WORK/g.pcap" | awk '/still open at the end/ {print $NF}')
[ "${LIVE:-0}" -gt 6144 ] || { echo "FAIL: only ${LIVE:-0} connections live at the end"; exit 1; }
rc=0
for args in "-T table" "-T json" "-T csv" "-T zeek" "--wide"; do
	# shellcheck disable=SC2086
	"$SYNFIN" conns $args "$WORK/g.pcap" >"$WORK/lanes" || rc=1
	# shellcheck disable=SC2086
	"$SYNFIN" conns $args -Y tcp "$WORK/g.pcap" >"$WORK/one" || rc=1
	same_rows "$args" "$WORK/one" "$WORK/lanes" "the two-lane capture end differs from one thread"
done
exit $rc
