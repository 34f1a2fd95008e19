// `docker ps` selection: all/limit/before/since and the filters id, name, label, status, exited, ancestor, ...
import { invalid } from '../../lib/errors.js';
import type { ContainerRecord } from './model.js';

export interface ListOptions {
  all: boolean;
  limit: number;               // <= 0 = no limit
  filters: Record<string, string[]>;
  /** Resolves an ancestor filter value to image IDs (the image and nothing else for now). */
  resolveImage: (ref: string) => string | undefined;
  find: (ref: string) => ContainerRecord | undefined;
}

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const KEYS = ['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'volume', 'network', 'publish', 'expose', 'health', 'isolation', 'is-task'];

export function selectContainers(all: ContainerRecord[], o: ListOptions): ContainerRecord[] {
  const f = o.filters;
  for (const k of Object.keys(f)) if (!KEYS.includes(k)) throw invalid(`invalid filter '${k}'`);
  for (const s of f.status ?? []) if (!STATUSES.includes(s)) throw invalid(`invalid filter 'status=${s}'`);
  for (const e of f.exited ?? []) if (!/^-?\d+$/.test(e)) throw invalid(`invalid filter 'exited=${e}'`);
  // Newest first, as dockerd lists them.
  let list = [...all].sort((a, b) => Date.parse(b.created) - Date.parse(a.created) || (a.id < b.id ? 1 : -1));
  const before = f.before?.[0] ? o.find(f.before[0]) : undefined;
  const since = f.since?.[0] ? o.find(f.since[0]) : undefined;
  if (f.before?.[0] && !before) throw invalid(`No such container: ${f.before[0]}`);
  if (f.since?.[0] && !since) throw invalid(`No such container: ${f.since[0]}`);
  const showAll = o.all || o.limit > 0 || !!f.status?.length || !!f.exited?.length || !!before || !!since;
  const ancestors = (f.ancestor ?? []).map((a) => o.resolveImage(a) ?? `missing:${a}`);
  list = list.filter((c) => {
    const st = c.state.status;
    if (!showAll && st !== 'running' && st !== 'paused' && st !== 'restarting') return false;
    if (before && Date.parse(c.created) >= Date.parse(before.created)) return false;
    if (since && Date.parse(c.created) <= Date.parse(since.created)) return false;
    if (f.id?.length && !f.id.some((v) => c.id.startsWith(v))) return false;
    if (f.name?.length && !f.name.some((v) => new RegExp(v.replace(/^\//, '')).test(c.name.slice(1)))) return false;
    if (f.status?.length && !f.status.includes(st)) return false;
    if (f.exited?.length && !(st === 'exited' && f.exited.some((e) => Number(e) === c.state.exitCode))) return false;
    if (f.label?.length && !f.label.every((l) => labelMatches(c.config.Labels ?? {}, l))) return false;
    if (ancestors.length && !ancestors.some((id) => id === c.imageId || c.config.Image === id)) return false;
    if (f.network?.length && !f.network.some((n) => c.hostConfig.NetworkMode === n || c.sandbox?.endpoints.some((e) => e.networkName === n || e.networkId.startsWith(n)))) return false;
    return true;
  });
  if (o.limit > 0) list = list.slice(0, o.limit);
  return list;
}

export function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const i = filter.indexOf('=');
  if (i < 0) return filter in labels;
  return labels[filter.slice(0, i)] === filter.slice(i + 1);
}
