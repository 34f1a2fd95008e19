// `docker history`: the config's history entries, newest first, with layer sizes matched to the
// entries that created a layer. Only the top entry carries the image ID and tags, as for a loaded image.
import type { ImageStore } from './image-store.js';
import type { Image } from './types.js';

export interface HistoryItem { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }

export function imageHistory(store: ImageStore, img: Image): HistoryItem[] {
  const items: HistoryItem[] = [];
  let layerIndex = 0;
  const entries = img.history.length > 0 ? img.history : img.diffIds.map(() => ({} as Image['history'][number]));
  for (const h of entries) {
    let size = 0;
    if (!h.empty_layer) {
      const chain = img.chainIds[layerIndex++];
      size = chain ? store.layers.get(chain)?.size ?? 0 : 0;
    }
    items.push({
      Id: '<missing>',
      Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0,
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  items.reverse();
  if (items.length > 0) {
    items[0].Id = img.id;
    items[0].Tags = img.repoTags.length > 0 ? img.repoTags : null;
  }
  return items;
}
