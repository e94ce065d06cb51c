#!/usr/bin/env bash
# test.sh — builds synfin and runs the whole test suite; the one test command of README and CI.
#
#   1. gcc, Debug, warnings as errors: every CTest test (unit, golden, oracle, live); then a
#      gcc Release build (counted as one test: it must compile warning-free at -O3), and the
#      profile-guided build of bench/pgo.sh (one test: it checks its own outputs)
#   2. lint (two tests): clang-format --dry-run --Werror over every tracked .c/.h file, and
#      clang-tidy (repo .clang-tidy) over src/**/*.c with the gcc Debug tree's
#      compile_commands.json; paths listed in .lint-pending are left out (that file must end
#      up empty). Each is skipped with a message when its tool is not installed.
#   3. clang with AddressSanitizer + UndefinedBehaviorSanitizer: the same tests again
#   4. clang with libFuzzer (when available): each tests/fuzz/fuzz_* target for FUZZ_SECONDS
#      seconds, starting from its seed corpus in tests/fuzz/corpus/<target>/
#
# Ends with one line "N passed, N failed" over all of it and exits non-zero on any failure.
# Tests needing ../shared/captures, tshark or root skip with a message when those are absent.
#
# Environment: JOBS (default 2), FUZZ_SECONDS (default 60), SYNFIN_CAPTURES (default
# ../shared/captures), SYNFIN_ORACLE_CACHE (tshark output cache, default build-test-cache/).
set -uo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
export SYNFIN_ORACLE_CACHE=${SYNFIN_ORACLE_CACHE:-$root/build-test-cache}
export TZ=UTC

passed=0
failed=0
skipped=0
failures=()

note_failure() {
	failed=$((failed + 1))
	failures+=("$1")
}

# Configures and builds one tree; a build failure counts as one failed test.
build() {
	local name=$1 dir=$2
	shift 2
	local log=$dir/build.log
	echo "=== $name: configure and build ($dir)"
	mkdir -p "$dir"
	if ! cmake -S "$root" -B "$dir" "$@" >"$log" 2>&1 ||
		! cmake --build "$dir" -j"$JOBS" >>"$log" 2>&1; then
		tail -n 60 "$log"
		echo "=== $name: BUILD FAILED (full log: $log)"
		note_failure "build ($name)"
		return 1
	fi
	return 0
}

# Runs CTest in a build tree and adds its counts to the totals.
run_ctest() {
	local name=$1 dir=$2 out total nfail nskip
	echo "=== $name: ctest"
	out=$(ctest --test-dir "$dir" --output-on-failure -j"$JOBS" 2>&1)
	local rc=$?
	echo "$out"
	total=$(sed -n 's/.* tests failed out of \([0-9]*\).*/\1/p' <<<"$out" | tail -n 1)
	nfail=$(sed -n 's/.* \([0-9]*\) tests failed out of .*/\1/p' <<<"$out" | tail -n 1)
	nskip=$(grep -c '(Skipped)' <<<"$out" || true)
	if [[ -z $total ]]; then
		if grep -q "No tests were found" <<<"$out"; then
			return 0
		fi
		note_failure "ctest ($name)"
		return 0
	fi
	passed=$((passed + total - nfail - nskip))
	skipped=$((skipped + nskip))
	failed=$((failed + nfail))
	if ((nfail > 0 || rc != 0)); then
		while read -r line; do
			failures+=("$name: $line")
		done < <(sed -n '/The following tests FAILED/,$p' <<<"$out" | grep -E '^\s+[0-9]+ - ')
		((nfail == 0)) && note_failure "ctest ($name) exit status $rc"
	fi
}

# True when clang can link a libFuzzer harness with ASan and UBSan.
have_libfuzzer() {
	command -v clang >/dev/null || return 1
	local tmp
	tmp=$(mktemp -d)
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' \
		>"$tmp/f.c"
	clang -fsanitize=fuzzer,address,undefined "$tmp/f.c" -o "$tmp/f" >/dev/null 2>&1
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

run_fuzz() {
	local dir=$1 target name corpus work
	shopt -s nullglob
	local targets=("$dir"/tests/fuzz/fuzz_*)
	if ((${#targets[@]} == 0)); then
		echo "=== fuzz: no fuzz targets built"
		return 0
	fi
	for target in "${targets[@]}"; do
		[[ -x $target && ! -d $target ]] || continue
		name=$(basename "$target")
		corpus=$root/tests/fuzz/corpus/$name
		work=$dir/corpus/$name # new inputs land here, never in the repo's seed corpus
		mkdir -p "$work" "$dir/artifacts"
		echo "=== fuzz: $name for ${FUZZ_SECONDS}s"
		local seeds=()
		[[ -d $corpus ]] && seeds=("$corpus")
		if "$target" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 \
			-print_final_stats=1 -artifact_prefix="$dir/artifacts/$name-" \
			"$work" "${seeds[@]}" >"$dir/$name.log" 2>&1; then
			tail -n 12 "$dir/$name.log"
			passed=$((passed + 1))
			echo "=== fuzz: $name passed"
		else
			tail -n 60 "$dir/$name.log"
			note_failure "fuzz $name (see $dir/$name.log and $dir/artifacts/)"
		fi
	done
}


# ---- lint: the engineering standard's "clang-format and clang-tidy clean" ----------------

lint_pending=()

# Reads .lint-pending: paths (a trailing / means a folder) the lint stage does not check yet.
read_lint_pending() {
	local line
	lint_pending=()
	[[ -f $root/.lint-pending ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[[ -n $line ]] && lint_pending+=("$line")
	done <"$root/.lint-pending"
}

# True when path (relative to the repo root) is listed in .lint-pending.
lint_is_pending() {
	local f=$1 p
	for p in "${lint_pending[@]}"; do
		if [[ $f == "$p" || ($p == */ && $f == "$p"*) ]]; then
			return 0
		fi
	done
	return 1
}

# Prints, one per line, the files matching the git pathspecs given, minus the pending ones.
lint_files() {
	local f
	while IFS= read -r f; do
		lint_is_pending "$f" || echo "$f"
	done < <(git -C "$root" ls-files -- "$@")
}

lint_format() {
	local log=$1/clang-format.log files t0
	if ! command -v clang-format >/dev/null; then
		echo "=== lint: clang-format: skipped: clang-format not installed (Debian: clang-format)"
		return 0
	fi
	mapfile -t files < <(lint_files '*.c' '*.h')
	t0=$SECONDS
	if clang-format --dry-run --Werror "${files[@]}" >"$log" 2>&1; then
		echo "=== lint: clang-format: ${#files[@]} files formatted ($((SECONDS - t0)) s)"
		passed=$((passed + 1))
	else
		grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$log" | head -n 40
		echo "=== lint: clang-format: FAILED in" \
			"$(grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$log" | cut -d: -f1 | sort -u | wc -l)" \
			"files (fix: clang-format -i FILE; full log: $log)"
		note_failure "lint: clang-format"
	fi
}

# clang-tidy runs JOBS processes of 8 files each; each writes its own log, so that the
# diagnostics of two processes never interleave.
lint_tidy() {
	local dir=$1 out=$1/clang-tidy files t0 rc findings
	if ! command -v clang-tidy >/dev/null; then
		echo "=== lint: clang-tidy: skipped: clang-tidy not installed (Debian: clang-tidy)"
		return 0
	fi
	if [[ ! -f $dir/compile_commands.json ]]; then
		echo "=== lint: clang-tidy: FAILED: no $dir/compile_commands.json (gcc configure failed?)"
		note_failure "lint: clang-tidy (no compile_commands.json)"
		return 0
	fi
	mapfile -t files < <(lint_files 'src/*.c')
	rm -rf "$out"
	mkdir -p "$out"
	t0=$SECONDS
	# shellcheck disable=SC2016 # expanded by sh -c, not here
	printf '%s\0' "${files[@]}" | (cd "$root" && xargs -0 -P"$JOBS" -n8 sh -c \
		'clang-tidy -p "$0" --quiet "$@" >"$(mktemp "$0/clang-tidy/log.XXXXXX")" 2>&1' "$dir")
	rc=$?
	cat "$out"/log.* >"$out.log"
	# findings of files still pending are not counted (their headers are reported through
	# the files that include them)
	findings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out.log" |
		sed "s|^$root/||" | sort -u | while IFS= read -r line; do
		lint_is_pending "${line%%:*}" || echo "$line"
	done)
	if [[ -n $findings ]] || { ((rc != 0)) && ! grep -qE '^[^ ]+:[0-9]+:[0-9]+: ' "$out.log"; }; then
		[[ -n $findings ]] && echo "$findings"
		[[ -z $findings ]] && tail -n 40 "$out.log"
		echo "=== lint: clang-tidy: FAILED: $(grep -c . <<<"$findings") findings over" \
			"${#files[@]} files ($((SECONDS - t0)) s; full log: $out.log)"
		note_failure "lint: clang-tidy"
	else
		echo "=== lint: clang-tidy: ${#files[@]} files clean ($((SECONDS - t0)) s)"
		passed=$((passed + 1))
	fi
}

run_lint() {
	local dir=$1
	mkdir -p "$dir"
	read_lint_pending
	((${#lint_pending[@]} > 0)) &&
		echo "=== lint: not checked yet (.lint-pending, to be emptied): ${lint_pending[*]}"
	lint_format "$dir"
	lint_tidy "$dir"
}

if command -v gcc >/dev/null; then
	if build "gcc" "$root/build-test-gcc" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc; then
		run_ctest "gcc" "$root/build-test-gcc"
	fi
else
	note_failure "gcc not installed"
fi

# Optimised builds see warnings -O0 does not (gcc's -Wmaybe-uninitialized, -Wformat-truncation,
# -Wstringop-overread): the Release tree that run-sample.sh and the bench build, tests included,
# must compile warning-free too.
if command -v gcc >/dev/null; then
	if build "gcc Release" "$root/build-test-release" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_C_COMPILER=gcc -DSYNFIN_TESTS=ON; then
		passed=$((passed + 1))
	fi
fi

# The profile-guided build the bench times (bench/pgo.sh): it must build, and its synfin must
# write, byte for byte, what the instrumented build wrote on the training captures.
if command -v gcc >/dev/null; then
	echo "=== gcc profile-guided Release: bench/pgo.sh ($root/build-test-pgo)"
	mkdir -p "$root/build-test-pgo"
	pgo_log=$root/build-test-pgo/pgo.log
	if JOBS=$JOBS "$root/bench/pgo.sh" "$root/build-test-pgo" >"$pgo_log" 2>&1; then
		echo "=== gcc profile-guided Release: built, outputs as the instrumented build's"
		passed=$((passed + 1))
	else
		tail -n 40 "$pgo_log"
		note_failure "gcc profile-guided Release (see $pgo_log)"
	fi
fi

# clang-tidy reads the compile_commands.json that configuring the gcc Debug tree wrote.
run_lint "$root/build-test-gcc"

if command -v clang >/dev/null; then
	if build "clang+asan+ubsan" "$root/build-test-asan" -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_C_COMPILER=clang -DSYNFIN_SANITIZE=ON; then
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
			UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
			run_ctest "clang+asan+ubsan" "$root/build-test-asan"
	fi
else
	note_failure "clang not installed"
fi

if have_libfuzzer; then
	if build "fuzz" "$root/build-test-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang -DSYNFIN_FUZZ=ON -DSYNFIN_TESTS=OFF; then
		run_fuzz "$root/build-test-fuzz"
	fi
else
	echo "=== fuzz: skipped: clang cannot link libFuzzer (install clang and libclang-rt-14-dev)"
fi

echo
if ((${#failures[@]} > 0)); then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
((skipped > 0)) && echo "($skipped skipped: 'ctest --test-dir BUILD -V -R NAME' prints why)"
echo "$passed passed, $failed failed"
((failed == 0))
