// Flags of `run`/`create` → the exact POST /containers/create body the docker CLI 28 sends (key order and
// null-vs-empty included; see the wire reference §7). Pure apart from reading --env-file/--label-file.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Parsed } from './args.js';
import { parseGoDuration, ramInBytes } from './format/units.js';

export class ConfigError extends Error {}

export interface CreateRequest {
  image: string;
  name?: string;
  platform?: string;
  body: Record<string, unknown>;
}

export interface BuildContext {
  env: NodeJS.ProcessEnv;
  /** [height, width] of the terminal when Tty, else [0, 0]. */
  consoleSize: [number, number];
  /** Set for `run -d` (Attach* and StdinOnce cleared). */
  detach: boolean;
}

const L = (p: Parsed, n: string) => (p.flags[n] as string[] | undefined) ?? [];
const S = (p: Parsed, n: string) => String(p.flags[n] ?? '');
const N = (p: Parsed, n: string) => Number(p.flags[n] ?? 0);
const B = (p: Parsed, n: string) => p.flags[n] === true;

/** opts.ParseEnvFile / label files: KEY=VAL lines, '#' comments, names without '=' looked up in env. */
export function readKvFile(path: string, env: NodeJS.ProcessEnv, lookup: boolean): string[] {
  const out: string[] = [];
  const text = readFileSync(path, 'utf8');
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq) : line;
    if (key === '') throw new ConfigError(`invalid env file (${path}): variable without name on line ${idx + 1}`);
    if (/\s/.test(key)) throw new ConfigError(`variable '${key}' contains whitespaces`);
    if (eq >= 0) out.push(line);
    else if (lookup) { if (env[key] !== undefined) out.push(`${key}=${env[key]}`); }
    else out.push(line);
  });
  return out;
}

/** opts.ValidateEnv: "NAME" alone takes the value from the caller's environment when it exists. */
export function expandEnv(v: string, env: NodeJS.ProcessEnv): string {
  if (v.includes('=')) {
    if (v.startsWith('=')) throw new ConfigError(`invalid environment variable: ${v}`);
    return v;
  }
  return env[v] !== undefined ? `${v}=${env[v]}` : v;
}

export interface PortBinding { HostIp: string; HostPort: string }

function splitProto(s: string): [string, string] {
  const i = s.lastIndexOf('/');
  return i >= 0 ? [s.slice(0, i), s.slice(i + 1).toLowerCase() || 'tcp'] : [s, 'tcp'];
}

function parseRange(s: string, what: string, raw: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new ConfigError(`invalid ${what}: ${raw}`);
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (b < a) throw new ConfigError(`invalid range specified for ${what}: ${raw}`);
  return [a, b];
}

/** nat.ParsePortSpec: [ip:][hostPort:]containerPort[/proto], ranges allowed; returns port key → bindings. */
export function parsePortSpec(spec: string): [string, PortBinding][] {
  const [rest, proto] = splitProto(spec);
  let ip = '';
  let hostPart = '';
  let containerPart = rest;
  let r = rest;
  if (r.startsWith('[')) {
    const end = r.indexOf(']');
    if (end < 0) throw new ConfigError(`invalid IP address: ${spec}`);
    ip = r.slice(1, end);
    r = r.slice(end + 1);
    if (!r.startsWith(':')) throw new ConfigError(`invalid port format: ${spec}`);
    r = r.slice(1);
    const i = r.indexOf(':');
    if (i < 0) throw new ConfigError(`invalid port format: ${spec}`);
    hostPart = r.slice(0, i); containerPart = r.slice(i + 1);
  } else {
    const parts = r.split(':');
    if (parts.length === 1) containerPart = parts[0]!;
    else if (parts.length === 2) { hostPart = parts[0]!; containerPart = parts[1]!; }
    else if (parts.length === 3) { ip = parts[0]!; hostPart = parts[1]!; containerPart = parts[2]!; }
    else {
      // An unbracketed IPv6 address: the last two fields are host and container port.
      containerPart = parts.pop()!; hostPart = parts.pop()!; ip = parts.join(':');
    }
  }
  if (containerPart === '') throw new ConfigError(`no port specified: ${spec}<empty>`);
  if (ip && !/^[0-9.]+$/.test(ip) && !ip.includes(':')) throw new ConfigError(`invalid IP address: ${ip}`);
  const [cs, ce] = parseRange(containerPart, 'containerPort', containerPart);
  let hs = 0, he = 0;
  if (hostPart !== '') [hs, he] = parseRange(hostPart, 'hostPort', hostPart);
  if (hostPart !== '' && (he - hs) !== (ce - cs)) {
    if (he - hs !== 0 || ce - cs !== 0) {
      // A host range for a single container port: docker keeps the range string for the daemon to pick from.
      if (ce === cs) return [[`${cs}/${proto}`, { HostIp: ip, HostPort: hostPart }]];
      throw new ConfigError(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
    }
  }
  const out: [string, PortBinding][] = [];
  for (let k = 0; k <= ce - cs; k++) {
    const hostPort = hostPart === '' ? '' : String(hs + k);
    out.push([`${cs + k}/${proto}`, { HostIp: ip, HostPort: hostPort }]);
  }
  return out;
}

/** --restart: no | always | unless-stopped | on-failure[:max]. */
export function parseRestart(v: string): { Name: string; MaximumRetryCount: number } {
  if (v === '') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = v.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!)) throw new ConfigError(`invalid restart policy format: ${v}`);
  if (count !== undefined) {
    if (name !== 'on-failure') throw new ConfigError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
    if (!/^\d+$/.test(count)) throw new ConfigError(`invalid restart policy format: maximum retry count must be an integer`);
  }
  return { Name: name!, MaximumRetryCount: count !== undefined ? Number(count) : 0 };
}

/** --ulimit name=soft[:hard]. */
export function parseUlimit(v: string): { Name: string; Hard: number; Soft: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(v);
  if (!m) throw new ConfigError(`invalid ulimit argument: ${v}`);
  const soft = Number(m[2]);
  const hard = m[3] !== undefined ? Number(m[3]) : soft;
  if (soft > hard && hard !== -1) throw new ConfigError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: m[1]!, Hard: hard, Soft: soft };
}

/** --device /dev/x[:/dev/y][:rwm]. */
export function parseDevice(v: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = v.split(':');
  let perms = 'rwm';
  let src = parts[0]!;
  let dst = src;
  if (parts.length === 3) { dst = parts[1]!; perms = parts[2]!; }
  else if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1]!)) perms = parts[1]!;
    else dst = parts[1]!;
  } else if (parts.length > 3) throw new ConfigError(`invalid device specification: ${v}`);
  if (src === '') throw new ConfigError(`invalid device specification: ${v}`);
  return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: perms };
}

/** --mount type=bind,source=/a,target=/b,readonly ... → mount.Mount in Go field order. */
export function parseMount(v: string): Record<string, unknown> {
  let type = 'volume';
  let source: string | undefined, target: string | undefined;
  let readOnly = false;
  const bind: Record<string, unknown> = {};
  const vol: Record<string, unknown> = {};
  const tmpfs: Record<string, unknown> = {};
  const volOpts: Record<string, string> = {};
  const volLabels: Record<string, string> = {};
  // docker's mount parser creates VolumeOptions (with an empty DriverConfig) on the first volume-* field.
  let volTouched = false, bindTouched = false, tmpfsTouched = false;
  for (const field of v.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq >= 0 ? field.slice(0, eq) : field).toLowerCase().trim();
    const val = eq >= 0 ? field.slice(eq + 1) : undefined;
    const truthy = () => val === undefined || ['1', 'true'].includes(val.toLowerCase());
    switch (key) {
      case 'type': type = val ?? ''; break;
      case 'source': case 'src': source = val; break;
      case 'target': case 'dst': case 'destination': target = val; break;
      case 'readonly': case 'ro': readOnly = truthy(); break;
      case 'bind-propagation': bindTouched = true; bind.Propagation = val; break;
      case 'bind-nonrecursive': bindTouched = true; bind.NonRecursive = truthy(); break;
      case 'volume-nocopy': volTouched = true; vol.NoCopy = truthy(); break;
      case 'volume-driver': volTouched = true; vol.DriverName = val; break;
      case 'volume-subpath': volTouched = true; vol.Subpath = val; break;
      case 'volume-opt': { volTouched = true; const [k, ...r] = (val ?? '').split('='); volOpts[k!] = r.join('='); break; }
      case 'volume-label': { volTouched = true; const [k, ...r] = (val ?? '').split('='); volLabels[k!] = r.join('='); break; }
      case 'tmpfs-size': tmpfsTouched = true; tmpfs.SizeBytes = ramInBytes(val ?? ''); break;
      case 'tmpfs-mode': tmpfsTouched = true; tmpfs.Mode = parseInt(val ?? '0', 8); break;
      case 'consistency': break;
      default: throw new ConfigError(`invalid field '${key}' must be a key=value pair`);
    }
  }
  if (!target) throw new ConfigError('target is required');
  if (!['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'].includes(type)) throw new ConfigError(`invalid mount type '${type}'`);
  const m: Record<string, unknown> = { Type: type };
  if (source) m.Source = type === 'bind' && !source.startsWith('/') ? resolvePath(source) : source;
  m.Target = target;
  if (readOnly) m.ReadOnly = true;
  if (type !== 'volume' && volTouched) throw new ConfigError(`cannot mix 'volume-*' options with mount type '${type}'`);
  if (type !== 'bind' && bindTouched) throw new ConfigError(`cannot mix 'bind-*' options with mount type '${type}'`);
  if (type !== 'tmpfs' && tmpfsTouched) throw new ConfigError(`cannot mix 'tmpfs-*' options with mount type '${type}'`);
  if (type === 'bind' && Object.keys(bind).length) m.BindOptions = bind;
  if (type === 'volume' && volTouched) {
    // mount.VolumeOptions in Go field order, omitempty; map keys sorted like encoding/json.
    const sorted = (o: Record<string, string>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
    const vo: Record<string, unknown> = {};
    if (vol.NoCopy) vo.NoCopy = true;
    if (Object.keys(volLabels).length) vo.Labels = sorted(volLabels);
    if (vol.Subpath) vo.Subpath = vol.Subpath;
    const driver: Record<string, unknown> = {};
    if (vol.DriverName) driver.Name = vol.DriverName;
    if (Object.keys(volOpts).length) driver.Options = sorted(volOpts);
    vo.DriverConfig = driver;
    m.VolumeOptions = vo;
  }
  if (type === 'tmpfs' && Object.keys(tmpfs).length) m.TmpfsOptions = tmpfs;
  return m;
}

const durationNs = (p: Parsed, name: string): number => {
  const v = S(p, name);
  if (v === '') return 0;
  try { return parseGoDuration(v); } catch { throw new ConfigError(`invalid argument "${v}" for "--${name}" flag: time: invalid duration "${v}"`); }
};

const bytesFlag = (p: Parsed, name: string): number => {
  const v = S(p, name);
  if (v === '') return 0;
  try { return ramInBytes(v); } catch { throw new ConfigError(`invalid argument "${v}" for "--${name}" flag: invalid size: '${v}'`); }
};

function throttle(list: string[], kind: 'rate' | 'iops'): { Path: string; Rate: number }[] {
  return list.map((v) => {
    const i = v.lastIndexOf(':');
    if (i < 0) throw new ConfigError(`bad format: ${v}`);
    const rate = kind === 'rate' ? ramInBytes(v.slice(i + 1)) : Number(v.slice(i + 1));
    return { Path: v.slice(0, i), Rate: rate };
  });
}

/** Build the create request from parsed run/create flags; args[0] is the image, the rest the command. */
export function buildCreateRequest(p: Parsed, ctx: BuildContext): CreateRequest {
  const [image, ...cmd] = p.args;
  if (!image) throw new ConfigError('requires at least 1 argument');
  const env = ctx.env;

  // attach / stdin
  const attach = L(p, 'attach').map((s) => s.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new ConfigError(`valid streams are STDIN, STDOUT and STDERR`);
  let attachStdin = attach.includes('stdin');
  let attachStdout = attach.includes('stdout');
  let attachStderr = attach.includes('stderr');
  const openStdin = B(p, 'interactive');
  if (openStdin) attachStdin = true;
  if (attach.length === 0) { attachStdout = true; attachStderr = true; }
  let stdinOnce = openStdin && attachStdin;
  if (ctx.detach) {
    if (attach.length) throw new ConfigError('Conflicting options: -a and -d');
    attachStdin = attachStdout = attachStderr = false;
    stdinOnce = false;
  }
  const tty = B(p, 'tty');

  // env and labels: files first, then flags (docker's ReadKVEnvStrings order)
  const envList = [
    ...L(p, 'env-file').flatMap((f) => readKvFile(f, env, true)),
    ...L(p, 'env').map((e) => expandEnv(e, env)),
  ];
  const labels: Record<string, string> = {};
  for (const line of [...L(p, 'label-file').flatMap((f) => readKvFile(f, env, false)), ...L(p, 'label')]) {
    const eq = line.indexOf('=');
    if (eq === 0) throw new ConfigError(`invalid label '${line}': empty name`);
    if (eq < 0) labels[line] = ''; else labels[line.slice(0, eq)] = line.slice(eq + 1);
  }

  // ports
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const spec of L(p, 'publish')) {
    for (const [key, b] of parsePortSpec(spec)) {
      exposed[key] = {};
      (bindings[key] ??= []).push(b);
    }
  }
  for (const e of L(p, 'expose')) {
    const [portPart, proto] = splitProto(e);
    const [a, z] = parseRange(portPart, 'range format for --expose', e);
    for (let k = a; k <= z; k++) exposed[`${k}/${proto}`] = {};
  }

  // volumes: anonymous ones go to Volumes, everything with a source to Binds
  const volumes: Record<string, Record<string, never>> = {};
  const binds: string[] = [];
  for (const v of L(p, 'volume')) {
    const parts = splitVolumeSpec(v);
    if (parts.length === 1) { volumes[v] = {}; continue; }
    let host = parts[0]!;
    if (host.startsWith('.')) host = resolvePath(host);
    binds.push([host, ...parts.slice(1)].join(':'));
  }

  const tmpfs: Record<string, string> = {};
  for (const t of L(p, 'tmpfs')) {
    const i = t.indexOf(':');
    if (i < 0) tmpfs[t] = ''; else tmpfs[t.slice(0, i)] = t.slice(i + 1);
  }
  const sysctls: Record<string, string> = {};
  for (const s of L(p, 'sysctl')) {
    const i = s.indexOf('=');
    if (i <= 0) throw new ConfigError(`invalid argument "${s}" for "--sysctl" flag: sysctl '${s}' is not allowed`);
    sysctls[s.slice(0, i)] = s.slice(i + 1);
  }
  const logOpts: Record<string, string> = {};
  for (const o of L(p, 'log-opt')) {
    const i = o.indexOf('=');
    if (i <= 0) throw new ConfigError(`invalid key value pair format in logging opts`);
    logOpts[o.slice(0, i)] = o.slice(i + 1);
  }
  const storageOpt: Record<string, string> = {};
  for (const o of L(p, 'storage-opt')) {
    const i = o.indexOf('=');
    if (i <= 0) throw new ConfigError(`invalid storage option`);
    storageOpt[o.slice(0, i)] = o.slice(i + 1);
  }
  const annotations: Record<string, string> = {};
  for (const o of L(p, 'annotation')) {
    const i = o.indexOf('=');
    if (i <= 0) throw new ConfigError(`invalid key value pair: ${o}`);
    annotations[o.slice(0, i)] = o.slice(i + 1);
  }

  const restart = parseRestart(S(p, 'restart'));
  const autoRemove = B(p, 'rm');
  if (autoRemove && restart.Name !== 'no') throw new ConfigError('Conflicting options: cannot specify both --restart and --rm');

  // healthcheck
  let healthcheck: Record<string, unknown> | undefined;
  const healthSet = ['health-cmd', 'health-interval', 'health-timeout', 'health-start-period', 'health-start-interval', 'health-retries']
    .some((n) => p.changed.has(n));
  if (B(p, 'no-healthcheck')) {
    if (healthSet) throw new ConfigError('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (healthSet) {
    healthcheck = {};
    if (S(p, 'health-cmd') !== '') healthcheck.Test = ['CMD-SHELL', S(p, 'health-cmd')];
    const add = (k: string, flag: string) => { const ns = durationNs(p, flag); if (ns < 0) throw new ConfigError(`--${flag} cannot be negative`); if (ns) healthcheck![k] = ns; };
    add('Interval', 'health-interval');
    add('Timeout', 'health-timeout');
    add('StartPeriod', 'health-start-period');
    add('StartInterval', 'health-start-interval');
    if (N(p, 'health-retries')) healthcheck.Retries = N(p, 'health-retries');
  }

  let entrypoint: string[] | null = null;
  if (S(p, 'entrypoint') !== '') entrypoint = [S(p, 'entrypoint')];
  else if (p.changed.has('entrypoint')) entrypoint = [''];

  // networking
  const networks = [...L(p, 'network'), ...L(p, 'net')];
  const networkMode = networks[0] ?? 'default';
  const aliases = [...L(p, 'network-alias'), ...L(p, 'net-alias')];
  const endpoints: Record<string, unknown> = {};
  for (const [idx, n] of (networks.length ? networks : ['default']).entries()) {
    const ipam: Record<string, unknown> = {};
    if (idx === 0) {
      if (S(p, 'ip')) ipam.IPv4Address = S(p, 'ip');
      if (S(p, 'ip6')) ipam.IPv6Address = S(p, 'ip6');
      if (L(p, 'link-local-ip').length) ipam.LinkLocalIPs = L(p, 'link-local-ip');
    }
    endpoints[n] = {
      IPAMConfig: Object.keys(ipam).length ? ipam : null,
      Links: idx === 0 && L(p, 'link').length && n !== 'default' && n !== 'bridge' ? L(p, 'link') : null,
      Aliases: idx === 0 && aliases.length ? aliases : null,
      MacAddress: idx === 0 ? S(p, 'mac-address') : '',
      DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
      IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
    };
  }

  const caps = effectiveCaps(L(p, 'cap-add'), L(p, 'cap-drop'));
  const memorySwap = S(p, 'memory-swap') === '-1' ? -1 : bytesFlag(p, 'memory-swap');
  const cpus = Number(p.flags.cpus ?? 0);

  const config: Record<string, unknown> = {
    Hostname: S(p, 'hostname'), Domainname: S(p, 'domainname'), User: S(p, 'user'),
    AttachStdin: attachStdin, AttachStdout: attachStdout, AttachStderr: attachStderr,
  };
  if (Object.keys(exposed).length) config.ExposedPorts = exposed;
  Object.assign(config, {
    Tty: tty, OpenStdin: openStdin, StdinOnce: stdinOnce,
    Env: envList.length ? envList : null,
    Cmd: cmd.length ? cmd : null,
  });
  if (healthcheck) config.Healthcheck = healthcheck;
  Object.assign(config, { Image: image, Volumes: volumes, WorkingDir: S(p, 'workdir'), Entrypoint: entrypoint, OnBuild: null, Labels: labels });
  if (S(p, 'stop-signal')) config.StopSignal = S(p, 'stop-signal');
  if (p.changed.has('stop-timeout')) config.StopTimeout = N(p, 'stop-timeout');

  const host: Record<string, unknown> = {
    Binds: binds.length ? binds : null,
    ContainerIDFile: S(p, 'cidfile'),
    LogConfig: { Type: S(p, 'log-driver'), Config: logOpts },
    NetworkMode: networkMode,
    PortBindings: bindings,
    RestartPolicy: restart,
    AutoRemove: autoRemove,
    VolumeDriver: S(p, 'volume-driver'),
    VolumesFrom: L(p, 'volumes-from').length ? L(p, 'volumes-from') : null,
    ConsoleSize: tty ? ctx.consoleSize : [0, 0],
  };
  if (Object.keys(annotations).length) host.Annotations = annotations;
  Object.assign(host, {
    CapAdd: caps.add,
    CapDrop: caps.drop,
    CgroupnsMode: S(p, 'cgroupns'),
    Dns: L(p, 'dns'), DnsOptions: [...L(p, 'dns-option'), ...L(p, 'dns-opt')], DnsSearch: L(p, 'dns-search'),
    ExtraHosts: L(p, 'add-host').length ? L(p, 'add-host').map(normalizeAddHost) : null,
    GroupAdd: L(p, 'group-add').length ? L(p, 'group-add') : null,
    IpcMode: S(p, 'ipc'), Cgroup: '',
    Links: L(p, 'link').length ? L(p, 'link') : null,
    OomScoreAdj: N(p, 'oom-score-adj'), PidMode: S(p, 'pid'),
    Privileged: B(p, 'privileged'), PublishAllPorts: B(p, 'publish-all'), ReadonlyRootfs: B(p, 'read-only'),
    SecurityOpt: L(p, 'security-opt').length ? L(p, 'security-opt') : null,
  });
  if (Object.keys(storageOpt).length) host.StorageOpt = storageOpt;
  if (Object.keys(tmpfs).length) host.Tmpfs = tmpfs;
  Object.assign(host, { UTSMode: S(p, 'uts'), UsernsMode: S(p, 'userns'), ShmSize: bytesFlag(p, 'shm-size') });
  if (Object.keys(sysctls).length) host.Sysctls = sysctls;
  if (S(p, 'runtime')) host.Runtime = S(p, 'runtime');
  Object.assign(host, {
    Isolation: S(p, 'isolation'),
    CpuShares: N(p, 'cpu-shares'), Memory: bytesFlag(p, 'memory'), NanoCpus: Math.round(cpus * 1e9),
    CgroupParent: S(p, 'cgroup-parent'), BlkioWeight: N(p, 'blkio-weight'),
    BlkioWeightDevice: L(p, 'blkio-weight-device').map((v) => { const i = v.lastIndexOf(':'); return { Path: v.slice(0, i), Weight: Number(v.slice(i + 1)) }; }),
    BlkioDeviceReadBps: throttle(L(p, 'device-read-bps'), 'rate'),
    BlkioDeviceWriteBps: throttle(L(p, 'device-write-bps'), 'rate'),
    BlkioDeviceReadIOps: throttle(L(p, 'device-read-iops'), 'iops'),
    BlkioDeviceWriteIOps: throttle(L(p, 'device-write-iops'), 'iops'),
    CpuPeriod: N(p, 'cpu-period'), CpuQuota: N(p, 'cpu-quota'),
    CpuRealtimePeriod: N(p, 'cpu-rt-period'), CpuRealtimeRuntime: N(p, 'cpu-rt-runtime'),
    CpusetCpus: S(p, 'cpuset-cpus'), CpusetMems: S(p, 'cpuset-mems'),
    Devices: L(p, 'device').map(parseDevice),
    DeviceCgroupRules: L(p, 'device-cgroup-rule').length ? L(p, 'device-cgroup-rule') : null,
    DeviceRequests: null,
    MemoryReservation: bytesFlag(p, 'memory-reservation'), MemorySwap: memorySwap,
    MemorySwappiness: N(p, 'memory-swappiness'), OomKillDisable: B(p, 'oom-kill-disable'),
    PidsLimit: N(p, 'pids-limit'),
    Ulimits: L(p, 'ulimit').map(parseUlimit),
    CpuCount: N(p, 'cpu-count'), CpuPercent: N(p, 'cpu-percent'),
    IOMaximumIOps: N(p, 'io-maxiops'), IOMaximumBandwidth: bytesFlag(p, 'io-maxbandwidth'),
  });
  if (L(p, 'mount').length) host.Mounts = L(p, 'mount').map(parseMount);
  Object.assign(host, { MaskedPaths: null, ReadonlyPaths: null });
  if (p.changed.has('init')) host.Init = B(p, 'init');

  config.HostConfig = host;
  config.NetworkingConfig = { EndpointsConfig: endpoints };

  const req: CreateRequest = { image, body: config };
  if (S(p, 'name')) req.name = S(p, 'name');
  if (S(p, 'platform')) req.platform = S(p, 'platform');
  return req;
}

/** The docker CLI's capability normalisation: upper case, CAP_ prefix (ALL stays), duplicates dropped, sorted (no
 * trimming); the daemon resolves ALL and add/drop overlaps. */
export function effectiveCaps(add: string[], drop: string[]): { add: string[] | null; drop: string[] | null } {
  const norm = (list: string[]) => {
    const out = new Set(list.map((c) => {
      const n = c.toUpperCase();
      return n === 'ALL' || n.startsWith('CAP_') ? n : 'CAP_' + n;
    }));
    return out.size ? [...out].sort() : null;
  };
  return { add: norm(add), drop: norm(drop) };
}

/** docker 28 accepts host=ip as well as host:ip; the daemon gets host:ip. */
function normalizeAddHost(v: string): string {
  const eq = v.indexOf('=');
  if (eq > 0) return `${v.slice(0, eq)}:${v.slice(eq + 1)}`;
  return v;
}

/** Split a -v spec on ':' (a Windows-free world: no drive letters). */
function splitVolumeSpec(v: string): string[] {
  return v.split(':');
}
