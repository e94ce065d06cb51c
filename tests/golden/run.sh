#!/bin/sh
# Golden tests of the text reports, in the style of tcpdump's tests/TESTLIST.
#
#   run.sh SYNFIN [CASE...]       run every case of TESTLIST (or the named ones)
#   SYNFIN_GOLDEN_REGEN=1 run.sh  rewrite the expected files instead (see regen.sh)
#
# TESTLIST: one case per line, "name capture [options...] expected-file":
#   capture  captures/x.pcap       a fixture in tests/golden/captures
#            shared:zeek/x.pcap    a file of the shared corpus ($SYNFIN_SHARED_CAPTURES,
#                                  default ../shared/captures from the repository root);
#                                  the case is skipped when the corpus is absent
#            stdin:captures/x.pcap fed on standard input (synfin reads "-")
#            missing:x.pcap        a path that must not exist (error message test)
#            none                  no input at all (usage tests)
#            a,b,c                 several inputs in one run (all from the same root)
#   options  passed to synfin after the inputs; the first must be the subcommand
#   expected file under tests/golden/expected
# The compared output is stdout, then each stderr line prefixed "#stderr ", then "#exit N".
# Runs under TZ=UTC and LC_ALL=C so times and bytes do not depend on the machine.
# Exit status: 0 all passed (or skipped), 1 a case failed, 77 the only case asked was skipped.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SYNFIN=${1:?usage: run.sh SYNFIN [CASE...]}
shift
case $SYNFIN in /*) ;; *) SYNFIN=$(pwd)/$SYNFIN ;; esac
SHARED=${SYNFIN_SHARED_CAPTURES:-$REPO/../shared/captures}
REGEN=${SYNFIN_GOLDEN_REGEN:-0}
export TZ=UTC LC_ALL=C NO_COLOR=

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0 fail=0 skip=0 failed=""

WANT=" $* "
wanted() {
	[ "$WANT" = "  " ] && return 0
	case $WANT in *" $1 "*) return 0 ;; esac
	return 1
}

run_case() { # name capture expected options...
	name=$1 capture=$2 expected=$3
	shift 3
	root=$HERE
	case $capture in shared:* | stdin:shared:*) root=$SHARED ;; esac
	if [ ! -d "$root" ]; then
		echo "skip $name (shared captures not found at $SHARED)"
		skip=$((skip + 1))
		return 77
	fi
	# inputs: "-" for the stdin one, paths relative to root so messages name them stably
	stdin_file=/dev/null
	inputs=""
	old_ifs=$IFS
	IFS=,
	for c in $capture; do
		IFS=$old_ifs
		case $c in
		none) continue ;;
		missing:*) inputs="$inputs ${c#missing:}"; continue ;;
		esac
		case $c in
		stdin:*) c=${c#stdin:}; c=${c#shared:}; stdin_file=$root/$c; inputs="$inputs -" ;;
		*) c=${c#shared:}; inputs="$inputs $c" ;;
		esac
		if [ ! -e "$root/$c" ]; then
			echo "skip $name (no capture $root/$c)"
			skip=$((skip + 1))
			return 77
		fi
	done
	IFS=$old_ifs
	cmd=$1
	shift
	# shellcheck disable=SC2086 # inputs is a word list by design
	(cd "$root" && "$SYNFIN" "$cmd" $inputs "$@" <"$stdin_file" >"$TMP/out" 2>"$TMP/err")
	rc=$?
	{
		cat "$TMP/out"
		sed 's/^/#stderr /' "$TMP/err"
		echo "#exit $rc"
	} >"$TMP/actual"
	if [ "$REGEN" = 1 ]; then
		cp "$TMP/actual" "$HERE/expected/$expected"
		echo "wrote $name -> expected/$expected"
		pass=$((pass + 1))
		return 0
	fi
	if [ ! -f "$HERE/expected/$expected" ]; then
		echo "FAIL $name (no expected/$expected; run regen.sh $name after checking the output)"
		fail=$((fail + 1))
		failed="$failed $name"
		return 1
	fi
	if cmp -s "$TMP/actual" "$HERE/expected/$expected"; then
		echo "ok   $name"
		pass=$((pass + 1))
		return 0
	fi
	echo "FAIL $name"
	diff -u "$HERE/expected/$expected" "$TMP/actual" | head -40
	fail=$((fail + 1))
	failed="$failed $name"
	return 1
}

n_asked=$#
while read -r name capture rest; do
	case $name in '' | '#'*) continue ;; esac
	wanted "$name" || continue
	# the last word is the expected file, the words between are the options
	# shellcheck disable=SC2086
	set -- $rest
	eval "expected=\${$#}"
	opts=""
	while [ $# -gt 1 ]; do
		opts="$opts $1"
		shift
	done
	# shellcheck disable=SC2086
	run_case "$name" "$capture" "$expected" $opts
done <"$HERE/TESTLIST"

echo "golden: $pass passed, $fail failed, $skip skipped"
[ $fail -gt 0 ] && echo "failed:$failed" && exit 1
[ $n_asked -eq 1 ] && [ $skip -eq 1 ] && exit 77
[ $((pass + skip)) -eq 0 ] && echo "no case matched" && exit 1
exit 0
