import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCidr4, formatIp4, parseCidr4 } from '../../../src/network/cidr.js';
import { AddressAllocator, pickSubnet, planSubnet } from '../../../src/network/ipam.js';
import { defaultConfig } from '../../../src/engine/config.js';

const pools = defaultConfig().defaultAddressPools;
const c = (s: string) => { const x = parseCidr4(s); return { network: x.network, prefixLen: x.prefixLen }; };

test('pickSubnet takes the first default pool that no route overlaps', () => {
  assert.equal(formatCidr4(pickSubnet(pools, [])), '172.17.0.0/16');
  assert.equal(formatCidr4(pickSubnet(pools, [c('172.17.0.0/16'), c('192.0.2.0/24')])), '172.18.0.0/16');
  assert.equal(formatCidr4(pickSubnet(pools, [c('172.17.0.0/16'), c('172.18.5.0/24'), c('172.19.0.1/32')])), '172.20.0.0/16');
  // A /12 route swallows every 172.16-31 pool: the 192.168 pool in /20 steps comes next.
  assert.equal(formatCidr4(pickSubnet(pools, [c('172.16.0.0/12')])), '192.168.0.0/20');
  assert.equal(formatCidr4(pickSubnet(pools, [c('172.16.0.0/12'), c('192.168.0.0/19')])), '192.168.32.0/20');
  assert.throws(() => pickSubnet(pools, [c('172.16.0.0/12'), c('192.168.0.0/16')]), /could not find an available, non-overlapping IPv4 address pool/);
});

test('planSubnet: --bip names the gateway, --fixed-cidr narrows the range', () => {
  const p = planSubnet({ bip: '172.30.0.1/16' });
  assert.equal(formatCidr4(p.subnet), '172.30.0.0/16');
  assert.equal(formatIp4(p.gateway), '172.30.0.1');
  assert.equal(formatIp4(planSubnet({ bip: '10.9.0.254/24' }).gateway), '10.9.0.254');
  assert.equal(formatIp4(planSubnet({ bip: '10.9.0.0/24' }).gateway), '10.9.0.1');
  const f = planSubnet({ bip: '172.30.0.1/16', fixedCidr: '172.30.8.0/24' });
  assert.equal(formatCidr4(f.range), '172.30.8.0/24');
  assert.throws(() => planSubnet({ bip: '172.30.0.1/16', fixedCidr: '10.0.0.0/24' }), /not within bridge subnet/);
  assert.throws(() => planSubnet({ bip: '10.0.0.1/31' }), /no room/);
  assert.equal(formatIp4(planSubnet({ picked: c('172.17.0.0/16') }).gateway), '172.17.0.1');
});

test('allocates sequentially, skipping gateway, network and broadcast, never twice', () => {
  const a = new AddressAllocator(planSubnet({ bip: '10.0.0.1/29' }));
  const got = [1, 2, 3, 4, 5].map((i) => formatIp4(a.allocate(`c${i}`)));
  assert.deepEqual(got, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  assert.throws(() => a.allocate('c6'), /no available IPv4 addresses/);
  a.release('10.0.0.3');
  assert.equal(formatIp4(a.allocate('c7')), '10.0.0.3');
});

test('a released address is not reused while later ones are free (serial allocation)', () => {
  const a = new AddressAllocator(planSubnet({ bip: '10.0.0.1/24' }));
  const first = a.allocate('a');
  a.release(first);
  assert.equal(formatIp4(a.allocate('b')), '10.0.0.3');
});

test('claims restore allocations after a restart and move the cursor past them', () => {
  const a = new AddressAllocator(planSubnet({ bip: '10.0.0.1/24' }));
  a.claim('10.0.0.7', 'x');
  a.claim('10.0.0.7', 'x');
  assert.throws(() => a.claim('10.0.0.7', 'y'), /Address already in use/);
  assert.throws(() => a.claim('10.0.0.1', 'y'), /reserved/);
  assert.throws(() => a.claim('10.0.1.1', 'y'), /not in subnet/);
  assert.equal(formatIp4(a.allocate('z')), '10.0.0.8');
  assert.equal(a.owner('10.0.0.7'), 'x');
  assert.equal(a.allocatedCount, 2);
});

test('fixed-cidr range inside the subnet', () => {
  const a = new AddressAllocator(planSubnet({ bip: '172.30.0.1/16', fixedCidr: '172.30.8.0/30' }));
  assert.deepEqual([a.allocate('a'), a.allocate('b'), a.allocate('c'), a.allocate('d')].map(formatIp4),
    ['172.30.8.0', '172.30.8.1', '172.30.8.2', '172.30.8.3']);
});
