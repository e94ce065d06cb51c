#!/usr/bin/env bash
# run-sample.sh — builds synfin (Release) and runs it on the bundled capture.
# On a fresh Debian machine it first installs the build dependencies (as root, with apt).
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
sample=samples/handshake.pcap

missing=()
command -v cc >/dev/null || missing+=(build-essential)
command -v make >/dev/null || missing+=(build-essential)
command -v cmake >/dev/null || missing+=(cmake)
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists libpcap 2>/dev/null || missing+=(libpcap-dev)
if ((${#missing[@]} > 0)); then
	readarray -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		echo "run-sample.sh: installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q
		apt-get install -y -q --no-install-recommends "${missing[@]}"
	else
		echo "run-sample.sh: please install: ${missing[*]}" >&2
		echo "  e.g. sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DSYNFIN_TESTS=OFF >/dev/null
cmake --build build-release -j"${JOBS:-2}" >/dev/null
bin=build-release/synfin
if [[ ! -x $bin ]]; then
	echo "run-sample.sh: the synfin command is not part of this checkout yet (no src/cli/)" >&2
	exit 1
fi

echo "\$ synfin packets $sample"
"$bin" packets "$sample"
if "$bin" --help 2>&1 | grep -qw explain; then
	echo
	echo "\$ synfin explain $sample"
	"$bin" explain "$sample"
fi
