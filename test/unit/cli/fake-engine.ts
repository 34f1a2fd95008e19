// A tiny Engine API stand-in on a unix socket: answers /_ping like a 1.50 daemon, records every request body,
// and gives create/update/volume calls a plausible answer, so a CLI's requests can be compared byte for byte.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Recorded { method: string; url: string; body: string }

export interface FakeEngine {
  socket: string;
  dir: string;
  requests: Recorded[];
  /** Bodies of requests whose path (version prefix removed, query kept) matches. */
  bodies(method: string, path: RegExp): string[];
  reset(): void;
  close(): Promise<void>;
}

const ID = '0123456789abcdef'.repeat(4);

export async function startFakeEngine(): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-fake-'));
  const socket = join(dir, 'fake.sock');
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '';
      const path = url.replace(/^\/v[0-9.]+/, '');
      requests.push({ method: req.method ?? '', url: path, body });
      const json = (status: number, v: unknown) => {
        const text = JSON.stringify(v) + '\n';
        res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.50', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (path.startsWith('/_ping')) {
        res.writeHead(200, { 'Api-Version': '1.50', 'OSType': 'linux', 'Docker-Experimental': 'false', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
        return;
      }
      if (req.method === 'POST' && path.startsWith('/containers/create')) return json(201, { Id: ID, Warnings: [] });
      if (req.method === 'POST' && /^\/containers\/[^/]+\/update/.test(path)) return json(200, { Warnings: null });
      if (req.method === 'POST' && path.startsWith('/volumes/create')) {
        const b = body ? JSON.parse(body) as { Name?: string; Driver?: string; Labels?: unknown; DriverOpts?: unknown } : {};
        return json(201, { CreatedAt: '2025-01-01T00:00:00Z', Driver: b.Driver || 'local', Labels: b.Labels ?? null, Mountpoint: '/x', Name: b.Name || ID, Options: b.DriverOpts ?? null, Scope: 'local' });
      }
      json(404, { message: 'page not found' });
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(socket, resolve); });
  return {
    socket, dir, requests,
    bodies: (method, re) => requests.filter((r) => r.method === method && re.test(r.url)).map((r) => r.body),
    reset: () => { requests.length = 0; },
    close: () => new Promise<void>((resolve) => {
      server.close(() => { rmSync(dir, { recursive: true, force: true }); resolve(); });
      server.closeAllConnections();
    }),
  };
}
