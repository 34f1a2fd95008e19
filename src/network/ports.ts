// Published ports: host port allocation (pure bookkeeping) and the Docker wire shapes for PortBindings and
// NetworkSettings.Ports, so the API layer translates with one call each way.
import { conflict, invalid, unavailable } from '../lib/errors.js';
import { isIP } from 'node:net';
import { isIp4 } from './cidr.js';
import type { PortBinding, PortMapping } from './types.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** HostConfig.PortBindings ({"80/tcp": [{HostIp, HostPort}]}) → bindings. */
export function fromDockerPortBindings(pb: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, list] of Object.entries(pb ?? {})) {
    const m = /^(\d+)(?:\/(\w+))?$/.exec(key);
    const proto = (m?.[2] ?? 'tcp').toLowerCase();
    if (!m || !PROTOCOLS.has(proto) || Number(m[1]) < 1 || Number(m[1]) > 65535) throw invalid(`invalid port specification: "${key}"`);
    for (const b of list ?? [{}]) {
      out.push({ containerPort: Number(m[1]), protocol: proto as PortBinding['protocol'], hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' });
    }
  }
  return out;
}

/** Mappings (+ exposed-only ports as null) → NetworkSettings.Ports, with Docker's key order. */
export function toDockerPortMap(mappings: PortMapping[], exposed: string[] = []): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const e of exposed) out[e.includes('/') ? e : `${e}/tcp`] = null;
  for (const m of mappings) {
    const key = `${m.containerPort}/${m.protocol}`;
    (out[key] ??= []).push({ HostIp: m.hostIp, HostPort: String(m.hostPort) });
  }
  return out;
}

function parseRange(hostPort: string | undefined, ephemeral: [number, number]): [number, number] {
  if (!hostPort) return ephemeral;
  const m = /^(\d+)(?:-(\d+))?$/.exec(hostPort);
  const lo = Number(m?.[1]);
  const hi = m?.[2] ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw invalid(`invalid hostPort: ${hostPort}`);
  return [lo, hi];
}

/**
 * Which host ports are taken, by protocol and address. A wildcard (0.0.0.0) binding conflicts with every
 * address of the same protocol, as a socket bound to INADDR_ANY would.
 */
export class PortAllocator {
  private readonly used = new Map<string, string>();

  constructor(private readonly ephemeral: [number, number] = [49153, 65535]) {}

  private key(proto: string, ip: string, port: number) { return `${proto}/${ip}/${port}`; }

  private taken(proto: string, ip: string, port: number): boolean {
    const any = ip.includes(':') ? '::' : '0.0.0.0';
    if (this.used.has(this.key(proto, ip, port)) || this.used.has(this.key(proto, any, port))) return true;
    if (ip === any) for (const k of this.used.keys()) if (k.startsWith(`${proto}/`) && k.endsWith(`/${port}`) && k.includes(':') === ip.includes(':')) return true;
    return false;
  }

  /**
   * Resolves bindings to concrete mappings for `owner`. `probe` says whether the host itself already uses a
   * port (a listening socket); it is asked only for ports free in our own bookkeeping. All or nothing.
   */
  async allocate(owner: string, bindings: PortBinding[], probe: (proto: string, ip: string, port: number) => Promise<boolean>): Promise<PortMapping[]> {
    const out: PortMapping[] = [];
    try {
      for (const b of bindings) {
        const hostIp = (b.hostIp || '0.0.0.0').replace(/^\[(.*)\]$/, '$1');
        if (!isIp4(hostIp) && isIP(hostIp) !== 6) throw invalid(`invalid host IP ${hostIp}`);
        const [lo, hi] = parseRange(b.hostPort, this.ephemeral);
        let chosen = 0;
        for (let p = lo; p <= hi && !chosen; p++) {
          if (!this.taken(b.protocol, hostIp, p) && !(await probe(b.protocol, hostIp, p))) chosen = p;
        }
        if (!chosen) {
          if (!b.hostPort) throw unavailable('no free host ports in the ephemeral range');
          throw conflict(`Bind for ${hostIp}:${b.hostPort} failed: port is already allocated`);
        }
        this.used.set(this.key(b.protocol, hostIp, chosen), owner);
        out.push({ containerPort: b.containerPort, protocol: b.protocol, hostIp, hostPort: chosen });
      }
      return out;
    } catch (e) {
      this.release(out);
      throw e;
    }
  }

  /** Records mappings restored from disk. */
  claim(owner: string, mappings: PortMapping[]): void {
    for (const m of mappings) this.used.set(this.key(m.protocol, m.hostIp, m.hostPort), owner);
  }

  release(mappings: PortMapping[]): void {
    for (const m of mappings) this.used.delete(this.key(m.protocol, m.hostIp, m.hostPort));
  }
}
