// IPv6 address and prefix arithmetic on BigInt, enough for user-defined networks with --ipv6: parse, format
// (RFC 5952 short form), containment, overlap and a serial allocator like the IPv4 one.
import { isIP } from 'node:net';
import { conflict, invalid, unavailable } from '../lib/errors.js';

export interface Cidr6 { network: bigint; prefixLen: number }

const ALL = (1n << 128n) - 1n;

export function parseIp6(s: string): bigint {
  if (isIP(s) !== 6) throw invalid(`invalid IP address: ${s}`);
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const n = v4.slice(1).map(Number);
    text = text.slice(0, v4.index) + `${((n[0]! << 8) | n[1]!).toString(16)}:${((n[2]! << 8) | n[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export function formatIp6(n: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // Longest run of two or more zero groups becomes '::'.
  let best = -1; let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function isIp6(s: string): boolean { return isIP(s) === 6; }

const mask6 = (len: number) => (len === 0 ? 0n : (ALL << BigInt(128 - len)) & ALL);

export function parseCidr6(s: string): Cidr6 & { address: bigint } {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m || Number(m[2]) > 128 || isIP(m[1]!) !== 6) throw invalid(`invalid CIDR address: ${s}`);
  const address = parseIp6(m[1]!);
  const prefixLen = Number(m[2]);
  return { address, network: address & mask6(prefixLen), prefixLen };
}

export function formatCidr6(c: Cidr6): string { return `${formatIp6(c.network)}/${c.prefixLen}`; }
export function last6(c: Cidr6): bigint { return c.network | (~mask6(c.prefixLen) & ALL); }
export function contains6(c: Cidr6, ip: bigint): boolean { return (ip & mask6(c.prefixLen)) === c.network; }
export function overlaps6(a: Cidr6, b: Cidr6): boolean { return a.network <= last6(b) && b.network <= last6(a); }

/** Serial allocation over an IPv6 range; the subnet's first address (Subnet-Router anycast) is never handed out. */
export class Address6Allocator {
  private readonly used = new Map<bigint, string>();
  private cursor: bigint;
  constructor(readonly subnet: Cidr6, readonly gateway: bigint, readonly range: Cidr6 = subnet) {
    this.cursor = range.network;
  }

  allocate(owner: string): bigint {
    const first = this.range.network;
    const count = last6(this.range) - first + 1n;
    // A /64 is too big to walk; a few thousand steps past the cursor always find a hole in practice.
    const limit = count < 65536n ? count : 65536n;
    for (let i = 1n; i <= limit; i++) {
      const ip = first + ((this.cursor - first + i) % count);
      if (ip === this.subnet.network || ip === this.gateway || this.used.has(ip)) continue;
      this.used.set(ip, owner);
      this.cursor = ip;
      return ip;
    }
    throw unavailable(`no available IPv6 addresses on network (${formatCidr6(this.subnet)})`);
  }

  claim(ip: bigint | string, owner: string): void {
    const n = typeof ip === 'string' ? parseIp6(ip) : ip;
    if (!contains6(this.subnet, n)) throw invalid(`invalid address ${formatIp6(n)}: It does not belong to any of this network's subnets`);
    const holder = this.used.get(n);
    if (n === this.gateway || (holder !== undefined && holder !== owner)) throw conflict(`Address already in use`);
    this.used.set(n, owner);
  }

  release(ip: bigint | string): void { this.used.delete(typeof ip === 'string' ? parseIp6(ip) : ip); }
  owner(ip: string): string | undefined { return this.used.get(parseIp6(ip)); }
}
