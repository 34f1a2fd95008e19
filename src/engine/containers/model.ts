// The engine's container record. Docker's loose State booleans are derived from one status union
// whose transitions are checked in one table.
import type { SandboxInfo } from '../../network/types.js';
import type { MountPoint } from './mounts.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

const transitions: Record<ContainerStatus, ContainerStatus[]> = {
  created: ['running', 'removing', 'dead', 'created', 'exited'],
  running: ['paused', 'exited', 'restarting', 'removing', 'dead'],
  paused: ['running', 'exited', 'removing', 'dead'],
  restarting: ['running', 'exited', 'removing', 'dead', 'restarting'],
  exited: ['running', 'restarting', 'removing', 'dead', 'exited'],
  removing: ['dead', 'exited', 'created'],
  dead: ['removing'],
};

export function canTransition(from: ContainerStatus, to: ContainerStatus): boolean {
  return transitions[from].includes(to);
}

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  startedAt: string;
  finishedAt: string;
  oomKilled: boolean;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Docker's container Config (the create body minus HostConfig/NetworkingConfig), merged with image defaults. */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Healthcheck?: unknown;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
}

export interface RestartPolicy { Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount: number }

/** HostConfig is kept as Docker's JSON object (validated at create); the engine reads the fields it supports. */
export type HostConfig = Record<string, unknown> & {
  RestartPolicy: RestartPolicy;
  AutoRemove: boolean;
  NetworkMode: string;
  Init?: boolean | null;
  Privileged: boolean;
};

export interface ContainerRecord {
  id: string;
  name: string;              // with the leading slash, as Docker stores it
  created: string;
  path: string;
  args: string[];
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  networkingConfig: { EndpointsConfig?: Record<string, unknown> };
  state: ContainerState;
  restartCount: number;
  /** The user stopped it (stop/kill via API): unless-stopped and daemon restarts honour this. */
  manuallyStopped: boolean;
  hasBeenStarted: boolean;
  logPath: string;
  sandbox?: SandboxInfo;
  execIds: string[];
  /** Volumes, binds and --mount tmpfs of the container (Docker's MountPoints), resolved at create. */
  mountPoints?: MountPoint[];
}

export interface DerivedState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export function derivedState(c: ContainerRecord): DerivedState {
  const s = c.state;
  return {
    Status: s.status,
    Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting' && s.pid > 0,
    Paused: s.status === 'paused',
    Restarting: s.status === 'restarting',
    OOMKilled: s.oomKilled,
    Dead: s.status === 'dead',
    Pid: s.pid,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt,
    FinishedAt: s.finishedAt,
  };
}

export const isActive = (c: ContainerRecord) => c.state.status === 'running' || c.state.status === 'paused';
