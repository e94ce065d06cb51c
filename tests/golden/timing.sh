#!/bin/sh
# synfin --timing: where the time went, on stderr, without changing a byte of the output.
#
#   timing.sh SYNFIN SF_GENCAP
#
# A generated capture is read from its file (a second thread reads and decodes it) and from
# a pipe (one thread). The report's lines must be there with numbers that add up: each
# thread's work and waits within the elapsed time, work above zero where there was work.
set -u
SYNFIN=${1:?usage: timing.sh SYNFIN SF_GENCAP}
GEN=${2:?usage: timing.sh SYNFIN SF_GENCAP}
# shellcheck source=tests/golden/gen_lib.sh
. "$(dirname "$0")/gen_lib.sh"
gen_capture 50000 2000 5
"$SYNFIN" conns "$WORK/g.pcap" >"$WORK/plain.table" 2>/dev/null || { echo "FAIL: conns"; exit 1; }
rc=0
fail() {
	echo "FAIL: $*"
	rc=1
}

# the field after "label" on the line holding it, in seconds
field() { # file line-pattern label
	awk -v pat="$2" -v lab="$3" '$0 ~ pat {
		n = index($0, lab); if (!n) next
		rest = substr($0, n + length(lab)); sub(/^[ :]*/, "", rest)
		split(rest, w, " "); print w[1]; exit }' "$1"
}

for mode in "" "--no-analysis"; do
	# shellcheck disable=SC2086
	"$SYNFIN" conns $mode -T json "$WORK/g.pcap" >"$WORK/plain" 2>"$WORK/plain.err" || fail "conns $mode"
	# shellcheck disable=SC2086
	"$SYNFIN" conns $mode -T json --timing "$WORK/g.pcap" >"$WORK/timed" 2>"$WORK/timed.err" ||
		fail "conns $mode --timing"
	cmp -s "$WORK/plain" "$WORK/timed" || fail "conns $mode: --timing changed the output"
	cat "$WORK/timed.err"
	el=$(field "$WORK/timed.err" '^timing:' 'timing:')
	rw=$(awk '/reading thread:/ {print $3}' "$WORK/timed.err")
	rp=$(awk -F'[(;]' '/reading thread:/ {split($3, w, " "); print w[1]}' "$WORK/timed.err")
	rs=$(awk -F', ' '/reading thread:/ {split($2, w, " "); print w[1]}' "$WORK/timed.err")
	ms=$(awk -F'; ' '/main thread meanwhile:/ {split($2, w, " "); print w[1]}' "$WORK/timed.err")
	rwait=$(awk -F'), ' '/reading thread:/ {split($2, w, " "); print w[1]}' "$WORK/timed.err")
	mw=$(awk '/main thread meanwhile:/ {print $4}' "$WORK/timed.err")
	mwait=$(awk -F'), ' '/main thread meanwhile:/ {split($2, w, " "); print w[1]}' "$WORK/timed.err")
	end=$(awk -F': ' '/capture end/ {split($2, w, " "); print w[1]}' "$WORK/timed.err")
	for v in "$el" "$rw" "$rp" "$rs" "$rwait" "$mw" "$ms" "$mwait" "$end"; do
		echo "$v" | grep -Eq '^[0-9]+\.[0-9]{3}$' || fail "conns $mode: '$v' is not a time in seconds"
	done
	# shellcheck disable=SC2015
	awk -v el="$el" -v rw="$rw" -v rp="$rp" -v rs="$rs" -v rwait="$rwait" -v mw="$mw" \
	    -v ms="$ms" -v mwait="$mwait" -v end="$end" 'BEGIN {
		slack = 0.02   # clocks read at slightly different moments
		bad = (el <= 0) || (rw <= 0) || (mw <= 0) || (rp + rs > rw + slack) ||
		      (ms > mw + slack) ||
		      (rw > el + slack) || (mw > el + slack) || (rwait > el + slack) ||
		      (mwait > el + slack) || (end > el + slack)
		exit bad }' || fail "conns $mode: the times do not add up"
done

# a pipe is read on this thread: no reading thread to report
# shellcheck disable=SC2002 # a pipe, not a file on standard input, is the point
cat "$WORK/g.pcap" | "$SYNFIN" conns --timing - >"$WORK/pipe" 2>"$WORK/pipe.err" || fail "conns - --timing"
cmp -s "$WORK/pipe" "$WORK/plain.table" || fail "pipe: --timing changed the output"
grep -q '^timing: [0-9.]* s elapsed$' "$WORK/pipe.err" || fail "pipe: no elapsed time"
grep -q '^  one thread' "$WORK/pipe.err" || fail "pipe: the one-thread line is missing"
grep -q 'reading thread' "$WORK/pipe.err" && fail "pipe: a reading thread reported"

# without --timing, nothing of it
grep -q 'timing' "$WORK/plain.err" && fail "timing reported without --timing"
[ $rc -eq 0 ] && echo "ok   --timing on a file and on a pipe"
exit $rc
