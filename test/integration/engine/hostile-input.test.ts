// Hostile archives through the API and the docker CLI: rejected, nothing written outside, no partial image.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let work: string;
before(async () => { d = await startDaemon(); work = mkdtempSync(join(tmpdir(), 'berth-hostile-')); });
after(async () => { await d?.destroy(); rmSync(work, { recursive: true, force: true }); });

async function makeTar(entries: Array<{ name: string; type?: 'file' | 'symlink' | 'link' | 'character-device' | 'directory'; content?: string; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, devmajor: 1, devminor: 3 } as tar.Header, e.content ?? '', (err) => err ? reject(err) : resolve());
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const imageCount = () => d.docker(['images', '-q']).stdout.trim().split('\n').filter(Boolean).length;
/** Blobs in the content store and entries in the layer store: a failed import must add neither. */
const storeEntries = () => ['image/blobs/sha256', 'image/ingest', 'overlay2']
  .map((p) => join(d.dataRoot, p)).map((p) => (existsSync(p) ? readdirSync(p).length : 0));

test('import rejects escapes, links out and devices; no image appears and nothing lands outside', async () => {
  const before = imageCount();
  const storeBefore = storeEntries();
  const victim = join(work, 'escaped');
  const cases = [
    await makeTar([{ name: 'ok.txt', content: 'x' }, { name: `../../../../../../..${victim}`, content: 'pwned' }]),
    await makeTar([{ name: 'link', type: 'symlink', linkname: work }, { name: 'link/escaped', content: 'pwned' }]),
    await makeTar([{ name: 'hl', type: 'link', linkname: '../../../../../etc/passwd' }]),
    await makeTar([{ name: 'dev/mem', type: 'character-device' }]),
  ];
  for (const [i, buf] of cases.entries()) {
    const f = join(work, `case${i}.tar`);
    writeFileSync(f, buf);
    const r = d.docker(['import', f, `hostile:${i}`]);
    assert.notEqual(r.code, 0, `case ${i} was accepted: ${r.stdout}`);
    assert.ok(r.stderr.length > 0);
  }
  assert.equal(existsSync(victim), false);
  assert.equal(imageCount(), before);
  assert.deepEqual(storeEntries(), storeBefore, 'no blob, ingest file or layer directory left behind');
});

test('import of a corrupt gzip fails cleanly', () => {
  const f = join(work, 'bad.tar.gz');
  const gz = gzipSync(Buffer.alloc(4096, 1));
  writeFileSync(f, Buffer.concat([gz.subarray(0, 30), Buffer.from('garbage-garbage')]));
  const storeBefore = storeEntries();
  const r = d.docker(['import', f, 'badgz:1']);
  assert.notEqual(r.code, 0);
  assert.equal(d.docker(['image', 'inspect', 'badgz:1']).code, 1);
  assert.deepEqual(storeEntries(), storeBefore);
});

test('load rejects an archive whose layer does not match the manifest, and leaves no layers', async () => {
  const layersDir = join(d.dataRoot, 'overlay2');
  const layersBefore = existsSync(layersDir) ? readdirSync(layersDir).length : 0;
  const layer = await makeTar([{ name: 'a.txt', content: 'a' }]);
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: ['sha256:' + '0'.repeat(64)] } });
  const archive = await makeTar([
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', RepoTags: ['tampered:1'], Layers: ['l/layer.tar'] }]) },
    { name: 'c.json', content: config },
    { name: 'l/layer.tar', content: layer.toString('latin1') },
  ]);
  const f = join(work, 'tampered.tar');
  writeFileSync(f, archive);
  const r = d.docker(['load', '-i', f]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.equal(d.docker(['image', 'inspect', 'tampered:1']).code, 1);
  assert.equal(existsSync(layersDir) ? readdirSync(layersDir).length : 0, layersBefore);
});
