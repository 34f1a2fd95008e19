// The `local` driver: a directory per volume, optionally with a filesystem mounted over its _data
// (`--opt type=tmpfs|none|ext4|nfs…,device=…,o=…` as mount(8) takes them). Mounts are reference-counted:
// the first container to use the volume mounts it, the last one to stop unmounts it.
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lib/exec-file.js';
import { EngineError, errorMessage } from '../../lib/errors.js';
import type { VolumeRecord } from './types.js';

export const dataDir = (root: string, name: string) => join(root, name, '_data');

export function needsMount(v: VolumeRecord): boolean {
  return !!v.options && (v.options.type !== undefined || v.options.device !== undefined);
}

/** Mount points listed in /proc/self/mountinfo (field 5), octal escapes decoded. */
export function mountedPaths(): Set<string> {
  let text = '';
  try { text = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return new Set(); }
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.add(f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export class LocalDriver {
  private active = new Map<string, number>();

  constructor(readonly root: string) {}

  async create(v: VolumeRecord, owner?: { uid: number; gid: number }): Promise<void> {
    await fs.mkdir(join(this.root, v.name), { recursive: true, mode: 0o701 });
    const data = dataDir(this.root, v.name);
    await fs.mkdir(data, { recursive: true, mode: 0o755 });
    if (owner) await fs.chown(data, owner.uid, owner.gid);
  }

  /** Mounts the volume's device if it has one (first user only) and returns the host path for containers. */
  async mount(v: VolumeRecord): Promise<string> {
    const data = dataDir(this.root, v.name);
    const n = this.active.get(v.name) ?? 0;
    if (n === 0 && needsMount(v) && !mountedPaths().has(data)) {
      const o = v.options!;
      if (!o.device) throw new EngineError('internal', 'missing device in volume options');
      const args = ['-t', o.type ?? 'none'];
      if (o.o) args.push('-o', o.o);
      args.push(o.device, data);
      try { await run('mount', args); } catch (e) {
        throw new EngineError('internal', `error while mounting volume '${data}': failed to mount local volume: ${mountError(errorMessage(e), o.o)}`);
      }
    }
    this.active.set(v.name, n + 1);
    return data;
  }

  async unmount(v: VolumeRecord): Promise<void> {
    const n = (this.active.get(v.name) ?? 1) - 1;
    if (n > 0) { this.active.set(v.name, n); return; }
    this.active.delete(v.name);
    const data = dataDir(this.root, v.name);
    if (needsMount(v) && mountedPaths().has(data)) await run('umount', [data]);
  }

  /** Startup: a device still mounted from a previous daemon counts as mounted with no users. */
  async remove(v: VolumeRecord): Promise<void> {
    const data = dataDir(this.root, v.name);
    if (mountedPaths().has(data)) await run('umount', ['-l', data]);
    this.active.delete(v.name);
    // Bind-style volumes: the data belongs to the device, never delete through _data (now unmounted anyway).
    await fs.rm(join(this.root, v.name), { recursive: true, force: true });
  }

  async size(v: VolumeRecord): Promise<number> {
    if (needsMount(v)) return -1;
    return dirSize(dataDir(this.root, v.name));
  }
}

function mountError(msg: string, o: string | undefined): string {
  const pw = /(?:^|,)password=([^,]*)/.exec(o ?? '')?.[1];
  const text = msg.replace(/^mount [^:]*: exit \d+: /, '');
  return pw ? text.replaceAll(pw, '********') : text;
}

export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try { entries = await fs.readdir(dir, { withFileTypes: true }); } catch { return 0; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else {
      try { total += (await fs.lstat(p)).size; } catch { /* raced with a delete */ }
    }
  }
  return total;
}
