// The local image database: config blobs in the content store, one record per image under
// `image/imagedb/<hex>.json`, references in `image/repositories.json`, layers in the layer store.
// An image becomes visible only once its record is written, after all its layers are in place.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../lib/atomic-file.js';
import { notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ContentStore } from '../../store/content-store.js';
import { chainIds, type LayerStore } from '../../store/layer-store.js';
import { diffIdsOf, imageFromConfig, parseConfigBlob, type ImageConfigBlob, type ImageRecord } from './image-config.js';
import { familiarName, familiarString, idPrefix, parseReference, withDefaultTag } from './reference.js';
import type { ReferenceStore } from './reference-store.js';
import type { Image } from './types.js';

interface Entry { rec: ImageRecord; cfg: ImageConfigBlob }

export class ImageStore {
  private readonly images = new Map<string, Entry>();
  private readonly leases = new Map<string, number>();
  private readonly dbDir: string;
  /** Chain IDs held by container layers (set by the container layer manager). */
  containerChains: () => Iterable<string> = () => [];

  constructor(
    imageRoot: string,
    readonly content: ContentStore,
    readonly layers: LayerStore,
    readonly refs: ReferenceStore,
    private readonly logger: Logger,
  ) {
    this.dbDir = join(imageRoot, 'imagedb');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.dbDir, { recursive: true });
    for (const name of await fs.readdir(this.dbDir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(name)) continue;
      const rec = await readJson<ImageRecord>(join(this.dbDir, name));
      if (!rec) continue;
      try {
        const cfg = parseConfigBlob(await this.content.readBytes(rec.id));
        if (chainIds(diffIdsOf(cfg)).every((c) => this.layers.get(c))) {
          this.images.set(rec.id, { rec, cfg });
          continue;
        }
        this.logger.warn('image is missing layers; dropping it', { id: rec.id });
      } catch (e) {
        this.logger.warn('unreadable image; dropping it', { id: rec.id, error: String(e) });
      }
      await fs.rm(join(this.dbDir, name), { force: true });
    }
    // References to images that are gone are dropped.
    await this.refs.delete(this.refs.all().filter(([, id]) => !this.images.has(id)).map(([r]) => r));
  }

  has(id: string): boolean {
    return this.images.has(id);
  }

  ids(): string[] {
    return [...this.images.keys()];
  }

  config(id: string): ImageConfigBlob | undefined {
    return this.images.get(id)?.cfg;
  }

  record(id: string): ImageRecord | undefined {
    return this.images.get(id)?.rec;
  }

  image(id: string): Image | undefined {
    const e = this.images.get(id);
    if (!e) return undefined;
    const size = chainIds(diffIdsOf(e.cfg)).reduce((n, c) => n + (this.layers.get(c)?.size ?? 0), 0);
    return imageFromConfig(id, e.cfg, { ...e.rec, repoDigests: this.refs.digestsOf(id) }, { repoTags: this.refs.tagsOf(id), size });
  }

  /** Resolves a reference or (short) ID to an image ID, as Docker's GetImage does. */
  resolve(ref: string): string | undefined {
    if (/^(sha256:)?[a-f0-9]{64}$/.test(ref)) {
      const id = ref.startsWith('sha256:') ? ref : `sha256:${ref}`;
      if (this.images.has(id)) return id;
    }
    try {
      const parsed = withDefaultTag(parseReference(ref));
      const id = this.refs.get(familiarString(parsed));
      if (id && this.images.has(id)) return id;
    } catch { /* not a reference: maybe a short ID */ }
    const prefix = idPrefix(ref);
    if (prefix === undefined) return undefined;
    const matches = this.ids().filter((id) => id.slice(7).startsWith(prefix));
    return matches.length === 1 ? matches[0] : undefined;
  }

  find(ref: string): Image | undefined {
    const id = this.resolve(ref);
    return id ? this.image(id) : undefined;
  }

  get(ref: string): Image {
    const img = this.find(ref);
    if (!img) throw notFound(`No such image: ${ref}`);
    return img;
  }

  /** Stores a config blob and makes the image visible. Its layers must already be registered. */
  async add(configBytes: Buffer, rec: Omit<ImageRecord, 'id' | 'loadedAt'> = {}): Promise<{ id: string; created: boolean }> {
    const cfg = parseConfigBlob(configBytes);
    const missing = chainIds(diffIdsOf(cfg)).find((c) => !this.layers.get(c));
    if (missing) throw notFound(`layer ${missing} does not exist`);
    const { digest: id } = await this.content.putBytes(configBytes);
    if (this.images.has(id)) return { id, created: false };
    const full: ImageRecord = { ...rec, id, loadedAt: Math.floor(Date.now() / 1000) };
    await writeJsonAtomic(join(this.dbDir, `${id.slice(7)}.json`), full);
    this.images.set(id, { rec: full, cfg });
    return { id, created: true };
  }

  /** Forgets an image (references must be removed by the caller); returns the chain IDs it used. */
  async delete(id: string): Promise<string[]> {
    const e = this.images.get(id);
    if (!e) return [];
    this.images.delete(id);
    await fs.rm(join(this.dbDir, `${id.slice(7)}.json`), { force: true });
    await this.content.delete(id);
    return chainIds(diffIdsOf(e.cfg));
  }

  /** Images whose parent is `id` (dependent children). */
  children(id: string): string[] {
    return this.ids().filter((c) => this.images.get(c)?.rec.parent === id);
  }

  /** Tags `imageId` as `ref` (familiar, tagged or digested). */
  async tag(ref: string, imageId: string): Promise<void> {
    await this.refs.set(ref, imageId);
  }

  /** Holds layers against garbage collection while an operation is in flight. */
  lease(chains: string[]): () => void {
    for (const c of chains) this.leases.set(c, (this.leases.get(c) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const c of chains) {
        const n = (this.leases.get(c) ?? 1) - 1;
        if (n <= 0) this.leases.delete(c);
        else this.leases.set(c, n);
      }
    };
  }

  /** Removes the given layers (top first) when no image, container or lease holds them. Returns what was removed. */
  async collectLayers(candidates: string[]): Promise<Array<{ chainId: string; size: number }>> {
    const held = new Set<string>([...this.leases.keys(), ...this.containerChains()]);
    for (const e of this.images.values()) for (const c of chainIds(diffIdsOf(e.cfg))) held.add(c);
    const removed: Array<{ chainId: string; size: number }> = [];
    // Remove children before parents: a layer's parent is never removed while the child stays.
    const order = [...new Set(candidates)].sort((a, b) => this.depth(b) - this.depth(a));
    for (const c of order) {
      const info = this.layers.get(c);
      if (!info || held.has(c) || this.layers.list().some((l) => l.parent === c)) continue;
      await this.layers.remove(c);
      removed.push({ chainId: c, size: info.size });
    }
    return removed;
  }

  private depth(chainId: string): number {
    let n = 0;
    for (let l = this.layers.get(chainId); l && l.parent; l = this.layers.get(l.parent)) n++;
    return n;
  }

  /** Familiar repository names of the image's tags. */
  repositories(id: string): string[] {
    return [...new Set(this.refs.refsOf(id).map((r) => familiarName(parseReference(r))))];
  }
}
