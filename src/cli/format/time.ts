// Time renderings docker's formatters use: Go's time.Time.String() and "X ago".
import { humanDuration } from './units.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's Time.String() in local time: "2026-11-24 05:15:09 +0000 UTC". */
export function goTimeString(ms: number): string {
  const d = new Date(ms);
  const offMin = -d.getTimezoneOffset();
  const sign = offMin >= 0 ? '+' : '-';
  const abs = Math.abs(offMin);
  const zone = offMin === 0 && !process.env.TZ ? 'UTC' : zoneName(d);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(Math.trunc(abs / 60))}${pad(abs % 60)} ${zone}`;
}

function zoneName(d: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
    return part?.value ?? 'UTC';
  } catch { return 'UTC'; }
}

/** "2 hours ago" from a time in ms. */
export function ago(ms: number, now: number = Date.now()): string {
  return humanDuration(now - ms) + ' ago';
}

/** Parse RFC3339(Nano) into ms; Go's zero time and garbage give 0. */
export function parseRfc3339(s: string | undefined): number {
  if (!s || s.startsWith('0001-01-01')) return 0;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? 0 : ms;
}
