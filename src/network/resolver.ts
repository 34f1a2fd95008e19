// What the embedded DNS answers: names of endpoints on the asker's user-defined networks (container name,
// --network-alias, short ID, hostname; also "<name>.<network>"), several endpoints behind one name in
// rotating order (round robin), reverse lookups of their addresses, and "forward" for everything else.
// Pure: the service passes in the endpoints; unit-tested.
import { isIP } from 'node:net';
import { contains, parseCidr4, parseIp4 } from './cidr.js';
import { parseIp6 } from './cidr6.js';
import { reverseName, TYPE_A, TYPE_AAAA, TYPE_PTR, type Answer } from './dns-packet.js';
import type { LookupResult } from './dns-server.js';
import type { EndpointSettings } from './types.js';

export const DNS_TTL = 600;

export interface LookupInput {
  name: string;
  type: number;
  /** Rotation counter for round robin. */
  rr: number;
  /** The asker's networks, the one the query arrived on first. */
  networks: Array<{ id: string; name: string; subnet?: string }>;
  endpoints: (networkId: string) => Array<{ containerName: string; endpoint: EndpointSettings }>;
  /** Upstream servers; empty = do not forward (internal networks). */
  forwardTo: string[];
}

const sameIp = (a: string, b: string) => (isIP(a) === 6 && isIP(b) === 6 ? parseIp6(a) === parseIp6(b) : a === b);

export function lookupName(q: LookupInput): LookupResult {
  const name = q.name.toLowerCase().replace(/\.$/, '');
  const forward: LookupResult = q.forwardTo.length ? { kind: 'forward', servers: q.forwardTo } : { kind: 'nxdomain' };
  const rev = reverseName(name);
  if (rev) {
    if (q.type !== TYPE_PTR) return forward;
    for (const n of q.networks) {
      const hit = q.endpoints(n.id).find((e) => sameIp(e.endpoint.ipAddress, rev) || (e.endpoint.ipv6Address && sameIp(e.endpoint.ipv6Address, rev)));
      if (hit) return { kind: 'answer', answers: [{ type: TYPE_PTR, ttl: DNS_TTL, data: `${hit.containerName}.${n.name}` }] };
    }
    // An address of one of our subnets that nobody holds: ours to deny, not the upstream's.
    if (isIP(rev) === 4 && q.networks.some((n) => n.subnet && contains(parseCidr4(n.subnet), parseIp4(rev)))) return { kind: 'nxdomain' };
    return forward;
  }
  for (const n of q.networks) {
    const suffix = `.${n.name.toLowerCase()}`;
    const short = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
    const hits = q.endpoints(n.id).filter((e) => (e.endpoint.dnsNames ?? []).some((d) => {
      const dn = d.toLowerCase();
      return dn === name || dn === short;
    }));
    if (hits.length === 0) continue;
    const answers: Answer[] = [];
    for (const h of hits) {
      if (q.type === TYPE_A && h.endpoint.ipAddress) answers.push({ type: TYPE_A, ttl: DNS_TTL, data: h.endpoint.ipAddress });
      if (q.type === TYPE_AAAA && h.endpoint.ipv6Address) answers.push({ type: TYPE_AAAA, ttl: DNS_TTL, data: h.endpoint.ipv6Address });
    }
    const k = answers.length ? q.rr % answers.length : 0;
    return { kind: 'answer', answers: [...answers.slice(k), ...answers.slice(0, k)] };
  }
  return forward;
}
