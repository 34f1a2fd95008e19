// `docker save`: a docker-archive in Docker 25+'s layout, which is also an OCI image layout:
//   blobs/sha256/<hex>  layer tars (uncompressed, named by diff ID), configs, OCI manifests
//   index.json, manifest.json, oci-layout, repositories
// Layer tars come from the layer's original blob (decompressed), so they hash to the config's diff IDs.
// Everything is streamed; nothing larger than a config or manifest is held in memory.
import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { internal, notFound } from '../../lib/errors.js';
import type { ImageStore } from './image-store.js';
import { familiarName, fullName, parseReference, withDefaultTag, familiarString } from './reference.js';

type Pack = ReturnType<typeof tar.pack>;

interface SaveItem { id: string; tags: string[] }

const epoch = new Date(0);
const ociManifestType = 'application/vnd.oci.image.manifest.v1+json';
const ociConfigType = 'application/vnd.oci.image.config.v1+json';
const ociLayerType = 'application/vnd.oci.image.layer.v1.tar';

/** Which images and tags `docker save a b:c <id>` means: a bare repository name saves all its tags. */
export function resolveSaveRefs(store: ImageStore, refs: string[]): SaveItem[] {
  const items = new Map<string, Set<string>>();
  const add = (id: string, tag?: string) => {
    const s = items.get(id) ?? new Set<string>();
    if (tag) s.add(tag);
    items.set(id, s);
  };
  for (const ref of refs) {
    const id = store.resolve(ref);
    if (!id) throw notFound(`No such image: ${ref}`);
    let parsed;
    try { parsed = parseReference(ref); } catch { parsed = undefined; }
    const byName = parsed && store.refs.get(familiarString(withDefaultTag(parsed))) === id;
    if (!parsed || !byName) { add(id); continue; }
    if (parsed.tag === undefined && parsed.digest === undefined) {
      for (const [tag, tid] of store.refs.tagsOfRepo(familiarName(parsed))) add(tid, tag);
    } else if (parsed.digest === undefined) add(id, familiarString(withDefaultTag(parsed)));
    else add(id);
  }
  return [...items].map(([id, tags]) => ({ id, tags: [...tags].sort() }));
}

function entry(pack: Pack, name: string, body: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, mtime: epoch, mode: 0o644, type: 'file' }, Buffer.from(body), (e) => (e ? reject(e) : resolve()));
  });
}

function dir(pack: Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, mtime: epoch, mode: 0o755, type: 'directory' }, Buffer.alloc(0), (e) => (e ? reject(e) : resolve()));
  });
}

async function streamEntry(pack: Pack, name: string, size: number, src: Readable): Promise<void> {
  const sink = pack.entry({ name, size, mtime: epoch, mode: 0o644, type: 'file' });
  const done = new Promise<void>((resolve, reject) => {
    sink.on('finish', () => resolve());
    sink.on('error', reject);
  });
  await pipeline(src, sink as unknown as Writable);
  await done;
}

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function writeArchive(store: ImageStore, items: SaveItem[], pack: Pack): Promise<void> {
  await dir(pack, 'blobs/');
  await dir(pack, 'blobs/sha256/');
  const written = new Set<string>();
  const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const index: Array<Record<string, unknown>> = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const item of items) {
    const img = store.image(item.id);
    if (!img) throw notFound(`No such image: ${item.id}`);
    const layerDescs = [];
    for (const chainId of img.chainIds) {
      const info = store.layers.get(chainId);
      if (!info) throw internal(`layer ${chainId} of ${img.id} is missing`);
      const name = `blobs/sha256/${info.diffId.slice(7)}`;
      if (!written.has(name)) {
        await streamEntry(pack, name, info.tarSize, await store.layers.tarStream(chainId));
        written.add(name);
      }
      layerDescs.push({ mediaType: ociLayerType, digest: info.diffId, size: info.tarSize });
    }
    const configBytes = await store.content.readBytes(img.id);
    const configName = `blobs/sha256/${img.id.slice(7)}`;
    if (!written.has(configName)) { await entry(pack, configName, configBytes); written.add(configName); }
    const ociManifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: ociManifestType,
      config: { mediaType: ociConfigType, digest: img.id, size: configBytes.length },
      layers: layerDescs,
    }));
    const manifestDigest = sha(ociManifest);
    const manifestName = `blobs/sha256/${manifestDigest.slice(7)}`;
    if (!written.has(manifestName)) { await entry(pack, manifestName, ociManifest); written.add(manifestName); }
    const desc = { mediaType: ociManifestType, digest: manifestDigest, size: ociManifest.length };
    for (const tag of item.tags) {
      const ref = parseReference(tag);
      index.push({ ...desc, annotations: { 'io.containerd.image.name': `${fullName(ref)}:${ref.tag}`, 'org.opencontainers.image.ref.name': ref.tag } });
      (repositories[familiarName(ref)] ??= {})[ref.tag ?? 'latest'] = (img.diffIds.at(-1) ?? img.id).slice(7);
    }
    if (item.tags.length === 0) index.push(desc);
    manifest.push({ Config: configName, RepoTags: item.tags.length > 0 ? item.tags : null, Layers: layerDescs.map((l) => `blobs/sha256/${l.digest.slice(7)}`) });
  }
  await entry(pack, 'index.json', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index }) + '\n');
  await entry(pack, 'manifest.json', JSON.stringify(manifest) + '\n');
  await entry(pack, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  if (Object.keys(repositories).length > 0) await entry(pack, 'repositories', JSON.stringify(repositories) + '\n');
}

export async function saveImages(store: ImageStore, refs: string[], out: Writable, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const items = resolveSaveRefs(store, refs);
  const release = store.lease(items.flatMap((i) => store.image(i.id)?.chainIds ?? []));
  const pack = tar.pack();
  const piping = pipeline(pack as unknown as Readable, out, { signal: opts.signal });
  try {
    await writeArchive(store, items, pack);
    pack.finalize();
    await piping;
  } catch (e) {
    pack.destroy(e as Error);
    await piping.catch(() => undefined);
    throw e;
  } finally {
    release();
  }
}
