#!/usr/bin/env bash
# Regenerates samples/handshake.pcap: a real TCP connection on loopback, captured by tcpdump.
#
#   client connects to 127.0.0.1:7788 (three-way handshake), sends "a", the server answers
#   "A"; 50 ms later it sends "b", the server answers "B"; the client closes; the server waits
#   100 ms before closing, so its FIN is a segment of its own: a four-way close.
#
# Needs root (or CAP_NET_RAW) for tcpdump, python3 and tcpdump. Only this script needs
# python3: the test suite reads the committed capture.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/handshake.pcap}
port=7788

for tool in tcpdump python3; do
	command -v "$tool" >/dev/null || { echo "make-sample.sh: $tool is required" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'kill "${server_pid:-}" "${tcpdump_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

cat >"$tmp/server.py" <<PY
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", $port))
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
while True:
    data = c.recv(100)
    if not data:
        break
    c.sendall(data.upper())
time.sleep(0.1)          # let the client's FIN be acknowledged alone: a four-way close
c.close()
s.close()
PY

cat >"$tmp/client.py" <<PY
import socket, time
c = socket.create_connection(("127.0.0.1", $port))
for msg in (b"a", b"b"):
    c.sendall(msg)
    assert c.recv(100) == msg.upper()
    time.sleep(0.05)
c.close()
time.sleep(0.2)          # the server closes 100 ms after us
PY

# Start the capture first and wait until tcpdump says it is listening.
tcpdump -i lo -U -w "$tmp/cap.pcap" "tcp port $port" 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 50); do
	grep -q "listening on" "$tmp/tcpdump.err" 2>/dev/null && break
	sleep 0.1
done
grep -q "listening on" "$tmp/tcpdump.err" || { cat "$tmp/tcpdump.err" >&2; exit 1; }

python3 "$tmp/server.py" >"$tmp/server.out" &
server_pid=$!
for _ in $(seq 50); do
	grep -q ready "$tmp/server.out" 2>/dev/null && break
	sleep 0.1
done
python3 "$tmp/client.py"
wait "$server_pid"
server_pid=

sleep 0.5 # settle: every segment has reached the capture
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=
cp "$tmp/cap.pcap" "$out"
echo "wrote $out"
tcpdump -nn -r "$out" 2>/dev/null
