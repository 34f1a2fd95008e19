import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, type CreateContext } from '../../../src/network/network-config.js';
import { parseCidr4 } from '../../../src/network/cidr.js';
import type { NetworkRecord } from '../../../src/network/store.js';
import type { NetworkCreateRequest } from '../../../src/network/types.js';
import { EngineError } from '../../../src/lib/errors.js';

const base = (over: Partial<NetworkCreateRequest> = {}): NetworkCreateRequest => ({
  name: 'n', driver: 'bridge', internal: false, attachable: false, enableIPv6: false, ipamDriver: 'default', ipamOptions: {},
  ipamConfig: [], options: {}, labels: {}, configOnly: false, ...over,
});
let seq = 0;
const ctx = (existing: NetworkRecord[] = [], over: Partial<CreateContext> = {}): CreateContext => ({
  existing, hostRoutes: [parseCidr4('172.17.0.0/16'), parseCidr4('10.0.0.0/8')],
  pools: [{ base: '172.17.0.0/16', size: 16 }, { base: '172.18.0.0/16', size: 16 }, { base: '192.168.0.0/16', size: 20 }],
  kernel: { ipvlan: false, vlan: false, dummy: false, macvlan: true }, linkExists: (n) => n === 'eth0' || n === 'veth9',
  newId: () => (++seq).toString(16).padStart(12, '0') + 'a'.repeat(52), now: '2026-01-01T00:00:00Z', ...over,
});
const rejects = (fn: () => unknown, kind: string, msg: RegExp) => assert.throws(fn, (e: unknown) => e instanceof EngineError && e.kind === kind && msg.test(e.message));

test('a subnet from the pools skipping host routes and other networks; gateway is the first host', () => {
  const r = validateCreate(base(), ctx());
  assert.equal(r.subnet, '172.18.0.0/16');
  assert.equal(r.gateway, '172.18.0.1');
  assert.match(r.device!, /^br-[0-9a-f]{12}$/);
  const r2 = validateCreate(base({ name: 'm' }), ctx([r]));
  assert.equal(r2.subnet, '192.168.0.0/20');
});

test('explicit subnet, gateway, ip-range, aux addresses', () => {
  const r = validateCreate(base({ ipamConfig: [{ subnet: '10.9.0.0/24', gateway: '10.9.0.254', ipRange: '10.9.0.128/25', auxAddresses: { a: '10.9.0.3' } }] }), ctx());
  assert.deepEqual([r.subnet, r.gateway, r.ipRange, r.auxAddresses], ['10.9.0.0/24', '10.9.0.254', '10.9.0.128/25', { a: '10.9.0.3' }]);
});

test('Docker wording for bad input', () => {
  const one = validateCreate(base({ name: 'one', ipamConfig: [{ subnet: '10.9.0.0/24' }] }), ctx());
  rejects(() => validateCreate(base({ name: 'one' }), ctx([one])), 'conflict', /^network with name one already exists$/);
  rejects(() => validateCreate(base({ ipamConfig: [{ subnet: '10.9.0.128/25' }] }), ctx([one])), 'forbidden', /Pool overlaps with other one on this address space/);
  rejects(() => validateCreate(base({ ipamConfig: [{ subnet: '10.9.0/24' }] }), ctx()), 'invalid', /^Invalid subnet 10\.9\.0\/24 : invalid CIDR address: 10\.9\.0\/24$/);
  rejects(() => validateCreate(base({ ipamConfig: [{ subnet: '10.7.0.0/24' }, { subnet: '10.8.0.0/24' }] }), ctx()), 'forbidden', /^bridge driver doesn't support multiple subnets$/);
  rejects(() => validateCreate(base({ ipamConfig: [{ subnet: '10.9.0.0/24', gateway: '10.8.0.1' }] }), ctx()), 'invalid', /^no matching subnet for gateway 10\.8\.0\.1$/);
  rejects(() => validateCreate(base({ ipamConfig: [{ subnet: '10.9.0.0/24', ipRange: '10.8.0.0/25' }] }), ctx()), 'invalid', /^no matching subnet for range 10\.8\.0\.0\/25$/);
  rejects(() => validateCreate(base({ ipamConfig: [{ subnet: '10.9.0.0/24', auxAddresses: { x: '10.8.0.1' } }] }), ctx()), 'invalid', /^no matching subnet for aux-address 10\.8\.0\.1$/);
  rejects(() => validateCreate(base({ ipamConfig: [{ gateway: '10.8.0.1' }] }), ctx()), 'invalid', /every ip-range or gateway must have a corresponding subnet/);
  rejects(() => validateCreate(base({ driver: 'foo' }), ctx()), 'not-found', /^plugin "foo" not found$/);
  rejects(() => validateCreate(base({ ipamDriver: 'bar' }), ctx()), 'not-found', /^plugin "bar" not found$/);
  rejects(() => validateCreate(base({ options: { 'x.y': '1' } }), ctx()), 'invalid', /unknown option "x\.y" for the bridge driver/);
  rejects(() => validateCreate(base({ options: { 'com.docker.network.bridge.enable_icc': 'maybe' } }), ctx()), 'invalid', /is not a boolean/);
  rejects(() => validateCreate(base({ options: { 'com.docker.network.driver.mtu': '9' } }), ctx()), 'invalid', /invalid MTU/);
  rejects(() => validateCreate(base({ driver: 'host' }), ctx()), 'forbidden', /only one instance of "host" network is allowed/);
});

test('macvlan and ipvlan name the missing kernel feature', () => {
  rejects(() => validateCreate(base({ driver: 'ipvlan' }), ctx()), 'invalid', /CONFIG_IPVLAN/);
  rejects(() => validateCreate(base({ driver: 'macvlan', options: { parent: 'eth0.10' } }), ctx()), 'invalid', /802\.1q VLAN sub-interface eth0\.10.*CONFIG_VLAN_8021Q/);
  rejects(() => validateCreate(base({ driver: 'macvlan' }), ctx()), 'invalid', /CONFIG_DUMMY/);
  rejects(() => validateCreate(base({ driver: 'macvlan', options: { parent: 'nope0' } }), ctx()), 'invalid', /parent interface was not found on the host: nope0/);
  const mv = validateCreate(base({ driver: 'macvlan', options: { parent: 'veth9' }, ipamConfig: [{ subnet: '10.7.0.0/24' }] }), ctx());
  assert.equal(mv.device, 'veth9');
  rejects(() => validateCreate(base({ name: 'x', driver: 'macvlan', options: { parent: 'veth9' }, ipamConfig: [{ subnet: '10.6.0.0/24' }] }), ctx([mv])), 'forbidden', /already using parent interface veth9/);
});

test('config-only and config-from; IPv6 subnet', () => {
  const cfg = validateCreate(base({ name: 'cfg', configOnly: true, ipamConfig: [{ subnet: '10.5.0.0/24' }] }), ctx());
  assert.equal(cfg.configOnly, true);
  assert.equal(cfg.device, undefined);
  const used = validateCreate(base({ name: 'use', configFrom: 'cfg' }), ctx([cfg]));
  assert.equal(used.subnet, '10.5.0.0/24');
  assert.equal(used.configFrom, 'cfg');
  rejects(() => validateCreate(base({ name: 'u2', configFrom: 'cfg', ipamConfig: [{ subnet: '10.4.0.0/24' }] }), ctx([cfg])), 'forbidden', /not supported if the network depends on a configuration network/);
  const v6 = validateCreate(base({ name: 'v6', enableIPv6: true, ipamConfig: [{ subnet: 'fd00:1::/64' }] }), ctx());
  assert.deepEqual([v6.subnet6, v6.gateway6, v6.enableIPv6], ['fd00:1::/64', 'fd00:1::1', true]);
  const auto6 = validateCreate(base({ name: 'a6', enableIPv6: true }), ctx());
  assert.match(auto6.subnet6!, /^fd[0-9a-f:]+::\/64$/);
});
