// Address management for one IPv4 subnet, and the choice of a subnet from the daemon's address pools.
// Pure logic: no I/O. The bridge service persists what this decides (one endpoint file per container).
import { conflict, invalid, unavailable } from '../lib/errors.js';
import { broadcast, contains, formatCidr4, formatIp4, overlaps, parseCidr4, parseIp4, subnets, within, type Cidr4 } from './cidr.js';

export interface AddressPool { base: string; size: number }

/**
 * First subnet carved from `pools` (in order) that overlaps none of `inUse` (host routes, other networks).
 * Docker picks the default bridge this way, so on a fresh host it gets 172.17.0.0/16.
 */
export function pickSubnet(pools: AddressPool[], inUse: Cidr4[]): Cidr4 {
  for (const pool of pools) {
    const base = parseCidr4(pool.base);
    // The caller leaves default routes out of inUse: 0.0.0.0/0 overlaps everything yet takes no addresses.
    for (const candidate of subnets(base, pool.size)) {
      if (!inUse.some((r) => overlaps(r, candidate))) return candidate;
    }
  }
  throw unavailable('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

export interface SubnetPlan {
  subnet: Cidr4;
  gateway: number;
  /** Where container addresses come from: --fixed-cidr if set, else the whole subnet. */
  range: Cidr4;
}

/** Resolves --bip / --fixed-cidr (or a picked subnet) into the plan for the default bridge. */
export function planSubnet(opts: { bip?: string; fixedCidr?: string; picked?: Cidr4 }): SubnetPlan {
  let subnet: Cidr4;
  let gateway: number;
  if (opts.bip) {
    const bip = parseCidr4(opts.bip);
    if (bip.prefixLen > 30) throw invalid(`invalid bip ${opts.bip}: the subnet has no room for containers`);
    subnet = { network: bip.network, prefixLen: bip.prefixLen };
    // --bip names the bridge's own address; a bare network address means "use the first host".
    gateway = bip.address === bip.network ? bip.network + 1 : bip.address;
  } else if (opts.picked) {
    subnet = opts.picked;
    gateway = subnet.network + 1;
  } else {
    throw invalid('no subnet for the default bridge');
  }
  let range = subnet;
  if (opts.fixedCidr) {
    const fc = parseCidr4(opts.fixedCidr);
    range = { network: fc.network, prefixLen: fc.prefixLen };
    if (!within(range, subnet)) throw invalid(`fixed-cidr ${opts.fixedCidr} is not within bridge subnet ${formatCidr4(subnet)}`);
  }
  return { subnet, gateway, range };
}

/**
 * Hands out addresses from `range` one after another (like Docker's serial allocation, so a freed address is
 * not reused at once and a late packet for a removed container does not reach its successor).
 */
export class AddressAllocator {
  readonly subnet: Cidr4;
  readonly range: Cidr4;
  readonly gateway: number;
  private readonly used = new Map<number, string>();
  private cursor: number;

  constructor(plan: SubnetPlan) {
    this.subnet = plan.subnet;
    this.range = plan.range;
    this.gateway = plan.gateway;
    // "Last handed out" starts just before the range, so the first allocation is the range's first address.
    this.cursor = plan.range.network - 1;
  }

  private reserved(ip: number): boolean {
    return ip === this.gateway || ip === this.subnet.network || ip === broadcast(this.subnet);
  }

  /** Next free address after the last one handed out, wrapping around the range. */
  allocate(owner: string): number {
    const first = this.range.network;
    const last = broadcast(this.range);
    const count = last - first + 1;
    for (let i = 1; i <= count; i++) {
      const ip = first + ((this.cursor - first + i) % count);
      if (this.reserved(ip) || this.used.has(ip)) continue;
      this.used.set(ip, owner);
      this.cursor = ip;
      return ip;
    }
    throw unavailable(`no available IPv4 addresses on network bridge (${formatCidr4(this.subnet)})`);
  }

  /** Records an address chosen elsewhere (a persisted allocation, or --ip later). */
  claim(ip: number | string, owner: string): void {
    const n = typeof ip === 'string' ? parseIp4(ip) : ip;
    if (!contains(this.subnet, n)) throw invalid(`address ${formatIp4(n)} is not in subnet ${formatCidr4(this.subnet)}`);
    if (this.reserved(n)) throw conflict(`address ${formatIp4(n)} is reserved`);
    const holder = this.used.get(n);
    if (holder !== undefined && holder !== owner) throw conflict(`Address already in use: ${formatIp4(n)}`);
    this.used.set(n, owner);
    // Keep allocation moving forward after a restart, as if the claimed addresses were handed out in order.
    if (n > this.cursor && contains(this.range, n)) this.cursor = n;
  }

  /** Keeps an address out of allocation (aux addresses) without moving the serial cursor. */
  reserve(ip: number | string, owner: string): void {
    const n = typeof ip === 'string' ? parseIp4(ip) : ip;
    if (contains(this.subnet, n) && !this.reserved(n)) this.used.set(n, owner);
  }

  release(ip: number | string): void {
    this.used.delete(typeof ip === 'string' ? parseIp4(ip) : ip);
  }

  owner(ip: number | string): string | undefined {
    return this.used.get(typeof ip === 'string' ? parseIp4(ip) : ip);
  }

  get allocatedCount(): number {
    return this.used.size;
  }
}
