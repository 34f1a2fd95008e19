// Legacy `--link name:alias` environment variables, as Docker sets them for containers on the default bridge
// (docs: "Legacy container links"). The /etc/hosts lines for links are written by the network service
// (service.ts writeFiles); these variables go into the container's process environment at start.
import type { SandboxInfo } from '../../network/types.js';
import type { ContainerRecord } from './model.js';

export interface LinkEnvInput {
  /** The receiving container's name, without the leading slash. */
  containerName: string;
  alias: string;
  /** The linked container's address on the default bridge. */
  ip: string;
  /** The linked container's ExposedPorts keys: "80/tcp", "53/udp", "8080". */
  exposedPorts: string[];
  /** The linked container's configured environment (image ENV and -e), "KEY=value". */
  env: string[];
}

// Variables an image build puts into every container; they say nothing about the linked one.
const NOT_SHARED = new Set(['HOME', 'PATH']);

export interface Port { port: number; proto: string }

function parsePorts(keys: string[]): Port[] {
  const out: Port[] = [];
  for (const k of keys) {
    const [num, proto = 'tcp'] = k.split('/');
    const port = Number(num);
    if (Number.isInteger(port) && port > 0) out.push({ port, proto: proto.toLowerCase() });
  }
  // Lowest number first; on the same number tcp first: the first entry is what <ALIAS>_PORT names.
  return out.sort((a, b) => a.port - b.port || Number(b.proto === 'tcp') - Number(a.proto === 'tcp') || a.proto.localeCompare(b.proto));
}

/**
 * Runs of at least three consecutive port numbers in the sorted list, as dockerd groups them for the
 * `_START`/`_END` variables: numbers only (a protocol change does not break a run), and after a run the next
 * port is skipped before looking for another, as dockerd's loop does.
 */
export function portRuns(ports: Port[]): Array<[Port, Port]> {
  const runs: Array<[Port, Port]> = [];
  let i = 0;
  while (i < ports.length) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1]!.port <= ports[i]!.port + (j + 1 - i)) j++;
    if (j > i + 1) { runs.push([ports[i]!, ports[j]!]); i = j + 1; } else i++;
  }
  return runs;
}

/** The variables one link contributes, in Docker's order (default port, per port, name, env). */
export function legacyLinkEnv(l: LinkEnvInput): string[] {
  const prefix = l.alias.toUpperCase().replace(/-/g, '_');
  const ports = parsePorts(l.exposedPorts);
  const env: string[] = [];
  const url = (p: Port) => `${p.proto}://${l.ip}:${p.port}`;
  if (ports[0]) env.push(`${prefix}_PORT=${url(ports[0])}`);
  for (const [first, last] of portRuns(ports)) {
    const key = `${prefix}_PORT_${first.port}_${first.proto.toUpperCase()}`;
    env.push(`${key}_START=${url(first)}`, `${key}_ADDR=${l.ip}`, `${key}_PROTO=${first.proto}`, `${key}_PORT_START=${first.port}`);
    // dockerd names the end by the first port's number and the last port's protocol.
    const endKey = `${prefix}_PORT_${first.port}_${last.proto.toUpperCase()}`;
    env.push(`${endKey}_END=${url(last)}`, `${endKey}_PORT_END=${last.port}`);
  }
  for (const p of ports) {
    const key = `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push(`${key}=${url(p)}`, `${key}_ADDR=${l.ip}`, `${key}_PORT=${p.port}`, `${key}_PROTO=${p.proto}`);
  }
  env.push(`${prefix}_NAME=/${l.containerName}/${l.alias}`);
  for (const kv of l.env) {
    const eq = kv.indexOf('=');
    if (eq <= 0 || NOT_SHARED.has(kv.slice(0, eq))) continue;
    env.push(`${prefix}_ENV_${kv}`);
  }
  return env;
}

/** Parses one HostConfig.Links entry: "db", "db:alias" or Docker's stored form "/db:/web/alias". */
export function parseLinkSpec(spec: string): { target: string; alias: string } {
  const [target, aliasRaw] = spec.split(':') as [string, string | undefined];
  const name = target.replace(/^\//, '');
  return { target: name, alias: (aliasRaw ?? name).split('/').pop()! };
}

const bridgeIp = (sb: SandboxInfo | undefined) => sb?.endpoints.find((e) => e.networkName === 'bridge')?.ipAddress;

/**
 * The container's environment with its links' variables first and its own entries winning on the same key,
 * as Docker does. Only a container on the default bridge gets them, and only for linked containers that are
 * running there (on user-defined networks --link is a DNS alias only). Links that cannot be resolved are
 * skipped, as their /etc/hosts lines are. `find` may throw for an unknown reference.
 */
export function envWithLinks(c: ContainerRecord, sandbox: SandboxInfo, find: (ref: string) => ContainerRecord | undefined): string[] {
  const own = c.config.Env;
  const specs = (c.hostConfig.Links as string[] | null | undefined) ?? [];
  if (!specs.length || !bridgeIp(sandbox)) return own;
  const linked: string[] = [];
  for (const spec of specs) {
    const { target, alias } = parseLinkSpec(spec);
    let other: ContainerRecord | undefined;
    try { other = find(target); } catch { other = undefined; }
    const ip = other?.state.status === 'running' || other?.state.status === 'paused' ? bridgeIp(other.sandbox) : undefined;
    if (!other || !ip) continue;
    linked.push(...legacyLinkEnv({
      containerName: c.name.replace(/^\//, ''), alias, ip,
      exposedPorts: Object.keys(other.config.ExposedPorts ?? {}), env: other.config.Env ?? [],
    }));
  }
  if (!linked.length) return own;
  const ownKeys = new Set(own.map((kv) => kv.split('=')[0]));
  return [...linked.filter((kv) => !ownKeys.has(kv.split('=')[0])), ...own];
}
