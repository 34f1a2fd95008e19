// overlay2-style layer store: one read-only directory per layer, keyed by chain ID.
//   <root>/<chainHex>/diff        the unpacked layer (overlay whiteouts: char 0/0, opaque xattr)
//   <root>/<chainHex>/layer.json  { chainId, diffId, parent, size, tarSize, blob, link }
//   <root>/l/<link> -> ../<chainHex>/diff   short names that keep overlay mount options under a page
// A layer is unpacked into `<root>/tmp-<rand>/` and renamed into place, so it is either complete or absent.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { readJson, writeJsonAtomic } from '../lib/atomic-file.js';
import { invalid, errorMessage, isEngineError } from '../lib/errors.js';
import { sha256Digest } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { type ContentStore, DigestCounter, digestHex } from './content-store.js';
import { decompress } from './decompress.js';
import { extractTar } from './tar-extract.js';

export interface LayerInfo {
  chainId: string;
  diffId: string;
  /** Parent chain ID, '' for a base layer. */
  parent: string;
  /** Bytes of regular files in the layer (Docker's layer size). */
  size: number;
  /** Length of the uncompressed layer tar, whose sha256 is diffId. */
  tarSize: number;
  /** Content-store digest of the blob the layer came from (possibly compressed); used by save. */
  blob: string;
  /** Name of the short symlink under l/. */
  link: string;
}

export function chainIdOf(parent: string, diffId: string): string {
  return parent === '' ? diffId : sha256Digest(`${parent} ${diffId}`);
}

/** Chain IDs for a list of diff IDs, bottom first. */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(chainIdOf(out.at(-1) ?? '', d));
  return out;
}

export class LayerStore {
  private readonly layers = new Map<string, LayerInfo>();
  readonly linkDir: string;

  /** `mapIds`: archive uid/gid → host IDs, for a --userns-remap daemon (Docker's overlay2 shifts at unpack too). */
  constructor(readonly root: string, private readonly content: ContentStore, private readonly logger: Logger,
    private readonly mapIds?: (uid: number, gid: number) => { uid: number; gid: number }) {
    this.linkDir = join(root, 'l');
  }

  /** Loads layer metadata, sweeps unfinished unpacks, repairs missing short links. */
  async init(): Promise<void> {
    await fs.mkdir(this.linkDir, { recursive: true });
    await fs.mkdir(this.emptyDir(), { recursive: true });
    for (const name of await fs.readdir(this.root)) {
      if (name.startsWith('tmp-')) {
        await fs.rm(join(this.root, name), { recursive: true, force: true });
        continue;
      }
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      const info = await readJson<LayerInfo>(join(this.root, name, 'layer.json'));
      if (!info) continue;
      this.layers.set(info.chainId, info);
      await this.ensureLink(info);
    }
  }

  /** A permanently empty directory, the lower dir for images without layers. */
  emptyDir(): string {
    return join(this.root, 'empty');
  }

  get(chainId: string): LayerInfo | undefined {
    return this.layers.get(chainId);
  }

  list(): LayerInfo[] {
    return [...this.layers.values()];
  }

  dir(chainId: string): string {
    return join(this.root, digestHex(chainId));
  }

  diffDir(chainId: string): string {
    return join(this.dir(chainId), 'diff');
  }

  /** Chain ID of a layer's diff dir path, or undefined if it is not one of ours. */
  chainIdOfDiffDir(diffDir: string): string | undefined {
    const m = /\/([a-f0-9]{64})\/diff$/.exec(diffDir);
    return m ? 'sha256:' + m[1] : undefined;
  }

  private async ensureLink(info: LayerInfo): Promise<void> {
    const p = join(this.linkDir, info.link);
    try {
      await fs.lstat(p);
    } catch {
      await fs.symlink(`../${digestHex(info.chainId)}/diff`, p);
    }
  }

  /** Unpacks the blob `blob` (already in the content store) as a layer over `parent`. With
   *  `expectedDiffId`, a mismatching layer is discarded. Returns the layer and whether it is new. */
  async registerBlob(blob: string, parent: string, opts: { expectedDiffId?: string; signal?: AbortSignal } = {}): Promise<{ layer: LayerInfo; created: boolean }> {
    if (parent !== '' && !this.layers.has(parent)) throw invalid(`parent layer ${parent} does not exist`);
    if (opts.expectedDiffId) {
      const existing = this.layers.get(chainIdOf(parent, opts.expectedDiffId));
      if (existing) return { layer: existing, created: false };
    }
    const tmp = join(this.root, `tmp-${randomBytes(8).toString('hex')}`);
    try {
      await fs.mkdir(join(tmp, 'diff'), { recursive: true, mode: 0o700 });
      const unpacked = await this.unpack(this.content.createReadStream(blob), join(tmp, 'diff'), opts.signal);
      return await this.place(tmp, parent, blob, unpacked, opts.expectedDiffId);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /**
   * One pass over a layer that is not in the content store yet (`docker import`): the bytes go to the content
   * store and to the unpacker side by side, instead of being written whole and read back. Either both succeed
   * or neither leaves anything (the blob is deleted when the layer fails).
   */
  async ingestAndRegister(src: Readable, parent: string, opts: { signal?: AbortSignal } = {}): Promise<{ layer: LayerInfo; created: boolean; blob: string }> {
    if (parent !== '' && !this.layers.has(parent)) throw invalid(`parent layer ${parent} does not exist`);
    const tmp = join(this.root, `tmp-${randomBytes(8).toString('hex')}`);
    const toStore = new PassThrough();
    const toUnpack = new PassThrough();
    const fail = (e: Error) => { toStore.destroy(e); toUnpack.destroy(e); };
    src.on('error', fail);
    src.pipe(toStore);
    src.pipe(toUnpack);
    let blob: string | undefined;
    try {
      await fs.mkdir(join(tmp, 'diff'), { recursive: true, mode: 0o700 });
      const [stored, unpacked] = await Promise.allSettled([
        this.content.ingest(toStore, { signal: opts.signal }),
        // Whatever the unpacker leaves unread (padding after the end-of-archive blocks) must still flow, or the
        // store's side would wait forever on back-pressure.
        this.unpack(toUnpack, join(tmp, 'diff'), opts.signal).finally(() => toUnpack.resume()).catch((e: unknown) => { fail(e as Error); throw e; }),
      ]);
      if (stored.status === 'fulfilled') blob = stored.value.digest;
      if (unpacked.status === 'rejected') throw unpacked.reason;
      if (stored.status === 'rejected') throw stored.reason;
      const r = await this.place(tmp, parent, blob!, unpacked.value);
      return { ...r, blob: blob! };
    } catch (e) {
      if (blob && ![...this.layers.values()].some((l) => l.blob === blob)) await this.content.delete(blob).catch(() => undefined);
      throw e;
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /** Moves an unpacked layer from `tmp` into place under its chain ID, unless that layer already exists. */
  private async place(tmp: string, parent: string, blob: string, u: { diffId: string; size: number; tarSize: number }, expectedDiffId?: string): Promise<{ layer: LayerInfo; created: boolean }> {
    const { diffId, size, tarSize } = u;
    if (expectedDiffId !== undefined && expectedDiffId !== diffId) {
      throw invalid(`layer digest mismatch: expected diff ID ${expectedDiffId}, got ${diffId}`);
    }
    const chainId = chainIdOf(parent, diffId);
    const existing = this.layers.get(chainId);
    if (existing) return { layer: existing, created: false };
    const info: LayerInfo = { chainId, diffId, parent, size, tarSize, blob, link: newLinkName() };
    await writeJsonAtomic(join(tmp, 'layer.json'), info);
    await fs.rename(tmp, this.dir(chainId));
    await this.ensureLink(info);
    this.layers.set(chainId, info);
    this.logger.debug('layer registered', { chainId, diffId, size });
    return { layer: info, created: true };
  }

  private async unpack(src: Readable, dest: string, signal?: AbortSignal) {
    let plain: Readable;
    try {
      plain = (await decompress(src)).stream;
    } catch (e) {
      throw invalid(`invalid layer: ${errorMessage(e)}`);
    }
    const counter = new DigestCounter();
    plain.on('error', (e) => counter.destroy(e));
    plain.pipe(counter);
    try {
      const r = await extractTar(counter, dest, { whiteouts: 'overlay', parentSymlinks: 'refuse', preserveOwners: true, mapIds: this.mapIds, signal });
      return { diffId: counter.digest(), size: r.size, tarSize: counter.size };
    } catch (e) {
      if (isEngineError(e)) throw e;
      throw invalid(`invalid layer tar: ${errorMessage(e)}`);
    }
  }

  /** The uncompressed layer tar, byte-identical to what the diff ID was computed over. */
  async tarStream(chainId: string): Promise<Readable> {
    const info = this.layers.get(chainId);
    if (!info) throw invalid(`layer ${chainId} does not exist`);
    return (await decompress(this.content.createReadStream(info.blob))).stream;
  }

  /** Deletes a layer (the caller checked nothing uses it) and its source blob. */
  async remove(chainId: string): Promise<void> {
    const info = this.layers.get(chainId);
    if (!info) return;
    this.layers.delete(chainId);
    await fs.rm(join(this.linkDir, info.link), { force: true });
    const trash = join(this.root, `tmp-${randomBytes(8).toString('hex')}`);
    await fs.rename(this.dir(chainId), trash);
    await fs.rm(trash, { recursive: true, force: true });
    if (![...this.layers.values()].some((l) => l.blob === info.blob)) await this.content.delete(info.blob);
  }

  /** Sum of unpacked layer sizes. */
  totalSize(): number {
    let n = 0;
    for (const l of this.layers.values()) n += l.size;
    return n;
  }
}

function newLinkName(): string {
  // 26 characters like Docker's overlay2 l/ names: 128 layers fit in one page of mount options.
  return randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 26).toUpperCase();
}
