// OCI/Docker whiteouts (`.wh.name`, `.wh..wh..opq`) and their overlayfs form (a 0/0 character device,
// the `trusted.overlay.opaque=y` xattr). Node can neither mknod nor set xattrs, so this shells out to
// mknod(1) and setfattr/getfattr (Debian package `attr`), batching many paths into one process.
import type { Stats } from 'node:fs';
import { run } from '../lib/exec-file.js';

export const whiteoutPrefix = '.wh.';
export const whiteoutMetaPrefix = '.wh..wh.';
export const opaqueMarker = '.wh..wh..opq';
const opaqueXattr = 'trusted.overlay.opaque';
// Stay well below ARG_MAX when batching paths onto one command line.
const maxBatchBytes = 64 * 1024;

function batches(paths: string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const p of paths) {
    if (cur.length > 0 && bytes + p.length + 1 > maxBatchBytes) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(p);
    bytes += p.length + 1;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Creates overlay whiteouts (char 0/0) at the given absolute paths, which must not exist. */
export async function makeOverlayWhiteouts(paths: string[]): Promise<void> {
  for (const batch of batches(paths)) {
    await run('sh', ['-c', 'for p; do mknod -m 0 "$p" c 0 0 || exit 1; done', 'sh', ...batch]);
  }
}

/** Makes fifos at the given absolute paths (tar fifo entries). */
export async function makeFifos(paths: string[]): Promise<void> {
  for (const batch of batches(paths)) {
    await run('sh', ['-c', 'for p; do mknod "$p" p || exit 1; done', 'sh', ...batch]);
  }
}

/** Marks directories opaque for overlayfs. */
export async function markOpaque(dirs: string[]): Promise<void> {
  for (const batch of batches(dirs)) {
    await run('setfattr', ['-h', '-n', opaqueXattr, '-v', 'y', '--', ...batch]);
  }
}

/** Which of the given directories carry the opaque xattr. */
export async function opaqueDirs(dirs: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const batch of batches(dirs)) {
    const r = await run('getfattr', ['-h', '--absolute-names', '-n', opaqueXattr, '--only-values', '-e', 'text', '--', ...batch], { allowFail: true });
    if (r.code === 0 && batch.length === 1) {
      if (r.stdout.trim() === 'y') found.add(batch[0]);
      continue;
    }
    // Several paths: ask again one by one only when something was found at all (rare).
    if (r.stdout.includes('y')) {
      for (const d of batch) {
        const one = await run('getfattr', ['-h', '--absolute-names', '-n', opaqueXattr, '--only-values', '--', d], { allowFail: true });
        if (one.code === 0 && one.stdout.trim() === 'y') found.add(d);
      }
    }
  }
  return found;
}

/** An overlay whiteout is a character device with device number 0/0. */
export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}
