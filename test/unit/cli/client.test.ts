import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ApiClient, ApiError, ConnectionError, compareVersions, demuxStream, encodeFrame, encodeQuery, FrameParser, parseHost } from '../../../src/client/index.js';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

/** A fake daemon on a unix socket that records requests and answers from a handler. */
async function fake(apiVersion: string | undefined, handler: (req: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      if (req.url === '/_ping') { if (apiVersion) res.setHeader('Api-Version', apiVersion); res.end(); return; }
      handler(s, res);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: head.toString() });
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    socket.write(encodeFrame(1, 'out\n'));
    socket.end(encodeFrame(2, 'err\n'));
  });
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const sock = join(dir, 's.sock');
  await new Promise<void>((r) => server.listen(sock, r));
  return { seen, sock, close: () => new Promise<void>((r) => server.close(() => { rmSync(dir, { recursive: true, force: true }); r(); })) };
}

test('negotiates min(1.50, Api-Version) once, with docker headers', async () => {
  const f = await fake('1.41', (_s, res) => { res.setHeader('Content-Type', 'application/json'); res.end('[]\n'); });
  const c = new ApiClient({ host: `unix://${f.sock}` });
  assert.deepEqual(await c.json('GET', '/containers/json', { query: { all: true, filters: '{"a":{"b":true}}' } }), []);
  await c.json('GET', '/images/json');
  assert.deepEqual(f.seen.map((s) => `${s.method} ${s.url}`), ['HEAD /_ping', 'GET /v1.41/containers/json?all=1&filters=%7B%22a%22%3A%7B%22b%22%3Atrue%7D%7D', 'GET /v1.41/images/json']);
  assert.equal(f.seen[1]!.headers['user-agent'], 'Docker-Client/28.2.2 (linux)');
  c.close(); await f.close();
  const g = await fake('1.60', (_s, res) => res.end());
  const c2 = new ApiClient({ host: `unix://${g.sock}` });
  assert.equal(await c2.apiVersion(), '1.50');
  c2.close(); await g.close();
  const h = await fake(undefined, (_s, res) => res.end());
  const c3 = new ApiClient({ host: `unix://${h.sock}` });
  assert.equal(await c3.apiVersion(), '1.24');
  c3.close(); await h.close();
});

test('errors: JSON message, empty body fallback, connection failure', async () => {
  const f = await fake('1.50', (s, res) => {
    if (s.url.includes('missing')) { res.statusCode = 404; res.setHeader('Content-Type', 'application/json'); res.end('{"message":"No such container: missing"}\n'); }
    else { res.statusCode = 500; res.end(); }
  });
  const c = new ApiClient({ host: `unix://${f.sock}` });
  await assert.rejects(c.call('POST', '/containers/missing/stop'), (e: unknown) => e instanceof ApiError && e.status === 404 && e.message === 'No such container: missing');
  await assert.rejects(c.call('POST', '/x'), /request returned 500 Internal Server Error for API route and version \/v1.50\/x/);
  const body = f.seen.find((s) => s.url.includes('stop'))!;
  assert.equal(body.headers['content-length'], '0');
  c.close(); await f.close();
  const dead = new ApiClient({ host: 'unix:///nonexistent/berth.sock' });
  await assert.rejects(dead.call('GET', '/info'), (e: unknown) => e instanceof ConnectionError &&
    e.message === 'Cannot connect to the Docker daemon at unix:///nonexistent/berth.sock. Is the docker daemon running?');
});

test('hijack sends Upgrade headers and the JSON body; frames demultiplex', async () => {
  const f = await fake('1.50', (_s, res) => res.end());
  const c = new ApiClient({ host: `unix://${f.sock}` });
  const hj = await c.hijack('POST', '/exec/abc/start', { body: { Detach: false, Tty: false } });
  const out = new PassThrough(); const err = new PassThrough();
  let o = '', e = '';
  out.on('data', (d) => { o += d; }); err.on('data', (d) => { e += d; });
  await demuxStream(hj.socket, out, err);
  assert.equal(o, 'out\n'); assert.equal(e, 'err\n');
  const up = f.seen.find((s) => s.url.includes('/exec/'))!;
  assert.equal(up.headers.upgrade, 'tcp');
  assert.equal(up.headers.connection, 'Upgrade');
  assert.equal(hj.contentType, 'application/vnd.docker.multiplexed-stream');
  c.close(); await f.close();
});

test('pure helpers: versions, query encoding, frames, hosts', () => {
  assert.equal(compareVersions('1.41', '1.50'), -1);
  assert.equal(compareVersions('banana', '1.50'), -1);
  assert.equal(encodeQuery({ stdout: '1', stderr: '1', stream: '1', names: ['a', 'b'], skip: undefined }), '?names=a&names=b&stderr=1&stdout=1&stream=1');
  const p = new FrameParser();
  const f = encodeFrame(1, 'hi\n');
  assert.deepEqual(p.push(f.subarray(0, 5)), []);
  assert.deepEqual(p.push(f.subarray(5)).map((x) => [x.stream, x.payload.toString()]), [[1, 'hi\n']]);
  assert.deepEqual(parseHost('tcp://1.2.3.4'), { url: 'tcp://1.2.3.4', hostname: '1.2.3.4', port: 2375 });
  assert.equal(parseHost('unix:///run/x.sock').socketPath, '/run/x.sock');
});
