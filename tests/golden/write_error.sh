#!/bin/sh
# A write that fails is an error: every command that writes a report to a full disk (/dev/full)
# exits with status 2 and names the error, whether the failure shows while the output is
# written or only when the stream is flushed at the end (a small report).
#
#   write_error.sh SYNFIN SAMPLE
set -u
SYNFIN=${1:?usage: write_error.sh SYNFIN SAMPLE}
SAMPLE=${2:?usage: write_error.sh SYNFIN SAMPLE}
[ -w /dev/full ] || { echo "skip: no /dev/full"; exit 77; }
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT INT TERM
rc=0
for cmd in "packets" "packets -V" "conns" "conns -T json" "conns --order stream" "explain" \
	"stats" "fields -e frame.number -e tcp.stream"; do
	# shellcheck disable=SC2086
	"$SYNFIN" $cmd "$SAMPLE" >/dev/full 2>"$ERR"
	st=$?
	if [ $st -eq 2 ] && grep -q "error writing output: No space left on device" "$ERR"; then
		echo "ok   $cmd: exit 2, $(cat "$ERR")"
	else
		echo "FAIL $cmd: exit $st, stderr: $(cat "$ERR")"
		rc=1
	fi
	# shellcheck disable=SC2086
	"$SYNFIN" $cmd "$SAMPLE" >/dev/null 2>"$ERR" || { echo "FAIL $cmd: fails on /dev/null"; rc=1; }
done
exit $rc
