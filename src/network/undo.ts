// Rollback for multi-step setup: every step that creates something registers how to remove it, and a failure
// runs the list backwards. Undo steps must be idempotent (they may run for steps that never completed).
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

export class UndoList {
  private readonly steps: Array<() => Promise<void> | void> = [];

  push(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step newest first; a failing step is logged and does not stop the others. */
  async run(logger: Logger, context: Record<string, unknown> = {}): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (e) {
        logger.warn('network rollback step failed', { ...context, error: errorMessage(e) });
      }
    }
  }
}

/** Waits for all, then throws the first failure: no step is still running when the caller starts undoing. */
export async function settleAll(promises: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
