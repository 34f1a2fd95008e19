// A long-lived `ip -force -batch -` in the daemon's namespace for host-side link commands on the hot path.
// Spawning `ip` costs ~2.6 ms here; a line to a warm process costs ~0.3 ms (measured, docs/notes/network.md).
//
// ip prints nothing on success, and glibc buffers its stdout on a pipe, so completion is detected on stderr
// (unbuffered): after each request we send `link show dev <marker>`, which fails with a known message. Any
// "Command failed" before the marker belongs to the request.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

// Child stdio pipes are sockets underneath; typed as plain streams, so reach for ref/unref explicitly.
const refable = (s: unknown) => s as { ref?: () => void; unref?: () => void };

interface Pending { marker: string; lines: string[]; resolve: () => void; reject: (e: Error) => void }

export class IpSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private stderr = '';
  private readonly queue: Pending[] = [];
  private seq = 0;

  constructor(private readonly ipPath = 'ip') {}

  /** Runs the lines in the daemon's namespace; rejects with ip's messages if any line failed. */
  run(lines: string[]): Promise<void> {
    for (const l of lines) if (/[\n\r]/.test(l)) throw new Error('ip command must be one line');
    return new Promise((resolve, reject) => {
      const child = this.ensure();
      const marker = `__berth_ack_${process.pid}_${++this.seq}`;
      this.queue.push({ marker, lines, resolve, reject });
      this.hold(child, true);
      child.stdin.write(lines.join('\n') + `\nlink show dev ${marker}\n`);
    });
  }

  close(): void {
    const c = this.child;
    this.child = undefined;
    if (c) c.stdin.end();
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.ipPath, ['-force', '-batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { this.stderr += s; this.drain(); });
    const fail = (why: string) => {
      if (this.child === child) this.child = undefined;
      // Whatever was still waiting will never get its marker from this process. Some argument errors make
      // ip exit even under -force (e.g. an unknown master device); its last words are the reason.
      const said = this.stderr.replace(/Command failed -:\d+\n?/g, '').trim();
      this.stderr = '';
      for (const p of this.queue.splice(0)) p.reject(new Error(`ip ${p.lines.join('; ')}: ${said || `session ended (${why})`}`));
    };
    child.on('error', (e) => fail(e.message));
    child.on('close', (code) => fail(`exit ${code}`));
    child.stdin.on('error', () => undefined);
    refable(child.stdin).unref?.();
    refable(child.stdout).unref?.();
    this.hold(child, false);
    return child;
  }

  /**
   * An idle session must not keep the daemon (or a test) alive, but one with a request in flight must: both
   * the stderr pipe (the answer) and the process handle (its exit, which fails the request if ip dies).
   */
  private hold(child: ChildProcessWithoutNullStreams, on: boolean): void {
    if (on) { child.ref(); refable(child.stderr).ref?.(); } else { child.unref(); refable(child.stderr).unref?.(); }
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const at = this.stderr.indexOf(`"${head.marker}"`);
      if (at < 0) return;
      // The marker's own "Command failed -:N" line may still be on its way in a later chunk.
      const failedAt = this.stderr.indexOf('Command failed', at);
      const end = failedAt < 0 ? -1 : this.stderr.indexOf('\n', failedAt);
      if (end < 0) return;
      const before = this.stderr.slice(0, this.stderr.lastIndexOf('\n', at) + 1);
      this.stderr = this.stderr.slice(end + 1);
      this.queue.shift();
      if (this.queue.length === 0 && this.child) this.hold(this.child, false);
      if (before.includes('Command failed')) head.reject(new Error(`ip ${head.lines.join('; ')}: ${before.replace(/Command failed -:\d+\n?/g, '').trim()}`));
      else head.resolve();
    }
  }
}
