// Command table: invoked path → lazily imported module and export name. Nothing here imports a command module
// eagerly, so `berth version` loads only what it needs.
import type { Command } from './cli.js';

type Loader = () => Promise<Record<string, unknown>>;
const L = {
  run: () => import('./commands/run.js'),
  lifecycle: () => import('./commands/lifecycle.js'),
  ps: () => import('./commands/ps.js'),
  logs: () => import('./commands/logs.js'),
  exec: () => import('./commands/exec.js'),
  attach: () => import('./commands/attach.js'),
  inspect: () => import('./commands/inspect.js'),
  images: () => import('./commands/images.js'),
  imageio: () => import('./commands/image-io.js'),
  system: () => import('./commands/system.js'),
  cp: () => import('./commands/cp.js'),
  stats: () => import('./commands/stats.js'),
  misc: () => import('./commands/container-misc.js'),
  network: () => import('./commands/network.js'),
  volume: () => import('./commands/volume.js'),
  update: () => import('./commands/update.js'),
} satisfies Record<string, Loader>;

type Entry = [Loader, string];
const e = (l: Loader, name: string): Entry => [l, name];

/** Top-level commands (docker run, docker ps, ...). */
const TOP: Record<string, Entry> = {
  run: e(L.run, 'run'), create: e(L.run, 'create'),
  start: e(L.lifecycle, 'start'), stop: e(L.lifecycle, 'stop'), restart: e(L.lifecycle, 'restart'),
  kill: e(L.lifecycle, 'kill'), rm: e(L.lifecycle, 'rm'), rename: e(L.lifecycle, 'rename'),
  pause: e(L.lifecycle, 'pause'), unpause: e(L.lifecycle, 'unpause'), wait: e(L.lifecycle, 'wait'),
  attach: e(L.attach, 'attach'), exec: e(L.exec, 'exec'), logs: e(L.logs, 'logs'),
  top: e(L.misc, 'top'), diff: e(L.misc, 'diff'), export: e(L.misc, 'exportCmd'), port: e(L.misc, 'port'),
  cp: e(L.cp, 'cp'), inspect: e(L.inspect, 'inspect'), ps: e(L.ps, 'ps'), stats: e(L.stats, 'stats'),
  events: e(L.system, 'events'), info: e(L.system, 'info'), version: e(L.system, 'version'),
  images: e(L.images, 'images'), rmi: e(L.images, 'rmi'), tag: e(L.images, 'tag'), history: e(L.images, 'history'),
  update: e(L.update, 'update'),
  save: e(L.imageio, 'save'), load: e(L.imageio, 'load'), import: e(L.imageio, 'importCmd'),
};

const MANAGEMENT: Record<string, Record<string, Entry>> = {
  container: {
    run: TOP.run!, create: TOP.create!, start: TOP.start!, stop: TOP.stop!, restart: TOP.restart!, kill: TOP.kill!,
    rm: TOP.rm!, remove: TOP.rm!, rename: TOP.rename!, pause: TOP.pause!, unpause: TOP.unpause!, wait: TOP.wait!,
    attach: TOP.attach!, exec: TOP.exec!, logs: TOP.logs!, top: TOP.top!, diff: TOP.diff!, export: TOP.export!,
    port: TOP.port!, cp: TOP.cp!, inspect: e(L.inspect, 'containerInspect'), ls: TOP.ps!, list: TOP.ps!, ps: TOP.ps!,
    stats: TOP.stats!, prune: e(L.system, 'containerPrune'), update: e(L.update, 'containerUpdate'),
  },
  image: {
    ls: TOP.images!, list: TOP.images!, rm: TOP.rmi!, remove: TOP.rmi!, tag: TOP.tag!, history: TOP.history!,
    save: TOP.save!, load: TOP.load!, import: TOP.import!, inspect: e(L.inspect, 'imageInspect'),
    prune: e(L.system, 'imagePrune'),
  },
  network: {
    create: e(L.network, 'networkCreate'), ls: e(L.network, 'networkLs'), list: e(L.network, 'networkLs'),
    inspect: e(L.network, 'networkInspect'), rm: e(L.network, 'networkRm'), remove: e(L.network, 'networkRm'),
    prune: e(L.network, 'networkPrune'), connect: e(L.network, 'networkConnect'), disconnect: e(L.network, 'networkDisconnect'),
  },
  volume: {
    create: e(L.volume, 'volumeCreate'), ls: e(L.volume, 'volumeLs'), list: e(L.volume, 'volumeLs'),
    inspect: e(L.volume, 'volumeInspect'), rm: e(L.volume, 'volumeRm'), remove: e(L.volume, 'volumeRm'),
    prune: e(L.volume, 'volumePrune'),
  },
  system: {
    df: e(L.system, 'df'), prune: e(L.system, 'systemPrune'), info: TOP.info!, events: TOP.events!,
  },
};

export interface Resolved { path: string; rest: string[]; load: () => Promise<Command> }

/** Find the command for argv (after global flags). Undefined: unknown command (message in `unknown`). */
export function resolve(argv: string[]): Resolved | { unknown: string; group?: string } {
  const [first, second] = argv;
  if (first === undefined) return { unknown: '' };
  const group = MANAGEMENT[first];
  if (group) {
    if (second === undefined || second.startsWith('-')) return { unknown: '', group: first };
    const entry = group[second];
    if (!entry) return { unknown: second, group: first };
    return { path: `${first} ${second}`, rest: argv.slice(2), load: async () => (await entry[0]())[entry[1]] as Command };
  }
  const entry = TOP[first];
  if (!entry) return { unknown: first };
  return { path: first, rest: argv.slice(1), load: async () => (await entry[0]())[entry[1]] as Command };
}

export const GROUP_DESCRIPTIONS: Record<string, string> = {
  container: 'Manage containers', image: 'Manage images', network: 'Manage networks', system: 'Manage Docker', volume: 'Manage volumes',
};
export const groupCommands = (g: string): string[] => Object.keys(MANAGEMENT[g] ?? {});
export const topCommands = (): string[] => Object.keys(TOP);
