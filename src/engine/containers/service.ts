// The container lifecycle: create, start, stop, kill, pause, restart, remove, exits and restart policies.
// Every step that creates something registers its undo, so a failed start leaves nothing behind.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../lib/ids.js';
import { conflict, invalid, notModified, EngineError, errorMessage, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { KeyedMutex } from '../../lib/mutex.js';
import { parseSignal, SIGKILL, SIGTERM } from '../../lib/signals.js';
import type { DaemonConfig } from '../config.js';
import type { EventBus } from '../events.js';
import type { ImageService } from '../images/types.js';
import type { Runtime, AttachSession, ExitInfo } from '../../runtime/types.js';
import type { NetworkService } from '../../network/types.js';
import { ContainerStore } from './store.js';
import { type ContainerRecord, type ContainerStatus, ZERO_TIME, canTransition, isActive } from './model.js';
import { buildContainerConfig, buildHostConfig, parseCreateBody } from './create-config.js';
import { generateName, validateName } from './names.js';
import { shouldRestart, nextBackoff } from './restart-policy.js';
import { buildRuntimeSpec, hostInfo, remappedRoot, sandboxUserns } from './spec-input.js';
import { checkHostConfig } from './host-config-check.js';
import { attachFields, publishEndpointEvents, validateContainerNetworking } from '../networks.js';
import type { VolumeService } from '../volumes/service.js';
import { createMountPoints, prepareMounts, removeAnonymousVolumes } from './mount-setup.js';

export interface ContainerDeps {
  config: DaemonConfig;
  logger: Logger;
  images: ImageService;
  runtime: Runtime;
  network: NetworkService;
  events: EventBus;
  volumes: VolumeService;
  initPath?: string;
}

interface Waiters { exit: Array<(code: number) => void>; removed: Array<() => void> }

export class ContainerService {
  readonly store: ContainerStore;
  private mutex = new KeyedMutex();
  private waiters = new Map<string, Waiters>();
  private pendingAttach = new Map<string, Array<(s: AttachSession | undefined) => void>>();
  private backoff = new Map<string, { delay: number; timer?: NodeJS.Timeout }>();
  private shuttingDown = false;

  constructor(private deps: ContainerDeps) {
    this.store = new ContainerStore(join(deps.config.dataRoot, 'containers'));
    deps.runtime.onExit((id, info) => { void this.handleExit(id, info); });
  }

  private w(id: string): Waiters {
    let w = this.waiters.get(id);
    if (!w) { w = { exit: [], removed: [] }; this.waiters.set(id, w); }
    return w;
  }

  get(ref: string): ContainerRecord { return this.store.get(ref); }
  list(): ContainerRecord[] { return this.store.all(); }

  event(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish('container', action, c.id, { ...c.config.Labels, image: c.config.Image, name: c.name.slice(1), ...extra });
  }

  private async persist(c: ContainerRecord): Promise<void> { await this.store.save(c); }

  private setStatus(c: ContainerRecord, to: ContainerStatus): void {
    if (!canTransition(c.state.status, to)) this.deps.logger.warn('unexpected container transition', { id: c.id, from: c.state.status, to });
    c.state.status = to;
  }

  // ---- create ------------------------------------------------------------------------------------------------

  /**
   * `defaultReadOnlyNonRecursive`: clients older than API 1.44 get the read-only mounts they knew (plain `ro`,
   * submounts stay writable), as dockerd keeps for them.
   */
  async create(nameArg: string | undefined, body: unknown, opts: { defaultReadOnlyNonRecursive?: boolean } = {}): Promise<{ Id: string; Warnings: string[] }> {
    const req = parseCreateBody(body);
    const name = nameArg ? validateName(nameArg) : generateName((n) => !!this.store.nameTaken(n));
    const taken = this.store.nameTaken(name);
    if (taken) throw conflict(`Conflict. The container name "${name}" is already in use by container "${taken}". You have to remove (or rename) that container to be able to reuse that name.`);
    const imageRef = req.config.Image as string | undefined;
    if (!imageRef) throw invalid('Config cannot be empty in order to create a container');
    const image = this.deps.images.get(imageRef);
    const hostConfig = buildHostConfig(req.hostConfig);
    const warnings = checkHostConfig(hostConfig, hostInfo());
    // dockerd refuses this at create (a remapped root cannot hold the host's capabilities); start checks again.
    if (this.deps.config.userns && hostConfig.Privileged && hostConfig.UsernsMode !== 'host') {
      throw invalid('privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode');
    }
    validateNetworkMode(hostConfig.NetworkMode, (r) => this.store.find(r));
    validateContainerNetworking(hostConfig, req.networkingConfig, this.deps.network, req.config.MacAddress as string | undefined);
    const id = newId();
    const { config, path, args } = buildContainerConfig(req, image, id);
    if (hostConfig.NetworkMode === 'host' && !req.config.Hostname) config.Hostname = (await fs.readFile('/proc/sys/kernel/hostname', 'utf8')).trim();
    const now = new Date().toISOString();
    const rec: ContainerRecord = {
      id, name, created: now, path, args, imageId: image.id, config, hostConfig,
      networkingConfig: req.networkingConfig as ContainerRecord['networkingConfig'],
      state: { status: 'created', pid: 0, exitCode: 0, error: '', startedAt: ZERO_TIME, finishedAt: ZERO_TIME, oomKilled: false },
      restartCount: 0, manuallyStopped: false, hasBeenStarted: false,
      logPath: join(this.store.dir(id), 'container.log'), execIds: [],
    };
    const mounts = await createMountPoints(hostConfig, config.Volumes, { mountsOf: (r) => this.store.get(r).mountPoints ?? [] }, this.deps.volumes);
    rec.mountPoints = mounts.mountPoints;
    if (opts.defaultReadOnlyNonRecursive) for (const m of rec.mountPoints) if (!m.RW) m.ReadOnlyNonRecursive = true;
    try {
      await this.deps.images.createContainerLayer(id, image.id);
      await this.persist(rec);
    } catch (e) {
      await mounts.undo();
      await this.deps.images.removeContainerLayer(id).catch(() => undefined);
      await this.store.remove(rec).catch(() => undefined);
      throw e;
    }
    this.event(rec, 'create');
    return { Id: id, Warnings: warnings };
  }

  // ---- start -------------------------------------------------------------------------------------------------

  async start(ref: string): Promise<void> {
    const c = this.store.get(ref);
    await this.mutex.run(c.id, () => this.startLocked(c));
  }

  private async startLocked(c: ContainerRecord): Promise<void> {
    if (c.state.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
    if (c.state.status === 'running') throw notModified();
    if (c.state.status === 'removing' || c.state.status === 'dead') throw conflict(`container ${c.id} is marked for removal and cannot be started`);
    const { images, network, runtime } = this.deps;
    const undo: Array<() => Promise<unknown>> = [];
    try {
      const layer = images.containerLayer(c.id, c.imageId);
      let sharedWith;
      if (c.hostConfig.NetworkMode.startsWith('container:')) {
        const other = this.store.get(c.hostConfig.NetworkMode.slice('container:'.length));
        if (!isActive(other) || !other.sandbox) throw conflict(`cannot join network of a non running container: ${other.id}`);
        sharedWith = other.sandbox;
      }
      // The overlay mount and the network sandbox do not depend on each other: set them up together.
      const mounted = images.mountContainerLayer(layer).then(() => { undo.push(() => images.unmountContainerLayer(layer)); });
      const attached = network.attach({
        containerId: c.id, containerName: c.name.slice(1), hostname: c.config.Hostname, domainname: c.config.Domainname,
        ...attachFields(c, (r) => this.store.find(r)), sharedWith, containerDir: this.store.dir(c.id),
        dns: c.hostConfig.Dns as string[] | undefined, dnsSearch: c.hostConfig.DnsSearch as string[] | undefined,
        dnsOptions: c.hostConfig.DnsOptions as string[] | undefined, extraHosts: c.hostConfig.ExtraHosts as string[] | undefined,
        macAddress: c.config.MacAddress, ...sandboxUserns(c, this.deps.config.userns, (r) => this.store.get(r)),
      }).then((sb) => { undo.push(() => network.detach(c.id)); return sb; });
      const [m, a] = await Promise.allSettled([mounted, attached]);
      if (m.status === 'rejected') throw m.reason;
      if (a.status === 'rejected') throw a.reason;
      const sandbox = a.value;
      publishEndpointEvents(this.deps.events, network, 'connect', c.id, sharedWith ? [] : sandbox.endpoints);
      undo.push(() => this.deps.volumes.releaseContainer(c.id));
      const userMounts = await prepareMounts(c, layer.mergedDir, this.deps.volumes, { find: (r) => this.store.get(r), dir: (id) => this.store.dir(id) }, remappedRoot(c, this.deps.config.userns));
      const spec = await buildRuntimeSpec(c, layer.mergedDir, sandbox, this.deps, { mounts: userMounts, find: (r) => this.store.get(r) });
      await runtime.delete(c.id).catch(() => undefined); // stale runc state from a crash
      const { pid } = await runtime.create({
        id: c.id, spec, bundleDir: join(this.deps.config.execRoot, 'containers', c.id), logPath: c.logPath,
        tty: c.config.Tty, openStdin: c.config.OpenStdin, stdinOnce: c.config.StdinOnce,
      });
      undo.push(() => runtime.delete(c.id));
      await this.connectPendingAttach(c.id);
      c.sandbox = sandbox;
      c.state = { ...c.state, status: 'running', pid, exitCode: 0, error: '', startedAt: new Date().toISOString(), oomKilled: false };
      c.hasBeenStarted = true;
      c.manuallyStopped = false;
      await network.ready?.(c.id); // e.g. embedded DNS of a macvlan-only container, bound meanwhile
      await runtime.start(c.id);
      await this.persist(c);
      this.event(c, 'start');
    } catch (e) {
      for (const u of undo.reverse()) await u().catch((err) => this.deps.logger.warn('undo failed', { id: c.id, err: errorMessage(err) }));
      const msg = errorMessage(e);
      c.sandbox = undefined;
      c.state = { ...c.state, status: c.hasBeenStarted ? 'exited' : 'created', pid: 0, error: msg, exitCode: startExitCode(msg) };
      if (this.store.find(c.id)) await this.persist(c).catch(() => undefined);
      this.failPendingAttach(c.id);
      // Like dockerd, a failed start of an auto-remove container removes it (the CLI waits for that).
      if (c.hostConfig.AutoRemove) setImmediate(() => { void this.remove(c.id, { force: true, volumes: true }).catch(() => undefined); });
      if (e instanceof EngineError) throw e;
      throw new EngineError(/not found|no such file|permission denied/i.test(msg) ? 'invalid' : 'internal', msg);
    }
  }

  private connectPendingAttach(id: string): Promise<void> {
    const pending = this.pendingAttach.get(id);
    this.pendingAttach.delete(id);
    if (!pending?.length) return Promise.resolve();
    return Promise.all(pending.map(async (resolve) => {
      try { resolve(await this.deps.runtime.attach(id)); } catch (e) {
        this.deps.logger.warn('attach failed', { id, err: errorMessage(e) });
        resolve(undefined);
      }
    })).then(() => undefined);
  }

  private failPendingAttach(id: string): void {
    const pending = this.pendingAttach.get(id) ?? [];
    this.pendingAttach.delete(id);
    for (const r of pending) r(undefined);
  }

  /** An attach session now (running) or at the next start (created/exited). undefined if it never starts. */
  attachSession(c: ContainerRecord): Promise<AttachSession | undefined> {
    if (c.state.status === 'running' || c.state.status === 'paused') return this.deps.runtime.attach(c.id);
    return new Promise((resolve) => {
      const list = this.pendingAttach.get(c.id) ?? [];
      list.push(resolve);
      this.pendingAttach.set(c.id, list);
    });
  }

  cancelPendingAttach(c: ContainerRecord, resolver: unknown): void {
    const list = this.pendingAttach.get(c.id);
    if (list) this.pendingAttach.set(c.id, list.filter((r) => r !== resolver));
  }

  // ---- exits and restarts ------------------------------------------------------------------------------------

  async handleExit(id: string, info: ExitInfo): Promise<void> {
    const c = this.store.find(id);
    if (!c) return;
    await this.mutex.run(id, async () => {
      if (!['running', 'paused', 'restarting'].includes(c.state.status) || c.state.pid === 0) return;
      const ranFor = Date.now() - Date.parse(c.state.startedAt);
      c.state = { ...c.state, status: 'exited', pid: 0, exitCode: info.exitCode, finishedAt: info.finishedAt, oomKilled: info.oomKilled };
      if (info.oomKilled) this.event(c, 'oom');
      this.event(c, 'die', { exitCode: String(info.exitCode) });
      const restart = !c.hostConfig.AutoRemove && shouldRestart(c.hostConfig.RestartPolicy, {
        exitCode: info.exitCode, restartCount: c.restartCount, manuallyStopped: c.manuallyStopped, daemonShuttingDown: this.shuttingDown,
      });
      if (restart) this.setStatus(c, 'restarting');
      // Waiters learn the exit at once; cleanup and the record follow under the lock, so a start or remove
      // that comes in meanwhile waits for them. A crash before the record is written replays the exit at start-up.
      for (const r of this.w(id).exit.splice(0)) r(info.exitCode);
      await this.cleanupAfterExit(c);
      await this.persist(c);
      if (restart) this.scheduleRestart(c, ranFor);
      else if (c.hostConfig.AutoRemove && !this.shuttingDown) {
        setImmediate(() => { void this.remove(c.id, { force: true, volumes: true }).catch((e) => this.deps.logger.warn('auto-remove failed', { id, err: errorMessage(e) })); });
      }
    });
  }

  private async cleanupAfterExit(c: ContainerRecord): Promise<void> {
    const { runtime, network, images } = this.deps;
    await runtime.delete(c.id).catch((e) => this.deps.logger.warn('runtime delete failed', { id: c.id, err: errorMessage(e) }));
    const endpoints = c.sandbox?.endpoints ?? [];
    // Once the processes are gone, the network and the filesystem come down independently.
    await Promise.all([
      network.detach(c.id).catch((e) => this.deps.logger.warn('network detach failed', { id: c.id, err: errorMessage(e) })),
      (async () => {
        await this.deps.volumes.releaseContainer(c.id);
        await images.unmountContainerLayer(images.containerLayer(c.id, c.imageId)).catch((e) => this.deps.logger.warn('unmount failed', { id: c.id, err: errorMessage(e) }));
      })(),
    ]);
    publishEndpointEvents(this.deps.events, network, 'disconnect', c.id, c.hostConfig.NetworkMode.startsWith('container:') ? [] : endpoints);
    c.sandbox = undefined;
  }

  private scheduleRestart(c: ContainerRecord, ranForMs: number): void {
    const b = this.backoff.get(c.id) ?? { delay: 0 };
    b.delay = nextBackoff(b.delay, ranForMs);
    b.timer = setTimeout(() => {
      b.timer = undefined;
      if (this.shuttingDown || c.state.status !== 'restarting' || !this.store.find(c.id)) return;
      c.restartCount++;
      void this.start(c.id).catch(async (e) => {
        this.deps.logger.warn('restart failed', { id: c.id, err: errorMessage(e) });
        // A failed restart counts as an exit with the start error's code; the policy decides again.
        if (shouldRestart(c.hostConfig.RestartPolicy, { exitCode: c.state.exitCode || 1, restartCount: c.restartCount, manuallyStopped: c.manuallyStopped, daemonShuttingDown: this.shuttingDown })) {
          c.state.status = 'restarting';
          this.scheduleRestart(c, 0);
        } else {
          c.state.status = 'exited';
          for (const r of this.w(c.id).exit.splice(0)) r(c.state.exitCode);
        }
        await this.persist(c).catch(() => undefined);
      });
    }, b.delay);
    this.backoff.set(c.id, b);
  }

  private cancelRestart(c: ContainerRecord): boolean {
    const b = this.backoff.get(c.id);
    if (b?.timer) { clearTimeout(b.timer); b.timer = undefined; }
    if (c.state.status === 'restarting' && c.state.pid === 0) { c.state.status = 'exited'; return true; }
    return false;
  }

  /** Resolves with the exit code at the container's next exit. */
  nextExit(id: string): Promise<number> {
    return new Promise((resolve) => this.w(id).exit.push(resolve));
  }

  removed(id: string): Promise<void> {
    return new Promise((resolve) => this.w(id).removed.push(resolve));
  }

  // ---- stop / kill / pause -----------------------------------------------------------------------------------

  async stop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const c = this.store.get(ref);
    if (this.cancelRestart(c)) { c.manuallyStopped = true; await this.persist(c); this.event(c, 'stop'); return; }
    if (!isActive(c)) throw notModified();
    c.manuallyStopped = true;
    await this.stopInternal(c, opts);
    this.event(c, 'stop');
  }

  private async stopInternal(c: ContainerRecord, opts: { timeout?: number; signal?: string }): Promise<void> {
    const sig = parseSignal(opts.signal || c.config.StopSignal || 'SIGTERM');
    const timeout = opts.timeout ?? c.config.StopTimeout ?? 10;
    const exited = this.nextExit(c.id);
    if (c.state.status === 'paused') await this.deps.runtime.resume(c.id).catch(() => undefined);
    if (timeout !== 0) {
      await this.signal(c, sig).catch(() => undefined);
      if (timeout < 0) { await exited; return; }
      const done = await Promise.race([exited.then(() => true), sleep(timeout * 1000).then(() => false)]);
      if (done) return;
    }
    await this.signal(c, SIGKILL).catch(() => undefined);
    const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!done) throw new EngineError('internal', `cannot stop container: ${c.id}: tried to kill container, but did not receive an exit event`);
  }

  private async signal(c: ContainerRecord, sig: number): Promise<void> {
    this.event(c, 'kill', { signal: String(sig) });
    await this.deps.runtime.kill(c.id, sig);
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const c = this.store.get(ref);
    const sig = parseSignal(signal || 'SIGKILL');
    if (!isActive(c)) throw conflict(`Cannot kill container: ${ref}: Container ${c.id} is not running`);
    if (sig === SIGKILL || sig === SIGTERM) c.manuallyStopped = true;
    if (c.state.status === 'paused' && sig === SIGKILL) await this.deps.runtime.resume(c.id).catch(() => undefined);
    await this.signal(c, sig);
  }

  async restart(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const c = this.store.get(ref);
    this.cancelRestart(c);
    if (isActive(c)) await this.stopInternal(c, opts);
    await this.mutex.run(c.id, () => this.startLocked(c));
    this.event(c, 'restart');
  }

  async pause(ref: string): Promise<void> {
    const c = this.store.get(ref);
    await this.mutex.run(c.id, async () => {
      if (c.state.status === 'paused') throw conflict(`Container ${c.id} is already paused`);
      if (c.state.status !== 'running') throw conflict(`Container ${c.id} is not running`);
      await this.deps.runtime.pause(c.id);
      this.setStatus(c, 'paused');
      await this.persist(c);
      this.event(c, 'pause');
    });
  }

  async unpause(ref: string): Promise<void> {
    const c = this.store.get(ref);
    await this.mutex.run(c.id, async () => {
      if (c.state.status !== 'paused') throw conflict(`Container ${c.id} is not paused`);
      await this.deps.runtime.resume(c.id);
      this.setStatus(c, 'running');
      await this.persist(c);
      this.event(c, 'unpause');
    });
  }

  // ---- remove / rename ---------------------------------------------------------------------------------------

  async remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    const c = this.store.get(ref);
    this.cancelRestart(c);
    if (isActive(c)) {
      if (!opts.force) {
        const what = c.state.status === 'paused' ? 'paused' : 'running';
        throw conflict(`You cannot remove a ${what} container ${c.id}. Stop the container before attempting removal or force remove`);
      }
      c.manuallyStopped = true;
      const exited = this.nextExit(c.id);
      if (c.state.status === 'paused') await this.deps.runtime.resume(c.id).catch(() => undefined);
      await this.signal(c, SIGKILL).catch(() => undefined);
      await Promise.race([exited, sleep(15_000)]);
    }
    await this.mutex.run(c.id, async () => {
      if (!this.store.find(c.id)) return;
      if (isActive(c)) await this.cleanupAfterExit(c);
      c.state.status = 'removing';
      // Normally the exit already cleaned up and these are no-ops; they matter after a crash. Run them together
      // so `run --rm` (which waits for the removal) does not pay for them one by one.
      const layer = this.deps.images.containerLayer(c.id, c.imageId);
      await Promise.all([
        this.deps.runtime.delete(c.id).catch(() => undefined),
        this.deps.network.detach(c.id).catch(() => undefined),
        this.deps.images.unmountContainerLayer(layer).catch(() => undefined).then(() => this.deps.volumes.releaseContainer(c.id)),
      ]);
      await this.store.remove(c);
      await this.deps.images.removeContainerLayer(c.id);
      if (opts.volumes) await removeAnonymousVolumes(c.mountPoints, this.deps.volumes, (m, f) => this.deps.logger.warn(m, f));
      this.failPendingAttach(c.id);
      this.backoff.delete(c.id);
      this.event(c, 'destroy');
      const w = this.waiters.get(c.id);
      this.waiters.delete(c.id);
      for (const r of w?.exit ?? []) r(c.state.exitCode);
      for (const r of w?.removed ?? []) r();
    });
  }

  async rename(ref: string, newName: string): Promise<void> {
    const c = this.store.get(ref);
    const name = validateName(newName);
    if (name === c.name) throw invalid('Renaming a container with the same name as its current name');
    const taken = this.store.nameTaken(name);
    if (taken) throw conflict(`Conflict. The container name "${name}" is already in use by container "${taken}". You have to remove (or rename) that container to be able to reuse that name.`);
    const old = c.name;
    this.store.rename(c, name);
    await this.persist(c);
    this.event(c, 'rename', { oldName: old });
  }

  // ---- daemon start-up and shutdown --------------------------------------------------------------------------

  /** Loads records, adopts or reaps containers left by a previous daemon, then applies restart policies. */
  async restore(): Promise<void> {
    const recs = this.store.all(); // loaded by the engine before the network reconciled
    const { runtime, logger, config } = this.deps;
    const toRestart: ContainerRecord[] = [];
    for (const c of recs) {
      if (c.state.status === 'removing') { await this.remove(c.id, { force: true, volumes: false }).catch(() => undefined); continue; }
      const wasActive = ['running', 'paused', 'restarting'].includes(c.state.status) && c.state.pid > 0;
      const st = wasActive ? await runtime.state(c.id).catch(() => undefined) : undefined;
      const alive = st && ['running', 'paused', 'created'].includes(st.status);
      if (alive && config.liveRestore) {
        if (c.sandbox) await this.deps.network.adopt(c.id, c.sandbox).catch((e) => logger.warn('network adopt failed', { id: c.id, err: errorMessage(e) }));
        c.state.status = st.status === 'paused' ? 'paused' : 'running';
        continue;
      }
      if (alive) {
        // Without live-restore a previous daemon's containers do not survive it: stop them now.
        const exited = this.nextExit(c.id);
        await runtime.kill(c.id, SIGKILL).catch(() => undefined);
        await Promise.race([exited, sleep(10_000)]);
      } else if (wasActive) {
        const info = await runtime.exitInfo(c.id).catch(() => undefined);
        await this.handleExit(c.id, info ?? { exitCode: 255, finishedAt: new Date().toISOString(), oomKilled: false });
      } else if (c.state.status === 'restarting') {
        c.state.status = 'exited';
      }
      if (c.state.status === 'exited' || c.state.status === 'restarting') {
        c.state.status = 'exited';
        await this.persist(c);
        if (!c.hostConfig.AutoRemove && shouldRestart(c.hostConfig.RestartPolicy, { exitCode: c.state.exitCode, restartCount: 0, manuallyStopped: c.manuallyStopped, daemonShuttingDown: false })
          && (c.hostConfig.RestartPolicy.Name !== 'on-failure' || wasActive)) toRestart.push(c);
        else if (c.hostConfig.AutoRemove && wasActive) await this.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
      }
    }
    for (const c of toRestart) await this.start(c.id).catch((e) => logger.warn('restart at start-up failed', { id: c.id, err: errorMessage(e) }));
  }

  /** Clean shutdown: without live-restore, containers are stopped (not marked as stopped by the user). */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const b of this.backoff.values()) if (b.timer) clearTimeout(b.timer);
    if (this.deps.config.liveRestore) return;
    await Promise.all(this.store.all().filter(isActive).map((c) =>
      this.stopInternal(c, { timeout: Math.min(c.config.StopTimeout ?? 10, this.deps.config.shutdownTimeout) })
        .catch((e) => this.deps.logger.warn('stop at shutdown failed', { id: c.id, err: errorMessage(e) }))));
  }
}

function validateNetworkMode(mode: string, find: (ref: string) => ContainerRecord | undefined): void {
  if (mode.startsWith('container:')) {
    const ref = mode.slice('container:'.length);
    if (!ref) throw invalid('Invalid network mode: invalid container format container:<name|id>');
    if (!find(ref)) throw notFound(`No such container: ${ref}`);
  }
}

/** Docker's start-failure exit codes, chosen from the runtime's message. */
function startExitCode(msg: string): number {
  if (/executable file not found|no such file or directory/i.test(msg)) return 127;
  if (/permission denied/i.test(msg)) return 126;
  return 128;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
