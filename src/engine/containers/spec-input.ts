// Translates a container record and its network sandbox into the runtime's spec input.
import type { ContainerRecord } from './model.js';
import type { SandboxInfo } from '../../network/types.js';
import type { SpecInput } from '../../runtime/types.js';
import { buildSpec } from '../../runtime/spec.js';
import { probeHost } from '../../runtime/host-info.js';
import type { HostInfo } from '../../runtime/types.js';

let host: HostInfo | undefined;
import type { ContainerDeps } from './service.js';

const DEFAULT_SHM = 64 * 1024 * 1024;

export async function buildRuntimeSpec(c: ContainerRecord, rootfs: string, sandbox: SandboxInfo, deps: ContainerDeps): Promise<object> {
  const hc = c.hostConfig as Record<string, unknown>;
  const init = hc.Init === true;
  const mounts: SpecInput['mounts'] = [];
  const bind = (destination: string, source: string, ro = false) =>
    mounts.push({ destination, source, type: 'bind', options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] });
  // Docker binds its generated files over the image's own; in host mode /etc/hosts etc. come from the sandbox too.
  bind('/etc/resolv.conf', sandbox.resolvConfPath);
  bind('/etc/hostname', sandbox.hostnamePath);
  bind('/etc/hosts', sandbox.hostsPath);
  const input: SpecInput = {
    containerId: c.id,
    rootfs,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    args: [c.path, ...c.args],
    env: c.config.Env,
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
    cgroupsPath: `/${deps.config.cgroupParent}/${c.id}`,
    resources: {
      memory: (hc.Memory as number) || undefined,
      memorySwap: (hc.MemorySwap as number) || undefined,
      memoryReservation: (hc.MemoryReservation as number) || undefined,
      cpuShares: (hc.CpuShares as number) || undefined,
      cpuPeriod: (hc.CpuPeriod as number) || undefined,
      cpuQuota: (hc.CpuQuota as number) || undefined,
      nanoCpus: (hc.NanoCpus as number) || undefined,
      cpusetCpus: (hc.CpusetCpus as string) || undefined,
      cpusetMems: (hc.CpusetMems as string) || undefined,
      pidsLimit: (hc.PidsLimit as number) || undefined,
    },
    ulimits: (hc.Ulimits as SpecInput['ulimits']) ?? undefined,
    sysctls: (hc.Sysctls as Record<string, string>) ?? undefined,
    oomScoreAdj: (hc.OomScoreAdj as number) || undefined,
    securityOpt: (hc.SecurityOpt as string[] | null) ?? undefined,
    maskedPaths: (hc.MaskedPaths as string[] | null) ?? undefined,
    readonlyPaths: (hc.ReadonlyPaths as string[] | null) ?? undefined,
  };
  // Host facts (bounding set, devices, limits) do not change while the daemon runs: probe once.
  host ??= probeHost();
  return buildSpec(input, host);
}
