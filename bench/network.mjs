#!/usr/bin/env node
// Network benchmarks, berthd side by side with Docker (when dockerd is installed), through the same docker CLI:
//   throughput   TCP container → container on a user-defined bridge, and host → container through a published port
//   dns          lookup latency of a container name from another container on the same network
//   setup        what networking adds to `run --rm busybox true` (none vs default bridge vs user network, -p)
//   restart      100 containers / 200 published ports; a client hits one port every 10 ms while the daemon
//                restarts (clean, then kill -9) with live restore: failed requests, time until rules are in place
// Usage: npx tsc -p tsconfig.json && node bench/network.mjs [--only throughput,dns,setup,restart] [--quick] [--rounds N --gbytes G]
// Docker runs as the shared anchor does (--iptables=false --ip-masq=false, so its FORWARD policy DROP cannot
// break other engines on this host); its published ports then go through docker-proxy. Reports go to stdout
// and bench/results/network-<date>.md. Benchmarks never assert.
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startDaemon, busyboxTarball } = await import(join(repo, 'dist/test/helpers/daemon.js'));
const { CLIENT, DOCKER_HOST: DOCKER, median, startDockerAnchor } = await import('./lib/docker-anchor.mjs');
const args = process.argv.slice(2);
const only = (args[args.indexOf('--only') + 1] ?? '').split(',').filter((x) => args.includes('--only') && x);
const quick = args.includes('--quick');
const argNum = (flag, dflt) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : dflt);
const ROUNDS = argNum('--rounds', quick ? 2 : 5);
const GBYTES = argNum('--gbytes', quick ? 1 : 4);
const want = (k) => only.length === 0 || only.includes(k);

const lines = [];
const say = (s) => { console.log(s); lines.push(s); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function engineOf(name, host) {
  const dk = (a, o = {}) => {
    const r = spawnSync(CLIENT, a, { env: { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' }, encoding: 'utf8', timeout: o.timeout ?? 120_000, input: o.input });
    return { code: r.status ?? -1, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
  };
  const must = (a, o) => { const r = dk(a, o); if (r.code !== 0) throw new Error(`${name}: docker ${a.join(' ')}: ${r.err}`); return r.out; };
  return { name, host, dk, must };
}

function hostAddress() {
  for (const l of Object.values(networkInterfaces())) for (const a of l ?? []) if (a.family === 'IPv4' && !a.internal && !/^172\./.test(a.address)) return a.address;
  return '127.0.0.1';
}

function freeSubnet(salt) {
  const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 250; i++) { const n = (process.pid + salt * 13 + i) % 250 + 3; if (!routes.includes(`172.30.${n}.`)) return `172.30.${n}.0/24`; }
  throw new Error('no free subnet');
}

// ---- engines ---------------------------------------------------------------------------------------------
const engines = [];
const cleanups = [];
const docker = await startDockerAnchor({ extraArgs: ['--live-restore'] });
if (docker.up) {
  const probe = engineOf('docker', DOCKER);
  if (probe.dk(['image', 'inspect', 'busybox:latest']).code !== 0) probe.must(['import', busyboxTarball(), 'busybox:latest']);
  engines.push(probe);
} else {
  say('dockerd is not installed or did not come up: berth numbers only (apt-get install docker.io to compare).');
}
const berthd = await startDaemon({ extraArgs: ['--live-restore'] });
cleanups.push(async () => {
  // Hundreds of containers after the restart round: remove them with more time than destroy() allows.
  const ids = berthd.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
  if (ids.length) berthd.docker(['rm', '-f', ...ids], { timeout: 300_000 });
  await berthd.destroy();
});
engines.push(engineOf('berth', berthd.host));

say(`# Network benchmarks ${new Date().toISOString()}`);
say(`engines: ${engines.map((e) => e.name).join(', ')}${docker.started ? ' (dockerd started by this script: --iptables=false --ip-masq=false --live-restore)' : ''}`);
say(`kernel ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, ${quick ? 'quick' : 'full'} run`);

function cleanupEngine(e, names, nets = []) {
  e.dk(['rm', '-f', ...names], { timeout: 300_000 });
  for (const n of nets) e.dk(['network', 'rm', n]);
}

// ---- throughput ------------------------------------------------------------------------------------------
/** Host-side sender: writes `bytes` of zeros to host:port; returns MB/s (1e6 bytes). */
function sendZeros(host, port, bytes) {
  return new Promise((resolve, reject) => {
    const buf = Buffer.alloc(1 << 20);
    let sent = 0; const t0 = process.hrtime.bigint();
    const s = createConnection({ host, port });
    const pump = () => { while (sent < bytes) { sent += buf.length; if (!s.write(buf)) return; } s.end(); };
    s.on('connect', pump); s.on('drain', pump);
    s.on('close', () => resolve(bytes / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9)));
    s.on('error', reject);
  });
}

/** Parses busybox dd's last line ("..., 1.2 seconds, 850.0MB/s") into MB/s. */
function ddRate(text) {
  const m = /(\d+) bytes .*copied, ([\d.]+) seconds/.exec(text);
  return m ? Number(m[1]) / 1e6 / Number(m[2]) : NaN;
}

const toolDir = mkdtempSync(join(tmpdir(), 'bench-nt-'));
const tool = join(toolDir, 'network-tcp');
cleanups.push(async () => rmSync(toolDir, { recursive: true, force: true }));
if (spawnSync('gcc', ['-O2', '-static', '-o', tool, join(repo, 'bench/network-tcp.c')]).status !== 0) throw new Error('gcc -static failed: the throughput tool cannot be built');

const rate = (text) => Number((/^\d+ [\d.]+ ([\d.]+)$/m.exec(text) ?? [])[1]);

async function throughput(e, i, rounds = quick ? 2 : 5) {
  const net = `bnt${i}`; const bytes = GBYTES * 1e9;
  e.must(['network', 'create', '--subnet', freeSubnet(i), net]);
  const c2c = []; const pub = [];
  const mount = ['-v', `${tool}:/nt:ro`];
  try {
    for (let r = 0; r < rounds; r++) {
      e.must(['run', '-d', '--name', `bsrv${i}`, '--network', net, ...mount, 'busybox', '/nt', 'sink', '5001']);
      const ip = e.must(['inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, `bsrv${i}`]);
      await sleep(200);
      c2c.push(rate(e.must(['run', '--rm', '--network', net, ...mount, 'busybox', '/nt', 'source', ip, '5001', String(bytes)])));
      e.dk(['rm', '-f', `bsrv${i}`]);
      const hp = 40000 + (process.pid % 1000) * 10 + i * 5 + r;
      e.must(['run', '-d', '--name', `bpub${i}`, '-p', `${hp}:5001`, ...mount, 'busybox', '/nt', 'sink', '5001']);
      await sleep(300);
      const out = spawnSync(tool, ['source', hostAddress(), String(hp), String(bytes)], { encoding: 'utf8' });
      pub.push(rate(out.stdout));
      e.dk(['rm', '-f', `bpub${i}`]);
    }
  } finally { cleanupEngine(e, [`bsrv${i}`, `bpub${i}`], [net]); }
  return { c2c: median(c2c), pub: median(pub), all: { c2c, pub } };
}

// ---- DNS -------------------------------------------------------------------------------------------------
async function dns(e, i) {
  const net = `bnd${i}`; const n = quick ? 100 : 500;
  e.must(['network', 'create', '--subnet', freeSubnet(10 + i), net]);
  try {
    e.must(['run', '-d', '--name', `bdb${i}`, '--network', net, 'busybox', 'sleep', '600']);
    e.must(['run', '-d', '--name', `bcl${i}`, '--network', net, 'busybox', 'sleep', '600']);
    // busybox nslookup asks A and AAAA; the loop's own cost (a fork/exec per round) is measured apart.
    const timed = (body) => {
      const out = e.dk(['exec', `bcl${i}`, 'sh', '-c', `time sh -c 'i=0; while [ $i -lt ${n} ]; do ${body}; i=$((i+1)); done'`]);
      const m = /real\s+(\d+)m\s*([\d.]+)s/.exec(out.err + out.out);
      return { ms: m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 / n : NaN, out: out.out };
    };
    const look = timed(`nslookup bdb${i} >/dev/null 2>&1 || echo FAIL`);
    const fails = (look.out.match(/FAIL/g) ?? []).length;
    const perMs = look.ms;
    const base = timed('true | cat >/dev/null');
    return { perMs, baseMs: base.ms, fails };
  } finally { cleanupEngine(e, [`bdb${i}`, `bcl${i}`], [net]); }
}

// ---- set-up cost -----------------------------------------------------------------------------------------
async function setup(e, i) {
  const net = `bns${i}`; const n = quick ? 8 : 20;
  e.must(['network', 'create', '--subnet', freeSubnet(20 + i), net]);
  const modes = { none: ['--network', 'none'], bridge: [], user: ['--network', net], 'bridge -p': ['-p', '80'] };
  const out = {};
  try {
    for (const [k, flags] of Object.entries(modes)) {
      e.must(['run', '--rm', ...flags, 'busybox', 'true']);
      const t = [];
      for (let r = 0; r < n; r++) {
        const t0 = process.hrtime.bigint();
        e.must(['run', '--rm', ...flags, 'busybox', 'true']);
        t.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      out[k] = median(t);
    }
  } finally { e.dk(['network', 'rm', net]); }
  return out;
}

// ---- restart ---------------------------------------------------------------------------------------------
function hit(port) {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.write('GET /hostname HTTP/1.0\r\n\r\n'));
    let got = '';
    s.setTimeout(2000, () => { s.destroy(); resolve(false); });
    s.on('data', (c) => { got += c; }); s.on('end', () => resolve(got.includes('200 OK'))); s.on('error', () => resolve(false));
  });
}

async function restart(e, i, restartFn) {
  const count = quick ? 20 : 100; const base = 20000 + (process.pid % 100) * 250 + i * 400;
  const names = [];
  for (let c = 0; c < count; c++) {
    names.push(`brs${i}_${c}`);
    e.must(['run', '-d', '--name', `brs${i}_${c}`, '-p', `127.0.0.1:${base + 2 * c}:80`, '-p', `127.0.0.1:${base + 2 * c + 1}:81`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  }
  try {
    const port = base;
    for (let k = 0; k < 100 && !(await hit(port)); k++) await sleep(100);
    const res = {};
    for (const how of ['clean', 'kill -9']) {
      let stop = false; let ok = 0; let failed = 0;
      const loop = (async () => { while (!stop) { const t = Date.now(); if (await hit(port)) ok++; else failed++; await sleep(Math.max(0, 10 - (Date.now() - t))); } })();
      await sleep(500);
      const readyMs = await restartFn(how);
      await sleep(1000);
      stop = true; await loop;
      res[how] = { ok, failed, readyMs };
    }
    return res;
  } finally { cleanupEngine(e, names); }
}

async function restartBerth(how) {
  if (how === 'clean') await berthd.stop(); else await berthd.kill9();
  const t0 = Date.now();
  await berthd.start();
  return Date.now() - t0; // the table is rewritten before the API answers
}

const restartDocker = (how) => docker.restart(how);

// ---- run -------------------------------------------------------------------------------------------------
try {
  if (want('throughput')) {
    // Rounds alternate between the engines (A B, then B A, …) so that load from elsewhere on the host and any
    // warm-up advantage of going first hit both alike; the per-round ratio is the number to read.
    const all = new Map(engines.map((e) => [e.name, { c2c: [], pub: [] }]));
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? [...engines].reverse() : engines;
      for (const e of order) {
        const t = await throughput(e, engines.indexOf(e) + 1, 1);
        all.get(e.name).c2c.push(t.c2c); all.get(e.name).pub.push(t.pub);
      }
    }
    for (const e of engines) {
      const t = all.get(e.name);
      say(`${e.name}: TCP c2c on a user-defined bridge ${median(t.c2c).toFixed(0)} MB/s; host → published port (host address) ${median(t.pub).toFixed(0)} MB/s (${ROUNDS} rounds of ${GBYTES} GB: ${t.c2c.map((x) => x.toFixed(0)).join('/')} and ${t.pub.map((x) => x.toFixed(0)).join('/')})`);
    }
    const b = all.get('berth'); const d = all.get('docker');
    if (b && d) {
      const ratios = (k) => b[k].map((x, r) => x / d[k][r]);
      const sum = (a) => a.reduce((x, y) => x + y, 0);
      for (const k of ['c2c', 'pub']) {
        const rs = ratios(k);
        say(`berth/docker ${k}: median per-round ratio ${median(rs).toFixed(2)}; total bytes/total time ratio ${(sum(b[k].map((x) => 1 / x)) > 0 ? sum(d[k].map((x) => 1 / x)) / sum(b[k].map((x) => 1 / x)) : NaN).toFixed(2)}; rounds ${rs.map((x) => x.toFixed(2)).join(' ')}`);
      }
    }
  }
  let i = 0;
  for (const e of engines) {
    i++;
    if (want('dns')) {
      const r = await dns(e, i);
      say(`${e.name}: DNS lookup of a container name (busybox nslookup, A+AAAA, process start included) ${r.perMs.toFixed(2)} ms each; loop+fork baseline ${r.baseMs.toFixed(2)} ms; failures ${r.fails}`);
    }
    if (want('setup')) {
      const s = await setup(e, i);
      say(`${e.name}: run --rm busybox true medians: none ${s.none.toFixed(0)} ms, default bridge ${s.bridge.toFixed(0)} ms (+${(s.bridge - s.none).toFixed(0)}), user network ${s.user.toFixed(0)} ms (+${(s.user - s.none).toFixed(0)}), bridge -p 80 ${s['bridge -p'].toFixed(0)} ms (+${(s['bridge -p'] - s.none).toFixed(0)})`);
    }
    if (want('restart')) {
      if (e.name === 'docker' && !docker.started) { say('docker: restart skipped (dockerd was already running; this script restarts only a dockerd it started)'); continue; }
      const r = await restart(e, i, e.name === 'berth' ? restartBerth : restartDocker);
      for (const [how, v] of Object.entries(r)) say(`${e.name}: restart (${how}, live restore, ${quick ? 20 : 100} containers/${quick ? 40 : 200} ports): ${v.failed} failed of ${v.ok + v.failed} requests every 10 ms; daemon ready (rules in place) after ${v.readyMs} ms`);
    }
  }
} finally {
  for (const c of cleanups) await c().catch((err) => console.error(err));
  await docker.stop();
  mkdirSync(join(repo, 'bench/results'), { recursive: true });
  writeFileSync(join(repo, `bench/results/network-${new Date().toISOString().slice(0, 10)}.md`), lines.join('\n') + '\n');
}
