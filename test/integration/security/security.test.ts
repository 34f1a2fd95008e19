// Docker's security defaults and options, proven from inside real containers started by the real docker CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let work: string;

before(async () => {
  d = await startDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-sec-'));
});
after(async () => {
  await d?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

const run = (args: string[], cmd: string) => d.docker(['run', '--rm', ...args, 'busybox', 'sh', '-c', cmd]);
const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};

test('default container: cannot mount, load a module, read /proc/kcore; has Docker\'s capability set', () => {
  const m = run([], 'mkdir /m && mount -t tmpfs none /m');
  assert.notEqual(m.code, 0);
  assert.match(m.stderr, /permission denied|Operation not permitted/i);
  const mod = run([], 'echo x > /tmp/x.ko; insmod /tmp/x.ko');
  assert.notEqual(mod.code, 0);
  assert.match(mod.stderr, /Operation not permitted|Permission denied|not permitted/);
  const kcore = run([], 'head -c1 /proc/kcore | wc -c');
  assert.equal(kcore.stdout.trim(), '0', 'masked /proc/kcore reads as empty');
  const caps = ok(run([], 'grep CapEff /proc/self/status'), 'caps');
  assert.match(caps, /CapEff:\s+00000000a80425fb/);
  const sys = run([], 'touch /sys/kernel/x');
  assert.notEqual(sys.code, 0);
});

test('--cap-drop NET_RAW makes ping fail; --cap-add / ALL / unknown', () => {
  ok(run([], 'ping -c1 -W2 127.0.0.1 >/dev/null'), 'ping with NET_RAW');
  const p = run(['--cap-drop', 'NET_RAW'], 'ping -c1 -W2 127.0.0.1');
  assert.notEqual(p.code, 0);
  assert.match(p.stderr, /permission denied|Operation not permitted/i);
  ok(run(['--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined'], 'mkdir /m && mount -t tmpfs none /m'), 'mount with SYS_ADMIN');
  const all = ok(run(['--cap-drop', 'ALL'], 'grep CapEff /proc/self/status'), 'drop all');
  assert.match(all, /CapEff:\s+0{16}/);
  const bad = d.docker(['run', '--rm', '--cap-add', 'BOGUS', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /invalid CapAdd: unknown capability: "CAP_BOGUS"/);
  assert.equal(d.docker(['ps', '-aq']).stdout, '');
});

test('--privileged: host bounding set, host devices, no masked paths, writable /sys', () => {
  const bnd = readBnd();
  const out = ok(run(['--privileged'], 'grep CapEff /proc/self/status; ls /dev | wc -l; grep -c " /proc/kcore " /proc/mounts; grep " /sys " /proc/mounts; mkdir /m && mount -t tmpfs none /m && echo mounted'), 'privileged');
  const [capLine, ndev, kcore, sysLine, mounted] = out.trim().split('\n');
  assert.match(capLine!, new RegExp(`CapEff:\\s+${bnd}`));
  assert.ok(Number(ndev) > 15, `host devices: ${ndev}`);
  assert.equal(kcore, '0', 'no masked paths');
  assert.match(sysLine!, / rw,/);
  assert.equal(mounted, 'mounted');
});

function readBnd(): string {
  return /CapBnd:\s*(\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
}

test('seccomp: default profile refuses unshare without CAP_SYS_ADMIN; unconfined and custom profiles; bad profiles', () => {
  const dflt = run([], 'unshare -U true');
  assert.notEqual(dflt.code, 0, 'default profile blocks unshare');
  assert.match(dflt.stderr, /Operation not permitted/);
  ok(run(['--security-opt', 'seccomp=unconfined'], 'unshare -U true'), 'unconfined allows');
  const prof = join(work, 'deny-mkdir.json');
  writeFileSync(prof, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
  const mk = run(['--security-opt', `seccomp=${prof}`], 'mkdir /x');
  assert.notEqual(mk.code, 0);
  assert.match(mk.stderr, /Operation not permitted/);
  const seccomp = ok(run(['--security-opt', `seccomp=${prof}`], 'grep Seccomp: /proc/self/status'), 'status');
  assert.match(seccomp, /Seccomp:\s+2/);
  writeFileSync(join(work, 'bad.json'), '{not json');
  const bad = d.docker(['run', '--rm', '--security-opt', `seccomp=${join(work, 'bad.json')}`, 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /seccomp profile .*failed: invalid character 'n'/);
  writeFileSync(join(work, 'unknown.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['no_such_call'], action: 'SCMP_ACT_ERRNO' }] }));
  const unk = d.docker(['run', '--rm', '--security-opt', `seccomp=${join(work, 'unknown.json')}`, 'busybox', 'true']);
  assert.equal(unk.code, 125);
  assert.match(unk.stderr, /invalid seccomp profile: unknown syscall "no_such_call"/);
  const api = d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { SecurityOpt: ['seccomp={bad'] } });
  return api.then((r) => {
    assert.equal(r.status, 400);
    assert.match(r.json().message, /Decoding seccomp profile failed/);
    assert.equal(d.docker(['ps', '-aq']).stdout, '');
  });
});

test('no-new-privileges, apparmor reported, --read-only, --user, --group-add', () => {
  assert.match(ok(run(['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status'), 'nnp'), /NoNewPrivs:\s+1/);
  const aa = d.docker(['create', '--security-opt', 'apparmor=docker-default', 'busybox', 'true']);
  assert.equal(aa.code, 0, aa.stderr);
  assert.match(aa.stderr, /AppArmor is not enabled on this host/);
  d.docker(['rm', aa.stdout.trim()]);
  const ro = run(['--read-only', '--tmpfs', '/scratch'], 'touch /x 2>&1; touch /dev/shm/ok /scratch/ok && echo writable');
  assert.match(ro.stdout, /Read-only file system/);
  assert.match(ro.stdout, /writable/);
  assert.equal(ok(run(['--user', '1000:1000', '--group-add', '50'], 'id'), 'user').trim(), 'uid=1000 gid=1000 groups=50,1000');
  assert.equal(ok(run(['--user', 'nobody'], 'id -un'), 'user name').trim(), 'nobody');
});

test('--device with permissions and --device-cgroup-rule', () => {
  assert.equal(ok(run(['--device', '/dev/null:/dev/mynull:rw'], 'echo x > /dev/mynull && echo wrote'), 'device').trim(), 'wrote');
  // /dev/kmsg (1:11) is in neither Docker's nor runc's default allow-list: --device permissions alone decide.
  ok(run(['--device', '/dev/kmsg:/dev/kmsg:rw'], 'echo berth-device-test > /dev/kmsg'), 'write allowed');
  const r = run(['--device', '/dev/kmsg:/dev/kmsg:r'], 'echo berth-device-test > /dev/kmsg');
  assert.notEqual(r.code, 0, 'write denied by the device cgroup');
  assert.match(r.stderr, /Operation not permitted/);
  ok(run(['--device', '/dev/kmsg:/dev/kmsg:r', '--device-cgroup-rule', 'c 1:11 w'], 'echo berth-device-test > /dev/kmsg'), 'rule adds w');
  const missing = d.docker(['run', '--rm', '--device', '/dev/nope', 'busybox', 'true']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /error gathering device information while adding custom device "\/dev\/nope": no such file or directory/);
});

// /dev/vda cannot be used for this: on this VM even host root gets EPERM opening the root disk (the hypervisor's
// kernel refuses it), so a loop device stands in for a real disk.
test('--device with a block device: reads, the device cgroup decides writes, --device-read-bps throttles it', () => {
  const img = join(work, 'blk.img');
  writeFileSync(img, Buffer.concat([Buffer.from('berth-block-device\n'), Buffer.alloc(4 * 1024 * 1024 - 19)]));
  const attach = spawnSync('losetup', ['--find', '--show', img], { encoding: 'utf8' });
  assert.equal(attach.status, 0, attach.stderr);
  const loop = attach.stdout.trim();
  try {
    const [major, minor] = spawnSync('stat', ['-c', '%t %T', loop], { encoding: 'utf8' }).stdout.trim().split(' ').map((h) => parseInt(h, 16));
    const out = ok(run(['--device', `${loop}:/dev/xblk`], 'ls -l /dev/xblk; head -c 19 /dev/xblk; grep "^b " /sys/fs/cgroup/devices/devices.list'), 'read');
    assert.match(out, new RegExp(`^brw-------\\s+1 root\\s+root\\s+${major},\\s+${minor} `));
    assert.match(out, /berth-block-device\n/);
    assert.match(out, new RegExp(`^b ${major}:${minor} rwm$`, 'm'));
    ok(run(['--device', `${loop}:/dev/xblk`], 'echo w | dd of=/dev/xblk bs=1 seek=4096 conv=notrunc 2>/dev/null'), 'write rwm');
    const ro = run(['--device', `${loop}:/dev/xblk:r`], 'head -c 19 /dev/xblk && echo w | dd of=/dev/xblk seek=8 2>&1');
    assert.notEqual(ro.code, 0);
    assert.match(ro.stdout, /^berth-block-device\n.*can't open '\/dev\/xblk': Operation not permitted/s);
    // 2 MiB at 1 MiB/s through blkio.throttle (O_DIRECT so the page cache cannot serve it): well over a second.
    const slow = ok(run(['--device', `${loop}:/dev/xblk`, '--device-read-bps', `${loop}:1mb`],
      'cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device; s=$(cut -d" " -f1 /proc/uptime); dd if=/dev/xblk of=/dev/null bs=256k count=8 iflag=direct 2>/dev/null; awk "BEGIN { print int(($(cut -d" " -f1 /proc/uptime) - $s) * 1000) }"'), 'throttled');
    const [rule, ms] = slow.trim().split('\n');
    assert.equal(rule, `${major}:${minor} 1048576`);
    assert.ok(Number(ms) >= 900, `2 MiB at 1 MiB/s took ${ms} ms`);
  } finally {
    spawnSync('losetup', ['-d', loop]);
  }
});

test('--ipc, --pid, --uts modes', () => {
  const hostIpc = readlink('/proc/self/ns/ipc');
  assert.equal(ok(run(['--ipc', 'host'], 'readlink /proc/self/ns/ipc'), 'ipc host').trim(), hostIpc);
  assert.notEqual(ok(run([], 'readlink /proc/self/ns/ipc'), 'ipc').trim(), hostIpc);
  assert.equal(ok(run(['--ipc', 'none'], 'test -e /dev/shm/. && grep -c " /dev/shm " /proc/mounts || echo 0'), 'none').trim(), '0');
  const donor = ok(d.docker(['run', '-d', '--name', 'donor', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo s > /dev/shm/shared; sleep 60']), 'donor').trim();
  assert.match(donor, /^[0-9a-f]{64}$/);
  const ns = ok(d.docker(['exec', 'donor', 'readlink', '/proc/self/ns/ipc']), 'donor ns').trim();
  assert.equal(ok(run(['--ipc', 'container:donor'], 'readlink /proc/self/ns/ipc; cat /dev/shm/shared'), 'join').trim(), `${ns}\ns`);
  assert.equal(ok(run(['--pid', 'container:donor'], 'ps -o comm | grep -c sleep'), 'pid join').trim(), '1');
  d.docker(['rm', '-f', 'donor']);
  const private_ = ok(d.docker(['run', '-d', '--name', 'priv', 'busybox', 'sleep', '60']), 'priv');
  assert.ok(private_);
  const np = d.docker(['run', '--rm', '--ipc', 'container:priv', 'busybox', 'true']);
  assert.notEqual(np.code, 0);
  assert.match(np.stderr, /non-shareable IPC/);
  d.docker(['rm', '-f', 'priv']);
  assert.equal(ok(run(['--pid', 'host'], 'readlink /proc/self/ns/pid'), 'pid host').trim(), readlink('/proc/self/ns/pid'));
  assert.equal(ok(run(['--uts', 'host'], 'hostname'), 'uts host').trim(), readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
  ok(run(['--userns', 'host'], 'true'), 'userns host');
});

function readlink(p: string): string { return readlinkSync(p); }
