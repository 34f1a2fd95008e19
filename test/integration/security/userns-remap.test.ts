// --userns-remap with a user made for this suite (berthremap<pid>, its own subordinate ranges), driven by the docker
// CLI: the mapping inside, host ownership of volume/bind files and of the process, --userns=host, the separate
// <data-root>/<uid>.<gid> state. Only the passwd/group/subuid/subgid entries this suite added are removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { parseSubIds, pickFreeRangeBoth } from '../../../src/lib/subid.js';

const USER = `berthremap${process.pid}`;
let d: TestDaemon;
let work: string;
let start = 0;
let createdUser = false;
const addedLines: Array<{ file: string; line: string }> = [];

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
const mounted = (path: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path);
/** userns pins still mounted or present (userns-owner.ts): none once no container runs. */
const pinsLeft = () => {
  const dir = join(d.execRoot, 'netns', '.userns');
  const files = existsSync(dir) ? readdirSync(dir) : [];
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(dir + '/'));
  return [...files, ...mounts];
};

before(async () => {
  if (sh('id', [USER]).status !== 0) {
    const r = sh('useradd', ['--system', '--no-create-home', '--shell', '/bin/false', '--user-group', USER]);
    assert.equal(r.status, 0, r.stderr);
    createdUser = true;
  }
  const read = (f: string) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
  start = pickFreeRangeBoth(parseSubIds(read('/etc/subuid')), parseSubIds(read('/etc/subgid')));
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    const line = `${USER}:${start}:65536\n`;
    const cur = read(file);
    writeFileSync(file, cur + (cur && !cur.endsWith('\n') ? '\n' : '') + line);
    addedLines.push({ file, line });
  }
  d = await startDaemon({ extraArgs: ['--userns-remap', USER], rootMode: 0o711 });
  work = mkdtempSync(join(tmpdir(), 'berth-userns-'));
  chmodSync(work, 0o777);
});

after(async () => {
  await d?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
  for (const { file, line } of addedLines) {
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split('\n').filter((l) => l + '\n' !== line).join('\n'));
  }
  if (createdUser) sh('userdel', [USER]);
  sh('groupdel', [USER]); // useradd --user-group made it; userdel usually removes it already
});

test('info: userns in SecurityOptions, state under <data-root>/<uid>.<gid>', async () => {
  const info = (await d.api('GET', '/info')).json();
  assert.ok(info.SecurityOptions.includes('name=userns'), JSON.stringify(info.SecurityOptions));
  assert.equal(info.DockerRootDir, join(d.dataRoot, `${start}.${start}`));
  const st = statSync(info.DockerRootDir);
  assert.equal(st.mode & 0o777, 0o710);
  assert.equal(st.gid, start);
  // image layers were shifted at unpack
  const bin = spawnSync('sh', ['-c', `ls -ldn ${info.DockerRootDir}/overlay2/*/diff/bin`], { encoding: 'utf8' }).stdout;
  assert.match(bin, new RegExp(` ${start} +${start} `));
});

test('root inside is the first subordinate uid outside; volume and bind files are owned by it on the host', () => {
  const r = d.docker(['run', '--rm', '-v', 'uvol:/vol', '-v', `${work}:/b`, 'busybox', 'sh', '-c',
    'id -u; cat /proc/self/uid_map /proc/self/gid_map; touch /vol/f /b/g; ls -ld /dev/shm /dev/mqueue /proc/1 /sys/fs/cgroup >/dev/null && echo mounts-ok']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.deepEqual(lines, ['0', `0 ${start} 65536`, `0 ${start} 65536`, 'mounts-ok']);
  const vol = d.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'uvol']).stdout.trim();
  assert.equal(statSync(join(vol, 'f')).uid, start);
  assert.equal(statSync(join(vol, 'f')).gid, start);
  assert.equal(statSync(vol).uid, start); // the volume root belongs to the remapped root
  assert.equal(statSync(join(work, 'g')).uid, start);
  assert.equal(d.docker(['volume', 'rm', 'uvol']).code, 0);
});

test('the process runs as the subordinate uid on the host; --userns=host runs as real root', () => {
  const a = d.docker(['run', '-d', '--name', 'un1', 'busybox', 'sleep', '60']);
  assert.equal(a.code, 0, a.stderr);
  const b = d.docker(['run', '-d', '--name', 'un2', '--userns', 'host', 'busybox', 'sleep', '60']);
  assert.equal(b.code, 0, b.stderr);
  const uidOf = (n: string) => {
    const pid = d.docker(['inspect', '-f', '{{.State.Pid}}', n]).stdout.trim();
    return sh('ps', ['-o', 'uid=', '-p', pid]).stdout.trim();
  };
  assert.equal(uidOf('un1'), String(start));
  assert.equal(uidOf('un2'), '0');
  const e = d.docker(['exec', 'un2', 'cat', '/proc/self/uid_map']);
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual(e.stdout.trim().split(/\s+/), ['0', '0', '4294967295']);
  d.docker(['rm', '-f', 'un1', 'un2']);
});

test('run --rm true; container layer writes land owned by the remapped root; privileged is refused', () => {
  assert.equal(d.docker(['run', '--rm', 'busybox', 'true']).code, 0);
  const r = d.docker(['run', '--name', 'un3', 'busybox', 'sh', '-c', 'echo x > /etc/newfile']);
  assert.equal(r.code, 0, r.stderr);
  const id = d.docker(['inspect', '-f', '{{.Id}}', 'un3']).stdout.trim();
  const info = JSON.parse(d.docker(['info', '--format', '{{json .DockerRootDir}}']).stdout);
  assert.equal(statSync(join(info, 'containers-rw', id, 'upper', 'etc', 'newfile')).uid, start);
  d.docker(['rm', '-f', 'un3']);
  const p = d.docker(['run', '--rm', '--privileged', 'busybox', 'true']);
  assert.notEqual(p.code, 0);
  assert.match(p.stderr, /privileged mode is incompatible with user namespaces/);
  // Refused at create, as dockerd: no container is left behind.
  const c = d.docker(['create', '--name', 'unpriv', '--privileged', 'busybox', 'true']);
  assert.notEqual(c.code, 0);
  assert.match(c.stderr, /privileged mode is incompatible with user namespaces/);
  assert.equal(d.docker(['inspect', 'unpriv']).code, 1);
  assert.equal(d.docker(['run', '--rm', '--privileged', '--userns', 'host', 'busybox', 'true']).code, 0);
});

test('the container\'s user namespace owns its netns: exec, ping, net.* sysctls by runc, sysfs, CAP_NET_ADMIN', () => {
  assert.equal(d.docker(['run', '-d', '--name', 'un4', '--cap-add', 'NET_ADMIN', 'busybox', 'sleep', '60']).code, 0);
  const id = d.docker(['inspect', '-f', '{{.Id}}', 'un4']).stdout.trim();
  const gw = d.docker(['inspect', '-f', '{{.NetworkSettings.Gateway}}', 'un4']).stdout.trim();
  const pin = join(d.execRoot, 'netns', '.userns', id);
  assert.ok(mounted(pin), `${pin} is not mounted`);
  // runc 1.1.5 joins the user namespace first (runc#4390): works because that user namespace owns the netns.
  const e = d.docker(['exec', 'un4', 'sh', '-c', `id -u; cat /proc/self/uid_map; ping -c1 -W2 ${gw} >/dev/null && echo ping-ok;
    cat /proc/sys/net/ipv4/ip_unprivileged_port_start; awk '$2 == "/sys" { print $3 }' /proc/mounts; ip link set lo mtu 1400 && echo netadmin-ok`]);
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual(e.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')), ['0', `0 ${start} 65536`, 'ping-ok', '0', 'sysfs', 'netadmin-ok']);
  // the same user namespace as the container's init: /proc/<pid>/ns/user is the pinned one
  const pid = d.docker(['inspect', '-f', '{{.State.Pid}}', 'un4']).stdout.trim();
  assert.equal(statSync(`/proc/${pid}/ns/user`).ino, statSync(pin).ino);
  assert.equal(d.docker(['rm', '-f', 'un4']).code, 0);
  assert.ok(!mounted(pin) && !existsSync(pin), 'userns pin left after rm');
  // --network none is made the same way; a failed start removes the pins it made
  const n = d.docker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; ip -o link | wc -l']);
  assert.equal(n.code, 0, n.stderr);
  assert.deepEqual(n.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')), [`0 ${start} 65536`, '1']);
  const f = d.docker(['run', '--rm', 'busybox', '/nonexistent']);
  assert.notEqual(f.code, 0);
  assert.deepEqual(pinsLeft(), []);
});

test('--network/--ipc container: share the donor\'s user namespace (as dockerd); exec works in both', () => {
  assert.equal(d.docker(['run', '-d', '--name', 'un5', '--ipc', 'shareable', 'busybox', 'sleep', '60']).code, 0);
  const userns = (n: string) => readlinkSync(`/proc/${d.docker(['inspect', '-f', '{{.State.Pid}}', n]).stdout.trim()}/ns/user`);
  const j = d.docker(['run', '-d', '--name', 'un6', '--network', 'container:un5', 'busybox', 'sleep', '60']);
  assert.equal(j.code, 0, j.stderr);
  const i = d.docker(['run', '-d', '--name', 'un7', '--ipc', 'container:un5', 'busybox', 'sleep', '60']);
  assert.equal(i.code, 0, i.stderr);
  assert.equal(userns('un6'), userns('un5'));
  assert.equal(userns('un7'), userns('un5'));
  // the daemon-made shareable /dev/shm belongs to the remapped root (dockerd chowns it): root inside owns it
  const w = d.docker(['exec', 'un5', 'sh', '-c', 'stat -c "%u %g %a" /dev/shm; echo hi > /dev/shm/x; stat -c %u /dev/shm/x']);
  assert.equal(w.code, 0, w.stderr);
  assert.deepEqual(w.stdout.trim().split('\n'), ['0 0 1777', '0']);
  assert.equal(d.docker(['exec', 'un7', 'cat', '/dev/shm/x']).stdout.trim(), 'hi');
  for (const n of ['un6', 'un7']) {
    const e = d.docker(['exec', n, 'sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; ip -o -4 addr show eth0 | wc -l']);
    assert.equal(e.code, 0, e.stderr);
    assert.deepEqual(e.stdout.trim().split('\n').map((l) => l.trim()), ['0', '1'], n);
  }
  assert.equal(d.docker(['rm', '-f', 'un7', 'un6', 'un5']).code, 0);
  assert.deepEqual(pinsLeft(), []);
});

test('docker cp shifts owners into the range; daemon-made bind sources belong to the remapped root', () => {
  assert.equal(d.docker(['run', '-d', '--name', 'un8', 'busybox', 'sleep', '60']).code, 0);
  const src = join(work, 'cpsrc');
  rmSync(src, { recursive: true, force: true });
  sh('mkdir', ['-p', join(src, 'd')]);
  writeFileSync(join(src, 'd', 'f'), 'x');
  const tarFile = join(work, 'cp.tar');
  assert.equal(sh('tar', ['-cf', tarFile, '--owner=1000', '--group=1001', '-C', src, 'd']).status, 0);
  const input = readFileSync(tarFile);
  const cpIn = (args: string[], dest: string) => {
    const r = d.docker(['cp', ...args, '-', `un8:${dest}`], { input });
    assert.equal(r.code, 0, r.stderr);
  };
  d.docker(['exec', 'un8', 'mkdir', '/a', '/b']);
  cpIn(['-a'], '/a');
  cpIn([], '/b');
  const st = d.docker(['exec', 'un8', 'stat', '-c', '%n %u %g', '/a/d', '/a/d/f', '/b/d', '/b/d/f']);
  assert.equal(st.code, 0, st.stderr);
  assert.deepEqual(st.stdout.trim().split('\n'), ['/a/d 1000 1001', '/a/d/f 1000 1001', '/b/d 0 0', '/b/d/f 0 0']);
  const id = d.docker(['inspect', '-f', '{{.Id}}', 'un8']).stdout.trim();
  const upper = join(d.dataRoot, `${start}.${start}`, 'containers-rw', id, 'upper');
  assert.equal(statSync(join(upper, 'a/d/f')).uid, start + 1000);
  assert.equal(statSync(join(upper, 'a/d/f')).gid, start + 1001);
  assert.equal(statSync(join(upper, 'b/d/f')).uid, start);
  // and out again: the archive carries container IDs
  const out = spawnSync('docker', ['cp', 'un8:/a/d', '-'], { env: { ...process.env, DOCKER_HOST: d.host } });
  assert.equal(out.status, 0, String(out.stderr));
  writeFileSync(tarFile, out.stdout);
  assert.match(sh('tar', ['-tvf', tarFile, '--numeric-owner']).stdout, /1000\/1001 .* d\/f\n/);
  // docker export too: container IDs (root is 0, not the remapped root)
  const exp = spawnSync('docker', ['export', 'un8'], { env: { ...process.env, DOCKER_HOST: d.host }, maxBuffer: 1 << 28 });
  assert.equal(exp.status, 0, String(exp.stderr));
  writeFileSync(tarFile, exp.stdout);
  const listing = sh('tar', ['-tvf', tarFile, '--numeric-owner']).stdout;
  assert.match(listing, / 1000\/1001 .* a\/d\/f\n/);
  assert.match(listing, / 0\/0 .* bin\/busybox\n/);
  assert.doesNotMatch(listing, new RegExp(` ${start}/`));
  d.docker(['rm', '-f', 'un8']);
  // -v with a missing host path: the daemon creates it (every new level) owned by the remapped root
  const made = join(work, 'made');
  const r = d.docker(['run', '--rm', '-v', `${made}/sub:/x`, 'busybox', 'sh', '-c', 'touch /x/f && stat -c %u /x']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '0');
  assert.equal(statSync(made).uid, start);
  assert.equal(statSync(join(made, 'sub')).gid, start);
  assert.equal(statSync(work).uid, 0); // an existing parent is left alone
});

test('a daemon without remap on the same data-root sees the un-remapped state, and back', async () => {
  assert.match(d.docker(['images', '-q']).stdout, /\w/);
  await d.stop();
  const plain = await startDaemon({ extraArgs: ['--data-root', d.dataRoot], importBusybox: false });
  try {
    assert.equal(plain.docker(['images', '-q']).stdout.trim(), '');
    const info = (await plain.api('GET', '/info')).json();
    assert.equal(info.DockerRootDir, d.dataRoot);
    assert.ok(!info.SecurityOptions.includes('name=userns'));
  } finally {
    await plain.destroy();
  }
  // a userns pin left by a crash is removed when the daemon starts again
  const stale = join(d.execRoot, 'netns', '.userns', 'stale');
  mkdirSync(join(stale, '..'), { recursive: true });
  writeFileSync(stale, '');
  assert.equal(sh('unshare', [`--user=${stale}`, '--mount', 'true']).status, 0);
  assert.ok(mounted(stale));
  await d.start();
  assert.ok(!mounted(stale) && !existsSync(stale), 'stale userns pin survived the start');
  assert.match(d.docker(['images', '-q']).stdout, /\w/);
});

test('missing ranges: clear error at daemon start', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-userns-bad-'));
  try {
    const r = spawnSync(process.execPath, [join(REPO, 'dist/src/daemon/main.js'), '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'),
      '-H', `unix://${join(root, 's.sock')}`, '--pidfile', join(root, 'pid'), '--userns-remap', 'nobody'], { encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /no subuid ranges found for user "nobody"/);
  } finally { rmSync(root, { recursive: true, force: true }); }
});
