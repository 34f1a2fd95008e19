// System endpoints: ping, version, info, events, df.
import os from 'node:os';
import { volumeJson } from './volumes.js';
import { readFileSync } from 'node:fs';
import type { Router } from '../router.js';
import type { Engine } from '../../engine/engine.js';
import { API_VERSION, MIN_API_VERSION, filtersParam, sendJson } from '../http-util.js';
import { matchesEvent, wireEvent } from '../../engine/events.js';
import { invalid } from '../../lib/errors.js';
import { listContainer } from '../wire/container-json.js';
import { imageSummary } from '../wire/image-json.js';

export const BERTH_VERSION = '0.1.0';

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1];
  } catch { /* fall through */ }
  return 'Linux';
}

export function systemRoutes(r: Router, engine: Engine): void {
  const ping = async ({ res, req }: { res: import('node:http').ServerResponse; req: import('node:http').IncomingMessage }) => {
    const headers = {
      'Api-Version': API_VERSION, 'Builder-Version': '1', 'Docker-Experimental': 'false', 'Ostype': 'linux', 'Swarm': 'inactive',
      'Cache-Control': 'no-cache, no-store, must-revalidate', 'Pragma': 'no-cache', 'Content-Type': 'text/plain; charset=utf-8',
    };
    if (req.method === 'HEAD') { res.writeHead(200, { ...headers, 'Content-Length': 0 }); res.end(); return; }
    res.writeHead(200, { ...headers, 'Content-Length': 2 });
    res.end('OK');
  };
  r.add('GET', '/_ping', ping);
  r.add('HEAD', '/_ping', ping);

  r.add('GET', '/version', async ({ res }) => {
    const details = {
      ApiVersion: API_VERSION, Arch: goArch(), BuildTime: '', Experimental: 'false', GitCommit: '', GoVersion: `node${process.versions.node}`,
      KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux',
    };
    sendJson(res, 200, {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: details }],
      Version: BERTH_VERSION, ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: '', GoVersion: details.GoVersion,
      Os: 'linux', Arch: goArch(), KernelVersion: os.release(), BuildTime: '',
    });
  });

  r.add('GET', '/info', async ({ res }) => {
    const list = engine.containers.list();
    const count = (s: string[]) => list.filter((c) => s.includes(c.state.status)).length;
    const cfg = engine.config;
    sendJson(res, 200, {
      ID: engine.id, Containers: list.length, ContainersRunning: count(['running', 'restarting']), ContainersPaused: count(['paused']),
      ContainersStopped: count(['exited', 'created', 'dead', 'removing']), Images: engine.images.list().length,
      Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true']],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none', 'null'], Authorization: null, Log: ['json-file', 'k8s-file'] },
      MemoryLimit: true, SwapLimit: true, KernelMemory: false, KernelMemoryTCP: false, CpuCfsPeriod: true, CpuCfsQuota: true,
      CPUShares: true, CPUSet: true, PidsLimit: true, IPv4Forwarding: true, BridgeNfIptables: false, BridgeNfIp6tables: false,
      Debug: cfg.logLevel === 'debug', NFd: 0, OomKillDisable: true, NGoroutines: 0, SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file', CgroupDriver: 'cgroupfs', CgroupVersion: '1', NEventsListener: 0, KernelVersion: os.release(),
      OperatingSystem: osName(), OSVersion: '', OSType: 'linux', Architecture: os.machine(), IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: null },
      NCPU: os.cpus().length, MemTotal: os.totalmem(), GenericResources: null, DockerRootDir: cfg.dataRoot,
      HttpProxy: '', HttpsProxy: '', NoProxy: '', Name: os.hostname(), Labels: cfg.labels, ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION, Runtimes: Object.fromEntries(Object.entries(cfg.runtimes).map(([k, v]) => [k, { path: v.path }])),
      DefaultRuntime: cfg.defaultRuntime, Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: cfg.liveRestore, Isolation: '', InitBinary: 'docker-init',
      ContainerdCommit: { ID: '' }, RuncCommit: { ID: '' }, InitCommit: { ID: '' },
      SecurityOptions: ['name=seccomp,profile=builtin', ...(cfg.userns ? ['name=userns'] : [])], Warnings: null,
    });
  });

  r.add('GET', '/events', async ({ req, res, query }) => {
    const filters = filtersParam(query);
    const since = parseEventTime(query.get('since'));
    const until = parseEventTime(query.get('until'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const send = (ev: import('../../engine/events.js').EngineEvent) => {
      if (!matchesEvent(ev, filters)) return;
      res.write(JSON.stringify(wireEvent(ev)) + '\n');
    };
    const nowNs = Date.now() * 1e6;
    if (since !== undefined) for (const ev of engine.events.since(since)) if (until === undefined || ev.timeNano <= until) send(ev);
    if (until !== undefined && until <= nowNs) { res.end(); return; }
    const unsubscribe = engine.events.subscribe((ev) => {
      if (until !== undefined && ev.timeNano > until) { finish(); return; }
      send(ev);
    });
    let timer: NodeJS.Timeout | undefined;
    const finish = () => { unsubscribe(); if (timer) clearTimeout(timer); if (!res.writableEnded) res.end(); };
    if (until !== undefined) timer = setTimeout(finish, (until - nowNs) / 1e6);
    req.socket.once('close', finish);
  });

  r.add('GET', '/system/df', async ({ res }) => {
    const imgs = engine.images.list();
    const cs = engine.containers.list();
    const usedBy = (id: string) => cs.filter((c) => c.imageId === id).length;
    const containers = [];
    for (const c of cs) {
      const sizeRw = await engine.images.containerLayerSize(c.id).catch(() => 0);
      containers.push(listContainer(c, engine.images.find(c.config.Image), { sizeRw, sizeRootFs: sizeRw + (engine.images.find(c.imageId)?.size ?? 0) }));
    }
    const volumes = [];
    for (const v of engine.volumes.list()) {
      volumes.push(volumeJson(v, engine.volumes, { size: await engine.volumes.size(v).catch(() => -1), refs: engine.volumes.refs(v.name).length }));
    }
    sendJson(res, 200, {
      LayersSize: await engine.images.layersSize(),
      Images: imgs.map((i) => ({ ...imageSummary(i), Containers: usedBy(i.id), SharedSize: 0 })),
      Containers: containers,
      Volumes: volumes,
      BuildCache: [],
    });
  });
  // No builder yet, so no build cache: `system prune` still calls this.
  r.add('POST', '/build/prune', async ({ res }) => {
    sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: 0 });
  });
}

/** Event times: unix seconds (with fraction) → nanoseconds. */
function parseEventTime(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1e9);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalid(`invalid value for time: ${v}`);
  return t * 1e6;
}

function goArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch;
}
