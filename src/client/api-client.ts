// A small typed client for the Docker Engine API over node:http. It negotiates the API version the way the
// docker CLI does (one unversioned HEAD /_ping, then min(client max, server Api-Version)), reuses one keep-alive
// connection for ordinary calls and opens a fresh connection for each hijack (attach, exec start).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { ApiError, ConnectionError, isUnreachable } from './errors.js';
import { DEFAULT_HOST, parseHost, type Endpoint } from './endpoint.js';

export const CLIENT_MAX_API_VERSION = '1.50';
/** What the docker CLI assumes when /_ping carries no Api-Version header. */
const FALLBACK_API_VERSION = '1.24';
const MAX_ERROR_BODY = 1 << 20;

export type QueryValue = string | number | boolean | string[] | undefined | null;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** A plain value is sent as JSON; a Buffer or string as is; a Readable is streamed chunked. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Content-Type for Buffer/string/stream bodies (JSON bodies always use application/json). */
  contentType?: string;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** `unix:///path`, `tcp://host:port`, ... or an already parsed endpoint. Default unix:///run/berth/berth.sock. */
  host?: string | Endpoint;
  /** Pin the API version and skip negotiation (DOCKER_API_VERSION). */
  apiVersion?: string;
  userAgent?: string;
}

export interface PingInfo {
  apiVersion: string;
  osType?: string;
  experimental: boolean;
  builderVersion?: string;
}

export interface Hijacked {
  /** The raw connection: read the (multiplexed or raw) output, write stdin, `end()` to half-close. */
  socket: Socket;
  /** Content-Type of the 101 response (multiplexed-stream or raw-stream). */
  contentType: string;
}

/** Compare dotted versions the way Go's api/types/versions does (missing or non-numeric parts count as 0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = parseInt(pa[i] ?? '0', 10) || 0;
    const y = parseInt(pb[i] ?? '0', 10) || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Go's url.Values.Encode: keys sorted, repeated keys for arrays, booleans as 1/0. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const v = query[key];
    if (v === undefined || v === null) continue;
    const values = Array.isArray(v) ? v : [typeof v === 'boolean' ? (v ? '1' : '0') : String(v)];
    for (const one of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(one)}`);
  }
  return parts.length ? '?' + parts.join('&') : '';
}

export class ApiClient {
  readonly endpoint: Endpoint;
  private readonly agent: http.Agent;
  private readonly userAgent: string;
  private pinnedVersion: string | undefined;
  private negotiation: Promise<PingInfo> | undefined;
  private pingInfo: PingInfo | undefined;

  constructor(opts: ClientOptions = {}) {
    this.endpoint = typeof opts.host === 'object' ? opts.host : parseHost(opts.host ?? DEFAULT_HOST);
    this.userAgent = opts.userAgent ?? 'Docker-Client/28.2.2 (linux)';
    this.pinnedVersion = opts.apiVersion;
    this.agent = this.endpoint.tls ? newHttpsAgent(this.endpoint) : new http.Agent({ keepAlive: true });
  }

  /** The API version in use (negotiated on first use unless pinned). */
  async apiVersion(): Promise<string> {
    if (this.pinnedVersion) return this.pinnedVersion;
    return (await this.negotiate()).apiVersion;
  }

  /** Result of the first /_ping (undefined if the version was pinned and nothing pinged yet). */
  get lastPing(): PingInfo | undefined { return this.pingInfo; }

  /** HEAD /_ping, falling back to GET for statuses other than 200/500, exactly once per client. */
  negotiate(): Promise<PingInfo> {
    this.negotiation ??= (async () => {
      let res = await this.send('HEAD', '/_ping', {});
      res.resume();
      if (res.statusCode !== 200 && res.statusCode !== 500) {
        res = await this.send('GET', '/_ping', {});
        res.resume();
      }
      const h = res.headers;
      const server = header(h, 'api-version');
      let apiVersion = CLIENT_MAX_API_VERSION;
      const offered = server ?? FALLBACK_API_VERSION;
      if (compareVersions(offered, apiVersion) < 0) apiVersion = offered;
      const info: PingInfo = { apiVersion, experimental: header(h, 'docker-experimental') === 'true' };
      const os = header(h, 'ostype');
      if (os) info.osType = os;
      const bv = header(h, 'builder-version');
      if (bv) info.builderVersion = bv;
      this.pingInfo = info;
      return info;
    })();
    return this.negotiation;
  }

  /** Send a request under /vX.Y and resolve with the response once headers arrive; statuses >= 400 reject. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    const version = await this.apiVersion();
    const res = await this.send(method, `/v${version}${path}`, opts);
    if ((res.statusCode ?? 0) >= 400) throw await readError(res, `/v${version}${path}`);
    return res;
  }

  /** Request and parse a JSON body (undefined for empty bodies, e.g. 204/304). */
  async json<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = (await readAll(res)).toString('utf8');
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Request and discard the body; resolves with the status code (204, 304, ...). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<number> {
    const res = await this.request(method, path, opts);
    await readAll(res);
    return res.statusCode ?? 0;
  }

  /**
   * Open a new connection and upgrade it (Connection: Upgrade, Upgrade: tcp). Resolves with the raw socket after
   * a 101; any other status rejects (errors >= 400 as ApiError, else "unable to upgrade to tcp, received N").
   */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    const version = await this.apiVersion();
    const full = `/v${version}${path}${encodeQuery(opts.query)}`;
    const { headers, payload } = this.encodeBody(opts);
    headers['Connection'] = 'Upgrade';
    headers['Upgrade'] = 'tcp';
    if (payload === undefined && !headers['Content-Type']) headers['Content-Type'] = 'text/plain';
    return new Promise<Hijacked>((resolve, reject) => {
      const req = this.rawRequest(method, full, headers, false);
      req.on('upgrade', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
        if (head.length > 0) socket.unshift(head);
        socket.setNoDelay?.(true);
        resolve({ socket, contentType: header(res.headers, 'content-type') ?? '' });
      });
      req.on('response', (res) => {
        if ((res.statusCode ?? 0) >= 400) readError(res, full).then(reject, reject);
        else { res.resume(); reject(new Error(`unable to upgrade to tcp, received ${res.statusCode}`)); }
      });
      req.on('error', (e) => reject(this.wrapError(e)));
      if (payload !== undefined && !isReadable(payload)) req.end(payload);
      else req.end();
    });
  }

  /** Free the keep-alive connection(s). */
  close(): void { this.agent.destroy(); }

  // --- internals ---

  private encodeBody(opts: RequestOptions): { headers: Record<string, string>; payload: Buffer | string | Readable | undefined } {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...(opts.headers ?? {}) };
    const b = opts.body;
    if (b === undefined) return { headers, payload: undefined };
    if (isReadable(b)) {
      headers['Content-Type'] = opts.contentType ?? 'text/plain';
      return { headers, payload: b };
    }
    if (typeof b === 'string' || Buffer.isBuffer(b)) {
      headers['Content-Type'] = opts.contentType ?? 'text/plain';
      return { headers, payload: b };
    }
    headers['Content-Type'] = 'application/json';
    return { headers, payload: JSON.stringify(b) + '\n' };
  }

  private rawRequest(method: string, path: string, headers: Record<string, string>, useAgent: boolean): http.ClientRequest {
    const ep = this.endpoint;
    // Like the Go client: the dummy host over unix sockets, the real one over TCP (TLS verifies the name Node derives from it).
    const hostHeader = ep.socketPath ? 'api.moby.localhost' : `${ep.hostname}:${ep.port}`;
    const base: http.RequestOptions = { method, path, headers: { Host: hostHeader, ...headers } };
    if (useAgent) base.agent = this.agent;
    else if (ep.tls) base.agent = false;
    else base.agent = false;
    if (ep.socketPath) base.socketPath = ep.socketPath;
    else { base.host = ep.hostname; base.port = ep.port; }
    if (ep.tls) {
      const t = ep.tls;
      // Lazy: https pulls in tls, which costs startup time the unix-socket path never needs.
      const https = requireHttps();
      // Verify against the -H host, not the Host header Node would otherwise derive the name from ('' = use host, for IPs).
      const servername = /^[\d.]+$|:/.test(ep.hostname ?? '') ? '' : ep.hostname;
      const o = { ...base, ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: t.verify, servername };
      return https.request(o as never);
    }
    return http.request(base);
  }

  private send(method: string, path: string, opts: RequestOptions): Promise<http.IncomingMessage> {
    const full = path + encodeQuery(opts.query);
    const { headers, payload } = this.encodeBody(opts);
    if (payload === undefined && method !== 'GET' && method !== 'HEAD') headers['Content-Length'] = '0';
    else if (payload !== undefined && !isReadable(payload)) headers['Content-Length'] = String(Buffer.byteLength(payload));
    return new Promise((resolve, reject) => {
      const req = this.rawRequest(method, full, headers, true);
      req.on('response', resolve);
      req.on('error', (e) => reject(this.wrapError(e)));
      if (opts.signal) {
        const onAbort = () => req.destroy(new Error('aborted'));
        if (opts.signal.aborted) onAbort();
        else opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      if (payload === undefined) req.end();
      else if (isReadable(payload)) {
        payload.on('error', (e) => req.destroy(e));
        payload.pipe(req);
      } else req.end(payload);
    });
  }

  private wrapError(e: unknown): Error {
    // A reset mid-exchange is a broken stream, not "daemon not running".
    if (isUnreachable(e) && (e as { code: string }).code !== 'ECONNRESET') return new ConnectionError(this.endpoint.url, e);
    return e instanceof Error ? e : new Error(String(e));
  }

}

let httpsModule: typeof import('node:https') | undefined;
function requireHttps(): typeof import('node:https') {
  if (!httpsModule) throw new Error('https not loaded; call loadTls() first');
  return httpsModule;
}

/** TLS endpoints need node:https; loaded on demand so unix-socket users never pay for it. */
export async function loadTls(): Promise<void> {
  httpsModule ??= await import('node:https');
}

function newHttpsAgent(ep: Endpoint): http.Agent {
  const https = requireHttps();
  const t = ep.tls!;
  return new https.Agent({ keepAlive: true, ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: t.verify });
}

function isReadable(x: unknown): x is Readable {
  return typeof x === 'object' && x !== null && typeof (x as Readable).pipe === 'function' && typeof (x as Readable).on === 'function';
}

function header(h: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Read a whole body. */
export function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Turn an error response into ApiError with the docker client's fallbacks for empty bodies. */
async function readError(res: http.IncomingMessage, url: string): Promise<ApiError> {
  const status = res.statusCode ?? 0;
  const statusLine = `${status} ${res.statusMessage ?? http.STATUS_CODES[status] ?? ''}`.trim();
  const body = await readAll(res);
  if (body.length > MAX_ERROR_BODY) return new ApiError(status, `error message from daemon too large`);
  const text = body.toString('utf8');
  if (text.trim() === '') {
    return new ApiError(status, `request returned ${statusLine} for API route and version ${url}, check if the server supports the requested API version`);
  }
  const ct = header(res.headers, 'content-type') ?? '';
  if (ct.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(text) as { message?: string };
      if (!parsed.message) return new ApiError(status, `API returned a ${statusLine} but provided no error-message`);
      return new ApiError(status, parsed.message);
    } catch { /* fall through to the raw text */ }
  }
  return new ApiError(status, text.trim());
}
