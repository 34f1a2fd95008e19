// Validation of HostConfig's resource and security fields at create (and update) with Docker's wording
// (moby daemon/daemon_unix.go verifyPlatformContainerResources, oci/caps, parseSecurityOpt). Nothing is created
// when one fails; what the host cannot do becomes a warning, as dockerd does.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { invalid } from '../../lib/errors.js';
import { KNOWN_CAPS } from '../../runtime/capabilities.js';
import { compileProfile } from '../../runtime/seccomp.js';
import { validDevicePermissions, parseDeviceCgroupRule } from '../../runtime/devices.js';
import type { HostInfo } from '../../runtime/types.js';

const MIN_MEMORY = 6 * 1024 * 1024;

const n = (v: unknown) => (typeof v === 'number' ? v : 0);

function onlineCpus(): string {
  try { return readFileSync('/sys/devices/system/cpu/online', 'utf8').trim(); } catch { return `0-${availableParallelism() - 1}`; }
}

/** "0-2,4" → set of numbers; undefined when malformed. */
export function parseCpuList(s: string): Set<number> | undefined {
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return undefined;
    for (let i = a; i <= b; i++) out.add(i);
  }
  return out;
}

/** Resource checks shared by create and update; returns dockerd's warnings. */
export function checkResources(hc: Record<string, unknown>, host: Pick<HostInfo, 'swapLimit' | 'blkioWeight' | 'cgroupVersion'>, update = false): string[] {
  const warnings: string[] = [];
  const memory = n(hc.Memory), swap = n(hc.MemorySwap), reservation = n(hc.MemoryReservation);
  if (memory < 0) throw invalid('Invalid value for memory: must be a positive integer');
  if (memory > 0 && memory < MIN_MEMORY) throw invalid('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && !host.swapLimit) {
    warnings.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    hc.MemorySwap = -1;
  }
  if (memory > 0 && swap > 0 && swap < memory) throw invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory === 0 && swap > 0 && !update) throw invalid('You should always set the Memory limit when using Memoryswap limit');
  // dockerd's default: swap as large as the memory limit (memory+swap = 2 × memory).
  if (!update && memory > 0 && swap === 0 && host.swapLimit) hc.MemorySwap = memory * 2;
  const swappiness = hc.MemorySwappiness;
  if (typeof swappiness === 'number' && swappiness !== -1) {
    if (swappiness < 0 || swappiness > 100) throw invalid(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
    if (host.cgroupVersion === 'v2') { warnings.push('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.'); hc.MemorySwappiness = null; }
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw invalid('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) throw invalid('Minimum memory limit can not be less than memory reservation limit, see usage');
  if (hc.OomKillDisable === true && memory === 0) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  const oomAdj = n(hc.OomScoreAdj);
  if (oomAdj < -1000 || oomAdj > 1000) throw invalid(`Invalid value ${oomAdj}, range for oom score adj is [-1000, 1000]`);

  const nano = n(hc.NanoCpus), period = n(hc.CpuPeriod), quota = n(hc.CpuQuota);
  if (nano > 0 && period > 0) throw invalid('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && quota > 0) throw invalid('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  const ncpu = availableParallelism();
  if (nano < 0 || nano > ncpu * 1e9) throw invalid(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  if (period !== 0 && (period < 1000 || period > 1000000)) throw invalid('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  if (quota > 0 && quota < 1000) throw invalid('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (n(hc.CpuShares) < 0) throw invalid('Invalid value for CPU shares: must be a positive integer');
  for (const [key, what] of [['CpusetCpus', 'cpus'], ['CpusetMems', 'mems']] as const) {
    const v = hc[key];
    if (typeof v !== 'string' || v === '') continue;
    const want = parseCpuList(v);
    if (!want) throw invalid(`Invalid value ${v} for cpuset ${what}`);
    const avail = what === 'cpus' ? onlineCpus() : (() => { try { return readFileSync('/sys/devices/system/node/online', 'utf8').trim(); } catch { return '0'; } })();
    const have = parseCpuList(avail) ?? new Set<number>();
    if ([...want].some((c) => !have.has(c))) throw invalid(`Requested ${what === 'cpus' ? 'CPUs' : 'memory nodes'} are not available - requested ${v}, available: ${avail}`);
  }
  const weight = n(hc.BlkioWeight);
  if (weight > 0 && (weight < 10 || weight > 1000)) throw invalid('Range of blkio weight is from 10 to 1000');
  if (weight > 0 && host.blkioWeight === false) {
    warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    hc.BlkioWeight = 0;
  }
  if (Array.isArray(hc.BlkioWeightDevice) && hc.BlkioWeightDevice.length && host.blkioWeight === false) {
    warnings.push('Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.');
    hc.BlkioWeightDevice = [];
  }
  if (n(hc.ShmSize) < 0) throw invalid('SHM size can not be less than 0');
  if (n(hc.PidsLimit) < 0) hc.PidsLimit = 0; // negative means unlimited, stored as Docker normalises it
  return warnings;
}

function checkCaps(field: 'CapAdd' | 'CapDrop', list: unknown): void {
  for (const raw of (list as string[] | null) ?? []) {
    let c = String(raw).toUpperCase();
    if (c === 'ALL') continue;
    if (!c.startsWith('CAP_')) c = 'CAP_' + c;
    if (!KNOWN_CAPS.includes(c)) throw invalid(`invalid ${field}: unknown capability: "${c}"`);
  }
}

/** Security, device and ulimit checks at create; returns warnings (AppArmor absent). */
export function checkSecurity(hc: Record<string, unknown>, host: Pick<HostInfo, 'apparmor' | 'kernel'>): string[] {
  const warnings: string[] = [];
  checkCaps('CapAdd', hc.CapAdd);
  checkCaps('CapDrop', hc.CapDrop);
  for (const opt of (hc.SecurityOpt as string[] | null) ?? []) {
    if (opt === 'no-new-privileges') continue;
    const sep = /[=:]/.exec(opt);
    if (!sep) throw invalid(`invalid --security-opt 1: "${opt}"`);
    const key = opt.slice(0, sep.index), value = opt.slice(sep.index + 1);
    switch (key) {
      case 'seccomp':
        if (value !== 'unconfined' && value !== 'builtin' && value !== '') compileProfile(value, [], host);
        break;
      case 'apparmor':
        if (!host.apparmor) warnings.push(`AppArmor is not enabled on this host: security option "apparmor=${value}" has no effect`);
        break;
      case 'no-new-privileges':
        if (value !== 'true' && value !== 'false') throw invalid(`invalid --security-opt 2: "${opt}"`);
        break;
      case 'label': case 'systempaths': case 'writable-cgroups': case 'mask': case 'unmask':
        break;
      default:
        throw invalid(`invalid --security-opt 2: "${opt}"`);
    }
  }
  for (const d of (hc.Devices as Array<{ CgroupPermissions?: string; PathOnHost?: string }> | null) ?? []) {
    if (d.CgroupPermissions && !validDevicePermissions(d.CgroupPermissions)) throw invalid(`invalid device mode: ${d.CgroupPermissions}`);
    if (!d.PathOnHost) throw invalid('invalid device: PathOnHost must not be empty');
  }
  for (const r of (hc.DeviceCgroupRules as string[] | null) ?? []) parseDeviceCgroupRule(r);
  for (const u of (hc.Ulimits as Array<{ Name: string; Soft: number; Hard: number }> | null) ?? []) {
    if (u.Soft > u.Hard) throw invalid(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
  const ipc = (hc.IpcMode as string) || '';
  if (ipc && !['private', 'shareable', 'none', 'host'].includes(ipc) && !/^container:.+/.test(ipc)) throw invalid(`invalid IPC mode: ${ipc}`);
  const pid = (hc.PidMode as string) || '';
  if (pid && pid !== 'host' && !/^container:.+/.test(pid)) throw invalid(`invalid PID mode: ${pid}`);
  const uts = (hc.UTSMode as string) || '';
  if (uts && uts !== 'host') throw invalid(`invalid UTS mode: ${uts}`);
  const userns = (hc.UsernsMode as string) || '';
  if (userns && userns !== 'host') throw invalid(`invalid USER mode: ${userns}`);
  return warnings;
}

/** Every create-time check; the host facts are probed once per daemon. */
export function checkHostConfig(hc: Record<string, unknown>, host: HostInfo): string[] {
  return [...checkResources(hc, host), ...checkSecurity(hc, host)];
}
