// `docker image prune`: dangling images (or, with dangling=false, every unused image), narrowed by the
// `until` and `label`/`label!` filters. Conflicts skip an image instead of failing the prune.
import { invalid, isEngineError } from '../../lib/errors.js';
import type { ImageStore } from './image-store.js';
import { removeImage } from './remove.js';
import type { RemoveResult } from './types.js';

const durationRe = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's timetypes.GetTimestamp: a duration before now, unix seconds, or a date/time. Returns unix ms. */
export function parseUntil(value: string, now = Date.now()): number {
  if (durationRe.test(value)) {
    let ms = 0;
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * unitMs[m[2]];
    return now - ms;
  }
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalid(`failed to parse value as time or duration: "${value}"`);
  return t;
}

/** `label=k`, `label=k=v`; all must match. `label!=...`: none may match. */
export function labelsMatch(labels: Record<string, string>, want: string[], negate: string[]): boolean {
  const has = (spec: string) => {
    const eq = spec.indexOf('=');
    if (eq < 0) return spec in labels;
    return labels[spec.slice(0, eq)] === spec.slice(eq + 1);
  };
  return want.every(has) && !negate.some(has);
}

const knownFilters = new Set(['dangling', 'until', 'label', 'label!']);

export async function pruneImages(
  store: ImageStore,
  opts: { dangling: boolean; filters: Record<string, string[]>; usedBy: (imageId: string) => string[] },
): Promise<{ deleted: RemoveResult[]; spaceReclaimed: number }> {
  for (const k of Object.keys(opts.filters)) if (!knownFilters.has(k)) throw invalid(`invalid filter '${k}'`);
  const until = (opts.filters.until ?? []).map((u) => parseUntil(u));
  const deleted: RemoveResult[] = [];
  let spaceReclaimed = 0;
  for (const id of store.ids()) {
    const img = store.image(id);
    if (!img) continue;
    if (opts.dangling && img.repoTags.length > 0) continue;
    if (opts.usedBy(id).length > 0 || store.children(id).length > 0) continue;
    if (until.some((u) => Date.parse(img.created) >= u)) continue;
    if (!labelsMatch(img.config.Labels ?? {}, opts.filters.label ?? [], opts.filters['label!'] ?? [])) continue;
    try {
      // Untag every reference first (moby does the same for `prune -a`), then delete by ID.
      for (const ref of store.refs.refsOf(id)) {
        const r = await removeImage(store, ref, { force: false, noPrune: false, usedBy: opts.usedBy });
        deleted.push(...r.records);
        spaceReclaimed += r.freed;
      }
      if (store.has(id)) {
        const r = await removeImage(store, id, { force: false, noPrune: false, usedBy: opts.usedBy });
        deleted.push(...r.records);
        spaceReclaimed += r.freed;
      }
    } catch (e) {
      if (!isEngineError(e, 'conflict') && !isEngineError(e, 'not-found')) throw e;
    }
  }
  return { deleted, spaceReclaimed };
}
