// `docker cp` helpers over a container's root directory (its mounted merged dir). Paths are resolved
// inside the root like a chroot would: symlinks (absolute or with ..) never lead out of it.
import { promises as fs, type BigIntStats } from 'node:fs';
import { basename, posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { errorMessage, invalid, isEngineError, notFound } from '../lib/errors.js';
import { toContainer, toHost, type IdMapping } from '../lib/subid.js';

/** What an unmapped host ID looks like inside a user namespace (kernel overflowuid/overflowgid). */
const OVERFLOW_ID = 65534;
import { decompress } from './decompress.js';
import { relativeToRoot, resolveInRoot } from './root-paths.js';
import { extractTar } from './tar-extract.js';
import { packInto } from './tar-pack.js';

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

// Go os.FileMode type bits (as unsigned numbers: 1<<31 overflows JS bit operations).
const goModeDir = 2 ** 31;
const goModeSymlink = 2 ** 27;
const goModeDevice = 2 ** 26;
const goModeNamedPipe = 2 ** 25;
const goModeSocket = 2 ** 24;
const goModeSetuid = 2 ** 23;
const goModeSetgid = 2 ** 22;
const goModeCharDevice = 2 ** 21;
const goModeSticky = 2 ** 20;

export function goFileMode(st: BigIntStats): number {
  const m = Number(st.mode);
  let mode = m & 0o777;
  if (st.isDirectory()) mode += goModeDir;
  else if (st.isSymbolicLink()) mode += goModeSymlink;
  else if (st.isFIFO()) mode += goModeNamedPipe;
  else if (st.isSocket()) mode += goModeSocket;
  else if (st.isCharacterDevice()) mode += goModeDevice + goModeCharDevice;
  else if (st.isBlockDevice()) mode += goModeDevice;
  if (m & 0o4000) mode += goModeSetuid;
  if (m & 0o2000) mode += goModeSetgid;
  if (m & 0o1000) mode += goModeSticky;
  return mode;
}

/** RFC3339 with the filesystem's fractional seconds, as Go's time.Time JSON prints them. */
function rfc3339(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return frac === 0n ? `${base}Z` : `${base}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

const missing = (path: string, containerName: string) => notFound(`Could not find the file ${path} in container ${containerName}`);

/** A container path ends in a separator or `/.`: the final element is followed (it must be a directory). */
const followsFinal = (p: string) => p.endsWith('/') || p.endsWith('/.');

async function lstatIn(root: string, path: string, containerName: string, follow: boolean) {
  const abs = await resolveInRoot(root, path, follow || followsFinal(path));
  try {
    return { abs, st: await fs.lstat(abs, { bigint: true }) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') throw missing(path, containerName);
    throw e;
  }
}

/** HEAD/GET archive stat (`X-Docker-Container-Path-Stat`). */
export async function statPath(root: string, path: string, opts: { containerName: string }): Promise<PathStat> {
  const { abs, st } = await lstatIn(root, path, opts.containerName, false);
  if (followsFinal(path) && !st.isDirectory()) throw invalid('not a directory');
  let linkTarget = '';
  if (st.isSymbolicLink()) linkTarget = '/' + relativeToRoot(root, await resolveInRoot(root, path, true));
  const clean = posix.normalize(path.replace(/\/+$/, '')) || '/';
  return { name: clean === '/' ? '/' : basename(clean), size: Number(st.size), mode: goFileMode(st), mtime: rfc3339(st.mtimeNs), linkTarget };
}

/** Host owner → the owner a --userns-remap container sees (IDs outside its range show as the overflow ID). */
export function hostToContainerIds(maps: { uid: IdMapping[]; gid: IdMapping[] }): (uid: number, gid: number) => { uid: number; gid: number } {
  return (uid, gid) => ({ uid: toContainer(uid, maps.uid) ?? OVERFLOW_ID, gid: toContainer(gid, maps.gid) ?? OVERFLOW_ID });
}

/** GET archive: a tar whose top entry is the path's basename (`.` for a trailing `/.`). With `idMaps` (a
 *  --userns-remap container) owners are written as container IDs; host IDs outside the range as the overflow
 *  ID, which is how the container sees them. */
export async function archivePath(root: string, path: string, out: Writable, opts: { containerName: string; signal?: AbortSignal; idMaps?: { uid: IdMapping[]; gid: IdMapping[] } }): Promise<void> {
  const { abs, st } = await lstatIn(root, path, opts.containerName, false);
  if (followsFinal(path) && !st.isDirectory()) throw invalid('not a directory');
  const clean = posix.normalize(path.replace(/\/+$/, ''));
  const name = path.endsWith('/.') ? '.' : clean === '/' || clean === '' ? '.' : basename(clean);
  const pack = tar.pack();
  const piping = pipeline(pack as unknown as Readable, out, { signal: opts.signal });
  try {
    await packInto(pack, abs, name, { signal: opts.signal, mapIds: opts.idMaps && hostToContainerIds(opts.idMaps) });
    pack.finalize();
    await piping;
  } catch (e) {
    pack.destroy(e as Error);
    await piping.catch(() => undefined);
    throw e;
  }
}

/** PUT archive: extracts a (possibly compressed) tar into the existing directory `destPath`. Owners
 *  become container root unless `copyUidGid` (the CLI's `-a`). With `idMaps` (a --userns-remap container)
 *  the archive's IDs are container IDs and land shifted into the container's range, as dockerd does; IDs
 *  outside it are refused. */
export async function extractArchive(root: string, destPath: string, src: Readable, opts: {
  containerName: string; noOverwriteDirNonDir?: boolean; copyUidGid?: boolean; signal?: AbortSignal; idMaps?: { uid: IdMapping[]; gid: IdMapping[] };
}): Promise<void> {
  const { abs, st } = await lstatIn(root, destPath, opts.containerName, true);
  if (!st.isDirectory()) throw invalid('not a directory');
  const maps = opts.idMaps;
  const mapIds = maps && ((uid: number, gid: number) => ({ uid: toHost(uid, maps.uid), gid: toHost(gid, maps.gid) }));
  try {
    const plain = (await decompress(src)).stream;
    await extractTar(plain, root, {
      whiteouts: 'keep', parentSymlinks: 'resolve', base: relativeToRoot(root, abs),
      noOverwriteDirNonDir: opts.noOverwriteDirNonDir, preserveOwners: true,
      owner: opts.copyUidGid ? undefined : mapIds ? mapIds(0, 0) : { uid: 0, gid: 0 }, mapIds, signal: opts.signal,
    });
  } catch (e) {
    if (isEngineError(e)) throw e;
    throw invalid(`error extracting archive: ${errorMessage(e)}`);
  }
}
