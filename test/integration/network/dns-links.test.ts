// Docker's 127.0.0.11 inside containers on user-defined networks (the nft redirect to the gateway's embedded DNS)
// across network connect/disconnect and a live-restore restart, and the legacy --link environment variables.
// Real berthd, real containers, the docker CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;

before(async () => { d = await startDaemon({ extraArgs: ['--live-restore'] }); });
after(async () => {
  await d?.destroy();
});

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};

const ipOn = (name: string, net: string) => ok(d.docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, name]), `inspect ${name}`).trim();

/** busybox nslookup, optionally against a given server; returns the addresses of the answer section. */
function lookup(container: string, name: string, server?: string): string[] {
  const r = d.docker(['exec', container, 'nslookup', name, ...(server ? [server] : [])]);
  const answer = (r.stdout.split(/\nName:\s/)[1] ?? '');
  return [...answer.matchAll(/Address(?: \d+)?:\s+(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]!);
}

/** A DNS query for `name` (type A) over TCP to 127.0.0.11:53 from inside the container; the answer's A records. */
function lookupTcp(container: string, name: string): string[] {
  const q = Buffer.concat([
    Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
    ...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
  const framed = Buffer.concat([Buffer.from([0, q.length]), q]);
  // The server keeps the connection open; nc quits when the timeout ends it.
  const r = spawnSync('docker', ['exec', '-i', container, 'sh', '-c', 'timeout 2 nc 127.0.0.11 53 | od -An -tu1 -v'],
    { input: framed, env: { ...process.env, DOCKER_HOST: d.host }, encoding: 'utf8' });
  const bytes = r.stdout.trim().split(/\s+/).filter(Boolean).map(Number);
  const msg = bytes.slice(2);
  if (msg.length < 12 || msg[0] !== 0x12 || msg[1] !== 0x34) return [];
  const out: string[] = [];
  // An A record's data is the last 4 bytes of each answer; answers here are compressed pointers (12 bytes + 4).
  for (let i = q.length; i + 16 <= msg.length; i += 16) out.push(msg.slice(i + 12, i + 16).join('.'));
  return out;
}

const netnsOf = (name: string) => join(d.execRoot, 'netns', ok(d.docker(['inspect', '-f', '{{.Id}}', name]), 'id').trim());
const redirectTable = (name: string) => spawnSync('nsenter', [`--net=${netnsOf(name)}`, 'nft', 'list', 'table', 'ip', 'berth_dns'], { encoding: 'utf8' });

test('127.0.0.11 answers on user-defined networks over UDP and TCP, across connect/disconnect and a restart', async () => {
  ok(d.docker(['network', 'create', 'dnsa']), 'net a');
  ok(d.docker(['network', 'create', 'dnsb']), 'net b');
  ok(d.docker(['run', '-d', '--name', 'srva', '--network', 'dnsa', 'busybox', 'sleep', '600']), 'srva');
  ok(d.docker(['run', '-d', '--name', 'srvb', '--network', 'dnsb', 'busybox', 'sleep', '600']), 'srvb');
  ok(d.docker(['run', '-d', '--name', 'cli', '--network', 'dnsa', 'busybox', 'sleep', '600']), 'cli');
  const a = ipOn('srva', 'dnsa');
  const b = ipOn('srvb', 'dnsb');

  const resolv = ok(d.docker(['exec', 'cli', 'cat', '/etc/resolv.conf']), 'resolv.conf');
  assert.match(resolv, /^nameserver 127\.0\.0\.11$/m);
  assert.equal(resolv.match(/^nameserver /gm)?.length, 1, resolv);
  assert.match(resolv, /^options ndots:0$/m);
  assert.match(resolv, /^# ExtServers: \[/m);
  assert.deepEqual(lookup('cli', 'srva', '127.0.0.11'), [a]);
  assert.deepEqual(lookup('cli', 'srva'), [a]);
  assert.deepEqual(lookupTcp('cli', 'srva'), [a]);
  // Only the DNS port is redirected, and only from inside: 127.0.0.11 is the container's own loopback otherwise.
  assert.notEqual(d.docker(['exec', 'cli', 'sh', '-c', 'echo x | timeout 2 nc 127.0.0.11 80']).code, 0);

  // Connect b, then leave a: 127.0.0.11 follows to b's gateway; a's names are gone, b's resolve.
  ok(d.docker(['network', 'connect', 'dnsb', 'cli']), 'connect b');
  assert.deepEqual(lookup('cli', 'srvb', '127.0.0.11'), [b]);
  ok(d.docker(['network', 'disconnect', 'dnsa', 'cli']), 'disconnect a');
  assert.deepEqual(lookup('cli', 'srvb', '127.0.0.11'), [b]);
  assert.deepEqual(lookup('cli', 'srva'), []);
  assert.match(ok(d.docker(['exec', 'cli', 'cat', '/etc/resolv.conf']), 'resolv'), /^nameserver 127\.0\.0\.11$/m);
  assert.equal(redirectTable('cli').stdout.match(/dnat to/g)?.length, 2, 'one table, rules replaced, not added');

  // Leave every network with embedded DNS: the redirect goes, resolv.conf is the host's; join again: back.
  ok(d.docker(['network', 'disconnect', 'dnsb', 'cli']), 'disconnect b');
  assert.notEqual(redirectTable('cli').status, 0, 'table removed');
  assert.equal(spawnSync('nsenter', [`--net=${netnsOf('cli')}`, 'ip', 'route', 'show', 'table', 'local', '127.0.0.11'], { encoding: 'utf8' }).stdout, '', 'route removed');
  assert.doesNotMatch(ok(d.docker(['exec', 'cli', 'cat', '/etc/resolv.conf']), 'resolv'), /127\.0\.0\.11/);
  ok(d.docker(['network', 'connect', 'dnsa', 'cli']), 'connect a again');
  assert.match(ok(d.docker(['exec', 'cli', 'cat', '/etc/resolv.conf']), 'resolv'), /^nameserver 127\.0\.0\.11$/m);
  assert.deepEqual(lookup('cli', 'srva'), [a]);

  // Live restore: the rules live in the container's namespace; the listener comes back with the daemon.
  await d.stop();
  await d.start();
  assert.deepEqual(lookup('cli', 'srva', '127.0.0.11'), [a]);
  assert.deepEqual(lookupTcp('cli', 'srva'), [a]);
  ok(d.docker(['rm', '-f', 'srva', 'srvb', 'cli']), 'rm');
  ok(d.docker(['network', 'rm', 'dnsa', 'dnsb']), 'rm nets');
});

test('the default bridge keeps the host resolvers; a second network reaches 127.0.0.11 through the first with DNS', () => {
  ok(d.docker(['network', 'create', 'dnsc']), 'net');
  ok(d.docker(['run', '-d', '--name', 'srvc', '--network', 'dnsc', 'busybox', 'sleep', '600']), 'srvc');
  const plain = ok(d.docker(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']), 'default bridge');
  assert.doesNotMatch(plain, /127\.0\.0\.11/);
  // Default bridge first (no DNS there), the user network second: its link carries the redirect.
  ok(d.docker(['create', '--name', 'two', 'busybox', 'sleep', '600']), 'create');
  ok(d.docker(['network', 'connect', 'dnsc', 'two']), 'connect before start');
  ok(d.docker(['start', 'two']), 'start');
  assert.match(ok(d.docker(['exec', 'two', 'cat', '/etc/resolv.conf']), 'resolv'), /^nameserver 127\.0\.0\.11$/m);
  assert.deepEqual(lookup('two', 'srvc'), [ipOn('srvc', 'dnsc')]);
  ok(d.docker(['rm', '-f', 'srvc', 'two']), 'rm');
  ok(d.docker(['network', 'rm', 'dnsc']), 'rm net');
});

test('--link on the default bridge sets Docker\'s legacy environment variables', () => {
  ok(d.docker(['run', '-d', '--name', 'ldb', '-e', 'PW=secret', '-e', 'MODE=a=b', '--expose', '5432', '--expose', '53/udp', 'busybox', 'sleep', '600']), 'db');
  const ip = ipOn('ldb', 'bridge');
  const env = ok(d.docker(['run', '--rm', '--name', 'lweb', '--link', 'ldb:my-db', '-e', 'MY_DB_ENV_PW=mine', 'busybox', 'env']), 'env').split('\n');
  for (const line of [
    `MY_DB_PORT=udp://${ip}:53`,
    `MY_DB_PORT_5432_TCP=tcp://${ip}:5432`, `MY_DB_PORT_5432_TCP_ADDR=${ip}`, 'MY_DB_PORT_5432_TCP_PORT=5432', 'MY_DB_PORT_5432_TCP_PROTO=tcp',
    `MY_DB_PORT_53_UDP=udp://${ip}:53`, `MY_DB_PORT_53_UDP_ADDR=${ip}`, 'MY_DB_PORT_53_UDP_PORT=53', 'MY_DB_PORT_53_UDP_PROTO=udp',
    'MY_DB_NAME=/lweb/my-db', 'MY_DB_ENV_MODE=a=b', 'MY_DB_ENV_PW=mine',
  ]) assert.ok(env.includes(line), `${line} in:\n${env.join('\n')}`);
  assert.ok(!env.some((l) => l.startsWith('MY_DB_ENV_PATH=') || l.startsWith('MY_DB_ENV_HOME=')), env.join('\n'));
  // A stopped link target fails the start with dockerd's words, and the container is left created.
  ok(d.docker(['stop', '-t', '0', 'ldb']), 'stop');
  const r = d.docker(['run', '--name', 'lweb2', '--link', 'ldb:my-db', 'busybox', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Cannot link to a non running container: \/ldb AS \/lweb2\/my-db/);
  assert.equal(d.docker(['inspect', '-f', '{{.State.Status}}', 'lweb2']).stdout.trim(), 'created');
  ok(d.docker(['rm', '-f', 'ldb', 'lweb2']), 'rm');
});
