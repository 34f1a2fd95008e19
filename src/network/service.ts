// The network service: networks (the default bridge, user-defined bridges, macvlan, host, none), one sandbox per
// container (a namespace with one interface per network, or the host's, or another container's), published
// ports, the firewall table and the embedded DNS. Records on disk let a restarted daemon adopt everything.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DaemonConfig } from '../engine/config.js';
import { conflict, errorMessage, forbidden, invalid, notFound, unavailable } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { which } from '../lib/which.js';
import type { Logger } from '../lib/logger.js';
import { ensureBridge, inspectBridge, isOurVethName, removeBridge, vethNameFor } from './bridge-link.js';
import { contains, formatIp4, isIp4, macFromIp4, parseCidr4, parseIp4 } from './cidr.js';
import { Address6Allocator, contains6, formatIp6, isIp6, parseCidr6, parseIp6 } from './cidr6.js';
import { resolveBridgePlan, routesInUse } from './default-bridge.js';
import { applyDnsRedirect, dnsRedirectSetup, EMBEDDED_DNS_ADDRESS, type DnsRedirect } from './dns-redirect.js';
import { EmbeddedDns, type Asker, type LookupResult } from './dns-server.js';
import { openNsDnsSockets } from './ns-dns.js';
import { buildHostname, buildHosts, buildInternalResolvConf, buildResolvConf, parseExtraHosts, resolvConfServers } from './etc-files.js';
import { noFirewall, type Firewall, type FirewallState } from './firewall.js';
import { defaultTools, deleteLink, ipJson, linkExists, type HostIp, type IpTools, type LinkEntry, type RouteEntry } from './ip-cmd.js';
import { IpSession } from './ip-session.js';
import { AddressAllocator, planSubnet } from './ipam.js';
import { createLink, removeLink, setDefaultRoute } from './links.js';
import { createNftFirewall } from './nft-firewall.js';
import { createNetnsWithBatch, listNetns, netnsPathFor, prepareNetnsDir, removeNetns } from './netns.js';
import { usernsDirOf, usernsPathFor, type UsernsOwner } from './userns-owner.js';
import { OPT, parseBool, validateCreate, type KernelLinks } from './network-config.js';
import { PortAllocator } from './ports.js';
import { ephemeralPortRange, portInUse } from './port-probe.js';
import { lookupName } from './resolver.js';
import { NetworkStore, type EndpointRecord, type NetLink, type NetworkRecord, type SandboxMode } from './store.js';
import { summarize } from './summary.js';
import { enableBridgeNetfilter, enableIpv4Forwarding, enableIpv6Forwarding, enableRouteLocalnet } from './sysctl.js';
import type { EndpointRequest, NetworkAttachRequest, NetworkCreateRequest, NetworkService, NetworkSummary, SandboxInfo } from './types.js';
import { settleAll, UndoList } from './undo.js';
import { probeKernelLinks } from './kernel-probe.js';
import { PortProxies } from './port-proxy.js';

export interface NetworkServiceOptions {
  config: DaemonConfig;
  logger: Logger;
  /** Overrides for tests: binaries, the firewall implementation, host files. */
  tools?: Partial<IpTools>;
  firewall?: Firewall;
  hostResolvConf?: string;
  hostHosts?: string;
  /** Port of the embedded DNS (53; tests may pick another). */
  dnsPort?: number;
}

export function parseMode(mode: string): { kind: SandboxMode; target?: string; network?: string } {
  if (mode === '' || mode === 'default' || mode === 'bridge') return { kind: 'bridge', network: 'bridge' };
  if (mode === 'host' || mode === 'none') return { kind: mode };
  if (mode.startsWith('container:')) {
    const target = mode.slice('container:'.length);
    if (!target) throw invalid('invalid network mode: container: needs a container name or ID');
    return { kind: 'container', target };
  }
  return { kind: 'bridge', network: mode };
}

/** A network and, when it hands out addresses, its allocators. */
interface Net {
  rec: NetworkRecord;
  alloc?: AddressAllocator;
  alloc6?: Address6Allocator;
  /** The embedded DNS answers on this network's gateway. */
  dns?: boolean;
}

const isBridge = (n: Net) => n.rec.driver === 'bridge' && !n.rec.configOnly && !!n.rec.device;
const isUserDefined = (n: Net) => !n.rec.predefined;

class Service implements NetworkService {
  private readonly tools: IpTools;
  private readonly firewall: Firewall;
  private readonly store: NetworkStore;
  private readonly netnsDir: string;
  private readonly records = new Map<string, EndpointRecord>();
  /** Operations per container run one after another (attach/detach/adopt of the same ID never interleave). */
  private readonly chains = new Map<string, Promise<unknown>>();
  private nets: Net[] = [];
  private ports = new PortAllocator();
  private readonly session: IpSession;
  private readonly hostIp: HostIp;
  private readonly dns: EmbeddedDns;
  private readonly proxies: PortProxies;
  private kernel: KernelLinks | undefined;
  private initialised = false;
  /** Network create/remove and endpoint counts change under this lock. */
  private netLock: Promise<unknown> = Promise.resolve();
  private rr = 0;
  /**
   * Containers served on 127.0.0.11:53 sockets inside their own namespace (macvlan only, see ns-dns.ts), each with
   * a token: sockets arriving for an earlier start of the same container are closed, not served.
   */
  private readonly nsDns = new Map<string, object>();
  /** Helpers still binding: ready() waits for them, so a container's process starts with its resolver there. */
  private readonly nsDnsPending = new Map<string, Promise<void>>();

  constructor(private readonly opts: NetworkServiceOptions) {
    const c = opts.config;
    this.tools = { ...defaultTools, ...opts.tools };
    this.session = new IpSession(this.tools.ip);
    this.hostIp = (lines) => this.session.run(lines);
    this.firewall = opts.firewall ?? (c.iptables ? createNftFirewall(c.firewallTable) : noFirewall);
    this.store = new NetworkStore(join(c.dataRoot, 'network'));
    this.netnsDir = join(c.execRoot, 'netns');
    this.proxies = new PortProxies(opts.logger);
    this.dns = new EmbeddedDns((net, ip, name, type) => this.lookup(net, ip, name, type), opts.logger, opts.dnsPort ?? 53);
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

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.netLock.then(fn, fn);
    this.netLock = p.catch(() => undefined);
    return p;
  }

  // ---- networks --------------------------------------------------------------------------------------------

  private find(ref: string): Net | undefined {
    if (ref === 'default') ref = 'bridge';
    const byName = this.nets.find((n) => n.rec.name === ref);
    if (byName) return byName;
    const byId = this.nets.find((n) => n.rec.id === ref);
    if (byId) return byId;
    const byPrefix = ref ? this.nets.filter((n) => n.rec.id.startsWith(ref)) : [];
    if (byPrefix.length > 1) throw invalid(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    return byPrefix[0];
  }

  private need(ref: string): Net {
    const n = this.find(ref);
    if (!n) throw notFound(`network ${ref} not found`);
    return n;
  }

  private byId(id: string): Net | undefined {
    return this.nets.find((n) => n.rec.id === id);
  }

  private get defaultBridge(): Net {
    const n = this.nets.find((x) => x.rec.name === 'bridge');
    if (!n || !this.initialised) throw unavailable('network service is not initialised');
    return n;
  }

  /** Allocators for a network's recorded address plan; aux addresses are reserved. */
  private makeNet(rec: NetworkRecord): Net {
    const net: Net = { rec };
    if (rec.configOnly) return net;
    if (rec.subnet && rec.gateway) {
      const prefix = parseCidr4(rec.subnet).prefixLen;
      net.alloc = new AddressAllocator(planSubnet({ bip: `${rec.gateway}/${prefix}`, fixedCidr: rec.ipRange }));
      for (const [k, a] of Object.entries(rec.auxAddresses ?? {})) {
        net.alloc.reserve(a, `aux:${k}`);
      }
    }
    if (rec.subnet6 && rec.gateway6) {
      const sub = parseCidr6(rec.subnet6);
      net.alloc6 = new Address6Allocator(sub, parseIp6(rec.gateway6), rec.ipRange6 ? parseCidr6(rec.ipRange6) : sub);
    }
    return net;
  }

  private mtuOf(n: Net): number {
    const m = Number(n.rec.options?.[OPT.mtu]);
    return Number.isInteger(m) && m > 0 ? m : this.opts.config.mtu;
  }

  private async saveNetworks(): Promise<void> {
    await this.store.saveNetworks({ networks: this.nets.map((n) => n.rec) });
  }

  /** Creates or repairs the kernel side of a bridge network (device, addresses, sysctls) and its DNS. */
  private async ensureBridgeNet(n: Net): Promise<void> {
    const rec = n.rec;
    const link = await inspectBridge(this.tools, rec.device!);
    const prefix = parseCidr4(rec.subnet!).prefixLen;
    await ensureBridge(this.tools, { device: rec.device!, gateway: parseIp4(rec.gateway!), prefixLen: prefix, mtu: this.mtuOf(n) }, link);
    if (rec.subnet6 && rec.gateway6) {
      await this.hostIp([`addr replace ${rec.gateway6}/${parseCidr6(rec.subnet6).prefixLen} dev ${rec.device} nodad`]);
      await enableIpv6Forwarding().catch((e) => this.log.warn('could not enable IPv6 forwarding', { error: errorMessage(e) }));
    }
    if (this.opts.config.iptables) {
      await enableRouteLocalnet(rec.device!).catch((e) => this.log.warn('could not enable route_localnet; 127.0.0.1 will not reach published ports', { device: rec.device, error: errorMessage(e) }));
      if (rec.options?.[OPT.icc] !== undefined && !parseBool(OPT.icc, rec.options[OPT.icc], true)) {
        await enableBridgeNetfilter().catch((e) => this.log.warn('could not enable bridge-nf-call-iptables; enable_icc=false will not hold', { error: errorMessage(e) }));
      }
    }
    if (isUserDefined(n)) {
      const addrs = [rec.gateway!];
      n.dns = await this.dns.listen(rec.id, addrs);
    }
  }

  /** Every IPv4 route of the host (other daemons' bridges included): a picked subnet must avoid them all. */
  private async hostRoutes(): Promise<ReturnType<typeof routesInUse>> {
    return routesInUse(await ipJson<RouteEntry[]>(this.tools, ['-4', 'route', 'show']), '');
  }

  createNetwork(req: NetworkCreateRequest): Promise<NetworkSummary> {
    this.defaultBridge;
    return this.locked(async () => {
      this.kernel ??= await probeKernelLinks(this.tools);
      const rec = validateCreate(req, {
        existing: this.nets.map((n) => n.rec), hostRoutes: await this.hostRoutes(), pools: this.opts.config.defaultAddressPools,
        kernel: this.kernel, linkExists, newId, now: new Date().toISOString(),
      });
      const net = this.makeNet(rec);
      this.nets.push(net);
      const undo = new UndoList();
      undo.push(() => { this.nets = this.nets.filter((n) => n !== net); });
      try {
        // Recorded first: a crash before the device exists leaves a network that init() completes.
        await this.saveNetworks();
        undo.push(() => this.saveNetworks());
        if (isBridge(net)) {
          if (linkExists(rec.device!)) throw conflict(`bridge device ${rec.device} already exists on the host`);
          undo.push(() => { this.dns.close(rec.id); });
          undo.push(() => removeBridge(this.hostIp, rec.device!));
          await this.ensureBridgeNet(net);
          await this.firewall.apply(this.firewallState());
          undo.push(() => this.firewall.apply(this.firewallState()));
        }
      } catch (e) {
        await undo.run(this.log, { network: rec.name });
        throw e;
      }
      return this.summary(net);
    });
  }

  removeNetwork(ref: string): Promise<void> {
    return this.locked(async () => {
      const net = this.need(ref);
      if (net.rec.predefined) throw forbidden(`${net.rec.name} is a pre-defined network and cannot be removed`);
      const users = [...this.records.values()].filter((r) => r.links?.some((l) => l.networkId === net.rec.id));
      if (users.length) throw forbidden(`error while removing network: network ${net.rec.name} id ${net.rec.id} has active endpoints`);
      const dependents = this.nets.filter((n) => n.rec.configFrom === net.rec.name);
      if (net.rec.configOnly && dependents.length) throw forbidden(`configuration network "${net.rec.name}" is in use`);
      // The device goes first: if the kernel refuses, nothing of ours has changed yet.
      if (isBridge(net)) await removeBridge(this.hostIp, net.rec.device!);
      this.dns.close(net.rec.id);
      this.nets = this.nets.filter((n) => n !== net);
      if (isBridge(net)) await this.firewall.apply(this.firewallState());
      await this.saveNetworks();
    });
  }

  checkEndpoint(ep: EndpointRequest, mode?: string): NetworkSummary {
    const net = this.need(ep.network);
    this.checkEndpointOn(net, ep, mode);
    return this.summary(net);
  }

  private checkEndpointOn(net: Net, ep: EndpointRequest, _mode?: string): void {
    const r = net.rec;
    if (r.configOnly) throw forbidden(`network ${r.name} is a config-only network and cannot be used by containers`);
    if (r.driver === 'host' || r.driver === 'null') return;
    const userIp = ep.ipv4Address || ep.ipv6Address;
    if (r.predefined && userIp) throw invalid('user specified IP address is supported on user defined networks only');
    if (r.predefined && ep.aliases?.length) throw invalid('network-scoped alias is supported only for containers in user defined networks');
    if (ep.ipv4Address) {
      if (!isIp4(ep.ipv4Address)) throw invalid(`invalid IPv4 address: ${ep.ipv4Address}`);
      if (!r.subnet) throw invalid('user specified IP address is supported only when connecting to networks with user configured subnets');
      if (!contains(parseCidr4(r.subnet), parseIp4(ep.ipv4Address))) throw invalid(`invalid endpoint settings:\nno configured subnet or ip-range contain the IP address ${ep.ipv4Address}`);
    }
    if (ep.ipv6Address) {
      if (!isIp6(ep.ipv6Address)) throw invalid(`invalid IPv6 address: ${ep.ipv6Address}`);
      if (!r.subnet6 || !contains6(parseCidr6(r.subnet6), parseIp6(ep.ipv6Address))) throw invalid(`invalid endpoint settings:\nno configured subnet or ip-range contain the IP address ${ep.ipv6Address}`);
    }
    if (ep.macAddress && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(ep.macAddress)) throw invalid(`invalid MAC address: ${ep.macAddress}`);
  }

  // ---- start-up and reconcile ------------------------------------------------------------------------------

  async init(liveContainerIds?: ReadonlySet<string>): Promise<void> {
    const c = this.opts.config;
    await prepareNetnsDir(this.tools, this.netnsDir);
    const saved = await this.store.loadNetworks();
    const savedBridge = saved?.networks.find((n) => n.name === 'bridge');
    const plan = await resolveBridgePlan(this.tools, c, savedBridge, this.log);

    if (c.ipForward) {
      try {
        if (await enableIpv4Forwarding()) this.log.info('enabled IPv4 forwarding');
      } catch (e) {
        this.log.warn('could not enable IPv4 forwarding; containers may not reach other networks', { error: errorMessage(e) });
      }
    }

    const now = new Date().toISOString();
    const builtin = (['bridge', 'host', 'none'] as const).map((name) => {
      const prev = saved?.networks.find((n) => n.name === name);
      const rec: NetworkRecord = { id: prev?.id ?? newId(), name, driver: name === 'bridge' ? 'bridge' : name === 'host' ? 'host' : 'null', created: prev?.created ?? now, predefined: true };
      if (name === 'bridge') {
        rec.subnet = `${formatIp4(plan.subnet.network)}/${plan.subnet.prefixLen}`;
        rec.gateway = formatIp4(plan.gateway);
        rec.device = c.bridge;
        const fc = c.fixedCidr ? `${formatIp4(plan.range.network)}/${plan.range.prefixLen}` : undefined;
        if (fc) rec.ipRange = fc;
      }
      return rec;
    });
    const user = (saved?.networks ?? []).filter((n) => !['bridge', 'host', 'none'].includes(n.name) && !n.predefined);
    this.dns.closeAll();
    this.nsDns.clear();
    this.proxies.stopAll();
    this.nets = [...builtin, ...user].map((r) => this.makeNet(r));
    // The default bridge's allocator honours --fixed-cidr even when --bip names the gateway.
    this.nets[0]!.alloc = new AddressAllocator(plan);
    this.initialised = true;
    for (const n of this.nets.filter(isBridge)) {
      try {
        await this.ensureBridgeNet(n);
      } catch (e) {
        if (n.rec.predefined) throw e;
        this.log.warn('could not set up the bridge of a network', { network: n.rec.name, error: errorMessage(e) });
      }
    }
    await this.saveNetworks();
    this.ports = new PortAllocator(await ephemeralPortRange());
    this.hostServersCache = resolvConfServers(await this.readHostFile('/etc/resolv.conf', this.opts.hostResolvConf));
    await this.reconcile(liveContainerIds);
    // After reconcile, so the rewritten table already carries the published ports of live containers.
    await this.firewall.apply(this.firewallState());
    // The old daemon's sockets in live macvlan-only containers died with it; bind them again (a few at a time:
    // each is a Node start-up).
    const again = [...this.records.values()].filter((r) => this.nsDnsLinkOf(r));
    for (let i = 0; i < again.length; i += 4) await Promise.all(again.slice(i, i + 4).map((r) => this.startNsDns(r)));
  }

  /** Turns a record written before user-defined networks into the links shape. */
  private upgrade(rec: EndpointRecord): void {
    if (rec.links || rec.mode !== 'bridge') return;
    rec.links = [];
    if (rec.endpoint) {
      rec.links.push({ networkId: this.defaultBridge.rec.id, kind: 'veth', ifname: 'eth0', vethHost: rec.vethHost, endpoint: rec.endpoint, defaultRoute: true });
    }
  }

  /** Brings kernel and records in line: keeps live sandboxes, removes the rest and anything unexplained. */
  private async reconcile(live: ReadonlySet<string> | undefined): Promise<void> {
    this.records.clear();
    for (const rec of await this.store.loadEndpoints()) {
      this.upgrade(rec);
      if (live && !live.has(rec.containerId)) {
        await this.teardown(rec).catch((e) => this.log.warn('could not remove stale sandbox', { containerId: rec.containerId, error: errorMessage(e) }));
        continue;
      }
      this.claimRecord(rec);
      this.records.set(rec.containerId, rec);
      await this.startProxies(rec).catch((e) => this.log.warn('could not restore IPv6 port proxies', { containerId: rec.containerId, error: errorMessage(e) }));
    }
    // A live container keeps whatever carries its name even when its record was lost: adopt() will follow.
    const liveIds = [...(live ?? [])];
    const keptNetns = new Set([...this.records.values()].map((r) => r.netnsPath).filter(Boolean));
    for (const id of liveIds) keptNetns.add(netnsPathFor(this.netnsDir, id));
    for (const name of await listNetns(this.netnsDir)) {
      const path = netnsPathFor(this.netnsDir, name);
      if (!keptNetns.has(path)) await removeNetns(this.tools, path).catch((e) => this.log.warn('could not remove stale namespace', { path, error: errorMessage(e) }));
    }
    // --userns-remap pins (userns-owner.ts), also those of a run with remap when this one has none.
    const usernsDir = usernsDirOf(this.netnsDir);
    const keptUserns = new Set([...this.records.values()].map((r) => r.usernsPath).filter(Boolean));
    for (const id of liveIds) keptUserns.add(usernsPathFor(this.netnsDir, id));
    for (const name of await listNetns(usernsDir)) {
      const path = usernsPathFor(this.netnsDir, name);
      if (!keptUserns.has(path)) await removeNetns(this.tools, path).catch((e) => this.log.warn('could not remove stale user namespace', { path, error: errorMessage(e) }));
    }
    const keptVeths = new Set<string>();
    for (const r of this.records.values()) for (const l of r.links ?? []) if (l.vethHost) keptVeths.add(l.vethHost);
    for (const n of this.nets.filter(isBridge)) {
      for (const id of liveIds) keptVeths.add(vethNameFor(n.rec.device!, id));
      const ports = await ipJson<LinkEntry[]>(this.tools, ['link', 'show', 'master', n.rec.device!]).catch(() => [] as LinkEntry[]);
      for (const p of ports) {
        if (isOurVethName(p.ifname) && !keptVeths.has(p.ifname)) {
          await deleteLink(this.hostIp, p.ifname).catch((e) => this.log.warn('could not remove stale veth', { veth: p.ifname, error: errorMessage(e) }));
        }
      }
    }
  }

  /** Claims a kept record's addresses and ports again; links to networks that are gone are dropped. */
  private claimRecord(rec: EndpointRecord): void {
    for (const l of rec.links ?? []) {
      const net = this.byId(l.networkId) ?? (l.endpoint.networkName === 'bridge' ? this.defaultBridge : undefined);
      if (!net) { this.log.warn('sandbox is on a network that no longer exists', { containerId: rec.containerId, network: l.endpoint.networkName }); continue; }
      l.networkId = net.rec.id;
      l.endpoint.networkId = net.rec.id;
      try {
        if (l.endpoint.ipAddress) net.alloc?.claim(l.endpoint.ipAddress, rec.containerId);
        if (l.endpoint.ipv6Address) net.alloc6?.claim(l.endpoint.ipv6Address, rec.containerId);
      } catch (e) {
        // The network moved to another subnet (e.g. --bip changed): the old address cannot be kept.
        this.log.warn('recorded address does not fit the network any more', { containerId: rec.containerId, error: errorMessage(e) });
      }
    }
    try {
      if (rec.sandbox.ports) this.ports.claim(rec.containerId, rec.sandbox.ports);
    } catch (e) {
      this.log.warn('could not claim recorded ports', { containerId: rec.containerId, error: errorMessage(e) });
    }
  }

  // ---- firewall --------------------------------------------------------------------------------------------

  /** The interface published ports point at: the first link on a bridge network that is not internal. */
  private portLink(rec: EndpointRecord): NetLink | undefined {
    return rec.links?.find((l) => l.kind === 'veth' && !this.byId(l.networkId)?.rec.internal);
  }

  private firewallState(): FirewallState {
    const cfg = this.opts.config;
    return {
      bridges: this.nets.filter(isBridge).map((n) => {
        const ports: NonNullable<FirewallState['bridges'][number]['ports']> = [];
        for (const r of this.records.values()) {
          if (r.mode !== 'bridge' || !r.sandbox.ports?.length) continue;
          const l = this.portLink(r);
          if (l?.networkId !== n.rec.id) continue;
          for (const m of r.sandbox.ports) ports.push({ ...m, containerIp: l.endpoint.ipAddress });
        }
        const o = n.rec.options ?? {};
        return {
          device: n.rec.device!, subnet: n.rec.subnet!, subnet6: n.rec.subnet6,
          masquerade: cfg.ipMasq && parseBool(OPT.masquerade, o[OPT.masquerade], true),
          icc: parseBool(OPT.icc, o[OPT.icc], true), internal: !!n.rec.internal, ports,
        };
      }),
    };
  }

  // ---- sandboxes -------------------------------------------------------------------------------------------

  attach(req: NetworkAttachRequest): Promise<SandboxInfo> {
    this.defaultBridge;
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
        const rec = await this.createSandbox(req, mode.kind, mode.network, undo);
        this.records.set(req.containerId, rec);
        undo.push(() => { this.records.delete(req.containerId); });
        if (rec.sandbox.ports?.length) {
          // On failure the table is rewritten without this container (the records entry is gone by then).
          undo.push(() => this.firewall.apply(this.firewallState()));
          await this.firewall.apply(this.firewallState());
          await this.startProxies(rec);
          undo.push(() => this.proxies.stop(req.containerId));
        }
        return rec.sandbox;
      } catch (e) {
        await undo.run(this.log, { containerId: req.containerId });
        throw e;
      }
    });
  }

  private filesOf(containerDir: string) {
    return { resolvConfPath: join(containerDir, 'resolv.conf'), hostsPath: join(containerDir, 'hosts'), hostnamePath: join(containerDir, 'hostname') };
  }

  private async createSandbox(req: NetworkAttachRequest, kind: 'bridge' | 'host' | 'none', network: string | undefined, undo: UndoList): Promise<EndpointRecord> {
    const files = this.filesOf(req.containerDir);
    parseExtraHosts(req.extraHosts ?? [], this.defaultBridge.rec.gateway);
    if (req.macAddress && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(req.macAddress)) throw invalid(`invalid MAC address: ${req.macAddress}`);
    const rec: EndpointRecord = {
      containerId: req.containerId, containerName: req.containerName, mode: kind,
      hostname: req.hostname, domainname: req.domainname, filesInput: {
        extraHosts: req.extraHosts ?? [], dns: req.dns ?? [], dnsSearch: req.dnsSearch ?? [], dnsOptions: req.dnsOptions ?? [], links: req.links ?? [],
      },
      sandbox: { netnsPath: 'host', endpoints: [], ...files },
    };
    if (kind === 'host') {
      rec.endpoint = this.emptyEndpoint('host');
      rec.sandbox.endpoints = [rec.endpoint];
    } else {
      const netnsPath = netnsPathFor(this.netnsDir, req.containerId);
      rec.netnsPath = netnsPath;
      rec.sandbox.netnsPath = netnsPath;
      if (req.usernsJoin) rec.sandbox.usernsPath = req.usernsJoin;
      else if (req.usernsRemap && this.opts.config.userns) {
        const usernsPath = usernsPathFor(this.netnsDir, req.containerId);
        rec.usernsPath = usernsPath;
        rec.sandbox.usernsPath = usernsPath;
        undo.push(() => removeNetns(this.tools, usernsPath));
      }
      if (kind === 'none') {
        rec.endpoint = this.emptyEndpoint('none');
        rec.sandbox.endpoints = [rec.endpoint];
        undo.push(() => removeNetns(this.tools, netnsPath));
        await createNetnsWithBatch(this.tools, netnsPath, ['link set lo up'], undefined, this.ownerOf(rec));
      } else {
        rec.links = [];
        const requested = req.networks?.length ? req.networks : [{ network: network ?? 'bridge' }];
        // The same network named twice (by name and by ID) is one endpoint, as in Docker.
        const eps: EndpointRequest[] = [];
        const nets: Net[] = [];
        for (const ep of requested) {
          const n = this.need(ep.network);
          if (nets.includes(n)) continue;
          if (n.rec.driver === 'host' || n.rec.driver === 'null') throw invalid('container sharing network namespace with another container or host cannot be connected to any other network');
          this.checkEndpointOn(n, ep);
          nets.push(n);
          eps.push(ep);
        }
        if (req.portBindings?.length) {
          const primary = nets.find((n) => n.rec.driver === 'bridge' && !n.rec.internal);
          const hb = primary?.rec.options?.[OPT.hostBinding];
          const bindings = req.portBindings.map((b) => ({ ...b, hostIp: b.hostIp || hb || '' }));
          const mappings = await this.ports.allocate(req.containerId, bindings, portInUse);
          undo.push(() => this.ports.release(mappings));
          rec.sandbox.ports = mappings;
        }
        if (nets.length === 0) {
          undo.push(() => removeNetns(this.tools, netnsPath));
          await createNetnsWithBatch(this.tools, netnsPath, ['link set lo up'], undefined, this.ownerOf(rec));
        }
        // 127.0.0.11 leads to the first network with embedded DNS; its link's own process chain installs that.
        const dnsAt = nets.findIndex((n) => n.dns && isBridge(n));
        for (let i = 0; i < nets.length; i++) {
          await this.addLink(rec, nets[i]!, { ...eps[i]!, macAddress: eps[i]!.macAddress ?? (i === 0 ? req.macAddress : undefined) }, i === 0, undo, i === dnsAt ? 'fresh' : undefined);
        }
        rec.sandbox.endpoints = rec.links.map((l) => l.endpoint);
      }
    }
    undo.push(() => this.store.removeEndpoint(req.containerId));
    undo.push(() => Promise.all(Object.values(files).map((f) => fs.rm(f, { force: true }))).then(() => undefined));
    // The helper (a Node start-up, the bulk of the cost) runs on while the engine prepares the container;
    // ready() waits for it before the container's process starts. resolv.conf names 127.0.0.11 meanwhile and is
    // rewritten with the host's resolvers if the sockets cannot be had.
    const nsDns = this.nsDnsLinkOf(rec) ? this.startNsDns(rec) : undefined;
    if (nsDns) undo.push(() => this.stopNsDns(req.containerId));
    await settleAll([this.store.saveEndpoint(rec), this.writeFiles(rec, req.containerDir)]);
    if (nsDns) {
      this.trackNsDns(req.containerId, nsDns.then(async (ok) => {
        // Only while the sandbox still stands: after a failed attach the files are gone and must stay so.
        if (!ok && this.records.get(req.containerId) === rec) await this.writeFiles(rec, req.containerDir);
      }));
    }
    return rec;
  }

  /** Creates one interface of `rec` on `net` (allocating its addresses) and records it in rec.links. */
  private async addLink(rec: EndpointRecord, net: Net, ep: EndpointRequest, first: boolean, undo: UndoList, dnsRedirect?: 'fresh' | 'replace'): Promise<NetLink> {
    const links = rec.links!;
    const id = rec.containerId;
    let ip: string | undefined;
    let ip6: string | undefined;
    if (net.alloc) {
      if (ep.ipv4Address) {
        if (net.alloc.owner(ep.ipv4Address) && net.alloc.owner(ep.ipv4Address) !== id) throw forbidden(`Address already in use`);
        net.alloc.claim(ep.ipv4Address, id);
        ip = ep.ipv4Address;
      } else ip = formatIp4(net.alloc.allocate(id));
      const a = ip;
      undo.push(() => { if (net.alloc!.owner(a) === id) net.alloc!.release(a); });
    }
    if (net.alloc6) {
      if (ep.ipv6Address) { net.alloc6.claim(ep.ipv6Address, id); ip6 = formatIp6(parseIp6(ep.ipv6Address)); } else ip6 = formatIp6(net.alloc6.allocate(id));
      const a = ip6;
      undo.push(() => net.alloc6!.release(a));
    }
    const used = new Set(links.map((l) => l.ifname));
    let idx = 0;
    while (used.has(`eth${idx}`)) idx++;
    const ifname = `eth${idx}`;
    const defaultRoute = !net.rec.internal && !links.some((l) => l.defaultRoute);
    const mac = (ep.macAddress ?? (ip ? macFromIp4(parseIp4(ip)) : randomMac())).toLowerCase();
    const kind = net.rec.driver === 'macvlan' ? 'macvlan' : 'veth';
    const prefixLen = net.rec.subnet ? parseCidr4(net.rec.subnet).prefixLen : 0;
    const prefixLen6 = net.rec.subnet6 ? parseCidr6(net.rec.subnet6).prefixLen : undefined;
    const aliases = [...new Set(ep.aliases ?? [])];
    const link: NetLink = {
      networkId: net.rec.id, kind, ifname, defaultRoute,
      vethHost: kind === 'veth' ? vethNameFor(net.rec.device!, id) : undefined,
      endpoint: {
        networkName: net.rec.name, networkId: net.rec.id, endpointId: newId(), ipAddress: ip ?? '', ipPrefixLen: ip ? prefixLen : 0,
        gateway: net.rec.gateway ?? '', macAddress: mac, ipv6Address: ip6, ipv6PrefixLen: ip6 ? prefixLen6 : undefined, ipv6Gateway: ip6 ? net.rec.gateway6 : undefined,
        aliases: aliases.length ? aliases : undefined,
        dnsNames: isUserDefined(net) ? [...new Set([rec.containerName, ...aliases, id.slice(0, 12), ...(rec.hostname && rec.hostname !== id.slice(0, 12) ? [rec.hostname] : [])].filter(Boolean))] : undefined,
        ipamConfig: ep.ipv4Address || ep.ipv6Address ? { ipv4Address: ep.ipv4Address, ipv6Address: ep.ipv6Address } : undefined,
        links: ep.links?.length ? ep.links : undefined,
      },
    };
    const redirect = dnsRedirect && kind === 'veth' ? this.redirectOf(link) : undefined;
    await createLink(this.tools, this.hostIp, {
      netnsPath: rec.netnsPath!, first, ifname, kind, vethHost: link.vethHost, bridge: net.rec.device,
      parent: net.rec.device, macvlanMode: net.rec.options?.macvlan_mode,
      ip, prefixLen, ip6, prefixLen6, gateway: net.rec.gateway, gateway6: net.rec.gateway6, defaultRoute,
      mac, mtu: this.mtuOf(net), hairpin: kind === 'veth' && !!rec.sandbox.ports?.length,
      userns: first ? this.ownerOf(rec) : undefined,
      extraInNs: redirect && dnsRedirectSetup(redirect, dnsRedirect === 'fresh', this.tools.nft),
    }, (fn) => undo.push(fn));
    links.push(link);
    undo.push(() => { rec.links = rec.links!.filter((l) => l !== link); });
    return link;
  }

  /** The user namespace a sandbox's new namespace is made in (--userns-remap): its own pin, or one it joins. */
  private ownerOf(rec: EndpointRecord): UsernsOwner | undefined {
    const u = this.opts.config.userns;
    if (rec.usernsPath && u) return { path: rec.usernsPath, uidMaps: u.uidMaps, gidMaps: u.gidMaps };
    return rec.sandbox.usernsPath ? { join: rec.sandbox.usernsPath } : undefined;
  }

  private emptyEndpoint(name: string) {
    return { networkName: name, networkId: this.find(name)?.rec.id ?? '', endpointId: newId(), ipAddress: '', ipPrefixLen: 0, gateway: '', macAddress: '' };
  }

  private async readHostFile(path: string, override: string | undefined): Promise<string> {
    if (override !== undefined) return override;
    try {
      return await fs.readFile(path, 'utf8');
    } catch {
      return '';
    }
  }

  /** resolv.conf, hosts and hostname from the record: rewritten whenever the sandbox's networks change. */
  private async writeFiles(rec: EndpointRecord, containerDir: string): Promise<void> {
    const c = this.opts.config;
    const f = rec.filesInput ?? { extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], links: [] };
    const kind = rec.mode;
    const files = { resolvConfPath: rec.sandbox.resolvConfPath, hostsPath: rec.sandbox.hostsPath, hostnamePath: rec.sandbox.hostnamePath };
    const [hostResolv, hostHosts] = await Promise.all([
      this.readHostFile('/etc/resolv.conf', this.opts.hostResolvConf),
      kind === 'host' ? this.readHostFile('/etc/hosts', this.opts.hostHosts) : Promise.resolve(undefined),
    ]);
    const pick = (a: string[] | undefined, b: string[]) => (a && a.length > 0 ? a : b);
    const dnsLink = this.dnsLinkOf(rec);
    const inNs = this.nsDns.has(rec.containerId);
    let resolv: string;
    if (dnsLink || inNs) {
      const ext = pick(f.dns, c.dns).length ? pick(f.dns, c.dns) : resolvConfServers(hostResolv);
      rec.dnsServers = ext;
      resolv = buildInternalResolvConf({
        hostContent: hostResolv, sourcePath: '/etc/resolv.conf', nameserver: inNs || this.redirectsDns ? EMBEDDED_DNS_ADDRESS : dnsLink!.endpoint.gateway, extServers: ext,
        dnsSearch: pick(f.dnsSearch, c.dnsSearch), dnsOptions: pick(f.dnsOptions, c.dnsOptions),
      });
    } else {
      rec.dnsServers = undefined;
      resolv = buildResolvConf({
        hostContent: hostResolv, sourcePath: '/etc/resolv.conf', keepLoopback: kind === 'host',
        dns: pick(f.dns, c.dns), dnsSearch: pick(f.dnsSearch, c.dnsSearch), dnsOptions: pick(f.dnsOptions, c.dnsOptions),
      });
    }
    const ips = (rec.links ?? []).flatMap((l) => [l.endpoint.ipAddress, l.endpoint.ipv6Address ?? '']).filter(Boolean);
    const links: Array<[string, string]> = [];
    for (const l of f.links ?? []) {
      const other = this.records.get(l.containerId);
      const ep = other?.links?.find((x) => x.endpoint.networkName === 'bridge')?.endpoint;
      if (ep?.ipAddress) links.push([ep.ipAddress, [...new Set([l.alias, l.containerId.slice(0, 12), l.name])].join(' ')]);
    }
    const hosts = buildHosts({
      ip: ips[0], moreIps: ips.slice(1), hostname: rec.hostname ?? '', domainname: rec.domainname,
      extraHosts: parseExtraHosts(f.extraHosts ?? [], this.defaultBridge.rec.gateway), baseContent: hostHosts, links,
    });
    await fs.mkdir(containerDir, { recursive: true });
    // Written in place, not renamed: the engine bind-mounts these paths, and a rename would detach the mount.
    await Promise.all([
      fs.writeFile(files.resolvConfPath, resolv, { mode: 0o644 }),
      fs.writeFile(files.hostsPath, hosts, { mode: 0o644 }),
      fs.writeFile(files.hostnamePath, buildHostname(rec.hostname ?? ''), { mode: 0o644 }),
    ]);
  }

  connect(containerId: string, ep: EndpointRequest, _ctx: { containerName: string; hostname: string }): Promise<SandboxInfo> {
    this.defaultBridge;
    return this.serial(containerId, async () => {
      const rec = this.records.get(containerId);
      if (!rec) throw conflict(`container ${containerId} has no network sandbox`);
      const net = this.need(ep.network);
      if (rec.mode === 'host' || net.rec.driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
      if (rec.mode === 'none' || net.rec.driver === 'null') throw forbidden('container cannot be connected to multiple networks with one of the networks in private (none) mode');
      if (rec.mode === 'container') throw forbidden('conflicting options: container type network can\'t be used with multiple networks');
      this.checkEndpointOn(net, ep);
      if (rec.links?.some((l) => l.networkId === net.rec.id)) throw forbidden(`endpoint with name ${rec.containerName} already exists in network ${net.rec.name}`);
      const undo = new UndoList();
      try {
        rec.links ??= [];
        const before = this.portLink(rec);
        // The first network with embedded DNS the container joins brings 127.0.0.11 with it.
        await this.addLink(rec, net, ep, false, undo, !this.dnsLinkOf(rec) && net.dns && isBridge(net) ? 'replace' : undefined);
        rec.sandbox.endpoints = rec.links.map((l) => l.endpoint);
        await this.syncNsDns(rec);
        await this.store.saveEndpoint(rec);
        await this.writeFiles(rec, this.dirOf(rec));
        if (rec.sandbox.ports?.length && this.portLink(rec) !== before) await this.firewall.apply(this.firewallState());
        return rec.sandbox;
      } catch (e) {
        await undo.run(this.log, { containerId });
        rec.sandbox.endpoints = (rec.links ?? []).map((l) => l.endpoint);
        throw e;
      }
    });
  }

  private dirOf(rec: EndpointRecord): string {
    return rec.sandbox.hostsPath.replace(/\/hosts$/, '');
  }

  disconnect(containerId: string, network: string, _force = false): Promise<SandboxInfo> {
    return this.serial(containerId, async () => {
      const rec = this.records.get(containerId);
      const net = this.need(network);
      if (!rec) throw conflict(`container ${containerId} has no network sandbox`);
      if (rec.mode === 'host' || net.rec.driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
      const link = rec.links?.find((l) => l.networkId === net.rec.id);
      if (!link) throw forbidden(`container ${containerId} is not connected to network ${net.rec.name}`);
      const before = this.portLink(rec);
      const dnsBefore = this.dnsLinkOf(rec);
      await removeLink(this.tools, this.hostIp, link, rec.netnsPath!);
      this.releaseLink(rec, link);
      rec.links = rec.links!.filter((l) => l !== link);
      if (link.defaultRoute) {
        const next = rec.links.find((l) => !this.byId(l.networkId)?.rec.internal && l.endpoint.gateway);
        if (next) {
          next.defaultRoute = true;
          await setDefaultRoute(this.tools, rec.netnsPath!, next.ifname, next.endpoint.gateway, next.endpoint.ipv6Gateway).catch((e) => this.log.warn('could not move the default route', { containerId, error: errorMessage(e) }));
        }
      }
      if (dnsBefore === link) {
        // 127.0.0.11 led to the network just left: point it at the next one with embedded DNS, or remove it
        // (resolv.conf then falls back to the host's resolvers).
        const next = this.dnsLinkOf(rec);
        if (this.redirectsDns) await applyDnsRedirect(this.tools, rec.netnsPath!, next && this.redirectOf(next))
          .catch((e) => this.log.warn('could not move the embedded DNS redirect', { containerId, error: errorMessage(e) }));
      }
      rec.sandbox.endpoints = rec.links.map((l) => l.endpoint);
      await this.syncNsDns(rec);
      await this.store.saveEndpoint(rec);
      await this.writeFiles(rec, this.dirOf(rec));
      if (rec.sandbox.ports?.length && this.portLink(rec) !== before) await this.firewall.apply(this.firewallState());
      return rec.sandbox;
    });
  }

  /** The link 127.0.0.11 leads to: the first one on a network whose gateway runs the embedded DNS. */
  private dnsLinkOf(rec: EndpointRecord): NetLink | undefined {
    return rec.links?.find((l) => l.kind === 'veth' && !!l.endpoint.ipAddress && !!this.byId(l.networkId)?.dns);
  }

  /** Without nft on the host, containers name the gateway in resolv.conf instead (still answered there). */
  private nftFound: boolean | undefined;
  private get redirectsDns(): boolean { return (this.nftFound ??= which(this.tools.nft) !== undefined); }

  private redirectOf(l: NetLink): DnsRedirect | undefined {
    if (!this.redirectsDns || !l.endpoint.ipAddress || !l.endpoint.gateway) return undefined;
    return { ifname: l.ifname, gateway: l.endpoint.gateway, port: this.opts.dnsPort ?? 53, source: l.endpoint.ipAddress };
  }

  /**
   * macvlan-only containers (no network whose gateway runs the embedded DNS, at least one macvlan network) get
   * 127.0.0.11 inside their own namespace (ns-dns.ts); this is the link whose address identifies them.
   */
  private nsDnsLinkOf(rec: EndpointRecord): NetLink | undefined {
    if (rec.mode !== 'bridge' || !rec.netnsPath || this.dnsLinkOf(rec)) return undefined;
    return rec.links?.find((l) => l.kind === 'macvlan' && !!(l.endpoint.ipAddress || l.endpoint.ipv6Address));
  }

  private nsAsker(containerId: string): Asker | undefined {
    const rec = this.records.get(containerId);
    const l = rec && this.nsDnsLinkOf(rec);
    return l && { networkId: l.networkId, clientIp: l.endpoint.ipAddress || l.endpoint.ipv6Address! };
  }

  /**
   * Binds 127.0.0.11:53 in the container's namespace. The container counts as served from the call on (its
   * resolv.conf may be written meanwhile); false (and a warning) when that fails: host resolvers then.
   */
  private async startNsDns(rec: EndpointRecord): Promise<boolean> {
    const id = rec.containerId;
    const token = {};
    this.nsDns.set(id, token);
    try {
      const { udp, tcp } = await openNsDnsSockets(this.tools.nsenter, rec.netnsPath!);
      if (this.nsDns.get(id) !== token) { udp.close(); tcp.close(); return false; }
      this.dns.serveSockets(nsDnsKey(id), () => this.nsAsker(id), udp, tcp);
      return true;
    } catch (e) {
      if (this.nsDns.get(id) === token) this.nsDns.delete(id);
      this.log.warn('embedded DNS cannot listen in the container; it uses the host resolvers', { containerId: id, error: errorMessage(e) });
      return false;
    }
  }

  private trackNsDns(containerId: string, p: Promise<void>): void {
    const settled = p.catch((e) => this.log.warn('could not finish the embedded DNS set-up', { containerId, error: errorMessage(e) }));
    this.nsDnsPending.set(containerId, settled);
    void settled.then(() => { if (this.nsDnsPending.get(containerId) === settled) this.nsDnsPending.delete(containerId); });
  }

  async ready(containerId: string): Promise<void> {
    await this.nsDnsPending.get(containerId);
  }

  private stopNsDns(containerId: string): void {
    if (this.nsDns.delete(containerId)) this.dns.close(nsDnsKey(containerId));
  }

  /** After connect/disconnect: in-namespace DNS exactly while the container is macvlan-only. */
  private async syncNsDns(rec: EndpointRecord): Promise<void> {
    const want = !!this.nsDnsLinkOf(rec);
    if (want && !this.nsDns.has(rec.containerId)) await this.startNsDns(rec);
    if (!want) this.stopNsDns(rec.containerId);
  }

  private releaseLink(rec: EndpointRecord, l: NetLink): void {
    const net = this.byId(l.networkId);
    if (!net) return;
    if (l.endpoint.ipAddress && net.alloc?.owner(l.endpoint.ipAddress) === rec.containerId) net.alloc.release(l.endpoint.ipAddress);
    if (l.endpoint.ipv6Address && net.alloc6?.owner(l.endpoint.ipv6Address) === rec.containerId) net.alloc6.release(l.endpoint.ipv6Address);
  }

  sandbox(containerId: string): SandboxInfo | undefined {
    return this.records.get(containerId)?.sandbox;
  }

  detach(containerId: string): Promise<void> {
    return this.serial(containerId, async () => {
      const rec = this.records.get(containerId);
      if (rec) {
        // The bookkeeping goes even if the kernel resisted (a busy namespace): the next init() reconciles
        // whatever a record no longer explains, and the network must not show a ghost endpoint meanwhile.
        let failed: unknown;
        await this.teardown(rec).catch((e) => { failed = e; });
        this.records.delete(containerId);
        if (rec.mode === 'bridge' && rec.sandbox.ports?.length) {
          this.ports.release(rec.sandbox.ports);
          await this.firewall.apply(this.firewallState());
        }
        if (failed) throw failed;
        return;
      }
      // No record (never attached, already detached, or a crash before the record was written): remove what
      // would carry this container's name, if anything does. Cheap when there is nothing: no process spawned.
      await settleAll([
        removeNetns(this.tools, netnsPathFor(this.netnsDir, containerId)),
        removeNetns(this.tools, usernsPathFor(this.netnsDir, containerId)),
        ...this.nets.filter(isBridge).map((n) => deleteLink(this.hostIp, vethNameFor(n.rec.device!, containerId))),
        this.store.removeEndpoint(containerId),
      ]);
    });
  }

  /** Userland listeners for ports published on IPv6 host addresses (see port-proxy.ts). */
  private async startProxies(rec: EndpointRecord): Promise<void> {
    const target = this.portLink(rec)?.endpoint.ipAddress;
    if (target && rec.sandbox.ports?.some((m) => m.hostIp.includes(':'))) await this.proxies.start(rec.containerId, rec.sandbox.ports, target);
  }

  private async teardown(rec: EndpointRecord): Promise<void> {
    this.proxies.stop(rec.containerId);
    this.stopNsDns(rec.containerId);
    let failed: unknown;
    if (rec.mode !== 'container') {
      await settleAll([
        ...(rec.links ?? []).map((l) => (l.vethHost ? deleteLink(this.hostIp, l.vethHost) : Promise.resolve())),
        rec.netnsPath ? removeNetns(this.tools, rec.netnsPath) : Promise.resolve(),
        rec.usernsPath ? removeNetns(this.tools, rec.usernsPath) : Promise.resolve(),
      ]).catch((e) => { failed = e; });
      for (const l of rec.links ?? []) this.releaseLink(rec, l);
    }
    await this.store.removeEndpoint(rec.containerId);
    if (failed) throw failed;
  }

  adopt(containerId: string, sandbox: SandboxInfo): Promise<void> {
    this.defaultBridge;
    return this.serial(containerId, async () => {
      if (this.records.has(containerId)) return;
      // The record was lost (or the engine knows more than we do): rebuild it from the sandbox it holds.
      const ep = sandbox.endpoints[0];
      const mode: SandboxMode = sandbox.netnsPath === 'host' ? 'host'
        : ep?.networkName === 'none' ? 'none'
          : ep && this.find(ep.networkName) ? 'bridge' : 'container';
      const rec: EndpointRecord = { containerId, containerName: '', mode, sandbox, endpoint: ep };
      if (mode === 'bridge' || mode === 'none') {
        rec.netnsPath = sandbox.netnsPath;
        rec.usernsPath = sandbox.usernsPath;
      }
      if (mode === 'bridge') {
        rec.links = sandbox.endpoints.map((e, i) => {
          const net = this.find(e.networkName);
          return { networkId: net?.rec.id ?? e.networkId, kind: net?.rec.driver === 'macvlan' ? 'macvlan' : 'veth', ifname: `eth${i}`,
            vethHost: net?.rec.device && net.rec.driver === 'bridge' ? vethNameFor(net.rec.device, containerId) : undefined, endpoint: e, defaultRoute: i === 0 } as NetLink;
        });
        this.claimRecord(rec);
      }
      if (mode !== 'container') await this.store.saveEndpoint(rec);
      this.records.set(containerId, rec);
      if (this.nsDnsLinkOf(rec)) await this.startNsDns(rec);
      if (sandbox.ports?.length) await this.firewall.apply(this.firewallState());
    });
  }

  // ---- embedded DNS ----------------------------------------------------------------------------------------

  private lookup(networkId: string, clientIp: string, name: string, type: number): LookupResult {
    const asker = [...this.records.values()].find((r) => r.links?.some((l) => l.networkId === networkId && (l.endpoint.ipAddress === clientIp || l.endpoint.ipv6Address === clientIp)));
    const netIds = [networkId, ...(asker?.links ?? []).map((l) => l.networkId).filter((id) => id !== networkId)]
      .filter((id) => { const n = this.byId(id); return n && isUserDefined(n); });
    const internalOnly = netIds.every((id) => this.byId(id)?.rec.internal);
    return lookupName({
      name, type, rr: this.rr++,
      networks: netIds.map((id) => ({ id, name: this.byId(id)!.rec.name, subnet: this.byId(id)!.rec.subnet })),
      endpoints: (id) => [...this.records.values()].flatMap((r) => (r.links ?? []).filter((l) => l.networkId === id).map((l) => ({ containerName: r.containerName, endpoint: l.endpoint }))),
      forwardTo: internalOnly ? [] : asker?.dnsServers ?? this.hostServers(),
    });
  }

  private hostServersCache: string[] | undefined;
  private hostServers(): string[] {
    return this.hostServersCache ?? [];
  }

  // ---- queries ---------------------------------------------------------------------------------------------

  list(): NetworkSummary[] {
    return this.nets.map((n) => this.summary(n));
  }

  get(idOrName: string): NetworkSummary {
    return this.summary(this.need(idOrName));
  }

  private summary(n: Net): NetworkSummary {
    return summarize(n.rec, [...this.records.values()], this.opts.config);
  }

  async shutdown(): Promise<void> {
    for (const rec of [...this.records.values()]) {
      await this.detach(rec.containerId).catch((e) => this.log.warn('could not remove sandbox at shutdown', { containerId: rec.containerId, error: errorMessage(e) }));
    }
    this.dns.closeAll();
    this.nsDns.clear();
    this.proxies.stopAll();
    await this.firewall.remove();
    for (const n of this.nets.filter(isBridge)) await removeBridge(this.hostIp, n.rec.device!).catch((e) => this.log.warn('could not remove bridge', { device: n.rec.device, error: errorMessage(e) }));
    this.initialised = false;
    this.session.close();
  }
}

const nsDnsKey = (containerId: string) => `ns:${containerId}`;

function randomMac(): string {
  const b = [0x02, 0x42, ...Array.from({ length: 4 }, () => Math.floor(Math.random() * 256))];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function createService(opts: NetworkServiceOptions): NetworkService {
  return new Service(opts);
}
