// `docker rmi` and `docker image prune`, following moby's image_delete.go: a name untags, an ID deletes;
// conflicts carry Docker's wording; deleting an image also reports the layers it freed.
import { conflict, notFound } from '../../lib/errors.js';
import { shortId } from '../../lib/ids.js';
import type { ImageStore } from './image-store.js';
import { familiarName, familiarString, idPrefix, parseReference, withDefaultTag } from './reference.js';
import type { RemoveResult } from './types.js';

export interface RemoveOptions {
  force: boolean;
  noPrune: boolean;
  usedBy: (imageId: string) => string[];
  /** Containers that are running (a hard conflict even with force). Optional. */
  runningBy?: (imageId: string) => string[];
}

const isDigestRef = (r: string) => r.includes('@');

/** All refs in one repository with at most one tag (moby's isSingleReference). */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tags = refs.filter((r) => !isDigestRef(r));
  if (tags.length > 1) return false;
  const digestRepos = new Set(refs.filter(isDigestRef).map(repoName));
  const single = tags[0] ?? refs[0];
  return digestRepos.size === 1 && digestRepos.has(repoName(single));
}

const repoName = (r: string) => familiarName(parseReference(r));

function deleteConflict(id: string, hard: boolean, message: string): Error {
  return conflict(`conflict: unable to delete ${shortId(id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${message}`);
}

/** moby's checkImageDeleteConflict; `soft` includes the soft conflicts, `activeRefs` the reference check. */
function checkConflict(store: ImageStore, id: string, opts: RemoveOptions, soft: boolean, activeRefs: boolean): Error | undefined {
  if (store.children(id).length > 0) return deleteConflict(id, true, 'image has dependent child images');
  if (soft && activeRefs && store.refs.refsOf(id).length > 0) {
    return deleteConflict(id, false, 'image is referenced in multiple repositories');
  }
  const running = opts.runningBy?.(id) ?? [];
  if (running.length > 0) return deleteConflict(id, true, `image is being used by running container ${shortId(running[0])}`);
  const used = opts.usedBy(id);
  if (soft && used.length > 0) return deleteConflict(id, false, `image is being used by stopped container ${shortId(used[0])}`);
  return undefined;
}

/** Untags every reference, deletes the image and the layers nothing else holds. */
async function deleteImage(store: ImageStore, id: string, records: RemoveResult[]): Promise<number> {
  const refs = store.refs.refsOf(id);
  await store.refs.delete(refs);
  for (const r of refs) records.push({ Untagged: r });
  const chains = await store.delete(id);
  records.push({ Deleted: id });
  const removed = await store.collectLayers(chains.reverse());
  for (const l of removed) records.push({ Deleted: l.chainId });
  return removed.reduce((n, l) => n + l.size, 0);
}

async function deleteHelper(store: ImageStore, id: string, records: RemoveResult[], opts: RemoveOptions, quiet: boolean): Promise<number> {
  const c = checkConflict(store, id, opts, !opts.force, true);
  if (c) {
    if (quiet) return 0;
    throw c;
  }
  const parent = store.record(id)?.parent;
  let freed = await deleteImage(store, id, records);
  if (!opts.noPrune && parent && store.has(parent) && store.refs.refsOf(parent).length === 0) {
    freed += await deleteHelper(store, parent, records, { ...opts, force: false }, true);
  }
  return freed;
}

function isIdReference(id: string, ref: string): boolean {
  const p = idPrefix(ref);
  return p !== undefined && id.slice(7).startsWith(p);
}

/** Removes a reference or an image. */
export async function removeImage(store: ImageStore, ref: string, opts: RemoveOptions): Promise<{ records: RemoveResult[]; freed: number }> {
  const id = store.resolve(ref);
  if (!id) throw notFound(`No such image: ${ref}`);
  const records: RemoveResult[] = [];
  let refs = store.refs.refsOf(id);
  if (!isIdReference(id, ref)) {
    const named = familiarString(withDefaultTag(parseReference(ref)));
    const used = opts.usedBy(id);
    if (!opts.force && isSingleReference(refs) && used.length > 0) {
      throw conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(used[0])} is using its referenced image ${shortId(id)}`);
    }
    await store.refs.delete([named]);
    records.push({ Untagged: named });
    refs = store.refs.refsOf(id);
    if (!isDigestRef(named)) {
      const repo = repoName(named);
      if (!refs.some((r) => !isDigestRef(r) && repoName(r) === repo)) {
        const sameRepoDigests = refs.filter((r) => isDigestRef(r) && repoName(r) === repo);
        await store.refs.delete(sameRepoDigests);
        for (const r of sameRepoDigests) records.push({ Untagged: r });
        refs = store.refs.refsOf(id);
      }
    }
    if (refs.length > 0) return { records, freed: 0 };
    // The last reference went: the image goes too, unless something prevents it (then quietly keep it).
    const freed = await deleteHelper(store, id, records, opts, true);
    return { records, freed };
  }
  if (isSingleReference(refs)) {
    const c = checkConflict(store, id, opts, !opts.force, false);
    if (c) throw c;
    await store.refs.delete(refs);
    for (const r of refs) records.push({ Untagged: r });
  }
  const freed = await deleteHelper(store, id, records, opts, false);
  return { records, freed };
}
