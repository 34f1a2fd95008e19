// version, info, events, system df, system prune, container prune, image prune.
import { rawLines } from '../../client/json-lines.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import { CLIENT_MAX_API_VERSION } from '../../client/api-client.js';
import { bool, CLI_VERSION, formatFlag, list, StatusError, str, type Cli, type Command } from '../cli.js';
import { formatOne, formatRows } from '../format/docker-format.js';
import { tabwrite } from '../format/tabwriter.js';
import { Template } from '../format/template.js';
import { DOCKER_FUNCS } from '../format/docker-format.js';
import { bytesSize, getTimestamp, humanSize } from '../format/units.js';
import { filtersJson } from '../filters.js';
import { confirm } from '../prompt.js';

const help = { name: 'help', type: 'bool' as const, desc: 'Print usage' };

// ---------- version ----------

const VERSION_TEMPLATE = `{{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Go version:\t{{.GoVersion}}
 Git commit:\t{{.GitCommit}}
 Built:\t{{.BuildTime}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
{{- end}}

{{- if .ServerOK}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- $detailsOrder := getDetailsOrder $component}}
  {{- range $key := $detailsOrder}}
  {{$key}}:\t{{index $component.Details $key}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`;

/** Add Go field-name aliases (APIVersion for ApiVersion) without changing what {{json .}} prints. */
function withGoNames<T extends object>(o: T): T {
  const rec = o as Record<string, unknown>;
  if ('ApiVersion' in rec && !('APIVersion' in rec)) Object.defineProperty(o, 'APIVersion', { value: rec.ApiVersion, enumerable: false });
  return o;
}

export const version: Command = {
  spec: {
    name: 'version', usage: '[OPTIONS]', desc: 'Show the Docker version information', maxArgs: 0,
    flags: [{ name: 'format', short: 'f', type: 'string', desc: 'Format output using a custom template' }, help],
  },
  async run(cli, p) {
    const client = cli.client;
    let apiVersion = CLIENT_MAX_API_VERSION;
    let server: Record<string, unknown> | null = null;
    let serverErr: unknown;
    try {
      apiVersion = await client.apiVersion();
      server = withGoNames(await client.json<Record<string, unknown>>('GET', '/version'));
    } catch (e) { serverErr = e; }
    const clientInfo = withGoNames({
      Version: CLI_VERSION, ApiVersion: apiVersion, DefaultAPIVersion: CLIENT_MAX_API_VERSION, GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`, Os: process.platform, Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      BuildTime: '', Context: 'default',
    } as Record<string, unknown>);
    Object.defineProperty(clientInfo, 'Platform', { value: { Name: '' }, enumerable: false });
    const data = { Client: clientInfo, Server: server };
    Object.defineProperty(data, 'ServerOK', { value: server !== null, enumerable: false });
    const format = str(p, 'format');
    let out: string;
    if (format) {
      try { out = formatOne(format === 'json' ? '{{json .}}' : format, data) + '\n'; } catch (e) { throw new StatusError(1, (e as Error).message); }
    } else {
      const t = new Template(VERSION_TEMPLATE, {
        ...DOCKER_FUNCS,
        getDetailsOrder: (c: { Details?: Record<string, string> }) => Object.keys(c.Details ?? {}).sort(),
      });
      out = tabwrite(t.execute(data) + '\n', { minWidth: 20, padding: 1 });
    }
    cli.out(out);
    if (serverErr) throw serverErr;
    return 0;
  },
};

// ---------- info ----------

function line(k: string, v: unknown, indent = ' '): string { return `${indent}${k}: ${v}\n`; }

function renderInfo(i: Record<string, any>): string {
  let s = 'Server:\n';
  s += line('Containers', i.Containers ?? 0);
  s += line('Running', i.ContainersRunning ?? 0, '  ') + line('Paused', i.ContainersPaused ?? 0, '  ') + line('Stopped', i.ContainersStopped ?? 0, '  ');
  s += line('Images', i.Images ?? 0);
  s += line('Server Version', i.ServerVersion ?? '');
  if (i.Driver) {
    s += line('Storage Driver', i.Driver);
    for (const [k, v] of (i.DriverStatus ?? []) as [string, string][]) s += line(k, v, '  ');
  }
  if (i.LoggingDriver) s += line('Logging Driver', i.LoggingDriver);
  if (i.CgroupDriver) s += line('Cgroup Driver', i.CgroupDriver);
  if (i.CgroupVersion) s += line('Cgroup Version', i.CgroupVersion);
  if (i.Plugins) {
    s += ' Plugins:\n';
    for (const k of ['Volume', 'Network', 'Authorization', 'Log']) {
      const v = i.Plugins[k];
      if (v && v.length) s += line(k, v.join(' '), '  ');
    }
  }
  s += line('Swarm', i.Swarm?.LocalNodeState || 'inactive');
  if (i.Runtimes) s += line('Runtimes', Object.keys(i.Runtimes).sort().join(' '));
  if (i.DefaultRuntime) s += line('Default Runtime', i.DefaultRuntime);
  if (i.InitBinary) s += line('Init Binary', i.InitBinary);
  if (i.ContainerdCommit) s += line('containerd version', i.ContainerdCommit.ID ?? '');
  if (i.RuncCommit) s += line('runc version', i.RuncCommit.ID ?? '');
  if (i.InitCommit) s += line('init version', i.InitCommit.ID ?? '');
  if (i.SecurityOptions?.length) {
    s += ' Security Options:\n';
    for (const o of i.SecurityOptions as string[]) {
      const parts = o.split(',');
      const name = parts.find((x) => x.startsWith('name='))?.slice(5) ?? o;
      s += `  ${name}\n`;
      for (const x of parts) if (!x.startsWith('name=')) { const [k, v] = x.split('='); s += `   ${k![0]!.toUpperCase() + k!.slice(1)}: ${v}\n`; }
    }
  }
  s += line('Kernel Version', i.KernelVersion ?? '');
  s += line('Operating System', i.OperatingSystem ?? '');
  s += line('OSType', i.OSType ?? '');
  s += line('Architecture', i.Architecture ?? '');
  s += line('CPUs', i.NCPU ?? 0);
  s += line('Total Memory', bytesSize(i.MemTotal ?? 0));
  s += line('Name', i.Name ?? '');
  s += line('ID', i.ID ?? '');
  s += line('Docker Root Dir', i.DockerRootDir ?? '');
  s += line('Debug Mode', !!i.Debug);
  if (i.HttpProxy) s += line('HTTP Proxy', i.HttpProxy);
  if (i.HttpsProxy) s += line('HTTPS Proxy', i.HttpsProxy);
  if (i.NoProxy) s += line('No Proxy', i.NoProxy);
  if (i.Labels?.length) { s += ' Labels:\n'; for (const l of i.Labels) s += `  ${l}\n`; }
  s += line('Experimental', !!i.ExperimentalBuild);
  const insecure = i.RegistryConfig?.InsecureRegistryCIDRs ?? [];
  if (insecure.length) { s += ' Insecure Registries:\n'; for (const c of insecure) s += `  ${c}\n`; }
  s += line('Live Restore Enabled', !!i.LiveRestoreEnabled);
  for (const w of (i.Warnings ?? []) as string[]) s += w + '\n';
  return s;
}

export const info: Command = {
  spec: {
    name: 'info', usage: '[OPTIONS]', desc: 'Display system-wide information', maxArgs: 0,
    flags: [{ name: 'format', short: 'f', type: 'string', desc: 'Format output using a custom template' }, help],
  },
  async run(cli, p) {
    const clientInfo = { Version: CLI_VERSION, Context: 'default', Debug: cli.globals.debug, Plugins: [], Warnings: null };
    const format = str(p, 'format');
    let serverInfo: Record<string, unknown> | undefined;
    let err: unknown;
    try { serverInfo = await cli.client.json<Record<string, unknown>>('GET', '/info'); } catch (e) { err = e; }
    if (format) {
      const data = { ...(serverInfo ?? {}), ClientInfo: clientInfo };
      try { cli.out(formatOne(format === 'json' ? '{{json .}}' : format, data) + '\n'); } catch (e) { throw new StatusError(1, (e as Error).message); }
      if (err) throw err;
      return 0;
    }
    cli.out(`Client:\n Version:    ${CLI_VERSION}\n Context:    default\n Debug Mode: ${cli.globals.debug}\n\n`);
    if (err) {
      const msg = err instanceof ApiError ? `Error response from daemon: ${err.message}` : (err as Error).message;
      cli.out(`Server:\nERROR: ${msg}\n`);
      throw new StatusError(1, 'errors pretty printing info');
    }
    cli.out(renderInfo(serverInfo!));
    return 0;
  },
};

// ---------- events ----------

interface EventMessage { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time?: number; timeNano?: number; [k: string]: unknown }

/** jsonmessage.RFC3339NanoFixed in local time. */
export function rfc3339NanoFixed(nanos: bigint): string {
  const ms = Number(nanos / 1000000n);
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const frac = String(nanos % 1000000000n).padStart(9, '0');
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p2(Math.trunc(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${frac}${zone}`;
}

export function prettyEvent(e: EventMessage, exactTimeNano?: string): string {
  let s = '';
  if (exactTimeNano && exactTimeNano !== '0') s += rfc3339NanoFixed(BigInt(exactTimeNano)) + ' ';
  else if (e.timeNano) s += rfc3339NanoFixed(BigInt(Math.round(e.timeNano))) + ' ';
  else if (e.time) s += rfc3339NanoFixed(BigInt(e.time) * 1000000000n) + ' ';
  s += `${e.Type ?? ''} ${e.Action ?? ''} ${e.Actor?.ID ?? ''}`;
  const attrs = e.Actor?.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  if (keys.length) s += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return s + '\n';
}

export const events: Command = {
  spec: {
    name: 'events', usage: '[OPTIONS]', desc: 'Get real time events from the server', maxArgs: 0,
    aliases: ['system events', 'events'],
    flags: [
      { name: 'filter', short: 'f', type: 'list', desc: 'Filter output based on conditions provided' },
      formatFlag(), help,
      { name: 'since', type: 'string', desc: 'Show all events created since timestamp' },
      { name: 'until', type: 'string', desc: 'Stream events until this timestamp' },
    ],
  },
  async run(cli, p) {
    let since: string | undefined, until: string | undefined;
    const now = Date.now();
    try {
      if (str(p, 'since')) since = getTimestamp(str(p, 'since'), now);
      if (str(p, 'until')) until = getTimestamp(str(p, 'until'), now);
    } catch (e) { throw new StatusError(1, (e as Error).message); }
    const res = await cli.client.request('GET', '/events', { query: { filters: filtersJson(list(p, 'filter')), since, until } });
    process.once('SIGINT', () => { res.destroy(); process.exit(0); });
    const format = str(p, 'format');
    const tmpl = format ? (format === 'json' ? '{{json .}}' : format) : '';
    for await (const line of rawLines(res)) {
      const e = JSON.parse(line) as EventMessage;
      // timeNano exceeds 2^53; keep the exact digits from the text for the timestamp.
      const exact = /"timeNano":(\d+)/.exec(line)?.[1];
      if (!tmpl) cli.out(prettyEvent(e, exact));
      else cli.out(formatOne(tmpl, e) + '\n');
    }
    return 0;
  },
};

// ---------- df ----------

interface DfImage { Containers: number; Size: number; SharedSize: number; Id: string; RepoTags?: string[] | null; Created: number }
interface DfContainer { Id: string; State?: string; SizeRw?: number; Names?: string[]; Image?: string; Command?: string; Created?: number; Status?: string; Mounts?: unknown[] }
interface DfVolume { Name: string; UsageData?: { RefCount: number; Size: number } | null; Labels?: Record<string, string> | null }
interface DfBuildCache { InUse?: boolean; Shared?: boolean; Size?: number }
interface DiskUsage { LayersSize?: number; Images?: DfImage[] | null; Containers?: DfContainer[] | null; Volumes?: DfVolume[] | null; BuildCache?: DfBuildCache[] | null }

const pctReclaim = (reclaimable: number, total: number) =>
  total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);

export function dfRows(du: DiskUsage): object[] {
  const imgs = du.Images ?? [];
  const total = du.LayersSize ?? 0;
  let used = 0;
  for (const i of imgs) if (i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1) used += i.Size - i.SharedSize;
  const ctrs = du.Containers ?? [];
  const active = (c: DfContainer) => c.State === 'running' || c.State === 'paused';
  const csize = ctrs.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const creclaim = ctrs.filter((c) => !active(c)).reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const vols = du.Volumes ?? [];
  const vsize = vols.reduce((a, v) => a + ((v.UsageData?.Size ?? -1) !== -1 ? v.UsageData!.Size : 0), 0);
  const vreclaim = vols.filter((v) => (v.UsageData?.RefCount ?? 0) <= 0).reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const bc = du.BuildCache ?? [];
  const bsize = bc.filter((b) => !b.Shared).reduce((a, b) => a + (b.Size ?? 0), 0);
  const breclaim = bc.filter((b) => !b.InUse && !b.Shared).reduce((a, b) => a + (b.Size ?? 0), 0);
  const row = (Type: string, TotalCount: number, Active: number, Size: string, Reclaimable: string) => {
    const r = { Type: () => Type, TotalCount: () => String(TotalCount), Active: () => String(Active), Size: () => Size, Reclaimable: () => Reclaimable,
      toJSON: () => ({ Active: String(Active), Reclaimable, Size, TotalCount: String(TotalCount), Type }) };
    return r;
  };
  return [
    row('Images', imgs.length, imgs.filter((i) => i.Containers > 0).length, humanSize(total), pctReclaim(total - used, total)),
    row('Containers', ctrs.length, ctrs.filter(active).length, humanSize(csize), pctReclaim(creclaim, csize)),
    row('Local Volumes', vols.length, vols.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length, humanSize(vsize), pctReclaim(vreclaim, vsize)),
    row('Build Cache', bc.length, bc.filter((b) => b.InUse).length, humanSize(bsize), humanSize(breclaim)),
  ];
}

export const df: Command = {
  spec: {
    name: 'system df', usage: '[OPTIONS]', desc: 'Show docker disk usage', maxArgs: 0,
    flags: [formatFlag(), help, { name: 'verbose', short: 'v', type: 'bool', desc: 'Show detailed information on space usage' }],
  },
  async run(cli, p) {
    const du = await cli.client.json<DiskUsage>('GET', '/system/df');
    if (!bool(p, 'verbose')) {
      cli.out(formatRows({
        format: str(p, 'format'),
        defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
        headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
      }, dfRows(du)));
      return 0;
    }
    const { imageRows: rowsOf, imageContext } = await import('../format/image-context.js');
    const { containerContext } = await import('../format/container-context.js');
    let out = 'Images space usage:\n\n';
    const imgs = (du.Images ?? []).flatMap((i) => rowsOf(i, false).map((r) => {
      const c = imageContext(i, r, true);
      return { ...c, SharedSize: () => humanSize(i.SharedSize), UniqueSize: () => humanSize(i.Size - i.SharedSize), Size: () => humanSize(i.Size), Containers: () => String(i.Containers) };
    }));
    out += formatRows({ format: '', defaultTable: 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}',
      headers: { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' } }, imgs);
    out += '\nContainers space usage:\n\n';
    const ctrs = (du.Containers ?? []).map((c) => {
      const ctx = containerContext(c as never, true);
      return { ...ctx, LocalVolumes: () => String((c.Mounts ?? []).length), Size: () => humanSize(c.SizeRw ?? 0) };
    });
    out += formatRows({ format: '', defaultTable: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}',
      headers: { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' } }, ctrs);
    out += '\nLocal Volumes space usage:\n\n';
    const vols = (du.Volumes ?? []).map((v) => ({ Name: () => v.Name, Links: () => String(v.UsageData?.RefCount ?? 0), Size: () => humanSize(Math.max(0, v.UsageData?.Size ?? 0)) }));
    out += formatRows({ format: '', defaultTable: 'table {{.Name}}\t{{.Links}}\t{{.Size}}', headers: { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' } }, vols);
    out += '\nBuild cache usage: ' + humanSize((du.BuildCache ?? []).reduce((a, b) => a + (b.Size ?? 0), 0)) + '\n\n';
    out += formatRows({ format: '', defaultTable: 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}',
      headers: { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' } }, []);
    cli.out(out);
    return 0;
  },
};

// ---------- prune ----------

const pruneFlags = (extra: { name: string; short?: string; type: 'bool' | 'list'; desc: string }[] = []) => [
  ...extra,
  { name: 'filter', type: 'list' as const, desc: 'Provide filter values (e.g. "until=<timestamp>")' },
  { name: 'force', short: 'f', type: 'bool' as const, desc: 'Do not prompt for confirmation' }, help,
];

async function pruneContainers(cli: Cli, filters: string[]): Promise<{ out: string; space: number }> {
  const r = await cli.client.json<{ ContainersDeleted?: string[] | null; SpaceReclaimed?: number }>('POST', '/containers/prune', { query: { filters: filtersJson(filters) } });
  const ids = r?.ContainersDeleted ?? [];
  return { out: ids.length ? 'Deleted Containers:\n' + ids.map((i) => i + '\n').join('') : '', space: r?.SpaceReclaimed ?? 0 };
}

async function pruneImages(cli: Cli, filters: string[], all: boolean): Promise<{ out: string; space: number }> {
  const f = filtersJson(filters.filter((x) => !x.startsWith('dangling=')), [['dangling', all ? 'false' : 'true']]);
  const r = await cli.client.json<{ ImagesDeleted?: { Untagged?: string; Deleted?: string }[] | null; SpaceReclaimed?: number }>('POST', '/images/prune', { query: { filters: f } });
  const items = r?.ImagesDeleted ?? [];
  let out = '';
  if (items.length) {
    out = 'Deleted Images:\n';
    for (const d of items) {
      if (d.Untagged) out += `untagged: ${d.Untagged}\n`;
      if (d.Deleted) out += `deleted: ${d.Deleted}\n`;
    }
  }
  return { out, space: r?.SpaceReclaimed ?? 0 };
}

function printPrune(cli: Cli, sections: { out: string; space: number }[]): void {
  let space = 0;
  for (const s of sections) { if (s.out) cli.out(s.out + '\n'); space += s.space; }
  cli.outLine(`Total reclaimed space: ${humanSize(space)}`);
}

export const containerPrune: Command = {
  spec: { name: 'container prune', usage: '[OPTIONS]', desc: 'Remove all stopped containers', maxArgs: 0, flags: pruneFlags() },
  async run(cli, p) {
    if (!bool(p, 'force') && !(await confirm(cli, 'WARNING! This will remove all stopped containers.'))) return 0;
    printPrune(cli, [await pruneContainers(cli, list(p, 'filter'))]);
    return 0;
  },
};

export const imagePrune: Command = {
  spec: {
    name: 'image prune', usage: '[OPTIONS]', desc: 'Remove unused images', maxArgs: 0,
    flags: pruneFlags([{ name: 'all', short: 'a', type: 'bool', desc: 'Remove all unused images, not just dangling ones' }]),
  },
  async run(cli, p) {
    const all = bool(p, 'all');
    const warning = all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
    if (!bool(p, 'force') && !(await confirm(cli, warning))) return 0;
    printPrune(cli, [await pruneImages(cli, list(p, 'filter'), all)]);
    return 0;
  },
};

export const systemPrune: Command = {
  spec: {
    name: 'system prune', usage: '[OPTIONS]', desc: 'Remove unused data', maxArgs: 0,
    flags: pruneFlags([
      { name: 'all', short: 'a', type: 'bool', desc: 'Remove all unused images not just dangling ones' },
      { name: 'volumes', type: 'bool', desc: 'Prune anonymous volumes' },
    ]),
  },
  async run(cli, p) {
    const all = bool(p, 'all');
    const vols = bool(p, 'volumes');
    const warning = 'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n' +
      (vols ? '  - all anonymous volumes not used by at least one container\n' : '') +
      (all ? '  - all images without at least one container associated to them\n' : '  - all dangling images\n') +
      '  - unused build cache\n';
    if (!bool(p, 'force') && !(await confirm(cli, warning))) return 0;
    const filters = list(p, 'filter');
    const sections = [await pruneContainers(cli, filters)];
    const nets = await cli.client.json<{ NetworksDeleted?: string[] | null }>('POST', '/networks/prune', { query: { filters: filtersJson(filters) } }).catch(ignore404);
    sections.push({ out: nets?.NetworksDeleted?.length ? 'Deleted Networks:\n' + nets.NetworksDeleted.map((n) => n + '\n').join('') : '', space: 0 });
    if (vols) {
      const v = await cli.client.json<{ VolumesDeleted?: string[] | null; SpaceReclaimed?: number }>('POST', '/volumes/prune', { query: { filters: filtersJson(filters) } }).catch(ignore404);
      sections.push({ out: v?.VolumesDeleted?.length ? 'Deleted Volumes:\n' + v.VolumesDeleted.map((n) => n + '\n').join('') : '', space: v?.SpaceReclaimed ?? 0 });
    }
    sections.push(await pruneImages(cli, filters, all));
    const bc = await cli.client.json<{ CachesDeleted?: string[] | null; SpaceReclaimed?: number }>('POST', '/build/prune', { query: { all: all || undefined } }).catch(ignore404);
    sections.push({ out: bc?.CachesDeleted?.length ? 'Deleted build cache objects:\n' + bc.CachesDeleted.map((n) => n + '\n').join('') : '', space: bc?.SpaceReclaimed ?? 0 });
    printPrune(cli, sections);
    return 0;
  },
};

/** Endpoints berthd may not serve yet (build cache) count as "nothing to prune". */
function ignore404(e: unknown): undefined {
  if (isNotFound(e) || (e instanceof ApiError && e.status === 501)) return undefined;
  throw e;
}

