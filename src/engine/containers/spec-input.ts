// Translates a container record, its network sandbox and its prepared mounts into the runtime's spec input:
// HostConfig's resources, devices, namespaces (ipc/pid/uts modes), security options and the daemon's defaults.
import type { ContainerRecord } from './model.js';
import type { SandboxInfo } from '../../network/types.js';
import type { HostInfo, ResourceLimits, SpecInput } from '../../runtime/types.js';
import { buildSpec } from '../../runtime/spec.js';
import { probeHost } from '../../runtime/host-info.js';
import { conflict, EngineError, errorMessage, invalid } from '../../lib/errors.js';
import { run } from '../../lib/exec-file.js';
import { statSync } from 'node:fs';
import type { ContainerDeps } from './service.js';
import { envWithLinks } from './link-env.js';

let host: HostInfo | undefined;
/** Host facts (bounding set, devices, limits) do not change while the daemon runs: probe once. */
export const hostInfo = (): HostInfo => (host ??= probeHost());

const DEFAULT_SHM = 64 * 1024 * 1024;

export interface SpecExtras {
  /** Volumes, binds and tmpfs prepared by mount-setup.ts. */
  mounts: SpecInput['mounts'];
  /** Looks a container up (ipc/pid `container:` modes); throws not-found. */
  find(ref: string): ContainerRecord;
}

const num = (v: unknown) => (typeof v === 'number' && v !== 0 ? v : undefined);
const list = <T>(v: unknown) => (Array.isArray(v) && v.length ? (v as T[]) : undefined);

/** HostConfig's resource fields as the runtime's limits (also used by `update`). */
export function resourcesFromHostConfig(hc: Record<string, unknown>): ResourceLimits {
  return {
    memory: num(hc.Memory),
    memorySwap: num(hc.MemorySwap),
    memoryReservation: num(hc.MemoryReservation),
    memorySwappiness: typeof hc.MemorySwappiness === 'number' && hc.MemorySwappiness >= 0 ? hc.MemorySwappiness : undefined,
    oomKillDisable: hc.OomKillDisable === true || undefined,
    cpuShares: num(hc.CpuShares),
    cpuPeriod: num(hc.CpuPeriod),
    cpuQuota: num(hc.CpuQuota),
    nanoCpus: num(hc.NanoCpus),
    cpusetCpus: (hc.CpusetCpus as string) || undefined,
    cpusetMems: (hc.CpusetMems as string) || undefined,
    pidsLimit: num(hc.PidsLimit),
    blkioWeight: num(hc.BlkioWeight),
    blkioWeightDevice: list(hc.BlkioWeightDevice),
    blkioDeviceReadBps: list(hc.BlkioDeviceReadBps),
    blkioDeviceWriteBps: list(hc.BlkioDeviceWriteBps),
    blkioDeviceReadIOps: list(hc.BlkioDeviceReadIOps),
    blkioDeviceWriteIOps: list(hc.BlkioDeviceWriteIOps),
  };
}

function joinNamespace(mode: string, kind: 'IPC' | 'PID', extras: SpecExtras): ContainerRecord {
  const other = extras.find(mode.slice('container:'.length));
  if (other.state.status !== 'running' || other.state.pid <= 0) throw conflict(`cannot join ${kind} of a non running container: ${other.id}`);
  return other;
}

export async function buildRuntimeSpec(c: ContainerRecord, rootfs: string, sandbox: SandboxInfo, deps: ContainerDeps, extras: SpecExtras): Promise<object> {
  const hc = c.hostConfig as Record<string, unknown>;
  const init = hc.Init === true;
  const mounts: SpecInput['mounts'] = [];
  const bind = (destination: string, source: string, ro = false) =>
    mounts.push({ destination, source, type: 'bind', options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] });
  // Docker binds its generated files over the image's own; in host mode /etc/hosts etc. come from the sandbox too.
  const userDests = new Set(extras.mounts.map((m) => m.destination));
  if (!userDests.has('/etc/resolv.conf')) bind('/etc/resolv.conf', sandbox.resolvConfPath);
  if (!userDests.has('/etc/hostname')) bind('/etc/hostname', sandbox.hostnamePath);
  if (!userDests.has('/etc/hosts')) bind('/etc/hosts', sandbox.hostsPath);
  mounts.push(...extras.mounts);

  const ipcMode = (hc.IpcMode as string) || 'private';
  let ipc: SpecInput['ipc'];
  if (ipcMode === 'host' || ipcMode === 'none') ipc = ipcMode;
  else if (ipcMode.startsWith('container:')) {
    const other = joinNamespace(ipcMode, 'IPC', extras);
    const otherMode = (other.hostConfig.IpcMode as string) || 'private';
    if (otherMode !== 'shareable' && otherMode !== 'host') throw conflict('non-shareable IPC (hint: use IpcMode:shareable for the donor container)');
    ipc = otherMode === 'host' ? 'host' : { path: `/proc/${other.state.pid}/ns/ipc`, shmPath: `/proc/${other.state.pid}/root/dev/shm` };
  }
  const pidMode = (hc.PidMode as string) || '';
  let pid: SpecInput['pid'];
  if (pidMode === 'host') pid = 'host';
  else if (pidMode.startsWith('container:')) pid = { path: `/proc/${joinNamespace(pidMode, 'PID', extras).state.pid}/ns/pid` };

  const ulimits = new Map<string, { Name: string; Soft: number; Hard: number }>();
  for (const u of Object.values(deps.config.defaultUlimits ?? {})) ulimits.set(u.Name, u);
  for (const u of (hc.Ulimits as SpecInput['ulimits']) ?? []) ulimits.set(u.Name, u);
  const parent = ((hc.CgroupParent as string) || deps.config.cgroupParent).replace(/^\/+|\/+$/g, '');

  const input: SpecInput = {
    containerId: c.id,
    rootfs,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    args: [c.path, ...c.args],
    env: envWithLinks(c, sandbox, extras.find),
    workingDir: c.config.WorkingDir,
    user: c.config.User,
    groupAdd: (hc.GroupAdd as string[] | null) ?? undefined,
    hostname: c.config.Hostname,
    domainname: c.config.Domainname,
    tty: c.config.Tty,
    openStdin: c.config.OpenStdin,
    netns: sandbox.netnsPath,
    privileged: c.hostConfig.Privileged,
    capAdd: (hc.CapAdd as string[] | null) ?? undefined,
    capDrop: (hc.CapDrop as string[] | null) ?? undefined,
    mounts,
    init,
    initPath: init ? deps.initPath : undefined,
    shmSize: (hc.ShmSize as number) || DEFAULT_SHM,
    cgroupsPath: parent ? `/${parent}/${c.id}` : `/${c.id}`,
    resources: resourcesFromHostConfig(hc),
    ulimits: ulimits.size ? [...ulimits.values()] : undefined,
    sysctls: (hc.Sysctls as Record<string, string>) ?? undefined,
    oomScoreAdj: (hc.OomScoreAdj as number) || undefined,
    securityOpt: (hc.SecurityOpt as string[] | null) ?? undefined,
    maskedPaths: (hc.MaskedPaths as string[] | null) ?? undefined,
    readonlyPaths: (hc.ReadonlyPaths as string[] | null) ?? undefined,
    devices: (hc.Devices as SpecInput['devices'] | null) ?? undefined,
    deviceCgroupRules: (hc.DeviceCgroupRules as string[] | null) ?? undefined,
    ipc,
    pid,
    uts: hc.UTSMode === 'host' ? 'host' : undefined,
  };
  // --userns-remap: every container gets a user namespace with root at the first subordinate IDs, unless it
  // opted out with --userns=host (dockerd also runs privileged/host-namespace containers only with that opt-out).
  const userns = deps.config.userns;
  if (userns && hc.UsernsMode !== 'host') {
    if (c.hostConfig.Privileged) throw invalid('privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
    input.idMappings = { uid: userns.uidMaps, gid: userns.gidMaps };
    // The user namespace that owns the netns (see sandboxUserns), unless runc could not enter the namespaces
    // joined from other containers after it: then runc makes a user namespace as before.
    if (sandbox.usernsPath && joinedUserns(hc, extras).every((p) => sameNs(p, sandbox.usernsPath!))) input.usernsPath = sandbox.usernsPath;
  }
  const spec = buildSpec(input, hostInfo());
  if (input.idMappings && !input.usernsPath && input.netns && input.netns !== 'host') await applyNetSysctls(spec, input.netns);
  return spec;
}

/** --userns-remap: host IDs of the container's root (undefined with --userns=host or without remap). */
export function remappedRoot(c: ContainerRecord, userns: ContainerDeps['config']['userns']): { uid: number; gid: number } | undefined {
  return userns && c.hostConfig.UsernsMode !== 'host' ? { uid: userns.rootUid, gid: userns.rootGid } : undefined;
}

const donorsOf = (hc: Record<string, unknown>) =>
  [hc.IpcMode, hc.PidMode].filter((m): m is string => typeof m === 'string' && m.startsWith('container:')).map((m) => m.slice('container:'.length));

/** The user namespaces of the containers whose ipc/pid namespaces this one joins. */
const joinedUserns = (hc: Record<string, unknown>, extras: SpecExtras) => donorsOf(hc).map((ref) => `/proc/${extras.find(ref).state.pid}/ns/user`);

function sameNs(a: string, b: string): boolean {
  try { return statSync(a).ino === statSync(b).ino; } catch { return false; }
}

/**
 * --userns-remap: where the network service makes the container's own netns, so that the user namespace the
 * container joins owns it (as under dockerd, where runc creates both). runc < 1.2.1 can then exec into it
 * (it joins the userns first, runc#4390), runc writes the net.* sysctls and mounts sysfs, and root has CAP_NET_*
 * over its netns. A new pinned userns of its own; with --ipc/--pid container:<x>, x's (dockerd shares the
 * donor's userns; runc could not enter x's namespaces from another one). Nothing (runc makes the userns, the
 * netns stays the host's) when the donors differ or are not remapped.
 */
export function sandboxUserns(c: ContainerRecord, userns: ContainerDeps['config']['userns'], find: (ref: string) => ContainerRecord): { usernsRemap?: boolean; usernsJoin?: string } {
  const hc = c.hostConfig as Record<string, unknown>;
  if (!userns || hc.UsernsMode === 'host' || hc.Privileged) return {};
  const refs = donorsOf(hc);
  if (!refs.length) return { usernsRemap: true };
  try {
    const donors = refs.map(find);
    if (donors.some((d) => d.hostConfig.UsernsMode === 'host' || d.state.pid <= 0)) return {};
    const paths = donors.map((d) => `/proc/${d.state.pid}/ns/user`);
    return paths.every((p) => sameNs(p, paths[0]!)) ? { usernsJoin: paths[0] } : {};
  } catch {
    return {}; // a missing or stopped donor: building the spec reports it
  }
}

/**
 * When the container does not join the user namespace owning its netns (see sandboxUserns), runc (container
 * root, inside its own userns) may not write the netns's net.* sysctls. Set them from the daemon instead
 * (ip_unprivileged_port_start=0 also lets container root bind ports below 1024 there).
 */
async function applyNetSysctls(spec: object, netns: string): Promise<void> {
  const linux = (spec as { linux?: { sysctl?: Record<string, string> } }).linux;
  const all = linux?.sysctl ?? {};
  const net = Object.entries(all).filter(([k]) => k.startsWith('net.'));
  if (!net.length) return;
  for (const [k] of net) delete all[k];
  try {
    await run('nsenter', [`--net=${netns}`, '--', 'sysctl', '-q', '-w', ...net.map(([k, v]) => `${k}=${v}`)]);
  } catch (e) {
    throw new EngineError('internal', `failed to set network sysctls in the container's network namespace: ${errorMessage(e)}`);
  }
}
