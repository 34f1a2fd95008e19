#!/bin/bash
# Daemon CPU while `docker stats` streams 50 running containers for 20 s (the CLI polls every container's
# stats stream, one sample a second each). DAEMON_PID is the engine's pid (berthd), or several separated by
# spaces (dockerd and containerd: both work for Docker's stats).
# Usage: DOCKER_HOST=... DAEMON_PID=1234 bench/stats.sh [containers] [seconds]   (prints one line; never asserts)
set -euo pipefail
n=${1:-50}; secs=${2:-20}
docker=${CLIENT:-docker}
: "${DAEMON_PID:?set DAEMON_PID to the engine process id}"
ids=$(for i in $(seq "$n"); do $docker run -d --label berth-bench-stats=1 busybox sleep 600; done)
trap '$docker rm -f $ids >/dev/null' EXIT
ticks() { local t=0 p; for p in $DAEMON_PID; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
hz=$(getconf CLK_TCK)
idle0=$(ticks)
sleep 5
idle1=$(ticks)
t0=$(ticks)
timeout "$secs" $docker stats --format '{{.Name}} {{.CPUPerc}}' >/dev/null 2>&1 || true
t1=$(ticks)
awk -v a="$idle0" -v b="$idle1" -v c="$t0" -v d="$t1" -v hz="$hz" -v s="$secs" -v n="$n" 'BEGIN {
  printf "| %d containers | idle daemon CPU %.1f%% | daemon CPU while streaming stats %.1f%% of one core |\n", n, (b-a)/hz/5*100, (d-c)/hz/s*100 }'
