import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromDockerPortBindings, PortAllocator, toDockerPortMap } from '../../../src/network/ports.js';

const free = async () => false;

test('HostConfig.PortBindings → bindings', () => {
  // JavaScript lists integer-like keys ('443') first, whatever the JSON order was.
  assert.deepEqual(fromDockerPortBindings({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostPort: '' }], '443': null }), [
    { containerPort: 443, protocol: 'tcp', hostIp: '', hostPort: '' },
    { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: '8080' },
    { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: '' },
  ]);
  assert.throws(() => fromDockerPortBindings({ '80/xyz': [] }), /invalid port specification/);
  assert.throws(() => fromDockerPortBindings({ '70000/tcp': [] }), /invalid port specification/);
});

test('NetworkSettings.Ports shape', () => {
  assert.deepEqual(toDockerPortMap([{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }], ['80/tcp', '22/tcp']), {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }],
    '22/tcp': null,
  });
});

test('fixed, ranged and ephemeral host ports; conflicts by protocol and address', async () => {
  const a = new PortAllocator([50000, 50002]);
  assert.deepEqual(await a.allocate('c1', [{ containerPort: 80, protocol: 'tcp', hostPort: '8080' }], free),
    [{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);
  await assert.rejects(a.allocate('c2', [{ containerPort: 80, protocol: 'tcp', hostPort: '8080' }], free), /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
  await assert.rejects(a.allocate('c2', [{ containerPort: 80, protocol: 'tcp', hostIp: '10.0.0.1', hostPort: '8080' }], free), /already allocated/);
  assert.equal((await a.allocate('c2', [{ containerPort: 80, protocol: 'udp', hostPort: '8080' }], free))[0]!.hostPort, 8080);
  assert.equal((await a.allocate('c3', [{ containerPort: 80, protocol: 'tcp', hostPort: '8080-8082' }], free))[0]!.hostPort, 8081);
  const eph = await a.allocate('c4', [{ containerPort: 1, protocol: 'tcp' }, { containerPort: 2, protocol: 'tcp' }], free);
  assert.deepEqual(eph.map((m) => m.hostPort), [50000, 50001]);
  // All or nothing: the second binding fails, the first is handed back.
  await assert.rejects(a.allocate('c5', [{ containerPort: 1, protocol: 'tcp', hostPort: '9000' }, { containerPort: 2, protocol: 'tcp', hostPort: '8080' }], free), /already allocated/);
  assert.equal((await a.allocate('c6', [{ containerPort: 1, protocol: 'tcp', hostPort: '9000' }], free))[0]!.hostPort, 9000);
  a.release(eph);
  assert.equal((await a.allocate('c7', [{ containerPort: 1, protocol: 'tcp' }], free))[0]!.hostPort, 50000);
});

test('a port the host already uses is skipped or refused; specific addresses coexist', async () => {
  const a = new PortAllocator([50000, 50001]);
  const busy = async (_p: string, _ip: string, port: number) => port === 50000 || port === 7000;
  assert.equal((await a.allocate('c', [{ containerPort: 1, protocol: 'tcp' }], busy))[0]!.hostPort, 50001);
  await assert.rejects(a.allocate('c', [{ containerPort: 1, protocol: 'tcp', hostPort: '7000' }], busy), /already allocated/);
  await a.allocate('x', [{ containerPort: 1, protocol: 'tcp', hostIp: '10.0.0.1', hostPort: '7100' }], free);
  await a.allocate('y', [{ containerPort: 1, protocol: 'tcp', hostIp: '10.0.0.2', hostPort: '7100' }], free);
  await assert.rejects(a.allocate('z', [{ containerPort: 1, protocol: 'tcp', hostPort: '7100' }], free), /already allocated/);
  // IPv6 host addresses are allocated too (served by the userland proxy); '::' conflicts with any IPv6 address only.
  assert.equal((await a.allocate('z', [{ containerPort: 1, protocol: 'tcp', hostIp: '::1', hostPort: '7200' }], free))[0]!.hostIp, '::1');
  await assert.rejects(a.allocate('w', [{ containerPort: 1, protocol: 'tcp', hostIp: '::', hostPort: '7200' }], free), /already allocated/);
  assert.equal((await a.allocate('w', [{ containerPort: 1, protocol: 'tcp', hostIp: '[::]', hostPort: '7300' }], free))[0]!.hostIp, '::');
  assert.equal((await a.allocate('v', [{ containerPort: 1, protocol: 'tcp', hostPort: '7300' }], free))[0]!.hostPort, 7300);
  await assert.rejects(a.allocate('z', [{ containerPort: 1, protocol: 'tcp', hostIp: 'bogus', hostPort: '7400' }], free), /invalid host IP bogus/);
  await assert.rejects(a.allocate('z', [{ containerPort: 1, protocol: 'tcp', hostPort: '9-3' }], free), /invalid hostPort/);
});
