// The runtime's contract with the engine: build an OCI spec, run it under conmon + runc, and report exits.
// Implemented in src/runtime/. Knows nothing of HTTP, images or networks beyond the inputs below.
import type { Duplex } from 'node:stream';

/** What the engine knows about a container when it asks for its OCI spec. */
export interface SpecInput {
  containerId: string;
  /** Mounted overlay root (merged dir). */
  rootfs: string;
  readonlyRootfs: boolean;
  /** Final argv (Entrypoint + Cmd already combined by the engine, see runtime/args.ts helpers). */
  args: string[];
  env: string[];             // image env overridden by create env; PATH default added by the builder if missing
  workingDir: string;        // '' → '/'
  user: string;              // '' | name | uid | name:group | uid:gid ; resolved against rootfs /etc/passwd & /etc/group
  groupAdd?: string[];
  hostname: string;
  domainname?: string;
  tty: boolean;
  openStdin: boolean;
  /** Path of the network namespace to join; undefined = new private netns (none mode); 'host' = host netns. */
  netns: string | 'host' | undefined;
  privileged: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** Extra bind mounts (resolv.conf, hosts, hostname, volumes later). */
  mounts: Array<{
    destination: string; source: string; type: string; options: string[];
    /** Read-only bind to make recursively read-only (`rro`): demanded, or only where the host supports it. */
    recursiveReadOnly?: 'force' | 'if-possible';
  }>;
  init: boolean;             // --init: tini/catatonit becomes PID 1
  initPath?: string;         // host path of the init binary (bind-mounted at /sbin/docker-init)
  shmSize?: number;          // bytes; default 64 MiB
  cgroupsPath: string;       // e.g. "berth-<daemon>/<id>" or "/berth/<id>"
  resources?: ResourceLimits;
  ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  sysctls?: Record<string, string>;
  oomScoreAdj?: number;
  securityOpt?: string[];
  maskedPaths?: string[] | null;
  readonlyPaths?: string[] | null;
  /** --device host[:container][:perms], resolved against the host's /dev by the builder. */
  devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }>;
  /** --device-cgroup-rule 'c 1:3 rwm'. */
  deviceCgroupRules?: string[];
  /** Namespaces shared instead of created: 'host' or a /proc/<pid>/ns/<type> path; absent = private. */
  ipc?: 'host' | 'none' | { path: string; shmPath?: string };
  pid?: 'host' | { path: string };
  uts?: 'host';
  /** --userns-remap mappings (absent: no user namespace). */
  idMappings?: { uid: IdMap[]; gid: IdMap[] };
  /**
   * With idMappings: join this pinned user namespace (it has those mappings and owns `netns`) instead of having
   * runc create one. runc 1.1 still needs the mappings in the spec (host-root lookups), not to write them.
   */
  usernsPath?: string;
}

export interface IdMap { containerID: number; hostID: number; size: number }

export interface ResourceLimits {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  nanoCpus?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  memorySwappiness?: number;
  oomKillDisable?: boolean;
  blkioWeight?: number;
  blkioWeightDevice?: Array<{ Path: string; Weight: number }>;
  blkioDeviceReadBps?: ThrottleDevice[];
  blkioDeviceWriteBps?: ThrottleDevice[];
  blkioDeviceReadIOps?: ThrottleDevice[];
  blkioDeviceWriteIOps?: ThrottleDevice[];
}

/** Docker's throttle entry: a host device path and a rate (bytes or operations per second). */
export interface ThrottleDevice { Path: string; Rate: number }

export interface ExecSpecInput {
  args: string[];
  env: string[];
  workingDir: string;
  user: string;
  tty: boolean;
  privileged: boolean;
}

/** A live attach to a container's or exec's stdio via conmon. */
export interface AttachSession {
  /** Output chunks as they come from conmon (stream 1 = stdout, 2 = stderr; with a TTY always 1). */
  onOutput(cb: (stream: 1 | 2, data: Buffer) => void): void;
  /** Called once when the output side ends (process exited / conmon closed the socket). */
  onClose(cb: () => void): void;
  writeStdin(data: Buffer): void;
  /** Closes the process's stdin (client half-closed). */
  closeStdin(): void;
  /** Detaches without affecting the process. */
  close(): void;
}

export interface ExitInfo { exitCode: number; finishedAt: string; oomKilled: boolean }

export interface CreateOptions {
  id: string;
  spec: object;              // the OCI spec from buildSpec()
  bundleDir: string;         // where config.json goes
  logPath: string;           // conmon k8s-file log
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  /** Max size of the container log in bytes before rotation (0 = unlimited). */
  logSizeMax?: number;
}

export interface ExecOptions {
  containerId: string;
  execId: string;
  process: ExecSpecInput;
  /** Whether the caller wants stdin/out attached; false for detached exec. */
  attach: boolean;
  openStdin: boolean;
}

export interface ExecHandle {
  /** Host PID of the exec'd process (0 when unknown). */
  pid: number;
  /** Available when opts.attach was true. */
  attach?: AttachSession;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number>;
  resize(height: number, width: number): Promise<void>;
}

export interface ContainerStats {
  read: string;
  cpuTotal: number; cpuKernel: number; cpuUser: number; percpu: number[]; systemCpu: number; onlineCpus: number;
  throttling: { periods: number; throttled_periods: number; throttled_time: number };
  memUsage: number; memMaxUsage: number; memLimit: number; memStats: Record<string, number>;
  pids: number; pidsLimit?: number;
  blkio: Array<{ major: number; minor: number; op: string; value: number }>;
}

/** conmon + runc driver. One per daemon, configured with its own runc --root and directories. */
export interface Runtime {
  /** Starts conmon which runs `runc create`; resolves when the container process exists (paused before exec). Returns its host PID. */
  create(opts: CreateOptions): Promise<{ pid: number }>;
  /** `runc start`: the user process begins. */
  start(id: string): Promise<void>;
  kill(id: string, signal: number): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Removes runc state, conmon files and the bundle; safe to call repeatedly and on half-created containers. */
  delete(id: string): Promise<void>;
  /** runc's view: 'created'|'running'|'paused'|'stopped'|undefined when unknown to runc. */
  state(id: string): Promise<{ status: string; pid: number } | undefined>;
  attach(id: string): Promise<AttachSession>;
  resize(id: string, height: number, width: number): Promise<void>;
  exec(opts: ExecOptions): Promise<ExecHandle>;
  /** Called for every container exit conmon reports (also exits that happened while the daemon was down). */
  onExit(cb: (id: string, info: ExitInfo) => void): void;
  /** Reads conmon's exit file if the container already exited (startup reconciliation). */
  exitInfo(id: string): Promise<ExitInfo | undefined>;
  /** PIDs inside the container (host view) for `top`. */
  pids(id: string): Promise<number[]>;
  stats(id: string): Promise<ContainerStats>;
  /** Lists container IDs runc knows under our --root. */
  list(): Promise<string[]>;
  /** Applies new limits to a running container (`docker update`). */
  update(id: string, resources: ResourceLimits): Promise<void>;
}

/** Host facts the spec builder needs; read once by probeHost() (src/runtime/host-info.ts), faked in tests. */
export interface HostInfo {
  /** Capability names (CAP_*) in this process's bounding set: what `--privileged` may ask runc for. */
  capBounding: string[];
  /** Hard RLIMIT_NOFILE of the daemon; caps Docker's default of 1048576. */
  nofileHard: number;
  /** Whether the memory cgroup accepts a swap limit (memory.memsw.* on v1, memory.swap.max on v2). */
  swapLimit: boolean;
  /** Sysctl names that exist on this kernel (only those Docker adds by default are probed). */
  sysctls: string[];
  /** /sys/devices/system/cpu/cpuN/thermal_throttle paths that exist (Docker masks them). */
  thermalThrottlePaths: string[];
  /** Whether blkio weights can be set (v1 blkio.weight / blkio.bfq.weight, v2 io.weight / io.bfq.weight). */
  blkioWeight?: boolean;
  /** 'v1' (this host: cgroup v1 controllers) or 'v2' (unified hierarchy). */
  cgroupVersion?: 'v1' | 'v2';
  /** AppArmor enabled on the host (/sys/module/apparmor/parameters/enabled = Y). */
  apparmor?: boolean;
  /** Kernel version as [major, minor] (seccomp rules with minKernel). */
  kernel?: [number, number];
  /** Why recursively read-only mounts (runc's `rro`, mount_setattr) cannot be made here; absent when they can. */
  rroUnsupported?: string;
  /** Character and block devices under /dev, for `--privileged`. */
  devices: Array<{ path: string; type: 'c' | 'b'; major: number; minor: number; fileMode: number; uid: number; gid: number }>;
}
