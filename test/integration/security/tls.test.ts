// The API socket's mode and group, the insecure-TCP warning, and --tlsverify requiring client certificates
// (openssl-made CA, server and client certs), with the docker CLI and the berth CLI (--tls* flags, env).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, BERTH, type TestDaemon } from '../../helpers/daemon.js';

let d: TestDaemon;
let certs: string;
const port = 23000 + (process.pid % 2000);

function sh(cmd: string): void {
  const r = spawnSync('sh', ['-c', cmd], { cwd: certs, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  certs = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  sh(`openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=berth-test-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem -days 1 -extfile server.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=client 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 -extfile client.ext 2>/dev/null`);
  d = await startDaemon({ importBusybox: false, extraArgs: ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', join(certs, 'ca.pem'),
    '--tlscert', join(certs, 'server-cert.pem'), '--tlskey', join(certs, 'server-key.pem'), '--group', 'root'] });
});
after(async () => {
  await d?.destroy();
  if (certs) rmSync(certs, { recursive: true, force: true });
});

const tcp = `tcp://127.0.0.1:${port}`;

test('the unix socket is mode 0660, owned by root and the configured group', () => {
  const st = statSync(d.socket);
  assert.equal(st.mode & 0o777, 0o660);
  assert.equal(st.uid, 0);
  assert.equal(st.gid, 0);
});

test('--tlsverify: the docker CLI with client certs works; without them the handshake is refused', () => {
  const good = d.docker(['--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'cert.pem'), '--tlskey', join(certs, 'key.pem'),
    '-H', tcp, 'version', '--format', '{{.Server.APIVersion}}'], { env: { DOCKER_HOST: '' } });
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout.trim(), '1.50');
  const bad = d.docker(['--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '-H', tcp, 'version'], { env: { DOCKER_HOST: '', DOCKER_CERT_PATH: '/nonexistent' } });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /certificate|tls|handshake|EOF|reset/i);
  const env = d.docker(['version', '--format', '{{.Server.APIVersion}}'], { env: { DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
  assert.equal(env.code, 0, env.stderr);
});

test('the berth CLI speaks TLS with --tls* flags and with DOCKER_CERT_PATH/DOCKER_TLS_VERIFY', () => {
  const flags = spawnSync(process.execPath, [BERTH, '--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '--tlscert', join(certs, 'cert.pem'),
    '--tlskey', join(certs, 'key.pem'), '-H', tcp, 'ps', '-a'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: '' } });
  assert.equal(flags.status, 0, flags.stderr);
  assert.match(flags.stdout, /^CONTAINER ID/);
  const env = spawnSync(process.execPath, [BERTH, 'ps', '-a'], { encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs } });
  assert.equal(env.status, 0, env.stderr);
  const noCert = spawnSync(process.execPath, [BERTH, '--tlsverify', '--tlscacert', join(certs, 'ca.pem'), '-H', tcp, 'ps'], { encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: '', DOCKER_CERT_PATH: '/nonexistent' } });
  assert.notEqual(noCert.status, 0);
});

test('plain TCP without --tlsverify logs Docker\'s warning', async () => {
  const plain = await startDaemon({ importBusybox: false, extraArgs: ['-H', `tcp://127.0.0.1:${port + 1}`] });
  try {
    assert.match(readFileSync(plain.logFile, 'utf8'), /Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network/);
  } finally { await plain.destroy(); }
});
