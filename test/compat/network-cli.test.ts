// The real docker CLI against berthd: networks, embedded DNS, published ports, connect/disconnect, isolation,
// macvlan, and Docker's errors for bad input. Each test cleans up its containers and networks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
const tag = String(process.pid % 10000);

before(async () => { d = await startDaemon(); });
after(async () => {
  await d?.destroy();
  spawnSync('ip', ['link', 'del', `mvp${tag}a`]);
  spawnSync('nft', ['delete', 'table', 'inet', `${d?.table}_user`]);
});

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const fails = (r: { code: number; stdout: string; stderr: string }, re: RegExp, what: string) => {
  assert.notEqual(r.code, 0, `${what} should fail: ${r.stdout}`);
  assert.match(r.stderr, re, what);
};

/** A free /24 in 172.28.0.0/14 no route of the host touches (other suites' networks included). */
function freeSubnet(salt: number): string {
  const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 250; i++) {
    const n = (process.pid + salt * 41 + i) % 250 + 3;
    const s = `172.31.${n}.`;
    if (!routes.includes(s)) return `${s}0/24`;
  }
  throw new Error('no free subnet');
}

function hostAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !/^172\.(1[6-9]|2\d|3[01])\./.test(a.address)) return a.address;
  }
  throw new Error('no non-loopback address');
}

function tcpGet(host: string, port: number, path = '/hostname'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port }, () => s.write(`GET ${path} HTTP/1.0\r\nHost: x\r\n\r\n`));
    let buf = '';
    s.setTimeout(3000, () => { s.destroy(); reject(new Error('timeout')); });
    s.on('data', (c) => { buf += c; });
    s.on('end', () => resolve(buf));
    s.on('error', reject);
  });
}

test('network create, ls, inspect (Docker JSON), rm', () => {
  const sub = freeSubnet(1);
  const gw = sub.replace('0/24', '254');
  const id = ok(d.docker(['network', 'create', '--subnet', sub, '--gateway', gw, '--ip-range', sub.replace('0/24', '128/25'),
    '--aux-address', `router=${sub.replace('0/24', '200')}`, '--label', 'tier=back', '--attachable',
    '-o', 'com.docker.network.driver.mtu=1400', 'n1']), 'create').trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const ls = ok(d.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']), 'ls');
  for (const l of ['bridge bridge local', 'host host local', 'none null local', 'n1 bridge local']) assert.ok(ls.includes(l), ls);
  const j = JSON.parse(ok(d.docker(['network', 'inspect', 'n1']), 'inspect'))[0];
  assert.equal(j.Id, id);
  assert.deepEqual(j.IPAM.Config, [{ Subnet: sub, IPRange: sub.replace('0/24', '128/25'), Gateway: gw, AuxiliaryAddresses: { router: sub.replace('0/24', '200') } }]);
  assert.equal(j.Attachable, true);
  assert.deepEqual(j.Labels, { tier: 'back' });
  assert.equal(j.Options['com.docker.network.driver.mtu'], '1400');
  // --ip-range: the first container gets the range's first address (aux addresses skipped), MTU applies.
  const out = ok(d.docker(['run', '--rm', '--network', 'n1', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/mtu; ip route']), 'run');
  assert.match(out, new RegExp(`inet ${sub.replace('0/24', '128').replace(/\./g, '\\.')}/24`));
  assert.match(out, /\n1400\n/);
  assert.match(out, new RegExp(`default via ${gw.replace(/\./g, '\\.')}`));
  assert.equal(d.docker(['network', 'ls', '-q', '--filter', 'label=tier=back']).stdout.trim(), id.slice(0, 12));
  assert.match(d.docker(['network', 'ls', '--filter', 'type=builtin', '--format', '{{.Name}}']).stdout, /^bridge\nhost\nnone\n$/);
  ok(d.docker(['network', 'rm', 'n1']), 'rm');
  fails(d.docker(['network', 'inspect', 'n1']), /network n1 not found|No such network/i, 'inspect after rm');
});

test('bad input: Docker wording, status, and nothing changes', async () => {
  const sub = freeSubnet(2);
  ok(d.docker(['network', 'create', '--subnet', sub, 'bad1']), 'create');
  const before = d.docker(['network', 'ls', '-q']).stdout;
  const dup = await d.api('POST', '/networks/create', { Name: 'bad1' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json().message, 'network with name bad1 already exists');
  const overlap = await d.api('POST', '/networks/create', { Name: 'bad2', IPAM: { Config: [{ Subnet: sub }] } });
  assert.equal(overlap.status, 403);
  assert.match(overlap.json().message, /Pool overlaps with other one on this address space/);
  fails(d.docker(['network', 'create', '--subnet', '10.99.0/24', 'bad3']), /Invalid subnet 10\.99\.0\/24 : invalid CIDR address: 10\.99\.0\/24/, 'malformed subnet');
  const gw = await d.api('POST', '/networks/create', { Name: 'bad4', IPAM: { Config: [{ Subnet: '10.99.0.0/24', Gateway: '10.98.0.1' }] } });
  assert.equal(gw.status, 400);
  assert.equal(gw.json().message, 'no matching subnet for gateway 10.98.0.1');
  const drv = await d.api('POST', '/networks/create', { Name: 'bad5', Driver: 'foo' });
  assert.equal(drv.status, 404);
  assert.equal(drv.json().message, 'plugin "foo" not found');
  fails(d.docker(['network', 'create', '-o', 'com.docker.network.bogus=1', 'bad6']), /unknown option "com\.docker\.network\.bogus"/, 'unknown option');
  fails(d.docker(['network', 'create', '-d', 'ipvlan', 'bad7']), /ipvlan.*this kernel lacks.*CONFIG_IPVLAN/, 'ipvlan');
  fails(d.docker(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0.10', 'bad8']), /802\.1q VLAN sub-interface eth0\.10.*CONFIG_VLAN_8021Q/, 'vlan parent');
  fails(d.docker(['network', 'create', '-d', 'macvlan', 'bad9']), /dummy.*CONFIG_DUMMY/, 'macvlan without parent');
  const rmb = await d.api('DELETE', '/networks/bridge');
  assert.equal(rmb.status, 403);
  assert.equal(rmb.json().message, 'bridge is a pre-defined network and cannot be removed');
  fails(d.docker(['network', 'rm', 'host']), /host is a pre-defined network and cannot be removed/, 'rm host');
  fails(d.docker(['run', '--rm', '--network', 'bad1', '--ip', '10.1.2.3', 'busybox', 'true']), /no configured subnet or ip-range contain the IP address 10\.1\.2\.3/, '--ip outside');
  fails(d.docker(['run', '--rm', '--ip', '172.17.0.9', 'busybox', 'true']), /user specified IP address is supported on user defined networks only/, '--ip on default bridge');
  fails(d.docker(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']), /network nosuchnet not found/, 'unknown network');
  const ip = sub.replace('0/24', '50');
  ok(d.docker(['run', '-d', '--name', 'ipa', '--network', 'bad1', '--ip', ip, 'busybox', 'sleep', '60']), 'run --ip');
  fails(d.docker(['run', '--rm', '--network', 'bad1', '--ip', ip, 'busybox', 'true']), /Address already in use/, '--ip taken');
  fails(d.docker(['network', 'connect', 'bad1', 'ipa']), /endpoint with name ipa already exists in network bad1/, 'connect twice');
  const rm = await d.api('DELETE', '/networks/bad1');
  assert.equal(rm.status, 403);
  assert.match(rm.json().message, /^error while removing network: network bad1 id [0-9a-f]{64} has active endpoints$/);
  assert.equal(d.docker(['network', 'ls', '-q']).stdout, before, 'no network was added or removed');
  ok(d.docker(['rm', '-f', 'ipa']), 'rm');
  ok(d.docker(['network', 'rm', 'bad1']), 'rm net');
});

test('names: container, alias round robin, short ID, hostname; forwarding; none on the default bridge', () => {
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(3), 'dnsnet']), 'create');
  ok(d.docker(['run', '-d', '--name', 'db', '--hostname', 'dbhost', '--network', 'dnsnet', '--network-alias', 'pool', 'busybox', 'sleep', '300']), 'db');
  const id2 = ok(d.docker(['run', '-d', '--name', 'db2', '--network', 'dnsnet', '--network-alias', 'pool', 'busybox', 'sleep', '300']), 'db2').trim();
  const ipOf = (n: string) => ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "dnsnet").IPAddress}}', n]), 'inspect').trim();
  const [ip1, ip2] = [ipOf('db'), ipOf('db2')];
  const out = ok(d.docker(['run', '--rm', '--network', 'dnsnet', 'busybox', 'sh', '-c',
    `ping -c1 -W2 db >/dev/null && echo db-ok; nslookup dbhost | grep -A1 Name; nslookup ${id2.slice(0, 12)} | grep -A1 Name; ` +
    'for i in 1 2 3 4; do nslookup pool | grep Address: | tail -n +2 | head -1; done; nslookup db.dnsnet | grep -A1 Name; ' +
    'cat /etc/resolv.conf']), 'lookups');
  assert.match(out, /db-ok/);
  assert.ok(out.includes(`Name:\tdbhost\nAddress: ${ip1}`), out);
  assert.ok(out.includes(`Address: ${ip2}`), out);
  const firsts = out.split('\n').filter((l) => /^Address: 172\./.test(l));
  assert.ok(firsts.includes(`Address: ${ip1}`) && firsts.includes(`Address: ${ip2}`), `round robin over both: ${out}`);
  assert.match(out, /options ndots:0/);
  // Names outside our networks go to the host's resolvers (answered or not: what matters is that an upstream
  // answered, not the embedded server with NXDOMAIN for a name it owns). localhost-like names are not sent out.
  const inspect = JSON.parse(ok(d.docker(['inspect', 'db']), 'inspect'))[0];
  assert.deepEqual(inspect.NetworkSettings.Networks.dnsnet.Aliases, ['pool']);
  assert.ok(inspect.NetworkSettings.Networks.dnsnet.DNSNames.includes('db'));
  // The default bridge has no embedded DNS: the name does not resolve, and resolv.conf is the host's.
  ok(d.docker(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']), 'plain');
  const legacy = d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'ping -c1 -W1 plain; grep -c "^nameserver 172" /etc/resolv.conf']);
  assert.match(legacy.stdout + legacy.stderr, /bad address 'plain'/);
  // Legacy --link on the default bridge: an /etc/hosts entry.
  const link = ok(d.docker(['run', '--rm', '--link', 'plain:pl', 'busybox', 'sh', '-c', 'grep pl /etc/hosts; ping -c1 -W2 pl >/dev/null && echo link-ok']), 'link');
  assert.match(link, /\tpl [0-9a-f]{12} plain\n/);
  assert.match(link, /link-ok/);
  ok(d.docker(['rm', '-f', 'db', 'db2', 'plain']), 'rm');
  ok(d.docker(['network', 'rm', 'dnsnet']), 'rm net');
});

test('/etc files: --hostname, --domainname, --add-host host-gateway, --dns*, --mac-address', () => {
  const out = ok(d.docker(['run', '--rm', '--hostname', 'h1', '--domainname', 'example.test', '--add-host', 'gw:host-gateway', '--add-host', 'x.y:10.1.1.1',
    '--dns', '10.0.0.2', '--dns-search', 'corp.test', '--dns-option', 'ndots:3', '--mac-address', '02:42:ac:11:99:99', 'busybox', 'sh', '-c',
    'cat /etc/hosts /etc/resolv.conf /etc/hostname; cat /sys/class/net/eth0/address']), 'run');
  const gw = JSON.parse(ok(d.docker(['network', 'inspect', 'bridge']), 'inspect'))[0].IPAM.Config[0].Gateway;
  assert.ok(out.includes(`${gw}\tgw\n`), out);
  assert.match(out, /10\.1\.1\.1\tx\.y\n/);
  assert.match(out, /\th1\.example\.test h1\n/);
  assert.match(out, /nameserver 10\.0\.0\.2\nsearch corp\.test\noptions ndots:3\n/);
  assert.match(out, /\nh1\n/);
  assert.match(out, /02:42:ac:11:99:99/);
});

test('published ports: forms, -P, port command, loopback and host address, conflict', async () => {
  ok(d.docker(['run', '-d', '--name', 'web', '-p', '127.0.0.1::80', '-p', '8000-8001:80', '--expose', '81', '-P', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']), 'run');
  const port = ok(d.docker(['port', 'web']), 'port');
  assert.match(port, /^80\/tcp -> 127\.0\.0\.1:\d+$/m);
  assert.match(port, /^80\/tcp -> 0\.0\.0\.0:800[01]$/m);
  assert.match(port, /^81\/tcp -> 0\.0\.0\.0:\d+$/m);
  const lo = Number(/127\.0\.0\.1:(\d+)/.exec(port)![1]);
  const any = Number(/0\.0\.0\.0:(800\d)/.exec(port)![1]);
  const id = ok(d.docker(['inspect', '-f', '{{.Config.Hostname}}', 'web']), 'inspect').trim();
  await waitFor(async () => (await tcpGet('127.0.0.1', lo).catch(() => '')).includes(id), 10_000, 'published port on 127.0.0.1');
  assert.match(await tcpGet('127.0.0.1', any), new RegExp(id));
  assert.match(await tcpGet(hostAddress(), any), new RegExp(id), 'host reaches the port on its own address');
  // Another container reaches it through the host address (hairpin through NAT).
  const viaHost = ok(d.docker(['run', '--rm', 'busybox', 'wget', '-q', '-O', '-', `http://${hostAddress()}:${any}/hostname`]), 'wget via host');
  assert.equal(viaHost.trim(), id);
  // Taken host port: Docker's message, and the failed container leaves no rule or port behind.
  const busy = d.docker(['run', '-d', '--name', 'web2', '-p', `${any}:80`, 'busybox', 'sleep', '60']);
  assert.notEqual(busy.code, 0);
  assert.match(busy.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${any} failed: port is already allocated`));
  const table = spawnSync('nft', ['list', 'chain', 'inet', d.table, 'published'], { encoding: 'utf8' }).stdout;
  assert.equal(table.split('\n').filter((l) => l.includes('dnat')).length, 3, table);
  // udp form
  ok(d.docker(['run', '-d', '--name', 'udp', '-p', '127.0.0.1::5353/udp', 'busybox', 'sleep', '60']), 'udp');
  assert.match(ok(d.docker(['port', 'udp']), 'port udp'), /^5353\/udp -> 127\.0\.0\.1:\d+$/m);
  ok(d.docker(['rm', '-f', 'web', 'web2', 'udp']), 'rm');
  const after = spawnSync('nft', ['list', 'chain', 'inet', d.table, 'published'], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(after, /dnat/);
});

test('connect and disconnect a running container (--ip, --alias), disconnect -f, prune', () => {
  const sub = freeSubnet(4);
  ok(d.docker(['network', 'create', '--subnet', sub, '--label', 'prune=me', 'cn1']), 'create');
  ok(d.docker(['run', '-d', '--name', 'cc', 'busybox', 'sleep', '300']), 'run');
  ok(d.docker(['run', '-d', '--name', 'peer', '--network', 'cn1', 'busybox', 'sleep', '300']), 'peer');
  const ip = sub.replace('0/24', '77');
  ok(d.docker(['network', 'connect', '--ip', ip, '--alias', 'svc', 'cn1', 'cc']), 'connect');
  const addrs = ok(d.docker(['exec', 'cc', 'ip', '-4', '-o', 'addr']), 'exec');
  assert.match(addrs, new RegExp(`eth1\\s+inet ${ip.replace(/\./g, '\\.')}/24`));
  ok(d.docker(['exec', 'peer', 'ping', '-c1', '-W2', 'svc']), 'peer reaches alias');
  const j = JSON.parse(ok(d.docker(['network', 'inspect', 'cn1']), 'inspect'))[0];
  assert.equal(Object.values(j.Containers as Record<string, { Name: string; IPv4Address: string }>).find((c) => c.Name === 'cc')?.IPv4Address, `${ip}/24`);
  fails(d.docker(['network', 'connect', 'cn1', 'cc']), /endpoint with name cc already exists in network cn1/, 'twice');
  ok(d.docker(['network', 'disconnect', 'cn1', 'cc']), 'disconnect');
  assert.doesNotMatch(ok(d.docker(['exec', 'cc', 'ip', '-o', 'link']), 'links'), /eth1/);
  ok(d.docker(['exec', 'cc', 'ping', '-c1', '-W2', JSON.parse(d.docker(['network', 'inspect', 'bridge']).stdout)[0].IPAM.Config[0].Gateway]), 'default route survives');
  fails(d.docker(['network', 'disconnect', 'cn1', 'cc']), /is not connected to network cn1/, 'disconnect twice');
  ok(d.docker(['network', 'disconnect', '-f', 'cn1', 'peer']), 'disconnect -f');
  // A created container: connect/disconnect change its config (compose does this before start).
  ok(d.docker(['create', '--name', 'later', 'busybox', 'sleep', '300']), 'create');
  ok(d.docker(['network', 'connect', '--alias', 'late', 'cn1', 'later']), 'connect created');
  ok(d.docker(['start', 'later']), 'start');
  assert.match(ok(d.docker(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'later']), 'nets'), /bridge cn1/);
  ok(d.docker(['rm', '-f', 'cc', 'peer', 'later']), 'rm');
  const pruned = ok(d.docker(['network', 'prune', '-f', '--filter', 'label=prune=me']), 'prune');
  assert.match(pruned, /cn1/);
});

test('isolation: other bridges unreachable, --internal has no way out, enable_icc=false', () => {
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(5), 'iso1']), 'iso1');
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(6), 'iso2']), 'iso2');
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(7), '--internal', 'int1']), 'int1');
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(8), '-o', 'com.docker.network.bridge.enable_icc=false', 'noicc']), 'noicc');
  ok(d.docker(['run', '-d', '--name', 'a1', '--network', 'iso1', 'busybox', 'sleep', '300']), 'a1');
  ok(d.docker(['run', '-d', '--name', 'n1', '--network', 'noicc', 'busybox', 'sleep', '300']), 'n1');
  const ipA1 = ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "iso1").IPAddress}}', 'a1']), 'ip').trim();
  const ipN1 = ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "noicc").IPAddress}}', 'n1']), 'ip').trim();
  assert.notEqual(d.docker(['run', '--rm', '--network', 'iso2', 'busybox', 'ping', '-c1', '-W1', ipA1]).code, 0, 'iso2 → iso1 blocked');
  ok(d.docker(['run', '--rm', '--network', 'iso1', 'busybox', 'ping', '-c1', '-W2', ipA1]), 'same network works');
  const internal = d.docker(['run', '--rm', '--network', 'int1', 'busybox', 'sh', '-c', `ip route; ping -c1 -W1 ${hostAddress()}`]);
  assert.doesNotMatch(internal.stdout, /default/);
  assert.notEqual(internal.code, 0, 'internal network cannot reach the host address');
  assert.notEqual(d.docker(['run', '--rm', '--network', 'noicc', 'busybox', 'ping', '-c1', '-W1', ipN1]).code, 0, 'icc=false blocks');
  ok(d.docker(['rm', '-f', 'a1', 'n1']), 'rm');
  ok(d.docker(['network', 'rm', 'iso1', 'iso2', 'int1', 'noicc']), 'rm nets');
});

test('host, none and container: network modes', () => {
  ok(d.docker(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '300']), 'owner');
  const ownerIp = ok(d.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'owner']), 'ip').trim();
  assert.match(ok(d.docker(['run', '--rm', '--network', 'container:owner', 'busybox', 'ip', '-4', '-o', 'addr']), 'container:'), new RegExp(ownerIp.replace(/\./g, '\\.')));
  assert.doesNotMatch(ok(d.docker(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']), 'none'), /eth0/);
  assert.match(ok(d.docker(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link']), 'host'), /eth0|ens|enp/);
  fails(d.docker(['network', 'connect', 'bridge', 'owner']), /already exists in network bridge/, 'connect bridge twice');
  ok(d.docker(['rm', '-f', 'owner']), 'rm');
});

test('macvlan on a veth parent', () => {
  const parent = `mvp${tag}a`;
  spawnSync('ip', ['link', 'del', parent]);
  assert.equal(spawnSync('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', `mvp${tag}b`]).status, 0);
  spawnSync('ip', ['link', 'set', parent, 'up']);
  spawnSync('ip', ['link', 'set', `mvp${tag}b`, 'up']);
  try {
    const sub = freeSubnet(9);
    ok(d.docker(['network', 'create', '-d', 'macvlan', '--subnet', sub, '-o', `parent=${parent}`, 'mv1']), 'create');
    fails(d.docker(['network', 'create', '-d', 'macvlan', '--subnet', freeSubnet(10), '-o', `parent=${parent}`, 'mv2']), /already using parent interface/, 'same parent');
    ok(d.docker(['run', '-d', '--name', 'm1', '--network', 'mv1', 'busybox', 'sleep', '300']), 'm1');
    const ip = ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "mv1").IPAddress}}', 'm1']), 'ip').trim();
    const out = ok(d.docker(['run', '--rm', '--network', 'mv1', 'busybox', 'sh', '-c', `ip -o link show eth0; ping -c1 -W2 ${ip}`]), 'ping');
    assert.match(out, /eth0@if\d+/, 'a macvlan link on the parent');
    assert.match(out, /1 packets received/);
    ok(d.docker(['rm', '-f', 'm1']), 'rm');
    ok(d.docker(['network', 'rm', 'mv1']), 'rm net');
  } finally {
    spawnSync('ip', ['link', 'del', parent]);
  }
});

test('the user chain: exists, survives rewrites, and its drop rules are final', () => {
  const list = () => spawnSync('nft', ['list', 'chain', 'inet', `${d.table}_user`, 'forward'], { encoding: 'utf8' });
  assert.equal(list().status, 0, 'user chain exists');
  ok(d.docker(['run', '-d', '--name', 'u1', 'busybox', 'sleep', '300']), 'u1');
  const ip = ok(d.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'u1']), 'ip').trim();
  ok(d.docker(['run', '--rm', 'busybox', 'ping', '-c1', '-W2', ip]), 'reachable');
  assert.equal(spawnSync('nft', ['add', 'rule', 'inet', `${d.table}_user`, 'forward', 'ip', 'daddr', ip, 'drop']).status, 0);
  // Force a whole-table rewrite (a new network) and check the user's rule is still there and still works.
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(11), 'uc']), 'create');
  assert.match(list().stdout, new RegExp(`ip daddr ${ip.replace(/\./g, '\\.')} drop`));
  assert.notEqual(d.docker(['run', '--rm', 'busybox', 'ping', '-c1', '-W1', ip]).code, 0, 'user drop holds');
  spawnSync('nft', ['flush', 'chain', 'inet', `${d.table}_user`, 'forward']);
  ok(d.docker(['rm', '-f', 'u1']), 'rm');
  ok(d.docker(['network', 'rm', 'uc']), 'rm net');
});

test('IPv6: a dual-stack network (AAAA names, ping6) and a port published on [::1]', async () => {
  const v6 = `fd42:${(process.pid % 65000).toString(16)}:77::/64`;
  ok(d.docker(['network', 'create', '--ipv6', '--subnet', v6, '--subnet', freeSubnet(12), 'v6n']), 'create');
  ok(d.docker(['run', '-d', '--name', 'a6', '--network', 'v6n', '-p', '[::1]::80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']), 'a6');
  const addr = ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "v6n").GlobalIPv6Address}}', 'a6']), 'inspect').trim();
  assert.match(addr, /^fd42:/);
  const out = ok(d.docker(['run', '--rm', '--network', 'v6n', 'busybox', 'sh', '-c', 'ping6 -c1 -W2 a6 && nslookup -type=aaaa a6']), 'ping6');
  assert.ok(out.includes(`Address: ${addr}`), out);
  const port = ok(d.docker(['port', 'a6']), 'port');
  const m = /^80\/tcp -> \[::1\]:(\d+)$/m.exec(port);
  assert.ok(m, port);
  const id = ok(d.docker(['inspect', '-f', '{{.Config.Hostname}}', 'a6']), 'hostname').trim();
  await waitFor(async () => (await tcpGet('::1', Number(m![1])).catch(() => '')).includes(id), 10_000, 'published port on [::1]');
  ok(d.docker(['rm', '-f', 'a6']), 'rm');
  await assert.rejects(tcpGet('::1', Number(m![1])), 'the proxy is gone with the container');
  ok(d.docker(['network', 'rm', 'v6n']), 'rm net');
});

test('several networks at run, and events for create/connect/disconnect/destroy', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(13), 'ma']), 'ma');
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(14), 'mb']), 'mb');
  const out = ok(d.docker(['run', '--rm', '--name', 'multi', '--network', 'ma', '--network', 'mb', 'busybox', 'ip', '-4', '-o', 'addr']), 'run');
  assert.match(out, /eth0\s+inet/);
  assert.match(out, /eth1\s+inet/);
  ok(d.docker(['network', 'rm', 'ma', 'mb']), 'rm');
  const ev = ok(d.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.Attributes.name}}']), 'events');
  for (const l of ['create ma', 'create mb', 'connect ma', 'connect mb', 'disconnect ma', 'disconnect mb', 'destroy ma', 'destroy mb']) assert.ok(ev.includes(l), `${l} in\n${ev}`);
});

test('the berth CLI: network create/ls/inspect/connect/disconnect/rm/prune', () => {
  const sub = freeSubnet(15);
  const id = ok(d.berth(['network', 'create', '--subnet', sub, '--label', 'k=v', 'bn']), 'create').trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(ok(d.berth(['network', 'ls']), 'ls'), /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
  assert.equal(ok(d.berth(['network', 'ls', '-q', '--filter', 'label=k=v']), 'ls -q').trim(), id.slice(0, 12));
  assert.equal(ok(d.berth(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', 'bn']), 'inspect').trim(), sub);
  ok(d.docker(['run', '-d', '--name', 'bc', 'busybox', 'sleep', '300']), 'run');
  ok(d.berth(['network', 'connect', '--alias', 'ba', 'bn', 'bc']), 'connect');
  assert.match(ok(d.docker(['inspect', '-f', '{{json (index .NetworkSettings.Networks "bn").Aliases}}', 'bc']), 'aliases'), /"ba"/);
  ok(d.berth(['network', 'disconnect', 'bn', 'bc']), 'disconnect');
  ok(d.docker(['rm', '-f', 'bc']), 'rm');
  const rm = d.berth(['network', 'rm', 'bn', 'nosuch']);
  assert.equal(rm.code, 1);
  assert.equal(rm.stdout, 'bn\n');
  assert.match(rm.stderr, /network nosuch not found/);
  ok(d.berth(['network', 'create', 'bp']), 'create bp');
  assert.match(ok(d.berth(['network', 'prune', '-f']), 'prune'), /Deleted Networks:\nbp\n/);
});

test('the embedded DNS answers over UDP and TCP on the network gateway', async () => {
  const { createSocket } = await import('node:dgram');
  ok(d.docker(['network', 'create', '--subnet', freeSubnet(16), 'tcpdns']), 'create');
  ok(d.docker(['run', '-d', '--name', 'named', '--network', 'tcpdns', 'busybox', 'sleep', '300']), 'run');
  const gw = JSON.parse(ok(d.docker(['network', 'inspect', 'tcpdns']), 'inspect'))[0].IPAM.Config[0].Gateway as string;
  const ip = ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "tcpdns").IPAddress}}', 'named']), 'ip').trim();
  const q = Buffer.concat([Buffer.from([0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5]), Buffer.from('named'), Buffer.from([0, 0, 1, 0, 1])]);
  const lastA = (r: Buffer) => [...r.subarray(r.length - 4)].join('.');
  const udp = await new Promise<Buffer>((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => { s.close(); reject(new Error('udp timeout')); }, 3000);
    s.once('message', (m) => { clearTimeout(t); s.close(); resolve(m); });
    s.send(q, 53, gw);
  });
  assert.equal(lastA(udp), ip);
  const tcp = await new Promise<Buffer>((resolve, reject) => {
    const c = createConnection({ host: gw, port: 53 }, () => c.write(Buffer.concat([Buffer.from([0, q.length]), q])));
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => { c.destroy(); reject(new Error('tcp timeout')); }, 3000);
    c.on('data', (x) => { buf = Buffer.concat([buf, x]); if (buf.length >= 2 + buf.readUInt16BE(0)) { clearTimeout(t); c.destroy(); resolve(buf.subarray(2)); } });
    c.on('error', (e) => { clearTimeout(t); reject(e); });
  });
  assert.equal(tcp.readUInt16BE(0), 0xabcd);
  assert.equal(lastA(tcp), ip);
  ok(d.docker(['rm', '-f', 'named']), 'rm');
  ok(d.docker(['network', 'rm', 'tcpdns']), 'rm net');
});
