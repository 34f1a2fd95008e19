// Per-container read-write layers over the image's read-only layers:
//   <dataRoot>/containers-rw/<id>/{upper,work,merged}  and  lower.json = { chainIds (bottom first) }
// The overlay is mounted with relative paths from <dataRoot> (lowerdir=overlay2/l/<short>:...), as
// Docker's overlay2 does, so long layer chains fit in the one page the kernel accepts for options.
import { promises as fs, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readJsonSync, writeJsonAtomic } from '../lib/atomic-file.js';
import { invalid } from '../lib/errors.js';
import { run } from '../lib/exec-file.js';
import type { Logger } from '../lib/logger.js';
import type { LayerStore } from './layer-store.js';

export interface RwLayer { lowerDirs: string[]; upperDir: string; workDir: string; mergedDir: string }

const pageSize = 4096;

export class ContainerLayers {
  readonly root: string;
  /** containerId → chain IDs its lower dirs use */
  private readonly chains = new Map<string, string[]>();

  /** `rootOwner`: host IDs of container root (--userns-remap): the upper and work dirs are created owned by it. */
  constructor(private readonly dataRoot: string, private readonly layers: LayerStore, private readonly logger: Logger,
    private readonly rootOwner?: { uid: number; gid: number }) {
    this.root = join(dataRoot, 'containers-rw');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    for (const id of await fs.readdir(this.root)) {
      const lower = readJsonSync<{ chainIds: string[] }>(join(this.root, id, 'lower.json'));
      if (lower) this.chains.set(id, lower.chainIds);
      else await fs.rm(join(this.root, id), { recursive: true, force: true }); // creation never finished
    }
  }

  /** IDs of the containers that have a layer here (start-up compares them with the container records). */
  ids(): string[] {
    return [...this.chains.keys()];
  }

  /** Every chain ID some container layer sits on. */
  heldChains(): string[] {
    return [...this.chains.values()].flat();
  }

  chainsOf(containerId: string): string[] | undefined {
    return this.chains.get(containerId);
  }

  layer(containerId: string, chainIds: string[]): RwLayer {
    const dir = join(this.root, containerId);
    return {
      lowerDirs: chainIds.map((c) => this.layers.diffDir(c)).reverse(),
      upperDir: join(dir, 'upper'),
      workDir: join(dir, 'work'),
      mergedDir: join(dir, 'merged'),
    };
  }

  async create(containerId: string, chainIds: string[]): Promise<RwLayer> {
    if (!/^[a-zA-Z0-9_.-]+$/.test(containerId)) throw invalid(`invalid container ID ${containerId}`);
    const dir = join(this.root, containerId);
    const l = this.layer(containerId, chainIds);
    if (this.chains.has(containerId)) return l;
    for (const d of [l.upperDir, l.workDir, l.mergedDir]) await fs.mkdir(d, { recursive: true, mode: 0o755 });
    if (this.rootOwner) for (const d of [l.upperDir, l.workDir]) await fs.chown(d, this.rootOwner.uid, this.rootOwner.gid);
    await writeJsonAtomic(join(dir, 'lower.json'), { chainIds });
    this.chains.set(containerId, chainIds);
    return l;
  }

  isMounted(dir: string): boolean {
    const info = readFileSync('/proc/self/mountinfo', 'utf8');
    return info.split('\n').some((line) => line.split(' ')[4] === dir.replace(/ /g, '\\040'));
  }

  /** The lower dirs as short relative links (overlay2/l/<short>), falling back to the plain path. */
  private lowerOption(l: RwLayer): string {
    if (l.lowerDirs.length === 0) return relative(this.dataRoot, this.layers.emptyDir());
    return l.lowerDirs.map((d) => {
      const chain = this.layers.chainIdOfDiffDir(d);
      const info = chain ? this.layers.get(chain) : undefined;
      return info ? relative(this.dataRoot, join(this.layers.linkDir, info.link)) : d;
    }).join(':');
  }

  async mount(l: RwLayer): Promise<void> {
    if (this.isMounted(l.mergedDir)) return;
    await fs.mkdir(l.mergedDir, { recursive: true });
    const opts = `lowerdir=${this.lowerOption(l)},upperdir=${relative(this.dataRoot, l.upperDir)},workdir=${relative(this.dataRoot, l.workDir)}`;
    if (opts.length >= pageSize) throw invalid(`too many image layers to mount (${l.lowerDirs.length})`);
    await run('mount', ['-t', 'overlay', 'overlay', '-o', opts, l.mergedDir], { cwd: this.dataRoot });
    this.logger.debug('mounted container layer', { merged: l.mergedDir });
  }

  async unmount(l: RwLayer): Promise<void> {
    if (!this.isMounted(l.mergedDir)) return;
    // Detach like Docker does: a process still holding the tree must not make the unmount fail.
    await run('umount', ['-l', l.mergedDir]);
  }

  async remove(containerId: string): Promise<void> {
    const dir = join(this.root, containerId);
    const merged = join(dir, 'merged');
    if (this.isMounted(merged)) await run('umount', ['-l', merged]);
    this.chains.delete(containerId);
    await fs.rm(dir, { recursive: true, force: true });
  }

  /** Bytes in the upper dir, hard links counted once (Docker's SizeRw). */
  async size(containerId: string): Promise<number> {
    const seen = new Set<string>();
    const walk = async (d: string): Promise<number> => {
      let n = 0;
      let names: string[];
      try { names = await fs.readdir(d); } catch { return 0; }
      for (const name of names) {
        const st = await fs.lstat(join(d, name));
        if (st.isDirectory()) { n += await walk(join(d, name)); continue; }
        const key = `${st.ino}`;
        if (st.nlink > 1) { if (seen.has(key)) continue; seen.add(key); }
        n += st.size;
      }
      return n;
    };
    return walk(join(this.root, containerId, 'upper'));
  }
}
