#!/bin/sh
# Live loss test: synfin's count of retransmitted segments against the Linux kernel's.
#
#   loss_ns.sh SYNFIN [DROP_PERCENT] [MBYTES] [data|acks] [4|6]
#
# Two network namespaces joined by a veth pair (created here with names unique to this run,
# removed on exit), segmentation offloads off so one captured packet is one segment, nftables
# in the receiver dropping DROP_PERCENT % (default 3) of the sender's data segments at random
# (`numgen random mod 100 < N`), a bulk transfer of MBYTES (default 8) MB by python3 sockets,
# tcpdump on the sender's veth. The sender namespace's TcpRetransSegs (nstat) is the ground
# truth; synfin's retransmissions (tcp.analysis.retransmission, fast and spurious included,
# from the expert info of `synfin stats`) must be within 2 % of it. tshark's count is printed
# beside them. The retransmissions synfin shows to be spurious by a D-SACK must be within 10 %
# of the segments the D-SACKs the sender's kernel received cover (TcpExtTCPDSACKRecvSegs).
# With `acks` the receiver's pure ACKs are dropped instead and the data goes in bursts 20 ms
# apart: when a burst's last ACKs are lost the sender probes its tail again (Linux's tail loss
# probe, or an RTO), the receiver already holds those bytes and answers with a D-SACK, so the
# retransmissions are spurious and synfin must show them so. The last argument picks IPv4 (default) or IPv6: over IPv6 no IP ID tells a
# retransmission from a reordered segment, so the test shows the other evidence at work.
# Exit 77 (skip) without root, ip, nft, tcpdump, ethtool, nstat or python3.
set -u
SYNFIN=${1:?usage: loss_ns.sh SYNFIN [DROP_PERCENT] [MBYTES] [data|acks]}
DROP=${2:-3}
MB=${3:-8}
MODE=${4:-data}
case $MODE in data | acks) ;; *) echo "mode: data or acks"; exit 2 ;; esac
FAM=${5:-4}
case $FAM in
4) A_S=10.213.0.1/24 A_R=10.213.0.2/24 DST=10.213.0.2 AF=AF_INET LEN="ip length" ;;
6) A_S="fd00:213::1/64 nodad" A_R="fd00:213::2/64 nodad" DST=fd00:213::2 AF=AF_INET6 LEN="ip6 length" ;;
*) echo "family: 4 or 6"; exit 2 ;;
esac
SKIP=77

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces, nftables, capture)"; exit $SKIP; }
for t in ip nft tcpdump ethtool nstat python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit $SKIP; }
done

ID=$$
NS_S=sfloss${ID}s
NS_R=sfloss${ID}r
VS=sfl${ID}s
VR=sfl${ID}r
PORT=$((20000 + ID % 20000))
WORK=$(mktemp -d)
TCPDUMP_PID=

cleanup() {
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

fail() { echo "FAIL: $*"; exit 1; }

ip netns add "$NS_S" && ip netns add "$NS_R" || { echo "SKIP: cannot create namespaces"; exit $SKIP; }
ip link add "$VS" netns "$NS_S" type veth peer name "$VR" netns "$NS_R" || fail "veth"
# shellcheck disable=SC2086
ip -n "$NS_S" addr add $A_S dev "$VS"
# shellcheck disable=SC2086
ip -n "$NS_R" addr add $A_R dev "$VR"
ip -n "$NS_S" link set lo up && ip -n "$NS_S" link set "$VS" up
ip -n "$NS_R" link set lo up && ip -n "$NS_R" link set "$VR" up
ip netns exec "$NS_S" ethtool -K "$VS" tso off gso off gro off >/dev/null 2>&1
ip netns exec "$NS_R" ethtool -K "$VR" tso off gso off gro off >/dev/null 2>&1

# drop the sender's data segments only (never SYN/FIN/RST) so every loss is repaired; or, in
# acks mode, the receiver's pure ACKs
if [ "$MODE" = data ]; then
	RULE="type filter hook input priority 0; policy accept;
		tcp dport $PORT tcp flags & (syn | fin | rst) == 0 $LEN > 100 numgen random mod 100 < $DROP counter drop"
	PAUSE=0
else
	RULE="type filter hook output priority 0; policy accept;
		tcp sport $PORT tcp flags & (syn | fin | rst) == 0 $LEN <= 100 numgen random mod 100 < $DROP counter drop"
	PAUSE=0.02
fi
ip netns exec "$NS_R" nft -f - <<NFT || fail "nft"
table inet sfloss {
	chain filter {
		$RULE
	}
}
NFT

CAP=$WORK/loss.pcap
ip netns exec "$NS_S" tcpdump -i "$VS" -s 128 -U -w "$CAP" "tcp port $PORT" 2>"$WORK/tcpdump.err" &
TCPDUMP_PID=$!
sleep 1

cat >"$WORK/recv.py" <<PY
import socket
s = socket.socket(socket.$AF); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("$DST", $PORT)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
c.close(); print(n)
PY
cat >"$WORK/send.py" <<PY
import socket, time
for i in range(50):
    try:
        s = socket.create_connection(("$DST", $PORT), timeout=30); break
    except OSError: time.sleep(0.1)
buf = b"x" * 65536
for i in range($MB * 16):
    s.sendall(buf)
    if $PAUSE: time.sleep($PAUSE)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
PY
ip netns exec "$NS_S" nstat -n >/dev/null 2>&1
timeout 60 ip netns exec "$NS_R" python3 "$WORK/recv.py" >"$WORK/recv.out" &
RECV=$!
sleep 0.3
timeout 60 ip netns exec "$NS_S" python3 "$WORK/send.py" || fail "sender failed"
wait $RECV || fail "receiver failed"
sleep 1
kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null; TCPDUMP_PID=

GOT=$(cat "$WORK/recv.out")
[ "$GOT" = $((MB * 1048576)) ] || fail "receiver got $GOT bytes"
KERNEL=$(ip netns exec "$NS_S" nstat -az TcpRetransSegs | awk '$1 == "TcpRetransSegs" {print $2}')
# segments the D-SACK blocks the sender received cover (RFC 2883; TCPDSACKRecvSegs since
# Linux 5.x, else the blocks themselves): the retransmissions they show to be spurious
KDSACK=$(ip netns exec "$NS_S" nstat -az TcpExtTCPDSACKRecvSegs TcpExtTCPDSACKRecv |
	awk '$1 == "TcpExtTCPDSACKRecvSegs" {segs = $2} $1 == "TcpExtTCPDSACKRecv" {blocks = $2}
	     END {print (segs != "" ? segs : blocks) + 0}')
DROPPED=$(ip netns exec "$NS_R" nft list ruleset | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
# the expert-info lines of `synfin stats` end with the flag's field; as in tshark, the
# retransmission line counts fast and spurious retransmissions too
SYN=$("$SYNFIN" stats "$CAP" | awk '$NF == "[tcp.analysis.retransmission]" {n += $1} END {print n + 0}')
OOO=$("$SYNFIN" stats "$CAP" | awk '$NF == "[tcp.analysis.out_of_order]" {n += $1} END {print n + 0}')
DSACK=$("$SYNFIN" stats "$CAP" | awk '/shown spurious by a D-SACK/ {print $NF}')
if command -v tshark >/dev/null 2>&1; then
	TSHARK=$(tshark -n -r "$CAP" -Y tcp.analysis.retransmission 2>/dev/null | wc -l)
	TSHARK_OOO=$(tshark -n -r "$CAP" -Y tcp.analysis.out_of_order 2>/dev/null | wc -l)
	TSHARK_SPUR=$(tshark -n -r "$CAP" -Y tcp.analysis.spurious_retransmission 2>/dev/null | wc -l)
else
	TSHARK="n/a"; TSHARK_OOO="n/a"; TSHARK_SPUR="n/a"
fi
echo "loss test (IPv$FAM): ${MB} MB, ${DROP}% of $([ "$MODE" = data ] && echo "data segments" || echo "pure ACKs") dropped ($DROPPED dropped by nftables)"
echo "  kernel TcpRetransSegs (sender): $KERNEL"
echo "  synfin retransmissions:         $SYN (out-of-order: $OOO)"
echo "  tshark retransmissions:         $TSHARK (out-of-order: $TSHARK_OOO)"
echo "  segments D-SACKed (kernel):     $KDSACK; synfin: ${DSACK:-?} retransmissions shown spurious (tshark's spurious retransmissions: $TSHARK_SPUR)"
[ -n "$DSACK" ] || fail "no D-SACK line in synfin stats"
[ "$MODE" = data ] || [ "$KDSACK" -gt 0 ] || fail "no D-SACK received: nothing was tested"
# within 10 % (or 2) of the kernel's count, either way
DD=$((DSACK > KDSACK ? DSACK - KDSACK : KDSACK - DSACK))
[ $((10 * DD)) -le "$KDSACK" ] || [ "$DD" -le 2 ] || fail "synfin shows $DSACK retransmissions spurious, the kernel's D-SACKs covered $KDSACK segments"
[ -n "$KERNEL" ] && [ "$KERNEL" -gt 0 ] || fail "no kernel retransmissions: nothing was tested"
DIFF=$((SYN > KERNEL ? SYN - KERNEL : KERNEL - SYN))
# within 2 %: 100 * |synfin - kernel| <= 2 * kernel
[ $((100 * DIFF)) -le $((2 * KERNEL)) ] || fail "synfin $SYN vs kernel $KERNEL: more than 2% apart"
echo "PASS: synfin within 2% of the kernel"
