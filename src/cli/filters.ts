// --filter k=v (repeatable) → the JSON map form the docker CLI sends: {"k":{"v":true}}, keys sorted like Go's.
import { StatusError } from './cli.js';

export function filtersJson(specs: string[], extra: [string, string][] = []): string | undefined {
  const m = new Map<string, Set<string>>();
  const add = (k: string, v: string) => { if (!m.has(k)) m.set(k, new Set()); m.get(k)!.add(v); };
  for (const s of specs) {
    const i = s.indexOf('=');
    if (i < 0) throw new StatusError(125, `invalid argument "${s}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    add(s.slice(0, i).trim().toLowerCase(), s.slice(i + 1).trim());
  }
  for (const [k, v] of extra) add(k, v);
  if (m.size === 0) return undefined;
  const obj: Record<string, Record<string, boolean>> = {};
  for (const k of [...m.keys()].sort()) {
    obj[k] = {};
    for (const v of [...m.get(k)!].sort()) obj[k]![v] = true;
  }
  return JSON.stringify(obj);
}
