// Detects a stream's compression by its magic bytes and returns the decompressed stream. gzip runs in
// zlib; xz and zstd (Node 20's zlib has neither) go through the xz and zstd commands.
import { spawn } from 'node:child_process';
import { Readable, PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalid } from '../lib/errors.js';

export type Compression = 'none' | 'gzip' | 'xz' | 'zstd' | 'bzip2';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

/** Reads at least `n` bytes (or to the end) and puts them back. Returns the head and a stream that
 *  still yields every byte. */
export function peek(src: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let len = 0;
    let ended = false;
    const finish = (err?: Error) => {
      src.off('readable', onReadable);
      src.off('end', onEnd);
      src.off('error', finish);
      if (err) return reject(err);
      const head = Buffer.concat(chunks);
      if (ended) return resolve({ head, stream: Readable.from(head.length ? [head] : []) });
      if (head.length) src.unshift(head);
      resolve({ head, stream: src });
    };
    const onReadable = () => {
      let c: Buffer | null;
      while (len < n && (c = src.read() as Buffer | null) !== null) {
        chunks.push(c);
        len += c.length;
      }
      if (len >= n) finish();
    };
    const onEnd = () => { ended = true; finish(); };
    src.on('readable', onReadable);
    src.on('end', onEnd);
    src.on('error', finish);
  });
}

function viaCommand(src: Readable, cmd: string, args: string[]): Readable {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  const errs: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => errs.push(b));
  child.on('error', (e) => out.destroy(e));
  src.on('error', (e) => { child.kill(); out.destroy(e); });
  child.stdin.on('error', () => { /* the child's exit status reports the failure */ });
  src.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(invalid(`${cmd}: ${Buffer.concat(errs).toString().trim() || `exit ${code}`}`));
  });
  out.on('close', () => { if (child.exitCode === null) child.kill(); });
  return out;
}

/** The decompressed form of `src` and the compression that was found. */
export async function decompress(src: Readable): Promise<{ stream: Readable; compression: Compression }> {
  const { head, stream } = await peek(src, 6);
  const compression = detectCompression(head);
  switch (compression) {
    case 'none': return { stream, compression };
    case 'gzip': {
      const gunzip = createGunzip();
      stream.on('error', (e) => gunzip.destroy(e));
      gunzip.on('error', () => { /* surfaced to the consumer */ });
      return { stream: stream.pipe(gunzip), compression };
    }
    case 'xz': return { stream: viaCommand(stream, 'xz', ['-dc']), compression };
    case 'zstd': return { stream: viaCommand(stream, 'zstd', ['-dc']), compression };
    case 'bzip2': return { stream: viaCommand(stream, 'bzip2', ['-dc']), compression };
  }
}
