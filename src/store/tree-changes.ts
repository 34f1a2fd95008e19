// `docker diff` over an overlay upper dir: a 0/0 char device is a deletion; anything else is added when
// no lower layer has the path and modified when one does. An opaque directory hides the lower contents,
// so lower entries missing from it count as deleted.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isOverlayWhiteout, opaqueDirs } from './whiteouts.js';

export interface Change { Path: string; Kind: 0 | 1 | 2 }

async function lstatOrUndefined(p: string) {
  try {
    return await fs.lstat(p);
  } catch {
    return undefined;
  }
}

/** Whether `rel` exists in the lower layers (top first), honouring whiteouts within them. */
async function inLower(lowerDirs: string[], rel: string): Promise<boolean> {
  for (const dir of lowerDirs) {
    const st = await lstatOrUndefined(join(dir, rel));
    if (!st) continue;
    return !isOverlayWhiteout(st);
  }
  return false;
}

async function listLower(lowerDirs: string[], rel: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const dir of lowerDirs) {
    try {
      for (const n of await fs.readdir(join(dir, rel))) names.add(n);
    } catch { /* not in this layer */ }
  }
  return names;
}

export async function upperChanges(upperDir: string, lowerDirs: string[]): Promise<Change[]> {
  const changes: Change[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await fs.readdir(join(upperDir, rel))).sort();
    for (const name of names) {
      const childRel = rel ? `${rel}/${name}` : name;
      const path = '/' + childRel;
      const st = await fs.lstat(join(upperDir, childRel));
      if (isOverlayWhiteout(st)) {
        changes.push({ Path: path, Kind: 2 });
        continue;
      }
      const existed = await inLower(lowerDirs, childRel);
      changes.push({ Path: path, Kind: existed ? 0 : 1 });
      if (!st.isDirectory()) continue;
      if (existed && (await opaqueDirs([join(upperDir, childRel)])).size > 0) {
        const upperNames = new Set(await fs.readdir(join(upperDir, childRel)));
        for (const gone of await listLower(lowerDirs, childRel)) {
          if (!upperNames.has(gone)) changes.push({ Path: `${path}/${gone}`, Kind: 2 });
        }
      }
      await walk(childRel);
    }
  };
  await walk('');
  return changes.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}
