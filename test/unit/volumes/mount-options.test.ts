// Subpath and bind-recursion parsing, the scoped subpath walk on a temporary tree, and rro in the spec builder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLocalPath, parseApiMount } from '../../../src/engine/containers/mounts.js';
import { openBeneath } from '../../../src/engine/volumes/subpath.js';
import { buildMounts } from '../../../src/runtime/spec.js';
import type { SpecInput } from '../../../src/runtime/types.js';

const ctx = { exists: () => true };

test('isLocalPath is Go\'s filepath.IsLocal on Unix', () => {
  for (const p of ['a', 'a/b', '.', 'a/..', 'a/../b', './a']) assert.ok(isLocalPath(p), p);
  for (const p of ['', '/a', '..', '../a', 'a/../..', 'a/../../b']) assert.ok(!isLocalPath(p), p);
});

test('--mount volume-subpath and bind read-only options: parsing and dockerd\'s wording', () => {
  const vol = (Subpath: string, Source = 'v') => parseApiMount({ Type: 'volume', Source, Target: '/m', VolumeOptions: { Subpath } }, ctx);
  assert.equal(vol('a/b').Subpath, 'a/b');
  assert.throws(() => vol('../x'), /invalid mount config for type "volume": subpath must be a relative path within the volume$/);
  assert.throws(() => vol('a', ''), /must not set Subpath when using anonymous volumes/);
  const bind = (ReadOnly: boolean, BindOptions: object) => parseApiMount({ Type: 'bind', Source: '/s', Target: '/m', ReadOnly, BindOptions }, ctx);
  assert.equal(bind(true, { ReadOnlyForceRecursive: true }).ReadOnlyForceRecursive, true);
  assert.equal(bind(true, { ReadOnlyNonRecursive: true }).ReadOnlyNonRecursive, true);
  assert.throws(() => bind(false, { ReadOnlyForceRecursive: true }), /mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive/);
  assert.throws(() => bind(false, { ReadOnlyNonRecursive: true }), /mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive/);
  assert.throws(() => bind(true, { ReadOnlyNonRecursive: true, ReadOnlyForceRecursive: true }), /ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive/);
});

test('openBeneath: follows links that stay inside, refuses ones that leave, reports missing parts like lstat', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-subpath-'));
  try {
    mkdirSync(join(root, 'a/b'), { recursive: true });
    writeFileSync(join(root, 'a/b/f'), 'x');
    symlinkSync('a/b', join(root, 'rel'));
    symlinkSync(join(root, 'a'), join(root, 'absin'));
    symlinkSync('/etc', join(root, 'abs'));
    symlinkSync('../..', join(root, 'a/up'));
    symlinkSync('self', join(root, 'self'));
    const ok = (p: string) => { const r = openBeneath(root, p); closeSync(r.fd); return r; };
    assert.equal(ok('rel/f').resolved, join(root, 'a/b/f'));
    assert.equal(ok('rel/f').isDir, false);
    assert.equal(ok('absin/b').resolved, join(root, 'a/b'));
    assert.equal(ok('a/b/..').resolved, join(root, 'a'));
    for (const p of ['abs', 'a/up', 'a/up/etc', 'a/../..']) {
      assert.throws(() => openBeneath(root, p), (e: Error & { kind?: string }) => e.kind === 'invalid'
        && e.message === `path concatenation escapes the base directory, base: ${root}, subpath: ${p}`, p);
    }
    assert.throws(() => openBeneath(root, 'a/nope/x'), (e: Error & { kind?: string }) => e.kind === 'not-found'
      && e.message === `cannot access path ${root}/a/nope/x: lstat ${root}/a/nope: no such file or directory`);
    assert.throws(() => openBeneath(root, 'self'), /too many levels of symbolic links/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('spec: ro binds become rro where supported; demanded rro fails where not; non-recursive ro stays ro', () => {
  const input = {
    mounts: [
      { destination: '/a', source: '/s', type: 'bind', options: ['rbind', 'rprivate', 'ro'], recursiveReadOnly: 'if-possible' },
      { destination: '/b', source: '/s', type: 'bind', options: ['rbind', 'rprivate', 'ro'] },
      { destination: '/c', source: '/s', type: 'bind', options: ['rbind', 'rprivate', 'ro'], recursiveReadOnly: 'force' },
    ],
  } as unknown as SpecInput;
  const opts = (ms: ReturnType<typeof buildMounts>, d: string) => ms.find((m) => m.destination === d)!.options;
  const yes = buildMounts(input, {});
  assert.deepEqual(opts(yes, '/a'), ['rbind', 'rprivate', 'rro']);
  assert.deepEqual(opts(yes, '/b'), ['rbind', 'rprivate', 'ro']);
  assert.deepEqual(opts(yes, '/c'), ['rbind', 'rprivate', 'rro']);
  const why = 'rro is not supported by runtime "runc"';
  assert.throws(() => buildMounts(input, { rroUnsupported: why }), (e: Error & { kind?: string }) => e.kind === 'internal' && e.message === why);
  const no = buildMounts({ ...input, mounts: input.mounts.slice(0, 2) }, { rroUnsupported: why });
  assert.deepEqual(opts(no, '/a'), ['rbind', 'rprivate', 'ro']);
});
