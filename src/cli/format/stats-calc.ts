// docker stats' arithmetic from the stats JSON: CPU % (delta of total usage over delta of system usage times
// online CPUs), memory without page cache (v1 total_inactive_file / v2 inactive_file), net and block I/O sums.
import { bytesSize, humanSizeWithPrecision } from './units.js';

export interface StatsJson {
  read?: string; name?: string; id?: string;
  pids_stats?: { current?: number };
  cpu_stats?: CpuStats; precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
}
interface CpuStats { cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null }; system_cpu_usage?: number; online_cpus?: number }

export interface StatsEntry {
  cpuPercent: number; memory: number; memoryLimit: number; memoryPercent: number;
  netRx: number; netTx: number; blockRead: number; blockWrite: number; pids: number;
}

export function calculateEntry(s: StatsJson): StatsEntry {
  const cur = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cur.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cur.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const online = cur.online_cpus || cur.cpu_usage?.percpu_usage?.length || 0;
  const cpuPercent = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * online * 100 : 0;
  const m = s.memory_stats ?? {};
  let mem = m.usage ?? 0;
  const st = m.stats ?? {};
  // cgroup v1 reports total_inactive_file, v2 inactive_file; either is page cache docker does not count.
  if (st.total_inactive_file !== undefined) { if (st.total_inactive_file < mem) mem -= st.total_inactive_file; }
  else if (st.inactive_file !== undefined && st.inactive_file < mem) mem -= st.inactive_file;
  const limit = m.limit ?? 0;
  let rx = 0, tx = 0;
  for (const n of Object.values(s.networks ?? {})) { rx += n.rx_bytes ?? 0; tx += n.tx_bytes ?? 0; }
  let br = 0, bw = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') br += e.value; else if (op === 'write') bw += e.value;
  }
  return {
    cpuPercent, memory: mem, memoryLimit: limit, memoryPercent: limit !== 0 ? (mem / limit) * 100 : 0,
    netRx: rx, netTx: tx, blockRead: br, blockWrite: bw, pids: s.pids_stats?.current ?? 0,
  };
}

const io = (a: number, b: number) => `${humanSizeWithPrecision(a, 3)} / ${humanSizeWithPrecision(b, 3)}`;

export function statsContext(container: string, id: string, name: string, e: StatsEntry | undefined, trunc: boolean) {
  const ctx = {
    Container: () => container,
    ID: () => (trunc ? id.slice(0, 12) : id),
    Name: () => (name.replace(/^\//, '') || '--'),
    CPUPerc: () => (e ? `${e.cpuPercent.toFixed(2)}%` : '--'),
    MemUsage: () => (e ? `${bytesSize(e.memory)} / ${bytesSize(e.memoryLimit)}` : '-- / --'),
    MemPerc: () => (e ? `${e.memoryPercent.toFixed(2)}%` : '--'),
    NetIO: () => (e ? io(e.netRx, e.netTx) : '--'),
    BlockIO: () => (e ? io(e.blockRead, e.blockWrite) : '--'),
    PIDs: () => (e ? String(e.pids) : '--'),
    toJSON: () => ({ BlockIO: ctx.BlockIO(), CPUPerc: ctx.CPUPerc(), Container: ctx.Container(), ID: ctx.ID(), MemPerc: ctx.MemPerc(), MemUsage: ctx.MemUsage(), Name: ctx.Name(), NetIO: ctx.NetIO(), PIDs: ctx.PIDs() }),
  };
  return ctx;
}

export const STATS_DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
export const STATS_HEADERS: Record<string, string> = {
  Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};
