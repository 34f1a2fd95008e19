import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLine, parseTime, formatTimestamp, readLog } from '../../../src/engine/containers/log-reader.js';

test('parses conmon k8s-file lines', () => {
  const e = parseLine(Buffer.from('2026-11-24T05:15:09.708902959+00:00 stderr F oops'), true)!;
  assert.equal(e.stream, 2);
  assert.equal(e.text.toString(), 'oops');
  assert.equal(e.newline, true);
  assert.equal(Math.floor(e.time!), Date.parse('2026-11-24T05:15:09Z') / 1000);
  const p = parseLine(Buffer.from('2026-11-24T05:15:09.7+00:00 stdout P part'), false)!;
  assert.equal(p.stream, 1);
  assert.equal(p.text.toString(), 'part');
  assert.equal(p.newline, false);
  const empty = parseLine(Buffer.from('2026-11-24T05:15:09.7+00:00 stdout F '), false)!;
  assert.equal(empty.text.toString(), '');
});

test('times convert to UTC RFC3339Nano', () => {
  assert.equal(formatTimestamp(Buffer.from('2026-11-24T05:15:09.708902950+00:00')), '2026-11-24T05:15:09.70890295Z');
  assert.equal(formatTimestamp(Buffer.from('2026-11-24T07:15:09.5+02:00')), '2026-11-24T05:15:09.5Z');
  assert.equal(parseTime('2026-11-24T07:15:09+02:00'), Date.parse('2026-11-24T05:15:09Z') / 1000);
});

test('tail counts entries from the end; since/until filter by time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logtest-'));
  const p = join(dir, 'c.log');
  const lines = [];
  for (let i = 0; i < 10; i++) lines.push(`2026-11-24T05:15:${String(10 + i).padStart(2, '0')}.000000000+00:00 ${i % 2 ? 'stderr' : 'stdout'} F l${i}`);
  writeFileSync(p, lines.join('\n') + '\n');
  const collect = async (o: Partial<Parameters<typeof readLog>[1]>) => {
    const out: string[] = [];
    for await (const b of readLog(p, { follow: false, tail: -1, since: 0, until: 0, signal: new AbortController().signal, ...o })) for (const e of b) out.push(e.text.toString());
    return out;
  };
  assert.deepEqual(await collect({ tail: 3 }), ['l7', 'l8', 'l9']);
  assert.deepEqual(await collect({ tail: 0 }), []);
  assert.equal((await collect({})).length, 10);
  const t = Date.parse('2026-11-24T05:15:15Z') / 1000;
  assert.deepEqual(await collect({ since: t, until: t + 1 }), ['l5', 'l6']);
  rmSync(dir, { recursive: true });
});
