// Renders the daemon's whole nftables table as one `nft -f` script. Pure, so the text is golden-tested.
//
// Family `inet`: one table (named by config.firewallTable) then covers IPv4 and IPv6 alike, so IPv6 networks
// (later issue) add rules to the same table and the same transaction instead of a second table to keep in
// step. NAT in the inet family needs Linux 5.2+, which every supported host has.
//
// The script first adds the table (a no-op if it exists) and then deletes it, so the delete never fails and
// the recreate that follows replaces it in the same transaction: no window without rules, never a duplicate.
import type { FirewallState } from './firewall.js';

const quote = (s: string) => JSON.stringify(s);

export function renderTable(table: string, state: FirewallState): string {
  const t = `table inet ${table}`;
  const lines: string[] = [`${t} {}`, `delete ${t}`, `${t} {`];
  const chain = (name: string, hook: string | undefined, rules: string[]) => {
    lines.push(`  chain ${name} {`);
    if (hook) lines.push(`    ${hook}`);
    for (const r of rules) lines.push(`    ${r}`);
    lines.push('  }');
  };

  // Published ports: traffic to any local address (from outside, or from the host itself) is DNATed.
  const published = publishedRules(state);
  chain('prerouting', 'type nat hook prerouting priority dstnat; policy accept;', ['fib daddr type local jump published']);
  // nft 1.0.6 knows the name "dstnat" only for prerouting; -100 is the same priority for output.
  chain('output', 'type nat hook output priority -100; policy accept;', ['fib daddr type local jump published']);
  chain('published', undefined, published);

  const post: string[] = [];
  for (const b of state.bridges) {
    const dev = quote(b.device);
    if (b.masquerade && !b.internal) post.push(`ip saddr ${b.subnet} oifname != ${dev} masquerade`);
    if (b.masquerade && !b.internal && b.subnet6) post.push(`ip6 saddr ${b.subnet6} oifname != ${dev} masquerade`);
    // A container reaching a published port of the host (hairpin), and the host reaching one via
    // 127.0.0.1, need replies to come back through the host: hide the source behind the bridge address.
    post.push(`oifname ${dev} ct status dnat ip saddr ${b.subnet} masquerade`);
    post.push(`oifname ${dev} ct status dnat ip saddr 127.0.0.0/8 masquerade`);
  }
  chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', post);

  // route_localnet is on for our bridges (so 127.0.0.1:port can be DNATed to a container); this keeps
  // containers from using it to reach services the host binds to loopback.
  const raw: string[] = [];
  for (const b of state.bridges) raw.push(`iifname ${quote(b.device)} ip daddr 127.0.0.0/8 drop`);
  chain('guard', 'type filter hook prerouting priority raw; policy accept;', raw);

  // Policy accept: this table only speaks for its own bridges; other traffic of the host is not ours to judge.
  const fwd: string[] = [];
  // Isolation first: nothing crosses from one of our bridges to another (Docker's DOCKER-ISOLATION chains),
  // internal networks talk to nobody outside, and enable_icc=false stops traffic between a bridge's containers
  // (bridged frames reach this hook because bridge-nf-call-iptables is on).
  const devices = state.bridges.map((b) => b.device);
  for (const b of state.bridges) {
    const dev = quote(b.device);
    const others = devices.filter((d) => d !== b.device).map(quote);
    if (others.length) fwd.push(`iifname ${dev} oifname { ${others.join(', ')} } drop`);
    if (b.internal) {
      fwd.push(`iifname ${dev} oifname != ${dev} drop`);
      fwd.push(`oifname ${dev} iifname != ${dev} drop`);
    }
    if (b.icc === false) fwd.push(`iifname ${dev} oifname ${dev} drop`);
  }
  for (const b of state.bridges) {
    const dev = quote(b.device);
    // Replies to connections the containers opened.
    fwd.push(`oifname ${dev} ct state established,related accept`);
    // Containers reach out, and reach each other through the bridge when bridge netfilter is on.
    fwd.push(`iifname ${dev} accept`);
    // Published ports arrive DNATed; anything else routed straight at a container's address is dropped, as
    // Docker's "nat" gateway mode does, so unpublished ports stay private.
    fwd.push(`oifname ${dev} ct status dnat accept`);
    fwd.push(`oifname ${dev} drop`);
  }
  chain('forward', 'type filter hook forward priority filter; policy accept;', fwd);

  lines.push('}');
  return lines.join('\n') + '\n';
}

/** DNAT rules of the `published` chain, shared by the whole-table and the ports-only scripts. */
function publishedRules(state: FirewallState): string[] {
  const out: string[] = [];
  for (const b of state.bridges) {
    for (const p of b.ports ?? []) {
      if (p.hostIp.includes(':')) continue; // IPv6 host addresses: the userland proxy (port-proxy.ts)
      const dst = p.hostIp === '0.0.0.0' ? 'meta nfproto ipv4 ' : `ip daddr ${p.hostIp} `;
      out.push(`${dst}${p.protocol} dport ${p.hostPort} dnat ip to ${p.containerIp}:${p.containerPort}`);
    }
  }
  return out;
}

/**
 * Replaces only the published-port rules, in one transaction. Rewriting the whole table re-registers its base
 * chains (~15 ms of kernel work measured here); when only ports changed, flushing one regular chain is enough.
 */
export function renderPortsUpdate(table: string, state: FirewallState): string {
  const chain = `inet ${table} published`;
  return [`flush chain ${chain}`, ...publishedRules(state).map((r) => `add rule ${chain} ${r}`)].join('\n') + '\n';
}

/**
 * The user's chain (Docker's DOCKER-USER), in a table of its own that berthd only ever adds (a no-op when it
 * exists): rules the administrator puts there survive every rewrite of ours. It hooks forward just before our
 * chain; a drop there is final, and so is ours (nftables evaluates every base chain of a hook).
 */
export function renderUserChain(table: string): string {
  const t = `table inet ${table}_user`;
  return `add ${t}\nadd chain inet ${table}_user forward { type filter hook forward priority -10; policy accept; }\n`;
}

export function renderDelete(table: string): string {
  const t = `table inet ${table}`;
  return `${t} {}\ndelete ${t}\n`;
}
