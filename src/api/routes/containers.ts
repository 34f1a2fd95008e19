// Container endpoints that are plain request/response.
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { boolParam, intParam, filtersParam, readJsonBody, sendJson, sendEmpty } from '../http-util.js';
import { invalid, conflict } from '../../lib/errors.js';
import { inspectContainer, listContainer } from '../wire/container-json.js';
import { selectContainers, labelMatches } from '../../engine/containers/list-filter.js';
import { containerTop } from '../../engine/containers/top.js';
import { adaptCreateForVersion } from '../wire/create-compat.js';

export function containerRoutes(r: Router, engine: Engine): void {
  const { containers, images } = engine;

  r.add('POST', '/containers/create', async ({ req, res, query, apiVersion }) => {
    const body = await readJsonBody<unknown>(req);
    const name = query.get('name') || undefined;
    sendJson(res, 201, await containers.create(name, body, adaptCreateForVersion(body, apiVersion)));
  });

  r.add('GET', '/containers/json', async ({ res, query }) => {
    const size = boolParam(query, 'size');
    const list = selectContainers(containers.list(), {
      all: boolParam(query, 'all'), limit: intParam(query, 'limit', -1), filters: filtersParam(query),
      resolveImage: (ref) => images.find(ref)?.id, find: (ref) => containers.store.find(ref),
    });
    const out = [];
    for (const c of list) {
      const sizeRw = size ? await images.containerLayerSize(c.id).catch(() => 0) : undefined;
      const img = images.find(c.config.Image);
      out.push(listContainer(c, img, { sizeRw, sizeRootFs: size ? (sizeRw ?? 0) + (images.find(c.imageId)?.size ?? 0) : undefined }));
    }
    sendJson(res, 200, out);
  });

  r.add('GET', '/containers/{id}/json', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    const size = boolParam(query, 'size');
    const sizeRw = size ? await images.containerLayerSize(c.id).catch(() => 0) : undefined;
    const layer = images.containerLayer(c.id, c.imageId);
    sendJson(res, 200, inspectContainer(c, {
      sizeRw, sizeRootFs: size ? (sizeRw ?? 0) + (images.find(c.imageId)?.size ?? 0) : undefined,
      graphDriver: { LowerDir: layer.lowerDirs.join(':'), MergedDir: layer.mergedDir, UpperDir: layer.upperDir, WorkDir: layer.workDir },
    }));
  });

  r.add('POST', '/containers/{id}/start', async ({ res, params }) => {
    await containers.start(params[0]);
    sendEmpty(res, 204);
  });

  const stopOpts = (query: URLSearchParams) => ({
    timeout: query.get('t') !== null && query.get('t') !== '' ? intParam(query, 't', 10) : undefined,
    signal: query.get('signal') || undefined,
  });

  r.add('POST', '/containers/{id}/stop', async ({ res, params, query }) => {
    await containers.stop(params[0], stopOpts(query));
    sendEmpty(res, 204);
  });

  r.add('POST', '/containers/{id}/restart', async ({ res, params, query }) => {
    await containers.restart(params[0], stopOpts(query));
    sendEmpty(res, 204);
  });

  r.add('POST', '/containers/{id}/kill', async ({ res, params, query }) => {
    await containers.kill(params[0], query.get('signal') || undefined);
    sendEmpty(res, 204);
  });

  r.add('POST', '/containers/{id}/pause', async ({ res, params }) => {
    await containers.pause(params[0]);
    sendEmpty(res, 204);
  });

  r.add('POST', '/containers/{id}/unpause', async ({ res, params }) => {
    await containers.unpause(params[0]);
    sendEmpty(res, 204);
  });

  r.add('POST', '/containers/{id}/rename', async ({ res, params, query }) => {
    const name = query.get('name');
    if (!name) throw invalid('Neither old nor new names may be empty');
    await containers.rename(params[0], name);
    sendEmpty(res, 204);
  });

  r.add('DELETE', '/containers/{id}', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    if (boolParam(query, 'link')) throw invalid('Conflict, cannot remove the default link name of the container');
    await containers.remove(params[0], { force: boolParam(query, 'force'), volumes: boolParam(query, 'v') });
    engine.execs.dropContainer(c);
    sendEmpty(res, 204);
  });

  r.add('POST', '/containers/prune', async ({ res, query }) => {
    const filters = filtersParam(query);
    const untilRaw = filters.until?.[0];
    const until = untilRaw ? parseUntil(untilRaw) : Infinity;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of containers.list()) {
      if (!['exited', 'created', 'dead'].includes(c.state.status)) continue;
      if (Date.parse(c.created) / 1000 >= until) continue;
      if (filters.label && !filters.label.every((l) => labelMatches(c.config.Labels ?? {}, l))) continue;
      if (filters['label!'] && filters['label!'].some((l) => labelMatches(c.config.Labels ?? {}, l))) continue;
      reclaimed += await images.containerLayerSize(c.id).catch(() => 0);
      await containers.remove(c.id, { force: false, volumes: false });
      engine.execs.dropContainer(c);
      deleted.push(c.id);
    }
    engine.events.publish('container', 'prune', '', { reclaimed: String(reclaimed) });
    sendJson(res, 200, { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  });

  r.add('GET', '/containers/{id}/top', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    if (c.state.status !== 'running' && c.state.status !== 'paused') throw conflict(`Container ${c.id} is not running`);
    const pids = await engine.runtime.pids(c.id);
    sendJson(res, 200, await containerTop(pids, query.get('ps_args') || '-ef'));
    containers.event(c, 'top');
  });

  r.add('GET', '/containers/{id}/changes', async ({ res, params }) => {
    const c = containers.get(params[0]);
    const changes = await images.containerChanges(images.containerLayer(c.id, c.imageId));
    sendJson(res, 200, changes.length ? changes : null);
  });

  r.add('POST', '/containers/{id}/update', async ({ req, res, params }) => {
    const c = containers.get(params[0]);
    const body = await readJsonBody<Record<string, unknown>>(req, {});
    const { updateContainer } = await import('../../engine/containers/update.js');
    const warnings = await updateContainer(c, body, engine.runtime);
    await containers.store.save(c);
    containers.event(c, 'update');
    sendJson(res, 200, { Warnings: warnings.length ? warnings : null });
  });
}

/** `until` filters take a unix timestamp, an RFC3339 date or a Go duration ("24h"). */
export function parseUntil(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const d = /^(\d+)(h|m|s)$/.exec(v);
  if (d) return Date.now() / 1000 - Number(d[1]) * ({ h: 3600, m: 60, s: 1 } as Record<string, number>)[d[2]];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalid(`invalid filter 'until=${v}'`);
  return t / 1000;
}
