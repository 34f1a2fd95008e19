// --userns-remap pure logic: /etc/subuid parsing, dockerd's free-range choice for dockremap, mappings, ID shifting,
// plus resolveRemap against temporary passwd/group/subuid/subgid files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseSubIds, rangesFor, pickFreeRange, pickFreeRangeBoth, toMappings, toHost, toContainer, parseRemapFlag, subIdLine,
} from '../../../src/lib/subid.js';
import { resolveRemap } from '../../../src/engine/userns.js';
import { loadConfig } from '../../../src/daemon/config-load.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as never;

test('parseSubIds skips comments, blanks, malformed and empty ranges', () => {
  const r = parseSubIds('# c\n\nalice:100000:65536\nbad line\nbob:x:1\ncarol:200000:0\n1001:300000:10\n');
  assert.deepEqual(r, [{ name: 'alice', start: 100000, length: 65536 }, { name: '1001', start: 300000, length: 10 }]);
  assert.deepEqual(rangesFor(r, 'bob', 1001).map((x) => x.start), [300000]);
  assert.deepEqual(rangesFor(r, 'alice', undefined).map((x) => x.start), [100000]);
});

test('pickFreeRange: 100000 on empty files, first gap of 65536 above the existing ranges', () => {
  assert.equal(pickFreeRange([]), 100000);
  assert.equal(pickFreeRange(parseSubIds('a:100000:65536\n')), 165536);
  // a gap too small is skipped, a big enough one is used
  assert.equal(pickFreeRange(parseSubIds('a:100000:65536\nb:170000:65536\n')), 235536);
  assert.equal(pickFreeRange(parseSubIds('a:100000:65536\nb:300000:65536\n')), 165536);
  // ranges below the default start do not matter; unsorted input is fine
  assert.equal(pickFreeRange(parseSubIds('z:231072:65536\nlow:1000:500\na:100000:65536\n')), 165536);
  // overlapping the start from below
  assert.equal(pickFreeRange(parseSubIds('x:50000:60000\n')), 110000);
  // both files at once (same numbers in /etc/subuid and /etc/subgid, as dockerd gives dockremap)
  assert.equal(pickFreeRangeBoth(parseSubIds('a:100000:65536\n'), parseSubIds('g:165536:65536\n')), 231072);
  assert.equal(subIdLine('dockremap', 165536), 'dockremap:165536:65536\n');
});

test('mappings and ID shifting', () => {
  const maps = toMappings(parseSubIds('u:200000:1000\nu:100000:65536\n'));
  assert.deepEqual(maps, [{ containerID: 0, hostID: 100000, size: 65536 }, { containerID: 65536, hostID: 200000, size: 1000 }]);
  assert.equal(toHost(0, maps), 100000);
  assert.equal(toHost(65535, maps), 165535);
  assert.equal(toHost(65536, maps), 200000);
  assert.throws(() => toHost(66536, maps), /Container ID 66536 cannot be mapped to a host ID/);
  assert.equal(toContainer(100005, maps), 5);
  assert.equal(toContainer(5, maps), undefined);
});

test('parseRemapFlag', () => {
  assert.deepEqual(parseRemapFlag('default'), { user: 'default', group: undefined });
  assert.deepEqual(parseRemapFlag('1000:1000'), { user: '1000', group: '1000' });
  assert.throws(() => parseRemapFlag('a:b:c'), /Invalid userns remap flag: a:b:c/);
  assert.throws(() => parseRemapFlag(':x'), /Invalid userns remap flag/);
});

test('--userns-remap flag and daemon.json key', () => {
  assert.equal(loadConfig(['--userns-remap', 'default', '--config-file', '/dev/null']).config.usernsRemap, 'default');
  const dir = mkdtempSync(join(tmpdir(), 'berth-subid-'));
  try {
    const f = join(dir, 'daemon.json');
    writeFileSync(f, JSON.stringify({ 'userns-remap': 'alice:staff' }));
    assert.equal(loadConfig(['--config-file', f]).config.usernsRemap, 'alice:staff');
    assert.equal(loadConfig(['--config-file', '/dev/null']).config.usernsRemap, '');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('resolveRemap reads a named user\'s ranges (by name or uid) and reports missing ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-subid-'));
  const files = { passwd: join(dir, 'passwd'), group: join(dir, 'group'), subuid: join(dir, 'subuid'), subgid: join(dir, 'subgid') };
  // names that getent will not know, so the files are what is read
  writeFileSync(files.passwd, 'berthzz9a:x:64001:64001::/:/bin/false\nberthzz9b:x:64002:64002::/:/bin/false\n');
  writeFileSync(files.group, 'berthzz9a:x:64001:\nberthzz9g:x:64005:\n');
  writeFileSync(files.subuid, 'berthzz9a:400000:65536\n64002:500000:65536\n');
  writeFileSync(files.subgid, 'berthzz9a:410000:65536\nberthzz9g:600000:1000\n');
  try {
    const a = await resolveRemap('berthzz9a', quiet, files);
    assert.deepEqual([a.user, a.group, a.rootUid, a.rootGid], ['berthzz9a', 'berthzz9a', 400000, 410000]);
    assert.deepEqual(a.uidMaps, [{ containerID: 0, hostID: 400000, size: 65536 }]);
    const g = await resolveRemap('64001:berthzz9g', quiet, files);
    assert.deepEqual([g.user, g.group, g.rootUid, g.rootGid], ['berthzz9a', 'berthzz9g', 400000, 600000]);
    // ranges listed under the numeric uid count too; no subgid range for its group is an error
    await assert.rejects(resolveRemap('berthzz9b', quiet, files), /no subgid ranges found for group "berthzz9b"/);
    await assert.rejects(resolveRemap('nosuchuserzz9', quiet, files), /user not found/);
    writeFileSync(files.subuid, '');
    await assert.rejects(resolveRemap('berthzz9a', quiet, files), /no subuid ranges found for user "berthzz9a"/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
