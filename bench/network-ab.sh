#!/bin/bash
# Container-to-container TCP throughput, engine A vs engine B, steady state: on each engine a sink container
# (accepting one connection after another) and a source container stay up on a user-defined network, and
# 1 GB transfers alternate between the engines (A B, B A, …) so that load from elsewhere hits both alike.
# Nothing of the engines runs during a transfer: this measures the data path each engine built (veth, bridge,
# namespaces, firewall rules). Tool: bench/network-tcp.c (static, bind-mounted).
# Usage: A=unix:///var/run/docker.sock B=unix:///run/berth/berth.sock bench/network-ab.sh [rounds]
# Prints per-round MB/s and the B/A ratios (median per round, and total time); never asserts.
set -euo pipefail
rounds=${1:-16}
docker=${CLIENT:-docker}
: "${A:?engine A socket}" "${B:?engine B socket}"
tool=$(mktemp /tmp/network-tcp.XXXX)
gcc -O2 -static -o "$tool" "$(dirname "$0")/network-tcp.c"
net=nab$$
dk() { local h=$1; shift; DOCKER_HOST=$h $docker "$@"; }
cleanup() { for h in "$A" "$B"; do dk "$h" rm -f nab-sink nab-src >/dev/null 2>&1 || true; dk "$h" network rm $net >/dev/null 2>&1 || true; done; rm -f "$tool"; }
trap cleanup EXIT
declare -A ip
for h in "$A" "$B"; do
  dk "$h" network create $net >/dev/null
  dk "$h" run -d --name nab-sink --network $net -v "$tool:/nt:ro" busybox sh -c 'while :; do /nt sink 5001 >/dev/null; done' >/dev/null
  dk "$h" run -d --name nab-src --network $net -v "$tool:/nt:ro" busybox sleep 100000 >/dev/null
  ip[$h]=$(dk "$h" inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" nab-sink)
done
sleep 1
one() { dk "$1" exec nab-src /nt source "${ip[$1]}" 5001 1000000000 | awk '{print $3}'; }
out=$(for i in $(seq "$rounds"); do
  if [ $((i % 2)) = 1 ]; then a=$(one "$A"); b=$(one "$B"); else b=$(one "$B"); a=$(one "$A"); fi
  echo "$a $b"
done)
echo "round MB/s: A B B/A"
echo "$out" | awk '{printf "%s %s %.2f\n", $1, $2, $2/$1}'
echo "$out" | awk '{print $2/$1}' | sort -n | awk '{r[NR]=$1} END {printf "median per-round B/A %.2f\n", r[int((NR+1)/2)]}'
echo "$out" | awk '{ta+=1/$1; tb+=1/$2} END {printf "total-time B/A %.2f\n", ta/tb}'
