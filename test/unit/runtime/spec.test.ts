// buildSpec against a fake host and a tiny image rootfs: the shape Docker produces, and each option's effect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpec, DEFAULT_MASKED_PATHS } from '../../../src/runtime/spec.js';
import { KNOWN_CAPS, DEFAULT_CAPS } from '../../../src/runtime/capabilities.js';
import type { HostInfo, SpecInput } from '../../../src/runtime/types.js';

let rootfs: string;
before(() => {
  rootfs = mkdtempSync(join(tmpdir(), 'berth-spec-'));
  mkdirSync(join(rootfs, 'etc'));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\napp:x:1000:1000::/app:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nwheel:x:10:root\naudio:x:29:app\nvideo:x:44:app,root\napp:x:1000:\nnogroup:x:65534:\n');
});
after(() => rmSync(rootfs, { recursive: true, force: true }));

const host: HostInfo = {
  capBounding: KNOWN_CAPS.filter((c) => c !== 'CAP_SYS_RESOURCE'), // as this host: no CAP_SYS_RESOURCE
  nofileHard: 20000,
  swapLimit: true,
  sysctls: ['net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'],
  thermalThrottlePaths: [],
  devices: [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }],
};

const input = (extra: Partial<SpecInput> = {}): SpecInput => ({
  containerId: 'c1', rootfs, readonlyRootfs: false, args: ['sh', '-c', 'true'], env: ['FOO=bar'], workingDir: '',
  user: '', hostname: 'abc123', tty: false, openStdin: false, netns: undefined, privileged: false, mounts: [],
  init: false, cgroupsPath: '/berth/c1', ...extra,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (extra: Partial<SpecInput> = {}): any => buildSpec(input(extra), host);

test('default spec matches Docker\'s shape', () => {
  const s = spec();
  assert.equal(s.ociVersion, '1.0.2-dev');
  assert.deepEqual(s.root, { path: rootfs, readonly: false });
  assert.equal(s.hostname, 'abc123');
  assert.deepEqual(s.process.args, ['sh', '-c', 'true']);
  assert.deepEqual(s.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=abc123', 'FOO=bar']);
  assert.equal(s.process.cwd, '/');
  assert.equal(s.process.terminal, false);
  assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0, 10, 44] });
  assert.deepEqual(s.process.capabilities, { bounding: DEFAULT_CAPS, effective: DEFAULT_CAPS, permitted: DEFAULT_CAPS });
  assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  assert.equal(s.process.oomScoreAdj, 0);
  assert.deepEqual(s.mounts.map((m: { destination: string }) => m.destination),
    ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
  assert.deepEqual(s.mounts[6], { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] });
  assert.deepEqual(s.mounts[3].options, ['nosuid', 'noexec', 'nodev', 'ro']);
  assert.deepEqual(s.linux.namespaces, [{ type: 'mount' }, { type: 'network' }, { type: 'uts' }, { type: 'pid' }, { type: 'ipc' }]);
  assert.equal(s.linux.cgroupsPath, '/berth/c1');
  assert.deepEqual(s.linux.devices, []);
  assert.deepEqual(s.linux.resources.devices[0], { allow: false, access: 'rwm' });
  assert.equal(s.linux.resources.devices.length, 8);
  assert.deepEqual(s.linux.maskedPaths, DEFAULT_MASKED_PATHS);
  assert.deepEqual(s.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
});

test('tty adds TERM; env overrides replace in place; PATH from the image wins', () => {
  const s = spec({ tty: true, env: ['PATH=/x', 'HOSTNAME=override', 'Z=1'] });
  assert.deepEqual(s.process.env, ['PATH=/x', 'HOSTNAME=override', 'TERM=xterm', 'Z=1']);
  assert.equal(s.process.terminal, true);
});

test('users: name, uid, uid:gid, name:group, group-add, unknown', () => {
  assert.deepEqual(spec({ user: 'app' }).process.user, { uid: 1000, gid: 1000, additionalGids: [1000, 29, 44] });
  assert.deepEqual(spec({ user: '1000' }).process.user, { uid: 1000, gid: 1000, additionalGids: [1000, 29, 44] });
  assert.deepEqual(spec({ user: '4242' }).process.user, { uid: 4242, gid: 0, additionalGids: [0] });
  assert.deepEqual(spec({ user: 'app:video' }).process.user, { uid: 1000, gid: 44, additionalGids: [44] });
  assert.deepEqual(spec({ user: '7:8' }).process.user, { uid: 7, gid: 8, additionalGids: [8] });
  assert.deepEqual(spec({ user: 'nobody', groupAdd: ['audio', '777', 'audio'] }).process.user, { uid: 65534, gid: 65534, additionalGids: [65534, 29, 777] });
  assert.throws(() => spec({ user: 'x' }), /^EngineError: unable to find user x: no matching entries in passwd file$/);
  assert.throws(() => spec({ user: 'app:nogrp' }), /unable to find group nogrp: no matching entries in group file/);
  assert.throws(() => spec({ groupAdd: ['nogrp'] }), /Unable to find group nogrp/);
});

test('users resolve through an absolute symlink inside the image, not the host', () => {
  const r = mkdtempSync(join(tmpdir(), 'berth-spec-link-'));
  try {
    mkdirSync(join(r, 'etc'));
    mkdirSync(join(r, 'lib'));
    writeFileSync(join(r, 'lib/passwd'), 'svc:x:99:98::/:/bin/sh\n');
    symlinkSync('/lib/passwd', join(r, 'etc/passwd'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const s: any = buildSpec(input({ rootfs: r, user: 'svc' }), host);
    assert.deepEqual(s.process.user, { uid: 99, gid: 98, additionalGids: [98] });
  } finally {
    rmSync(r, { recursive: true, force: true });
  }
});

test('capabilities: add/drop with and without CAP_, ALL, unknown and unavailable', () => {
  const caps = (capAdd?: string[], capDrop?: string[]) => spec({ capAdd, capDrop }).process.capabilities.bounding as string[];
  assert.deepEqual(caps(['net_admin'], ['CAP_CHOWN', 'mknod']), [...DEFAULT_CAPS.filter((c) => c !== 'CAP_CHOWN' && c !== 'CAP_MKNOD'), 'CAP_NET_ADMIN']);
  assert.deepEqual(caps(['CHOWN'], ['ALL']), ['CAP_CHOWN']);
  assert.deepEqual(caps(['ALL'], ['SYS_ADMIN']), host.capBounding.filter((c) => c !== 'CAP_SYS_ADMIN'));
  assert.throws(() => caps(['FOO']), /unknown capability: "CAP_FOO"/);
  assert.throws(() => caps(['SYS_RESOURCE']), /not available in the current environment: "CAP_SYS_RESOURCE"/);
});

test('privileged: host caps and devices, no masks, writable /sys and cgroup', () => {
  const s = spec({ privileged: true });
  assert.deepEqual(s.process.capabilities.bounding, host.capBounding);
  assert.ok(!s.process.capabilities.bounding.includes('CAP_SYS_RESOURCE'));
  assert.deepEqual(s.linux.devices, [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
  assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.equal(s.linux.maskedPaths, undefined);
  assert.equal(s.linux.readonlyPaths, undefined);
  assert.deepEqual(s.mounts.find((m: { destination: string }) => m.destination === '/sys').options, ['nosuid', 'noexec', 'nodev']);
  assert.deepEqual(s.mounts.find((m: { destination: string }) => m.destination === '/sys/fs/cgroup').options, ['nosuid', 'noexec', 'nodev']);
});

test('networks: host has no net namespace and no net sysctls; a path is joined', () => {
  const hostNet = spec({ netns: 'host' });
  assert.ok(!hostNet.linux.namespaces.some((n: { type: string }) => n.type === 'network'));
  assert.deepEqual(hostNet.linux.sysctl, {});
  assert.deepEqual(spec({ netns: '/run/netns/x' }).linux.namespaces[1], { type: 'network', path: '/run/netns/x' });
  assert.deepEqual(spec({ sysctls: { 'net.ipv4.ip_forward': '1' } }).linux.sysctl['net.ipv4.ip_forward'], '1');
});

test('mounts: user mounts sorted after defaults, override defaults, readonly rootfs, init, shm size', () => {
  const s = spec({
    readonlyRootfs: true, init: true, initPath: '/usr/bin/tini', shmSize: 1024,
    mounts: [
      { destination: '/data/sub', source: '/h/sub', type: 'bind', options: ['rbind', 'rw'] },
      { destination: '/data', source: '/h/data', type: 'bind', options: ['rbind', 'rw'] },
      { destination: '/dev/mqueue', source: '/h/mq', type: 'bind', options: ['rbind'] },
    ],
  });
  assert.deepEqual(s.mounts.map((m: { destination: string }) => m.destination),
    ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/shm', '/sbin/docker-init', '/data', '/data/sub', '/dev/mqueue']);
  assert.deepEqual(s.mounts[6], { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini', options: ['bind', 'ro'] });
  assert.ok(s.mounts[5].options.includes('size=1024'));
  assert.ok(!s.mounts[1].options.includes('ro'), '/dev stays writable');
  assert.deepEqual(s.mounts[7].options, ['rbind', 'rw'], 'user mounts keep their mode');
  assert.equal(s.root.readonly, true);
  assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'true']);
  const dev = spec({ mounts: [{ destination: '/dev', source: '/dev', type: 'bind', options: ['rbind'] }] });
  assert.deepEqual(dev.mounts.map((m: { destination: string }) => m.destination), ['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
});

test('resources, ulimits, oom score, masked path overrides, no-new-privileges', () => {
  const s = spec({
    resources: { memory: 1 << 27, memorySwap: 1 << 28, memoryReservation: 1 << 26, cpuShares: 512, nanoCpus: 1.5e9, cpusetCpus: '0', pidsLimit: 0 },
    ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 10, Hard: 20 }],
    oomScoreAdj: 500, maskedPaths: [], readonlyPaths: ['/proc/x'], securityOpt: ['no-new-privileges:true'],
  });
  assert.deepEqual(s.linux.resources.memory, { limit: 1 << 27, reservation: 1 << 26, swap: 1 << 28 });
  assert.deepEqual(s.linux.resources.cpu, { shares: 512, cpus: '0', period: 100000, quota: 150000 });
  assert.deepEqual(s.linux.resources.pids, { limit: -1 });
  assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }, { type: 'RLIMIT_NPROC', soft: 10, hard: 20 }]);
  assert.equal(s.process.oomScoreAdj, 500);
  assert.deepEqual(s.linux.maskedPaths, []);
  assert.deepEqual(s.linux.readonlyPaths, ['/proc/x']);
  assert.equal(s.process.noNewPrivileges, true);
  // No swap accounting on the host: Docker drops the swap limit.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const noSwap: any = buildSpec(input({ resources: { memory: 1 << 27, memorySwap: 1 << 28 } }), { ...host, swapLimit: false });
  assert.deepEqual(noSwap.linux.resources.memory, { limit: 1 << 27 });
});
