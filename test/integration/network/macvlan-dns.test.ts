// Embedded DNS for containers whose only network is macvlan: berthd holds 127.0.0.11:53 sockets inside each such
// container's namespace (src/network/ns-dns.ts). Two containers on one macvlan network (on a veth parent) resolve
// each other by name, also after a live-restore restart of the daemon; removal leaves no socket behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDaemon, waitFor, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
const parent = `mvd${process.pid % 10000}a`;

before(async () => {
  spawnSync('ip', ['link', 'del', parent]);
  assert.equal(spawnSync('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', parent.replace(/a$/, 'b')]).status, 0);
  spawnSync('ip', ['link', 'set', parent, 'up']);
  spawnSync('ip', ['link', 'set', parent.replace(/a$/, 'b'), 'up']);
  d = await startDaemon({ extraArgs: ['--live-restore'] });
});
after(async () => {
  await d?.destroy();
  spawnSync('ip', ['link', 'del', parent]);
});

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
};

function freeSubnet(): string {
  const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout;
  for (let i = 0; i < 250; i++) {
    const s = `172.30.${(process.pid + 97 + i) % 250 + 3}.`;
    if (!routes.includes(s)) return `${s}0/24`;
  }
  throw new Error('no free subnet');
}

const ipOf = (name: string) => ok(d.docker(['inspect', '-f', '{{(index .NetworkSettings.Networks "mvdns").IPAddress}}', name]), 'inspect').trim();
const netnsOf = (name: string) => join(d.execRoot, 'netns', ok(d.docker(['inspect', '-f', '{{.Id}}', name]), 'id').trim());

/** The inode of the UDP socket on 127.0.0.11:53 inside a container's namespace, if one is bound. */
function dnsSocketInode(netns: string): string | undefined {
  const out = spawnSync('nsenter', [`--net=${netns}`, 'ss', '-H', '-lnue', 'src', '127.0.0.11:53'], { encoding: 'utf8' }).stdout;
  return /ino:(\d+)/.exec(out)?.[1];
}

function daemonSocketInodes(): Set<string> {
  const dir = `/proc/${d.proc!.pid}/fd`;
  const out = new Set<string>();
  for (const fd of readdirSync(dir)) {
    try { const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(join(dir, fd))); if (m) out.add(m[1]!); } catch { /* closed meanwhile */ }
  }
  return out;
}

/** nslookup <name> from inside `from` through 127.0.0.11 (the resolv.conf nameserver) names `ip`. */
function resolves(from: string, name: string, ip: string): boolean {
  const r = d.docker(['exec', from, 'nslookup', name]);
  return r.code === 0 && r.stdout.includes('Server:\t\t127.0.0.11') && new RegExp(`Name:\\s+${name}\\s*\\nAddress: ${ip.replace(/\./g, '\\.')}\\b`).test(r.stdout);
}

test('macvlan-only containers resolve each other through 127.0.0.11, also after a live-restore restart', async () => {
  ok(d.docker(['network', 'create', '-d', 'macvlan', '--subnet', freeSubnet(), '-o', `parent=${parent}`, 'mvdns']), 'create');
  ok(d.docker(['run', '-d', '--name', 'ma', '--network', 'mvdns', 'busybox', 'sleep', '600']), 'ma');
  ok(d.docker(['run', '-d', '--name', 'mb', '--network', 'mvdns', 'busybox', 'sleep', '600']), 'mb');
  const [ipa, ipb] = [ipOf('ma'), ipOf('mb')];
  const resolv = ok(d.docker(['exec', 'ma', 'cat', '/etc/resolv.conf']), 'resolv.conf');
  assert.deepEqual(resolv.split('\n').filter((l) => l.startsWith('nameserver')), ['nameserver 127.0.0.11'], resolv);
  assert.match(resolv, /# ExtServers: \[/);
  assert.ok(resolves('ma', 'mb', ipb), ok(d.docker(['exec', 'ma', 'nslookup', 'mb']), 'nslookup'));
  assert.ok(resolves('mb', 'ma', ipa), 'mb finds ma');
  // The sockets in the namespace are berthd's own (the helper that bound them is gone).
  const ino = dnsSocketInode(netnsOf('ma'));
  assert.ok(ino && daemonSocketInodes().has(ino), `berthd holds 127.0.0.11:53 in ma's namespace (${ino})`);

  await d.stop();
  await d.start();
  await waitFor(async () => resolves('ma', 'mb', ipb), 10_000, 'ma finds mb after the restart');
  assert.ok(resolves('mb', 'ma', ipa), 'mb finds ma after the restart');

  const inodes = ['ma', 'mb'].map((n) => dnsSocketInode(netnsOf(n)));
  assert.ok(inodes.every((i) => i && daemonSocketInodes().has(i)), 'the new daemon holds them');
  ok(d.docker(['rm', '-f', 'ma', 'mb']), 'rm');
  const held = daemonSocketInodes();
  assert.ok(inodes.every((i) => !held.has(i!)), 'removal closes the sockets');
  assert.equal(spawnSync('pgrep', ['-f', 'bindAndHandOver']).status, 1, 'no helper left running');
  assert.deepEqual(readdirSync(join(d.execRoot, 'netns')), [], 'no namespace left');
  ok(d.docker(['network', 'rm', 'mvdns']), 'rm net');
});

test('the helper hands over working sockets, and reports why when it cannot bind', async () => {
  const { openNsDnsSockets } = await import('../../../src/network/ns-dns.js');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'berth-nsdns-'));
  const ns = join(dir, 'ns');
  writeFileSync(ns, '');
  assert.equal(spawnSync('unshare', [`--net=${ns}`, 'ip', 'link', 'set', 'lo', 'up']).status, 0);
  try {
    const first = await openNsDnsSockets('nsenter', ns);
    try {
      first.udp.on('message', (m, r) => first.udp.send(m, r.port, r.address));
      // Asynchronously: the echo runs on this process's event loop. The echoed query is no answer, so nslookup
      // fails either way; refused or timed out would mean nothing listened inside the namespace.
      const { execFile } = await import('node:child_process');
      const out = await new Promise<string>((resolve) => execFile('nsenter', [`--net=${ns}`, 'busybox', 'nslookup', '-timeout=2', 'x', '127.0.0.11'], (_e, o, er) => resolve(o + er)));
      assert.doesNotMatch(out, /refused|timed out/i, 'the UDP socket lives in the namespace and answers');
      await assert.rejects(openNsDnsSockets('nsenter', ns), /EADDRINUSE/);
    } finally {
      first.udp.close();
      first.tcp.close();
    }
  } finally {
    spawnSync('umount', [ns]);
    rmSync(dir, { recursive: true, force: true });
  }
});
