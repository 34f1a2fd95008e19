// `docker images` selection: filters reference, dangling, label, before, since.
import { invalid } from '../../lib/errors.js';
import type { Image } from './types.js';

export function selectImages(all: Image[], o: { all: boolean; filters: Record<string, string[]>; find: (ref: string) => Image | undefined }): Image[] {
  const f = o.filters;
  for (const k of Object.keys(f)) if (!['reference', 'dangling', 'label', 'before', 'since', 'until'].includes(k)) throw invalid(`invalid filter '${k}'`);
  const dangling = f.dangling?.[0];
  if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling.toLowerCase())) throw invalid(`invalid filter 'dangling=${dangling}'`);
  const before = f.before?.[0] ? o.find(f.before[0]) : undefined;
  const since = f.since?.[0] ? o.find(f.since[0]) : undefined;
  if (f.before?.[0] && !before) throw invalid(`No such image: ${f.before[0]}`);
  if (f.since?.[0] && !since) throw invalid(`No such image: ${f.since[0]}`);
  return all
    .filter((i) => {
      if (dangling !== undefined) {
        const want = ['true', '1'].includes(dangling.toLowerCase());
        if ((i.repoTags.length === 0) !== want) return false;
      }
      if (before && Date.parse(i.created) >= Date.parse(before.created)) return false;
      if (since && Date.parse(i.created) <= Date.parse(since.created)) return false;
      if (f.label?.length && !f.label.every((l) => {
        const k = l.indexOf('=');
        const labels = i.config.Labels ?? {};
        return k < 0 ? l in labels : labels[l.slice(0, k)] === l.slice(k + 1);
      })) return false;
      if (f.reference?.length && !f.reference.some((pat) => i.repoTags.some((t) => refMatches(t, pat)))) return false;
      return true;
    })
    .sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
}

/** Shell-style match of a reference pattern against "repo:tag" (the tag defaults to any when the pattern has none). */
export function refMatches(repoTag: string, pattern: string): boolean {
  const toRe = (p: string) => new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
  // A tag is a ':' in the last path segment (a registry port is not).
  const hasTag = pattern.slice(pattern.lastIndexOf('/') + 1).includes(':');
  return toRe(pattern).test(hasTag ? repoTag : repoTag.slice(0, repoTag.lastIndexOf(':')));
}
