// Docker's restart policies and back-off: start at 100 ms, double per consecutive restart, cap at 1 minute,
// reset once the container has stayed up for 10 seconds.
import { invalid } from '../../lib/errors.js';
import type { RestartPolicy } from './model.js';

export const BACKOFF_START_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
export const RESET_AFTER_MS = 10_000;

export function validateRestartPolicy(p: unknown, autoRemove: boolean): RestartPolicy {
  const raw = (p ?? {}) as { Name?: string; MaximumRetryCount?: number };
  const name = raw.Name ?? '';
  const max = raw.MaximumRetryCount ?? 0;
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw invalid(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  if (typeof max !== 'number' || max < 0) throw invalid('invalid restart policy: maximum retry count cannot be negative');
  if (max > 0 && name !== 'on-failure') throw invalid(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  if (autoRemove && name !== '' && name !== 'no') throw invalid("can't create 'AutoRemove' container with restart policy");
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: max };
}

export function shouldRestart(p: RestartPolicy, s: { exitCode: number; restartCount: number; manuallyStopped: boolean; daemonShuttingDown: boolean }): boolean {
  if (s.manuallyStopped || s.daemonShuttingDown) return false;
  switch (p.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return s.exitCode !== 0 && (p.MaximumRetryCount === 0 || s.restartCount < p.MaximumRetryCount);
    default:
      return false;
  }
}

/** The delay before the next restart, given the previous delay and how long the container ran. */
export function nextBackoff(prevMs: number, ranForMs: number): number {
  if (ranForMs >= RESET_AFTER_MS || prevMs === 0) return BACKOFF_START_MS;
  return Math.min(prevMs * 2, BACKOFF_MAX_MS);
}
