// docker's ContainerContext for `ps --format`: the fields a template can reach and the default table.
import { goTimeString, ago } from './time.js';
import { humanSizeWithPrecision } from './units.js';

export interface PortSummary { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }
export interface MountSummary { Name?: string; Source?: string; Driver?: string; Destination?: string }
export interface ContainerSummary {
  Id: string; Names?: string[]; Image?: string; ImageID?: string; Command?: string; Created?: number;
  Ports?: PortSummary[]; Labels?: Record<string, string> | null; State?: string; Status?: string;
  SizeRw?: number; SizeRootFs?: number; Mounts?: MountSummary[];
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
}

export const PS_DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS',
  Label: 'LABEL', Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Platform: 'PLATFORM',
};

/** stringid.TruncateID: strip "sha256:" and keep 12 characters. */
export function truncateId(id: string): string {
  const i = id.indexOf(':');
  const s = i >= 0 ? id.slice(i + 1) : id;
  return s.length > 12 ? s.slice(0, 12) : s;
}

/** formatter.Ellipsis: keep the text within maxWidth runes, ending in "…" when cut. */
export function ellipsis(s: string, maxWidth: number): string {
  const runes = [...s];
  if (runes.length <= maxWidth) return s;
  if (maxWidth <= 0) return '';
  return runes.slice(0, maxWidth - 1).join('') + '…';
}

/** Go's strconv.Quote for the printable-ASCII-and-UTF8 case. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

const portLess = (a: PortSummary, b: PortSummary): number => {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  const ai = a.IP ?? '', bi = b.IP ?? '';
  if (ai !== bi) return ai < bi ? -1 : 1;
  const ap = a.PublicPort ?? 0, bp = b.PublicPort ?? 0;
  if (ap !== bp) return ap - bp;
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
};

const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

function formGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  let type = parts[0]!;
  let ip = '';
  if (parts.length > 1) { ip = parts[0]!; type = parts[1]!; }
  let group = String(first);
  if (first !== last) group += `-${last}`;
  if (ip) group = `${ip}:${group}->${group}`;
  return `${group}/${type}`;
}

/** formatter.DisplayablePorts: consecutive ports grouped into ranges, host mappings last. */
export function displayablePorts(ports: PortSummary[]): string {
  const sorted = [...ports].sort(portLess);
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of sorted) {
    const cur = p.PrivatePort;
    let key = p.Type;
    if (p.IP) {
      if ((p.PublicPort ?? 0) !== cur) {
        hostMappings.push(`${joinHostPort(p.IP, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) { groups.set(key, { first: cur, last: cur }); continue; }
    if (cur === g.last + 1) { g.last = cur; continue; }
    result.push(formGroup(key, g.first, g.last));
    groups.delete(key);
    groups.set(key, { first: cur, last: cur });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}

const sortedLabels = (l: Record<string, string> | null | undefined) =>
  Object.keys(l ?? {}).sort().map((k) => `${k}=${l![k]}`).join(',');

/** Build the template context for one container. */
export function containerContext(c: ContainerSummary, trunc: boolean, now: number = Date.now()) {
  const ctx = {
    ID: () => (trunc ? truncateId(c.Id) : c.Id),
    Names: () => {
      const names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
      // Link names ("other/alias") are hidden unless --no-trunc.
      return (trunc ? names.filter((n) => !n.includes('/')) : names).join(',');
    },
    Image: () => {
      const image = c.Image ?? '';
      if (image === '') return '<no image>';
      if (trunc) {
        if (c.ImageID && truncateId(c.ImageID) === truncateId(image)) return truncateId(image);
        const at = image.indexOf('@');
        if (at > 0) return image.slice(0, at);
      }
      return image;
    },
    Command: () => goQuote(trunc ? ellipsis(c.Command ?? '', 20) : c.Command ?? ''),
    CreatedAt: () => goTimeString((c.Created ?? 0) * 1000),
    RunningFor: () => ago((c.Created ?? 0) * 1000, now),
    Ports: () => displayablePorts(c.Ports ?? []),
    State: () => c.State ?? '',
    Status: () => c.Status ?? '',
    Size: () => {
      const srw = humanSizeWithPrecision(c.SizeRw ?? 0, 3);
      return (c.SizeRootFs ?? 0) > 0 ? `${srw} (virtual ${humanSizeWithPrecision(c.SizeRootFs!, 3)})` : srw;
    },
    Labels: () => sortedLabels(c.Labels),
    Label: (name: string) => (c.Labels ?? {})[name] ?? '',
    Mounts: () => (c.Mounts ?? []).map((m) => { const n = m.Name || m.Source || ''; return trunc ? ellipsis(n, 15) : n; }).join(','),
    LocalVolumes: () => String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Networks: () => Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    Platform: () => '',
    toJSON: () => ({
      Command: ctx.Command(), CreatedAt: ctx.CreatedAt(), ID: ctx.ID(), Image: ctx.Image(), Labels: ctx.Labels(),
      LocalVolumes: ctx.LocalVolumes(), Mounts: ctx.Mounts(), Names: ctx.Names(), Networks: ctx.Networks(), Platform: null,
      Ports: ctx.Ports(), RunningFor: ctx.RunningFor(), Size: ctx.Size(), State: ctx.State(), Status: ctx.Status(),
    }),
  };
  return ctx;
}
