#!/usr/bin/env node
// Image import / save / load wall time, berthd side by side with Docker (when dockerd is installed), through the
// same docker CLI. Two inputs: many small files (a tar of /usr/share/{doc,locale,man}) and one 100 MB random file.
// Rounds alternate between the engines. Usage: npm run build && node bench/image-io.mjs [--rounds N]
// Reports go to stdout and bench/results/image-io-<date>.md. Benchmarks never assert.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startDaemon } = await import(join(repo, 'dist/test/helpers/daemon.js'));
const { CLIENT, DOCKER_HOST: DOCKER, median, startDockerAnchor } = await import('./lib/docker-anchor.mjs');
const args = process.argv.slice(2);
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };

function engineOf(name, host) {
  const dk = (a) => {
    const r = spawnSync(CLIENT, a, { env: { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' }, encoding: 'utf8', timeout: 600_000 });
    return { code: r.status ?? -1, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
  };
  const timed = (a) => {
    const t0 = process.hrtime.bigint();
    const r = dk(a);
    if (r.code !== 0) throw new Error(`${name}: docker ${a.join(' ')}: ${r.err}`);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  return { name, host, dk, timed };
}

const work = mkdtempSync(join(tmpdir(), 'bench-imageio-'));
const small = join(work, 'small.tar');
const big = join(work, 'big.tar');
spawnSync('tar', ['-cf', small, '-C', '/', 'usr/share/doc', 'usr/share/locale', 'usr/share/man']);
mkdirSync(join(work, 'b'));
spawnSync('sh', ['-c', `head -c 100000000 /dev/urandom > ${join(work, 'b', 'blob')}`]);
spawnSync('tar', ['-cf', big, '-C', join(work, 'b'), 'blob']);
const mb = (p) => (statSync(p).size / 1e6).toFixed(0);
const files = spawnSync('tar', ['-tf', small], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n').filter(Boolean).length;

const engines = [];
const docker = await startDockerAnchor();
if (docker.up) engines.push(engineOf('docker', DOCKER)); else say('dockerd is not installed or did not come up: berth numbers only');
const berthd = await startDaemon();
engines.push(engineOf('berth', berthd.host));

const results = new Map(engines.map((e) => [e.name, { importSmall: [], importBig: [], save: [], load: [] }]));
try {
  say(`# Image import/save/load ${new Date().toISOString()}`);
  say(`inputs: ${mb(small)} MB tar of ${files} members (/usr/share/{doc,locale,man}); ${mb(big)} MB tar of one random file; ${ROUNDS} rounds, engines alternating`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const e of r % 2 ? [...engines].reverse() : engines) {
      const t = results.get(e.name);
      const tag = `bench-imageio-${process.pid}`;
      t.importSmall.push(e.timed(['import', small, `${tag}:small`]));
      t.importBig.push(e.timed(['import', big, `${tag}:big`]));
      const out = join(work, `${e.name}.tar`);
      t.save.push(e.timed(['save', '-o', out, `${tag}:small`, `${tag}:big`]));
      e.dk(['rmi', `${tag}:small`, `${tag}:big`]);
      t.load.push(e.timed(['load', '-q', '-i', out]));
      e.dk(['rmi', `${tag}:small`, `${tag}:big`]);
      rmSync(out, { force: true });
    }
  }
  say('');
  say(`| seconds (median) | ${engines.map((e) => e.name).join(' | ')} |${engines.length === 2 ? ' berth/docker |' : ''}`);
  say(`|---|${engines.map(() => '---').join('|')}|${engines.length === 2 ? '---|' : ''}`);
  for (const [k, label] of [['importSmall', `import ${mb(small)} MB, ${files} files`], ['importBig', `import ${mb(big)} MB, one file`], ['save', 'save both'], ['load', 'load both']]) {
    const v = engines.map((e) => median(results.get(e.name)[k]));
    say(`| ${label} | ${v.map((x) => x.toFixed(2)).join(' | ')} |${engines.length === 2 ? ` ${(v[1] / v[0]).toFixed(2)}x |` : ''}`);
  }
  say('');
  say(`load average at the end: ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()}`);
} finally {
  await berthd.destroy();
  await docker.stop();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(repo, 'bench/results'), { recursive: true });
  writeFileSync(join(repo, 'bench/results', `image-io-${new Date().toISOString().slice(0, 10)}.md`), lines.join('\n') + '\n');
}
