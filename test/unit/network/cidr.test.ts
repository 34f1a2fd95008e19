import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcast, contains, formatCidr4, formatIp4, macFromIp4, overlaps, parseCidr4, parseIp4, subnets, within } from '../../../src/network/cidr.js';

test('parses and formats IPv4 addresses', () => {
  assert.equal(parseIp4('172.17.0.1'), 0xac110001);
  assert.equal(formatIp4(0xac110001), '172.17.0.1');
  assert.equal(formatIp4(parseIp4('255.255.255.255')), '255.255.255.255');
  for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '1.2.3.4.5', '']) assert.throws(() => parseIp4(bad), /invalid IP address/);
});

test('parses CIDRs, keeping the written address for --bip', () => {
  const c = parseCidr4('172.30.5.9/16');
  assert.equal(formatCidr4(c), '172.30.0.0/16');
  assert.equal(formatIp4(c.address), '172.30.5.9');
  assert.equal(formatIp4(broadcast(c)), '172.30.255.255');
  assert.equal(formatCidr4(parseCidr4('0.0.0.0/0')), '0.0.0.0/0');
  assert.throws(() => parseCidr4('10.0.0.0/33'), /invalid CIDR/);
  assert.throws(() => parseCidr4('10.0.0.0'), /invalid CIDR/);
});

test('containment and overlap', () => {
  const a = parseCidr4('172.17.0.0/16');
  assert.ok(contains(a, parseIp4('172.17.255.1')));
  assert.ok(!contains(a, parseIp4('172.18.0.1')));
  assert.ok(overlaps(a, parseCidr4('172.17.3.0/24')));
  assert.ok(overlaps(parseCidr4('172.16.0.0/12'), a));
  assert.ok(!overlaps(a, parseCidr4('172.18.0.0/16')));
  assert.ok(within(parseCidr4('172.17.3.0/24'), a));
  assert.ok(!within(parseCidr4('172.16.0.0/12'), a));
});

test('splits a pool into subnets lazily', () => {
  const all = [...subnets(parseCidr4('172.20.0.0/14'), 16)].map(formatCidr4);
  assert.deepEqual(all, ['172.20.0.0/16', '172.21.0.0/16', '172.22.0.0/16', '172.23.0.0/16']);
  const first = subnets(parseCidr4('10.0.0.0/8'), 24).next().value;
  assert.equal(formatCidr4(first!), '10.0.0.0/24');
  assert.throws(() => [...subnets(parseCidr4('10.0.0.0/16'), 8)], /larger than base/);
});

test('MAC from IP, as Docker derives it', () => {
  assert.equal(macFromIp4(parseIp4('172.17.0.2')), '02:42:ac:11:00:02');
  assert.equal(macFromIp4(parseIp4('10.255.0.254')), '02:42:0a:ff:00:fe');
});
