// The image config blob (Docker's `image.Image` JSON, a superset of the OCI image config) and how an
// `Image` record is derived from it. The blob's bytes are kept verbatim: the image ID is their sha256.
import { invalid } from '../../lib/errors.js';
import type { Image, ImageHistoryEntry, ImageRunConfig } from './types.js';
import { chainIds } from '../../store/layer-store.js';

export interface ImageConfigBlob {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  parent?: string;
  container?: string;
  config?: ImageRunConfig | null;
  container_config?: unknown;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: ImageHistoryEntry[];
}

/** Per-image metadata kept beside the config blob (`image/imagedb/<hex>.json`). */
export interface ImageRecord {
  id: string;
  loadedAt: number;
  parent?: string;
  repoDigests?: string[];
}

const digestRe = /^sha256:[a-f0-9]{64}$/;

/** Parses and sanity-checks a config blob. */
export function parseConfigBlob(bytes: Buffer): ImageConfigBlob {
  let cfg: ImageConfigBlob;
  try {
    cfg = JSON.parse(bytes.toString('utf8')) as ImageConfigBlob;
  } catch (e) {
    throw invalid(`invalid image config: ${(e as Error).message}`);
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw invalid('invalid image config: not an object');
  const diffIds = cfg.rootfs?.diff_ids ?? [];
  if (!Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string' && digestRe.test(d))) {
    throw invalid('invalid image config: bad rootfs.diff_ids');
  }
  return cfg;
}

export function diffIdsOf(cfg: ImageConfigBlob): string[] {
  return cfg.rootfs?.diff_ids ?? [];
}

/** Builds the engine's Image view. Tags, digests and sizes come from the stores. */
export function imageFromConfig(id: string, cfg: ImageConfigBlob, rec: ImageRecord, extra: { repoTags: string[]; size: number }): Image {
  const diffIds = diffIdsOf(cfg);
  return {
    id,
    repoTags: extra.repoTags,
    repoDigests: rec.repoDigests ?? [],
    parent: rec.parent ?? '',
    comment: cfg.comment ?? '',
    created: cfg.created ?? new Date(0).toISOString(),
    author: cfg.author ?? '',
    dockerVersion: cfg.docker_version ?? '',
    architecture: cfg.architecture ?? '',
    os: cfg.os ?? 'linux',
    variant: cfg.variant,
    config: cfg.config ?? {},
    diffIds,
    chainIds: chainIds(diffIds),
    history: cfg.history ?? [],
    size: extra.size,
    loadedAt: rec.loadedAt,
  };
}

/** Docker's GOARCH name for this machine. */
export function hostArchitecture(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    default: return process.arch; // arm64, arm, ppc64, s390x, riscv64 match Go's names
  }
}

/** RFC3339Nano as Go prints it (no trailing zeros in the fraction). */
export function rfc3339Nano(d: Date, extraNanos = 0): string {
  const base = d.toISOString().slice(0, 19);
  const nanos = d.getUTCMilliseconds() * 1_000_000 + extraNanos;
  if (nanos === 0) return `${base}Z`;
  return `${base}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
}
