// Published ports through nftables DNAT: from the host (loopback and its own address) and from another
// container (hairpin through the host), ephemeral ports, conflicts, and removal on detach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { createNetworkService } from '../../../src/network/index.js';
import type { NetworkService } from '../../../src/network/types.js';
import { toDockerPortMap } from '../../../src/network/ports.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { run } from '../../../src/lib/exec-file.js';
import { containerId, isRoot, makeEnv, nsRun, type TestEnv } from './helpers.js';

const skip = !isRoot() && 'needs root';
let env: TestEnv;
let svc: NetworkService;
const servers: ChildProcess[] = [];

before(async () => {
  if (skip) return;
  env = await makeEnv('x', 12);
  svc = createNetworkService({ config: env.config, logger: silentLogger });
  await svc.init(new Set());
});

after(async () => {
  if (skip) return;
  for (const s of servers) s.kill();
  await svc.shutdown().catch(() => undefined);
  await env.cleanup();
});

const req = (id: string, extra: Record<string, unknown> = {}) => ({
  containerId: id, containerName: 'p', hostname: 'p', mode: 'default', containerDir: join(env.root, 'c', id), ...extra,
});

async function hostAddress(): Promise<string | undefined> {
  const addrs = JSON.parse((await run('ip', ['-j', '-4', 'addr', 'show', 'scope', 'global'])).stdout) as Array<{ ifname: string; addr_info: Array<{ local: string }> }>;
  return addrs.find((a) => !a.ifname.startsWith(env.config.bridge) && !a.ifname.startsWith('bt'))?.addr_info[0]?.local;
}

/** busybox httpd in the sandbox, serving one file; polled until it answers from inside. */
async function serve(netnsPath: string, body: string): Promise<void> {
  const dir = await fs.mkdtemp(join(env.root, 'www-'));
  await fs.writeFile(join(dir, 'index.html'), body);
  const child = spawn('nsenter', [`--net=${netnsPath}`, 'busybox', 'httpd', '-f', '-p', '80', '-h', dir], { stdio: 'ignore' });
  servers.push(child);
  for (let i = 0; i < 50; i++) {
    if ((await nsRun(netnsPath, ['timeout', '2', 'busybox', 'wget', '-qO-', 'http://127.0.0.1/index.html'])).code === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('httpd did not come up');
}

// busybox 1.35's wget crashes on -T, so coreutils' timeout bounds it instead.
const get = (url: string, netnsPath?: string) => netnsPath
  ? nsRun(netnsPath, ['timeout', '3', 'busybox', 'wget', '-qO-', url])
  : run('timeout', ['3', 'busybox', 'wget', '-qO-', url], { allowFail: true });

test('a published port answers from the host and from another container; detach removes it', { skip }, async () => {
  const web = await svc.attach(req(containerId(1), { portBindings: [{ containerPort: 80, protocol: 'tcp', hostPort: '18080' }, { containerPort: 80, protocol: 'tcp' }] }));
  assert.equal(web.ports?.length, 2);
  assert.deepEqual(web.ports![0], { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 });
  const eph = web.ports![1]!.hostPort;
  const [lo, hi] = (await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
  assert.ok(eph >= lo! && eph <= hi!, `ephemeral ${eph}`);
  assert.deepEqual(toDockerPortMap(web.ports!, ['80/tcp', '443']), {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '18080' }, { HostIp: '0.0.0.0', HostPort: String(eph) }],
    '443/tcp': null,
  });
  await serve(web.netnsPath, 'hello from the container\n');

  const viaLoopback = await get('http://127.0.0.1:18080/index.html');
  assert.equal(viaLoopback.stdout, 'hello from the container\n', viaLoopback.stderr);
  assert.equal((await get(`http://127.0.0.1:${eph}/index.html`)).code, 0);
  const addr = await hostAddress();
  if (addr) {
    assert.equal((await get(`http://${addr}:18080/index.html`)).stdout, 'hello from the container\n');
    const client = await svc.attach(req(containerId(2)));
    const r = await get(`http://${addr}:18080/index.html`, client.netnsPath);
    assert.equal(r.stdout, 'hello from the container\n', r.stderr);
    // The container itself, through its own published port (hairpin).
    assert.equal((await get(`http://${addr}:18080/index.html`, web.netnsPath)).code, 0);
    await svc.detach(containerId(2));
  }
  // Unpublished ports of the container are not reachable by routing to its address from outside the host,
  // but the host itself still reaches it directly (local traffic is not forwarded).
  assert.equal((await get(`http://${web.endpoints[0]!.ipAddress}/index.html`)).code, 0);

  await svc.detach(containerId(1));
  const table = (await run('nft', ['list', 'table', 'inet', env.config.firewallTable])).stdout;
  assert.doesNotMatch(table, /dnat ip to/);
  assert.notEqual((await get('http://127.0.0.1:18080/index.html')).code, 0);
});

test('a host port is published once; a failed attach gives everything back', { skip }, async () => {
  const a = await svc.attach(req(containerId(3), { portBindings: [{ containerPort: 80, protocol: 'tcp', hostPort: '18081' }] }));
  await assert.rejects(svc.attach(req(containerId(4), { portBindings: [{ containerPort: 80, protocol: 'tcp', hostPort: '18081' }] })),
    /Bind for 0\.0\.0\.0:18081 failed: port is already allocated/);
  assert.equal(svc.get('bridge').containers[containerId(4)], undefined);
  // A port some host process listens on is refused too; the same number over UDP is fine.
  const listener = createServer().listen(18082, '0.0.0.0');
  await once(listener, 'listening');
  try {
    await assert.rejects(svc.attach(req(containerId(5), { portBindings: [{ containerPort: 80, protocol: 'tcp', hostPort: '18082' }] })), /already allocated/);
    const udp = await svc.attach(req(containerId(5), { portBindings: [{ containerPort: 80, protocol: 'udp', hostPort: '18082' }] }));
    assert.equal(udp.ports![0]!.hostPort, 18082);
    await svc.detach(containerId(5));
  } finally {
    listener.close();
  }
  // Restart keeps the mapping in the rewritten table.
  const again = createNetworkService({ config: env.config, logger: silentLogger });
  await again.init(new Set([containerId(3)]));
  assert.match((await run('nft', ['list', 'table', 'inet', env.config.firewallTable])).stdout, /tcp dport 18081 dnat ip to/);
  await assert.rejects(again.attach(req(containerId(6), { portBindings: [{ containerPort: 80, protocol: 'tcp', hostPort: '18081' }] })), /already allocated/);
  await again.detach(containerId(3));
  assert.doesNotMatch((await run('nft', ['list', 'table', 'inet', env.config.firewallTable])).stdout, /dnat ip to/);
  await svc.init(new Set());
  void a;
});
