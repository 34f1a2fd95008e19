// What the network service keeps on disk under <dataRoot>/network/: the built-in networks (IDs, the chosen
// bridge subnet) in one file, and one file per container's endpoint so attaches never rewrite a shared file.
// Every write is atomic (temp + fsync + rename), so a crash leaves the old or the new record.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../lib/atomic-file.js';
import type { EndpointSettings, LegacyLink, SandboxInfo } from './types.js';

export interface NetworkRecord {
  id: string;
  name: string;
  driver: string;
  created: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  auxAddresses?: Record<string, string>;
  subnet6?: string;
  gateway6?: string;
  ipRange6?: string;
  internal?: boolean;
  attachable?: boolean;
  enableIPv6?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  ipamDriver?: string;
  ipamOptions?: Record<string, string>;
  configOnly?: boolean;
  configFrom?: string;
  /** Bridge device (bridge driver) or parent link (macvlan). */
  device?: string;
  /** bridge, host, none: created by the daemon, never removed. */
  predefined?: boolean;
}

export interface NetworksFile {
  networks: NetworkRecord[];
}

export type SandboxMode = 'bridge' | 'host' | 'none' | 'container';

/** One interface of a sandbox on one network (bridge: a veth pair; macvlan: a macvlan link). */
export interface NetLink {
  networkId: string;
  kind: 'veth' | 'macvlan';
  /** Name inside the container: eth0, eth1, ... */
  ifname: string;
  /** Host end of the veth pair. */
  vethHost?: string;
  endpoint: EndpointSettings;
  /** This link carries the container's default route. */
  defaultRoute?: boolean;
}

export interface EndpointRecord {
  containerId: string;
  containerName: string;
  mode: SandboxMode;
  /** Our namespace file (bridge and none modes). */
  netnsPath?: string;
  /** --userns-remap: the pinned user namespace owning netnsPath, removed with it. */
  usernsPath?: string;
  /** Host end of the veth pair (bridge mode; records written before user-defined networks). */
  vethHost?: string;
  endpoint?: EndpointSettings;
  /** Every network the sandbox is on (bridge mode). */
  links?: NetLink[];
  hostname?: string;
  domainname?: string;
  /** What resolv.conf and hosts are made from, kept so they can be rewritten on connect/disconnect. */
  filesInput?: { extraHosts: string[]; dns: string[]; dnsSearch: string[]; dnsOptions: string[]; links: LegacyLink[] };
  /** Upstream resolvers the embedded DNS forwards this container's other queries to. */
  dnsServers?: string[];
  sandbox: SandboxInfo;
}

export class NetworkStore {
  constructor(private readonly root: string) {}

  private get networksPath() { return join(this.root, 'networks.json'); }
  private get endpointsDir() { return join(this.root, 'endpoints'); }
  private endpointPath(containerId: string) { return join(this.endpointsDir, `${containerId}.json`); }

  async loadNetworks(): Promise<NetworksFile | undefined> {
    return readJson<NetworksFile>(this.networksPath);
  }

  async saveNetworks(f: NetworksFile): Promise<void> {
    await writeJsonAtomic(this.networksPath, f);
  }

  async loadEndpoints(): Promise<EndpointRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.endpointsDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: EndpointRecord[] = [];
    for (const n of names) {
      // Temp files of an interrupted write start with a dot and are never read.
      if (n.startsWith('.') || !n.endsWith('.json')) continue;
      const r = await readJson<EndpointRecord>(join(this.endpointsDir, n));
      if (r) out.push(r);
    }
    return out;
  }

  async saveEndpoint(r: EndpointRecord): Promise<void> {
    await writeJsonAtomic(this.endpointPath(r.containerId), r);
  }

  async removeEndpoint(containerId: string): Promise<void> {
    await fs.rm(this.endpointPath(containerId), { force: true });
  }
}
