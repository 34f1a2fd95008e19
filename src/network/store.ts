// What the network service keeps on disk under <dataRoot>/network/: the built-in networks (IDs, the chosen
// bridge subnet) in one file, and one file per container's endpoint so attaches never rewrite a shared file.
// Every write is atomic (temp + fsync + rename), so a crash leaves the old or the new record.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../lib/atomic-file.js';
import type { EndpointSettings, SandboxInfo } from './types.js';

export interface NetworkRecord {
  id: string;
  name: string;
  driver: string;
  created: string;
  subnet?: string;
  gateway?: string;
}

export interface NetworksFile {
  networks: NetworkRecord[];
}

export type SandboxMode = 'bridge' | 'host' | 'none' | 'container';

export interface EndpointRecord {
  containerId: string;
  containerName: string;
  mode: SandboxMode;
  /** Our namespace file (bridge and none modes). */
  netnsPath?: string;
  /** Host end of the veth pair (bridge mode). */
  vethHost?: string;
  endpoint?: EndpointSettings;
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
