// Request decoding and response encoding shared by all routes. Routes never touch raw HTTP details beyond these.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid } from '../lib/errors.js';

export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.24';

/** Moby's rule: "", 0, no, false, none (any case) are false; anything else is true. Absent → dflt. */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null) return dflt;
  return !['', '0', 'no', 'false', 'none'].includes(v.trim().toLowerCase());
}

export function intParam(q: URLSearchParams, name: string, dflt: number): number {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw invalid(`invalid value for ${name}: ${v}`);
  return Math.trunc(n);
}

/** Filters arrive as {"k":{"v":true}} (docker CLI) or {"k":["v"]} (docker-py); both become k → [v...]. */
export function filtersParam(q: URLSearchParams): Record<string, string[]> {
  const raw = q.get('filters');
  if (!raw) return {};
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch (e) { throw invalid(`invalid filter: ${(e as Error).message}`); }
  return normalizeFilters(parsed);
}

export function normalizeFilters(parsed: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('invalid filter: expected an object');
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v && typeof v === 'object') out[k] = Object.entries(v as Record<string, unknown>).filter(([, on]) => on !== false).map(([x]) => x);
    else if (typeof v === 'string') out[k] = [v];
    else throw invalid(`invalid filter '${k}'`);
  }
  return out;
}

export function checkFilterKeys(filters: Record<string, string[]>, allowed: string[]): void {
  for (const k of Object.keys(filters)) if (!allowed.includes(k)) throw invalid(`invalid filter '${k}'`);
}

export async function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw invalid('request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON body; empty body → `dflt` (or 400 when no default). Malformed JSON → 400 with the parser's words. */
export async function readJsonBody<T>(req: IncomingMessage, dflt?: T): Promise<T> {
  const buf = await readBody(req);
  const text = buf.toString('utf8').trim();
  if (text === '') {
    if (dflt !== undefined) return dflt;
    throw invalid('invalid JSON: request body is empty');
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw invalid(`invalid JSON: ${(e as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  if (status === 204 || status === 304) res.writeHead(status);
  else res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** Starts a chunked JSON-lines stream with the headers flushed at once (wait, events, progress). */
export function startJsonStream(res: ServerResponse): (obj: unknown) => void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (obj: unknown) => { if (!res.writableEnded) res.write(JSON.stringify(obj) + '\r\n'); };
}

/** Compares dotted API versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
