// IPAM through a real daemon: --default-address-pool, skipping ranges routed on the host (other daemons'
// bridges look just like this blackhole route), config-only/config-from, and subnets kept across a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let base = '';

function freeSlash16(): string {
  const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 200; i++) {
    const n = (process.pid + i) % 200 + 20;
    if (!routes.includes(`10.${n}.`)) return `10.${n}`;
  }
  throw new Error('no free 10.x/16');
}

before(async () => {
  base = freeSlash16();
  d = await startDaemon({ extraArgs: ['--default-address-pool', `base=${base}.0.0/16,size=24`] });
});
after(async () => {
  spawnSync('ip', ['route', 'del', 'blackhole', `${base}.1.0/24`]);
  await d?.destroy();
});

const subnet = (n: string) => JSON.parse(d.docker(['network', 'inspect', n]).stdout)[0].IPAM.Config[0].Subnet as string;

test('pools: daemon option, host routes skipped, restart keeps subnets, config-only/config-from', async () => {
  assert.equal(d.docker(['network', 'create', 'p0']).code, 0);
  assert.equal(subnet('p0'), `${base}.0.0/24`);
  // Something else on the host (another daemon's bridge, a VPN) routes the next /24: it is skipped.
  assert.equal(spawnSync('ip', ['route', 'add', 'blackhole', `${base}.1.0/24`]).status, 0);
  assert.equal(d.docker(['network', 'create', 'p1']).code, 0);
  assert.equal(subnet('p1'), `${base}.2.0/24`);
  const r = d.docker(['run', '-d', '--name', 'pc', '--network', 'p1', 'busybox', 'sleep', '300']);
  assert.equal(r.code, 0, r.stderr);
  const ip = d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "p1").IPAddress}}', 'pc']).stdout.trim();
  assert.equal(ip, `${base}.2.2`);
  await d.stop();
  await d.start();
  assert.equal(subnet('p0'), `${base}.0.0/24`);
  assert.equal(subnet('p1'), `${base}.2.0/24`);
  // A container started again after the restart gets an address from the same network.
  assert.equal(d.docker(['start', 'pc']).code, 0);
  assert.match(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "p1").IPAddress}}', 'pc']).stdout, new RegExp(`^${base.replace('.', '\\.')}\\.2\\.\\d+`));
  assert.equal(d.docker(['rm', '-f', 'pc']).code, 0);
  // config-only holds the address plan; config-from networks use it.
  assert.equal(d.docker(['network', 'create', '--config-only', '--subnet', `${base}.9.0/24`, '--gateway', `${base}.9.254`, 'cfg']).code, 0);
  const run = d.docker(['run', '--rm', '--network', 'cfg', 'busybox', 'true']);
  assert.match(run.stderr, /config-only network and cannot be used/);
  assert.equal(d.docker(['network', 'create', '--config-from', 'cfg', 'fromcfg']).code, 0);
  const j = JSON.parse(d.docker(['network', 'inspect', 'fromcfg']).stdout)[0];
  assert.deepEqual(j.IPAM.Config, [{ Subnet: `${base}.9.0/24`, Gateway: `${base}.9.254` }]);
  assert.equal(j.ConfigFrom.Network, 'cfg');
  assert.match(d.docker(['network', 'rm', 'cfg']).stderr, /configuration network "cfg" is in use/);
  assert.equal(d.docker(['network', 'rm', 'fromcfg', 'cfg', 'p0', 'p1']).code, 0);
});
