import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptCreateForVersion } from '../../../src/api/wire/create-compat.js';

const mount = (m: object) => ({ HostConfig: { Mounts: [m] } });

test('read-only mounts stay non-recursive for clients below API 1.44', () => {
  assert.deepEqual(adaptCreateForVersion({}, '1.43'), { defaultReadOnlyNonRecursive: true });
  assert.deepEqual(adaptCreateForVersion({}, '1.44'), { defaultReadOnlyNonRecursive: false });
  assert.deepEqual(adaptCreateForVersion(null, '1.47'), { defaultReadOnlyNonRecursive: false });
});

test('fields newer than the client are refused with dockerd\'s words', () => {
  assert.throws(() => adaptCreateForVersion(mount({ Type: 'bind', BindOptions: { ReadOnlyForceRecursive: true } }), '1.43'), /^EngineError: BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer$/);
  assert.doesNotThrow(() => adaptCreateForVersion(mount({ Type: 'bind', BindOptions: { ReadOnlyForceRecursive: true } }), '1.44'));
  assert.throws(() => adaptCreateForVersion(mount({ Type: 'volume', VolumeOptions: { Subpath: 'a' } }), '1.44'), /Subpath needs API v1.45 or newer/);
  assert.doesNotThrow(() => adaptCreateForVersion(mount({ Type: 'volume', VolumeOptions: { Subpath: 'a' } }), '1.45'));
  assert.throws(() => adaptCreateForVersion({ NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } }, '1.43'), /multiple network endpoints: a, b/);
  assert.doesNotThrow(() => adaptCreateForVersion({ NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } }, '1.44'));
});

test('malformed shapes are left to the engine\'s own 400s', () => {
  for (const body of [{ HostConfig: { Mounts: 'x' } }, { HostConfig: { Mounts: [null, 1] } }, { NetworkingConfig: { EndpointsConfig: 'x' } }, 'str']) {
    assert.doesNotThrow(() => adaptCreateForVersion(body, '1.43'));
  }
});
