// Engine-side network orchestration: create/remove/prune/connect/disconnect with Docker's rules and events,
// and the container half of networking (what a create request may ask for, what a start attaches to).
// The network service below owns kernel objects and addresses; the container records stay with the engine.
import { conflict, forbidden, internal, invalid, isEngineError, notFound } from '../lib/errors.js';
import { fromDockerPortBindings } from '../network/ports.js';
import type { EndpointRequest, LegacyLink, NetworkCreateRequest, NetworkService, NetworkSummary, PortBinding } from '../network/types.js';
import type { EventBus } from './events.js';
import type { ContainerRecord, HostConfig } from './containers/model.js';
import { isActive } from './containers/model.js';
import type { ContainerService } from './containers/service.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v as Obj : {});
const strMap = (v: unknown, what: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) {
    if (typeof x !== 'string') throw invalid(`json: cannot unmarshal ${typeof x} into Go value of type string (${what}.${k})`);
    out[k] = x;
  }
  return out;
};

/** Docker's POST /networks/create body → the service's request. */
export function parseNetworkCreate(body: unknown): NetworkCreateRequest {
  const b = obj(body);
  if (typeof b.Name !== 'string') throw invalid('network name must be a string');
  if (b.Ingress === true) throw forbidden('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
  const ipam = obj(b.IPAM);
  const cfg = Array.isArray(ipam.Config) ? ipam.Config as unknown[] : [];
  return {
    name: b.Name,
    driver: typeof b.Driver === 'string' ? b.Driver : 'bridge',
    internal: b.Internal === true,
    attachable: b.Attachable === true,
    enableIPv6: b.EnableIPv6 === true,
    ipamDriver: typeof ipam.Driver === 'string' ? ipam.Driver : 'default',
    ipamOptions: strMap(ipam.Options, 'IPAM.Options'),
    ipamConfig: cfg.map((c) => {
      const o = obj(c);
      return {
        subnet: (o.Subnet as string) || undefined, ipRange: (o.IPRange as string) || undefined, gateway: (o.Gateway as string) || undefined,
        auxAddresses: strMap(o.AuxiliaryAddresses ?? o.AuxAddress, 'IPAM.Config.AuxiliaryAddresses'),
      };
    }),
    options: strMap(b.Options, 'Options'),
    labels: strMap(b.Labels, 'Labels'),
    configOnly: b.ConfigOnly === true,
    configFrom: (obj(b.ConfigFrom).Network as string) || undefined,
  };
}

/** An EndpointsConfig entry → the service's endpoint request. */
export function endpointRequest(network: string, cfg: unknown): EndpointRequest {
  const c = obj(cfg);
  const ipam = obj(c.IPAMConfig);
  const aliases = Array.isArray(c.Aliases) ? (c.Aliases as unknown[]).map(String).filter(Boolean) : [];
  const links = Array.isArray(c.Links) ? (c.Links as unknown[]).map(String) : [];
  return {
    network,
    ipv4Address: (ipam.IPv4Address as string) || undefined,
    ipv6Address: (ipam.IPv6Address as string) || undefined,
    aliases: aliases.length ? aliases : undefined,
    links: links.length ? links : undefined,
    macAddress: (c.MacAddress as string) || undefined,
  };
}

const SPECIAL = (mode: string) => mode === 'host' || mode === 'none' || mode.startsWith('container:');
const DEFAULT_BRIDGE = (mode: string) => mode === '' || mode === 'default' || mode === 'bridge';

/**
 * Create-time checks of NetworkMode, NetworkingConfig and PortBindings (no state changes): the network exists,
 * --ip and aliases fit it, ports parse. Normalises EndpointsConfig's "default" key and makes sure the
 * NetworkMode network has an entry, as dockerd does.
 */
export function validateContainerNetworking(hostConfig: HostConfig, networkingConfig: Obj, network: NetworkService, mac?: string): void {
  const mode = hostConfig.NetworkMode;
  const eps = obj(networkingConfig.EndpointsConfig);
  if (eps.default !== undefined) { if (eps.bridge === undefined) eps.bridge = eps.default; delete eps.default; }
  if (SPECIAL(mode)) {
    for (const k of Object.keys(eps)) {
      if (k === mode || k === 'bridge' || k === 'host' || k === 'none') { delete eps[k]; continue; }
      throw invalid('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    const pb = obj(hostConfig.PortBindings);
    if (mode.startsWith('container:') && Object.values(pb).some((v) => Array.isArray(v) && v.length)) {
      throw invalid('conflicting options: port publishing and the container type network mode');
    }
  } else {
    // A missing network is reported at start, as dockerd does (a 404 at create would make the CLI try a pull).
    const check = (ep: EndpointRequest) => {
      try { network.checkEndpoint(ep, mode); } catch (e) { if (!isEngineError(e, 'not-found')) throw e; }
    };
    check({ ...endpointRequest(mode, eps[mode]), macAddress: eps[mode] ? undefined : mac });
    if (eps[mode] === undefined) eps[mode] = {};
    for (const [name, cfg] of Object.entries(eps)) if (name !== mode) check(endpointRequest(name, cfg));
  }
  networkingConfig.EndpointsConfig = eps;
  fromDockerPortBindings(hostConfig.PortBindings as Parameters<typeof fromDockerPortBindings>[0]);
}

/** What start passes to the network service for a container: its networks, ports and legacy links. */
export function attachFields(c: ContainerRecord, findContainer: (ref: string) => ContainerRecord | undefined): {
  mode: string; networks?: EndpointRequest[]; portBindings?: PortBinding[]; links?: LegacyLink[];
} {
  const mode = c.hostConfig.NetworkMode;
  if (SPECIAL(mode)) return { mode };
  const eps = obj(c.networkingConfig?.EndpointsConfig);
  const names = Object.keys(eps);
  const ordered = names.includes(mode) ? [mode, ...names.filter((n) => n !== mode)] : names.length ? names : [mode];
  const networks = ordered.map((n) => endpointRequest(n, eps[n]));
  if (networks[0] && c.config.MacAddress && !networks[0].macAddress) networks[0].macAddress = c.config.MacAddress;
  const portBindings = fromDockerPortBindings(c.hostConfig.PortBindings as Parameters<typeof fromDockerPortBindings>[0]);
  if (c.hostConfig.PublishAllPorts) {
    const bound = new Set(portBindings.map((p) => `${p.containerPort}/${p.protocol}`));
    for (const key of Object.keys(c.config.ExposedPorts ?? {})) {
      const [port, proto = 'tcp'] = key.split('/');
      if (!bound.has(`${port}/${proto}`)) portBindings.push({ containerPort: Number(port), protocol: proto as PortBinding['protocol'], hostIp: '', hostPort: '' });
    }
  }
  const links: LegacyLink[] = [];
  for (const l of (c.hostConfig.Links as string[] | null | undefined) ?? []) {
    const [target, aliasRaw] = l.split(':') as [string, string | undefined];
    const other = findContainer(target.replace(/^\//, ''));
    if (!other) continue;
    const alias = (aliasRaw ?? target).split('/').pop()!;
    // On the default bridge a link is an address copied into /etc/hosts and the env: dockerd refuses to start
    // with nothing to copy. (On user-defined networks a link is only a DNS alias and needs no running target.)
    if (DEFAULT_BRIDGE(mode) && !isActive(other)) throw internal(`Cannot link to a non running container: ${other.name} AS ${c.name}/${alias}`);
    links.push({ containerId: other.id, name: other.name.slice(1), alias });
  }
  return { mode, networks, portBindings: portBindings.length ? portBindings : undefined, links: links.length ? links : undefined };
}

export class NetworkEngine {
  constructor(private readonly network: NetworkService, private readonly containers: ContainerService, private readonly events: EventBus) {}

  private event(action: string, n: NetworkSummary, extra: Record<string, string> = {}): void {
    this.events.publish('network', action, n.id, { name: n.name, type: n.driver, ...extra });
  }

  list(filters: Record<string, string[]>): NetworkSummary[] {
    for (const k of Object.keys(filters)) if (!['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'].includes(k)) throw invalid(`invalid filter '${k}'`);
    for (const t of filters.type ?? []) if (t !== 'custom' && t !== 'builtin') throw invalid(`invalid filter: 'type'='${t}'`);
    return this.network.list().filter((n) => matches(n, filters));
  }

  async create(body: unknown): Promise<{ Id: string; Warning: string }> {
    const req = parseNetworkCreate(body);
    const n = await this.network.createNetwork(req);
    this.event('create', n);
    return { Id: n.id, Warning: '' };
  }

  async remove(ref: string): Promise<void> {
    const n = this.network.get(ref);
    await this.network.removeNetwork(n.id);
    this.event('destroy', n);
  }

  async prune(filters: Record<string, string[]>, parseUntil: (v: string) => number): Promise<string[]> {
    for (const k of Object.keys(filters)) if (!['until', 'label', 'label!'].includes(k)) throw invalid(`invalid filter '${k}'`);
    const until = filters.until?.[0] ? parseUntil(filters.until[0]) : Infinity;
    const deleted: string[] = [];
    const inUse = this.namesInUse();
    for (const n of this.network.list()) {
      if (n.predefined || Object.keys(n.containers).length || inUse.has(n.name) || inUse.has(n.id)) continue;
      if (Date.parse(n.created) / 1000 >= until) continue;
      if (!matchLabels(n.labels, filters.label ?? [], filters['label!'] ?? [])) continue;
      try {
        await this.remove(n.id);
        deleted.push(n.name);
      } catch { /* in use meanwhile: pruning skips it */ }
    }
    return deleted;
  }

  /** Networks named by containers that are not running (they would attach at start). */
  private namesInUse(): Set<string> {
    const out = new Set<string>();
    for (const c of this.containers.list()) {
      out.add(c.hostConfig.NetworkMode);
      for (const k of Object.keys(obj(c.networkingConfig?.EndpointsConfig))) out.add(k);
    }
    return out;
  }

  async connect(ref: string, body: unknown): Promise<void> {
    const b = obj(body);
    if (typeof b.Container !== 'string' || !b.Container) throw invalid('container name or ID must be given');
    const n = this.network.get(ref);
    const c = this.containers.get(b.Container);
    const ep = endpointRequest(n.name, b.EndpointConfig);
    const mode = c.hostConfig.NetworkMode;
    if (mode === 'host' || n.driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
    if (mode === 'none' || n.driver === 'null') throw forbidden('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    if (mode.startsWith('container:')) throw forbidden('conflicting options: container type network can\'t be used with multiple networks');
    const eps = obj(c.networkingConfig?.EndpointsConfig);
    const running = isActive(c) && !!this.network.sandbox(c.id);
    if (running) {
      c.sandbox = await this.network.connect(c.id, ep, { containerName: c.name.slice(1), hostname: c.config.Hostname });
    } else {
      this.network.checkEndpoint(ep, mode);
      if (eps[n.name] !== undefined || eps[n.id] !== undefined) throw forbidden(`endpoint with name ${c.name.slice(1)} already exists in network ${n.name}`);
    }
    eps[n.name] = b.EndpointConfig ?? {};
    c.networkingConfig = { ...c.networkingConfig, EndpointsConfig: eps };
    await this.containers.store.save(c);
    this.event('connect', n, { container: c.id });
  }

  async disconnect(ref: string, body: unknown): Promise<void> {
    const b = obj(body);
    if (typeof b.Container !== 'string' || !b.Container) throw invalid('container name or ID must be given');
    const n = this.network.get(ref);
    const force = b.Force === true;
    const c = this.containers.store.find(b.Container);
    if (!c) {
      if (force && n.containers[b.Container]) return; // a leftover endpoint: nothing of ours to clean here
      throw notFound(`No such container: ${b.Container}`);
    }
    if (c.hostConfig.NetworkMode === 'host' || n.driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
    const eps = obj(c.networkingConfig?.EndpointsConfig);
    const key = eps[n.name] !== undefined ? n.name : eps[n.id] !== undefined ? n.id : n.name === 'bridge' && eps.default !== undefined ? 'default' : undefined;
    const running = isActive(c) && !!this.network.sandbox(c.id);
    if (running) {
      c.sandbox = await this.network.disconnect(c.id, n.id, force);
    } else if (key === undefined && !(c.hostConfig.NetworkMode === n.name && Object.keys(eps).length === 0)) {
      throw forbidden(`container ${c.id} is not connected to network ${n.name}`);
    }
    if (key !== undefined) delete eps[key];
    c.networkingConfig = { ...c.networkingConfig, EndpointsConfig: eps };
    await this.containers.store.save(c);
    this.event('disconnect', n, { container: c.id });
  }

  /** Called when a container is removed: nothing to do for endpoints (detach did it); kept for symmetry. */
  checkRemovable(c: ContainerRecord): void {
    if (c.state.status === 'removing') throw conflict(`container ${c.id} is being removed`);
  }
}

function matchLabels(labels: Record<string, string>, want: string[], notWant: string[]): boolean {
  const m = (l: string) => { const i = l.indexOf('='); return i < 0 ? l in labels : labels[l.slice(0, i)] === l.slice(i + 1); };
  return want.every(m) && !notWant.some(m);
}

function matches(n: NetworkSummary, f: Record<string, string[]>): boolean {
  const any = (k: string, pred: (v: string) => boolean) => !f[k]?.length || f[k].some(pred);
  if (!any('name', (v) => n.name.includes(v))) return false;
  if (!any('id', (v) => n.id.startsWith(v))) return false;
  if (!any('driver', (v) => n.driver === v)) return false;
  if (!any('scope', (v) => v === 'local')) return false;
  if (!any('type', (v) => (v === 'builtin') === n.predefined)) return false;
  if (f.label?.length && !matchLabels(n.labels, f.label, [])) return false;
  if (!any('dangling', (v) => (['true', '1'].includes(v)) === (!n.predefined && Object.keys(n.containers).length === 0))) return false;
  return true;
}

/** Docker's `network connect`/`disconnect` events when a container's sandbox joins or leaves its networks. */
export function publishEndpointEvents(events: EventBus, network: NetworkService, action: 'connect' | 'disconnect', containerId: string, endpoints: Array<{ networkId: string; networkName: string }>): void {
  for (const e of endpoints) {
    if (!e.networkId) continue;
    let type = 'bridge';
    try { type = network.get(e.networkId).driver; } catch { /* removed meanwhile */ }
    events.publish('network', action, e.networkId, { container: containerId, name: e.networkName, type });
  }
}
