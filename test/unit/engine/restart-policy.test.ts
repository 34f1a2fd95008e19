import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRestartPolicy, shouldRestart, nextBackoff, BACKOFF_START_MS, BACKOFF_MAX_MS } from '../../../src/engine/containers/restart-policy.js';

test('restart policies validate as Docker does', () => {
  assert.deepEqual(validateRestartPolicy({ Name: 'on-failure', MaximumRetryCount: 3 }, false), { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.throws(() => validateRestartPolicy({ Name: 'sometimes' }, false), /invalid restart policy: unknown policy 'sometimes'/);
  assert.throws(() => validateRestartPolicy({ Name: 'always', MaximumRetryCount: 2 }, false), /maximum retry count can only be used with 'on-failure'/);
  assert.throws(() => validateRestartPolicy({ Name: 'always' }, true), /AutoRemove/);
});

test('shouldRestart follows each policy', () => {
  const s = { exitCode: 1, restartCount: 0, manuallyStopped: false, daemonShuttingDown: false };
  assert.equal(shouldRestart({ Name: 'no', MaximumRetryCount: 0 }, s), false);
  assert.equal(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, { ...s, exitCode: 0 }), true);
  assert.equal(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, { ...s, manuallyStopped: true }), false);
  assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, { ...s, restartCount: 2 }), false);
  assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, { ...s, restartCount: 1 }), true);
  assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 0 }, { ...s, exitCode: 0 }), false);
  assert.equal(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, { ...s, daemonShuttingDown: true }), false);
});

test('back-off starts at 100 ms, doubles, caps, and resets after 10 s of running', () => {
  let d = nextBackoff(0, 0);
  assert.equal(d, BACKOFF_START_MS);
  d = nextBackoff(d, 50); assert.equal(d, 200);
  d = nextBackoff(d, 50); assert.equal(d, 400);
  assert.equal(nextBackoff(40_000, 10), BACKOFF_MAX_MS);
  assert.equal(nextBackoff(3200, 10_000), BACKOFF_START_MS);
});
