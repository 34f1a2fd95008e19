// Builds the OCI runtime spec (config.json) for a container the way Docker does (moby daemon/oci_linux.go
// over daemon/pkg/oci/defaults.go), limited to what runc 1.1 accepts: no time namespace, no seccomp yet.
import type { HostInfo, ResourceLimits, SpecInput } from './types.js';
import { effectiveCaps } from './capabilities.js';
import { daemonEnv } from './env.js';
import { readImageUsers, resolveGroupAdd, resolveUser } from './user.js';
import { statDevice } from './host-info.js';
import { internal, invalid } from '../lib/errors.js';
import { buildDevices } from './devices.js';
import { seccompFromSecurityOpt } from './seccomp.js';

export const OCI_VERSION = '1.0.2-dev';
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
const DOCKER_NOFILE = 1048576;

export interface OciMount { destination: string; type: string; source: string; options: string[] }

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats', '/sys/devices/virtual/powercap',
  '/sys/firmware',
];
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export { defaultDeviceRules } from './devices.js';

function defaultMounts(shmSize: number): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] },
  ];
}

const depth = (p: string) => p.split('/').filter(Boolean).length;

/** Docker's withMounts: user mounts replace defaults at the same place (a user /dev drops all of /dev/*). */
export function buildMounts(input: SpecInput, host: Pick<HostInfo, 'rroUnsupported'> = {}): OciMount[] {
  const user = [...input.mounts].sort((a, b) => depth(a.destination) - depth(b.destination));
  const userDests = new Set(user.map((m) => m.destination));
  const mountDev = userDests.has('/dev');
  const out: OciMount[] = [];
  for (const m of defaultMounts(input.shmSize && input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE)) {
    if (userDests.has(m.destination)) continue;
    if (mountDev && m.destination.startsWith('/dev/')) continue;
    out.push(m);
  }
  if (input.init && input.initPath) {
    out.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initPath, options: ['bind', 'ro'] });
  }
  if (input.readonlyRootfs) {
    const keepWritable = new Set(['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev']);
    for (const m of out) {
      if (!keepWritable.has(m.destination) && !m.options.includes('ro')) m.options.push('ro');
    }
  }
  if (input.privileged) {
    for (const m of out) {
      if (m.destination === '/sys' || m.type === 'cgroup') m.options = m.options.filter((o) => o !== 'ro');
    }
  }
  if (input.idMappings) {
    for (const m of out) {
      // sysfs can only be mounted in a user namespace that owns the network namespace. A joined usernsPath owns
      // its netns; otherwise the netns is the host's or another user namespace's: bind the host's /sys read-only
      // as dockerd does for host networking.
      if (m.type === 'sysfs' && input.netns !== undefined && !input.usernsPath) {
        m.type = 'bind';
        m.source = '/sys';
        m.options = ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'];
      }
      // dockerd: a read-only remount of the cgroup mount is not possible inside a user namespace.
      if (m.type === 'cgroup') m.options = m.options.filter((o) => o !== 'ro');
    }
  }
  for (const m of user) out.push({ destination: m.destination, type: m.type, source: m.source, options: recursiveReadOnly(m, host) });
  return out;
}

/** dockerd's withMounts: `ro` becomes `rro` where supported; a demanded `rro` fails the start elsewhere (500). */
function recursiveReadOnly(m: SpecInput['mounts'][number], host: Pick<HostInfo, 'rroUnsupported'>): string[] {
  if (!m.recursiveReadOnly) return [...m.options];
  if (host.rroUnsupported) {
    if (m.recursiveReadOnly === 'force') throw internal(host.rroUnsupported);
    return [...m.options];
  }
  return m.options.map((o) => (o === 'ro' ? 'rro' : o));
}

/**
 * The OCI LinuxResources for the limits (also what `runc update --resources -` takes). runc converts them for
 * cgroup v2 itself (shares → cpu.weight, blkio weight → io.bfq.weight, swap = memory+swap → memory.swap.max);
 * what v2 lacks (swappiness) is dropped here as Docker does.
 */
export function buildResources(r: ResourceLimits | undefined, host: HostInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!r) return out;
  const memory: Record<string, number | boolean> = {};
  if (r.memory && r.memory > 0) memory.limit = r.memory;
  if (r.memoryReservation && r.memoryReservation > 0) memory.reservation = r.memoryReservation;
  if (r.memorySwap && host.swapLimit && (r.memorySwap > 0 || r.memorySwap === -1)) memory.swap = r.memorySwap;
  if (r.memorySwappiness !== undefined && r.memorySwappiness >= 0 && host.cgroupVersion !== 'v2') memory.swappiness = r.memorySwappiness;
  if (r.oomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) out.memory = memory;
  const cpu: Record<string, number | string> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (r.nanoCpus && r.nanoCpus > 0) {
    cpu.period = 100000;
    cpu.quota = Math.floor((r.nanoCpus * 100000) / 1e9);
  }
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r.pidsLimit !== undefined && r.pidsLimit !== null) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 };
  const blockIO = buildBlockIO(r, host);
  if (Object.keys(blockIO).length) out.blockIO = blockIO;
  return out;
}

function buildBlockIO(r: ResourceLimits, host: HostInfo): Record<string, unknown> {
  const io: Record<string, unknown> = {};
  if (r.blkioWeight && host.blkioWeight !== false) io.weight = r.blkioWeight;
  const dev = (path: string) => {
    const d = statDevice(path);
    if (!d) throw invalid(`${path} is not a device`);
    return { major: d.major, minor: d.minor };
  };
  const wd = (r.blkioWeightDevice ?? []).filter(() => host.blkioWeight !== false).map((w) => ({ ...dev(w.Path), weight: w.Weight }));
  if (wd.length) io.weightDevice = wd;
  const throttle = (list: ResourceLimits['blkioDeviceReadBps']) => (list ?? []).map((t) => ({ ...dev(t.Path), rate: t.Rate }));
  const pairs: Array<[string, ResourceLimits['blkioDeviceReadBps']]> = [
    ['throttleReadBpsDevice', r.blkioDeviceReadBps], ['throttleWriteBpsDevice', r.blkioDeviceWriteBps],
    ['throttleReadIOPSDevice', r.blkioDeviceReadIOps], ['throttleWriteIOPSDevice', r.blkioDeviceWriteIOps],
  ];
  for (const [k, list] of pairs) {
    const t = throttle(list);
    if (t.length) io[k] = t;
  }
  return io;
}

function buildRlimits(input: SpecInput, host: HostInfo): object[] {
  const out: Array<{ type: string; soft: number; hard: number }> = [];
  for (const u of input.ulimits ?? []) out.push({ type: 'RLIMIT_' + u.Name.toUpperCase(), soft: u.Soft, hard: u.Hard });
  if (!out.some((r) => r.type === 'RLIMIT_NOFILE')) {
    // Docker's containers inherit 1048576 from dockerd's unit; this daemon may only have less.
    const n = Math.min(DOCKER_NOFILE, host.nofileHard);
    out.push({ type: 'RLIMIT_NOFILE', soft: n, hard: n });
  }
  return out;
}

/** Docker's `no-new-privileges`, `no-new-privileges=true|false` and the old `:` separator. */
export function noNewPrivileges(securityOpt: string[] | undefined): boolean {
  let on = false;
  for (const o of securityOpt ?? []) {
    const m = /^no-new-privileges(?:[=:](true|false))?$/.exec(o);
    if (m) on = m[1] !== 'false';
  }
  return on;
}

function securityValue(securityOpt: string[] | undefined, key: string): string | undefined {
  let v: string | undefined;
  for (const o of securityOpt ?? []) {
    const sep = o.indexOf('=') >= 0 ? o.indexOf('=') : o.indexOf(':');
    if (sep > 0 && o.slice(0, sep) === key) v = o.slice(sep + 1);
  }
  return v;
}

function buildNamespaces(input: SpecInput): object[] {
  const namespaces: object[] = [{ type: 'mount' }];
  if (input.netns === undefined) namespaces.push({ type: 'network' });
  else if (input.netns !== 'host') namespaces.push({ type: 'network', path: input.netns });
  if (input.uts !== 'host') namespaces.push({ type: 'uts' });
  if (input.pid === undefined) namespaces.push({ type: 'pid' });
  else if (input.pid !== 'host') namespaces.push({ type: 'pid', path: input.pid.path });
  if (input.ipc === undefined || input.ipc === 'none') namespaces.push({ type: 'ipc' });
  else if (input.ipc !== 'host') namespaces.push({ type: 'ipc', path: input.ipc.path });
  if (input.idMappings) namespaces.push(input.usernsPath ? { type: 'user', path: input.usernsPath } : { type: 'user' });
  return namespaces;
}

/** /dev/shm per IPC mode: private tmpfs (default), none, the host's, or the donor container's. */
function adjustShm(mounts: OciMount[], input: SpecInput): OciMount[] {
  if (input.ipc === undefined || input.mounts.some((m) => m.destination === '/dev/shm')) return mounts;
  const rest = mounts.filter((m) => m.destination !== '/dev/shm');
  if (input.ipc === 'none') return rest;
  const source = input.ipc === 'host' ? '/dev/shm' : input.ipc.shmPath;
  if (!source) return mounts;
  const at = mounts.findIndex((m) => m.destination === '/dev/shm');
  rest.splice(at < 0 ? rest.length : at, 0, { destination: '/dev/shm', type: 'bind', source, options: ['rbind', 'rprivate'] });
  return rest;
}

export function buildSpec(input: SpecInput, host: HostInfo): object {
  const { passwd, group } = readImageUsers(input.rootfs);
  const user = resolveUser(input.user, passwd, group);
  const extra = input.groupAdd?.length ? resolveGroupAdd(input.groupAdd, group) : [];
  const caps = effectiveCaps(input, host.capBounding);
  const seccomp = input.privileged ? undefined : seccompFromSecurityOpt(input.securityOpt, caps, host);
  const apparmor = securityValue(input.securityOpt, 'apparmor');

  let args = input.args;
  if (input.init) args = [INIT_PATH_IN_CONTAINER, '--', ...args];

  const process: Record<string, unknown> = {
    terminal: input.tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: [user.gid, ...user.additionalGids, ...extra] },
    args,
    env: daemonEnv(input.hostname, input.tty, input.env),
    cwd: input.workingDir || '/',
    capabilities: { bounding: caps, effective: caps, permitted: caps },
    rlimits: buildRlimits(input, host),
    oomScoreAdj: input.oomScoreAdj ?? 0,
  };
  if (noNewPrivileges(input.securityOpt)) process.noNewPrivileges = true;
  // Only where AppArmor exists; without it Docker runs unconfined (the engine reports the option).
  if (host.apparmor && apparmor && apparmor !== 'unconfined') process.apparmorProfile = apparmor;

  const sysctl: Record<string, string> = {};
  if (input.netns !== 'host') {
    // dockerd leaves it out under userns-remap: written from inside the user namespace (runc does, when it owns
    // the netns) a range beyond its mappings is EINVAL. Container root has CAP_NET_RAW for ping there.
    if (host.sysctls.includes('net.ipv4.ping_group_range') && !input.usernsPath) sysctl['net.ipv4.ping_group_range'] = '0 2147483647';
    if (host.sysctls.includes('net.ipv4.ip_unprivileged_port_start')) sysctl['net.ipv4.ip_unprivileged_port_start'] = '0';
  }
  Object.assign(sysctl, input.sysctls ?? {});

  const devs = buildDevices(input, host);
  const resources: Record<string, unknown> = {
    devices: devs.rules,
    ...buildResources(input.resources, host),
  };
  if (!resources.blockIO) resources.blockIO = {};
  const linux: Record<string, unknown> = {
    resources,
    cgroupsPath: input.cgroupsPath,
    sysctl,
    namespaces: buildNamespaces(input),
    devices: devs.nodes,
  };
  if (input.idMappings) {
    linux.uidMappings = input.idMappings.uid;
    linux.gidMappings = input.idMappings.gid;
  }
  if (seccomp) linux.seccomp = seccomp;
  const masked = input.maskedPaths ?? (input.privileged ? null : [...DEFAULT_MASKED_PATHS, ...host.thermalThrottlePaths]);
  const readonly = input.readonlyPaths ?? (input.privileged ? null : [...DEFAULT_READONLY_PATHS]);
  if (masked) linux.maskedPaths = masked;
  if (readonly) linux.readonlyPaths = readonly;

  const spec: Record<string, unknown> = {
    ociVersion: OCI_VERSION,
    process,
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
  };
  if (input.uts !== 'host') spec.hostname = input.hostname;
  if (input.domainname && input.uts !== 'host') spec.domainname = input.domainname;
  spec.mounts = adjustShm(buildMounts(input, host), input);
  spec.linux = linux;
  return spec;
}
