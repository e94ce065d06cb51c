# shellcheck shell=sh disable=SC2034 # rc is the sourcing script's
# synfin golden scripts on a generated capture: the pieces end_lanes.sh, put_aside.sh and
# timing.sh share. Sourced (POSIX sh); GEN is sf_gencap's path.

# gen_capture N CONNS SEED: a fresh directory $WORK, removed when the script exits, holding
# $WORK/g.pcap (N packets, about CONNS concurrent connections); the script fails without it.
gen_capture() {
	WORK=$(mktemp -d)
	trap 'rm -rf "$WORK"' EXIT INT TERM
	"$GEN" -n "$1" -c "$2" --seed "$3" -o "$WORK/g.pcap" >/dev/null || {
		echo "FAIL: gencap"
		exit 1
	}
}

# same_rows LABEL EXPECTED ACTUAL WHY: "ok" and ACTUAL's line count when the two outputs are
# identical byte for byte; otherwise "FAIL" with WHY and the first lines of the difference,
# and rc=1.
same_rows() {
	if cmp -s "$3" "$2"; then
		echo "ok   conns $1: $(wc -l <"$3") lines"
	else
		echo "FAIL conns $1: $4"
		diff "$2" "$3" | head -5
		rc=1
	fi
}
