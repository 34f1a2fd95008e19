// Docker's stats JSON from a runtime sample (and the previous one for precpu_stats).
import type { ContainerRecord } from '../../engine/containers/model.js';
import type { ContainerStats } from '../../runtime/types.js';

const ZERO = '0001-01-01T00:00:00Z';

function cpu(s: ContainerStats | undefined) {
  if (!s) return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  return {
    cpu_usage: { total_usage: s.cpuTotal, percpu_usage: s.percpu.length ? s.percpu : undefined, usage_in_kernelmode: s.cpuKernel, usage_in_usermode: s.cpuUser },
    system_cpu_usage: s.systemCpu, online_cpus: s.onlineCpus, throttling_data: s.throttling,
  };
}

type Sample = ContainerStats & { networks?: Record<string, unknown> };

export function statsJson(c: ContainerRecord, cur: Sample | undefined, prev: Sample | undefined): Record<string, unknown> {
  return {
    read: cur?.read ?? ZERO,
    preread: prev?.read ?? ZERO,
    pids_stats: cur ? { current: cur.pids, limit: cur.pidsLimit } : {},
    blkio_stats: cur ? {
      io_service_bytes_recursive: cur.blkio.length ? cur.blkio : null, io_serviced_recursive: null, io_queue_recursive: null,
      io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
    } : { io_service_bytes_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu(cur),
    precpu_stats: cpu(prev),
    memory_stats: cur ? { usage: cur.memUsage, max_usage: cur.memMaxUsage, stats: cur.memStats, limit: cur.memLimit } : {},
    name: c.name,
    id: c.id,
    ...(cur?.networks ? { networks: cur.networks } : {}),
  };
}
