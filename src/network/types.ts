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

/** A requested publication (`-p [hostIp:][hostPort:]containerPort[/proto]`); hostPort '' = ephemeral. */
export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** '' or undefined = all IPv4 addresses of the host. */
  hostIp?: string;
  /** '8080', a range '8000-8010' (first free one is used), or ''/undefined for an ephemeral port. */
  hostPort?: string;
}

/** A publication as set up: the host port is always concrete. */
export interface PortMapping {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  hostPort: number;
}

export interface SandboxInfo {
  /** Path of the network namespace for the OCI spec, or 'host' for the host's. */
  netnsPath: string | 'host';
  endpoints: EndpointSettings[];
  /** Files to bind into the container (written by the network service). */
  resolvConfPath: string;
  hostsPath: string;
  hostnamePath: string;
  /** Published ports (bridge mode only); Docker's NetworkSettings.Ports via toDockerPortMap(). */
  ports?: PortMapping[];
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
  /** Ports to publish (HostConfig.PortBindings, see fromDockerPortBindings()); ignored outside bridge mode. */
  portBindings?: PortBinding[];
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
  /**
   * Creates/repairs the default bridge and firewall table; reconciles leftovers from a crash.
   * With `liveContainerIds`, sandboxes (namespace, veth, address) of every other container are removed and
   * those of live containers are kept and adopted. Without it, every recorded sandbox is kept; only
   * namespaces and veths that no record explains are removed. May be called again (restart of the service).
   */
  init(liveContainerIds?: ReadonlySet<string>): Promise<void>;
  /** Sets up the container's network sandbox. Everything created is undone if this throws. */
  attach(req: NetworkAttachRequest): Promise<SandboxInfo>;
  /** Tears down the sandbox (veth, netns, address, rules). Idempotent. */
  detach(containerId: string): Promise<void>;
  /** After a daemon restart with live containers: re-adopt a running container's sandbox without touching it. */
  adopt(containerId: string, sandbox: SandboxInfo): Promise<void>;
  list(): NetworkSummary[];
  get(idOrName: string): NetworkSummary;
  /**
   * Removes the bridge and firewall table. Call it only when asked (daemon shutdown without live-restore and
   * an explicit cleanup); a plain daemon exit just drops the service and leaves bridge and rules in place.
   * Sandboxes still attached are torn down first.
   */
  shutdown(): Promise<void>;
}
