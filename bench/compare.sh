#!/bin/bash
# Side-by-side benchmark of berthd, Docker and Podman through the same docker CLI, using the shared
# engine-bench.sh. Starts what is missing (Debian's docker.io and podman as the anchors, berthd on its
# own bench roots), makes busybox:latest on each, runs the benchmarks, and stops what it started.
#
#   bench/compare.sh [--worktree | --rev REV] [--quick] [--only run,density,...] [--out bench/results/<date>.md]
#                    [other engine-bench options]
#
# Docker runs with --iptables=false --ip-masq=false so that its firewall rules (FORWARD policy DROP)
# do not break the NAT of the other engines on the same host (it keeps Debian's default docker0 bridge).
# berthd is compiled into a private directory from `git archive REV` (default HEAD: a consistent, named
# snapshot; other engineers' half-done edits in the working tree do not leak in), or from the working tree
# with --worktree (must type-check). Concurrent `npm run build`s neither break nor change the engine under test.
#
# Environment: CLIENT (docker CLI, default /usr/local/bin/docker), SHARED (default ../shared),
#              BERTH_EXTRA (extra berthd flags, e.g. "--log-level debug").
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=${SHARED:-$repo/../shared}
client=${CLIENT:-/usr/local/bin/docker}
out=bench/results/$(date +%Y-%m-%d).md
args=()
rev=HEAD
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --worktree) rev=; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$(dirname "$out")"
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
started=()
dk() { local host=$1; shift; DOCKER_HOST=$host DOCKER_CONTEXT= DOCKER_CLI_HINTS=false timeout 60 "$client" "$@" </dev/null; }
up() { dk "$1" version >/dev/null 2>&1; }
wait_up() {  # wait_up HOST PID SECONDS
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    up "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
cleanup() {
  local p i
  # SIGTERM, then wait (dockerd stops its containerd, berthd unmounts) before anything is removed
  for p in "${started[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${started[@]}"; do
    for ((i = 0; i < 200; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && { echo "pid $p did not stop; SIGKILL" >&2; kill -KILL "$p" 2>/dev/null || true; }
  done
  if grep -q " $work/" /proc/mounts; then
    grep " $work/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  fi
  rm -rf "$work"
  # dockerd bind-mounts its data root onto itself; a dockerd that did not shut down cleanly leaves that behind
  if [ -n "${dockerd_pid:-}" ] && ! pgrep -x dockerd >/dev/null && grep -q ' /var/lib/docker-anchor ' /proc/mounts; then
    umount /var/lib/docker-anchor 2>/dev/null || true
  fi
  # the (empty) --cgroup-parent directories berthd created
  for d in /sys/fs/cgroup/berth-bench /sys/fs/cgroup/*/berth-bench; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
sh scripts/make-busybox-rootfs.sh "$work/busybox.tar"

targets=()
# --- Docker (anchor)
D=unix:///var/run/docker.sock
if command -v dockerd >/dev/null 2>&1; then
  if ! up "$D"; then
    dockerd --data-root /var/lib/docker-anchor --iptables=false --ip-masq=false >"$work/dockerd.log" 2>&1 &
    started+=($!)
    dockerd_pid=$!
    wait_up "$D" $! 30 || { echo "dockerd did not come up:" >&2; tail -20 "$work/dockerd.log" >&2; exit 1; }
  fi
  dk "$D" image inspect busybox:latest >/dev/null 2>&1 || dk "$D" import "$work/busybox.tar" busybox:latest >/dev/null
  targets+=(docker=$D)
else
  echo "dockerd not installed (apt-get install docker.io): comparing without Docker" >&2
fi
# --- Podman (anchor); a stale socket file from an earlier run must not count as "running"
P=unix:///run/podman/podman.sock
if command -v podman >/dev/null 2>&1; then
  if ! up "$P"; then
    mkdir -p /run/podman; rm -f /run/podman/podman.sock
    podman system service --time=0 "$P" >"$work/podman.log" 2>&1 &
    started+=($!)
    wait_up "$P" $! 30 || { echo "podman service did not come up:" >&2; tail -20 "$work/podman.log" >&2; exit 1; }
  fi
  dk "$P" image inspect busybox:latest >/dev/null 2>&1 || dk "$P" import "$work/busybox.tar" busybox:latest >/dev/null
  targets+=(podman=$P)
fi
# --- berthd on its own roots, from a private build
if [ -n "$rev" ]; then
  label="$(git rev-parse --short "$rev") ($rev)"
  mkdir -p "$work/src"
  git archive "$rev" src tsconfig.json package.json | tar -x -C "$work/src"
  sed -i 's#"include": \[.*\]#"include": ["src/**/*.ts"]#' "$work/src/tsconfig.json"
  ln -s "$repo/node_modules" "$work/src/node_modules"
  (cd "$work/src" && node_modules/.bin/tsc -p tsconfig.json --outDir "$work/dist") || { echo "build of $rev failed" >&2; exit 1; }
else
  label="working tree on $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')"
  node_modules/.bin/tsc -p tsconfig.json --outDir "$work/dist" || { echo "build of the working tree failed" >&2; exit 1; }
fi
ln -s "$repo/node_modules" "$work/node_modules"
B="unix://$work/berth.sock"
# shellcheck disable=SC2086
node "$work/dist/src/daemon/main.js" --data-root "$work/berth-data" --exec-root "$work/berth-exec" -H "$B" \
  --pidfile "$work/berthd.pid" --bridge berthbench0 --bip 172.30.99.1/24 --firewall-table berth_bench \
  --cgroup-parent berth-bench ${BERTH_EXTRA:-} >"$work/berthd.log" 2>&1 &
bpid=$!
started+=($bpid)
wait_up "$B" $bpid 30 || { echo "berthd did not come up:" >&2; tail -20 "$work/berthd.log" >&2; exit 1; }
dk "$B" import "$work/busybox.tar" busybox:latest >/dev/null
targets+=(berth="$B")

load0=$(cut -d' ' -f1-3 /proc/loadavg)
"$shared/bench/engine-bench.sh" --client "$client" --out "$out" --daemon-pid "berth=$bpid" "${args[@]}" "${targets[@]}"
load1=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "berth: $label, built $(date -u +%FT%TZ); docker: $(dockerd --version 2>/dev/null | cut -d, -f1);" \
    "podman: $(podman --version 2>/dev/null); $(nproc) CPUs; loadavg before: $load0, after: $load1"
} >>"$out"
cp "$work/berthd.log" "${out%.md}.berthd.log" 2>/dev/null || true
echo "report: $out"
