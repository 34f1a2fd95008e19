// Container statistics from cgroup files. The parsers take file contents (name -> text) so both layouts are
// unit-tested here: this host is cgroup v1; the pure v2 path has no host to run on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStats } from './types.js';

/** USER_HZ: cpuacct.stat counts in these ticks on every Linux architecture Docker supports. */
const CLK_TCK = 100;
const NS_PER_TICK = 1e9 / CLK_TCK;

export type CgroupFiles = Record<string, string | undefined>;
export type CgroupStats = Omit<ContainerStats, 'read' | 'systemCpu' | 'onlineCpus'>;

export function parseKeyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

const num = (text: string | undefined) => {
  const t = (text ?? '').trim();
  return t === '' || t === 'max' ? undefined : Number(t);
};

/** blkio.throttle.io_service_bytes lines: "8:0 Read 4096"; the per-device "Total" lines are kept like Docker. */
export function parseBlkioV1(text: string | undefined): ContainerStats['blkio'] {
  const out: ContainerStats['blkio'] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+):(\d+)\s+(\w+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** io.stat lines: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." -> Docker's v2 shape (op "read"/"write"). */
export function parseIoStatV2(text: string | undefined): ContainerStats['blkio'] {
  const out: ContainerStats['blkio'] = [];
  for (const line of (text ?? '').split('\n')) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv = Object.fromEntries(kvs.map((x) => x.split('=') as [string, string]));
    out.push({ major: Number(m[1]), minor: Number(m[2]), op: 'read', value: Number(kv.rbytes ?? 0) });
    out.push({ major: Number(m[1]), minor: Number(m[2]), op: 'write', value: Number(kv.wbytes ?? 0) });
  }
  return out;
}

/** v1 files are keyed "<controller>/<file>", e.g. "memory/memory.stat". */
export function parseV1Stats(f: CgroupFiles, hostMemory: number): CgroupStats {
  const cpuStat = parseKeyValues(f['cpu/cpu.stat']);
  const acct = parseKeyValues(f['cpuacct/cpuacct.stat']);
  const percpu = (f['cpuacct/cpuacct.usage_percpu'] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const limit = num(f['memory/memory.limit_in_bytes']);
  const pidsLimit = num(f['pids/pids.max']);
  return {
    cpuTotal: num(f['cpuacct/cpuacct.usage']) ?? 0,
    cpuKernel: (acct.system ?? 0) * NS_PER_TICK,
    cpuUser: (acct.user ?? 0) * NS_PER_TICK,
    percpu,
    throttling: { periods: cpuStat.nr_periods ?? 0, throttled_periods: cpuStat.nr_throttled ?? 0, throttled_time: cpuStat.throttled_time ?? 0 },
    memUsage: num(f['memory/memory.usage_in_bytes']) ?? 0,
    memMaxUsage: num(f['memory/memory.max_usage_in_bytes']) ?? 0,
    // An unlimited v1 cgroup reports ~2^63; Docker shows the machine's memory instead.
    memLimit: limit === undefined || limit > hostMemory ? hostMemory : limit,
    memStats: parseKeyValues(f['memory/memory.stat']),
    pids: num(f['pids/pids.current']) ?? 0,
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    blkio: parseBlkioV1(f['blkio/blkio.throttle.io_service_bytes']),
  };
}

/** v2 files are keyed by their name in the unified directory, e.g. "memory.stat". */
export function parseV2Stats(f: CgroupFiles, hostMemory: number): CgroupStats {
  const cpu = parseKeyValues(f['cpu.stat']);
  const max = num(f['memory.max']);
  const pidsLimit = num(f['pids.max']);
  return {
    cpuTotal: (cpu.usage_usec ?? 0) * 1000,
    cpuKernel: (cpu.system_usec ?? 0) * 1000,
    cpuUser: (cpu.user_usec ?? 0) * 1000,
    percpu: [],
    throttling: { periods: cpu.nr_periods ?? 0, throttled_periods: cpu.nr_throttled ?? 0, throttled_time: (cpu.throttled_usec ?? 0) * 1000 },
    memUsage: num(f['memory.current']) ?? 0,
    memMaxUsage: num(f['memory.peak']) ?? 0,
    memLimit: max === undefined || max > hostMemory ? hostMemory : max,
    memStats: parseKeyValues(f['memory.stat']),
    pids: num(f['pids.current']) ?? 0,
    ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    blkio: parseIoStatV2(f['io.stat']),
  };
}

const V1_FILES = [
  'cpu/cpu.stat', 'cpuacct/cpuacct.usage', 'cpuacct/cpuacct.stat', 'cpuacct/cpuacct.usage_percpu',
  'memory/memory.usage_in_bytes', 'memory/memory.max_usage_in_bytes', 'memory/memory.limit_in_bytes',
  'memory/memory.stat', 'pids/pids.current', 'pids/pids.max', 'blkio/blkio.throttle.io_service_bytes',
];
const V2_FILES = ['cpu.stat', 'memory.current', 'memory.peak', 'memory.max', 'memory.stat', 'pids.current', 'pids.max', 'io.stat'];

/**
 * cgroup and proc files are tiny and never block on a disk: one synchronous read costs a few microseconds,
 * while fs.promises.readFile takes four thread-pool round trips (open, fstat, read, close). `docker stats`
 * reads about ten of them per container per second, so this is most of a streaming daemon's CPU.
 */
export function readSmallFile(p: string): string | undefined {
  try { return readFileSync(p, 'utf8'); } catch { return undefined; }
}

/**
 * Reads stats given runc's cgroup_paths (controller -> dir). v1 when named controllers exist; the "" entry
 * alone means a unified (v2) hierarchy. On this hybrid host "" is the empty cgroup2 mount and is ignored.
 */
export async function readCgroupStats(paths: Record<string, string>, hostMemory: number): Promise<CgroupStats> {
  const v1 = Object.keys(paths).some((k) => k !== '' && !k.startsWith('name='));
  const files: CgroupFiles = {};
  const names = v1 ? V1_FILES : V2_FILES;
  for (const n of names) {
    let p: string | undefined;
    if (v1) {
      const [ctrl, file] = n.split('/') as [string, string];
      p = paths[ctrl] && join(paths[ctrl], file);
    } else p = paths[''] && join(paths['']!, n);
    if (p) files[n] = readSmallFile(p);
  }
  return v1 ? parseV1Stats(files, hostMemory) : parseV2Stats(files, hostMemory);
}

/** Total CPU time of the host in ns (first line of /proc/stat), what Docker reports as system_cpu_usage. */
export function parseProcStat(text: string): { systemCpu: number; onlineCpus: number } {
  const lines = text.split('\n');
  const fields = (lines[0] ?? '').trim().split(/\s+/).slice(1, 8).map(Number);
  const ticks = fields.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const onlineCpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { systemCpu: ticks * NS_PER_TICK, onlineCpus };
}

export function parseMemTotal(meminfo: string): number {
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : Number.MAX_SAFE_INTEGER;
}

/** Which file lists a cgroup's processes: any v1 controller's cgroup.procs, else the unified one. */
export function procsFile(paths: Record<string, string>): string | undefined {
  for (const c of ['pids', 'memory', 'cpu', 'devices', 'freezer', '']) if (paths[c]) return join(paths[c]!, 'cgroup.procs');
  return undefined;
}
