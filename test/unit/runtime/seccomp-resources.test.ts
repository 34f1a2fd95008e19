// Seccomp compilation (capability/arch/kernel rules, custom profiles), resources for v1 and v2, devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileProfile, defaultSeccomp, seccompFromSecurityOpt } from '../../../src/runtime/seccomp.js';
import { buildResources, buildSpec, noNewPrivileges } from '../../../src/runtime/spec.js';
import { parseDeviceCgroupRule, validDevicePermissions } from '../../../src/runtime/devices.js';
import { DEFAULT_CAPS } from '../../../src/runtime/capabilities.js';
import type { HostInfo } from '../../../src/runtime/types.js';

const allowed = (s: ReturnType<typeof defaultSeccomp>) => new Set(s.syscalls.filter((x) => x.action === 'SCMP_ACT_ALLOW' && !x.args).flatMap((x) => x.names));

test('default seccomp: EPERM default, x86-64 arches, capability-dependent syscalls', () => {
  const s = defaultSeccomp(DEFAULT_CAPS, { kernel: [6, 1] }, 'x64');
  assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.defaultErrnoRet, 1);
  assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  const a = allowed(s);
  for (const n of ['read', 'write', 'clone3', 'arch_prctl', 'ptrace', 'chroot']) assert.equal(a.has(n) || n === 'clone3', true, n);
  for (const n of ['mount', 'unshare', 'init_module', 'kexec_load', 'keyctl', 'reboot', 'bpf']) assert.equal(a.has(n), false, n);
  // clone3 gets ENOSYS without CAP_SYS_ADMIN so glibc falls back to clone.
  assert.ok(s.syscalls.some((x) => x.names.includes('clone3') && x.errnoRet === 38));
  const admin = allowed(defaultSeccomp([...DEFAULT_CAPS, 'CAP_SYS_ADMIN'], { kernel: [6, 1] }, 'x64'));
  assert.ok(admin.has('mount') && admin.has('unshare') && admin.has('clone3'));
  assert.ok(allowed(defaultSeccomp([...DEFAULT_CAPS, 'CAP_SYS_MODULE'], { kernel: [6, 1] }, 'x64')).has('init_module'));
  // ptrace needs kernel 4.8 for the unconditional allow.
  assert.equal(allowed(defaultSeccomp(DEFAULT_CAPS, { kernel: [4, 4] }, 'x64')).has('ptrace'), false);
  const arm = defaultSeccomp(DEFAULT_CAPS, { kernel: [6, 1] }, 'arm64');
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.equal(allowed(arm).has('arch_prctl'), false);
});

test('security opts: unconfined, builtin, custom JSON; bad profiles refused with clear wording', () => {
  assert.equal(seccompFromSecurityOpt(['seccomp=unconfined'], DEFAULT_CAPS, { kernel: [6, 1] }), undefined);
  assert.equal(seccompFromSecurityOpt(undefined, DEFAULT_CAPS, { kernel: [6, 1] })?.defaultAction, 'SCMP_ACT_ERRNO');
  const p = compileProfile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }, { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }] }), DEFAULT_CAPS, { kernel: [6, 1] }, 'x64');
  assert.deepEqual(p, { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] });
  assert.throws(() => compileProfile('{x', [], { kernel: [6, 1] }), /Decoding seccomp profile failed/);
  assert.throws(() => compileProfile('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["nope"],"action":"SCMP_ACT_ERRNO"}]}', [], { kernel: [6, 1] }), /unknown syscall "nope"/);
  assert.throws(() => compileProfile('{"defaultAction":"BOGUS"}', [], { kernel: [6, 1] }), /unknown default action/);
  assert.equal(noNewPrivileges(['no-new-privileges']), true);
  assert.equal(noNewPrivileges(['no-new-privileges=false']), false);
});

const host = (over: Partial<HostInfo> = {}): HostInfo => ({
  capBounding: [...DEFAULT_CAPS, 'CAP_SYS_ADMIN'], nofileHard: 20000, swapLimit: true, sysctls: [], thermalThrottlePaths: [], devices: [],
  blkioWeight: true, cgroupVersion: 'v1', apparmor: false, kernel: [6, 1], ...over,
});

test('resources: v1 gets swappiness; v2 drops it; swap only with swap accounting; oom killer; blkio weight', () => {
  const r = { memory: 64 << 20, memorySwap: 128 << 20, memorySwappiness: 10, oomKillDisable: true, cpuShares: 512, nanoCpus: 5e8, pidsLimit: 50, blkioWeight: 300 };
  assert.deepEqual(buildResources(r, host()), {
    memory: { limit: 64 << 20, swap: 128 << 20, swappiness: 10, disableOOMKiller: true },
    cpu: { shares: 512, period: 100000, quota: 50000 }, pids: { limit: 50 }, blockIO: { weight: 300 },
  });
  const v2 = buildResources(r, host({ cgroupVersion: 'v2' })) as { memory: Record<string, unknown> };
  assert.equal(v2.memory.swappiness, undefined);
  assert.equal(v2.memory.swap, 128 << 20, 'runc converts memory+swap to memory.swap.max on v2');
  const noSwap = buildResources(r, host({ swapLimit: false, blkioWeight: false })) as Record<string, Record<string, unknown>>;
  assert.equal(noSwap.memory!.swap, undefined);
  assert.equal(noSwap.blockIO, undefined);
});

test('devices: permissions, cgroup rules; namespaces for ipc/pid/uts modes', () => {
  assert.equal(validDevicePermissions('rwm'), true);
  assert.equal(validDevicePermissions('rwx'), false);
  assert.deepEqual(parseDeviceCgroupRule('c 1:3 rw'), { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' });
  assert.deepEqual(parseDeviceCgroupRule('b *:* m'), { allow: true, type: 'b', major: -1, minor: -1, access: 'm' });
  assert.throws(() => parseDeviceCgroupRule('x 1:2 r'), /invalid device cgroup format/);
  const base = { containerId: 'c', rootfs: '/nonexistent', readonlyRootfs: false, args: ['sh'], env: [], workingDir: '', user: '', hostname: 'h',
    tty: false, openStdin: false, netns: undefined, privileged: false, mounts: [], init: false, cgroupsPath: '/b/c' };
  const spec = buildSpec({ ...base, ipc: 'host', pid: { path: '/proc/9/ns/pid' }, uts: 'host' }, host()) as { hostname?: string; linux: { namespaces: Array<{ type: string; path?: string }>; seccomp?: unknown }; mounts: Array<{ destination: string; type: string; source: string }> };
  const types = spec.linux.namespaces.map((n) => n.type + (n.path ? '=' + n.path : ''));
  assert.deepEqual(types, ['mount', 'network', 'pid=/proc/9/ns/pid']);
  assert.equal(spec.hostname, undefined);
  assert.deepEqual(spec.mounts.find((m) => m.destination === '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  assert.ok(spec.linux.seccomp, 'default seccomp applied');
  const none = buildSpec({ ...base, ipc: 'none' }, host()) as { mounts: Array<{ destination: string }> };
  assert.equal(none.mounts.some((m) => m.destination === '/dev/shm'), false);
  const priv = buildSpec({ ...base, privileged: true }, host()) as { linux: { seccomp?: unknown } };
  assert.equal(priv.linux.seccomp, undefined, 'privileged runs unconfined');
});

test('userns-remap: user namespace + mappings; sysfs bound from the host when the netns is the daemon\'s; cgroup rw', () => {
  const base = { containerId: 'c', rootfs: '/nonexistent', readonlyRootfs: false, args: ['sh'], env: [], workingDir: '', user: '', hostname: 'h',
    tty: false, openStdin: false, privileged: false, mounts: [], init: false, cgroupsPath: '/b/c' };
  const idMappings = { uid: [{ containerID: 0, hostID: 100000, size: 65536 }], gid: [{ containerID: 0, hostID: 100000, size: 65536 }] };
  type S = { linux: { namespaces: Array<{ type: string }>; uidMappings?: unknown; gidMappings?: unknown }; mounts: Array<{ destination: string; type: string; source: string; options: string[] }> };
  const joined = buildSpec({ ...base, netns: '/run/berth/netns/c', idMappings }, host()) as S;
  assert.ok(joined.linux.namespaces.some((n) => n.type === 'user'));
  assert.deepEqual(joined.linux.uidMappings, idMappings.uid);
  assert.deepEqual(joined.linux.gidMappings, idMappings.gid);
  assert.deepEqual(joined.mounts.find((m) => m.destination === '/sys'), { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] });
  assert.ok(!joined.mounts.find((m) => m.type === 'cgroup')!.options.includes('ro'));
  const own = buildSpec({ ...base, netns: undefined, idMappings }, host()) as S;
  assert.equal(own.mounts.find((m) => m.destination === '/sys')!.type, 'sysfs');
  const plain = buildSpec({ ...base, netns: '/run/berth/netns/c' }, host()) as S;
  assert.equal(plain.mounts.find((m) => m.destination === '/sys')!.type, 'sysfs');
  assert.ok(!plain.linux.namespaces.some((n) => n.type === 'user'));
  assert.ok(plain.mounts.find((m) => m.type === 'cgroup')!.options.includes('ro'));
  // a pinned user namespace that owns the netns: joined by path, mappings kept (runc 1.1 needs them), real sysfs,
  // no ping_group_range (dockerd omits it under remap), ip_unprivileged_port_start left to runc
  const h = { ...host(), sysctls: ['net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'] };
  type L = S & { linux: { sysctl: Record<string, string>; namespaces: Array<{ type: string; path?: string }> } };
  const pinned = buildSpec({ ...base, netns: '/run/berth/netns/c', idMappings, usernsPath: '/run/berth/netns/.userns/c' }, h) as L;
  assert.deepEqual(pinned.linux.namespaces.find((n) => n.type === 'user'), { type: 'user', path: '/run/berth/netns/.userns/c' });
  assert.deepEqual(pinned.linux.uidMappings, idMappings.uid);
  assert.equal(pinned.mounts.find((m) => m.destination === '/sys')!.type, 'sysfs');
  assert.deepEqual(pinned.linux.sysctl, { 'net.ipv4.ip_unprivileged_port_start': '0' });
});
