// The default bridge end to end on the real kernel: namespaces, veths, addresses, nftables and reconcile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetworkService } from '../../../src/network/index.js';
import type { NetworkService, SandboxInfo } from '../../../src/network/types.js';
import { vethNameFor } from '../../../src/network/bridge-link.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { run } from '../../../src/lib/exec-file.js';
import { containerId, isRoot, linkExists, makeEnv, mountedAt, nsRun, type TestEnv } from './helpers.js';

const skip = !isRoot() && 'needs root';
let env: TestEnv;
let svc: NetworkService;

const req = (id: string, extra: Record<string, unknown> = {}) => ({
  containerId: id, containerName: `c${id.slice(0, 4)}`, hostname: id.slice(0, 12), mode: 'default',
  containerDir: join(env.root, 'containers', id), ...extra,
});

before(async () => {
  if (skip) return;
  env = await makeEnv('b', 1);
  svc = createNetworkService({ config: env.config, logger: silentLogger });
  await svc.init(new Set());
});

after(async () => {
  if (skip) return;
  await svc.shutdown().catch(() => undefined);
  await env.cleanup();
});

test('init creates the bridge with the gateway address and a private netns directory', { skip }, async () => {
  const addr = (await run('ip', ['-4', '-o', 'addr', 'show', 'dev', env.config.bridge])).stdout;
  assert.match(addr, new RegExp(env.config.bip.replace(/\./g, '\\.')));
  const netnsDir = join(env.config.execRoot, 'netns');
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === netnsDir);
  assert.ok(line, 'netns dir is a mount point');
  assert.doesNotMatch(line!, /shared:/);
  assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), '1');
});

test('the nft table masquerades the bridge subnet and a second init does not duplicate rules', { skip }, async () => {
  const list = async () => (await run('nft', ['list', 'table', 'inet', env.config.firewallTable])).stdout;
  const first = await list();
  const subnet = env.config.bip.replace(/\.1\/24$/, '.0/24');
  assert.match(first, new RegExp(`ip saddr ${subnet.replace(/\./g, '\\.')} oifname != "${env.config.bridge}" masquerade`));
  const again = createNetworkService({ config: env.config, logger: silentLogger });
  await again.init();
  await again.init();
  const second = await list();
  assert.equal(second, first);
  assert.equal(second.match(/oifname != "[^"]+" masquerade/g)?.length, 1);
  assert.equal(second.match(/chain /g)?.length, 6);
});

test('two sandboxes get distinct addresses, reach each other and the bridge', { skip }, async () => {
  const a = await svc.attach(req(containerId(1)));
  const b = await svc.attach(req(containerId(2)));
  const ea = a.endpoints[0]!;
  const eb = b.endpoints[0]!;
  assert.notEqual(ea.ipAddress, eb.ipAddress);
  assert.equal(ea.gateway, env.config.bip.split('/')[0]);
  assert.equal(ea.ipPrefixLen, 24);
  const bytes = ea.ipAddress.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join(':');
  assert.equal(ea.macAddress, `02:42:${bytes}`);
  assert.equal(a.netnsPath, join(env.config.execRoot, 'netns', containerId(1)));
  assert.ok(mountedAt(a.netnsPath));

  const ping = async (ns: string, ip: string) => {
    const r = await nsRun(ns, ['busybox', 'ping', '-c1', '-W2', ip]);
    assert.equal(r.code, 0, `ping ${ip}: ${r.stdout}${r.stderr}`);
  };
  await ping(a.netnsPath, eb.ipAddress);
  await ping(b.netnsPath, ea.ipAddress);
  await ping(a.netnsPath, ea.gateway);

  const link = (await nsRun(a.netnsPath, ['ip', '-o', 'link', 'show', 'eth0'])).stdout;
  assert.match(link, /mtu 1500/);
  assert.match(link, new RegExp(ea.macAddress));
  assert.match((await nsRun(a.netnsPath, ['ip', 'route'])).stdout, new RegExp(`default via ${ea.gateway.replace(/\./g, '\\.')} dev eth0`));
  assert.match((await nsRun(a.netnsPath, ['ip', '-o', 'link', 'show', 'lo'])).stdout, /UP/);
  assert.ok(linkExists(vethNameFor(env.config.bridge, containerId(1))));

  const hosts = readFileSync(a.hostsPath, 'utf8');
  assert.match(hosts, /^127\.0\.0\.1\tlocalhost\n/);
  assert.ok(hosts.endsWith(`${ea.ipAddress}\t${containerId(1).slice(0, 12)}\n`));
  assert.equal(readFileSync(a.hostnamePath, 'utf8'), `${containerId(1).slice(0, 12)}\n`);
  assert.match(readFileSync(a.resolvConfPath, 'utf8'), /^nameserver /m);

  const net = svc.get('bridge');
  assert.equal(Object.keys(net.containers).length, 2);
  assert.equal(net.containers[containerId(1)]!.ipAddress, ea.ipAddress);
  await svc.detach(containerId(1));
  await svc.detach(containerId(2));
});

test('detach removes veth, namespace mount and allocation, and is idempotent', { skip }, async () => {
  const id = containerId(3);
  const s = await svc.attach(req(id));
  const veth = vethNameFor(env.config.bridge, id);
  await svc.detach(id);
  assert.equal(linkExists(veth), false);
  assert.equal(mountedAt(s.netnsPath), false);
  assert.equal(existsSync(s.netnsPath), false);
  assert.equal(existsSync(join(env.config.dataRoot, 'network', 'endpoints', `${id}.json`)), false);
  assert.equal(svc.get('bridge').containers[id], undefined);
  await svc.detach(id);
  await svc.detach(containerId(999));
});

test('allocations survive a restart; stale sandboxes are removed by init', { skip }, async () => {
  const live = containerId(4);
  const dead = containerId(5);
  const sl = await svc.attach(req(live));
  const sd = await svc.attach(req(dead));
  const restarted = createNetworkService({ config: env.config, logger: silentLogger });
  await restarted.init(new Set([live]));
  assert.equal(mountedAt(sd.netnsPath), false);
  assert.equal(linkExists(vethNameFor(env.config.bridge, dead)), false);
  assert.ok(mountedAt(sl.netnsPath));
  assert.equal(restarted.get('bridge').containers[live]!.ipAddress, sl.endpoints[0]!.ipAddress);
  assert.equal(restarted.get('bridge').id, svc.get('bridge').id);
  const next = await restarted.attach(req(containerId(6)));
  assert.notEqual(next.endpoints[0]!.ipAddress, sl.endpoints[0]!.ipAddress);
  const r = await nsRun(next.netnsPath, ['busybox', 'ping', '-c1', '-W2', sl.endpoints[0]!.ipAddress]);
  assert.equal(r.code, 0);
  await restarted.detach(live);
  await restarted.detach(containerId(6));
  // Re-adopt in the first instance's view so its shutdown does not try the same again.
  await svc.init(new Set());
});

test('host, none and container modes', { skip }, async () => {
  const h = await svc.attach(req(containerId(7), { mode: 'host', extraHosts: ['db:10.1.2.3', 'gw:host-gateway'] }));
  assert.equal(h.netnsPath, 'host');
  assert.equal(h.endpoints[0]!.networkName, 'host');
  const hosts = readFileSync(h.hostsPath, 'utf8');
  assert.ok(hosts.startsWith(readFileSync('/etc/hosts', 'utf8').replace(/\n?$/, '\n')));
  assert.match(hosts, /10\.1\.2\.3\tdb\n/);
  assert.match(hosts, new RegExp(`${env.config.bip.split('/')[0]!.replace(/\./g, '\\.')}\tgw\n`));

  const n = await svc.attach(req(containerId(8), { mode: 'none' }));
  const links = (await nsRun(n.netnsPath, ['ip', '-o', 'link'])).stdout.trim().split('\n');
  assert.equal(links.length, 1);
  assert.match(links[0]!, /lo: .*UP/);

  const shared: SandboxInfo = n;
  const c = await svc.attach(req(containerId(9), { mode: `container:${containerId(8)}`, sharedWith: shared }));
  assert.deepEqual(c, n);
  await svc.detach(containerId(9));
  assert.ok(mountedAt(n.netnsPath), 'detaching the sharer leaves the owner alone');
  for (const id of [7, 8]) await svc.detach(containerId(id));
  assert.equal(existsSync(n.netnsPath), false);
  await assert.rejects(svc.attach(req(containerId(10), { mode: 'mynet' })), /network mynet not found/);
});

test('a failure half-way through attach leaves nothing behind', { skip }, async () => {
  // A second daemon whose bridge vanishes after init: the namespace and both veth ends exist by the time
  // enslaving the host end fails.
  const other = await makeEnv('f', 3);
  try {
    const failing = createNetworkService({ config: other.config, logger: silentLogger });
    await failing.init(new Set());
    await run('ip', ['link', 'del', other.config.bridge]);
    const id = containerId(11);
    await assert.rejects(failing.attach(req(id)), new RegExp(`${other.config.bridge}`));
    assert.equal(linkExists(vethNameFor(other.config.bridge, id)), false);
    assert.equal(existsSync(join(other.config.execRoot, 'netns', id)), false);
    assert.equal(existsSync(join(other.config.dataRoot, 'network', 'endpoints', `${id}.json`)), false);
    assert.deepEqual(failing.get('bridge').containers, {});
    // init repairs the bridge; the address went back, so the retry gets the first host address again.
    await failing.init(new Set());
    const ok = await failing.attach(req(id));
    assert.equal(ok.endpoints[0]!.ipAddress, other.config.bip.replace(/\.1\/24$/, '.2'));
    await failing.shutdown();
    assert.equal(linkExists(other.config.bridge), false);
    assert.equal(existsSync(ok.netnsPath), false);
  } finally {
    await other.cleanup();
  }
});
