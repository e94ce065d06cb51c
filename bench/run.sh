#!/usr/bin/env bash
# bench/run.sh — synfin against its peers, side by side, on generated captures.
#
#   bench/run.sh [--full] [--quick] [--no-pgo]
#
# Builds a Release tree (build-release/) if needed, and a profile-guided one (build-pgo/, by
# bench/pgo.sh, gcc only; --no-pgo skips it), generates deterministic 1M- and 10M-packet
# captures with ~10k concurrent connections into bench/out/ (kept between runs), then times
# each tool in one run and prints wall seconds, packets/s, peak RSS and the ratio to synfin
# (a tool's time / synfin's time: 2.00x means that tool took twice as long). A tool that takes
# under 3 s runs REPS times (default 5) and its median counts; slower ones run once.
#   --full   also run tshark and tcptrace on the 10M capture (several minutes, GBs of RAM)
#   --quick  only the 1M capture
#   --no-pgo no profile-guided build: its rows are listed as skipped
#
# Tables: "packet lines" (synfin packets, which tracks connections for its relative numbers
# and state columns, against tcpdump and tshark) and "connections" (one record per
# connection: synfin conns against tshark's conv,tcp, tcptrace and argus), each with the bare
# libpcap read loop as the floor. Issue 3's targets for the connections table, set for
# tracking (`synfin conns` before the sequence analysis existed; today's `--no-analysis` row):
# ≥ 40× tshark, ≥ 10× tcptrace, ≥ 3× argus, within ~1.5× of the floor; peak RSS set by the
# live connections, so the 10M capture's within 2× of the 1M capture's. Issue 4's: with the
# analysis on, `synfin conns` stays ≥ 40× tshark, and the analysis adds ≤ 30% over tracking
# alone. The summary prints both against the rows they apply to, the tshark ratios also from
# runs taken in turn (paired_ratio: PAIR_ROUNDS rounds, default 3, on the 1M capture; one on
# the 10M capture with --full);
# the overhead figure itself comes from runs of the two commands taken in turn (AB_REPS pairs,
# default 15), since the load of a shared machine moves between two blocks of five runs by more
# than the difference being measured.
#
# Peers: tshark and tcpdump (CI installs them), tcptrace (Debian package tcptrace), argus
# (Debian package argus-server: apt-get install argus-server; not in CI, the bench is not
# part of it). A missing peer is listed as skipped.
#
# Each table row is one line in the ROWS sections below: "label|command with @FILE@". A row
# whose tool is missing is printed as skipped with the reason, never silently dropped.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
build=${SYNFIN_BENCH_BUILD:-$root/build-release} # Release tree used (and built if needed)
full=0
quick=0
pgo=1
for a in "$@"; do
	case $a in
	--full) full=1 ;;
	--quick) quick=1 ;;
	--no-pgo) pgo=0 ;;
	*) echo "usage: bench/run.sh [--full] [--quick] [--no-pgo]" >&2; exit 2 ;;
	esac
done

mkdir -p "$out"
if [[ ! -x $build/bench/sf_gencap || ! -x $build/bench/sf_readloop || ! -x $build/bench/sf_hold ]] ||
	! grep -q "CMAKE_BUILD_TYPE:STRING=Release" "$build/CMakeCache.txt" 2>/dev/null; then
	echo "building Release tree in $build"
	cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSYNFIN_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j"${JOBS:-2}" >/dev/null
synfin=$build/synfin
gencap=$build/bench/sf_gencap
readloop=$build/bench/sf_readloop
hold=$build/bench/sf_hold

# The profile-guided build (bench/pgo.sh): rebuilt every run, the profile follows the sources.
pgo_build=${SYNFIN_BENCH_PGO_BUILD:-$root/build-pgo}
pgo_why=""
if ((!pgo)); then
	pgo_why="--no-pgo"
elif ! command -v gcc >/dev/null; then
	pgo_why="needs gcc"
else
	echo "building the profile-guided tree in $pgo_build"
	if ! "$root/bench/pgo.sh" "$pgo_build" >/dev/null 2>"$out/pgo.log"; then
		pgo_why="bench/pgo.sh failed (see $out/pgo.log)"
	fi
fi
synfin_pgo=$pgo_build/synfin

# Generated captures: name, packets. The seed is fixed so every run sees the same bytes.
captures=("1M 1000000")
((quick)) || captures+=("10M 10000000")
for c in "${captures[@]}"; do
	read -r name n <<<"$c"
	f=$out/gen-$name.pcap
	if [[ ! -s $f ]]; then
		echo "generating $f"
		"$gencap" -n "$n" -c 10000 --seed 1 -o "$f.tmp"
		mv "$f.tmp" "$f"
	fi
done

# The captures stay in memory for the whole run (bench/hold.c says why): a row timed minutes
# after the last read of its capture must not measure the disk.
hold_files=()
for c in "${captures[@]}"; do
	read -r name n <<<"$c"
	hold_files+=("$out/gen-$name.pcap")
done
hold_ready=$(mktemp)
"$hold" "${hold_files[@]}" >"$hold_ready" &
hold_pid=$!
trap 'kill "$hold_pid" 2>/dev/null || true; rm -f "$hold_ready"' EXIT
for ((i = 0; i < 600; i++)); do # reading 2.5 GB from a slow disk takes a while
	grep -q ready "$hold_ready" && break
	kill -0 "$hold_pid" 2>/dev/null || break
	sleep 0.2
done

# Why a row cannot run, or nothing when it can.
synfin_cmd_missing() { # subcommand
	[[ -x $synfin ]] || { echo "synfin not built (no src/cli on this tree yet)"; return; }
	"$synfin" "$1" "$root/samples/handshake.pcap" >/dev/null 2>&1 ||
		echo "'synfin $1' not available in this build yet"
}
tool_missing() { # executable
	command -v "$1" >/dev/null || echo "$1 not installed"
}

# The median of nanosecond counts, in seconds with `digits` decimals.
median_s() { # digits ns...
	local digits=$1
	shift
	printf '%s\n' "$@" | sort -n |
		awk -v d="$digits" '{ w[NR] = $1 } END { printf "%.*f\n", d, w[int((NR + 1) / 2)] / 1e9 }'
}

# Runs one command under GNU time; prints "wall_seconds peak_rss_kib" or "FAIL". A command whose
# first run takes under 3 s runs REPS times in all (5 unless set) and reports its median wall
# time and its largest RSS: a single run of a 0.3 s command moves by a third with the load of a
# shared machine, while a 10 s run averages the load out.
measure() {
	local tf t0 t1 w m i reps=1 rss=0 walls=()
	tf=$(mktemp)
	for ((i = 0; i < reps; i++)); do
		t0=$(date +%s%N)
		if ! /usr/bin/time -f "%M" -o "$tf" bash -c "$1" >/dev/null 2>"$tf.err"; then
			echo "FAIL $(tail -n 1 "$tf.err")"
			rm -f "$tf" "$tf.err"
			return
		fi
		t1=$(date +%s%N)
		w=$((t1 - t0))
		walls+=("$w")
		m=$(tail -n 1 "$tf")
		((m > rss)) && rss=$m
		((i == 0 && w < 3000000000)) && reps=${REPS:-5}
	done
	rm -f "$tf" "$tf.err"
	echo "$(median_s 3 "${walls[@]}") $rss"
}

# One table: header, then each row measured on FILE; ratios against the row named synfin_label.
table() { # title file packets synfin_label rows...
	local title=$1 file=$2 packets=$3 ref=$4
	shift 4
	local labels=() walls=() rsss=() notes=() row label cmd why res ref_wall=""
	# Read the file once untimed so every row starts with it in the page cache (when it fits):
	# otherwise the first row pays the disk and the ratios mean nothing.
	"$readloop" "$file" >/dev/null
	for row in "$@"; do
		label=${row%%|*}
		cmd=${row#*|}
		why=${cmd%%|*}
		cmd=${cmd#*|}
		labels+=("$label")
		if [[ -n $why ]]; then
			walls+=("")
			rsss+=("")
			notes+=("skipped: $why")
			continue
		fi
		res=$(measure "${cmd//@FILE@/$file}")
		if [[ $res == FAIL* ]]; then
			walls+=("")
			rsss+=("")
			notes+=("failed: ${res#FAIL }")
			continue
		fi
		walls+=("${res% *}")
		rsss+=("${res#* }")
		WALL["$title|$(basename "$file")|$label"]=${res% *}
		RSS["$title|$(basename "$file")|$label"]=${res#* }
		notes+=("")
		[[ $label == "$ref" ]] && ref_wall=${res% *}
	done
	local size
	size=$(du -m "$file" | cut -f1)
	echo
	echo "== $title: $(basename "$file") ($packets packets, $size MB)"
	printf '%-44s %9s %13s %12s %10s\n' "tool" "wall s" "packets/s" "peak RSS MB" "vs synfin"
	for i in "${!labels[@]}"; do
		if [[ -z ${walls[$i]} ]]; then
			printf '%-44s %s\n' "${labels[$i]}" "${notes[$i]}"
			continue
		fi
		awk -v l="${labels[$i]}" -v w="${walls[$i]}" -v r="${rsss[$i]}" -v n="$packets" \
			-v ref="$ref_wall" 'BEGIN {
				pps = w > 0 ? n / w : 0
				ratio = (ref != "" && ref > 0) ? sprintf("%.2fx", w / ref) : "n/a"
				printf "%-44s %9.3f %13.0f %12.1f %10s\n", l, w, pps, r / 1024, ratio
			}'
	done
}

declare -A WALL RSS # "table|file|row label" → wall seconds, peak RSS KiB
# Peak RSS at equal concurrency: a closed connection lingers 10 s and its TIME-WAIT 60 s by
# default, so the 10 s 1M capture ends with every connection it saw still held while the 100 s
# 10M capture holds ~100k records and 250k TIME-WAIT records. With a short linger, memory
# follows the connections actually open at once, and the two files' RSS can be compared.
short_opts="--msl 1 --timeout closed=1"
short_label="synfin conns, short linger"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
	"$(free -g | awk '/^Mem:/ {print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "${captures[@]}"; do
	read -r name n <<<"$c"
	f=$out/gen-$name.pcap
	tshark_why=$(tool_missing tshark)
	if [[ -z $tshark_why && $name != 1M && $full -eq 0 ]]; then
		tshark_why="only on the 1M capture unless --full"
	fi

	# ROWS: packet lines. label|why-skipped|command
	table "packet lines" "$f" "$n" "synfin packets" \
		"libpcap pcap_next_ex loop (floor)||$readloop @FILE@" \
		"synfin packets|$(synfin_cmd_missing packets)|$synfin packets @FILE@" \
		"synfin packets, profile-guided build|$pgo_why|$synfin_pgo packets @FILE@" \
		"tcpdump -nn -r|$(tool_missing tcpdump)|tcpdump -nn -r @FILE@" \
		"tshark -r|$tshark_why|tshark -n -r @FILE@"

	# ROWS: one record per connection. tcptrace keeps every connection to the end: on the
	# 10M capture only with --full.
	tcptrace_why=$(tool_missing tcptrace)
	if [[ -z $tcptrace_why && $name != 1M && $full -eq 0 ]]; then
		tcptrace_why="only on the 1M capture unless --full"
	fi
	# Until `synfin conns` exists, the tracking row times `synfin packets` (tracking on).
	conns_row="synfin conns|$(synfin_cmd_missing conns)|$synfin conns @FILE@"
	if [[ -n $(synfin_cmd_missing conns) ]]; then
		conns_row="synfin conns|$(synfin_cmd_missing packets)|$synfin packets @FILE@"
	fi
	table "connections" "$f" "$n" "synfin conns" \
		"libpcap pcap_next_ex loop (floor)||$readloop @FILE@" \
		"$conns_row" \
		"synfin conns --no-analysis (tracking alone)|$(synfin_cmd_missing conns)|$synfin conns --no-analysis @FILE@" \
		"synfin conns, profile-guided build|$pgo_why|$synfin_pgo conns @FILE@" \
		"$short_label|$(synfin_cmd_missing conns)|$synfin conns $short_opts @FILE@" \
		"synfin stats|$(synfin_cmd_missing stats)|$synfin stats @FILE@" \
		"tshark -q -z conv,tcp|$tshark_why|tshark -n -q -z conv,tcp -r @FILE@" \
		"tcptrace -n -l|$tcptrace_why|tcptrace -n -l @FILE@" \
		"argus -r -w /dev/null|$(tool_missing argus)|argus -r @FILE@ -w /dev/null"
done

# Runs one command with --timing, its report into file tim: prints "wall main reading", its
# wall time and the work of its main and reading threads (synfin --timing: a thread's CPU time
# less what it used waiting for the other) in nanoseconds; or FAIL.
timed_once() { # cmd tim
	local t0 t1
	t0=$(date +%s%N)
	bash -c "$1 --timing" >/dev/null 2>"$2" || { echo FAIL; return; }
	t1=$(date +%s%N)
	echo "$((t1 - t0)) $(thread_work_ns "$2" main) $(thread_work_ns "$2" reading)"
}

# Runs two commands in turn, one pair after another, reps pairs: for a ratio of two commands
# whose difference is smaller than the machine's drift over a table's worth of runs. Prints the
# medians, in seconds, of their wall times, then of each one's main-thread work, then of its
# reading-thread work (a b each time); or FAIL.
in_turn() { # reps cmd_a cmd_b
	local reps=$1 cmds=("$2" "$3") i k r w m rd tim
	local walls=("" "") mains=("" "") reads=("" "")
	tim=$(mktemp)
	for ((i = 0; i < reps; i++)); do
		for k in 0 1; do
			r=$(timed_once "${cmds[k]}" "$tim")
			[[ $r != FAIL ]] || { echo FAIL; rm -f "$tim"; return; }
			read -r w m rd <<<"$r"
			walls[k]+=" $w" mains[k]+=" $m" reads[k]+=" $rd"
		done
	done
	rm -f "$tim"
	# shellcheck disable=SC2086 # the lists are words of digits
	echo "$(median_s 4 ${walls[0]}) $(median_s 4 ${walls[1]})" \
		"$(median_s 4 ${mains[0]}) $(median_s 4 ${mains[1]})" \
		"$(median_s 4 ${reads[0]}) $(median_s 4 ${reads[1]})"
}

# The ratio of a slow peer's time to synfin's, taken in turn: each round runs synfin five times,
# the peer once, synfin five times again, and divides the peer's time by the median of the ten
# synfin runs around it. A ratio from the tables divides times taken minutes apart, and the
# load of a shared machine moves the slow peer's one run and synfin's block differently: in
# two runs half an hour apart the same builds gave 35.6x and 42.3x tshark. Prints "median min max"
# of the rounds' ratios, or FAIL.
paired_ratio() { # rounds synfin_cmd peer_cmd
	local rounds=$1 i k t0 t1 pw ratios=() walls
	for ((i = 0; i < rounds; i++)); do
		walls=()
		for ((k = 0; k < 10; k++)); do
			if ((k == 5)); then
				t0=$(date +%s%N)
				bash -c "$3" >/dev/null 2>&1 || { echo FAIL; return; }
				t1=$(date +%s%N)
				pw=$((t1 - t0))
			fi
			t0=$(date +%s%N)
			bash -c "$2" >/dev/null 2>&1 || { echo FAIL; return; }
			t1=$(date +%s%N)
			walls+=("$((t1 - t0))")
		done
		ratios+=("$(awk -v p="$pw" -v s="$(median_s 6 "${walls[@]}")" 'BEGIN { printf "%.1f", p / 1e9 / s }')")
	done
	printf '%s\n' "${ratios[@]}" | sort -n |
		awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)], r[1], r[NR] }'
}

# A thread's work in nanoseconds from a --timing report: "main" or "reading".
thread_work_ns() { # file thread
	awk -v t="$2" '$1 == t && / of work / {
		for (i = 1; i < NF; i++) if ($(i + 1) == "s" && $(i + 2) == "of") { printf "%.0f\n", $i * 1e9; exit } }' "$1"
}

# Issue targets for the connections table, from the figures above: ratios are the peer's wall
# time over synfin conns' (higher is better for synfin), the floor's the other way round.
ratio() { # numerator denominator
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.1f", a / b }'
}
echo
echo "== targets (connections table)"
for c in "${captures[@]}"; do
	read -r name n <<<"$c"
	k="connections|gen-$name.pcap"
	for row in "3|synfin conns --no-analysis (tracking alone)" "4|synfin conns" \
		"4|synfin conns, profile-guided build"; do
		build_row=${row#*|}
		s=${WALL["$k|$build_row"]:-}
		[[ -n $s ]] || continue
		echo "gen-$name, issue ${row%%|*}, $build_row:" \
			"tshark conv $(ratio "${WALL["$k|tshark -q -z conv,tcp"]:-}" "$s")x (target 40x)," \
			"tcptrace $(ratio "${WALL["$k|tcptrace -n -l"]:-}" "$s")x (10x)," \
			"argus $(ratio "${WALL["$k|argus -r -w /dev/null"]:-}" "$s")x (3x)," \
			"floor $(ratio "$s" "${WALL["$k|libpcap pcap_next_ex loop (floor)"]:-}")x the read loop (~1.5x)"
	done
done
# The tshark targets again, from runs taken in turn (paired_ratio): PAIR_ROUNDS rounds (3 by
# default) on the 1M capture, one on the 10M capture (with --full: tshark takes minutes there).
if [[ -z $(synfin_cmd_missing conns) && -z $(tool_missing tshark) ]]; then
	for c in "${captures[@]}"; do
		read -r name n <<<"$c"
		f=$out/gen-$name.pcap
		rounds=${PAIR_ROUNDS:-3}
		if [[ $name != 1M ]]; then
			((full)) || continue
			rounds=1
		fi
		for row in "3|synfin conns --no-analysis" "4|synfin conns"; do
			cmd=${row#*|}
			res=$(paired_ratio "$rounds" "${cmd/synfin/$synfin} $f" "tshark -n -q -z conv,tcp -r $f")
			if [[ $res == FAIL ]]; then
				echo "gen-$name, issue ${row%%|*}, tshark conv over $cmd, taken in turn: failed"
				continue
			fi
			read -r med lo hi <<<"$res"
			echo "gen-$name, issue ${row%%|*}, tshark conv over $cmd, taken in turn:" \
				"${med}x (target 40x; median of $rounds rounds, $lo-$hi)"
		done
	done
fi
if [[ -z $(synfin_cmd_missing conns) ]]; then
	for c in "${captures[@]}"; do
		read -r name n <<<"$c"
		f=$out/gen-$name.pcap
		reps=${AB_REPS:-15}
		[[ $name == 1M ]] || reps=3
		res=$(in_turn "$reps" "$synfin conns $f" "$synfin conns --no-analysis $f")
		if [[ $res == FAIL ]]; then
			echo "gen-$name, analysis overhead: failed"
			continue
		fi
		read -r wa wb ma mb ra rb <<<"$res"
		echo "gen-$name, analysis overhead: synfin conns $wa s, --no-analysis $wb s" \
			"(medians of $reps runs in turn): analysis adds" \
			"$(awk -v a="$wa" -v b="$wb" 'BEGIN { printf "%.0f", (a / b - 1) * 100 }')% (target <= 30%)"
		echo "gen-$name, work per thread (--timing, medians): main thread (tracking, analysis," \
			"output) $ma s with analysis, $mb s without;" \
			"reading thread (reading, decoding, pages) $ra s, $rb s"
	done
fi
r1=${RSS["connections|gen-1M.pcap|synfin conns"]:-}
r10=${RSS["connections|gen-10M.pcap|synfin conns"]:-}
if [[ -n $r1 && -n $r10 ]]; then
	echo "synfin conns peak RSS 10M / 1M: $(ratio "$r10" "$r1")x (target within 2x)"
fi
# the peak of live connections each file reaches with the short linger, from the run summary
peak_live() { # file
	# shellcheck disable=SC2086 # short_opts is several words
	"$synfin" conns --no-analysis $short_opts --summary "$1" 2>&1 >/dev/null |
		awk '/ tracked, peak / { for (i = 1; i < NF; i++) if ($i == "peak") { print $(i + 1); exit } }'
}
r1=${RSS["connections|gen-1M.pcap|$short_label"]:-}
r10=${RSS["connections|gen-10M.pcap|$short_label"]:-}
if [[ -n $r1 && -n $r10 ]]; then
	echo "synfin conns peak RSS 10M / 1M with $short_opts: $(ratio "$r10" "$r1")x" \
		"(target within 2x at equal concurrency; peak live connections" \
		"$(peak_live "$out/gen-1M.pcap") and $(peak_live "$out/gen-10M.pcap"))"
fi
