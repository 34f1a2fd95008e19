// Path handling inside a root directory that must never be escaped: tar member names and user paths for
// `docker cp`. Symlinks are resolved as if the root were `/` (like a chroot), so `..` and absolute link
// targets stay inside. Known limit: a concurrent writer inside the root could swap a component for a
// symlink between the check and the use (no openat2 RESOLVE_IN_ROOT in Node).
import { promises as fs } from 'node:fs';
import { join, posix } from 'node:path';
import { invalid } from '../lib/errors.js';

/** A tar member name as a clean relative path ('' for the root). Leading '/' is stripped as Docker
 *  does; names that climb out of the root are rejected. */
export function cleanMemberPath(name: string): string {
  if (name.includes('\0')) throw invalid(`invalid tar member name ${JSON.stringify(name)}`);
  let p = posix.normalize(name.replace(/^\/+/, ''));
  if (p === '.' || p === './') return '';
  p = p.replace(/\/+$/, '');
  if (p === '..' || p.startsWith('../')) {
    throw invalid(`invalid tar member ${JSON.stringify(name)}: path escapes the destination (breakout)`);
  }
  return p;
}

function splitParts(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/** Resolves `p` (absolute or relative to the root) inside `root`, following symlinks chroot-style.
 *  Components that do not exist are taken literally. With `followFinal` false, a final symlink is kept. */
export async function resolveInRoot(root: string, p: string, followFinal: boolean): Promise<string> {
  let parts = splitParts(p);
  let resolved: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const c = parts.shift() as string;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    if (parts.length === 0 && !followFinal) {
      resolved.push(c);
      break;
    }
    const abs = join(root, ...resolved, c);
    let target: string | undefined;
    try {
      const st = await fs.lstat(abs);
      if (st.isSymbolicLink()) target = await fs.readlink(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    }
    if (target === undefined) {
      resolved.push(c);
      continue;
    }
    if (++hops > 40) throw invalid(`too many levels of symbolic links: ${p}`);
    if (target.startsWith('/')) resolved = [];
    parts = [...splitParts(target), ...parts];
  }
  return join(root, ...resolved);
}

/** The path of `abs` relative to `root` ('' for the root itself). */
export function relativeToRoot(root: string, abs: string): string {
  const r = posix.relative(root, abs);
  if (r === '..' || r.startsWith('../') || posix.isAbsolute(r)) throw invalid(`path escapes the root: ${abs}`);
  return r;
}
