// Reads conmon's k8s-file logs ("<RFC3339Nano> stdout|stderr F|P <text>") as Docker log entries.
// Works on Buffers end to end: a 200 MB log is served without decoding its text.
import { promises as fs, createReadStream, watch } from 'node:fs';

export interface LogEntry {
  stream: 1 | 2;
  /** Seconds since the epoch, with fraction (only when asked for: parsing costs time). */
  time?: number;
  /** Timestamp text as conmon wrote it. */
  rawTime: Buffer;
  /** The line text without its newline (a view into the read buffer: no copy per line). */
  text: Buffer;
  /** Full (F) lines end with a newline; partial (P) chunks of a long line do not. */
  newline: boolean;
}

export interface LogReadOptions {
  follow: boolean;
  tail: number;          // -1 = all
  since: number;         // seconds; 0 = no bound
  until: number;         // seconds; 0 = no bound
  signal: AbortSignal;
  /** Resolves when the container stops producing output (it exited); follow ends after draining. */
  stopped?: Promise<void>;
}

const NL = 0x0a, SP = 0x20;

export function parseLine(line: Buffer, needTime: boolean): LogEntry | undefined {
  const a = line.indexOf(SP);
  if (a < 0) return undefined;
  const b = line.indexOf(SP, a + 1);
  if (b < 0) return undefined;
  const stream = line[a + 4] === 0x65 /* 'e' of stderr */ ? 2 : 1;
  const partial = line[b + 1] === 0x50; /* 'P' */
  const rest = line.subarray(Math.min(line.length, b + 3));
  const rawTime = line.subarray(0, a);
  return {
    stream, rawTime,
    time: needTime ? parseTime(rawTime.toString()) : undefined,
    text: rest,
    newline: !partial,
  };
}

/** RFC3339 with nanoseconds and any offset → seconds (float). */
export function parseTime(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)$/.exec(s);
  if (!m) return 0;
  const off = m[3] === 'Z' ? 'Z' : m[3].length === 5 ? m[3].slice(0, 3) + ':' + m[3].slice(3) : m[3];
  const base = Date.parse(m[1] + off) / 1000;
  return base + (m[2] ? Number('0.' + m[2]) : 0);
}

/** Docker prints log timestamps as UTC RFC3339Nano. */
export function formatTimestamp(raw: Buffer): string {
  const s = raw.toString();
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)$/.exec(s);
  if (!m) return s;
  if (m[3] === 'Z' || m[3] === '+00:00' || m[3] === '+0000') return `${m[1]}${m[2] ? '.' + m[2].replace(/0+$/, '') : ''}Z`.replace('.Z', 'Z');
  const secs = parseTime(s);
  const iso = new Date(Math.floor(secs) * 1000).toISOString().slice(0, 19);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return `${iso}${frac ? '.' + frac : ''}Z`;
}

/** Byte offset where the last `n` complete entries begin (counting F lines; P lines belong to the next F). */
async function tailOffset(path: string, n: number): Promise<number> {
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    let pos = size, seen = 0;
    const chunk = Buffer.alloc(256 * 1024);
    let firstNl = true;
    while (pos > 0) {
      const len = Math.min(chunk.length, pos);
      pos -= len;
      await fh.read(chunk, 0, len, pos);
      for (let i = len - 1; i >= 0; i--) {
        if (chunk[i] !== NL) continue;
        if (firstNl && pos + i === size - 1) { firstNl = false; continue; }
        firstNl = false;
        // The line after this newline starts at pos+i+1; count it when it is a full line.
        seen++;
        if (seen === n) return pos + i + 1;
      }
    }
    return 0;
  } finally {
    await fh.close();
  }
}

/** Yields entries in file order; with follow, keeps reading new lines until stopped or aborted. */
export async function* readLog(path: string, opts: LogReadOptions): AsyncGenerator<LogEntry[]> {
  const needTime = opts.since > 0 || opts.until > 0;
  let offset = 0;
  try {
    if (opts.tail === 0 && !opts.follow) return;
    if (opts.tail === 0) offset = (await fs.stat(path)).size;
    else if (opts.tail > 0) offset = await tailOffset(path, opts.tail);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let rest: Buffer = Buffer.alloc(0);
  let stoppedFlag = false;
  opts.stopped?.then(() => { stoppedFlag = true; });
  for (;;) {
    let readAny = false;
    try {
      const stream = createReadStream(path, { start: offset, highWaterMark: 1024 * 1024 });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (opts.signal.aborted) { stream.destroy(); return; }
        readAny = true;
        offset += chunk.length;
        const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
        const batch: LogEntry[] = [];
        let start = 0;
        for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
          const e = parseLine(buf.subarray(start, nl), needTime);
          start = nl + 1;
          if (!e) continue;
          if (needTime) {
            if (opts.since > 0 && e.time! < opts.since) continue;
            if (opts.until > 0 && e.time! > opts.until) continue;
          }
          batch.push(e);
        }
        // Entries are views into `buf`; copy only the unterminated tail that must outlive it.
        rest = Buffer.from(buf.subarray(start));
        if (batch.length) yield batch;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (!opts.follow || opts.signal.aborted) return;
    if (opts.until > 0 && Date.now() / 1000 > opts.until) return;
    if (stoppedFlag && !readAny) return;
    await waitForChange(path, opts.signal, opts.stopped);
  }
}

function waitForChange(path: string, signal: AbortSignal, stopped?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let w: ReturnType<typeof watch> | undefined;
    const done = () => { clearTimeout(t); w?.close(); signal.removeEventListener('abort', done); resolve(); };
    const t = setTimeout(done, 250);
    try { w = watch(path, done); } catch { /* file not there yet: the timer polls */ }
    signal.addEventListener('abort', done);
    // Give conmon a moment to flush its last lines after the exit, then read once more.
    stopped?.then(() => setTimeout(done, 50));
  });
}
