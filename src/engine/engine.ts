// Wires the engine's services together. The API layer gets one Engine and calls its services.
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import type { DaemonConfig } from './config.js';
import type { Logger } from '../lib/logger.js';
import { EventBus } from './events.js';
import type { ImageService } from './images/types.js';
import type { Runtime } from '../runtime/types.js';
import type { NetworkService } from '../network/types.js';
import { ContainerService } from './containers/service.js';
import { ExecService } from './exec.js';
import { VolumeService } from './volumes/service.js';
import { NetworkEngine } from './networks.js';
import { createImageService } from './images/index.js';
import { createRuntime } from '../runtime/index.js';
import { createNetworkService } from '../network/index.js';
import { which } from '../lib/which.js';
import { newId } from '../lib/ids.js';
import { readJson, writeJsonAtomic } from '../lib/atomic-file.js';
import { resolveRemap, setupRemappedRoot } from './userns.js';

export interface Engine {
  id: string;
  config: DaemonConfig;
  logger: Logger;
  events: EventBus;
  images: ImageService;
  runtime: Runtime;
  network: NetworkService;
  /** Network create/remove/connect/disconnect with Docker's rules and events. */
  networks: NetworkEngine;
  containers: ContainerService;
  volumes: VolumeService;
  execs: ExecService;
  startedAt: Date;
  shutdown(): Promise<void>;
}

export async function createEngine(config: DaemonConfig, logger: Logger): Promise<Engine> {
  if (config.usernsRemap) {
    // dockerd: everything lives under <data-root>/<uid>.<gid>/ while remapping (a restart without it sees the old state).
    const remap = await resolveRemap(config.usernsRemap, logger);
    const dataRoot = await setupRemappedRoot(config.dataRoot, remap);
    config = { ...config, dataRoot, userns: { uidMaps: remap.uidMaps, gidMaps: remap.gidMaps, rootUid: remap.rootUid, rootGid: remap.rootGid } };
    logger.info('user namespace remapping enabled', { user: remap.user, group: remap.group, root: `${remap.rootUid}:${remap.rootGid}`, dataRoot });
  }
  await fs.mkdir(config.dataRoot, { recursive: true, mode: 0o710 });
  await fs.mkdir(config.execRoot, { recursive: true, mode: 0o700 });
  const id = await engineId(config.dataRoot);
  const events = new EventBus();
  const images = await createImageService({ dataRoot: config.dataRoot, logger, userns: config.userns });
  const runtimeCfg = config.runtimes[config.defaultRuntime] ?? { path: config.defaultRuntime };
  const conmon = config.conmonPath || which('conmon');
  if (!conmon) throw new Error('conmon not found: install the conmon package or set "conmon-path"');
  const runtimePath = which(runtimeCfg.path);
  if (!runtimePath) throw new Error(`OCI runtime ${runtimeCfg.path} not found: install the runc package`);
  const runtime = createRuntime({
    runtimePath, conmonPath: conmon, runcRoot: join(config.execRoot, 'runc'), stateDir: join(config.execRoot, 'conmon'), logger,
  });
  const network = createNetworkService({ config, logger });
  const initPath = config.initPath || which('docker-init') || which('tini-static') || which('tini') || which('catatonit');
  const rootOwner = config.userns ? { uid: config.userns.rootUid, gid: config.userns.rootGid } : undefined;
  const volumes = new VolumeService({ dataRoot: config.dataRoot, logger, events, rootOwner });
  await volumes.load();
  const containers = new ContainerService({ config, logger, images, runtime, network, events, volumes, initPath });
  volumes.refs = (name) => containers.list().filter((c) => c.mountPoints?.some((m) => m.Type === 'volume' && m.Name === name)).map((c) => c.id);
  const execs = new ExecService(containers, runtime, logger);
  const networks = new NetworkEngine(network, containers, events);
  const engine: Engine = {
    id, config, logger, events, images, runtime, network, networks, containers, volumes, execs, startedAt: new Date(),
    shutdown: async () => {
      await containers.shutdown();
      if (!config.liveRestore) await network.shutdown().catch((e) => logger.warn('network shutdown failed', { err: String(e) }));
    },
  };
  await containers.store.load();
  // A daemon killed between creating a container's layer and writing its record leaves an orphan layer.
  for (const id of images.containerLayerIds()) {
    if (!containers.store.find(id)) await images.removeContainerLayer(id).catch((e) => logger.warn('orphan layer removal failed', { id, err: String(e) }));
  }
  const live = new Set(containers.list().filter((c) => c.sandbox).map((c) => c.id));
  await network.init(live);
  await containers.restore();
  return engine;
}

async function engineId(dataRoot: string): Promise<string> {
  const p = join(dataRoot, 'engine-id.json');
  const existing = await readJson<{ id: string }>(p);
  if (existing?.id) return existing.id;
  const id = newId().slice(0, 32).toUpperCase().replace(/(.{4})(?!$)/g, '$1:');
  await writeJsonAtomic(p, { id });
  return id;
}
