// Client side of a hijacked attach/exec connection, as docker's hijackedIOStreamer: raw terminal for TTY+stdin,
// detach-key escape proxy, stdin copied then half-closed, output demultiplexed (or raw for a TTY), terminal
// resize on start and SIGWINCH, and signal forwarding for non-TTY runs.
import { spawnSync } from 'node:child_process';
import type { Hijacked } from '../client/api-client.js';
import { copyRaw, demuxStream } from '../client/stdcopy.js';
import type { Cli } from './cli.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** term.ToBytes: "ctrl-p,ctrl-q" → [16, 17]; single characters stand for themselves. */
export function detachKeyBytes(spec: string): number[] {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length > 1 && !k.toLowerCase().startsWith('ctrl-')) throw new Error(`Unknown character: '${k}'`);
    if (k.toLowerCase().startsWith('ctrl-')) {
      const c = k.slice(5);
      if (c.length !== 1) throw new Error(`Unknown character: '${k}'`);
      const ch = c.toLowerCase();
      if (ch >= 'a' && ch <= 'z') out.push(ch.charCodeAt(0) - 96);
      else if (c === '@') out.push(0);
      else if (c === '[') out.push(27);
      else if (c === '\\') out.push(28);
      else if (c === ']') out.push(29);
      else if (c === '^') out.push(30);
      else if (c === '_') out.push(31);
      else throw new Error(`Unknown character: '${k}'`);
    } else if (k.length === 1) out.push(k.charCodeAt(0));
  }
  return out;
}

/**
 * term.EscapeProxy as a pure state machine: feed input chunks, get the bytes to forward, or `detached` once the
 * whole key sequence was typed. A partial match is held back until it either completes or breaks.
 */
export class EscapeProxy {
  private held: number[] = [];
  constructor(private readonly keys: number[]) {}
  feed(chunk: Buffer): { forward: Buffer; detached: boolean } {
    const fwd: number[] = [];
    for (const b of chunk) {
      if (this.keys.length && b === this.keys[this.held.length]) {
        this.held.push(b);
        if (this.held.length === this.keys.length) return { forward: Buffer.from(fwd), detached: true };
        continue;
      }
      if (this.held.length) { fwd.push(...this.held); this.held = []; }
      if (this.keys.length && b === this.keys[0]) { this.held.push(b); continue; }
      fwd.push(b);
    }
    return { forward: Buffer.from(fwd), detached: false };
  }
}

export interface StreamOptions {
  tty: boolean;
  /** Forward local stdin to the connection. */
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys?: string;
}

export type StreamResult = 'done' | 'detached';

/** Pump a hijacked connection until the server closes it (or the user detaches). */
export function streamHijacked(cli: Cli, hj: Hijacked, o: StreamOptions): Promise<StreamResult> {
  const sock = hj.socket;
  const stdin = cli.stdin;
  let restore = () => {};
  if (o.stdin && o.tty && stdin.isTTY) {
    stdin.setRawMode(true);
    disableOutputProcessing();
    let restored = false;
    restore = () => { if (!restored) { restored = true; try { stdin.setRawMode(false); } catch { /* closed */ } } };
  }
  return new Promise<StreamResult>((resolve, reject) => {
    let finished = false;
    const finish = (r: StreamResult | Error) => {
      if (finished) return;
      finished = true;
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      if (o.stdin) stdin.pause();
      restore();
      if (r instanceof Error) reject(r); else resolve(r);
    };
    const proxy = o.stdin && o.tty ? new EscapeProxy(safeKeys(o.detachKeys)) : undefined;
    const onData = (chunk: Buffer) => {
      if (!proxy) { sock.write(chunk); return; }
      const { forward, detached } = proxy.feed(chunk);
      if (forward.length) sock.write(forward);
      if (detached) { sock.destroy(); finish('detached'); }
    };
    const onEnd = () => { restore(); if (!sock.destroyed) sock.end(); };
    if (o.stdin) {
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.resume();
    } else {
      sock.end();
    }
    const out = o.stdout ? cli.stdout : null;
    const err = o.stderr ? cli.stderr : null;
    const pump = o.tty ? copyRaw(sock, out) : demuxStream(sock, out, err);
    pump.then(() => finish('done'), (e: Error) => finish(e));
  });
}

/**
 * libuv's raw mode keeps ONLCR, so the container's "\r\n" would reach the screen as "\r\r\n". Docker's raw mode
 * clears output post-processing too; node has no termios API, so ask stty (only on the interactive TTY path).
 * setRawMode(false) later restores the saved original termios, OPOST included.
 */
function disableOutputProcessing(): void {
  try { spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] }); } catch { /* cosmetic only */ }
}

function safeKeys(spec: string | undefined): number[] {
  try { return detachKeyBytes(spec || DEFAULT_DETACH_KEYS); } catch { return detachKeyBytes(DEFAULT_DETACH_KEYS); }
}

/** Resize the remote TTY now (retrying like the 28 CLI) and on every SIGWINCH; returns a stop function. */
export function monitorTtySize(cli: Cli, resize: (h: number, w: number) => Promise<unknown>): () => void {
  const out = cli.stdout;
  if (!out.isTTY) return () => {};
  const size = () => [out.rows ?? 0, out.columns ?? 0] as const;
  void (async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const [h, w] = size();
      try { await resize(h, w); return; } catch { await new Promise((r) => setTimeout(r, 10 * (attempt + 1))); }
    }
  })();
  const onWinch = () => { const [h, w] = size(); resize(h, w).catch(() => {}); };
  process.on('SIGWINCH', onWinch);
  return () => process.removeListener('SIGWINCH', onWinch);
}

const PROXIED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGCONT', 'SIGTSTP'];

/** Forward signals the CLI receives to the container (docker's --sig-proxy without a TTY). */
export function proxySignals(cli: Cli, containerId: string): () => void {
  const handlers: [NodeJS.Signals, () => void][] = [];
  for (const sig of PROXIED_SIGNALS) {
    const h = () => { cli.client.call('POST', `/containers/${containerId}/kill`, { query: { signal: sig.slice(3) } }).catch(() => {}); };
    try { process.on(sig, h); handlers.push([sig, h]); } catch { /* not catchable here */ }
  }
  return () => { for (const [sig, h] of handlers) process.removeListener(sig, h); };
}
