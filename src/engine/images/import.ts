// `docker import`: a root filesystem tar (plain or compressed) becomes a single-layer image.
import { Transform, type Readable } from 'node:stream';
import { invalid } from '../../lib/errors.js';
import { applyChanges } from './changes.js';
import { hostArchitecture, rfc3339Nano, type ImageConfigBlob } from './image-config.js';
import type { ImageStore } from './image-store.js';
import { normalizeTagged } from './reference.js';
import type { Image, ImportOptions, ProgressFn } from './types.js';

const progressEvery = 1 << 20;

/** Reports bytes read, at most once per MiB. */
export function progressCounter(onProgress: ProgressFn | undefined, status: string, id?: string): Transform {
  let current = 0;
  let reported = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      current += chunk.length;
      if (onProgress && current - reported >= progressEvery) {
        reported = current;
        onProgress({ status, id, progressDetail: { current } });
      }
      cb(null, chunk);
    },
  });
}

function platformOf(platform: string | undefined): { os: string; architecture: string; variant?: string } {
  if (!platform) return { os: 'linux', architecture: hostArchitecture() };
  const [os, architecture, variant] = platform.split('/');
  if (os !== 'linux') throw invalid(`operating system is not supported: ${platform}`);
  return { os, architecture: architecture || hostArchitecture(), variant };
}

export async function importRootfs(store: ImageStore, src: Readable, opts: ImportOptions): Promise<Image> {
  const tag = opts.reference ? normalizeTagged(opts.reference) : undefined;
  const runConfig = applyChanges({}, opts.changes ?? []);
  const platform = platformOf(opts.platform);
  const counted = src.pipe(progressCounter(opts.onProgress, 'Importing'));
  src.on('error', (e) => counted.destroy(e));
  const registered = await store.layers.ingestAndRegister(counted, '', { signal: opts.signal });
  const { layer, created } = registered;
  const release = store.lease([layer.chainId]);
  try {
    const now = new Date();
    const message = opts.message ?? '';
    const cfg: ImageConfigBlob = {
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      comment: message,
      config: runConfig,
      created: rfc3339Nano(now),
      docker_version: 'berth',
      history: [{ created: rfc3339Nano(now), comment: message || 'Imported from -' }],
      os: platform.os,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    };
    const { id } = await store.add(Buffer.from(JSON.stringify(cfg)));
    if (tag) await store.tag(tag, id);
    return store.image(id) as Image;
  } catch (e) {
    if (created) await store.collectLayers([layer.chainId]).catch(() => undefined);
    throw e;
  } finally {
    release();
    // Same content imported before from other bytes (gzip vs plain): the layer keeps its own blob.
    if (registered.blob !== layer.blob) await store.content.delete(registered.blob).catch(() => undefined);
  }
}
