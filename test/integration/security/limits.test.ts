// Resource limits, update, OOM reporting and stats through the real docker CLI on this host's cgroup v1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmdirSync } from 'node:fs';
import { startDaemon, sleep, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon({ extraArgs: ['--default-ulimit', 'nproc=1000:2000'] }); });
after(async () => { await d?.destroy(); });

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const cg = (ctl: string, id: string, file: string) => readFileSync(`/sys/fs/cgroup/${ctl}/${cgParent()}/${id}/${file}`, 'utf8').trim();
const cgParent = () => d.args[d.args.indexOf('--cgroup-parent') + 1]!;

test('limits land in the cgroup and the container: memory, swap, cpus, shares, cpuset, pids, shm, ulimits, sysctl', () => {
  const id = ok(d.docker(['run', '-d', '--memory', '64m', '--memory-swap', '128m', '--memory-reservation', '32m', '--memory-swappiness', '10',
    '--cpus', '0.5', '--cpu-shares', '512', '--cpuset-cpus', '0', '--pids-limit', '50', '--shm-size', '8m', '--ulimit', 'nofile=1024:2048',
    '--sysctl', 'net.ipv4.ip_forward=1', '--oom-score-adj', '300', 'busybox', 'sleep', '60']), 'run').trim();
  assert.equal(cg('memory', id, 'memory.limit_in_bytes'), String(64 << 20));
  assert.equal(cg('memory', id, 'memory.memsw.limit_in_bytes'), String(128 << 20));
  assert.equal(cg('memory', id, 'memory.soft_limit_in_bytes'), String(32 << 20));
  assert.equal(cg('memory', id, 'memory.swappiness'), '10');
  assert.equal(cg('cpu', id, 'cpu.cfs_quota_us'), '50000');
  assert.equal(cg('cpu', id, 'cpu.shares'), '512');
  assert.equal(cg('cpuset', id, 'cpuset.cpus'), '0');
  assert.equal(cg('pids', id, 'pids.max'), '50');
  const inside = ok(d.docker(['exec', id, 'sh', '-c', 'df -k /dev/shm | tail -1; ulimit -n; ulimit -Hn; ulimit -u; cat /proc/sys/net/ipv4/ip_forward; cat /proc/self/oom_score_adj']), 'exec');
  const lines = inside.trim().split('\n');
  assert.match(lines[0]!, /\s8192\s/);
  assert.deepEqual(lines.slice(1), ['1024', '2048', '1000', '1', '300']);
  const hc = JSON.parse(ok(d.docker(['inspect', '-f', '{{json .HostConfig}}', id]), 'inspect'));
  assert.equal(hc.Memory, 64 << 20);
  assert.equal(hc.NanoCpus, 5e8);
  ok(d.docker(['rm', '-f', id]), 'rm');
});

test('docker run --memory alone gets swap = 2 × memory, as dockerd does', () => {
  const id = ok(d.docker(['create', '--memory', '32m', 'busybox', 'true']), 'create').trim();
  assert.equal(ok(d.docker(['inspect', '-f', '{{.HostConfig.MemorySwap}}', id]), 'inspect').trim(), String(64 << 20));
  ok(d.docker(['rm', id]), 'rm');
});

test('update changes limits of a running container (docker update)', () => {
  const id = ok(d.docker(['run', '-d', '--memory', '64m', '--memory-swap', '128m', '--cpus', '0.5', 'busybox', 'sleep', '60']), 'run').trim();
  ok(d.docker(['update', '--memory', '100m', '--memory-swap', '200m', '--cpus', '1', '--pids-limit', '20', '--cpu-shares', '256', id]), 'update');
  assert.equal(cg('memory', id, 'memory.limit_in_bytes'), String(100 << 20));
  assert.equal(cg('cpu', id, 'cpu.cfs_quota_us'), '100000');
  assert.equal(cg('pids', id, 'pids.max'), '20');
  assert.equal(cg('cpu', id, 'cpu.shares'), '256');
  assert.equal(ok(d.docker(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}', id]), 'inspect').trim(), `${100 << 20} 20`);
  const bad = d.docker(['update', '--memory', '300m', id]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
  ok(d.docker(['rm', '-f', id]), 'rm');
});

test('a process over --memory is OOM-killed: OOMKilled in inspect and an oom event', () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const r = d.docker(['run', '--name', 'oomer', '--memory', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'x=a; while true; do x=$x$x; done']);
  assert.equal(r.code, 137);
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', 'oomer']), 'inspect').trim(), 'true 137');
  const ev = ok(d.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=oomer', '--format', '{{.Action}}']), 'events');
  assert.match(ev, /^oom$/m);
  ok(d.docker(['rm', 'oomer']), 'rm');
});

test('--pids-limit stops a fork bomb', async () => {
  const id = ok(d.docker(['run', '-d', '--pids-limit', '20', 'busybox', 'sh', '-c', 'b() { b | b & }; b 2>/dev/null; sleep 30']), 'run').trim();
  await sleep(2000);
  const current = Number(cg('pids', id, 'pids.current'));
  const refused = Number(/max (\d+)/.exec(cg('pids', id, 'pids.events'))![1]);
  console.log(`# fork bomb under --pids-limit 20: ${current} pids, ${refused} forks refused`);
  assert.ok(current <= 20, `pids.current ${current}`);
  assert.ok(refused > 0, 'the kernel refused forks');
  ok(d.docker(['rm', '-f', id]), 'rm');
});

test('--cpus 0.5 holds a busy loop near half a core (measured)', async () => {
  const id = ok(d.docker(['run', '-d', '--cpus', '0.5', 'busybox', 'sh', '-c', 'while :; do :; done']), 'run').trim();
  const usage = () => Number(cg('cpuacct', id, 'cpuacct.usage'));
  await sleep(500);
  const u0 = usage(), t0 = process.hrtime.bigint();
  await sleep(3000);
  const share = (usage() - u0) / Number(process.hrtime.bigint() - t0);
  console.log(`# --cpus 0.5 busy loop used ${(share * 100).toFixed(1)}% of one core over 3 s`);
  assert.ok(share > 0.3 && share < 0.6, `share ${share}`);
  ok(d.docker(['rm', '-f', id]), 'rm');
});

test('stats --no-stream: the docker CLI computes its columns from our JSON', async () => {
  const id = ok(d.docker(['run', '-d', '--memory', '64m', '--name', 'st', 'busybox', 'sh', '-c', 'head -c 20000000 /dev/zero > /dev/shm/x; while :; do :; done']), 'run').trim();
  await sleep(1500);
  const out = ok(d.docker(['stats', '--no-stream', '--format', '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.MemPerc}}|{{.NetIO}}|{{.BlockIO}}|{{.PIDs}}', 'st']), 'stats');
  const [name, cpu, mem, memPerc, net, block, pids] = out.trim().split('|');
  assert.equal(name, 'st');
  assert.ok(parseFloat(cpu!) > 20, `busy loop shows CPU: ${cpu}`);
  assert.match(mem!, /MiB \/ 64MiB$/);
  assert.ok(parseFloat(memPerc!) > 0);
  assert.match(net!, /B \/ .*B/);
  assert.match(block!, /B \/ .*B/);
  assert.equal(pids, '1');
  const raw = JSON.parse((await d.api('GET', `/containers/${id}/stats?stream=false`)).body);
  for (const k of ['read', 'preread', 'cpu_stats', 'precpu_stats', 'memory_stats', 'blkio_stats', 'pids_stats', 'networks', 'name', 'id']) assert.ok(k in raw, k);
  assert.equal(raw.memory_stats.limit, 64 << 20);
  assert.ok(raw.memory_stats.stats.cache !== undefined || raw.memory_stats.stats.total_inactive_file !== undefined);
  ok(d.docker(['rm', '-f', id]), 'rm');
});

test('bad limits: malformed sizes, below the kernel minimum, conflicting options; nothing created', async () => {
  const q = d.docker(['run', '--rm', '--memory', '12q', 'busybox', 'true']);
  assert.equal(q.code, 125);
  assert.match(q.stderr, /invalid argument "12q" for "-m, --memory" flag/);
  const small = d.docker(['run', '--rm', '--memory', '1m', 'busybox', 'true']);
  assert.equal(small.code, 125);
  assert.match(small.stderr, /Minimum memory limit allowed is 6MB/);
  const cpus = d.docker(['run', '--rm', '--cpus', '64', 'busybox', 'true']);
  assert.match(cpus.stderr, /Range of CPUs is from 0.01 to \d+\.00, as there are only \d+ CPUs available/);
  const swap = d.docker(['run', '--rm', '--memory', '64m', '--memory-swap', '32m', 'busybox', 'true']);
  assert.match(swap.stderr, /Minimum memoryswap limit should be larger than memory limit, see usage/);
  const sw = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { MemorySwappiness: 101 } });
  assert.match(sw.json().message, /Invalid value: 101, valid memory swappiness range is 0-100/);
  const cs = d.docker(['run', '--rm', '--cpuset-cpus', '99', 'busybox', 'true']);
  assert.match(cs.stderr, /Requested CPUs are not available - requested 99, available: /);
  const bw = d.docker(['run', '--rm', '--blkio-weight', '5', 'busybox', 'true']);
  assert.match(bw.stderr, /Range of blkio weight is from 10 to 1000/);
  assert.equal(d.docker(['ps', '-aq']).stdout, '');
});

test('blkio weight is reported as unsupported here; throttles reach the cgroup', () => {
  const r = ok(d.docker(['create', '--blkio-weight', '300', '--device-read-bps', '/dev/vda:1mb', '--device-write-iops', '/dev/vda:100', 'busybox', 'true']), 'create');
  const id = r.trim().split('\n').pop()!;
  ok(d.docker(['start', id]), 'start');
  ok(d.docker(['rm', '-f', id]), 'rm');
  const w = d.docker(['run', '-d', '--device-read-bps', '/dev/vda:1mb', '--device-write-iops', '/dev/vda:100', 'busybox', 'sleep', '30']);
  const cid = ok(w, 'run').trim();
  assert.equal(cg('blkio', cid, 'blkio.throttle.read_bps_device'), '254:0 1048576');
  assert.equal(cg('blkio', cid, 'blkio.throttle.write_iops_device'), '254:0 100');
  ok(d.docker(['rm', '-f', cid]), 'rm');
});

test('--cgroup-parent places the container under another parent', () => {
  const id = ok(d.docker(['run', '-d', '--cgroup-parent', `${cgParent()}-alt`, 'busybox', 'sleep', '30']), 'run').trim();
  assert.ok(readFileSync(`/sys/fs/cgroup/memory/${cgParent()}-alt/${id}/cgroup.procs`, 'utf8').trim().length > 0);
  ok(d.docker(['rm', '-f', id]), 'rm');
  for (const ctl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'blkio', 'devices', 'freezer', 'systemd']) {
    try { rmdirSync(`/sys/fs/cgroup/${ctl}/${cgParent()}-alt`); } catch { /* not created for this controller */ }
  }
});
