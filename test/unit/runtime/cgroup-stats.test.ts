// Stats parsing for both cgroup layouts from file contents (this host has no pure v2 hierarchy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseV1Stats, parseV2Stats, parseProcStat, parseMemTotal, procsFile } from '../../../src/runtime/cgroup-stats.js';

const HOST_MEM = 4 * 1024 ** 3;

test('v1 files', () => {
  const s = parseV1Stats({
    'cpu/cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 3000\n',
    'cpuacct/cpuacct.usage': '123456789\n',
    'cpuacct/cpuacct.stat': 'user 7\nsystem 3\n',
    'cpuacct/cpuacct.usage_percpu': '100000000 23456789 \n',
    'memory/memory.usage_in_bytes': '2097152\n',
    'memory/memory.max_usage_in_bytes': '4194304\n',
    'memory/memory.limit_in_bytes': '9223372036854771712\n',
    'memory/memory.stat': 'cache 4096\nrss 8192\ntotal_inactive_file 4096\n',
    'pids/pids.current': '3\n',
    'pids/pids.max': 'max\n',
    'blkio/blkio.throttle.io_service_bytes': '8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n',
  }, HOST_MEM);
  assert.equal(s.cpuTotal, 123456789);
  assert.equal(s.cpuUser, 70_000_000);
  assert.equal(s.cpuKernel, 30_000_000);
  assert.deepEqual(s.percpu, [100000000, 23456789]);
  assert.deepEqual(s.throttling, { periods: 10, throttled_periods: 2, throttled_time: 3000 });
  assert.equal(s.memUsage, 2097152);
  assert.equal(s.memMaxUsage, 4194304);
  assert.equal(s.memLimit, HOST_MEM, 'unlimited shows host memory');
  assert.deepEqual(s.memStats, { cache: 4096, rss: 8192, total_inactive_file: 4096 });
  assert.equal(s.pids, 3);
  assert.equal(s.pidsLimit, undefined);
  assert.deepEqual(s.blkio, [
    { major: 8, minor: 0, op: 'Read', value: 4096 },
    { major: 8, minor: 0, op: 'Write', value: 512 },
    { major: 8, minor: 0, op: 'Total', value: 4608 },
  ]);
});

test('v2 files', () => {
  const s = parseV2Stats({
    'cpu.stat': 'usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 4\nnr_throttled 1\nthrottled_usec 70\n',
    'memory.current': '1048576\n',
    'memory.peak': '2097152\n',
    'memory.max': '67108864\n',
    'memory.stat': 'anon 4096\nfile 8192\ninactive_file 1024\n',
    'pids.current': '2\n',
    'pids.max': '100\n',
    'io.stat': '8:0 rbytes=4096 wbytes=1024 rios=1 wios=2 dbytes=0 dios=0\n',
  }, HOST_MEM);
  assert.equal(s.cpuTotal, 5_000_000);
  assert.equal(s.cpuUser, 3_000_000);
  assert.equal(s.cpuKernel, 2_000_000);
  assert.deepEqual(s.throttling, { periods: 4, throttled_periods: 1, throttled_time: 70_000 });
  assert.equal(s.memUsage, 1048576);
  assert.equal(s.memMaxUsage, 2097152);
  assert.equal(s.memLimit, 67108864);
  assert.deepEqual(s.memStats, { anon: 4096, file: 8192, inactive_file: 1024 });
  assert.equal(s.pids, 2);
  assert.equal(s.pidsLimit, 100);
  assert.deepEqual(s.blkio, [{ major: 8, minor: 0, op: 'read', value: 4096 }, { major: 8, minor: 0, op: 'write', value: 1024 }]);
  assert.equal(parseV2Stats({ 'memory.max': 'max\n' }, HOST_MEM).memLimit, HOST_MEM);
});

test('/proc/stat, /proc/meminfo and the procs file', () => {
  const r = parseProcStat('cpu  100 0 50 800 10 0 5 0 0 0\ncpu0 50 0 25 400 5 0 3 0 0 0\ncpu1 50 0 25 400 5 0 2 0 0 0\nintr 1\n');
  assert.equal(r.systemCpu, 965 * 1e7);
  assert.equal(r.onlineCpus, 2);
  assert.equal(parseMemTotal('MemTotal:        2000 kB\nMemFree: 1 kB\n'), 2000 * 1024);
  assert.equal(procsFile({ '': '/sys/fs/cgroup/x' }), '/sys/fs/cgroup/x/cgroup.procs');
  assert.equal(procsFile({ '': '/u/x', pids: '/sys/fs/cgroup/pids/x' }), '/sys/fs/cgroup/pids/x/cgroup.procs');
});
