// The HTTP server: listeners (unix, tcp, tls), version prefixes, common headers, dispatch and hijacks.
import http from 'node:http';
import https from 'node:https';
import { promises as fs, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../lib/logger.js';
import { notFound, invalid, errorMessage } from '../lib/errors.js';
import { Router } from './router.js';
import { sendError, httpStatus, statusText } from './error-status.js';
import { API_VERSION, MIN_API_VERSION, compareVersions } from './http-util.js';
import { run } from '../lib/exec-file.js';

export const SERVER_HEADER = 'Berth/0.1.0 (linux)';

export function commonHeaders(): Record<string, string> {
  return { 'Api-Version': API_VERSION, 'Docker-Experimental': 'false', 'Ostype': 'linux', 'Server': SERVER_HEADER };
}

interface Resolved { path: string; apiVersion: string }

/** Strips /vX.Y; rejects versions outside [MIN, MAX]; unversioned paths are served at the maximum. */
function resolveVersion(rawPath: string): Resolved {
  const m = /^\/v(\d[^/]*)(\/.*)$/.exec(rawPath); // not /volumes/...
  if (!m) return { path: rawPath, apiVersion: API_VERSION };
  const v = m[1];
  if (!/^\d+\.\d+$/.test(v)) throw notFound('page not found');
  if (compareVersions(v, API_VERSION) > 0) throw invalid(`client version ${v} is too new. Maximum supported API version is ${API_VERSION}`);
  if (compareVersions(v, MIN_API_VERSION) < 0) throw invalid(`client version ${v} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  return { path: m[2], apiVersion: v };
}

export interface ApiServer { close(): Promise<void> }

export async function startApiServer(router: Router, hosts: string[], opts: {
  logger: Logger; group?: string; tls?: { cert: string; key: string; ca?: string; verify: boolean };
}): Promise<ApiServer> {
  const { logger } = opts;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const [k, v] of Object.entries(commonHeaders())) res.setHeader(k, v);
    void dispatch(req, res).catch((e) => {
      if (httpStatus(e) >= 500) logger.error('request failed', { method: req.method, url: req.url, err: errorMessage(e) });
      sendError(res, e);
    });
  };
  const dispatch = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://berth');
    const { path, apiVersion } = resolveVersion(url.pathname);
    logger.debug('request', { method: req.method, path: url.pathname });
    const hit = router.match(req.method ?? 'GET', path);
    if (!hit) throw notFound('page not found');
    if (hit.route.hijack) {
      // A plain HTTP client (no Upgrade header): answer 200 and stream raw on the same socket.
      const socket = req.socket;
      const head = await readAll(req);
      await hit.route.hijack({ req, socket, head, params: hit.params, query: url.searchParams, apiVersion, upgrade: false });
      return;
    }
    await hit.route.handler!({ req, res, params: hit.params, query: url.searchParams, apiVersion });
  };
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://berth');
        const { path, apiVersion } = resolveVersion(url.pathname);
        const hit = router.match(req.method ?? 'GET', path);
        if (!hit) throw notFound('page not found');
        if (!hit.route.hijack) throw invalid('this endpoint cannot be upgraded');
        await hit.route.hijack({ req, socket, head, params: hit.params, query: url.searchParams, apiVersion, upgrade: true });
      } catch (e) {
        writeRawError(socket, e);
      }
    })();
  };

  const servers: Array<http.Server | https.Server> = [];
  const unixPaths: string[] = [];
  for (const host of hosts) {
    const server = opts.tls && host.startsWith('tcp://')
      ? https.createServer({
          cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key),
          ca: opts.tls.ca ? readFileSync(opts.tls.ca) : undefined,
          requestCert: opts.tls.verify, rejectUnauthorized: opts.tls.verify,
        }, onRequest)
      : http.createServer(onRequest);
    server.on('upgrade', onUpgrade);
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.on('clientError', (_e, socket) => { socket.destroy(); });
    if (host.startsWith('unix://')) {
      const p = host.slice('unix://'.length);
      await fs.mkdir(dirname(p), { recursive: true });
      await fs.rm(p, { force: true });
      await listen(server, { path: p });
      await fs.chmod(p, 0o660);
      if (opts.group) await run('chgrp', [opts.group, p], { allowFail: true });
      unixPaths.push(p);
    } else if (host.startsWith('tcp://')) {
      const u = new URL(host.replace(/^tcp:/, 'http:'));
      if (!opts.tls) logger.warn('Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network.', { host });
      await listen(server, { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (opts.tls ? 2376 : 2375)) });
    } else {
      throw invalid(`invalid host: ${host}`);
    }
    servers.push(server);
  }
  return {
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); (s as http.Server).closeAllConnections?.(); })));
      for (const p of unixPaths) await fs.rm(p, { force: true });
    },
  };
}

function listen(server: http.Server | https.Server, opts: { path?: string; host?: string; port?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts, () => { server.off('error', reject); resolve(); });
  });
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Errors on a hijack-capable connection before the 101: a plain HTTP error response, then close. */
export function writeRawError(socket: Duplex, e: unknown): void {
  const status = httpStatus(e);
  const body = status === 304 ? '' : JSON.stringify({ message: errorMessage(e) }) + '\n';
  const headers = [`HTTP/1.1 ${status} ${statusText(status)}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(commonHeaders()).map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
  socket.end(headers.join('\r\n') + '\r\n\r\n' + body);
}
