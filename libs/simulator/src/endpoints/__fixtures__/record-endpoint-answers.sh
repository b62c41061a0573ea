#!/usr/bin/env bash
# Records linux-endpoint-answers.pcap (no argument) or linux-challenge-ack-limit.pcap
# (argument `challenge-limit`): see README.md. Needs root, ip netns, iptables, tcpdump.
set -euo pipefail
scenario=${1:-answers}
out=linux-endpoint-answers
[[ "$scenario" == challenge-limit ]] && out=linux-challenge-ack-limit
here=$(cd "$(dirname "$0")" && pwd)
a=nmep-a-$$
b=nmep-b-$$
cleanup() {
  [[ -n "${tcpdump_pid:-}" ]] && kill "$tcpdump_pid" 2>/dev/null || true
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null || true
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$a"
ip netns add "$b"
ip link add nmep-va type veth peer name nmep-vb
ip link set nmep-va netns "$a"
ip link set nmep-vb netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev nmep-va
ip -n "$b" addr add 10.77.0.2/24 dev nmep-vb
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set nmep-va up
ip -n "$b" link set nmep-vb up
# A's own kernel would reset B's answers to our crafted flows: let only marked RSTs out.
ip netns exec "$a" iptables -A OUTPUT -p tcp --tcp-flags RST RST -m mark ! --mark 0x77 -j DROP
# The listener leaves the first connection (and those of challenge-limit) alone; of the
# later ones it closes the 1st and 3rd at once, the 2nd after 1 s without reading, and
# half-closes the 4th (shutdown SHUT_WR).
ip netns exec "$b" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", 9000)); s.listen(16)
held = []
while True:
    c, peer = s.accept()
    held.append(c)
    if peer[1] == 41003 or peer[1] >= 43000:
        continue
    if peer[1] == 42004:
        c.shutdown(socket.SHUT_WR)
        continue
    if peer[1] == 42002:
        time.sleep(1)
    c.close()' &
server_pid=$!
sleep 0.5
[[ "$scenario" == challenge-limit ]] && ip netns exec "$b" sysctl -qw net.ipv4.tcp_challenge_ack_limit=1
ip netns exec "$b" tcpdump -i nmep-vb -w "$here/$out.pcap" -U -n tcp 2>/dev/null &
tcpdump_pid=$!
sleep 1
SCENARIO=$scenario ip netns exec "$a" python3 "$here/record-endpoint-answers.py"
sleep 0.5
uname -r > "$here/$out.kernel.txt"
