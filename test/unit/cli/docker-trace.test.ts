// The real docker CLI and berth, both pointed at the same fake engine: the create/update/volume-create bodies they
// send must be byte for byte the same for the volume, mount, tmpfs, limit, capability, security and device flags.
// Skipped when /usr/local/bin/docker (or the built bundle) is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startFakeEngine, type FakeEngine } from './fake-engine.js';

const run = promisify(execFile);
const REPO = resolve(new URL('.', import.meta.url).pathname, '../../../..');
const BERTH = join(REPO, 'dist/berth.mjs');
const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => existsSync(p));
const skip = !DOCKER ? 'the docker CLI is not installed' : !existsSync(BERTH) ? 'dist/berth.mjs is not built' : false;

let fake: FakeEngine;
let configDir: string;
before(async () => {
  if (skip) return;
  fake = await startFakeEngine();
  configDir = mkdtempSync(join(tmpdir(), 'berth-dockercfg-'));
});
after(async () => {
  if (fake) await fake.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

async function cli(which: 'docker' | 'berth', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = which === 'docker' ? [DOCKER!, args] : [process.execPath, [BERTH, ...args]];
  const env = { PATH: process.env.PATH ?? '', HOME: configDir, DOCKER_HOST: `unix://${fake.socket}`, DOCKER_CONFIG: configDir };
  try {
    const r = await run(cmd, argv, { env, cwd: configDir, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/** Run the same command line through both CLIs; return the bodies each sent to `method path`. */
async function both(args: string[], method: string, path: RegExp): Promise<{ docker: string[]; berth: string[]; d: { code: number; stdout: string; stderr: string }; b: { code: number; stdout: string; stderr: string } }> {
  fake.reset();
  const d = await cli('docker', args);
  const docker = fake.bodies(method, path);
  fake.reset();
  const b = await cli('berth', args);
  const berth = fake.bodies(method, path);
  return { docker, berth, d, b };
}

function sortBinds(body: string): string {
  return body.replace(/"Binds":\[([^\]]*)\]/, (_m, inner: string) => `"Binds":[${(JSON.parse(`[${inner}]`) as string[]).sort().map((b) => JSON.stringify(b)).join(',')}]`);
}

/** Byte equality with a short message: the first differing offset and some context on both sides. */
function sameBytes(actual: string, expected: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const at = Math.max(0, i - 60);
  assert.fail(`bodies differ at byte ${i}:\n  docker: …${expected.slice(at, i + 120)}\n  berth:  …${actual.slice(at, i + 120)}`);
}

const CREATE_CASES: [string, string[]][] = [
  ['-v named, bind, anonymous, relative', ['-v', 'vol1:/data', '-v', '/srv/host:/c:ro', '-v', '/anon', '-v', 'vol2:/d2:rw,nocopy', '-v', './rel:/rel:z']],
  ['--mount volume', ['--mount', 'type=volume,source=vol1,target=/data', '--mount', 'type=volume,target=/anon,volume-nocopy', '--mount', 'type=volume,src=v3,dst=/v3,readonly,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-label=a=b,volume-driver=local']],
  ['--mount bind', ['--mount', 'type=bind,source=/srv/b,target=/b', '--mount', 'type=bind,source=/srv/c,target=/c,readonly,bind-propagation=rshared', '--mount', 'type=bind,src=/srv/d,dst=/d,bind-nonrecursive']],
  ['--mount tmpfs', ['--mount', 'type=tmpfs,target=/t', '--mount', 'type=tmpfs,destination=/u,tmpfs-size=1m,tmpfs-mode=1770']],
  ['--tmpfs', ['--tmpfs', '/run', '--tmpfs', '/t:size=1m,mode=1777', '--tmpfs', '/x:rw,noexec']],
  ['--memory and limits', ['--memory', '64m', '--memory-swap', '128m', '--memory-reservation', '32m', '--cpus', '1.5', '--cpu-shares', '512', '--pids-limit', '50', '--blkio-weight', '300', '--cpuset-cpus', '0', '--memory-swappiness', '10', '--oom-kill-disable', '--shm-size', '8m', '--ulimit', 'nofile=1024:2048']],
  ['--memory-swap -1, -m bytes', ['-m', '100000000', '--memory-swap', '-1']],
  ['--cap-add / --cap-drop', ['--cap-add', 'NET_ADMIN', '--cap-add', 'sys_time', '--cap-drop', 'ALL']],
  ['--cap-add ALL, overlapping add/drop', ['--cap-add', 'ALL', '--cap-add', 'chown', '--cap-drop', 'net_raw', '--cap-drop', 'CAP_MKNOD']],
  ['--cap-add and --cap-drop of the same cap', ['--cap-add', 'net_admin', '--cap-add', 'SYS_PTRACE', '--cap-drop', 'CAP_NET_ADMIN', '--cap-drop', 'setuid']],
  ['--cap-add duplicates and spaces', ['--cap-add', 'chown', '--cap-add', 'CHOWN', '--cap-add', ' kill ', '--cap-drop', 'all']],
  ['--security-opt', ['--security-opt', 'no-new-privileges', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'label=disable']],
  ['--device', ['--device', '/dev/null', '--device', '/dev/zero:/dev/z', '--device', '/dev/full:/dev/f:r', '--device', '/dev/urandom:rw']],
  ['--privileged --read-only --cgroupns', ['--privileged', '--read-only', '--cgroupns', 'private', '--device-cgroup-rule', 'c 1:3 rwm']],
];

for (const [name, flags] of CREATE_CASES) {
  test(`create ${name}: same body as the docker CLI`, { skip }, async () => {
    const { docker, berth, d, b } = await both(['create', ...flags, 'busybox', 'true'], 'POST', /^\/containers\/create/);
    assert.equal(docker.length, 1, `docker sent no create (${d.code}): ${d.stderr}`);
    assert.equal(berth.length, 1, `berth sent no create (${b.code}): ${b.stderr}`);
    // The docker CLI collects -v binds through a Go map, so their order varies from run to run; compare them sorted.
    sameBytes(sortBinds(berth[0]!), sortBinds(docker[0]!));
    assert.equal(b.code, d.code);
    assert.equal(b.stdout, d.stdout);
  });
}

test('create with an invalid mount: same refusal as the docker CLI', { skip }, async () => {
  for (const flags of [['--mount', 'type=bind,target=/x,bogus=1'], ['--mount', 'type=volume,source=v'], ['--device', ''],
    ['--mount', 'type=bind,source=/a,target=/b,volume-nocopy'], ['--mount', 'type=volume,target=/b,tmpfs-size=1m'], ['--mount', 'type=tmpfs,target=/b,bind-propagation=shared']]) {
    const { docker, berth, d, b } = await both(['create', ...flags, 'busybox'], 'POST', /^\/containers\/create/);
    assert.equal(berth.length, docker.length, `${flags.join(' ')}: docker ${d.code} ${d.stderr} / berth ${b.code} ${b.stderr}`);
    assert.equal(b.code, d.code, `${flags.join(' ')}: docker ${d.stderr} / berth ${b.stderr}`);
  }
});

const UPDATE_CASES: string[][] = [
  ['--memory', '64m'],
  ['--cpus', '0.5', '--cpu-shares', '512', '--cpu-period', '100000', '--cpu-quota', '50000', '--cpuset-cpus', '0-1', '--cpuset-mems', '0'],
  ['-m', '1g', '--memory-swap', '-1', '--memory-reservation', '512m', '--pids-limit', '-1', '--blkio-weight', '500'],
  ['--restart', 'on-failure:3'],
  ['--restart', 'bogus', '--cpu-rt-period', '1000', '--cpu-rt-runtime', '500'],
];

for (const flags of UPDATE_CASES) {
  test(`update ${flags.join(' ')}: same body and output as the docker CLI`, { skip }, async () => {
    const { docker, berth, d, b } = await both(['update', ...flags, 'c1', 'c2'], 'POST', /^\/containers\/c[12]\/update/);
    assert.equal(docker.length, 2, `docker: ${d.stderr}`);
    assert.equal(berth.length, docker.length);
    docker.forEach((x, i) => sameBytes(berth[i]!, x));
    assert.equal(b.stdout, d.stdout);
    assert.equal(b.code, d.code);
  });
}

test('volume create: same body and output as the docker CLI', { skip }, async () => {
  for (const args of [['v1'], ['-d', 'local', '--label', 'a=1', '--label', 'b', '-o', 'type=tmpfs', '-o', 'o=size=1m', 'v2'], [], ['--name', 'v3']]) {
    const { docker, berth, d, b } = await both(['volume', 'create', ...args], 'POST', /^\/volumes\/create/);
    assert.equal(docker.length, 1, d.stderr);
    assert.equal(berth.length, docker.length);
    docker.forEach((x, i) => sameBytes(berth[i]!, x));
    assert.equal(b.stdout, d.stdout);
  }
});
