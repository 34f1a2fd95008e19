// Docker's stream framing: 8-byte headers per frame without a TTY ([stream,0,0,0,len32be] + payload), raw with one.
import type { Duplex, Writable } from 'node:stream';
import { commonHeaders } from './server.js';
import { compareVersions } from './http-util.js';

export function frame(stream: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + data.length);
  out[0] = stream; out[1] = 0; out[2] = 0; out[3] = 0;
  out.writeUInt32BE(data.length, 4);
  data.copy(out, 8);
  return out;
}

/** From API 1.42 the content type says whether frames are multiplexed. */
export function streamContentType(apiVersion: string, tty: boolean): string {
  if (compareVersions(apiVersion, '1.42') >= 0 && !tty) return 'application/vnd.docker.multiplexed-stream';
  return 'application/vnd.docker.raw-stream';
}

/** Writes the 101 (or 200 for plain clients) on a hijacked socket. */
export function writeHijackHead(socket: Duplex, opts: { upgrade: boolean; apiVersion: string; tty: boolean }): void {
  const ct = streamContentType(opts.apiVersion, opts.tty);
  const lines = opts.upgrade
    ? ['HTTP/1.1 101 UPGRADED', `Content-Type: ${ct}`, 'Connection: Upgrade', 'Upgrade: tcp']
    : ['HTTP/1.1 200 OK', `Content-Type: ${ct}`];
  for (const [k, v] of Object.entries(commonHeaders())) lines.push(`${k}: ${v}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
}

/** Writes with back-pressure: resolves when the buffer drained (or the peer went away). */
export function writeAsync(out: Writable, data: Buffer | string): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.resolve();
  if (out.write(data)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { out.off('drain', done); out.off('close', done); out.off('error', done); resolve(); };
    out.once('drain', done);
    out.once('close', done);
    out.once('error', done);
  });
}

export interface LogEncodeOptions { tty: boolean; stdout: boolean; stderr: boolean; timestamps: boolean; formatTime?: (raw: Buffer) => string }

/** Encodes a batch of log entries into one buffer: frames without a TTY, raw bytes with one. One allocation per batch. */
export function encodeLogBatch(batch: Array<{ stream: 1 | 2; rawTime: Buffer; text: Buffer; newline: boolean }>, o: LogEncodeOptions): Buffer {
  const stamps = o.timestamps ? batch.map((e) => Buffer.from(o.formatTime!(e.rawTime) + ' ')) : undefined;
  let size = 0;
  batch.forEach((e, i) => {
    if ((e.stream === 1 && !o.stdout) || (e.stream === 2 && !o.stderr)) return;
    size += (o.tty ? 0 : 8) + (stamps ? stamps[i].length : 0) + e.text.length + (e.newline ? 1 : 0);
  });
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  batch.forEach((e, i) => {
    if ((e.stream === 1 && !o.stdout) || (e.stream === 2 && !o.stderr)) return;
    const len = (stamps ? stamps[i].length : 0) + e.text.length + (e.newline ? 1 : 0);
    if (!o.tty) {
      out[off] = e.stream; out[off + 1] = 0; out[off + 2] = 0; out[off + 3] = 0;
      out.writeUInt32BE(len, off + 4);
      off += 8;
    }
    if (stamps) off += stamps[i].copy(out, off);
    off += e.text.copy(out, off);
    if (e.newline) out[off++] = 0x0a;
  });
  return out;
}
