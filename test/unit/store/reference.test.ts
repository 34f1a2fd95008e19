import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference, normalizeTagged, familiarString, fullName, idPrefix } from '../../../src/engine/images/reference.js';
import { isEngineError } from '../../../src/lib/errors.js';

test('normalizes Docker Hub names', () => {
  assert.equal(normalizeTagged('busybox'), 'busybox:latest');
  assert.equal(normalizeTagged('docker.io/library/busybox:latest'), 'busybox:latest');
  assert.equal(normalizeTagged('library/busybox:1.36'), 'busybox:1.36');
  assert.equal(normalizeTagged('index.docker.io/library/busybox'), 'busybox:latest');
  assert.equal(normalizeTagged('user/app'), 'user/app:latest');
  assert.equal(fullName(parseReference('busybox')), 'docker.io/library/busybox');
});

test('keeps registries with ports and localhost', () => {
  assert.equal(normalizeTagged('localhost:5000/a/b:v1'), 'localhost:5000/a/b:v1');
  assert.equal(normalizeTagged('localhost/a'), 'localhost/a:latest');
  assert.equal(normalizeTagged('127.0.0.1:5055/api-bb'), '127.0.0.1:5055/api-bb:latest');
  const r = parseReference('localhost:5000/a/b:v1');
  assert.deepEqual(r, { domain: 'localhost:5000', path: 'a/b', tag: 'v1', digest: undefined });
});

test('digests', () => {
  const d = 'sha256:' + 'a'.repeat(64);
  const r = parseReference(`busybox@${d}`);
  assert.equal(r.digest, d);
  assert.equal(familiarString(r), `busybox@${d}`);
  assert.equal(normalizeTagged(`busybox@${d}`), `busybox@${d}`);
});

function assertInvalid(ref: string, message: string) {
  assert.throws(() => parseReference(ref), (e: unknown) => isEngineError(e, 'invalid') && e.message === message, ref);
}

test('invalid references use Docker wording', () => {
  assertInvalid('Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase');
  assertInvalid('', 'invalid reference format');
  assertInvalid('a b', 'invalid reference format');
  assertInvalid('busybox:', 'invalid reference format');
  assertInvalid('busybox:-x', 'invalid reference format');
  assertInvalid('-busybox', 'invalid reference format');
  assertInvalid('busybox@sha256:abc', 'invalid reference format: invalid checksum digest format');
  assertInvalid('a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`);
  assertInvalid('x/' + 'a'.repeat(300), 'invalid reference format: repository name must not be more than 255 characters');
});

test('id prefixes', () => {
  assert.equal(idPrefix('sha256:abc'), 'abc');
  assert.equal(idPrefix('abc123'), 'abc123');
  assert.equal(idPrefix('busybox'), undefined);
});
