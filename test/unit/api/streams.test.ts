import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLogBatch, frame } from '../../../src/api/streams.js';

const e = (stream: 1 | 2, text: string, newline = true) => ({ stream, rawTime: Buffer.from('2026-11-24T05:15:09.5+00:00'), text: Buffer.from(text), newline });

test('log batches become multiplexed frames without a TTY', () => {
  const out = encodeLogBatch([e(1, 'hi'), e(2, 'oops'), e(1, 'part', false)], { tty: false, stdout: true, stderr: true, timestamps: false });
  assert.deepEqual(out, Buffer.concat([frame(1, Buffer.from('hi\n')), frame(2, Buffer.from('oops\n')), frame(1, Buffer.from('part'))]));
});

test('stream selection, raw TTY output and timestamps', () => {
  const raw = encodeLogBatch([e(1, 'a'), e(2, 'b')], { tty: true, stdout: true, stderr: false, timestamps: false });
  assert.equal(raw.toString(), 'a\n');
  const ts = encodeLogBatch([e(1, 'a')], { tty: true, stdout: true, stderr: true, timestamps: true, formatTime: () => 'T' });
  assert.equal(ts.toString(), 'T a\n');
  assert.equal(encodeLogBatch([e(2, 'x')], { tty: false, stdout: true, stderr: false, timestamps: false }).length, 0);
});
