// IPv4 address and prefix arithmetic. Addresses are unsigned 32-bit numbers so that ranges, overlaps and
// "next free address" are plain integer comparisons. IPv6 arrives with user-defined networks (later issue).
import { invalid } from '../lib/errors.js';

export interface Cidr4 {
  /** Network address (host bits cleared). */
  network: number;
  prefixLen: number;
}

export function parseIp4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw invalid(`invalid IP address: ${s}`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw invalid(`invalid IP address: ${s}`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function isIp4(s: string): boolean {
  try { parseIp4(s); return true; } catch { return false; }
}

export function formatIp4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function maskOf(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

/** Parses "a.b.c.d/len" and also returns the address as written (for --bip, which names the gateway). */
export function parseCidr4(s: string): Cidr4 & { address: number } {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw invalid(`invalid CIDR address: ${s}`);
  const address = parseIp4(m[1]!);
  const prefixLen = Number(m[2]);
  return { address, network: (address & maskOf(prefixLen)) >>> 0, prefixLen };
}

export function formatCidr4(c: Cidr4): string {
  return `${formatIp4(c.network)}/${c.prefixLen}`;
}

export function size(c: Cidr4): number {
  return 2 ** (32 - c.prefixLen);
}

export function broadcast(c: Cidr4): number {
  return c.network + size(c) - 1;
}

export function contains(c: Cidr4, ip: number): boolean {
  return ((ip & maskOf(c.prefixLen)) >>> 0) === c.network;
}

export function overlaps(a: Cidr4, b: Cidr4): boolean {
  return a.network <= broadcast(b) && b.network <= broadcast(a);
}

/** a lies entirely within b. */
export function within(a: Cidr4, b: Cidr4): boolean {
  return a.prefixLen >= b.prefixLen && contains(b, a.network);
}

/** Splits `base` into consecutive subnets of length `prefixLen`, lazily (a /8 into /24s is 65536 of them). */
export function* subnets(base: Cidr4, prefixLen: number): Generator<Cidr4> {
  if (prefixLen < base.prefixLen) throw invalid(`invalid pools configuration: size /${prefixLen} is larger than base ${formatCidr4(base)}`);
  const step = 2 ** (32 - prefixLen);
  for (let n = base.network; n <= broadcast(base); n += step) yield { network: n, prefixLen };
}

/** Docker's MAC for an IPv4 endpoint: 02:42 followed by the four address bytes, so it is stable per IP. */
export function macFromIp4(ip: number): string {
  const bytes = [0x02, 0x42, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
