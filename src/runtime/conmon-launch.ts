// Starts one conmon and speaks its pipe protocol (conmon src/parent_pipe_fd.c, API version 1):
//   _OCI_SYNCPIPE   conmon -> us: JSON lines {"data": N, "message"?: "..."}; first the container/exec PID
//                   (N < 0 with the runtime's stderr as message on failure), for exec then the exit code.
//   _OCI_STARTPIPE  us -> conmon: one write lets conmon proceed; with --exec-attach a second write lets
//                   `runc exec` run once we are attached, so no output is lost.
//   _OCI_ATTACHPIPE conmon -> us: {"data": 0} once the attach socket is listening (exec only).
// conmon double-forks and calls setsid, so it outlives this process; we only wait for the short-lived parent.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface SyncMessage { data: number; message?: string }

/** Reads newline-delimited JSON messages from a conmon pipe, one waiter at a time. */
export class MessageReader {
  private buf = '';
  private queue: SyncMessage[] = [];
  private waiters: Array<(m: SyncMessage | undefined) => void> = [];
  private ended = false;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (!line) continue;
        try { this.push(JSON.parse(line) as SyncMessage); } catch { /* not ours; conmon only writes JSON */ }
      }
    });
    const end = () => {
      if (this.ended) return;
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  private push(m: SyncMessage) {
    const w = this.waiters.shift();
    if (w) w(m);
    else this.queue.push(m);
  }

  /** The next message, or undefined once conmon closed the pipe. */
  next(): Promise<SyncMessage | undefined> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface ConmonProcess {
  sync: MessageReader;
  attach?: MessageReader;
  start?: Writable;
  /** Resolves when the launched (intermediate) conmon exits; rejects with its stderr if it failed. */
  launched: Promise<void>;
  /** Drops our ends of the pipes (conmon keeps running). */
  release(): void;
}

export function launchConmon(conmonPath: string, args: string[], opts: { cwd: string; exec: boolean }): ConmonProcess {
  // fd 3: sync, 4: start, 5: attach (exec). Node creates socketpairs; conmon only read()s and write()s them.
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', 'pipe'];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', _OCI_SYNCPIPE: '3' };
  if (opts.exec) {
    stdio.push('pipe', 'pipe');
    env._OCI_STARTPIPE = '4';
    env._OCI_ATTACHPIPE = '5';
  }
  const child = spawn(conmonPath, args, { cwd: opts.cwd, env, stdio, detached: true });
  const errChunks: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => errChunks.push(b));
  const launched = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      const text = Buffer.concat(errChunks).toString().trim();
      reject(new Error(`conmon failed (${signal ?? `exit ${code}`})${text ? ': ' + text : ''}`));
    });
  });
  const pipes = child.stdio as unknown as Array<(Readable & Writable) | null>;
  const sync = new MessageReader(pipes[3]!);
  const attach = opts.exec ? new MessageReader(pipes[5]!) : undefined;
  const start = opts.exec ? pipes[4]! : undefined;
  return {
    sync,
    attach,
    start,
    launched,
    release() {
      for (const p of pipes.slice(2)) p?.destroy();
    },
  };
}
