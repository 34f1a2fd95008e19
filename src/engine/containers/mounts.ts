// Container mounts as Docker registers them (moby daemon/volumes.go + volume/mounts/linux_parser.go):
// --volumes-from first, then Binds (-v), then Mounts (--mount), then the image's VOLUME paths as anonymous
// volumes. Parsing is pure and throws Docker's wording; creating volumes and mounting happen in the service.
import { posix } from 'node:path';
import { invalid } from '../../lib/errors.js';

export type MountType = 'bind' | 'volume' | 'tmpfs';

/** One entry of the container's mount points (stored in the record; `Mounts` in inspect). */
export interface MountPoint {
  Type: MountType;
  /** Host path of a bind; a volume's _data path once known. */
  Source: string;
  Destination: string;
  RW: boolean;
  Name?: string;
  Driver?: string;
  Mode: string;
  Propagation: string;
  /** Copy the image's content into the volume when it is empty (Docker's default; `nocopy` turns it off). */
  CopyData: boolean;
  /** A volume created for this container (no name given): removed with `rm -v`. */
  Anonymous: boolean;
  NonRecursive?: boolean;
  /** Read-only on the top mount only (`bind-recursive=writable`; Docker < 25's read-only binds). */
  ReadOnlyNonRecursive?: boolean;
  /** Recursively read-only or fail (`bind-recursive=readonly`); without either flag ro is recursive where possible. */
  ReadOnlyForceRecursive?: boolean;
  /** --mount type=volume,volume-subpath=…: a path inside the volume, checked again at every start. */
  Subpath?: string;
  /** `-v /host/missing:/x` creates /host/missing at start, as Docker does; --mount refuses. */
  CreateSource?: boolean;
  /** --mount type=tmpfs: mount(8) data (size=, mode=). */
  TmpfsData?: string;
  /** Volume options for a volume this mount creates (--mount volume-opt=..., volume-label=...). */
  VolumeOptions?: { Labels?: Record<string, string>; DriverOpts?: Record<string, string> };
}

export interface MountContext {
  /** Another container's mount points for --volumes-from (throws not-found itself). */
  mountsOf(ref: string): MountPoint[];
  /** Whether a host path exists (for --mount type=bind). */
  exists(path: string): boolean;
}

const RW_MODES = new Set(['rw', 'ro']);
const LABEL_MODES = new Set(['z', 'Z']);
const PROPAGATION = new Set(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);
const COPY_MODES = new Set(['nocopy']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated', 'default']);

const invalidSpec = (raw: string) => `invalid volume specification: '${raw}'`;

export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = [0, 0, 0, 0, 0];
  for (const o of mode.split(',')) {
    if (RW_MODES.has(o)) counts[0]!++;
    else if (LABEL_MODES.has(o)) counts[1]!++;
    else if (PROPAGATION.has(o)) counts[2]!++;
    else if (COPY_MODES.has(o)) counts[3]!++;
    else if (CONSISTENCY.has(o)) counts[4]!++;
    else return false;
  }
  return counts.every((c) => c <= 1);
}

function checkTarget(target: string, type: string): string {
  const cfg = (msg: string) => invalid(`invalid mount config for type "${type}": ${msg}`);
  if (!target) throw cfg('field Target must not be empty');
  if (posix.normalize(target) === '/' || posix.normalize(target) === '/.') throw cfg("invalid specification: destination can't be '/'");
  if (!target.startsWith('/')) throw cfg(`invalid mount path: '${target}' mount path must be absolute`);
  return posix.normalize(target).replace(/\/+$/, '') || '/';
}

/** One -v / Binds entry: `[source:]target[:mode]`. */
export function parseBind(raw: string): MountPoint {
  const arr = raw.split(':');
  if (arr.length > 3 || !arr[0]) throw invalid(invalidSpec(raw));
  let source = '', target: string, mode = '';
  if (arr.length === 1) target = arr[0];
  else if (arr.length === 2) {
    if (validMountMode(arr[1]!)) throw invalid(invalidSpec(raw));
    [source, target] = [arr[0], arr[1]!];
  } else [source, target, mode] = [arr[0], arr[1]!, arr[2]!];
  if (!validMountMode(mode)) throw invalid(`invalid mode: ${mode}`);
  const opts = mode.split(',');
  const type: MountType = source.startsWith('/') ? 'bind' : 'volume';
  let dest: string;
  try { dest = checkTarget(target, type); } catch (e) { throw invalid(`${invalidSpec(raw)}: ${(e as Error).message}`); }
  const rw = !opts.includes('ro');
  const propagation = opts.find((o) => PROPAGATION.has(o));
  if (type === 'bind') {
    return {
      Type: 'bind', Source: posix.normalize(source), Destination: dest, RW: rw, Mode: mode,
      Propagation: propagation ?? 'rprivate', CopyData: false, Anonymous: false, CreateSource: true,
    };
  }
  return {
    Type: 'volume', Source: '', Destination: dest, RW: rw, Name: source || undefined, Driver: 'local',
    Mode: mode || 'z', Propagation: '', CopyData: !opts.includes('nocopy'), Anonymous: !source,
  };
}

interface ApiMount {
  Type?: string; Source?: string; Target?: string; ReadOnly?: boolean; Consistency?: string;
  BindOptions?: {
    Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean; ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean;
  } | null;
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> }; Subpath?: string } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] } | null;
}

/** One HostConfig.Mounts entry (--mount). */
export function parseApiMount(m: ApiMount, ctx: Pick<MountContext, 'exists'>): MountPoint {
  const type = m.Type ?? '';
  const cfg = (msg: string) => invalid(`invalid mount config for type "${type}": ${msg}`);
  if (type !== 'bind' && m.BindOptions) throw cfg('field BindOptions must not be specified');
  if (type !== 'volume' && m.VolumeOptions) throw cfg('field VolumeOptions must not be specified');
  if (type !== 'tmpfs' && m.TmpfsOptions) throw cfg('field TmpfsOptions must not be specified');
  if (!['bind', 'volume', 'tmpfs'].includes(type)) throw cfg('mount type unknown');
  const dest = checkTarget(m.Target ?? '', type);
  const rw = !m.ReadOnly;
  if (type === 'bind') {
    if (!m.Source) throw cfg('field Source must not be empty');
    const prop = m.BindOptions?.Propagation;
    if (prop && !PROPAGATION.has(prop)) throw cfg(`invalid propagation mode: ${prop}`);
    if (!m.Source.startsWith('/')) throw cfg(`invalid mount path: '${m.Source}' mount path must be absolute`);
    const create = !!m.BindOptions?.CreateMountpoint;
    if (!create && !ctx.exists(m.Source)) throw cfg(`bind source path does not exist: ${m.Source}`);
    const bo = m.BindOptions ?? {};
    // dockerd checks these when the container starts (setupMounts); refusing them at create leaves nothing behind.
    if (!m.ReadOnly && bo.ReadOnlyNonRecursive) throw invalid('mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive');
    if (!m.ReadOnly && bo.ReadOnlyForceRecursive) throw invalid('mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive');
    if (bo.ReadOnlyNonRecursive && bo.ReadOnlyForceRecursive) throw invalid('mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive');
    return {
      Type: 'bind', Source: posix.normalize(m.Source), Destination: dest, RW: rw, Mode: '', Propagation: prop || 'rprivate',
      CopyData: false, Anonymous: false, NonRecursive: !!bo.NonRecursive, CreateSource: create,
      ...(bo.ReadOnlyNonRecursive ? { ReadOnlyNonRecursive: true } : {}),
      ...(bo.ReadOnlyForceRecursive ? { ReadOnlyForceRecursive: true } : {}),
    };
  }
  if (type === 'volume') {
    const vo = m.VolumeOptions ?? undefined;
    if (vo?.Subpath) {
      if (!m.Source) throw cfg('must not set Subpath when using anonymous volumes');
      if (!isLocalPath(vo.Subpath)) throw cfg('subpath must be a relative path within the volume');
    }
    const driver = vo?.DriverConfig?.Name || 'local';
    return {
      Type: 'volume', Source: '', Destination: dest, RW: rw, Name: m.Source || undefined, Driver: driver, Mode: 'z', Propagation: '',
      CopyData: !vo?.NoCopy, Anonymous: !m.Source, ...(vo?.Subpath ? { Subpath: vo.Subpath } : {}),
      VolumeOptions: vo ? { Labels: vo.Labels, DriverOpts: vo.DriverConfig?.Options } : undefined,
    };
  }
  if (m.Source) throw cfg('field Source must not be specified');
  return { Type: 'tmpfs', Source: '', Destination: dest, RW: rw, Mode: '', Propagation: '', CopyData: false, Anonymous: false, TmpfsData: tmpfsData(m.TmpfsOptions ?? undefined, cfg) };
}

/** Go's filepath.IsLocal on Unix: relative, not empty, and no `..` that climbs above the start once cleaned. */
export function isLocalPath(p: string): boolean {
  if (p === '' || p.startsWith('/')) return false;
  const clean = posix.normalize(p);
  return clean !== '..' && !clean.startsWith('../');
}

/** Docker's ConvertTmpfsOptions: mode in octal, size with the largest suffix that divides it. */
function tmpfsData(o: ApiMount['TmpfsOptions'] | undefined, cfg: (m: string) => Error): string {
  const out: string[] = [];
  if (o?.Mode) out.push(`mode=${o.Mode.toString(8)}`);
  if (o?.SizeBytes) {
    if (o.SizeBytes < 0) throw cfg(`invalid tmpfs size: ${o.SizeBytes}`);
    let size = o.SizeBytes, suffix = '';
    for (const [s, d] of [['g', 1 << 30], ['m', 1 << 20], ['k', 1 << 10]] as const) {
      if (size % d === 0) { size /= d; suffix = s; break; }
    }
    out.push(`size=${size}${suffix}`);
  }
  for (const opt of o?.Options ?? []) {
    if (opt.length < 1 || opt.length > 2) throw cfg('invalid option array length');
    if (!['exec', 'noexec'].includes(opt[0]!)) throw cfg('invalid option: ' + opt[0]);
    out.push(opt.join('='));
  }
  return out.join(',');
}

/** `id[:mode]` of --volumes-from. */
export function parseVolumesFrom(spec: string): { ref: string; mode: string } {
  if (!spec) throw invalid('volumes-from specification cannot be an empty string');
  const i = spec.indexOf(':');
  const ref = i < 0 ? spec : spec.slice(0, i);
  const mode = i < 0 ? 'rw' : spec.slice(i + 1);
  if (!validMountMode(mode) || mode.split(',').some((o) => PROPAGATION.has(o) || COPY_MODES.has(o))) throw invalid(`invalid mode: ${mode}`);
  return { ref, mode };
}

/** All mount points of a new container, in Docker's order; duplicates between -v and --mount are refused. */
export function registerMountPoints(hc: Record<string, unknown>, imageVolumes: Record<string, object> | null | undefined, ctx: MountContext): MountPoint[] {
  const byDest = new Map<string, MountPoint>();
  for (const spec of (hc.VolumesFrom as string[] | null) ?? []) {
    const { ref, mode } = parseVolumesFrom(spec);
    for (const m of ctx.mountsOf(ref)) {
      if (m.Type === 'tmpfs') continue;
      const rw = mode.split(',').includes('ro') ? false : m.RW;
      byDest.set(m.Destination, { ...m, RW: rw, Mode: mode === 'rw' ? m.Mode : mode, CreateSource: false });
    }
  }
  const given = new Set<string>();
  for (const raw of (hc.Binds as string[] | null) ?? []) {
    const m = parseBind(raw);
    if (given.has(m.Destination)) throw invalid(`Duplicate mount point: ${m.Destination}`);
    given.add(m.Destination);
    byDest.set(m.Destination, m);
  }
  for (const raw of (hc.Mounts as ApiMount[] | null) ?? []) {
    if (!raw || typeof raw !== 'object') throw invalid('json: cannot unmarshal into Go struct field HostConfig.Mounts of type mount.Mount');
    const m = parseApiMount(raw, ctx);
    if (given.has(m.Destination)) throw invalid(`Duplicate mount point: ${m.Destination}`);
    given.add(m.Destination);
    byDest.set(m.Destination, m);
  }
  const tmpfs = Object.keys((hc.Tmpfs as Record<string, string> | null) ?? {}).map((d) => posix.normalize(d));
  for (const d of tmpfs) if (!d.startsWith('/')) throw invalid(`invalid mount config for type "tmpfs": invalid mount path: '${d}' mount path must be absolute`);
  for (const p of Object.keys(imageVolumes ?? {})) {
    const dest = posix.normalize(p).replace(/(.)\/+$/, '$1');
    if (!dest.startsWith('/')) continue;
    if (byDest.has(dest) || tmpfs.includes(dest)) continue;
    byDest.set(dest, { Type: 'volume', Source: '', Destination: dest, RW: true, Driver: 'local', Mode: '', Propagation: '', CopyData: true, Anonymous: true });
  }
  return [...byDest.values()];
}

/** Docker's MergeTmpfsOptions: later flags win over their opposites, later data keys replace earlier ones. */
export function mergeTmpfsOptions(options: string[]): string[] {
  const opposite: Record<string, string> = {
    exec: 'noexec', noexec: 'exec', suid: 'nosuid', nosuid: 'suid', dev: 'nodev', nodev: 'dev', ro: 'rw', rw: 'ro',
    atime: 'noatime', noatime: 'atime', diratime: 'nodiratime', nodiratime: 'diratime',
  };
  const out: string[] = [];
  for (const o of options.filter(Boolean)) {
    const key = o.includes('=') ? o.slice(0, o.indexOf('=')) : o;
    const clash = (x: string) => {
      const k = x.includes('=') ? x.slice(0, x.indexOf('=')) : x;
      return k === key || opposite[key] === x;
    };
    for (let i = out.length - 1; i >= 0; i--) if (clash(out[i]!)) out.splice(i, 1);
    out.push(o);
  }
  return out;
}

/** Mounts JSON for inspect and list. */
export function mountsJson(mps: MountPoint[] | undefined): Array<Record<string, unknown>> {
  return (mps ?? []).map((m) => {
    if (m.Type === 'volume') {
      return { Type: 'volume', Name: m.Name ?? '', Source: m.Source, Destination: m.Destination, Driver: m.Driver ?? 'local', Mode: m.Mode, RW: m.RW, Propagation: m.Propagation };
    }
    return { Type: m.Type, Source: m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation };
  });
}
