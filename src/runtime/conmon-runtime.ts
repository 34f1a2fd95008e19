// The Runtime over conmon + runc. Per container: conmon (detached, survives the daemon) runs `runc create`,
// holds stdio, writes the k8s-file log and <stateDir>/exits/<id>; we then start the process and watch exits.
// Layout under stateDir:
//   exits/<id>            conmon --exit-dir (one file per container exit)
//   ctr/<id>/             conmon --persist-dir and cwd: exit, oom, pid, conmon.pid, exit-reported
//   exec/<id>/<execId>/   one conmon session dir per exec (process.json, ctl, attach, exits/)
// The bundle (config.json, conmon's ctl/winsz fifos and attach socket) lives where the engine says.
import { promises as fs, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AttachSession, ContainerStats, CreateOptions, ExecHandle, ExecOptions, ExitInfo, HostInfo, ResourceLimits, Runtime } from './types.js';
import type { Logger } from '../lib/logger.js';
import { run } from '../lib/exec-file.js';
import { EngineError, notFound, errorMessage } from '../lib/errors.js';
import { launchConmon } from './conmon-launch.js';
import { connectAttach } from './attach.js';
import { watchExits, readExitFile } from './exit-watcher.js';
import { readRuncState, bundleFromState, liveInitPid, startViaFifo, deleteStopped, FifoGone, type RuncState } from './runc-state.js';
import { readCgroupStats, parseProcStat, parseMemTotal, procsFile, readSmallFile } from './cgroup-stats.js';
import { buildResources } from './spec.js';
import { probeHost } from './host-info.js';
import { ociError, runcMessage } from './runtime-errors.js';
import { writeCtl } from './ctl.js';
import { startExec } from './conmon-exec.js';

export interface ConmonRuntimeOptions {
  runtimePath: string;
  conmonPath: string;
  runcRoot: string;
  stateDir: string;
  logger: Logger;
  /** Host facts for exec --privileged and update; probed on first use when absent. */
  host?: HostInfo;
  /** conmon --log-level (default 'error'). */
  conmonLogLevel?: string;
}

export interface ConmonRuntime extends Runtime {
  /** Stops watching exits (conmon processes and containers keep running). */
  close(): void;
}

const BUNDLE_FILES = ['config.json', 'ctl', 'winsz', 'attach'];

export function createRuntime(opts: ConmonRuntimeOptions): ConmonRuntime {
  const { runtimePath, conmonPath, runcRoot, stateDir, logger } = opts;
  const exitsDir = join(stateDir, 'exits');
  const persistDir = (id: string) => join(stateDir, 'ctr', id);
  const execRoot = (id: string) => join(stateDir, 'exec', id);
  mkdirSync(exitsDir, { recursive: true });
  mkdirSync(runcRoot, { recursive: true, mode: 0o700 });

  let host = opts.host;
  const hostInfo = () => (host ??= probeHost());
  let memTotal: number | undefined;
  const bundles = new Map<string, string>();
  /** runc's cgroup_paths per container (stats); dropped when the container is created again or deleted. */
  const cgroupPaths = new Map<string, Record<string, string>>();
  const initPids = new Map<string, number>();
  const exitCbs: Array<(id: string, info: ExitInfo) => void> = [];
  let scanned = false;

  const runc = (args: string[], input?: string) => run(runtimePath, ['--root', runcRoot, ...args], { input });

  async function exitInfo(id: string): Promise<ExitInfo | undefined> {
    const f = await readExitFile(exitsDir, id);
    if (!f) return undefined;
    return { exitCode: f.code, finishedAt: f.mtime.toISOString(), oomKilled: await wasOomKilled(id) };
  }

  // conmon writes <persist>/oom from its OOM eventfd, but on v1 its main loop may see the exit first and never
  // dispatch that event; the memory cgroup (alive until delete) keeps an oom_kill counter either way.
  async function wasOomKilled(id: string): Promise<boolean> {
    if (existsSync(join(persistDir(id), 'oom'))) return true;
    const st = await readRuncState(runcRoot, id);
    const paths = st?.cgroup_paths ?? {};
    const file = paths.memory ? join(paths.memory, 'memory.oom_control') : paths[''] ? join(paths['']!, 'memory.events') : undefined;
    if (!file) return false;
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    const m = /^oom_kill (\d+)/m.exec(text);
    return m ? Number(m[1]) > 0 : false;
  }

  async function reportExit(id: string): Promise<boolean> {
    const info = await exitInfo(id);
    if (!info) return false;
    const marker = join(persistDir(id), 'exit-reported');
    if (existsSync(marker)) return true;
    for (const cb of exitCbs) {
      try { cb(id, info); } catch (e) { logger.error('exit callback failed', { id, error: errorMessage(e) }); }
    }
    // A restarted daemon reports only exits that were not reported before.
    await fs.writeFile(marker, '').catch(() => undefined);
    return true;
  }

  const watcher = watchExits(exitsDir, reportExit, logger);

  /** Startup reconciliation: exits written while no daemon watched, and containers still running. */
  async function scanExisting(): Promise<void> {
    const names = new Set<string>();
    for (const n of await fs.readdir(exitsDir).catch(() => [] as string[])) if (!n.includes('.')) names.add(n);
    for (const n of await listIds()) names.add(n);
    for (const n of names) { watcher.arm(n); watcher.check(n); }
  }

  async function listIds(): Promise<string[]> {
    const out: string[] = [];
    for (const n of await fs.readdir(runcRoot).catch(() => [] as string[])) {
      if (existsSync(join(runcRoot, n, 'state.json'))) out.push(n);
    }
    return out;
  }

  async function bundleOf(id: string, st?: RuncState): Promise<string> {
    const b = bundles.get(id) ?? bundleFromState(st ?? (await readRuncState(runcRoot, id)));
    if (!b) throw notFound(`No such container: ${id}`);
    return b;
  }

  async function requireState(id: string): Promise<RuncState> {
    const st = await readRuncState(runcRoot, id);
    if (!st) throw notFound(`container ${id} does not exist`);
    return st;
  }

  function conmonArgs(o: CreateOptions): string[] {
    const p = persistDir(o.id);
    const args = [
      '--api-version', '1', '-c', o.id, '-u', o.id, '-r', runtimePath, '-b', o.bundleDir,
      '-p', join(p, 'pid'), '-n', o.id, '--exit-dir', exitsDir, '--persist-dir', p,
      '--conmon-pidfile', join(p, 'conmon.pid'), '--full-attach', '-l', `k8s-file:${o.logPath}`,
      '--log-level', opts.conmonLogLevel ?? 'error', '--runtime-arg', `--root=${runcRoot}`,
    ];
    if (o.logSizeMax && o.logSizeMax > 0) args.push('--log-size-max', String(o.logSizeMax));
    // conmon puts stdin on the pty with -t; -i adds a stdin pipe for non-TTY containers (as Podman does).
    if (o.tty) args.push('-t');
    else if (o.openStdin) args.push('-i');
    // Docker keeps stdin open across detaches unless StdinOnce.
    // Docker closes a container's stdin after the first attach only without a TTY; `run -it` then detach keeps the shell.
    if (o.openStdin && (!o.stdinOnce || o.tty)) args.push('--leave-stdin-open');
    return args;
  }

  async function waitConmonGone(id: string, ms: number): Promise<void> {
    const text = await fs.readFile(join(persistDir(id), 'conmon.pid'), 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (!(pid > 0)) return;
    const isConmon = () => {
      try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'conmon' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(id); } catch { return false; }
    };
    const deadline = Date.now() + ms;
    while (isConmon()) {
      if (Date.now() > deadline) {
        logger.warn('conmon did not exit; killing it', { id, pid });
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const rt: ConmonRuntime = {
    async create(o) {
      cgroupPaths.delete(o.id);
      const p = persistDir(o.id);
      await fs.rm(p, { recursive: true, force: true });
      await Promise.all([
        fs.mkdir(p, { recursive: true }),
        fs.rm(join(exitsDir, o.id), { force: true }),
        fs.mkdir(dirname(o.logPath), { recursive: true }),
        fs.mkdir(o.bundleDir, { recursive: true }).then(() => fs.writeFile(join(o.bundleDir, 'config.json'), JSON.stringify(o.spec))),
      ]);
      bundles.set(o.id, o.bundleDir);
      watcher.arm(o.id);
      const cp = launchConmon(conmonPath, conmonArgs(o), { cwd: p, exec: false });
      const msg = await cp.sync.next();
      cp.release();
      if (!msg) {
        let detail = '';
        await cp.launched.catch((e: Error) => { detail = ': ' + e.message; });
        throw new EngineError('internal', `conmon exited before reporting the container${detail}`);
      }
      if (msg.data < 0) throw ociError('create', msg.message ?? 'runc create failed');
      initPids.set(o.id, msg.data);
      return { pid: msg.data };
    },

    async start(id) {
      const pid = initPids.get(id) ?? (await readRuncState(runcRoot, id))?.init_process_pid;
      if (pid) {
        try {
          await startViaFifo(runcRoot, id, pid);
          return;
        } catch (e) {
          // No fifo: not in the created state; runc says exactly why.
          if (!(e instanceof FifoGone)) throw new EngineError('internal', `OCI runtime start failed: ${errorMessage(e)}: unknown`);
        }
      }
      try { await runc(['start', id]); } catch (e) { throw ociError('start', errorMessage(e)); }
    },

    async kill(id, signal) {
      const st = await readRuncState(runcRoot, id);
      const pid = st && liveInitPid(st);
      if (pid !== undefined) {
        process.kill(pid, signal);
        return;
      }
      try { await runc(['kill', id, String(signal)]); } catch (e) {
        const msg = runcMessage(errorMessage(e));
        throw new EngineError(/does not exist/.test(msg) ? 'not-found' : 'conflict', msg);
      }
    },

    async pause(id) {
      try { await runc(['pause', id]); } catch (e) { throw new EngineError('conflict', runcMessage(errorMessage(e))); }
    },

    async resume(id) {
      try { await runc(['resume', id]); } catch (e) { throw new EngineError('conflict', runcMessage(errorMessage(e))); }
    },

    async delete(id) {
      cgroupPaths.delete(id);
      watcher.disarm(id);
      const exitedBefore = existsSync(join(exitsDir, id));
      const st = await readRuncState(runcRoot, id);
      const bundle = bundles.get(id) ?? bundleFromState(st);
      // No state.json but a state dir: a runtime with another layout (crun) — let it delete its own.
      if (st || existsSync(join(runcRoot, id))) {
        const stopped = st !== undefined && liveInitPid(st) === undefined;
        const done = stopped && (await deleteStopped(runcRoot, id, st).catch(() => false));
        if (!done) {
          const r = await run(runtimePath, ['--root', runcRoot, 'delete', '--force', id], { allowFail: true });
          if (r.code !== 0 && existsSync(join(runcRoot, id))) throw new EngineError('internal', `runc delete: ${runcMessage(r.stderr)}`);
        }
      }
      // After a forced delete conmon still reaps the process and writes its exit file; wait so nothing lingers.
      // Once the exit file exists conmon has nothing left to write and exits by itself: no need to wait.
      if (!exitedBefore) await waitConmonGone(id, 5000);
      await Promise.all([
        fs.rm(persistDir(id), { recursive: true, force: true }),
        fs.rm(join(exitsDir, id), { force: true }),
        fs.rm(execRoot(id), { recursive: true, force: true }),
        ...(bundle ? BUNDLE_FILES.map((f) => fs.rm(join(bundle, f), { force: true })) : []),
      ]);
      if (bundle) await fs.rmdir(bundle).catch(() => undefined);
      bundles.delete(id);
      initPids.delete(id);
    },

    async state(id) {
      const r = await run(runtimePath, ['--root', runcRoot, 'state', id], { allowFail: true });
      if (r.code !== 0) {
        if (/does not exist|not exist/.test(r.stderr)) return undefined;
        throw new EngineError('internal', `runc state: ${runcMessage(r.stderr)}`);
      }
      const s = JSON.parse(r.stdout) as { status: string; pid: number };
      return { status: s.status, pid: s.pid };
    },

    async attach(id): Promise<AttachSession> {
      return connectAttach(await bundleOf(id));
    },

    async resize(id, height, width) {
      await writeCtl(await bundleOf(id), height, width);
    },

    async exec(o: ExecOptions): Promise<ExecHandle> {
      const bundle = await bundleOf(o.containerId);
      const dir = join(execRoot(o.containerId), o.execId);
      await fs.mkdir(dir, { recursive: true });
      const handle = await startExec({ conmonPath, runtimePath, runcRoot, logger, host: hostInfo }, o, dir, bundle)
        .catch(async (e) => { await fs.rm(dir, { recursive: true, force: true }); throw e; });
      void handle.exited.finally(() => fs.rm(dir, { recursive: true, force: true }).catch(() => undefined));
      return handle;
    },

    onExit(cb) {
      exitCbs.push(cb);
      if (!scanned) {
        scanned = true;
        setImmediate(() => { scanExisting().catch((e) => logger.warn('exit scan failed', { error: errorMessage(e) })); });
      }
    },

    exitInfo,

    async pids(id) {
      const st = await readRuncState(runcRoot, id);
      const file = st && procsFile(st.cgroup_paths ?? {});
      if (!file) return [];
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map(Number);
    },

    async stats(id): Promise<ContainerStats> {
      // runc's state.json (tens of KB of JSON) only changes when the container is created again: parse it once
      // per run, not once per sample.
      let paths = cgroupPaths.get(id);
      if (!paths) {
        paths = (await requireState(id)).cgroup_paths ?? {};
        cgroupPaths.set(id, paths);
      }
      memTotal ??= parseMemTotal(await fs.readFile('/proc/meminfo', 'utf8'));
      const cg = await readCgroupStats(paths, memTotal);
      return { read: new Date().toISOString(), ...cg, ...parseProcStat(readSmallFile('/proc/stat') ?? '') };
    },

    list: listIds,

    async update(id, resources: ResourceLimits) {
      const r = buildResources(resources, hostInfo());
      try { await runc(['update', '--resources', '-', id], JSON.stringify(r)); } catch (e) {
        throw new EngineError('invalid', `Cannot update container ${id}: ${runcMessage(errorMessage(e))}`);
      }
    },

    close() { watcher.close(); },
  };
  return rt;
}
