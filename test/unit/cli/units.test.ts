import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, formatGoDuration, getTimestamp, humanDuration, humanSize, humanSizeWithPrecision, parseGoDuration, ramInBytes } from '../../../src/cli/format/units.js';
import { tabwrite } from '../../../src/cli/format/tabwriter.js';

test('go-units HumanSize and BytesSize', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(4260000), '4.26MB');
  assert.equal(humanSize(1983000), '1.983MB');
  assert.equal(humanSizeWithPrecision(1983000, 3), '1.98MB');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(bytesSize(233472), '228KiB');
  assert.equal(bytesSize(1024 * 1024 * 1.5), '1.5MiB');
});

test('go-units HumanDuration', () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1 * s), '1 second');
  assert.equal(humanDuration(59 * s), '59 seconds');
  assert.equal(humanDuration(60 * s), 'About a minute');
  assert.equal(humanDuration(119 * s), 'About a minute');
  assert.equal(humanDuration(2 * m), '2 minutes');
  assert.equal(humanDuration(59 * m), '59 minutes');
  assert.equal(humanDuration(60 * m), 'About an hour');
  assert.equal(humanDuration(89 * m), 'About an hour');
  assert.equal(humanDuration(2 * h), '2 hours');
  assert.equal(humanDuration(47 * h), '47 hours');
  assert.equal(humanDuration(3 * d), '3 days');
  assert.equal(humanDuration(15 * d), '2 weeks');
  assert.equal(humanDuration(70 * d), '2 months');
  assert.equal(humanDuration(800 * d), '2 years');
});

test('RAMInBytes and Go durations', () => {
  assert.equal(ramInBytes('512m'), 512 * 1024 * 1024);
  assert.equal(ramInBytes('1g'), 1024 ** 3);
  assert.equal(ramInBytes('100'), 100);
  assert.equal(ramInBytes('1.5GiB'), 1.5 * 1024 ** 3);
  assert.throws(() => ramInBytes('abc'));
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('500ms'), 500e6);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10'));
  assert.equal(formatGoDuration(90e9), '1m30s');
  assert.equal(formatGoDuration(10e9), '10s');
});

test('getTimestamp: durations, unix seconds, dates', () => {
  assert.equal(getTimestamp('30s', 1_000_000_000_000), '999999970.000000000');
  assert.equal(getTimestamp('1795496056'), '1795496056');
  assert.equal(getTimestamp('2026-11-24T05:15:09Z'), `${Date.parse('2026-11-24T05:15:09Z') / 1000}.000000000`);
});

test('tabwriter: minwidth 10, padding 3, last cell not aligned', () => {
  assert.equal(tabwrite('A\tBB\tC\nlonger-cell\tx\ty\n'), 'A             BB        C\nlonger-cell   x         y\n');
  // Column blocks: a line with fewer cells ends the block.
  assert.equal(tabwrite('a\tb\nc\nlong-long-long\td\n'), 'a         b\nc\nlong-long-long   d\n');
  assert.equal(tabwrite(' Version:\t1\n', { minWidth: 20, padding: 1 }), ' Version:           1\n');
});
