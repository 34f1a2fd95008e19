// Docker's JSON shapes for containers (inspect and list), built from the engine's records.
import type { ContainerRecord } from '../../engine/containers/model.js';
import { derivedState } from '../../engine/containers/model.js';
import type { Image } from '../../engine/images/types.js';
import type { EndpointSettings } from '../../network/types.js';
import { humanDuration } from '../../lib/go-units.js';
import { toDockerPortMap } from '../../network/ports.js';
import { mountsJson } from '../../engine/containers/mounts.js';

function endpointJson(e: EndpointSettings, cfg?: Record<string, unknown>): Record<string, unknown> {
  return {
    IPAMConfig: cfg?.IPAMConfig ?? (e.ipamConfig ? { IPv4Address: e.ipamConfig.ipv4Address ?? '', IPv6Address: e.ipamConfig.ipv6Address ?? '' } : null),
    Links: e.links ?? cfg?.Links ?? null, Aliases: e.aliases ?? cfg?.Aliases ?? null, MacAddress: e.macAddress,
    DriverOpts: null, GwPriority: 0, NetworkID: e.networkId, EndpointID: e.endpointId, Gateway: e.gateway,
    IPAddress: e.ipAddress, IPPrefixLen: e.ipPrefixLen, IPv6Gateway: e.ipv6Gateway ?? '', GlobalIPv6Address: e.ipv6Address ?? '',
    GlobalIPv6PrefixLen: e.ipv6PrefixLen ?? 0, DNSNames: e.dnsNames ?? null,
  };
}

export function networksJson(c: ContainerRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cfgs = (c.networkingConfig?.EndpointsConfig ?? {}) as Record<string, Record<string, unknown>>;
  if (c.sandbox) {
    for (const e of c.sandbox.endpoints) out[e.networkName] = endpointJson(e, cfgs[e.networkName]);
  } else {
    const mode = c.hostConfig.NetworkMode;
    const names = mode.startsWith('container:') ? [] : Object.keys(cfgs).length ? Object.keys(cfgs) : [mode];
    for (const name of names) {
      out[name] = { IPAMConfig: cfgs[name]?.IPAMConfig ?? null, Links: null, Aliases: cfgs[name]?.Aliases ?? null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '',
        Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null };
    }
  }
  return out;
}

export function inspectContainer(c: ContainerRecord, opts: { sizeRw?: number; sizeRootFs?: number; graphDriver?: Record<string, string> }): Record<string, unknown> {
  const primary = c.sandbox?.endpoints[0];
  const out: Record<string, unknown> = {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: derivedState(c),
    Image: c.imageId,
    ResolvConfPath: c.sandbox?.resolvConfPath ?? '',
    HostnamePath: c.sandbox?.hostnamePath ?? '',
    HostsPath: c.sandbox?.hostsPath ?? '',
    LogPath: c.logPath,
    Name: c.name,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: c.execIds.length ? c.execIds : null,
    HostConfig: { ...c.hostConfig, NetworkMode: c.hostConfig.NetworkMode },
    GraphDriver: { Data: opts.graphDriver ?? null, Name: 'overlay2' },
    Mounts: mountsJson(c.mountPoints),
    Config: c.config,
    NetworkSettings: {
      Bridge: '', SandboxID: c.sandbox ? c.id : '', SandboxKey: c.sandbox && c.sandbox.netnsPath !== 'host' ? c.sandbox.netnsPath : '',
      HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Ports: portsJson(c),
      SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
      EndpointID: primary?.endpointId ?? '', Gateway: primary?.gateway ?? '', GlobalIPv6Address: primary?.ipv6Address ?? '',
      GlobalIPv6PrefixLen: primary?.ipv6PrefixLen ?? 0, IPAddress: primary?.ipAddress ?? '', IPPrefixLen: primary?.ipPrefixLen ?? 0,
      IPv6Gateway: primary?.ipv6Gateway ?? '', MacAddress: primary?.macAddress ?? '',
      Networks: networksJson(c),
    },
  };
  if (opts.sizeRw !== undefined) { out.SizeRw = opts.sizeRw; out.SizeRootFs = opts.sizeRootFs ?? opts.sizeRw; }
  return out;
}

/** NetworkSettings.Ports: exposed ports with their host bindings (null when not published). */
export function portsJson(c: ContainerRecord): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  if (c.state.status !== 'running' && c.state.status !== 'paused') return out;
  for (const p of Object.keys(c.config.ExposedPorts ?? {})) out[p] = null;
  return { ...out, ...toDockerPortMap(c.sandbox?.ports ?? []) };
}

function statusText(c: ContainerRecord, now: number): string {
  const s = c.state;
  switch (s.status) {
    case 'running': return `Up ${humanDuration(now - Date.parse(s.startedAt))}`;
    case 'paused': return `Up ${humanDuration(now - Date.parse(s.startedAt))} (Paused)`;
    case 'restarting': return `Restarting (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    case 'exited':
      if (s.finishedAt === '0001-01-01T00:00:00Z') return 'Created';
      return `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
    default: return 'Created';
  }
}

export function listContainer(c: ContainerRecord, image: Image | undefined, opts: { sizeRw?: number; sizeRootFs?: number }): Record<string, unknown> {
  const ports: Array<Record<string, unknown>> = [];
  const pj = portsJson(c);
  for (const [key, binds] of Object.entries(pj)) {
    const [port, proto] = key.split('/');
    if (!binds) ports.push({ PrivatePort: Number(port), Type: proto ?? 'tcp' });
    else for (const b of binds) ports.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto ?? 'tcp' });
  }
  // `Image` shows the ID when the name no longer points at the container's image, as dockerd does.
  const imageName = image && image.id === c.imageId ? c.config.Image : c.imageId;
  const out: Record<string, unknown> = {
    Id: c.id,
    Names: [c.name],
    Image: imageName,
    ImageID: c.imageId,
    // dockerd quotes arguments that contain spaces: sh -c 'echo hi'
    Command: [c.path, ...c.args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' '),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: ports,
    Labels: c.config.Labels ?? {},
    State: c.state.status,
    Status: statusText(c, Date.now()),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode },
    NetworkSettings: { Networks: networksJson(c) },
    Mounts: mountsJson(c.mountPoints),
  };
  if (opts.sizeRw !== undefined) { out.SizeRw = opts.sizeRw; out.SizeRootFs = opts.sizeRootFs ?? opts.sizeRw; }
  return out;
}
