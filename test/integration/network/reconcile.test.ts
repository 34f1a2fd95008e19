// Start-up edge cases on the real kernel: shared mount propagation, pools, no firewall, outbound NAT,
// orphans left by a crash, and adopting a live sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetworkService } from '../../../src/network/index.js';
import { vethNameFor } from '../../../src/network/bridge-link.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { run } from '../../../src/lib/exec-file.js';
import { containerId, freeSubnet, isRoot, linkExists, makeEnv, mountedAt, nsRun } from './helpers.js';

const skip = !isRoot() && 'needs root';
const req = (root: string, id: string, mode = 'default') => ({
  containerId: id, containerName: 'n', hostname: 'h', mode, containerDir: join(root, 'containers', id),
});

test('works when the exec root sits on a shared mount (as on systemd hosts)', { skip }, async () => {
  const env = await makeEnv('s', 4);
  try {
    await fs.mkdir(env.config.execRoot, { recursive: true });
    await run('mount', ['--bind', '--make-shared', env.config.execRoot, env.config.execRoot]);
    const line = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === join(env.config.execRoot, 'netns'));
    const svc = createNetworkService({ config: env.config, logger: silentLogger });
    await svc.init(new Set());
    assert.ok(line(), 'netns dir became its own mount');
    assert.doesNotMatch(line()!, /shared:/);
    const s = await svc.attach(req(env.root, containerId(1)));
    assert.ok(mountedAt(s.netnsPath));
    // A second init finds the private mount and leaves it as it is (no stacking).
    await svc.init(new Set([containerId(1)]));
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === join(env.config.execRoot, 'netns')).length, 1);
    await svc.shutdown();
    assert.equal(existsSync(s.netnsPath), false);
  } finally {
    await env.cleanup();
  }
});

test('without --bip the first default pool no route overlaps is chosen, and kept across restarts', { skip }, async () => {
  const env = await makeEnv('p', 5);
  const taken = await makeEnv('o', 6);
  try {
    const takenSvc = createNetworkService({ config: taken.config, logger: silentLogger });
    await takenSvc.init(new Set());
    const busy = taken.config.bip.replace(/\.1\/24$/, '.0/24');
    const freeN = await freeSubnet(7);
    const config = { ...env.config, bip: '', defaultAddressPools: [{ base: busy, size: 24 }, { base: `172.29.${freeN}.0/24`, size: 24 }] };
    const svc = createNetworkService({ config, logger: silentLogger });
    await svc.init(new Set());
    assert.equal(svc.get('bridge').subnet, `172.29.${freeN}.0/24`);
    assert.equal(svc.get('bridge').gateway, `172.29.${freeN}.1`);
    // Restart: our own bridge's route must not count as a conflict with our own subnet.
    const again = createNetworkService({ config, logger: silentLogger });
    await again.init(new Set());
    assert.equal(again.get('bridge').subnet, `172.29.${freeN}.0/24`);
    await again.shutdown();
    await takenSvc.shutdown();
  } finally {
    await env.cleanup();
    await taken.cleanup();
  }
});

test('iptables=false installs no table; the sandbox still reaches the bridge', { skip }, async () => {
  const env = await makeEnv('n', 8, { iptables: false });
  try {
    const svc = createNetworkService({ config: env.config, logger: silentLogger });
    await svc.init(new Set());
    const r = await run('nft', ['list', 'table', 'inet', env.config.firewallTable], { allowFail: true });
    assert.notEqual(r.code, 0);
    const s = await svc.attach(req(env.root, containerId(2)));
    assert.equal((await nsRun(s.netnsPath, ['busybox', 'ping', '-c1', '-W2', s.endpoints[0]!.gateway])).code, 0);
    await svc.shutdown();
  } finally {
    await env.cleanup();
  }
});

test('outbound traffic is masqueraded (reaches the host\'s upstream gateway)', { skip }, async (t) => {
  const routes = JSON.parse((await run('ip', ['-j', '-4', 'route', 'show', 'default'])).stdout || '[]') as Array<{ gateway?: string }>;
  const gw = routes[0]?.gateway;
  if (!gw || (await run('busybox', ['ping', '-c1', '-W2', gw], { allowFail: true })).code !== 0) {
    t.skip('the host cannot ping its own gateway');
    return;
  }
  const env = await makeEnv('m', 9);
  try {
    const svc = createNetworkService({ config: env.config, logger: silentLogger });
    await svc.init(new Set());
    const s = await svc.attach(req(env.root, containerId(3)));
    const r = await nsRun(s.netnsPath, ['busybox', 'ping', '-c1', '-W3', gw]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await svc.shutdown();
  } finally {
    await env.cleanup();
  }
});

test('init removes orphans a crash left behind and adopt() re-registers a live sandbox', { skip }, async () => {
  const env = await makeEnv('r', 10);
  try {
    const svc = createNetworkService({ config: env.config, logger: silentLogger });
    await svc.init(new Set());
    const live = await svc.attach(req(env.root, containerId(4)));
    const dead = await svc.attach(req(env.root, containerId(5)));
    // Orphans no record explains: a namespace file and a veth on our bridge with our naming.
    const strayNs = join(env.config.execRoot, 'netns', containerId(6));
    await fs.writeFile(strayNs, '');
    await run('unshare', [`--net=${strayNs}`, 'true']);
    const strayVeth = vethNameFor(env.config.bridge, containerId(7));
    await run('ip', ['link', 'add', strayVeth, 'master', env.config.bridge, 'type', 'veth', 'peer', 'name', `${strayVeth.slice(0, 12)}p`]);
    // The endpoint record of the live container is lost: adopt() must bring it back from the sandbox.
    await fs.rm(join(env.config.dataRoot, 'network', 'endpoints', `${containerId(4)}.json`));

    const restarted = createNetworkService({ config: env.config, logger: silentLogger });
    await restarted.init(new Set([containerId(4)]));
    assert.equal(existsSync(strayNs), false);
    assert.equal(linkExists(strayVeth), false);
    assert.equal(existsSync(dead.netnsPath), false);
    assert.equal(linkExists(vethNameFor(env.config.bridge, containerId(5))), false);
    // Live by the engine's word, so kept although its record is gone; adopt() restores the bookkeeping.
    assert.ok(mountedAt(live.netnsPath));
    assert.ok(linkExists(vethNameFor(env.config.bridge, containerId(4))));
    await restarted.adopt(containerId(4), live);
    assert.ok(existsSync(join(env.config.dataRoot, 'network', 'endpoints', `${containerId(4)}.json`)));
    assert.equal((await nsRun(live.netnsPath, ['busybox', 'ping', '-c1', '-W2', live.endpoints[0]!.gateway])).code, 0);
    assert.equal(restarted.get('bridge').containers[containerId(4)]!.ipAddress, live.endpoints[0]!.ipAddress);
    const next = await restarted.attach(req(env.root, containerId(8)));
    assert.notEqual(next.endpoints[0]!.ipAddress, live.endpoints[0]!.ipAddress);
    await restarted.shutdown();
    assert.equal(linkExists(env.config.bridge), false);
    const r = await run('nft', ['list', 'table', 'inet', env.config.firewallTable], { allowFail: true });
    assert.notEqual(r.code, 0);
  } finally {
    await env.cleanup();
  }
});
