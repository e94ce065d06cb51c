#!/bin/sh
# Rows put aside for the reading thread (src/report/conn_view.c) come out exactly as one
# thread writes them.
#
#   put_aside.sh SYNFIN SF_GENCAP
#
# With a short TIME-WAIT (--msl 0.1), most connections of a generated capture end while the
# pass runs, so their rows are written during it: from a file, a second thread reads the frames
# and rows are put aside for whichever thread is idle; from a pipe, one thread does everything
# and writes each row at once. The two outputs of each format must be identical byte for byte.
set -u
SYNFIN=${1:?usage: put_aside.sh SYNFIN SF_GENCAP}
GEN=${2:?usage: put_aside.sh SYNFIN SF_GENCAP}
# shellcheck source=tests/golden/gen_lib.sh
. "$(dirname "$0")/gen_lib.sh"
gen_capture 200000 1000 11
ENDED=$("$SYNFIN" stats --msl 0.1 "$WORK/g.pcap" | awk '/ended by their close/ {print $NF}')
[ "${ENDED:-0}" -gt 5000 ] || { echo "FAIL: only ${ENDED:-0} rows written during the pass"; exit 1; }
rc=0
for args in "-T table" "-T json" "-T csv" "-T zeek" "--no-analysis -T json"; do
	# shellcheck disable=SC2086
	"$SYNFIN" conns --msl 0.1 $args "$WORK/g.pcap" >"$WORK/file" || rc=1
	# shellcheck disable=SC2086,SC2002 # a pipe, read on one thread, is the point
	cat "$WORK/g.pcap" | "$SYNFIN" conns --msl 0.1 $args - >"$WORK/pipe" || rc=1
	same_rows "$args" "$WORK/pipe" "$WORK/file" "rows put aside differ from one thread's"
done
exit $rc
