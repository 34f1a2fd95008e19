// Container filesystem endpoints: archive (docker cp) HEAD/GET/PUT, export, and stats.
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { boolParam, sendEmpty } from '../http-util.js';
import { invalid, errorMessage } from '../../lib/errors.js';
import type { ContainerRecord } from '../../engine/containers/model.js';
import { statsJson } from '../wire/stats-json.js';
// docker cp is rare next to run/ps: load the archive code on first use.
const archive = () => import('../../store/archive.js');
import { readNetStats } from '../../engine/containers/net-stats.js';

/** --userns-remap: archive owners are container IDs, shifted both ways as dockerd does (not with --userns=host). */
function idMapsOf(engine: Engine, c: ContainerRecord) {
  const u = engine.config.userns;
  return u && c.hostConfig.UsernsMode !== 'host' ? { uid: u.uidMaps, gid: u.gidMaps } : undefined;
}

/** Runs `fn` with the container's root filesystem mounted (temporarily when the container is not running). */

async function withRootfs<T>(engine: Engine, c: ContainerRecord, fn: (root: string) => Promise<T>): Promise<T> {
  const layer = engine.images.containerLayer(c.id, c.imageId);
  const active = c.state.status === 'running' || c.state.status === 'paused';
  if (!active) await engine.images.mountContainerLayer(layer);
  try {
    return await fn(layer.mergedDir);
  } finally {
    // A concurrent start may have mounted it for real meanwhile; only unmount what we mounted.
    if (!active && !(c.state.status === 'running' || c.state.status === 'paused')) await engine.images.unmountContainerLayer(layer).catch(() => undefined);
  }
}

export function containerFsRoutes(r: Router, engine: Engine): void {
  const { containers } = engine;
  const pathParam = (q: URLSearchParams) => {
    const p = q.get('path');
    if (!p) throw invalid('Bad parameter: path cannot be empty');
    return p;
  };
  const statHeader = (st: unknown) => Buffer.from(JSON.stringify(st)).toString('base64');

  r.add('HEAD', '/containers/{id}/archive', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    const path = pathParam(query);
    const st = await withRootfs(engine, c, async (root) => (await archive()).statPath(root, path, { containerName: c.name.slice(1) }));
    res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(st), 'Content-Length': 0 });
    res.end();
  });

  r.add('GET', '/containers/{id}/archive', async ({ res, params, query }) => {
    const c = containers.get(params[0]);
    const path = pathParam(query);
    await withRootfs(engine, c, async (root) => {
      const { statPath, archivePath } = await archive();
      const st = await statPath(root, path, { containerName: c.name.slice(1) });
      res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': statHeader(st) });
      try {
        await archivePath(root, path, res, { containerName: c.name.slice(1), idMaps: idMapsOf(engine, c) });
        res.end();
      } catch (e) {
        engine.logger.warn('archive failed', { id: c.id, err: errorMessage(e) });
        res.destroy();
      }
    });
    containers.event(c, 'archive-path', { path });
  });

  r.add('PUT', '/containers/{id}/archive', async ({ req, res, params, query }) => {
    const c = containers.get(params[0]);
    const path = pathParam(query);
    if (c.hostConfig.ReadonlyRootfs && (c.state.status === 'running' || c.state.status === 'paused')) {
      throw Object.assign(invalid('container rootfs is marked read-only'), { kind: 'forbidden' as const });
    }
    await withRootfs(engine, c, async (root) => (await archive()).extractArchive(root, path, req, {
      noOverwriteDirNonDir: boolParam(query, 'noOverwriteDirNonDir'), copyUidGid: boolParam(query, 'copyUIDGID'), containerName: c.name.slice(1),
      idMaps: idMapsOf(engine, c),
    }));
    containers.event(c, 'extract-to-dir', { path });
    sendEmpty(res, 200);
  });

  r.add('GET', '/containers/{id}/export', async ({ res, params }) => {
    const c = containers.get(params[0]);
    await withRootfs(engine, c, async () => {
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      try {
        const maps = idMapsOf(engine, c);
        await engine.images.exportContainer(engine.images.containerLayer(c.id, c.imageId), res, { mapIds: maps && (await archive()).hostToContainerIds(maps) });
        res.end();
      } catch (e) {
        engine.logger.warn('export failed', { id: c.id, err: errorMessage(e) });
        res.destroy();
      }
    });
    containers.event(c, 'export');
  });

  r.add('GET', '/containers/{id}/stats', async ({ req, res, params, query }) => {
    const c = containers.get(params[0]);
    const stream = boolParam(query, 'stream', true);
    const oneShot = boolParam(query, 'one-shot');
    const sample = async () => {
      if (c.state.status !== 'running' && c.state.status !== 'paused') return undefined;
      const st = await engine.runtime.stats(c.id).catch(() => undefined);
      return st && { ...st, networks: c.hostConfig.NetworkMode === 'host' ? undefined : await readNetStats(c.state.pid) };
    };
    let prev = await sample();
    if (!stream) {
      // Like dockerd: a non-streamed sample carries a precpu taken a moment earlier, so CPU % is meaningful.
      let cur = prev;
      if (!oneShot && prev) { await new Promise((r) => setTimeout(r, 1000)); cur = await sample(); }
      const body = JSON.stringify(statsJson(c, cur, oneShot ? undefined : prev)) + '\n';
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    let closed = false;
    req.socket.once('close', () => { closed = true; });
    res.write(JSON.stringify(statsJson(c, prev, undefined)) + '\n');
    while (!closed) {
      await new Promise((r) => setTimeout(r, 1000));
      if (closed || !containers.store.find(c.id)) break;
      const cur = await sample();
      res.write(JSON.stringify(statsJson(c, cur, prev)) + '\n');
      prev = cur;
    }
    res.end();
  });
}
