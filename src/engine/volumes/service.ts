// Volumes: create, inspect, list with filters, remove (refused while a container references it), prune.
// Records live in <data-root>/volumes/<name>/volume.json; the in-memory map is rebuilt from disk at start.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readJson, writeJsonAtomic } from '../../lib/atomic-file.js';
import { conflict, invalid, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { KeyedMutex } from '../../lib/mutex.js';
import type { EventBus } from '../events.js';
import { LocalDriver, dataDir, needsMount } from './local-driver.js';
import { validateLocalOptions, validateVolumeName } from './names.js';
import { removeSubpathMounts } from './subpath.js';
import { ANONYMOUS_LABEL, type VolumeRecord } from './types.js';

export interface VolumeCreateRequest {
  name?: string;
  driver?: string;
  driverOpts?: Record<string, string> | null;
  labels?: Record<string, string> | null;
  anonymous?: boolean;
}

export interface VolumeServiceDeps {
  dataRoot: string;
  logger: Logger;
  events: EventBus;
  /** Owner of new volumes' _data (the remapped root under --userns-remap). */
  rootOwner?: { uid: number; gid: number };
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

export class VolumeService {
  readonly root: string;
  readonly driver: LocalDriver;
  private volumes = new Map<string, VolumeRecord>();
  private mutex = new KeyedMutex();
  private held = new Map<string, string[]>();
  private cleanups = new Map<string, Array<() => Promise<void>>>();
  /** Container IDs referencing a volume; set by the engine once the container service exists. */
  refs: (name: string) => string[] = () => [];

  constructor(private deps: VolumeServiceDeps) {
    this.root = join(deps.dataRoot, 'volumes');
    this.driver = new LocalDriver(this.root);
  }

  async load(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o701 });
    // Subpath mounts a previous daemon left (it died with containers running). Running containers keep their own
    // copies in their mount namespaces, so the host side can always go.
    await removeSubpathMounts(this.subpathRoot);
    for (const name of await fs.readdir(this.root)) {
      const rec = await readJson<VolumeRecord>(join(this.root, name, 'volume.json')).catch(() => undefined);
      if (rec?.name === name) this.volumes.set(name, rec);
      else if (await exists(dataDir(this.root, name))) {
        // A volume directory without metadata (e.g. copied in by an operator): adopt it as Docker does.
        const st = await fs.stat(join(this.root, name));
        const adopted: VolumeRecord = { name, driver: 'local', createdAt: rfc3339(st.mtime), labels: null, options: null, anonymous: false };
        this.volumes.set(name, adopted);
      }
    }
  }

  path(v: VolumeRecord): string { return dataDir(this.root, v.name); }

  /**
   * Where a container's checked volume subpath is bind-mounted for runc. Deliberately outside the container's
   * directory, which is removed recursively: a stale mount there would let that removal delete volume data.
   * (A leading dot cannot be a volume name, so load() never takes it for one.)
   */
  get subpathRoot(): string { return join(this.root, '.subpath'); }
  subpathMountPoint(containerId: string, index: number): string { return join(this.subpathRoot, containerId, String(index)); }

  get(name: string): VolumeRecord {
    const v = this.volumes.get(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  find(name: string): VolumeRecord | undefined { return this.volumes.get(name); }
  list(): VolumeRecord[] { return [...this.volumes.values()]; }

  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    const driver = req.driver || 'local';
    const anonymous = req.anonymous ?? !req.name;
    const name = req.name || randomBytes(32).toString('hex');
    if (driver !== 'local') throw notFound(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    try { validateVolumeName(name); } catch (e) { throw invalid(`create ${name}: ${(e as Error).message}`); }
    const opts = req.driverOpts && Object.keys(req.driverOpts).length ? { ...req.driverOpts } : null;
    if (opts) {
      try { validateLocalOptions(opts); } catch (e) { throw invalid(`create ${name}: ${(e as Error).message}`); }
    }
    return this.mutex.run(name, async () => {
      const existing = this.volumes.get(name);
      if (existing) return existing;
      const labels = { ...(req.labels ?? {}) };
      if (anonymous) labels[ANONYMOUS_LABEL] = '';
      const rec: VolumeRecord = {
        name, driver: 'local', createdAt: rfc3339(new Date()), labels: Object.keys(labels).length ? labels : null, options: opts, anonymous,
      };
      try {
        await this.driver.create(rec, this.deps.rootOwner);
        await writeJsonAtomic(join(this.root, name, 'volume.json'), rec);
      } catch (e) {
        await fs.rm(join(this.root, name), { recursive: true, force: true }).catch(() => undefined);
        throw e;
      }
      this.volumes.set(name, rec);
      this.deps.events.publish('volume', 'create', name, { driver: 'local' });
      return rec;
    });
  }

  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    const v = this.volumes.get(name);
    if (!v) {
      if (opts.force) return;
      throw notFound(`get ${name}: no such volume`);
    }
    await this.mutex.run(name, async () => {
      const users = this.refs(name);
      if (users.length) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.driver.remove(v);
      this.volumes.delete(name);
      this.deps.events.publish('volume', 'destroy', name, { driver: 'local' });
    });
  }

  /** Mounts the volume for a container (its device on first use); released by releaseContainer. */
  async mount(name: string, containerId: string): Promise<string> {
    const v = this.get(name);
    const path = await this.mutex.run(name, () => this.driver.mount(v));
    const held = this.held.get(containerId) ?? [];
    held.push(name);
    this.held.set(containerId, held);
    return path;
  }

  /** Docker's `volume mount` event, once a mount point using the volume is fully set up for a starting container. */
  publishMount(name: string, containerId: string, at: { destination: string; rw: boolean; propagation: string }): void {
    this.deps.events.publish('volume', 'mount', name, {
      container: containerId, destination: at.destination, driver: this.get(name).driver, propagation: at.propagation, 'read/write': String(at.rw),
    });
  }

  /** Other per-container host mounts (the shareable IPC /dev/shm) undone together with the volumes. */
  track(containerId: string, cleanup: () => Promise<void>): void {
    const list = this.cleanups.get(containerId) ?? [];
    list.push(cleanup);
    this.cleanups.set(containerId, list);
  }

  /** Releases every volume mounted for the container (idempotent: after exit, failed start, removal). */
  async releaseContainer(containerId: string): Promise<void> {
    const extra = this.cleanups.get(containerId) ?? [];
    this.cleanups.delete(containerId);
    for (const f of extra) await f().catch((e) => this.deps.logger.warn('container mount cleanup failed', { containerId, err: String(e) }));
    const held = this.held.get(containerId) ?? [];
    this.held.delete(containerId);
    for (const name of held) {
      const v = this.volumes.get(name);
      if (!v) continue;
      try {
        await this.mutex.run(name, () => this.driver.unmount(v));
        this.deps.events.publish('volume', 'unmount', name, { container: containerId, driver: v.driver });
      } catch (e) {
        this.deps.logger.warn('volume unmount failed', { name, err: String(e) });
      }
    }
  }

  async size(v: VolumeRecord): Promise<number> { return this.driver.size(v); }

  /** `volume ls` filters (dockerd accepts dangling, name, driver, label; label! and all only for prune). */
  filter(filters: Record<string, string[]>, accepted: readonly string[] = LIST_FILTERS): VolumeRecord[] {
    for (const k of Object.keys(filters)) if (!accepted.includes(k)) throw invalid(`invalid filter '${k}'`);
    const dangling = filters.dangling ? boolFilter('dangling', filters.dangling) : undefined;
    return this.list().filter((v) => {
      if (dangling !== undefined && (this.refs(v.name).length === 0) !== dangling) return false;
      if (filters.name?.length && !filters.name.some((n) => v.name.includes(n))) return false;
      if (filters.driver?.length && !filters.driver.includes(v.driver)) return false;
      if (filters.label?.length && !filters.label.every((l) => labelMatch(v.labels ?? {}, l))) return false;
      // dockerd's MatchKVList: excluded only when the volume carries every label! given.
      if (filters['label!']?.length && filters['label!'].every((l) => labelMatch(v.labels ?? {}, l))) return false;
      return true;
    });
  }

  /** Removes unused volumes: anonymous ones only unless `all` (API ≥ 1.42), every unused one before. */
  async prune(filters: Record<string, string[]>, anonymousOnly: boolean): Promise<{ deleted: string[]; reclaimed: number }> {
    const all = pruneAll(filters.all);
    const f = { ...filters };
    delete f.all;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of this.filter(f, PRUNE_FILTERS)) {
      if (this.refs(v.name).length) continue;
      if (anonymousOnly && !all && !v.anonymous && !(v.labels && ANONYMOUS_LABEL in v.labels)) continue;
      const size = needsMount(v) ? 0 : await this.driver.size(v);
      try { await this.remove(v.name); } catch (e) { this.deps.logger.warn('prune: remove failed', { name: v.name, err: String(e) }); continue; }
      deleted.push(v.name);
      reclaimed += size;
    }
    this.deps.events.publish('volume', 'prune', '', { reclaimed: String(reclaimed) });
    return { deleted, reclaimed };
  }
}

const LIST_FILTERS = ['dangling', 'name', 'driver', 'label'] as const;
const PRUNE_FILTERS = ['label', 'label!'] as const;

/** dockerd's GetBoolOrDefault: 1/true or 0/false; none of them, or both, is an error naming the values. */
function boolFilter(key: string, values: string[]): boolean {
  const isTrue = values.includes('1') || values.includes('true');
  const isFalse = values.includes('0') || values.includes('false');
  if (isTrue === isFalse) throw invalid(values.length ? `invalid filter '${key}=[${values.join(' ')}]'` : `invalid filter '${key}'`);
  return isTrue;
}

/** dockerd's withPrune: one `all` value, parsed like Go's strconv.ParseBool. */
function pruneAll(values: string[] | undefined): boolean {
  if (!values?.length) return false;
  if (values.length > 1) throw invalid(`invalid filter 'all=[${values.join(' ')}]': only one value is expected`);
  const v = values[0]!;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw invalid(`invalid filter 'all': strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function labelMatch(labels: Record<string, string>, filter: string): boolean {
  const i = filter.indexOf('=');
  if (i < 0) return filter in labels;
  return labels[filter.slice(0, i)] === filter.slice(i + 1);
}

async function exists(p: string): Promise<boolean> {
  try { await fs.stat(p); return true; } catch { return false; }
}
