// Reading an OCI image layout (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`): walks the index (and
// nested indexes, picking this machine's platform) down to image manifests. Every blob read is verified.
import { createHash } from 'node:crypto';
import { invalid, isEngineError, errorMessage } from '../../lib/errors.js';
import { hostArchitecture } from './image-config.js';
import { readArchiveFile, type ArchiveImage } from './archive-files.js';
import { normalizeTagged } from './reference.js';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

const indexTypes = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const manifestTypes = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);

function blobPath(digest: string): string {
  const m = /^(sha256):([a-f0-9]{64})$/.exec(digest ?? '');
  if (!m) throw invalid(`invalid archive: unsupported digest ${JSON.stringify(digest)}`);
  return `blobs/${m[1]}/${m[2]}`;
}

async function readVerified(spool: string, d: Descriptor): Promise<Buffer> {
  const bytes = await readArchiveFile(spool, blobPath(d.digest));
  const actual = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  if (actual !== d.digest) throw invalid(`invalid archive: digest mismatch for ${d.digest}: got ${actual}`);
  if (d.size !== undefined && d.size !== bytes.length) throw invalid(`invalid archive: size mismatch for ${d.digest}`);
  return bytes;
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (e) {
    throw invalid(`invalid archive: ${what}: ${errorMessage(e)}`);
  }
}

/** The tag an index entry names: `io.containerd.image.name`, else a full `org.opencontainers.image.ref.name`. */
function nameOf(d: Descriptor): string | undefined {
  for (const key of ['io.containerd.image.name', 'org.opencontainers.image.ref.name']) {
    const v = d.annotations?.[key];
    if (!v) continue;
    try {
      if (key === 'org.opencontainers.image.ref.name' && !/[/:]/.test(v)) continue; // a bare tag names no repository
      return normalizeTagged(v);
    } catch (e) {
      if (!isEngineError(e, 'invalid')) throw e;
    }
  }
  return undefined;
}

function pickPlatform(ds: Descriptor[]): Descriptor | undefined {
  const arch = hostArchitecture();
  return ds.find((d) => d.platform?.os === 'linux' && d.platform.architecture === arch) ?? ds.find((d) => !d.platform) ?? ds[0];
}

async function manifestOf(spool: string, d: Descriptor, depth = 0): Promise<Descriptor | undefined> {
  if (depth > 4) throw invalid('invalid archive: index nesting too deep');
  if (d.mediaType && manifestTypes.has(d.mediaType)) return d;
  if (d.mediaType && indexTypes.has(d.mediaType)) {
    const idx = parseJson<{ manifests?: Descriptor[] }>(await readVerified(spool, d), d.digest);
    const next = pickPlatform(idx.manifests ?? []);
    return next ? manifestOf(spool, next, depth + 1) : undefined;
  }
  return undefined; // attestations and other artifacts are skipped
}

export async function findOciImages(spool: string): Promise<ArchiveImage[]> {
  const index = parseJson<{ manifests?: Descriptor[] }>(await readArchiveFile(spool, 'index.json'), 'index.json');
  const byManifest = new Map<string, ArchiveImage>();
  for (const d of index.manifests ?? []) {
    const md = await manifestOf(spool, d);
    if (!md) continue;
    let img = byManifest.get(md.digest);
    if (!img) {
      const m = parseJson<{ config?: Descriptor; layers?: Descriptor[] }>(await readVerified(spool, md), md.digest);
      if (!m.config?.digest) throw invalid(`invalid archive: manifest ${md.digest} has no config`);
      img = {
        configPath: blobPath(m.config.digest),
        configDigest: m.config.digest,
        layers: (m.layers ?? []).map((l) => ({ path: blobPath(l.digest), digest: l.digest })),
        tags: [],
      };
      byManifest.set(md.digest, img);
    }
    const name = nameOf(d);
    if (name && !img.tags.includes(name)) img.tags.push(name);
  }
  if (byManifest.size === 0) throw invalid('invalid archive: index.json lists no image manifests');
  return [...byManifest.values()];
}
