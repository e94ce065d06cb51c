#!/usr/bin/env bash
# bench/pgo.sh — a profile-guided Release build of synfin (gcc).
#
#   bench/pgo.sh [BUILD_DIR]      (default: build-pgo; prints the binary's path last)
#
# 1. configures BUILD_DIR as a Release tree with SYNFIN_PGO=generate and builds synfin;
# 2. runs that instrumented synfin over training captures that sf_gencap writes into BUILD_DIR
#    (200k packets with ~2k concurrent connections, and a small pcapng file; other seeds than
#    the bench's captures) with the commands people run most, keeping a digest of each output;
# 3. rebuilds the same tree with SYNFIN_PGO=use and runs the same commands again: every output
#    must be the instrumented build's, byte for byte, or the script fails.
# The plain Release tree (build-release) is left alone.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build-pgo}
jobs=${JOBS:-2}
prof=$dir/pgo-profile

configure() { # stage
	cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc \
		-DSYNFIN_TESTS=OFF -DSYNFIN_PGO="$1" -DSYNFIN_PGO_DIR="$prof" >/dev/null
	cmake --build "$dir" -j"$jobs" --target synfin sf_gencap >/dev/null
}

# Runs every training command on every training file; prints one digest line per run.
train() {
	local f c
	for f in "$dir/pgo-train.pcap" "$dir/pgo-train.pcapng"; do
		for c in "conns" "conns -T json" "conns -T zeek" "conns --no-analysis" "packets" \
			"stats" "explain --limit 20"; do
			# shellcheck disable=SC2086 # c is a command and its options
			echo "$c $(basename "$f") $("$dir/synfin" $c "$f" 2>&1 | md5sum | cut -d' ' -f1)"
		done
	done
}

rm -rf "$prof"
echo "pgo: instrumented build in $dir" >&2
configure generate
"$dir/bench/sf_gencap" -n 200000 -c 2000 --seed 7 -o "$dir/pgo-train.pcap" >/dev/null
"$dir/bench/sf_gencap" -n 20000 -c 500 --seed 8 --format pcapng -o "$dir/pgo-train.pcapng" \
	>/dev/null
echo "pgo: training" >&2
train >"$dir/pgo-train.digests"
echo "pgo: profile-guided build" >&2
configure use
if ! train | diff "$dir/pgo-train.digests" - >&2; then
	echo "pgo: FAILED: the profile-guided synfin's outputs differ from the instrumented one's" >&2
	exit 1
fi
echo "$dir/synfin"
