import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { ContentStore } from '../../../src/store/content-store.js';
import { LayerStore, chainIdOf } from '../../../src/store/layer-store.js';
import { sha256Digest } from '../../../src/lib/ids.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { isEngineError } from '../../../src/lib/errors.js';
import { makeTar, gzip, type FixtureEntry } from './tar-fixtures.js';

let base: string;
let content: ContentStore;
let layers: LayerStore;
let outside: string;

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'berth-layers-'));
  outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'keep');
  content = new ContentStore(join(base, 'data', 'image'));
  await content.init();
  layers = new LayerStore(join(base, 'data', 'overlay2'), content, silentLogger);
  await layers.init();
});
after(async () => { await fs.rm(base, { recursive: true, force: true }); });

async function register(tarBuf: Buffer, expectedDiffId?: string) {
  const blob = await content.putBytes(tarBuf);
  return layers.registerBlob(blob.digest, '', { expectedDiffId });
}

function leftovers(): string[] {
  return readdirSync(join(base, 'data', 'overlay2')).filter((n) => n.startsWith('tmp-'));
}

async function assertRejected(entries: FixtureEntry[], pattern: RegExp) {
  const before = layers.list().length;
  await assert.rejects(register(await makeTar(entries)), (e: unknown) => isEngineError(e, 'invalid') && pattern.test((e as Error).message));
  assert.equal(layers.list().length, before, 'no layer registered');
  assert.deepEqual(leftovers(), [], 'no temp dirs left');
  assert.deepEqual(readdirSync(outside), ['secret'], 'nothing written outside');
}

test('unpacks files, dirs, links, owners, modes, mtimes and whiteouts', async () => {
  const mtime = new Date('2020-01-02T03:04:05Z');
  const tarBuf = await makeTar([
    { name: 'etc/', type: 'directory', mode: 0o750, uid: 5, gid: 6, mtime },
    { name: 'etc/hello', body: 'hi\n', mode: 0o4755, uid: 7, gid: 8, mtime },
    { name: 'etc/hard', type: 'link', linkname: 'etc/hello' },
    { name: '/abs/file', body: 'x' },
    { name: 'sym', type: 'symlink', linkname: '/etc/hello', uid: 9, gid: 9 },
    { name: 'gone/.wh.old', body: '' },
    { name: 'opq/.wh..wh..opq', body: '' },
    { name: 'fifo', type: 'fifo', mode: 0o600 },
  ]);
  const { layer, created } = await register(gzip(tarBuf));
  assert.equal(created, true);
  assert.equal(layer.diffId, sha256Digest(tarBuf));
  assert.equal(layer.chainId, layer.diffId);
  assert.equal(layer.tarSize, tarBuf.length);
  const d = layers.diffDir(layer.chainId);
  const st = await fs.stat(join(d, 'etc/hello'));
  assert.equal(st.mode & 0o7777, 0o4755);
  assert.equal(st.uid, 7);
  assert.equal(st.mtimeMs, mtime.getTime());
  assert.equal(st.nlink, 2);
  const dst = await fs.stat(join(d, 'etc'));
  assert.equal(dst.mode & 0o777, 0o750);
  assert.equal(dst.mtimeMs, mtime.getTime());
  assert.equal(await fs.readFile(join(d, 'abs/file'), 'utf8'), 'x');
  assert.equal(await fs.readlink(join(d, 'sym')), '/etc/hello');
  assert.equal((await fs.lstat(join(d, 'sym'))).uid, 9);
  const wh = await fs.lstat(join(d, 'gone/old'));
  assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
  assert.ok(!existsSync(join(d, 'opq/.wh..wh..opq')));
  assert.equal(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(d, 'opq')]).toString(), 'y');
  assert.ok((await fs.lstat(join(d, 'fifo'))).isFIFO());
  assert.equal(await fs.readlink(join(layers.linkDir, layer.link)), `../${layer.chainId.slice(7)}/diff`);
  // Same content again: the existing layer is reused.
  const again = await register(gzip(tarBuf));
  assert.equal(again.created, false);
});

test('rejects ../ escapes', async () => {
  await assertRejected([{ name: 'a/../../outside/evil', body: 'x' }], /breakout/);
  await assertRejected([{ name: '../evil', body: 'x' }], /breakout/);
});

test('rejects writing through a symlink', async () => {
  await assertRejected([
    { name: 'link', type: 'symlink', linkname: outside },
    { name: 'link/evil', body: 'x' },
  ], /symlink/);
  await assertRejected([
    { name: 'rel', type: 'symlink', linkname: '../../../../outside' },
    { name: 'rel/evil', body: 'x' },
  ], /symlink/);
});

test('replacing a symlink with a file does not write through it', async () => {
  const { layer } = await register(await makeTar([
    { name: 'secret', type: 'symlink', linkname: join(outside, 'secret') },
    { name: 'secret', body: 'overwritten' },
  ]));
  assert.equal(await fs.readFile(join(layers.diffDir(layer.chainId), 'secret'), 'utf8'), 'overwritten');
  assert.equal(await fs.readFile(join(outside, 'secret'), 'utf8'), 'keep');
});

test('rejects hard links outside or to missing entries', async () => {
  await assertRejected([{ name: 'h', type: 'link', linkname: '../../outside/secret' }], /breakout/);
  await assertRejected([{ name: 'h', type: 'link', linkname: 'missing' }], /does not exist/);
  await assertRejected([
    { name: 'l', type: 'symlink', linkname: outside },
    { name: 'h', type: 'link', linkname: 'l/secret' },
  ], /symlink/);
});

test('rejects device nodes', async () => {
  await assertRejected([{ name: 'dev/sda', type: 'block-device' }], /device/);
  await assertRejected([{ name: 'dev/null', type: 'character-device' }], /device/);
});

test('rejects bad gzip and truncated tars', async () => {
  const bad = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]), Buffer.from('garbage garbage')]);
  await assert.rejects(register(bad), (e: unknown) => isEngineError(e, 'invalid'));
  const good = gzip(await makeTar([{ name: 'f', body: 'x'.repeat(5000) }]));
  await assert.rejects(register(good.subarray(0, good.length - 20)), (e: unknown) => isEngineError(e, 'invalid'));
  assert.deepEqual(leftovers(), []);
});

test('rejects a diff ID mismatch', async () => {
  const t = await makeTar([{ name: 'f', body: 'x' }]);
  await assert.rejects(register(t, sha256Digest('other')), /digest mismatch/);
  assert.equal(layers.get(chainIdOf('', sha256Digest(t))), undefined);
  assert.deepEqual(leftovers(), []);
});

test('parent chains and removal', async () => {
  const a = await register(await makeTar([{ name: 'a', body: 'a' }]));
  const bBlob = await content.putBytes(await makeTar([{ name: 'b', body: 'b' }]));
  const b = await layers.registerBlob(bBlob.digest, a.layer.chainId);
  assert.equal(b.layer.parent, a.layer.chainId);
  assert.equal(b.layer.chainId, sha256Digest(`${a.layer.chainId} ${b.layer.diffId}`));
  const tarBack = Buffer.concat(await (await layers.tarStream(b.layer.chainId)).toArray());
  assert.equal(sha256Digest(tarBack), b.layer.diffId);
  await layers.remove(b.layer.chainId);
  assert.equal(existsSync(layers.dir(b.layer.chainId)), false);
  assert.equal(await content.has(bBlob.digest), false);
  // A fresh store sees what is on disk.
  const fresh = new LayerStore(layers.root, content, silentLogger);
  await fresh.init();
  assert.ok(fresh.get(a.layer.chainId));
  assert.equal(fresh.get(b.layer.chainId), undefined);
});

test('content ingest verifies digests and leaves nothing on mismatch', async () => {
  await assert.rejects(content.ingest(Readable.from([Buffer.from('abc')]), { expected: sha256Digest('abd') }), /digest mismatch/);
  assert.equal(await content.has(sha256Digest('abc')), false);
  assert.deepEqual(readdirSync(join(base, 'data', 'image', 'ingest')), []);
  const ok = await content.ingest(Readable.from([Buffer.from('abc')]), { expected: sha256Digest('abc') });
  assert.equal(ok.size, 3);
});
