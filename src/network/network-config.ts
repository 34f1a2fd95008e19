// Validates `network create` and turns it into the record the service keeps. Pure: the caller passes the
// networks that exist and the host routes, so every rule (Docker's wording included) is unit-tested.
import { randomBytes } from 'node:crypto';
import { conflict, forbidden, invalid, notFound } from '../lib/errors.js';
import { contains, formatCidr4, formatIp4, overlaps, parseCidr4, parseIp4, within, type Cidr4 } from './cidr.js';
import { contains6, formatCidr6, formatIp6, overlaps6, parseCidr6, parseIp6 } from './cidr6.js';
import { pickSubnet, type AddressPool } from './ipam.js';
import type { NetworkRecord } from './store.js';
import type { NetworkCreateRequest } from './types.js';

export const OPT = {
  bridgeName: 'com.docker.network.bridge.name',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  icc: 'com.docker.network.bridge.enable_icc',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
  mtu: 'com.docker.network.driver.mtu',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  containerIface: 'com.docker.network.container_iface_prefix',
} as const;

const BRIDGE_OPTIONS = new Set<string>([OPT.bridgeName, OPT.masquerade, OPT.icc, OPT.hostBinding, OPT.mtu, OPT.containerIface,
  'com.docker.network.bridge.inhibit_ipv4', 'com.docker.network.enable_ipv6']);
const MACVLAN_OPTIONS = new Set(['parent', 'macvlan_mode', OPT.mtu]);
const IPVLAN_OPTIONS = new Set(['parent', 'ipvlan_mode', 'ipvlan_flag', OPT.mtu]);

/** What the kernel offers; probed once by the service (this host lacks ipvlan, vlan and dummy links). */
export interface KernelLinks { ipvlan: boolean; vlan: boolean; dummy: boolean; macvlan: boolean }

export interface CreateContext {
  existing: NetworkRecord[];
  /** Routes of the host (our own bridges excluded by the caller when they belong to a network in `existing`). */
  hostRoutes: Cidr4[];
  pools: AddressPool[];
  kernel: KernelLinks;
  /** Whether a link of this name exists on the host (macvlan parent, bridge name clashes). */
  linkExists: (name: string) => boolean;
  newId: () => string;
  now: string;
}

export function parseBool(key: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  if (/^(1|t|true|yes|on)$/i.test(v)) return true;
  if (/^(0|f|false|no|off)$/i.test(v)) return false;
  throw invalid(`invalid value for ${key}: "${v}" is not a boolean`);
}

const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

export function validateCreate(req: NetworkCreateRequest, ctx: CreateContext): NetworkRecord {
  const name = req.name;
  if (!name) throw invalid('network name must not be empty');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw invalid(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  if (ctx.existing.some((n) => n.name === name)) throw conflict(`network with name ${name} already exists`);
  const driver = req.driver || 'bridge';
  if (driver === 'host' || driver === 'null') throw forbidden(`only one instance of "${driver === 'null' ? 'none' : 'host'}" network is allowed`);
  if (driver === 'overlay') throw forbidden('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
  if (!['bridge', 'macvlan', 'ipvlan'].includes(driver)) throw notFound(`plugin "${driver}" not found`);
  if (req.ipamDriver && req.ipamDriver !== 'default') throw notFound(`plugin "${req.ipamDriver}" not found`);

  const id = ctx.newId();
  const rec: NetworkRecord = {
    id, name, driver, created: ctx.now, internal: req.internal, attachable: req.attachable, enableIPv6: req.enableIPv6,
    labels: { ...req.labels }, options: { ...req.options }, ipamDriver: 'default', ipamOptions: { ...req.ipamOptions },
  };

  if (req.configFrom) {
    const src = ctx.existing.find((n) => n.name === req.configFrom || n.id === req.configFrom);
    if (!src) throw notFound(`network ${req.configFrom} not found`);
    if (!src.configOnly) throw forbidden(`network ${src.name} is not a config-only network`);
    if (req.ipamConfig.length > 0 || Object.keys(req.options).length > 0) {
      throw forbidden('user specified configurations are not supported if the network depends on a configuration network');
    }
    rec.configFrom = src.name;
    rec.options = { ...src.options };
    rec.ipamOptions = { ...src.ipamOptions };
    rec.enableIPv6 = req.enableIPv6 || !!src.enableIPv6;
    const cfg = [] as NetworkCreateRequest['ipamConfig'];
    if (src.subnet) cfg.push({ subnet: src.subnet, gateway: src.gateway, ipRange: src.ipRange, auxAddresses: src.auxAddresses });
    if (src.subnet6) cfg.push({ subnet: src.subnet6, gateway: src.gateway6, ipRange: src.ipRange6 });
    req = { ...req, ipamConfig: cfg, options: rec.options };
  }

  const allowed = driver === 'bridge' ? BRIDGE_OPTIONS : driver === 'macvlan' ? MACVLAN_OPTIONS : IPVLAN_OPTIONS;
  for (const k of Object.keys(req.options)) {
    if (!allowed.has(k)) throw invalid(`unknown option "${k}" for the ${driver} driver (known: ${[...allowed].join(', ')})`);
  }
  if (req.options[OPT.mtu] !== undefined) {
    const mtu = Number(req.options[OPT.mtu]);
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw invalid(`invalid MTU ${req.options[OPT.mtu]}: it must be an integer between 68 and 65535`);
  }
  if (driver === 'bridge') {
    parseBool(OPT.masquerade, req.options[OPT.masquerade], true);
    parseBool(OPT.icc, req.options[OPT.icc], true);
    const hb = req.options[OPT.hostBinding];
    if (hb !== undefined && hb !== '') parseIp4(hb);
  }

  // Address configuration.
  let v4: NetworkCreateRequest['ipamConfig'][number] | undefined;
  let v6: NetworkCreateRequest['ipamConfig'][number] | undefined;
  for (const c of req.ipamConfig) {
    if (!c.subnet) {
      if (c.gateway || c.ipRange || Object.keys(c.auxAddresses ?? {}).length) throw invalid('every ip-range or gateway must have a corresponding subnet');
      continue;
    }
    const isV6 = c.subnet.includes(':');
    if (isV6 ? v6 : v4) {
      // dockerd's bridge driver refuses this too (403, same words); its macvlan/ipvlan would take several.
      if (driver === 'bridge') throw forbidden("bridge driver doesn't support multiple subnets");
      throw invalid(`berth supports one IPv${isV6 ? 6 : 4} subnet per ${driver} network; got more than one`);
    }
    if (isV6) v6 = c; else v4 = c;
  }
  const others = ctx.existing.filter((n) => !n.configFrom || n.configOnly);
  if (v4) {
    let sub: Cidr4;
    try { sub = parseCidr4(v4.subnet!); } catch { throw invalid(`Invalid subnet ${v4.subnet} : invalid CIDR address: ${v4.subnet}`); }
    if (sub.prefixLen > 30 && driver !== 'macvlan') throw invalid(`invalid subnet ${v4.subnet}: the subnet has no room for containers`);
    if (!req.configOnly) {
      const clash = others.find((n) => n.subnet && !n.configOnly && overlaps(parseCidr4(n.subnet), sub));
      if (clash) throw forbidden('invalid pool request: Pool overlaps with other one on this address space');
    }
    rec.subnet = formatCidr4(sub);
    if (v4.ipRange) {
      let r: Cidr4;
      try { r = parseCidr4(v4.ipRange); } catch { throw invalid(`invalid ip-range ${v4.ipRange}: invalid CIDR address: ${v4.ipRange}`); }
      if (!within(r, sub)) throw invalid(`no matching subnet for range ${v4.ipRange}`);
      rec.ipRange = formatCidr4(r);
    }
    if (v4.gateway) {
      let g: number;
      try { g = parseIp4(v4.gateway); } catch { throw invalid(`invalid gateway address ${v4.gateway}`); }
      if (!contains(sub, g)) throw invalid(`no matching subnet for gateway ${v4.gateway}`);
      rec.gateway = formatIp4(g);
    } else {
      rec.gateway = formatIp4(sub.network + 1);
    }
    const aux: Record<string, string> = {};
    for (const [k, a] of Object.entries(v4.auxAddresses ?? {})) {
      let n: number;
      try { n = parseIp4(a); } catch { throw invalid(`invalid auxiliary address ${k}=${a}`); }
      if (!contains(sub, n)) throw invalid(`no matching subnet for aux-address ${a}`);
      aux[k] = a;
    }
    if (Object.keys(aux).length) rec.auxAddresses = aux;
  } else if (!req.configOnly && driver !== 'ipvlan') {
    const inUse = [...ctx.hostRoutes, ...others.filter((n) => n.subnet).map((n) => parseCidr4(n.subnet!))];
    const sub = pickSubnet(ctx.pools, inUse);
    rec.subnet = formatCidr4(sub);
    rec.gateway = formatIp4(sub.network + 1);
  }
  if (v6 && !rec.enableIPv6) rec.enableIPv6 = true;
  if (v6) {
    let sub;
    try { sub = parseCidr6(v6.subnet!); } catch { throw invalid(`Invalid subnet ${v6.subnet} : invalid CIDR address: ${v6.subnet}`); }
    if (sub.prefixLen > 126) throw invalid(`invalid subnet ${v6.subnet}: the subnet has no room for containers`);
    if (!req.configOnly) {
      const clash = others.find((n) => n.subnet6 && !n.configOnly && overlaps6(parseCidr6(n.subnet6), sub));
      if (clash) throw forbidden('invalid pool request: Pool overlaps with other one on this address space');
    }
    rec.subnet6 = formatCidr6(sub);
    if (v6.ipRange) {
      const r = parseCidr6(v6.ipRange);
      if (r.prefixLen < sub.prefixLen || !contains6(sub, r.network)) throw invalid(`no matching subnet for range ${v6.ipRange}`);
      rec.ipRange6 = formatCidr6(r);
    }
    if (v6.gateway) {
      const g = parseIp6(v6.gateway);
      if (!contains6(sub, g)) throw invalid(`no matching subnet for gateway ${v6.gateway}`);
      rec.gateway6 = formatIp6(g);
    } else rec.gateway6 = formatIp6(sub.network + 1n);
  } else if (rec.enableIPv6 && !req.configOnly) {
    // Like Docker's default IPv6 pool: a unique local /64 nobody else uses.
    const sub = parseCidr6(`fd${randomBytes(5).toString('hex').replace(/(.{2})(.{4})(.{4})/, '$1:$2:$3')}::/64`);
    rec.subnet6 = formatCidr6(sub);
    rec.gateway6 = formatIp6(sub.network + 1n);
  }

  if (req.configOnly) {
    rec.configOnly = true;
    return rec;
  }

  if (driver === 'bridge') {
    const dev = req.options[OPT.bridgeName] || `br-${id.slice(0, 12)}`;
    if (!IFNAME.test(dev)) throw invalid(`invalid bridge name ${dev}: at most 15 characters of [A-Za-z0-9_.-]`);
    if (ctx.existing.some((n) => n.device === dev && n.driver === 'bridge')) throw conflict(`bridge name ${dev} is already used by another network`);
    rec.device = dev;
  } else if (driver === 'macvlan') {
    const parent = req.options.parent;
    const mode = req.options.macvlan_mode ?? 'bridge';
    if (!['bridge', 'private', 'vepa', 'passthru'].includes(mode)) throw invalid(`macvlan mode "${mode}" is not valid: use bridge, private, vepa or passthru`);
    if (!parent) {
      if (!ctx.kernel.dummy) throw invalid('macvlan without -o parent needs a dummy parent link, and this kernel lacks dummy link support (CONFIG_DUMMY; "ip link add type dummy": Unknown device type): pass -o parent=<interface>');
    } else if (/^[^.]+\.\d+$/.test(parent) && !ctx.linkExists(parent)) {
      if (!ctx.kernel.vlan) throw invalid(`cannot create the 802.1q VLAN sub-interface ${parent} for macvlan: this kernel lacks 802.1Q VLAN support (CONFIG_VLAN_8021Q; "ip link add type vlan": Unknown device type)`);
    } else if (!ctx.linkExists(parent)) {
      throw invalid(`-o parent interface was not found on the host: ${parent}`);
    }
    if (!ctx.kernel.macvlan) throw invalid('this kernel lacks macvlan support (CONFIG_MACVLAN)');
    if (parent && ctx.existing.some((n) => n.driver === 'macvlan' && n.device === parent && !n.configOnly)) {
      throw forbidden(`network dm-${id.slice(0, 12)} is already using parent interface ${parent}`);
    }
    rec.device = parent;
  } else {
    // ipvlan (l2 and l3): Docker's behaviour needs the kernel's ipvlan driver, which this host lacks.
    const mode = req.options.ipvlan_mode ?? 'l2';
    if (!['l2', 'l3', 'l3s'].includes(mode)) throw invalid(`ipvlan mode "${mode}" is not valid: use l2, l3 or l3s`);
    if (!ctx.kernel.ipvlan) throw invalid('the ipvlan driver needs the kernel\'s ipvlan support, which this kernel lacks (CONFIG_IPVLAN; "ip link add type ipvlan": Unknown device type)');
    const parent = req.options.parent;
    if (parent && /^[^.]+\.\d+$/.test(parent) && !ctx.linkExists(parent) && !ctx.kernel.vlan) {
      throw invalid(`cannot create the 802.1q VLAN sub-interface ${parent} for ipvlan: this kernel lacks 802.1Q VLAN support (CONFIG_VLAN_8021Q)`);
    }
    throw invalid('the ipvlan driver is not available in this build of berth');
  }
  return rec;
}
