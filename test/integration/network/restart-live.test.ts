// Daemon restarts with live restore: a client hitting a published port every 10 ms sees no failure across a
// clean restart and a kill -9; the nftables tables are byte-identical afterwards (no duplicates); names on a
// user-defined network still resolve; a network removed while the daemon was down leaves nothing behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { startDaemon, waitFor, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;

before(async () => { d = await startDaemon({ extraArgs: ['--live-restore'] }); });
after(async () => { await d?.destroy(); });

function hit(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.write('GET /hostname HTTP/1.0\r\n\r\n'));
    let got = '';
    s.setTimeout(2000, () => { s.destroy(); resolve(false); });
    s.on('data', (c) => { got += c; });
    s.on('end', () => resolve(got.includes('200 OK')));
    s.on('error', () => resolve(false));
  });
}

/** Hits the port every 10 ms until stopped; counts failures. */
function client(port: number) {
  let stop = false; let ok = 0; let failed = 0;
  const done = (async () => {
    while (!stop) {
      const t = Date.now();
      if (await hit(port)) ok++; else failed++;
      await new Promise((r) => setTimeout(r, Math.max(0, 10 - (Date.now() - t))));
    }
  })();
  return { async end() { stop = true; await done; return { ok, failed }; } };
}

const table = () => spawnSync('nft', ['list', 'table', 'inet', d.table], { encoding: 'utf8' }).stdout;

test('live restore keeps published ports, DNS and rules across restart and kill -9', async () => {
  const sub = `172.31.${200 + (process.pid % 50)}.0/24`;
  assert.equal(d.docker(['network', 'create', '--subnet', sub, 'lr']).code, 0);
  assert.equal(d.docker(['run', '-d', '--name', 'web', '--network', 'lr', '-p', '127.0.0.1::80', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']).code, 0);
  assert.equal(d.docker(['run', '-d', '--name', 'cli', '--network', 'lr', 'busybox', 'sleep', '600']).code, 0);
  const port = Number(/:(\d+)/.exec(d.docker(['port', 'web', '80']).stdout)![1]);
  await waitFor(() => hit(port), 10_000, 'port answers');
  const before = table();
  const c = client(port);
  await new Promise((r) => setTimeout(r, 300));
  await d.stop();
  await new Promise((r) => setTimeout(r, 300));
  await d.start();
  await d.kill9();
  await new Promise((r) => setTimeout(r, 300));
  await d.start();
  await new Promise((r) => setTimeout(r, 300));
  const { ok, failed } = await c.end();
  assert.ok(ok > 50, `client made requests (${ok})`);
  assert.equal(failed, 0, `requests failed during restarts: ${failed} of ${ok + failed}`);
  assert.equal(table(), before, 'the table is byte-identical: nothing duplicated, nothing lost');
  const dns = d.docker(['exec', 'cli', 'wget', '-q', '-O', '-', 'http://web/hostname']);
  assert.equal(dns.code, 0, dns.stderr);
  // Removing everything leaves no veth on the network's bridge and no namespace.
  assert.equal(d.docker(['rm', '-f', 'web', 'cli']).code, 0);
  const bridge = JSON.parse(d.docker(['network', 'inspect', 'lr']).stdout)[0].Id.slice(0, 12);
  assert.equal(spawnSync('ip', ['-o', 'link', 'show', 'master', `br-${bridge}`], { encoding: 'utf8' }).stdout.trim(), '');
  assert.equal(d.docker(['network', 'rm', 'lr']).code, 0);
  assert.equal(spawnSync('ip', ['link', 'show', `br-${bridge}`]).status, 1, 'bridge removed');
  assert.doesNotMatch(table(), new RegExp(`br-${bridge}`));
});
