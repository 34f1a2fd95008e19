// Turns a create request (Docker's Config + HostConfig) and the image into the container's stored config,
// applying Docker's merge rules (env, entrypoint/cmd, labels, working dir, ...).
import { invalid } from '../../lib/errors.js';
import type { Image } from '../images/types.js';
import type { ContainerConfig, HostConfig } from './model.js';
import { validateRestartPolicy } from './restart-policy.js';
import { parseSignal } from '../../lib/signals.js';

export interface CreateRequest {
  config: Record<string, unknown>;
  hostConfig: Record<string, unknown>;
  networkingConfig: Record<string, unknown>;
}

/** Splits the create body into its three parts, checking the types of the fields we read. */
export function parseCreateBody(body: unknown): CreateRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('invalid JSON: expected an object');
  const b = body as Record<string, unknown>;
  const { HostConfig, NetworkingConfig, ...config } = b;
  const hostConfig = (HostConfig ?? {}) as Record<string, unknown>;
  if (typeof hostConfig !== 'object' || Array.isArray(hostConfig)) throw invalid('json: cannot unmarshal into Go struct field .HostConfig of type container.HostConfig');
  checkTypes(config, { Hostname: 'string', Domainname: 'string', User: 'string', Image: 'string', WorkingDir: 'string', StopSignal: 'string',
    AttachStdin: 'boolean', AttachStdout: 'boolean', AttachStderr: 'boolean', Tty: 'boolean', OpenStdin: 'boolean', StdinOnce: 'boolean',
    Env: 'string[]', Cmd: 'string[]|string', Entrypoint: 'string[]|string', Labels: 'object', ExposedPorts: 'object', Volumes: 'object', StopTimeout: 'number' }, 'container.Config');
  checkTypes(hostConfig, { NetworkMode: 'string', AutoRemove: 'boolean', Privileged: 'boolean', Binds: 'string[]', CapAdd: 'string[]', CapDrop: 'string[]',
    Memory: 'number', NanoCpus: 'number', CpuShares: 'number', PidsLimit: 'number', ReadonlyRootfs: 'boolean', ShmSize: 'number', RestartPolicy: 'object',
    Init: 'boolean', Dns: 'string[]', DnsSearch: 'string[]', DnsOptions: 'string[]', ExtraHosts: 'string[]', GroupAdd: 'string[]', SecurityOpt: 'string[]' }, 'container.HostConfig');
  return { config, hostConfig, networkingConfig: (NetworkingConfig ?? {}) as Record<string, unknown> };
}

function checkTypes(obj: Record<string, unknown>, spec: Record<string, string>, goType: string): void {
  for (const [key, want] of Object.entries(spec)) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    const ok = want.split('|').some((w) => {
      if (w === 'string[]') return Array.isArray(v) && v.every((x) => typeof x === 'string');
      if (w === 'object') return typeof v === 'object' && !Array.isArray(v);
      return typeof v === w;
    });
    if (!ok) throw invalid(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go struct field ${goType}.${key} of type ${want.replace('[]', '')}`);
  }
}

const strArr = (v: unknown): string[] | null => Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : null;

/** Docker's env merge: image values first, overridden by create values with the same key. */
export function mergeEnv(imageEnv: string[], createEnv: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...imageEnv, ...createEnv]) {
    const i = e.indexOf('=');
    out.set(i < 0 ? e : e.slice(0, i), e);
  }
  return [...out.values()];
}

export function buildContainerConfig(req: CreateRequest, image: Image, id: string): { config: ContainerConfig; path: string; args: string[] } {
  const c = req.config;
  const ic = image.config;
  let entrypoint = strArr(c.Entrypoint);
  let cmd = strArr(c.Cmd);
  if (entrypoint && entrypoint.length === 1 && entrypoint[0] === '') entrypoint = [];
  if (entrypoint === null) {
    entrypoint = ic.Entrypoint ?? null;
    if (cmd === null || cmd.length === 0) cmd = ic.Cmd ?? null;
  }
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw invalid('No command specified');
  const workingDir = (c.WorkingDir as string) || ic.WorkingDir || '';
  if (workingDir && !workingDir.startsWith('/')) throw invalid(`the working directory '${workingDir}' is invalid, it needs to be an absolute path`);
  const stopSignal = (c.StopSignal as string) || ic.StopSignal || undefined;
  if (stopSignal) parseSignal(stopSignal);
  const config: ContainerConfig = {
    Hostname: (c.Hostname as string) || id.slice(0, 12),
    Domainname: (c.Domainname as string) ?? '',
    User: (c.User as string) || ic.User || '',
    AttachStdin: !!c.AttachStdin,
    AttachStdout: !!c.AttachStdout,
    AttachStderr: !!c.AttachStderr,
    ExposedPorts: { ...(ic.ExposedPorts ?? {}), ...((c.ExposedPorts as Record<string, object>) ?? {}) },
    Tty: !!c.Tty,
    OpenStdin: !!c.OpenStdin,
    StdinOnce: !!c.StdinOnce,
    Env: mergeEnv(ic.Env ?? [], strArr(c.Env) ?? []),
    Cmd: cmd,
    Image: (c.Image as string) ?? '',
    Volumes: { ...(ic.Volumes ?? {}), ...((c.Volumes as Record<string, object>) ?? {}) },
    WorkingDir: workingDir,
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: { ...(ic.Labels ?? {}), ...((c.Labels as Record<string, string>) ?? {}) },
    StopSignal: stopSignal,
    StopTimeout: typeof c.StopTimeout === 'number' ? c.StopTimeout : undefined,
    Healthcheck: c.Healthcheck ?? ic.Healthcheck,
    MacAddress: typeof c.MacAddress === 'string' ? c.MacAddress : undefined,
  };
  if (config.ExposedPorts && Object.keys(config.ExposedPorts).length === 0) delete config.ExposedPorts;
  return { config, path: argv[0], args: argv.slice(1) };
}

export function buildHostConfig(raw: Record<string, unknown>): HostConfig {
  const autoRemove = !!raw.AutoRemove;
  const restart = validateRestartPolicy(raw.RestartPolicy, autoRemove);
  let networkMode = (raw.NetworkMode as string) || 'default';
  if (networkMode === 'default') networkMode = 'bridge';
  return {
    ...raw,
    NetworkMode: networkMode,
    RestartPolicy: { Name: restart.Name || 'no', MaximumRetryCount: restart.MaximumRetryCount },
    AutoRemove: autoRemove,
    Privileged: !!raw.Privileged,
    Init: raw.Init === undefined ? null : (raw.Init as boolean | null),
    // On disk the log is conmon's k8s-file; clients (compose, SDKs) only serve logs for the drivers they know.
    LogConfig: { Type: 'json-file', Config: {} },
  };
}
