// Image archives cross between berthd and a real dockerd both ways (when Debian's docker.io is installed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { which } from '../../src/lib/which.js';

const dockerd = which('dockerd');
let d: TestDaemon;
let dk: ChildProcess | undefined;
let work: string;
const dockerHost = () => 'unix://' + join(work, 'd.sock');
const real = (args: string[]) => {
  const r = spawnSync('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost() }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

before(async () => {
  if (!dockerd) return;
  work = mkdtempSync(join(tmpdir(), 'berth-dk-'));
  d = await startDaemon();
  // A private dockerd: its own roots, no bridge and no firewall rules, so it disturbs nothing else on the host.
  dk = spawn(dockerd, ['--data-root', join(work, 'data'), '--exec-root', join(work, 'exec'), '-H', dockerHost(), '--pidfile', join(work, 'pid'),
    '--bridge=none', '--iptables=false', '--ip-masq=false', '--containerd-namespace', `berth-it-${process.pid}`,
    '--containerd-plugins-namespace', `berth-itp-${process.pid}`], { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitFor(() => real(['version']).code === 0, 30_000, 'dockerd did not start');
});

after(async () => {
  if (!dockerd) return;
  if (dk && dk.exitCode === null) {
    const exited = new Promise((r) => dk!.once('exit', r));
    dk.kill('SIGTERM');
    await exited;
  }
  for (const m of readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m?.startsWith(work)).reverse()) spawnSync('umount', ['-l', m]);
  rmSync(work, { recursive: true, force: true });
  await d?.destroy();
});

test('docker loads what berth saves, and berth loads what docker saves', { skip: dockerd ? false : 'dockerd is not installed (apt-get install docker.io)' }, () => {
  const fromBerth = join(work, 'from-berth.tar');
  assert.equal(d.docker(['save', '-o', fromBerth, 'busybox']).code, 0);
  const loaded = real(['load', '-i', fromBerth]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded image: busybox:latest/);
  const ran = real(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'in-docker']);
  assert.equal(ran.stdout, 'in-docker\n', ran.stderr);
  assert.equal(real(['tag', 'busybox', 'from-docker:v2']).code, 0);
  const fromDocker = join(work, 'from-docker.tar');
  assert.equal(real(['save', '-o', fromDocker, 'from-docker:v2']).code, 0);
  const back = d.docker(['load', '-i', fromDocker]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(d.docker(['run', '--rm', 'from-docker:v2', 'echo', 'in-berth']).stdout, 'in-berth\n');
  const ids = [d.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'from-docker:v2']).stdout, real(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'from-docker:v2']).stdout];
  assert.equal(ids[0], ids[1]);
});
