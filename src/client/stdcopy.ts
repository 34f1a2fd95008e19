// The multiplexed stream format used for attach, exec and logs when the container has no TTY:
// frames of [stream, 0, 0, 0, size(uint32 BE)] + payload. stream 0=stdin (shown as stdout), 1=stdout, 2=stderr,
// 3=systemerr (the daemon's in-band error after the headers went out).
import type { Readable, Writable } from 'node:stream';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;

export interface Frame { stream: number; payload: Buffer }

/** Incremental frame parser: push chunks, get whole frames back. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      frames.push({ stream: this.buf[0]!, payload: this.buf.subarray(8, 8 + size) });
      this.buf = this.buf.subarray(8 + size);
    }
    return frames;
  }

  /** Bytes of an incomplete trailing frame (non-zero at end of stream means truncation). */
  get pending(): number { return this.buf.length; }
}

/** Encode one frame (used by fakes and tests). */
export function encodeFrame(stream: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/**
 * Copy a multiplexed stream into stdout/stderr writables; resolves at end of input, rejects on a systemerr frame
 * (with its text as the message) or an unknown stream id.
 */
export function demuxStream(src: Readable, stdout: Writable | null, stderr: Writable | null): Promise<void> {
  const parser = new FrameParser();
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (e: Error) => { if (!failed) { failed = true; src.destroy(); reject(e); } };
    src.on('data', (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        if (f.stream === STDOUT || f.stream === STDIN) stdout?.write(f.payload);
        else if (f.stream === STDERR) stderr?.write(f.payload);
        else if (f.stream === SYSTEMERR) return fail(new Error(f.payload.toString('utf8')));
        else return fail(new Error(`Unrecognized input header: ${f.stream}`));
      }
    });
    src.on('end', () => { if (!failed) resolve(); });
    src.on('close', () => { if (!failed) resolve(); });
    src.on('error', (e) => fail(e));
  });
}

/** Copy a raw (TTY) stream to one writable; resolves at end of input. */
export function copyRaw(src: Readable, dst: Writable | null): Promise<void> {
  return new Promise((resolve, reject) => {
    src.on('data', (c: Buffer) => dst?.write(c));
    src.on('end', resolve);
    src.on('close', resolve);
    src.on('error', reject);
  });
}
