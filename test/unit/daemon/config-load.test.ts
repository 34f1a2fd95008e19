import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/daemon/config-load.js';

const none = ['--config-file', '/dev/null'];

test('dockerd flag names set the config', () => {
  const { config } = loadConfig([...none, '-H', 'unix:///tmp/a.sock', '--host=tcp://127.0.0.1:2375', '--data-root', '/tmp/d', '--exec-root=/tmp/e',
    '--bridge', 'br9', '--bip', '172.29.0.1/24', '--iptables=false', '--live-restore', '--log-level', 'debug', '--firewall-table', 't1']);
  assert.deepEqual(config.hosts, ['unix:///tmp/a.sock', 'tcp://127.0.0.1:2375']);
  assert.equal(config.dataRoot, '/tmp/d');
  assert.equal(config.execRoot, '/tmp/e');
  assert.equal(config.bridge, 'br9');
  assert.equal(config.bip, '172.29.0.1/24');
  assert.equal(config.iptables, false);
  assert.equal(config.liveRestore, true);
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.firewallTable, 't1');
});

test('unknown flags and bad values are rejected', () => {
  assert.throws(() => loadConfig([...none, '--no-such-flag']), /unknown flag: --no-such-flag/);
  assert.throws(() => loadConfig([...none, '--iptables=maybe']), /invalid argument "maybe"/);
  assert.throws(() => loadConfig([...none, '--log-level', 'loud']), /invalid log level/);
  assert.throws(() => loadConfig([...none, '--data-root']), /flag needs an argument/);
});

test('daemon.json uses dockerd keys; unknown keys, bad JSON and duplicates are errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const f = join(dir, 'daemon.json');
  writeFileSync(f, JSON.stringify({ 'data-root': '/tmp/x', 'live-restore': true, hosts: ['unix:///tmp/s.sock'] }));
  const { config } = loadConfig(['--config-file', f]);
  assert.equal(config.dataRoot, '/tmp/x');
  assert.equal(config.liveRestore, true);
  writeFileSync(f, JSON.stringify({ 'data-rooot': '/tmp/x' }));
  assert.throws(() => loadConfig(['--config-file', f]), /don't match any configuration option: data-rooot/);
  writeFileSync(f, '{ not json');
  assert.throws(() => loadConfig(['--config-file', f]), /unable to configure the Docker daemon with file/);
  writeFileSync(f, JSON.stringify({ 'data-root': '/tmp/x' }));
  assert.throws(() => loadConfig(['--config-file', f, '--data-root', '/tmp/y']), /specified both as a flag and in the configuration file/);
  writeFileSync(f, JSON.stringify({ 'live-restore': 'yes' }));
  assert.throws(() => loadConfig(['--config-file', f]), /cannot unmarshal string/);
  rmSync(dir, { recursive: true });
});
