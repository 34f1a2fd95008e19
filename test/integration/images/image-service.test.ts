import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, createReadStream, promises as fs, existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import tar from 'tar-stream';
import { createImageService, type ImageService } from '../../../src/engine/images/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { isEngineError } from '../../../src/lib/errors.js';
import { makeTar } from '../../unit/store/tar-fixtures.js';

let base: string;
let svc: ImageService;
const bbTar = () => join(base, 'bb.tar');
const noUse = () => [] as string[];

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'berth-img-'));
  execFileSync('scripts/make-busybox-rootfs.sh', [bbTar()]);
  svc = await createImageService({ dataRoot: join(base, 'root'), logger: silentLogger });
});
after(async () => {
  execFileSync('sh', ['-c', `grep -o "${base}[^ ]*merged" /proc/self/mounts | xargs -r -n1 umount -l`]);
  await fs.rm(base, { recursive: true, force: true });
});

async function collect(fn: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await fn(out);
  return Buffer.concat(chunks);
}

function packBuf(p: ReturnType<typeof tar.pack>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
}

async function tarNames(buf: Buffer): Promise<Map<string, Buffer>> {
  const ex = tar.extract();
  const files = new Map<string, Buffer>();
  const done = (async () => { for await (const e of ex) { const parts: Buffer[] = []; for await (const c of e) parts.push(c as Buffer); files.set(e.header.name, Buffer.concat(parts)); } })();
  ex.end(buf);
  await done;
  return files;
}

test('import, tag, find, history', async () => {
  const img = await svc.importRootfs(createReadStream(bbTar()), {
    reference: 'busybox', changes: ['CMD ["sh"]', 'ENV A=b C="d e"', 'EXPOSE 80 53/udp', 'LABEL x=y', 'WORKDIR /tmp'], message: 'hello',
  });
  assert.deepEqual(img.repoTags, ['busybox:latest']);
  assert.deepEqual(img.config.Cmd, ['sh']);
  assert.deepEqual(img.config.Env, ['A=b', 'C=d e']);
  assert.deepEqual(img.config.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.equal(img.comment, 'hello');
  assert.ok(img.size > 500_000);
  assert.equal(svc.get('docker.io/library/busybox:latest').id, img.id);
  assert.equal(svc.get(img.id.slice(7, 19)).id, img.id);
  assert.equal(svc.get(img.id).id, img.id);
  await svc.tag('busybox', 'localhost:5000/a/b', 'v1');
  assert.deepEqual(svc.get(img.id).repoTags, ['busybox:latest', 'localhost:5000/a/b:v1']);
  assert.throws(() => svc.get('nope'), (e: unknown) => isEngineError(e, 'not-found') && e.message === 'No such image: nope');
  const h = svc.history('busybox');
  assert.equal(h.length, 1);
  assert.equal(h[0].Id, img.id);
  assert.equal(h[0].Comment, 'hello');
});

test('container layer: mount, diff, export, size, remove', async () => {
  const img = svc.get('busybox');
  const layer = await svc.createContainerLayer('c1', img.id);
  await svc.mountContainerLayer(layer);
  await svc.mountContainerLayer(layer); // idempotent
  assert.ok(existsSync(join(layer.mergedDir, 'bin/busybox')));
  await fs.writeFile(join(layer.mergedDir, 'tmp/new.txt'), 'new');
  await fs.rm(join(layer.mergedDir, 'etc/group'));
  await fs.appendFile(join(layer.mergedDir, 'etc/passwd'), 'x:x:1:1::/:/bin/sh\n');
  const changes = await svc.containerChanges(layer);
  assert.deepEqual(changes, [
    { Path: '/etc', Kind: 0 }, { Path: '/etc/group', Kind: 2 }, { Path: '/etc/passwd', Kind: 0 },
    { Path: '/tmp', Kind: 0 }, { Path: '/tmp/new.txt', Kind: 1 },
  ]);
  assert.ok((await svc.containerLayerSize('c1')) > 3);
  const exported = await tarNames(await collect((out) => svc.exportContainer(layer, out)));
  assert.equal(exported.get('tmp/new.txt')?.toString(), 'new');
  assert.ok(!exported.has('etc/group'));
  await svc.unmountContainerLayer(layer);
  assert.ok(!existsSync(join(layer.mergedDir, 'bin/busybox')));
  // Removing the image while c1 uses it: conflict unless forced.
  await assert.rejects(svc.remove(img.id, { force: false, noPrune: false, usedBy: () => ['c1'.padEnd(64, '0')] }), /conflict: unable to delete .* \(must be forced\)/);
  await svc.removeContainerLayer('c1');
  assert.ok(!existsSync(join(base, 'root', 'containers-rw', 'c1')));
});

test('save and load round trip into a fresh data root', async () => {
  const img = svc.get('busybox');
  const archive = await collect((out) => svc.save(['busybox'], out));
  const files = await tarNames(archive);
  const manifest = JSON.parse(files.get('manifest.json')!.toString());
  assert.deepEqual(manifest[0].RepoTags, ['busybox:latest']);
  assert.ok(files.has(`blobs/sha256/${img.id.slice(7)}`));
  assert.ok(files.has('index.json') && files.has('oci-layout'));
  const other = await createImageService({ dataRoot: join(base, 'root2'), logger: silentLogger });
  const lines = await other.load(Readable.from([archive]), {});
  assert.deepEqual(lines, ['Loaded image: busybox:latest']);
  assert.equal(other.get('busybox').id, img.id);
  // Pure OCI layout: drop manifest.json.
  const oci = tar.pack();
  for (const [name, body] of files) if (name !== 'manifest.json' && name !== 'repositories' && !name.endsWith('/')) oci.entry({ name }, body);
  oci.finalize();
  const ociBuf = await packBuf(oci);
  const third = await createImageService({ dataRoot: join(base, 'root3'), logger: silentLogger });
  assert.deepEqual(await third.load(Readable.from([ociBuf]), {}), ['Loaded image: busybox:latest']);
});

test('load rejects tampered archives and leaves nothing', async () => {
  const img = svc.get('busybox');
  const files = await tarNames(await collect((out) => svc.save([img.id], out)));
  const layerName = `blobs/sha256/${img.diffIds[0].slice(7)}`;
  const tampered = tar.pack();
  for (const [name, body] of files) {
    if (name === layerName) tampered.entry({ name }, Buffer.concat([body.subarray(0, body.length - 1024), Buffer.alloc(1024)]).fill(1, 2000, 2001));
    else if (!name.endsWith('/')) tampered.entry({ name }, body);
  }
  tampered.finalize();
  const root = join(base, 'root4');
  const fresh = await createImageService({ dataRoot: root, logger: silentLogger });
  await assert.rejects(fresh.load(Readable.from([await packBuf(tampered)]), {}), (e: unknown) => isEngineError(e, 'invalid'));
  assert.deepEqual(fresh.list(), []);
  assert.deepEqual(readdirSync(join(root, 'overlay2')).sort(), ['empty', 'l']);
  assert.deepEqual(readdirSync(join(root, 'image', 'blobs', 'sha256')), []);
  const evil = await makeTar([{ name: '../escape', body: 'x' }]);
  await assert.rejects(fresh.load(Readable.from([evil]), {}), /breakout/);
});

test('rmi: untag vs delete, conflicts', async () => {
  const img = svc.get('busybox');
  await svc.tag('busybox', 'other', 'x');
  await assert.rejects(svc.remove(img.id, { force: false, noPrune: false, usedBy: noUse }), /conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/);
  assert.deepEqual(await svc.remove('other:x', { force: false, noPrune: false, usedBy: noUse }), [{ Untagged: 'other:x' }]);
  await svc.remove('localhost:5000/a/b:v1', { force: false, noPrune: false, usedBy: noUse });
  await assert.rejects(svc.remove('busybox', { force: false, noPrune: false, usedBy: () => ['f'.repeat(64)] }),
    (e: unknown) => isEngineError(e, 'conflict') && e.message === `conflict: unable to remove repository reference "busybox" (must force) - container ffffffffffff is using its referenced image ${img.id.slice(7, 19)}`);
  const res = await svc.remove('busybox', { force: false, noPrune: false, usedBy: noUse });
  assert.deepEqual(res.slice(0, 2), [{ Untagged: 'busybox:latest' }, { Deleted: img.id }]);
  assert.equal(res[2]?.Deleted, img.diffIds[0]);
  assert.deepEqual(svc.list(), []);
  assert.equal(await svc.layersSize(), 0);
});

test('prune dangling', async () => {
  const a = await svc.importRootfs(Readable.from([await makeTar([{ name: 'a', body: 'a' }])]), { changes: ['LABEL keep=no'] });
  await svc.importRootfs(Readable.from([await makeTar([{ name: 'b', body: 'b' }])]), { reference: 'tagged:1' });
  const r = await svc.prune({ dangling: true, filters: { label: ['keep=no'] }, usedBy: noUse });
  assert.equal(r.deleted[0].Deleted, a.id);
  assert.deepEqual(svc.list().map((i) => i.repoTags), [['tagged:1']]);
});
