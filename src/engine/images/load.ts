// `docker load`: a docker-archive (manifest.json; legacy `<id>/layer.tar` or Docker 25+ `blobs/sha256/`)
// or a pure OCI image layout (index.json). The archive is spooled into a private directory under the
// data-root (safe extraction), every digest is verified, and the images become visible only after all of
// them verified. On failure the layers this load created are collected again.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { errorMessage, invalid, isEngineError } from '../../lib/errors.js';
import { shortId } from '../../lib/ids.js';
import { decompress } from '../../store/decompress.js';
import { chainIdOf } from '../../store/layer-store.js';
import { resolveInRoot } from '../../store/root-paths.js';
import { extractTar } from '../../store/tar-extract.js';
import { diffIdsOf, parseConfigBlob } from './image-config.js';
import type { ImageStore } from './image-store.js';
import { findOciImages } from './oci-layout.js';
import { readArchiveFile, type ArchiveImage } from './archive-files.js';
import { normalizeTagged } from './reference.js';
import type { ProgressFn } from './types.js';

interface DockerManifestEntry { Config: string; RepoTags?: string[] | null; Layers: string[] }

const blobPathRe = /^blobs\/sha256\/([a-f0-9]{64})$/;
const legacyConfigRe = /^([a-f0-9]{64})\.json$/;

function dockerArchiveImages(manifest: unknown): ArchiveImage[] {
  if (!Array.isArray(manifest)) throw invalid('invalid archive: manifest.json is not a list');
  return (manifest as DockerManifestEntry[]).map((m) => {
    if (typeof m?.Config !== 'string' || !Array.isArray(m.Layers)) throw invalid('invalid archive: bad manifest.json entry');
    const cfgHex = blobPathRe.exec(m.Config)?.[1] ?? legacyConfigRe.exec(m.Config)?.[1];
    return {
      configPath: m.Config,
      configDigest: cfgHex ? `sha256:${cfgHex}` : undefined,
      layers: m.Layers.map((p) => ({ path: p, digest: blobPathRe.exec(p) ? `sha256:${blobPathRe.exec(p)?.[1]}` : undefined })),
      tags: (m.RepoTags ?? []).map((t) => normalizeTagged(t)),
    };
  });
}

async function spoolArchive(src: Readable, spool: string, signal?: AbortSignal): Promise<void> {
  let plain: Readable;
  try {
    plain = (await decompress(src)).stream;
    await extractTar(plain, spool, { whiteouts: 'keep', parentSymlinks: 'refuse', signal });
  } catch (e) {
    if (isEngineError(e)) throw e;
    throw invalid(`invalid archive: ${errorMessage(e)}`);
  }
}

async function findImages(spool: string): Promise<ArchiveImage[]> {
  const has = async (p: string) => fs.access(join(spool, p)).then(() => true, () => false);
  if (await has('manifest.json')) {
    let manifest: unknown;
    try {
      manifest = JSON.parse((await readArchiveFile(spool, 'manifest.json')).toString('utf8'));
    } catch (e) {
      throw isEngineError(e) ? e : invalid(`invalid archive: manifest.json: ${errorMessage(e)}`);
    }
    return dockerArchiveImages(manifest);
  }
  if (await has('index.json')) return findOciImages(spool);
  throw invalid('invalid archive: no manifest.json or index.json found (is this a docker save/OCI archive?)');
}

interface Staged { id: string; tags: string[] }

interface LoadState { created: string[]; releases: Array<() => void>; configs: string[] }

/** Registers one image's layers and config (not yet visible); layers are leased until the load ends. */
async function stageImage(store: ImageStore, spool: string, img: ArchiveImage, st: LoadState, onProgress?: ProgressFn, signal?: AbortSignal): Promise<Staged> {
  const configBytes = await readArchiveFile(spool, img.configPath);
  const cfg = parseConfigBlob(configBytes);
  const { digest: configId } = await store.content.putBytes(configBytes, img.configDigest);
  if (!store.has(configId)) st.configs.push(configId);
  const diffIds = diffIdsOf(cfg);
  if (diffIds.length !== img.layers.length) {
    throw invalid(`invalid archive: ${img.configPath} lists ${diffIds.length} layers, the manifest ${img.layers.length}`);
  }
  let parent = '';
  for (let i = 0; i < diffIds.length; i++) {
    const chainId = chainIdOf(parent, diffIds[i]);
    onProgress?.({ status: 'Loading layer', id: shortId(diffIds[i]) });
    if (store.layers.get(chainId)) st.releases.push(store.lease([chainId]));
    else {
      const file = await resolveInRoot(spool, img.layers[i].path, true);
      const blob = await store.content.adoptFile(file, img.layers[i].digest).catch((e: unknown) => {
        throw isEngineError(e) ? e : invalid(`invalid archive: layer ${img.layers[i].path}: ${errorMessage(e)}`);
      });
      try {
        const r = await store.layers.registerBlob(blob.digest, parent, { expectedDiffId: diffIds[i], signal });
        st.releases.push(store.lease([r.layer.chainId]));
        if (r.created) st.created.push(r.layer.chainId);
        else if (r.layer.blob !== blob.digest) await store.content.delete(blob.digest);
      } catch (e) {
        await store.content.delete(blob.digest);
        throw e;
      }
    }
    parent = chainId;
  }
  return { id: configId, tags: img.tags };
}

export async function loadArchive(store: ImageStore, dataRoot: string, src: Readable, opts: { onProgress?: ProgressFn; signal?: AbortSignal }): Promise<string[]> {
  const spool = join(dataRoot, 'tmp', `load-${randomBytes(8).toString('hex')}`);
  await fs.mkdir(spool, { recursive: true, mode: 0o700 });
  const st: LoadState = { created: [], releases: [], configs: [] };
  const releaseAll = () => { for (const r of st.releases.splice(0)) r(); };
  try {
    await spoolArchive(src, spool, opts.signal);
    const images = await findImages(spool);
    const staged: Staged[] = [];
    for (const img of images) {
      staged.push(await stageImage(store, spool, img, st, opts.onProgress, opts.signal));
    }
    // Everything verified: make the images visible and tag them.
    const lines: string[] = [];
    for (const s of staged) {
      const { id } = await store.add(await store.content.readBytes(s.id));
      for (const t of s.tags) {
        await store.tag(t, id);
        lines.push(`Loaded image: ${t}`);
      }
      if (s.tags.length === 0) lines.push(`Loaded image ID: ${id}`);
    }
    return lines;
  } catch (e) {
    releaseAll();
    await store.collectLayers(st.created.reverse()).catch(() => undefined);
    for (const c of st.configs) if (!store.has(c)) await store.content.delete(c).catch(() => undefined);
    throw e;
  } finally {
    releaseAll();
    await fs.rm(spool, { recursive: true, force: true });
  }
}
