// Writes a directory tree as a tar stream (docker export, docker cp, layer diffs). Hard links inside
// the tree are kept as links; overlay whiteouts can be turned back into `.wh.` files.
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { isOverlayWhiteout, opaqueDirs, opaqueMarker, whiteoutPrefix } from './whiteouts.js';

type Pack = ReturnType<typeof tar.pack>;

export interface PackOptions {
  /** Turn overlay whiteouts (char 0/0, opaque xattr) into `.wh.` entries (layer diffs). */
  overlayWhiteouts?: boolean;
  /** Skip these paths relative to the walk root (e.g. nothing, or mount points). */
  skip?: (rel: string) => boolean;
  signal?: AbortSignal;
  /** Host owner → archive owner (docker cp out of a --userns-remap container writes container IDs). */
  mapIds?: (uid: number, gid: number) => { uid: number; gid: number };
}

function typeOf(st: Stats): tar.Header['type'] | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  return undefined; // sockets are skipped, as Docker does
}

function addEntry(pack: Pack, header: tar.Header | Partial<tar.Header> & { name: string }, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
  });
}

class TreePacker {
  private readonly inodes = new Map<string, string>();
  constructor(private readonly pack: Pack, private readonly opts: PackOptions) {}

  /** Adds `abs` under the archive name `name`, recursing into directories. */
  async add(abs: string, name: string, rel: string): Promise<void> {
    this.opts.signal?.throwIfAborted();
    if (this.opts.skip?.(rel)) return;
    const st = await fs.lstat(abs);
    if (this.opts.overlayWhiteouts && isOverlayWhiteout(st)) {
      const slash = name.lastIndexOf('/');
      const wh = `${name.slice(0, slash + 1)}${whiteoutPrefix}${name.slice(slash + 1)}`;
      return addEntry(this.pack, { name: wh, type: 'file', size: 0, mode: 0o600, mtime: st.mtime, uid: 0, gid: 0 });
    }
    const type = typeOf(st);
    if (!type) return;
    const header: tar.Header = {
      name: type === 'directory' && name !== '' ? `${name}/` : name, type, size: 0, mode: st.mode & 0o7777, mtime: st.mtime,
      ...(this.opts.mapIds ? this.opts.mapIds(st.uid, st.gid) : { uid: st.uid, gid: st.gid }), linkname: '', uname: '', gname: '',
      devmajor: Math.floor(st.rdev / 256), devminor: st.rdev % 256,
    };
    if (type === 'file' && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.inodes.get(key);
      if (first !== undefined) return addEntry(this.pack, { ...header, type: 'link', linkname: first });
      this.inodes.set(key, name);
    }
    if (type === 'symlink') header.linkname = await fs.readlink(abs);
    if (type === 'file') return this.addFile(abs, { ...header, size: st.size });
    if (header.name !== '') await addEntry(this.pack, header);
    if (type !== 'directory') return;
    if (this.opts.overlayWhiteouts && (await opaqueDirs([abs])).size > 0) {
      await addEntry(this.pack, { name: `${name ? name + '/' : ''}${opaqueMarker}`, type: 'file', size: 0, mode: 0o600, mtime: st.mtime });
    }
    for (const child of (await fs.readdir(abs)).sort()) {
      await this.add(join(abs, child), name ? `${name}/${child}` : child, rel ? `${rel}/${child}` : child);
    }
  }

  private async addFile(abs: string, header: tar.Header): Promise<void> {
    if (header.size === 0) return addEntry(this.pack, header);
    const entry = this.pack.entry(header);
    const done = new Promise<void>((resolve, reject) => {
      entry.on('finish', () => resolve());
      entry.on('error', reject);
    });
    // A file that changed size while being read would corrupt the tar; read exactly header.size bytes.
    await pipeline(createReadStream(abs, { start: 0, end: Math.max(0, header.size - 1) }), entry as unknown as Writable);
    await done;
  }
}

/** Streams `dir` as a tar to `out`. Entry names are relative (`bin/sh`), prefixed by `prefix/` when given. */
export async function packTree(dir: string, out: Writable, opts: PackOptions & { prefix?: string } = {}): Promise<void> {
  const pack = tar.pack();
  const piping = pipeline(pack as unknown as NodeJS.ReadableStream, out);
  try {
    await new TreePacker(pack, opts).add(dir, opts.prefix ?? '', '');
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await piping.catch(() => undefined);
    throw e;
  }
  await piping;
}

/** Packs several trees into one pack stream owned by the caller (used by `docker cp`). */
export async function packInto(pack: Pack, abs: string, name: string, opts: PackOptions = {}): Promise<void> {
  await new TreePacker(pack, opts).add(abs, name, '');
}

export { addEntry };
