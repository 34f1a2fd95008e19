// docker-compose 1.29 (Debian's docker-compose package, on docker-py) against berthd: a two-service project with
// depends_on, a named volume, a user-defined network with an alias, env and a port published on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { startDaemon, uniqueSuffix, waitFor, type TestDaemon } from '../helpers/daemon.js';

const COMPOSE = '/usr/bin/docker-compose';

let d: TestDaemon;
let work: string;
let project: string;
let port: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function compose(args: string[], timeout = 120_000) {
  const r = spawnSync(COMPOSE, ['-p', project, '--ansi', 'never', ...args], {
    cwd: work, timeout, encoding: 'utf8',
    env: { ...process.env, DOCKER_HOST: d.host, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', COMPOSE_INTERACTIVE_NO_CLI: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ok(r: { code: number; stdout: string; stderr: string }, what: string): string {
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

before(async () => {
  d = await startDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  project = `bc${uniqueSuffix()}`;
  port = await freePort();
  // `$$` is compose's escape for a literal `$`: the variables are expanded by the container's shell.
  writeFileSync(join(work, 'docker-compose.yml'), `version: "3.8"
services:
  db:
    image: busybox
    command: ["sh", "-c", "echo db-ready; echo stored-in-volume > /data/hello.txt; exec httpd -f -p 8080 -h /data"]
    environment:
      ROLE: database
    volumes:
      - data:/data
    networks:
      backend:
        aliases: [database]
    ports:
      - "127.0.0.1:${port}:8080"
  web:
    image: busybox
    depends_on: [db]
    command: ["sh", "-c", "echo web-up $$GREETING; exec sleep 300"]
    environment:
      GREETING: hi-compose
    volumes:
      - data:/shared:ro
    networks: [backend]
volumes:
  data:
networks:
  backend:
`);
});

after(async () => {
  // If a test failed half-way, take the project down before the daemon goes.
  if (d?.proc && d.proc.exitCode === null && work) compose(['down', '-v', '-t', '1']);
  await d?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('compose up -d, ps, logs, exec -T, published port, alias DNS, down -v', async () => {
  ok(compose(['up', '-d']), 'up -d');

  // ps: both services up
  const ps = ok(compose(['ps']), 'ps');
  assert.match(ps, new RegExp(`${project}_db_1\\s.*Up`), ps);
  assert.match(ps, new RegExp(`${project}_web_1\\s.*Up`), ps);
  assert.match(ps, /127\.0\.0\.1:\d+->8080\/tcp/, ps);
  const ids = ok(compose(['ps', '-q']), 'ps -q').split('\n').filter(Boolean);
  assert.equal(ids.length, 2);
  assert.deepEqual(ok(compose(['ps', '--services']), 'ps --services').split('\n').filter(Boolean).sort(), ['db', 'web']);

  // depends_on: db was started before web
  const started = (name: string) => d.docker(['inspect', '-f', '{{.State.StartedAt}}', `${project}_${name}_1`]).stdout.trim();
  assert.ok(started('db') <= started('web'), `db ${started('db')} web ${started('web')}`);

  // the labels compose relies on to find its containers again
  const labels = JSON.parse(d.docker(['inspect', '-f', '{{json .Config.Labels}}', `${project}_web_1`]).stdout);
  assert.equal(labels['com.docker.compose.project'], project);
  assert.equal(labels['com.docker.compose.service'], 'web');

  // logs of both services
  await waitFor(() => {
    const l = compose(['logs', '--no-color']).stdout;
    return l.includes('db-ready') && l.includes('web-up hi-compose');
  }, 15_000, () => `logs:\n${compose(['logs', '--no-color']).stdout}`);
  const webLogs = ok(compose(['logs', '--no-color', 'web']), 'logs web');
  assert.match(webLogs, /web_1\s+\| web-up hi-compose/);
  assert.doesNotMatch(webLogs, /db-ready/);

  // exec -T: env, the shared named volume, and the network alias resolved by the embedded DNS
  assert.equal(ok(compose(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING']), 'exec env').trim(), 'hi-compose');
  assert.equal(ok(compose(['exec', '-T', 'db', 'sh', '-c', 'echo $ROLE']), 'exec env db').trim(), 'database');
  await waitFor(() => compose(['exec', '-T', 'web', 'cat', '/shared/hello.txt']).stdout === 'stored-in-volume\n', 10_000, 'volume content visible from web');
  const ex = compose(['exec', '-T', 'web', 'sh', '-c', 'exit 3']);
  assert.equal(ex.code, 3, `exec exit code: ${ex.stderr}`);
  assert.equal(ok(compose(['exec', '-T', 'web', 'wget', '-qO-', 'http://database:8080/hello.txt']), 'wget alias').trim(), 'stored-in-volume');
  assert.equal(ok(compose(['exec', '-T', 'web', 'wget', '-qO-', 'http://db:8080/hello.txt']), 'wget service name').trim(), 'stored-in-volume');

  // the published port on 127.0.0.1
  const res = await httpGet(`http://127.0.0.1:${port}/hello.txt`);
  assert.equal(res.status, 200);
  assert.equal(res.body, 'stored-in-volume\n');

  // the project's network and volume exist under compose's names
  assert.match(d.docker(['network', 'ls', '--format', '{{.Name}}']).stdout, new RegExp(`^${project}_backend$`, 'm'));
  assert.match(d.docker(['volume', 'ls', '--format', '{{.Name}}']).stdout, new RegExp(`^${project}_data$`, 'm'));

  ok(compose(['down', '-v', '-t', '1']), 'down -v');
  assert.equal(d.docker(['ps', '-aq']).stdout.trim(), '', 'down removes the containers');
  assert.doesNotMatch(d.docker(['network', 'ls', '--format', '{{.Name}}']).stdout, new RegExp(`${project}_backend`));
  assert.doesNotMatch(d.docker(['volume', 'ls', '--format', '{{.Name}}']).stdout, new RegExp(`${project}_data`));
});
