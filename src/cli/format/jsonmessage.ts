// docker's jsonmessage rendering for progress streams (pull, load, import, push): per-id lines rewritten in place
// on a terminal, progress-bar lines skipped otherwise, in-band errors raised with their code.
import { humanSize } from './units.js';

export interface JsonMessage {
  status?: string; id?: string; from?: string; stream?: string; progress?: string;
  progressDetail?: { current?: number; total?: number; start?: number };
  error?: string; errorDetail?: { code?: number; message?: string }; aux?: unknown;
}

export class JsonMessageError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}

/** Progress.String(): "" when there is nothing to show (no current/total). */
export function progressString(d: JsonMessage['progressDetail'], width = 110): string {
  if (!d) return '';
  const current = d.current ?? 0;
  const total = d.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let pct = Math.floor((current / total) * 50);
  if (pct > 50) pct = 50;
  let bar = '';
  if (width > 110) {
    const arrow = pct < 50 ? '>' : '';
    bar = '[' + '='.repeat(Math.max(0, pct - (arrow ? 1 : 0))) + arrow + ' '.repeat(50 - pct) + ']';
  }
  const numbers = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return `${bar} ${numbers}`.trimStart();
}

/** Streams JSON messages to a writer the way DisplayJSONMessagesStream does. */
export class JsonMessageRenderer {
  private ids = new Map<string, number>();
  constructor(private readonly write: (s: string) => void, private readonly isTerminal: boolean) {}

  render(jm: JsonMessage): void {
    if (jm.error !== undefined || jm.errorDetail !== undefined) {
      const msg = jm.errorDetail?.message ?? jm.error ?? '';
      throw new JsonMessageError(msg, jm.errorDetail?.code || 1);
    }
    const hasProgress = jm.progressDetail !== undefined || !!jm.progress;
    let diff = 0;
    if (jm.id && hasProgress) {
      let line = this.ids.get(jm.id);
      if (line === undefined) {
        line = this.ids.size;
        this.ids.set(jm.id, line);
        if (this.isTerminal) this.write('\n');
      }
      diff = this.ids.size - line;
      if (this.isTerminal && diff > 0) this.write(`\x1b[${diff}A`);
    } else {
      this.ids.clear();
    }
    this.display(jm);
    if (jm.id && this.isTerminal && diff > 0) this.write(`\x1b[${diff}B`);
  }

  private display(jm: JsonMessage): void {
    const prog = progressString(jm.progressDetail);
    let endl = '';
    if (this.isTerminal && !jm.stream && jm.progressDetail !== undefined) {
      this.write('\x1b[2K\r');
      endl = '\r';
    } else if (prog !== '') {
      return; // progress bars only make sense on a terminal
    }
    let s = '';
    if (jm.id) s += `${jm.id}: `;
    if (jm.from) s += `(from ${jm.from}) `;
    if (jm.progressDetail !== undefined && this.isTerminal) s += `${jm.status ?? ''} ${jm.progress || prog}${endl}`;
    else if (jm.progress) s += `${jm.status ?? ''} ${jm.progress}${endl}`;
    else if (jm.stream) s += `${jm.stream}${endl}`;
    else s += `${jm.status ?? ''}${endl}\n`;
    this.write(s);
  }
}
