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
