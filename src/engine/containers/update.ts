// `docker update`: new limits (and restart policy) stored on the record and applied to a running container
// with `runc update`, with dockerd's checks and wording (daemon/update.go, daemon_unix.go).
import { conflict, invalid } from '../../lib/errors.js';
import type { Runtime } from '../../runtime/types.js';
import type { ContainerRecord } from './model.js';
import { validateRestartPolicy } from './restart-policy.js';
import { checkResources } from './host-config-check.js';
import { hostInfo, resourcesFromHostConfig } from './spec-input.js';

const KEYS = ['Memory', 'MemorySwap', 'MemoryReservation', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'NanoCpus', 'CpusetCpus', 'CpusetMems',
  'PidsLimit', 'BlkioWeight', 'CpuRealtimePeriod', 'CpuRealtimeRuntime'];

export async function updateContainer(c: ContainerRecord, body: Record<string, unknown>, runtime: Runtime): Promise<string[]> {
  if (c.state.status === 'removing' || c.state.status === 'dead') throw conflict(`Container ${c.id} is marked for removal and cannot be "update"`);
  const hc = c.hostConfig as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const k of KEYS) if (body[k] !== undefined && body[k] !== null && body[k] !== 0 && body[k] !== '') changed[k] = body[k];
  if (body.KernelMemory) throw invalid('Kernel memory limit is not supported');
  const next = { ...hc, ...changed };
  const running = c.state.status === 'running' || c.state.status === 'paused';
  // dockerd: a new memory limit above the existing swap limit needs the swap limit in the same update.
  if (changed.Memory !== undefined && changed.MemorySwap === undefined && typeof hc.MemorySwap === 'number' && hc.MemorySwap > 0 && (changed.Memory as number) > hc.MemorySwap) {
    throw invalid('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  if (changed.NanoCpus !== undefined) { next.CpuPeriod = 0; next.CpuQuota = 0; }
  if (changed.CpuPeriod !== undefined || changed.CpuQuota !== undefined) {
    if (hc.NanoCpus && changed.NanoCpus === undefined) throw invalid('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  }
  const warnings = checkResources(next, hostInfo(), true);
  if (body.RestartPolicy) {
    const rp = validateRestartPolicy(body.RestartPolicy, c.hostConfig.AutoRemove);
    next.RestartPolicy = { Name: rp.Name || 'no', MaximumRetryCount: rp.MaximumRetryCount };
  }
  if (Object.keys(changed).length && running) {
    const limits = resourcesFromHostConfig(next);
    // Only what changed goes to runc; the period/quota pair travels together.
    const only = resourcesFromHostConfig(changed);
    if (changed.NanoCpus === undefined && (changed.CpuPeriod !== undefined || changed.CpuQuota !== undefined)) { only.cpuPeriod = limits.cpuPeriod; only.cpuQuota = limits.cpuQuota; }
    if (changed.Memory !== undefined && next.MemorySwap) only.memorySwap = limits.memorySwap;
    await runtime.update(c.id, only);
  }
  Object.assign(hc, next);
  return warnings;
}
