// Docker's resolver address, 127.0.0.11, inside a container's own network namespace. berthd's embedded DNS
// listens on each user-defined network's gateway (dns-server.ts) in the host namespace; two things inside the
// container's namespace carry queries to 127.0.0.11:53 (UDP and TCP) there:
//   a route  127.0.0.11/32 via <gateway> dev <if> src <container address>, in the `local` table (where
//            127.0.0.0/8 lives; the longer prefix wins): the query's source is then the container's address on
//            that network, which is how the server tells askers apart, and never a loopback address;
//   a table  nat output: 127.0.0.11:53 → <gateway>:<port>. Replies are NATed back by conntrack on input,
//            after routing, so the kernel never sees a loopback address on the wire.
// No route_localnet and no SNAT are needed that way (a loopback source on eth0 would need both, plus a guard
// against outside packets to 127.0.0.0/8). Both live and die with the namespace, so live restore keeps them.
import { resolveCommand, run } from '../lib/exec-file.js';
import { isIp4 } from './cidr.js';

export const EMBEDDED_DNS_ADDRESS = '127.0.0.11';
export const DNS_REDIRECT_TABLE = 'berth_dns';

export interface DnsRedirect {
  /** The container's interface on the network whose gateway answers. */
  ifname: string;
  /** Where the embedded DNS listens: the network's gateway. */
  gateway: string;
  port: number;
  /** The container's address on that network (the source the server sees). */
  source: string;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

function check(r: DnsRedirect): void {
  // These strings end up in an ip batch, a shell command and an nft script: accept only what we generate.
  if (!IFNAME.test(r.ifname) || !isIp4(r.gateway) || !isIp4(r.source) || !Number.isInteger(r.port) || r.port < 1 || r.port > 65535) {
    throw new Error(`invalid DNS redirect ${JSON.stringify(r)}`);
  }
}

/** The `ip -batch` line for the route (replace: also right when moving it to another interface). */
export function dnsRouteLine(r: DnsRedirect): string {
  check(r);
  return `route replace ${EMBEDDED_DNS_ADDRESS}/32 via ${r.gateway} dev ${r.ifname} src ${r.source} table local`;
}

/**
 * The nft script. `fresh`: the namespace was just made, so the table is simply added (a delete in the same
 * transaction makes nft load its cache and costs several milliseconds per start). Otherwise the table is
 * replaced in one transaction (declare, delete, define): never a moment without the rule, never a duplicate.
 */
export function dnsRedirectRules(r: DnsRedirect, fresh: boolean): string {
  check(r);
  const to = `${r.gateway}:${r.port}`;
  return [
    ...(fresh ? [] : [`table ip ${DNS_REDIRECT_TABLE} {}`, `delete table ip ${DNS_REDIRECT_TABLE}`]),
    `table ip ${DNS_REDIRECT_TABLE} {`,
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    `    ip daddr ${EMBEDDED_DNS_ADDRESS} udp dport 53 dnat to ${to}`,
    `    ip daddr ${EMBEDDED_DNS_ADDRESS} tcp dport 53 dnat to ${to}`,
    '  }',
    '}',
  ].join('\n') + '\n';
}

/** Removes the table if it is there (the container left its last network with embedded DNS). */
export function dnsRedirectRemoval(): string {
  return `table ip ${DNS_REDIRECT_TABLE} {}\ndelete table ip ${DNS_REDIRECT_TABLE}\n`;
}

/**
 * What a link's own set-up runs in the namespace: the route as more `ip -batch` lines, then nft (a shell step
 * with the script as its one argument), so the redirect costs no process chain of its own.
 */
export function dnsRedirectSetup(r: DnsRedirect, fresh: boolean, nft = 'nft'): { lines: string[]; then: { script: string; args: string[] } } {
  return { lines: [dnsRouteLine(r)], then: { script: `exec ${quote(resolveCommand(nft))} "$1"`, args: [dnsRedirectRules(r, fresh)] } };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface RedirectTools { nsenter: string; sh: string; ip: string; nft: string }

/**
 * Points 127.0.0.11 of an existing namespace at `r`, or with undefined removes the route and the table:
 * one process chain either way (network connect/disconnect).
 */
export async function applyDnsRedirect(tools: RedirectTools, netnsPath: string, r: DnsRedirect | undefined): Promise<void> {
  const [ip, nft] = [resolveCommand(tools.ip), resolveCommand(tools.nft)];
  const args = r
    ? [`"$0" ${dnsRouteLine(r)} && exec "$1" "$2"`, ip, nft, dnsRedirectRules(r, false)]
    // The route is gone already when its interface went; a missing one is not an error.
    : [`"$0" route del ${EMBEDDED_DNS_ADDRESS}/32 table local 2>/dev/null; exec "$1" "$2"`, ip, nft, dnsRedirectRemoval()];
  await run(tools.nsenter, [`--net=${netnsPath}`, tools.sh, '-c', ...args]);
}
