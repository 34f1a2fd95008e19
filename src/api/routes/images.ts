// Image endpoints (local store: list, inspect, history, tag, remove, prune, import, load, save).
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { boolParam, filtersParam, sendJson, sendEmpty, startJsonStream } from '../http-util.js';
import { invalid, notImplemented, errorMessage, notFound } from '../../lib/errors.js';
import { imageSummary, inspectImage } from '../wire/image-json.js';
import { selectImages } from '../../engine/images/list-filter.js';
import type { ProgressEvent } from '../../engine/images/types.js';

export function imageRoutes(r: Router, engine: Engine): void {
  const { images, containers, events } = engine;
  const usedBy = (imageId: string) => containers.list().filter((c) => c.imageId === imageId).map((c) => c.id);

  r.add('GET', '/images/json', async ({ res, query }) => {
    const list = selectImages(images.list(), { all: boolParam(query, 'all'), filters: filtersParam(query), find: (ref) => images.find(ref) });
    const withCounts = boolParam(query, 'shared-size');
    sendJson(res, 200, list.map((i) => ({ ...imageSummary(i), ...(withCounts ? { Containers: usedBy(i.id).length } : {}) })));
  });

  r.add('GET', '/images/search', async () => { throw notImplemented('image search needs a registry, which this daemon cannot reach'); });

  r.add('GET', '/images/get', async ({ res, query }) => {
    const names = query.getAll('names');
    if (names.length === 0) throw invalid('no images specified');
    for (const n of names) images.get(n);
    await saveTo(res, names);
  });

  const saveTo = async (res: import('node:http').ServerResponse, names: string[]) => {
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    res.flushHeaders();
    try {
      await images.save(names, res);
      for (const n of names) events.publish('image', 'save', images.get(n).id, { name: n });
      res.end();
    } catch (e) {
      engine.logger.warn('save failed', { err: errorMessage(e) });
      res.destroy();
    }
  };

  r.add('POST', '/images/load', async ({ req, res, query }) => {
    const quiet = boolParam(query, 'quiet');
    const send = startJsonStream(res);
    const onProgress = quiet ? undefined : (ev: ProgressEvent) => send(ev);
    try {
      const loaded = await images.load(req, { onProgress });
      for (const line of loaded) {
        send({ stream: line + '\n' });
        const ref = line.replace(/^Loaded image( ID)?: /, '');
        const img = images.find(ref);
        if (img) events.publish('image', 'load', img.id, { name: ref });
      }
    } catch (e) {
      send({ errorDetail: { message: errorMessage(e) }, error: errorMessage(e) });
    }
    res.end();
  });

  r.add('POST', '/images/create', async ({ req, res, query }) => {
    const fromSrc = query.get('fromSrc');
    const fromImage = query.get('fromImage');
    if (fromSrc === null) {
      const ref = fromImage ? `${fromImage}${query.get('tag') ? ':' + query.get('tag') : ''}` : '';
      throw notImplemented(`pull ${ref}: pulling from a registry is not supported yet; load or import the image locally`);
    }
    if (fromSrc !== '-') throw notImplemented('import from a URL is not supported; send the tarball in the body');
    let repo = query.get('repo') ?? '';
    const tag = query.get('tag');
    if (repo && tag) repo = `${repo}:${tag}`;
    const changes = query.getAll('changes');
    const send = startJsonStream(res);
    try {
      const img = await images.importRootfs(req, {
        reference: repo || undefined, changes, message: query.get('message') ?? undefined, platform: query.get('platform') ?? undefined,
        onProgress: (ev) => send(ev),
      });
      events.publish('image', 'import', img.id, { name: repo || img.id });
      send({ status: img.id });
    } catch (e) {
      send({ errorDetail: { message: errorMessage(e) }, error: errorMessage(e) });
    }
    res.end();
  });

  r.add('POST', '/images/prune', async ({ res, query }) => {
    const filters = filtersParam(query);
    const dangling = !['false', '0'].includes((filters.dangling?.[0] ?? 'true').toLowerCase());
    const result = await images.prune({ dangling, filters, usedBy });
    for (const d of result.deleted) {
      if (d.Untagged) events.publish('image', 'untag', d.Untagged, { name: d.Untagged });
      if (d.Deleted) events.publish('image', 'delete', d.Deleted, { name: d.Deleted });
    }
    events.publish('image', 'prune', '', { reclaimed: String(result.spaceReclaimed) });
    sendJson(res, 200, { ImagesDeleted: result.deleted.length ? result.deleted : null, SpaceReclaimed: result.spaceReclaimed });
  });

  r.add('GET', '/images/{name*}/json', async ({ res, params, apiVersion }) => {
    const img = images.find(params[0]);
    if (!img) throw notFound(`No such image: ${params[0]}`);
    sendJson(res, 200, inspectImage(img, apiVersion));
  });

  r.add('GET', '/images/{name*}/history', async ({ res, params }) => {
    sendJson(res, 200, images.history(params[0]));
  });

  r.add('GET', '/images/{name*}/get', async ({ res, params }) => {
    images.get(params[0]);
    await saveTo(res, [params[0]]);
  });

  r.add('POST', '/images/{name*}/tag', async ({ res, params, query }) => {
    const repo = query.get('repo');
    if (!repo) throw invalid('repository name must have at least one component');
    const img = images.get(params[0]);
    await images.tag(params[0], repo, query.get('tag') || undefined);
    events.publish('image', 'tag', img.id, { name: `${repo}:${query.get('tag') || 'latest'}` });
    sendEmpty(res, 201);
  });

  r.add('POST', '/images/{name*}/push', async ({ params }) => {
    throw notImplemented(`push ${params[0]}: pushing to a registry is not supported yet`);
  });

  r.add('DELETE', '/images/{name*}', async ({ res, params, query }) => {
    const result = await images.remove(params[0], { force: boolParam(query, 'force'), noPrune: boolParam(query, 'noprune'), usedBy });
    for (const d of result) {
      if (d.Untagged) events.publish('image', 'untag', d.Untagged, { name: d.Untagged });
      if (d.Deleted) events.publish('image', 'delete', d.Deleted, { name: d.Deleted });
    }
    sendJson(res, 200, result);
  });
}
