// Tags and digest references → image IDs, persisted as one atomic JSON file shaped like Docker's
// `repositories.json`: { "Repositories": { "<repo>": { "<repo>:<tag>": "sha256:<id>" } } } (familiar names).
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../../lib/atomic-file.js';
import { familiarName, familiarString, parseReference } from './reference.js';

interface RepositoriesFile { Repositories: Record<string, Record<string, string>> }

export class ReferenceStore {
  /** familiar ref (`busybox:latest`, `busybox@sha256:..`) → image ID */
  private refs = new Map<string, string>();
  private readonly file: string;

  constructor(imageRoot: string) {
    this.file = join(imageRoot, 'repositories.json');
  }

  async init(): Promise<void> {
    const data = await readJson<RepositoriesFile>(this.file);
    this.refs.clear();
    for (const repo of Object.values(data?.Repositories ?? {})) {
      for (const [ref, id] of Object.entries(repo)) this.refs.set(ref, id);
    }
  }

  get(ref: string): string | undefined {
    return this.refs.get(ref);
  }

  /** All refs pointing at an image, sorted (tags and digests). */
  refsOf(imageId: string): string[] {
    return [...this.refs].filter(([, id]) => id === imageId).map(([r]) => r).sort();
  }

  tagsOf(imageId: string): string[] {
    return this.refsOf(imageId).filter((r) => !r.includes('@'));
  }

  digestsOf(imageId: string): string[] {
    return this.refsOf(imageId).filter((r) => r.includes('@'));
  }

  /** Tags of one repository (familiar repository name). */
  tagsOfRepo(repo: string): Array<[string, string]> {
    return [...this.refs].filter(([r]) => !r.includes('@') && repoOf(r) === repo);
  }

  all(): Array<[string, string]> {
    return [...this.refs];
  }

  /** Points `ref` at `imageId`; returns the image it pointed at before, if another. */
  async set(ref: string, imageId: string): Promise<string | undefined> {
    const prev = this.refs.get(ref);
    this.refs.set(ref, imageId);
    await this.persist();
    return prev !== imageId ? prev : undefined;
  }

  async delete(refs: string[]): Promise<void> {
    let changed = false;
    for (const r of refs) changed = this.refs.delete(r) || changed;
    if (changed) await this.persist();
  }

  private async persist(): Promise<void> {
    const out: RepositoriesFile = { Repositories: {} };
    for (const [ref, id] of [...this.refs].sort(([a], [b]) => a.localeCompare(b))) {
      const repo = repoOf(ref);
      (out.Repositories[repo] ??= {})[ref] = id;
    }
    await writeJsonAtomic(this.file, out);
  }
}

/** `busybox:latest` → `busybox`; `localhost:5000/a@sha256:..` → `localhost:5000/a`. */
export function repoOf(ref: string): string {
  return familiarName(parseReference(ref));
}

export { familiarString };
