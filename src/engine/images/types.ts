// The image service's contract with the rest of the engine. Implemented in src/engine/images/ on top of
// src/store/ (content-addressed blobs, overlay2-style layers). Wire (JSON) shapes are built by the API layer.
import type { Readable, Writable } from 'node:stream';

/** The image's default run configuration: Docker's `Config` object of an image config blob. */
export interface ImageRunConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
  OnBuild?: string[] | null;
  Healthcheck?: unknown;
  ArgsEscaped?: boolean;
}

export interface ImageHistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** Everything the engine knows about one local image. */
export interface Image {
  /** `sha256:<hex>` digest of the config blob. */
  id: string;
  /** e.g. `busybox:latest`, `localhost:5000/a/b:v1` (normalized: no `docker.io/library/` prefix). */
  repoTags: string[];
  repoDigests: string[];
  parent: string;
  comment: string;
  created: string;         // RFC3339Nano
  author: string;
  dockerVersion: string;
  architecture: string;
  os: string;
  variant?: string;
  config: ImageRunConfig;
  /** Uncompressed layer digests, bottom first (RootFS.Layers). */
  diffIds: string[];
  /** Chain IDs matching diffIds, bottom first. */
  chainIds: string[];
  history: ImageHistoryEntry[];
  /** Sum of the unpacked layer sizes in bytes. */
  size: number;
  /** When the image arrived in this store (unix seconds), for list ordering and before/since filters. */
  loadedAt: number;
}

export interface ProgressEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  stream?: string;
  aux?: unknown;
}
export type ProgressFn = (ev: ProgressEvent) => void;

export interface ImportOptions {
  /** repo[:tag] to tag the new image with; empty for none. */
  reference?: string;
  /** Dockerfile-like instructions (`CMD ["sh"]`, `ENV A=b`, ...) applied to the image config. */
  changes?: string[];
  message?: string;
  platform?: string;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

export interface RemoveResult { Untagged?: string; Deleted?: string }

/** A prepared root filesystem for one container (overlay lower dirs + the container's own upper/work). */
export interface ContainerLayer {
  /** Read-only layer directories, TOP layer first (overlay lowerdir order). Empty for an image with no layers. */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  /** Where the overlay gets mounted while the container runs. */
  mergedDir: string;
}

export interface ImageService {
  /** Finds an image by reference (name[:tag], name@digest), full or short ID (with or without `sha256:`).
   *  Throws not-found `No such image: <ref>`. */
  get(ref: string): Image;
  /** Same, but undefined instead of throwing. */
  find(ref: string): Image | undefined;
  list(): Image[];
  /** Tar of a root filesystem (optionally gzip/xz-less compressed) → a single-layer image. */
  importRootfs(src: Readable, opts: ImportOptions): Promise<Image>;
  /** docker-archive (as written by `docker save`) or OCI image layout tar. Returns the loaded image refs
   *  as "Loaded image: x:y" / "Loaded image ID: sha256:..." lines. */
  load(src: Readable, opts: { onProgress?: ProgressFn; signal?: AbortSignal }): Promise<string[]>;
  /** Writes a docker-archive tar (with OCI index.json too) of the given refs to `out`. */
  save(refs: string[], out: Writable, opts?: { signal?: AbortSignal }): Promise<void>;
  tag(ref: string, repo: string, tag?: string): Promise<void>;
  /** `usedBy(imageId)` returns the IDs of containers using the image (conflict unless force).
   *  Optional `runningBy(imageId)`: the running ones among them (a conflict even with force, as in Docker). */
  remove(ref: string, opts: { force: boolean; noPrune: boolean; usedBy: (imageId: string) => string[]; runningBy?: (imageId: string) => string[] }): Promise<RemoveResult[]>;
  prune(opts: { dangling: boolean; filters: Record<string, string[]>; usedBy: (imageId: string) => string[] }): Promise<{ deleted: RemoveResult[]; spaceReclaimed: number }>;
  history(ref: string): Array<{ Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }>;

  // Container root filesystems: the image service owns the layer store, so it prepares and removes them.
  /** Creates upper/work dirs for a new container over the image's layers. Idempotent per container ID. */
  createContainerLayer(containerId: string, imageId: string): Promise<ContainerLayer>;
  /** Looks up an existing container layer (after a daemon restart). */
  containerLayer(containerId: string, imageId: string): ContainerLayer;
  /** Mounts the overlay at mergedDir (no-op when mounted). */
  mountContainerLayer(layer: ContainerLayer): Promise<void>;
  unmountContainerLayer(layer: ContainerLayer): Promise<void>;
  removeContainerLayer(containerId: string): Promise<void>;
  /** Containers that have a layer (a crash between layer and record leaves orphans to remove at start-up). */
  containerLayerIds(): string[];
  /** Bytes used by the container's upper dir (SizeRw). */
  containerLayerSize(containerId: string): Promise<number>;
  /** `docker diff`: changes in the upper dir (Kind 0 modified, 1 added, 2 deleted). */
  containerChanges(layer: ContainerLayer): Promise<Array<{ Path: string; Kind: 0 | 1 | 2 }>>;
  /** `docker export`: tar of the merged root filesystem (the layer must be mounted by the caller); `mapIds`
   *  rewrites owners (a --userns-remap container exports container IDs, as dockerd). */
  exportContainer(layer: ContainerLayer, out: Writable, opts?: { mapIds?: (uid: number, gid: number) => { uid: number; gid: number } }): Promise<void>;
  /** Total bytes of unpacked layers, for `system df`. */
  layersSize(): Promise<number>;
}
