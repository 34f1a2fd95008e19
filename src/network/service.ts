// The network service: sandboxes per container in the modes of this issue (default bridge, host, none,
// container:<id>), on top of the default bridge, the firewall and the on-disk records.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DaemonConfig } from '../engine/config.js';
import { errorMessage, invalid, notFound, unavailable } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { isOurVethName, createLoopbackNetns, createVethInNetns, removeBridge, vethNameFor } from './bridge-link.js';
import { macFromIp4, formatIp4 } from './cidr.js';
import { DefaultBridge, resolveBridgePlan } from './default-bridge.js';
import { buildHostname, buildHosts, buildResolvConf, parseExtraHosts } from './etc-files.js';
import { noFirewall, type Firewall, type FirewallState } from './firewall.js';
import { defaultTools, deleteLink, ipJson, type HostIp, type IpTools, type LinkEntry } from './ip-cmd.js';
import { IpSession } from './ip-session.js';
import { createNftFirewall } from './nft-firewall.js';
import { listNetns, netnsPathFor, prepareNetnsDir, removeNetns } from './netns.js';
import { NetworkStore, type EndpointRecord, type NetworkRecord, type SandboxMode } from './store.js';
import { enableIpv4Forwarding } from './sysctl.js';
import type { EndpointSettings, NetworkAttachRequest, NetworkService, NetworkSummary, SandboxInfo } from './types.js';
import { settleAll, UndoList } from './undo.js';
import { summarize } from './summary.js';
import { PortAllocator } from './ports.js';
import { ephemeralPortRange, portInUse } from './port-probe.js';
import { enableRouteLocalnet } from './sysctl.js';

export interface NetworkServiceOptions {
  config: DaemonConfig;
  logger: Logger;
  /** Overrides for tests: binaries, the firewall implementation, host files. */
  tools?: Partial<IpTools>;
  firewall?: Firewall;
  hostResolvConf?: string;
  hostHosts?: string;
}

const BUILTIN = ['bridge', 'host', 'none'] as const;

export function parseMode(mode: string): { kind: SandboxMode; target?: string } {
  if (mode === '' || mode === 'default' || mode === 'bridge') return { kind: 'bridge' };
  if (mode === 'host' || mode === 'none') return { kind: mode };
  if (mode.startsWith('container:')) {
    const target = mode.slice('container:'.length);
    if (!target) throw invalid('invalid network mode: container: needs a container name or ID');
    return { kind: 'container', target };
  }
  throw notFound(`network ${mode} not found`);
}

class Service implements NetworkService {
  private readonly tools: IpTools;
  private readonly firewall: Firewall;
  private readonly store: NetworkStore;
  private readonly netnsDir: string;
  private readonly records = new Map<string, EndpointRecord>();
  /** Operations per container run one after another (attach/detach/adopt of the same ID never interleave). */
  private readonly chains = new Map<string, Promise<unknown>>();
  private networks: NetworkRecord[] = [];
  private bridge: DefaultBridge | undefined;
  private ports = new PortAllocator();
  private readonly session: IpSession;
  private readonly hostIp: HostIp;

  constructor(private readonly opts: NetworkServiceOptions) {
    const c = opts.config;
    this.tools = { ...defaultTools, ...opts.tools };
    this.session = new IpSession(this.tools.ip);
    this.hostIp = (lines) => this.session.run(lines);
    this.firewall = opts.firewall ?? (c.iptables ? createNftFirewall(c.firewallTable) : noFirewall);
    this.store = new NetworkStore(join(c.dataRoot, 'network'));
    this.netnsDir = join(c.execRoot, 'netns');
  }

  private get log() { return this.opts.logger; }

  private serial<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(containerId) ?? Promise.resolve();
    const p = prev.then(fn, fn);
    const tail = p.catch(() => undefined);
    this.chains.set(containerId, tail);
    void tail.then(() => { if (this.chains.get(containerId) === tail) this.chains.delete(containerId); });
    return p;
  }

  private firewallState(): FirewallState {
    const b = this.bridge!;
    const ports: NonNullable<FirewallState['bridges'][number]['ports']> = [];
    for (const r of this.records.values()) {
      if (r.mode !== 'bridge' || !r.endpoint) continue;
      for (const m of r.sandbox.ports ?? []) ports.push({ ...m, containerIp: r.endpoint.ipAddress });
    }
    return { bridges: [{ device: b.device, subnet: b.subnet, masquerade: this.opts.config.ipMasq, ports }] };
  }

  async init(liveContainerIds?: ReadonlySet<string>): Promise<void> {
    const c = this.opts.config;
    await prepareNetnsDir(this.tools, this.netnsDir);
    const saved = await this.store.loadNetworks();
    const savedBridge = saved?.networks.find((n) => n.name === 'bridge');
    const plan = await resolveBridgePlan(this.tools, c, savedBridge, this.log);
    const bridge = new DefaultBridge(c.bridge, plan, c.mtu);
    await bridge.ensure(this.tools);
    this.bridge = bridge;

    if (c.ipForward) {
      try {
        if (await enableIpv4Forwarding()) this.log.info('enabled IPv4 forwarding');
      } catch (e) {
        this.log.warn('could not enable IPv4 forwarding; containers may not reach other networks', { error: errorMessage(e) });
      }
    }
    if (c.iptables) {
      try {
        await enableRouteLocalnet(c.bridge);
      } catch (e) {
        this.log.warn('could not enable route_localnet on the bridge; 127.0.0.1 will not reach published ports', { error: errorMessage(e) });
      }
    }

    const now = new Date().toISOString();
    this.networks = BUILTIN.map((name) => {
      const prev = saved?.networks.find((n) => n.name === name);
      const rec: NetworkRecord = { id: prev?.id ?? newId(), name, driver: name === 'bridge' ? 'bridge' : name === 'host' ? 'host' : 'null', created: prev?.created ?? now };
      if (name === 'bridge') { rec.subnet = bridge.subnet; rec.gateway = bridge.gateway; }
      return rec;
    });
    await this.store.saveNetworks({ networks: this.networks });
    this.ports = new PortAllocator(await ephemeralPortRange());
    await this.reconcile(liveContainerIds);
    // After reconcile, so the rewritten table already carries the published ports of live containers.
    await this.firewall.apply(this.firewallState());
  }

  /** Brings kernel and records in line: keeps live sandboxes, removes the rest and anything unexplained. */
  private async reconcile(live: ReadonlySet<string> | undefined): Promise<void> {
    this.records.clear();
    const allocator = this.bridge!.allocator;
    for (const rec of await this.store.loadEndpoints()) {
      if (live && !live.has(rec.containerId)) {
        await this.teardown(rec).catch((e) => this.log.warn('could not remove stale sandbox', { containerId: rec.containerId, error: errorMessage(e) }));
        continue;
      }
      try {
        if (rec.mode === 'bridge' && rec.endpoint) allocator.claim(rec.endpoint.ipAddress, rec.containerId);
        if (rec.sandbox.ports) this.ports.claim(rec.containerId, rec.sandbox.ports);
        if (rec.endpoint && rec.endpoint.networkName === 'bridge') rec.endpoint.networkId = this.networkId('bridge');
        this.records.set(rec.containerId, rec);
      } catch (e) {
        // The bridge moved to another subnet (e.g. --bip changed): the old address cannot be kept.
        this.log.warn('recorded address does not fit the bridge any more', { containerId: rec.containerId, error: errorMessage(e) });
        this.records.set(rec.containerId, rec);
      }
    }
    // A live container keeps whatever carries its name even when its record was lost: adopt() will follow.
    const liveIds = [...(live ?? [])];
    const keptNetns = new Set([...this.records.values()].map((r) => r.netnsPath).filter(Boolean));
    for (const id of liveIds) keptNetns.add(netnsPathFor(this.netnsDir, id));
    for (const name of await listNetns(this.netnsDir)) {
      const path = netnsPathFor(this.netnsDir, name);
      if (!keptNetns.has(path)) await removeNetns(this.tools, path).catch((e) => this.log.warn('could not remove stale namespace', { path, error: errorMessage(e) }));
    }
    const keptVeths = new Set([...this.records.values()].map((r) => r.vethHost).filter(Boolean));
    for (const id of liveIds) keptVeths.add(vethNameFor(this.bridge!.device, id));
    const ports = await ipJson<LinkEntry[]>(this.tools, ['link', 'show', 'master', this.bridge!.device]).catch(() => [] as LinkEntry[]);
    for (const p of ports) {
      if (isOurVethName(p.ifname) && !keptVeths.has(p.ifname)) {
        await deleteLink(this.hostIp, p.ifname).catch((e) => this.log.warn('could not remove stale veth', { veth: p.ifname, error: errorMessage(e) }));
      }
    }
  }

  private networkId(name: string): string {
    return this.networks.find((n) => n.name === name)?.id ?? '';
  }

  private requireInit(): DefaultBridge {
    if (!this.bridge) throw unavailable('network service is not initialised');
    return this.bridge;
  }

  attach(req: NetworkAttachRequest): Promise<SandboxInfo> {
    const bridge = this.requireInit();
    return this.serial(req.containerId, async () => {
      if (this.records.has(req.containerId)) throw invalid(`container ${req.containerId} already has a network sandbox`);
      const mode = parseMode(req.mode);
      if (mode.kind === 'container') {
        // Sharing adopts the other container's namespace and files as they are; nothing of ours to create.
        if (!req.sharedWith) throw invalid(`cannot join network of container ${mode.target}: its sandbox is unknown`);
        this.records.set(req.containerId, { containerId: req.containerId, containerName: req.containerName, mode: 'container', sandbox: req.sharedWith });
        return req.sharedWith;
      }
      const undo = new UndoList();
      try {
        const rec = await this.createSandbox(req, mode.kind, bridge, undo);
        this.records.set(req.containerId, rec);
        undo.push(() => { this.records.delete(req.containerId); });
        if (rec.sandbox.ports?.length) {
          // On failure the table is rewritten without this container (the records entry is gone by then).
          undo.push(() => this.firewall.apply(this.firewallState()));
          await this.firewall.apply(this.firewallState());
        }
        return rec.sandbox;
      } catch (e) {
        await undo.run(this.log, { containerId: req.containerId });
        throw e;
      }
    });
  }

  private async createSandbox(req: NetworkAttachRequest, kind: 'bridge' | 'host' | 'none', bridge: DefaultBridge, undo: UndoList): Promise<EndpointRecord> {
    const files = {
      resolvConfPath: join(req.containerDir, 'resolv.conf'),
      hostsPath: join(req.containerDir, 'hosts'),
      hostnamePath: join(req.containerDir, 'hostname'),
    };
    const extraHosts = parseExtraHosts(req.extraHosts ?? [], bridge.gateway);
    if (req.macAddress && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(req.macAddress)) throw invalid(`invalid MAC address: ${req.macAddress}`);
    const rec: EndpointRecord = {
      containerId: req.containerId,
      containerName: req.containerName,
      mode: kind,
      sandbox: { netnsPath: 'host', endpoints: [], ...files },
    };
    const steps: Array<Promise<unknown>> = [];
    let ip: string | undefined;

    if (kind === 'host') {
      rec.endpoint = this.emptyEndpoint('host');
    } else {
      const netnsPath = netnsPathFor(this.netnsDir, req.containerId);
      rec.netnsPath = netnsPath;
      rec.sandbox.netnsPath = netnsPath;
      if (kind === 'none') {
        rec.endpoint = this.emptyEndpoint('none');
        steps.push(createLoopbackNetns(this.tools, netnsPath, (fn) => undo.push(fn)));
      } else {
        if (req.portBindings?.length) {
          const mappings = await this.ports.allocate(req.containerId, req.portBindings, portInUse);
          undo.push(() => this.ports.release(mappings));
          rec.sandbox.ports = mappings;
        }
        const addr = bridge.allocator.allocate(req.containerId);
        undo.push(() => bridge.allocator.release(addr));
        ip = formatIp4(addr);
        const mac = (req.macAddress ?? macFromIp4(addr)).toLowerCase();
        rec.vethHost = vethNameFor(bridge.device, req.containerId);
        rec.endpoint = {
          networkName: 'bridge', networkId: this.networkId('bridge'), endpointId: newId(),
          ipAddress: ip, ipPrefixLen: bridge.prefixLen, gateway: bridge.gateway, macAddress: mac,
        };
        steps.push(createVethInNetns(this.tools, this.hostIp, {
          netnsPath, vethHost: rec.vethHost, bridge: bridge.device, ip: addr, prefixLen: bridge.prefixLen,
          gateway: bridge.plan.gateway, mac, mtu: this.opts.config.mtu, hairpin: !!rec.sandbox.ports?.length,
        }, (fn) => undo.push(fn)));
      }
    }
    rec.sandbox.endpoints = [rec.endpoint];

    // The record and the files do not depend on the links: write them while the namespace is being built.
    undo.push(() => this.store.removeEndpoint(req.containerId));
    undo.push(() => Promise.all(Object.values(files).map((f) => fs.rm(f, { force: true }))).then(() => undefined));
    steps.push(this.store.saveEndpoint(rec));
    steps.push(this.writeFiles(req, kind, files, ip, extraHosts));
    await settleAll(steps);
    return rec;
  }

  private emptyEndpoint(name: string): EndpointSettings {
    return { networkName: name, networkId: this.networkId(name), endpointId: newId(), ipAddress: '', ipPrefixLen: 0, gateway: '', macAddress: '' };
  }

  private async readHostFile(path: string, override: string | undefined): Promise<string> {
    if (override !== undefined) return override;
    try {
      return await fs.readFile(path, 'utf8');
    } catch {
      return '';
    }
  }

  private async writeFiles(
    req: NetworkAttachRequest, kind: 'bridge' | 'host' | 'none',
    files: { resolvConfPath: string; hostsPath: string; hostnamePath: string }, ip: string | undefined,
    extraHosts: Array<[string, string]>,
  ): Promise<void> {
    const c = this.opts.config;
    const [hostResolv, hostHosts] = await Promise.all([
      this.readHostFile('/etc/resolv.conf', this.opts.hostResolvConf),
      kind === 'host' ? this.readHostFile('/etc/hosts', this.opts.hostHosts) : Promise.resolve(undefined),
    ]);
    const pick = (a: string[] | undefined, b: string[]) => (a && a.length > 0 ? a : b);
    const resolv = buildResolvConf({
      hostContent: hostResolv, sourcePath: '/etc/resolv.conf', keepLoopback: kind === 'host',
      dns: pick(req.dns, c.dns), dnsSearch: pick(req.dnsSearch, c.dnsSearch), dnsOptions: pick(req.dnsOptions, c.dnsOptions),
    });
    const hosts = buildHosts({ ip, hostname: req.hostname, domainname: req.domainname, extraHosts, baseContent: hostHosts });
    await fs.mkdir(req.containerDir, { recursive: true });
    // Written in place, not renamed: the engine bind-mounts these paths, and a rename would detach the mount.
    await Promise.all([
      fs.writeFile(files.resolvConfPath, resolv, { mode: 0o644 }),
      fs.writeFile(files.hostsPath, hosts, { mode: 0o644 }),
      fs.writeFile(files.hostnamePath, buildHostname(req.hostname), { mode: 0o644 }),
    ]);
  }

  detach(containerId: string): Promise<void> {
    return this.serial(containerId, async () => {
      const rec = this.records.get(containerId);
      if (rec) {
        await this.teardown(rec);
        this.records.delete(containerId);
        if (rec.mode === 'bridge' && rec.sandbox.ports?.length) {
          this.ports.release(rec.sandbox.ports);
          await this.firewall.apply(this.firewallState());
        }
        return;
      }
      // No record (never attached, already detached, or a crash before the record was written): remove what
      // would carry this container's name, if anything does. Cheap when there is nothing: no process spawned.
      await settleAll([
        removeNetns(this.tools, netnsPathFor(this.netnsDir, containerId)),
        this.bridge ? deleteLink(this.hostIp, vethNameFor(this.bridge.device, containerId)) : Promise.resolve(),
        this.store.removeEndpoint(containerId),
      ]);
    });
  }

  private async teardown(rec: EndpointRecord): Promise<void> {
    if (rec.mode !== 'container') {
      await settleAll([
        rec.vethHost ? deleteLink(this.hostIp, rec.vethHost) : Promise.resolve(),
        rec.netnsPath ? removeNetns(this.tools, rec.netnsPath) : Promise.resolve(),
      ]);
      if (rec.mode === 'bridge' && rec.endpoint?.ipAddress && this.bridge?.allocator.owner(rec.endpoint.ipAddress) === rec.containerId) {
        this.bridge.allocator.release(rec.endpoint.ipAddress);
      }
    }
    await this.store.removeEndpoint(rec.containerId);
  }

  adopt(containerId: string, sandbox: SandboxInfo): Promise<void> {
    const bridge = this.requireInit();
    return this.serial(containerId, async () => {
      if (this.records.has(containerId)) return;
      // The record was lost (or the engine knows more than we do): rebuild it from the sandbox it holds.
      const ep = sandbox.endpoints[0];
      const mode: SandboxMode = sandbox.netnsPath === 'host' ? 'host'
        : ep?.networkName === 'bridge' ? 'bridge'
          : ep?.networkName === 'none' ? 'none' : 'container';
      const rec: EndpointRecord = { containerId, containerName: '', mode, sandbox, endpoint: ep };
      if (mode === 'bridge' || mode === 'none') rec.netnsPath = sandbox.netnsPath;
      if (mode === 'bridge' && ep) {
        bridge.allocator.claim(ep.ipAddress, containerId);
        rec.vethHost = vethNameFor(bridge.device, containerId);
        if (sandbox.ports) this.ports.claim(containerId, sandbox.ports);
      }
      if (mode !== 'container') await this.store.saveEndpoint(rec);
      this.records.set(containerId, rec);
      if (sandbox.ports?.length) await this.firewall.apply(this.firewallState());
    });
  }

  list(): NetworkSummary[] {
    return this.networks.map((n) => this.summary(n));
  }

  get(idOrName: string): NetworkSummary {
    const byName = this.networks.find((n) => n.name === idOrName);
    const byId = this.networks.find((n) => n.id === idOrName);
    const byPrefix = idOrName ? this.networks.filter((n) => n.id.startsWith(idOrName)) : [];
    const found = byName ?? byId ?? (byPrefix.length === 1 ? byPrefix[0] : undefined);
    if (!found) throw notFound(`network ${idOrName} not found`);
    return this.summary(found);
  }

  private summary(n: NetworkRecord): NetworkSummary {
    return summarize(n, [...this.records.values()], this.opts.config);
  }

  async shutdown(): Promise<void> {
    for (const rec of [...this.records.values()]) {
      await this.detach(rec.containerId).catch((e) => this.log.warn('could not remove sandbox at shutdown', { containerId: rec.containerId, error: errorMessage(e) }));
    }
    await this.firewall.remove();
    await removeBridge(this.hostIp, this.opts.config.bridge);
    this.bridge = undefined;
    this.session.close();
  }
}

export function createService(opts: NetworkServiceOptions): NetworkService {
  return new Service(opts);
}
