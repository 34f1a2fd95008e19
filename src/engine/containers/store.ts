// Container records on disk: <dataRoot>/containers/<id>/config.json, written atomically.
// The in-memory view (with name and ID-prefix lookup) is rebuilt from disk at start.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic, readJson } from '../../lib/atomic-file.js';
import { notFound, invalid } from '../../lib/errors.js';
import type { ContainerRecord } from './model.js';

export class ContainerStore {
  private byId = new Map<string, ContainerRecord>();
  private byName = new Map<string, string>();
  constructor(readonly root: string) {}

  dir(id: string): string { return join(this.root, id); }

  async load(): Promise<ContainerRecord[]> {
    await fs.mkdir(this.root, { recursive: true });
    const out: ContainerRecord[] = [];
    for (const id of await fs.readdir(this.root)) {
      const rec = await readJson<ContainerRecord>(join(this.root, id, 'config.json')).catch(() => undefined);
      if (!rec || rec.id !== id) {
        // A create that never finished (or a removal cut short): nothing to load, nothing to keep.
        if (!id.startsWith('.')) await fs.rm(join(this.root, id), { recursive: true, force: true });
        continue;
      }
      this.index(rec);
      out.push(rec);
    }
    return out;
  }

  private index(rec: ContainerRecord): void {
    this.byId.set(rec.id, rec);
    this.byName.set(rec.name, rec.id);
  }

  async save(rec: ContainerRecord): Promise<void> {
    await writeJsonAtomic(join(this.root, rec.id, 'config.json'), rec);
    this.index(rec);
  }

  async remove(rec: ContainerRecord): Promise<void> {
    // Drop the record first so a crash mid-delete never resurrects a half-removed container.
    await fs.rm(join(this.root, rec.id, 'config.json'), { force: true });
    this.byId.delete(rec.id);
    if (this.byName.get(rec.name) === rec.id) this.byName.delete(rec.name);
    await fs.rm(join(this.root, rec.id), { recursive: true, force: true });
  }

  rename(rec: ContainerRecord, newName: string): void {
    this.byName.delete(rec.name);
    rec.name = newName;
    this.byName.set(newName, rec.id);
  }

  nameTaken(name: string): string | undefined { return this.byName.get(name); }

  all(): ContainerRecord[] { return [...this.byId.values()]; }

  /** Docker's lookup order: full ID, exact name, then a unique ID prefix. */
  find(ref: string): ContainerRecord | undefined {
    if (!ref) return undefined;
    const full = this.byId.get(ref);
    if (full) return full;
    const byName = this.byName.get(ref.startsWith('/') ? ref : '/' + ref);
    if (byName) return this.byId.get(byName);
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    let hit: ContainerRecord | undefined;
    for (const [id, rec] of this.byId) {
      if (!id.startsWith(ref)) continue;
      if (hit) throw invalid(`multiple IDs found with provided prefix: ${ref}`);
      hit = rec;
    }
    return hit;
  }

  get(ref: string): ContainerRecord {
    const rec = this.find(ref);
    if (!rec) throw notFound(`No such container: ${ref}`);
    return rec;
  }
}
