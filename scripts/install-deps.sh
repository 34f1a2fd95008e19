#!/bin/sh
# Installs what a fresh Debian 12 machine lacks for berth (as root), then builds the project.
set -eu
cd "$(dirname "$0")/.."
need=""
for pair in runc:runc conmon:conmon busybox-static:/bin/busybox iproute2:ip nftables:nft tini:tini catatonit:catatonit \
            attr:setfattr util-linux:script procps:ps; do
  pkg=${pair%%:*}; bin=${pair#*:}
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "$bin" ]; then need="$need $pkg"; fi
done
if ! command -v node >/dev/null 2>&1; then need="$need nodejs npm"; fi
# The SDK compat tests: docker-py for the system python3 (test/compat/docker-py.test.ts) and docker-compose 1.29.
if ! /usr/bin/python3 -c 'import docker' >/dev/null 2>&1; then need="$need python3-docker"; fi
if [ ! -x /usr/bin/docker-compose ]; then need="$need docker-compose"; fi
if [ -n "$need" ]; then
  echo "installing:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq $need >/dev/null
fi
if [ ! -d node_modules/typescript ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci refuses this lock file on npm 11 (node-unix-socket lists optional platform packages without versions);
  # npm install honours the lock all the same.
  npm install --no-audit --no-fund --loglevel=error
fi
npm run --silent build
