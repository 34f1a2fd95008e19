#!/bin/bash
# Volume benchmarks against whatever engine DOCKER_HOST points at (berthd or dockerd), through the docker CLI:
#   1. sequential write throughput (dd, 256 MiB, fsync at the end) into a named volume, a bind mount, the layer;
#   2. first start of a container whose empty volume needs copy-up of /bin (busybox: ~400 entries) vs nocopy.
# Usage: DOCKER_HOST=unix:///run/berth/berth.sock bench/volumes.sh [reps]   (never asserts; prints a table)
set -euo pipefail
reps=${1:-3}
docker=${CLIENT:-docker}
work=$(mktemp -d /var/tmp/berth-bench-vol.XXXX)
trap 'rm -rf "$work"; $docker volume rm -f bvol >/dev/null 2>&1 || true' EXIT
# busybox dd prints no rate and its sh has no `time`: time `docker exec dd` from the host (exec costs ~30 ms).
write() {
  local c; c=$($docker run -d "$@" busybox sh -c 'mkdir -p /t; sleep 600')
  local s e; s=$(date +%s%N)
  $docker exec "$c" dd if=/dev/zero of=/t/f bs=1M count=256 conv=fsync 2>/dev/null
  e=$(date +%s%N)
  $docker rm -f "$c" >/dev/null
  awk -v ns=$((e - s)) 'BEGIN { printf "%.0f\n", 256 / (ns / 1e9) }'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| target | MB/s (median of %s) |\n|---|---|\n' "$reps"
$docker volume create bvol >/dev/null
for t in volume bind layer; do
  for _ in $(seq "$reps"); do
    case $t in
      volume) write -v bvol:/t ;;
      bind) write -v "$work:/t" ;;
      layer) write ;;
    esac
  done | median | xargs printf "| $t | %s |\n"
done
printf '\n| first start | ms (median of %s) |\n|---|---|\n' "$reps"
for mode in copy nocopy; do
  for i in $(seq "$reps"); do
    $docker volume rm -f cu$i >/dev/null 2>&1 || true
    opt=""; [ $mode = nocopy ] && opt=":nocopy"
    s=$(date +%s%N)
    $docker run --rm -v "cu$i:/bin$opt" busybox /bin/busybox true >/dev/null 2>&1 || true
    e=$(date +%s%N)
    $docker volume rm -f cu$i >/dev/null
    echo $(( (e - s) / 1000000 ))
  done | median | xargs printf "| run -v vol:/bin ($mode) | %s |\n"
done
