#!/usr/bin/env node
// Issue 4's benchmarks side by side: bench/volumes.sh (write throughput into a volume, a bind mount and the
// layer; first start with copy-up) and bench/stats.sh (daemon CPU while `docker stats` streams 50 containers),
// run against berthd (a temporary daemon from this tree's dist/) and dockerd (started here when installed,
// as the shared anchor runs it). For Docker the daemon CPU is dockerd + containerd (both serve stats).
// Usage: npm run build && node bench/volumes-stats-compare.mjs [reps] [containers]
// Reports go to stdout and bench/results/volumes-stats-<date>.md. Benchmarks never assert.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startDaemon, busyboxTarball } = await import(join(repo, 'dist/test/helpers/daemon.js'));
const reps = process.argv[2] ?? '3';
const containers = process.argv[3] ?? '50';
const CLIENT = process.env.CLIENT ?? '/usr/local/bin/docker';
const DOCKER = 'unix:///var/run/docker.sock';
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dk = (host, a) => spawnSync(CLIENT, a, { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });

function script(name, host, pids, args) {
  const r = spawnSync('bash', [join(repo, 'bench', name), ...args], { env: { ...process.env, DOCKER_HOST: host, DAEMON_PID: pids, CLIENT }, encoding: 'utf8', timeout: 1_800_000 });
  return (r.stdout + (r.status === 0 ? '' : `\n(${name} exit ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' ')})`)).trim();
}

const engines = [];
let dockerProc;
if (spawnSync('sh', ['-c', 'command -v dockerd']).status === 0) {
  if (dk(DOCKER, ['version']).status !== 0) {
    const log = openSync(join(tmpdir(), `bench-dockerd-${process.pid}.log`), 'a');
    // docker0 takes 172.17.0.1/16 whatever the host routes: move it when another engine's bridge is there.
    const taken = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.startsWith('172.17.0.0/16') && !l.includes('dev docker0'));
    const bip = taken ? ['--bip', '172.31.251.1/24'] : [];
    dockerProc = spawn('dockerd', ['--data-root', '/var/lib/docker-anchor', '--iptables=false', '--ip-masq=false', ...bip], { stdio: ['ignore', log, log] });
    for (let i = 0; i < 300 && dk(DOCKER, ['version']).status !== 0; i++) await sleep(100);
  }
  if (dk(DOCKER, ['version']).status === 0) {
    if (dk(DOCKER, ['image', 'inspect', 'busybox:latest']).status !== 0) dk(DOCKER, ['import', busyboxTarball(), 'busybox:latest']);
    const pids = spawnSync('sh', ['-c', 'pgrep -x dockerd; pgrep -x containerd'], { encoding: 'utf8' }).stdout.trim().split('\n').join(' ');
    engines.push({ name: 'docker', host: DOCKER, pids });
  } else say('dockerd did not come up: berth numbers only');
}
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
  if (dockerProc) { dockerProc.kill('SIGTERM'); await new Promise((r) => dockerProc.once('exit', r)); }
  mkdirSync(join(repo, 'bench/results'), { recursive: true });
  writeFileSync(join(repo, 'bench/results', `volumes-stats-${new Date().toISOString().slice(0, 10)}.md`), lines.join('\n') + '\n');
}
