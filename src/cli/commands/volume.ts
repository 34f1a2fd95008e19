// `volume create|ls|inspect|rm|prune`, with docker's flags, output, messages and exit codes (cli/command/volume).
import { compareVersions } from '../../client/api-client.js';
import { ApiError } from '../../client/errors.js';
import { bool, formatFlag, PROG, list, StatusError, str, type Command } from '../cli.js';
import { formatOne, formatRows } from '../format/docker-format.js';
import { humanSize } from '../format/units.js';
import { filtersJson } from '../filters.js';
import { confirm } from '../prompt.js';

const help = { name: 'help', type: 'bool' as const, desc: 'Print usage' };
const errText = (e: unknown) => (e instanceof ApiError ? `Error response from daemon: ${e.message}` : e instanceof Error ? e.message : String(e));

/** opts.MapOpts / ListOpts "k=v" → object; a bare key maps to "" (like docker's label and opt parsing). */
function kvMap(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of items) {
    const at = i.indexOf('=');
    if (at < 0) out[i] = ''; else out[i.slice(0, at)] = i.slice(at + 1);
  }
  return out;
}

export interface VolumeJson {
  Name: string; Driver: string; Mountpoint: string; Scope: string; CreatedAt?: string;
  Labels?: Record<string, string> | null; Options?: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null; ClusterVolume?: unknown;
}

/** --filter values are checked while flags are parsed, so a bad one is a flag error (usage, exit 125). */
function flagFilters(items: string[], extra: [string, string][], cmd: string, usage: string): string | undefined {
  try { return filtersJson(items, extra); } catch (e) {
    const msg = cmd === 'volume prune' ? (e as Error).message.replace('"-f, --filter"', '"--filter"') : (e as Error).message;
    throw new StatusError(125, `${msg}\n\nUsage:  ${PROG} ${cmd} ${usage}\n\nRun '${PROG} ${cmd} --help' for more information`);
  }
}

const CLUSTER_FLAGS = ['availability', 'group', 'limit-bytes', 'required-bytes', 'scope', 'secret', 'sharing', 'topology-preferred', 'topology-required', 'type'];

export const volumeCreate: Command = {
  spec: {
    name: 'volume create', usage: '[OPTIONS] [VOLUME]', desc: 'Create a volume', maxArgs: 1,
    flags: [
      { name: 'availability', type: 'string', default: 'active', desc: 'Cluster Volume availability ("active", "pause", "drain")' },
      { name: 'driver', short: 'd', type: 'string', default: 'local', desc: 'Specify volume driver name' },
      { name: 'group', type: 'string', desc: 'Cluster Volume group (cluster volumes)' },
      { name: 'label', type: 'list', desc: 'Set metadata for a volume' },
      { name: 'limit-bytes', type: 'string', desc: 'Minimum size of the Cluster Volume in bytes' },
      { name: 'name', type: 'string', hidden: true, desc: 'Specify volume name' },
      { name: 'opt', short: 'o', type: 'list', desc: 'Set driver specific options' },
      { name: 'required-bytes', type: 'string', desc: 'Maximum size of the Cluster Volume in bytes' },
      { name: 'scope', type: 'string', default: 'single', desc: 'Cluster Volume access scope ("single", "multi")' },
      { name: 'secret', type: 'list', desc: 'Cluster Volume secrets' },
      { name: 'sharing', type: 'string', default: 'none', desc: 'Cluster Volume access sharing ("none", "readonly", "onewriter", "all")' },
      { name: 'topology-preferred', type: 'list', desc: 'A topology that the Cluster Volume would be preferred in' },
      { name: 'topology-required', type: 'list', desc: 'A topology that the Cluster Volume must be accessible from' },
      { name: 'type', type: 'string', default: 'block', desc: 'Cluster Volume access type ("mount", "block")' },
      help,
    ],
  },
  async run(cli, p) {
    let name = str(p, 'name');
    if (p.args[0] !== undefined) {
      if (name !== '') throw new StatusError(1, 'conflicting options: cannot specify a volume-name through both --name and as a positional arg');
      name = p.args[0];
    }
    // Go field order of volume.CreateOptions: ClusterVolumeSpec (omitempty), Driver, DriverOpts, Labels, Name.
    const body: Record<string, unknown> = {};
    if (CLUSTER_FLAGS.some((f) => p.changed.has(f))) {
      // A cluster volume: the daemon decides (a non-swarm daemon refuses it).
      const access: Record<string, unknown> = { Scope: str(p, 'scope'), Sharing: str(p, 'sharing') };
      if (str(p, 'type') === 'mount') access.MountVolume = {}; else access.BlockVolume = {};
      const spec: Record<string, unknown> = { Group: str(p, 'group') || undefined, AccessMode: access, Availability: str(p, 'availability') };
      body.ClusterVolumeSpec = spec;
    }
    // Every field is omitempty; Go marshals map keys sorted.
    const sorted = (m: Record<string, string>) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]!]));
    const opts = kvMap(list(p, 'opt'));
    const labels = kvMap(list(p, 'label'));
    if (str(p, 'driver')) body.Driver = str(p, 'driver');
    if (Object.keys(opts).length) body.DriverOpts = sorted(opts);
    if (Object.keys(labels).length) body.Labels = sorted(labels);
    if (name) body.Name = name;
    const v = await cli.client.json<VolumeJson>('POST', '/volumes/create', { body });
    cli.outLine(v.Name);
    return 0;
  },
};

/** sortorder.NaturalLess: runs of digits compare as numbers, everything else bytewise. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0, j = 0;
  const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  while (i < a.length && j < b.length) {
    const ca = a[i]!, cb = b[j]!;
    if (digit(ca) && digit(cb)) {
      // Skip leading zeros, compare lengths, then digits; on a tie the shorter zero-run wins.
      let zi = i; while (a[zi] === '0') zi++;
      let zj = j; while (b[zj] === '0') zj++;
      let ei = zi; while (digit(a[ei])) ei++;
      let ej = zj; while (digit(b[ej])) ej++;
      const na = a.slice(zi, ei), nb = b.slice(zj, ej);
      if (na.length !== nb.length) return na.length < nb.length;
      if (na !== nb) return na < nb;
      if (zi - i !== zj - j) return zi - i < zj - j;
      i = ei; j = ej;
      continue;
    }
    if (ca !== cb) return ca < cb;
    i++; j++;
  }
  return a.length - i < b.length - j;
}

const labelsText = (l: Record<string, string> | null | undefined) =>
  l ? Object.keys(l).sort().map((k) => `${k}=${l[k]}`).join(',') : '';

/** formatter.volumeContext: the fields `--format` sees, and the JSON `--format json` prints. */
export function volumeContext(v: VolumeJson) {
  const ctx = {
    Name: () => v.Name,
    Driver: () => v.Driver,
    Scope: () => v.Scope,
    Mountpoint: () => v.Mountpoint,
    Labels: () => labelsText(v.Labels),
    Label: (name: string) => (v.Labels ?? {})[name] ?? '',
    Links: () => (v.UsageData ? String(v.UsageData.RefCount) : 'N/A'),
    Size: () => (v.UsageData ? humanSize(v.UsageData.Size) : 'N/A'),
    Group: () => 'N/A',
    Availability: () => 'N/A',
    Status: () => 'N/A',
    toJSON: () => ({
      Availability: ctx.Availability(), Driver: ctx.Driver(), Group: ctx.Group(), Labels: ctx.Labels(), Links: ctx.Links(),
      Mountpoint: ctx.Mountpoint(), Name: ctx.Name(), Scope: ctx.Scope(), Size: ctx.Size(), Status: ctx.Status(),
    }),
  };
  return ctx;
}

const VOLUME_HEADERS: Record<string, unknown> = {
  Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS',
  Size: 'SIZE', Group: 'GROUP', Availability: 'AVAILABILITY', Status: 'STATUS',
  // docker's header context answers `.Label "x"` with the label name itself.
  Label: (name: string) => name,
};

export const volumeLs: Command = {
  spec: {
    name: 'volume ls', usage: '[OPTIONS]', desc: 'List volumes', maxArgs: 0, aliases: ['volume ls', 'volume list'],
    flags: [
      { name: 'cluster', type: 'bool', desc: 'Display only cluster volumes, and use cluster volume list formatting' },
      { name: 'filter', short: 'f', type: 'list', desc: 'Provide filter values (e.g. "dangling=true")' },
      formatFlag(), help,
      { name: 'quiet', short: 'q', type: 'bool', desc: 'Only display volume names' },
    ],
  },
  async run(cli, p) {
    const filters = flagFilters(list(p, 'filter'), [], 'volume ls', '[OPTIONS]');
    const r = await cli.client.json<{ Volumes?: VolumeJson[] | null }>('GET', '/volumes', { query: { filters } });
    let vols = r?.Volumes ?? [];
    const quiet = bool(p, 'quiet');
    let format = str(p, 'format');
    if (bool(p, 'cluster')) {
      vols = vols.filter((v) => v.ClusterVolume);
      format = quiet ? '' : 'table {{.Name}}\t{{.Group}}\t{{.Driver}}\t{{.Availability}}\t{{.Status}}';
    }
    vols = [...vols].sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0));
    // formatter.NewVolumeFormat: -q only changes the built-in table/raw formats, not a custom one.
    if (format === '' || format === 'table') format = quiet ? '{{.Name}}' : 'table {{.Driver}}\t{{.Name}}';
    else if (format === 'raw') format = quiet ? 'name: {{.Name}}' : 'name: {{.Name}}\ndriver: {{.Driver}}\n';
    cli.out(formatRows({ format, defaultTable: 'table {{.Driver}}\t{{.Name}}', headers: VOLUME_HEADERS as Record<string, string> }, vols.map(volumeContext)));
    return 0;
  },
};

export const volumeInspect: Command = {
  spec: {
    name: 'volume inspect', usage: '[OPTIONS] VOLUME [VOLUME...]', desc: 'Display detailed information on one or more volumes', minArgs: 1,
    flags: [{ name: 'format', short: 'f', type: 'string', desc: 'Format output using a custom template' }, help],
  },
  async run(cli, p) {
    const format = str(p, 'format');
    const found: unknown[] = [];
    const errs: string[] = [];
    let out = '';
    for (const n of p.args) {
      let v: unknown;
      try { v = await cli.client.json('GET', `/volumes/${encodeURIComponent(n)}`); } catch (e) { errs.push(errText(e)); continue; }
      if (format && format !== 'json') {
        try { out += formatOne(format, v) + '\n'; } catch (e) { throw new StatusError(1, (e as Error).message); }
      } else found.push(v);
    }
    // docker's inspectors: the indented one prints "[]" for nothing; the template one prints an empty line.
    if (!format || format === 'json') out = found.length ? JSON.stringify(found, null, 4) + '\n' : '[]\n';
    else if (out === '') out = '\n';
    cli.out(out);
    if (errs.length) throw new StatusError(1, errs.join('\n'));
    return 0;
  },
};

export const volumeRm: Command = {
  spec: {
    name: 'volume rm', usage: '[OPTIONS] VOLUME [VOLUME...]', desc: 'Remove one or more volumes. You cannot remove a volume that is in use by a container.', minArgs: 1,
    aliases: ['volume rm', 'volume remove'],
    flags: [{ name: 'force', short: 'f', type: 'bool', desc: 'Force the removal of one or more volumes' }, help],
  },
  async run(cli, p) {
    const errs: string[] = [];
    for (const n of p.args) {
      try {
        await cli.client.call('DELETE', `/volumes/${encodeURIComponent(n)}`, { query: { force: bool(p, 'force') || undefined } });
        cli.outLine(n);
      } catch (e) { errs.push(errText(e)); }
    }
    if (errs.length) throw new StatusError(1, errs.join('\n'));
    return 0;
  },
};

export const volumePrune: Command = {
  spec: {
    name: 'volume prune', usage: '[OPTIONS]', desc: 'Remove unused local volumes', maxArgs: 0,
    flags: [
      { name: 'all', short: 'a', type: 'bool', desc: 'Remove all unused volumes, not just anonymous ones' },
      { name: 'filter', type: 'list', desc: 'Provide filter values (e.g. "label=<label>")' },
      { name: 'force', short: 'f', type: 'bool', desc: 'Do not prompt for confirmation' }, help,
    ],
  },
  async run(cli, p) {
    const filters = list(p, 'filter');
    flagFilters(filters, [], 'volume prune', '[OPTIONS]');
    const extra: [string, string][] = [];
    let warning = 'WARNING! This will remove anonymous local volumes not used by at least one container.';
    if (compareVersions(await cli.client.apiVersion(), '1.42') >= 0) {
      if (bool(p, 'all')) {
        if (filters.some((f) => f.slice(0, f.indexOf('=') < 0 ? f.length : f.indexOf('=')).trim().toLowerCase() === 'all')) {
          throw new StatusError(1, 'conflicting options: cannot specify both --all and --filter all=1');
        }
        extra.push(['all', 'true']);
        warning = 'WARNING! This will remove all local volumes not used by at least one container.';
      }
    } else warning = 'WARNING! This will remove all local volumes not used by at least one container.';
    const f = flagFilters(filters, extra, 'volume prune', '[OPTIONS]');
    if (!bool(p, 'force') && !(await confirm(cli, warning))) return 0;
    const r = await cli.client.json<{ VolumesDeleted?: string[] | null; SpaceReclaimed?: number }>('POST', '/volumes/prune', { query: { filters: f } });
    let space = 0;
    if (r?.VolumesDeleted?.length) {
      cli.out('Deleted Volumes:\n' + r.VolumesDeleted.map((n) => n + '\n').join('') + '\n');
      space = r.SpaceReclaimed ?? 0;
    }
    cli.outLine(`Total reclaimed space: ${humanSize(space)}`);
    return 0;
  },
};

