// Signal names and numbers as Linux (x86_64) defines them; accepts "TERM", "SIGTERM", "15", and "RTMIN+3".
import { constants } from 'node:os';
import { invalid } from './errors.js';

const table: Record<string, number> = { ...(constants.signals as unknown as Record<string, number>) };
delete table.SIGPOLL; // an alias of SIGIO
const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(table)) if (!byNumber.has(num)) byNumber.set(num, name);

const SIGRTMIN = 34, SIGRTMAX = 64;

/** Parses a signal as Docker does; throws 400 `Invalid signal: X` on anything unknown. */
export function parseSignal(raw: string): number {
  const s = raw.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= SIGRTMAX) return n;
    throw invalid(`Invalid signal: ${raw}`);
  }
  const name = s.toUpperCase().replace(/^SIG/, '');
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const n = (rt[1] === 'IN' ? SIGRTMIN : SIGRTMAX) + Number(rt[2] ?? 0);
    if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
  }
  const n = table['SIG' + name];
  if (n === undefined) throw invalid(`Invalid signal: ${raw}`);
  return n;
}

export function signalName(n: number): string {
  return byNumber.get(n) ?? String(n);
}

export const SIGKILL = 9;
export const SIGTERM = 15;
