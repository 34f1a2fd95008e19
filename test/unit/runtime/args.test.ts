// Docker's Entrypoint + Cmd merging rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerArgs } from '../../../src/runtime/args.js';

test('image defaults are used when create gives nothing', () => {
  const r = containerArgs(['/entry.sh'], ['serve', '-v'], undefined, undefined);
  assert.deepEqual(r.argv, ['/entry.sh', 'serve', '-v']);
  assert.equal(r.path, '/entry.sh');
  assert.deepEqual(r.args, ['serve', '-v']);
  assert.deepEqual(r.entrypoint, ['/entry.sh']);
  assert.deepEqual(r.cmd, ['serve', '-v']);
});

test('a create Cmd replaces the image Cmd and keeps the image Entrypoint', () => {
  assert.deepEqual(containerArgs(['/entry.sh'], ['serve'], null, ['ls', '-l']).argv, ['/entry.sh', 'ls', '-l']);
  assert.deepEqual(containerArgs(null, ['sh'], undefined, ['echo', 'hi']).argv, ['echo', 'hi']);
});

test('a create Entrypoint resets the image Cmd', () => {
  const r = containerArgs(['/entry.sh'], ['serve'], ['/bin/echo'], undefined);
  assert.deepEqual(r.argv, ['/bin/echo']);
  assert.equal(r.cmd, null);
  assert.deepEqual(containerArgs(['/entry.sh'], ['serve'], ['/bin/echo'], ['a']).argv, ['/bin/echo', 'a']);
});

test('an empty create Entrypoint clears the image one but keeps the image Cmd', () => {
  const r = containerArgs(['/entry.sh'], ['sh'], [], undefined);
  assert.deepEqual(r.argv, ['sh']);
  assert.deepEqual(r.entrypoint, []);
});

test('no command at all is an invalid-parameter error', () => {
  assert.throws(() => containerArgs(null, null, undefined, undefined), (e: Error & { kind?: string }) => e.message === 'No command specified' && e.kind === 'invalid');
  assert.throws(() => containerArgs(['/e'], null, [], []), /No command specified/);
});
