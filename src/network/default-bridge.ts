// The default `bridge` network: which subnet it uses, the bridge device, and its address allocator.
// Kept apart from the service so user-defined bridge networks (later issue) reuse the same pieces.
import type { DaemonConfig } from '../engine/config.js';
import { formatCidr4, formatIp4, overlaps, parseCidr4, type Cidr4 } from './cidr.js';
import { AddressAllocator, pickSubnet, planSubnet, type SubnetPlan } from './ipam.js';
import { ensureBridge, inspectBridge } from './bridge-link.js';
import { ipJson, type IpTools, type RouteEntry } from './ip-cmd.js';
import type { NetworkRecord } from './store.js';
import type { Logger } from '../lib/logger.js';

export function routesInUse(routes: RouteEntry[], ownDevice: string): Cidr4[] {
  const out: Cidr4[] = [];
  for (const r of routes) {
    // The default route spans everything yet uses no addresses; our own bridge's route is not a conflict.
    if (r.dst === 'default' || r.dev === ownDevice) continue;
    const dst = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    try {
      const c = parseCidr4(dst);
      out.push({ network: c.network, prefixLen: c.prefixLen });
    } catch { /* IPv6 or unusual entries are not our concern for an IPv4 pool */ }
  }
  return out;
}

/**
 * Decides the subnet: --bip wins; then the subnet recorded by an earlier start (so restarts keep addresses);
 * then an address already on the bridge device; then the first free subnet of the default pools.
 */
export async function resolveBridgePlan(
  tools: IpTools, config: DaemonConfig, saved: NetworkRecord | undefined, logger: Logger,
): Promise<SubnetPlan> {
  const fixedCidr = config.fixedCidr || undefined;
  if (config.bip) return planSubnet({ bip: config.bip, fixedCidr });
  const [routes, link] = await Promise.all([
    ipJson<RouteEntry[]>(tools, ['-4', 'route', 'show']),
    inspectBridge(tools, config.bridge),
  ]);
  const inUse = routesInUse(routes, config.bridge);
  const free = (c: Cidr4) => !inUse.some((r) => overlaps(r, c));
  if (saved?.subnet && saved.gateway) {
    const plan = planSubnet({ bip: `${saved.gateway}/${parseCidr4(saved.subnet).prefixLen}`, fixedCidr });
    if (free(plan.subnet)) return plan;
    logger.warn('recorded bridge subnet now overlaps a host route; choosing another', { subnet: saved.subnet });
  }
  const existing = link?.addr_info?.find((a) => a.family === 'inet');
  if (existing) return planSubnet({ bip: `${existing.local}/${existing.prefixlen}`, fixedCidr });
  return planSubnet({ picked: pickSubnet(config.defaultAddressPools, inUse), fixedCidr });
}

export class DefaultBridge {
  readonly allocator: AddressAllocator;
  constructor(readonly device: string, readonly plan: SubnetPlan, readonly mtu: number) {
    this.allocator = new AddressAllocator(plan);
  }

  get subnet(): string { return formatCidr4(this.plan.subnet); }
  get gateway(): string { return formatIp4(this.plan.gateway); }
  get prefixLen(): number { return this.plan.subnet.prefixLen; }

  async ensure(tools: IpTools): Promise<void> {
    const link = await inspectBridge(tools, this.device);
    await ensureBridge(tools, { device: this.device, gateway: this.plan.gateway, prefixLen: this.prefixLen, mtu: this.mtu }, link);
  }
}
