#!/bin/sh
# One command from a fresh clone (as root): install, build, put berth/berthd on PATH, start berthd on its
# defaults, make busybox:latest from Debian's busybox-static, and run a container from it.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
sh scripts/install-deps.sh
chmod +x dist/berth.mjs dist/src/daemon/main.js
ln -sf "$repo/dist/berth.mjs" /usr/local/bin/berth
ln -sf "$repo/dist/src/daemon/main.js" /usr/local/bin/berthd
sock=/run/berth/berth.sock
if ! berth version >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup berthd >/var/log/berthd.log 2>&1 &
  i=0
  until berth version >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then echo "berthd did not start; see /var/log/berthd.log" >&2; tail -n 20 /var/log/berthd.log >&2; exit 1; fi
    sleep 0.1
  done
fi
echo "berthd is up on unix://$sock (log: /var/log/berthd.log)"
if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  tar=$(mktemp /tmp/busybox-rootfs.XXXXXX.tar)
  sh scripts/make-busybox-rootfs.sh "$tar"
  berth import "$tar" busybox:latest
  rm -f "$tar"
fi
berth run --rm busybox echo "hello from a berth container"
echo "Point the docker CLI at it with: export DOCKER_HOST=unix://$sock"
