// Volume events, `--mount … volume-subpath=` (including a container racing symlinks against it) and the
// read-only recursion of binds (`bind-recursive=…`), through the real docker CLI and the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let work: string;
let submount: string | undefined;

before(async () => {
  d = await startDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-mntopt-'));
});

after(async () => {
  if (d) {
    const ids = d.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length) d.docker(['rm', '-f', ...ids]);
    const vols = d.docker(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean);
    if (vols.length) d.docker(['volume', 'rm', '-f', ...vols]);
    await d.destroy();
  }
  if (submount) spawnSync('umount', [submount]);
  if (work) rmSync(work, { recursive: true, force: true });
});

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const run = (args: string[], cmd: string) => d.docker(['run', '--rm', ...args, 'busybox', 'sh', '-c', cmd]);
const containers = () => d.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
const hostMountsUnder = (p: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(p));

test('volume events: create, mount (destination, read/write, propagation), unmount, destroy; --filter type=volume', () => {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  ok(d.docker(['volume', 'create', 'evvol']), 'create');
  ok(run(['-v', 'evvol:/data:ro', '--mount', 'type=volume,src=evvol,dst=/rw'], 'true'), 'run');
  const id = ok(d.docker(['run', '-d', '-v', 'evvol:/x', 'busybox', 'true']), 'run -d').trim();
  ok(d.docker(['wait', id]), 'wait');
  ok(d.docker(['rm', id]), 'rm');
  ok(d.docker(['volume', 'rm', 'evvol']), 'volume rm');
  const until = String(Math.floor(Date.now() / 1000) + 1);
  const lines = ok(d.docker(['events', '--since', since, '--until', until, '--filter', 'type=volume', '--format', '{{json .}}']), 'events')
    .trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.every((e) => e.Type === 'volume' && e.Actor.ID === 'evvol'), JSON.stringify(lines));
  assert.deepEqual(lines.map((e) => e.Action), ['create', 'mount', 'mount', 'unmount', 'unmount', 'mount', 'unmount', 'destroy']);
  const [, ro, rw, un] = lines;
  assert.equal(ro.Actor.Attributes.destination, '/data');
  assert.equal(ro.Actor.Attributes['read/write'], 'false');
  assert.equal(rw.Actor.Attributes.destination, '/rw');
  assert.equal(rw.Actor.Attributes['read/write'], 'true');
  assert.equal(ro.Actor.Attributes.propagation, '');
  assert.equal(ro.Actor.Attributes.driver, 'local');
  assert.match(ro.Actor.Attributes.container, /^[0-9a-f]{64}$/);
  assert.deepEqual(un.Actor.Attributes, { container: ro.Actor.Attributes.container, driver: 'local' });
  assert.equal(lines[5].Actor.Attributes.container, id);
  // Docker's other filters select within them.
  const mounts = ok(d.docker(['events', '--since', since, '--until', until, '--filter', 'volume=evvol', '--filter', 'event=unmount', '--format', '{{.Action}} {{.Actor.Attributes.container}}']), 'filtered');
  assert.equal(mounts, `unmount ${ro.Actor.Attributes.container}\nunmount ${ro.Actor.Attributes.container}\nunmount ${id}\n`);
});

test('volume-subpath: subdirectories, files and relative links inside the volume; Docker\'s errors otherwise', async () => {
  ok(d.docker(['volume', 'create', 'sp']), 'create');
  ok(run(['-v', 'sp:/v'], [
    'mkdir -p /v/a/b /v/empty && echo inner > /v/a/b/f && echo afile > /v/afile',
    'ln -s /etc /v/abs && ln -s ../../.. /v/up && ln -s a/b /v/rel && ln -s loop /v/loop && ln -s ../afile /v/a/notdir',
  ].join(' && ')), 'populate');
  const mp = JSON.parse(ok(d.docker(['volume', 'inspect', 'sp']), 'inspect'))[0].Mountpoint as string;
  const sub = (p: string, extra = '') => `type=volume,src=sp,dst=/m,volume-subpath=${p}${extra}`;
  assert.equal(ok(run(['--mount', sub('a/b')], 'cat /m/f'), 'subdir'), 'inner\n');
  assert.equal(ok(run(['--mount', sub('rel')], 'cat /m/f'), 'relative link'), 'inner\n');
  assert.equal(ok(run(['--mount', sub('afile')], 'cat /m'), 'file'), 'afile\n');
  assert.equal(ok(run(['--mount', sub('a/b/../b')], 'cat /m/f'), 'dot-dot that stays inside'), 'inner\n');
  // Writes land in the subdirectory; readonly holds; copy-up fills an empty subdirectory from the image.
  ok(run(['--mount', sub('a/b')], 'echo w > /m/new'), 'write');
  assert.equal(readFileSync(join(mp, 'a/b/new'), 'utf8'), 'w\n');
  assert.match(run(['--mount', sub('a/b', ',readonly')], 'touch /m/x 2>&1').stdout, /Read-only file system/);
  ok(run(['--mount', 'type=volume,src=sp,dst=/etc,volume-subpath=empty'], 'true'), 'copy-up');
  assert.ok(readFileSync(join(mp, 'empty/passwd'), 'utf8').startsWith('root:'));

  // Start-time errors, as dockerd words them: 404 for a missing path, 400 for one that leaves the volume.
  const missing = run(['--mount', sub('a/missing')], 'true');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, new RegExp(`cannot access path ${mp}/a/missing: lstat ${mp}/a/missing: no such file or directory`));
  assert.match(run(['--mount', sub('a/notdir/x')], 'true').stderr, new RegExp(`cannot access path ${mp}/a/notdir/x: lstat ${mp}/afile/x: not a directory`));
  assert.match(run(['--mount', sub('loop')], 'true').stderr, /too many levels of symbolic links/);
  for (const p of ['abs', 'up', 'abs/passwd']) {
    const r = run(['--mount', sub(p)], 'cat /m/passwd');
    assert.notEqual(r.code, 0, p);
    assert.match(r.stderr, new RegExp(`path concatenation escapes the base directory, base: ${mp}, subpath: ${p.replace('/', '\\/')}`), p);
  }
  const created = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'volume', Source: 'sp', Target: '/m', VolumeOptions: { Subpath: 'up' } }] } });
  assert.equal(created.status, 201);
  const startEsc = await d.api('POST', `/containers/${created.json().Id}/start`);
  assert.equal(startEsc.status, 400, startEsc.body);
  ok(d.docker(['rm', created.json().Id]), 'rm');
  const created2 = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'volume', Source: 'sp', Target: '/m', VolumeOptions: { Subpath: 'nope' } }] } });
  const startMissing = await d.api('POST', `/containers/${created2.json().Id}/start`);
  assert.equal(startMissing.status, 404, startMissing.body);
  ok(d.docker(['rm', created2.json().Id]), 'rm');

  // Create-time errors: nothing is created.
  const vols = d.docker(['volume', 'ls', '-q']).stdout;
  for (const [m, msg] of [
    [{ Type: 'volume', Source: 'sp', Target: '/m', VolumeOptions: { Subpath: '../x' } }, 'invalid mount config for type "volume": subpath must be a relative path within the volume'],
    [{ Type: 'volume', Source: 'sp', Target: '/m', VolumeOptions: { Subpath: '/etc' } }, 'invalid mount config for type "volume": subpath must be a relative path within the volume'],
    [{ Type: 'volume', Target: '/m', VolumeOptions: { Subpath: 'a' } }, 'invalid mount config for type "volume": must not set Subpath when using anonymous volumes'],
  ] as const) {
    const r = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [m] } });
    assert.equal(r.status, 400, r.body);
    assert.equal(r.json().message, msg);
  }
  assert.match(d.docker(['run', '--rm', '--mount', sub('../x'), 'busybox', 'true']).stderr, /subpath must be a relative path within the volume/);
  // Older API clients could not have meant these fields: refused as dockerd's create route does.
  const old = await d.api('POST', '/v1.44/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'volume', Source: 'sp', Target: '/m', VolumeOptions: { Subpath: 'up' } }] } });
  assert.equal(old.status, 400, old.body);
  assert.equal(old.json().message, 'VolumeOptions.Subpath needs API v1.45 or newer');
  const oldRro = await d.api('POST', '/v1.43/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'bind', Source: '/tmp', Target: '/m', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }] } });
  assert.equal(oldRro.status, 400, oldRro.body);
  assert.equal(oldRro.json().message, 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
  assert.deepEqual(containers(), []);
  assert.equal(d.docker(['volume', 'ls', '-q']).stdout, vols);
  assert.deepEqual(hostMountsUnder(d.root).filter((l) => l.includes('/.subpath/')), [], 'no subpath mount left');
});

test('volume-subpath: a container swapping the path for a symlink to / never gets the host mounted', (t) => {
  ok(run(['-v', 'sp:/v'], 'mkdir -p /v/race/d && echo inside > /v/race/d/marker'), 'prepare');
  // The attacker flips race/d between the real directory and a link to the host's root, as fast as it can.
  const attacker = ok(d.docker(['run', '-d', '-v', 'sp:/v', 'busybox', 'sh', '-c',
    'cd /v/race; while :; do mv d real; ln -s / d; rm d; mv real d; done']), 'attacker').trim();
  try {
    const seen = new Map<string, number>();
    for (let i = 0; i < 25; i++) {
      const r = run(['--mount', 'type=volume,src=sp,dst=/m,volume-subpath=race/d'], 'cat /m/marker 2>/dev/null || ls /m');
      if (r.code === 0) {
        assert.equal(r.stdout, 'inside\n', `iteration ${i}: saw something else than the volume: ${r.stdout}`);
        seen.set('mounted', (seen.get('mounted') ?? 0) + 1);
      } else {
        assert.match(r.stderr, /path concatenation escapes the base directory|cannot access path/, r.stderr);
        seen.set('refused', (seen.get('refused') ?? 0) + 1);
      }
    }
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(seen))}`);
  } finally {
    d.docker(['rm', '-f', attacker]);
  }
  assert.deepEqual(hostMountsUnder(d.root).filter((l) => l.includes('/.subpath/')), [], 'no subpath mount left');
});

test('volume-subpath: a daemon killed with the container running leaves no mount that could cost volume data', async () => {
  ok(run(['-v', 'sp:/v'], 'mkdir -p /v/keep && echo precious > /v/keep/data'), 'prepare');
  const id = ok(d.docker(['run', '-d', '--mount', 'type=volume,src=sp,dst=/m,volume-subpath=keep', 'busybox', 'sleep', '300']), 'run').trim();
  assert.equal(hostMountsUnder(d.root).filter((l) => l.includes('/.subpath/')).length, 1, 'the checked subpath is bound on the host while it starts');
  await d.kill9();
  await d.start();
  // The restarted daemon drops the host-side mount; the container keeps its own, and removing it keeps the data.
  assert.deepEqual(hostMountsUnder(d.root).filter((l) => l.includes('/.subpath/')), []);
  ok(d.docker(['rm', '-f', id]), 'rm -f');
  assert.equal(ok(run(['-v', 'sp:/v'], 'cat /v/keep/data'), 'data kept'), 'precious\n');
});

test('bind-recursive: read-only binds are recursive (rro) by default, writable/readonly/disabled as Docker', async () => {
  const src = join(work, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'top'), 'top\n');
  submount = join(src, 'sub');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'berth-test', submount], { encoding: 'utf8' });
  assert.equal(mounted.status, 0, mounted.stderr);
  writeFileSync(join(submount, 'f'), 'sub\n');
  const probe = 'touch /m/x 2>/dev/null && echo top-rw || echo top-ro; touch /m/sub/x 2>/dev/null && echo sub-rw || echo sub-ro; cat /m/sub/f 2>/dev/null || echo no-sub';
  const bind = (extra: string) => ['--mount', `type=bind,src=${src},dst=/m${extra}`];
  assert.equal(ok(run(bind(',readonly'), probe), 'readonly'), 'top-ro\nsub-ro\nsub\n');
  assert.equal(ok(run(['-v', `${src}:/m:ro`], probe), '-v :ro'), 'top-ro\nsub-ro\nsub\n');
  assert.equal(ok(run(bind(',readonly,bind-recursive=readonly,bind-propagation=rprivate'), probe), 'force'), 'top-ro\nsub-ro\nsub\n');
  assert.equal(ok(run(bind(',readonly,bind-recursive=writable'), probe), 'writable'), 'top-ro\nsub-rw\nsub\n');
  assert.equal(ok(run(bind(',bind-recursive=disabled'), probe), 'disabled'), 'top-rw\nsub-rw\nno-sub\n');
  assert.equal(ok(run(bind(''), probe), 'rw'), 'top-rw\nsub-rw\nsub\n');
  // A client older than API 1.44 keeps the read-only it knew: the top only (dockerd does the same).
  const legacy = d.docker(['run', '--rm', '-v', `${src}:/m:ro`, 'busybox', 'sh', '-c', probe], { env: { DOCKER_API_VERSION: '1.43' } });
  assert.equal(legacy.stdout, 'top-ro\nsub-rw\nsub\n', legacy.stderr);
  // The mount table inside shows it: every mount under /m read-only.
  const info = ok(run(bind(',readonly'), 'grep " /m" /proc/self/mountinfo | cut -d" " -f5,6'), 'mountinfo');
  assert.match(info, /^\/m ro,.*\n\/m\/sub ro,/);

  // The docker CLI refuses the inconsistent ones itself; the API gets dockerd's conflict wording (at create here).
  assert.match(d.docker(['run', '--rm', ...bind(',bind-recursive=readonly,bind-propagation=rprivate'), 'busybox', 'true']).stderr,
    /option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction/);
  for (const [bo, ro, msg] of [
    [{ ReadOnlyForceRecursive: true }, false, 'mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive'],
    [{ ReadOnlyNonRecursive: true }, false, 'mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive'],
    [{ ReadOnlyNonRecursive: true, ReadOnlyForceRecursive: true }, true, 'mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive'],
  ] as const) {
    const r = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'bind', Source: src, Target: '/m', ReadOnly: ro, BindOptions: bo }] } });
    assert.equal(r.status, 400, r.body);
    assert.equal(r.json().message, msg);
  }
  assert.deepEqual(containers(), []);
  spawnSync('umount', [submount]);
  submount = undefined;
});
