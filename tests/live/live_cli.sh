#!/bin/sh
# Live tests of `synfin live`. Traffic comes from `synfin lab` on a port below the ephemeral
# range (so no other connection on the machine can use it as its local port) and never
# leaves loopback.
#
# usage: live_cli.sh SYNFIN CASE      exit 0 pass, 1 fail, 77 skip
#   roundtrip  live -c N -w FILE conns: the file read back gives the same conns rows
#   sigint     Ctrl-C during a capture leaves a complete pcapng file and the summary
#   filter     -Y on packets: only the matching packets (the two SYNs of 5 frames)
#   filterconns -Y on conns: only the matching connection's close row, no open lines
#   badiface   no such interface: one line, exit 2
#   badbpf     capture filter syntax error: libpcap's message with the expression, exit 1
#   any        -i any captures loopback traffic (LINUX_SLL)
#   dropuser   root is given up for nobody (the process's uids, the -w file's owner);
#              without root or CAP_NET_RAW the messages name what is missing
set -u
synfin=$1
case_=$2

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture needs root (CAP_NET_RAW)"
	exit 77
fi

tmp=$(mktemp -d) || exit 1
chmod 1777 "$tmp" # the capture writes its -w file as nobody
live_pid=
cleanup() {
	[ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
finish() {
	for f in "$tmp"/*.out "$tmp"/*.err; do
		[ -f "$f" ] && echo "--- $(basename "$f")" && cat "$f"
	done
	[ $fails = 0 ] && echo PASS && exit 0
	exit 1
}

# A TCP port below the ephemeral range that no socket uses now (/proc/net/tcp{,6} list ports
# in hex).
pick_port() {
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
		hex=$(printf '%04X' "$p")
		grep -q ":$hex " /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
	done
	echo "$p"
}
port=$(pick_port)

# Starts `synfin live ARGS` in the background under timeout (stdout NAME.out, stderr NAME.err)
# and waits until it says it is listening; $synfin_pid is the synfin process.
start_live() {
	name=$1
	shift
	timeout 60 "$synfin" live "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	live_pid=$!
	i=0
	while ! grep -q "^synfin: listening on" "$tmp/$name.err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$live_pid" 2>/dev/null; then
			fail "live never said it was listening"
			finish
		fi
		sleep 0.05
	done
	synfin_pid=$(pgrep -P "$live_pid" | head -1) # timeout's child: synfin itself
	[ -n "$synfin_pid" ] || fail "cannot find the synfin process"
}

wait_live() {
	wait "$live_pid"
	live_rc=$?
	live_pid=
}

lab() { # scenario: traffic on $port
	timeout 30 "$synfin" lab "$1" --port "$port" --brief >"$tmp/lab-$1.log" 2>&1 ||
		{ [ "$1" = handshake ] && fail "lab $1 failed: $(cat "$tmp/lab-$1.log")"; }
}

# The close lines of a live conns log, without their prefix, against `synfin conns FILE`.
same_rows() { # name file
	grep '^close ' "$tmp/$1.out" | cut -c7- >"$tmp/$1.rows"
	"$synfin" conns "$2" >"$tmp/offline.txt" 2>"$tmp/offline.txt.err" ||
		fail "synfin conns $2 failed: $(cat "$tmp/offline.txt.err")"
	tail -n +2 "$tmp/offline.txt" >"$tmp/offline.rows"
	head -1 "$tmp/offline.txt" >"$tmp/offline.head"
	sed -n '1s/^EVENT //p' "$tmp/$1.out" | cmp -s - "$tmp/offline.head" ||
		fail "the live header is not the conns header"
	if ! cmp -s "$tmp/$1.rows" "$tmp/offline.rows"; then
		fail "live conns rows differ from the conns rows of the written file"
		diff "$tmp/$1.rows" "$tmp/offline.rows"
	fi
}

case $case_ in
roundtrip)
	# 2 frames of a refused connection, then the SYN, SYN-ACK and ACK of a handshake.
	start_live rt -i lo -f "tcp port $port" -c 5 -w "$tmp/rt.pcap" conns
	lab refused
	lab handshake
	wait_live
	[ "$live_rc" = 0 ] || fail "live exited $live_rc"
	grep -q "^synfin: live: 5 packets captured" "$tmp/rt.err" || fail "no summary of 5 packets"
	[ "$(grep -c '^open ' "$tmp/rt.out")" = 2 ] || fail "expected 2 open lines"
	[ "$(grep -c '^close ' "$tmp/rt.out")" = 2 ] || fail "expected 2 close lines"
	grep '^close ' "$tmp/rt.out" | grep -q " refused  *rst-abort " || fail "no refused row"
	grep '^close ' "$tmp/rt.out" | grep -q " three-way  *unterminated " ||
		fail "no unterminated three-way row (capture stopped after the handshake)"
	same_rows rt "$tmp/rt.pcap"
	;;
sigint)
	start_live si -i lo -f "tcp port $port" -w "$tmp/si.pcapng" --pcapng conns
	lab handshake
	kill -INT "$synfin_pid"
	wait_live
	[ "$live_rc" = 0 ] || fail "live exited $live_rc after SIGINT"
	grep -Eq "^synfin: live: [0-9]+ packets captured, [0-9]+ received by filter, 0 dropped by kernel" "$tmp/si.err" ||
		fail "no end summary with libpcap's counters"
	grep '^close ' "$tmp/si.out" | grep -q " three-way  *four-way " ||
		fail "the handshake connection's close line is missing"
	same_rows si "$tmp/si.pcapng"
	head -c 4 "$tmp/si.pcapng" | od -An -tx1 | grep -q "0a 0d 0d 0a" || fail "not a pcapng file"
	if command -v tcpdump >/dev/null; then
		tcpdump -nr "$tmp/si.pcapng" >"$tmp/tcpdump.txt" 2>&1 ||
			fail "tcpdump cannot read the file: $(cat "$tmp/tcpdump.txt")"
	fi
	;;
filter)
	start_live fi -i lo -f "tcp port $port" -c 5 -Y "tcp.flags.syn==1 && tcp.flags.ack==0"
	lab refused
	lab handshake
	wait_live
	[ "$live_rc" = 0 ] || fail "live exited $live_rc"
	[ "$(grep -c . "$tmp/fi.out")" = 2 ] || fail "expected 2 packet lines"
	[ "$(grep -c '\[SYN\]' "$tmp/fi.out")" = 2 ] || fail "expected the 2 SYNs"
	;;
filterconns)
	start_live fc -i lo -f "tcp port $port" -c 5 -Y "tcp.flags.reset==1" --timeout closed=1 conns
	lab refused
	lab handshake
	wait_live
	[ "$live_rc" = 0 ] || fail "live exited $live_rc"
	grep -q '^open ' "$tmp/fc.out" && fail "open lines printed with -Y"
	[ "$(grep -c '^close ' "$tmp/fc.out")" = 1 ] || fail "expected 1 close row"
	grep '^close ' "$tmp/fc.out" | grep -q " refused  *rst-abort " || fail "not the refused row"
	;;
badiface)
	"$synfin" live -i nosuchif0 >"$tmp/bi.out" 2>"$tmp/bi.err"
	rc=$?
	[ $rc = 2 ] || fail "exit $rc, expected 2"
	[ "$(cat "$tmp/bi.err")" = "synfin: live: no such interface: nosuchif0" ] ||
		fail "message: $(cat "$tmp/bi.err")"
	;;
badbpf)
	"$synfin" live -i lo -f "tcp prot 80" >"$tmp/bb.out" 2>"$tmp/bb.err"
	rc=$?
	[ $rc = 1 ] || fail "exit $rc, expected 1"
	[ "$(cat "$tmp/bb.err")" = "synfin: live: bad capture filter 'tcp prot 80': syntax error" ] ||
		fail "message: $(cat "$tmp/bb.err")"
	;;
any)
	start_live any -i any -f "tcp port $port" -c 2 conns
	lab refused
	wait_live
	[ "$live_rc" = 0 ] || fail "live exited $live_rc"
	grep -q "link-type LINUX_SLL" "$tmp/any.err" || fail "-i any is not a cooked capture"
	grep '^close ' "$tmp/any.out" | grep -q " refused  *rst-abort " || fail "no refused row"
	;;
dropuser)
	nobody=$(id -u nobody) || {
		echo "SKIP: no user nobody"
		exit 77
	}
	start_live du -i lo -f "tcp port $port" --duration 2 -w "$tmp/du.pcap"
	grep -q "running as nobody" "$tmp/du.err" || fail "live does not say it runs as nobody"
	uids=$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$synfin_pid/status" | tr -s '[:space:]' ' ')
	[ "$uids" = "$nobody $nobody $nobody $nobody " ] ||
		fail "real/effective/saved/fs uids are '$uids', not nobody's $nobody"
	capeff=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$synfin_pid/status")
	[ "$capeff" = 0000000000000000 ] || fail "capabilities left after the drop: $capeff"
	lab handshake
	wait_live
	[ "$live_rc" = 0 ] || fail "live exited $live_rc"
	[ "$(stat -c %U "$tmp/du.pcap")" = nobody ] || fail "the -w file is not owned by nobody"
	# -Z root keeps root, and the file is root's.
	"$synfin" live -i lo -f "tcp port $port" --duration 1 -Z root -w "$tmp/root.pcap" \
		>/dev/null 2>"$tmp/zroot.err" || fail "-Z root failed"
	[ "$(stat -c %U "$tmp/root.pcap")" = root ] || fail "-Z root: the file is not root's"
	# Without privileges: the missing capability is named.
	if command -v setpriv >/dev/null; then
		asnobody="setpriv --reuid=$nobody --regid=$(id -g nobody) --clear-groups"
		$asnobody "$synfin" live -i lo >/dev/null 2>"$tmp/np.err"
		rc=$?
		[ $rc = 2 ] || fail "unprivileged live exited $rc, expected 2"
		grep -q "^synfin: live: permission denied capturing on lo: needs CAP_NET_RAW" "$tmp/np.err" ||
			fail "unprivileged live: $(cat "$tmp/np.err")"
		$asnobody "$synfin" lab syn-retry >/dev/null 2>"$tmp/nl.err"
		rc=$?
		[ $rc = 2 ] || fail "unprivileged lab syn-retry exited $rc, expected 2"
		grep -q "^synfin: lab syn-retry: needs root" "$tmp/nl.err" ||
			fail "unprivileged lab syn-retry: $(cat "$tmp/nl.err")"
		$asnobody "$synfin" lab handshake >/dev/null 2>"$tmp/nh.err"
		grep -q "^synfin: lab handshake: .*needs CAP_NET_RAW" "$tmp/nh.err" ||
			fail "unprivileged lab handshake: $(cat "$tmp/nh.err")"
	fi
	;;
*)
	echo "unknown case $case_"
	exit 1
	;;
esac
finish
