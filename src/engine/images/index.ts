// The image service: wires the content store, layer store, reference store and container layers
// together behind the ImageService contract (types.ts).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { invalid } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { toHost } from '../../lib/subid.js';
import type { DaemonConfig } from '../config.js';
import { ContainerLayers } from '../../store/container-layers.js';
import { ContentStore } from '../../store/content-store.js';
import { LayerStore } from '../../store/layer-store.js';
import { packTree } from '../../store/tar-pack.js';
import { upperChanges } from '../../store/tree-changes.js';
import { imageHistory } from './history.js';
import { ImageStore } from './image-store.js';
import { importRootfs } from './import.js';
import { loadArchive } from './load.js';
import { pruneImages } from './prune.js';
import { familiarString, parseReference, validateTag, withDefaultTag } from './reference.js';
import { ReferenceStore } from './reference-store.js';
import { removeImage } from './remove.js';
import { saveImages } from './save.js';
import type { ContainerLayer, Image, ImageService } from './types.js';

export type { ImageService } from './types.js';

/** The tag `docker tag SRC repo[:tag]` creates, normalized. */
function targetRef(repo: string, tag?: string): string {
  const ref = parseReference(repo);
  if (tag) {
    if (ref.tag !== undefined || ref.digest !== undefined) throw invalid('invalid reference format');
    validateTag(tag);
    return familiarString({ ...ref, tag });
  }
  if (ref.digest !== undefined) throw invalid('refusing to create a tag with a digest reference');
  return familiarString(withDefaultTag(ref));
}

export async function createImageService(opts: { dataRoot: string; logger: Logger; userns?: DaemonConfig['userns'] }): Promise<ImageService> {
  const { dataRoot, logger, userns } = opts;
  // --userns-remap: layers are unpacked with every uid/gid shifted into the remapped range, as Docker's overlay2 does.
  const mapIds = userns ? (uid: number, gid: number) => ({ uid: toHost(uid, userns.uidMaps), gid: toHost(gid, userns.gidMaps) }) : undefined;
  const rootOwner = userns ? { uid: userns.rootUid, gid: userns.rootGid } : undefined;
  const imageRoot = join(dataRoot, 'image');
  await fs.rm(join(dataRoot, 'tmp'), { recursive: true, force: true }); // interrupted loads
  const content = new ContentStore(imageRoot);
  await content.init();
  const layers = new LayerStore(join(dataRoot, 'overlay2'), content, logger, mapIds);
  await layers.init();
  const refs = new ReferenceStore(imageRoot);
  await refs.init();
  const store = new ImageStore(imageRoot, content, layers, refs, logger);
  await store.init();
  const rw = new ContainerLayers(dataRoot, layers, logger, rootOwner);
  await rw.init();
  store.containerChains = () => rw.heldChains();

  const chainsFor = (imageId: string): string[] => {
    const img = store.image(imageId);
    if (!img) throw invalid(`No such image: ${imageId}`);
    return img.chainIds;
  };

  return {
    get: (ref) => store.get(ref),
    find: (ref) => store.find(ref),
    list: (): Image[] => store.ids().map((id) => store.image(id) as Image).sort((a, b) => b.loadedAt - a.loadedAt),
    importRootfs: (src: Readable, o) => importRootfs(store, src, o),
    load: (src: Readable, o) => loadArchive(store, dataRoot, src, o),
    save: (refList: string[], out: Writable, o) => saveImages(store, refList, out, o),
    async tag(ref, repo, tag) {
      const img = store.get(ref);
      await store.tag(targetRef(repo, tag), img.id);
    },
    async remove(ref, o) {
      return (await removeImage(store, ref, o)).records;
    },
    prune: (o) => pruneImages(store, o),
    history: (ref) => imageHistory(store, store.get(ref)),

    async createContainerLayer(containerId, imageId): Promise<ContainerLayer> {
      return rw.create(containerId, chainsFor(imageId));
    },
    containerLayer(containerId, imageId): ContainerLayer {
      const known = rw.chainsOf(containerId);
      return rw.layer(containerId, known ?? chainsFor(imageId));
    },
    mountContainerLayer: (layer) => rw.mount(layer),
    unmountContainerLayer: (layer) => rw.unmount(layer),
    async removeContainerLayer(containerId) {
      const chains = rw.chainsOf(containerId) ?? [];
      await rw.remove(containerId);
      // Layers of a force-removed image may have stayed only for this container.
      await store.collectLayers([...chains].reverse());
    },
    containerLayerSize: (containerId) => rw.size(containerId),
    containerLayerIds: () => rw.ids(),
    containerChanges: (layer) => upperChanges(layer.upperDir, layer.lowerDirs),
    exportContainer: (layer, out, opts) => packTree(layer.mergedDir, out, { mapIds: opts?.mapIds }),
    layersSize: async () => layers.totalSize(),
  };
}
