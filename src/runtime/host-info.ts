// Reads the host facts the spec builder needs, once per daemon (a few small /proc and /sys reads).
import { existsSync, readFileSync, readdirSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { HostInfo } from './types.js';
import { capsFromMask, KNOWN_CAPS } from './capabilities.js';

export function parseCapBnd(status: string): string[] | undefined {
  const m = /^CapBnd:\s*([0-9a-fA-F]+)/m.exec(status);
  return m ? capsFromMask(m[1]!) : undefined;
}

export function parseNofileHard(limits: string): number | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!m) return undefined;
  return m[2] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
}

// Same skip list as containerd's oci.HostDevices: these are mounted separately or are not devices to share.
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

export function hostDevices(dir = '/dev'): HostInfo['devices'] {
  const out: HostInfo['devices'] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const p = join(dir, name);
    let st;
    try { st = lstatSync(p, { bigint: true }); } catch { continue; }
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) out.push(...hostDevices(p));
      continue;
    }
    if (name === 'console') continue;
    const isChar = st.isCharacterDevice();
    if (!isChar && !st.isBlockDevice()) continue;
    const rdev = st.rdev;
    // glibc's gnu_dev_major/minor split of the 64-bit dev_t.
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    out.push({ path: p, type: isChar ? 'c' : 'b', major, minor, fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) });
  }
  return out;
}

const read = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };

export function probeHost(): HostInfo {
  const capBounding = parseCapBnd(read('/proc/self/status')) ?? [...KNOWN_CAPS];
  const nofileHard = parseNofileHard(read('/proc/self/limits')) ?? 1048576;
  const swapLimit = existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes')
    || read('/sys/fs/cgroup/cgroup.controllers').split(/\s+/).includes('memory');
  const sysctls = ['net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']
    .filter((s) => existsSync(join('/proc/sys', s.replaceAll('.', '/'))));
  const thermalThrottlePaths: string[] = [];
  let cpus: string[] = [];
  try { cpus = readdirSync('/sys/devices/system/cpu').filter((n) => /^cpu\d+$/.test(n)); } catch { /* no sysfs */ }
  cpus.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const c of cpus) {
    const p = `/sys/devices/system/cpu/${c}/thermal_throttle`;
    if (existsSync(p)) thermalThrottlePaths.push(p);
  }
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const blkioWeight = v2
    ? /\bio\b/.test(read('/sys/fs/cgroup/cgroup.controllers'))
    : existsSync('/sys/fs/cgroup/blkio/blkio.weight') || existsSync('/sys/fs/cgroup/blkio/blkio.bfq.weight');
  const apparmor = read('/sys/module/apparmor/parameters/enabled').trim().startsWith('Y');
  const kv = /^(\d+)\.(\d+)/.exec(read('/proc/sys/kernel/osrelease'));
  const kernel: [number, number] = kv ? [Number(kv[1]), Number(kv[2])] : [0, 0];
  return {
    capBounding, nofileHard, swapLimit, sysctls, thermalThrottlePaths, devices: hostDevices(),
    blkioWeight, cgroupVersion: v2 ? 'v2' : 'v1', apparmor, kernel, rroUnsupported: rroSupport(kernel),
  };
}

/**
 * dockerd's supportsRecursivelyReadOnly: mount_setattr(2) (kernel ≥ 5.12) and a runtime whose `features`
 * lists `rro` (runc ≥ 1.1). Returns dockerd's error text when either is missing, undefined when both are there.
 */
export function rroSupport(kernel: [number, number], runtime = 'runc'): string | undefined {
  if (kernel[0] < 5 || (kernel[0] === 5 && kernel[1] < 12)) return 'rro is not supported: function not implemented (kernel is older than 5.12?)';
  let features: { mountOptions?: string[] };
  try {
    features = JSON.parse(execFileSync(runtime, ['features'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }));
  } catch {
    return `rro is not supported by runtime "${runtime}": OCI features struct is not available`;
  }
  return features.mountOptions?.includes('rro') ? undefined : `rro is not supported by runtime "${runtime}"`;
}

/** One host device node (for --device): its type and numbers, or undefined when it is not a device. */
export function statDevice(path: string): HostInfo['devices'][number] | undefined {
  let st;
  try { st = statSync(path, { bigint: true }); } catch { return undefined; }
  if (!st.isCharacterDevice() && !st.isBlockDevice()) return undefined;
  const rdev = st.rdev;
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path, type: st.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) };
}
