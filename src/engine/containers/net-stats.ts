// Per-interface counters for `stats`, read from the container's own view of /proc/net/dev.
import { readFileSync } from 'node:fs';

export interface NetCounters { rx_bytes: number; rx_packets: number; rx_errors: number; rx_dropped: number; tx_bytes: number; tx_packets: number; tx_errors: number; tx_dropped: number }

export function parseNetDev(text: string): Record<string, NetCounters> {
  const out: Record<string, NetCounters> = {};
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = { rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3], tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11] };
  }
  return out;
}

/** A synchronous read: procfs never blocks on a disk, and `stats` asks once a second per container. */
export function readNetStats(pid: number): Record<string, NetCounters> | undefined {
  if (!pid) return undefined;
  try { return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'utf8')); } catch { return undefined; }
}
