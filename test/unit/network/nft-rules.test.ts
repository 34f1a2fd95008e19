import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { renderDelete, renderPortsUpdate, renderTable, renderUserChain } from '../../../src/network/nft-rules.js';

// Golden files live beside the sources (dist holds only the compiled test); UPDATE_GOLDEN=1 rewrites them.
const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/unit/network/golden');
function golden(name: string, actual: string) {
  const path = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

test('default bridge table', () => {
  golden('default-bridge.nft', renderTable('berth', { bridges: [{ device: 'berth0', subnet: '172.17.0.0/16', masquerade: true }] }));
});

test('no masquerade with --ip-masq=false, forward rules stay', () => {
  const out = renderTable('berth', { bridges: [{ device: 'berth0', subnet: '172.17.0.0/16', masquerade: false }] });
  assert.doesNotMatch(out, /oifname != "berth0" masquerade/);
  assert.match(out, /iifname "berth0" accept/);
});

test('the script replaces the table in one transaction and never fails on a missing table', () => {
  const out = renderTable('t1', { bridges: [] });
  assert.ok(out.startsWith('table inet t1 {}\ndelete table inet t1\ntable inet t1 {\n'));
  assert.equal(renderDelete('t1'), 'table inet t1 {}\ndelete table inet t1\n');
});

test('published ports: DNAT for all or one host address', () => {
  golden('published-ports.nft', renderTable('berth', { bridges: [{
    device: 'berth0', subnet: '172.17.0.0/16', masquerade: true, ports: [
      { protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 },
      { protocol: 'udp', hostIp: '192.0.2.2', hostPort: 5353, containerIp: '172.17.0.3', containerPort: 53 },
    ],
  }] }));
});

test('ports-only update flushes and refills the published chain in one script', () => {
  const out = renderPortsUpdate('berth', { bridges: [{ device: 'berth0', subnet: '172.17.0.0/16', masquerade: true, ports: [
    { protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 },
  ] }] });
  assert.equal(out, 'flush chain inet berth published\nadd rule inet berth published meta nfproto ipv4 tcp dport 8080 dnat ip to 172.17.0.2:80\n');
});

test('isolation between bridges, internal networks, enable_icc=false, IPv6 masquerade', () => {
  const out = renderTable('berth', { bridges: [
    { device: 'berth0', subnet: '172.17.0.0/16', masquerade: true },
    { device: 'br-a', subnet: '172.18.0.0/16', masquerade: true, icc: false, subnet6: 'fd00:1::/64' },
    { device: 'br-i', subnet: '172.19.0.0/16', masquerade: true, internal: true },
  ] });
  golden('user-networks.nft', out);
  assert.match(out, /iifname "berth0" oifname \{ "br-a", "br-i" \} drop/);
  assert.match(out, /iifname "br-a" oifname "br-a" drop/);
  assert.match(out, /iifname "br-i" oifname != "br-i" drop/);
  assert.doesNotMatch(out, /ip saddr 172\.19\.0\.0\/16 oifname != "br-i" masquerade/);
  assert.match(out, /ip6 saddr fd00:1::\/64 oifname != "br-a" masquerade/);
  // Isolation comes before any accept of the forward chain.
  const fwd = out.slice(out.indexOf('chain forward'));
  assert.ok(fwd.indexOf('oifname != "br-i" drop') < fwd.indexOf(' accept\n'));
});

test('the user chain is only ever added, never deleted or flushed', () => {
  const out = renderUserChain('berth');
  assert.equal(out, 'add table inet berth_user\nadd chain inet berth_user forward { type filter hook forward priority -10; policy accept; }\n');
  assert.doesNotMatch(out, /delete|flush/);
});
