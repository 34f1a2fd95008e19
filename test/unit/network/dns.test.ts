import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResponse, parseQuery, reverseName, TYPE_A, TYPE_AAAA, TYPE_PTR } from '../../../src/network/dns-packet.js';
import { lookupName, type LookupInput } from '../../../src/network/resolver.js';
import { formatIp6, parseIp6, parseCidr6, Address6Allocator } from '../../../src/network/cidr6.js';

function query(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const q = Buffer.alloc(4); q.writeUInt16BE(type, 0); q.writeUInt16BE(1, 2);
  const h = Buffer.alloc(12); h.writeUInt16BE(id, 0); h.writeUInt16BE(0x0100, 2); h.writeUInt16BE(1, 4);
  return Buffer.concat([h, ...labels, Buffer.from([0]), q]);
}

test('parse a query, answer with A records pointing at the question name', () => {
  const msg = query('db', TYPE_A);
  const q = parseQuery(msg)!;
  assert.deepEqual([q.id, q.name, q.type], [0x1234, 'db', TYPE_A]);
  const r = buildResponse(msg, q, [{ type: TYPE_A, ttl: 600, data: '172.18.0.2' }, { type: TYPE_A, ttl: 600, data: '172.18.0.3' }]);
  assert.equal(r.readUInt16BE(0), 0x1234);
  assert.equal(r.readUInt16BE(2) & 0x8000, 0x8000, 'QR');
  assert.equal(r.readUInt16BE(2) & 0x0100, 0x0100, 'RD copied');
  assert.equal(r.readUInt16BE(6), 2);
  const firstRr = q.end;
  assert.equal(r.readUInt16BE(firstRr), 0xc00c);
  assert.deepEqual([...r.subarray(firstRr + 12, firstRr + 16)], [172, 18, 0, 2]);
  assert.equal(parseQuery(r), undefined, 'responses are not queries');
  assert.equal(parseQuery(Buffer.alloc(5)), undefined);
});

test('reverse names', () => {
  assert.equal(reverseName('2.0.18.172.in-addr.arpa'), '172.18.0.2');
  assert.equal(reverseName('db'), undefined);
  const v6 = reverseName('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa');
  assert.equal(formatIp6(parseIp6(v6!)), 'fd00:1::1');
});

const ep = (name: string, ip: string, dnsNames: string[]) => ({ containerName: name, endpoint: { networkName: 'n', networkId: 'n1', endpointId: '', ipAddress: ip, ipPrefixLen: 24, gateway: '', macAddress: '', dnsNames } });
const input = (over: Partial<LookupInput>): LookupInput => ({
  name: 'db', type: TYPE_A, rr: 0, networks: [{ id: 'n1', name: 'net1', subnet: '172.18.0.0/24' }],
  endpoints: () => [ep('db', '172.18.0.2', ['db', 'pool']), ep('db2', '172.18.0.3', ['db2', 'pool', 'abcdef123456'])],
  forwardTo: ['10.0.0.53'], ...over,
});

test('names, aliases round robin, short IDs, <name>.<network>, PTR, forwarding, internal', () => {
  assert.deepEqual(lookupName(input({})), { kind: 'answer', answers: [{ type: TYPE_A, ttl: 600, data: '172.18.0.2' }] });
  const a = lookupName(input({ name: 'pool', rr: 0 }));
  const b = lookupName(input({ name: 'POOL.', rr: 1 }));
  assert.ok(a.kind === 'answer' && b.kind === 'answer');
  assert.deepEqual(a.answers.map((x) => x.data), ['172.18.0.2', '172.18.0.3']);
  assert.deepEqual(b.answers.map((x) => x.data), ['172.18.0.3', '172.18.0.2']);
  assert.equal((lookupName(input({ name: 'abcdef123456' })) as { answers: Array<{ data: string }> }).answers[0]!.data, '172.18.0.3');
  assert.equal((lookupName(input({ name: 'db.net1' })) as { answers: Array<{ data: string }> }).answers[0]!.data, '172.18.0.2');
  assert.deepEqual(lookupName(input({ type: TYPE_AAAA })), { kind: 'answer', answers: [] }, 'NODATA, not forwarded');
  assert.deepEqual(lookupName(input({ name: 'example.com' })), { kind: 'forward', servers: ['10.0.0.53'] });
  assert.deepEqual(lookupName(input({ name: 'example.com', forwardTo: [] })), { kind: 'nxdomain' });
  assert.deepEqual(lookupName(input({ name: '3.0.18.172.in-addr.arpa', type: TYPE_PTR })), { kind: 'answer', answers: [{ type: TYPE_PTR, ttl: 600, data: 'db2.net1' }] });
  assert.deepEqual(lookupName(input({ name: '9.0.18.172.in-addr.arpa', type: TYPE_PTR })), { kind: 'nxdomain' });
  assert.deepEqual(lookupName(input({ name: '1.1.1.10.in-addr.arpa', type: TYPE_PTR })), { kind: 'forward', servers: ['10.0.0.53'] });
});

test('IPv6 text forms and serial allocation', () => {
  assert.equal(formatIp6(parseIp6('fd00:0:0:0:0:0:0:1')), 'fd00::1');
  assert.equal(formatIp6(parseIp6('::ffff:1.2.3.4')), '::ffff:102:304');
  assert.equal(formatIp6(parseIp6('2001:db8:0:1:0:0:0:0')), '2001:db8:0:1::');
  const sub = parseCidr6('fd00:1::/64');
  const a = new Address6Allocator(sub, parseIp6('fd00:1::1'));
  assert.equal(formatIp6(a.allocate('x')), 'fd00:1::2');
  assert.equal(formatIp6(a.allocate('y')), 'fd00:1::3');
  assert.throws(() => a.claim('fd00:2::5', 'z'), /does not belong/);
});
