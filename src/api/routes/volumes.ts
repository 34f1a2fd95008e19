// Volume endpoints: create, list (filters), inspect, remove (force), prune — Docker's JSON and wording.
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { boolParam, compareVersions, filtersParam, readJsonBody, sendEmpty, sendJson } from '../http-util.js';
import { invalid } from '../../lib/errors.js';
import type { VolumeRecord } from '../../engine/volumes/types.js';
import type { VolumeService } from '../../engine/volumes/service.js';

export function volumeJson(v: VolumeRecord, vs: VolumeService, usage?: { size: number; refs: number }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    CreatedAt: v.createdAt, Driver: v.driver, Labels: v.labels, Mountpoint: vs.path(v), Name: v.name, Options: v.options, Scope: 'local',
  };
  if (usage) out.UsageData = { Size: usage.size, RefCount: usage.refs };
  return out;
}

export function volumeRoutes(r: Router, engine: Engine): void {
  const vs = engine.volumes;

  r.add('POST', '/volumes/create', async ({ req, res }) => {
    const body = await readJsonBody<Record<string, unknown>>(req, {});
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('invalid JSON: expected an object');
    for (const k of ['Name', 'Driver'] as const) {
      if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') throw invalid(`json: cannot unmarshal ${typeof body[k]} into Go struct field CreateOptions.${k} of type string`);
    }
    const v = await vs.create({
      name: (body.Name as string) || undefined, driver: (body.Driver as string) || 'local',
      driverOpts: body.DriverOpts as Record<string, string> | null, labels: body.Labels as Record<string, string> | null,
      anonymous: false,
    });
    sendJson(res, 201, volumeJson(v, vs));
  });

  r.add('GET', '/volumes', async ({ res, query }) => {
    const list = vs.filter(filtersParam(query)).sort((a, b) => a.name.localeCompare(b.name));
    sendJson(res, 200, { Volumes: list.map((v) => volumeJson(v, vs)), Warnings: null });
  });

  r.add('GET', '/volumes/{name}', async ({ res, params }) => {
    sendJson(res, 200, volumeJson(vs.get(params[0]!), vs));
  });

  r.add('PUT', '/volumes/{name}', async () => { throw invalid('volume updates are only supported for cluster volumes'); });

  r.add('DELETE', '/volumes/{name}', async ({ res, params, query }) => {
    await vs.remove(params[0]!, { force: boolParam(query, 'force') });
    sendEmpty(res, 204);
  });

  r.add('POST', '/volumes/prune', async ({ res, query, apiVersion }) => {
    // API 1.42 made prune remove only anonymous volumes unless filtered with all=true.
    const anonymousOnly = compareVersions(apiVersion, '1.42') >= 0;
    const { deleted, reclaimed } = await vs.prune(filtersParam(query), anonymousOnly);
    sendJson(res, 200, { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  });
}
