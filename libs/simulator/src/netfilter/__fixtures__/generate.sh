#!/usr/bin/env bash
# Regenerates the fixtures in this folder from input/*.rules: each set is loaded with
# iptables-legacy-restore / ip6tables-legacy-restore into a throw-away network namespace and
# read back with the matching -save, so the fixtures are exactly what the tools print.
# Needs root. The namespace is deleted on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")"
ns="nmfx-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
save() { # family input output
  local restore=iptables-legacy-restore dump=iptables-legacy-save
  if [ "$1" = 6 ]; then restore=ip6tables-legacy-restore dump=ip6tables-legacy-save; fi
  ip netns exec "$ns" "$restore" <"input/$2"
  ip netns exec "$ns" "$dump" >"$3"
  # Empty the namespace's tables before the next set.
  for table in raw mangle nat filter; do
    ip netns exec "$ns" "${dump%-save}" -t "$table" -F
    ip netns exec "$ns" "${dump%-save}" -t "$table" -X
  done
}
save 4 kube-proxy.rules kube-proxy-legacy-save.txt
# 40 ClusterIP services with one endpoint each, and one rule without a destination in the
# middle of KUBE-SERVICES: enough rules for the evaluator's destination index to kick in.
{
  echo '*nat'
  echo ':PREROUTING ACCEPT [0:0]'; echo ':INPUT ACCEPT [0:0]'; echo ':OUTPUT ACCEPT [0:0]'; echo ':POSTROUTING ACCEPT [0:0]'
  echo ':KUBE-SERVICES - [0:0]'
  for i in $(seq 1 40); do echo ":KUBE-SVC-S$i - [0:0]"; done
  echo '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
  for i in $(seq 1 40); do
    if [ "$i" = 21 ]; then echo '-A KUBE-SERVICES -s 10.99.0.0/16 -p tcp -m tcp --dport 80 -j RETURN'; fi
    echo "-A KUBE-SERVICES -d 10.96.1.$i/32 -p tcp -m comment --comment \"ns/svc$i:http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-S$i"
    echo "-A KUBE-SVC-S$i -p tcp -m comment --comment \"ns/svc$i:http\" -m tcp -j DNAT --to-destination 10.244.1.$i:8080"
  done
  echo '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j RETURN'
  echo 'COMMIT'
} >input/kube-proxy-many.rules
save 4 kube-proxy-many.rules kube-proxy-many-legacy-save.txt
save 4 istio.rules istio-legacy-save.txt
save 4 host-firewall.rules host-firewall-legacy-save.txt
save 6 ipv6.rules ip6tables-legacy-save.txt
save 4 docker.rules docker-legacy-save.txt
# Counters after real traffic: 8 UDP datagrams to port 5000 (statistic nth), one each to
# 6000 (goto, then RETURN) and 6001 (jump, then RETURN), sent over loopback in the namespace.
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" iptables-legacy-restore <input/nth-goto.rules
ip netns exec "$ns" bash -c 'for i in 1 2 3 4 5 6 7 8; do echo x >/dev/udp/127.0.0.1/5000; sleep 0.05; done
  echo y >/dev/udp/127.0.0.1/6000; echo z >/dev/udp/127.0.0.1/6001'
ip netns exec "$ns" iptables-legacy-save -c -t filter >nth-goto-legacy-save-c.txt
ip netns exec "$ns" iptables-legacy -t filter -F
ip netns exec "$ns" iptables-legacy -t filter -X
# nft backend: the same kube-proxy set through iptables-nft.
ip netns exec "$ns" iptables-nft-restore <input/kube-proxy.rules
ip netns exec "$ns" iptables-nft-save >kube-proxy-nft-save.txt
