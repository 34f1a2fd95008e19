#!/bin/bash
# Profiles berthd on private roots (a build of git REV, default HEAD) while the docker CLI drives it:
#   1. --cpu-prof + --log-level debug, N x `docker run --rm busybox true` -> cpu profile, per-request log
#   2. strace -f -e execve over M more runs -> helper processes spawned per run (by binary)
#   3. K detached `sleep 3600` containers -> RSS/PSS of berthd, its children and each conmon
#   4. (--import-mb N > 0) --cpu-prof of `docker import` of an N MB tarball (60% random, 40% text)
# Everything lands in OUT (default bench/results/profile-<date>); berthd is stopped with SIGTERM at the end.
#   bench/tools/profile-berthd.sh [--rev REV] [--runs N] [--strace-runs M] [--density K] [--import-mb N] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
client=${CLIENT:-/usr/local/bin/docker}
rev=HEAD runs=50 sruns=10 dens=50 imb=0 out=bench/results/profile-$(date +%Y-%m-%d)
while [ $# -gt 0 ]; do
  case "$1" in
    --rev) rev=$2 ;; --runs) runs=$2 ;; --strace-runs) sruns=$2 ;; --density) dens=$2 ;; --import-mb) imb=$2 ;; --out) out=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
mkdir -p "$out"; out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/berth-prof.XXXXXX)
B="unix://$work/berth.sock"
dk() { DOCKER_HOST=$B DOCKER_CONTEXT= DOCKER_CLI_HINTS=false timeout 60 "$client" "$@" </dev/null; }
bpid=
stop_berthd() {
  [ -n "$bpid" ] || return 0
  kill -TERM "$bpid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$bpid" 2>/dev/null || break; sleep 0.1; done
  bpid=
}
cleanup() {
  dk ps -aq 2>/dev/null | xargs -r "$client" -H "$B" rm -f >/dev/null 2>&1 || true
  stop_berthd
  grep " $work/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
  # the (empty) --cgroup-parent directories berthd created
  for d in /sys/fs/cgroup/berth-prof /sys/fs/cgroup/*/berth-prof; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true
}
trap cleanup EXIT
start_berthd() {  # start_berthd LOGFILE [node flags...]
  local log=$1; shift
  node "$@" "$work/dist/src/daemon/main.js" --data-root "$work/data" --exec-root "$work/exec" -H "$B" \
    --pidfile "$work/berthd.pid" --bridge berthprof0 --bip 172.30.98.1/24 --firewall-table berth_prof \
    --cgroup-parent berth-prof --log-level debug >"$log" 2>&1 &
  bpid=$!
  for _ in $(seq 300); do dk version >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "berthd did not start" >&2; tail "$log" >&2; exit 1
}

sh scripts/make-busybox-rootfs.sh "$work/busybox.tar"
mkdir -p "$work/src"
git archive "$rev" src tsconfig.json package.json | tar -x -C "$work/src"
sed -i 's#"include": \[.*\]#"include": ["src/**/*.ts"]#' "$work/src/tsconfig.json"
ln -s "$repo/node_modules" "$work/src/node_modules"; ln -s "$repo/node_modules" "$work/node_modules"
(cd "$work/src" && node_modules/.bin/tsc -p tsconfig.json --outDir "$work/dist")
echo "berth $(git rev-parse --short "$rev") ($rev); loadavg $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/info.txt"

# ---- 1. cpu profile + debug log
rm -rf "$work/prof"; mkdir -p "$work/prof"
start_berthd "$out/berthd-debug.log" --cpu-prof --cpu-prof-dir "$work/prof"
dk import "$work/busybox.tar" busybox:latest >/dev/null
dk run --rm busybox:latest true   # warm-up
fds() { echo "fds $(ls /proc/$bpid/fd | wc -l), of which unix seqpacket $(ss -xp 2>/dev/null | grep -c "u_seq.*pid=$bpid,")"; }
echo "berthd after warm-up: $(fds)" | tee -a "$out/info.txt"
s=${EPOCHREALTIME/./}
for i in $(seq "$runs"); do
  a=${EPOCHREALTIME/./}; dk run --rm busybox:latest true; b=${EPOCHREALTIME/./}
  echo "$(( (10#$b - 10#$a) / 1000 ))" >>"$out/run-ms.txt"
done
e=${EPOCHREALTIME/./}
echo "berthd after $runs more runs: $(fds)" | tee -a "$out/info.txt"
echo "cpu-prof phase: $runs runs in $(( (10#$e - 10#$s) / 1000 )) ms; berthd CPU (utime+stime ticks): $(awk '{print $14+$15}' /proc/$bpid/stat)" | tee -a "$out/info.txt"
stop_berthd
cp "$work"/prof/*.cpuprofile "$out/berthd.cpuprofile"
node bench/tools/cpuprofile-top.mjs --top 40 "$out/berthd.cpuprofile" >"$out/cpuprofile-top.txt"
node bench/tools/cpuprofile-top.mjs --by file --top 25 "$out/berthd.cpuprofile" >"$out/cpuprofile-by-file.txt"

# ---- 2. processes spawned per run (strace -f of berthd, execve only)
start_berthd "$out/berthd-strace.log"
dk run --rm busybox:latest true
if [ "$sruns" -gt 0 ] && command -v strace >/dev/null; then
  # (--seccomp-bpf would cut the overhead but is refused with -p: every syscall stops, durations are inflated)
  strace -f -q -tt -e trace=execve -e signal=none -o "$out/execve.strace" -p "$bpid" &
  spid=$!
  sleep 1
  for i in $(seq "$sruns"); do dk run --rm busybox:latest true; done
  sleep 1
  kill -INT "$spid"; wait "$spid" 2>/dev/null || true
  {
    echo "execve calls during $sruns x run --rm busybox true (strace -f of berthd):"
    grep 'execve(' "$out/execve.strace" | grep -v ' = -1 ' | grep -o 'execve("[^"]*"' | sed 's/execve("//;s/"$//' |
      sort | uniq -c | sort -rn | awk -v n="$sruns" '{printf "%6d  %5.1f/run  %s\n", $1, $1/n, $2}'
    echo "failed execve (PATH search misses): $(grep -c ' = -1 ENOENT' "$out/execve.strace")"
    echo
    echo "helper lifetimes (execve -> exit, ms; median over runs):"
    awk '/execve\(/ && !/= -1/ {split($2,t,":"); s=t[1]*3600+t[2]*60+t[3]; m=$3; sub(/^execve\("/,"",m); sub(/".*/,"",m); if ($5 ~ /"init"/) m=m"-init"; st[$1]=s; nm[$1]=m}
         /\+\+\+ exited/ {split($2,t,":"); e=t[1]*3600+t[2]*60+t[3]; if ($1 in st) {print nm[$1], (e-st[$1])*1000; delete st[$1]}}' "$out/execve.strace" |
      sort -k1,1 -k2,2n | awk '{n[$1]++; v[$1,n[$1]]=$2} END{for (k in n) printf "  %-22s n=%-3d median %7.1f ms\n", k, n[k], v[k,int((n[k]+1)/2)]}'
  } | tee "$out/execve-summary.txt"
fi

# ---- 3. memory with K running containers
rss() { awk '/^VmRSS/{print $2}' /proc/$1/status 2>/dev/null || echo 0; }
pss() { awk '/^Pss:/{print $2}' /proc/$1/smaps_rollup 2>/dev/null || echo 0; }
before_rss=$(rss "$bpid"); before_pss=$(pss "$bpid")
for i in $(seq "$dens"); do dk run -d --name "prof-d$i" busybox:latest sleep 3600 >/dev/null; done
sleep 3
{
  echo "berthd RSS before: ${before_rss} KiB (PSS ${before_pss}); with $dens containers: $(rss "$bpid") KiB (PSS $(pss "$bpid"))"
  echo "berthd children (not conmon):"
  for c in $(pgrep -P "$bpid"); do echo "  $c $(cat /proc/$c/comm) RSS $(rss "$c") KiB PSS $(pss "$c") KiB"; done
  cpids=$(for i in $(seq "$dens"); do p=$(dk inspect -f '{{.State.Pid}}' "prof-d$i"); awk '{print $4}' /proc/$p/stat; done)
  echo "$cpids" | while read -r c; do echo "$(rss "$c") $(pss "$c")"; done |
    awk '{r+=$1; p+=$2; n++; if(min==""||$1<min)min=$1; if($1>max)max=$1} END{printf "conmon x%d: RSS sum %d KiB (%.0f each, min %d max %d), PSS sum %d KiB (%.0f each)\n", n, r, r/n, min, max, p, p/n}'
  t0=${EPOCHREALTIME/./}; dk ps -a >/dev/null; t1=${EPOCHREALTIME/./}
  echo "ps -a with $dens: $(( (10#$t1 - 10#$t0) / 1000 )) ms"
} | tee "$out/memory.txt"
s=${EPOCHREALTIME/./}
dk rm -f $(for i in $(seq "$dens"); do echo "prof-d$i"; done) >/dev/null
e=${EPOCHREALTIME/./}
echo "rm -f of $dens: $(( (10#$e - 10#$s) / 1000 )) ms" | tee -a "$out/memory.txt"
stop_berthd

# ---- 4. import profile
if [ "$imb" -gt 0 ]; then
  mkdir -p "$work/big"
  for i in $(seq "$imb"); do
    if [ $((i % 5)) -lt 3 ]; then head -c 1048576 /dev/urandom >"$work/big/f$i"; else { yes 'berth import profile text line' | head -c 1048576 >"$work/big/f$i"; } || true; fi
  done
  tar -C "$work/big" -cf "$work/big.tar" .
  rm -rf "$work/prof"; mkdir -p "$work/prof"
  start_berthd "$out/berthd-import.log" --cpu-prof --cpu-prof-dir "$work/prof"
  s=${EPOCHREALTIME/./}; dk import "$work/big.tar" big:latest >/dev/null; e=${EPOCHREALTIME/./}
  echo "import of $imb MB: $(( (10#$e - 10#$s) / 1000 )) ms" | tee -a "$out/info.txt"
  stop_berthd
  cp "$work"/prof/*.cpuprofile "$out/import.cpuprofile"
  node bench/tools/cpuprofile-top.mjs --top 30 "$out/import.cpuprofile" >"$out/import-cpuprofile-top.txt"
fi
echo "results in $out"
