import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, mkdirSync, writeFileSync, symlinkSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import tar from 'tar-stream';
import { statPath, archivePath, extractArchive } from '../../../src/store/archive.js';
import { isEngineError } from '../../../src/lib/errors.js';
import { makeTar } from './tar-fixtures.js';

let base: string;
let root: string;
const opts = { containerName: 'ctr' };

before(() => {
  base = mkdtempSync(join(tmpdir(), 'berth-archive-'));
  root = join(base, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'etc'), 0o755);
  writeFileSync(join(root, 'etc/hosts'), 'hosts\n');
  symlinkSync('/etc/hosts', join(root, 'tmp/abs-link'));
  symlinkSync('../../../../..', join(root, 'tmp/up'));
  symlinkSync('/', join(root, 'tmp/rootlink'));
  writeFileSync(join(base, 'outside'), 'outside');
});
after(async () => { await fs.rm(base, { recursive: true, force: true }); });

async function names(fn: (out: PassThrough) => Promise<void>): Promise<string[]> {
  const out = new PassThrough();
  const ex = tar.extract();
  out.pipe(ex as unknown as NodeJS.WritableStream);
  const got: string[] = [];
  const reading = (async () => { for await (const e of ex) { got.push(e.header.name); e.resume(); } })();
  await fn(out);
  await reading;
  return got;
}

test('statPath uses Go FileMode bits and resolves links inside the root', async () => {
  const d = await statPath(root, '/etc', opts);
  assert.equal(d.name, 'etc');
  assert.equal(d.mode, 2147484141);
  assert.match(d.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  const f = await statPath(root, '/etc/hosts', opts);
  assert.deepEqual([f.size, f.mode, f.linkTarget], [6, 0o644, '']);
  const l = await statPath(root, '/tmp/abs-link', opts);
  assert.equal(l.mode & 0o777, 0o777);
  assert.ok(l.mode >= 2 ** 27 && l.mode < 2 ** 28);
  assert.equal(l.linkTarget, '/etc/hosts');
  assert.equal((await statPath(root, '/tmp/up', opts)).linkTarget, '/');
  await assert.rejects(statPath(root, '/nonexist', opts), (e: unknown) => isEngineError(e, 'not-found') && e.message === 'Could not find the file /nonexist in container ctr');
  // ../ in the request path stays inside the root.
  assert.equal((await statPath(root, '/../../etc/hosts', opts)).size, 6);
});

test('archivePath names the top entry after the basename', async () => {
  assert.deepEqual(await names((out) => archivePath(root, '/etc/hosts', out, opts)), ['hosts']);
  assert.deepEqual(await names((out) => archivePath(root, '/etc', out, opts)), ['etc/', 'etc/hosts']);
  assert.deepEqual(await names((out) => archivePath(root, '/etc/.', out, opts)), ['./', './hosts']);
  // Through a symlinked parent that points at "/": still inside the root.
  assert.deepEqual(await names((out) => archivePath(root, '/tmp/rootlink/etc/hosts', out, opts)), ['hosts']);
  await assert.rejects(names((out) => archivePath(root, '/etc/hosts/', out, opts)), /not a directory/);
});

test('extractArchive stays inside the root', async () => {
  await extractArchive(root, '/tmp', Readable.from([await makeTar([{ name: 'new.txt', body: 'n', uid: 1000 }])]), opts);
  assert.equal(readFileSync(join(root, 'tmp/new.txt'), 'utf8'), 'n');
  assert.equal((await fs.stat(join(root, 'tmp/new.txt'))).uid, 0);
  // A member under a symlink to "/" lands in the root's own tree, not the host's.
  await extractArchive(root, '/tmp', Readable.from([await makeTar([{ name: 'rootlink/etc/added', body: 'a' }])]), opts);
  assert.ok(existsSync(join(root, 'etc/added')));
  await extractArchive(root, '/tmp/up', Readable.from([await makeTar([{ name: 'escaped', body: 'e' }])]), opts);
  assert.ok(existsSync(join(root, 'escaped')));
  assert.ok(!existsSync(join(base, 'escaped')));
  await assert.rejects(extractArchive(root, '/tmp', Readable.from([await makeTar([{ name: '../../x', body: 'x' }])]), opts), /breakout/);
  await assert.rejects(extractArchive(root, '/tmp', Readable.from([await makeTar([{ name: 'h', type: 'link', linkname: '../../../outside' }])]), opts), /breakout/);
  await assert.rejects(extractArchive(root, '/tmp', Readable.from([await makeTar([{ name: 'd', type: 'character-device' }])]), opts), /device/);
  await assert.rejects(extractArchive(root, '/etc/hosts', Readable.from([await makeTar([])]), opts), /not a directory/);
  await assert.rejects(extractArchive(root, '/missing', Readable.from([await makeTar([])]), opts), /Could not find the file \/missing in container ctr/);
  await assert.rejects(extractArchive(root, '/', Readable.from([await makeTar([{ name: 'etc', body: 'file' }])]), { ...opts, noOverwriteDirNonDir: true }), /cannot overwrite directory/);
  assert.equal(readFileSync(join(base, 'outside'), 'utf8'), 'outside');
});
