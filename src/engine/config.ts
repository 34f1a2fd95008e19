// The daemon's resolved configuration: defaults < daemon.json < flags. Parsed in src/daemon/config-load.ts.
// Every path, socket, bridge name, subnet and firewall table comes from here so daemons can run side by side.

export interface DaemonConfig {
  /** Listen addresses, e.g. unix:///run/berth/berth.sock, tcp://0.0.0.0:2376 */
  hosts: string[];
  dataRoot: string;          // /var/lib/berth
  execRoot: string;          // /run/berth
  pidfile: string;           // /run/berth/berthd.pid  (dockerd: /var/run/docker.pid)
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  liveRestore: boolean;
  defaultRuntime: string;    // 'runc'
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  /** Device name of the default bridge (dockerd --bridge); default 'berth0'. */
  bridge: string;
  /** Address/CIDR of the default bridge (dockerd --bip), '' = first free /16 from Docker's pools. */
  bip: string;
  fixedCidr: string;
  defaultAddressPools: Array<{ base: string; size: number }>;
  iptables: boolean;         // false: berthd installs no firewall rules at all
  ipForward: boolean;
  ipMasq: boolean;
  /** nftables table name owned by this daemon (berth-specific; default 'berth'). */
  firewallTable: string;
  /** cgroup parent for containers (dockerd --cgroup-parent); default 'berth'. */
  cgroupParent: string;
  /** Unix socket group (dockerd -G/--group); '' = root only. */
  group: string;
  mtu: number;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  defaultUlimits: Record<string, { Name: string; Soft: number; Hard: number }>;
  shutdownTimeout: number;   // seconds to wait for containers at shutdown
  tls: boolean;
  tlsVerify: boolean;
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
  /** Path of tini/catatonit for --init ('' = search PATH). */
  initPath: string;
  conmonPath: string;        // '' = search PATH
  experimental: boolean;
  labels: string[];
  /** dockerd --userns-remap: '' (off), 'default', 'user', 'user:group', 'uid', 'uid:gid'. */
  usernsRemap: string;
  /** Resolved by the engine at start when usernsRemap is set (not a flag): mappings and the remapped root. */
  userns?: {
    uidMaps: Array<{ containerID: number; hostID: number; size: number }>;
    gidMaps: Array<{ containerID: number; hostID: number; size: number }>;
    rootUid: number;
    rootGid: number;
  };
}

export const defaultConfig = (): DaemonConfig => ({
  hosts: ['unix:///run/berth/berth.sock'],
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  pidfile: '/run/berth/berthd.pid',
  logLevel: 'info',
  liveRestore: false,
  defaultRuntime: 'runc',
  runtimes: { runc: { path: 'runc' } },
  bridge: 'berth0',
  bip: '',
  fixedCidr: '',
  defaultAddressPools: [
    { base: '172.17.0.0/16', size: 16 }, { base: '172.18.0.0/16', size: 16 }, { base: '172.19.0.0/16', size: 16 },
    { base: '172.20.0.0/14', size: 16 }, { base: '172.24.0.0/14', size: 16 }, { base: '172.28.0.0/14', size: 16 },
    { base: '192.168.0.0/16', size: 20 },
  ],
  iptables: true,
  ipForward: true,
  ipMasq: true,
  firewallTable: 'berth',
  cgroupParent: 'berth',
  group: '',
  mtu: 1500,
  dns: [],
  dnsSearch: [],
  dnsOptions: [],
  defaultUlimits: {},
  shutdownTimeout: 15,
  tls: false,
  tlsVerify: false,
  tlsCaCert: '',
  tlsCert: '',
  tlsKey: '',
  initPath: '',
  conmonPath: '',
  experimental: false,
  labels: [],
  usernsRemap: '',
});
