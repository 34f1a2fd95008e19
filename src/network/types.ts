// The network service's contract with the engine. Implemented in src/network/.
// Issue 2 scope: the default bridge (`bridge`), `host`, `none`, and `container:<id>` sharing.

export interface EndpointSettings {
  networkName: string;
  networkId: string;
  endpointId: string;
  ipAddress: string;
  ipPrefixLen: number;
  gateway: string;
  macAddress: string;
  ipv6Address?: string;
  ipv6PrefixLen?: number;
  ipv6Gateway?: string;
  aliases?: string[];
}

export interface SandboxInfo {
  /** Path of the network namespace for the OCI spec, or 'host' for the host's. */
  netnsPath: string | 'host';
  endpoints: EndpointSettings[];
  /** Files to bind into the container (written by the network service). */
  resolvConfPath: string;
  hostsPath: string;
  hostnamePath: string;
}

export interface NetworkAttachRequest {
  containerId: string;
  containerName: string;   // without leading slash
  hostname: string;
  domainname?: string;
  /** 'default' | 'bridge' | 'host' | 'none' | 'container:<id>' | user network name (later issue). */
  mode: string;
  /** For container:<id> mode, the other container's sandbox. */
  sharedWith?: SandboxInfo;
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  extraHosts?: string[];
  macAddress?: string;
  /** Directory owned by the container where resolv.conf/hosts/hostname are written. */
  containerDir: string;
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: 'local';
  subnet?: string;
  gateway?: string;
  created: string;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** containerId → endpoint */
  containers: Record<string, EndpointSettings & { name: string }>;
}

export interface NetworkService {
  /** Creates/repairs the default bridge and firewall table; reconciles leftovers from a crash. */
  init(): Promise<void>;
  /** Sets up the container's network sandbox. Everything created is undone if this throws. */
  attach(req: NetworkAttachRequest): Promise<SandboxInfo>;
  /** Tears down the sandbox (veth, netns, address, rules). Idempotent. */
  detach(containerId: string): Promise<void>;
  /** After a daemon restart with live containers: re-adopt a running container's sandbox without touching it. */
  adopt(containerId: string, sandbox: SandboxInfo): Promise<void>;
  list(): NetworkSummary[];
  get(idOrName: string): NetworkSummary;
  /** Removes the bridge and firewall table (daemon shutdown without live-restore only if asked). */
  shutdown(): Promise<void>;
}
