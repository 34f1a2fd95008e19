// The network service's contract with the engine. Implemented in src/network/.
// The default bridge (`bridge`), user-defined bridge and macvlan networks, `host`, `none`, and
// `container:<id>` sharing; embedded DNS for user-defined networks; published ports.

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
  /** Names the embedded DNS answers for this endpoint (name, aliases, short ID, hostname). */
  dnsNames?: string[];
  /** What the client asked for (--ip/--ip6), echoed as IPAMConfig. */
  ipamConfig?: { ipv4Address?: string; ipv6Address?: string };
  links?: string[];
}

/** One network a container joins: `--network`, `--network-alias`, `--ip`, `--ip6`, `network connect`. */
export interface EndpointRequest {
  /** Network name or ID ('bridge'/'default' for the default bridge). */
  network: string;
  ipv4Address?: string;
  ipv6Address?: string;
  aliases?: string[];
  /** Legacy links on this network ("container:alias"). */
  links?: string[];
  macAddress?: string;
}

/** A legacy `--link` on the default bridge, resolved by the engine. */
export interface LegacyLink { containerId: string; name: string; alias: string }

export interface NetworkCreateRequest {
  name: string;
  driver: string;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  ipamDriver: string;
  ipamOptions: Record<string, string>;
  ipamConfig: Array<{ subnet?: string; ipRange?: string; gateway?: string; auxAddresses?: Record<string, string> }>;
  options: Record<string, string>;
  labels: Record<string, string>;
  configOnly: boolean;
  configFrom?: string;
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
  /** --userns-remap: the pinned user namespace that owns netnsPath; the container joins it (userns-owner.ts). */
  usernsPath?: string;
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
  /**
   * Networks to join when mode is a bridge/user network (first = primary, the one `mode` names). Without it,
   * the network `mode` names with no extra settings.
   */
  networks?: EndpointRequest[];
  /** Legacy links (default bridge): /etc/hosts entries for the linked containers. */
  links?: LegacyLink[];
  /** Directory owned by the container where resolv.conf/hosts/hostname are written. */
  containerDir: string;
  /**
   * --userns-remap: make the sandbox's own namespace (bridge/none modes) inside a new user namespace with the
   * daemon's mappings (config.userns), pinned and reported as SandboxInfo.usernsPath. Otherwise the namespace
   * belongs to the host's user namespace.
   */
  usernsRemap?: boolean;
  /**
   * --userns-remap with --ipc/--pid container:<x>: make the sandbox's own namespace inside this existing user
   * namespace (x's, which the container joins as dockerd does); reported as SandboxInfo.usernsPath, not removed.
   */
  usernsJoin?: string;
}

export interface IpamConfigEntry { subnet: string; gateway?: string; ipRange?: string; auxAddresses?: Record<string, string> }

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: 'local';
  subnet?: string;
  gateway?: string;
  ipamDriver: string;
  ipamOptions: Record<string, string>;
  ipamConfig: IpamConfigEntry[];
  configOnly: boolean;
  configFrom: string;
  /** Built in (bridge, host, none): never removed. */
  predefined: boolean;
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
  /**
   * Resolves once what attach() left running in the background is done (today: the embedded DNS sockets of a
   * macvlan-only container); the engine awaits it just before the container's process starts.
   */
  ready?(containerId: string): Promise<void>;
  list(): NetworkSummary[];
  get(idOrName: string): NetworkSummary;
  /** Creates a user-defined network (validated; nothing changes on error). */
  createNetwork(req: NetworkCreateRequest): Promise<NetworkSummary>;
  /** Removes a user-defined network; refused while endpoints are attached or for predefined networks. */
  removeNetwork(idOrName: string): Promise<void>;
  /** Checks an endpoint request against the network (exists, not config-only, --ip in subnet) without changing anything. */
  checkEndpoint(ep: EndpointRequest, mode?: string): NetworkSummary;
  /** Joins a running container's sandbox to one more network (connect on a running container). */
  connect(containerId: string, ep: EndpointRequest, ctx: { containerName: string; hostname: string }): Promise<SandboxInfo>;
  /** Leaves one network; the sandbox stays. */
  disconnect(containerId: string, network: string, force?: boolean): Promise<SandboxInfo>;
  /** The current sandbox of a container, if any. */
  sandbox(containerId: string): SandboxInfo | undefined;
  /**
   * Removes the bridge and firewall table. Call it only when asked (daemon shutdown without live-restore and
   * an explicit cleanup); a plain daemon exit just drops the service and leaves bridge and rules in place.
   * Sandboxes still attached are torn down first.
   */
  shutdown(): Promise<void>;
}
