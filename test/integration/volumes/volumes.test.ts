// Volumes and mounts through the real docker CLI: create/ls/inspect/rm/prune, -v/--mount/--tmpfs/--volumes-from,
// copy-up of image content, anonymous volumes and rm -v, bind sources, persistence across daemon kill -9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let work: string;

before(async () => {
  d = await startDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-vol-'));
});

after(async () => {
  if (d) {
    d.docker(['rm', '-f', ...d.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean)]);
    const vols = d.docker(['volume', 'ls', '-q']).stdout.split('\n').filter(Boolean);
    if (vols.length) d.docker(['volume', 'rm', '-f', ...vols]);
    await d.destroy();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const ok = (r: { code?: number; status?: number | null; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code ?? r.status, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};

test('volume create, inspect, ls with filters, rm', () => {
  assert.equal(ok(d.docker(['volume', 'create', '--label', 'team=a', 'v1']), 'create').trim(), 'v1');
  ok(d.docker(['volume', 'create', 'v2']), 'create v2');
  const info = JSON.parse(ok(d.docker(['volume', 'inspect', 'v1']), 'inspect'))[0];
  assert.equal(info.Name, 'v1');
  assert.equal(info.Driver, 'local');
  assert.equal(info.Scope, 'local');
  assert.deepEqual(info.Labels, { team: 'a' });
  assert.equal(info.Mountpoint, join(d.dataRoot, 'volumes/v1/_data'));
  assert.match(info.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(existsSync(info.Mountpoint));
  assert.deepEqual(ok(d.docker(['volume', 'ls', '-q', '--filter', 'label=team=a']), 'ls').trim().split('\n'), ['v1']);
  assert.deepEqual(ok(d.docker(['volume', 'ls', '-q', '--filter', 'name=v']), 'ls').trim().split('\n'), ['v1', 'v2']);
  assert.deepEqual(ok(d.docker(['volume', 'ls', '-q', '--filter', 'dangling=true', '--filter', 'driver=local']), 'ls').trim().split('\n'), ['v1', 'v2']);
  const ls = ok(d.docker(['volume', 'ls']), 'ls table');
  assert.match(ls, /^DRIVER\s+VOLUME NAME\nlocal\s+v1\nlocal\s+v2\n$/);
  ok(d.docker(['volume', 'rm', 'v1', 'v2']), 'rm');
  const gone = d.docker(['volume', 'inspect', 'v1']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /get v1: no such volume/);
  assert.equal(d.docker(['volume', 'rm', '-f', 'v1']).code, 0, 'rm -f of a missing volume succeeds');
});

test('bad volume input is refused with Docker\'s wording and creates nothing', async () => {
  const slash = await d.api('POST', '/volumes/create', { Name: 'a/b' });
  assert.equal(slash.status, 400);
  assert.match(slash.json().message, /create a\/b: "a\/b" includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed/);
  const dots = await d.api('POST', '/volumes/create', { Name: '..' });
  assert.equal(dots.status, 400);
  const opt = d.docker(['volume', 'create', '--opt', 'bogus=1', 'vx']);
  assert.equal(opt.code, 1);
  assert.match(opt.stderr, /invalid option: "bogus"/);
  const missing = d.docker(['volume', 'create', '--opt', 'type=tmpfs', 'vx']);
  assert.match(missing.stderr, /missing required option: "device"/);
  const rel = d.docker(['run', '--rm', '-v', 'rel/dir:/x', 'busybox', 'true']);
  assert.equal(rel.code, 125);
  assert.match(rel.stderr, /includes invalid characters for a local volume name/);
  const noTarget = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'volume', Source: 'vx' }] } });
  assert.equal(noTarget.status, 400);
  assert.match(noTarget.json().message, /invalid mount config for type "volume": field Target must not be empty/);
  const missingSrc = d.docker(['run', '--rm', '--mount', `type=bind,source=${work}/nope,target=/x`, 'busybox', 'true']);
  assert.equal(missingSrc.code, 125);
  assert.match(missingSrc.stderr, /invalid mount config for type "bind": bind source path does not exist: .*\/nope/);
  assert.equal(d.docker(['volume', 'ls', '-q']).stdout, '', 'no volume left behind');
  assert.equal(d.docker(['ps', '-aq']).stdout, '', 'no container left behind');
});

test('named volume data survives the container; rm refused while in use', () => {
  ok(d.docker(['run', '--name', 'w1', '-v', 'data1:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f']), 'write');
  const rm = d.docker(['volume', 'rm', 'data1']);
  assert.equal(rm.code, 1);
  const id = ok(d.docker(['inspect', '-f', '{{.Id}}', 'w1']), 'id').trim();
  assert.match(rm.stderr, new RegExp(`remove data1: volume is in use - \\[${id}\\]`));
  const mounts = JSON.parse(ok(d.docker(['inspect', '-f', '{{json .Mounts}}', 'w1']), 'mounts'));
  assert.deepEqual(mounts, [{ Type: 'volume', Name: 'data1', Source: join(d.dataRoot, 'volumes/data1/_data'), Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }]);
  ok(d.docker(['rm', '-v', 'w1']), 'rm -v keeps named volumes');
  after(() => { d.docker(['volume', 'rm', 'data1']); });
  assert.equal(ok(d.docker(['run', '--rm', '-v', 'data1:/d:ro', 'busybox', 'cat', '/d/f']), 'read').trim(), 'persisted');
  const ro = d.docker(['run', '--rm', '-v', 'data1:/d:ro', 'busybox', 'sh', '-c', 'echo x > /d/g']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
});

test('copy-up fills an empty volume from the image; a non-empty one hides the image content', () => {
  ok(d.docker(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'true']), 'copy-up run');
  const ls = ok(d.docker(['run', '--rm', '-v', 'etcvol:/mnt', 'busybox', 'ls', '/mnt']), 'ls');
  assert.match(ls, /passwd/);
  ok(d.docker(['run', '--rm', '-v', 'etcvol:/mnt', 'busybox', 'sh', '-c', 'rm -rf /mnt/* && echo mine > /mnt/only']), 'replace');
  // runc creates the mount points of /etc/hosts, /etc/hostname, /etc/resolv.conf inside it, as with Docker.
  const names = ok(d.docker(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'ls', '/etc']), 'ls').trim().split('\n');
  assert.deepEqual(names.filter((n) => !['hostname', 'hosts', 'resolv.conf'].includes(n)), ['only']);
  const nocopy = ok(d.docker(['run', '--rm', '-v', 'emptyvol:/etc:nocopy', 'busybox', 'ls', '-A', '/etc']), 'nocopy');
  assert.equal(nocopy, 'hostname\nhosts\nresolv.conf\n', 'only the runtime mount points, no image content');
  ok(d.docker(['volume', 'rm', 'etcvol', 'emptyvol']), 'cleanup');
});

test('copy-up keeps owners, modes, symlinks and xattrs', () => {
  // Prepare the content in the container's own layer before its first start: copy-up reads the merged rootfs.
  ok(d.docker(['create', '--name', 'cu', '-v', 'cuvol:/app', 'busybox', 'true']), 'create');
  const upper = ok(d.docker(['inspect', '-f', '{{.GraphDriver.Data.UpperDir}}', 'cu']), 'upper').trim();
  const script = `set -e; mkdir -p ${upper}/app/sub; echo a > ${upper}/app/f; chown 1234:5678 ${upper}/app/f; chmod 0640 ${upper}/app/f;
    ln -s f ${upper}/app/link; chmod 0700 ${upper}/app/sub; chown 42:43 ${upper}/app; chmod 0750 ${upper}/app; setfattr -n user.berth -v yes ${upper}/app/f`;
  ok(spawnSync('sh', ['-c', script], { encoding: 'utf8' }) as never, 'prepare');
  ok(d.docker(['start', '-a', 'cu']), 'start (copy-up)');
  const v = JSON.parse(ok(d.docker(['volume', 'inspect', 'cuvol']), 'inspect'))[0];
  const out = ok(d.docker(['run', '--rm', '-v', 'cuvol:/app', 'busybox', 'sh', '-c', 'stat -c "%n %u:%g %a" /app /app/f /app/sub; readlink /app/link']), 'stat');
  assert.equal(out, '/app 42:43 750\n/app/f 1234:5678 640\n/app/sub 0:0 700\nf\n');
  const x = spawnSync('getfattr', ['-n', 'user.berth', '--only-values', join(v.Mountpoint, 'f')], { encoding: 'utf8' });
  assert.equal(x.stdout, 'yes');
  ok(d.docker(['rm', 'cu']), 'rm');
  ok(d.docker(['volume', 'rm', 'cuvol']), 'rm vol');
});

test('binds: -v creates a missing source, ro fails writes, --mount bind and tmpfs, --tmpfs', () => {
  const src = join(work, 'created/by/v');
  ok(d.docker(['run', '--rm', '-v', `${src}:/x`, 'busybox', 'sh', '-c', 'echo hi > /x/f']), '-v missing source');
  assert.equal(readFileSync(join(src, 'f'), 'utf8'), 'hi\n');
  writeFileSync(join(work, 'host.txt'), 'from host\n');
  assert.equal(ok(d.docker(['run', '--rm', '--mount', `type=bind,source=${work},target=/w,readonly`, 'busybox', 'cat', '/w/host.txt']), 'mount bind'), 'from host\n');
  const ro = d.docker(['run', '--rm', '--mount', `type=bind,source=${work},target=/w,readonly`, 'busybox', 'touch', '/w/new']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  const t = ok(d.docker(['run', '--rm', '--mount', 'type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770', 'busybox', 'sh', '-c', 'grep " /t " /proc/mounts; stat -c %a /t']), 'tmpfs');
  assert.match(t, /tmpfs \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770/);
  const t2 = ok(d.docker(['run', '--rm', '--tmpfs', '/run:rw,exec,size=2m', 'busybox', 'grep', ' /run ', '/proc/mounts']), '--tmpfs');
  assert.match(t2, /tmpfs \/run tmpfs rw,nosuid,nodev,relatime,size=2048k/);
});

test('anonymous volumes: image VOLUME and -v /path; rm -v removes only them; --volumes-from shares', () => {
  ok(d.docker(['run', '--name', 'src', '-v', '/anon', '-v', 'named1:/named', 'busybox', 'sh', '-c', 'echo a > /anon/f; echo n > /named/f']), 'src');
  const mounts = JSON.parse(ok(d.docker(['inspect', '-f', '{{json .Mounts}}', 'src']), 'inspect'));
  const anon = mounts.find((m: { Destination: string }) => m.Destination === '/anon');
  assert.match(anon.Name, /^[0-9a-f]{64}$/);
  const labels = JSON.parse(ok(d.docker(['volume', 'inspect', '-f', '{{json .Labels}}', anon.Name]), 'labels'));
  assert.deepEqual(labels, { 'com.docker.volume.anonymous': '' });
  assert.equal(ok(d.docker(['run', '--rm', '--volumes-from', 'src:ro', 'busybox', 'cat', '/anon/f', '/named/f']), 'volumes-from'), 'a\nn\n');
  const w = d.docker(['run', '--rm', '--volumes-from', 'src:ro', 'busybox', 'touch', '/anon/g']);
  assert.notEqual(w.code, 0);
  ok(d.docker(['rm', '-v', 'src']), 'rm -v');
  assert.equal(d.docker(['volume', 'inspect', anon.Name]).code, 1, 'anonymous volume removed');
  assert.equal(d.docker(['volume', 'inspect', 'named1']).code, 0, 'named volume kept');
  ok(d.docker(['volume', 'rm', 'named1']), 'rm named1');
});

test('prune removes unused anonymous volumes (and named ones with --all)', () => {
  ok(d.docker(['run', '--name', 'p1', '-v', '/anon', 'busybox', 'true']), 'p1');
  ok(d.docker(['rm', 'p1']), 'rm without -v leaves the anonymous volume');
  ok(d.docker(['volume', 'create', 'keepme']), 'create');
  ok(d.docker(['run', '--name', 'user', '-v', 'used:/u', 'busybox', 'true']), 'user');
  const out = ok(d.docker(['volume', 'prune', '-f']), 'prune');
  assert.match(out, /Deleted Volumes:\n[0-9a-f]{64}\n/);
  assert.deepEqual(ok(d.docker(['volume', 'ls', '-q']), 'ls').trim().split('\n').sort(), ['keepme', 'used']);
  const all = ok(d.docker(['volume', 'prune', '-af']), 'prune -a');
  assert.match(all, /keepme/);
  assert.deepEqual(ok(d.docker(['volume', 'ls', '-q']), 'ls').trim().split('\n'), ['used']);
  ok(d.docker(['rm', 'user']), 'rm user');
  ok(d.docker(['volume', 'rm', 'used']), 'rm used');
});

test('tmpfs- and bind-backed local volumes (--opt type/device/o)', () => {
  ok(d.docker(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=2m,uid=1000', 'tv']), 'tmpfs vol');
  const info = JSON.parse(ok(d.docker(['volume', 'inspect', 'tv']), 'inspect'))[0];
  assert.deepEqual(info.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=2m,uid=1000' });
  const m = ok(d.docker(['run', '--rm', '-v', 'tv:/t', 'busybox', 'sh', '-c', 'stat -c %u /t; df -k /t | tail -1']), 'use tmpfs vol');
  assert.match(m, /^1000\n\S+\s+2048\s/);
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(info.Mountpoint), 'unmounted after the container exits');
  const hostDir = join(work, 'bindvol');
  ok(d.docker(['run', '--rm', '-v', `${hostDir}:/mk`, 'busybox', 'true']), 'mkdir');
  ok(d.docker(['volume', 'create', '--opt', 'type=none', '--opt', `device=${hostDir}`, '--opt', 'o=bind', 'bv']), 'bind vol');
  ok(d.docker(['run', '--rm', '-v', 'bv:/b', 'busybox', 'sh', '-c', 'echo via-volume > /b/f']), 'use bind vol');
  assert.equal(readFileSync(join(hostDir, 'f'), 'utf8'), 'via-volume\n');
  ok(d.docker(['volume', 'rm', 'tv', 'bv']), 'rm');
  assert.ok(existsSync(join(hostDir, 'f')), 'removing a bind-style volume keeps the host data');
});

test('volume data survives kill -9 of the daemon and a restart', async () => {
  ok(d.docker(['run', '--rm', '-v', 'durable:/d', 'busybox', 'sh', '-c', 'echo kept > /d/f; sync']), 'write');
  await d.kill9();
  await d.start();
  assert.equal(ok(d.docker(['run', '--rm', '-v', 'durable:/d', 'busybox', 'cat', '/d/f']), 'read').trim(), 'kept');
  ok(d.docker(['volume', 'rm', 'durable']), 'rm');
});

test('system df lists volumes with their size and users', () => {
  ok(d.docker(['run', '--name', 'dfc', '-v', 'dfvol:/d', 'busybox', 'sh', '-c', 'head -c 10000 /dev/zero > /d/f']), 'write');
  const out = ok(d.docker(['system', 'df', '-v', '--format', '{{json .Volumes}}']), 'df');
  const vols = JSON.parse(out);
  const v = vols.find((x: { Name: string }) => x.Name === 'dfvol');
  assert.ok(v, out);
  assert.equal(String(v.Links), '1');
  ok(d.docker(['rm', 'dfc']), 'rm');
  ok(d.docker(['volume', 'rm', 'dfvol']), 'rm vol');
});
