#!/bin/bash
# Side-by-side benchmark of berthd, Docker and Podman through the same docker CLI, using the shared
# engine-bench.sh. Starts what is missing (Debian's docker.io and podman as the anchors, berthd on its
# own bench roots), makes busybox:latest on each, runs the benchmarks, and stops what it started.
#
#   bench/compare.sh [--quick] [--only run,density,...] [--out bench/results/<date>.md]
#
# Docker runs with --iptables=false and its own bridge so that its firewall rules (FORWARD policy DROP)
# do not break the NAT of the other engines on the same host.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=${SHARED:-$repo/../shared}
out=bench/results/$(date +%Y-%m-%d).md
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$(dirname "$out")"
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
started=()
cleanup() {
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2
  umount -R "$work"/* 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sh scripts/make-busybox-rootfs.sh "$work/busybox.tar"

targets=()
# --- Docker (anchor)
if command -v dockerd >/dev/null 2>&1; then
  if ! DOCKER_HOST=unix:///var/run/docker.sock docker version >/dev/null 2>&1; then
    dockerd --data-root /var/lib/docker-anchor --iptables=false --ip-masq=false >"$work/dockerd.log" 2>&1 &
    started+=($!)
    for _ in $(seq 100); do DOCKER_HOST=unix:///var/run/docker.sock docker version >/dev/null 2>&1 && break; sleep 0.2; done
  fi
  DOCKER_HOST=unix:///var/run/docker.sock docker image inspect busybox:latest >/dev/null 2>&1 ||
    DOCKER_HOST=unix:///var/run/docker.sock docker import "$work/busybox.tar" busybox:latest >/dev/null
  targets+=(docker=unix:///var/run/docker.sock)
else
  echo "dockerd not installed (apt-get install docker.io): comparing without Docker" >&2
fi
# --- Podman (anchor)
if command -v podman >/dev/null 2>&1; then
  if [ ! -S /run/podman/podman.sock ]; then
    podman system service --time=0 unix:///run/podman/podman.sock >"$work/podman.log" 2>&1 &
    started+=($!)
    sleep 2
  fi
  DOCKER_HOST=unix:///run/podman/podman.sock docker image inspect busybox:latest >/dev/null 2>&1 ||
    DOCKER_HOST=unix:///run/podman/podman.sock docker import "$work/busybox.tar" busybox:latest >/dev/null
  targets+=(podman=unix:///run/podman/podman.sock)
fi
# --- berthd on its own roots
npm run --silent build
node dist/src/daemon/main.js --data-root "$work/berth-data" --exec-root "$work/berth-exec" -H "unix://$work/berth.sock" \
  --pidfile "$work/berthd.pid" --bridge berthbench0 --bip 172.30.99.1/24 --firewall-table berth_bench --cgroup-parent berth-bench \
  >"$work/berthd.log" 2>&1 &
bpid=$!
started+=($bpid)
for _ in $(seq 100); do DOCKER_HOST="unix://$work/berth.sock" docker version >/dev/null 2>&1 && break; sleep 0.1; done
DOCKER_HOST="unix://$work/berth.sock" docker import "$work/busybox.tar" busybox:latest >/dev/null
targets+=(berth="unix://$work/berth.sock")

"$shared/bench/engine-bench.sh" --out "$out" --daemon-pid "berth=$bpid" "${args[@]}" "${targets[@]}"
echo "report: $out"
