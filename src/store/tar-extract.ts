// Safe tar extraction into a root directory, shared by the layer store (whiteouts become overlay
// whiteouts) and `docker cp` (plain extraction into a container's tree). Every member is resolved inside
// the root; nothing is ever written through a symlink; device nodes and out-of-root hard links are
// refused. Directory modes and mtimes are applied at the end, deepest first, so children can be written.
// The per-member metadata calls are synchronous on purpose: awaiting five thread-pool round trips per
// small file made many-small-file layers ~5x slower (see docs/notes/images.md); each call is short and
// the loop still yields to the event loop between tar members.
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { errorMessage, invalid } from '../lib/errors.js';
import { cleanMemberPath, resolveInRoot } from './root-paths.js';
import { makeFifos, makeOverlayWhiteouts, markOpaque, opaqueMarker, whiteoutMetaPrefix, whiteoutPrefix } from './whiteouts.js';

export interface ExtractOptions {
  /** 'overlay': turn `.wh.` members into overlay whiteouts (layers). 'keep': write them as files. */
  whiteouts: 'overlay' | 'keep';
  /** 'refuse': a symlink in a parent path is an error (layers). 'resolve': follow it inside the root (cp). */
  parentSymlinks: 'refuse' | 'resolve';
  /** Directory (relative to root) members are relative to; '' for the root. */
  base?: string;
  noOverwriteDirNonDir?: boolean;
  /** Apply uid/gid from the archive (true for layers). */
  preserveOwners?: boolean;
  /** With preserveOwners: use this owner instead of the archive's (docker cp without -a). */
  owner?: { uid: number; gid: number };
  /** With preserveOwners: maps the archive's uid/gid to host IDs (layers of a --userns-remap daemon). */
  mapIds?: (uid: number, gid: number) => { uid: number; gid: number };
  signal?: AbortSignal;
}

export interface ExtractResult { entries: number; size: number }

/** A member's data (a streamx Readable from tar-stream). */
type EntryBody = AsyncIterable<Buffer> & { resume(): unknown };

interface Deferred { path: string; mode: number; uid: number; gid: number; mtime?: Date }

const smallFile = 1 << 20;

class Extractor {
  private readonly verified = new Set<string>(['']);
  private readonly dirs: Deferred[] = [];
  private readonly whiteouts: string[] = [];
  private readonly opaque = new Set<string>();
  private readonly fifos: Deferred[] = [];
  readonly result: ExtractResult = { entries: 0, size: 0 };

  constructor(private readonly root: string, private readonly opts: ExtractOptions) {}

  /** Absolute path for a member, its parents made real directories inside the root. */
  private async place(rel: string): Promise<string> {
    const full = this.opts.base ? join(this.opts.base, rel) : rel;
    if (this.opts.parentSymlinks === 'resolve') {
      const abs = await resolveInRoot(this.root, full, false);
      await fs.mkdir(dirname(abs), { recursive: true });
      const st = await fs.lstat(dirname(abs));
      if (!st.isDirectory()) throw invalid(`not a directory: ${dirname(full)}`);
      return abs;
    }
    const parts = full.split('/');
    let prefix = '';
    for (let i = 0; i < parts.length - 1; i++) {
      prefix = prefix ? `${prefix}/${parts[i]}` : parts[i];
      if (this.verified.has(prefix)) continue;
      const abs = join(this.root, prefix);
      const st = fsSync.lstatSync(abs, { throwIfNoEntry: false });
      if (!st) { fsSync.mkdirSync(abs, { mode: 0o755 }); this.ownImplicit(abs); }
      else if (st.isSymbolicLink()) throw invalid(`refusing to extract through symlink ${prefix} (breakout)`);
      else if (!st.isDirectory()) throw invalid(`not a directory: ${prefix}`);
      this.verified.add(prefix);
    }
    return join(this.root, full);
  }

  /** Makes room for a new member at `abs` following tar semantics (later members replace earlier). */
  private async clear(abs: string, rel: string, isDir: boolean): Promise<boolean> {
    const st = fsSync.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return false;
    if (st.isDirectory() && isDir) return true;
    if (this.opts.noOverwriteDirNonDir) {
      if (st.isDirectory()) throw invalid(`cannot overwrite directory "${abs}" with non-directory "${rel}"`);
      if (isDir) throw invalid(`cannot overwrite non-directory "${abs}" with directory "${rel}"`);
    }
    if (st.isDirectory()) this.verified.clear();
    await fs.rm(abs, { recursive: true, force: true });
    this.verified.add('');
    return false;
  }

  async entry(header: tar.Header, body: EntryBody): Promise<void> {
    this.result.entries++;
    const rel = cleanMemberPath(header.name);
    const type = header.type ?? 'file';
    const name = basename(rel);
    if (this.opts.whiteouts === 'overlay' && name.startsWith(whiteoutPrefix)) {
      body.resume();
      return this.whiteout(rel, name);
    }
    if (rel === '' && type !== 'directory') throw invalid(`invalid tar member ${JSON.stringify(header.name)}`);
    const abs = rel === '' ? join(this.root, this.opts.base ?? '') : await this.place(rel);
    const meta: Deferred = {
      path: abs, mode: (header.mode ?? 0o644) & 0o7777, mtime: header.mtime,
      uid: this.opts.owner?.uid ?? header.uid ?? 0, gid: this.opts.owner?.gid ?? header.gid ?? 0,
    };
    if (this.opts.mapIds && !this.opts.owner) {
      try { Object.assign(meta, this.opts.mapIds(meta.uid, meta.gid)); } catch (e) { throw invalid(`invalid tar member ${JSON.stringify(header.name)}: ${errorMessage(e)}`); }
    }
    switch (type) {
      case 'file':
      case 'contiguous-file':
        await this.clear(abs, rel, false);
        await this.writeFile(abs, body, header.size ?? 0);
        this.result.size += header.size ?? 0;
        return this.finish(meta, true);
      case 'directory':
        body.resume();
        if (!(await this.clear(abs, rel, true))) await fs.mkdir(abs, { mode: 0o700 });
        this.dirs.push(meta);
        return;
      case 'symlink':
        body.resume();
        await this.clear(abs, rel, false);
        await fs.symlink(header.linkname ?? '', abs);
        return this.finish(meta, false);
      case 'link':
        body.resume();
        return this.hardlink(abs, rel, header.linkname ?? '');
      case 'fifo':
        body.resume();
        await this.clear(abs, rel, false);
        this.fifos.push(meta);
        return;
      case 'character-device':
      case 'block-device':
        throw invalid(`refusing to create device node ${rel}`);
      default:
        body.resume();
    }
  }

  private async writeFile(abs: string, body: EntryBody, size: number): Promise<void> {
    if (size <= smallFile) {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      fsSync.writeFileSync(abs, Buffer.concat(chunks), { flag: 'wx', mode: 0o600 });
      return;
    }
    const fh = await fs.open(abs, 'wx', 0o600);
    try {
      for await (const c of body) await fh.write(c);
    } finally {
      await fh.close();
    }
  }

  private async hardlink(abs: string, rel: string, linkname: string): Promise<void> {
    const targetRel = cleanMemberPath(linkname);
    if (targetRel === '') throw invalid(`invalid hard link ${rel} -> ${linkname}`);
    const target = await this.place(targetRel);
    let st;
    try {
      st = await fs.lstat(target);
    } catch {
      throw invalid(`hard link ${rel} -> ${linkname}: target does not exist in the archive`);
    }
    if (st.isDirectory()) throw invalid(`hard link ${rel} -> ${linkname}: target is a directory`);
    if (target === abs) return;
    await this.clear(abs, rel, false);
    await fs.link(target, abs);
  }

  private async whiteout(rel: string, name: string): Promise<void> {
    const parentRel = dirname(rel) === '.' ? '' : dirname(rel);
    const parent = parentRel === '' ? this.root : await this.ensureDir(parentRel);
    if (name === opaqueMarker) {
      this.opaque.add(parent);
      return;
    }
    if (name.startsWith(whiteoutMetaPrefix)) return; // aufs bookkeeping (.wh..wh.plnk etc.)
    const target = join(parent, name.slice(whiteoutPrefix.length));
    await this.clear(target, rel, false);
    this.whiteouts.push(target);
  }

  private async ensureDir(rel: string): Promise<string> {
    const abs = await this.place(rel);
    try {
      const st = await fs.lstat(abs);
      if (!st.isDirectory()) throw invalid(`not a directory: ${rel}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fs.mkdir(abs, { mode: 0o755 });
      this.ownImplicit(abs);
    }
    this.verified.add(rel);
    return abs;
  }

  /** A directory the archive did not list belongs to (remapped) root. */
  private ownImplicit(abs: string): void {
    if (!this.opts.mapIds || !this.opts.preserveOwners) return;
    const o = this.opts.mapIds(0, 0);
    fsSync.lchownSync(abs, o.uid, o.gid);
  }

  private async finish(m: Deferred, chmod: boolean): Promise<void> {
    if (this.opts.preserveOwners) fsSync.lchownSync(m.path, m.uid, m.gid);
    if (chmod) fsSync.chmodSync(m.path, m.mode); // after chown, which clears setuid bits
    if (m.mtime) fsSync.lutimesSync(m.path, m.mtime, m.mtime);
  }

  async complete(): Promise<void> {
    await makeOverlayWhiteouts(this.whiteouts);
    await makeFifos(this.fifos.map((f) => f.path));
    for (const f of this.fifos) await this.finish(f, true);
    await markOpaque([...this.opaque]);
    for (const d of this.dirs.reverse()) await this.finish(d, true);
  }
}

/** Extracts an uncompressed tar stream into `root`. The caller owns cleanup on failure. */
export async function extractTar(src: Readable, root: string, opts: ExtractOptions): Promise<ExtractResult> {
  const ex = new Extractor(root, opts);
  const parser = tar.extract();
  const feeding = pipeline(src, parser, { signal: opts.signal });
  feeding.catch(() => { /* reported through the entry loop below */ });
  try {
    for await (const entry of parser) {
      opts.signal?.throwIfAborted();
      await ex.entry(entry.header, entry as unknown as EntryBody);
    }
    await feeding;
  } catch (e) {
    parser.destroy();
    src.destroy();
    await feeding.catch(() => undefined);
    throw e;
  }
  await ex.complete();
  return ex.result;
}
