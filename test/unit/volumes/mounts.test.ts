// Parsing of -v, --mount, --tmpfs and --volumes-from with Docker's rules and wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeTmpfsOptions, parseApiMount, parseBind, parseVolumesFrom, registerMountPoints } from '../../../src/engine/containers/mounts.js';
import { validateLocalOptions, validateVolumeName } from '../../../src/engine/volumes/names.js';

const ctx = { exists: (p: string) => p === '/exists', mountsOf: () => [] };

test('-v forms', () => {
  assert.deepEqual(parseBind('/host:/ctr:ro'), { Type: 'bind', Source: '/host', Destination: '/ctr', RW: false, Mode: 'ro', Propagation: 'rprivate', CopyData: false, Anonymous: false, CreateSource: true });
  const v = parseBind('data:/d:nocopy');
  assert.equal(v.Type, 'volume');
  assert.equal(v.Name, 'data');
  assert.equal(v.CopyData, false);
  assert.equal(parseBind('/anon').Anonymous, true);
  assert.equal(parseBind('/h:/c:rshared').Propagation, 'rshared');
  assert.throws(() => parseBind('/foo:rw'), /invalid volume specification: '\/foo:rw'/);
  assert.throws(() => parseBind('/a:/b:bogus'), /invalid mode: bogus/);
  assert.throws(() => parseBind('/a:/b:ro:rw'), /invalid volume specification/);
  assert.throws(() => parseBind('v:rel'), /invalid mount path: 'rel' mount path must be absolute/);
  assert.throws(() => parseBind('v:/'), /destination can't be '\/'/);
});

test('--mount forms and errors', () => {
  assert.throws(() => parseApiMount({ Type: 'volume', Source: 'v' }, ctx), /invalid mount config for type "volume": field Target must not be empty/);
  assert.throws(() => parseApiMount({ Type: 'bind', Source: '/missing', Target: '/x' }, ctx), /bind source path does not exist: \/missing/);
  assert.throws(() => parseApiMount({ Type: 'bind', Source: 'rel', Target: '/x' }, ctx), /invalid mount path: 'rel' mount path must be absolute/);
  assert.throws(() => parseApiMount({ Type: 'tmpfs', Source: 'x', Target: '/x' }, ctx), /field Source must not be specified/);
  assert.throws(() => parseApiMount({ Type: 'nfs', Target: '/x' }, ctx), /mount type unknown/);
  assert.throws(() => parseApiMount({ Type: 'volume', Target: '/x', BindOptions: {} }, ctx), /field BindOptions must not be specified/);
  const t = parseApiMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1 << 20, Mode: 0o1770 } }, ctx);
  assert.equal(t.TmpfsData, 'mode=1770,size=1m');
  const b = parseApiMount({ Type: 'bind', Source: '/exists', Target: '/x', ReadOnly: true, BindOptions: { NonRecursive: true } }, ctx);
  assert.equal(b.RW, false);
  assert.equal(b.NonRecursive, true);
  assert.equal(b.CreateSource, false);
});

test('registration order: volumes-from, binds, mounts, image volumes; duplicates refused', () => {
  const from = { ...parseBind('shared:/s'), Name: 'shared' };
  const mps = registerMountPoints({ VolumesFrom: ['other:ro'], Binds: ['/h:/b'], Mounts: [{ Type: 'tmpfs', Target: '/t' }], Tmpfs: { '/run': '' } },
    { '/b': {}, '/img': {}, '/run': {} }, { ...ctx, mountsOf: () => [from] });
  assert.deepEqual(mps.map((m) => `${m.Type}:${m.Destination}:${m.RW}`), ['volume:/s:false', 'bind:/b:true', 'tmpfs:/t:true', 'volume:/img:true']);
  assert.throws(() => registerMountPoints({ Binds: ['/a:/x'], Mounts: [{ Type: 'tmpfs', Target: '/x' }] }, {}, ctx), /Duplicate mount point: \/x/);
  assert.deepEqual(parseVolumesFrom('c:ro'), { ref: 'c', mode: 'ro' });
  assert.throws(() => parseVolumesFrom('c:rshared'), /invalid mode: rshared/);
});

test('tmpfs option merge, volume names and local driver options', () => {
  assert.deepEqual(mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'exec', 'size=1m', 'size=2m']), ['nosuid', 'nodev', 'exec', 'size=2m']);
  assert.throws(() => validateVolumeName('a/b'), /"a\/b" includes invalid characters for a local volume name/);
  assert.throws(() => validateVolumeName('..'), /includes invalid characters/);
  assert.throws(() => validateVolumeName('a'), /volume name is too short/);
  validateVolumeName('ok-name_1.x');
  assert.throws(() => validateLocalOptions({ foo: '1' }), /invalid option: "foo"/);
  assert.throws(() => validateLocalOptions({ type: 'tmpfs' }), /missing required option: "device"/);
  validateLocalOptions({ type: 'none', device: '/x', o: 'bind' });
});
