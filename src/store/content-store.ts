// Content-addressed blob store: `<root>/blobs/sha256/<hex>`. Blobs arrive through an ingest file in
// `<root>/ingest/` and are renamed into place only after their digest checked out, so a failed or aborted
// ingest leaves nothing visible (and start-up sweeps leftover ingest files).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalid, notFound } from '../lib/errors.js';

export interface BlobInfo { digest: string; size: number }

const digestRe = /^sha256:([a-f0-9]{64})$/;

export function digestHex(digest: string): string {
  const m = digestRe.exec(digest);
  if (!m) throw invalid(`invalid digest: ${digest}`);
  return m[1];
}

/** A pass-through that hashes and counts what flows through it. */
export class DigestCounter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
  digest(): string {
    return 'sha256:' + this.hash.digest('hex');
  }
}

export class ContentStore {
  readonly blobDir: string;
  private readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.blobDir, { recursive: true });
    await fs.rm(this.ingestDir, { recursive: true, force: true });
    await fs.mkdir(this.ingestDir, { recursive: true });
  }

  path(digest: string): string {
    return join(this.blobDir, digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    try {
      await fs.access(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    return (await this.statBlob(digest)).size;
  }

  private async statBlob(digest: string) {
    try {
      return await fs.stat(this.path(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`content ${digest}: not found`);
      throw e;
    }
  }

  /** Streams `src` into the store. With `expected`, a mismatch fails the ingest and stores nothing. */
  async ingest(src: Readable, opts: { expected?: string; signal?: AbortSignal } = {}): Promise<BlobInfo> {
    const tmp = join(this.ingestDir, randomBytes(8).toString('hex'));
    const counter = new DigestCounter();
    try {
      const out = createWriteStream(tmp, { mode: 0o600 });
      await pipeline(src, counter, out, { signal: opts.signal });
      const digest = counter.digest();
      if (opts.expected !== undefined && opts.expected !== digest) {
        throw invalid(`digest mismatch: expected ${opts.expected}, got ${digest}`);
      }
      await this.commit(tmp, digest);
      return { digest, size: counter.size };
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** Moves a file on the same filesystem into the store after hashing it (no copy). */
  async adoptFile(path: string, expected?: string): Promise<BlobInfo> {
    const counter = new DigestCounter();
    await pipeline(createReadStream(path), counter, async function* (src) { for await (const _ of src) { /* drain */ } });
    const digest = counter.digest();
    if (expected !== undefined && expected !== digest) {
      throw invalid(`digest mismatch: expected ${expected}, got ${digest}`);
    }
    if (!(await this.has(digest))) await this.commit(path, digest);
    return { digest, size: counter.size };
  }

  async putBytes(data: Uint8Array, expected?: string): Promise<BlobInfo> {
    const digest = 'sha256:' + createHash('sha256').update(data).digest('hex');
    if (expected !== undefined && expected !== digest) {
      throw invalid(`digest mismatch: expected ${expected}, got ${digest}`);
    }
    if (await this.has(digest)) return { digest, size: data.length };
    const tmp = join(this.ingestDir, randomBytes(8).toString('hex'));
    try {
      const fh = await fs.open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.commit(tmp, digest);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { digest, size: data.length };
  }

  private async commit(tmp: string, digest: string): Promise<void> {
    const fh = await fs.open(tmp, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    await fs.chmod(tmp, 0o644);
    await fs.rename(tmp, this.path(digest));
  }

  async readBytes(digest: string): Promise<Buffer> {
    await this.statBlob(digest);
    return fs.readFile(this.path(digest));
  }

  createReadStream(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  async delete(digest: string): Promise<void> {
    await fs.rm(this.path(digest), { force: true });
  }

  async list(): Promise<string[]> {
    const names = await fs.readdir(this.blobDir);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => 'sha256:' + n);
  }
}
