// Builds the OCI runtime spec (config.json) for a container the way Docker does (moby daemon/oci_linux.go
// over daemon/pkg/oci/defaults.go), limited to what runc 1.1 accepts: no time namespace, no seccomp yet.
import type { HostInfo, ResourceLimits, SpecInput } from './types.js';
import { effectiveCaps } from './capabilities.js';
import { daemonEnv } from './env.js';
import { readImageUsers, resolveGroupAdd, resolveUser } from './user.js';

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

/** Docker's default device cgroup rules: deny all, then null, zero, full, urandom, tty, console; deny tun. */
export function defaultDeviceRules(): object[] {
  const allow = (major: number, minor: number) => ({ allow: true, type: 'c', major, minor, access: 'rwm' });
  return [
    { allow: false, access: 'rwm' },
    allow(1, 5), allow(1, 3), allow(1, 9), allow(1, 8), allow(5, 0), allow(5, 1),
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
}

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
export function buildMounts(input: SpecInput): OciMount[] {
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
  for (const m of user) out.push({ destination: m.destination, type: m.type, source: m.source, options: [...m.options] });
  return out;
}

export function buildResources(r: ResourceLimits | undefined, host: HostInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!r) return out;
  const memory: Record<string, number> = {};
  if (r.memory && r.memory > 0) memory.limit = r.memory;
  if (r.memoryReservation && r.memoryReservation > 0) memory.reservation = r.memoryReservation;
  if (r.memorySwap && r.memorySwap > 0 && host.swapLimit) memory.swap = r.memorySwap;
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
  return out;
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

function noNewPrivileges(securityOpt: string[] | undefined): boolean {
  return (securityOpt ?? []).some((o) => o === 'no-new-privileges' || o === 'no-new-privileges=true' || o === 'no-new-privileges:true');
}

export function buildSpec(input: SpecInput, host: HostInfo): object {
  const { passwd, group } = readImageUsers(input.rootfs);
  const user = resolveUser(input.user, passwd, group);
  const extra = input.groupAdd?.length ? resolveGroupAdd(input.groupAdd, group) : [];
  const caps = effectiveCaps(input, host.capBounding);

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

  const namespaces: object[] = [{ type: 'mount' }];
  if (input.netns === undefined) namespaces.push({ type: 'network' });
  else if (input.netns !== 'host') namespaces.push({ type: 'network', path: input.netns });
  namespaces.push({ type: 'uts' }, { type: 'pid' }, { type: 'ipc' });

  const sysctl: Record<string, string> = {};
  if (input.netns !== 'host') {
    if (host.sysctls.includes('net.ipv4.ping_group_range')) sysctl['net.ipv4.ping_group_range'] = '0 2147483647';
    if (host.sysctls.includes('net.ipv4.ip_unprivileged_port_start')) sysctl['net.ipv4.ip_unprivileged_port_start'] = '0';
  }
  Object.assign(sysctl, input.sysctls ?? {});

  const resources: Record<string, unknown> = {
    devices: input.privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules(),
    ...buildResources(input.resources, host),
    blockIO: {},
  };
  const linux: Record<string, unknown> = {
    resources,
    cgroupsPath: input.cgroupsPath,
    sysctl,
    namespaces,
    devices: input.privileged
      ? host.devices.map((d) => ({ path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: d.uid, gid: d.gid }))
      : [],
  };
  const masked = input.maskedPaths ?? (input.privileged ? null : [...DEFAULT_MASKED_PATHS, ...host.thermalThrottlePaths]);
  const readonly = input.readonlyPaths ?? (input.privileged ? null : [...DEFAULT_READONLY_PATHS]);
  if (masked) linux.maskedPaths = masked;
  if (readonly) linux.readonlyPaths = readonly;

  const spec: Record<string, unknown> = {
    ociVersion: OCI_VERSION,
    process,
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
    hostname: input.hostname,
  };
  if (input.domainname) spec.domainname = input.domainname;
  spec.mounts = buildMounts(input);
  spec.linux = linux;
  return spec;
}
