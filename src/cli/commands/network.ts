// `network create|ls|inspect|rm|prune|connect|disconnect`, with docker's flags, output and messages.
import { bool, formatFlag, list, StatusError, str, type Cli, type Command } from '../cli.js';
import { formatOne, formatRows } from '../format/docker-format.js';
import { confirm } from '../prompt.js';

const help = { name: 'help', type: 'bool' as const, desc: 'Print usage' };

/** "k=v" list flags → object. */
function kv(items: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of items) {
    const at = i.indexOf('=');
    if (at < 0 && what !== 'label') throw new StatusError(125, `invalid argument "${i}" for "--${what}" flag: expected key=value`);
    out[at < 0 ? i : i.slice(0, at)] = at < 0 ? '' : i.slice(at + 1);
  }
  return out;
}

/** --filter k=v (repeatable) → docker's filters JSON. */
function filters(items: string[]): string | undefined {
  if (!items.length) return undefined;
  const f: Record<string, Record<string, boolean>> = {};
  for (const i of items) {
    const at = i.indexOf('=');
    if (at < 0) throw new StatusError(125, `invalid argument "${i}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    (f[i.slice(0, at)] ??= {})[i.slice(at + 1)] = true;
  }
  return JSON.stringify(f);
}

export const networkCreate: Command = {
  spec: {
    name: 'network create', usage: '[OPTIONS] NETWORK', desc: 'Create a network', minArgs: 1, maxArgs: 1,
    flags: [
      { name: 'driver', short: 'd', type: 'string', default: 'bridge', desc: 'Driver to manage the Network' },
      { name: 'subnet', type: 'list', desc: 'Subnet in CIDR format that represents a network segment' },
      { name: 'ip-range', type: 'list', desc: 'Allocate container ip from a sub-range' },
      { name: 'gateway', type: 'list', desc: 'IPv4 or IPv6 Gateway for the master subnet' },
      { name: 'aux-address', type: 'list', desc: 'Auxiliary IPv4 or IPv6 addresses used by Network driver' },
      { name: 'internal', type: 'bool', desc: 'Restrict external access to the network' },
      { name: 'ipv6', type: 'bool', desc: 'Enable or disable IPv6 networking' },
      { name: 'attachable', type: 'bool', desc: 'Enable manual container attachment' },
      { name: 'label', type: 'list', desc: 'Set metadata on a network' },
      { name: 'opt', short: 'o', type: 'list', desc: 'Set driver specific options' },
      { name: 'ipam-driver', type: 'string', default: 'default', desc: 'IP Address Management Driver' },
      { name: 'ipam-opt', type: 'list', desc: 'Set IPAM driver specific options' },
      { name: 'config-only', type: 'bool', desc: 'Create a configuration only network' },
      { name: 'config-from', type: 'string', desc: 'The network from which to copy the configuration' },
      help,
    ],
  },
  async run(cli, p) {
    const subnets = list(p, 'subnet');
    const ranges = list(p, 'ip-range');
    const gws = list(p, 'gateway');
    const aux = kv(list(p, 'aux-address'), 'aux-address');
    // Each range/gateway/aux address belongs to the subnet containing it; the daemon checks the rest.
    const fits = (ip: string, sub: string) => ip.includes(':') === sub.includes(':');
    const config = subnets.map((s) => ({
      Subnet: s, IPRange: ranges.find((r) => fits(r, s)) ?? '', Gateway: gws.find((g) => fits(g, s)) ?? '',
      AuxiliaryAddresses: Object.fromEntries(Object.entries(aux).filter(([, a]) => fits(a, s))),
    }));
    if (!subnets.length && (ranges.length || gws.length || Object.keys(aux).length)) throw new StatusError(1, 'every ip-range or gateway must have a corresponding subnet');
    const body = {
      Name: p.args[0], Driver: str(p, 'driver') || 'bridge', Internal: bool(p, 'internal'), Attachable: bool(p, 'attachable'),
      EnableIPv6: bool(p, 'ipv6') || undefined, Ingress: false, ConfigOnly: bool(p, 'config-only'),
      ConfigFrom: str(p, 'config-from') ? { Network: str(p, 'config-from') } : null,
      IPAM: { Driver: str(p, 'ipam-driver') || 'default', Options: kv(list(p, 'ipam-opt'), 'ipam-opt'), Config: config },
      Options: kv(list(p, 'opt'), 'opt'), Labels: kv(list(p, 'label'), 'label'),
    };
    const r = await cli.client.json<{ Id: string }>('POST', '/networks/create', { body });
    cli.outLine(r.Id);
    return 0;
  },
};

interface NetworkJson { Id: string; Name: string; Driver: string; Scope: string; Created: string; EnableIPv6: boolean; Internal: boolean; Labels: Record<string, string> }

export const networkLs: Command = {
  spec: {
    name: 'network ls', usage: '[OPTIONS]', desc: 'List networks', maxArgs: 0,
    flags: [
      { name: 'filter', short: 'f', type: 'list', desc: 'Provide filter values (e.g. "driver=bridge")' },
      formatFlag(), { name: 'no-trunc', type: 'bool', desc: 'Do not truncate the output' },
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Only display network IDs' }, help,
    ],
  },
  async run(cli, p) {
    const nets = await cli.client.json<NetworkJson[]>('GET', '/networks', { query: { filters: filters(list(p, 'filter')) } });
    nets.sort((a, b) => a.Name.localeCompare(b.Name));
    const trunc = !bool(p, 'no-trunc');
    const rows = nets.map((n) => ({
      ...n, ID: trunc ? n.Id.slice(0, 12) : n.Id, IPv6: String(n.EnableIPv6), Internal: String(n.Internal),
      Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','), CreatedAt: n.Created,
    }));
    let format = str(p, 'format');
    if (bool(p, 'quiet')) format = '{{.ID}}';
    cli.out(formatRows({
      format, defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
      headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' },
    }, rows));
    return 0;
  },
};

export const networkInspect: Command = {
  spec: {
    name: 'network inspect', usage: '[OPTIONS] NETWORK [NETWORK...]', desc: 'Display detailed information on one or more networks', minArgs: 1,
    flags: [{ name: 'format', short: 'f', type: 'string', desc: 'Format output using a custom template' }, { name: 'verbose', short: 'v', type: 'bool', desc: 'Verbose output for diagnostics' }, help],
  },
  async run(cli, p) {
    const found: unknown[] = [];
    const errs: string[] = [];
    const format = str(p, 'format');
    let out = '';
    for (const n of p.args) {
      try {
        const v = await cli.client.json('GET', `/networks/${encodeURIComponent(n)}`);
        if (format && format !== 'json') out += formatOne(format, v) + '\n'; else found.push(v);
      } catch (e) { errs.push(`Error response from daemon: ${(e as Error).message}`); }
    }
    if (!format || format === 'json') out = JSON.stringify(found, null, 4) + '\n';
    cli.out(out);
    if (errs.length) throw new StatusError(1, errs.join('\n'));
    return 0;
  },
};

async function each(cli: Cli, names: string[], fn: (n: string) => Promise<void>): Promise<number> {
  const errs: string[] = [];
  for (const n of names) {
    try { await fn(n); cli.outLine(n); } catch (e) { errs.push(`Error response from daemon: ${(e as Error).message}`); }
  }
  if (errs.length) throw new StatusError(1, errs.join('\n'));
  return 0;
}

export const networkRm: Command = {
  spec: { name: 'network rm', usage: 'NETWORK [NETWORK...]', desc: 'Remove one or more networks', minArgs: 1, flags: [{ name: 'force', short: 'f', type: 'bool', desc: 'Do not error if the network does not exist' }, help] },
  run: (cli, p) => each(cli, p.args, async (n) => {
    try { await cli.client.call('DELETE', `/networks/${encodeURIComponent(n)}`); } catch (e) {
      if (bool(p, 'force') && /not found/.test((e as Error).message)) return;
      throw e;
    }
  }),
};

export const networkPrune: Command = {
  spec: {
    name: 'network prune', usage: '[OPTIONS]', desc: 'Remove all unused networks', maxArgs: 0,
    flags: [{ name: 'filter', type: 'list', desc: 'Provide filter values (e.g. "until=<timestamp>")' }, { name: 'force', short: 'f', type: 'bool', desc: 'Do not prompt for confirmation' }, help],
  },
  async run(cli, p) {
    if (!bool(p, 'force') && !(await confirm(cli, 'WARNING! This will remove all custom networks not used by at least one container.'))) return 0;
    const r = await cli.client.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters: filters(list(p, 'filter')) } });
    if (r.NetworksDeleted?.length) cli.out(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n`);
    return 0;
  },
};

export const networkConnect: Command = {
  spec: {
    name: 'network connect', usage: '[OPTIONS] NETWORK CONTAINER', desc: 'Connect a container to a network', minArgs: 2, maxArgs: 2,
    flags: [
      { name: 'alias', type: 'list', desc: 'Add network-scoped alias for the container' },
      { name: 'ip', type: 'string', desc: 'IPv4 address (e.g., "172.30.100.104")' },
      { name: 'ip6', type: 'string', desc: 'IPv6 address (e.g., "2001:db8::33")' },
      { name: 'link', type: 'list', desc: 'Add link to another container' },
      { name: 'driver-opt', type: 'list', desc: 'driver options for the network' }, help,
    ],
  },
  async run(cli, p) {
    const [net, container] = p.args as [string, string];
    await cli.client.call('POST', `/networks/${encodeURIComponent(net)}/connect`, { body: {
      Container: container,
      EndpointConfig: { IPAMConfig: { IPv4Address: str(p, 'ip'), IPv6Address: str(p, 'ip6') }, Links: list(p, 'link'), Aliases: list(p, 'alias'), DriverOpts: kv(list(p, 'driver-opt'), 'driver-opt') },
    } });
    return 0;
  },
};

export const networkDisconnect: Command = {
  spec: {
    name: 'network disconnect', usage: '[OPTIONS] NETWORK CONTAINER', desc: 'Disconnect a container from a network', minArgs: 2, maxArgs: 2,
    flags: [{ name: 'force', short: 'f', type: 'bool', desc: 'Force the container to disconnect from a network' }, help],
  },
  async run(cli, p) {
    const [net, container] = p.args as [string, string];
    await cli.client.call('POST', `/networks/${encodeURIComponent(net)}/disconnect`, { body: { Container: container, Force: bool(p, 'force') } });
    return 0;
  },
};
