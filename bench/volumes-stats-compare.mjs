#!/usr/bin/env node
// Issue 4's benchmarks side by side: bench/volumes.sh (write throughput into a volume, a bind mount and the
// layer; first start with copy-up) and bench/stats.sh (daemon CPU while `docker stats` streams 50 containers),
// run against berthd (a temporary daemon from this tree's dist/) and dockerd (started here when installed,
// as the shared anchor runs it). For Docker the daemon CPU is dockerd + containerd (both serve stats).
// Usage: npm run build && node bench/volumes-stats-compare.mjs [reps] [containers]
// Reports go to stdout and bench/results/volumes-stats-<date>.md. Benchmarks never assert.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startDaemon, busyboxTarball } = await import(join(repo, 'dist/test/helpers/daemon.js'));
const { CLIENT, DOCKER_HOST: DOCKER, startDockerAnchor } = await import('./lib/docker-anchor.mjs');
const reps = process.argv[2] ?? '3';
const containers = process.argv[3] ?? '50';
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };
const dk = (host, a) => spawnSync(CLIENT, a, { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });

function script(name, host, pids, args) {
  const r = spawnSync('bash', [join(repo, 'bench', name), ...args], { env: { ...process.env, DOCKER_HOST: host, DAEMON_PID: pids, CLIENT }, encoding: 'utf8', timeout: 1_800_000 });
  return (r.stdout + (r.status === 0 ? '' : `\n(${name} exit ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' ')})`)).trim();
}

const engines = [];
const docker = await startDockerAnchor();
if (docker.up) {
  if (dk(DOCKER, ['image', 'inspect', 'busybox:latest']).status !== 0) dk(DOCKER, ['import', busyboxTarball(), 'busybox:latest']);
  const pids = spawnSync('sh', ['-c', 'pgrep -x dockerd; pgrep -x containerd'], { encoding: 'utf8' }).stdout.trim().split('\n').join(' ');
  engines.push({ name: 'docker', host: DOCKER, pids });
} else say('dockerd is not installed or did not come up: berth numbers only');
const berthd = await startDaemon();
engines.push({ name: 'berth', host: berthd.host, pids: String(berthd.proc.pid) });
try {
  say(`# Volumes and stats, side by side ${new Date().toISOString()}`);
  say(`engines: ${engines.map((e) => e.name).join(', ')}; containers on each engine's default bridge; reps ${reps}; ${containers} containers for stats`);
  // Write throughput first for every engine, then stats: removing 50 containers (Docker deletes their layers
  // in the background) would otherwise compete for the disk with the next engine's write test. A sync and a
  // pause separate the engines.
  const settle = () => { spawnSync('sync'); spawnSync('sleep', ['5']); };
  for (const e of engines) {
    settle();
    say(`\n## ${e.name}: writes and first start\n`);
    say(script('volumes.sh', e.host, e.pids, [reps]));
  }
  for (const e of engines) {
    settle();
    say(`\n## ${e.name}: stats\n`);
    say(script('stats.sh', e.host, e.pids, [containers, '20']));
  }
  say(`\nload average at the end: ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()}`);
} finally {
  await berthd.destroy();
  await docker.stop();
  mkdirSync(join(repo, 'bench/results'), { recursive: true });
  writeFileSync(join(repo, 'bench/results', `volumes-stats-${new Date().toISOString().slice(0, 10)}.md`), lines.join('\n') + '\n');
}
