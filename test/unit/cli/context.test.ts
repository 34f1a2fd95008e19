import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerContext, displayablePorts, ellipsis } from '../../../src/cli/format/container-context.js';
import { imageRows, imageContext } from '../../../src/cli/format/image-context.js';
import { calculateEntry } from '../../../src/cli/format/stats-calc.js';
import { EscapeProxy, detachKeyBytes } from '../../../src/cli/hijack-io.js';
import { JsonMessageRenderer } from '../../../src/cli/format/jsonmessage.js';
import { filtersJson } from '../../../src/cli/filters.js';

test('ps context: truncation, quoting, names, ports', () => {
  const now = Date.now();
  const c = containerContext({
    Id: 'a'.repeat(64), Names: ['/web', '/other/alias'], Image: 'busybox', ImageID: 'sha256:' + 'b'.repeat(64),
    Command: "sh -c 'echo out1; echo err1'", Created: Math.floor(now / 1000) - 120, State: 'running', Status: 'Up 2 minutes',
    Labels: { b: '2', a: '1' },
  }, true, now);
  assert.equal(c.ID(), 'a'.repeat(12));
  assert.equal(c.Command(), '"sh -c \'echo out1; e…"');
  assert.equal(c.Names(), 'web');
  assert.equal(c.RunningFor(), '2 minutes ago');
  assert.equal(c.Labels(), 'a=1,b=2');
  assert.equal(ellipsis('abc', 3), 'abc');
  assert.equal(displayablePorts([
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { PrivatePort: 9000, Type: 'tcp' }, { PrivatePort: 9001, Type: 'tcp' },
  ]), '9000-9001/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp');
});

test('images rows: tags, dangling, digests', () => {
  assert.deepEqual(imageRows({ Id: 'sha256:1', RepoTags: ['busybox:latest', 'docker.io/library/bb:v1'] }, false).map((r) => `${r.repo}:${r.tag}`), ['busybox:latest', 'bb:v1']);
  assert.deepEqual(imageRows({ Id: 'sha256:1', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] }, false), [{ repo: '<none>', tag: '<none>', digest: '<none>' }]);
  const img = { Id: 'sha256:' + 'c'.repeat(64), Size: 1983000, Created: 0, SharedSize: -1, Containers: -1 };
  const ctx = imageContext(img, { repo: 'busybox', tag: 'latest', digest: '<none>' }, true);
  assert.equal(ctx.ID(), 'c'.repeat(12));
  assert.equal(ctx.Size(), '1.98MB');
  assert.equal(ctx.SharedSize(), 'N/A');
});

test('stats arithmetic', () => {
  const e = calculateEntry({
    cpu_stats: { cpu_usage: { total_usage: 2_000_000 }, system_cpu_usage: 110_000_000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 100_000_000 },
    memory_stats: { usage: 10_000_000, limit: 100_000_000, stats: { total_inactive_file: 2_000_000 } },
    networks: { eth0: { rx_bytes: 1280, tx_bytes: 586 } },
    blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 4096 }, { op: 'Write', value: 8192 }] },
    pids_stats: { current: 3 },
  });
  assert.equal(e.cpuPercent.toFixed(2), '20.00');
  assert.equal(e.memory, 8_000_000);
  assert.equal(e.memoryPercent.toFixed(2), '8.00');
  assert.deepEqual([e.netRx, e.netTx, e.blockRead, e.blockWrite, e.pids], [1280, 586, 4096, 8192, 3]);
});

test('detach keys and escape proxy', () => {
  assert.deepEqual(detachKeyBytes('ctrl-p,ctrl-q'), [16, 17]);
  assert.deepEqual(detachKeyBytes('a,ctrl-@'), [97, 0]);
  const p = new EscapeProxy([16, 17]);
  assert.deepEqual(p.feed(Buffer.from([104, 16])), { forward: Buffer.from([104]), detached: false });
  assert.deepEqual(p.feed(Buffer.from([105])), { forward: Buffer.from([16, 105]), detached: false });
  assert.equal(p.feed(Buffer.from([16, 17])).detached, true);
});

test('jsonmessage: progress lines skipped off-terminal, errors raised with code', () => {
  let out = '';
  const r = new JsonMessageRenderer((s) => { out += s; }, false);
  r.render({ status: 'Pulling fs layer', progressDetail: {}, id: 'abc' });
  r.render({ status: 'Downloading', progressDetail: { current: 1, total: 10 }, id: 'abc' });
  r.render({ status: 'sha256:123' });
  r.render({ stream: 'Loaded image: x:1\n' });
  assert.equal(out, 'abc: Pulling fs layer\nsha256:123\nLoaded image: x:1\n');
  assert.throws(() => r.render({ errorDetail: { code: 9, message: 'boom' }, error: 'boom' }), (e: any) => e.code === 9 && e.message === 'boom');
});

test('filters use the map form with sorted keys', () => {
  assert.equal(filtersJson(['status=exited', 'label=a=b', 'status=created']), '{"label":{"a=b":true},"status":{"created":true,"exited":true}}');
  assert.equal(filtersJson([]), undefined);
});
